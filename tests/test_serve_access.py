"""`sinkscribe serve` under CURVE with an access list (KEYS_DIR/streams.toml): real processes, real keys,
real Whisper tiny.en and smollm2-135m. Alice sends and follows `alpha` and asks about it; bob sends
`beta`; a raw subscriber with alice's key that asks for everything gets not a byte of beta; a key
without an entry gets nothing; asking about, or sending, a stream the key may not is refused in one
line. (Without a list the service is as before: tests/test_serve.py.)"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import zmq

from bench.concurrency import five_free_ports
from pipeline import access, transport, wire
from pipeline import config as config_io
from pipeline.messages import SAMPLE_RATE, AudioChunk, Status
from pipeline.security import Security, add_client, generate_keys, stop_authenticators
from stages.settings import AppConfig
from tests.conftest import ROOT, espeak, read_all, write_audio
from tests.test_serve import ALPHA, ALPHA_WORDS, BETA, BETA_WORDS, _finish, _words
from tests.test_summarize_stage import SMALL

QUESTION = "Who will bake the cinnamon buns?"


def _cli(*args: str, home: Path) -> subprocess.Popen:
    env = os.environ | {"PYTHONPATH": str(ROOT), "SINKSCRIBE_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip


class SecureService:
    """`sinkscribe serve` with CURVE and the access list in `keys`; clients connect with their own keys."""

    def __init__(self, folder: Path, keys: Path) -> None:
        port = five_free_ports()  # P..P+4 in one block of this test worker's (bench.asr.free_ports)
        self.address = f"tcp://127.0.0.1:{port}"
        self.captions, self.summary = f"tcp://127.0.0.1:{port + 2}", f"tcp://127.0.0.1:{port + 3}"
        self.requests = f"tcp://127.0.0.1:{port + 4}"
        self.folder, self.keys, self.home = folder, keys, folder / "home"
        cfg = AppConfig(summarize=dataclasses.replace(SMALL, summary_every_s=0.0), heartbeat_s=0.5,
                        security=Security(curve=True, keys_dir=str(keys)))  # fmt: skip
        config = folder / "service.toml"
        config.write_text(config_io.dumps(cfg))
        self.proc = _cli("serve", "--listen", self.address, "--max-streams", "2", "--config", str(config),
                         home=self.home)  # fmt: skip

    def client_config(self, name: str) -> Path:
        """The replay preset, as fast as the service takes it, with client `name`'s own keys."""
        path = self.folder / f"{name}.toml"
        if not path.exists():
            replay = config_io.load(AppConfig, ROOT / "configs" / "replay.toml", {"capture.speed": 0.0})
            path.write_text(config_io.dumps(dataclasses.replace(
                replay, security=Security(curve=True, keys_dir=str(self.keys / "clients" / name)))))
        return path

    def replay(self, wav: Path, stream: str, key: str, *args: str) -> subprocess.Popen:
        return _cli("replay", str(wav), "--connect", self.address, "--stream", stream, "--config",
                    str(self.client_config(key)), *args, home=self.home)  # fmt: skip

    def ask(self, stream: str, key: str) -> subprocess.Popen:
        return _cli("ask", QUESTION, "--stream", stream, "--endpoint", self.requests, "--timeout", "120", "--config",
                    str(self.client_config(key)), home=self.home)  # fmt: skip

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.stderr.read() if self.proc.stderr else ""


class Tap:
    """A raw SUB with one client's key on the service's captions and summary sockets, asking for
    everything (the empty prefix): what it gets is what that key can read."""

    def __init__(self, service: SecureService, key: str) -> None:
        security = Security(curve=True, keys_dir=str(service.keys / "clients" / key))
        self.socks = [transport.open_socket(zmq.Context.instance(), "sub", ep, bind=False, security=security)
                      for ep in (service.captions, service.summary)]  # fmt: skip
        self.frames: list[bytes] = []

    def drain(self) -> None:
        for sock in self.socks:
            while sock.poll(0):
                self.frames.append(sock.recv_multipart()[0])

    def close(self) -> None:
        for sock in self.socks:
            sock.close(linger=0)


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("acl") / "keys"
    generate_keys(folder)
    for name in ("alice", "bob", "stranger"):
        add_client(folder, name)
    known = {"alice", "bob", "stranger", "client"}
    access.allow(folder, "alice", (), ("alpha",), known)
    access.allow(folder, "bob", (), ("beta",), known)
    return folder


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("acl_audio")
    quiet = np.zeros(2 * SAMPLE_RATE, np.float32)
    return {name: write_audio(folder / f"{name}.wav", np.concatenate([read_all(espeak(text, folder / f"{name}_talk.wav", *voice)), quiet]))
            for name, text, voice in (("alpha", ALPHA, ()), ("beta", BETA, ("en-us+m3",)))}  # fmt: skip


@pytest.fixture(scope="module")
def service(tmp_path_factory, keys):
    svc = SecureService(tmp_path_factory.mktemp("acl_service"), keys)
    try:
        _wait_ready(svc)
        yield svc
    finally:
        log = svc.stop()
        stop_authenticators()
        assert svc.proc.returncode == 0, log[-3000:]


