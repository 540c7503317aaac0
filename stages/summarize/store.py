"""The session store: one SQLite file per session holding everything that left the model's window.

`StoreBase` is what every backend shares (the meta keys, speaker names, decoding segments, how a
question becomes a search); `SessionStore` is the SQLite file, `store_pg.PgSessionStore` the same
session as rows of a PostgreSQL database (`summarize.store`, stages/summarize/shelves.py).

Every committed segment is written (and committed to disk) before it is acked into the model, so
nothing accepted is lost if any process dies. FTS5 indexes the segments; questions retrieve evicted
passages with it. Summaries and answers are kept too, for late joiners, restarts and export.

WAL journal: readers (export, a second `ask`) never block the writer. The page cache is capped so a
session of many hours does not grow the process (issue: memory that does not grow).
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, SinkscribeError
from pipeline.messages import Citation, Relabel, Segment, Word

SCHEMA_VERSION = 1
# The writer's fence (`StoreBase.claim`): the number of the latest claim, in meta. A host wrongly declared
# lost in a cluster must not keep writing a session another host now continues.
EPOCH_KEY = "writer_epoch"
PAGE_CACHE_KIB = 2048  # SQLite page cache per connection; the OS file cache does the rest
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (
    seq INTEGER PRIMARY KEY,           -- the transcribe stage's segment sequence number
    start REAL NOT NULL, end REAL NOT NULL,
    speaker TEXT, text TEXT NOT NULL,
    words TEXT NOT NULL DEFAULT '[]',  -- JSON [[text, start, end, prob], ...]
    wall REAL NOT NULL DEFAULT 0,      -- committed at (transcribe's clock)
    clock REAL NOT NULL DEFAULT 0,     -- wall - audio time at commit (latency measurement)
    stored REAL NOT NULL               -- written here at
);
CREATE VIRTUAL TABLE IF NOT EXISTS segments_fts USING fts5(
    text, content='segments', content_rowid='seq', tokenize='porter unicode61'  -- "decided" finds "decide"
);
CREATE TRIGGER IF NOT EXISTS segments_ai AFTER INSERT ON segments BEGIN
    INSERT INTO segments_fts(rowid, text) VALUES (new.seq, new.text);
END;
CREATE TABLE IF NOT EXISTS summaries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, upto_seq INTEGER NOT NULL, upto REAL NOT NULL,
    text TEXT NOT NULL, final INTEGER NOT NULL, wall REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS notes (          -- the notes as items (stages/summarize/notes.py), per summary
    upto_seq INTEGER PRIMARY KEY, items TEXT NOT NULL, wall REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, question TEXT NOT NULL,
    text TEXT NOT NULL, citations TEXT NOT NULL, wall REAL NOT NULL
);
"""
STOPWORDS = frozenset(
    "a an and are as at be been but by can could did do does for from had has have he her his how i if in "
    "into is it its me my no not of on or our she so that the their them then there they this to was we "
    "were what when where which who whom whose why will with would you your about after again all also any "
    "because before being both each few more most other over same should some such than these those through "
    "under until up very just said say says tell told know think meeting anyone someone much many new long "
    "last per out held going get got take took make made".split()
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'-]*")


@dataclass(frozen=True)
class StoredSummary:
    upto_seq: int
    upto: float
    text: str
    final: bool
    wall: float


def phrases(question: str) -> list[str]:
    """Adjacent content-word pairs of a question ("badge readers", "penetration test")."""
    words = [t.strip("'-") for t in _WORD.findall(question.lower())]
    return [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)
            if a not in STOPWORDS and b not in STOPWORDS and len(a) > 1 and len(b) > 1]  # fmt: skip


def keywords(question: str, limit: int = 12) -> list[str]:
    """Content words of a question, for full-text search (stop words carry no evidence)."""
    seen: list[str] = []
    for token in _WORD.findall(question.lower()):
        token = token.strip("'-")
        if len(token) > 1 and token not in STOPWORDS and token not in seen:
            seen.append(token)
    return seen[:limit]


@dataclass(frozen=True)
class SpeakerLines:
    label: str  # as committed (S2), or as text input named them
    name: str  # given later, "" if none
    lines: int
    seconds: float
    first: float  # audio time of their first line
    sample: str  # their longest line


def relabels_before(seg: Segment) -> list[Relabel]:
    """The corrections a segment carries that a store applies: to earlier segments only."""
    return [fix for fix in seg.relabels if 0 <= fix.seq < seg.seq and fix.speaker]


SegmentRow = tuple  # (seq, start, end, speaker, text, words JSON, wall, clock), as both backends select it


