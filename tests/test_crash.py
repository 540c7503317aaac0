"""Crashes: kill -9 each stage in the middle of a replay, and the whole replay; nothing stored is lost or
duplicated, the final summary still arrives. Real processes, real models, a real SQLite file."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.metrics import wer
from bench.reliability import children_of, proc_stat
from pipeline.live import run_summarization
from pipeline.supervisor import RestartPolicy, Supervisor
from stages.summarize.store import SessionStore
from tests.conftest import ROOT
from tests.test_summarize_stage import SMALL

pytestmark = pytest.mark.slow
def replay_config(app_config, tmp_path: Path, audio: Path, speed: float = 2.0):
    return app_config(
        stream="crash",
        capture__source=str(audio), capture__speed=speed,
        summarize=dataclasses.replace(SMALL, session_dir=str(tmp_path), session="crash", summary_every_s=15.0),
    )  # fmt: skip


def stored(tmp_path: Path, name: str = "crash") -> SessionStore:
    return SessionStore.open_existing(tmp_path / f"{name}.sqlite")


def wait_for_segments(path: Path, n: int, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists():
            with SessionStore(path) as store:
                if store.count_segments() >= n:
                    return
        time.sleep(0.2)
    raise AssertionError(f"fewer than {n} segments stored within {timeout_s} s")


def check_complete(tmp_path: Path, reference: str, name: str = "crash") -> list:
    """Contiguous seqs, no segment twice (overlapping audio), the text all there, one final summary."""
    with stored(tmp_path, name) as store:
        segments = list(store.segments())
        assert store.missing_seqs() == []
        assert [s.seq for s in segments] == list(range(len(segments)))
        for a, b in zip(segments, segments[1:], strict=False):
            assert b.start >= a.end - 0.3, f"segments {a.seq} and {b.seq} overlap: duplicated audio"
        text = " ".join(s.text for s in segments)
        # Undisturbed, this audio scores about 5%; a lost or repeated sentence costs more than 10%.
        assert wer(reference, text) < 0.2, text
        summaries = store.summaries()
        assert summaries and summaries[-1].final
        assert store.ended() is not None
    return segments


@pytest.mark.parametrize("victim", ["summarize", "transcribe", "capture"])
def test_kill_9_of_a_stage_mid_replay_loses_nothing(victim, spoken_meeting, app_config, tmp_path):
    audio, reference = spoken_meeting
    cfg = replay_config(app_config, tmp_path, audio)
    killed: list[int] = []

    def killer(sup: Supervisor) -> None:
        def go() -> None:
            wait_for_segments(tmp_path / "crash.sqlite", 3)
            pid = sup.children[victim].proc.pid
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

        threading.Thread(target=go, daemon=True).start()

    restarts: list = []

    def on_start(sup: Supervisor) -> None:
        killer(sup)
        restarts.append(sup.restarts)  # the supervisor's list, filled as it restarts

    result = run_summarization(cfg, lambda _m: None, on_start=on_start,
                               restart=RestartPolicy(backoff_s=0.5))  # fmt: skip
    assert killed, "the stage was not killed"
    assert [r["stage"] for r in restarts[0]] == [victim]
    assert "SIGKILL" in restarts[0][0]["reason"]
    assert result.reason == "eof"
    check_complete(tmp_path, reference)


def test_kill_9_of_the_whole_replay_then_resume_continues_the_session(spoken_meeting, app_config, tmp_path):
    """The documented recovery: the replay names its new session when it starts; after kill -9 of every
    process, `--resume NAME` with the same file continues that session where its transcript ends."""
    audio, reference = spoken_meeting
    cfg = replay_config(app_config, tmp_path, audio)
    cfg = dataclasses.replace(cfg, summarize=dataclasses.replace(cfg.summarize, session=""))  # the default: new
    from pipeline import config as config_io

    config_file = tmp_path / "replay.toml"
    config_file.write_text(config_io.dumps(cfg))
    cmd = [sys.executable, "-m", "pipeline.cli", "replay", str(audio), "--config", str(config_file),
           "--speed", "2", "--session-dir", str(tmp_path)]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        started = first.stderr.readline()  # "-- session NAME: new, from meeting.wav (... --resume NAME)"
        threading.Thread(target=first.stderr.read, daemon=True).start()  # keep the pipe from filling up
        name = started.split()[2].rstrip(":")
        assert started.startswith(f"-- session {name}: new, from meeting.wav") and f"--resume {name}" in started
        wait_for_segments(tmp_path / f"{name}.sqlite", 4)
    finally:
        for pid in [*children_of(first.pid), first.pid]:
            os.kill(pid, signal.SIGKILL)
        first.wait()
    with SessionStore.open_existing(tmp_path / f"{name}.sqlite") as store:
        before = store.count_segments()
        assert store.summaries() == [] or not store.summaries()[-1].final
    second = subprocess.run([*cmd, "--resume", name], env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    assert f"-- session {name}: continues at" in second.stderr
    assert sorted(p.name for p in tmp_path.glob("*.sqlite")) == [f"{name}.sqlite"]  # no second session
    segments = check_complete(tmp_path, reference, name)
    assert len(segments) > before


def running(pid: int, started: str | None = None) -> bool:
    """Alive and not a zombie (an orphan's exit status waits for whoever adopted it); with `started` (its
    start time, /proc/PID/stat field 22), the same process, not a later one given its number (pid_max is
    32768 here, and the suite starts thousands of processes)."""
    fields = proc_stat(pid)
    return fields is not None and fields[0] != "Z" and (started is None or fields[19] == started)


def describe(pid: int) -> str:
    """A process for a failure message: its state and command line."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        cmdline = "?"
    return f"{pid} ({(proc_stat(pid) or ['gone'])[0]}): {cmdline[-160:]}"


def test_kill_9_of_the_supervisor_leaves_no_stage_behind(spoken_meeting, app_config, tmp_path):
    """Killed alone, the supervisor cannot stop its stages: they must notice and leave by themselves
    (capture used to wait 10 minutes for a confirmation and feed the next run stale audio)."""
    from pipeline import config as config_io
    from pipeline.runner import ORPHAN_GRACE_S

    audio, _ = spoken_meeting
    cfg = replay_config(app_config, tmp_path, audio, speed=1.0)
    config_file = tmp_path / "replay.toml"
    config_file.write_text(config_io.dumps(cfg))
    cmd = [sys.executable, "-m", "pipeline.cli", "replay", str(audio), "--config", str(config_file),
           "--session", "crash", "--session-dir", str(tmp_path)]  # fmt: skip
    supervisor = subprocess.Popen(cmd, env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_for_segments(tmp_path / "crash.sqlite", 2)
        stages = {pid: (proc_stat(pid) or [""] * 20)[19] for pid in children_of(supervisor.pid)}
        assert len(stages) == 3
    finally:
        supervisor.kill()
        supervisor.wait()
    deadline = time.monotonic() + ORPHAN_GRACE_S + 20
    while time.monotonic() < deadline and any(running(pid, t) for pid, t in stages.items()):
        time.sleep(0.5)
    left = [pid for pid, t in stages.items() if running(pid, t)]
    shown = [describe(pid) for pid in left]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"stages still running after their supervisor was killed: {shown}"
