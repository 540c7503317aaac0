"""Soak: hours of speech through the real three-process pipeline, in memory that must not grow.

    python -m bench.soak --hours H --json OUT --png OUT [--preset P] [--speed 0] [--audio FILE ...]

Long input is built from the samples (or the given files): random slices of them in a seeded shuffled
order, at varied gain, with pauses of 1-8 s (now and then a long one), so Whisper and the language model
keep seeing changing text. It is written as raw PCM into capture's stdin: the pipe's back-pressure makes
`--speed 0` "as fast as the pipeline goes, nothing dropped"; `--speed 1` paces it at real time.

Every few seconds it samples the RSS of each stage process, the KV cache tokens and bytes, queue
indicators (audio sent vs transcribed, segments committed vs stored), summaries, and end-to-end latency
(a word's audio time, on capture's clock, to its row in the session store). The JSON holds the series and
a verdict (checks after a warm-up of the first 10% and the model cache's first eviction); the PNG plots
RSS per stage and cache size against audio hours, with latency beneath.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.asr import free_endpoints
from pipeline.live import listen
from pipeline.messages import SAMPLE_RATE, EndOfStream, Status, Summary
from pipeline.runner import StopFlag
from pipeline.supervisor import Supervisor
from stages.audio_io import read_file
from stages.settings import AppConfig, CaptureConfig, SummarizeConfig, TranscribeConfig
from stages.summarize.store import SessionStore

log = logging.getLogger("bench.soak")
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AUDIO = [ROOT / "samples" / "meeting.ogg", *sorted((ROOT / "samples" / "human").glob("*.flac"))]
SAMPLE_EVERY_S = 5.0


# -- input ------------------------------------------------------------------------------------------
def pieces(files: list[Path], seed: int):  # noqa: ANN201 - generator of float32 arrays
    """An endless, seeded, varied sequence of speech slices and pauses."""
    clips = [np.concatenate(list(read_file(f))) for f in files]
    rng = np.random.default_rng(seed)
    while True:
        clip = clips[int(rng.integers(len(clips)))]
        if len(clip) > 40 * SAMPLE_RATE:  # long recordings: a random slice of 15-60 s
            n = int(rng.uniform(15, 60) * SAMPLE_RATE)
            start = int(rng.integers(0, len(clip) - n))
            clip = clip[start : start + n]
        yield (clip * rng.uniform(0.5, 1.2)).clip(-1, 1).astype(np.float32)
        pause = rng.uniform(1, 8) if rng.random() > 0.1 else rng.uniform(20, 40)
        yield np.zeros(int(pause * SAMPLE_RATE), np.float32)


def feed(proc: subprocess.Popen, files: list[Path], seconds: float, seed: int, speed: float, stop: StopFlag,
         fed: list) -> None:  # fmt: skip
    """Write `seconds` of audio as s16le PCM into capture's stdin, then close it (end of stream)."""
    written = 0
    t0 = time.monotonic()
    target = int(seconds * SAMPLE_RATE)
    try:
        for piece in pieces(files, seed):
            piece = piece[: target - written]
            for i in range(0, len(piece), SAMPLE_RATE):
                if stop.is_set():
                    return
                if speed > 0 and stop.wait(max(0.0, t0 + written / SAMPLE_RATE / speed - time.monotonic())):
                    return
                block = (piece[i : i + SAMPLE_RATE] * 32767).astype("<i2").tobytes()
                proc.stdin.write(block)  # blocks while capture (and so the pipeline) is behind
                written += len(block) // 2
                fed[0] = written / SAMPLE_RATE
            if written >= target:
                break
    except BrokenPipeError:
        log.error("capture closed its stdin early")
    finally:
        try:
            proc.stdin.close()
        except BrokenPipeError:
            pass


# -- sampling ---------------------------------------------------------------------------------------
def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def slope_mb_per_hour(points: list[tuple[float, float]]) -> float | None:
    if len(points) < 3:
        return None
    x = np.array([p[0] for p in points]) / 3600
    y = np.array([p[1] for p in points])
    if np.ptp(x) == 0:
        return None
    return float(np.polyfit(x, y, 1)[0])


