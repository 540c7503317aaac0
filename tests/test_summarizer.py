"""Summarizer helpers without a model."""

from __future__ import annotations

import pytest
import torch

from stages.summarize.summarizer import _first_repeat


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Overview:", "- The release moves to March.", "Decisions:", "- none", "Action items:", "- none"], None),
        (["- The main risk is the migration.", "- The main risk is the migration."], 1),
        (["- Maria owns the migration.", "- David writes the notes.", "* maria owns  the MIGRATION."], 2),
        (["Decisions:", "Decisions:"], None),  # short lines (headings, "- none") may repeat
        ([], None),
    ],
)
def test_first_repeated_line(lines, expected):
    assert _first_repeat(lines) == expected


def test_a_stretch_longer_than_its_estimate_is_split_not_crashed(tmp_path) -> None:
    """The chunk estimate is 4 characters a token; digits and rare words take more. An extraction
    whose request would not fit the headroom is split in halves (before: ValueError, a restart loop)."""
    from pipeline import config as config_io
    from pipeline.messages import Segment
    from stages.settings import AppConfig
    from stages.summarize.stage import build_summarizer
    from stages.summarize.store import SessionStore

    cfg = config_io.load(AppConfig, None, {"summarize.model": "smollm2-135m", "summarize.window_tokens": 256,
                                           "summarize.headroom_tokens": 640, "summarize.extract_shots": 1, "summarize.extract_chunk_tokens": 160,
                                           "summarize.summary_max_tokens": 40, "summarize.summary_carry_tokens": 64,
                                           "summarize.answer_max_tokens": 24, "summarize.passage_tokens": 96,
                                           "summarize.question_max_chars": 300,
                                           "summarize.extraction_log": str(tmp_path / "x.jsonl")})  # fmt: skip
    dense = " ".join(f"{n}-{n * 7919}" for n in range(1000, 1012))  # ~12 characters, ~8 tokens each
    with SessionStore(tmp_path / "s.sqlite", "t") as store:
        summarizer = build_summarizer(cfg, store)
        # Three lines of ~170 tokens each: one chunk by the estimate (3 x 50 of 160), 889 tokens with the
        # instruction against 600 of room, so it is split in halves and the second half again (1 + 1 + 1):
        # three extractions. (A fourth line only added an extraction that fits without a split.)
        segments = [Segment("t", seq, f"Ticket numbers {dense}.", seq * 5.0, seq * 5.0 + 4) for seq in range(3)]
        for seg in segments:
            summarizer.add_segments([seg])
        summarizer.summarize(final=True)  # must not raise
        assert summarizer.counters.summaries == 1
        # The extraction log holds every extraction (the halves too), and replaying the merge on it gives
        # the notes the stage made (what `bench.notes_dev --replay` relies on).
        from bench.notes_dev import load_recording, replay

        recorded = load_recording(tmp_path / "x.jsonl", "t")
        assert len(recorded) == 1 and len(recorded[0]) == 3  # the three halves above
        assert sorted(seq for row in recorded[0] for seq in row["stretch"]) == [0, 1, 2]
        assert replay(segments, recorded)[-1]["text"] == summarizer.notes.render()
        # An answer is logged too, with all its check read: replayed, the check shows what the stage showed.
        shown, _ = summarizer.answer("Which ticket numbers were read out?")
        from bench.answers_dev import quality_answers
        from bench.answers_dev import replay as answers_replay

        question = {"id": "q1", "question": "Which ticket numbers were read out?", "after_line": 3}
        rows = quality_answers(tmp_path / "x.jsonl", [question], [1, 2, 3])
        assert [r["id"] for r in rows] == ["q1"] and rows[0]["shown"] == shown
        assert answers_replay(segments, rows) == {"q1": shown}
        assert len(load_recording(tmp_path / "x.jsonl", "t")[0]) == 3  # the answer is no extraction


@pytest.mark.parametrize(
    ("text", "copied"),
    [
        ("DECISION: Go with Brightline as the vendor\nFACT: The Brightline quote is 12,000 euros\nOPEN: Who pays?", True),
        ("DECISION: Buy the touring kayaks\nACTION: Tomasz | Place the kayak order | Thursday", True),  # the other one
        ("DECISION: No change to the chicken price\nACTION: None\nOPEN: None", False),  # "none" lines are no copy
        ("DECISION: Go with Brightline as the caterer for Thursday\nACTION: Luis | Do the allergen cards | tomorrow",
         False),  # one line like the example's is a coincidence, not a copy
    ],
)
def test_an_extraction_that_repeats_a_worked_example_is_a_copy(text, copied) -> None:
    from stages.summarize.summarizer import copies_example

    assert copies_example(text) is copied


