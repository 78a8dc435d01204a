"""``make bench``: raw urllib3 vs gemwire vs google-genai against one fast local server.

Run with any Python 3.10+: the first step makes (or reuses) ``bench/.venv`` with gemwire
(editable), google-genai 3.6.1, matplotlib and pyinstrument, then re-runs this file inside
it. Method and how to read the table: ``bench/README.md``.

A measurement is a :class:`Task` (what ``clients.py`` runs, how often, and the figure taken
from its samples); a line of the table is a :class:`Row` (a figure, how it compares with the
floor, and gemwire's target, if any). A new measurement is one entry in each list.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV = BENCH / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
GEMWIRE_STAMP = VENV / ".gemwire-installed"
PINNED = {"matplotlib": "3.11.2", "pyinstrument": "5.1.3"}
GENAI = ("google-genai", "3.6.1")

REPEATS = 9  # median of these, after one warm-up round (fewer for the long tasks)
BUDGET = 0.12  # seconds of decode / encode loops per repeat
IMPORT_ROUNDS = 11  # fresh interpreters per package for the import time
COLD_ROUNDS = 11  # fresh processes per client for the first call
RSS_ROUNDS = 3
UPLOAD_MB = 20.0  # megabytes of base64 in the upload's request (payloads.UPLOAD_BYTES * 4 / 3)
AIO_TASKS, AIO_CALLS = 64, 10  # concurrent asyncio tasks, and awaited calls per task, per repeat
LAG_TASKS, LAG_CALLS = 256, 3  # the same while the event loop's lag is measured
LAG_TICK = 0.001  # seconds the lag probe sleeps each time

# What each client imports, and the client it creates, for the import and memory figures.
IMPORTS = {
    "raw": ("import urllib3, json", "urllib3.HTTPConnectionPool('127.0.0.1', 9, maxsize=1)"),
    "gemwire": ("import gemwire", "gemwire.Client(api_key='k', base_url='http://127.0.0.1:9')"),
    "google-genai": (
        "from google import genai",
        "genai.Client(api_key='k', http_options={'base_url': 'http://127.0.0.1:9'})",
    ),
}
RSS_CODE = """\
import resource
{imports}
after_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
client = {client}
after_client = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(after_import, after_client)
"""


def _median_of(name: str, scale: float = 1.0) -> Callable[[list[dict[str, Any]]], float]:
    return lambda samples: statistics.median(s[name] for s in samples) * scale


@dataclass(frozen=True)
class Task:
    """A measurement: the command ``clients.py`` runs, and the figures taken from its results
    (``figures``: figure name -> function of the repeats' results)."""

    command: dict[str, Any]
    figures: dict[str, Callable[[list[dict[str, Any]]], float]]
    repeats: int = REPEATS
    slow_repeats: int | None = None  # for google-genai, on tasks that take it minutes (0: skip)
    warm_up: bool = True  # run once, untimed, before the repeats
    counts_connections: bool = False  # ask the server how many connections the task opened


def _connections(samples: list[dict[str, Any]]) -> float:
    return statistics.median(s["connections"] for s in samples)


def _lags(samples: list[dict[str, Any]]) -> list[float]:
    """The loop-lag samples of all repeats, pooled and sorted: the worse the lag, the fewer
    samples a repeat gets, so they are pooled rather than taken per repeat."""
    return sorted(lag for s in samples for lag in s["lags_ms"])


def _p99(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.99))]


