"""The GE2E speaker encoder of the resemblyzer 0.1.4 wheel, run by our own code.

The wheel (Apache-2.0) ships `resemblyzer/pretrained.pt` (17 MB): a 3-layer LSTM over 40 power-mel
channels (hidden 256) whose last hidden state goes through Linear(256, 256) + ReLU and is L2-normalised
(Wan et al. 2018, "Generalized end-to-end loss for speaker verification"). The package is installed with
`--no-deps` and never imported (it would import librosa and webrtcvad): its file is found through the
installed distribution's RECORD, and its preprocessing (`audio.py`, `voice_encoder.py`) is rewritten
here in numpy:

- 16 kHz mono, volume raised (never lowered) to -30 dBFS;
- power mel spectrogram as `librosa.feature.melspectrogram` computes it: 25-ms Hann window (n_fft 400),
  10-ms hop (160), centred frames, 40 Slaney-normalised mel bands on the Slaney mel scale;
- partial utterances of 160 frames (1.6 s), 1.3 per second, the last one kept when it covers 75% of a
  window (zero-padded); the utterance embedding is the normalised mean of the partials' embeddings.

The wheel's own silence trimming (webrtcvad) is left out: transcribe's Silero VAD already decides what
is speech. torch is imported only when an encoder is loaded (speaker labels on), one thread: a segment
costs a few tens of milliseconds and must not take cores from Whisper.
"""

from __future__ import annotations

import importlib.metadata
import logging
import time
from pathlib import Path

import numpy as np

from pipeline.errors import ModelError
from pipeline.messages import SAMPLE_RATE

log = logging.getLogger(__name__)

DISTRIBUTION = "resemblyzer"  # PyPI name; the file's path inside it:
WEIGHTS_FILE = "resemblyzer/pretrained.pt"
N_FFT = 400  # 25 ms at 16 kHz (hparams.mel_window_length)
HOP = 160  # 10 ms (hparams.mel_window_step)
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s: what the encoder was trained on
PARTIAL_RATE = 1.3  # partials per second (voice_encoder.embed_utterance's default)
MIN_COVERAGE = 0.75  # a last partial shorter than this share of a window is dropped (unless it is the only one)
TARGET_DBFS = -30.0
EMBED_DIM = 256
INT16_MAX = 2**15 - 1
PARTIAL_S = PARTIAL_FRAMES * HOP / SAMPLE_RATE


def find_weights() -> Path:
    """Path of the wheel's pretrained.pt, from the installed distribution's file list (not imported)."""
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise ModelError(f"package {DISTRIBUTION!r} is not installed (pip install --no-deps resemblyzer==0.1.4)") from None
    for f in dist.files or ():
        if f.as_posix() == WEIGHTS_FILE:
            path = Path(dist.locate_file(f))
            if path.is_file():
                return path
            break
    raise ModelError(f"{DISTRIBUTION}: {WEIGHTS_FILE} is missing (reinstall it with pip install --no-deps)")


# -- preprocessing (numpy) ----------------------------------------------------------------------------
def normalize_volume(wav: np.ndarray, target_dbfs: float = TARGET_DBFS) -> np.ndarray:
    """Raise quiet audio to `target_dbfs` RMS; louder audio is left as it is (audio.normalize_volume,
    increase_only)."""
    rms = float(np.sqrt(np.mean((wav.astype(np.float64) * INT16_MAX) ** 2))) if len(wav) else 0.0
    if rms <= 0.0:
        return wav
    change = target_dbfs - 20.0 * np.log10(rms / INT16_MAX)
    return wav if change < 0 else (wav * 10.0 ** (change / 20.0)).astype(np.float32)


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale (librosa's default, htk=False): linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / (200.0 / 3)
    log_region = hz >= 1000.0
    mel[log_region] = 15.0 + np.log(hz[log_region] / 1000.0) / (np.log(6.4) / 27.0)
    return mel


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * (200.0 / 3)
    log_region = mel >= 15.0
    hz[log_region] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel[log_region] - 15.0))
    return hz


