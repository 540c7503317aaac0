"""`sinkscribe serve` with `replay --connect` clients: real processes, real Whisper tiny.en, the real
smollm2-135m. Two clients at once each see only their own captions and notes; one more than
`--max-streams` is refused in one line (exit 2); a client killed mid-stream frees its slot after the
idle timeout, its session ends "lost", and the same stream continues it later."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import zmq

from bench.concurrency import five_free_ports
from pipeline import config as config_io
from pipeline import transport, wire
from pipeline.messages import SAMPLE_RATE, Status
from tests.conftest import ROOT, espeak, read_all, write_audio
from tests.test_summarize_stage import SMALL

ALPHA = "The sourdough starter for the croissant line arrived from Lisbon. Priya will bake the cinnamon buns."
BETA = "The freighter from Rotterdam docks at berth nine. Ingrid will file the customs manifest by Thursday."
ALPHA_WORDS = {"sourdough", "croissant", "lisbon", "cinnamon", "buns", "starter"}
BETA_WORDS = {"freighter", "rotterdam", "berth", "customs", "manifest", "thursday"}


def _cli(*args: str, home: Path, **kwargs) -> subprocess.Popen:
    env = os.environ | {"PYTHONPATH": str(ROOT), "SINKSCRIBE_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)  # fmt: skip


class Service:
    """`sinkscribe serve` on free ports, with a small summary config (mechanics, not quality)."""

    def __init__(self, app_config, folder: Path, max_streams: int, idle_s: float = 30.0,
                 extra: tuple[str, ...] = ()) -> None:  # fmt: skip
        port = five_free_ports()  # P..P+4 in one block of this test worker's (bench.asr.free_ports)
        self.address = f"tcp://127.0.0.1:{port}"
        self.summary, self.requests = f"tcp://127.0.0.1:{port + 3}", f"tcp://127.0.0.1:{port + 4}"
        cfg = app_config(summarize=dataclasses.replace(SMALL, summary_every_s=0.0))
        self.config = folder / "service.toml"
        self.config.write_text(config_io.dumps(cfg))
        self.home = folder / "home"
        self.proc = _cli("serve", "--listen", self.address, "--max-streams", str(max_streams), "--idle", str(idle_s),
                         "--config", str(self.config), *extra, home=self.home)  # fmt: skip
        self.sessions = self.home / "sessions"

    def client(self, wav: Path, *args: str) -> subprocess.Popen:
        return _cli("replay", str(wav), "--connect", self.address, "--config", "replay", *args, home=self.home,
                    start_new_session=True)  # fmt: skip

    def heartbeats(self):
        sock = transport.open_socket(zmq.Context.instance(), "sub", self.summary, bind=False,
                                     subscribe=(wire.topic_prefix("status", "serve"),))  # fmt: skip
        return transport.Receiver(sock, "service")

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.stderr.read() if self.proc.stderr else ""



def _wait_service(service: Service, timeout_s: float = 300.0) -> dict:
    """The service's first heartbeat (its models are loaded then)."""
    beats = service.heartbeats()
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert service.proc.poll() is None, service.stop()
            got = beats.recv(timeout_s=1.0)
            if got is not None and isinstance(got[1], Status):
                return got[1].counters
        raise AssertionError("no heartbeat from the service")
    finally:
        beats.sock.close(linger=0)


def _finish(proc: subprocess.Popen, timeout_s: float) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError(f"client still running after {timeout_s} s:\n{out}\n{err}") from None
    return proc.returncode, out, err


def _words(text: str) -> set[str]:
    return {w.strip(".,;:!?'\"()[]").lower() for w in text.split()}


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("serve")
    # 25 s of quiet after the talk keeps both streams live (replayed in real time) while a third client
    # starts on a loaded machine: the refusal must not depend on how fast that client gets going.
    quiet = np.zeros(25 * SAMPLE_RATE, np.float32)
    return {name: write_audio(folder / f"{name}.wav", np.concatenate([read_all(espeak(text, folder / f"{name}_talk.wav", *voice)), quiet]))
            for name, text, voice in (("alpha", ALPHA, ()), ("beta", BETA, ("en-us+m3",)))}  # fmt: skip


