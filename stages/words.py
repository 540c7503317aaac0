"""Whisper's word pieces -> the words as they are written ("$65" + ",000" -> "$65,000").

faster-whisper splits its output into pieces at every token that begins with a space and at every
punctuation token, and keeps each piece's leading space: " approved", " $65", ",000", " 3", ".5%,",
" state", "-of", "-the", "-art". A piece without a leading space continues the word before it; joining
the pieces with spaces (what captions used to do) wrote "$65 ,000", and the number was lost to search,
the language model and the exports.

Design: the transcribe stage merges the pieces of one written word into one `Word` as soon as Whisper
has decoded them, so `Word.text` is always a whole written word and any text is its words joined with
single spaces (`caption_text`). This is the least disruptive of the choices, and the one that keeps
commits correct:
- LocalAgreement commits whole words: "$65" is never committed in one segment while ",000" waits for the
  next, which a flag on `Word` ("no space before me") would allow, and then every consumer of segment
  texts (store, search, the model's transcript, exports, console) would have to glue segments together.
  Two hypotheses agree on "$65,000" however Whisper split it, and a hypothesis cut off after "$65" does
  not agree with one that heard "$65,000" (it waits for the rest instead of committing half a number).
- Nothing changes shape: `Word` on the wire (whose decoder refuses unknown fields, so an added field would
  break a newer transcribe talking to an older summarize), the store's `[text, start, end, prob]` rows
  and the JSONL export stay as they were, and words stored before this read the same.
What is lost is the time of a piece inside a word (the word spans its pieces), which nothing uses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.messages import Word

# Punctuation that belongs to the word after it, or to the word before it, even when Whisper wrote a
# space there. A straight quote opens only after a space; without one it closes the word before it.
OPENING = frozenset("([{“‘¿¡")
QUOTES = frozenset("\"'")
CLOSING = frozenset(".,;:!?%)]}”’…")


@dataclass(frozen=True)
class Piece:
    """One word piece as Whisper wrote it, its leading space kept, with absolute audio times."""

    text: str
    start: float
    end: float
    prob: float


def _opens(piece: str) -> bool:
    text = piece.strip()
    spaced = piece[:1].isspace()
    return bool(text) and all(c in OPENING or (spaced and c in QUOTES) for c in text)


def _closes(piece: str) -> bool:
    text = piece.strip()
    return bool(text) and all(c in CLOSING for c in text)


def word_starts(pieces: Sequence[str]) -> list[bool]:
    """Per piece: True where it begins a new written word (a space goes before it), False where it is
    written onto the word before.

    A piece continues the word before it when Whisper wrote no space before it (",000", "-art", ".5%"),
    when it is only closing punctuation (" ." or " %" with a stray space), or when the word before is
    only opening punctuation (" (" or ' "'). An opening bracket without a space still starts a word:
    it belongs to what follows ("said (hello" rather than "said(hello"). Whitespace-only pieces carry
    nothing and never start a word.
    """
    starts: list[bool] = []
    opened = False  # the word so far is only opening punctuation: the next piece joins it
    first = True
    for piece in pieces:
        if not piece.strip():
            starts.append(False)
            continue
        joins = not first and (opened or (not _opens(piece) and (not piece[:1].isspace() or _closes(piece))))
        starts.append(not joins)
        opened = _opens(piece)
        first = False
    return starts


def join_pieces(pieces: Sequence[str]) -> str:
    """Whisper's pieces (leading spaces kept) -> the text as it reads: "$65,000", "3.5%,", "24-7"."""
    out: list[str] = []
    for piece, starts in zip(pieces, word_starts(pieces), strict=True):
        text = piece.strip()
        if text:
            out.append(" " + text if starts and out else text)
    return "".join(out)


def written_words(pieces: Sequence[Piece]) -> list[Word]:
    """Merge the pieces of each written word into one Word spanning them.

    Its probability is the least of its pieces': a word is as doubtful as its weakest part, so the
    commit policy's doubt rules hold back "24-7" when Whisper is unsure of "-7" (as they held back the
    piece before).
    """
    words: list[Word] = []
    group: list[Piece] = []
    for piece, starts in zip(pieces, word_starts([p.text for p in pieces]), strict=True):
        if not piece.text.strip():
            continue
        if starts and group:
            words.append(_merge(group))
            group = []
        group.append(piece)
    if group:
        words.append(_merge(group))
    return words


# Whisper sometimes writes a stop twice ("Monday..", stop 23's `make demo`); an ellipsis stays.
_DOUBLED_STOP = re.compile(r"(?<![.])\.\.$|([,;:!?])\1+$")


def _merge(group: list[Piece]) -> Word:
    text = _DOUBLED_STOP.sub(lambda m: m.group(1) or ".", "".join(p.text.strip() for p in group))
    return Word(text, group[0].start, max(p.end for p in group), min(p.prob for p in group))


def caption_text(words: Sequence[Word]) -> str:
    """The text of written words (see `written_words`): single spaces between them."""
    return " ".join(w.text for w in words)
