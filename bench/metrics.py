"""Word error rate with the text normalisation both the tests and the benchmarks use.

Whisper writes "14th" where a reference says "fourteenth" and "2" for "two"; comparing raw strings would
count style as error. Numbers are spelled out, case and punctuation dropped, then jiwer computes WER.
"""

from __future__ import annotations

import re

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
       "sixteen seventeen eighteen nineteen".split()  # fmt: skip
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
           "nine": "ninth", "twelve": "twelfth"}  # fmt: skip
_TOKEN = re.compile(r"(\d+)(st|nd|rd|th)?$")


def spell(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        return ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + spell(n % 100))
    if n < 1_000_000:
        return spell(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + spell(n % 1000))
    return str(n)


def ordinal(words: str) -> str:
    *head, last = words.split()
    if last in ORDINAL:
        last = ORDINAL[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return " ".join([*head, last])


def normalize(text: str) -> str:
    """Lower case, no punctuation, numbers spelled out; ordinals as cardinals ("March 10th", "March 10"
    and "March tenth" are the same words said, written in three styles)."""
    return " ".join(_CARDINAL.get(w, w) for w in _normalize(text).split())


def _normalize(text: str) -> str:
    text = text.lower().replace("%", " percent").replace("-", " ")
    text = re.sub(r"(\d),(\d)", r"\1\2", text)
    out = []
    for token in re.sub(r"[^\w\s']", " ", text).split():
        token = token.strip("'")
        m = _TOKEN.match(token)
        if m:
            words = spell(int(m.group(1)))
            token = ordinal(words) if m.group(2) else words
        if token:
            out.append(token)
    return " ".join(out)


_CARDINAL = {ordinal(spell(n)).split()[-1]: spell(n).split()[-1] for n in range(1, 100)}
for _word in ("first", "second"):  # far more often an adverb or a noun than a date
    _CARDINAL.pop(_word)


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    ref, hyp = normalize(reference), normalize(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.wer(ref, hyp))
