"""Which client key may read and send which streams: the access list `KEYS_DIR/streams.toml`.

CURVE (pipeline/security.py) decides who may connect at all; this decides, per stream, what an admitted
key may do. A key is named by its file in `authorized/` (`authorized/alice.key` is `alice`); the ZAP
handler gives each connection that name as its ZeroMQ User-Id, and the sockets check it:

    [keys.alice]
    read = ["alpha", "standup-*"]   # follow and ask about these streams
    send = ["alpha"]                # send these (and read them: a sender sees what is made of its stream)

A pattern is a stream name, a prefix ending in `*`, or `*` (every stream). A key with no entry may do
nothing; the service's own key (`KEYS_DIR/client.key`, which its stages use between themselves) may do
everything. No file at all: every admitted key may do everything (the behaviour before access lists).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import ConfigError

FILE_NAME = "streams.toml"
# The User-Id of the service's own key. No key file can be named so (a file name holds no "/").
SERVICE_USER = "/service"
_PATTERN = re.compile(r"^(\*|[^/.*\x00-\x1f][^/*\x00-\x1f]{0,127}\*?)$")
_KEY_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")


def check_pattern(pattern: str) -> str:
    """A stream name, `PREFIX*` or `*`; ConfigError otherwise."""
    if not _PATTERN.match(pattern):
        raise ConfigError(f"{pattern!r} is not a stream pattern (a stream name, PREFIX* or *)")
    return pattern


def valid_key_name(name: str) -> bool:
    return bool(_KEY_NAME.match(name))


def matches(pattern: str, stream: str) -> bool:
    if pattern.endswith("*"):
        return stream.startswith(pattern[:-1])
    return stream == pattern


@dataclass(frozen=True)
class Grant:
    """What one key may do."""

    read: tuple[str, ...] = ()
    send: tuple[str, ...] = ()

    @property
    def readable(self) -> tuple[str, ...]:
        """The patterns it may read: what it may send it may read too."""
        return tuple(dict.fromkeys(self.read + self.send))


@dataclass(frozen=True)
class AccessList:
    grants: dict[str, Grant] = field(default_factory=dict)  # key name -> grant
    path: str = ""

    def may_read(self, user: str | None, stream: str) -> bool:
        return self._allows(user, stream, "readable")

    def may_send(self, user: str | None, stream: str) -> bool:
        return self._allows(user, stream, "send")

    def _allows(self, user: str | None, stream: str, what: str) -> bool:
        if user == SERVICE_USER:
            return True
        grant = self.grants.get(user or "")
        return grant is not None and any(matches(p, stream) for p in getattr(grant, what))

    def read_patterns(self, user: str | None) -> tuple[str, ...]:
        """The stream patterns `user` may read (`("*",)` for the service's own key)."""
        if user == SERVICE_USER:
            return ("*",)
        grant = self.grants.get(user or "")
        return grant.readable if grant is not None else ()


def path_in(keys_dir: str | Path) -> Path:
    return Path(keys_dir).expanduser() / FILE_NAME


def load(keys_dir: str | Path, known_keys: set[str] | None = None) -> AccessList | None:
    """The access list in `keys_dir`, None when there is none; ConfigError (one line) for a bad one.

    `known_keys` (the names in authorized/): an entry for a key that is not there is a typo, refused."""
    path = path_in(keys_dir)
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable TOML file: {exc}") from None
    extra = set(data) - {"keys"}
    if extra:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(extra))} (only [keys.NAME])")
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise ConfigError(f"{path}: keys must be tables [keys.NAME]")
    grants = {}
    for name, entry in keys.items():
        grants[name] = _grant(path, name, entry, known_keys)
    return AccessList(grants, str(path))


def _grant(path: Path, name: str, entry: object, known_keys: set[str] | None) -> Grant:
    where = f"{path}: [keys.{name}]"
    if not _KEY_NAME.match(name):
        raise ConfigError(f"{where}: not a key name (the name of a file NAME.key in authorized/)")
    if known_keys is not None and name not in known_keys:
        raise ConfigError(f"{where}: no key authorized/{name}.key")
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a table with read = [...] and/or send = [...]")
    extra = set(entry) - {"read", "send"}
    if extra:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(sorted(extra))} (read, send)")
    lists = {}
    for what in ("read", "send"):
        value = entry.get(what, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: {what} must be a list of stream patterns")
        try:
            lists[what] = tuple(check_pattern(v) for v in value)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return Grant(**lists)


def dumps(access: AccessList) -> str:
    """The file `keys allow` writes (names and patterns are checked, so JSON strings are TOML strings)."""
    lines = ["# sinkscribe access list: the streams each client key (authorized/NAME.key) may read and send.",
             "# A pattern is a stream name, PREFIX* or *. A key without an entry may do nothing.", ""]  # fmt: skip
    for name in sorted(access.grants):
        grant = access.grants[name]
        lines += [f"[keys.{name}]", f"read = {json.dumps(list(grant.read))}", f"send = {json.dumps(list(grant.send))}", ""]
    return "\n".join(lines)


def allow(keys_dir: str | Path, name: str, read: tuple[str, ...], send: tuple[str, ...],
          known_keys: set[str]) -> AccessList:  # fmt: skip
    """Set `name`'s entry (replacing it) and write the file; the list as written."""
    current = load(keys_dir, known_keys) or AccessList()
    grant = _grant(path_in(keys_dir), name, {"read": list(read), "send": list(send)}, known_keys)
    updated = AccessList(current.grants | {name: grant}, str(path_in(keys_dir)))
    path_in(keys_dir).write_text(dumps(updated), encoding="utf-8")
    return updated
