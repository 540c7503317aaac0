"""Streaming Silero VAD gives exactly the probabilities of a whole-buffer pass."""

from __future__ import annotations

import numpy as np

from stages.vad import WINDOW, StreamingVad
from tests.conftest import read_all


def test_streaming_equals_whole_pass(speech_wav):
    from faster_whisper.vad import get_vad_model

    audio = read_all(speech_wav)
    audio = audio[: len(audio) // WINDOW * WINDOW]
    whole = np.asarray(get_vad_model()(audio)).reshape(-1)
    vad = StreamingVad()
    rng = np.random.default_rng(1)
    parts, i = [], 0
    while i < len(audio):  # uneven pieces, like network chunks
        n = int(rng.integers(100, 3000))
        parts.append(vad.feed(audio[i : i + n]))
        i += n
    streamed = np.concatenate(parts)
    assert len(streamed) == len(whole)
    np.testing.assert_allclose(streamed, whole, atol=1e-6)
    assert (streamed > 0.5).mean() > 0.5  # it is speech
    assert (vad.feed(np.zeros(16000, np.float32)) < 0.2).all()  # and silence is not
