"""Start stage processes, watch them, stop them in order.

Each stage runs as `python -m pipeline.cli stage NAME --config FILE --error-file FILE`: the same command a
person uses to run a stage on another host, so the supervised and the standalone path are one path.
Children get their own process group, so a Ctrl-C in the terminal reaches only the supervisor, which
then stops the stages upstream first (capture -> transcribe -> summarize): each one flushes what it holds
(end of stream, final summary) before the next is asked to stop.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import config as config_io
from pipeline.runner import SUPERVISOR_ENV

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RestartPolicy:
    """A stage that dies (a crash, kill -9, out of memory) is started again after a growing pause.
    Exit code 2 is a stage's own one-line error (bad input, bad config): starting it again would only
    repeat it, so it is reported instead."""

    max_restarts: int = 5  # per stage; a stage that keeps dying is reported after this many
    backoff_s: float = 1.0  # pause before the first restart, doubled each time...
    max_backoff_s: float = 30.0  # ...up to this
    healthy_after_s: float = 60.0  # a stage that ran this long gets its backoff reset


@dataclass
class Child:
    name: str
    proc: subprocess.Popen
    error_file: Path
    cfg: Any = None
    stdin: int = subprocess.DEVNULL
    started: float = field(default_factory=time.monotonic)
    restarts: int = 0
    restart_at: float | None = None  # when a scheduled restart is due
    stopped: bool = False  # we asked it to stop: its end is not a crash
    stop_asked: float | None = None  # when we asked (SIGTERM)
    killed: str = ""  # why we killed it, if we did

    def error(self) -> str:
        """The one-line error the child left, or a description of how it died."""
        if self.killed:
            return self.killed
        try:
            text = self.error_file.read_text(encoding="utf-8").strip()
        except OSError:
            text = ""
        if text:
            return text
        code = self.proc.returncode
        if code is not None and code < 0:
            return f"killed by signal {signal.Signals(-code).name}"
        return f"exited with code {code} (see its log above)"


class Supervisor:
    """Owns the stage processes of one run. Use as a context manager: leaving it stops everything."""

    def __init__(self, cfg: Any, log_level: str = "warning", restart: RestartPolicy | None = None) -> None:
        self.cfg = cfg
        self.log_level = log_level
        self.policy = restart or RestartPolicy(max_restarts=0)
        self.restarts: list[dict[str, Any]] = []  # every restart: stage, reason, delay
        self._dir = tempfile.TemporaryDirectory(prefix="sinkscribe-")
        self.children: dict[str, Child] = {}

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()
        self._dir.cleanup()

    def start(self, name: str, cfg: Any | None = None, stdin: int = subprocess.DEVNULL) -> Child:
        """Start stage `name` with `cfg` (default: the run's); `stdin=subprocess.PIPE` to feed it."""
        workdir = Path(self._dir.name)
        config_file = workdir / f"{name}.toml"
        config_file.write_text(config_io.dumps(cfg or self.cfg), encoding="utf-8")
        error_file = workdir / f"{name}.error"
        error_file.unlink(missing_ok=True)
        cmd = [
            sys.executable, "-m", "pipeline.cli", "--log-level", self.log_level,
            "stage", name, "--config", str(config_file), "--error-file", str(error_file),
        ]  # fmt: skip
        proc = subprocess.Popen(cmd, stdin=stdin, start_new_session=True, env=_child_env(), preexec_fn=_die_with_parent)
        previous = self.children.get(name)
        child = Child(name, proc, error_file, cfg, stdin, restarts=previous.restarts if previous else 0)
        self.children[name] = child
        log.info("started %s (pid %d)", name, proc.pid)
        return child

    def exited(self) -> list[Child]:
        """Children that have ended since they were started."""
        return [c for c in self.children.values() if c.proc.poll() is not None]

    def failed(self) -> list[Child]:
        return [c for c in self.exited() if c.proc.returncode not in (0,)]

    def tend(self) -> list[Child]:
        """Restart dead stages under the policy; returns those that failed for good (to be reported)."""
        given_up = []
        now = time.monotonic()
        for child in list(self.children.values()):
            code = child.proc.poll()
            if code in (None, 0):
                continue
            if not self._restartable(child):
                given_up.append(child)
                continue
            if child.restart_at is None:
                if now - child.started > self.policy.healthy_after_s:
                    child.restarts = 0
                delay = min(self.policy.max_backoff_s, self.policy.backoff_s * 2**child.restarts)
                child.restart_at = now + delay
                reason = child.error()
                log.warning("%s died (%s); restarting it in %.1f s (restart %d of %d)", child.name, reason,
                            delay, child.restarts + 1, self.policy.max_restarts)  # fmt: skip
                self.restarts.append({"stage": child.name, "reason": reason, "delay_s": delay, "wall": time.time()})
            elif now >= child.restart_at:
                restarts = child.restarts + 1
                self.start(child.name, child.cfg, child.stdin).restarts = restarts
        return given_up

    def pending_restart(self) -> list[Child]:
        return [c for c in self.children.values() if c.restart_at is not None and c.proc.poll() is not None]

    def _restartable(self, child: Child) -> bool:
        return (
            child.proc.returncode not in (0, 2)
            and not child.stopped
            and child.stdin != subprocess.PIPE  # a pipe's writer is gone with the process
            and child.restarts < self.policy.max_restarts
        )

    def running(self, name: str) -> bool:
        child = self.children.get(name)
        return child is not None and child.proc.poll() is None

    def terminate(self, name: str) -> None:
        """Ask stage `name` to stop (SIGTERM: it flushes and exits); returns at once."""
        child = self.children.get(name)
        if child is not None and child.proc.poll() is None:
            child.stopped = True
            child.stop_asked = child.stop_asked or time.monotonic()
            child.proc.send_signal(signal.SIGTERM)

    def kill_overdue(self, name: str, timeout_s: float) -> None:
        """Kill stage `name` if it was asked to stop more than `timeout_s` ago and still runs."""
        child = self.children.get(name)
        if child is not None and child.stop_asked is not None and time.monotonic() - child.stop_asked > timeout_s:
            self.kill(name, f"did not stop within {timeout_s:.0f} s of being asked")

    def kill(self, name: str, why: str) -> None:
        """SIGKILL stage `name` and anything it started (its own process group): a stage stuck in native
        code (a PortAudio call that never returns) ignores SIGTERM, whose handler is Python."""
        child = self.children.get(name)
        if child is None or child.proc.poll() is not None:
            return
        log.warning("%s %s: killing it", name, why)
        child.stopped, child.killed = True, f"{why}; killed"
        try:
            os.killpg(child.proc.pid, signal.SIGKILL)  # start_new_session: its pid is its group's id
        except ProcessLookupError:
            pass
        child.proc.wait()

    def stop(self, name: str, timeout_s: float = 30.0) -> int | None:
        """SIGTERM (the stage flushes and exits), then SIGKILL after `timeout_s`."""
        child = self.children.get(name)
        if child is None or child.proc.poll() is not None:
            return None if child is None else child.proc.returncode
        self.terminate(name)
        try:
            return child.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill(name, f"did not stop within {timeout_s:.0f} s")
            return child.proc.returncode

    def stop_all(self, order: tuple[str, ...] = ("capture", "transcribe", "summarize")) -> None:
        names = [n for n in order if n in self.children] + [n for n in self.children if n not in order]
        for name in names:
            self.stop(name)

    def wait(self, name: str, timeout_s: float) -> int | None:
        try:
            return self.children[name].proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            return None


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the supervisor dies (even by kill -9), so the stage starts
    stopping at once (Linux prctl; elsewhere a no-op). The runner's orphan watch makes sure it ends."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # Children must import this checkout's packages even when it is not installed (tests, bench).
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    # Stages share the cores: OpenMP threads that busy-wait steal them from the other stage, and from
    # whatever else runs (a stage alone on an idle machine gains ~11% with ACTIVE, and beside one busy
    # core loses far more: pipeline/live.py).
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # glibc gives each thread that allocates its own malloc arena; with the threads of CTranslate2,
    # onnxruntime and libzmq, freed memory stays scattered across them and RSS creeps up over hours.
    env.setdefault("MALLOC_ARENA_MAX", "2")
    env.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # "Loading weights" bars would shred the captions
    env[SUPERVISOR_ENV] = str(os.getpid())  # the stage leaves when this process is gone (runner.py)
    return env
