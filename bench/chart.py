"""The bar chart of ``bench/results.json`` (matplotlib, from bench/.venv only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

COLORS = {"raw": "#9e9e9e", "gemwire": "#1f77b4", "google-genai": "#e45756"}
LABELS = {"raw": "raw urllib3 (floor)", "gemwire": "gemwire", "google-genai": "google-genai"}


def _bars(axis: Any, rows: list[dict[str, Any]], clients: list[str], log: bool) -> None:
    width = 0.8 / len(clients)
    for i, client in enumerate(clients):
        xs, heights = [], []
        for j, row in enumerate(rows):
            if client == "raw" or client in row["vs_floor"]:
                xs.append(j + (i - (len(clients) - 1) / 2) * width)
                heights.append(1.0 if client == "raw" else row["vs_floor"][client])
        bars = axis.bar(xs, heights, width, color=COLORS[client], label=LABELS[client])
        if client != "raw":
            for bar, height in zip(bars, heights, strict=True):
                axis.annotate(
                    _ratio(height),
                    (bar.get_x() + bar.get_width() / 2, height),
                    ha="center",
                    va="bottom",
                    fontsize=6,
                    rotation=90,
                )
    for j, row in enumerate(rows):
        if row.get("bound") is not None:
            axis.hlines(row["bound"], j - 0.45, j + 0.45, colors="black", linestyles="dashed", lw=1)
    axis.set_xticks(range(len(rows)), [row["short"] for row in rows], rotation=35, ha="right")
    axis.tick_params(axis="x", labelsize=7)
    if log:
        axis.set_yscale("log")
    axis.grid(axis="y", alpha=0.3)


def _ratio(value: float) -> str:
    """As in the table: three decimals near the targets, fewer for large multiples."""
    return f"{value:.2f}x" if value < 10 else f"{value:.0f}x"


def draw(document: dict[str, Any], path: Path) -> None:
    rows = document["rows"]
    results = document["results"]
    clients = list(results)
    figure, (rates, times, chat) = plt.subplots(
        1, 3, figsize=(16, 5.2), gridspec_kw={"width_ratios": [3, 6, 3]}
    )
    shown = [r for r in rows if r["short"] and "raw" in r["values"]]  # compared with a floor
    _bars(rates, [r for r in shown if r["kind"] == "rate"], clients, log=False)
    rates.set_title("throughput vs floor (higher is better)", fontsize=10)
    rates.set_ylim(0, 1.5)
    _bars(times, [r for r in shown if r["kind"] == "time"], clients, log=True)
    times.set_title("time vs floor (lower is better, log scale)", fontsize=10)
    times.legend(fontsize=8, loc="upper left")
    for client in clients:
        turns = results[client].get("chat_turn_ms")
        if turns:
            chat.plot(range(1, len(turns) + 1), turns, lw=1, color=COLORS[client])
            chat.annotate(f"{turns[-1]:.1f} ms", (len(turns), turns[-1]), fontsize=7, va="bottom")
    chat.set_title("500-turn chat: ms per turn (log scale)", fontsize=10)
    chat.set_xlabel("turn")
    chat.set_yscale("log")
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