TASKS: list[Task] = [
    *(
        Task(
            {"task": "calls", "answer": answer, "count": count},
            {f"calls_{answer}": _median_of("per_second")},
        )
        for answer, count in (("small", 600), ("image", 24), ("large", 6))
    ),
    Task(
        {"task": "first_chunk", "chunks": 20, "count": 40},
        {"first_chunk_ms": _median_of("seconds", 1000)},
    ),
    Task({"task": "stream", "chunks": 2000}, {"stream": _median_of("per_second")}),
    *(
        Task(
            {"task": "decode", "answer": answer, "budget": BUDGET},
            {f"decode_{answer}": _median_of("seconds", 1e6)},
        )
        for answer in ("small", "image", "large")
    ),
    Task({"task": "encode", "budget": 0.3}, {"encode_ms": _median_of("seconds", 1000)}),
    Task(
        {"task": "upload"},
        {
            "upload_ms": _median_of("seconds", 1000),
            "upload_peak_mb": _median_of("peak_bytes", 1e-6),
        },
        repeats=3,
        warm_up=False,
    ),
    *(
        Task(
            {"task": "chat_stream", "chunks": chunks},
            {f"chat_stream_{chunks}": _median_of("seconds", 1000)},
            repeats=3 if chunks > 5000 else 5,
            warm_up=chunks <= 5000,
        )
        for chunks in (1000, 5000, 20000)
    ),
    *(
        Task(
            {"task": "threads", "threads": threads, "calls": calls, "answer": "small"},
            {f"threads_{threads}": _median_of("per_second")},
            repeats=5,
        )
        for threads, calls in ((1, 200), (4, 60), (16, 16), (64, 5))
    ),
    Task(
        {"task": "threads", "threads": 64, "calls": 1, "bursts": 3, "answer": "wait"},
        {"opened_64": _connections},
        repeats=3,
        counts_connections=True,
    ),
    Task(
        {"task": "aio_calls", "tasks": AIO_TASKS, "per_task": AIO_CALLS},
        {"aio_calls": _median_of("per_second")},
    ),
    Task(
        {"task": "aio_lag", "tasks": LAG_TASKS, "per_task": LAG_CALLS, "tick": LAG_TICK},
        {
            "lag_median_ms": lambda s: statistics.median(_lags(s)),
            "lag_p99_ms": lambda s: _p99(_lags(s)),
            "lag_samples": lambda s: len(_lags(s)),
        },
    ),
    Task(
        {"task": "chat", "turns": 500},
        {
            "chat_s": lambda s: statistics.median(sum(x["turns"]) for x in s),
            "chat_last_turns_ms": lambda s: statistics.median(
                statistics.mean(x["turns"][-50:]) * 1000 for x in s
            ),
        },
        repeats=3,
        # google-genai takes ~5 minutes for it (its history re-validated every turn): run
        # once with BENCH_SLOW=1, else skipped.
        slow_repeats=1 if os.environ.get("BENCH_SLOW") else 0,
        warm_up=False,
    ),
]


@dataclass(frozen=True)
class Row:
    """A line of the table: ``figure`` for each client, compared with the floor's.

    ``kind``: ``rate`` (higher is better; "vs floor" is the fraction of the floor's),
    ``time`` (lower is better; the multiple of the floor's), ``mb`` (megabytes above the
    floor's), ``copies`` (megabytes above the floor's, in copies of the upload's base64),
    ``count`` (the figure itself, compared with ``target``'s bound), ``lag`` (milliseconds
    above the floor's: a ratio of two small delays says little).
    """

    figure: str
    label: str  # in the table
    short: str  # on the chart
    unit: str
    fmt: str
    kind: str
    target: tuple[str, float] | None = None  # ("<=" or ">=", bound) for gemwire vs floor


