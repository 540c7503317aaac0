"""The service on a Ray cluster (issue #18): scaling over simulated nodes, and recovery from a lost node.

Everything is real except the machines: `ray.cluster_utils.Cluster` starts a head and worker nodes on
this machine (each its own raylet), the hosts are `pipeline.cluster.ServiceHost` actors behind the
gateway (in this process), sessions go to a PostgreSQL server this bench starts (tests/pg_support.py),
and clients are `sinkscribe replay --connect --json` processes replaying different stretches of a
recording at real time.

- **Scale** (`--scale`): the same S streams on 1, 2 and 3 hosts (`--nodes`). A simulated node is a CPU
  quota, `--node-share` of a core (0.6 by default: three nodes take 1.8 of this machine's 2 cores): each
  host joins a cgroup of its own with that quota before it starts its stages, which inherit it, and its
  stages size their threads and report their load by it (pipeline/threads.py, as in a container with a
  CPU limit). Needs a writable cgroup CPU controller (root); `--pin` instead pins each host to a core of
  its own (1 and 2 nodes only: the way of stop 27). Per stream, caption latency of every committed word
  (median, p95; as bench.concurrency) and words committed. What it can show: how the same streams fare
  as nodes of a fixed size are added, and where the gateway places them. What it cannot: network latency
  between machines, PostgreSQL over a network, or memory bandwidth and caches per machine (the nodes
  share them); the clients' captures, the gateway, Ray's raylets and PostgreSQL run outside the quotas,
  in the 0.2 core left.
- **Recovery** (`--recovery`): 2 hosts on 3 worker nodes, 2 streams; once stream `r0` has stored a few
  segments, the node of its host is removed (raylet and every process on it killed). Read from the store
  afterwards: the last segment of `r0` stored before the removal, the first stored after it, the first
  rolling summary after it (recovery time = that summary minus that last segment, as issue #18 defines
  it), segments lost (numbers missing from 0..last: target 0), and whether the other stream ended well.

    python -m bench.cluster                     # both parts, smollm2-135m, JSON in bench/results/cluster.json
    python -m bench.cluster --recovery --repeats 3
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.asr import free_ports
from bench.concurrency import ROOT, Proc, clips, finish, five_free_ports, latencies
from pipeline.runner import StopFlag
from pipeline.threads import CGROUP_ROOT

log = logging.getLogger("bench.cluster")


class CpuNodes:
    """`count` cgroups of `share` cores each under a folder of their own (cgroup v1's cpu controller or
    v2's), removed by `close` once their processes are gone."""

    def __init__(self, count: int, share: float) -> None:
        root = CGROUP_ROOT  # where pipeline/threads.py reads the limits back
        controllers = root / "cgroup.controllers"
        if (root / "cpu" / "cpu.cfs_quota_us").exists():
            self.kind, parent = "v1", root / "cpu"
        elif controllers.exists() and "cpu" in controllers.read_text(errors="replace").split():
            self.kind, parent = "v2", root
            if "cpu" not in (root / "cgroup.subtree_control").read_text(errors="replace").split():
                raise RuntimeError("cgroup v2 without the cpu controller delegated at its root (cgroup.subtree_control): use --pin")
        else:
            raise RuntimeError("no cgroup CPU controller under /sys/fs/cgroup: use --pin")
        self.base = parent / f"sinkscribe-bench-{os.getpid()}"
        try:
            self.base.mkdir()
            if self.kind == "v2":
                (self.base / "cgroup.subtree_control").write_text("+cpu")
            self.paths = []
            for i in range(count):
                node = self.base / f"node{i + 1}"
                node.mkdir()
                if self.kind == "v1":
                    (node / "cpu.cfs_quota_us").write_text(str(int(share * 100_000)))
                    (node / "cpu.cfs_period_us").write_text("100000")
                else:
                    (node / "cpu.max").write_text(f"{int(share * 100_000)} 100000")
                self.paths.append(str(node))
        except OSError as exc:
            self.close()
            raise RuntimeError(f"cannot make CPU-quota cgroups in {parent} ({exc.strerror or exc}; root is needed): "
                               "use --pin") from None
        self.parent = parent

    def close(self) -> None:
        if not self.base.exists():
            return
        for node in sorted(self.base.glob("node*")):
            for attempt in range(50):  # a host's processes may take a moment to exit after Ray's shutdown
                try:
                    node.rmdir()
                    break
                except OSError:
                    if attempt == 25:  # still there: whatever outlived Ray goes back to the root cgroup
                        for pid in (node / "cgroup.procs").read_text().split():
                            try:
                                (self.base.parent / "cgroup.procs").write_text(pid)
                            except OSError:
                                pass  # exited meanwhile
                    time.sleep(0.2)
            else:
                log.warning("could not remove %s (processes still in it)", node)
        try:
            self.base.rmdir()
        except OSError:
            log.warning("could not remove %s", self.base)


class Rig:
    """A Ray cluster of `nodes` worker nodes, `hosts` hosts, and the gateway, until closed."""

    def __init__(self, cfg, nodes: int, hosts: int, max_streams: int, cpus: list[tuple[int, ...]] | None,  # noqa: ANN001
                 cpu_groups: list[str] | None = None) -> None:  # fmt: skip
        import ray
        from ray.cluster_utils import Cluster

        from pipeline.cluster import HOST_RESOURCE, RayHosts
        from pipeline.gateway import Gateway, GatewaySettings

        self.ray = ray
        self.cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "object_store_memory": 80 * 2**20})
        self.workers = [self.cluster.add_node(num_cpus=1, resources={HOST_RESOURCE: 1}, object_store_memory=80 * 2**20)
                        for _ in range(nodes)]  # fmt: skip
        ray.init(address=self.cluster.address, namespace="sinkscribe-bench", log_to_driver=False)
        self.pool = RayHosts(cfg, hosts, max_streams, bind="127.0.0.1", cpus=cpus, cpu_groups=cpu_groups)
        self.address = f"tcp://127.0.0.1:{five_free_ports()}"
        self.gateway = Gateway(cfg, self.address, self.pool, GatewaySettings(refresh_s=0.5, max_streams=max_streams))
        self.stop = StopFlag()
        self.thread = threading.Thread(target=self.gateway.serve, args=(self.stop,), daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 600
        while sum(h["live"] for h in self.gateway.status()["hosts"].values()) < hosts:
            if time.monotonic() > deadline:
                status = self.gateway.status()
                self.close()  # Ray's processes and the gateway's ports do not outlive a failed start
                raise RuntimeError(f"hosts not up: {status}")
            time.sleep(0.5)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        self.pool.shutdown()
        self.ray.shutdown()
        self.cluster.shutdown()


def store_rows(url: str, session: str) -> tuple[list[tuple[int, float]], list[float]]:
    """(seq, stored at) of every segment and the wall time of every rolling summary, from the store."""
    import psycopg

    with psycopg.connect(url) as conn:
        segs = conn.execute("SELECT seq, stored FROM sinkscribe.segments WHERE session = %s ORDER BY seq",
                            (session,)).fetchall()  # fmt: skip
        sums = conn.execute("SELECT wall FROM sinkscribe.summaries WHERE session = %s ORDER BY id", (session,)).fetchall()
    return [(int(a), float(b)) for a, b in segs], [float(w) for (w,) in sums]


def app_config(url: str, every_s: float):  # noqa: ANN201
    from stages.settings import AppConfig, SummarizeConfig

    cfg = AppConfig(heartbeat_s=0.5)
    return dataclasses.replace(cfg, summarize=dataclasses.replace(SummarizeConfig(), store=url, summary_every_s=every_s))


def run_scale(url: str, files: list[Path], hosts: int, folder: Path, timeout_s: float, every_s: float,
              share: float | None) -> dict:  # fmt: skip
    """The streams on `hosts` hosts, each held to `share` of a core (a cgroup quota) or, with None, pinned
    to a core of its own."""
    groups = CpuNodes(hosts, share) if share else None
    cpus = None if groups else [(i % os.cpu_count(),) for i in range(hosts)]
    try:
        rig = Rig(app_config(url, every_s), nodes=hosts, hosts=hosts, max_streams=len(files), cpus=cpus,
                  cpu_groups=groups.paths if groups else None)  # fmt: skip
    except BaseException:
        if groups:
            groups.close()
        raise
    try:
        t0 = time.monotonic()
        clients = [Proc("replay", str(f), "--connect", rig.address, "--stream", f"h{hosts}s{i}", "--json",
                        home=folder, tag=f"h{hosts}c{i}") for i, f in enumerate(files)]  # fmt: skip
        results = finish(clients, timeout_s)
        wall = time.monotonic() - t0
        placed = rig.gateway.status()
    finally:
        rig.close()
        if groups:
            groups.close()
    return {"hosts": hosts, "cpus": cpus, "node_share": share, "wall_s": round(wall, 1), "hosts_used": placed["hosts"],
            "streams": [latencies(out) | {"exit": code, "error": (err.strip().splitlines() or [""])[-1] if code else ""}
                        for code, out, err in results]}  # fmt: skip


def run_recovery(url: str, files: list[Path], folder: Path, timeout_s: float, every_s: float, tag: str) -> dict:
    rig = Rig(app_config(url, every_s), nodes=3, hosts=2, max_streams=2, cpus=None)
    try:
        names = [f"{tag}r0", f"{tag}r1"]
        clients = [Proc("replay", str(f), "--connect", rig.address, "--stream", n, "--json", home=folder, tag=n)
                   for f, n in zip(files, names, strict=True)]  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while stored(url, names[0]) < 4:  # a few segments in: then its host's node goes
            if time.monotonic() > deadline or clients[0].proc.poll() is not None:
                raise RuntimeError("the stream stored nothing")
            time.sleep(0.2)
        lost = rig.gateway.status()["streams"][names[0]]
        node = next(w for w in rig.workers if w.node_id == rig.pool.nodes[lost])
        killed_at = time.time()
        rig.cluster.remove_node(node)
        results = finish(clients, timeout_s)
        status = rig.gateway.status()
    finally:
        rig.close()
    segs, sums = store_rows(url, names[0])
    before = [t for _, t in segs if t <= killed_at]
    after = [t for _, t in segs if t > killed_at]
    sums_after = [w for w in sums if w > killed_at]
    seqs = [s for s, _ in segs]
    return {
        "killed_after_segments": len(before),
        "last_segment_before_s": round(killed_at - max(before), 2) if before else None,  # before the removal
        "first_segment_after_s": round(min(after) - killed_at, 2) if after else None,
        "first_summary_after_s": round(min(sums_after) - killed_at, 2) if sums_after else None,
        "recovery_s": round(min(sums_after) - max(before), 2) if sums_after and before else None,
        "segments": len(segs), "segments_lost": (max(seqs) + 1 - len(seqs)) if seqs else None,
        "hosts_lost": status["hosts_lost"], "moved": status["moved"],
        "clients_exit": [code for code, _, _ in results],
        "moved_stream_words": latencies(results[0][1])["words"],
    }  # fmt: skip


def stored(url: str, session: str) -> int:
    """Segments of `session` in the store so far (0 before summarize made its tables)."""
    import psycopg

    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('sinkscribe.segments')").fetchone()[0] is None:
            return 0
        return conn.execute("SELECT count(*) FROM sinkscribe.segments WHERE session = %s", (session,)).fetchone()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", action="store_true", help="only the scaling part")
    parser.add_argument("--recovery", action="store_true", help="only the recovery part")
    parser.add_argument("--streams", type=int, default=3, help="streams in the scaling part")
    parser.add_argument("--nodes", default="1,2,3", help="node counts in the scaling part, comma-separated")
    parser.add_argument("--node-share", type=float, default=0.6, help="cores per simulated node (a cgroup CPU quota)")
    parser.add_argument("--pin", action="store_true", help="a node is a core of its own instead of a quota (stop 27's way)")
    parser.add_argument("--seconds", type=float, default=40.0, help="audio per stream (scaling)")
    parser.add_argument("--recovery-seconds", type=float, default=60.0, help="audio per stream (recovery)")
    parser.add_argument("--repeats", type=int, default=2, help="node losses (recovery)")
    parser.add_argument("--summary-every", type=float, default=20.0, help="summarize.summary_every_s (audio s)")
    parser.add_argument("--source", type=Path, default=ROOT / "samples" / "meeting.ogg")
    parser.add_argument("--preset", default="smollm2-135m")
    parser.add_argument("--timeout", type=float, default=600.0, help="per run")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "cluster.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        counts = [int(n) for n in args.nodes.split(",")]
    except ValueError:
        parser.error(f"--nodes must be counts separated by commas, got {args.nodes!r}")
    if any(n < 1 for n in counts) or (args.pin and max(counts) > (os.cpu_count() or 1)):
        parser.error(f"--nodes {args.nodes}: at least 1 each, and with --pin at most {os.cpu_count()} (a core each)")
    if not args.pin and not 0.05 <= args.node_share * max(counts) <= (os.cpu_count() or 1):
        parser.error(f"--node-share {args.node_share} x {max(counts)} nodes must fit in {os.cpu_count()} cores")
    os.environ["SINKSCRIBE_MODEL"] = args.preset  # the hosts' language model (the default config's preset)
    both = not (args.scale or args.recovery)
    report: dict = {"command": "python -m bench.cluster " + " ".join(argv if argv is not None else sys.argv[1:]),
                    "preset": args.preset, "cpus": os.cpu_count(), "load_before": os.getloadavg(),
                    "scale": [], "recovery": []}  # fmt: skip

    def save() -> None:
        report["load_after"] = os.getloadavg()
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")

    from tests.pg_support import start_server

    server = start_server(free_ports(1)[0])
    pg = next(server)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
            folder = Path(tmp)
            if both or args.scale:
                files = clips(args.source, args.streams, args.seconds, folder)
                for hosts in counts:
                    log.info("scale: %d streams on %d hosts ...", args.streams, hosts)
                    result = run_scale(pg.url(pg.new_database()), files, hosts, folder, args.timeout, args.summary_every,
                                       None if args.pin else args.node_share)  # fmt: skip
                    log.info("scale: %s", json.dumps(result))
                    report["scale"].append(result)
                    save()
            if both or args.recovery:
                (folder / "r").mkdir()
                files = clips(args.source, 2, args.recovery_seconds, folder / "r")
                for i in range(args.repeats):
                    log.info("recovery %d ...", i + 1)
                    result = run_recovery(pg.url(pg.new_database()), files, folder, args.timeout, args.summary_every, f"k{i}")
                    log.info("recovery: %s", json.dumps(result))
                    report["recovery"].append(result)
                    save()
    finally:
        next(server, None)  # stops the server
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
