"""The answer path alone, in this process, on the quality set: the fast loop for tuning how answers are
checked (`stages/summarize/answers.py`), as `bench.notes_dev` is for the notes.

`bench.quality` is the measurement of record (real processes, sockets, the notes made by the model as
the meeting runs). Tuning the answer checks needs only the model's raw replies: this feeds a meeting's
lines to the same `Summarizer` in process, brings the notes up to date at each summary from a recorded
extraction run (`bench.notes_dev --record` or `bench.quality --record`; no model time spent on notes),
asks each gold question at its line with the real model, and records what the model replied together
with everything the check reads (the window, the retrieved passages, the notes given to the model):

    python -m bench.answers_dev --meetings catering_week --notes FILE --record bench/out/answers.json

A recorded run replays the checks in seconds, without the model, and scores the shown answers:

    python -m bench.answers_dev --meetings catering_week --replay bench/out/answers.json [--json OUT]

So does a `bench.quality --record DIR` run: its summarize stage logs every answer's reply and context
beside the extractions (`--replay DIR/PRESET` or `--replay DIR/PRESET/MEETING.jsonl`, with `--notes` the same).

The model's reply depends only on its prompt (window, passages, notes), which a change to the checks does
not touch; a change to the prompt, the retrieval or the notes needs a new recording.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.notes_dev import DATA, load_recording, text_segments
from bench.notes_dev import replay as notes_replay
from bench.quality import discover, transcript_of
from bench.quality_score import Transcript, load_gold, score_answers
from pipeline import config as pconfig
from pipeline.messages import Citation, Segment
from stages.settings import AppConfig

log = logging.getLogger("bench.answers_dev")


def _replayed_extract(sm: Any, recorded: list[list[dict[str, Any]]], segments: list[Segment]) -> None:
    """Make `sm` merge the recorded extractions instead of running the model on each chunk: every recorded
    extraction whose stretch starts inside the chunk, once (chunk boundaries may differ by a segment)."""
    from stages.summarize.grounding import Sources
    from stages.summarize.notes import parse_extraction

    pending = sorted((ext for group in recorded for ext in group), key=lambda e: e["stretch"][0])

    def extract(chunk: list[Segment], on_piece: Any = None) -> None:
        while pending and pending[0]["stretch"][0] <= chunk[-1].seq:
            ext = pending.pop(0)
            stretch = [segments[i] for i in ext["stretch"]]
            window = [segments[i] for i in ext["window"]]
            sm.notes.merge(parse_extraction(ext["text"]), stretch, Sources.of_segments([*window, *stretch]), window)

    sm._extract = extract


def record(segments: list[Segment], questions: dict[int, list[dict[str, Any]]], line_of: list[int],
           recorded_notes: list[list[dict[str, Any]]], preset: str | None,
           overrides: dict[str, Any] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Ask every question at its line; what the model replied and what the check reads, per question."""
    import stages.summarize.answers as answers_module
    from stages.summarize.stage import build_summarizer
    from stages.summarize.store import SessionStore

    cfg = pconfig.load(AppConfig, None, ({"summarize.model": preset} if preset else {}) | (overrides or {}) or None)
    rows: list[dict[str, Any]] = []
    seen: dict[str, Any] = {}
    ground = answers_module.ground

    def recording_ground(question, reply, sources, store, passages, window, owned=()):  # noqa: ANN001, ANN202
        seen.update(reply=reply, passages=[p.__dict__ for p in passages], window=[s.seq for s in window],
                    owned=[list(o) for o in owned])  # fmt: skip
        return ground(question, reply, sources, store, passages, window, owned)

    answers_module.ground = recording_ground
    try:
        with tempfile.TemporaryDirectory(prefix="answers-dev-") as tmp:
            store = SessionStore(Path(tmp) / "s.sqlite", "dev")
            sm = build_summarizer(cfg, store)
            _replayed_extract(sm, recorded_notes, segments)
            for seg in segments:
                sm.add_segments([seg])
                if sm.summary_due():
                    sm.summarize()
                for q in questions.get(line_of[seg.seq], []):
                    seen.clear()
                    notes = sm._notes_for_question(q["question"])
                    quoted = [list(p.seqs) for p in sm.choose_passages(q["question"])[1]]
                    t0 = time.perf_counter()
                    shown, _ = sm.answer(q["question"])
                    rows.append({"id": q["id"], "question": q["question"], "upto_seq": seg.seq, "notes": notes,
                                 "quoted": quoted, "shown": shown, "seconds": round(time.perf_counter() - t0, 1), **seen})  # fmt: skip
                    log.info("%s: %s -> %r (shown: %s)", q["id"], q["question"], seen.get("reply"), shown[:100])
            store.close()
    finally:
        answers_module.ground = ground
    return rows


