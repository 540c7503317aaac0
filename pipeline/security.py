"""Who may talk to a stage: loopback by default; beyond it, CurveZMQ with allow-listed client keys.

Binding a socket to anything but this machine (loopback, ipc, inproc) is refused unless CURVE is on, or
`insecure` is set explicitly (then a warning is logged). With CURVE, every binding socket is a CURVE
server whose ZAP handler admits only the public keys in `authorized_dir`; every connecting socket
authenticates with the client key pair and checks the server's public key.

Key files are ZeroMQ's certificate files (`zmq.auth.create_certificates`), made by
`sinkscribe keys generate DIR`; `sinkscribe keys add DIR NAME` makes a client its own key pair.

Each admitted connection is given a ZeroMQ User-Id: the name of its key file in `authorized_dir`
(`alice.key` is `alice`), or `access.SERVICE_USER` for the service's own `client.key`. With an access
list (`KEYS_DIR/streams.toml`, pipeline/access.py) the sockets check that name per stream.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator
from zmq.utils import z85

from pipeline import access
from pipeline.errors import ConfigError, TransportError

log = logging.getLogger(__name__)
_LOCAL_HOSTS = ("127.", "localhost", "[::1]", "::1")
_authenticators: dict[int, ThreadAuthenticator] = {}


@dataclass(frozen=True)
class Security:
    curve: bool = False  # encrypt and authenticate every socket with CurveZMQ
    keys_dir: str = ""  # from `sinkscribe keys generate DIR`: server.key[_secret], client.key[_secret]
    authorized_dir: str = ""  # public keys of clients allowed in; "" = KEYS_DIR/authorized
    insecure: bool = False  # allow binding beyond loopback without CURVE (logged as a warning)


def is_local(endpoint: str) -> bool:
    """True for endpoints only this machine can reach."""
    if endpoint.startswith(("ipc://", "inproc://")):
        return True
    host = endpoint.removeprefix("tcp://").rpartition(":")[0]
    return host.startswith(_LOCAL_HOSTS)


def generate_keys(directory: str | Path) -> list[Path]:
    """Server and client key pairs, plus the client's public key allow-listed in `authorized/`."""
    directory = Path(directory)
    authorized = directory / "authorized"
    authorized.mkdir(parents=True, exist_ok=True)
    made = []
    for name in ("server", "client"):
        if (directory / f"{name}.key_secret").exists():
            raise ConfigError(f"{directory / name}.key_secret exists already; refusing to overwrite a key")
        public, secret = zmq.auth.create_certificates(str(directory), name)
        Path(secret).chmod(0o600)
        made += [Path(public), Path(secret)]
    shutil.copy(directory / "client.key", authorized / "client.key")
    made.append(authorized / "client.key")
    return made


def _load(path: Path, secret: bool) -> tuple[bytes, bytes | None]:
    if not path.is_file():
        raise ConfigError(f"CURVE key file not found: {path} (make keys with `sinkscribe keys generate DIR`)")
    try:
        public, secret_key = zmq.auth.load_certificate(str(path))
    except (ValueError, OSError) as exc:
        raise ConfigError(f"{path} is not a ZeroMQ key file: {exc}") from None
    if secret and secret_key is None:
        raise ConfigError(f"{path} holds no secret key")
    return public, secret_key


def key_names(allowed: Path) -> dict[bytes, str]:
    """Z85 public key -> the name of its file in the allow-list (`alice.key` -> `alice`)."""
    names: dict[bytes, str] = {}
    for path in sorted(allowed.glob("*.key")):
        try:
            public, _ = zmq.auth.load_certificate(str(path))
        except (ValueError, OSError):
            continue  # zmq.auth skips it too: that key is not admitted
        names.setdefault(public, path.stem)
    return names


class _NamingAuthenticator(ThreadAuthenticator):
    """The ZAP handler that names each admitted connection (its User-Id) by its key file."""

    def __init__(self, ctx: zmq.Context, names: dict[bytes, str]) -> None:
        super().__init__(ctx)
        self.names = names

    def curve_user_id(self, client_public_key: bytes) -> str:
        return self.names.get(z85.encode(client_public_key), "")


