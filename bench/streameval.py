"""StreamEval-style benchmark: questions about facts that have left the sink window.

    python -m bench.streameval --transcript FILE --questions FILE --json OUT [--preset P] [--window W]
        [--answer-max-tokens N] [--summary-max-tokens N]

FILE: one utterance per line (optional `Speaker: `); questions: JSON lines
`{"after_line": N, "question": "...", "answers": ["keyword", ...], "fact_line": M}` (fact_line optional).
Lines stream through the summarize stage's core (store first, then the model's window; rolling summaries
on their token cadence); each question is asked right after its line, three ways, on the same session
(generation is rolled back, so the three do not disturb each other or the stream):

- window: StreamingLLM alone, the sink window only (the paper's StreamEval setting);
- summary: + the rolling summary (which carries what left the window);
- retrieval: + passages retrieved from the session store (what sinkscribe does).

A reply is correct when it contains one of the keywords as a whole word, case-insensitively. Reported per
question: the replies, correctness, the distance in tokens back to the fact, whether the fact was evicted;
accuracy per configuration for in-window and evicted facts; and ingest throughput (transcript tokens per
second, with summaries produced along the way) against 50x a speaking rate of ~3 tokens/s.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.lm_common import machine_info, write_json
from pipeline.messages import Segment
from stages.settings import SummarizeConfig
from stages.summarize import LMSession, ModelConfig, SessionConfig, chat_frame, load_model, prompts
from stages.summarize.store import SessionStore
from stages.summarize.summarizer import Summarizer
from stages.text_ingest import WORDS_PER_SECOND, read_lines

CONFIGS = {
    "window": {"use_summary": False, "use_retrieval": False},
    "summary": {"use_summary": True, "use_retrieval": False},
    "retrieval": {"use_summary": True, "use_retrieval": True},
}
SPEAKING_RATE_TOKENS_S = 3.0


def contains_keyword(text: str, keywords: list[str]) -> bool:
    return any(re.search(r"(?<!\w)" + re.escape(k.lower()) + r"(?!\w)", text.lower()) for k in keywords)


def build(preset: str, cfg: SummarizeConfig, store: SessionStore, threads: int | None) -> Summarizer:
    loaded = load_model(ModelConfig(preset, threads=threads))
    frame = chat_frame(loaded.tokenizer, prompts.SYSTEM, prompts.STREAM_HEADER)
    session = LMSession(
        loaded.model, loaded.tokenizer, frame.prefix,
        SessionConfig(window_tokens=cfg.window_tokens, headroom_tokens=cfg.headroom_tokens,
                      evict_block=cfg.evict_block, sink_tokens=cfg.sink_tokens),
    )  # fmt: skip
    return Summarizer(cfg, session, frame, store)


def accuracy(rows: list[dict], config: str, evicted: bool | None) -> dict[str, Any]:
    chosen = [r for r in rows if evicted is None or r["evicted"] == evicted]
    correct = sum(r["configs"][config]["correct"] for r in chosen)
    return {"questions": len(chosen), "correct": correct, "accuracy": correct / len(chosen) if chosen else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transcript", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--json", dest="json_out", type=Path, required=True)
    parser.add_argument("--preset", default="qwen2.5-coder-0.5b")
    parser.add_argument("--window", type=int, default=1024)
    parser.add_argument("--summary-every-tokens", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=None)
    # The stage's defaults; smaller caps make a quick check of the mechanics (tests/test_streameval.py), not a
    # measurement: a reply cut short can miss its keyword.
    defaults = SummarizeConfig()
    parser.add_argument("--answer-max-tokens", type=int, default=defaults.answer_max_tokens)
    parser.add_argument("--summary-max-tokens", type=int, default=defaults.summary_max_tokens)
    parser.add_argument("--max-questions", type=int, default=0, help="Ask only the first N questions (0 = all).")
    args = parser.parse_args(argv)

    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    questions.sort(key=lambda q: q["after_line"])
    if args.max_questions:
        questions = questions[: args.max_questions]
    by_line: dict[int, list[dict]] = defaultdict(list)
    for q in questions:
        by_line[q["after_line"]].append(q)
    # ingest_defer_tokens=0: the distances and ingest times here are per segment, read as it comes.
    cfg = SummarizeConfig(window_tokens=args.window, summary_every_s=0.0, summary_every_tokens=args.summary_every_tokens,
                          answer_max_tokens=args.answer_max_tokens, summary_max_tokens=args.summary_max_tokens,
                          ingest_defer_tokens=0)  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp, SessionStore(Path(tmp) / "streameval.sqlite", "eval") as store:
        core = build(args.preset, cfg, store, args.threads)
        seen_at: dict[int, int] = {}  # line -> tokens seen before it
        rows: list[dict] = []
        ingest_s = summary_s = 0.0
        t_audio = 0.0
        last_line = max(q["after_line"] for q in questions)
        for utt in read_lines(args.transcript):
            if utt.line > last_line:
                break
            seen_at[utt.line] = core.session.counters.tokens_seen
            duration = max(0.5, len(utt.text.split()) / WORDS_PER_SECOND)
            seg = Segment("eval", utt.line - 1, utt.text, t_audio, t_audio + duration, speaker=utt.speaker)
            t_audio += duration + 0.4
            t0 = time.perf_counter()
            core.add_segment(seg)
            ingest_s += time.perf_counter() - t0
            if core.summary_due():
                t0 = time.perf_counter()
                core.summarize()
                summary_s += time.perf_counter() - t0
            for q in by_line.get(utt.line, []):
                fact_line = q.get("fact_line")
                row: dict[str, Any] = {
                    "id": q.get("id"), "question": q["question"], "answers": q["answers"],
                    "after_line": q["after_line"], "fact_line": fact_line,
                    "distance_tokens": core.session.counters.tokens_seen - seen_at[fact_line] if fact_line else None,
                    "evicted": bool(fact_line) and (fact_line - 1) < core.first_seq_in_window,
                    # What the store gave the model (the answer's citations depend on its reply).
                    "retrieved_lines": sorted(seq + 1 for p in core.retrieve(q["question"]) for seq in p.seqs),
                    "configs": {},
                }  # fmt: skip
                for name, switches in CONFIGS.items():
                    t0 = time.perf_counter()
                    text, cites = core.answer(q["question"], **switches)
                    row["configs"][name] = {
                        "answer": text,
                        "correct": contains_keyword(text, q["answers"]),
                        "seconds": round(time.perf_counter() - t0, 2),
                        "cited_lines": [c.seq + 1 for c in cites],
                    }
                rows.append(row)
                marks = " ".join(f"{n}={'Y' if r['correct'] else 'n'}" for n, r in row["configs"].items())
                print(f"line {utt.line}: {q['question']} (evicted={row['evicted']}, "
                      f"{row['distance_tokens']} tokens back) {marks}", flush=True)  # fmt: skip
        tokens = core.session.counters.tokens_seen
        counters = core.stats()

    results = {
        name: {
            "in_window": accuracy(rows, name, evicted=False),
            "evicted": accuracy(rows, name, evicted=True),
            "all": accuracy(rows, name, evicted=None),
        }
        for name in CONFIGS
    }
    ingest = {
        "transcript_tokens": tokens,
        "ingest_seconds": ingest_s,
        "summary_seconds": summary_s,
        "summaries": counters["summaries"],
        "tokens_per_second_ingest_only": tokens / ingest_s if ingest_s else None,
        "tokens_per_second_with_summaries": tokens / (ingest_s + summary_s) if ingest_s else None,
        "speaking_rate_tokens_per_second": SPEAKING_RATE_TOKENS_S,
    }
    ingest["x_speaking_rate_with_summaries"] = (ingest["tokens_per_second_with_summaries"] or 0) / SPEAKING_RATE_TOKENS_S
    evicted_retrieval = results["retrieval"]["evicted"]["accuracy"]
    payload = {
        "benchmark": "streameval",
        "command": "python -m bench.streameval " + " ".join(sys.argv[1:] if argv is None else argv),
        "preset": args.preset,
        "window_tokens": args.window,
        "summary_every_tokens": args.summary_every_tokens,
        "answer_max_tokens": args.answer_max_tokens,
        "summary_max_tokens": args.summary_max_tokens,
        "machine": machine_info(),
        "results": results,
        "ingest": ingest,
        "cache": {k: counters[k] for k in ("cache_tokens", "cache_bound", "tokens_evicted", "evictions")},
        "targets": {
            "evicted_accuracy_with_retrieval_ge_70pct": evicted_retrieval is not None and evicted_retrieval >= 0.7,
            "ingest_ge_50x_speaking_rate": ingest["x_speaking_rate_with_summaries"] >= 50,
        },
        "questions": rows,
    }
    write_json(args.json_out, payload)
    for name, r in results.items():
        print(f"{name:9s} in-window {r['in_window']['accuracy']}, evicted {r['evicted']['accuracy']}", flush=True)
    print(f"ingest {ingest['x_speaking_rate_with_summaries']:.0f}x speaking rate", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
