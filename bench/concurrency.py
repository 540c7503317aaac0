"""Many live streams: one `sinkscribe serve` against separate single-stream pipelines (issue #16).

For each count N (default 1, 2, 4) N different stretches of a recording are replayed at real time, at
once, (a) as N `replay --connect` clients of one service (`serve --max-streams N`: one Whisper, one
language model) and (b) as N separate `replay` pipelines (today's way: N of each model). Per stream:
caption latency of every committed word (`segment.wall - (word.end + segment.clock)`, PROTOCOL.md
section 3), median and p95, and words committed; per mode: the peak resident memory of all the stage
processes together (sampled every 0.5 s from /proc), and the wall time until every client ended.

    python -m bench.concurrency                       # 1, 2, 4 streams of 40 s, smollm2-135m
    python -m bench.concurrency --streams 1,2 --seconds 30 --json bench/results/concurrency.json
    python -m bench.concurrency --json bench/results/concurrency.json --plot-only   # the PNG beside it

The language model matters little to caption latency but shares the cores; the default is the test
model so the run stays within minutes. Numbers depend on what else the machine runs: the JSON records
the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from bench.asr import free_ports, percentile
from pipeline import config as config_io
from stages.settings import AppConfig, CaptureConfig, Endpoints

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("bench.concurrency")


def clips(source: Path, n: int, seconds: float, folder: Path) -> list[Path]:
    """N different stretches of `source` (spread over it), as WAV files."""
    import wave

    from pipeline.messages import SAMPLE_RATE
    from stages.audio_io import read_file

    audio = np.concatenate(list(read_file(source)))
    length = int(seconds * SAMPLE_RATE)
    step = max(0, (len(audio) - length) // max(1, n - 1)) if n > 1 else 0
    out = []
    for i in range(n):
        piece = np.clip(audio[i * step : i * step + length], -1, 1)
        path = folder / f"clip{i}.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes((piece * 32767).astype("<i2").tobytes())
        out.append(path)
    return out


def five_free_ports() -> int:
    """A port P with P..P+4 free (a service's five sockets)."""
    import socket

    from bench.asr import PORT_BLOCK

    for _ in range(200):
        port = free_ports(1)[0]
        port -= port % PORT_BLOCK  # P..P+4 in one block of this worker's (bench.asr.free_ports)
        if port > 65000:
            continue
        ok = True
        for p in range(port, port + 5):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
                    break
        if ok:
            return port
    raise OSError("no five consecutive free ports")


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def rss_mb(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


class RssSampler(threading.Thread):
    """Peak total RSS of every process below `roots` (the stage processes), sampled every 0.5 s."""

    def __init__(self, roots: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots = roots
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            pids = [p for root in self.roots for p in descendants(root)]
            self.peak = max(self.peak, rss_mb(pids))


class Proc:
    """A `sinkscribe` command whose output goes to files (pipes would fill up and block it and the
    stages that inherit its stderr)."""

    def __init__(self, *args: str, home: Path, tag: str) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.out_path, self.err_path = home / f"{tag}.out", home / f"{tag}.err"
        env = os.environ | {"PYTHONPATH": str(ROOT), "SINKSCRIBE_HOME": str(home)}
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=env,
                                         stdout=out, stderr=err)  # fmt: skip
        self.pid = self.proc.pid

    def result(self) -> tuple[int, str, str]:
        return self.proc.returncode, self.out_path.read_text(), self.err_path.read_text()


def latencies(json_lines: str) -> dict:
    """Per-word commit latency from a client's `--json` output (its segments)."""
    values = []
    for line in json_lines.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("type") == "segment":
            values += [msg["wall"] - (w["end"] + msg["clock"]) for w in msg.get("words", [])]
    return {"words": len(values), "median_s": percentile(values, 50), "p95_s": percentile(values, 95)}


def finish(procs: list[Proc], timeout_s: float) -> list[tuple[int, str, str]]:
    deadline = time.monotonic() + timeout_s
    for p in procs:
        try:
            p.proc.wait(max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.proc.send_signal(signal.SIGINT)  # the run stops and flushes what it has
            try:
                p.proc.wait(60)
            except subprocess.TimeoutExpired:
                p.proc.kill()
                p.proc.wait()
    return [p.result() for p in procs]


SERVICE_SETTINGS: dict[str, object] = {}  # --set KEY=VALUE: the service's config (e.g. transcribe.decode_workers=4)


def run_shared(files: list[Path], preset: str, folder: Path, timeout_s: float) -> dict:
    address = f"tcp://127.0.0.1:{five_free_ports()}"
    home = folder / "shared"
    extra: list[str] = []
    if SERVICE_SETTINGS:
        path = folder / "service.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(config_io.dumps(config_io.load(AppConfig, None, dict(SERVICE_SETTINGS))))
        extra = ["--config", str(path)]
    service = Proc("serve", "--listen", address, "--max-streams", str(len(files)), "--preset", preset,
                   "--idle", "120", *extra, home=home, tag="service")  # fmt: skip
    try:
        time.sleep(2.0)
        t0 = time.monotonic()
        clients = [Proc("replay", str(f), "--connect", address, "--stream", f"s{i}", "--json", home=home,
                        tag=f"client{i}") for i, f in enumerate(files)]  # fmt: skip
        # The stages: the service's transcribe and summarize, and each client's capture.
        sampler = RssSampler([service.pid, *(c.pid for c in clients)])
        sampler.start()
        results = finish(clients, timeout_s)
        wall = time.monotonic() - t0
        sampler.done.set()
        sampler.join()
    finally:
        service.proc.send_signal(signal.SIGINT)
        try:
            service.proc.wait(60)
        except subprocess.TimeoutExpired:
            service.proc.kill()
    return {"wall_s": wall, "rss_peak_mb": round(sampler.peak, 1),
            "streams": [latencies(out) | {"exit": code, "error": (err.strip().splitlines() or [""])[-1] if code else ""}
                        for code, out, err in results]}  # fmt: skip


def run_separate(files: list[Path], preset: str, folder: Path, timeout_s: float) -> dict:
    home = folder / "separate"
    folder.mkdir(parents=True, exist_ok=True)
    procs = []
    for i, f in enumerate(files):
        names = ("audio", "transcript", "captions", "summary", "requests")
        ports = free_ports(len(names))
        endpoints = Endpoints(**{n: f"tcp://127.0.0.1:{p}" for n, p in zip(names, ports, strict=True)})
        cfg_path = folder / f"separate{i}.toml"
        cfg_path.write_text(config_io.dumps(AppConfig(stream=f"s{i}", endpoints=endpoints,
                                                      capture=CaptureConfig(source=str(f)))))  # fmt: skip
        procs.append(Proc("replay", str(f), "--config", str(cfg_path), "--preset", preset, "--json", home=home,
                          tag=f"replay{i}"))
    sampler = RssSampler([p.pid for p in procs])
    sampler.start()
    t0 = time.monotonic()
    results = finish(procs, timeout_s)
    wall = time.monotonic() - t0
    sampler.done.set()
    sampler.join()
    return {"wall_s": wall, "rss_peak_mb": round(sampler.peak, 1),
            "streams": [latencies(out) | {"exit": code, "error": (err.strip().splitlines() or [""])[-1] if code else ""}
                        for code, out, err in results]}  # fmt: skip


def plot(report: dict, png: Path) -> None:
    """Caption latency (each stream's median and p95) and peak memory against the stream count, one
    service beside separate pipelines, with the single-stream targets drawn in."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (lat, mem) = plt.subplots(1, 2, figsize=(11, 4.2))
    styles = {"shared": ("tab:blue", "one service"), "separate": ("tab:orange", "separate pipelines")}
    for mode, (colour, name) in styles.items():
        runs = sorted((r for r in report["runs"] if r["mode"] == mode), key=lambda r: r["count"])
        for k, r in enumerate(runs):
            shift = -0.08 if mode == "shared" else 0.08
            xs = [r["count"] + shift] * len(r["streams"])
            lat.scatter(xs, [s["median_s"] for s in r["streams"]], color=colour, marker="o",
                        label=f"{name}: median" if k == 0 else None)  # fmt: skip
            lat.scatter(xs, [s["p95_s"] for s in r["streams"]], color=colour, marker="^", facecolors="none",
                        label=f"{name}: p95" if k == 0 else None)  # fmt: skip
        mem.plot([r["count"] for r in runs], [r["rss_peak_mb"] for r in runs], "o-", color=colour, label=name)
    lat.axhline(2.5, color="grey", linestyle="--", linewidth=0.8, label="target median 2.5 s")
    lat.axhline(5.0, color="grey", linestyle=":", linewidth=0.8, label="target p95 5 s")
    lat.set_yscale("log")
    lat.set_xlabel("concurrent real-time streams")
    lat.set_ylabel("caption latency per word (s)")
    lat.legend(fontsize=7)
    mem.set_xlabel("concurrent real-time streams")
    mem.set_ylabel("peak RSS of all stage processes (MB)")
    mem.legend(fontsize=8)
    counts = sorted({r["count"] for r in report["runs"]})
    for ax in (lat, mem):
        ax.set_xticks(counts)
    fig.suptitle(f"{report['command']}  (load before {report['load_before'][0]:.1f})", fontsize=8)
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", default="1,2,4", help="stream counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=40.0, help="audio per stream")
    parser.add_argument("--source", type=Path, default=ROOT / "samples" / "meeting.ogg")
    parser.add_argument("--preset", default="smollm2-135m")
    parser.add_argument("--timeout", type=float, default=600.0, help="per run")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "concurrency.json")
    parser.add_argument("--plot-only", action="store_true", help="draw the PNG of an existing --json, run nothing")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a config setting of the service (one service, not the separate pipelines)")
    parser.add_argument("--only", choices=("shared", "separate"), help="run one mode only")
    args = parser.parse_args(argv)
    SERVICE_SETTINGS.update(config_io.parse_overrides(args.set))
    png = args.json.with_suffix(".png")
    if args.plot_only:
        plot(json.loads(args.json.read_text()), png)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    counts = [int(c) for c in args.streams.split(",")]
    report: dict = {"command": "python -m bench.concurrency " + " ".join(argv if argv is not None else sys.argv[1:]),
                    "source": str(args.source.relative_to(ROOT) if args.source.is_relative_to(ROOT) else args.source),
                    "seconds": args.seconds, "preset": args.preset, "cpus": os.cpu_count(),
                    "service_settings": dict(SERVICE_SETTINGS), "load_before": os.getloadavg(), "runs": []}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="concurrency-") as tmp:
        folder = Path(tmp)
        for n in counts:
            files = clips(args.source, n, args.seconds, folder)
            for mode, run in (("shared", run_shared), ("separate", run_separate)):
                if args.only and mode != args.only:
                    continue
                log.info("%d streams, %s ...", n, mode)
                result = run(files, args.preset, folder / f"{mode}{n}", args.timeout)
                log.info("%d streams, %s: %s", n, mode, json.dumps(result))
                report["runs"].append({"count": n, "mode": mode} | result)
                report["load_after"] = os.getloadavg()
                args.json.parent.mkdir(parents=True, exist_ok=True)
                args.json.write_text(json.dumps(report, indent=2) + "\n")  # after every run: partial is kept
    plot(report, png)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
