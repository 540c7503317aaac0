"""Bad audio through the real CLI and two processes: unusable input is one line and exit code 2;
usable input gives a transcript without invented words."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
from click.testing import CliRunner

from bench.metrics import normalize
from pipeline import config as config_io
from pipeline.cli import main
from pipeline.messages import SAMPLE_RATE
from tests.conftest import read_all, write_audio

pytestmark = pytest.mark.slow
REFERENCE = ("Good morning everyone. Today we will decide the release date for version two. "
             "The database migration is owned by Maria, and she will finish it next week.")  # fmt: skip


def wav_header(data_bytes: int, rate: int = SAMPLE_RATE, extra: bytes = b"") -> bytes:
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (b"RIFF" + struct.pack("<I", 36 + len(extra) + data_bytes) + b"WAVE" + b"fmt " + struct.pack("<I", 16)
            + fmt + extra + b"data" + struct.pack("<I", data_bytes))  # fmt: skip


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Band-limited resampling from 16 kHz (FFT: an ideal low-pass, so no aliasing)."""
    n = int(len(samples) * rate / SAMPLE_RATE)
    spectrum = np.fft.rfft(samples)
    out = np.fft.irfft(spectrum[: n // 2 + 1], n) * (n / len(samples))
    return out.astype(np.float32).clip(-1, 1)


def make(kind: str, tmp_path, speech: np.ndarray):  # noqa: ANN201
    p = tmp_path / f"{kind}.wav"
    rng = np.random.default_rng(0)
    if kind == "corrupt":
        p.write_bytes(wav_header(64000)[:20] + rng.bytes(64000))
    elif kind == "truncated":
        data = write_audio(p, speech).read_bytes()
        p.write_bytes(data[: len(data) // 3])
    elif kind == "empty":
        p.write_bytes(b"")
    elif kind == "zero_duration":
        p.write_bytes(wav_header(0))
    elif kind == "non_audio":
        p = tmp_path / "notes.ogg"
        p.write_text("minutes of the meeting\n" * 100)
    elif kind == "huge_header":
        p.write_bytes(wav_header(32000, extra=b"LIST" + struct.pack("<I", 0x7FFFFFF0)) + b"\x00" * 32000)
    elif kind == "nan_inf":
        bad = speech.copy()
        bad[::97] = np.nan
        bad[::89] = np.inf
        write_audio(p, bad, codec="pcm_f32le")
    elif kind == "clipped":
        write_audio(p, np.clip(speech * 8, -1, 1))
    elif kind == "silence":
        write_audio(p, np.zeros(10 * SAMPLE_RATE, np.float32))
    elif kind == "noise":
        write_audio(p, rng.normal(0, 0.2, 10 * SAMPLE_RATE).clip(-1, 1).astype(np.float32))
    elif kind == "8k":
        write_audio(p, resample(speech, 8000), rate=8000)
    elif kind == "48k_stereo":
        write_audio(p, resample(speech, 48000), rate=48000, channels=2)
    return p


UNUSABLE = {"corrupt": "not a readable audio file|corrupt|no audio", "truncated": "truncated", "empty": "is empty",
            "zero_duration": "zero duration|no audio|not a readable", "non_audio": "not a readable audio file",
            "huge_header": "not a readable audio file|truncated|corrupt|no audio"}  # fmt: skip
USABLE = {"nan_inf": "speech", "clipped": "speech", "8k": "speech", "48k_stereo": "speech", "silence": "none",
          "noise": "none"}  # fmt: skip


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    from tests.conftest import espeak

    path = espeak(REFERENCE, tmp_path_factory.mktemp("s") / "speech.wav")
    return np.concatenate([read_all(path), np.zeros(SAMPLE_RATE, np.float32)])


@pytest.mark.parametrize("kind", [*UNUSABLE, *USABLE])
def test_bad_audio(kind, tmp_path, app_config, speech):
    path = make(kind, tmp_path, speech)
    cfg = tmp_path / "c.toml"
    cfg.write_text(config_io.dumps(app_config()))
    result = CliRunner().invoke(main, ["transcribe", str(path), "--speed", "0", "--json", "--config", str(cfg)])
    assert "Traceback" not in result.output
    if kind in UNUSABLE:
        assert result.exit_code == 2, result.output
        errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1, result.output
        assert __import__("re").search(UNUSABLE[kind], errors[0]), errors[0]
        return
    assert result.exit_code == 0, result.output
    words = " ".join(json.loads(line)["text"] for line in result.output.splitlines() if line.startswith("{"))
    said = normalize(words).split()
    if USABLE[kind] == "none":
        assert said == []
    else:
        vocabulary = set(normalize(REFERENCE).split())
        invented = [w for w in said if w not in vocabulary]
        # Telephone band (8 kHz) costs tiny.en some words on synthetic speech; misheard, not invented.
        # How many depends on where the decode steps fall, which follows the CPU's speed: measured 5-8 of 26
        # (8 on a machine busy with a second pipeline).
        limit = 0.35 if kind == "8k" else 0.2
        assert len(said) >= 15 and len(invented) <= limit * len(said), (said, invented)