def _scripted_extraction(tmp_path, overrides: dict, replies: list[str], segment):  # noqa: ANN001, ANN202
    """A final summary of one segment by a small config whose model answers `replies` in turn: the
    suffixes it was asked, the notes, and the summarizer."""
    from pipeline import config as config_io
    from stages.settings import AppConfig
    from stages.summarize.stage import build_summarizer
    from stages.summarize.store import SessionStore

    cfg = config_io.load(AppConfig, None, {"summarize.model": "smollm2-135m", "summarize.window_tokens": 256,
                                           "summarize.extract_chunk_tokens": 160,
                                           "summarize.summary_max_tokens": 40, "summarize.summary_carry_tokens": 64,
                                           "summarize.answer_max_tokens": 24, "summarize.passage_tokens": 96,
                                           "summarize.question_max_chars": 300} | overrides)  # fmt: skip
    asked: list[str] = []
    with SessionStore(tmp_path / "s.sqlite", "t") as store:
        summarizer = build_summarizer(cfg, store)

        def scripted(suffix: str, max_new_tokens: int, on_piece, ttft: str = "") -> str:  # noqa: ANN001
            asked.append(suffix)
            return replies[len(asked) - 1]

        summarizer._generate = scripted  # type: ignore[method-assign]
        summarizer.add_segments([segment])
        notes = summarizer.summarize(final=True)
    return asked, notes, summarizer


def test_a_copied_example_is_read_again_with_the_other_example(tmp_path) -> None:
    """The model wrote the worked example's notes instead of the stretch's: the stretch is extracted again
    with the example from another setting, and what that finds reaches the notes."""
    from pipeline.messages import Segment
    from stages.summarize import prompts

    copy = prompts.EXTRACT_EXAMPLE.split("Notes:\n", 1)[1]
    asked, notes, summarizer = _scripted_extraction(
        tmp_path, {"summarize.headroom_tokens": 640, "summarize.extract_shots": 1},
        [copy, "DECISION: Coffee and pastries only at the market, no hot food"],
        Segment("t", 0, "Okay, let's just go with the second one, coffee and pastries only at the market, no hot food.",
                0.0, 6.0, speaker="Rosa"))  # fmt: skip
    assert len(asked) == 2 and prompts.EXTRACT_EXAMPLE in asked[0] and prompts.EXTRACT_EXAMPLE_ALT in asked[1]
    assert prompts.EXTRACT_EXAMPLE not in asked[1] and summarizer.counters.example_copies == 1
    assert "Coffee and pastries only at the market, no hot food" in notes and "Brightline" not in notes


def test_the_worked_examples_shown_are_the_least_like_the_stretch(tmp_path) -> None:
    """A rowing club's stretch is not shown the kayak example (stop 33: beside it the 1.5B model gave
    Tomasz and Odile the club's tasks); with extract_shots=2 the two least like it are shown, and when the
    model copies them anyway, the retry shows the other two and keeps what the second reply did read."""
    from pipeline.messages import Segment
    from stages.summarize import prompts
    from stages.summarize.summarizer import examples_least_like

    club = "[03:10] Aoife: The new kayaks need a rack, and the old kayaks can go on the trailer. I'll order it."
    assert examples_least_like(club)[-1] == prompts.EXTRACT_EXAMPLE_ALT
    assert sorted(examples_least_like(club)) == sorted(prompts.EXTRACT_EXAMPLES)

    copy = prompts.EXTRACT_EXAMPLE.split("Notes:\n", 1)[1]
    copy_alt = prompts.EXTRACT_EXAMPLE_SHOP.split("Notes:\n", 1)[1]
    said = "Okay, scrap what I said. We put in two coxed fours at Brenton instead of the eight."
    asked, notes, summarizer = _scripted_extraction(
        tmp_path, {"summarize.headroom_tokens": 860, "summarize.extract_shots": 2},
        [copy, copy_alt + "\nDECISION: Two coxed fours at Brenton instead of the eight"],
        Segment("t", 0, said, 0.0, 6.0, speaker="Helen"))  # fmt: skip
    first = examples_least_like(said)[:2]
    then = [ex for ex in prompts.EXTRACT_EXAMPLES if ex not in first]
    assert len(asked) == 2 and all(ex in asked[0] for ex in first) and all(ex in asked[1] for ex in then)
    assert not any(ex in asked[1] for ex in first) and summarizer.counters.example_copies == 1
    assert "Two coxed fours at Brenton instead of the eight" in notes and "Millstone" not in notes


