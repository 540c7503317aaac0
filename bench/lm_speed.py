"""Language-model speed on this CPU, side by side in one run: dtype x prefill chunk, prefill and decode.

    python -m bench.lm_speed --json bench/results/lm_speed.json [--presets qwen2.5-coder-1.5b] \
        [--dtypes float32,bfloat16] [--chunks 32,128,256] [--threads 1,2]

For each preset, dtype and thread count: the transcript of the sample meeting is appended to a fresh
sink-window session in chunks of each size (prefill tokens/s), then one generation on a short request
(decode tokens/s: the generation's time less that of the same request with one new token). What the
summarize stage needs per minute of meeting: ~200 transcript tokens of prefill, one extraction (~600
suffix tokens, ~60 new) and, now and then, an answer.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.lm_common import machine_info
from stages.summarize import LMSession, ModelConfig, SessionConfig, chat_frame, load_model, prompts

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "samples" / "meeting.script.txt").read_text(encoding="utf-8")[:2400]
REQUEST = "Summarize the meeting in detail."


def measure(preset: str, dtype: str, threads: int, chunks: list[int], new_tokens: int) -> list[dict]:
    loaded = load_model(ModelConfig(preset, dtype=dtype, threads=threads))
    frame = chat_frame(loaded.tokenizer, prompts.SYSTEM, prompts.STREAM_HEADER)
    rows = []
    session = None
    for chunk in chunks:
        config = SessionConfig(window_tokens=1024, headroom_tokens=512, prefill_chunk=chunk)
        session = LMSession(loaded.model, loaded.tokenizer, frame.prefix, config)
        t0 = time.perf_counter()
        n = session.append(TEXT)
        rows.append({"preset": preset, "dtype": str(loaded.model.dtype).removeprefix("torch."), "threads": threads,
                     "prefill_chunk": chunk, "prefill_tokens": n,
                     "prefill_tokens_per_s": round(n / (time.perf_counter() - t0), 1)})  # fmt: skip
    assert session is not None
    suffix = frame.suffix(REQUEST)
    t0 = time.perf_counter()
    "".join(session.generate(suffix, max_new_tokens=new_tokens))
    full = time.perf_counter() - t0
    made = session.last_generation.new_tokens if session.last_generation else 0
    t0 = time.perf_counter()
    "".join(session.generate(suffix, max_new_tokens=1))
    first = time.perf_counter() - t0
    decode = (made - 1) / (full - first) if made > 1 and full > first else None
    for row in rows:
        row["decode_tokens_per_s"] = round(decode, 2) if decode else None
        row["time_to_first_token_s"] = round(first, 2)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", dest="json_out", type=Path, required=True)
    parser.add_argument("--presets", default="qwen2.5-coder-1.5b")
    parser.add_argument("--dtypes", default="float32,bfloat16")
    parser.add_argument("--chunks", default="32,128,256")
    parser.add_argument("--threads", default="2")
    parser.add_argument("--new-tokens", type=int, default=40)
    args = parser.parse_args(argv)
    chunks = [int(c) for c in args.chunks.split(",")]
    rows = []
    for preset in args.presets.split(","):
        for dtype in args.dtypes.split(","):
            for threads in (int(t) for t in args.threads.split(",")):
                rows.extend(measure(preset, dtype, threads, chunks, args.new_tokens))
                print(json.dumps(rows[-1]), flush=True)
    report = {"benchmark": "lm_speed", "command": "python -m bench.lm_speed " + " ".join(sys.argv[1:] if argv is None else argv),
              "machine": machine_info(), "rows": rows}  # fmt: skip
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
