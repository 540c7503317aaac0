"""TOML config: presets load; unknown or mistyped keys are one-line errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import config as config_io
from pipeline.errors import ConfigError
from stages.settings import AppConfig

CONFIGS = sorted((Path(__file__).resolve().parent.parent / "configs").glob("*.toml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_preset_loads(path):
    cfg = config_io.load(AppConfig, path)
    assert isinstance(cfg, AppConfig)


def test_defaults_without_a_file():
    cfg = config_io.load(AppConfig)
    assert cfg.capture.source == "mic" and cfg.transcribe.model == "tiny.en"
    assert cfg.endpoints.audio.startswith("tcp://127.0.0.1:")  # loopback by default


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[capture]\nspead = 2.0\n", r"unknown config key capture\.spead \(did you mean capture\.speed\?\)"),
        ("[captur]\nspeed = 2.0\n", r"unknown config key captur \(did you mean capture\?\)"),
        ("[capture]\nspeed = \"fast\"\n", r"capture\.speed: expected a number, got 'fast'"),
        ("[capture]\nchunk_ms = 1.5\n", r"capture\.chunk_ms: expected an integer"),
        ("[transcribe]\npartials = 1\n", r"transcribe\.partials: expected true or false"),
        ("capture = 3\n", r"capture: expected a table"),
        ("[capture]\nspeed = -1.0\n", r"capture: speed must be >= 0"),
        ("[transcribe]\nencoder_pad_s = 40.0\n", r"transcribe: encoder_pad_s must be 0\.\.30"),
        ("[transcribe]\ncommit_min_prob = 1.5\n", r"transcribe: commit_min_prob must be in \[0, 1\)"),
        ("[summarize]\nnice = 20\n", r"summarize: nice must be 0\.\.19"),
        ("[transcribe]\ncommit_doubt_agreement = 1\n", r"transcribe: commit_doubt_agreement must be >= 2"),
        ("[transcribe]\ncommit_doubt_prob = -0.1\n", r"transcribe: commit_doubt_prob must be in \[0, 1\)"),
        ("[endpoints]\naudio = \"localhost:5550\"\n", r"is not a ZeroMQ endpoint"),
        ("[capture\n", r"invalid TOML"),
        ("stream = \"positions\"\n", r"stream id 'positions' is a key of transcribe's heartbeat"),
    ],
)
def test_bad_config_is_one_line_naming_the_key(tmp_path, toml, message):
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message) as info:
        config_io.load(AppConfig, path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        config_io.load(AppConfig, tmp_path / "nope.toml")


def test_overrides_and_round_trip_through_toml(tmp_path):
    cfg = config_io.load(AppConfig, None, {"capture.speed": 0.0, "capture.source": "x.wav", "stream": "t"})
    assert cfg.capture.speed == 0.0 and cfg.stream == "t"
    path = tmp_path / "out.toml"
    path.write_text(config_io.dumps(cfg))
    assert config_io.load(AppConfig, path) == cfg


def test_threads_auto_stays_within_omp_num_threads(monkeypatch):
    """0 (auto) means half the cores beside another stage and every core alone, never more than the
    OMP_NUM_THREADS a shared machine or CI sets, nor more than the cores; a number in the config is
    taken as it is."""
    from pipeline import threads
    from stages.settings import auto_threads, model_threads

    monkeypatch.setattr(threads, "usable_cores", lambda: 16)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert threads.thread_cap() is None and threads.all_threads(0) == 16 and auto_threads(0) == 8
    assert model_threads(0) == 16  # the language model takes what Whisper leaves idle (settings.py)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert threads.thread_cap() == 3 and threads.all_threads(0) == 3 and auto_threads(0) == 3
    monkeypatch.setenv("OMP_NUM_THREADS", "64")  # a cap above the cores is no reason for more threads
    assert threads.all_threads(0) == 16 and auto_threads(0) == 8
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert threads.all_threads(5) == 5 and auto_threads(5) == 5  # the config's own number wins
    monkeypatch.setenv("OMP_NUM_THREADS", "lots")  # not a count: ignored, as OpenMP ignores it
    assert threads.thread_cap() is None and threads.all_threads(0) == 16


def _cgroup(folder, kind: str, quota: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "v2":
        (folder / "cpu.max").write_text(quota)
    else:
        us, period = quota.split()
        (folder / "cpu.cfs_quota_us").write_text(us)
        (folder / "cpu.cfs_period_us").write_text(period)


def test_a_cpu_limit_is_read_from_the_process_s_cgroup_and_its_parents(tmp_path):
    """A container's CPU limit (and bench.cluster's simulated nodes) is a cgroup quota, not fewer cores:
    os.cpu_count() still says every core of the machine. The tightest limit on the way up binds; none,
    "max" or -1 is no limit; a file that cannot be read is no limit either."""
    from pipeline import threads

    v2, v1 = tmp_path / "v2", tmp_path / "v1"
    _cgroup(v2 / "pods/pod1", "v2", "max 100000")
    _cgroup(v2 / "pods", "v2", "150000 100000")
    (tmp_path / "self_v2").write_text("0::/pods/pod1\n")
    assert threads.cpu_quota(v2, tmp_path / "self_v2") == 1.5
    _cgroup(v1 / "cpu,cpuacct/bench/node1", "v1", "60000 100000")
    _cgroup(v1 / "cpu,cpuacct", "v1", "-1 100000")
    (tmp_path / "self_v1").write_text("4:memory:/x\n3:cpu,cpuacct:/bench/node1\n")
    assert threads.cpu_quota(v1, tmp_path / "self_v1") == 0.6
    (tmp_path / "self_free").write_text("3:cpu,cpuacct:/\n")
    assert threads.cpu_quota(v1, tmp_path / "self_free") is None
    assert threads.cpu_quota(v1, tmp_path / "missing") is None


def test_a_process_held_to_a_fraction_of_a_core_counts_it(monkeypatch):
    """Under a 0.6-core limit a stage runs one thread and its service heartbeat says 0.6 cores, so that a
    gateway judges the host's load against what it may use (pipeline/gateway.py)."""
    from pipeline import threads

    monkeypatch.setattr(threads, "cpu_quota", lambda: 0.6)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert threads.usable_cores() == 0.6 and threads.all_threads(0) == 1 and threads.half_threads(0) == 1
    assert threads.host_load()["cpus"] == 0.6
    monkeypatch.setattr(threads, "cpu_quota", lambda: None)
    assert threads.host_load()["cpus"] == len(__import__("os").sched_getaffinity(0))


