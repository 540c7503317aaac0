"""The streaming policy on one file, in-process and faster than real time, for tuning.

    python -m bench.asr_sim samples/meeting.ogg [--json OUT] [--set step_s=0.8 ...]
    python -m bench.asr_sim bench/out/asr_sets/dev/* --offline --json OUT   # per set, with streaming/offline

bench.asr is the measurement of record (real processes, real time). This runs the same
StreamingTranscriber on the same 100 ms chunks, but keeps a virtual clock instead of waiting: a chunk
arrives when its audio ends, and Whisper's measured run time pushes the clock on (a backlog builds up
as it would live). Latency is that clock at commit minus the word's audio end. One file takes its
ASR compute time (about half its duration on 2 cores) rather than its duration, and every committed
word is tagged with how it was committed, so errors can be traced to a rule.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

from bench.asr import find_pairs, offline_beam, offline_wer
from bench.metrics import normalize, wer
from pipeline import config as config_io
from pipeline.errors import ConfigError
from pipeline.messages import SAMPLE_RATE, AudioChunk, Segment
from stages.asr_models import load_whisper
from stages.audio_io import read_file
from stages.settings import TranscribeConfig
from stages.transcribe import StreamingTranscriber
from stages.words import caption_text

log = logging.getLogger("bench.asr_sim")


class TaggedTranscriber(StreamingTranscriber):
    """Records which LocalAgreement call committed each word: "insert" (two hypotheses agreed),
    "commit_older_than" (waited max_word_wait_s) or "flush" (end of utterance, or the hard length limit)."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.tags: list[str] = []
        agreement = self.agreement
        for name in ("insert", "commit_older_than", "flush"):
            original = getattr(agreement, name)

            def wrapped(*a, _original=original, _name=name, **k):  # noqa: ANN002, ANN003, ANN202
                words = _original(*a, **k)
                self.tags += [_name] * len(words)
                return words

            setattr(agreement, name, wrapped)


def simulate(audio: np.ndarray, cfg: TranscribeConfig, model, chunk_s: float = 0.1) -> dict:  # noqa: ANN001
    tr = TaggedTranscriber(cfg, model, "sim")
    step = int(chunk_s * SAMPLE_RATE)
    clock = 0.0  # virtual wall time: when the transcriber is free again
    words, latencies = [], []
    for seq, at in enumerate(range(0, len(audio), step)):
        samples = audio[at : at + step]
        start = at / SAMPLE_RATE
        end = start + len(samples) / SAMPLE_RATE
        clock = max(clock, end)
        chunk = AudioChunk("sim", seq, start, clock, samples)
        t0 = time.perf_counter()
        out = list(tr.feed(chunk))
        clock += time.perf_counter() - t0
        for msg in out:
            if isinstance(msg, Segment):
                words += msg.words
                latencies += [clock - w.end for w in msg.words]
    for msg in tr.finish():
        if isinstance(msg, Segment):
            words += msg.words
    return {
        "words": [(w.text, w.start, w.end, tag, w.prob) for w, tag in zip(words, tr.tags, strict=False)],
        "text": caption_text(words),
        "latencies": latencies,
        "rtf_asr": tr.counters.asr_seconds / (len(audio) / SAMPLE_RATE),
        "asr_runs": tr.counters.asr_runs,
    }


def parse_set(items: list[str]) -> TranscribeConfig:
    """key=value overrides (TOML values; a bare word is a string) -> a TranscribeConfig, through the
    project's config loader: unknown keys, wrong types and bad values are one-line ConfigErrors."""
    data = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            data[key] = tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            data[key] = value
    return config_io.from_dict(TranscribeConfig, data, "transcribe")


def offline_cached(model, audio_path: Path, reference: str, beam_size: int) -> float:  # noqa: ANN001
    """bench.asr's offline WER of one file, cached beside it (NAME.offline-bBEAM.json): tuning runs the
    same files again and again, and the offline decode does not depend on the policy."""
    cache = audio_path.with_name(f"{audio_path.stem}.offline-b{beam_size}.json")
    stamp = [audio_path.stat().st_mtime_ns, reference]
    if cache.exists():
        got = json.loads(cache.read_text())
        if got.get("stamp") == stamp:
            return got["wer"]
    value, text = offline_wer(model, audio_path, reference, beam_size)
    cache.write_text(json.dumps({"stamp": stamp, "wer": value, "text": text}))
    return value


def summarise(files: list[dict]) -> dict:
    """Corpus figures of some files: WER weighted by reference words, latency over all their words."""
    words = sum(f["reference_words"] for f in files)
    latencies = [x for f in files for x in f["latencies"]]
    tags: dict[str, int] = {}
    for f in files:
        for _text, _start, _end, tag, _prob in f["words"]:
            tags[tag] = tags.get(tag, 0) + 1
    out = {
        "wer": sum(f["wer"] * f["reference_words"] for f in files) / max(1, words),
        "reference_words": words,
        "latency_median_s": float(np.median(latencies)) if latencies else None,
        "latency_p95_s": float(np.percentile(latencies, 95)) if latencies else None,
        "rtf_asr": float(np.mean([f["rtf_asr"] for f in files])),
        "commits": tags,
    }
    if all("offline_wer" in f for f in files):
        out["offline_wer"] = sum(f["offline_wer"] * f["reference_words"] for f in files) / max(1, words)
        out["wer_ratio"] = out["wer"] / out["offline_wer"] if out["offline_wer"] else None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("audio", type=Path, nargs="+",
                        help="audio files beside NAME.txt, or folders of such pairs (each folder is reported as a group)")  # fmt: skip
    parser.add_argument("--json", type=Path)
    parser.add_argument("--set", nargs="*", default=[], help="TranscribeConfig overrides, key=value")
    parser.add_argument("--offline", action="store_true", help="also the offline WER (cached beside each file)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # a line per decode
    try:
        cfg = parse_set(args.set)
    except ConfigError as exc:
        parser.error(str(exc))
    for path in args.audio:
        if not path.exists():
            parser.error(f"{path}: no such file or folder")
    model = load_whisper(cfg.model, cfg.compute_type, cfg.threads)
    groups: dict[str, list[dict]] = {}
    for path in args.audio:
        pairs = find_pairs(path) if path.is_dir() else [(path, path.with_suffix(".txt"))]
        for audio_path, text_path in pairs:
            audio = np.concatenate(list(read_file(audio_path)))
            reference = text_path.read_text()
            result = simulate(audio, cfg, model)
            result["file"] = audio_path.name
            result["wer"] = wer(reference, result["text"])
            result["reference_words"] = len(normalize(reference).split())
            if args.offline:
                result["offline_wer"] = offline_cached(model, audio_path, reference, offline_beam(cfg))
            log.info("%s: WER %.3f%s", audio_path.name, result["wer"],
                     f" (offline {result['offline_wer']:.3f})" if args.offline else "")  # fmt: skip
            groups.setdefault(path.name if path.is_dir() else path.stem, []).append(result)
    files = [f for fs in groups.values() for f in fs]
    overall = summarise(files)
    per_group = {name: summarise(fs) for name, fs in groups.items()}
    for f in files:
        f.pop("latencies")
    if len(per_group) > 1:
        for name, g in per_group.items():
            log.info("%s: %s", name, json.dumps(g))
    print(json.dumps(overall))
    if args.json:
        report = {"overall": overall, "groups": per_group, "config": dataclasses.asdict(cfg), "files": files}
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
