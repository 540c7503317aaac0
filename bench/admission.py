"""Admission by measured load on a real service (issue #16): streams arrive one after another, and the
service admits each while its language model has time for one more (`serve --admit-load`) and the live
streams' captions keep up (`serve --admit-lag`).

One `sinkscribe serve` (the given preset, loaded once) and clients replaying a recording at real time,
each started `--every` seconds after the previous one was admitted; the last client asks with `--wait`,
so it is admitted when a stream ends. Recorded: each client's admission or refusal (its one-line
message, with the figures it was judged on), the service heartbeat's `model_busy` shares and
`caption_p95_s` over time, and when each stream ended. The figures depend on the machine: the JSON records the load average.

    python -m bench.admission --json bench/results/admission.json
    python -m bench.admission --clients 3 --every 140 --repeat 2 --preset qwen2.5-coder-1.5b
    python -m bench.admission --clients 6 --every 75 --repeat 3 --preset smollm2-135m   # transcription's limit
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
from typing import Any

from bench.concurrency import five_free_ports
from pipeline import transport, wire
from pipeline.messages import Status

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("bench.admission")


def _cli(home: Path, *args: str) -> subprocess.Popen:
    env = os.environ | {"PYTHONPATH": str(ROOT), "SINKSCRIBE_HOME": str(home)}
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip


class Heartbeats(threading.Thread):
    """The service heartbeat's `model_busy` and `sessions`, with the time each was seen."""

    def __init__(self, endpoint: str, t0: float) -> None:
        super().__init__(daemon=True)
        import zmq

        sock = transport.open_socket(zmq.Context.instance(), "sub", endpoint, bind=False,
                                     subscribe=(wire.topic_prefix("status", "serve"),))  # fmt: skip
        self.inbox = transport.Receiver(sock, "service")
        self.t0 = t0
        self.seen: list[dict[str, Any]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            got = self.inbox.recv(timeout_s=1.0)
            if got is not None and isinstance(got[1], Status) and "model_busy" in got[1].counters:
                c = got[1].counters
                self.seen.append({"t": round(time.monotonic() - self.t0, 1), "sessions": c["sessions"],
                                  "model_busy": c["model_busy"], "caption_p95_s": c.get("caption_p95_s", {}),
                                  "refused": c["refused"]})  # fmt: skip
        self.inbox.sock.close(linger=0)

    def admitted(self, stream: str, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.seen and stream in self.seen[-1]["model_busy"]:
                return True
            time.sleep(0.5)
        return False


def repeated(source: Path, times: int, out: Path) -> Path:
    """`source` played `times` times in a row, as a WAV: a meeting long enough that several overlap."""
    import wave

    import numpy as np

    from pipeline.messages import SAMPLE_RATE
    from stages.audio_io import read_file

    audio = np.clip(np.concatenate(list(read_file(source)) * times), -1, 1)
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((audio * 32767).astype("<i2").tobytes())
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    port = five_free_ports()
    address = f"tcp://127.0.0.1:{port}"
    t0 = time.monotonic()
    clients: dict[str, subprocess.Popen] = {}
    result: dict[str, Any] = {"benchmark": "bench.admission", "command": " ".join(sys.argv), "preset": args.preset,
                              "admit_load": args.admit_load, "admit_lag": args.admit_lag, "source": str(args.source), "repeat": args.repeat, "clients": {},
                              "load_average_before": os.getloadavg()}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sinkscribe-admission-") as tmp:
        home = Path(tmp)
        source = repeated(args.source, args.repeat, home / "source.wav") if args.repeat > 1 else args.source
        service = _cli(home, "serve", "--listen", address, "--max-streams", str(args.clients), "--preset", args.preset,
                       "--admit-load", str(args.admit_load), "--admit-lag", str(args.admit_lag))  # fmt: skip
        beats = Heartbeats(f"tcp://127.0.0.1:{port + 3}", t0)
        beats.start()
        try:
            for k in range(args.clients):
                name = f"s{k + 1}"
                wait = ("--wait", str(args.wait)) if k == args.clients - 1 else ()
                started = time.monotonic() - t0
                clients[name] = _cli(home, "replay", str(source), "--connect", address, "--stream", name, *wait)
                result["clients"][name] = {"started_s": round(started, 1), "waits": bool(wait)}
                admitted = beats.admitted(name, args.every if not wait else 5.0)
                log.info("%s at %.0f s: %s", name, started, "admitted" if admitted else "not admitted yet")
                if admitted and k < args.clients - 1:
                    time.sleep(args.every)  # its share is judged after two summary periods
            for name, proc in clients.items():
                out, err = proc.communicate(timeout=args.timeout)
                lines = [line for line in err.splitlines() if line.startswith(("--", "Error"))]
                result["clients"][name] |= {"exit": proc.returncode, "ended_s": round(time.monotonic() - t0, 1),
                                            "said": lines[:4], "final_summary": "FINAL SUMMARY" in out}  # fmt: skip
                log.info("%s: exit %s, %s", name, proc.returncode, lines[:2])
        finally:
            for proc in [*clients.values(), service]:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGINT if proc is service else signal.SIGKILL)
            try:
                service.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(service.pid, signal.SIGKILL)
            beats.stop.set()
            beats.join(5)
    result["heartbeats"] = beats.seen
    result["load_average_after"] = os.getloadavg()
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=3, help="clients, one after another (the last one waits)")
    ap.add_argument("--every", type=float, default=150.0, help="seconds between an admission and the next client")
    ap.add_argument("--wait", type=float, default=900.0, help="the last client's --wait")
    ap.add_argument("--source", type=Path, default=ROOT / "samples" / "meeting.ogg")
    ap.add_argument("--repeat", type=int, default=2, help="play the source this many times in a row per client")
    ap.add_argument("--preset", default="qwen2.5-coder-1.5b")
    ap.add_argument("--admit-load", type=float, default=0.9)
    ap.add_argument("--admit-lag", type=float, default=5.0)
    ap.add_argument("--timeout", type=float, default=1800.0, help="per client, after the last one started")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "admission.json")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    result = run(args)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result["clients"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