def replay(segments: list[Segment], rows: list[dict[str, Any]], notes: list[dict[str, Any]] = (),
           lean: bool = False) -> dict[str, str]:  # fmt: skip
    """The answers the current checks show for the recorded replies (no model): each checked against a
    store holding the meeting up to the question's line, as it was when the question was asked. `notes`
    (`bench.notes_dev.replay` of the recorded extractions): the notes' owned tasks at the question's
    line, as the summarizer holds them then (the latest summary up to it)."""
    from stages.summarize.answers import ground
    from stages.summarize.grounding import Sources
    from stages.summarize.retrieval import quoted_segments
    from stages.summarize.store import SessionStore

    shown: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="answers-replay-") as tmp:
        store = SessionStore(Path(tmp) / "s.sqlite", "dev")
        added = -1
        for row in sorted(rows, key=lambda r: r["upto_seq"]):
            while added < row["upto_seq"]:
                added += 1
                store.add_segment(segments[added])
            window = [segments[i] for i in row["window"]]
            passages = tuple(Citation(**p) for p in row["passages"])
            sources = Sources.of_segments(window)
            sources.add(row["notes"])
            for p in passages:  # with its speakers, as the summarizer adds them (stages/summarize/summarizer.py)
                spoken = quoted_segments(store, p)
                sources.add(p.text + " " + " ".join(x.speaker for x in spoken if x.speaker))
            owned = row["owned"] if "owned" in row else next(
                (n["owned"] for n in reversed(notes) if n["upto_seq"] <= row["upto_seq"]), [])  # fmt: skip
            shown[row["id"]] = ground(row["question"], row["reply"], sources, store, passages, window,
                                      [tuple(o) for o in owned], lean=lean).text  # fmt: skip
        store.close()
    return shown


def quality_answers(path: Path, questions: list[dict[str, Any]], line_of: list[int]) -> list[dict[str, Any]]:
    """The answers a `bench.quality --record` run logged (MEETING.jsonl), as recorded rows with the gold
    question ids: each gold question is the logged one with its text asked first at or after its line
    (a question asked twice, in window and evicted, is two rows)."""
    logged = [row for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
              for row in [json.loads(line)] if row.get("kind") == "answer"]  # fmt: skip
    rows, used = [], set()
    for q in sorted(questions, key=lambda q: q["after_line"]):
        at = max((seq for seq, line in enumerate(line_of) if line <= q["after_line"]), default=0)
        match = next((k for k, row in enumerate(logged) if k not in used and row["question"] == q["question"]
                      and row["upto_seq"] >= at), None)  # fmt: skip
        if match is None:
            log.warning("%s: no logged answer", q["id"])
            continue
        used.add(match)
        rows.append(logged[match] | {"id": q["id"]})
    return rows


def replayed_rows(spec: str, meeting: str, questions: list[dict[str, Any]], line_of: list[int]) -> list[dict[str, Any]]:
    """The recorded rows of `meeting` named by --replay: a `bench.quality --record` log (a MEETING.jsonl or
    a directory of them), or this tool's `--record` JSON."""
    if spec.endswith(".jsonl") or Path(spec).is_dir():
        return quality_answers(_notes_for(spec, meeting), questions, line_of)
    return json.loads(Path(spec).read_text(encoding="utf-8"))[meeting]


def score_replay(gold: Any, path: Path, segments: list[Segment], rows: list[dict[str, Any]], notes: str,
                 lean: bool = False) -> dict[str, Any]:  # fmt: skip
    """The recorded replies checked again by the current rules and scored; `notes` (as --notes) gives the
    notes' owned tasks at each question when the rows do not hold them."""
    notes_path = _notes_for(notes, gold.meeting)
    timeline = notes_replay(segments, load_recording(notes_path, gold.meeting)) if notes_path else []
    shown = replay(segments, rows, timeline, lean=lean)
    return score_answers(gold, Transcript(path.read_text(encoding="utf-8").splitlines()), shown)


