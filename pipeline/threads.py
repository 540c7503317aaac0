"""How many threads a stage's model runtime takes when its config says 0 (auto), and at what priority.

Stages share the machine's cores with each other and with whatever else runs; `OMP_NUM_THREADS`, when
set, is the usual cap on any OpenMP program (a shared machine, a CI runner, the test suite's workers)
and every auto count stays within it. Children inherit it with the rest of the environment.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _quota_files(cgroup_lines: list[str], root: Path) -> list[tuple[Path, str]]:
    """Where this process's CPU limit is written: (cgroup folder, "v1" or "v2") for its own cgroup and each
    one above it (a parent's limit binds its children too), from /proc/self/cgroup's lines."""
    found: list[tuple[Path, str]] = []
    for line in cgroup_lines:
        parts = line.strip().split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            mount, kind = root, "v2"
        elif "cpu" in controllers.split(","):
            mount = next((root / name for name in (controllers, "cpu", "cpu,cpuacct") if (root / name).is_dir()), None)
            if mount is None:
                continue
            kind = "v1"
        else:
            continue
        if ".." in Path(path).parts:  # a cgroup namespace's view from outside its root: nothing of ours to read
            continue
        rel = Path(path.lstrip("/"))
        found += [(mount / up, kind) for up in (rel, *rel.parents)]
    return found


def _read_quota(folder: Path, kind: str) -> float | None:
    try:
        if kind == "v2":
            quota, period = (folder / "cpu.max").read_text().split()[:2]
            return None if quota == "max" else int(quota) / int(period)
        quota_us = int((folder / "cpu.cfs_quota_us").read_text())
        return None if quota_us <= 0 else quota_us / int((folder / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None


def cpu_quota(root: Path = CGROUP_ROOT, cgroup_file: Path = Path("/proc/self/cgroup")) -> float | None:
    """The cores this process's cgroup lets it use (a container's CPU limit, `bench.cluster`'s simulated
    nodes), the tightest of its own and its parents'; None when nothing limits it or it cannot be read.
    A container limited to 2 cores on a 64-core machine still sees 64 in `os.cpu_count()`: a model
    runtime sized by that spins 64 threads on 2 cores."""
    try:
        lines = cgroup_file.read_text().splitlines()
    except OSError:
        return None
    quotas = [q for folder, kind in _quota_files(lines, root) if (q := _read_quota(folder, kind)) is not None]
    return min(quotas) if quotas else None


def usable_cores() -> float:
    """The cores this process may use: its CPU affinity (a host pinned to some cores), within its cgroup's
    CPU limit (a fraction when the limit is one: 0.6 core)."""
    try:
        cores: float = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    quota = cpu_quota()
    return min(cores, quota) if quota else cores


def thread_cap() -> int | None:
    """`OMP_NUM_THREADS` when it is a positive count; None otherwise (OpenMP ignores other values too)."""
    raw = os.environ.get("OMP_NUM_THREADS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def _cores() -> int:
    return max(1, math.ceil(usable_cores()))


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
    # A host pinned to some cores or held to a CPU limit counts those (bench.cluster's simulated nodes).
    cores = usable_cores()
    return {"cpu_s": round(time.process_time(), 3), "cpus": int(cores) if cores == int(cores) else round(cores, 3)}


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
