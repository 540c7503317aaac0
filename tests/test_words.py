"""Whisper's word pieces -> written words, on pieces recorded from real tiny.en decodes (no model)."""

from __future__ import annotations

import re

import pytest

from pipeline.messages import Word
from stages.commit_policy import LocalAgreement
from stages.words import Piece, caption_text, join_pieces, word_starts, written_words

# Pieces exactly as faster-whisper gave them (tiny.en, int8, beam 5, the short encoder window) for
# espeak-ng speech; the comment is what was said.
RECORDED = {
    # "The finance team approved sixty five thousand dollars, and I'll send it to the U.S. office."
    "money and contraction": (
        [" The", " finance", " team", " approved", " $65", ",000", " and", " I'll", " send", " it", " to", " the",
         " US", " office."],
        "The finance team approved $65,000 and I'll send it to the US office.",
    ),
    # "We don't have two thousand licences yet. The rate is three point five percent, e.g. twenty-four
    # people. Is that right?"
    "thousands, decimals, percent": (
        [" we", " don't", " have", " 2", ",000", " items", " in", " yet.", " The", " rate", " is", " 3", ".5%,",
         " for", " example", " 24", " people.", " Is", " that", " right?"],
        "we don't have 2,000 items in yet. The rate is 3.5%, for example 24 people. Is that right?",
    ),
    # "It's a twenty-four seven service, a state-of-the-art system. Revenue grew fifty percent to one point
    # two million dollars."
    "hyphens, percent, dollars": (
        [" It's", " a", " 24", "-7", " service,", " a", " state", "-on", "-the", "-art", " system,", " revenue",
         " grew", " 50", "%", " to", " $1", ".2", " million."],
        "It's a 24-7 service, a state-on-the-art system, revenue grew 50% to $1.2 million.",
    ),
    # "We meet at ten thirty a.m. in the U.K. office."
    "time": (
        [" We", " meet", " at", " 10", ".30", " am", " in", " the", " UK", " office."],
        "We meet at 10.30 am in the UK office.",
    ),
    # "Call 555-1234."
    "phone number": ([" Call", " 555", "-1234."], "Call 555-1234."),
    # "It is five o'clock." / "Mister Smith paid ... twenty dollars and fifty cents."
    "apostrophe piece": ([" It", " is", " five", " o", "'clock,"], "It is five o'clock,"),
    "cents": ([" Mr.", " Smith", " paid", " $100", " and", " $20", ".50."], "Mr. Smith paid $100 and $20.50."),
}

# The rules tiny.en did not exercise on the recordings: pieces as faster-whisper's splitting would give
# them (a new piece at every space and every punctuation token).
CONSTRUCTED = {
    "abbreviations": ([" the", " U", ".S.", " office,", " e", ".g.", " this"], "the U.S. office, e.g. this"),
    "stray space before closing punctuation": ([" right", " ?", " yes", " ,", " 50", " %"], "right? yes, 50%"),
    "opening bracket joins the next word": ([" said", " (", "hello", ")", " and"], "said (hello) and"),
    "bracket without a space still opens": ([" said", "(", " hello", ")"], "said (hello)"),
    "spaced quote opens, unspaced quote closes": ([" he", " said", ' "', " stop", '"', " and"],
                                                  'he said "stop" and'),
    "curly quotes and nested openers": ([" a", " (“", "quoted", "”)", " b"], "a (“quoted”) b"),
    "first piece without a space starts the text": ([",000", " dollars"], ",000 dollars"),
    "whitespace-only pieces carry nothing": ([" I", " ", "'ll", "  ", " go"], "I'll go"),
    "a dash between spaces stays a word": ([" yes", " -", " no"], "yes - no"),
    "empty": ([], ""),
}


@pytest.mark.parametrize("pieces, text", [*RECORDED.values(), *CONSTRUCTED.values()],
                         ids=[*RECORDED, *CONSTRUCTED])  # fmt: skip
def test_join_pieces_reads_as_written(pieces, text):
    assert join_pieces(pieces) == text


@pytest.mark.parametrize("pieces, text", RECORDED.values(), ids=RECORDED)
def test_no_spaced_punctuation_artefacts(pieces, text):
    artefact = re.compile(r"\s[,.'%-]")
    assert artefact.search(" ".join(p.strip() for p in pieces))  # what joining with spaces wrote
    assert not artefact.search(join_pieces(pieces)), join_pieces(pieces)


def test_word_starts_marks_continuations():
    assert word_starts([" approved", " $65", ",000", " and", " I", "'ll"]) == [True, True, False, True, True, False]


def pieces_at(texts: list[str], start: float = 0.0, step: float = 0.3, probs: dict[str, float] | None = None) -> list[Piece]:
    probs = probs or {}
    return [Piece(t, round(start + i * step, 3), round(start + (i + 1) * step, 3), probs.get(t, 0.9))
            for i, t in enumerate(texts)]  # fmt: skip


def test_written_words_span_their_pieces_and_keep_the_least_probability():
    pieces = pieces_at([" approved", " $65", ",000", " dollars."], probs={",000": 0.4})
    words = written_words(pieces)
    assert [w.text for w in words] == ["approved", "$65,000", "dollars."]
    money = words[1]
    assert (money.start, money.end, money.prob) == (0.3, 0.9, 0.4)
    assert caption_text(words) == "approved $65,000 dollars."


def test_a_stop_written_twice_is_written_once():
    """Whisper wrote "Monday.." in stop 23's `make demo`; an ellipsis is not a doubled stop."""
    words = written_words(pieces_at([" on", " Monday", "..", " Well", "...", " yes", ",,"]))
    assert caption_text(words) == "on Monday. Well... yes,"


def test_written_words_drop_empty_pieces():
    assert written_words(pieces_at([" ", " ok", ""])) == [Word("ok", 0.3, 0.6, 0.9)]


def test_agreement_commits_whole_numbers_however_whisper_split_them():
    """Two decodes of the same speech: one split "$65" + ",000", the other wrote it as one piece. As
    written words they agree, and the number commits whole, in one segment."""
    agreement = LocalAgreement()
    first = written_words(pieces_at([" approved", " $65", ",000", " and"]))
    second = written_words(pieces_at([" approved", " $65,000", " and", " I'll"]))
    assert agreement.insert(first) == []
    assert [w.text for w in agreement.insert(second)] == ["approved", "$65,000", "and"]


def test_agreement_does_not_commit_half_a_number():
    """A decode cut off after "$65" and the next one that heard ",000": they agree on "approved" only;
    "$65" is not committed without the rest of its number."""
    agreement = LocalAgreement()
    assert agreement.insert(written_words(pieces_at([" approved", " $65"]))) == []
    committed = agreement.insert(written_words(pieces_at([" approved", " $65", ",000", " and"])))
    assert [w.text for w in committed] == ["approved"]
    assert [w.text for w in agreement.flush()] == ["$65,000", "and"]
