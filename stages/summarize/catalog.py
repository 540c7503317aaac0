"""The session catalogue: where session files live, how a new one is named, which one a command
means, and whether a recording may continue a stored one.

One SQLite file per session (stages/summarize/store.py). `run` and `replay` decide the session once,
before any stage starts, and hand its name to every stage as `summarize.session`, so a stage that the
supervisor restarts writes on where it stopped (crash recovery). A new recording or a new live run gets
a new session by default, named `YYYY-MM-DD_HHMM_SOURCE` (local time; `-2`, `-3` on a collision).
Continuing a stored session is asked for by name (`--resume NAME`, or `--session NAME` naming one that
exists) and checked here: the same kind of source, and for a file or a transcript the same recording
(stages/recording.py's fingerprint), and not one whose recording is already all in it.

What the session was recorded from is kept in its meta table (the `source*` keys and `fingerprint`).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, InputError
from stages.recording import Recording, label, minutes
from stages.settings import data_home
from stages.summarize.store import SessionStore

log = logging.getLogger(__name__)
SUFFIX = ".sqlite"


def default_session_dir() -> Path:
    return data_home() / "sessions"


def session_dir(cfg: Any) -> Path:
    """`summarize.session_dir`, or the default."""
    configured = cfg.summarize.session_dir
    return Path(configured).expanduser() if configured else default_session_dir()


def check_name(name: str) -> str:
    if not name or "/" in name or "\\" in name or name.startswith(".") or len(name) > 128:
        raise ConfigError(f"session name {name!r} must be a plain name (no '/', not starting with '.')")
    return name


def session_path(cfg: Any) -> Path:
    """The SQLite file of this configuration's session (`summarize.session`, else the stream id: the
    name a stage run alone uses; `run` and `replay` always set it)."""
    return session_dir(cfg) / f"{check_name(cfg.summarize.session or cfg.stream)}{SUFFIX}"


# -- what a stored session holds -------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionInfo:
    name: str
    path: Path
    recording: Recording | None  # None: the session does not say (an older build, or a stage run alone)
    created: float  # wall clock
    audio_seconds: float  # the recording's length if it ended, else where its transcript ends
    segments: int
    summaries: int
    last_summary: float | None  # wall clock of the latest summary
    summary_upto: float  # audio time the latest summary covers
    final: bool  # the latest summary is the final one
    ended: str  # how the stream ended (eof, interrupted, error); "" while it has not

    @property
    def source_name(self) -> str:
        return self.recording.name if self.recording else "unknown source"

    def describe(self) -> str:
        """`session NAME (meeting-a.wav)`: which session, from which recording."""
        return f"session {self.name} ({self.source_name})"

    @property
    def state(self) -> str:
        """open (being recorded, or stopped by a crash: --resume continues it), complete, interrupted, error."""
        return "complete" if self.ended == "eof" else self.ended or "open"

    @property
    def complete(self) -> bool:
        """The whole of a file or transcript is in it: continuing it would add nothing."""
        return self.ended == "eof" and self.recording is not None and not self.recording.live

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["path"] = str(self.path)
        out["state"] = self.state
        return out


_RECORDING_KEYS = ("source_kind", "source", "source_name", "fingerprint", "source_seconds")


def recording_meta(recording: Recording) -> dict[str, str]:
    seconds = "" if recording.seconds is None else f"{recording.seconds:.2f}"
    values = (recording.kind, recording.source, recording.name, recording.fingerprint, seconds)
    return dict(zip(_RECORDING_KEYS, values, strict=True))


def _recording(meta: dict[str, str]) -> Recording | None:
    if not meta.get("source_kind"):
        return None
    seconds = meta.get("source_seconds") or ""
    return Recording(meta["source_kind"], meta.get("source", ""), meta.get("source_name", ""),
                     meta.get("fingerprint", ""), float(seconds) if seconds else None)  # fmt: skip


def read_info(store: SessionStore, name: str | None = None) -> SessionInfo:
    meta = store.meta()
    ended = store.ended()
    summary = store.latest_summary()
    audio = float(ended.get("audio_seconds", 0.0)) if ended else store.last_end()
    return SessionInfo(
        name=name or store.path.stem, path=store.path, recording=_recording(meta), created=store.created,
        audio_seconds=audio, segments=store.count_segments(), summaries=len(store.summaries()),
        last_summary=summary.wall if summary else None, summary_upto=summary.upto if summary else 0.0,
        final=bool(summary and summary.final), ended=(ended.get("reason") or "eof") if ended else "",
    )  # fmt: skip


def info(path: Path) -> SessionInfo:
    with SessionStore.open_existing(path) as store:
        return read_info(store)


def list_sessions(directory: Path) -> list[SessionInfo]:
    """Every readable session in `directory`, oldest first; unreadable files are logged and skipped."""
    found = []
    for path in sorted(directory.glob(f"*{SUFFIX}")) if directory.is_dir() else []:
        try:
            found.append(info(path))
        except InputError as exc:
            log.warning("skipped %s: %s", path.name, exc)
    return sorted(found, key=lambda s: (s.created, s.name))


def resolve(directory: Path, name: str) -> Path:
    """A session by name, by a .sqlite path, or by the unique start of its name."""
    as_path = Path(name).expanduser()
    if as_path.suffix == SUFFIX and as_path.is_file():
        return as_path
    exact = directory / f"{name}{SUFFIX}"
    if exact.is_file():
        return exact
    matches = sorted(directory.glob(f"{name}*{SUFFIX}")) if name and "/" not in name and directory.is_dir() else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(m.stem for m in matches[:5]) + (", ..." if len(matches) > 5 else "")
        raise InputError(f"{name!r} names {len(matches)} sessions ({names}): give more of the name")
    raise InputError(f"no session {name!r} in {directory} (`sinkscribe sessions` lists them)")


def latest(directory: Path) -> SessionInfo:
    """The session started last (what `export` and `sessions show` mean without a name)."""
    sessions = list_sessions(directory)
    if not sessions:
        raise InputError(f"no sessions in {directory} yet (`sinkscribe replay FILE` or `sinkscribe run` makes one)")
    return sessions[-1]


def delete(path: Path) -> None:
    """Remove a session file with its WAL and shared-memory companions."""
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            companion.unlink(missing_ok=True)
        except OSError as exc:
            raise InputError(f"cannot delete {companion}: {exc.strerror or exc}") from None


# -- choosing the session of a run ------------------------------------------------------------------------
@dataclass(frozen=True)
class Opened:
    """The session a run writes to."""

    name: str
    path: Path
    resumed: bool  # an existing session continues
    resume_at: float  # where its transcript ends (audio seconds)
    recording: Recording


def new_name(directory: Path, recording: Recording, now: float | None = None) -> str:
    """`YYYY-MM-DD_HHMM_SOURCE` in local time, unique in `directory`; the file is created (reserved)
    atomically, so two runs started in the same minute get two names."""
    base = f"{time.strftime('%Y-%m-%d_%H%M', time.localtime(now))}_{label(recording)}"
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(1, 10_000):
        name = base if n == 1 else f"{base}-{n}"
        try:
            os.close(os.open(directory / f"{name}{SUFFIX}", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            continue
        return name
    raise InputError(f"{directory} already holds 9999 sessions named {base}*")


def open_session(directory: Path, recording: Recording, *, session: str | None = None,
                 resume: str | None = None, now: float | None = None) -> Opened:  # fmt: skip
    """The session a run of `recording` writes to: a new one (no name, or `session` naming none yet),
    or the stored one `resume` (or an existing `session`) names, once checked that it may continue."""
    if session and resume:
        raise ConfigError("give --session or --resume, not both")
    name = resume or session
    if name:
        path = directory / f"{check_name(name)}{SUFFIX}"
        if path.exists():
            with SessionStore.open_existing(path) as store:
                found = read_info(store, name)
                check_resumable(found, recording, "--resume" if resume else "--session")
                store.reopen()
                return Opened(name, path, True, store.last_end(), recording)
        if resume:
            raise InputError(f"no session {resume!r} in {directory} to resume (`sinkscribe sessions` lists them; "
                             "without --resume a new session starts)")  # fmt: skip
    else:
        name = new_name(directory, recording, now)
    path = directory / f"{name}{SUFFIX}"
    with SessionStore(path) as store:
        store.set_meta(recording_meta(recording))
    return Opened(name, path, False, 0.0, recording)


def unfinished(directory: Path, recording: Recording, exclude: str = "") -> list[SessionInfo]:
    """Sessions of this very recording that stopped before its end (a crash, Ctrl-C): `--resume` would
    continue them. Never for a live source (a new run of the microphone is a new meeting)."""
    if recording.live:
        return []
    return [s for s in list_sessions(directory) if s.name != exclude and s.recording is not None
            and s.recording.fingerprint == recording.fingerprint and s.ended != "eof"]  # fmt: skip


def check_resumable(found: SessionInfo, recording: Recording, flag: str) -> None:
    """InputError (one line: what differs, how to start fresh) unless `recording` may continue `found`."""
    fresh = "run without --resume to start a new session" if flag == "--resume" else \
        "give a new --session name (or none) to start a new session"  # fmt: skip
    stored = found.recording
    if stored is None:
        raise InputError(f"session {found.name!r} does not record what it was recorded from (made by an older "
                         f"sinkscribe or a stage run alone), so continuing it cannot be checked: {fresh}")  # fmt: skip
    if stored.kind != recording.kind:
        raise InputError(f"session {found.name!r} was recorded from {_kind(stored)}, not {_kind(recording)}: {fresh}")
    if not stored.live and stored.fingerprint != recording.fingerprint:
        raise InputError(f"session {found.name!r} was recorded from {stored.describe()}; {recording.name} "
                         f"differs ({_differs(stored, recording)}): {fresh}")  # fmt: skip
    if found.complete:
        length = f" ({minutes(stored.seconds)})" if stored.seconds is not None else ""
        raise InputError(f"session {found.name!r} is complete: all of {stored.name}{length} is in it "
                         f"(`sinkscribe sessions show {found.name}` prints its notes); {fresh}")  # fmt: skip


def _kind(recording: Recording) -> str:
    return {"file": "an audio file", "text": "a transcript", "mic": "the microphone", "stdin": "stdin"}.get(
        recording.kind, recording.kind
    )


def _differs(stored: Recording, new: Recording) -> str:
    if stored.seconds is not None and new.seconds is not None and abs(stored.seconds - new.seconds) > 0.005:
        return f"fingerprint {new.fingerprint[:12]}, {minutes(new.seconds)} long"
    return f"fingerprint {new.fingerprint[:12]}"
