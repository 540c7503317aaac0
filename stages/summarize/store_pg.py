"""The session store in PostgreSQL: the same session as `store.SessionStore`, as rows of one database
that every node of a cluster can reach (`summarize.store = "postgresql://user@host:port/db"`).

One set of tables in the schema `sinkscribe`, each row carrying its session's name, rather than a schema
per session: listing sessions is one query, deleting one is one cascading delete, the tables, indexes and
their upgrades exist once, and names never become SQL identifiers (a session name is any plain name;
an identifier would need quoting rules and a 63-byte limit).

Full-text search is PostgreSQL's own: a stored `tsvector` column (the 'english' configuration: Snowball
stemming, "decided" finds "decide", as FTS5's porter tokenizer does) with a GIN index, queried with
`to_tsquery` and ranked with `ts_rank`. Every statement commits on its own (autocommit) except
`set_meta`, which is one transaction, as in the SQLite store.

psycopg (3) is imported here only: the SQLite default never needs it (extra `postgres` in pyproject).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipeline.errors import InputError
from pipeline.messages import Citation, Segment
from stages.summarize.store import (
    EPOCH_KEY,
    SegmentRow,
    StoreBase,
    StoredSummary,
    citations_json,
    relabels_before,
    words_json,
)

SCHEMA_LOCK = 0x5151_5CB1  # pg_advisory_xact_lock key: two first connections do not create the tables twice
_SCHEMA = """
CREATE SCHEMA IF NOT EXISTS sinkscribe;
CREATE TABLE IF NOT EXISTS sinkscribe.sessions (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS sinkscribe.meta (
    session TEXT NOT NULL REFERENCES sinkscribe.sessions(name) ON DELETE CASCADE,
    key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (session, key)
);
CREATE TABLE IF NOT EXISTS sinkscribe.segments (
    session TEXT NOT NULL REFERENCES sinkscribe.sessions(name) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start DOUBLE PRECISION NOT NULL, "end" DOUBLE PRECISION NOT NULL,
    speaker TEXT, text TEXT NOT NULL,
    words TEXT NOT NULL DEFAULT '[]',
    wall DOUBLE PRECISION NOT NULL DEFAULT 0,
    clock DOUBLE PRECISION NOT NULL DEFAULT 0,
    stored DOUBLE PRECISION NOT NULL,
    tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    PRIMARY KEY (session, seq)
);
CREATE INDEX IF NOT EXISTS segments_tsv ON sinkscribe.segments USING GIN (tsv);
CREATE TABLE IF NOT EXISTS sinkscribe.summaries (
    id BIGSERIAL PRIMARY KEY,
    session TEXT NOT NULL REFERENCES sinkscribe.sessions(name) ON DELETE CASCADE,
    upto_seq INTEGER NOT NULL, upto DOUBLE PRECISION NOT NULL,
    text TEXT NOT NULL, final BOOLEAN NOT NULL, wall DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS summaries_session ON sinkscribe.summaries (session, id);
CREATE TABLE IF NOT EXISTS sinkscribe.notes (
    session TEXT NOT NULL REFERENCES sinkscribe.sessions(name) ON DELETE CASCADE,
    upto_seq INTEGER NOT NULL, items TEXT NOT NULL, wall DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (session, upto_seq)
);
CREATE TABLE IF NOT EXISTS sinkscribe.answers (
    id BIGSERIAL PRIMARY KEY,
    session TEXT NOT NULL REFERENCES sinkscribe.sessions(name) ON DELETE CASCADE,
    request_id TEXT NOT NULL, question TEXT NOT NULL,
    text TEXT NOT NULL, citations TEXT NOT NULL, wall DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_session ON sinkscribe.answers (session, id);
"""
PAGE_ROWS = 500  # segments read per query
_SEGMENT_COLUMNS = 'seq, start, "end", speaker, text, words, wall, clock'


# -- the URL: checked, and shown without its password ------------------------------------------------------
def check_url(url: str) -> str:
    """The URL if it is a postgresql:// URL psycopg can parse, else a one-line InputError (no password)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres") or not (parts.netloc or parts.query):
        raise InputError(f"summarize.store {safe_url(url)!r} is not a postgresql://user@host:port/db URL")
    try:
        parts.port  # noqa: B018 (a non-numeric port raises here)
        _psycopg().conninfo.conninfo_to_dict(url)
    except (ValueError, _psycopg().ProgrammingError) as exc:
        raise InputError(f"summarize.store {safe_url(url)!r} is not a usable URL: {_redact(str(exc), url)}") from None
    return url


def safe_url(url: str) -> str:
    """The URL without its password (in the user part or as ?password=): what messages may show."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, host = netloc.rsplit("@", 1)
            netloc = f"{user.split(':', 1)[0]}@{host}"
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "password"])
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
    except ValueError:
        return "postgresql://..."


def _password(url: str) -> str:
    try:
        parts = urlsplit(url)
        return parts.password or dict(parse_qsl(parts.query)).get("password", "")
    except ValueError:
        return ""


def _redact(message: str, url: str) -> str:
    """A driver message as one line, the password taken out should the server or libpq echo it."""
    line = " ".join(message.split())
    secret = _password(url)  # as a whole word: a one-letter password must not eat every "p" of the message
    return re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", "***", line) if secret else line


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise InputError("a postgresql:// summarize.store needs psycopg: pip install 'sinkscribe[postgres]'") from None
    return psycopg


def connect(url: str) -> Any:
    """An autocommit connection with the sinkscribe tables present; unreachable: one-line InputError."""
    psycopg = _psycopg()
    check_url(url)
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise InputError(f"cannot reach the session database {safe_url(url)}: {_redact(str(exc), url)}") from None
    try:
        exists = conn.execute("SELECT to_regclass('sinkscribe.answers') IS NOT NULL").fetchone()[0]
        if not exists:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                conn.execute(_SCHEMA)
    except psycopg.Error as exc:
        conn.close()
        raise InputError(f"cannot use the session database {safe_url(url)}: {_redact(str(exc), url)}") from None
    return conn


class PgSessionStore(StoreBase):
    """One session in a PostgreSQL database: its own connection. Not shared between threads."""

    def __init__(self, url: str, name: str, stream: str = "", *, create: bool = True) -> None:
        self.name, self.where = name, f"{safe_url(url)}#{name}"
        self.db = connect(url)
        try:
            if create:
                self.db.execute("INSERT INTO sinkscribe.sessions(name) VALUES (%s) ON CONFLICT DO NOTHING", (name,))
            elif not self._q("SELECT 1 FROM sinkscribe.sessions WHERE name = %s", (name,)):
                raise InputError(f"no session {name!r} in {safe_url(url)}")
            self._start(stream)
        except BaseException:
            self.db.close()
            raise

    @classmethod
    def open_existing(cls, url: str, name: str) -> PgSessionStore:
        return cls(url, name, create=False)

    def close(self) -> None:
        self.db.close()

    def _q(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of a query on this session (the first parameter is always the session's name)."""
        return self.db.execute(sql, params).fetchall()

    # -- meta ---------------------------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        rows = self._q("SELECT value FROM sinkscribe.meta WHERE session = %s AND key = %s", (self.name, key))
        return rows[0][0] if rows else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO sinkscribe.meta(session, key, value) VALUES (%s, %s, %s) "
            "ON CONFLICT (session, key) DO UPDATE SET value = EXCLUDED.value",
            (self.name, key, value),
        )

    def _delete_meta(self, key: str) -> None:
        self.db.execute("DELETE FROM sinkscribe.meta WHERE session = %s AND key = %s", (self.name, key))

    def meta(self) -> dict[str, str]:
        return dict(self._q("SELECT key, value FROM sinkscribe.meta WHERE session = %s", (self.name,)))

    def set_meta(self, values: dict[str, str]) -> None:
        with self.db.transaction():  # one transaction: a reader sees all of them or none
            for key, value in values.items():
                self._set_meta(key, value)

    def _claim_epoch(self) -> int:
        # One statement: the row lock of the upsert orders two claims, each gets its own number.
        row = self._q(
            "INSERT INTO sinkscribe.meta(session, key, value) VALUES (%s, %s, '1') ON CONFLICT (session, key) "
            "DO UPDATE SET value = (sinkscribe.meta.value::bigint + 1)::text RETURNING value",
            (self.name, EPOCH_KEY),
        )  # fmt: skip
        return int(row[0][0])

    @contextmanager
    def _write_transaction(self) -> Iterator[None]:
        if self.epoch is None:
            yield
            return
        # FOR SHARE holds the epoch row until the write commits: a claim waits for it, and every write
        # after the claim sees the new number.
        with self.db.transaction():
            rows = self._q("SELECT value FROM sinkscribe.meta WHERE session = %s AND key = %s FOR SHARE",
                           (self.name, EPOCH_KEY))  # fmt: skip
            self._fenced(rows[0][0] if rows else None)
            yield

    def last_end(self) -> float:
        rows = self._q('SELECT "end" FROM sinkscribe.segments WHERE session = %s ORDER BY seq DESC LIMIT 1',
                       (self.name,))  # fmt: skip
        return float(rows[0][0]) if rows else 0.0

    def _speaker_rows(self) -> list[tuple[str, int, float, float, str]]:
        # DISTINCT ON picks each label's longest line (the one that says most about who it is)
        return self._q(
            "SELECT a.speaker, a.lines, a.seconds, a.first, l.text FROM ("
            '  SELECT speaker, COUNT(*) AS lines, SUM("end" - start) AS seconds, MIN(start) AS first,'
            "         MIN(seq) AS first_seq"
            "  FROM sinkscribe.segments WHERE session = %s AND speaker IS NOT NULL AND speaker != ''"
            "  GROUP BY speaker) a "
            "JOIN (SELECT DISTINCT ON (speaker) speaker, text FROM sinkscribe.segments WHERE session = %s"
            "      ORDER BY speaker, length(text) DESC, seq) l ON l.speaker = a.speaker "
            "ORDER BY a.first_seq",
            (self.name, self.name),
        )

    # -- segments -----------------------------------------------------------------------------------------
    def add_segment(self, seg: Segment) -> bool:
        with self._writing():
            cur = self.db.execute(
                'INSERT INTO sinkscribe.segments(session, seq, start, "end", speaker, text, words, wall, clock, stored) '
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (session, seq) DO NOTHING",
                (self.name, seg.seq, seg.start, seg.end, seg.speaker, seg.text, words_json(seg), seg.wall, seg.clock,
                 time.time()),
            )  # fmt: skip
            if cur.rowcount != 1:
                return False  # a resent segment: its relabels were applied with it the first time
            for fix in relabels_before(seg):
                self.db.execute("UPDATE sinkscribe.segments SET speaker = %s WHERE session = %s AND seq = %s",
                                (fix.speaker, self.name, fix.seq))  # fmt: skip
            return True

    def last_seq(self) -> int:
        value = self._q("SELECT MAX(seq) FROM sinkscribe.segments WHERE session = %s", (self.name,))[0][0]
        return -1 if value is None else int(value)

    def count_segments(self) -> int:
        return int(self._q("SELECT COUNT(*) FROM sinkscribe.segments WHERE session = %s", (self.name,))[0][0])

    def _seqs(self) -> Iterable[int]:
        return (r[0] for r in self._q("SELECT seq FROM sinkscribe.segments WHERE session = %s", (self.name,)))

    def _segment_rows(self, after_seq: int, limit: int | None, newest_first: bool = False) -> Iterable[SegmentRow]:
        # Read in pages by seq (no cursor or transaction held open between them): a long session is never
        # all in memory, and a reader that stops early (recent_segments) leaves nothing behind.
        order, bound = ("DESC", "<") if newest_first else ("", ">")
        query = (f"SELECT {_SEGMENT_COLUMNS} FROM sinkscribe.segments WHERE session = %s AND seq > %s "
                 f"AND seq {bound} %s ORDER BY seq {order} LIMIT %s")  # fmt: skip
        edge = 2**31 if newest_first else after_seq
        left = limit
        while left is None or left > 0:
            page = self._q(query, (self.name, after_seq, edge, PAGE_ROWS if left is None else min(left, PAGE_ROWS)))
            yield from page
            if len(page) < PAGE_ROWS:
                return
            edge = page[-1][0]
            left = None if left is None else left - len(page)

    def _segment_rows_between(self, first: int, last: int) -> Iterable[SegmentRow]:
        return self._q(f"SELECT {_SEGMENT_COLUMNS} FROM sinkscribe.segments WHERE session = %s "
                       "AND seq BETWEEN %s AND %s ORDER BY seq", (self.name, first, last))  # fmt: skip

    def _match(self, alternatives: list[str], limit: int, before_seq: int | None) -> list[Citation]:
        # to_tsquery syntax: each alternative quoted as one lexeme (or, with a space, a phrase: <->), joined by |
        query_text = " | ".join("'" + a.replace("\\", "\\\\").replace("'", "''") + "'" for a in alternatives)
        query = ("SELECT seq, start, \"end\", text FROM sinkscribe.segments, to_tsquery('english', %s) q "
                 "WHERE session = %s AND tsv @@ q")  # fmt: skip
        params: tuple = (query_text, self.name)
        if before_seq is not None:
            query += " AND seq < %s"
            params += (before_seq,)
        query += " ORDER BY ts_rank(tsv, q) DESC, seq LIMIT %s"
        params += (limit,)
        return [Citation(seq, start, end, text) for seq, start, end, text in self._q(query, params)]

    # -- summaries and answers ------------------------------------------------------------------------
    def add_summary(self, upto_seq: int, upto: float, text: str, final: bool) -> None:
        with self._writing():
            self.db.execute(
                "INSERT INTO sinkscribe.summaries(session, upto_seq, upto, text, final, wall) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (self.name, upto_seq, upto, text, final, time.time()),
            )

    def save_notes(self, upto_seq: int, items: list[dict]) -> None:
        with self._writing():
            self.db.execute(
                "INSERT INTO sinkscribe.notes(session, upto_seq, items, wall) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (session, upto_seq) DO UPDATE SET items = EXCLUDED.items, wall = EXCLUDED.wall",
                (self.name, upto_seq, json.dumps(items), time.time()),
            )

    def latest_notes(self) -> list[dict] | None:
        rows = self._q("SELECT items FROM sinkscribe.notes WHERE session = %s ORDER BY upto_seq DESC LIMIT 1",
                       (self.name,))  # fmt: skip
        return json.loads(rows[0][0]) if rows else None

    def latest_summary(self) -> StoredSummary | None:
        rows = self._q("SELECT upto_seq, upto, text, final, wall FROM sinkscribe.summaries WHERE session = %s "
                       "ORDER BY id DESC LIMIT 1", (self.name,))  # fmt: skip
        return StoredSummary(*rows[0][:3], bool(rows[0][3]), rows[0][4]) if rows else None

    def summaries(self) -> list[StoredSummary]:
        rows = self._q("SELECT upto_seq, upto, text, final, wall FROM sinkscribe.summaries WHERE session = %s "
                       "ORDER BY id", (self.name,))  # fmt: skip
        return [StoredSummary(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    def add_answer(self, request_id: str, question: str, text: str, citations: tuple[Citation, ...]) -> None:
        with self._writing():
            self.db.execute(
                "INSERT INTO sinkscribe.answers(session, request_id, question, text, citations, wall) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (self.name, request_id, question, text, citations_json(citations), time.time()),
            )

    def _answer_rows(self) -> Iterable[tuple]:
        return self._q("SELECT request_id, question, text, citations, wall FROM sinkscribe.answers "
                       "WHERE session = %s ORDER BY id", (self.name,))  # fmt: skip
