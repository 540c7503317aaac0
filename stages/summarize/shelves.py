"""Where sessions are kept: a folder of SQLite files (the default, one machine) or one PostgreSQL database
(`summarize.store = "postgresql://..."`: every node of a cluster reaches the same sessions).

A shelf knows only names and stores: which sessions exist, making one atomically (so two runs started
in the same minute get two names), opening, deleting. What the names mean, which one a command means,
and whether a recording may continue a session is the catalogue's (catalog.py), once for both shelves.
A `SessionRef` (shelf + name) is what the catalogue and the commands pass around instead of a file path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import InputError
from stages.summarize.store import SessionStore, StoreBase

SUFFIX = ".sqlite"


class Shelf(Protocol):
    where: str  # for messages: the folder, or the database URL without its password

    def names(self) -> list[str]: ...
    def exists(self, name: str) -> bool: ...
    def reserve(self, name: str) -> bool:
        """Make session `name` if no session has it (atomically); False if one does."""
    def open(self, name: str, stream: str = "") -> StoreBase:
        """The session's store, made if it is not there yet."""
    def open_existing(self, name: str) -> StoreBase:
        """The session's store; InputError if there is none of that name."""
    def delete(self, name: str) -> None: ...
    def locate(self, name: str) -> str:
        """Where session `name` is, for people and `--json`: its file, or the database and name."""


@dataclass(frozen=True)
class SessionRef:
    """One stored session: the shelf it is on and its name."""

    shelf: Shelf
    name: str

    def exists(self) -> bool:
        return self.shelf.exists(self.name)

    def open(self, stream: str = "") -> StoreBase:
        return self.shelf.open(self.name, stream)

    def open_existing(self) -> StoreBase:
        return self.shelf.open_existing(self.name)

    def delete(self) -> None:
        self.shelf.delete(self.name)

    def __str__(self) -> str:
        return self.shelf.locate(self.name)


@dataclass(frozen=True)
class FileShelf:
    """A folder of `NAME.sqlite` files."""

    directory: Path

    @property
    def where(self) -> str:
        return str(self.directory)

    def path(self, name: str) -> Path:
        return self.directory / f"{name}{SUFFIX}"

    def names(self) -> list[str]:
        return [p.stem for p in sorted(self.directory.glob(f"*{SUFFIX}"))] if self.directory.is_dir() else []

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def reserve(self, name: str) -> bool:
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(self.path(name), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            return False
        return True

    def open(self, name: str, stream: str = "") -> SessionStore:
        return SessionStore(self.path(name), stream)

    def open_existing(self, name: str) -> SessionStore:
        return SessionStore.open_existing(self.path(name))

    def delete(self, name: str) -> None:
        """The file with its WAL and shared-memory companions."""
        path = self.path(name)
        for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            try:
                companion.unlink(missing_ok=True)
            except OSError as exc:
                raise InputError(f"cannot delete {companion}: {exc.strerror or exc}") from None

    def locate(self, name: str) -> str:
        return str(self.path(name))


class PgShelf:
    """The sessions of one PostgreSQL database (stages/summarize/store_pg.py: the tables, why rows)."""

    def __init__(self, url: str) -> None:
        from stages.summarize import store_pg

        self.url = store_pg.check_url(url)
        self.where = store_pg.safe_url(url)
        self._conn: Any = None  # one connection for the catalogue's own queries, opened when first needed

    def _query(self, sql: str, params: tuple = ()) -> Any:
        from stages.summarize import store_pg

        if self._conn is None or self._conn.closed:
            self._conn = store_pg.connect(self.url)
        return self._conn.execute(sql, params)

    def names(self) -> list[str]:
        return [r[0] for r in self._query("SELECT name FROM sinkscribe.sessions ORDER BY name").fetchall()]

    def exists(self, name: str) -> bool:
        return self._query("SELECT 1 FROM sinkscribe.sessions WHERE name = %s", (name,)).fetchone() is not None

    def reserve(self, name: str) -> bool:
        return self._query("INSERT INTO sinkscribe.sessions(name) VALUES (%s) ON CONFLICT DO NOTHING",
                           (name,)).rowcount == 1  # fmt: skip

    def open(self, name: str, stream: str = "") -> StoreBase:
        from stages.summarize.store_pg import PgSessionStore

        return PgSessionStore(self.url, name, stream)

    def open_existing(self, name: str) -> StoreBase:
        from stages.summarize.store_pg import PgSessionStore

        return PgSessionStore.open_existing(self.url, name)

    def delete(self, name: str) -> None:
        self._query("DELETE FROM sinkscribe.sessions WHERE name = %s", (name,))  # its rows go with it (CASCADE)

    def locate(self, name: str) -> str:
        return f"{self.where}#{name}"

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def __repr__(self) -> str:
        return f"PgShelf({self.where!r})"  # never the password


def for_config(cfg: Any, session_dir: Path) -> Shelf:
    """`summarize.store`'s database if set, else the folder `session_dir`."""
    store = cfg.summarize.store
    return PgShelf(store) if store else FileShelf(session_dir)
