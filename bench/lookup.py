"""Prompt-lookup drafts against plain greedy decoding, side by side on the same calls (issue #13: real time).

The notes and answers of a meeting are made by the real `Summarizer` in this process (the stage's
default config and model, the quality set's lines at the text replay's pace, each gold question asked at
its line). Every generation it asks for is run twice on the same cache, once without drafts and once with
`draft_tokens` (the order alternating call by call), both to the end; the summarizer then reads the plain
run's text, so the notes and answers are the product's. Reported per call kind (extraction, answer):
seconds, decode model calls, tokens written, and whether the two texts are the same.

    python -m bench.lookup --meetings incident_postmortem --threads 1 --json bench/results/lookup_test.json

`--simulate` chooses the draft settings without the model: on recorded extractions (`bench.notes_dev
--record` / `bench.quality --record`; greedy, so the recorded text is what the model would write), it
counts the forwards each setting would need (tokenizer only, seconds):

    R=bench/results; E=$R/extractions
    python -m bench.lookup --meetings catering_week,library_volunteers,research_group,hiring_committee \
        --simulate $E/written_qwen2.5-coder-1.5b_stop18.json,$E/research_group_qwen2.5-coder-1.5b_stop18.json,$R/notes_dev_extractions_qwen2.5-coder-1.5b.json \
        --json $R/lookup_dev_simulated.json

`--threads 1` is what summarize has beside transcribe on 2 cores when Whisper is busy. The texts can
differ only through rounding: a forward over 9 tokens sums in another order than 9 forwards over one,
and in bfloat16 that may flip a near tie between two tokens (the count is reported, with both texts).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.notes_dev import DATA, text_segments
from bench.quality import discover, transcript_of
from pipeline import config as pconfig
from stages.settings import AppConfig

log = logging.getLogger("bench.lookup")


class SideBySide:
    """Wraps a session's `generate`: each call runs plain and drafted, recorded; the caller reads plain."""

    def __init__(self, session: Any, draft_tokens: int) -> None:
        self.session = session
        self.generate = session.generate
        self.draft_tokens = draft_tokens
        self.kind = "extraction"
        self.rows: list[dict[str, Any]] = []
        session.generate = self

    def _run(self, draft: int, suffix: str, max_new_tokens: int, kw: dict[str, Any]) -> tuple[str, Any]:
        self.session.config = dataclasses.replace(self.session.config, draft_tokens=draft)
        text = "".join(self.generate(suffix, max_new_tokens, **kw))
        return text, self.session.last_generation

    def __call__(self, suffix: str, max_new_tokens: int = 256, **kw: Any) -> Iterator[str]:
        order = (0, self.draft_tokens) if len(self.rows) % 2 == 0 else (self.draft_tokens, 0)
        runs = {draft: self._run(draft, suffix, max_new_tokens, kw) for draft in order}
        (plain, p), (drafted, d) = runs[0], runs[self.draft_tokens]
        self.rows.append({
            "kind": self.kind, "same_text": plain == drafted, "new_tokens": p.new_tokens,
            "suffix_tokens": p.suffix_tokens, "plain_s": round(p.seconds, 3), "drafted_s": round(d.seconds, 3),
            "plain_forwards": p.decode_forwards, "drafted_forwards": d.decode_forwards,
            "drafted": d.drafted, "accepted": d.accepted,
            **({} if plain == drafted else {"plain_text": plain, "drafted_text": drafted}),
        })  # fmt: skip
        self.session.config = dataclasses.replace(self.session.config, draft_tokens=0)
        yield plain


def run_meeting(gold_path: Path, cfg: AppConfig, draft_tokens: int, lines: int = 0) -> list[dict[str, Any]]:
    from stages.summarize.stage import build_summarizer
    from stages.summarize.store import SessionStore

    raw = json.loads(gold_path.read_text(encoding="utf-8"))
    segments, line_of = text_segments(transcript_of(gold_path, raw))
    if lines:
        segments = [s for s in segments if line_of[s.seq] <= lines]
    questions: dict[int, list[str]] = {}
    for q in raw["questions"]:
        questions.setdefault(q["after_line"], []).append(q["question"])
    with tempfile.TemporaryDirectory(prefix="lookup-") as tmp:
        store = SessionStore(Path(tmp) / "s.sqlite", raw["meeting"])
        sm = build_summarizer(cfg, store)
        calls = SideBySide(sm.session, draft_tokens)
        for seg in segments:
            sm.add_segments([seg])
            if sm.summary_due():
                calls.kind = "extraction"
                sm.summarize()
            for question in questions.get(line_of[seg.seq], []):
                calls.kind = "answer"
                sm.answer(question)
        calls.kind = "extraction"
        sm.summarize(final=True)
        store.close()
    for row in calls.rows:
        row["meeting"] = raw["meeting"]
    return calls.rows


SETTINGS = ((4, 3, 1), (8, 3, 1), (12, 3, 1), (8, 3, 2), (8, 2, 1), (8, 4, 1))  # (limit, longest n, shortest n)


def forwards_needed(suffix: list[int], out: list[int], limit: int, longest: int, shortest: int) -> int:
    """Decode forwards greedy `out` takes after `suffix` when each step feeds up to `limit` drafts."""
    from stages.summarize.session import lookup_draft

    made, forwards = 1, 0  # the first token comes from the suffix's prefill
    while made < len(out):
        guess = lookup_draft(suffix + out[:made], limit, longest, shortest)
        kept = 0
        while kept < len(guess) and made + kept < len(out) and guess[kept] == out[made + kept]:
            kept += 1
        made += kept + 1
        forwards += 1
    return forwards


