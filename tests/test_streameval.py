"""bench.streameval's mechanics on a small planted-fact meeting with smollm2 (accuracy is bench's job)."""

from __future__ import annotations

import json

import pytest

from bench import streameval

pytestmark = pytest.mark.slow


def test_streameval_reports_all_three_configurations(tmp_path):
    lines = [f"Tom: We reviewed item number {i} of the plan and nothing changed there." for i in range(40)]
    lines[3] = "Ann: The offsite will be held in Lisbon in June."
    lines[36] = "Ann: The badge reader vendor is Kestrel Systems."
    (tmp_path / "t.txt").write_text("\n".join(lines) + "\n")
    questions = [
        {"after_line": 38, "fact_line": 37, "question": "Which vendor makes the badge readers?", "answers": ["Kestrel"]},
        {"after_line": 40, "fact_line": 4, "question": "Where will the offsite be held?", "answers": ["Lisbon"]},
    ]
    (tmp_path / "q.jsonl").write_text("\n".join(json.dumps(q) for q in questions) + "\n")
    out = tmp_path / "r.json"
    assert streameval.main([
        "--transcript", str(tmp_path / "t.txt"), "--questions", str(tmp_path / "q.jsonl"), "--json", str(out),
        "--preset", "smollm2-135m", "--window", "256", "--summary-every-tokens", "400",
        # Short replies and notes (the summarize tests' SMALL caps): the checks below are on the mechanics
        # (eviction, distances, citations, the three configurations), none on what the replies say.
        "--answer-max-tokens", "24", "--summary-max-tokens", "40",
    ]) == 0  # fmt: skip
    report = json.loads(out.read_text())
    rows = {r["question"]: r for r in report["questions"]}
    near, far = rows["Which vendor makes the badge readers?"], rows["Where will the offsite be held?"]
    assert not near["evicted"] and far["evicted"]  # 37 lines x ~15 tokens >> a 256-token window
    assert far["distance_tokens"] > 256 > near["distance_tokens"] > 0
    assert set(far["configs"]) == {"window", "summary", "retrieval"}
    assert 4 in far["retrieved_lines"] and 37 not in near["retrieved_lines"]  # the store found the evicted fact
    assert far["configs"]["window"]["cited_lines"] == []
    assert set(report["results"]["retrieval"]) == {"in_window", "evicted", "all"}
    assert report["ingest"]["transcript_tokens"] > 400 and report["ingest"]["summaries"] >= 1
    assert (report["answer_max_tokens"], report["summary_max_tokens"]) == (24, 40)


def test_keyword_match_is_whole_word_and_case_insensitive():
    assert streameval.contains_keyword("It is in LISBON.", ["Lisbon"])
    assert not streameval.contains_keyword("Lisbonne", ["Lisbon"])
    assert not streameval.contains_keyword("We need 16 people", ["6"])
    assert streameval.contains_keyword("about 185,000 dollars", ["185,000"])
