"""Shared fixtures: free loopback ports, configs that use them, synthesized speech and sample files."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pipeline.messages import SAMPLE_RATE

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
# The tests drive the stages with the smallest packaged model (the default preset is ~10x larger);
# stage processes the tests start inherit it. Tests about a preset name it explicitly.
os.environ["SINKSCRIBE_MODEL"] = "smollm2-135m"
# One thread per stage in every test run (OMP_NUM_THREADS caps each auto thread count: pipeline/threads.py).
# `make test` runs two workers on two cores; a text replay's summarize would otherwise take both cores
# beside the other worker and be slower, not faster (pipeline/live.py).
os.environ.setdefault("OMP_NUM_THREADS", "1")


def free_port() -> int:
    from bench.asr import free_ports

    return free_ports(1)[0]


def loopback_endpoints():
    from bench.asr import free_endpoints

    return free_endpoints()


@pytest.fixture
def app_config():
    """An AppConfig on fresh loopback ports, so tests never collide with each other or a running app."""
    from stages.settings import AppConfig

    def make(**overrides) -> AppConfig:
        cfg = AppConfig(endpoints=loopback_endpoints(), heartbeat_s=0.5)
        sections = {}
        top = {}
        for key, value in overrides.items():
            if "__" in key:
                section, field = key.split("__", 1)
                sections.setdefault(section, {})[field] = value
            else:
                top[key] = value
        for section, fields in sections.items():
            top[section] = dataclasses.replace(getattr(cfg, section), **fields)
        return dataclasses.replace(cfg, **top)

    return make


def espeak(text: str, path: Path, voice: str = "en-us", speed: int = 155) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing: `make test` installs it (Debian package espeak-ng)")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
    return path


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory) -> Path:
    """About 9 s of synthesized speech, 22.05 kHz WAV (espeak-ng's native rate)."""
    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    return espeak(
        "Good morning everyone. Today we will decide the release date for version two. "
        "The database migration is owned by Maria, and she will finish it next week.",
        path,
    )


def write_audio(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE, channels: int = 1,
                codec: str | None = None) -> Path:  # fmt: skip
    """Encode float samples in -1..1 ([S] or [S, C]) with PyAV into any container/codec."""
    import av

    codecs = {".wav": "pcm_s16le", ".flac": "flac", ".mp3": "libmp3lame", ".ogg": "libopus",
              ".m4a": "aac", ".opus": "libopus"}  # fmt: skip
    codec = codec or codecs[path.suffix]
    data = np.asarray(samples, dtype=np.float32).reshape(len(samples), -1)
    if data.shape[1] != channels:
        data = np.repeat(data[:, :1], channels, axis=1)
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        fmt = stream.codec_context.codec.audio_formats[0].name if stream.codec_context.codec.audio_formats else "s16"
        resampler = av.AudioResampler(format=fmt, layout=layout, rate=rate)
        step = 4096
        for i in range(0, len(data), step):
            block = np.ascontiguousarray(data[i : i + step]).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(block, format="flt", layout=layout)
            frame.sample_rate = rate
            for out in resampler.resample(frame):
                container.mux(stream.encode(out))
        for out in resampler.resample(None):
            container.mux(stream.encode(out))
        container.mux(stream.encode(None))
    return path


def read_all(path: Path) -> np.ndarray:
    from stages.audio_io import read_file

    return np.concatenate(list(read_file(path)))


SENTENCES = [
    ("en-us", "Good morning everyone, this is the weekly planning meeting for the mobile app."),
    ("en-gb", "The release date moves to the twelfth of March because the migration is late."),
    ("en-us+m3", "Maria owns the database migration and will report on Thursday."),
    ("en-gb+f2", "The pilot customers asked for an offline mode and a faster search page."),
    ("en-us", "We agreed to hire one more tester before the end of the quarter."),
    ("en-gb", "The budget for the new laptops was approved by finance yesterday."),
    ("en-us+m3", "David will write the announcement for the customers next week."),
    ("en-gb+f2", "The open question is whether the old servers can be switched off in April."),
    ("en-us", "Let us meet again on Monday at ten to review the test results."),
]


@pytest.fixture(scope="session")
def spoken_meeting(tmp_path_factory) -> tuple[Path, str]:
    """About 50 s of several voices with pauses, and its text."""
    folder = tmp_path_factory.mktemp("crash")
    parts = []
    for i, (voice, text) in enumerate(SENTENCES):
        parts.append(read_all(espeak(text, folder / f"{i}.wav", voice)))
        parts.append(np.zeros(int(1.2 * SAMPLE_RATE), np.float32))
    path = write_audio(folder / "meeting.wav", np.concatenate(parts))
    return path, " ".join(t for _, t in SENTENCES)


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for this test session (tests/pg_support.py), stopped and removed after."""
    from tests.pg_support import start_server

    yield from start_server(free_port())


@pytest.fixture
def pg_url(pg_server) -> str:
    """A fresh database on the test server, dropped after the test: its URL (with the password)."""
    name = pg_server.new_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)
