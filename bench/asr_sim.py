"""The streaming policy on one file, in-process and faster than real time, for tuning.

    python -m bench.asr_sim samples/meeting.ogg [--json OUT] [--set step_s=0.8 ...]
    python -m bench.asr_sim bench/out/asr_sets/dev/* --offline --json OUT   # per set, with streaming/offline
    python -m bench.asr_sim samples/meeting.ogg samples/human --fit-cost bench/results/asr_sim_cost.json \
        --fit-beams 5,1 --set threads=1   # refit the clock (beside one other busy process, as transcribe runs)

bench.asr is the measurement of record (real processes, real time). This runs the same
StreamingTranscriber on the same 100 ms chunks, but keeps a virtual clock instead of waiting: a chunk
arrives when its audio ends, and each Whisper run pushes the clock on by what it costs (a backlog
builds up as it would live). Latency is that clock at commit minus the word's audio end. One file
takes its ASR compute time (about half its duration on 2 cores) rather than its duration, and every
committed word is tagged with how it was committed, so errors can be traced to a rule.

What a Whisper run costs (`--clock`):
- `model` (the default, for comparisons): a fixed cost model (`CostModel`: a constant, plus terms
  per second of encoder window, per word decoded and per word of prompt) fitted once from a measured
  run on this machine (`--fit-cost`; `bench/results/asr_sim_cost.json`, stated in every result).
  How often Whisper runs depends on its cost (`StreamingTranscriber._step_floor`), so with measured
  costs the commits followed the machine's load (the same dev run: 1.10x offline at load 2-9, 1.21x
  at 13). With the model, two runs of one config commit the same words whatever the load.
- `measured`: the wall time each run took, as live (what the clock was before).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import platform
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.asr import find_pairs, offline_beam, offline_wer
from bench.metrics import normalize, wer
from pipeline import config as config_io
from pipeline.errors import ConfigError
from pipeline.messages import SAMPLE_RATE, AudioChunk, Segment
from stages.asr_models import MIN_WINDOW_S, load_whisper
from stages.audio_io import read_file
from stages.settings import TranscribeConfig
from stages.transcribe import StreamingTranscriber
from stages.words import caption_text

log = logging.getLogger("bench.asr_sim")
COST_FILE = Path(__file__).resolve().parent / "results" / "asr_sim_cost.json"
CHUNK_S = 0.1


@dataclass(frozen=True)
class CostModel:
    """Seconds one Whisper run is counted as costing, from what decides its cost: the encoder's input
    (the buffer plus `encoder_pad_s`, at least 10 s; 30 s with no pad), the words it decodes and the
    prompt it reads; plus the rest of a chunk's handling (VAD, agreement) per 100-ms chunk."""

    base_s: float
    per_window_s: float  # per second of encoder window
    per_word_s: float  # per written word decoded (beam search: the beam the fit ran at, `fitted`)
    per_prompt_word_s: float  # per word of prompt
    per_chunk_s: float  # everything but Whisper, per chunk fed
    fitted: dict  # how and where it was fitted (machine, threads, beam, load, runs, error of the fit)
    # Per written word decoded greedily (beam 1); 0 when the fit saw no greedy run. A policy whose interim
    # decodes are greedy must be charged for them as such, or the clock says nothing about its latency.
    per_word_greedy_s: float = 0.0

    def run_seconds(self, window_s: float, words: int, prompt_words: int, beam: int = 0) -> float:
        per_word = self.per_word_greedy_s if beam == 1 and self.per_word_greedy_s else self.per_word_s
        return max(0.0, self.base_s + self.per_window_s * window_s + per_word * words
                   + self.per_prompt_word_s * prompt_words)  # fmt: skip

    def prices(self, beam: int) -> bool:
        """Whether this model knows what a run at `beam` costs (the fitted beam, or greedy once fitted)."""
        return beam == self.fitted.get("beam_size") or (beam == 1 and self.per_word_greedy_s > 0)

    @classmethod
    def load(cls, path: Path) -> CostModel:
        try:
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigError(f"{path}: no decode-cost model ({exc}); fit one with --fit-cost {path}") from None


def encoder_window_s(audio_s: float, pad_s: float) -> float:
    """The audio Whisper's encoder is given for a buffer (stages.asr_models.transcribe_window)."""
    return max(audio_s + pad_s, MIN_WINDOW_S) if pad_s > 0 else 30.0


