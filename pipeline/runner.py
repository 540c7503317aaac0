"""Run one stage in this process: logging, signals, and the exit-code contract.

A stage is a module with `run(cfg, stop) -> int`. SIGINT/SIGTERM set the StopFlag instead of raising
KeyboardInterrupt in the middle of a send, so each stage can flush (end-of-stream, final summary) and
exit cleanly. A SinkscribeError propagates to the CLI edge, which turns it into one line and exit code 2;
anything else is a bug and keeps its traceback (exit code 1) so it can be reported.
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import threading
import time
from typing import Any, NoReturn

import zmq

from pipeline.errors import SinkscribeError
from pipeline.security import stop_authenticators

log = logging.getLogger(__name__)

# The stages the framework knows by name; imported only when started (pipeline knows no audio/models).
STAGES = {
    "capture": "stages.capture",
    "transcribe": "stages.transcribe",
    "summarize": "stages.summarize.stage",
    "text": "stages.text_ingest",
}


# The supervisor puts its pid here for the stages it starts.
SUPERVISOR_ENV = "SINKSCRIBE_SUPERVISOR_PID"
# How long a stage whose supervisor has gone may take to finish before it exits anyway.
ORPHAN_GRACE_S = 10.0
_exit_hard = ""  # why this process must leave with os._exit (see exit_hard)


class StopFlag:
    """Set by a signal or by the owner; stages poll it between bounded waits."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signal: int | None = None

    def set(self, signum: int | None = None) -> None:
        self.signal = signum
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)


def setup_logging(level: str = "info") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )


def install_signal_handlers(stop: StopFlag) -> None:
    def handler(signum: int, _frame: Any) -> None:
        if stop.is_set():  # a second Ctrl-C: the user really wants out
            raise KeyboardInterrupt
        stop.set(signum)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def run_stage(name: str, cfg: Any) -> int:
    """Import and run stage `name` with `cfg` until it ends or a signal stops it; returns an exit code."""
    if name not in STAGES:
        raise SinkscribeError(f"unknown stage {name!r}; known: {', '.join(STAGES)}")
    module = importlib.import_module(STAGES[name])
    stop = StopFlag()
    install_signal_handlers(stop)
    supervisor = os.environ.get(SUPERVISOR_ENV, "")
    if supervisor.isdigit():
        threading.Thread(target=_leave_when_orphaned, args=(name, int(supervisor), stop), daemon=True).start()
    try:
        return int(module.run(cfg, stop) or 0)
    except KeyboardInterrupt:
        return 130
    finally:
        stop_authenticators()  # CURVE's ZAP handler holds sockets that term() would wait for
        # Waits for closed sockets' lingering messages (a lossless PUSH's last segments) to leave;
        # without it the interpreter exits and libzmq's I/O thread drops them.
        zmq.Context.instance().term()


def exit_hard(reason: str) -> None:
    """Make `leave` end this process with os._exit: a native library is wedged (a PortAudio call that never
    returned), and the interpreter's normal exit would run that library's own clean-up (Pa_Terminate, an
    atexit handler), which waits on the same stuck call forever."""
    global _exit_hard
    _exit_hard = reason


def leave(code: int) -> NoReturn:
    """End a stage process with `code`, after `run_stage` (its sockets are flushed and closed by then)."""
    if _exit_hard:
        log.warning("leaving without clean-up: %s", _exit_hard)
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _leave_when_orphaned(name: str, supervisor: int, stop: StopFlag) -> None:
    """End a supervised stage once its supervisor is gone (killed -9, say).

    PR_SET_PDEATHSIG has then already asked the stage to stop, but stopping means flushing: sending the
    end of stream and waiting until the next stage confirms it, and those peers are stopping too, so
    the waits can only run into their timeouts (10 minutes for capture's confirmation): an orphan that
    holds its ports and feeds the next run's stages stale audio. So it gets a grace period to finish, then
    exits hard. Nothing is lost by that: what was not stored is resent when the session is run again.
    """
    while os.getppid() == supervisor:
        time.sleep(0.5)
    log.warning("%s: the supervisor (pid %d) is gone; stopping", name, supervisor)
    stop.set(stop.signal or signal.SIGTERM)  # also where PR_SET_PDEATHSIG does not exist
    time.sleep(ORPHAN_GRACE_S)
    log.error("%s: still running %.0f s after its supervisor went; exiting", name, ORPHAN_GRACE_S)
    logging.shutdown()
    os._exit(1)
