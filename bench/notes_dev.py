"""The notes engine alone, in this process, on the quality set: the fast loop for tuning extraction.

`bench.quality` is the measurement of record (real processes, sockets, questions asked at their line);
a 30-minute meeting takes it half an hour on this machine. Tuning the extraction prompt or the merge
rules needs only the notes: this runs the same `Summarizer` (same config, model and cadence) over a
meeting's lines in process, scores every rolling and the final notes with `bench.quality_score`, and
prints what the model wrote for each stretch next to what the merge kept, so a missed fact can be traced
to the extraction or to the merge. Tune on the dev split; report the test split with `bench.quality`.

    python -m bench.notes_dev --meetings hiring_committee --json bench/out/notes_dev.json [--preset P]
    python -m bench.notes_dev --session ~/.local/share/sinkscribe/sessions/NAME.sqlite   # an ASR transcript
    (--record / --replay work on a session too: the `make demo` transcript as Whisper heard it)

The model's extractions depend only on the transcript (each is generated on a rolled-back suffix), so a
run can be recorded and the merge rules replayed on it in seconds, without the model:

    python -m bench.notes_dev --meetings hiring_committee --record bench/out/rec_hiring.json
    python -m bench.notes_dev --meetings hiring_committee --replay bench/out/rec_hiring.json
    python -m bench.notes_dev --meetings incident_postmortem --replay bench/out/rec/PRESET/incident_postmortem.jsonl
(the last: what `bench.quality --record bench/out/rec` wrote from the real stages). A replay scores the notes the current rules make from the recorded extractions; a changed prompt, chunk
size or model needs a new recording.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
import types
from pathlib import Path
from typing import Any

from bench.quality import audio_alignment, discover, transcript_of
from bench.quality_score import Transcript, Update, load_gold, score_notes
from pipeline import config as pconfig
from pipeline.messages import Segment
from stages.settings import AppConfig
from stages.text_ingest import PAUSE_S, WORDS_PER_SECOND, read_lines

log = logging.getLogger("bench.notes_dev")
DATA = Path(__file__).parent / "data" / "quality"


def text_segments(path: Path, stream: str = "dev") -> tuple[list[Segment], list[int]]:
    """The meeting's lines as the text replay times them; and each segment's line number."""
    segs, line_of, t = [], [], 0.0
    for seq, utt in enumerate(read_lines(path)):
        duration = max(0.5, len(utt.text.split()) / WORDS_PER_SECOND)
        segs.append(Segment(stream, seq, utt.text, round(t, 3), round(t + duration, 3), speaker=utt.speaker))
        line_of.append(utt.line)
        t += duration + PAUSE_S
    return segs, line_of


class Trace(logging.Handler):
    """Collects what the summarizer logs about each extraction (raw text, items not shown)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class Recorder:
    """What each extraction read and wrote: the model's text, the stretch, the window (segment numbers),
    grouped by summary."""

    def __init__(self) -> None:
        self.summaries: list[list[dict[str, Any]]] = [[]]
        self._text = ""

    def attach(self, sm: Any) -> None:
        import stages.summarize.summarizer as summarizer_module

        parse, merge = summarizer_module.parse_extraction, sm.notes.merge

        def recording_parse(text: str) -> Any:
            self._text = text
            return parse(text)

        def recording_merge(extracted, stretch, sources, context=()) -> Any:  # noqa: ANN001
            self.summaries[-1].append({"text": self._text, "stretch": [s.seq for s in stretch],
                                       "window": [s.seq for s in context]})  # fmt: skip
            return merge(extracted, stretch, sources, context)

        summarizer_module.parse_extraction = recording_parse
        sm.notes.merge = recording_merge

    def summary_done(self) -> None:
        self.summaries.append([])


