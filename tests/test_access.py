"""Per-stream access (KEYS_DIR/streams.toml) on real CURVE sockets: the ZAP handler names each key, the
publisher grants a subscriber only the streams its key may read, and the list is checked in one line.
(The service itself, with real clients: tests/test_serve_access.py.)"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import zmq

from pipeline import access, transport, wire
from pipeline.errors import ConfigError
from pipeline.messages import Segment, Status, Summary
from pipeline.publisher import Publisher, granted
from pipeline.security import Security, access_list, add_client, generate_keys, stop_authenticators
from tests.conftest import ROOT, free_port

SETTLE_S = 0.5  # subscriptions reach the publisher (and are granted) before it sends


@pytest.fixture
def keys(tmp_path) -> Path:
    """A service's keys, clients alice, bob and stranger with keys of their own; alice reads alpha and
    the `room-*` streams, bob sends beta, stranger has no entry."""
    folder = tmp_path / "keys"
    generate_keys(folder)
    for name in ("alice", "bob", "stranger"):
        add_client(folder, name)
    known = {"alice", "bob", "stranger", "client"}
    access.allow(folder, "alice", ("alpha", "room-*"), (), known)
    access.allow(folder, "bob", (), ("beta",), known)
    return folder


def _client(keys: Path, name: str) -> Security:
    return Security(curve=True, keys_dir=str(keys / "clients" / name) if name != "service" else str(keys))


def _messages(stream: str) -> list:
    return [Segment(stream, 0, f"words of {stream}", 0.0, 1.0), Summary(stream, 1, f"notes of {stream}", 0, 1.0),
            Status(stream, 2, "summarize", 0.0, {})]  # fmt: skip


def _received(sub: zmq.Socket, wait_s: float = 1.0) -> list[bytes]:
    got = []
    while sub.poll(int(wait_s * 1000)):
        got.append(sub.recv_multipart()[0])
        wait_s = 0.2
    return got


def test_the_list_is_read_and_checked(keys):
    listed = access_list(Security(curve=True, keys_dir=str(keys)))
    assert listed is not None
    assert listed.may_read("alice", "alpha") and listed.may_read("alice", "room-7") and not listed.may_read("alice", "beta")
    assert not listed.may_read("alice", "room") and not listed.may_send("alice", "alpha")
    assert listed.may_send("bob", "beta") and listed.may_read("bob", "beta") and not listed.may_read("bob", "alpha")
    assert not listed.may_read("stranger", "alpha") and not listed.may_read(None, "alpha")
    assert listed.may_send(access.SERVICE_USER, "anything")
    assert access_list(Security(curve=True, keys_dir=str(keys / "clients" / "alice"))) is None  # no list: as before
    assert access_list(None) is None


@pytest.mark.parametrize(("text", "message"), [
    ("[keys.alice]\nread = 'alpha'\n", "read must be a list of stream patterns"),
    ("[keys.alice]\nread = ['a/b']\n", "'a/b' is not a stream pattern"),
    ("[keys.alice]\nread = ['al*pha']\n", "'al*pha' is not a stream pattern"),
    ("[keys.alice]\nwrite = ['alpha']\n", "unknown field(s) write"),
    ("[keys.mallory]\nread = ['alpha']\n", "no key authorized/mallory.key"),
    ("[streams]\nalpha = 1\n", "unknown section(s) streams"),
    ("[keys.alice\n", "not a readable TOML file"),
])  # fmt: skip
def test_a_bad_list_is_one_config_error(keys, text, message):
    (keys / access.FILE_NAME).write_text(text)
    with pytest.raises(ConfigError, match=None) as err:
        access_list(Security(curve=True, keys_dir=str(keys)))
    assert message in str(err.value) and "\n" not in str(err.value)


def test_grants_are_the_readable_part_of_what_was_asked(keys):
    listed = access.load(keys)
    summary_alpha = wire.topic_prefix("summary", "alpha")
    assert granted(listed, access.SERVICE_USER, b"") == [b""]
    assert granted(listed, "alice", summary_alpha) == [summary_alpha]  # within a readable stream: as asked
    assert granted(listed, "alice", wire.topic_prefix("summary", "beta")) == []
    everything = granted(listed, "alice", b"")
    assert summary_alpha in everything and len(everything) == 2 * len(wire.MESSAGE_TYPES)
    assert all(b'"stream":"alpha",' in g or g.endswith(b'"stream":"room-') for g in everything)
    assert granted(listed, "alice", wire.topic_prefix("summary")) == [summary_alpha,
                                                                      wire.topic_prefix("summary") + b'"v":1,"stream":"room-']
    assert granted(listed, "stranger", b"") == [] and granted(listed, None, b"") == []


def test_a_subscriber_gets_only_the_streams_its_key_may_read(keys):
    ctx = zmq.Context()
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    pub = Publisher(ctx, endpoint, hwm=1000, security=_client(keys, "service"), access=access.load(keys))
    subs = {}
    try:
        for name in ("alice", "bob", "stranger", "service"):
            # Everything they could ask for: the empty prefix and a prefix that names beta.
            subs[name] = transport.open_socket(ctx, "sub", endpoint, bind=False, security=_client(keys, name),
                                               subscribe=(b"", wire.topic_prefix("summary", "beta")))  # fmt: skip
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline:
            pub.grant_pending()
            time.sleep(0.05)
        for stream in ("alpha", "beta", "room-7", "serve"):
            for msg in _messages(stream):
                pub.send(msg)
        got = {name: _received(sock) for name, sock in subs.items()}
        streams = {name: sorted({wire.decode([f]).stream for f in frames}) for name, frames in got.items()}
        assert streams == {"alice": ["alpha", "room-7"], "bob": ["beta"], "stranger": [], "service": ["alpha", "beta", "room-7", "serve"]}
        assert len(got["alice"]) == 6 and not any(b"beta" in f for f in got["alice"])  # not a byte of beta
        assert pub.refused >= 2  # stranger's two subscriptions (and alice's to beta) were granted nothing
        assert set(pub.wanted) == {"alpha", "beta"}  # the streams granted by name (room-* is a prefix)
    finally:
        for sock in subs.values():
            sock.close(linger=0)
        pub.close()
        stop_authenticators()
        ctx.term()


def test_without_a_list_every_admitted_key_reads_everything(keys):
    (keys / access.FILE_NAME).unlink()
    ctx = zmq.Context()
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    security = _client(keys, "service")
    pub = Publisher(ctx, endpoint, hwm=1000, security=security, access=access_list(security))
    sub = transport.open_socket(ctx, "sub", endpoint, bind=False, security=_client(keys, "stranger"))
    try:
        assert pub.sock.type == zmq.PUB  # today's socket, untouched
        time.sleep(SETTLE_S)
        for msg in _messages("alpha") + _messages("beta"):
            pub.send(msg)
        assert len(_received(sub)) == 6
    finally:
        sub.close(linger=0)
        pub.close()
        stop_authenticators()
        ctx.term()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)  # fmt: skip


def test_keys_commands_write_the_list_and_refuse_bad_input_in_one_line(tmp_path):
    folder = tmp_path / "k"
    assert _cli("keys", "generate", str(folder)).returncode == 0
    made = _cli("keys", "add", str(folder), "carol")
    assert made.returncode == 0 and (folder / "clients" / "carol" / "client.key_secret").is_file()
    assert (folder / "clients" / "carol" / "server.key").read_bytes() == (folder / "server.key").read_bytes()
    assert (folder / "authorized" / "carol.key").is_file()
    assert "carol: every stream (no access list" in _cli("keys", "list", str(folder)).stdout
    allowed = _cli("keys", "allow", str(folder), "carol", "--read", "standup-*", "--send", "standup-carol")
    assert allowed.returncode == 0, allowed.stderr
    listed = _cli("keys", "list", str(folder)).stdout
    assert "carol: read standup-*, standup-carol; send standup-carol" in listed
    assert "client: the service's own key" in listed
    assert access.load(folder).grants["carol"] == access.Grant(("standup-*",), ("standup-carol",))
    for args, message in ((("allow", str(folder), "dave", "--streams", "x"), "no key authorized/dave.key"),
                          (("allow", str(folder), "carol", "--streams", "../x"), "is not a stream pattern"),
                          (("allow", str(folder), "carol"), "--read, --send or --streams"),
                          (("add", str(folder), "carol"), "exists already"),
                          (("add", str(folder), "client"), "not a client key name")):  # fmt: skip
        bad = _cli("keys", *args)
        assert bad.returncode == 2 and message in bad.stderr and "Traceback" not in bad.stderr, bad.stderr


def test_serve_refuses_a_bad_list_in_one_line(tmp_path):
    folder = tmp_path / "k"
    generate_keys(folder)
    (folder / access.FILE_NAME).write_text("[keys.nobody]\nread = ['alpha']\n")
    config = tmp_path / "curve.toml"
    config.write_text(f'[security]\ncurve = true\nkeys_dir = "{folder}"\n')
    port = free_port()
    proc = _cli("serve", "--listen", f"tcp://127.0.0.1:{port}", "--config", str(config))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"Error: {folder / access.FILE_NAME}: [keys.nobody]: no key authorized/nobody.key"
