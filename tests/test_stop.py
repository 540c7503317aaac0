"""Stopping a run: a stage that ignores SIGTERM is killed, and a source that is gone without its end of
stream does not keep the run waiting while the other stages send heartbeats (the supervisor half of a
`transcribe --mic` that kept running after Ctrl-C). Stand-in processes; the real ones: test_mic_alsa.py."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import zmq

from pipeline import transport
from pipeline.errors import StageFailed
from pipeline.live import STOPPED_GRACE_S, Listener, LiveResult, listen, supervise
from pipeline.messages import Status
from pipeline.runner import StopFlag
from pipeline.supervisor import Child, Supervisor

DEAF = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"


def adopt(sup: Supervisor, name: str, code: str, tmp_path: Path) -> Child:
    """A stand-in stage process, in its own session as the supervisor starts real ones."""
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    child = sup.children[name] = Child(name, proc, tmp_path / f"{name}.error")
    return child


def test_a_stage_that_ignores_sigterm_is_killed_when_overdue(app_config, tmp_path):
    with Supervisor(app_config()) as sup:
        child = adopt(sup, "capture", DEAF, tmp_path)
        time.sleep(0.5)  # its handler is installed
        sup.terminate("capture")
        sup.kill_overdue("capture", 5.0)
        assert sup.running("capture")  # not yet overdue
        time.sleep(0.3)
        sup.kill_overdue("capture", 0.2)
        assert not sup.running("capture")
        assert child.error() == "did not stop within 0 s of being asked; killed"


def test_heartbeats_do_not_keep_a_run_waiting_for_a_source_that_died(app_config, tmp_path):
    """Capture killed before its end of stream: transcribe waits for that end forever and says it is alive
    every half second. After Ctrl-C the run must give up within a few quiet seconds, naming capture."""
    cfg = app_config()
    sink = listen("pull", cfg.endpoints.transcript, "transcript", bind=True)
    beating = threading.Event()

    def heartbeats() -> None:
        push = transport.open_socket(zmq.Context.instance(), "push", cfg.endpoints.transcript, bind=False)
        seq = 0
        while not beating.is_set():
            transport.send(push, Status("s", seq, "transcribe", time.time(), {}))
            seq += 1
            time.sleep(0.2)
        push.close(linger=0)

    threading.Thread(target=heartbeats, daemon=True).start()
    stop = StopFlag()
    stop.set()  # Ctrl-C
    try:
        with Supervisor(cfg) as sup:
            adopt(sup, "capture", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)", tmp_path).proc.wait()
            adopt(sup, "transcribe", DEAF, tmp_path)
            t0 = time.monotonic()
            with pytest.raises(StageFailed, match="capture: killed by signal SIGKILL"):
                supervise(sup, [Listener(sink, lambda _m: None)], sink, stop, "capture", LiveResult())
            assert time.monotonic() - t0 < STOPPED_GRACE_S + 3
            sup.kill("transcribe", "deaf")  # stop_all would wait 30 s for a stage that ignores SIGTERM
    finally:
        beating.set()
        sink.sock.close(linger=0)