def test_a_minute_of_streaming_fragments_is_one_extraction() -> None:
    """Streaming ASR commits a few words at a time; the extraction quotes them joined into sentences,
    one line each. Counted per fragment, the per-line cost (time, speaker) was charged to every fragment:
    a minute of speech at a 0.5-s step (~140 words in ~45 fragments) took two extractions, each costing
    the whole request's prefill again. Counted per sentence it is one, and no sentence is split."""
    from types import SimpleNamespace

    from pipeline.messages import Segment, Word
    from stages.summarize.summarizer import Summarizer

    words = ("we will move the release to march twenty fourth because the migration needs more time " * 8).split()
    segs, t = [], 0.0
    for k in range(0, len(words), 3):  # fragments of three words; a sentence ends every twelve
        part = words[k : k + 3]
        text = " ".join(part) + ("." if (k // 3) % 4 == 3 else "")
        ws = tuple(Word(w, t + 0.3 * i, t + 0.3 * i + 0.25, 0.9) for i, w in enumerate(part))
        segs.append(Segment("s", len(segs), text, t, t + 0.9, ws))
        t += 1.0
    fake = SimpleNamespace(cfg=SimpleNamespace(extract_chunk_tokens=320))
    chunks = Summarizer._chunks(fake, segs)
    assert [s.seq for c in chunks for s in c] == [s.seq for s in segs]
    assert len(chunks) == 1, [len(c) for c in chunks]
    fake.cfg.extract_chunk_tokens = 120  # when it must split, it splits between sentences
    chunks = Summarizer._chunks(fake, segs)
    assert len(chunks) > 1 and all(c[-1].text.endswith(".") for c in chunks[:-1])


def test_segments_wait_for_the_model_until_a_chunk_gathers_or_it_is_asked(tmp_path) -> None:
    """Stored at once, read by the model in one prefill: once `ingest_defer_tokens` gather, or before a
    question or a summary. The window it reads is the one it would have read segment by segment."""
    from pipeline import config as config_io
    from pipeline.messages import Segment
    from stages.settings import AppConfig
    from stages.summarize.stage import build_summarizer
    from stages.summarize.store import SessionStore

    lines = ["Maria: We ship the installer on Friday.", "David: I will write the release notes.",
             "Maria: Good. The budget stays at four thousand.", "David: Who signs off on the store listing?",
             "Maria: Nobody yet, that stays open."]  # fmt: skip
    segments = [Segment("t", i, text.split(": ", 1)[1], i * 4.0, i * 4.0 + 3.5, speaker=text.split(":")[0])
                for i, text in enumerate(lines)]  # fmt: skip

    def summarizer(defer: int, store: SessionStore):
        cfg = config_io.load(AppConfig, None, {"summarize.model": "smollm2-135m", "summarize.dtype": "float32",
                                               "summarize.ingest_defer_tokens": defer,
                                               "summarize.answer_max_tokens": 8})  # fmt: skip
        return build_summarizer(cfg, store)

    with SessionStore(tmp_path / "a.sqlite", "t") as lazy_store, SessionStore(tmp_path / "b.sqlite", "t") as eager_store:
        lazy, eager = summarizer(1000, lazy_store), summarizer(0, eager_store)
        for seg in segments:
            assert lazy.add_segments([seg]) and eager.add_segments([seg])
            assert eager.session.counters.tokens_seen == eager.counters.transcript_tokens
        assert lazy.session.counters.tokens_seen == 0  # not read yet ...
        assert [s.seq for s in lazy_store.segments(after_seq=-1)] == [0, 1, 2, 3, 4]  # ... but stored
        assert lazy.counters.transcript_tokens == eager.counters.transcript_tokens
        assert lazy.first_seq_in_window == eager.first_seq_in_window == 0
        lazy.answer("Who writes the release notes?")  # a question reads them first
        assert lazy.session.counters == eager.session.counters
        for ours, theirs in zip(lazy.session.cache.layers, eager.session.cache.layers, strict=True):
            assert torch.allclose(ours.keys, theirs.keys, atol=1e-4)
            assert torch.allclose(ours.values, theirs.values, atol=1e-4)

    with SessionStore(tmp_path / "c.sqlite", "t") as store:
        chunked = summarizer(40, store)  # two lines or so
        reads, stored = [], []
        for seg in segments:
            chunked.add_segments([seg])
            reads.append(chunked.session.counters.tokens_seen)
            stored.append(chunked.counters.transcript_tokens)
        assert reads[0] == 0 < stored[0] < 40  # the first line waits
        # Each time it reads, it reads all that waited, once 40 tokens have gathered.
        assert all(r in (0, *stored[: i + 1]) for i, r in enumerate(reads))
        assert 0 < reads[-1] and any(r < t for r, t in zip(reads, stored, strict=True))
        chunked.summarize()  # a summary reads the rest first
        assert chunked.session.counters.tokens_seen == chunked.counters.transcript_tokens