def _wait_ready(svc: SecureService, timeout_s: float = 300.0) -> None:
    """Until the service answers (its models loaded): the service's own key may ask anything."""
    from pipeline.client import request
    from pipeline.errors import TransportError
    from pipeline.messages import Error, SnapshotRequest

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert svc.proc.poll() is None, svc.stop()
        try:
            reply = request(svc.requests, SnapshotRequest("nothing-yet", 0, "ready"), 5.0,
                            Security(curve=True, keys_dir=str(svc.keys)))  # fmt: skip
        except TransportError:
            continue
        assert isinstance(reply, Error) and "no stream 'nothing-yet'" in reply.message
        return
    raise AssertionError("the service never answered")


@pytest.mark.slow
def test_a_client_reads_only_its_streams(service, recordings):
    alice_tap, stranger_tap = Tap(service, "alice"), Tap(service, "stranger")
    try:
        time.sleep(0.5)  # the taps' subscriptions are granted before anything is sent
        alpha = service.replay(recordings["alpha"], "alpha", "alice", "--ask", QUESTION)
        beta = service.replay(recordings["beta"], "beta", "bob")
        results = {}
        for name, proc in (("alpha", alpha), ("beta", beta)):
            deadline = time.monotonic() + 240
            while proc.poll() is None and time.monotonic() < deadline:
                alice_tap.drain()
                stranger_tap.drain()
                time.sleep(0.2)
            results[name] = _finish(proc, 5)
        alice_tap.drain()
        stranger_tap.drain()
    finally:
        alice_tap.close()
        stranger_tap.close()
    code, out, err = results["alpha"]
    assert code == 0, err[-3000:]
    assert "FINAL SUMMARY of stream alpha" in out and f"Q: {QUESTION}" in out
    assert len(_words(out) & ALPHA_WORDS) >= 2 and not _words(out) & BETA_WORDS
    code, out, err = results["beta"]
    assert code == 0, err[-3000:]
    assert len(_words(out) & BETA_WORDS) >= 2 and not _words(out) & ALPHA_WORDS
    # Alice's raw subscription to everything: alpha's captions, transcript, notes and answer, and not a
    # byte of beta (not its name, not its words, not the service heartbeats that list every stream).
    tapped = b"\n".join(alice_tap.frames)
    assert b'"type":"segment","v":1,"stream":"alpha"' in tapped and b'"type":"answer","v":1,"stream":"alpha"' in tapped
    assert b"beta" not in tapped and not _words(tapped.decode()) & BETA_WORDS
    assert all(b'"stream":"alpha",' in frame for frame in alice_tap.frames)
    assert stranger_tap.frames == []  # a key without an entry reads nothing


@pytest.mark.slow
def test_reading_or_sending_another_stream_is_refused_in_one_line(service, recordings):
    refusals = {
        "alice asks about beta": (service.ask("beta", "alice"), "stream beta: key alice may not read it"),
        "stranger asks about alpha": (service.ask("alpha", "stranger"), "stream alpha: key stranger may not read it"),
        "bob sends alpha": (service.replay(recordings["alpha"], "alpha", "bob"), "stream alpha: key bob may not send it"),
        "alice asks about a stream that is not there": (service.ask("nowhere", "alice"),
                                                         "stream nowhere: key alice may not read it"),
    }  # fmt: skip
    for what, (proc, message) in refusals.items():
        code, out, err = _finish(proc, 60)
        assert code == 2 and out == "" and "Traceback" not in err, (what, err)
        assert err.strip().startswith(f"Error: {message} (the service's access list"), (what, err)


@pytest.mark.slow
def test_audio_pushed_without_send_permission_is_dropped(service):
    """A client that skips the admission and pushes audio straight to the audio socket: transcribe drops
    it (counted under the key's name in its heartbeat), and no stream is opened for it."""
    ctx = zmq.Context.instance()
    push = transport.open_socket(ctx, "push", service.address, bind=False,
                                 security=Security(curve=True, keys_dir=str(service.keys / "clients" / "bob")))  # fmt: skip
    # The service heartbeat names every stream: only the service's own key may read it.
    beats = transport.Receiver(transport.open_socket(ctx, "sub", service.captions, bind=False,
                                                     security=Security(curve=True, keys_dir=str(service.keys)),
                                                     subscribe=(wire.topic_prefix("status", "serve"),)), "beats")  # fmt: skip
    try:
        second = np.zeros(SAMPLE_RATE, np.float32)
        for i in range(3):
            assert transport.send_within(push, AudioChunk("smuggled", i, float(i), time.time(), second, resync=i == 0), 30)
        deadline = time.monotonic() + 60
        denied: dict = {}
        while denied.get("bob", 0) < 3:
            assert time.monotonic() < deadline, "transcribe never counted bob's audio as denied"
            got = beats.recv(timeout_s=1.0)
            if got is not None and isinstance(got[1], Status):
                denied = got[1].counters.get("denied", {})
                assert "smuggled" not in got[1].counters.get("positions", {})
        assert not (service.home / "sessions" / "smuggled.sqlite").exists()
    finally:
        push.close(linger=0)
        beats.sock.close(linger=0)
