"""Speaker labels by input channel (issue #15, "the cheap case"): no voice model.

A call recorded with one channel per side (the local microphone on one, the remote side on the other)
says who speaks by which channel carries the speech. Capture keeps the mono mix for ASR and measures,
per channel, the speech energy of every `level_ms` frame of each chunk (`mixdown`: RMS in dBFS); the
levels travel with the chunk (`AudioChunk.levels`, `AudioChunk.channels`). Transcribe keeps the recent
frames of each stream (`ChannelTrack`) and, when it commits words, gives each word the channel that
carried it (`ChannelTrack.word_vote`: the frames under the word, each given to the channel
that is clearly the loudest), then the segment the channel of most of its words, split where the channel clearly
changes (`label_runs`).

Crosstalk and echo: the remote side leaks into the local microphone (speakers, not headphones), at a
lower level. A word is given to a channel only when that channel is louder than every other by
`margin_db`; a bleed of -20 dB leaves a lone talker's channel 20 dB ahead, so a margin well below that
keeps the leak from flipping labels, while a word both sides speak at once (overlap) gets no vote of
its own (it goes with its neighbours). How the default margin was chosen: `bench.channels`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from pipeline.messages import SAMPLE_RATE, AudioChunk, Word

FLOOR_DB = -100.0  # the level of digital silence (log of 0 has none)
SILENT_DB = -60.0  # a word whose loudest channel is below this was not heard on any (times off, or noise)
MIN_RUN_WORDS = 2  # a change of channel inside a segment splits it only after this many words in a row
KEEP_S = 60.0  # level frames kept per stream: more than transcribe's utterance buffer holds (28 s at most)


def levels(block: np.ndarray, frame: int) -> tuple[tuple[float, ...], ...]:
    """Per-channel RMS in dBFS (0.1 dB steps) of `block` [S, C], in frames of about `frame` samples.

    The frames divide the block equally (frame i covers samples [i*S/k, (i+1)*S/k)), so a receiver needs
    only the chunk's duration and the number of frames to place them in time.
    """
    n = len(block)
    k = max(1, int(round(n / max(1, frame))))
    bounds = [i * n // k for i in range(k + 1)]
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        part = block[a:b].astype(np.float64)
        power = (part * part).mean(axis=0) if b > a else np.zeros(block.shape[1])
        db = np.maximum(FLOOR_DB, 10 * np.log10(power + 1e-12))
        out.append(tuple(round(float(x), 1) for x in db))
    return tuple(out)


def mixdown(block: np.ndarray, frame: int) -> tuple[np.ndarray, tuple[tuple[float, ...], ...]]:
    """[S, C] -> the mono mix ASR hears (the mean of the channels) and the channels' levels."""
    mono = block.mean(axis=1).astype(np.float32)
    return mono, levels(block, frame)


def default_names(count: int) -> tuple[str, ...]:
    return tuple(f"S{i + 1}" for i in range(count))


def vote(db: np.ndarray, margin_db: float) -> int | None:
    """The channel that carried a word (its levels `db`, one per channel), or None: no channel is
    louder than every other by `margin_db` (both sides at once), or none was heard."""
    if len(db) < 2:
        return 0 if len(db) and db[0] > SILENT_DB else None
    order = np.argsort(db)[::-1]
    top, second = float(db[order[0]]), float(db[order[1]])
    if top <= SILENT_DB or top - second < margin_db:
        return None
    return int(order[0])


