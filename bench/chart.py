"""The bar chart of ``bench/results.json`` (matplotlib, from bench/.venv only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

COLORS = {"raw": "#9e9e9e", "gemwire": "#1f77b4", "google-genai": "#e45756"}
LABELS = {"raw": "raw urllib3 (floor)", "gemwire": "gemwire", "google-genai": "google-genai"}
RATE_PANEL = [
    ("calls_per_s", "calls/s", 0.85),
    ("chunks_per_s", "stream chunks/s", 0.5),
    ("aio_calls_per_s", "awaited calls/s\n(64 tasks)", None),
]
TIME_PANEL = [
    ("import_ms", "import", 1.3),
    ("decode_us", "decode 220 KB", 2.0),
    ("encode_us", "encode 1 MB req.", None),
    ("chat_ms", "chat 20 turns", None),
]


def _bars(axis: Any, rows: dict, panel: list, clients: list[str], log: bool) -> None:
    width = 0.8 / len(clients)
    for i, client in enumerate(clients):
        xs, heights = [], []
        for j, (key, _, _) in enumerate(panel):
            row = rows[key]
            xs.append(j + (i - (len(clients) - 1) / 2) * width)
            heights.append(1.0 if client == "raw" else row["vs_floor"][client])
        bars = axis.bar(xs, heights, width, color=COLORS[client], label=LABELS[client])
        for bar, height in zip(bars, heights, strict=True):
            axis.annotate(
                "floor" if client == "raw" else _ratio(height),
                (bar.get_x() + bar.get_width() / 2, height),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    for j, (_, _, target) in enumerate(panel):
        if target is not None:
            axis.hlines(target, j - 0.45, j + 0.45, colors="black", linestyles="dashed", lw=1)
    axis.set_xticks(range(len(panel)), [label for _, label, _ in panel])
    if log:
        axis.set_yscale("log")
    axis.grid(axis="y", alpha=0.3)


def _ratio(value: float) -> str:
    """As in the table: three decimals near the targets, fewer for large multiples."""
    return f"{value:.3f}x" if value < 2 else f"{value:.2f}x" if value < 10 else f"{value:.0f}x"


def draw(document: dict, path: Path) -> None:
    rows = {row["key"]: row for row in document["rows"]}
    results = document["results"]
    clients = list(results)
    figure, (rates, times, chat) = plt.subplots(
        1, 3, figsize=(14, 4.6), gridspec_kw={"width_ratios": [3, 4, 3]}
    )
    _bars(rates, rows, RATE_PANEL, clients, log=False)
    rates.set_title("throughput vs floor (higher is better)", fontsize=10)
    rates.set_ylim(0, 1.25)
    _bars(times, rows, TIME_PANEL, clients, log=True)
    times.set_title("time vs floor (lower is better, log scale)", fontsize=10)
    times.legend(fontsize=8, loc="upper left")
    for client in clients:
        turns = results[client]["chat_turn_ms"]
        chat.plot(range(1, len(turns) + 1), turns, marker="o", ms=3, color=COLORS[client])
        chat.annotate(f"{turns[-1]:.2f} ms", (len(turns), turns[-1]), fontsize=7, va="bottom")
    chat.set_title("chat: ms per turn as the history grows (log scale)", fontsize=10)
    chat.set_xlabel("turn")
    chat.set_yscale("log")
    chat.set_xticks(range(1, 21, 2))
    chat.grid(alpha=0.3)
    meta = document["meta"]
    versions = meta["versions"]
    figure.suptitle(
        f"gemwire {versions['gemwire']} vs google-genai {versions['google-genai']} vs raw "
        f"urllib3 {versions['urllib3']} on a loopback fake server  "
        f"(Python {meta['python']}, {meta['machine']}; dashed: gemwire's targets)",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
