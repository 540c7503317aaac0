"""Every recorded answer of the read meetings, checked again by the current rules: the dev measurement of
a change to the answer checks (`stages/summarize/answers.py`), in a minute and without the model.

Each bank is a recording of the 1.5B model's raw replies with what the check reads (`bench.answers_dev
--record` JSON, or a `bench.quality --record` log): the replies do not depend on the checks, so replaying
them measures a change to the checks alone. Run it before and after a change (the before from a worktree
of the old commit) and compare:

    python -m bench.answers_banks --json bench/out/banks_before.json        # in a worktree of the old commit
    python -m bench.answers_banks --json bench/out/banks_after.json --compare bench/out/banks_before.json

Only meetings read already belong here (dev); a blind meeting joins once it has been measured.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from bench.answers_dev import replayed_rows, score_replay
from bench.notes_dev import DATA, text_segments
from bench.quality import discover, transcript_of
from bench.quality_score import load_gold
from stages.settings import AppConfig

log = logging.getLogger("bench.answers_banks")

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = ROOT / "bench/results/answers"
LOGS = ROOT / "bench/results/extractions"

# (recording, meetings): answers_dev --record JSON by meeting, or the bench.quality --record log of each
# meeting (MEETING_qwen2.5-coder-1.5b_stopNN.jsonl, which holds the notes' extractions too).
BANKS: list[tuple[str, list[str]]] = [
    (f"{ANSWERS}/dev_qwen2.5-coder-1.5b.json",
     ["catering_week", "library_volunteers", "demo", "hiring_committee", "research_group"]),
    (f"{ANSWERS}/dev_written_stop24_qwen2.5-coder-1.5b.json", ["catering_week", "library_volunteers"]),
    (f"{ANSWERS}/test_qwen2.5-coder-1.5b.json", ["incident_postmortem", "budget_review"]),
    (f"{ANSWERS}/test_school_board_stop23_qwen2.5-coder-1.5b.json", ["school_board"]),
    (f"{ANSWERS}/theatre_stop32_quotewindow_qwen2.5-coder-1.5b.json", ["theatre_production"]),
    (f"{ANSWERS}/blind_stop32_quotewindow_qwen2.5-coder-1.5b.json", ["housing_coop", "vet_clinic"]),
    *((f"{LOGS}/{name}", [name.split("_qwen")[0]]) for name in (
        "club_committee_qwen2.5-coder-1.5b_stop32.jsonl", "plant_operations_qwen2.5-coder-1.5b_stop32.jsonl",
        "radio_station_qwen2.5-coder-1.5b_stop33.jsonl", "hotel_operations_qwen2.5-coder-1.5b_stop33.jsonl",
        "vet_clinic_qwen2.5-coder-1.5b_stop30.jsonl", "building_site_qwen2.5-coder-1.5b_stop34.jsonl",
        "software_sprint_qwen2.5-coder-1.5b_stop34.jsonl", "museum_exhibition_qwen2.5-coder-1.5b_stop35.jsonl",
        "delivery_depot_qwen2.5-coder-1.5b_stop35.jsonl", "newsroom_planning_qwen2.5-coder-1.5b_stop37.jsonl",
        "youth_league_qwen2.5-coder-1.5b_stop37.jsonl", "dental_practice_qwen2.5-coder-1.5b_stop37.jsonl",
        "farm_coop_qwen2.5-coder-1.5b_stop37.jsonl", "bakery_operations_qwen2.5-coder-1.5b_stop38.jsonl",
        "parish_council_qwen2.5-coder-1.5b_stop38.jsonl", "race_committee_qwen2.5-coder-1.5b_stop38.jsonl",
        "ferry_terminal_qwen2.5-coder-1.5b_stop39.jsonl", "community_garden_qwen2.5-coder-1.5b_stop39.jsonl",
        "translation_agency_qwen2.5-coder-1.5b_stop39.jsonl")),
]  # fmt: skip

KEYS = ("in_window", "evicted", "abstention", "false_abstention")


def run_bank(recording: str, meetings: list[str], lean: bool) -> list[dict[str, Any]]:
    """One row per question: the bank, meeting, id, kind, window, question, shown answer, and its score.
    `lean`: the checks of `summarize.answer_checks = "lean"` (the default), else the full ones."""
    rows: list[dict[str, Any]] = []
    for gold_path in discover(DATA, "all", meetings):
        gold = load_gold(gold_path)
        raw = json.loads(gold_path.read_text(encoding="utf-8"))
        path = transcript_of(gold_path, raw)
        segments, line_of = text_segments(path)
        recorded = replayed_rows(recording, gold.meeting, raw["questions"], line_of)
        # A quality log holds the notes' extractions too; an answers_dev recording holds each row's owners.
        score = score_replay(gold, path, segments, recorded, recording if recording.endswith(".jsonl") else "", lean)
        for q in score["questions"]:
            rows.append({"bank": Path(recording).name, "meeting": gold.meeting, "id": q["id"], "kind": q["kind"],
                         "window": q.get("window"), "question": q["question"], "answer": q["answer"],
                         "correct": bool(q["correct"]), "abstained": bool(q.get("abstained"))})  # fmt: skip
    return rows


def pooled(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Right answers in window and after eviction, and abstentions on never-discussed questions; and
    false abstentions: a decline to a question the meeting answered."""
    never = [r for r in rows if r["kind"] == "never"]
    answerable = [r for r in rows if r["kind"] != "never"]
    parts = {
        "in_window": [r["correct"] for r in answerable if r["window"] == "in"],
        "evicted": [r["correct"] for r in answerable if r["window"] == "evicted"],
        "abstention": [r["correct"] for r in never],
        "false_abstention": [r["abstained"] for r in answerable],
    }
    return {k: f"{sum(v)}/{len(v)}" for k, v in parts.items()}


