"""Online speaker labels for committed segments: embeddings clustered into a bounded set of centroids.

`OnlineClustering` is the decision alone (embeddings in, speaker indices out): the nearest centroid by
cosine when it is similar enough, else a new speaker (once `new_after` unlike embeddings agree) while
fewer than `max_speakers` were founded, else the nearest anyway. A centroid is a running mean whose weight is capped, so it follows a voice that drifts
(a microphone moved, a cold) instead of freezing after the first minutes. Inside one unbroken stretch of
speech the current speaker is kept unless another is better by `switch_margin`: two embeddings of the same
voice scatter, and a label flipping mid-sentence is worse than one that changes a segment late.

`SpeakerLabeler` is what transcribe calls when it commits a segment: it picks the audio to embed from the
utterance buffer (a short segment is widened to the encoder's 1.6-s window within the same speech; a
segment with under `min_speech_s` of audio takes the label of the segment before it in the same stretch,
or none), embeds it and clusters. A later decision may correct what it gave a few seconds back (a
voice confirmed takes back its first segments; a turn inside a stretch takes back its first words):
`take_corrections` hands them to transcribe, which sends them with the segment (`Segment.relabels`).
Memory: (`max_speakers` + 4 pending) x 256 floats per stream, and a few dozen segment numbers; the
audio is transcribe's own buffer, read and not kept.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from pipeline.messages import SAMPLE_RATE
from stages.pitch import median_pitch
from stages.settings import TranscribeConfig
from stages.speaker_model import EMBED_DIM, PARTIAL_S
from stages.voices import Voice, assign_names, load_all

log = logging.getLogger(__name__)

MAX_EMBED_S = 8.0  # a longer segment is embedded from its last 8 s: bounded cost (~0.1 s) per segment


def label(index: int) -> str:
    return f"S{index + 1}"


@dataclass(frozen=True)
class ClusterSettings:
    threshold: float  # cosine to a centroid at or above which an embedding is that speaker
    max_speakers: int
    switch_margin: float  # inside one stretch of speech, another speaker must be better by this much
    centroid_weight_cap: int  # a centroid is the running mean of at most this many embeddings' weight
    # Two centroids this close are one voice found twice (early embeddings scatter): the younger is
    # folded into the older and its label is not used again. 0: never.
    merge_threshold: float = 0.0
    # A voice unlike every speaker founds a new one only when this many such embeddings (the first
    # included) are alike: one odd embedding (two voices at once, a cough) does not make a speaker.
    # Until then the segment gets the nearest speaker. 1: at once.
    new_after: int = 1
    # The voice's pitch as a second cue (stages/pitch.py): a centroid whose speaker's median pitch is more
    # than `pitch_tolerance` semitones from the embedding's counts `pitch_weight` less similar per semitone
    # beyond. 0: the embedding alone.
    pitch_weight: float = 0.0
    pitch_tolerance: float = 2.0


PENDING = 4  # unconfirmed new-voice embeddings kept (new_after > 1): bounded memory
PENDING_KEYS = 16  # segments remembered per pending voice, to relabel once it is confirmed


class OnlineClustering:
    """Speaker embeddings -> speaker indices (label numbers), online, in `max_speakers` x 256 floats.

    Index i is the i-th speaker found; a merged speaker's index is retired, so a label never names two
    voices, and at most `max_speakers` labels exist in a stream.
    """

    def __init__(self, settings: ClusterSettings) -> None:
        self.s = settings
        self.centroids = np.zeros((settings.max_speakers, EMBED_DIM), dtype=np.float32)
        self.weights = np.zeros(settings.max_speakers, dtype=np.int64)  # embeddings folded in, capped
        self.active = np.zeros(settings.max_speakers, dtype=bool)
        self.count = 0  # speakers founded so far (merged ones included)
        self.merged = 0
        self.pending = np.zeros((PENDING, EMBED_DIM), dtype=np.float32)  # new-voice embeddings not yet confirmed
        self.pending_n = np.zeros(PENDING, dtype=np.int64)  # how many embeddings each one stands for (0: empty)
        # The segments (caller's keys) each pending voice stands for: they were given the nearest known
        # speaker meanwhile, and are the ones to relabel when the voice is confirmed as a new speaker.
        self.pending_keys: list[list[int]] = [[] for _ in range(PENDING)]
        self.confirmed: list[int] = []  # keys of the voice the last `assign` confirmed (empty: none)
        # Each speaker's and pending voice's pitch in semitones (a running mean like the centroid; NaN: none
        # heard yet), and how many pitches each mean holds.
        self.pitch = np.full(settings.max_speakers, np.nan)
        self.pitch_n = np.zeros(settings.max_speakers, dtype=np.int64)
        self.pending_pitch = np.full(PENDING, np.nan)
        self.pending_pitch_n = np.zeros(PENDING, dtype=np.int64)

    def penalty(self, pitches: np.ndarray, pitch: float | None) -> np.ndarray:
        """What each of `pitches` (semitones, NaN: unknown) takes off a similarity to a voice of `pitch`."""
        if pitch is None or not self.s.pitch_weight:
            return np.zeros(len(pitches))
        gap = np.nan_to_num(np.abs(pitches - pitch), nan=0.0)
        return self.s.pitch_weight * np.maximum(0.0, gap - self.s.pitch_tolerance)

    def similarity(self, emb: np.ndarray, pitch: float | None = None) -> np.ndarray:
        """Each speaker's similarity to an embedding of `pitch`: cosine, less the pitch penalty; -inf for
        indices not in use."""
        return np.where(self.active, self.centroids @ emb - self.penalty(self.pitch, pitch), -np.inf)

    def assign(self, emb: np.ndarray, current: int | None = None, reliable: bool = True, key: int | None = None,
               pitch: float | None = None) -> int | None:  # fmt: skip
        """The speaker of unit embedding `emb` (of a voice of median `pitch`, semitones, when known);
        `current`: the speaker of the stretch it continues.

        An embedding of little audio (`reliable` False) scatters too much to found a speaker or move a
        centroid: it only picks the nearest existing one (None while there is none). `key` names the
        segment: when this embedding confirms a new voice, `confirmed` lists the keys of the earlier
        segments of that voice, given another speaker until now.
        """
        s = self.s
        self.confirmed = []
        if not self.active.any():
            return self._new(emb, pitch) if reliable else None
        sims = self.similarity(emb, pitch)
        best = int(np.argmax(sims))
        if current is not None and current < self.count and self.active[current] and best != current:
            if sims[current] >= sims[best] - s.switch_margin and sims[current] >= s.threshold - s.switch_margin:
                best = current  # not clearly someone else: the stretch keeps its speaker
        if not reliable:
            return best
        if sims[best] < s.threshold and self.count < s.max_speakers:
            if s.new_after <= 1:
                return self._new(emb, pitch)
            confirmed = self._pend(emb, key, pitch)
            if confirmed is not None:
                return self._adopt(self._new(*confirmed))
            return best  # not confirmed yet: the nearest, whose centroid it does not move
        self._update(best, emb, pitch)
        return self._merge(best)

    def _pend(self, emb: np.ndarray, key: int | None, pitch: float | None) -> tuple[np.ndarray, float | None, int] | None:
        """Keep a new-voice embedding; the centroid, pitch and count of pitches of `new_after` alike ones
        once there are that many."""
        sims = np.where(self.pending_n > 0, self.pending @ emb - self.penalty(self.pending_pitch, pitch), -np.inf)
        k = int(np.argmax(sims))
        if sims[k] >= self.s.threshold:
            n = int(self.pending_n[k])
            mean = self.pending[k] * n + emb
            mean /= max(float(np.linalg.norm(mean)), 1e-12)
            heard = _mean_pitch(self.pending_pitch[k], int(self.pending_pitch_n[k]), pitch)
            heard_n = int(self.pending_pitch_n[k]) + (pitch is not None)
            if n + 1 >= self.s.new_after:
                self.pending_n[k] = 0
                self.confirmed, self.pending_keys[k] = self.pending_keys[k], []
                return mean, heard, heard_n
            self.pending[k], self.pending_n[k] = mean, n + 1
            self.pending_pitch[k], self.pending_pitch_n[k] = np.nan if heard is None else heard, heard_n
            self._keep_key(k, key)
            return None
        k = int(np.argmin(self.pending_n))  # an empty slot, else the one that stands for least
        self.pending[k], self.pending_n[k] = emb, 1
        self.pending_pitch[k], self.pending_pitch_n[k] = (np.nan, 0) if pitch is None else (pitch, 1)
        self.pending_keys[k] = []
        self._keep_key(k, key)
        return None

    def _adopt(self, i: int) -> int:
        """Speaker i was just founded: another pending voice nearer to it than to every other speaker,
        and within the switch margin of the threshold, was its voice too, heard before its embeddings
        agreed (a first window widened into silence, a greeting): its segments go with it. (dev: DER
        10.14% -> 10.11%; any pending voice nearest to it, without the margin: 12.4%, as two alike
        voices were taken for one.)"""
        for k in range(PENDING):
            if self.pending_n[k] == 0:
                continue
            sims = self.similarity(self.pending[k], _known(self.pending_pitch[k]))
            if int(np.argmax(sims)) == i and sims[i] >= self.s.threshold - self.s.switch_margin:
                self.confirmed += self.pending_keys[k]
                self.pending_n[k], self.pending_keys[k] = 0, []
        return i

    def _keep_key(self, k: int, key: int | None) -> None:
        if key is not None and len(self.pending_keys[k]) < PENDING_KEYS:
            self.pending_keys[k].append(key)

    def follow(self, before: int, key: int) -> None:
        """Segment `key` continues segment `before` (too short to embed): it goes wherever `before` goes."""
        for k in range(PENDING):
            if self.pending_n[k] and before in self.pending_keys[k]:
                self._keep_key(k, key)
                return

    def _new(self, emb: np.ndarray, pitch: float | None = None, pitches: int = 1) -> int:
        i = self.count
        self.centroids[i] = emb
        self.weights[i] = 1
        self.active[i] = True
        self.pitch[i], self.pitch_n[i] = (np.nan, 0) if pitch is None else (pitch, max(1, pitches))
        self.count += 1
        return i

    def _update(self, i: int, emb: np.ndarray, pitch: float | None = None) -> None:
        w = min(int(self.weights[i]), self.s.centroid_weight_cap)
        mean = (self.centroids[i] * w + emb) / (w + 1)
        self.centroids[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
        self.weights[i] = w + 1
        if pitch is not None:  # a running mean capped like the centroid's: it follows the voice too
            n = min(int(self.pitch_n[i]), self.s.centroid_weight_cap)
            self.pitch[i] = _mean_pitch(self.pitch[i], n, pitch)
            self.pitch_n[i] = n + 1

    def _merge(self, i: int) -> int:
        """Fold centroid i and its nearest other into the older one if they are one voice; -> i's index now."""
        if not self.s.merge_threshold:
            return i
        sims = self.similarity(self.centroids[i], _known(self.pitch[i]))  # two voices the pitch keeps apart are not one
        sims[i] = -np.inf
        j = int(np.argmax(sims))
        if sims[j] < self.s.merge_threshold:
            return i
        keep, gone = min(i, j), max(i, j)
        wk, wg = int(self.weights[keep]), int(self.weights[gone])
        mean = self.centroids[keep] * wk + self.centroids[gone] * wg
        self.centroids[keep] = mean / max(float(np.linalg.norm(mean)), 1e-12)
        self.weights[keep] = min(wk + wg, self.s.centroid_weight_cap)
        pk, pg = int(self.pitch_n[keep]), int(self.pitch_n[gone])
        if pk + pg:
            self.pitch[keep] = (np.nan_to_num(self.pitch[keep]) * pk + np.nan_to_num(self.pitch[gone]) * pg) / (pk + pg)
            self.pitch_n[keep] = min(pk + pg, self.s.centroid_weight_cap)
        self.active[gone] = False
        self.centroids[gone] = 0.0
        self.merged += 1
        return keep


