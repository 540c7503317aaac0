"""A voice's pitch: the median fundamental frequency of a stretch of speech, in semitones.

A second speaker cue beside the GE2E embedding (stages/speakers.py). The encoder, trained on real voices,
hardly tells espeak-ng's voices apart (README, "Speaker labels": different voices at cosine 0.84-0.91, as
alike as one voice's own windows), and two people of different pitch can be as alike to it; their
median pitch differs by semitones where one voice's windows differ by one or two.

Autocorrelation per 40-ms frame (20-ms hop), normalised by the frame's energy; a frame is voiced when
its best peak between 60 and 500 Hz reaches `VOICED`; the stretch's pitch is the median over its voiced
frames (the first autocorrelation peak near the highest, so not a multiple of the period; octave
slips of single frames do not move a median), or None with fewer than `MIN_VOICED`.
numpy only: about a millisecond per second of audio.
"""

from __future__ import annotations

import math

import numpy as np

from pipeline.messages import SAMPLE_RATE

FRAME = int(0.04 * SAMPLE_RATE)
HOP = int(0.02 * SAMPLE_RATE)
MIN_HZ, MAX_HZ = 60.0, 500.0
OCTAVE = 0.9  # a peak this close to the highest is the period rather than a multiple of it
VOICED = 0.6  # normalised autocorrelation at the pitch period: above it a frame is voiced
MIN_VOICED = 10  # voiced frames (0.2 s) below which a stretch has no pitch worth comparing
REF_HZ = 55.0  # semitone 0 (A1)


def semitones(hz: float) -> float:
    return 12.0 * math.log2(hz / REF_HZ)


def median_pitch(audio: np.ndarray) -> float | None:
    """The median pitch of the voiced frames of `audio` (16 kHz mono float), in semitones above 55 Hz;
    None when fewer than `MIN_VOICED` frames are voiced."""
    x = np.asarray(audio, dtype=np.float32)
    if len(x) < FRAME:
        return None
    n = 1 + (len(x) - FRAME) // HOP
    frames = np.lib.stride_tricks.as_strided(x, shape=(n, FRAME), strides=(x.strides[0] * HOP, x.strides[0]))
    frames = frames - frames.mean(axis=1, keepdims=True)
    energy = (frames**2).sum(axis=1)
    loud = energy > max(1e-6, 0.01 * float(np.percentile(energy, 90)))  # not the pauses between words
    if loud.sum() < MIN_VOICED:
        return None
    spec = np.fft.rfft(frames[loud], 2 * FRAME, axis=1)
    ac = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, :FRAME]
    lo, hi = int(SAMPLE_RATE / MAX_HZ), int(SAMPLE_RATE / MIN_HZ)
    # The unbiased estimate: a lag of k sums FRAME - k products, so longer periods are not penalised.
    norm = ac[:, lo : hi + 1] / ac[:, :1] * (FRAME / (FRAME - np.arange(lo, hi + 1)))
    # A periodic frame peaks at every multiple of its period, about as high: the period is the first peak
    # near the highest (within `OCTAVE`), not the highest (which is as often a multiple: an octave low).
    top = norm.max(axis=1, keepdims=True)
    first = (norm >= OCTAVE * top).argmax(axis=1)
    reach = np.arange(norm.shape[1])[None, :]
    near = (reach >= first[:, None]) & (reach <= first[:, None] + np.maximum(4, (first[:, None] + lo) // 4))
    best = np.where(near, norm, -np.inf).argmax(axis=1)
    peak = norm[np.arange(len(best)), best]
    voiced = peak >= VOICED
    if voiced.sum() < MIN_VOICED:
        return None
    lags = (best[voiced] + lo).astype(np.float64)
    return float(np.median(12.0 * np.log2(SAMPLE_RATE / lags / REF_HZ)))