def load_recording(path: Path, meeting: str) -> list[list[dict[str, Any]]]:
    """Extractions grouped by summary: from this tool's `--record` JSON ({meeting: groups}), or from a
    summarize stage's `extraction_log` (JSON lines; `bench.quality --record DIR` writes one per meeting)."""
    if path.suffix != ".jsonl":
        return json.loads(path.read_text(encoding="utf-8"))[meeting]
    groups: dict[int, list[dict[str, Any]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("kind") != "answer":  # a quality run logs its answers in the same file
                groups.setdefault(int(row["summary"]), []).append(row)
    return [groups[k] for k in sorted(groups)]


def replay(segments: list[Segment], recorded: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The notes the current merge rules make from recorded extractions (no model)."""
    from stages.summarize.grounding import Sources
    from stages.summarize.notes import Notes, parse_extraction

    notes, out = Notes(), []
    for k, group in enumerate(r for r in recorded if r):
        upto = segments[0].seq
        for ext in group:
            stretch = [segments[i] for i in ext["stretch"]]
            window = [segments[i] for i in ext["window"]]
            notes.merge(parse_extraction(ext["text"]), stretch, Sources.of_segments([*window, *stretch]), window)
            upto = stretch[-1].seq
        out.append({"text": notes.render(), "upto_seq": upto, "final": k == len([r for r in recorded if r]) - 1,
                    "owned": [(i.owner, i.text) for i in notes.items if i.kind == "action" and i.owner]})
    return out


def run(segments: list[Segment], preset: str | None, recorder: Recorder | None = None,
        overrides: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], list[str], dict[str, Any]]:  # fmt: skip
    """Feed the segments as the stage does; the notes at each summary (rolling, then final)."""
    from stages.summarize.stage import build_summarizer
    from stages.summarize.store import SessionStore

    cfg = pconfig.load(AppConfig, None, ({"summarize.model": preset} if preset else {}) | (overrides or {}) or None)
    trace = Trace()
    logging.getLogger("stages.summarize.summarizer").addHandler(trace)
    logging.getLogger("stages.summarize.summarizer").setLevel(logging.DEBUG)
    notes: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="notes-dev-") as tmp:
        store = SessionStore(Path(tmp) / "s.sqlite", "dev")
        sm = build_summarizer(cfg, store)
        if recorder is not None:
            recorder.attach(sm)
        t0 = time.perf_counter()
        for seg in segments:
            sm.add_segments([seg])
            if sm.summary_due():
                notes.append({"text": sm.summarize(), "upto_seq": seg.seq, "final": False})
                if recorder is not None:
                    recorder.summary_done()
                log.info("notes at %.0f s (%d items, %.1f s)", seg.end, len(sm.notes.items),
                         sm.counters.last_summary_s)  # fmt: skip
        notes.append({"text": sm.summarize(final=True), "upto_seq": segments[-1].seq, "final": True})
        counters = {**sm.stats(), "wall_s": time.perf_counter() - t0}
        store.close()
    return notes, trace.lines, counters


def _save_recording(saved: Path, meeting: str, recorder: Recorder) -> None:
    """Add one meeting's extractions to a `--record` JSON file ({meeting: groups})."""
    previous = json.loads(saved.read_text(encoding="utf-8")) if saved.is_file() else {}
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(previous | {meeting: recorder.summaries}), encoding="utf-8")


def score_text_notes(gold: Any, path: Path, line_of: list[int], notes: list[dict[str, Any]]) -> dict[str, Any]:
    """The notes made from a meeting's script (`text_segments`) scored against its gold, each update at
    the line of its last segment."""
    updates = [Update(n["text"], line_of[n["upto_seq"]], n["final"]) for n in notes]
    return score_notes(gold, Transcript(path.read_text(encoding="utf-8").splitlines()), updates)


def score_session(segments: list[Segment], notes: list[dict[str, Any]], meeting: str) -> dict[str, Any]:
    """The notes of a recorded session scored against the gold of the meeting it recorded: its segments
    placed on the script's lines as `bench.quality` places a live audio run's."""
    gold_path = next(iter(discover(DATA, "all", [meeting])))
    gold = load_gold(gold_path)
    script = transcript_of(gold_path, json.loads(gold_path.read_text(encoding="utf-8"))).read_text(encoding="utf-8")
    rec = types.SimpleNamespace(segments=[{"seq": s.seq, "text": s.text} for s in segments])
    aligned, line_of = audio_alignment(rec, script.splitlines())
    updates = [Update(n["text"], line_of.get(n["upto_seq"], 0), n["final"]) for n in notes]
    return score_notes(gold, Transcript(aligned), updates)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="", help="Model preset (default: the default model).")
    ap.add_argument("--meetings", default="hiring_committee", help="Comma-separated meetings of the quality set.")
    ap.add_argument("--session", default="", help="Instead: a stored session's transcript (scored with --gold).")
    ap.add_argument("--gold", default="", help="With --session: the quality-set meeting it is a recording of "
                                                "(`demo` for make demo's): score its notes against that gold.")
    ap.add_argument("--json", dest="json_out", default="", help="Write notes, trace and scores here.")
    ap.add_argument("--record", default="", help="Save every extraction here (one meeting at a time).")
    ap.add_argument("--replay", default="", help="Replay the merge on a recording instead of running the model.")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="A config override for the model run, e.g. summarize.extract_shots=2 (repeatable).")
    args = ap.parse_args(argv)
    overrides = pconfig.parse_overrides(args.set)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    out: dict[str, Any] = {"preset": args.preset or "default", "meetings": {}}
    if args.session:
        from stages.summarize.store import SessionStore

        with SessionStore.open_existing(args.session) as src:
            segments = list(src.segments())
        if args.replay:  # an ASR transcript's recording, keyed "session" (not scored: no gold lines)
            t0 = time.perf_counter()
            notes = replay(segments, load_recording(Path(args.replay), "session"))
            trace, counters = [], {"wall_s": time.perf_counter() - t0}
        else:
            recorder = Recorder() if args.record else None
            notes, trace, counters = run(segments, args.preset or None, recorder, overrides)
            if recorder is not None:
                _save_recording(Path(args.record), "session", recorder)
        out["meetings"]["session"] = {"notes": notes, "trace": trace, "counters": counters}
        print(notes[-1]["text"])
        if args.gold:
            out["meetings"]["session"]["score"] = score = score_session(segments, notes, args.gold)
            final = score.get("final", {})
            print(f"{args.gold} (this session): final recall {final.get('recall')}, owners "
                  f"{final.get('owner_attribution')}, missing {final.get('missing')}, on gold {final.get('on_gold')}")
    for gold_path in discover(DATA, "all", args.meetings.split(",")) if not args.session else []:
        gold = load_gold(gold_path)
        path = transcript_of(gold_path, json.loads(gold_path.read_text(encoding="utf-8")))
        segments, line_of = text_segments(path)
        if args.replay:
            t0 = time.perf_counter()
            recorded = load_recording(Path(args.replay), gold.meeting)
            notes, trace, counters = replay(segments, recorded), [], {"wall_s": time.perf_counter() - t0}
        else:
            recorder = Recorder() if args.record else None
            notes, trace, counters = run(segments, args.preset or None, recorder, overrides)
            if recorder is not None:
                _save_recording(Path(args.record), gold.meeting, recorder)
        score = score_text_notes(gold, path, line_of, notes)
        final = score.get("final", {})
        out["meetings"][gold.meeting] = {"notes": notes, "trace": trace, "counters": counters, "score": score}
        print(f"{gold.meeting}: final recall {final.get('recall')}, owners {final.get('owner_attribution')}, "
              f"missing {final.get('missing')}, misfiled {final.get('misfiled')}, "
              f"rolling {score.get('rolling', {}).get('recall')}, on gold {final.get('on_gold')}, "
              f"{counters['wall_s']:.0f} s")  # fmt: skip
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