class SessionFenced(SinkscribeError):
    """Another writer claimed the session after this one (`StoreBase.claim`): this one must stop writing."""


class StoreBase(ABC):
    """One session, whatever holds it. Subclasses give the storage primitives (the abstract methods);
    everything here is the same for every backend. Not shared between threads: open one per thread.

    Fencing: a writer that `claim`s the session gets the next epoch; each of its later writes checks, in
    the write's own transaction, that no later claim was made, else raises `SessionFenced` and writes
    nothing. A store that never claims (readers, a single pipeline's own session) writes unchecked."""

    name: str  # the session's name
    where: str  # where it is kept, for messages: the file, or the database (never its password) and name
    epoch: int | None = None  # this writer's claim, once it made one
    _write_depth = 0  # writes nested in one (`_writing`)

    def claim(self) -> int:
        """Become the session's only writer: later writes by an earlier claimant fail with `SessionFenced`."""
        self.epoch = self._claim_epoch()
        return self.epoch

    @abstractmethod
    def _claim_epoch(self) -> int:
        """Increment the stored epoch atomically; the new value."""

    @abstractmethod
    def _write_transaction(self) -> AbstractContextManager[None]:
        """A transaction that first checks this store's claim, when it made one (else no transaction)."""

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write, or several as one (`save_summary`): the outermost opens the checked transaction."""
        if self._write_depth:
            self._write_depth += 1
            try:
                yield
            finally:
                self._write_depth -= 1
            return
        self._write_depth = 1
        try:
            with self._write_transaction():
                yield
        finally:
            self._write_depth = 0

    def save_summary(self, upto_seq: int, upto: float, text: str, final: bool, items: list[dict]) -> None:
        """A summary and its notes in one write: a claim between the two would leave notes newer than the
        stored summary, and a resume would then extract one stretch into notes that already hold it."""
        with self._writing():
            self.save_notes(upto_seq, items)
            self.add_summary(upto_seq, upto, text, final)

    def _fenced(self, current: str | None) -> None:
        """Raise unless `current` (the stored epoch) is still this writer's claim."""
        if self.epoch is not None and current != str(self.epoch):
            raise SessionFenced(f"{self.where}: another writer claimed this session (epoch {current}, "
                                f"this one holds {self.epoch}); this one stops writing it")  # fmt: skip

    def _start(self, stream: str) -> None:
        """Check or write the schema version, the creation time and the stream id; read the names."""
        version = self._meta("schema_version")
        if version is None:
            self._set_meta("schema_version", str(SCHEMA_VERSION))
            self._set_meta("created", str(time.time()))
        elif version != str(SCHEMA_VERSION):
            raise InputError(f"{self.where}: session schema v{version}, this build reads v{SCHEMA_VERSION}")
        if stream and self._meta("stream") is None:
            self._set_meta("stream", stream)
        self._names = self.speaker_names()

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> StoreBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta: the backend's primitives ---------------------------------------------------------------
    @abstractmethod
    def _meta(self, key: str) -> str | None: ...

    @abstractmethod
    def _set_meta(self, key: str, value: str) -> None: ...

    @abstractmethod
    def _delete_meta(self, key: str) -> None: ...

    @abstractmethod
    def meta(self) -> dict[str, str]:
        """Every meta key: schema_version, created, stream, ended, and what the session catalogue
        records (stages/summarize/catalog.py: the recording it holds)."""

    @abstractmethod
    def set_meta(self, values: dict[str, str]) -> None:
        """Several keys in one transaction: a reader sees all of them or none."""

    # -- meta: what the keys mean -----------------------------------------------------------------------
    @property
    def created(self) -> float:
        return float(self._meta("created") or 0.0)

    @property
    def stream(self) -> str:
        return self._meta("stream") or ""

    def set_ended(self, reason: str, audio_seconds: float) -> None:
        with self._writing():
            self._set_meta(
                "ended", json.dumps({"reason": reason, "audio_seconds": audio_seconds, "wall": time.time()})
            )

    def ended(self) -> dict | None:
        value = self._meta("ended")
        return json.loads(value) if value else None

    def reopen(self) -> None:
        """The session continues (an explicit resume): it has not ended any more."""
        with self._writing():
            self._delete_meta("ended")

    # -- speaker names ------------------------------------------------------------------------------------
    # Segments keep the label they were committed with (S2); a name given later (S2 -> Maria) is applied
    # when segments are read, so exports, the model's transcript, the notes and the pages show the name,
    # and the labels stay the record of who the clustering heard.
    def speaker_names(self) -> dict[str, str]:
        value = self._meta("speaker_names")
        return json.loads(value) if value else {}

    def name_speaker(self, label: str, name: str | None) -> None:
        """Give `label` a name (None: take it away again)."""
        names = self.speaker_names()
        if name:
            names[label] = name
        else:
            names.pop(label, None)
        self._set_meta("speaker_names", json.dumps(names, sort_keys=True))
        self._names = names

    def refresh_names(self) -> dict[str, str]:
        """Names given since this store was opened (by `sinkscribe speakers`, another process)."""
        self._names = self.speaker_names()
        return self._names

    def named(self, speaker: str | None) -> str | None:
        return self._names.get(speaker, speaker) if speaker else speaker

    def speakers(self) -> list[SpeakerLines]:
        """Each speaker label of the session, in order of first line, with how much they said."""
        return [SpeakerLines(label, self._names.get(label, ""), int(lines), float(seconds or 0.0), float(first),
                             sample) for label, lines, seconds, first, sample in self._speaker_rows()]  # fmt: skip

    @abstractmethod
    def _speaker_rows(self) -> list[tuple[str, int, float, float, str]]:
        """(label, lines, seconds, first start, longest line) per label, in order of first line."""

    # -- segments -----------------------------------------------------------------------------------------
    @abstractmethod
    def add_segment(self, seg: Segment) -> bool:
        """Write and commit one segment, and in the same transaction the speaker labels it corrects on
        earlier segments (`Segment.relabels`); False if its seq is already stored (a replay after a
        restart: nothing is applied again, so an older correction never undoes a newer one)."""

    @abstractmethod
    def last_seq(self) -> int: ...

    @abstractmethod
    def last_end(self) -> float:
        """Audio time where the stored transcript ends."""

    @abstractmethod
    def count_segments(self) -> int: ...

    @abstractmethod
    def _seqs(self) -> Iterable[int]: ...

    @abstractmethod
    def _segment_rows(self, after_seq: int, limit: int | None, newest_first: bool = False) -> Iterable[SegmentRow]: ...

    @abstractmethod
    def _segment_rows_between(self, first: int, last: int) -> Iterable[SegmentRow]: ...

    def missing_seqs(self) -> list[int]:
        """Sequence numbers absent between 0 and the last stored one (should always be empty)."""
        present = set(self._seqs())
        return [s for s in range(self.last_seq() + 1) if s not in present]

    def segments(self, after_seq: int = -1, limit: int | None = None) -> Iterator[Segment]:
        for row in self._segment_rows(after_seq, limit):
            yield self._segment(row)

    def recent_segments(self, max_chars: int) -> list[Segment]:
        """The newest segments whose text adds up to about `max_chars` (to rebuild a window)."""
        out: list[Segment] = []
        total = 0
        for row in self._segment_rows(-1, None, newest_first=True):
            seg = self._segment(row)
            if total + len(seg.text) > max_chars and out:
                break
            out.append(seg)
            total += len(seg.text) + 1
        return out[::-1]

    def _segment(self, row: SegmentRow) -> Segment:
        seq, start, end, speaker, text, words, wall, clock = row
        parsed = tuple(Word(t, s, e, p) for t, s, e, p in json.loads(words))
        return Segment(self.stream or "session", seq, text, start, end, parsed, self.named(speaker), wall, clock)

    def around(self, seq: int, before: int = 1, after: int = 1) -> list[Segment]:
        """A segment with its neighbours: committed segments can split a sentence."""
        return [self._segment(r) for r in self._segment_rows_between(seq - before, seq + after)]

    def search(self, question: str, limit: int = 4, before_seq: int | None = None) -> list[Citation]:
        """Segments that best match the question, best first.

        Segments holding one of the question's word pairs as a phrase come first, then the rest by the
        backend's ranking over the content words (SQLite: BM25; PostgreSQL: ts_rank): a planted fact
        shares its pair ("badge readers") with the question, its distractors mostly share single words
        (bench.streameval: fact in the top 4 for 7 of 24 questions with words alone).
        """
        terms = keywords(question)
        if not terms:
            return []
        ranked: list[Citation] = []
        for alternatives in (phrases(question), terms):
            if not alternatives:
                continue
            for hit in self._match(alternatives, limit, before_seq):
                if all(hit.seq != r.seq for r in ranked):
                    ranked.append(hit)
        return ranked[:limit]

    def mentions(self, word: str) -> bool:
        """Whether any stored segment holds `word`, as the backend's full-text search stems it ("renting"
        finds "rent"): what the answer checks use to tell a question's subject the meeting never named."""
        return self.mention_count(word, 1) > 0

    def mention_count(self, word: str, cap: int) -> int:
        """How many stored segments hold `word` (stemmed as `mentions` does), counted up to `cap`."""
        return len(self._match([word], cap, None))

    @abstractmethod
    def _match(self, alternatives: list[str], limit: int, before_seq: int | None) -> list[Citation]:
        """Segments holding any of `alternatives` (words, or word pairs as phrases), best ranked first.
        The alternatives are plain words ([A-Za-z0-9'-]): each backend quotes them for its own syntax."""

    # -- summaries and answers ------------------------------------------------------------------------
    @abstractmethod
    def add_summary(self, upto_seq: int, upto: float, text: str, final: bool) -> None: ...

    @abstractmethod
    def save_notes(self, upto_seq: int, items: list[dict]) -> None:
        """The notes' items as of segment `upto_seq` (one row per summary, like the summaries)."""

    @abstractmethod
    def latest_notes(self) -> list[dict] | None: ...

    @abstractmethod
    def latest_summary(self) -> StoredSummary | None: ...

    @abstractmethod
    def summaries(self) -> list[StoredSummary]: ...

    @abstractmethod
    def add_answer(self, request_id: str, question: str, text: str, citations: tuple[Citation, ...]) -> None: ...

    @abstractmethod
    def _answer_rows(self) -> Iterable[tuple]:
        """(request_id, question, text, citations JSON, wall), oldest first."""

    def answers(self) -> list[dict]:
        return [
            {
                "request_id": r[0],
                "question": r[1],
                "answer": r[2],
                "citations": json.loads(r[3]),
                "wall": r[4],
            }
            for r in self._answer_rows()
        ]


