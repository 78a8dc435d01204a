"""``make bench``: raw urllib3 vs gemwire vs google-genai against one fast local server.

Run with any Python 3.10+: the first step makes (or reuses) ``bench/.venv`` with gemwire
(editable), google-genai 3.6.1, matplotlib and pyinstrument, then re-runs this file inside
it. Method and how to read the table: ``bench/README.md``.
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
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV = BENCH / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
GEMWIRE_STAMP = VENV / ".gemwire-installed"
PINNED = {"matplotlib": "3.11.2", "pyinstrument": "5.1.3"}
GENAI = ("google-genai", "3.6.1")

CLIENTS = ("raw", "gemwire", "google-genai")
REPEATS = 9  # median of these, after one warm-up round
CALLS = 600  # sequential generate_content calls per repeat
AIO_TASKS, AIO_CALLS = 64, 10  # concurrent tasks, and awaited calls per task, per repeat
LAG_TASKS, LAG_CALLS = 256, 3  # the same while the event loop's lag is measured
LAG_TICK = 0.001  # seconds the lag probe sleeps each time
BUDGET = 0.12  # seconds of decode / encode loops per repeat
IMPORT_ROUNDS = 11  # fresh interpreters per package for the import time
RSS_ROUNDS = 3

# What each client imports, and the client it creates, for the import and memory figures.
IMPORTS = {
    "raw": ("import urllib3", "urllib3.PoolManager()"),
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

# gemwire's targets, as ratios to the floor (raw). Shown with a mark, never asserted.
TARGETS = {
    "calls": (">=", 0.85),
    "stream": (">=", 0.5),
    "decode": ("<=", 2.0),
    "import": ("<=", 1.3),
    "rss_import": ("<=+MB", 10.0),
    "rss_client": ("<=+MB", 10.0),
}


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
    """The environment without API keys or base URLs the SDKs would pick up."""
    drop = ("GEMINI_", "GOOGLE_", "PYTHON")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


# --------------------------------------------------------------------------------------------
# Measurements


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
            "process_ms": statistics.median(samples[client]) * 1000,
            "rss_import_mb": statistics.median(r[0] for r in rss),
            "rss_client_mb": statistics.median(r[1] for r in rss),
        }
    results["pass"] = {"process_ms": bare * 1000}
    return results


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

    def run(self, task: str, **options: Any) -> Any:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"task": task, **options}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def start_server() -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen(
        [sys.executable, str(BENCH / "server.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_clean_env(),
        cwd=BENCH,
    )
    assert server.stdout is not None
    return server, int(server.stdout.readline())


TASKS: dict[str, dict[str, Any]] = {
    "calls": {"count": CALLS},
    "stream": {},
    "decode": {"budget": BUDGET},
    "encode": {"budget": BUDGET},
    "chat": {},
    "aio_calls": {"tasks": AIO_TASKS, "per_task": AIO_CALLS},
    "aio_lag": {"tasks": LAG_TASKS, "per_task": LAG_CALLS, "tick": LAG_TICK},
}


def measure_clients(clients: list[str]) -> dict[str, dict[str, Any]]:
    server, port = start_server()
    workers: dict[str, Worker] = {}
    try:
        for client in clients:
            workers[client] = Worker(client, port)
        checks = {client: worker.run("check") for client, worker in workers.items()}
        if len({json.dumps(check, sort_keys=True) for check in checks.values()}) != 1:
            raise SystemExit(f"bench: the clients disagree on the same work: {checks}")
        for worker in workers.values():  # warm-up round: connections, caches, compiled codecs
            worker.run("calls", count=100)
            for task, options in TASKS.items():
                if task != "calls":
                    worker.run(task, **{**options, "budget": BUDGET / 3})
        samples: dict[str, dict[str, list[Any]]] = {c: {t: [] for t in TASKS} for c in clients}
        for repeat in range(REPEATS):
            order = clients[repeat % len(clients) :] + clients[: repeat % len(clients)]
            for task, options in TASKS.items():
                for client in order:
                    samples[client][task].append(workers[client].run(task, **options))
    finally:
        for worker in workers.values():
            worker.close()
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=30)
    results = {}
    for client, tasks in samples.items():
        turns = [s["turns"] for s in tasks["chat"]]
        results[client] = {
            "calls_per_s": statistics.median(s["per_second"] for s in tasks["calls"]),
            "chunks_per_s": statistics.median(s["per_second"] for s in tasks["stream"]),
            "decode_us": statistics.median(s["seconds"] for s in tasks["decode"]) * 1e6,
            "encode_us": statistics.median(s["seconds"] for s in tasks["encode"]) * 1e6,
            "chat_ms": statistics.median(sum(t) for t in turns) * 1000,
            "chat_turn_ms": [statistics.median(t) * 1000 for t in zip(*turns, strict=True)],
            "aio_calls_per_s": statistics.median(s["per_second"] for s in tasks["aio_calls"]),
            **_lag_figures(sorted(lag for s in tasks["aio_lag"] for lag in s["lags_ms"])),
        }
    return results


def _lag_figures(lags: list[float]) -> dict[str, float]:
    """Median and 99th percentile of the loop-lag samples of all repeats (sorted): the worse
    the lag, the fewer samples a repeat gets, so they are pooled rather than taken per repeat."""
    return {
        "lag_median_ms": statistics.median(lags),
        "lag_p99_ms": lags[int(len(lags) * 0.99)],
        "lag_samples": len(lags),
    }


# --------------------------------------------------------------------------------------------
# Report


# (key, label, unit, format, kind): kind "rate" means higher is better, "time" lower.
ROWS = [
    ("import_ms", "import, net of a bare interpreter", "ms", "{:.1f}", "time"),
    ("rss_import_mb", "peak RSS after import", "MB", "{:.1f}", "rss"),
    ("rss_client_mb", "peak RSS after creating a client", "MB", "{:.1f}", "rss"),
    ("calls_per_s", "generate_content, sequential", "calls/s", "{:,.0f}", "rate"),
    ("chunks_per_s", "stream of 2,000 chunks, .text each", "chunks/s", "{:,.0f}", "rate"),
    ("decode_us", "decode 220 KB answer (raw: json.loads)", "us", "{:,.0f}", "time"),
    ("encode_us", "encode 40 turns + 1 MB image -> bytes", "us", "{:,.0f}", "time"),
    ("chat_ms", "chat, 20 turns", "ms", "{:.1f}", "time"),
    (
        "aio_calls_per_s",
        f"awaited generate_content, {AIO_TASKS} tasks",
        "calls/s",
        "{:,.0f}",
        "rate",
    ),
    ("lag_median_ms", f"event loop lag, {LAG_TASKS} calls at once, median", "ms", "{:.1f}", "lag"),
    ("lag_p99_ms", f"event loop lag, {LAG_TASKS} calls at once, p99", "ms", "{:.1f}", "lag"),
]
TARGET_OF = {
    "import_ms": "import",
    "rss_import_mb": "rss_import",
    "rss_client_mb": "rss_client",
    "calls_per_s": "calls",
    "chunks_per_s": "stream",
    "decode_us": "decode",
}


def compare(key: str, kind: str, value: float, floor: float) -> tuple[float, str]:
    """The figure vs the floor: a ratio (rates and times) or a difference (memory in MB, loop
    lag in ms: a ratio of two small delays says little)."""
    if kind == "rss":
        return value - floor, f"{value - floor:+.1f} MB"
    if kind == "lag":
        return value - floor, f"{value - floor:+.1f} ms"
    ratio = value / floor
    shown = f"{ratio:.3f}x" if ratio < 2 else f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.1f}x"
    return ratio, shown


def verdict(key: str, comparison: float) -> str:
    target = TARGET_OF.get(key)
    if target is None:
        return ""
    sense, bound = TARGETS[target]
    met = comparison >= bound if sense == ">=" else comparison <= bound
    shown = f"+{bound:g} MB" if sense == "<=+MB" else f"{bound:g}x"
    return f"{'<=' if sense != '>=' else '>='} {shown}  {'met' if met else 'NOT met'}"


def report(results: dict[str, Any], clients: list[str]) -> list[dict[str, Any]]:
    header = (
        f"{'':50} {'raw (floor)':>12} {'gemwire':>10} {'google-genai':>13}   "
        f"{'gemwire':>9} {'genai':>9}   gemwire target"
    )
    print()
    print(header)
    print(f"{'':50} {'':>12} {'':>10} {'':>13}   {'vs floor':>9} {'vs floor':>9}")
    rows = []
    for key, label, unit, fmt, kind in ROWS:
        values = {c: results[c][key] for c in clients}
        floor = values["raw"]
        cells = {c: fmt.format(values[c]) for c in clients}
        comparisons = {c: compare(key, kind, values[c], floor) for c in clients if c != "raw"}
        mark = verdict(key, comparisons["gemwire"][0]) if "gemwire" in comparisons else ""
        print(
            f"{label + ' (' + unit + ')':50} "
            f"{cells['raw']:>12} "
            f"{cells.get('gemwire', '-'):>10} {cells.get('google-genai', '-'):>13}   "
            f"{comparisons.get('gemwire', (0, '-'))[1]:>9} "
            f"{comparisons.get('google-genai', (0, '-'))[1]:>9}   {mark}"
        )
        rows.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "values": values,
                "vs_floor": {c: comparisons[c][0] for c in comparisons},
                "target": mark,
            }
        )
    samples = ", ".join(f"{c} {results[c]['lag_samples']}" for c in clients)
    print(f"\nevent loop lag: how late a {LAG_TICK * 1000:g} ms sleep wakes up; samples {samples}")
    print()
    print("chat, ms per turn (median over repeats), turn 1 -> 20:")
    for client in clients:
        turns = results[client]["chat_turn_ms"]
        first, second = turns[: len(turns) // 2], turns[len(turns) // 2 :]
        slopes = [_slope(first), _slope(second)]
        print(
            f"  {client:13} {' '.join(f'{t:.2f}' for t in turns)}\n"
            f"  {'':13} growth {round(slopes[0] * 1000) or 0:+d} us/turn in turns 1-10, "
            f"{round(slopes[1] * 1000) or 0:+d} us/turn in turns 11-20"
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
    print(f"bench: measuring {', '.join(clients)} (median of {REPEATS} repeats after a warm-up)")
    imports = measure_imports(clients)
    calls = measure_clients(clients)
    results = {c: {**imports[c], **calls[c]} for c in clients}
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
            "calls_per_repeat": CALLS,
            "import_rounds": IMPORT_ROUNDS,
            "bare_interpreter_ms": imports["pass"]["process_ms"],
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