ROWS: list[Row] = [
    Row(
        "import_ms",
        "import, net of a bare interpreter",
        "import",
        "ms",
        "{:.1f}",
        "time",
        ("<=", 0.8),
    ),
    Row("rss_import_mb", "peak RSS after import", "", "MB", "{:.1f}", "mb"),
    Row("rss_client_mb", "peak RSS after creating a client", "", "MB", "{:.1f}", "mb"),
    Row(
        "cold_ms", "fresh process: import + client + 1st call", "cold start", "ms", "{:.1f}", "time"
    ),
    Row(
        "first_call_ms",
        "fresh process: its 1st call alone",
        "1st call",
        "ms",
        "{:.2f}",
        "time",
        ("<=", 3),
    ),
    Row(
        "calls_small",
        "calls, thinking answer (1.7 KB)",
        "calls",
        "calls/s",
        "{:,.0f}",
        "rate",
        (">=", 0.95),
    ),
    Row("calls_image", "calls, 1 MB image answer", "calls 1 MB", "calls/s", "{:,.1f}", "rate"),
    Row("calls_large", "calls, 5 MB answer", "calls 5 MB", "calls/s", "{:,.1f}", "rate"),
    Row("first_chunk_ms", "time to first chunk", "1st chunk", "ms", "{:.3f}", "time"),
    Row(
        "stream",
        "stream of 2,000 chunks, .text each",
        "chunks",
        "chunks/s",
        "{:,.0f}",
        "rate",
        (">=", 0.8),
    ),
    Row(
        "decode_small",
        "decode thinking answer (raw: json.loads)",
        "decode",
        "us",
        "{:,.1f}",
        "time",
        ("<=", 1.3),
    ),
    Row(
        "decode_image",
        "decode 1 MB image answer",
        "decode 1 MB",
        "us",
        "{:,.0f}",
        "time",
        ("<=", 1.3),
    ),
    Row("decode_large", "decode 5 MB answer", "decode 5 MB", "us", "{:,.0f}", "time"),
    Row(
        "encode_ms",
        "encode prompt + 15 MB image -> body bytes",
        "encode 20 MB",
        "ms",
        "{:.1f}",
        "time",
    ),
    Row("upload_ms", "call with that 20 MB body", "upload 20 MB", "ms", "{:.1f}", "time"),
    Row(
        "upload_peak_mb",
        "  its peak memory (beyond the image)",
        "",
        "MB",
        "{:.1f}",
        "copies",
        ("<=", 1),
    ),
    Row(
        "chat_stream_1000",
        "chat stream turn, 1,000 chunks",
        "chat 1k chunks",
        "ms",
        "{:,.1f}",
        "time",
    ),
    Row(
        "chat_stream_5000",
        "chat stream turn, 5,000 chunks",
        "chat 5k chunks",
        "ms",
        "{:,.1f}",
        "time",
    ),
    Row(
        "chat_stream_20000",
        "chat stream turn, 20,000 chunks",
        "chat 20k chunks",
        "ms",
        "{:,.1f}",
        "time",
        ("<=", 1.5),
    ),
    Row("chat_s", "chat, 500 turns", "chat 500 turns", "s", "{:.2f}", "time"),
    Row("chat_last_turns_ms", "  its turns 451-500, mean", "", "ms", "{:.2f}", "time"),
    *(
        Row(
            f"threads_{n}",
            f"{n} threads sharing one client",
            f"{n} threads",
            "calls/s",
            "{:,.0f}",
            "rate",
        )
        for n in (1, 4, 16, 64)
    ),
    Row(
        "aio_calls",
        f"awaited generate_content, {AIO_TASKS} tasks x {AIO_CALLS} calls",
        f"aio {AIO_TASKS} tasks",
        "calls/s",
        "{:,.0f}",
        "rate",
    ),
    Row(
        "lag_median_ms",
        f"event loop lag, {LAG_TASKS} calls at once, median",
        "",
        "ms",
        "{:.2f}",
        "lag",
    ),
    Row("lag_p99_ms", f"event loop lag, {LAG_TASKS} calls at once, p99", "", "ms", "{:.2f}", "lag"),
    Row(
        "opened_64",
        "  connections opened: 3 bursts of 64 calls of 50 ms",
        "",
        "",
        "{:.0f}",
        "count",
        ("<=", 64),
    ),
]


# --------------------------------------------------------------------------------------------
# The bench venv


def _pip(*args: str) -> bool:
    command = [str(VENV_PYTHON), "-m", "pip", "install", "--quiet", *args]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"bench: `pip install {' '.join(args)}` failed:\n{done.stderr[-2000:]}")
    return done.returncode == 0