def citations_json(citations: tuple[Citation, ...]) -> str:
    return json.dumps([[c.seq, c.start, c.end, c.text] for c in citations])


def words_json(seg: Segment) -> str:
    return json.dumps([[w.text, w.start, w.end, w.prob] for w in seg.words])


_SEGMENT_COLUMNS = "seq, start, end, speaker, text, words, wall, clock"


class SessionStore(StoreBase):
    """One session's SQLite file. Not shared between threads: open one per thread."""

    def __init__(self, path: str | Path, stream: str = "") -> None:
        self.path = Path(path)
        self.name, self.where = self.path.stem, str(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), isolation_level=None, timeout=10.0)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across process crashes
            self.db.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
            self.db.executescript(_SCHEMA)
            self._meta("schema_version")
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{self.path} is not a sinkscribe session file ({exc})") from None
        except OSError as exc:
            raise InputError(f"cannot open session file {self.path}: {exc}") from None
        self._start(stream)

    @classmethod
    def open_existing(cls, path: str | Path) -> SessionStore:
        if not Path(path).is_file():
            raise InputError(f"no such session file: {path}")
        return cls(path)

    def close(self) -> None:
        self.db.close()

    # -- meta ---------------------------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def _delete_meta(self, key: str) -> None:
        self.db.execute("DELETE FROM meta WHERE key = ?", (key,))

    def meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, values: dict[str, str]) -> None:
        with self.db:  # one transaction: a reader sees all of them or none
            self.db.execute("BEGIN")
            for key, value in values.items():
                self._set_meta(key, value)

    def _claim_epoch(self) -> int:
        with self.db:  # BEGIN IMMEDIATE: the write lock first, so two claims cannot read the same number
            self.db.execute("BEGIN IMMEDIATE")
            epoch = int(self._meta(EPOCH_KEY) or 0) + 1
            self._set_meta(EPOCH_KEY, str(epoch))
        return epoch

    @contextmanager
    def _write_transaction(self) -> Iterator[None]:
        if self.epoch is None:
            yield
            return
        with self.db:  # the check and the write in one locked transaction: no claim can come between
            self.db.execute("BEGIN IMMEDIATE")
            self._fenced(self._meta(EPOCH_KEY))
            yield

    def last_end(self) -> float:
        row = self.db.execute("SELECT end FROM segments ORDER BY seq DESC LIMIT 1").fetchone()
        return float(row[0]) if row else 0.0

    def _speaker_rows(self) -> list[tuple[str, int, float, float, str]]:
        rows = self.db.execute(
            "SELECT speaker, COUNT(*), SUM(end - start), MIN(start) FROM segments "
            "WHERE speaker IS NOT NULL AND speaker != '' GROUP BY speaker ORDER BY MIN(seq)"
        ).fetchall()
        out = []
        for label, lines, seconds, first in rows:
            sample = self.db.execute(  # the longest line says most about who it is
                "SELECT text FROM segments WHERE speaker = ? ORDER BY length(text) DESC, seq LIMIT 1", (label,)
            ).fetchone()[0]
            out.append((label, lines, seconds, first, sample))
        return out

    # -- segments -----------------------------------------------------------------------------------------
    def add_segment(self, seg: Segment) -> bool:
        with self._writing():
            cur = self.db.execute(
                "INSERT OR IGNORE INTO segments(seq, start, end, speaker, text, words, wall, clock, stored) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (seg.seq, seg.start, seg.end, seg.speaker, seg.text, words_json(seg), seg.wall, seg.clock, time.time()),
            )
            if cur.rowcount != 1:
                return False  # a resent segment: its relabels were applied with it the first time
            for fix in relabels_before(seg):
                self.db.execute("UPDATE segments SET speaker = ? WHERE seq = ?", (fix.speaker, fix.seq))
            return True

    def last_seq(self) -> int:
        row = self.db.execute("SELECT MAX(seq) FROM segments").fetchone()
        return -1 if row[0] is None else int(row[0])

    def count_segments(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM segments").fetchone()[0])

    def _seqs(self) -> Iterable[int]:
        return (r[0] for r in self.db.execute("SELECT seq FROM segments"))

    def _segment_rows(self, after_seq: int, limit: int | None, newest_first: bool = False) -> Iterable[SegmentRow]:
        query = f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE seq > ? ORDER BY seq"
        query += " DESC" if newest_first else ""
        params: tuple = (after_seq,)
        if limit is not None:
            query += " LIMIT ?"
            params += (limit,)
        return self.db.execute(query, params)

    def _segment_rows_between(self, first: int, last: int) -> Iterable[SegmentRow]:
        return self.db.execute(
            f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE seq BETWEEN ? AND ? ORDER BY seq", (first, last)
        )

    def _match(self, alternatives: list[str], limit: int, before_seq: int | None) -> list[Citation]:
        match = " OR ".join('"' + a.replace('"', '""') + '"' for a in alternatives)  # FTS5 strings: no syntax
        query = (
            "SELECT s.seq, s.start, s.end, s.text FROM segments_fts f JOIN segments s ON s.seq = f.rowid "
            "WHERE segments_fts MATCH ?"
        )
        params: tuple = (match,)
        if before_seq is not None:
            query += " AND s.seq < ?"
            params += (before_seq,)
        query += " ORDER BY bm25(segments_fts) LIMIT ?"
        params += (limit,)
        return [Citation(seq, start, end, text) for seq, start, end, text in self.db.execute(query, params)]

    # -- summaries and answers ------------------------------------------------------------------------
    def add_summary(self, upto_seq: int, upto: float, text: str, final: bool) -> None:
        with self._writing():
            self.db.execute(
                "INSERT INTO summaries(upto_seq, upto, text, final, wall) VALUES (?, ?, ?, ?, ?)",
                (upto_seq, upto, text, int(final), time.time()),
            )

    def save_notes(self, upto_seq: int, items: list[dict]) -> None:
        with self._writing():
            self.db.execute(
                "INSERT OR REPLACE INTO notes(upto_seq, items, wall) VALUES (?, ?, ?)",
                (upto_seq, json.dumps(items), time.time()),
            )

    def latest_notes(self) -> list[dict] | None:
        row = self.db.execute("SELECT items FROM notes ORDER BY upto_seq DESC LIMIT 1").fetchone()
        return json.loads(row[0]) if row else None

    def latest_summary(self) -> StoredSummary | None:
        row = self.db.execute(
            "SELECT upto_seq, upto, text, final, wall FROM summaries ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return StoredSummary(row[0], row[1], row[2], bool(row[3]), row[4]) if row else None

    def summaries(self) -> list[StoredSummary]:
        rows = self.db.execute("SELECT upto_seq, upto, text, final, wall FROM summaries ORDER BY id")
        return [StoredSummary(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    def add_answer(self, request_id: str, question: str, text: str, citations: tuple[Citation, ...]) -> None:
        with self._writing():
            self.db.execute(
                "INSERT INTO answers(request_id, question, text, citations, wall) VALUES (?, ?, ?, ?, ?)",
                (request_id, question, text, citations_json(citations), time.time()),
            )

    def _answer_rows(self) -> Iterable[tuple]:
        return self.db.execute("SELECT request_id, question, text, citations, wall FROM answers ORDER BY id")
