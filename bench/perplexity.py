"""Perplexity over a long text: dense, window without sinks, sliding window with re-computation, sink cache.

    python -m bench.fetch_corpus
    python -m bench.perplexity --text bench/out/corpus/alice29.txt --tokens 20000 --sinks 4 --window 252 \\
        --json bench/results/perplexity.json --png bench/results/perplexity.png

StreamingLLM's Figure 3 on our model, in one run. Every method is scored on the same targets (tokens
sinks+1 .. N-1; dense stops at the model's trained context) and holds S + W tokens of context:
- sink:   LMSession with the first S tokens pinned and a window of W (block eviction, re-rotated keys);
- window: the same cache with no pinned tokens and a window of S + W (what breaks without sinks);
- oracle: sliding window with re-computation: every `stride` targets, a fresh forward over the previous
          S + W tokens and the targets, so each scored token sees between S + W and S + W + stride - 1
          previous tokens (the quality reference at that window; a token-by-token oracle is too slow here);
- dense:  one growing DynamicCache, up to the trained context or N.
The stream is fed in chunks of --chunk tokens (default 32); the session fills its window to exactly W
before each block eviction whatever the chunk, so chunked and token-by-token feeding see the same keys
(tests/test_sink_session.py, tests/test_lm_real.py).
"""

from __future__ import annotations

import argparse
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from transformers import DynamicCache

from stages.summarize import LMSession, SessionConfig

from .lm_common import DEFAULT_TEXT, load, machine_info, tenth_medians, text_ids, write_json

log = logging.getLogger("bench.perplexity")
BLOCK = 1000  # tokens per reported perplexity block


@dataclass
class MethodRun:
    name: str
    nll: dict[int, float] = field(default_factory=dict)  # target token index -> negative log-likelihood
    latency: list[tuple[int, float]] = field(default_factory=list)  # (token index, ms per token) per call
    cache_bytes: list[tuple[int, int]] = field(default_factory=list)  # (token index, KV bytes after the call)
    filled_at: int = 0  # token index from which the cache is at its bound (0: from the start)
    bound_bytes: int | None = None  # KV bytes of a full cache, for the methods that have a bound
    seconds: float = 0.0

    def score(self, logits: torch.Tensor, ids: list[int], first: int, targets: range) -> None:
        """Record -log p(ids[t]) for t in `targets`, from logits [len(targets), V]; skip t < first."""
        logp = torch.log_softmax(logits.float(), dim=-1)  # [n, V]
        wanted = torch.tensor([ids[t] for t in targets])  # [n]
        nll = -logp[torch.arange(len(targets)), wanted]  # [n]
        for t, value in zip(targets, nll.tolist(), strict=True):
            if t >= first:
                self.nll[t] = value


def run_stream(
    name: str, loaded, ids: list[int], sinks: int, window: int, chunk: int, first: int
) -> MethodRun:
    """Sink cache (sinks > 0) or plain window attention (sinks == 0), fed `chunk` tokens at a time."""
    config = SessionConfig(sink_tokens=sinks, window_tokens=window, headroom_tokens=0, prefill_chunk=chunk)
    session = LMSession(loaded.model, loaded.tokenizer, ids[:sinks], config)
    run = MethodRun(name)
    started = time.perf_counter()
    for pos in range(sinks, len(ids) - 1, chunk):
        end = min(pos + chunk, len(ids) - 1)
        tick = time.perf_counter()
        logits = session.prefill(ids[pos:end], return_logits=True)  # [end - pos, V], predicting pos+1..end
        run.latency.append((pos, 1e3 * (time.perf_counter() - tick) / (end - pos)))
        run.score(logits, ids, first, range(pos + 1, end + 1))
        run.cache_bytes.append((pos, session.counters.cache_bytes))
        if not run.filled_at and session.counters.evictions:
            run.filled_at = pos
    run.seconds = time.perf_counter() - started
    counters = session.counters
    run.bound_bytes = counters.cache_bytes // counters.cache_tokens * (sinks + window)
    return run


