"""Sockets: loopback by default, CURVE beyond it, unauthenticated clients refused, no pickle anywhere."""

from __future__ import annotations

import logging
import re
import subprocess

import pytest
import zmq

from pipeline import transport
from pipeline.errors import ConfigError, TransportError
from pipeline.messages import Error, Question
from pipeline.security import Security, generate_keys, is_local
from tests.conftest import ROOT, free_port


@pytest.mark.parametrize(
    ("endpoint", "local"),
    [("tcp://127.0.0.1:5550", True), ("tcp://localhost:1", True), ("tcp://[::1]:5", True),
     ("ipc:///tmp/x", True), ("tcp://0.0.0.0:5550", False), ("tcp://*:5550", False),
     ("tcp://192.168.1.5:5550", False)],
)  # fmt: skip
def test_is_local(endpoint, local):
    assert is_local(endpoint) is local


def test_binding_beyond_loopback_needs_curve_or_insecure(caplog):
    ctx = zmq.Context()
    try:
        with pytest.raises(TransportError, match="beyond this machine without encryption"):
            transport.open_socket(ctx, "pull", f"tcp://0.0.0.0:{free_port()}", bind=True)
        with caplog.at_level(logging.WARNING):
            sock = transport.open_socket(ctx, "pull", f"tcp://0.0.0.0:{free_port()}", bind=True,
                                         security=Security(insecure=True))  # fmt: skip
        sock.close(linger=0)
        assert "WITHOUT encryption" in caplog.text
    finally:
        ctx.term()


def serve_once(server: zmq.Socket) -> None:
    receiver = transport.Receiver(server, "router", envelope_frames=1)
    got = receiver.recv(timeout_s=1.0)
    if got is not None:
        envelope, msg = got
        transport.send(server, Error("s", 0, msg.request_id, "pong"), envelope=envelope)


def ask(ctx: zmq.Context, endpoint: str, security: Security | None) -> bool:
    """True if the server answered this client."""
    dealer = transport.open_socket(ctx, "dealer", endpoint, bind=False, security=security)
    try:
        transport.send(dealer, Question("s", 0, "r1", "ping"))
        return dealer.poll(1500) != 0
    finally:
        dealer.close(linger=0)


def test_curve_admits_allow_listed_clients_only(tmp_path):
    good = tmp_path / "keys"
    generate_keys(good)
    stranger = tmp_path / "stranger"
    generate_keys(stranger)  # a valid key pair that nobody allow-listed
    (stranger / "server.key").write_bytes((good / "server.key").read_bytes())  # knows the server key
    ctx = zmq.Context()
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    server = transport.open_socket(ctx, "router", endpoint, bind=True, security=Security(curve=True, keys_dir=str(good)))
    try:
        results = {}
        for name, security in (("allowed", Security(curve=True, keys_dir=str(good))),
                               ("no curve", None),
                               ("not allow-listed", Security(curve=True, keys_dir=str(stranger)))):  # fmt: skip
            import threading

            t = threading.Thread(target=serve_once, args=(server,))
            t.start()
            results[name] = ask(ctx, endpoint, security)
            t.join()
        assert results == {"allowed": True, "no curve": False, "not allow-listed": False}
    finally:
        server.close(linger=0)
        from pipeline import security as sec

        auth = sec._authenticators.pop(id(ctx), None)
        if auth:
            auth.stop()
        ctx.term()


def test_missing_keys_are_config_errors(tmp_path):
    ctx = zmq.Context()
    try:
        with pytest.raises(ConfigError, match="keys_dir"):
            transport.open_socket(ctx, "dealer", "tcp://127.0.0.1:1", bind=False, security=Security(curve=True))
        with pytest.raises(ConfigError, match="key file not found"):
            transport.open_socket(ctx, "dealer", "tcp://127.0.0.1:1", bind=False,
                                  security=Security(curve=True, keys_dir=str(tmp_path)))  # fmt: skip
        generate_keys(tmp_path / "k")
        with pytest.raises(ConfigError, match="refusing to overwrite"):
            generate_keys(tmp_path / "k")
    finally:
        ctx.term()


def test_no_pickle_anywhere():
    """The lint rule bans importing pickle; this also catches pyzmq's pickle helpers."""
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    offenders = []
    for name in tracked.stdout.split():
        text = (ROOT / name).read_text(encoding="utf-8")
        if name != "tests/test_security.py" and re.search(r"\b(import pickle|_pyobj\(|cPickle|dill)\b", text):
            offenders.append(name)
    assert offenders == []
