"""Summarizer helpers without a model."""

from __future__ import annotations

import pytest

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