def test_a_child_in_a_real_cpu_limited_cgroup_sees_its_limit(tmp_path):
    """The real kernel interface: a process moved into a cgroup with a 0.6-core quota reads 0.6, sizes its
    model runtime to one thread and reports 0.6 cores (cgroup v1's cpu controller, or v2's)."""
    import os
    import subprocess
    import sys

    from bench.cluster import CpuNodes

    try:
        nodes = CpuNodes(1, 0.6)
    except RuntimeError as exc:
        pytest.skip(f"no writable cgroup CPU controller here: {exc}")
    try:
        code = ("import os, pathlib, sys; pathlib.Path(sys.argv[1], 'cgroup.procs').write_text(str(os.getpid())); "
                "from pipeline import threads as t; print(t.cpu_quota(), t.all_threads(0), t.host_load()['cpus'])")
        out = subprocess.run([sys.executable, "-c", code, nodes.paths[0]], capture_output=True, text=True, timeout=60,
                             cwd=os.path.dirname(os.path.dirname(__file__)), check=True).stdout.split()  # fmt: skip
        assert out == ["0.6", "1", "0.6"]
    finally:
        nodes.close()
    assert not nodes.base.exists()


def test_a_stage_at_lower_priority_starts_its_threads_there():
    """`summarize.nice`: the process lowers its own priority first thing, and the threads it starts after
    (the model runtime's pool) run at it too; it is never raised back (only root may). In a child, so the
    test run keeps its own priority."""
    import subprocess
    import sys

    code = (
        "import os, threading\n"
        "from pipeline.threads import lower_priority\n"
        "seen = []\n"
        "first = lower_priority(7)\n"
        "again = lower_priority(3)\n"
        "t = threading.Thread(target=lambda: seen.append(os.getpriority(os.PRIO_PROCESS, 0)))\n"
        "t.start(); t.join()\n"
        "print(first, again, seen[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])  # fmt: skip
    assert out.stdout.split() == ["7", "7", "7"]
