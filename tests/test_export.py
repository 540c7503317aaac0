"""Exports parse: SRT and WebVTT timing valid (monotonic, positive), JSON lines, Markdown."""

from __future__ import annotations

import json
import re

import pytest

from pipeline.messages import Segment
from stages.summarize.export import cues, export
from stages.summarize.store import SessionStore

STAMP = r"(\d\d):(\d\d):(\d\d)[,.](\d\d\d)"


def seconds(match: tuple[str, ...]) -> float:
    h, m, s, ms = map(int, match)
    return h * 3600 + m * 60 + s + ms / 1000


@pytest.fixture
def store(tmp_path):
    with SessionStore(tmp_path / "s.sqlite", "demo") as s:
        # Fragments as LocalAgreement commits them, one overlapping its neighbour, one zero-length.
        frags = [(0.0, 1.0, "Good morning"), (0.9, 2.0, "everyone."), (2.5, 2.5, "Today we"),
                 (2.5, 4.0, "decide the release date."), (4.2, 12.0, "A very long fragment " * 6 + "end."),
                 (12.5, 13.0, "Okay?")]  # fmt: skip
        for i, (start, end, text) in enumerate(frags):
            s.add_segment(Segment("demo", i, text, start, end))
        s.add_summary(5, 13.0, "Overview: release date discussed.", final=True)
        s.add_answer("r1", "When?", "Soon.", ())
        s.set_ended("eof", 13.0)
        yield s


def check_timings(text: str) -> list[tuple[float, float]]:
    spans = [(seconds(m[:4]), seconds(m[4:])) for m in re.findall(STAMP + r" --> " + STAMP, text)]
    assert spans
    for (a, b), nxt in zip(spans, spans[1:] + [None], strict=True):
        assert b > a
        if nxt:
            assert nxt[0] >= b  # no overlap
    return spans


def test_srt(store):
    text = export(store, "srt")
    blocks = text.strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == [str(i) for i in range(1, len(blocks) + 1)]
    check_timings(text)
    assert "Good morning everyone." in text


def test_vtt(store):
    text = export(store, "vtt")
    assert text.startswith("WEBVTT\n\n")
    check_timings(text)


def test_jsonl(store):
    rows = [json.loads(line) for line in export(store, "jsonl").splitlines()]
    assert [r["type"] for r in rows].count("segment") == 6
    assert any(r["type"] == "summary" and r["final"] for r in rows)
    assert any(r["type"] == "answer" and r["request_id"] == "r1" for r in rows)


def test_markdown(store):
    text = export(store, "md")
    assert text.startswith("# Session s\n\nRecorded from an unknown source, started ")  # the session is its file
    assert "Overview: release date discussed." in text
    assert "**Q:** When?" in text and "`00:00.0` Good morning everyone." in text


def test_markdown_names_the_recording(store):
    from stages.recording import Recording
    from stages.summarize.catalog import recording_meta

    store.set_meta(recording_meta(Recording("file", "/m/standup.ogg", "standup.ogg", "c0ffee" * 10 + "abcd", 13.0)))
    assert "Recorded from standup.ogg (fingerprint c0ffeec0ffee, 0:13), started " in export(store, "md")


def test_cues_respect_length_limits(store):
    for cue in cues(store.segments()):
        assert len(cue.text) <= 200 and cue.end > cue.start


@pytest.fixture
def dialogue(tmp_path):
    with SessionStore(tmp_path / "d.sqlite", "demo") as s:
        frags = [(0.0, 1.0, "S1", "Can you own"), (1.0, 2.0, "S1", "the migration?"), (2.5, 3.5, "S2", "Yes, I"),
                 (3.5, 4.0, "S1", "Great"), (4.0, 5.0, None, "and <then> R&D.")]  # fmt: skip
        for i, (start, end, who, text) in enumerate(frags):
            s.add_segment(Segment("demo", i, text, start, end, speaker=who))
        s.set_ended("eof", 5.0)
        yield s


def test_a_new_speaker_starts_a_new_cue_with_their_label(dialogue):
    assert [(c.speaker, c.text) for c in cues(dialogue.segments())] == [
        ("S1", "Can you own the migration?"), ("S2", "Yes, I"), ("S1", "Great"), (None, "and <then> R&D.")]  # fmt: skip
    vtt = export(dialogue, "vtt")
    check_timings(vtt)
    assert "\n<v S1>Can you own the migration?\n" in vtt and "\n<v S2>Yes, I\n" in vtt
    assert "\nand &lt;then&gt; R&amp;D.\n" in vtt  # WebVTT parses < and &: escaped
    srt = export(dialogue, "srt")
    assert "\nS1: Can you own the migration?\n" in srt and "\nS2: Yes, I\n" in srt and "\nand <then> R&D.\n" in srt
    assert "`00:02.5` **S2:** Yes, I" in export(dialogue, "md")
    rows = [json.loads(line) for line in export(dialogue, "jsonl").splitlines()]
    assert [r["speaker"] for r in rows if r["type"] == "segment"] == ["S1", "S1", "S2", "S1", None]