@pytest.mark.slow
def test_two_clients_see_only_their_own_stream_and_one_more_is_refused(app_config, tmp_path, recordings):
    service = Service(app_config, tmp_path, max_streams=2)
    clients: list[subprocess.Popen] = []
    try:
        first = _wait_service(service)
        assert first["hosting"] == 2 and first["sessions"] == 0 and first["model_loads"] == 1
        alpha = service.client(recordings["alpha"], "--stream", "alpha", "--ask", "Who will bake the cinnamon buns?")
        beta = service.client(recordings["beta"], "--stream", "beta")
        clients += [alpha, beta]
        # Both admitted (each printed its stream line): a third is refused in one line, exit 2.
        deadline = time.monotonic() + 120
        while not all(_sessions_has(service, s) for s in ("alpha", "beta")):
            assert time.monotonic() < deadline
            time.sleep(0.5)
        gamma = service.client(recordings["beta"], "--stream", "gamma")
        clients.append(gamma)
        code, out, err = _finish(gamma, 120)
        assert code == 2 and out == ""
        assert err.strip() == ("Error: stream gamma refused: this service already holds 2 live streams "
                               "(--max-streams 2)"), err  # fmt: skip

        results = {name: _finish(proc, 600) for name, proc in (("alpha", alpha), ("beta", beta))}
        for name, mine, theirs in (("alpha", ALPHA_WORDS, BETA_WORDS), ("beta", BETA_WORDS, ALPHA_WORDS)):
            code, out, err = results[name]
            assert code == 0, err[-3000:]
            assert f"-- stream {name}: new on {service.address}" in err
            assert "FINAL SUMMARY of stream " + name in out
            heard = _words(out)
            assert len(heard & mine) >= 2, out  # its own captions (tiny.en on espeak: some words)
            assert not heard & theirs, f"{name} saw the other stream: {heard & theirs}"
        assert "Q: Who will bake the cinnamon buns?" in results["alpha"][1]
        for name, theirs in (("alpha", BETA_WORDS), ("beta", ALPHA_WORDS)):
            db = sqlite3.connect(str(service.sessions / f"{name}.sqlite"))
            stored = " ".join(row[0] for row in db.execute("SELECT text FROM segments"))
            ended = json.loads(db.execute("SELECT value FROM meta WHERE key = 'ended'").fetchone()[0])
            db.close()
            assert stored and not _words(stored) & theirs and ended["reason"] == "eof"
        assert not (service.sessions / "gamma.sqlite").exists()
    finally:
        for proc in clients:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        log = service.stop()
    assert service.proc.returncode == 0, log[-3000:]


def _sessions_has(service: Service, name: str) -> bool:
    return (service.sessions / f"{name}.sqlite").exists()


