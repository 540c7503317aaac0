"""bench.asr_sets: the test split shares nothing with the dev split (no synthesis: text and names only)."""

from __future__ import annotations

import pytest

from bench import asr_sets as sets


def items(split: str, kind: type) -> list:
    return [i for group in sets.SPLITS[split].groups.values() for i in group if isinstance(i, kind)]


def test_no_voice_is_in_both_splits():
    dev = {v.espeak for m in items("dev", sets.Meeting) for v in m.voices}
    test = {v.espeak for m in items("test", sets.Meeting) for v in m.voices}
    samples = {v[0] for v in sets.speech.VOICES.values()}  # samples/meeting.ogg tuned the old policy
    assert not dev & test and not test & samples


def test_no_meeting_line_is_in_both_splits():
    def said(split: str) -> set[str]:
        return {text for m in items(split, sets.Meeting) for _, text in sets.excerpt(m) if len(text.split()) >= 8}

    assert not said("dev") & said("test")


def test_real_recordings_are_split():
    dev, test = items("dev", sets.Prompts), items("test", sets.Prompts)
    assert {p.name for p in dev if p.kind == "pocketsphinx"}.isdisjoint({p.name for p in test if p.kind == "pocketsphinx"})
    assert {p.part for p in dev if p.kind == "asterisk"} == {0} and {p.part for p in test if p.kind == "asterisk"} == {1}


def test_asterisk_parts_hold_no_prompt_twice():
    if not sets.human.TRANSCRIPTS.exists():
        pytest.skip("asterisk-core-sounds-en is not installed")
    dev = [t for p in items("dev", sets.Prompts) if p.kind == "asterisk" for _, _, t in sets.asterisk_recordings(p)]
    test = [t for p in items("test", sets.Prompts) if p.kind == "asterisk" for _, _, t in sets.asterisk_recordings(p)]
    assert not set(dev) & set(test) and len(test) == len(set(test))
