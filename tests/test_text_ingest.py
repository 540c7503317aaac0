"""Transcript text input: what is usable becomes utterances; what is not is one line naming the line."""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from stages.text_ingest import MAX_LINE_CHARS, read_lines


def test_speakers_blank_lines_and_plain_lines(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Maria: Good morning.\n\n  plain line without speaker \nDr. Smith: Yes.\nnot: a speaker\n")
    got = [(u.line, u.speaker, u.text) for u in read_lines(path)]
    assert got == [(1, "Maria", "Good morning."), (3, None, "plain line without speaker"),
                   (4, "Dr. Smith", "Yes."), (5, None, "not: a speaker")]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n\n  \n", "holds no text"),
        (b"ok line\n\x89PNG\r\n\x1a\n\x00\x00binary", r":2: not UTF-8|:2: control characters"),
        (b"fine\n" + b"x" * (MAX_LINE_CHARS + 1) + b"\n", r":2: line of \d+ characters"),
        (b"fine\n" + b"y" * (MAX_LINE_CHARS * 5) + b"\n", r":2: line of \d+ bytes"),
        (b"bell \x07 in text\n", ":1: control characters"),
    ],
    ids=["empty", "blank", "binary", "long", "gigantic", "control"],
)
def test_unusable_input(tmp_path, content, message):
    path = tmp_path / "t.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        list(read_lines(path))
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such transcript file"):
        list(read_lines(tmp_path / "nope.txt"))