def run_oracle(loaded, ids: list[int], context: int, stride: int, first: int) -> MethodRun:
    """Sliding window with re-computation, `stride` targets per fresh forward over `context` previous tokens."""
    model = loaded.model
    run = MethodRun("oracle")
    started = time.perf_counter()
    with torch.inference_mode():
        for start in range(first, len(ids), stride):
            end = min(start + stride, len(ids))
            lo = max(0, start - context)
            cache = DynamicCache(config=model.config)
            tick = time.perf_counter()
            out = model(input_ids=torch.tensor([ids[lo : end - 1]]), cache=cache, logits_to_keep=end - start)
            run.latency.append((start, 1e3 * (time.perf_counter() - tick) / (end - start)))
            run.score(out.logits[0], ids, first, range(start, end))  # logits [end - start, V]
            run.cache_bytes.append((start, sum(x.keys.nbytes + x.values.nbytes for x in cache.layers)))
    run.filled_at = context
    run.seconds = time.perf_counter() - started
    return run


def run_dense(loaded, ids: list[int], limit: int, chunk: int, first: int) -> MethodRun:
    """Full attention with one growing cache, up to `limit` tokens."""
    model = loaded.model
    cache = DynamicCache(config=model.config)
    run = MethodRun("dense")
    started = time.perf_counter()
    with torch.inference_mode():
        for pos in range(0, limit - 1, chunk):
            end = min(pos + chunk, limit - 1)
            tick = time.perf_counter()
            out = model(input_ids=torch.tensor([ids[pos:end]]), cache=cache, use_cache=True)
            run.latency.append((pos, 1e3 * (time.perf_counter() - tick) / (end - pos)))
            run.score(out.logits[0], ids, first, range(pos + 1, end + 1))  # logits [end - pos, V]
            run.cache_bytes.append((pos, sum(x.keys.nbytes + x.values.nbytes for x in cache.layers)))
    run.seconds = time.perf_counter() - started
    return run


def summarize(run: MethodRun, n_tokens: int) -> dict:
    targets = sorted(run.nll)
    blocks = []
    for b in range(0, n_tokens, BLOCK):
        values = [run.nll[t] for t in targets if b <= t < b + BLOCK]
        if values:
            blocks.append(
                {
                    "start": b,
                    "end": b + BLOCK,
                    "tokens": len(values),
                    "ppl": math.exp(sum(values) / len(values)),
                }
            )
    last = targets[-1] + 1
    after_fill = [(t, v) for t, v in run.cache_bytes if t >= run.filled_at]
    tenth = (last - run.filled_at) / 10
    bytes_after_fill = {
        "bound": run.bound_bytes,
        "first_tenth_max": max((v for t, v in after_fill if t < run.filled_at + tenth), default=None),
        "last_tenth_max": max((v for t, v in after_fill if t >= last - tenth), default=None),
        "max": max((v for _, v in after_fill), default=None),
    }
    return {
        "tokens_scored": len(targets),
        "scored_range": [targets[0], last],
        "ppl": math.exp(sum(run.nll.values()) / len(targets)),
        "block_ppl": blocks,
        "cache_filled_at_token": run.filled_at,
        "latency_ms_per_token": tenth_medians(
            [s for s in run.latency if s[0] >= run.filled_at], run.filled_at, last
        ),
        "peak_cache_bytes": max(v for _, v in run.cache_bytes),
        "cache_bytes_after_fill": bytes_after_fill,
        "seconds": round(run.seconds, 1),
    }


