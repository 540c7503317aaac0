"""Summary latency: the persistent sink-window cache against a stateless re-prompt of the same window.

    python -m bench.summary_latency --json OUT [--png OUT] [--preset P] [--windows 1024,2048,4096]

What typical tools do for every rolling summary: build a prompt of system text + the last W tokens of
transcript + the instruction, and run the model on all of it. sinkscribe keeps the window's keys and
values: a summary only prefills the instruction (the suffix) and decodes. Both runs use the same model,
the same window text, the same instruction and greedy decoding, in one process; the stateless run
prefills in large chunks (its best case). Reported per window: time to first summary token (TTFT) and
total summary time, median over repeats, and the speed-ups.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.lm_common import load, machine_info, write_json
from stages.summarize import LMSession, SessionConfig, chat_frame, prompts

TRANSCRIPT = Path(__file__).resolve().parent / "data" / "long_meeting.txt"

def timed_generation(session: LMSession, suffix: str, max_new_tokens: int) -> tuple[float, float, str]:
    """(seconds to the first generated text, total seconds, text) for one generate call."""
    t0 = time.perf_counter()
    first = None
    pieces = []
    for piece in session.generate(suffix, max_new_tokens=max_new_tokens):
        if first is None:
            first = time.perf_counter() - t0
        pieces.append(piece)
    total = time.perf_counter() - t0
    return (first if first is not None else total), total, "".join(pieces)


def window_lines(tokenizer: Any, window: int) -> list[str]:
    """Transcript lines whose tokens just fill `window`."""
    lines, used = [], 0
    for line in TRANSCRIPT.read_text(encoding="utf-8").splitlines():
        piece = "\n" + line
        n = len(tokenizer.encode(piece, add_special_tokens=False))
        if used + n > window:
            break
        lines.append(piece)
        used += n
    return lines


def measure(loaded: Any, window: int, repeats: int, max_new_tokens: int) -> dict[str, Any]:
    model, tok = loaded.model, loaded.tokenizer
    frame = chat_frame(tok, prompts.SYSTEM, prompts.STREAM_HEADER)
    # A summary request as the stage makes it: one extraction over the newest lines of the window.
    suffix = frame.suffix(prompts.extract_request("".join(window_lines(tok, window)[-8:])))
    lines = window_lines(tok, window)
    headroom = len(tok.encode(suffix, add_special_tokens=False)) + max_new_tokens + 8

    # Persistent: the window is in the cache already (appended as the transcript arrived).
    persistent = LMSession(model, tok, frame.prefix, SessionConfig(window_tokens=window, headroom_tokens=headroom))
    for line in lines:
        persistent.append(line)
    window_tokens = persistent.counters.cache_tokens - persistent.counters.pinned_tokens

    # Stateless: every summary re-reads prefix + window + suffix from an empty cache.
    stateless = LMSession(
        model, tok, frame.prefix,
        SessionConfig(window_tokens=window + 64, headroom_tokens=headroom, prefill_chunk=512),
    )  # fmt: skip

    runs: dict[str, list[tuple[float, float]]] = {"persistent": [], "stateless": []}
    texts = {}
    for _ in range(repeats):
        ttft, total, texts["persistent"] = timed_generation(persistent, suffix, max_new_tokens)
        runs["persistent"].append((ttft, total))
        t0 = time.perf_counter()
        stateless.reset()
        for line in lines:
            stateless.append(line)
        prefill = time.perf_counter() - t0
        ttft, total, texts["stateless"] = timed_generation(stateless, suffix, max_new_tokens)
        runs["stateless"].append((prefill + ttft, prefill + total))

    def med(name: str, i: int) -> float:
        return statistics.median(r[i] for r in runs[name])

    out = {
        "window_tokens": window_tokens,
        "suffix_tokens": persistent.last_generation.suffix_tokens,
        "new_tokens": persistent.last_generation.new_tokens,
        "persistent": {"ttft_s": med("persistent", 0), "total_s": med("persistent", 1)},
        "stateless": {"ttft_s": med("stateless", 0), "total_s": med("stateless", 1)},
        "same_text": texts["persistent"] == texts["stateless"],
    }
    out["ttft_speedup"] = out["stateless"]["ttft_s"] / out["persistent"]["ttft_s"]
    out["total_speedup"] = out["stateless"]["total_s"] / out["persistent"]["total_s"]
    return out


def plot(payload: dict[str, Any], png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = payload["windows"]
    labels = [str(r["window_tokens"]) for r in rows]
    xs = range(len(rows))
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.bar([x - 0.2 for x in xs], [r["stateless"]["ttft_s"] for r in rows], 0.4, label="stateless re-prompt", color="tab:red")
    ax.bar([x + 0.2 for x in xs], [r["persistent"]["ttft_s"] for r in rows], 0.4, label="persistent sink cache", color="tab:blue")
    for x, r in zip(xs, rows, strict=True):
        ax.text(x, r["stateless"]["ttft_s"], f"{r['ttft_speedup']:.1f}x", ha="center", va="bottom")
    ax.set_xticks(list(xs), labels)
    ax.set_xlabel("transcript window (tokens)")
    ax.set_ylabel("time to first summary token (s)")
    ax.set_title(f"Summary latency, {payload['preset']} on {payload['machine']['cpu_count']} CPU cores")
    ax.legend()
    fig.tight_layout()
    fig.savefig(png, dpi=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", dest="json_out", type=Path, required=True)
    parser.add_argument("--png", type=Path, default=None)
    parser.add_argument("--preset", default="smollm2-135m")
    parser.add_argument("--windows", default="1024,2048,4096")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    loaded = load(args.preset, "float32", args.threads)
    rows = []
    for window in (int(w) for w in args.windows.split(",")):
        row = measure(loaded, window, args.repeats, args.max_new_tokens)
        rows.append(row)
        print(f"W={row['window_tokens']}: TTFT persistent {row['persistent']['ttft_s']:.3f} s, stateless "
              f"{row['stateless']['ttft_s']:.3f} s ({row['ttft_speedup']:.1f}x); total {row['total_speedup']:.1f}x",
              flush=True)  # fmt: skip
    at_2k = next((r for r in rows if 1900 <= r["window_tokens"] <= 2100), None)
    payload = {
        "benchmark": "summary_latency",
        "command": "python -m bench.summary_latency " + " ".join(sys.argv[1:] if argv is None else argv),
        "preset": args.preset,
        "machine": machine_info(),
        "max_new_tokens": args.max_new_tokens,
        "repeats": args.repeats,
        "windows": rows,
        "targets": {"ttft_speedup_ge_5x_at_2k": bool(at_2k and at_2k["ttft_speedup"] >= 5.0)},
    }
    write_json(args.json_out, payload)
    if args.png:
        plot(payload, args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
