"""The session catalogue: where session files live, how a new one is named, which one a command
means, and whether a recording may continue a stored one.

Sessions are kept on a shelf (stages/summarize/shelves.py): a folder of SQLite files, or one PostgreSQL
database when `summarize.store` names one; every rule here is the same for both. `run` and `replay` decide the session once,
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
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, InputError
from stages.recording import Recording, label, minutes
from stages.settings import data_home
from stages.summarize.shelves import SUFFIX, FileShelf, SessionRef, Shelf, for_config
from stages.summarize.store import StoreBase

log = logging.getLogger(__name__)
__all__ = ["SUFFIX", "SessionRef", "Shelf"]  # re-exported: callers name them through the catalogue
Where = Path | Shelf  # a folder of session files, or any shelf


def default_session_dir() -> Path:
    return data_home() / "sessions"


def session_dir(cfg: Any) -> Path:
    """`summarize.session_dir`, or the default."""
    configured = cfg.summarize.session_dir
    return Path(configured).expanduser() if configured else default_session_dir()


def shelf(cfg: Any) -> Shelf:
    """Where this configuration's sessions are: `summarize.store`'s database, else `session_dir(cfg)`."""
    return for_config(cfg, session_dir(cfg))


def as_shelf(where: Where) -> Shelf:
    """A folder of session files as a shelf; a shelf as it is."""
    return FileShelf(where) if isinstance(where, Path) else where


def as_ref(where: Path | SessionRef) -> SessionRef:
    """A session file's path (`sinkscribe export x.sqlite`) as a reference; a reference as it is."""
    return SessionRef(FileShelf(where.parent), where.stem) if isinstance(where, Path) else where


def check_name(name: str) -> str:
    if not name or "/" in name or "\\" in name or name.startswith(".") or len(name) > 128:
        raise ConfigError(f"session name {name!r} must be a plain name (no '/', not starting with '.')")
    return name


def session_path(cfg: Any) -> Path:
    """The SQLite file of this configuration's session (`summarize.session`, else the stream id: the
    name a stage run alone uses; `run` and `replay` always set it)."""
    return session_dir(cfg) / f"{check_name(cfg.summarize.session or cfg.stream)}{SUFFIX}"


def session_ref(cfg: Any) -> SessionRef:
    """The session of this configuration on its shelf (a file as `session_path`, or database rows)."""
    return SessionRef(shelf(cfg), check_name(cfg.summarize.session or cfg.stream))


# -- what a stored session holds -------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionInfo:
    name: str
    path: str  # where it is: its file, or the database (without password) and its name
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


def read_info(store: StoreBase, name: str | None = None) -> SessionInfo:
    meta = store.meta()
    ended = store.ended()
    summary = store.latest_summary()
    audio = float(ended.get("audio_seconds", 0.0)) if ended else store.last_end()
    return SessionInfo(
        name=name or store.name, path=store.where, recording=_recording(meta), created=store.created,
        audio_seconds=audio, segments=store.count_segments(), summaries=len(store.summaries()),
        last_summary=summary.wall if summary else None, summary_upto=summary.upto if summary else 0.0,
        final=bool(summary and summary.final), ended=(ended.get("reason") or "eof") if ended else "",
    )  # fmt: skip


def info(where: Path | SessionRef) -> SessionInfo:
    """What the session holds; `where` is a session file or a reference."""
    ref = as_ref(where)
    with ref.open_existing() as store:
        return read_info(store, ref.name)


def list_sessions(where: Where) -> list[SessionInfo]:
    """Every readable session on the shelf, oldest first; unreadable ones are logged and skipped."""
    found = []
    place = as_shelf(where)
    for name in place.names():
        try:
            found.append(info(SessionRef(place, name)))
        except InputError as exc:
            log.warning("skipped %s: %s", place.locate(name), exc)
    return sorted(found, key=lambda s: (s.created, s.name))


def resolve(where: Where, name: str) -> SessionRef:
    """A session by name, by a .sqlite path, or by the unique start of its name."""
    place = as_shelf(where)
    as_path = Path(name).expanduser()
    if as_path.suffix == SUFFIX and as_path.is_file():
        return as_ref(as_path)
    if name and place.exists(name):
        return SessionRef(place, name)
    matches = [n for n in place.names() if n.startswith(name)] if name and "/" not in name else []
    if len(matches) == 1:
        return SessionRef(place, matches[0])
    if matches:
        names = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
        raise InputError(f"{name!r} names {len(matches)} sessions ({names}): give more of the name")
    raise InputError(f"no session {name!r} in {place.where} (`sinkscribe sessions` lists them)")


def latest(where: Where) -> SessionInfo:
    """The session started last (what `export` and `sessions show` mean without a name)."""
    sessions = list_sessions(where)
    if not sessions:
        raise InputError(f"no sessions in {as_shelf(where).where} yet (`sinkscribe replay FILE` or `sinkscribe run` "
                         "makes one)")  # fmt: skip
    return sessions[-1]


def delete(where: Path | SessionRef) -> None:
    """Remove a session: its file with its WAL and shared-memory companions, or its rows."""
    as_ref(where).delete()


# -- choosing the session of a run ------------------------------------------------------------------------
@dataclass(frozen=True)
class Opened:
    """The session a run writes to."""

    name: str
    ref: SessionRef
    resumed: bool  # an existing session continues
    resume_at: float  # where its transcript ends (audio seconds)
    recording: Recording


def new_name(where: Where, recording: Recording, now: float | None = None) -> str:
    """`YYYY-MM-DD_HHMM_SOURCE` in local time, unique on the shelf; the session is made (reserved)
    atomically, so two runs started in the same minute get two names."""
    base = f"{time.strftime('%Y-%m-%d_%H%M', time.localtime(now))}_{label(recording)}"
    place = as_shelf(where)
    for n in range(1, 10_000):
        name = base if n == 1 else f"{base}-{n}"
        if place.reserve(name):
            return name
    raise InputError(f"{place.where} already holds 9999 sessions named {base}*")


def open_session(where: Where, recording: Recording, *, session: str | None = None,
                 resume: str | None = None, now: float | None = None) -> Opened:  # fmt: skip
    """The session a run of `recording` writes to: a new one (no name, or `session` naming none yet),
    or the stored one `resume` (or an existing `session`) names, once checked that it may continue."""
    if session and resume:
        raise ConfigError("give --session or --resume, not both")
    place = as_shelf(where)
    name = resume or session
    if name:
        ref = SessionRef(place, check_name(name))
        if ref.exists():
            with ref.open_existing() as store:
                found = read_info(store, name)
                check_resumable(found, recording, "--resume" if resume else "--session")
                store.reopen()
                return Opened(name, ref, True, store.last_end(), recording)
        if resume:
            raise InputError(f"no session {resume!r} in {place.where} to resume (`sinkscribe sessions` lists them; "
                             "without --resume a new session starts)")  # fmt: skip
    else:
        name = new_name(place, recording, now)
    ref = SessionRef(place, name)
    with ref.open() as store:
        store.set_meta(recording_meta(recording))
    return Opened(name, ref, False, 0.0, recording)


def unfinished(where: Where, recording: Recording, exclude: str = "") -> list[SessionInfo]:
    """Sessions of this very recording that stopped before its end (a crash, Ctrl-C): `--resume` would
    continue them. Never for a live source (a new run of the microphone is a new meeting)."""
    if recording.live:
        return []
    return [s for s in list_sessions(where) if s.name != exclude and s.recording is not None
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