def run_soak(args: argparse.Namespace) -> dict[str, Any]:
    seconds = args.hours * 3600
    files = [Path(f) for f in args.audio] if args.audio else DEFAULT_AUDIO
    with tempfile.TemporaryDirectory() as tmp:
        cfg = AppConfig(
            stream="soak",
            heartbeat_s=2.0,
            exit_after_eos=True,
            endpoints=free_endpoints(),
            capture=CaptureConfig(source="-", speed=0.0),
            # At --speed 0 latency is not the point: decode every 3 s of speech (fewer Whisper runs).
            transcribe=TranscribeConfig(step_s=3.0 if args.speed == 0 else 1.0),
            summarize=SummarizeConfig(model=args.preset, session_dir=tmp, session="soak",
                                      summary_every_s=args.summary_every_s,
                                      window_tokens=args.window_tokens),  # fmt: skip
        )
        series: list[dict[str, Any]] = []
        summaries: list[dict[str, float]] = []
        latest: dict[str, dict] = {}
        stop = StopFlag()
        fed = [0.0]
        ctx_socks = [
            ("captions", listen("sub", cfg.endpoints.captions, "captions", bind=False, topics=("status",))),
            ("summary", listen("sub", cfg.endpoints.summary, "summary", bind=False, topics=("status", "summary", "eos"))),
        ]
        t0 = time.monotonic()
        ended = False
        with Supervisor(dataclasses.replace(cfg, exit_after_eos=False)) as sup:
            sup.start("summarize", dataclasses.replace(cfg, exit_after_eos=True))
            sup.start("transcribe", cfg)
            capture = sup.start("capture", cfg, stdin=subprocess.PIPE)
            feeder = threading.Thread(target=feed, args=(capture.proc, files, seconds, args.seed, args.speed, stop, fed), daemon=True)
            feeder.start()
            next_sample = time.monotonic()
            try:
                while not ended:
                    for _name, receiver in ctx_socks:
                        got = receiver.recv(timeout_s=0.05)
                        while got is not None:
                            msg = got[1]
                            if isinstance(msg, Status):
                                latest[msg.stage] = msg.counters
                            elif isinstance(msg, Summary):
                                summaries.append({"upto": msg.upto, "wall": time.monotonic() - t0, "final": msg.final})
                            elif isinstance(msg, EndOfStream):
                                ended = True
                            got = receiver.recv(timeout_s=0)
                    if time.monotonic() >= next_sample:
                        next_sample += SAMPLE_EVERY_S
                        series.append(sample(sup, latest, fed[0], time.monotonic() - t0))
                        if len(series) % 12 == 0:
                            s = series[-1]
                            log.info("audio %.2f h fed, %.2f h transcribed, RSS %s, cache %s tokens",
                                     s["audio_fed_s"] / 3600, (s["audio_transcribed_s"] or 0) / 3600,
                                     s["rss_mb"], s["cache_tokens"])  # fmt: skip
                    failed = sup.failed()
                    if failed:
                        raise RuntimeError(f"{failed[0].name} failed: {failed[0].error()}")
                    if time.monotonic() - t0 > args.max_wall_s:
                        raise RuntimeError(f"wall time limit of {args.max_wall_s} s reached")
                series.append(sample(sup, latest, fed[0], time.monotonic() - t0))
            finally:
                stop.set()
                for _name, receiver in ctx_socks:
                    receiver.sock.close(linger=0)
        wall = time.monotonic() - t0
        with SessionStore.open_existing(Path(tmp) / "soak.sqlite") as store:
            stored = store.count_segments()
            missing = store.missing_seqs()
            rows = store.db.execute("SELECT end, stored - (end + clock) FROM segments WHERE clock != 0").fetchall()
            latencies = [r[1] for r in rows]
            latency_series = [[round(r[0] / 3600, 4), round(r[1], 2)] for r in rows[:: max(1, len(rows) // 2000)]]
        report = verdict(args, cfg, series, summaries, latest, stored, missing, latencies, wall)
        report["latency"]["series_audio_h_s"] = latency_series  # (audio hour, seconds), thinned to <= 2000
        return report


def sample(sup: Supervisor, latest: dict[str, dict], fed_s: float, wall: float) -> dict[str, Any]:
    tr = latest.get("transcribe", {}).get("soak", {})
    sm = latest.get("summarize", {})
    return {
        "wall_s": round(wall, 1),
        "audio_fed_s": round(fed_s, 1),
        "audio_transcribed_s": tr.get("audio_seconds"),
        "rss_mb": {name: rss_mb(child.proc.pid) for name, child in sup.children.items()},
        "cache_tokens": sm.get("cache_tokens"),
        "cache_evictions": sm.get("evictions"),
        "cache_bytes": sm.get("cache_bytes"),
        "cache_bound": sm.get("cache_bound"),
        "segments_committed": tr.get("segments"),
        "segments_stored": sm.get("segments"),
        "summaries": sm.get("summaries"),
        "asr_seconds": tr.get("asr_seconds"),
        "transcribe_buffer_s": tr.get("buffer_seconds"),
        "capture_overflow": latest.get("transcribe", {}).get("capture", {}).get("overflow_chunks", 0),
    }


def verdict(args, cfg, series, summaries, latest, stored, missing, latencies, wall) -> dict[str, Any]:  # noqa: ANN001
    audio_total = series[-1]["audio_fed_s"] if series else 0.0
    # The checks start after the warm-up fraction and after the KV cache first evicted: until then the
    # cache is still filling towards its bound, which is growth by design, not a leak (a 3-minute run on
    # the default window never fills it, and its slope was that fill: 1350-1600 MB/h run to run).
    warm = args.warmup * audio_total
    # A run that never evicted is judged after the warm-up alone, and says so (checks.cache.evictions).
    first_eviction = next((i for i, s in enumerate(series) if (s.get("cache_evictions") or 0) > 0), 0)
    after = [s for s in series[first_eviction:] if (s["audio_transcribed_s"] or 0) >= warm]
    checks: dict[str, Any] = {}
    growth_mark = 3600.0 if audio_total >= 2 * 3600 else 0.25 * audio_total  # "end of the first hour"
    slope_limit = args.slope_limit_mb_h
    for stage in ("capture", "transcribe", "summarize"):
        points = [(s["audio_transcribed_s"] or 0, s["rss_mb"].get(stage)) for s in after]
        points = [(x, y) for x, y in points if y is not None]
        slope = slope_mb_per_hour(points)
        at_mark = next((y for x, y in points if x >= growth_mark), None)
        end = points[-1][1] if points else None
        growth = (end - at_mark) / at_mark if at_mark and end else None
        # A stage that finished its part early (capture, once the input is read) may leave too few
        # samples for a slope: judged on what there is, and said so.
        checks[stage] = {
            "rss_mb_at_mark": at_mark, "rss_mb_end": end, "rss_slope_mb_per_audio_hour": slope,
            "growth_from_mark": growth, "samples": len(points),
            "slope_ok": slope < slope_limit if slope is not None else len(points) < 3,
            "growth_ok": growth <= args.growth_limit if growth is not None else len(points) < 3,
        }  # fmt: skip
    bound = max((s["cache_bound"] or 0) for s in series) if series else 0
    peak_cache = max((s["cache_tokens"] or 0) for s in series) if series else 0
    committed = latest.get("transcribe", {}).get("soak", {}).get("segments")
    gaps = np.diff([s["upto"] for s in summaries]) if len(summaries) > 1 else np.array([])
    cadence_limit = cfg.summarize.summary_every_s + args.cadence_slack_s
    evictions = max((s.get("cache_evictions") or 0) for s in series) if series else 0
    checks["cache"] = {"peak_tokens": peak_cache, "bound": bound, "evictions": evictions,
                       "ok": 0 < peak_cache <= bound}  # fmt: skip
    checks["segments"] = {"committed": committed, "stored": stored, "missing": missing[:20], "lost": len(missing),
                          "ok": not missing and committed == stored}  # fmt: skip
    checks["summaries"] = {
        "count": len(summaries), "max_gap_audio_s": float(gaps.max()) if len(gaps) else None,
        "limit_s": cadence_limit,
        "ok": len(summaries) >= max(1, int(audio_total / cfg.summarize.summary_every_s) // 2)
        and (not len(gaps) or float(gaps.max()) <= cadence_limit),
    }  # fmt: skip
    lat = {"median_s": float(np.median(latencies)) if latencies else None,
           "p95_s": float(np.percentile(latencies, 95)) if latencies else None}  # fmt: skip
    ok = all(c.get("ok", c.get("slope_ok", True) and c.get("growth_ok", True)) for c in checks.values())
    return {
        "benchmark": "soak",
        "command": "python -m bench.soak " + " ".join(sys.argv[1:]),
        "preset": args.preset,
        "speed": args.speed,
        "audio_hours": audio_total / 3600,
        "wall_seconds": wall,
        "machine": {"cpus": os.cpu_count(), "loadavg_1min": os.getloadavg()[0]},
        "limits": {"slope_mb_per_h": slope_limit, "growth": args.growth_limit, "warmup_fraction": args.warmup,
                   "checked_from_audio_s": after[0]["audio_transcribed_s"] if after else None},
        "latency": lat,
        "checks": checks,
        "ok": ok,
        "summaries": summaries,
        "series": series,
    }


def plot(report: dict[str, Any], png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = report["series"]
    hours = [(s["audio_transcribed_s"] or 0) / 3600 for s in series]
    fig, (ax, ax_lat) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, height_ratios=(3, 1))
    for stage, color in (("capture", "tab:gray"), ("transcribe", "tab:orange"), ("summarize", "tab:blue")):
        ax.plot(hours, [s["rss_mb"].get(stage) for s in series], color=color, label=f"{stage} RSS")
    ax.set_ylabel("RSS (MB)")
    ax2 = ax.twinx()
    ax2.plot(hours, [s["cache_tokens"] for s in series], color="tab:green", lw=0.8, label="KV cache tokens")
    ax2.axhline(report["checks"]["cache"]["bound"], color="tab:green", ls=":", lw=0.8)
    ax2.set_ylabel("KV cache tokens")
    lines = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(lines, [h.get_label() for h in lines], loc="center right")
    ax.set_title(f"soak: {report['audio_hours']:.1f} audio hours in {report['wall_seconds'] / 60:.0f} min, "
                 f"{report['preset']}, {'OK' if report['ok'] else 'FAILED'}")  # fmt: skip
    points = report["latency"].get("series_audio_h_s")
    if points:  # end-to-end: a segment's audio end (capture clock) to its row in the store
        ax_lat.plot([p[0] for p in points], [p[1] for p in points], ".", ms=2, color="tab:purple")
        ax_lat.set_ylabel("latency to store (s)")
    else:  # runs from before the latency series was kept
        sums = report["summaries"]
        ax_lat.plot([s["upto"] / 3600 for s in sums], [s["wall"] / 60 for s in sums], ".", color="tab:purple")
        ax_lat.set_ylabel("summary at wall (min)")
    ax_lat.set_xlabel("audio hours processed")
    fig.tight_layout()
    fig.savefig(png, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, required=True)
    parser.add_argument("--json", dest="json_out", type=Path, required=True)
    parser.add_argument("--png", type=Path, default=None)
    parser.add_argument("--preset", default="smollm2-135m")
    parser.add_argument("--speed", type=float, default=0.0, help="0 = as fast as it goes (the pipe back-pressures), 1 = real time")
    parser.add_argument("--audio", nargs="*", default=None, help="Audio files to build the input from.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--summary-every-s", type=float, default=120.0)
    parser.add_argument("--slope-limit-mb-h", type=float, default=10.0)
    parser.add_argument("--growth-limit", type=float, default=0.05)
    parser.add_argument("--cadence-slack-s", type=float, default=60.0)
    parser.add_argument("--max-wall-s", type=float, default=6 * 3600)
    parser.add_argument("--window-tokens", type=int, default=SummarizeConfig.window_tokens,
                        help="The model's sink window: a short run takes a small one, so the cache fills and wraps.")
    parser.add_argument("--warmup", type=float, default=0.1, help="Fraction of the input before the checks start.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    report = run_soak(args)
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(report, indent=1))
    if args.png:
        plot(report, args.png)
    log.info("verdict: %s; checks: %s", "OK" if report["ok"] else "FAILED", json.dumps(report["checks"]))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
