"""PNG figures for the language-model benchmarks (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

BIN = 200  # tokens per plotted point
STYLE = {
    "dense": ("tab:gray", "Dense attention"),
    "window": ("tab:red", "Window attention (no sinks)"),
    "oracle": ("tab:green", "Sliding window w/ re-computation"),
    "sink": ("tab:blue", "StreamingLLM (sink cache)"),
}


def plot_perplexity(runs: dict[str, Any], payload: dict[str, Any], png: Path) -> None:
    """Log-perplexity against input length, as in StreamingLLM's Figure 3, plus per-token latency."""
    fig, (ax_ppl, ax_lat) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, height_ratios=(3, 2))
    for name, run in runs.items():
        color, label = STYLE.get(name, ("black", name))
        xs, ys = [], []
        targets = sorted(run.nll)
        for start in range(0, payload["tokens"], BIN):
            values = [run.nll[t] for t in targets if start <= t < start + BIN]
            if values:
                xs.append(start + BIN / 2)
                ys.append(sum(values) / len(values))
        ppl = payload["methods"][name]["ppl"]
        ax_ppl.plot(xs, ys, color=color, lw=1.2, label=f"{label}: PPL {ppl:.1f}")
        lat_x = [t for t, _ in run.latency]
        lat_y = [v for _, v in run.latency]
        ax_lat.plot(lat_x, lat_y, color=color, lw=0.6, alpha=0.8, label=label)
    ax_ppl.axvline(payload["cache_tokens"], color="black", ls=":", lw=0.8)
    ax_ppl.text(payload["cache_tokens"], ax_ppl.get_ylim()[1], " cache full", va="top", fontsize=8)
    if payload["trained_context"] < payload["tokens"]:
        ax_ppl.axvline(payload["trained_context"], color="tab:gray", ls="--", lw=0.8)
        ax_ppl.text(
            payload["trained_context"], ax_ppl.get_ylim()[1], " trained context", va="top", fontsize=8
        )
    ax_ppl.set_ylabel(f"log PPL (mean NLL per {BIN} tokens)")
    ax_ppl.set_title(
        f"{payload['model']}: S={payload['sinks']} sinks + W={payload['window']} window, "
        f"{payload['tokens']:,} tokens, chunk {payload['chunk']}"
    )
    ax_ppl.legend(fontsize=8, loc="upper right")
    ax_ppl.grid(alpha=0.3)
    ax_lat.set_yscale("log")
    ax_lat.set_ylabel("ms per token")
    ax_lat.set_xlabel("input length (tokens)")
    ax_lat.grid(alpha=0.3, which="both")
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=120)
    plt.close(fig)


def plot_latency(payload: dict[str, Any], png: Path) -> None:
    """Per-token decode latency against cache size, as in StreamingLLM's Figure 10."""
    rows = payload["windows"]
    labels = [str(r["window"]) for r in rows]
    xs = range(len(rows))
    fig, ax = plt.subplots(figsize=(7, 4))
    width = 0.38
    recompute = [r["recompute_ms"] for r in rows]
    sink = [r["sink_ms"] for r in rows]
    ax.bar([x - width / 2 for x in xs], recompute, width, color="tab:green", label=STYLE["oracle"][1])
    ax.bar([x + width / 2 for x in xs], sink, width, color="tab:blue", label=STYLE["sink"][1])
    for x, r in zip(xs, rows, strict=True):
        ax.text(x, r["recompute_ms"], f"{r['speedup']:.0f}x", ha="center", va="bottom", fontsize=9)
    ax.set_yscale("log")
    ax.set_xticks(list(xs), labels)
    ax.set_xlabel("window (tokens)")
    ax.set_ylabel("ms per decoded token")
    ax.set_title(
        f"{payload['model']}: per-token decode latency (torch threads: {payload['machine']['torch_threads']})"
    )
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y", which="both")
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=120)
    plt.close(fig)
