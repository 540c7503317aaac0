"""Reliability: garbage, crashes and back-pressure against the real three-process pipeline.

    python -m bench.reliability --json OUT [--audio FILE] [--preset P] [--fuzz N]

Each scenario replays the audio (default: the 4-minute sample meeting) as fast as the pipeline goes
into a fresh session, and disturbs it:

- fuzz: N malformed messages (random bytes, wrong versions/types/fields, truncated payloads, non-UTF-8,
  deep nesting, oversized headers) on every socket a stage receives on (transcribe's audio PULL,
  summarize's transcript PULL and request ROUTER), interleaved with the real traffic;
- kill -9 of capture, of transcribe, of summarize, at a third of the replay (the supervisor restarts it);
- kill -9 of the whole replay (every process), then the same command again on the same session;
- a subscriber that connects to both PUB sockets and never reads;
- summarize stopped (SIGSTOP) for 20 s: upstream must wait in bounded memory (peak RSS sampled).

Every scenario reports what it tried and the outcome; `lost` (sequence numbers missing from the store)
must be 0, `overlapping` (the same audio stored twice) 0, and the final summary present.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zmq

from bench.asr import free_endpoints
from bench.metrics import wer
from bench.soak import rss_mb
from pipeline import config as config_io
from pipeline import wire
from pipeline.live import run_summarization
from pipeline.reliable import PeerWatch
from pipeline.supervisor import RestartPolicy, Supervisor
from stages.settings import AppConfig, CaptureConfig, SummarizeConfig
from stages.summarize.store import SessionStore

log = logging.getLogger("bench.reliability")
ROOT = Path(__file__).resolve().parent.parent


def garbage(rng: random.Random) -> list[bytes]:
    """One malformed multipart message of a random kind (never valid by chance: see `junk`)."""
    kind = rng.randrange(9)
    header = {"type": rng.choice(["audio", "segment", "question", "eos", "nope", 7]), "v": rng.choice([1, 2, "1"]),
              "stream": rng.choice(["s", "", None, "x" * 500]), "seq": rng.choice([0, -1, 2**70, "3"]),
              "junk": True}  # fmt: skip
    if kind == 0:
        return [rng.randbytes(rng.randrange(0, 64))]
    if kind == 1:
        return [json.dumps(header).encode()]
    if kind == 2:
        return [json.dumps(header).encode(), rng.randbytes(rng.randrange(1, 64)), b"third"]
    if kind == 3:
        return [b'{"type":"audio","v":1,"stream":"s","seq":1,"start":0,"wall":0}', rng.randbytes(7)]  # truncated
    if kind == 4:
        return [b"\xff\xfe\xfd" + rng.randbytes(10)]  # not UTF-8
    if kind == 5:
        return [b'{"type":"segment","v":1,"stream":"s","seq":1,"text":"x","start":NaN,"end":1}']
    if kind == 6:
        return [b"[" * 50_000]  # deep nesting
    if kind == 7:
        return [b'{"type":"question","v":1,"stream":"s","seq":1,"request_id":5,"text":null}']
    return [b" " * (wire.MAX_HEADER_BYTES + 10)]  # oversized header


# -- one replay ---------------------------------------------------------------------------------------
def make_config(audio: Path, session_dir: Path, preset: str) -> AppConfig:
    return AppConfig(
        stream="rel",
        heartbeat_s=1.0,
        endpoints=free_endpoints(),
        capture=CaptureConfig(source=str(audio), speed=0.0),
        summarize=SummarizeConfig(model=preset, session_dir=str(session_dir), session="rel"),
    )


def session_outcome(session_dir: Path, reference: str | None = None) -> dict[str, Any]:
    """What the session holds; with the audio's reference transcript, the WER of the stored text
    (a lost or repeated stretch of speech shows there even when every sequence number is present)."""
    path = session_dir / "rel.sqlite"
    if not path.exists():
        return {"stored": 0, "lost": None, "overlapping": None, "final_summary": False}
    with SessionStore.open_existing(path) as store:
        segments = list(store.segments())
        summaries = store.summaries()
        text = " ".join(s.text for s in segments)
        return {
            "stored": len(segments),
            "words": len(text.split()),
            "wer": round(wer(reference, text), 4) if reference else None,
            "lost": len(store.missing_seqs()),
            "overlapping": sum(b.start < a.end - 0.3 for a, b in zip(segments, segments[1:], strict=False)),
            "summaries": len(summaries),
            "final_summary": bool(summaries and summaries[-1].final),
            "ended": store.ended() is not None,
        }


def wait_stored(session_dir: Path, n: int, timeout_s: float = 300.0) -> bool:
    path = session_dir / "rel.sqlite"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists():
            with SessionStore(path) as store:
                if store.count_segments() >= n:
                    return True
        time.sleep(0.3)
    return False


def replay(audio: Path, preset: str, disturb: Callable[[Supervisor, AppConfig, Path, dict], None] | None) -> dict:
    """One replay into a fresh session; `disturb(sup, cfg, session_dir, report)` runs in a thread."""
    with tempfile.TemporaryDirectory() as tmp:
        session_dir = Path(tmp)
        cfg = make_config(audio, session_dir, preset)
        report: dict[str, Any] = {}
        restarts: list = []
        threads: list[threading.Thread] = []

        def on_start(sup: Supervisor) -> None:
            restarts.append(sup.restarts)
            if disturb is not None:
                thread = threading.Thread(target=disturb, args=(sup, cfg, session_dir, report), daemon=True)
                thread.start()
                threads.append(thread)

        t0 = time.monotonic()
        try:
            result = run_summarization(cfg, lambda _m: None, on_start=on_start, restart=RestartPolicy(backoff_s=1.0))
            report["end"] = result.reason
        except Exception as exc:  # noqa: BLE001 - the outcome is reported, not raised
            report["end"] = f"failed: {exc}"
        for thread in threads:
            thread.join(60)
        report["wall_s"] = round(time.monotonic() - t0, 1)
        report["restarts"] = [{k: r[k] for k in ("stage", "reason", "delay_s")} for r in (restarts[0] if restarts else [])]
        report |= session_outcome(session_dir, reference_for(audio))
        return report


# -- disturbances -----------------------------------------------------------------------------------
def fuzz(n: int) -> Callable:
    def disturb(sup: Supervisor, cfg: AppConfig, session_dir: Path, report: dict) -> None:
        wait_stored(session_dir, 1)
        ctx = zmq.Context.instance()
        rng = random.Random(0)
        # A PULL socket takes its peers in turn (fair queuing): transcribe reads one garbage message per
        # audio chunk from each attacker, so several attackers deliver the N before the audio ends.
        # Small send queues pace the attackers by what the stage actually reads.
        targets = {"audio": (zmq.PUSH, cfg.endpoints.audio, 8), "transcript": (zmq.PUSH, cfg.endpoints.transcript, 2),
                   "requests": (zmq.DEALER, cfg.endpoints.requests, 1)}  # fmt: skip
        socks: dict[str, list[zmq.Socket]] = {}
        for name, (kind, endpoint, copies) in targets.items():
            socks[name] = []
            for _ in range(copies):
                sock = ctx.socket(kind)
                sock.setsockopt(zmq.SNDHWM, 10)
                sock.connect(endpoint)
                socks[name].append(sock)
        sent = dict.fromkeys(targets, 0)
        try:
            stalled: set[str] = set()
            for i in range(n):
                for name, group in socks.items():
                    sock = group[i % len(group)]
                    if name in stalled:
                        continue
                    if sock.poll(30_000, zmq.POLLOUT):
                        sock.send_multipart(garbage(rng))
                        sent[name] += 1
                    else:  # the stage stopped reading for 30 s (the stream ended): report what was sent
                        stalled.add(name)
            # The stages count garbage as they reach it in their queues (behind the real traffic):
            # follow their heartbeats until the counts stop growing.
            tw = PeerWatch(cfg.endpoints.captions, "transcribe")
            sw = PeerWatch(cfg.endpoints.summary, "summarize")
            counts, stable_since = (-1, -1), time.monotonic()
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and time.monotonic() - stable_since < 10:
                tw.poll(0.5)
                sw.poll(0.5)
                now = (tw.counters.get("malformed", 0), sw.counters.get("malformed", 0))
                if now != counts:
                    counts, stable_since = now, time.monotonic()
                if now[0] >= sent["audio"] and now[1] >= sent["transcript"] + sent["requests"]:
                    break
            report["fuzz"] = {"sent": sent, "dropped_by_transcribe": counts[0], "dropped_by_summarize": counts[1]}
            tw.close()
            sw.close()
        finally:
            for group in socks.values():
                for sock in group:
                    sock.close(linger=0)

    return disturb


def kill(stage: str, after_segments: int) -> Callable:
    def disturb(sup: Supervisor, _cfg: AppConfig, session_dir: Path, report: dict) -> None:
        if wait_stored(session_dir, after_segments):
            os.kill(sup.children[stage].proc.pid, signal.SIGKILL)
            report["killed"] = {"stage": stage, "after_segments": after_segments}

    return disturb


def stalled_subscriber(sup: Supervisor, cfg: AppConfig, _session_dir: Path, report: dict) -> None:
    ctx = zmq.Context.instance()
    socks = []
    for endpoint in (cfg.endpoints.summary, cfg.endpoints.captions):
        sock = ctx.socket(zmq.SUB)
        sock.setsockopt(zmq.RCVHWM, 1)
        sock.setsockopt(zmq.SUBSCRIBE, b"")
        sock.connect(endpoint)
        socks.append(sock)
    report["stalled_subscribers"] = len(socks)
    while any(c.proc.poll() is None for c in sup.children.values()):
        time.sleep(0.5)
    for sock in socks:
        sock.close(linger=0)


def stop_summarize(seconds: float) -> Callable:
    def disturb(sup: Supervisor, cfg: AppConfig, session_dir: Path, report: dict) -> None:
        if not wait_stored(session_dir, 3):
            return
        pid = sup.children["summarize"].proc.pid
        watch = PeerWatch(cfg.endpoints.captions, "transcribe")
        before = {n: rss_mb(c.proc.pid) for n, c in sup.children.items()}
        peak = dict(before)
        os.kill(pid, signal.SIGSTOP)
        try:
            t_end = time.monotonic() + seconds
            while time.monotonic() < t_end:
                for n, c in sup.children.items():
                    peak[n] = max(peak[n] or 0, rss_mb(c.proc.pid) or 0)
                watch.poll(0.5)
        finally:
            os.kill(pid, signal.SIGCONT)
        state = watch.counters.get("positions", {}).get(cfg.stream, {})
        report["stall"] = {
            "seconds": seconds, "rss_mb_before": before, "rss_mb_peak": peak,
            "transcribe_position_s": state.get("position"), "needed_from_s": state.get("needed_from"),
            "capture_ahead_limit_s": cfg.capture.resend_s,
            "capture_flow_waits": watch.counters.get("capture", {}).get("flow_waits"),
        }  # fmt: skip
        watch.close()

    return disturb


def whole_replay_kill(audio: Path, preset: str) -> dict:
    """kill -9 every process of `sinkscribe replay` mid-way, then run the same command again."""
    with tempfile.TemporaryDirectory() as tmp:
        session_dir = Path(tmp)
        cfg = make_config(audio, session_dir, preset)
        config_file = session_dir / "replay.toml"
        config_file.write_text(config_io.dumps(cfg))
        cmd = [sys.executable, "-m", "pipeline.cli", "replay", str(audio), "--config", str(config_file), "--speed", "0",
               "--session", "rel", "--session-dir", str(session_dir)]  # fmt: skip
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        t0 = time.monotonic()
        first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_stored(session_dir, 15)
        for pid in [*children_of(first.pid), first.pid]:
            os.kill(pid, signal.SIGKILL)
        first.wait()
        before = session_outcome(session_dir)
        second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
        return {"stored_before_restart": before["stored"], "second_run_exit": second.returncode,
                "wall_s": round(time.monotonic() - t0, 1)} | session_outcome(session_dir, reference_for(audio))  # fmt: skip


def reference_for(audio: Path) -> str | None:
    ref = audio.with_suffix(".txt")
    return ref.read_text(encoding="utf-8") if ref.exists() else None


def proc_stat(pid: int | str) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state, ppid, ...); None once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = proc_stat(entry.name)
            if fields is not None and int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", dest="json_out", type=Path, required=True)
    parser.add_argument("--audio", type=Path, default=ROOT / "samples" / "meeting.ogg")
    parser.add_argument("--preset", default="smollm2-135m")
    parser.add_argument("--fuzz", type=int, default=10_000, help="Malformed messages per socket.")
    parser.add_argument("--stall-s", type=float, default=20.0)
    parser.add_argument("--only", default="", help="Comma-separated scenario names (default: all).")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    scenarios: dict[str, Callable[[], dict]] = {
        "baseline": lambda: replay(args.audio, args.preset, None),
        "fuzz": lambda: replay(args.audio, args.preset, fuzz(args.fuzz)),
        "kill_capture": lambda: replay(args.audio, args.preset, kill("capture", 12)),
        "kill_transcribe": lambda: replay(args.audio, args.preset, kill("transcribe", 12)),
        "kill_summarize": lambda: replay(args.audio, args.preset, kill("summarize", 12)),
        "kill_whole_replay": lambda: whole_replay_kill(args.audio, args.preset),
        "stalled_subscriber": lambda: replay(args.audio, args.preset, stalled_subscriber),
        "stalled_summarize": lambda: replay(args.audio, args.preset, stop_summarize(args.stall_s)),
    }
    results: dict[str, Any] = {}
    if args.only and args.json_out.exists():  # a partial re-run updates the scenarios it ran
        results = json.loads(args.json_out.read_text())["scenarios"]
    chosen = [n for n in args.only.split(",") if n] or list(scenarios)
    for name in chosen:
        scenario = scenarios[name]
        log.info("scenario %s", name)
        results[name] = scenario()
        log.info("%s: %s", name, json.dumps(results[name]))
    baseline_wer = results.get("baseline", {}).get("wer")
    for r in results.values():  # no stretch of speech lost or stored twice: WER close to the undisturbed run
        r["ok"] = bool(r.get("lost") == 0 and r.get("overlapping") == 0 and r.get("final_summary")
                       and (baseline_wer is None or r.get("wer") is None or r["wer"] <= baseline_wer + 0.05))  # fmt: skip
    ok = all(r["ok"] for r in results.values())
    report = {"benchmark": "reliability", "command": "python -m bench.reliability " + " ".join(sys.argv[1:]),
              "audio": str(args.audio), "preset": args.preset, "machine": {"cpus": os.cpu_count()},
              "ok": ok, "scenarios": results}  # fmt: skip
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(report, indent=1))
    log.info("verdict: %s", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
