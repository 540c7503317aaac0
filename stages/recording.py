"""What a session was recorded from: the source's kind, its name for people, and a fingerprint.

A replay may only continue a stored session if it is the same recording; the file name says nothing
about that (meeting.wav is every meeting), so the fingerprint is taken from the audio itself: sha256 of
the first minute as 16 kHz mono 16-bit PCM, after the same decoding capture does, together with the
recording's length. A copy or a rename of the file keeps it; another recording, or the same one cut
or extended, does not. A transcript (`replay --text`) is fingerprinted by its bytes. A microphone or a
pipe has nothing to fingerprint: it is live, and a session of it continues its clock.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.errors import InputError
from pipeline.messages import SAMPLE_RATE

FINGERPRINT_SECONDS = 60.0  # decoding a minute takes milliseconds; enough to tell recordings apart
KINDS = ("file", "text", "mic", "stdin")


@dataclass(frozen=True)
class Recording:
    kind: str  # one of KINDS
    source: str  # absolute path of a file; "mic" or "-" for a live source
    name: str  # what a person calls it: the file name, "microphone", "stdin"
    fingerprint: str = ""  # hex sha256 (see the module docstring); "" for a live source
    seconds: float | None = None  # the recording's length (audio files)

    @property
    def live(self) -> bool:
        return self.kind in ("mic", "stdin")

    def describe(self) -> str:
        """One phrase: `meeting-a.wav (fingerprint 3f2a9c81d0e4, 2:19)`."""
        if self.live:
            return self.name
        length = f", {minutes(self.seconds)}" if self.seconds is not None else ""
        return f"{self.name} (fingerprint {self.fingerprint[:12]}{length})"


def minutes(seconds: float) -> str:
    """Audio length as [h:]m:ss."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def identify(source: str, text_input: bool = False) -> Recording:
    """The Recording behind a `capture.source` value (or a transcript file with `text_input`)."""
    from stages import audio_io

    if text_input:
        return identify_text(source)
    if source == "mic":
        return Recording("mic", "mic", "microphone")
    if audio_io.is_stdin(source):
        return Recording("stdin", "-", "stdin")
    return identify_audio(source)


def identify_text(path: str | Path) -> Recording:
    path = Path(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return Recording("text", str(path.resolve()), path.name, digest)


def identify_audio(path: str | Path) -> Recording:
    """Fingerprint an audio file (probe_file has checked it is one)."""
    from stages import audio_io

    path = Path(path)
    info = audio_io.probe_file(path)
    head = hashlib.sha256()
    limit = int(FINGERPRINT_SECONDS * SAMPLE_RATE)
    taken = decoded = 0
    blocks = audio_io.read_file(path)
    try:
        for block in blocks:
            decoded += len(block)
            if taken < limit:
                part = block[: limit - taken]
                head.update(np.round(part * 32767).astype("<i2").tobytes())  # [S] int16: exact bits vary less
                taken += len(part)
            if taken >= limit and info.duration:
                break  # the length is declared: the rest need not be decoded
    except InputError:
        pass  # corrupt past some point: the replay reports it; what decoded is still this file's audio
    finally:
        blocks.close()
    seconds = round(info.duration if info.duration else decoded / SAMPLE_RATE, 2)
    digest = hashlib.sha256(f"{seconds:.2f}:".encode() + head.digest()).hexdigest()
    return Recording("file", str(path.resolve()), path.name, digest, seconds)


def label(recording: Recording) -> str:
    """The part of a session name that says what was recorded: the file's stem, `mic`, `stdin`."""
    if recording.kind == "mic":
        return "mic"
    if recording.kind == "stdin":
        return "stdin"
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(recording.name).stem).strip("-._")
    return stem[:48].rstrip("-._") or "recording"