def _notes_for(spec: str, meeting: str) -> Path | None:
    """The extraction recording of `meeting` named by --notes: one file, a directory of MEETING.jsonl, or
    MEETING=FILE pairs separated by commas (the dev meetings were recorded in three runs)."""
    if not spec:
        return None
    if "=" in spec:
        pairs = dict(part.split("=", 1) for part in spec.split(",") if part)
        return Path(pairs[meeting]) if meeting in pairs else None
    path = Path(spec)
    return path / f"{meeting}.jsonl" if path.is_dir() else path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--meetings", required=True, help="Comma-separated meetings of the quality set.")
    ap.add_argument("--preset", default="", help="Model preset (default: the default model).")
    ap.add_argument("--notes", default="", help="Recorded extractions for the notes (notes_dev --record JSON, "
                    "a directory of bench.quality --record JSONL files, MEETING.jsonl, or MEETING=FILE,...). "
                    "With --replay: the notes' owners at each question, as the summarizer held them.")
    ap.add_argument("--record", default="", help="Ask with the model and save its replies here (JSON, by meeting).")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="A config override, e.g. summarize.retrieve_strategy=evicted with --record, "
                         "summarize.answer_checks=lean with --replay (repeatable).")
    ap.add_argument("--only", default="", choices=["", "in", "evicted", "never"],
                    help="With --record: ask only the gold questions of this window (never: the never-discussed).")
    ap.add_argument("--replay", default="", help="Check recorded replies again with the current rules.")
    ap.add_argument("--json", dest="json_out", default="", help="Write the shown answers and their scores here.")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if bool(args.record) == bool(args.replay):
        ap.error("give one of --record or --replay")
    out: dict[str, Any] = {"meetings": {}}
    pooled: dict[str, list[int]] = {}
    lean = pconfig.load(AppConfig, None, pconfig.parse_overrides(args.set) or None).summarize.answer_checks == "lean"
    for gold_path in discover(DATA, "all", args.meetings.split(",")):
        gold = load_gold(gold_path)
        raw = json.loads(gold_path.read_text(encoding="utf-8"))
        path = transcript_of(gold_path, raw)
        segments, line_of = text_segments(path)
        if args.record:
            notes_path = _notes_for(args.notes, gold.meeting)
            recorded_notes = load_recording(notes_path, gold.meeting) if notes_path is not None else []
            by_line: dict[int, list[dict[str, Any]]] = {}
            for q in raw["questions"]:
                window = "never" if q["kind"] == "never" else q["window"]
                if not args.only or window == args.only:
                    by_line.setdefault(q["after_line"], []).append(q)
            rows = record(segments, by_line, line_of, recorded_notes, args.preset or None,
                          pconfig.parse_overrides(args.set))
            saved = Path(args.record)
            previous = json.loads(saved.read_text(encoding="utf-8")) if saved.is_file() else {}
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(json.dumps(previous | {gold.meeting: rows}, indent=1), encoding="utf-8")
        else:
            rows = replayed_rows(args.replay, gold.meeting, raw["questions"], line_of)
        score = score_replay(gold, path, segments, rows, args.notes, lean)
        out["meetings"][gold.meeting] = score
        for key in ("in_window", "evicted", "abstention", "false_abstention"):
            part = pooled.setdefault(key, [0, 0])
            part[0] += score[key]["k"]
            part[1] += score[key]["n"]
        print(f"{gold.meeting}: in window {score['in_window']['k']}/{score['in_window']['n']}, evicted "
              f"{score['evicted']['k']}/{score['evicted']['n']}, abstention {score['abstention']['k']}/"
              f"{score['abstention']['n']}, false abstention {score['false_abstention']['k']}/"
              f"{score['false_abstention']['n']}")  # fmt: skip
        for r in score["questions"]:
            if not r["correct"]:
                print(f"   wrong {r['id']}: {r['question']} -> {r['answer'][:140]}")
    out["pooled"] = {k: f"{v[0]}/{v[1]}" for k, v in pooled.items()}
    print("pooled:", out["pooled"])
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