def _known(pitch: float) -> float | None:
    """A stored pitch (NaN: none heard) as a pitch or None."""
    return None if np.isnan(pitch) else float(pitch)


def _mean_pitch(mean: float, n: int, pitch: float | None) -> float | None:
    """A running mean of `n` pitches (NaN: none) with one more (None: unknown, the mean stays)."""
    if pitch is None:
        return _known(mean)
    if np.isnan(mean) or n <= 0:
        return pitch
    return float((mean * n + pitch) / (n + 1))


@dataclass
class LabelerCounters:
    embedded: int = 0  # segments embedded
    continued: int = 0  # short segments that took the label before them in the same stretch
    unlabelled: int = 0  # too little speech and nothing to continue
    relabelled: int = 0  # earlier segments whose label a later decision corrected
    embed_seconds: float = 0.0  # compute time in the encoder
    speakers: int = 0


class SpeakerLabeler:
    """Labels the committed segments of one stream (transcribe holds one per stream)."""

    def __init__(self, encoder, settings: ClusterSettings, min_speech_s: float = 1.0, context_s: float = 4.0,  # noqa: ANN001 - SpeakerEncoder
                 reliable_s: float = 0.0, voices: list[Voice] | None = None, voice_threshold: float = 0.8,
                 relabel_s: float = 0.0) -> None:  # fmt: skip
        """`context_s`: audio of the stretch up to the segment's end that is embedded (at least the
        encoder's 1.6 s). `reliable_s`: an embedding of less audio only picks among known speakers.
        `voices`: enrolled profiles (stages/voices.py); a speaker whose centroid matches one at
        `voice_threshold` or more is labelled with its name instead of S1, S2 ... `relabel_s`: how far
        back a later decision may correct labels already given (0: labels are final when given)."""
        self.encoder = encoder
        self.voices = voices or []
        self.voice_threshold = voice_threshold
        self.clustering = OnlineClustering(settings)
        self.min_speech_s = min_speech_s
        self.context_s = max(context_s, PARTIAL_S)
        self.reliable_s = reliable_s
        self.relabel_s = relabel_s
        self.counters = LabelerCounters()
        self._run: float | None = None  # identifies the stretch of speech of the last labelled segment
        self._last: int | None = None  # its speaker
        self._last_key: int | None = None  # its key
        # The stretch's latest segments given its current speaker, within `relabel_s` of the newest:
        # (key, start, end). Where the speaker changes they are re-decided (`_correct`).
        self._recent: list[tuple[int, float, float]] = []
        self._corrections: list[tuple[int, str]] = []

    def label(self, buf: np.ndarray, buf_start: float, start: float, end: float, run: float, key: int | None = None) -> str | None:
        """The label of the segment spoken from `start` to `end` (audio times).

        `buf` is the audio of the unbroken stretch of speech the segment belongs to, from audio time
        `buf_start` (transcribe's utterance buffer); `run` identifies that stretch (its start time), so
        consecutive segments of one stretch continue each other. `key` names the segment (its seq):
        with `relabel_s` > 0, labels this call corrects on earlier segments wait in `take_corrections`.
        """
        current = self._last if run == self._run else None
        if current is None:
            self._recent.clear()
        if end - start < self.min_speech_s and current is not None:
            self.counters.continued += 1
            if self._last_key is not None and key is not None:
                self.clustering.follow(self._last_key, key)  # goes wherever the segment it continues goes
            self._remember(key, start, end)
            return label(current)
        audio = self._window(buf, buf_start, start, end)
        speaker = None
        if len(audio) >= self.min_speech_s * SAMPLE_RATE:
            t0 = time.perf_counter()
            emb = self.encoder.embed(audio)
            self.counters.embedded += 1
            speaker = self.clustering.assign(emb, current, len(audio) >= self.reliable_s * SAMPLE_RATE, key,
                                             self._pitch(audio))  # fmt: skip
            if speaker is not None and self.relabel_s > 0:
                self._correct(buf, buf_start, speaker, current)
            self.counters.embed_seconds += time.perf_counter() - t0
            self.counters.speakers = int(self.clustering.active.sum())
        if speaker is None:
            self.counters.unlabelled += 1
        if speaker != current:
            self._recent.clear()
        if speaker is not None:
            self._remember(key, start, end)
        self._run, self._last, self._last_key = run, speaker, key
        return None if speaker is None else self._named(speaker)

    def take_corrections(self) -> list[tuple[int, str]]:
        """(key, label) of earlier segments whose label a later decision changed, oldest first; cleared."""
        out, self._corrections = self._corrections, []
        self.counters.relabelled += len(out)
        return out

    def _remember(self, key: int | None, start: float, end: float) -> None:
        if key is None or self.relabel_s <= 0:
            return
        self._recent.append((key, start, end))
        self._recent = [r for r in self._recent if r[2] > end - self.relabel_s][-PENDING_KEYS:]

    def _correct(self, buf: np.ndarray, buf_start: float, speaker: int, current: int | None) -> None:
        """Relabel what the decision just made shows was labelled wrong (a few seconds back at most):
        - a new voice confirmed (`new_after` alike embeddings): its first segments were given the
          nearest known speaker meanwhile;
        - the speaker changed inside a stretch: the switch comes late (the embedded window reaches
          `context_s` back into the old turn, short segments continue the label unembedded, and the
          switch margin), so the stretch's segments of the last `relabel_s` may be the new speaker's
          first words. Each is embedded again from its start forward (its words and what followed
          them: the new turn, if it had begun) and moved when the new speaker is nearer, latest first,
          stopping at the first that stays (a turn changes once)."""
        new = self._named(speaker)
        self._corrections.extend((key, new) for key in self.clustering.confirmed)
        if current is None or speaker == current:
            return
        c = self.clustering
        moved = []
        for key, start, end in reversed(self._recent):
            if start < buf_start:
                break  # its audio has left the buffer
            audio = self._window(buf, buf_start, start, end, forward=True)
            if len(audio) < self.min_speech_s * SAMPLE_RATE:
                break
            emb = self.encoder.embed(audio)
            self.counters.embedded += 1
            sims = c.similarity(emb, self._pitch(audio))
            if sims[speaker] <= sims[current]:
                break
            moved.append((key, new))
        self._corrections.extend(reversed(moved))

    def _pitch(self, audio: np.ndarray) -> float | None:
        """The window's median pitch when the clustering weighs pitch (it is not computed otherwise)."""
        return median_pitch(audio) if self.clustering.s.pitch_weight else None

    def _named(self, speaker: int) -> str:
        """The speaker's enrolled name where its centroid and a profile are each other's best match at the
        threshold (re-checked as the centroid moves: 8 x V dot products), else S1, S2 ..."""
        if self.voices:
            c = self.clustering
            name = assign_names(c.centroids, c.active, self.voices, self.voice_threshold).get(speaker)
            if name:
                return name
        return label(speaker)

    def _window(self, buf: np.ndarray, buf_start: float, start: float, end: float, forward: bool = False) -> np.ndarray:
        """What is embedded: the segment and the stretch before it, `context_s` up to its end (one
        voice, unless the turn changed inside the stretch), widened forward within the buffer (words
        heard, not yet committed) to the encoder's 1.6 s, or `reliable_s`, when the stretch has no more
        behind it."""
        n = len(buf)
        a = max(0, int(round((start - buf_start) * SAMPLE_RATE)))
        b = min(n, int(round((end - buf_start) * SAMPLE_RATE)))
        if not forward:  # `forward`: the segment and what follows it (a re-decision at a turn change)
            a = min(a, max(0, b - int(self.context_s * SAMPLE_RATE)))
        want = int(max(PARTIAL_S, self.reliable_s) * SAMPLE_RATE)
        if b - a < want:
            b = min(n, a + want)
        cap = int(MAX_EMBED_S * SAMPLE_RATE)
        if b - a > cap:
            a = b - cap
        return buf[a:b] if b > a else buf[:0]


def labeler_for(encoder, cfg: TranscribeConfig) -> SpeakerLabeler:  # noqa: ANN001 - SpeakerEncoder
    """A stream's labeler with the settings of the `transcribe` config section."""
    clustering = ClusterSettings(cfg.speaker_threshold, cfg.max_speakers, cfg.speaker_switch_margin, cfg.speaker_weight_cap,
                                 cfg.speaker_merge_threshold, cfg.speaker_new_after, cfg.speaker_pitch_weight,
                                 cfg.speaker_pitch_tolerance)  # fmt: skip
    voices = load_all() if cfg.voices else []
    if voices:
        log.info("speaker labels: %d enrolled voices (%s)", len(voices), ", ".join(v.name for v in voices))
    return SpeakerLabeler(encoder, clustering, cfg.speaker_min_speech_s, cfg.speaker_context_s, cfg.speaker_reliable_s,
                          voices, cfg.voice_threshold, cfg.speaker_relabel_s)  # fmt: skip