class TaggedTranscriber(StreamingTranscriber):
    """Records which LocalAgreement call committed each word: "insert" (two hypotheses agreed),
    "commit_older_than" (waited max_word_wait_s) or "flush" (end of utterance, or the hard length limit);
    every Whisper run (its inputs and measured time, for --fit-cost) and every utterance's final decode
    with the prompt it was given. With a `cost` model, decodes count its cost instead of their time."""

    def __init__(self, *args, cost: CostModel | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.cost = cost
        self.tags: list[str] = []
        self.runs: list[dict] = []  # per Whisper run: window_s, words, prompt_words, final, seconds
        self.finals: list[dict] = []  # per utterance-final decode: start, end, prompt, text
        self._modelled = 0.0  # modelled cost of the runs of the decode in progress
        agreement = self.agreement
        for name in ("insert", "commit_older_than", "flush"):
            original = getattr(agreement, name)

            def wrapped(*a, _original=original, _name=name, **k):  # noqa: ANN002, ANN003, ANN202
                words = _original(*a, **k)
                self.tags += [_name] * len(words)
                return words

            setattr(agreement, name, wrapped)

    def _run(self, audio: np.ndarray, final: bool, prompt: str | None) -> list:
        t0 = time.perf_counter()
        words = super()._run(audio, final, prompt)
        seconds = time.perf_counter() - t0
        window = encoder_window_s(len(audio) / SAMPLE_RATE, self.cfg.encoder_pad_s)
        prompt_words = len(prompt.split()) if prompt else 0
        decoded = getattr(self.model, "last_words", len(words))
        c = self.cfg
        beam = c.final_beam_size if final and c.final_beam_size else c.beam_size  # as StreamingTranscriber._run
        self.runs.append({"window_s": window, "words": decoded, "prompt_words": prompt_words,
                          "final": final, "beam": beam, "seconds": seconds})  # fmt: skip
        if self.cost is not None:
            self._modelled += self.cost.run_seconds(window, decoded, prompt_words, beam)
        if final:
            self.finals.append({"start": round(self._buf_start, 2), "end": round(self._buf_start + len(audio) / SAMPLE_RATE, 2),
                                "prompt": prompt, "text": caption_text(words)})  # fmt: skip
        return words

    def _decode_seconds(self, measured: float) -> float:
        if self.cost is None:
            return measured
        modelled, self._modelled = self._modelled, 0.0
        return modelled


class CountingModel:
    """The Whisper model, counting the words each decode produced (segments the guards later refuse
    included: decoding them cost as much)."""

    def __init__(self, model) -> None:  # noqa: ANN001
        self.model = model
        self.last_words = 0

    def transcribe_window(self, audio, pad_s: float, **options) -> list:  # noqa: ANN001, ANN003
        segments = self.model.transcribe_window(audio, pad_s, **options)
        self.last_words = sum(len(s.words or ()) for s in segments)
        return segments


def simulate(audio: np.ndarray, cfg: TranscribeConfig, model, chunk_s: float = CHUNK_S,  # noqa: ANN001
             cost: CostModel | None = None) -> dict:  # fmt: skip
    """One file through the policy on a virtual clock: measured decode times (cost None) or `cost`'s."""
    tr = TaggedTranscriber(cfg, CountingModel(model), "sim", cost=cost)
    step = int(chunk_s * SAMPLE_RATE)
    overhead = []  # per chunk: measured time outside Whisper (for --fit-cost)
    clock = 0.0  # virtual wall time: when the transcriber is free again
    words, latencies = [], []
    for seq, at in enumerate(range(0, len(audio), step)):
        samples = audio[at : at + step]
        start = at / SAMPLE_RATE
        end = start + len(samples) / SAMPLE_RATE
        clock = max(clock, end)
        chunk = AudioChunk("sim", seq, start, clock, samples)
        t0, asr0, runs0 = time.perf_counter(), tr.counters.asr_seconds, len(tr.runs)
        out = list(tr.feed(chunk))
        spent = time.perf_counter() - t0
        clock += spent if cost is None else tr.counters.asr_seconds - asr0 + cost.per_chunk_s
        overhead.append(spent - sum(r["seconds"] for r in tr.runs[runs0:]))
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
        "latency_tags": list(tr.tags[: len(latencies)]),  # how each of those words was committed
        "rtf_asr": tr.counters.asr_seconds / (len(audio) / SAMPLE_RATE),
        "asr_runs": tr.counters.asr_runs,
        "finals": tr.finals,
        "runs": tr.runs,
        "overhead_per_chunk_s": float(np.mean(overhead)) if overhead else 0.0,
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


def fit_cost(runs: list[dict], per_chunk_s: float, meta: dict) -> CostModel:
    """Least squares of the measured run times on the cost model's terms; a term fitted negative (it
    explains nothing) is left out and the rest fitted again."""
    names = ["base_s", "per_window_s", "per_word_s", "per_prompt_word_s", "per_word_greedy_s"]
    # A word decoded greedily costs less than one decoded with a beam: its own term (0 with no greedy run).
    x = np.array([[1.0, r["window_s"], r["words"] * (r.get("beam", 5) != 1), r["prompt_words"],
                   r["words"] * (r.get("beam", 5) == 1)] for r in runs])  # fmt: skip
    y = np.array([r["seconds"] for r in runs])
    used = np.ones(len(y), bool)
    for _ in range(2):  # the second pass without the runs a load spike slowed (3 MADs off the first fit)
        keep = list(range(len(names)))
        while True:
            coef, *_ = np.linalg.lstsq(x[used][:, keep], y[used], rcond=None)
            if (coef >= 0).all() or len(keep) == 1:
                break
            keep.pop(int(np.argmin(coef)))
        residual = y - x[:, keep] @ coef
        mad = np.median(np.abs(residual - np.median(residual)))
        used = np.abs(residual) <= 3 * 1.4826 * mad + 1e-9
    values = dict.fromkeys(names, 0.0) | {names[k]: float(c) for k, c in zip(keep, coef, strict=True)}
    predicted = x[:, keep] @ coef
    fitted = meta | {
        "runs": len(runs),
        "outliers_left_out": int((~used).sum()),
        "measured_s": float(y.sum()),
        "modelled_s": float(predicted.sum()),
        "r2": float(1 - ((y - predicted) ** 2).sum() / max(1e-12, ((y - y.mean()) ** 2).sum())),
        "median_abs_error_s": float(np.median(np.abs(y - predicted))),
    }
    return CostModel(**values, per_chunk_s=per_chunk_s, fitted=fitted)


def _by_commit(files: list[dict]) -> dict[str, float]:
    by: dict[str, list[float]] = {}
    for f in files:
        for latency, tag in zip(f["latencies"], f["latency_tags"], strict=True):
            by.setdefault(tag, []).append(latency)
    return {tag: round(float(np.median(xs)), 2) for tag, xs in sorted(by.items())}


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
        # Where the latency comes from: a word committed at its utterance's end ("flush") waits for the
        # pause and the final decode; one committed by agreement ("insert") for a second decode.
        "latency_median_by_commit_s": _by_commit(files),
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
    parser.add_argument("--clock", choices=("model", "measured"), default="model",
                        help="what a Whisper run costs on the virtual clock: the fixed cost model (default: "
                             "the same commits whatever the machine's load) or its measured time")  # fmt: skip
    parser.add_argument("--cost", type=Path, default=COST_FILE, help=f"the cost model (default {COST_FILE.name})")
    parser.add_argument("--fit-cost", type=Path, metavar="OUT",
                        help="run with measured costs and fit the cost model to them, written to OUT")  # fmt: skip
    parser.add_argument("--fit-beams", default="",
                        help="with --fit-cost: run the files once per beam size (e.g. 5,1), so the model prices "
                             "greedy decodes too")  # fmt: skip
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
    try:
        beams = [int(b) for b in args.fit_beams.split(",") if b.strip()] if args.fit_beams else []
    except ValueError:
        parser.error(f"--fit-beams {args.fit_beams!r}: beam sizes separated by commas (5,1)")
    if beams and not args.fit_cost:
        parser.error("--fit-beams goes with --fit-cost")
    cost = None
    if args.clock == "model" and not args.fit_cost:
        try:
            cost = CostModel.load(args.cost)
        except ConfigError as exc:
            parser.error(str(exc))
        for beam in {cfg.beam_size, cfg.final_beam_size or cfg.beam_size}:
            if not cost.prices(beam):
                parser.error(f"{args.cost}: the cost model was not fitted for beam {beam}; refit it with "
                             f"--fit-cost OUT --fit-beams {cost.fitted.get('beam_size', 5)},{beam}")  # fmt: skip
    model = load_whisper(cfg.model, cfg.compute_type, cfg.threads)
    groups: dict[str, list[dict]] = {}
    runs = [(cfg, "")] if not beams else [
        (dataclasses.replace(cfg, beam_size=b, final_beam_size=0), f" (beam {b})") for b in beams]
    for path in args.audio:
        pairs = find_pairs(path) if path.is_dir() else [(path, path.with_suffix(".txt"))]
        for (audio_path, text_path), (run_cfg, tag) in ((p, r) for p in pairs for r in runs):
            audio = np.concatenate(list(read_file(audio_path)))
            reference = text_path.read_text()
            result = simulate(audio, run_cfg, model, cost=cost)
            result["file"] = audio_path.name + tag
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
    if args.fit_cost:
        meta = {"machine": platform.node(), "cpus": os.cpu_count(), "threads": cfg.threads,
                "beam_size": beams[0] if beams else cfg.beam_size, "beams": beams or [cfg.beam_size],
                "model": cfg.model, "files": [f["file"] for f in files], "load_average": os.getloadavg(),
                "date": time.strftime("%Y-%m-%d %H:%M")}  # fmt: skip
        per_chunk = float(np.mean([f["overhead_per_chunk_s"] for f in files]))
        fitted = fit_cost([r for f in files for r in f["runs"]], per_chunk, meta)
        args.fit_cost.write_text(json.dumps(dataclasses.asdict(fitted), indent=1) + "\n")
        log.info("cost model: %s", json.dumps(dataclasses.asdict(fitted)))
    clock = {"mode": "measured", "load_average": os.getloadavg()} if cost is None else {"mode": "model"} | dataclasses.asdict(cost)
    for f in files:
        f.pop("latencies")
        f.pop("latency_tags")
        f.pop("runs")
    if len(per_group) > 1:
        for name, g in per_group.items():
            log.info("%s: %s", name, json.dumps(g))
    print(json.dumps(overall))
    if args.json:
        report = {"overall": overall, "groups": per_group, "config": dataclasses.asdict(cfg), "clock": clock, "files": files}
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