def check_targets(methods: dict[str, dict]) -> dict[str, dict]:
    """The issue's acceptance figures, each with its value, the target and whether it is met."""
    out: dict[str, dict] = {}

    def add(name: str, value: float | None, target: str, met: bool | None) -> None:
        out[name] = {"value": None if value is None else round(value, 4), "target": target, "met": met}

    sink = methods.get("sink")
    if sink and "oracle" in methods:
        ratio = sink["ppl"] / methods["oracle"]["ppl"]
        add("sink_ppl_over_oracle", ratio, "<= 1.10", ratio <= 1.10)
    if sink and "window" in methods:
        ratio = methods["window"]["ppl"] / sink["ppl"]
        add("window_ppl_over_sink", ratio, ">= 1.5", ratio >= 1.5)
    if sink:
        after = [b["ppl"] for b in sink["block_ppl"] if b["start"] >= sink["cache_filled_at_token"]]
        worst = max(after) / sink["ppl"] if after else None
        add(
            "sink_worst_block_after_fill_over_overall",
            worst,
            "<= 1.3",
            None if worst is None else worst <= 1.3,
        )
        lat = sink["latency_ms_per_token"].get("last_over_first")
        add("sink_latency_last_tenth_over_first", lat, "<= 1.15", None if lat is None else lat <= 1.15)
        cb = sink["cache_bytes_after_fill"]
        if cb["max"] is not None:
            # Flat: after the fill, the KV bytes never exceed those of a full cache (S + W tokens).
            ratio = cb["max"] / cb["bound"]
            add("sink_cache_bytes_max_after_fill_over_full_cache", ratio, "<= 1.0", ratio <= 1.0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--text", type=Path, nargs="+", default=[DEFAULT_TEXT], help="text file(s), joined")
    parser.add_argument("--tokens", type=int, default=20000, help="tokens of text to evaluate (N)")
    parser.add_argument("--sinks", type=int, default=4, help="attention-sink tokens pinned (S)")
    parser.add_argument("--window", type=int, default=252, help="recent tokens kept after the sinks (W)")
    parser.add_argument("--chunk", type=int, default=32, help="stream tokens per forward")
    parser.add_argument("--stride", type=int, default=128, help="oracle: targets per re-computation")
    parser.add_argument("--methods", default="dense,window,oracle,sink", help="comma-separated subset")
    parser.add_argument("--preset", default="smollm2-135m", help="model preset, Hugging Face id or folder")
    parser.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: all cores)")
    parser.add_argument("--json", type=Path, required=True, help="where to write the figures")
    parser.add_argument("--png", type=Path, default=None, help="where to draw log-PPL against tokens")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    loaded = load(args.preset, args.dtype, args.threads)
    ids = text_ids(loaded.tokenizer, args.text, args.tokens)
    first = args.sinks + 1  # the first target the sink run can score; everyone is scored from there
    context = args.sinks + args.window
    trained = loaded.model.config.max_position_embeddings
    chosen = [m.strip() for m in args.methods.split(",") if m.strip()]
    runs: dict[str, MethodRun] = {}
    for name in chosen:
        log.info("running %s", name)
        if name == "sink":
            runs[name] = run_stream("sink", loaded, ids, args.sinks, args.window, args.chunk, first)
        elif name == "window":
            runs[name] = run_stream("window", loaded, ids, 0, context, args.chunk, first)
        elif name == "oracle":
            runs[name] = run_oracle(loaded, ids, context, args.stride, first)
        elif name == "dense":
            runs[name] = run_dense(loaded, ids, min(len(ids), trained), args.chunk, first)
        else:
            raise SystemExit(f"unknown method {name!r}")
        log.info("%s: %.1f s", name, runs[name].seconds)
    methods = {name: summarize(run, len(ids)) for name, run in runs.items()}
    payload = {
        "model": args.preset,
        "dtype": args.dtype,
        "text": [str(p) for p in args.text],
        "tokens": len(ids),
        "sinks": args.sinks,
        "window": args.window,
        "cache_tokens": context,
        "chunk": args.chunk,
        "oracle_stride": args.stride,
        "evict_block": SessionConfig().evict_block,
        "trained_context": trained,
        "machine": machine_info(),
        "methods": methods,
        "targets": check_targets(methods),
    }
    write_json(args.json, payload)
    for name, m in methods.items():
        print(f"{name:>7}: ppl {m['ppl']:8.2f}  ({m['tokens_scored']} tokens, {m['seconds']} s)")
    for name, t in payload["targets"].items():
        verdict = "n/a" if t["met"] is None else "met" if t["met"] else "MISSED"
        print(f"{name}: {t['value']} (target {t['target']}) {verdict}")
    if args.png:
        from .lm_plots import plot_perplexity

        plot_perplexity(runs, payload, args.png)


if __name__ == "__main__":
    main()