def _authenticator(ctx: zmq.Context, allowed: Path, keys: Path) -> None:
    """One ZAP handler per context, admitting only the allow-listed client keys."""
    if id(ctx) in _authenticators:
        return
    if not allowed.is_dir() or not any(allowed.glob("*.key")):
        raise ConfigError(f"no allow-listed client keys in {allowed} (copy clients' .key files there)")
    names = key_names(allowed)
    if (keys / "client.key").is_file():  # the key this service's own stages connect with
        own, _ = _load(keys / "client.key", secret=False)
        names[own] = access.SERVICE_USER
    auth = _NamingAuthenticator(ctx, names)
    auth.start()
    auth.configure_curve(domain="*", location=str(allowed))
    _authenticators[id(ctx)] = auth


def allowed_dir(security: Security) -> Path:
    keys = Path(security.keys_dir).expanduser()
    return Path(security.authorized_dir).expanduser() if security.authorized_dir else keys / "authorized"


def access_list(security: Security | None) -> access.AccessList | None:
    """The access list a binding stage enforces: None without CURVE or without `KEYS_DIR/streams.toml`
    (then every admitted key may read and send every stream); ConfigError for a bad list."""
    if security is None or not security.curve or not security.keys_dir:
        return None
    return access.load(security.keys_dir, set(key_names(allowed_dir(security)).values()))


def add_client(directory: str | Path, name: str) -> Path:
    """A key pair of its own for client `name`: DIR/clients/NAME/ holds everything that client needs
    (client.key_secret, client.key, server.key: its `keys_dir`), and its public key is allow-listed as
    `authorized/NAME.key`, the name the access list knows it by. Returns the client's folder."""
    directory = Path(directory)
    if not access.valid_key_name(name) or name in ("server", "client"):
        raise ConfigError(f"{name!r} is not a client key name (letters, digits, _ . -; at most 64; not server/client)")
    if not (directory / "server.key").is_file():
        raise ConfigError(f"{directory} holds no server.key (make it with `sinkscribe keys generate {directory}`)")
    folder = directory / "clients" / name
    listed = directory / "authorized" / f"{name}.key"
    if folder.exists() or listed.exists():
        raise ConfigError(f"a key named {name} exists already ({folder if folder.exists() else listed}); refusing to overwrite a key")
    folder.mkdir(parents=True)
    public, secret = zmq.auth.create_certificates(str(folder), "client")
    Path(secret).chmod(0o600)
    shutil.copy(directory / "server.key", folder / "server.key")
    listed.parent.mkdir(exist_ok=True)
    shutil.copy(public, listed)
    return folder


def stop_authenticators() -> None:
    """Stop the ZAP handlers: their sockets would keep `Context.term()` waiting forever (a CURVE stage
    never exited after SIGTERM; the supervisor had to kill it)."""
    while _authenticators:
        _, auth = _authenticators.popitem()
        auth.stop()


def secure(sock: zmq.Socket, endpoint: str, bind: bool, security: Security | None) -> None:
    """Apply the policy to a socket before it binds or connects."""
    security = security or Security()
    if bind and not is_local(endpoint) and not security.curve:
        if not security.insecure:
            raise TransportError(
                f"binding {endpoint} would expose sinkscribe beyond this machine without encryption: turn on "
                "CURVE ([security] curve = true, keys_dir = DIR; `sinkscribe keys generate DIR`) or pass --insecure"
            )
        log.warning("binding %s WITHOUT encryption or authentication (--insecure)", endpoint)
    if not security.curve:
        return
    if not security.keys_dir:
        raise ConfigError("[security] curve = true needs keys_dir (see `sinkscribe keys generate DIR`)")
    keys = Path(security.keys_dir).expanduser()
    if bind:
        public, secret = _load(keys / "server.key_secret", secret=True)
        _authenticator(sock.context, allowed_dir(security), keys)
        sock.curve_secretkey = secret
        sock.curve_publickey = public
        sock.curve_server = True
    else:
        public, secret = _load(keys / "client.key_secret", secret=True)
        server_public, _ = _load(keys / "server.key", secret=False)
        sock.curve_secretkey = secret
        sock.curve_publickey = public
        sock.curve_serverkey = server_public
