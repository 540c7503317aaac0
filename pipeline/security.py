"""Who may talk to a stage: loopback by default; beyond it, CurveZMQ with allow-listed client keys.

Binding a socket to anything but this machine (loopback, ipc, inproc) is refused unless CURVE is on, or
`insecure` is set explicitly (then a warning is logged). With CURVE, every binding socket is a CURVE
server whose ZAP handler admits only the public keys in `authorized_dir`; every connecting socket
authenticates with the client key pair and checks the server's public key.

Key files are ZeroMQ's certificate files (`zmq.auth.create_certificates`), made by
`sinkscribe keys generate DIR`.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator

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


def _authenticator(ctx: zmq.Context, allowed: Path) -> None:
    """One ZAP handler per context, admitting only the allow-listed client keys."""
    if id(ctx) in _authenticators:
        return
    if not allowed.is_dir() or not any(allowed.glob("*.key")):
        raise ConfigError(f"no allow-listed client keys in {allowed} (copy clients' .key files there)")
    auth = ThreadAuthenticator(ctx)
    auth.start()
    auth.configure_curve(domain="*", location=str(allowed))
    _authenticators[id(ctx)] = auth


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
        _authenticator(sock.context, Path(security.authorized_dir).expanduser() if security.authorized_dir
                       else keys / "authorized")  # fmt: skip
        sock.curve_secretkey = secret
        sock.curve_publickey = public
        sock.curve_server = True
    else:
        public, secret = _load(keys / "client.key_secret", secret=True)
        server_public, _ = _load(keys / "server.key", secret=False)
        sock.curve_secretkey = secret
        sock.curve_publickey = public
        sock.curve_serverkey = server_public