@pytest.mark.slow
def test_a_killed_client_frees_its_slot_and_its_stream_continues_later(app_config, tmp_path, recordings):
    # ~16 s of talk with pauses, so the client is killed mid-stream.
    parts = []
    for text in (ALPHA, "The oven thermostat still drifts. The technician visits on Tuesday morning."):
        parts += [read_all(espeak(text, tmp_path / f"{len(parts)}.wav")), np.zeros(int(2.0 * SAMPLE_RATE), np.float32)]
    long_wav = write_audio(tmp_path / "long.wav", np.concatenate(parts))
    service = Service(app_config, tmp_path, max_streams=1, idle_s=3.0)
    clients: list[subprocess.Popen] = []
    beats = None
    try:
        _wait_service(service)
        beats = service.heartbeats()
        alpha = service.client(long_wav, "--stream", "alpha")
        clients.append(alpha)
        status = _until(beats, lambda c: c["streams"].get("alpha", {}).get("stored_seq", -1) >= 0, 300)
        assert status["sessions"] == 1
        # Another client that will wait for room (--wait): refused while alpha holds the one slot, it asks
        # again until the slot frees.
        waiter = service.client(long_wav, "--stream", "beta", "--wait", "600")
        clients.append(waiter)
        _until(beats, lambda c: c["refused"] >= 1, 120)
        # The client's machine vanishes mid-stream: its capture is frozen first (so the death signal its
        # supervisor's end sends cannot make it flush an end of stream), then both are killed.
        capture = _children(alpha.pid)
        assert capture, "the client runs capture as a child"
        for pid in capture:
            os.kill(pid, signal.SIGSTOP)
        os.killpg(alpha.pid, signal.SIGKILL)
        for pid in capture:
            os.kill(pid, signal.SIGKILL)
        alpha.communicate()
        # The slot is freed after the idle timeout: the stream ends "lost", and the waiting client gets it.
        status = _until(beats, lambda c: c["streams"].get("alpha", {}).get("ended"), 300)
        code, out, err = _finish(waiter, 600)
        assert code == 0, err[-3000:]
        assert "-- stream beta refused: this service already holds 1 live streams (--max-streams 1); waiting up to 600 s" in err
        assert "-- stream beta: new on" in err and "FINAL SUMMARY of stream beta" in out
        db = sqlite3.connect(str(service.sessions / "alpha.sqlite"))
        ended = json.loads(db.execute("SELECT value FROM meta WHERE key = 'ended'").fetchone()[0])
        kept = [row[0] for row in db.execute("SELECT seq FROM segments ORDER BY seq")]
        db.close()
        assert ended["reason"] == "lost" and kept == list(range(len(kept)))
        # The same stream continues its session where it stopped (a file: from there, not from 0).
        again = service.client(long_wav, "--stream", "alpha")
        clients.append(again)
        code, out, err = _finish(again, 600)
        assert code == 0, err[-3000:]
        assert "-- stream alpha: continues at" in err
        db = sqlite3.connect(str(service.sessions / "alpha.sqlite"))
        seqs = [row[0] for row in db.execute("SELECT seq FROM segments ORDER BY seq")]
        text = " ".join(row[0] for row in db.execute("SELECT text FROM segments ORDER BY seq"))
        ended = json.loads(db.execute("SELECT value FROM meta WHERE key = 'ended'").fetchone()[0])
        db.close()
        assert seqs == list(range(len(seqs))) and len(seqs) > len(kept)  # continued, nothing twice
        assert ended["reason"] == "eof" and {"technician", "tuesday"} & _words(text)
    finally:
        if beats is not None:
            beats.sock.close(linger=0)
        for proc in clients:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        log = service.stop()
    assert service.proc.returncode == 0, log[-3000:]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _until(beats: transport.Receiver, predicate, timeout_s: float) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = beats.recv(timeout_s=1.0)
        if got is not None and isinstance(got[1], Status) and predicate(got[1].counters):
            return got[1].counters
    raise AssertionError(f"the service's heartbeat never said so within {timeout_s} s")


@pytest.mark.parametrize(("args", "message"), [
    (["replay", "x.txt", "--text", "--connect", "tcp://127.0.0.1:5550"], "--text does not apply with --connect"),
    (["replay", "x.wav", "--stream", "a"], "--stream names a stream on a service: give --connect too"),
    (["replay", "x.wav", "--connect", "tcp://127.0.0.1:65535"], "must be tcp://HOST:PORT"),
    (["replay", "x.wav", "--connect", "http://host:5550"], "must be tcp://HOST:PORT"),
    (["run", "--connect", "tcp://127.0.0.1:5550", "--preset", "smollm2-135m"], "--preset does not apply"),
    (["serve", "--max-streams", "0"], "0 is not in the range"),
    (["ask", "hi", "--stream", "a", "--session", "b"], "give one"),
])
def test_client_options_are_checked_in_one_line(tmp_path, args, message):
    proc = _cli(*args, home=tmp_path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and message in err and "Traceback" not in err, err