def compare(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    old = {(r["bank"], r["meeting"], r["id"]): r for r in before}
    return [{"bank": r["bank"], "meeting": r["meeting"], "id": r["id"], "question": r["question"],
             "before": old[key]["correct"], "after": r["correct"], "shown_before": old[key]["answer"],
             "shown_after": r["answer"]}
            for r in after for key in [(r["bank"], r["meeting"], r["id"])]
            if key in old and (old[key]["correct"] != r["correct"] or old[key]["answer"] != r["answer"])]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", dest="json_out", required=True, help="Write every question's shown answer here.")
    ap.add_argument("--compare", default="", help="An earlier --json of this benchmark: print what changed.")
    ap.add_argument("--wrong", action="store_true", help="Print every wrong answer.")
    ap.add_argument("--checks", choices=("default", "lean", "full"), default="default",
                    help="Which answer checks: the config default's summarize.answer_checks (lean), or one of them.")
    args = ap.parse_args(argv)
    checks = AppConfig().summarize.answer_checks if args.checks == "default" else args.checks
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    rows = [row for recording, meetings in BANKS for row in run_bank(recording, meetings, checks == "lean")]
    out: dict[str, Any] = {"benchmark": "answer checks, every recorded reply of the read meetings replayed "
                                        "(bench.answers_banks)", "checks": checks, "pooled": pooled(rows), "questions": rows}
    print(f"pooled ({checks} checks):", out["pooled"])
    if args.wrong:
        for r in rows:
            if not r["correct"]:
                print(f"  wrong {r['meeting']} {r['id']}: {r['question']} -> {r['answer'][:140]}")
    if args.compare:
        before = json.loads(Path(args.compare).read_text(encoding="utf-8"))
        if before.get("checks", "full") != checks:  # files written before stop 38 hold the full checks
            print(f"warning: {args.compare} holds the {before.get('checks', 'full')} checks, this run the {checks} ones")
        out["before"] = before["pooled"]
        out["changed"] = compare(before["questions"], rows)
        print("before:", before["pooled"])
        for c in out["changed"]:
            mark = {(False, True): "+", (True, False): "-"}.get((c["before"], c["after"]), "=")
            print(f" {mark} {c['meeting']} {c['id']}: {c['question']}\n     was: {c['shown_before'][:150]}\n     now: "
                  f"{c['shown_after'][:150]}")  # fmt: skip
    Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json_out).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
