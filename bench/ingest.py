"""Ingest throughput: transcript into the session, while rolling summaries are produced, real processes.

    python -m bench.ingest --json OUT [--preset P] [--transcript FILE] [--summary-every-tokens N] [--batches 1,32]

The text stage sends the transcript (one utterance per line) as fast as summarize takes it (speed 0)
into a real summarize stage over ZeroMQ, which stores every segment, appends it to the sink window and
writes a rolling summary every N transcript tokens. Throughput = transcript tokens / wall time from the
first stored segment to the final summary, compared with speaking (~3 tokens/s). Run once per
`ingest_batch` (queued segments appended in one prefill; 1 = one forward per segment), in one run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.asr import free_endpoints
from pipeline.live import run_summarization
from pipeline.messages import Segment, Status, Summary
from stages.settings import AppConfig, CaptureConfig, SummarizeConfig

log = logging.getLogger("bench.ingest")
ROOT = Path(__file__).resolve().parent.parent
SPEAKING_RATE_TOKENS_S = 3.0


def run_once(transcript: Path, preset: str, every_tokens: int, batch: int, max_lines: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "transcript.txt"
        lines = transcript.read_text(encoding="utf-8").splitlines()
        text.write_text("\n".join(lines[:max_lines]) + "\n", encoding="utf-8")
        cfg = AppConfig(
            stream="ingest",
            heartbeat_s=1.0,
            endpoints=free_endpoints(),
            capture=CaptureConfig(source=str(text), speed=0.0),
            summarize=SummarizeConfig(model=preset, session_dir=tmp, session="ingest", summary_every_s=0.0,
                                      summary_every_tokens=every_tokens, ingest_batch=batch),  # fmt: skip
        )
        first = last = None
        summaries = 0
        counters: dict = {}

        def handle(msg) -> None:  # noqa: ANN001
            nonlocal first, last, summaries, counters
            if isinstance(msg, Segment) and first is None:
                first = time.monotonic()
            elif isinstance(msg, Summary):
                summaries += 1
                last = time.monotonic()
            elif isinstance(msg, Status) and msg.stage == "summarize":
                counters = msg.counters

        # The path `sinkscribe replay FILE --text` takes (summarize alone: every core, at most $OMP_NUM_THREADS).
        run_summarization(cfg, handle, text_input=True)
        tokens = counters.get("transcript_tokens", 0)
        wall = (last or time.monotonic()) - (first or time.monotonic())
        rate = tokens / wall if wall > 0 else 0.0
        return {
            "ingest_batch": batch, "lines": min(max_lines, len(lines)), "segments": counters.get("segments"),
            "transcript_tokens": tokens, "summaries": summaries, "wall_seconds": round(wall, 2),
            "model_ingest_seconds": round(counters.get("ingest_s", 0.0), 2),
            "tokens_per_second": round(rate, 1), "x_speaking_rate": round(rate / SPEAKING_RATE_TOKENS_S, 1),
            "last_summary_seconds": counters.get("last_summary_s"),
        }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", dest="json_out", type=Path, required=True)
    parser.add_argument("--preset", default="smollm2-135m")
    parser.add_argument("--transcript", type=Path, default=ROOT / "bench" / "data" / "long_meeting.txt")
    parser.add_argument("--summary-every-tokens", type=int, default=2048)
    parser.add_argument("--batches", default="1,32", help="ingest_batch values to compare")
    parser.add_argument("--max-lines", type=int, default=100_000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    runs = []
    for batch in (int(b) for b in args.batches.split(",")):
        runs.append(run_once(args.transcript, args.preset, args.summary_every_tokens, batch, args.max_lines))
        log.info("%s", json.dumps(runs[-1]))
    best = max(r["x_speaking_rate"] for r in runs)
    report = {"benchmark": "ingest", "command": "python -m bench.ingest " + " ".join(sys.argv[1:] if argv is None else argv),
              "preset": args.preset, "summary_every_tokens": args.summary_every_tokens,
              "machine": {"cpus": os.cpu_count(), "loadavg_1min": os.getloadavg()[0]},
              "speaking_rate_tokens_per_second": SPEAKING_RATE_TOKENS_S, "runs": runs,
              "target": {"x_speaking_rate_with_summaries": 50, "met": best >= 50}}  # fmt: skip
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