def mel_filterbank(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> np.ndarray:
    """(n_mels, 1 + n_fft // 2) triangular filters, Slaney area normalisation (librosa.filters.mel)."""
    fft_freqs = np.linspace(0.0, sr / 2.0, 1 + n_fft // 2)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(np.array([0.0]))[0], _hz_to_mel(np.array([sr / 2.0]))[0], n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights.astype(np.float32)


_FILTERS = mel_filterbank()
_WINDOW = (0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)  # periodic Hann


def mel_spectrogram(wav: np.ndarray) -> np.ndarray:
    """(frames, 40) power mel spectrogram, frames centred every 10 ms (1 + len // 160 of them).

    Centre padding reflects the signal, as librosa did when the encoder was trained (librosa < 0.10;
    0.10 pads with zeros): only the first and last frame differ.
    """
    pad = N_FFT // 2
    y = np.pad(wav.astype(np.float32), pad, mode="reflect" if len(wav) > pad else "constant")
    n_frames = 1 + (len(y) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]
    spec = np.abs(np.fft.rfft(y[idx] * _WINDOW, axis=1)) ** 2  # (frames, 201)
    return (spec.astype(np.float32) @ _FILTERS.T).astype(np.float32)


def partial_slices(n_samples: int) -> list[slice]:
    """Mel-frame windows of the partial utterances (voice_encoder.compute_partial_slices)."""
    n_frames = int(np.ceil((n_samples + 1) / HOP))
    step = int(np.round((SAMPLE_RATE / PARTIAL_RATE) / HOP))
    steps = max(1, n_frames - PARTIAL_FRAMES + step + 1)
    slices = [slice(i, i + PARTIAL_FRAMES) for i in range(0, steps, step)]
    last = slices[-1]
    coverage = (n_samples - last.start * HOP) / (PARTIAL_FRAMES * HOP)
    if coverage < MIN_COVERAGE and len(slices) > 1:
        slices = slices[:-1]
    return slices


# -- the network (torch, loaded lazily) ---------------------------------------------------------------
class SpeakerEncoder:
    """Audio (16 kHz float32) -> a unit-length 256-d speaker embedding."""

    def __init__(self, weights: Path | None = None, threads: int = 1) -> None:
        t0 = time.perf_counter()
        import torch  # lazily: only a transcribe with speaker labels on pays for torch (~1.5 s to import)

        path = weights or find_weights()
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        try:
            checkpoint = torch.load(path, map_location="cpu", weights_only=True)
            state = checkpoint["model_state"]
        except Exception as exc:  # a truncated or foreign file: say which, do not crash the stage later
            raise ModelError(f"speaker encoder weights {path} could not be read: {exc}") from exc
        self._torch = torch
        self.lstm = torch.nn.LSTM(N_MELS, EMBED_DIM, num_layers=3, batch_first=True)
        self.linear = torch.nn.Linear(EMBED_DIM, EMBED_DIM)
        # The checkpoint also holds the GE2E loss's similarity scale and bias: training only.
        lstm = {k.removeprefix("lstm."): v for k, v in state.items() if k.startswith("lstm.")}
        linear = {k.removeprefix("linear."): v for k, v in state.items() if k.startswith("linear.")}
        try:
            self.lstm.load_state_dict(lstm)
            self.linear.load_state_dict(linear)
        except RuntimeError as exc:
            raise ModelError(f"speaker encoder weights {path} do not fit the GE2E network: {exc}") from exc
        self.lstm.eval()
        self.linear.eval()
        self.load_seconds = time.perf_counter() - t0
        log.debug("speaker encoder loaded from %s in %.2f s", path, self.load_seconds)

    def embed_partials(self, mels: np.ndarray) -> np.ndarray:
        """(n, 160, 40) mel windows -> (n, 256) unit embeddings."""
        torch = self._torch
        with torch.inference_mode():
            _, (hidden, _) = self.lstm(torch.from_numpy(np.ascontiguousarray(mels, dtype=np.float32)))
            raw = torch.relu(self.linear(hidden[-1]))  # (n, 256): the last layer's final state
            out = raw / torch.linalg.vector_norm(raw, dim=1, keepdim=True).clamp_min(1e-12)
        return out.numpy()

    def embed(self, wav: np.ndarray) -> np.ndarray:
        """One utterance -> its embedding: the normalised mean over its 1.6-s partials."""
        wav = normalize_volume(np.asarray(wav, dtype=np.float32))
        slices = partial_slices(len(wav))
        need = slices[-1].stop * HOP
        if need >= len(wav):
            wav = np.pad(wav, (0, need - len(wav)))
        mel = mel_spectrogram(wav)
        partials = self.embed_partials(np.stack([mel[s] for s in slices]))
        mean = partials.mean(axis=0)
        return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