def _installed_versions() -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, sys\n"
        "found = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try: found[name] = m.version(name)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(found))"
    )
    names = [*PINNED, GENAI[0]]
    done = subprocess.run(
        [str(VENV_PYTHON), "-c", code, *names], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


def ensure_venv() -> None:
    """Create ``bench/.venv`` and install what is missing; installed packages are kept."""
    started = time.monotonic()
    if not VENV_PYTHON.exists():
        print("bench: creating bench/.venv", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pyproject = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not GEMWIRE_STAMP.exists() or GEMWIRE_STAMP.read_text() != pyproject:
        print("bench: installing gemwire (editable) into bench/.venv", flush=True)
        if not _pip("-e", str(ROOT)):
            raise SystemExit("bench: cannot install gemwire into bench/.venv")
        GEMWIRE_STAMP.write_text(pyproject)
    versions = _installed_versions()
    missing = [f"{n}=={v}" for n, v in PINNED.items() if versions.get(n) != v]
    if missing:
        print(f"bench: installing {' '.join(missing)}", flush=True)
        if not _pip(*missing):
            print("bench: note: no chart or profile without matplotlib / pyinstrument")
    if versions.get(GENAI[0]) != GENAI[1]:
        print(f"bench: installing {GENAI[0]}=={GENAI[1]}", flush=True)
        if not _pip(f"{GENAI[0]}=={GENAI[1]}"):
            print("bench: note: google-genai could not be installed; its column is skipped")
    if time.monotonic() - started > 1:
        print(f"bench: bench/.venv ready in {time.monotonic() - started:.0f} s", flush=True)


def _available(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _clean_env() -> dict[str, str]:
    """The environment without API keys, base URLs or proxies the SDKs would pick up."""
    drop = ("GEMINI_", "GOOGLE_", "PYTHON")
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(drop) and not k.lower().endswith("_proxy")
    }


# --------------------------------------------------------------------------------------------
# Measurements


class Server:
    """``server.py`` in its own process: its port, and the connections it has accepted."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(BENCH / "server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=_clean_env(),
            cwd=BENCH,
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())

    def connections(self) -> int:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("connections\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def measure_imports(clients: list[str]) -> dict[str, dict[str, float]]:
    """Cold import wall time (fresh interpreter, minus a bare one) and peak RSS."""
    env = _clean_env()
    codes = {"pass": "pass", **{c: IMPORTS[c][0] for c in clients}}

    def wall(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-c", code], env=env, check=True, cwd=BENCH)
        return time.perf_counter() - started

    for code in codes.values():  # warm-up: byte-code caches, page cache
        wall(code)
    samples: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(IMPORT_ROUNDS):
        for name, code in codes.items():
            samples[name].append(wall(code))
    bare = statistics.median(samples["pass"])
    results = {}
    for client in clients:
        imports, create = IMPORTS[client]
        rss = []
        for _ in range(RSS_ROUNDS):
            code = RSS_CODE.format(imports=imports, client=create)
            done = subprocess.run(
                [sys.executable, "-I", "-c", code], env=env, check=True, capture_output=True
            )
            rss.append([int(kb) / 1024 for kb in done.stdout.split()])
        results[client] = {
            "import_ms": (statistics.median(samples[client]) - bare) * 1000,
            "rss_import_mb": statistics.median(r[0] for r in rss),
            "rss_client_mb": statistics.median(r[1] for r in rss),
        }
    results["pass"] = {"process_ms": bare * 1000}
    return results


def measure_cold(clients: list[str], server: Server) -> dict[str, dict[str, float]]:
    """A fresh process's import, client and first call (``cold.py``), interleaved."""
    env = _clean_env()
    samples: dict[str, list[dict[str, float]]] = {client: [] for client in clients}
    for round_ in range(COLD_ROUNDS + 1):  # the first round fills the byte-code caches
        for client in clients:
            done = subprocess.run(
                [sys.executable, str(BENCH / "cold.py"), client, str(server.port)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
                cwd=BENCH,
            )
            if round_:
                samples[client].append(json.loads(done.stdout))
    return {
        client: {
            "cold_ms": statistics.median(s["total_ms"] for s in runs),
            "first_call_ms": statistics.median(s["first_call_ms"] for s in runs),
            "cold_client_ms": statistics.median(s["client_ms"] for s in runs),
        }
        for client, runs in samples.items()
    }


class Worker:
    """One client's process (``clients.py``), driven one JSON line at a time."""

    def __init__(self, client: str, port: int) -> None:
        self.client = client
        self.process = subprocess.Popen(
            [sys.executable, str(BENCH / "clients.py"), client, str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=_clean_env(),
            cwd=BENCH,
        )
        self._read()

    def _read(self) -> Any:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.client} worker died (see its error above)")
        return json.loads(line)

    def run(self, command: dict[str, Any]) -> Any:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def measure_clients(clients: list[str], server: Server) -> dict[str, dict[str, Any]]:
    workers: dict[str, Worker] = {}
    try:
        for client in clients:
            workers[client] = Worker(client, server.port)
        checks = {client: worker.run({"task": "check"}) for client, worker in workers.items()}
        keys = set().union(*checks.values())  # a client without async has no awaited_text
        for key in keys:
            if len({json.dumps(c[key], sort_keys=True) for c in checks.values() if key in c}) > 1:
                raise SystemExit(f"bench: the clients disagree on the same work: {checks}")
        for worker in workers.values():  # warm-up: connections, caches, lazily loaded code
            for task in TASKS:
                if task.warm_up:
                    worker.run(task.command)
        samples: dict[str, list[list[dict[str, Any]]]] = {c: [[] for _ in TASKS] for c in clients}
        for repeat in range(REPEATS):
            order = clients[repeat % len(clients) :] + clients[: repeat % len(clients)]
            for index, task in enumerate(TASKS):
                for client in order:
                    repeats = task.repeats
                    if client == "google-genai" and task.slow_repeats is not None:
                        repeats = task.slow_repeats
                    if repeat >= repeats:
                        continue
                    before = server.connections() if task.counts_connections else 0
                    result = workers[client].run(task.command)
                    if task.counts_connections:
                        result["connections"] = server.connections() - before
                    samples[client][index].append(result)
    finally:
        for worker in workers.values():
            worker.close()
    results: dict[str, dict[str, Any]] = {}
    for client in clients:
        figures: dict[str, Any] = {}
        for index, task in enumerate(TASKS):
            runs = samples[client][index]
            if not runs or any(run.get("skipped") for run in runs):
                continue
            for name, figure in task.figures.items():
                figures[name] = figure(runs)
            if task.command["task"] == "chat":
                turns = [run["turns"] for run in runs]
                figures["chat_turn_ms"] = [
                    statistics.median(t) * 1000 for t in zip(*turns, strict=True)
                ]
        results[client] = figures
    return results


# --------------------------------------------------------------------------------------------
# Report


def compare(row: Row, value: float, floor: float) -> tuple[float, str]:
    """The figure vs the floor: a ratio, megabytes or copies above it, or the count itself."""
    if row.kind == "mb":
        return value - floor, f"{value - floor:+.1f} MB"
    if row.kind == "copies":
        copies = (value - floor) / UPLOAD_MB
        return copies, f"{copies:+.2f} cp"
    if row.kind == "count":
        return value, f"{value:.0f}"
    if row.kind == "lag":
        return value - floor, f"{value - floor:+.2f} ms"
    ratio = value / floor
    shown = f"{ratio:.3f}x" if ratio < 2 else f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.1f}x"
    return ratio, shown


def verdict(row: Row, comparison: float) -> str:
    if row.target is None:
        return ""
    sense, bound = row.target
    met = comparison >= bound if sense == ">=" else comparison <= bound
    unit = {"copies": " copy", "count": ""}.get(row.kind, "x")
    return f"{sense} {bound:g}{unit}  {'met' if met else 'NOT met'}"


def report(results: dict[str, dict[str, Any]], clients: list[str]) -> list[dict[str, Any]]:
    header = (
        f"{'':50} {'raw (floor)':>12} {'gemwire':>10} {'google-genai':>13}   "
        f"{'gemwire':>9} {'genai':>9}   gemwire target"
    )
    print()
    print(header)
    print(f"{'':50} {'':>12} {'':>10} {'':>13}   {'vs floor':>9} {'vs floor':>9}")
    rows = []
    for row in ROWS:
        values = {c: results[c][row.figure] for c in clients if row.figure in results[c]}
        if not values:
            continue
        cells = {c: row.fmt.format(v) for c, v in values.items()}
        comparisons = {}  # none without a floor (a task the floor has no client for)
        if "raw" in values:
            floor = values["raw"]
            comparisons = {c: compare(row, values[c], floor) for c in values if c != "raw"}
        mark = verdict(row, comparisons["gemwire"][0]) if "gemwire" in comparisons else ""
        label = f"{row.label} ({row.unit})" if row.unit else row.label
        print(
            f"{label:50} {cells.get('raw', '-'):>12} "
            f"{cells.get('gemwire', '-'):>10} {cells.get('google-genai', '-'):>13}   "
            f"{comparisons.get('gemwire', (0, '-'))[1]:>9} "
            f"{comparisons.get('google-genai', (0, '-'))[1]:>9}   {mark}"
        )
        rows.append(
            {
                "key": row.figure,
                "label": row.label,
                "short": row.short,
                "unit": row.unit,
                "bound": row.target[1] if row.target else None,
                "kind": row.kind,
                "values": values,
                "vs_floor": {c: comparisons[c][0] for c in comparisons},
                "target": mark,
            }
        )
    samples = ", ".join(
        f"{c} {results[c]['lag_samples']}" for c in clients if "lag_samples" in results[c]
    )
    if samples:
        print(
            f"\nevent loop lag: how late a {LAG_TICK * 1000:g} ms sleep wakes up; samples {samples}"
        )
    print()
    print("chat, ms per turn (median over repeats), turns 1, 100, 200, ..., 500:")
    for client in clients:
        turns = results[client].get("chat_turn_ms")
        if turns:
            shown = [turns[0], *turns[99::100]]
            slope = _slope(turns)
            print(
                f"  {client:13} {' '.join(f'{t:7.2f}' for t in shown)}   "
                f"growth {slope * 1000:+.1f} us/turn"
            )
    return rows


def _slope(values: list[float]) -> float:
    """Least-squares slope of ``values`` against their index."""
    n = len(values)
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    return num / sum((i - mean_x) ** 2 for i in range(n))


def _version(name: str) -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def main() -> None:
    if Path(sys.prefix).resolve() != VENV.resolve():
        ensure_venv()
        sys.stdout.flush()
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])
    started = time.monotonic()
    clients = ["raw", "gemwire"]
    if _available("google.genai"):
        clients.append("google-genai")
    else:
        print("bench: note: google-genai is not installed in bench/.venv; skipping it")
    print(f"bench: measuring {', '.join(clients)} (median of up to {REPEATS} repeats)")
    imports = measure_imports(clients)
    server = Server()
    try:
        cold = measure_cold(clients, server)
        calls = measure_clients(clients, server)
    finally:
        server.close()
    results = {c: {**imports[c], **cold[c], **calls[c]} for c in clients}
    rows = report(results, clients)
    document = {
        "meta": {
            "date": time.strftime("%Y-%m-%d"),
            "python": platform.python_version(),
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
            "versions": {
                "gemwire": _version("gemwire"),
                "urllib3": _version("urllib3"),
                "google-genai": _version("google-genai"),
            },
            "repeats": REPEATS,
            "import_rounds": IMPORT_ROUNDS,
            "cold_rounds": COLD_ROUNDS,
            "bare_interpreter_ms": imports["pass"]["process_ms"],
            "seconds": round(time.monotonic() - started),
        },
        "rows": rows,
        "results": results,
    }
    (BENCH / "results.json").write_text(json.dumps(document, indent=1) + "\n")
    print("\nbench: wrote bench/results.json", end="")
    if _available("matplotlib"):
        import chart

        chart.draw(document, BENCH / "results.png")
        print(" and bench/results.png", end="")
    else:
        print(" (no chart: matplotlib is not installed in bench/.venv)", end="")
    print(f" in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
