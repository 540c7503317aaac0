"""Every recorded extraction of the read meetings, merged again by the current notes rules: the dev
measurement of a change to the merge (`stages/summarize/notes.py` and the rules it calls), in a minute
and without the model, as `bench.answers_banks` is for the answer checks.

The model's extractions depend only on the transcript, so replaying a `bench.quality --record` log
measures a change to the merge alone. Run it before (from a worktree of the old commit) and after:

    python -m bench.notes_banks --json bench/out/notes_before.json
    python -m bench.notes_banks --json bench/out/notes_after.json --compare bench/out/notes_before.json

Scored per meeting and pooled: final recall, owners, dues, and precision (final notes lines that are gold
facts, `on_gold`). Only meetings read already belong here; a blind meeting joins once measured.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from bench.notes_dev import DATA, load_recording, replay, score_text_notes, text_segments
from bench.quality import discover, transcript_of
from bench.quality_score import load_gold

LOGS = Path(__file__).resolve().parents[1] / "bench/results/extractions"
# The bench.quality --record log of each read meeting (its extractions; answers are skipped).
RECORDINGS = [
    "incident_postmortem_qwen2.5-coder-1.5b_stop16.jsonl", "school_board_qwen2.5-coder-1.5b_stop23.jsonl",
    "theatre_production_qwen2.5-coder-1.5b_stop30.jsonl", "housing_coop_qwen2.5-coder-1.5b_stop30.jsonl",
    "vet_clinic_qwen2.5-coder-1.5b_stop30.jsonl", "club_committee_qwen2.5-coder-1.5b_stop32.jsonl",
    "plant_operations_qwen2.5-coder-1.5b_stop32.jsonl", "radio_station_qwen2.5-coder-1.5b_stop33.jsonl",
    "hotel_operations_qwen2.5-coder-1.5b_stop33.jsonl", "building_site_qwen2.5-coder-1.5b_stop34.jsonl",
    "software_sprint_qwen2.5-coder-1.5b_stop34.jsonl", "museum_exhibition_qwen2.5-coder-1.5b_stop35.jsonl",
    "delivery_depot_qwen2.5-coder-1.5b_stop35.jsonl", "newsroom_planning_qwen2.5-coder-1.5b_stop37.jsonl",
    "youth_league_qwen2.5-coder-1.5b_stop37.jsonl", "dental_practice_qwen2.5-coder-1.5b_stop37.jsonl",
    "farm_coop_qwen2.5-coder-1.5b_stop37.jsonl", "bakery_operations_qwen2.5-coder-1.5b_stop38.jsonl",
    "parish_council_qwen2.5-coder-1.5b_stop38.jsonl", "race_committee_qwen2.5-coder-1.5b_stop38.jsonl",
    "ferry_terminal_qwen2.5-coder-1.5b_stop39.jsonl", "community_garden_qwen2.5-coder-1.5b_stop39.jsonl",
    "translation_agency_qwen2.5-coder-1.5b_stop39.jsonl",
]  # fmt: skip
KEYS = ("recall", "owner_attribution", "due", "on_gold")


def run_meeting(recording: Path) -> dict[str, Any]:
    meeting = recording.name.split("_qwen")[0]
    gold_path = next(iter(discover(DATA, "all", [meeting])))
    gold = load_gold(gold_path)
    path = transcript_of(gold_path, json.loads(gold_path.read_text(encoding="utf-8")))
    segments, line_of = text_segments(path)
    notes = replay(segments, load_recording(recording, meeting))
    score = score_text_notes(gold, path, line_of, notes)
    final = score.get("final", {})
    return {"meeting": meeting, "final_notes": notes[-1]["text"] if notes else "", "missing": final.get("missing", []),
            **{k: [final[k]["k"], final[k]["n"]] for k in KEYS if isinstance(final.get(k), dict)},
            "rolling_recall": [score["rolling"]["recall"]["k"], score["rolling"]["recall"]["n"]],
            # Small talk (the gold's noise rows) in the notes: updates holding any, and in the final notes.
            "small_talk_updates": [score["small_talk_in_notes"]["k"], score["small_talk_in_notes"]["n"]],
            "small_talk_final": [len(final.get("small_talk", [])), 1],
            "small_talk_said": final.get("small_talk", [])}  # fmt: skip


def pooled(rows: list[dict[str, Any]]) -> dict[str, str]:
    out = {}
    for key in (*KEYS, "rolling_recall", "small_talk_updates"):
        k = sum(r[key][0] for r in rows if key in r)
        n = sum(r[key][1] for r in rows if key in r)
        out[key] = f"{k}/{n} ({k / n:.0%})" if n else "0/0"
    out["small_talk_final"] = f"{sum(r['small_talk_final'][0] for r in rows)} lines in {len(rows)} meetings' final notes"
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", dest="json_out", required=True, help="Write every meeting's final notes and scores here.")
    ap.add_argument("--compare", default="", help="An earlier --json of this benchmark: print what changed.")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    rows = [run_meeting(LOGS / name) for name in RECORDINGS]
    out: dict[str, Any] = {"benchmark": "notes merge, every recorded extraction of the read meetings replayed "
                                        "(bench.notes_banks)", "pooled": pooled(rows), "meetings": rows}
    print("pooled:", out["pooled"])
    if args.compare:
        before = json.loads(Path(args.compare).read_text(encoding="utf-8"))
        out["before"] = before["pooled"]
        print("before:", before["pooled"])
        old = {r["meeting"]: r for r in before["meetings"]}
        for r in rows:
            was = old.get(r["meeting"])
            if was is None:
                continue
            gone = sorted(set(was["final_notes"].splitlines()) - set(r["final_notes"].splitlines()))
            new = sorted(set(r["final_notes"].splitlines()) - set(was["final_notes"].splitlines()))
            moved = {k: (was.get(k), r.get(k)) for k in (*KEYS, "rolling_recall", "small_talk_updates", "small_talk_final")
                     if was.get(k) != r.get(k)}  # fmt: skip
            if gone or new or moved:
                print(f" {r['meeting']}: {moved}")
                for line in gone:
                    print(f"   - {line[:150]}")
                for line in new:
                    print(f"   + {line[:150]}")
    Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json_out).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
