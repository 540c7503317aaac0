"""Streaming Silero VAD: speech probability per 32 ms frame, computed once per frame as audio arrives.

faster-whisper ships Silero VAD (v6, ONNX). Its ONNX graph runs the frames of one call as a sequence
through an LSTM whose state (h, c) it returns, and each 512-sample frame is preceded by the 64 samples
before it. Carrying both across calls gives exactly the probabilities of a whole-file pass
(tests/test_vad.py checks it), at a cost of about 0.3 ms per 100 ms of audio.
"""

from __future__ import annotations

import numpy as np

WINDOW = 512  # samples per Silero frame at 16 kHz (32 ms)
CONTEXT = 64  # samples of the previous frame each frame sees
FRAME_S = WINDOW / 16_000


class StreamingVad:
    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self.reset()

    def reset(self) -> None:
        self._pending = np.zeros(0, dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """New samples -> speech probabilities of the frames they complete ([n_frames] float32)."""
        audio = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        n = len(audio) // WINDOW
        self._pending = audio[n * WINDOW :]
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        frames = audio[: n * WINDOW].reshape(n, WINDOW)  # [n, 512]
        contexts = np.concatenate([self._context[None, :], frames[:-1, -CONTEXT:]])  # [n, 64]
        batch = np.concatenate([contexts, frames], axis=1)  # [n, 576]
        probs, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self._context = frames[-1, -CONTEXT:].copy()
        return np.asarray(probs, dtype=np.float32).reshape(-1)  # [n]
