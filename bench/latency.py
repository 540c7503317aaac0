"""Per-token decode latency: sink cache against sliding window with re-computation (StreamingLLM Fig. 10).

    python -m bench.latency --window 256,512,1024,2048 --json bench/results/latency.json \\
        --png bench/results/latency.png

For each window W, same model, one run:
- sink: an LMSession with 4 sinks and a window of W, filled, then fed one token at a time through
  `prefill` (the streaming path: a block eviction every 64 tokens is included in the timings);
- recompute: each new token costs a fresh forward over the last W tokens (no cache to go stale).
The figure is the median milliseconds per token of each; the speedup is their ratio. Token ids are random
(seeded): the cost does not depend on the text.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from pathlib import Path

import torch

from stages.summarize import LMSession, SessionConfig

from .lm_common import load, machine_info, write_json

log = logging.getLogger("bench.latency")
TARGET_WINDOW, TARGET_SPEEDUP = 1024, 20.0


def sink_ms(loaded, ids: list[int], sinks: int, window: int, steps: int) -> list[float]:
    config = SessionConfig(sink_tokens=sinks, window_tokens=window, headroom_tokens=0, prefill_chunk=64)
    session = LMSession(loaded.model, loaded.tokenizer, ids[:sinks], config)
    session.prefill(ids[sinks : sinks + window])  # the window is full from here on
    times = []
    for token in ids[sinks + window : sinks + window + steps + 1]:
        tick = time.perf_counter()
        session.prefill([token], return_logits=True)  # [1, V]: what decoding the next token needs
        times.append(1e3 * (time.perf_counter() - tick))
    return times[1:]  # the first call warms up


def recompute_ms(loaded, ids: list[int], window: int, reps: int) -> list[float]:
    times = []
    with torch.inference_mode():
        for rep in range(reps + 1):
            context = torch.tensor([ids[rep : rep + window]])  # [1, W]
            tick = time.perf_counter()
            loaded.model(input_ids=context, use_cache=False, logits_to_keep=1)
            times.append(1e3 * (time.perf_counter() - tick))
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--window", default="256,512,1024,2048", help="comma-separated window sizes")
    parser.add_argument("--sinks", type=int, default=4)
    parser.add_argument("--steps", type=int, default=64, help="sink: tokens timed per window")
    parser.add_argument("--reps", type=int, default=3, help="recompute: tokens timed per window")
    parser.add_argument("--preset", default="smollm2-135m", help="model preset, Hugging Face id or folder")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: all cores)")
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--png", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    loaded = load(args.preset, args.dtype, args.threads)
    windows = [int(w) for w in args.window.split(",")]
    vocab = loaded.model.config.vocab_size
    needed = args.sinks + max(windows) + args.steps + args.reps + 2
    ids = torch.randint(100, vocab - 100, (needed,), generator=torch.Generator().manual_seed(0)).tolist()
    rows = []
    for window in windows:
        sink = sink_ms(loaded, ids, args.sinks, window, args.steps)
        recompute = recompute_ms(loaded, ids, window, args.reps)
        row = {
            "window": window,
            "sink_ms": statistics.median(sink),
            "recompute_ms": statistics.median(recompute),
            "sink_samples": len(sink),
            "recompute_samples": len(recompute),
        }
        row["speedup"] = row["recompute_ms"] / row["sink_ms"]
        rows.append(row)
        log.info("W=%d: sink %.1f ms, recompute %.1f ms", window, row["sink_ms"], row["recompute_ms"])
    payload = {
        "model": args.preset,
        "dtype": args.dtype,
        "sinks": args.sinks,
        "machine": machine_info(),
        "windows": rows,
    }
    at_target = next((r for r in rows if r["window"] == TARGET_WINDOW), None)
    if at_target is not None:
        payload["target"] = {
            "window": TARGET_WINDOW,
            "speedup": round(at_target["speedup"], 1),
            "target": f">= {TARGET_SPEEDUP:.0f}x",
            "met": at_target["speedup"] >= TARGET_SPEEDUP,
        }
    write_json(args.json, payload)
    for r in rows:
        print(
            f"W={r['window']:>5}: sink {r['sink_ms']:7.1f} ms  recompute {r['recompute_ms']:9.1f} ms  {r['speedup']:6.1f}x"
        )
    if args.png:
        from .lm_plots import plot_latency

        plot_latency(payload, args.png)


if __name__ == "__main__":
    main()
