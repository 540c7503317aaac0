"""The service on a real Ray cluster: `ray.cluster_utils.Cluster` starts a head and three worker nodes on
this machine (each its own raylet and worker processes), the hosts are `pipeline.cluster.ServiceHost`
actors (real Whisper tiny.en, the real smollm2-135m), sessions go to a real PostgreSQL server
(tests/pg_support.py), clients are real `sinkscribe replay --connect` processes talking to the gateway.

Two streams are spread over the two hosts; the node holding one of them is removed mid-stream. The
gateway keeps serving, the stream moves to the other host, nothing stored is lost or stored twice
(the segment numbers run on without a gap), the words spoken after the loss are transcribed there, the
stream's final summary arrives, and the other stream never notices. Ray restarts the lost host on the
spare node."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from bench.concurrency import five_free_ports
from pipeline.messages import SAMPLE_RATE
from pipeline.runner import StopFlag
from tests.conftest import ROOT, espeak, free_port, read_all, write_audio
from tests.test_summarize_stage import SMALL

FIRST = ("The pottery studio opens on Monday. Mirela ordered forty bags of porcelain clay and two new kilns. "
         "The glaze shelves go along the north wall, and the wheel room gets six wheels.")  # fmt: skip
LAST = ("After lunch we moved to the harbour project. The lighthouse keeper wants copper lanterns, the "
        "ferry timetable changes in August, and Gustavo will paint the boathouse doors turquoise.")  # fmt: skip
OTHER = "The orchard harvest starts next week. Anneliese will count the apple crates and the pear baskets."
LAST_WORDS = {"lighthouse", "lanterns", "ferry", "timetable", "boathouse", "turquoise", "harbour", "copper"}


def _cli(*args: str, home: Path) -> subprocess.Popen:
    env = os.environ | {"PYTHONPATH": str(ROOT), "SINKSCRIBE_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip


def _words(text: str) -> set[str]:
    return {w.strip(".,;:!?'\"()[]").lower() for w in text.split()}


def _segments(pg_url: str, session: str) -> list[tuple[int, str]]:
    import psycopg

    with psycopg.connect(pg_url) as conn:
        try:
            rows = conn.execute("SELECT seq, text FROM sinkscribe.segments WHERE session = %s ORDER BY seq",
                                (session,)).fetchall()  # fmt: skip
        except psycopg.errors.UndefinedTable:
            return []
    return [(int(seq), str(text)) for seq, text in rows]


def _until(predicate, timeout_s: float, what: str, *procs: subprocess.Popen, state=None):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = predicate()
        if got:
            return got
        for proc in procs:
            if proc.poll() is not None:
                raise AssertionError(f"{what}: a client ended early:\n{proc.stderr.read()[-3000:]}")
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {timeout_s:.0f} s{(': ' + str(state())) if state else ''}")


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cluster")
    pause = np.zeros(6 * SAMPLE_RATE, np.float32)  # the first part's end is committed before the second starts
    main = [read_all(espeak(FIRST, folder / "first.wav")), pause, read_all(espeak(LAST, folder / "last.wav", "en-us+m3")),
            np.zeros(3 * SAMPLE_RATE, np.float32)]  # fmt: skip
    other = [read_all(espeak(OTHER, folder / "other.wav", "en-us+f2")), np.zeros(40 * SAMPLE_RATE, np.float32)]
    return {"main": write_audio(folder / "main.wav", np.concatenate(main)),
            "other": write_audio(folder / "other_stream.wav", np.concatenate(other))}  # fmt: skip


@pytest.mark.slow
def test_a_lost_node_moves_its_stream_to_another_host_and_nothing_stored_is_lost(app_config, pg_url, tmp_path,
                                                                                  recordings):  # fmt: skip
    import ray  # `make test` installs it (the dev extra); a missing one is a failure, not a skip
    from ray.cluster_utils import Cluster

    from pipeline.cluster import HOST_RESOURCE, RayHosts
    from pipeline.gateway import Gateway, GatewaySettings

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "object_store_memory": 80 * 2**20})
    workers = [cluster.add_node(num_cpus=1, resources={HOST_RESOURCE: 1}, object_store_memory=80 * 2**20)
               for _ in range(3)]  # fmt: skip
    cfg = app_config(summarize=dataclasses.replace(SMALL, summary_every_s=0.0, store=pg_url))
    clients: list[subprocess.Popen] = []
    stop = StopFlag()
    pool = gateway = None
    try:
        ray.init(address=cluster.address, namespace="sinkscribe-test", log_to_driver=False)
        pool = RayHosts(cfg, 2, max_streams=2, bind="127.0.0.1")
        address = f"tcp://127.0.0.1:{five_free_ports()}"  # the gateway's five ports
        gateway = Gateway(cfg, address, pool, GatewaySettings(refresh_s=0.5, max_streams=2))
        thread = threading.Thread(target=gateway.serve, args=(stop,), daemon=True)
        thread.start()
        _until(lambda: len(gateway.status()["hosts"]) == 2 and all(h["live"] for h in gateway.status()["hosts"].values()),
               300, "two live hosts")  # fmt: skip
        assert len(set(pool.nodes.values())) == 2  # one host per node that offers the resource

        home = tmp_path / "home"
        main = _cli("--log-level", "info", "replay", str(recordings["main"]), "--connect", address, "--stream", "main", home=home)
        other = _cli("replay", str(recordings["other"]), "--connect", address, "--stream", "other", home=home)
        clients += [main, other]
        placed = _until(lambda: (s := gateway.status()["streams"]).get("main") and s.get("other") and s, 120,
                        "both streams placed", main, other)  # fmt: skip
        assert placed["main"] != placed["other"]  # the least-loaded host takes the second stream

        # The first part is stored; then the node of the host holding `main` goes.
        _until(lambda: len(_segments(pg_url, "main")) >= 2, 180, "the first segments stored", main)
        lost_host = placed["main"]
        node = next(w for w in workers if w.node_id == pool.nodes[lost_host])
        cluster.remove_node(node)
        lost_address = gateway.status()["hosts"][lost_host]["address"]
        # To the other host, or to the same host name restarted by Ray at another address (if it is up first).
        _until(lambda: gateway.counters.moved >= 1, 60, "the stream moved", main, state=gateway.status)
        moved_to = gateway.status()["streams"].get("main")
        assert moved_to and gateway.status()["hosts"][moved_to]["address"] != lost_address

        out, err = main.communicate(timeout=600)
        assert main.returncode == 0, err[-4000:]
        assert "FINAL SUMMARY of stream main" in out, out[-3000:]
        rows = _segments(pg_url, "main")
        assert [seq for seq, _ in rows] == list(range(len(rows)))  # no gap: nothing stored was lost
        stored = " ".join(text for _, text in rows)
        assert len(_words(stored) & LAST_WORDS) >= 3, stored  # said after the loss, transcribed by the survivor
        # The client's capture saw another transcribe on its stream and sent again from where it resumes.
        assert "capture: transcribe restarted at" in err and "no longer kept" not in err, err[-3000:]
        status = gateway.status()
        assert status["hosts_lost"] >= 1 and status["moved"] >= 1, status

        # `sinkscribe cluster status` reads the gateway's heartbeat, as an operator would.
        shown = _cli("cluster", "status", "--connect", address, "--json", home=home)
        out, err = shown.communicate(timeout=60)
        assert shown.returncode == 0, err
        beat = json.loads(out)
        assert beat["hosts_lost"] >= 1 and beat["moved"] >= 1 and set(beat["hosts"]) == {"host-1", "host-2"}
        assert "main" not in beat["streams"]  # ended: no longer counted as a host's load
        # Each host's load is measured from its stages' CPU time (placement uses it): the survivor works.
        assert all(h["cpus"] >= 1 for h in beat["hosts"].values())
        assert any(h["load"] > 0 for h in beat["hosts"].values() if h["live"]), beat["hosts"]

        out, err = other.communicate(timeout=300)
        assert other.returncode == 0 and "FINAL SUMMARY of stream other" in out, err[-3000:]
        # Ray restarts the lost host on the spare node; the gateway takes it in.
        _until(lambda: sum(h["live"] for h in gateway.status()["hosts"].values()) == 2, 300, "the host restarted")
        assert len(set(pool.nodes.values())) == 2 and node.node_id not in pool.nodes.values()
    finally:
        stop.set()
        for proc in clients:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        if pool is not None:
            pool.shutdown()
        ray.shutdown()
        cluster.shutdown()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("cluster", "up", "--listen", "udp://x:1"), "Error: address 'udp://x:1' must be tcp://HOST:PORT"),
        (("cluster", "up", "--ray", "127.0.0.1:{port}", "--insecure", "--listen", "tcp://127.0.0.1:{listen}"),
         "Error: cannot reach the Ray cluster at 127.0.0.1:{port}: Connection refused"),
        (("cluster", "up", "--ray", "127.0.0.1:{port}", "--listen", "tcp://127.0.0.1:{listen}"),
         "Error: hosts on other machines would listen beyond loopback without encryption"),
        (("cluster", "status", "--connect", "tcp://127.0.0.1:{port}", "--timeout", "1"),
         "Error: no gateway heartbeat from tcp://127.0.0.1:{summary} within 1 s (is `sinkscribe cluster up` running there?)"),
    ],
)  # fmt: skip
def test_cluster_commands_say_what_is_wrong_in_one_line(tmp_path, args, message):
    port, listen = free_port(), free_port()
    args = tuple(a.format(port=port, listen=listen) for a in args)
    proc = _cli(*args, home=tmp_path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and out == "" and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith(message.format(port=port, summary=port + 3)), err