def label_runs(words: list[Word], votes: list[int | None]) -> list[tuple[list[Word], int | None]]:
    """Committed words and their channel votes -> runs of words, each with its channel.

    A word without a vote goes with the word before it (the first ones with the first vote); a change of
    channel splits the words only when at least MIN_RUN_WORDS follow on the new channel (one word that
    leans the other way is word times a little off, not a turn). No vote at all: one run, no channel.
    """
    decided = [v for v in votes if v is not None]
    if not decided:
        return [(list(words), None)]
    filled: list[int] = []
    last = decided[0]
    for v in votes:
        last = v if v is not None else last
        filled.append(last)
    runs: list[tuple[list[Word], int]] = []
    for w, ch in zip(words, filled, strict=True):
        if runs and runs[-1][1] == ch:
            runs[-1][0].append(w)
        else:
            runs.append(([w], ch))
    # Short runs join a neighbour (the one before; the first run, the one after), until none is short.
    while len(runs) > 1:
        i = next((k for k, (ws, _) in enumerate(runs) if len(ws) < MIN_RUN_WORDS), None)
        if i is None:
            break
        j = i - 1 if i > 0 else 1
        a, b = min(i, j), max(i, j)
        keep = runs[j][1]
        runs[a : b + 1] = [(runs[a][0] + runs[b][0], keep)]
        merged: list[tuple[list[Word], int]] = []
        for ws, ch in runs:  # neighbours that now share a channel are one run
            if merged and merged[-1][1] == ch:
                merged[-1][0].extend(ws)
            else:
                merged.append((ws, ch))
        runs = merged
    return [(ws, ch) for ws, ch in runs]


@dataclass
class ChannelCounters:
    words: int = 0  # committed words given a channel vote
    ambiguous_words: int = 0  # no channel ahead by the margin (overlap), or no level frames for them
    splits: int = 0  # extra segments made where the channel changed inside a committed run
    unlabelled: int = 0  # segments with no channel at all
    mismatched_chunks: int = 0  # chunks whose levels did not match the stream's channels (ignored)


class ChannelTrack:
    """The recent level frames of one stream, by audio time; the channel of committed words.

    Bounded: frames of the last KEEP_S seconds (2 x 1200 floats at 50 ms frames). Chunks are added as
    transcribe accepts them; a frame that ends before the track's end (audio sent again after a restart)
    is not added twice, a gap (audio lost) is simply a time with no frames (its words get no vote).
    """

    def __init__(self, names: tuple[str, ...], margin_db: float) -> None:
        self.names = names
        self.margin_db = margin_db
        self.frames: deque[tuple[float, float, np.ndarray]] = deque()  # (start, end, dB per channel)
        self.end = float("-inf")
        self.counters = ChannelCounters()

    def add(self, chunk: AudioChunk) -> None:
        if not chunk.levels:
            return
        if any(len(row) != len(self.names) for row in chunk.levels):
            self.counters.mismatched_chunks += 1
            return
        k = len(chunk.levels)
        n = len(chunk.samples)
        for i, row in enumerate(chunk.levels):
            start = chunk.start + (i * n // k) / SAMPLE_RATE
            end = chunk.start + ((i + 1) * n // k) / SAMPLE_RATE
            if end <= self.end + 1e-6:
                continue  # already have it (resent audio)
            self.frames.append((start, end, np.asarray(row, dtype=np.float64)))
            self.end = end
        while self.frames and self.frames[0][1] < self.end - KEEP_S:
            self.frames.popleft()

    def word_vote(self, start: float, end: float) -> int | None:
        """The channel of the speech from `start` to `end`: each level frame it overlaps votes (`vote`),
        weighted by the overlap; the channel with more than all others together, else None.

        Frame votes rather than the mean level: word times are a little off, and a word that reaches
        10 ms into the other side's loud turn must not be given to it (a power mean would)."""
        tally = np.zeros(len(self.names))
        mid = (start + end) / 2
        for fs, fe, db in self.frames:
            if fe <= start and not fs <= mid < fe:
                continue
            if fs >= end and not fs <= mid < fe:
                break
            w = max(min(fe, end) - max(fs, start), 1e-3)  # a word of no duration: the frame it falls in
            v = vote(db, self.margin_db)
            if v is not None:
                tally[v] += w
        total = float(tally.sum())
        if total <= 0:
            return None
        best = int(np.argmax(tally))
        return best if tally[best] > total - tally[best] else None

    def runs(self, words: list[Word]) -> list[tuple[list[Word], str | None]]:
        """The committed `words` as runs of one channel each, labelled with the channel's name."""
        votes = []
        for w in words:
            v = self.word_vote(w.start, w.end)
            votes.append(v)
            self.counters.words += 1
            self.counters.ambiguous_words += v is None
        runs = label_runs(words, votes)
        self.counters.splits += len(runs) - 1
        self.counters.unlabelled += sum(ch is None for _, ch in runs)
        return [(ws, None if ch is None else self.names[ch]) for ws, ch in runs]