def simulate(recordings: list[Path], meetings: list[str], tokenizer: Any) -> dict[str, Any]:
    """Forwards per setting on recorded extractions: the request rebuilt from the stretch's lines.
    Each meeting is read from the first recording that holds it (a JSON of several, or MEETING.jsonl)."""
    from bench.notes_dev import load_recording
    from stages.summarize import prompts

    def holds(path: Path, meeting: str) -> bool:
        if path.suffix == ".jsonl":
            return path.stem.startswith(meeting)
        return meeting in json.loads(path.read_text(encoding="utf-8"))

    calls = []
    for gold_path in discover(DATA, "all", meetings):
        raw = json.loads(gold_path.read_text(encoding="utf-8"))
        segments, _ = text_segments(transcript_of(gold_path, raw))
        recording = next((p for p in recordings if holds(p, raw["meeting"])), None)
        if recording is None:
            raise SystemExit(f"no recording holds {raw['meeting']}")
        for group in load_recording(recording, raw["meeting"]):
            for row in group:
                quoted = "".join(prompts.transcript_line(segments[i].text, segments[i].start, segments[i].speaker, True)
                                 for i in row["stretch"])  # fmt: skip
                suffix = tokenizer.encode(prompts.extract_request(quoted), add_special_tokens=False)
                calls.append((suffix, tokenizer.encode(row["text"], add_special_tokens=False) + [tokenizer.eos_token_id]))
    tokens = sum(len(out) for _, out in calls)
    result = {"extractions": len(calls), "tokens": tokens, "settings": []}
    for limit, longest, shortest in SETTINGS:
        forwards = sum(forwards_needed(suffix, out, limit, longest, shortest) for suffix, out in calls)
        result["settings"].append({"draft_tokens": limit, "longest_match": longest, "shortest_match": shortest,
                                   "forwards": forwards, "tokens_per_forward": round(tokens / forwards, 2)})  # fmt: skip
    return result


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    plain = sum(r["plain_s"] for r in rows)
    drafted = sum(r["drafted_s"] for r in rows)
    return {
        "calls": len(rows),
        "same_text": sum(r["same_text"] for r in rows),
        "new_tokens": sum(r["new_tokens"] for r in rows),
        "plain_s": round(plain, 1),
        "drafted_s": round(drafted, 1),
        "speedup": round(plain / drafted, 2) if drafted else None,
        "plain_forwards": sum(r["plain_forwards"] for r in rows),
        "drafted_forwards": sum(r["drafted_forwards"] for r in rows),
        "drafted": sum(r["drafted"] for r in rows),
        "accepted": sum(r["accepted"] for r in rows),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--meetings", required=True, help="Comma-separated meetings of the quality set.")
    ap.add_argument("--preset", default="", help="Model preset (default: the default model).")
    ap.add_argument("--threads", type=int, default=1, help="Torch threads (1: summarize beside a busy Whisper).")
    ap.add_argument("--draft-tokens", type=int, default=0, help="Drafts per step (default: the config's).")
    ap.add_argument("--simulate", default="", help="Recorded extractions (comma-separated files): count forwards per draft setting, no model.")
    ap.add_argument("--lines", type=int, default=0, help="Only each meeting's first N lines (a smoke run).")
    ap.add_argument("--json", dest="json_out", required=True)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    overrides: dict[str, Any] = {"summarize.threads": args.threads}
    if args.preset:
        overrides["summarize.model"] = args.preset
    cfg = pconfig.load(AppConfig, None, overrides)
    if args.simulate:
        from transformers import AutoTokenizer

        from stages.summarize.models import ModelConfig, resolve

        tokenizer = AutoTokenizer.from_pretrained(resolve(ModelConfig(model=cfg.summarize.model)))
        out = simulate([Path(p) for p in args.simulate.split(",")], args.meetings.split(","), tokenizer)
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(out, indent=1), encoding="utf-8")
        for row in out["settings"]:
            print(row)
        return 0
    draft = args.draft_tokens or cfg.summarize.draft_tokens
    started = time.time()
    rows: list[dict[str, Any]] = []
    for gold_path in discover(DATA, "all", args.meetings.split(",")):
        rows += run_meeting(gold_path, cfg, draft, args.lines)
        log.info("%s: %s", gold_path.name, totals(rows))
    out = {
        "command": "python -m bench.lookup " + " ".join(sys.argv[1:] if argv is None else argv),
        "model": cfg.summarize.model, "dtype": cfg.summarize.dtype, "threads": args.threads,
        "draft_tokens": draft, "wall_s": round(time.time() - started),
        "by_kind": {kind: totals([r for r in rows if r["kind"] == kind]) for kind in ("extraction", "answer")},
        "all": totals(rows),
        "calls": rows,
    }  # fmt: skip
    Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json_out).write_text(json.dumps(out, indent=1), encoding="utf-8")
    for kind, t in out["by_kind"].items():
        print(f"{kind}: {t['calls']} calls, same text {t['same_text']}/{t['calls']}, {t['plain_s']} s -> "
              f"{t['drafted_s']} s ({t['speedup']}x), decode calls {t['plain_forwards']} -> {t['drafted_forwards']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
