"""Where gemwire spends its time per call, per streamed chunk and per decode.

``bench/.venv/bin/python bench/hotspots.py [WORKLOAD ...]`` (the names in ``WORKLOADS``) runs
each workload under cProfile against the benchmark's fake server and prints the functions with
the most own time, normalised per operation (us per call / chunk / decode). Add ``--pyinstrument``
for a call tree instead (pyinstrument is installed in bench/.venv by ``make bench``).
Not part of ``make bench``; see bench/README.md.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from collections.abc import Callable

import clients
import payloads
import run

WORKLOADS: dict[str, tuple[str, int]] = {
    # name: (unit, operations per profiled run)
    "calls": ("call", 3000),
    "stream": ("chunk", 5 * payloads.STREAM_CHUNKS),
    "chat_stream": ("chunk", 20000),
    "decode": ("decode", 2000),
    "decode_image": ("decode", 50),
    "encode": ("encode", 5),
    "chat": ("500-turn chat", 1),  # the table's chat row
}


def workload(client: clients.Gemwire, name: str) -> Callable[[], None]:
    count = WORKLOADS[name][1]
    if name == "calls":
        return lambda: [client.call() for _ in range(count)] and None
    if name == "stream":
        return lambda: [client.stream(payloads.STREAM_CHUNKS) for _ in range(5)] and None
    if name == "chat_stream":
        return lambda: client.chat_stream(count) and None
    if name.startswith("decode"):
        data = clients.ANSWERS["image" if name == "decode_image" else "small"]
        return lambda: [client.decode(data) for _ in range(count)] and None
    if name == "encode":
        return lambda: [client.encode() for _ in range(count)] and None
    return lambda: client.chat(payloads.chat_messages(500)) and None


def main() -> None:
    names = [a for a in sys.argv[1:] if not a.startswith("--")] or ["calls", "stream", "decode"]
    use_pyinstrument = "--pyinstrument" in sys.argv
    server = run.Server()
    try:
        client = clients.Gemwire(f"http://127.0.0.1:{server.port}")
        for name in names:
            unit, count = WORKLOADS[name]
            function = workload(client, name)
            function()  # warm-up: loaded codecs, pooled connection
            print(f"\n=== gemwire, {name}: {count} x {unit}; own time in us per {unit} ===")
            if use_pyinstrument:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0002)
                profiler.start()
                function()
                profiler.stop()
                print(profiler.output_text(unicode=True, color=False, show_all=False))
                continue
            profile = cProfile.Profile()
            profile.runcall(function)
            stats = pstats.Stats(profile)
            total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
            print(f"total {total / count * 1e6:.1f} us per {unit} (under cProfile)")
            rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])  # type: ignore[attr-defined]
            for (path, line, function_name), (_, calls, own, cumulative, _) in rows[:18]:
                where = f"{path.rsplit('/', 2)[-1] if '/' in path else path}:{line}"
                print(
                    f"  {own / count * 1e6:7.2f} own {cumulative / count * 1e6:8.2f} cum "
                    f"{calls / count:6.1f}/op  {function_name} ({where})"
                )
    finally:
        server.close()


if __name__ == "__main__":
    main()
