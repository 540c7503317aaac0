"""Which words are final: LocalAgreement-2, plus the guards against Whisper's known failure modes.

LocalAgreement-n (Macháček, Dabre & Bojar 2023; ufal/whisper_streaming's HypothesisBuffer): Whisper is
re-run on a growing buffer; a word is committed once two consecutive hypotheses agree on it, i.e. the
longest common prefix of the last two hypotheses (after the already committed words) becomes final.
Words Whisper gives a low probability need more agreeing hypotheses (see `LocalAgreement.insert`).
Words here are written words ("$65,000", not Whisper's pieces "$65" + ",000": `stages.words`), so
agreement, commits and the seam alignment never split one.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

from pipeline.messages import Word
from stages.words import caption_text

# Whisper invents these on silence and noise (training data were subtitled videos). They are dropped
# only when they are the whole hypothesis of a stretch with little detected speech.
HALLUCINATIONS = frozenset(
    {
        "thank you",
        "thanks for watching",
        "thank you for watching",
        "thank you very much",
        "please subscribe",
        "subscribe",
        "you",
        "bye",
        "so",
        "okay",
        "the end",
        "subtitles by the amara org community",
        "thank you for watching and please subscribe",
    }
)
_PUNCT = re.compile(r"[^\w']+")
TIME_SLACK = 0.1  # s: a word starting this little before the last committed end is a re-emission
MAX_NGRAM_OVERLAP = 5
TAIL_MARGIN_S = 0.3  # s: a final hypothesis's words starting this close to the audio's end are not speech
SEAM_WINDOW = 1.0  # s: where around the last commit its words may reappear in a new hypothesis
COPY_NGRAM = 5  # words in a row that a hypothesis must repeat from its prompt to count as a copy
SQUEEZE_RATIO = 1 / 3  # a repeat said in less than this share of the first saying's time is not speech


def norm(text: str) -> str:
    """Comparison form of a word or phrase: lower case, no punctuation."""
    return _PUNCT.sub(" ", text.lower()).strip()


class LocalAgreement:
    """LocalAgreement-2 over timed words. Feed each new hypothesis with `insert`; it returns what commits."""

    def __init__(self, min_prob: float = 0.0, doubt_prob: float = 0.0, doubt_agreement: int = 3, agreement: int = 2) -> None:
        self.agreement = agreement  # hypotheses in a row that must have a word (2: LocalAgreement-2)
        self.min_prob = min_prob  # an agreed word this doubtful, ending the agreed run, waits for the next
        self.doubt_prob = doubt_prob  # a word this doubtful needs `doubt_agreement` hypotheses in a row
        self.doubt_agreement = doubt_agreement
        self.committed_end = 0.0  # audio time where the last committed word ends
        self._tail: list[Word] = []  # last committed words, to drop their re-emission at the seam
        self._previous: list[Word] = []  # the uncommitted rest of the previous hypothesis
        self._seen: list[int] = []  # per pending word: how many hypotheses in a row have had it there

    @property
    def pending(self) -> list[Word]:
        """Words hypothesised but not yet agreed on (what partial captions show)."""
        return list(self._previous)

    def _fresh(self, words: Sequence[Word]) -> list[Word]:
        """Drop the words of a hypothesis that were already committed.

        Whisper's word times jitter by a few hundred ms between runs, so a pure time cut (as in
        whisper_streaming) loses or repeats words at the seam. First align by text: find the committed
        tail (longest n-gram first) among the words near the seam and keep what follows it. Only when
        the tail is not there fall back to the time cut.
        """
        words = list(words)
        if self._tail:
            tail = [norm(w.text) for w in self._tail]
            last = self._tail[-1].start
            for n in range(min(MAX_NGRAM_OVERLAP, len(tail)), 0, -1):
                # A one-word match ("the") must also sit where that word was; longer ones may drift more.
                slack = SEAM_WINDOW if n > 1 else 0.4
                near = [i for i, w in enumerate(words) if abs(w.start - last) < slack]
                for i in reversed(near):  # the latest match: the tail ends just before new words
                    if i + 1 >= n and [norm(w.text) for w in words[i + 1 - n : i + 1]] == tail[-n:]:
                        return words[i + 1 :]
        return [w for w in words if w.start > self.committed_end - TIME_SLACK]

    def _unloop(self, new: list[Word]) -> list[Word]:
        """Cut a repetition loop that continues the committed text ("x y z" committed, then "x y z x y z").

        `cut_repetition` sees one hypothesis; a loop that began in a committed segment would pass it,
        be agreed on (two looping hypotheses agree) and commit again (WhisperLiveKit #283/#338).
        """
        tail = self._tail
        if not tail or len(cut_repetition(tail)) < len(tail):  # a repetition already committed: not ours to judge
            return new
        keep = len(cut_repetition(tail + new)) - len(tail)
        return new[: max(0, keep)]

    def _commit(self, words: list[Word]) -> list[Word]:
        if words:
            self.committed_end = max(self.committed_end, words[-1].end)
            self._tail = (self._tail + words)[-MAX_NGRAM_OVERLAP:]
        return words

    def insert(self, words: Sequence[Word], horizon: float = float("inf")) -> list[Word]:
        """A new hypothesis (absolute times) -> the words it commits (may be empty).

        Only words ending by audio time `horizon` may commit (the right-context margin: a word decoded
        with no audio after it is a guess that the next hypothesis, hearing more, often changes).
        """
        new = self._unloop(self._fresh(words))
        seen: list[int] = []
        for old, count, cur in zip(self._previous, self._seen, new, strict=False):
            if norm(old.text) != norm(cur.text) or not norm(cur.text):
                break
            seen.append(count + 1)
        seen += [1] * (len(new) - len(seen))
        agreed: list[Word] = []
        for cur, count in zip(new, seen, strict=True):
            # When Whisper is unsure of a word, two hypotheses a second apart often share a wrong guess
            # ("on" for "of") that a later one, with more audio, corrects: a very doubtful word needs
            # more hypotheses, and what follows it waits with it.
            if count < self.agreement or (cur.prob < self.doubt_prob and count < self.doubt_agreement) or cur.end > horizon:
                break
            agreed.append(cur)
        # A doubtful word at the end of the agreed run waits for more audio; inside the run, the
        # confident words that follow it vouch for it. If what follows it keeps changing, it commits
        # on its own once one more hypothesis than a very doubtful word needs has had it.
        while agreed and agreed[-1].prob < self.min_prob and seen[len(agreed) - 1] <= self.doubt_agreement:
            agreed.pop()
        self._previous, self._seen = new[len(agreed) :], seen[len(agreed) :]
        return self._commit(agreed)

    def flush(self, words: Sequence[Word] | None = None) -> list[Word]:
        """End of utterance: commit everything of the final hypothesis.

        Falls back to the pending words when the final decode brought nothing (a guard dropped it):
        a whole utterance must not vanish because its last decode was refused.
        """
        final = self._unloop(self._fresh(words)) if words else []
        if not final:
            final = self._previous
        self._previous, self._seen = [], []
        return self._commit(list(final))

    def commit_older_than(self, cutoff: float) -> list[Word]:
        """Commit pending words that ended before audio time `cutoff`, agreed or not.

        LocalAgreement can stall while tiny models keep rewording the tail; this bounds how long a
        spoken word waits (its latency) at a small cost in accuracy.
        """
        n = 0
        while n < len(self._previous) and self._previous[n].end <= cutoff:
            n += 1
        stale, self._previous, self._seen = self._previous[:n], self._previous[n:], self._seen[n:]
        return self._commit(stale)


def compression_ratio(text: str) -> float:
    """gzip ratio as Whisper computes it: above ~2.4 the text is a repetition loop."""
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


def cut_repetition(words: list[Word], max_repeats: int = 3, max_n: int = 6) -> list[Word]:
    """Truncate a hypothesis where an n-gram starts repeating back-to-back more than `max_repeats` times.

    Whisper's decoding loop ("the the the the...", a sentence over and over) usually survives the
    compression-ratio check when it is short; this keeps its first occurrence and drops the loop.
    """
    keys = [norm(w.text) for w in words]
    for start in range(len(keys)):
        for n in range(1, max_n + 1):
            gram = keys[start : start + n]
            if len(gram) < n:
                break
            repeats = 1
            while keys[start + repeats * n : start + (repeats + 1) * n] == gram:
                repeats += 1
            limit = max_repeats + 1 if n == 1 else max_repeats
            if repeats >= limit:
                return words[: start + n]
    return words


def drop_squeezed_repeat(words: list[Word], min_n: int = 2, max_n: int = 12, ratio: float = SQUEEZE_RATIO) -> list[Word]:
    """Cut a hypothesis where it says its last words again into almost no audio.

    Whisper sometimes ends a decode by writing the sentence it just wrote once more ("Go forward 10
    meters. Go forward 10 meters."); the aligner finds no audio for the copy and squeezes it into the
    last frames (0.18 s against 1.46 s for the first saying). A real repetition takes about as long to
    say as the first one, so a back-to-back repeat of `min_n`+ words spanning less than `ratio` of the
    first saying's duration is dropped, with everything after it.
    """
    keys = [norm(w.text) for w in words]
    for start in range(len(words)):
        for n in range(min_n, max_n + 1):
            first, second = keys[start : start + n], keys[start + n : start + 2 * n]
            if len(second) < n:
                break
            if first == second and all(first):
                said = words[start + n - 1].end - words[start].start
                again = words[start + 2 * n - 1].end - words[start + n].start
                if again < ratio * said:
                    return words[: start + n]
    return words


def loops(text: str, threshold: float = 2.4) -> bool:
    """Does this text hold a repetition loop (Whisper's gzip rule, or an n-gram said 3+ times in a row)?"""
    words = [Word(w, 0.0, 0.0, 1.0) for w in text.split()]
    return compression_ratio(text) > threshold or len(cut_repetition(words)) < len(words)


def copies_prompt(words: Sequence[Word], prompt: str, n: int = COPY_NGRAM) -> bool:
    """Does a hypothesis say `n` or more words in a row that the prompt ends with or holds?

    Given the previous sentence as prompt, Whisper sometimes writes it again over new audio (the
    reason prompts across utterances were off); n words in a row said again within the last 200
    characters is far more often that copy than speech.
    """
    said = [norm(w.text) for w in words]
    said = [w for w in said if w]
    known = norm(prompt).split()
    if len(said) < n or len(known) < n:
        return False
    grams = {tuple(known[i : i + n]) for i in range(len(known) - n + 1)}
    return any(tuple(said[i : i + n]) in grams for i in range(len(said) - n + 1))


def drop_silent_tail(words: list[Word], audio_end: float, margin: float = TAIL_MARGIN_S) -> list[Word]:
    """Drop the words at the end of a final hypothesis that no audio supports.

    Given a little trailing silence Whisper (beam search especially) ends on "Thank you very much for
    watching ..."; the alignment squeezes those words into the last frames, often with zero duration.
    Words starting in the last `margin` seconds of the decoded audio, or of zero length at its end,
    are dropped (the audio given to a final decode ends shortly after the last speech frame).
    """
    n = len(words)
    while n and (words[n - 1].start >= audio_end - margin or words[n - 1].end - words[n - 1].start < 0.02):
        n -= 1
    return words[:n]


def drop_doubted_tail(words: list[Word], min_prob: float) -> list[Word]:
    """Drop the words ending a final hypothesis that Whisper itself gives less than `min_prob`: an
    utterance's last decode may end on a word the audio does not hold ("Thank", p 0.006)."""
    n = len(words)
    while n and words[n - 1].prob < min_prob:
        n -= 1
    return words[:n]


def is_hallucination(words: Sequence[Word], speech_fraction: float) -> bool:
    """A stock phrase that is all Whisper heard where VAD found little speech."""
    return bool(words) and norm(caption_text(words)) in HALLUCINATIONS and speech_fraction < 0.5
