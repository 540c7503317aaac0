"""How many threads a stage's model runtime takes when its config says 0 (auto), and at what priority.

Stages share the machine's cores with each other and with whatever else runs; `OMP_NUM_THREADS`, when
set, is the usual cap on any OpenMP program (a shared machine, a CI runner, the test suite's workers)
and every auto count stays within it. Children inherit it with the rest of the environment.
"""

from __future__ import annotations

import os
import time


def thread_cap() -> int | None:
    """`OMP_NUM_THREADS` when it is a positive count; None otherwise (OpenMP ignores other values too)."""
    raw = os.environ.get("OMP_NUM_THREADS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def _cores() -> int:
    return os.cpu_count() or 1


def all_threads(threads: int) -> int:
    """0 = every core, at most the cap: for a stage alone on the machine (a text replay's summarize,
    transcription with no model beside it). A number in the config is taken as it is."""
    return threads if threads > 0 else min(_cores(), thread_cap() or _cores())


def half_threads(threads: int) -> int:
    """0 = half the cores, at most the cap: transcribe and summarize run side by side, and two thread
    pools that each want every core spin against each other (measured: a 21-token append went from
    0.13 s to 4 s). A number in the config is taken as it is."""
    return threads if threads > 0 else min(max(1, _cores() // 2), thread_cap() or _cores())


def host_load() -> dict[str, float]:
    """What a stage's service heartbeat says of its process's load (`host_load` in PROTOCOL.md section 8): the
    CPU seconds it has used and the cores it may use. A gateway turns two of these into how busy a host
    is (pipeline/gateway.py); the numbers are this process's, so each stage reports its own."""
    try:
        cpus = len(os.sched_getaffinity(0))  # a host pinned to some cores (Ray's ServiceHost) counts those
    except AttributeError:  # not on Linux
        cpus = _cores()
    return {"cpu_s": round(time.process_time(), 3), "cpus": cpus}


def lower_priority(nice: int) -> int:
    """Run this process at CPU priority `nice` (0..19; never raised back: only root may), so that a
    stage that must answer within seconds (transcribe's captions) is scheduled first when both want a
    core. Call it first thing in a stage process: on Linux each thread has its own nice value, and the
    threads started afterwards (the model runtime's pool) inherit the caller's. Returns the value in
    effect."""
    try:
        current = os.getpriority(os.PRIO_PROCESS, 0)
        if nice > current:
            os.setpriority(os.PRIO_PROCESS, 0, nice)
        return os.getpriority(os.PRIO_PROCESS, 0)
    except (AttributeError, OSError):  # not on a Unix: stays as it is
        return 0
