"""Named voice profiles: a known person's voice, enrolled once from a short recording, recognised in later
sessions (issue #15).

A profile is the speaker encoder's embedding of the person's speech (the mean of its 1.6-s windows,
L2-normalised: stages/speaker_model.py), stored as JSON under `$SINKSCRIBE_HOME/voices` (default
`~/.local/share/sinkscribe/voices`), one file per name. Live, a speaker found by the online clustering
(stages/speakers.py) takes a profile's name when its centroid is at least `voice_threshold` like the
profile, and the profile is the best match of that speaker and that speaker the best match of the
profile (one name, one speaker); below the threshold the speaker stays S1, S2 ... (unknown).
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.errors import InputError
from pipeline.messages import SAMPLE_RATE
from stages.settings import data_home

log = logging.getLogger(__name__)
MIN_SPEECH_S = 5.0  # less speech than this makes a profile that matches the wrong people
SPEECH_PROB = 0.5  # the VAD's speech probability above which a frame counts as speech
# A person's name as people write it: letters (any script), spaces, hyphens, apostrophes, periods.
_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ .'\-])*$")
NAME_MAX = 40


@dataclass(frozen=True)
class Voice:
    name: str
    embedding: np.ndarray  # unit vector
    speech_s: float  # how much speech it was made from
    created: float
    source: str  # the recording's file name


def voices_dir() -> Path:
    return data_home() / "voices"


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX or not _NAME.match(name):
        raise InputError(f"'{name}' is not a usable name: letters, spaces, hyphens, apostrophes and periods, "
                         f"at most {NAME_MAX} characters")  # fmt: skip
    return name


def _file(directory: Path, name: str) -> Path:
    return directory / (re.sub(r"[^\w.-]+", "_", name.lower()) + ".json")


def speech_only(samples: np.ndarray) -> np.ndarray:
    """The frames the VAD hears as speech: pauses and room noise would pull the profile towards silence."""
    from stages.vad import WINDOW, StreamingVad

    probs = StreamingVad().feed(samples)
    keep = np.repeat(probs >= SPEECH_PROB, WINDOW)
    return samples[: len(keep)][keep]


def enroll(name: str, samples: np.ndarray, encoder, source: str) -> Voice:  # noqa: ANN001 - SpeakerEncoder
    """A profile from a recording of one person (16 kHz mono float32)."""
    speech = speech_only(samples)
    seconds = len(speech) / SAMPLE_RATE
    if seconds < MIN_SPEECH_S:
        raise InputError(f"{source} has {seconds:.1f} s of speech; a voice profile needs at least "
                         f"{MIN_SPEECH_S:g} s of the person speaking alone")  # fmt: skip
    embedding = encoder.embed(speech)
    return Voice(check_name(name), embedding / np.linalg.norm(embedding), round(seconds, 1), time.time(), source)


def save(voice: Voice, directory: Path | None = None) -> Path:
    directory = directory or voices_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = _file(directory, voice.name)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"name": voice.name, "embedding": [round(float(x), 6) for x in voice.embedding],
                               "speech_s": voice.speech_s, "created": voice.created, "source": voice.source}),
                   encoding="utf-8")  # fmt: skip
    tmp.replace(path)  # a reader never sees half a profile
    return path


def load_all(directory: Path | None = None) -> list[Voice]:
    """Every readable profile; an unreadable one is skipped with a warning (one bad file must not stop
    the labels)."""
    directory = directory or voices_dir()
    out = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            emb = np.asarray(d["embedding"], dtype=np.float32)
            if emb.ndim != 1 or not np.isfinite(emb).all() or not np.linalg.norm(emb):
                raise ValueError("bad embedding")
            out.append(Voice(check_name(d["name"]), emb / np.linalg.norm(emb), float(d.get("speech_s", 0.0)),
                             float(d.get("created", 0.0)), str(d.get("source", ""))))  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError, InputError) as exc:
            log.warning("voices: skipped %s (%s)", path.name, exc)
    return out


def remove(name: str, directory: Path | None = None) -> bool:
    path = _file(directory or voices_dir(), name)
    if not path.is_file():
        return False
    path.unlink()
    return True


def assign_names(centroids: np.ndarray, active: np.ndarray, voices: list[Voice], threshold: float) -> dict[int, str]:
    """Speaker index -> profile name, for pairs that are each other's best match at >= `threshold`."""
    if not voices or not active.any():
        return {}
    profiles = np.stack([v.embedding for v in voices])  # [V, D]
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    sims = (centroids / np.maximum(norms, 1e-9)) @ profiles.T  # [S, V]
    sims[~active] = -1.0
    out = {}
    for v in range(len(voices)):
        s = int(np.argmax(sims[:, v]))
        if sims[s, v] >= threshold and int(np.argmax(sims[s])) == v:
            out[s] = voices[v].name
    return out
