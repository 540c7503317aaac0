"""The vocabulary of typed messages that travel between stages.

Every message is a frozen dataclass carrying the `stream` it belongs to and a per-sender sequence number
`seq`. `pipeline.wire` owns how they become bytes; nothing here knows about sockets.

Times: `start`/`end` fields are seconds of *audio* since the stream began (the capture clock), `wall`
fields are `time.time()` on the sending host (used for latency measurements only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

SAMPLE_RATE = 16_000  # every AudioChunk on the wire is 16 kHz mono float32
# Field metadata: `pipeline.wire.encode` leaves the field out while it holds its default, so a receiver
# from before the field (which refuses unknown fields) still takes the messages that do not use it.
OMIT_DEFAULT = {"omit_default": True}


@dataclass(frozen=True)
class Word:
    """One recognised word with its audio time span and Whisper's probability."""

    text: str
    start: float
    end: float
    prob: float = 1.0


@dataclass(frozen=True)
class Relabel:
    """A correction of an earlier segment's speaker label: segment `seq` of the same stream was spoken
    by `speaker` (a later, better decision of the labeller: stages/speakers.py)."""

    seq: int
    speaker: str


@dataclass(frozen=True)
class Citation:
    """A passage an answer relies on: the committed segment and where it sits in the audio."""

    seq: int
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class NoteItem:
    """One item of the meeting notes, with the committed segments it rests on (seq and audio start)."""

    kind: str  # decision | action | fact | open
    text: str
    owner: str = ""
    due: str = ""
    seqs: tuple[int, ...] = ()
    starts: tuple[float, ...] = ()


@dataclass(frozen=True)
class Message:
    """Base class: the fields every message has. `type` names the message on the wire."""

    type: ClassVar[str] = ""
    stream: str
    seq: int


@dataclass(frozen=True)
class AudioChunk(Message):
    """16 kHz mono float32 samples; `start` is the capture clock of the first sample."""

    type: ClassVar[str] = "audio"
    start: float
    wall: float
    samples: np.ndarray = field(repr=False, compare=False)
    # Capture rewound or skipped (after a transcribe restart): take this chunk's `start` as the stream
    # position even if it leaves a gap; without it, a chunk that does not continue the stream is dropped.
    resync: bool = False
    # Speaker labels by input channel (capture.channels, stages/channels.py): per frame (the chunk divided
    # into len(levels) equal frames), per channel, the RMS level in dBFS; `channels` names the columns.
    # The samples stay the mono mix. Empty (and left off the wire) when capture measures no channels.
    levels: tuple[tuple[float, ...], ...] = field(default=(), metadata=OMIT_DEFAULT)
    channels: tuple[str, ...] = field(default=(), metadata=OMIT_DEFAULT)

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True)
class Partial(Message):
    """Uncommitted caption text (for people): may still change; never sent downstream."""

    type: ClassVar[str] = "partial"
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Segment(Message):
    """Committed transcript (for machines): final words with timestamps. `seq` counts segments."""

    type: ClassVar[str] = "segment"
    text: str
    start: float
    end: float
    words: tuple[Word, ...] = ()
    speaker: str | None = None
    wall: float = 0.0  # wall clock when it was committed
    # wall clock minus audio time of the newest audio at commit: a word's audio ended at wall time
    # `word.end + clock`, so its commit latency is `wall - (word.end + clock)` (meaningful when paced)
    clock: float = 0.0
    # Speaker labels of earlier segments (lower seq, same stream) that the labeller corrected when it
    # labelled this one. They ride on this segment, so they travel, are acknowledged and resent with
    # it; the store applies them with it. Left off the wire when empty.
    relabels: tuple[Relabel, ...] = field(default=(), metadata=OMIT_DEFAULT)


@dataclass(frozen=True)
class EndOfStream(Message):
    """The sender has nothing more for this stream (`reason`: eof, interrupted, error)."""

    type: ClassVar[str] = "eos"
    reason: str = "eof"
    audio_seconds: float = 0.0


@dataclass(frozen=True)
class Status(Message):
    """Heartbeat plus counters of a stage (`stage` names it); sent even when idle."""

    type: ClassVar[str] = "status"
    stage: str
    wall: float
    counters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Summary(Message):
    """A rolling summary covering everything committed up to segment `upto_seq` (audio time `upto`)."""

    type: ClassVar[str] = "summary"
    text: str
    upto_seq: int
    upto: float
    final: bool = False
    wall: float = 0.0
    items: tuple[NoteItem, ...] = ()  # the notes as data; `text` is them rendered for people


@dataclass(frozen=True)
class Question(Message):
    """A question from a client; `request_id` is echoed in the Answer or Error."""

    type: ClassVar[str] = "question"
    request_id: str
    text: str


@dataclass(frozen=True)
class Answer(Message):
    """The answer to `request_id`, with the stored passages it cites."""

    type: ClassVar[str] = "answer"
    request_id: str
    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    wall: float = 0.0
    session: str = ""  # the session the answer comes from (its name in the session store)


@dataclass(frozen=True)
class Error(Message):
    """A request could not be served; `message` is one line meant for a person."""

    type: ClassVar[str] = "error"
    request_id: str
    message: str


@dataclass(frozen=True)
class SnapshotRequest(Message):
    """A late joiner asks for the current state (ZeroMQ guide, Clone pattern)."""

    type: ClassVar[str] = "snapshot_request"
    request_id: str
    # A restarted transcribe asking where to resume: summarize first stores every segment already
    # queued to it, so the reply's stored_seq/stored_end are final.
    resume: bool = False


@dataclass(frozen=True)
class Snapshot(Message):
    """Current state for a late joiner: the latest summary (if any) and the publisher's last `seq`."""

    type: ClassVar[str] = "snapshot"
    request_id: str
    pub_seq: int
    summary: str = ""
    upto_seq: int = -1
    upto: float = 0.0
    stored_seq: int = -1  # the last segment in the session store (segments arrive in seq order)
    stored_end: float = 0.0  # its audio end time: where a restarted transcribe resumes
    ended: bool = False  # the stream's end of stream was stored: nothing more will come
    final: bool = False  # `summary` is the stream's final summary
    session: str = ""  # the session's name in the session store
    source: str = ""  # what the session was recorded from, for people: a file name, "microphone"
    end_reason: str = ""  # with `ended`: eof, interrupted or error
    audio_seconds: float = 0.0  # with `ended`: the audio the stream held
    # The latest notes as data (`Summary.items` of the summary `summary` renders): a client joining after
    # the final summary gets them too. Added within v1 with a default (docs/PROTOCOL.md, section 10).
    items: tuple[NoteItem, ...] = ()


MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.type: cls
    for cls in (
        AudioChunk,
        Partial,
        Segment,
        EndOfStream,
        Status,
        Summary,
        Question,
        Answer,
        Error,
        SnapshotRequest,
        Snapshot,
    )
}
