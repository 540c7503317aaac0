"""Labels by input channel (issue #15, "the cheap case") on generated stereo calls with crosstalk.

    python -m bench.channels --json bench/results/channels.json
    python -m bench.channels --calls 1 --bleeds -20           # quick

A call: channel 0 ("Me") is the local microphone, an espeak-ng voice; channel 1 ("Remote") the other side,
a real person (Allison, Debian's asterisk-core-sounds-en-wav prompts, 8-kHz telephone audio). They take
turns of one or two sentences with pauses, and some turns start before the other side has finished
(overlap). Each side leaks into the other channel at `bleed` dB, 60 ms late (the remote side heard by
the microphone from the speakers; the local voice echoed back), the two sides are not equally loud
(-3 and -9 dBFS peaks), and both channels carry noise (the microphone -50 dBFS, the line -60 dBFS).

Every call goes through transcribe's own streaming policy (`StreamingTranscriber`, real Whisper tiny.en)
fed the chunks capture makes (`capture.rechunk`, `capture.split_channels`: the mono mix plus levels), so
labels come from real committed words and their times. Reported per bleed level:
- segment accuracy: segments whose label is a side that no other side out-talked during the segment's time
  (turn edges widened by 0.1 s; in an overlap both sides are right, as for words);
- word accuracy: words (by the label of their segment) inside one side's turn only (words in an overlap
  are left out: both sides are right there);
- DER (bench.diarization.der: 0.25-s collar, optimal label mapping, overlap counted for each speaker)
  over the labelled segments.
The margin sweep relabels the same committed words with other `channel_margin_db` values (the words and
the levels do not depend on it; each committed segment at the default margin is relabelled as one run).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from pipeline.messages import SAMPLE_RATE, AudioChunk, Segment
from stages.channels import ChannelTrack
from stages.settings import TranscribeConfig

log = logging.getLogger("bench.channels")
ROOT = Path(__file__).resolve().parents[1]
ALLISON = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
NAMES = ("Me", "Remote")
LOCAL_LINES = [
    "Hi, thanks for calling back so quickly.",
    "I wanted to go over the release plan for next week.",
    "The database migration is almost finished.",
    "Can you send me the test report before Friday?",
    "We moved the launch to the twelfth of March.",
    "Maria will write the announcement for the customers.",
    "I think the budget for the laptops was approved.",
    "Let us meet again on Monday at ten.",
    "That sounds good to me, I will tell the team.",
    "One more thing, the old servers can be switched off in April.",
]
VOICES = ("en-us", "en-gb", "en-us+m3")


@dataclass
class Call:
    name: str
    audio: np.ndarray  # [samples, 2] float32, 16 kHz
    turns: list[tuple[float, float, str]] = field(default_factory=list)  # (start, end, side)


def _trim(x: np.ndarray) -> np.ndarray:
    idx = np.flatnonzero(np.abs(x) > 0.02 * max(float(np.abs(x).max()), 1e-6))
    return x[idx[0] : idx[-1] + 1] if idx.size else x[:0]


def _read(path: Path) -> np.ndarray:
    from stages.audio_io import read_file

    return np.concatenate(list(read_file(path)))


def remote_clips(count: int, seed: int) -> list[np.ndarray]:
    """Allison's prompts of 1.5-4 s (a sentence or two), in a seeded order."""
    files = sorted(ALLISON.glob("*.wav"))
    if not files:
        raise SystemExit(f"no prompts in {ALLISON}: install Debian's asterisk-core-sounds-en-wav (`make test` does)")
    random.Random(seed).shuffle(files)
    out = []
    for f in files:
        x = _trim(_read(f))
        if 1.5 <= len(x) / SAMPLE_RATE <= 4.0:
            out.append(x)
        if len(out) == count:
            break
    return out


def local_clips(folder: Path, count: int, voice: str) -> list[np.ndarray]:
    """espeak-ng sentences (the local side), synthesized into `folder`."""
    import shutil
    import subprocess

    if shutil.which("espeak-ng") is None:
        raise SystemExit("espeak-ng is missing: `make test` installs it (Debian package espeak-ng)")
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        path = folder / f"{voice}_{i}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", str(path), LOCAL_LINES[i % len(LOCAL_LINES)]],
                       check=True)  # fmt: skip
        out.append(_trim(_read(path)))
    return out


def build_call(name: str, local: list[np.ndarray], remote: list[np.ndarray], bleed_db: float, seed: int,
               overlap_p: float = 0.25, gains: tuple[float, float] = (0.7, 0.35), echo_ms: float = 0.0,
               noise_db: tuple[float, float] | None = None) -> Call:  # fmt: skip
    """Alternate turns (the local side first), each side's clips in order; `overlap_p` of the turns start
    0.3-0.8 s before the other side ends. Each channel carries its side at its gain plus the other
    side `bleed_db` down (-inf: no bleed), `echo_ms` late (a room's path, a call's echo), and white noise
    at `noise_db` dBFS RMS per channel (a room's hum on the microphone, the line's hiss)."""
    rng = random.Random(seed)
    sides = [list(local), list(remote)]
    placed: list[tuple[float, int, np.ndarray]] = []
    t = 0.5
    side = 0
    while sides[0] or sides[1]:
        if not sides[side]:
            side = 1 - side
        x = sides[side].pop(0)
        if placed and rng.random() < overlap_p:
            start = max(placed[-1][0] + 0.5, t - rng.uniform(0.3, 0.8))
        else:
            start = t + (rng.uniform(0.3, 1.0) if placed else 0.0)
        placed.append((start, side, x))
        t = max(t, start + len(x) / SAMPLE_RATE)
        side = 1 - side
    bleed = 0.0 if bleed_db == float("-inf") else 10 ** (bleed_db / 20)
    delay = int(echo_ms * SAMPLE_RATE / 1000)
    audio = np.zeros((int((t + 1.0) * SAMPLE_RATE) + delay, 2), np.float32)
    for start, s, x in placed:
        i = int(round(start * SAMPLE_RATE))
        y = x * gains[s] / max(float(np.abs(x).max()), 1e-6)
        audio[i : i + len(y), s] += y
        audio[i + delay : i + delay + len(y), 1 - s] += bleed * y
    if noise_db is not None:
        noise = np.random.default_rng(seed).standard_normal(audio.shape).astype(np.float32)
        audio += noise * (10 ** (np.array(noise_db, dtype=np.float32) / 20))
    audio = np.clip(audio, -1.0, 1.0)
    turns = [(round(st, 3), round(st + len(x) / SAMPLE_RATE, 3), NAMES[s]) for st, s, x in placed]
    return Call(name, audio, turns)


# The bench's calls are harder than the tests' clean one: the bleed arrives 60 ms late (the room, the
# call's round trip), and both channels carry noise: the microphone a room's -50 dBFS, the line -60 dBFS.
ECHO_MS = 60.0
NOISE_DB = (-50.0, -60.0)


def make_calls(count: int, bleed_db: float, folder: Path, turns_per_side: int = 6) -> list[Call]:
    calls = []
    for k in range(count):
        local = local_clips(folder / "local", turns_per_side, VOICES[k % len(VOICES)])
        remote = remote_clips(turns_per_side, seed=100 + k)
        calls.append(build_call(f"call{k + 1}", local, remote, bleed_db, seed=200 + k, echo_ms=ECHO_MS,
                                noise_db=NOISE_DB))  # fmt: skip
    return calls


def write_stereo(path: Path, audio: np.ndarray) -> Path:
    """The call as a stereo WAV ([samples, 2]: local left, remote right)."""
    from bench.diarization import write_wav

    return write_wav(path, audio)


# -- scoring -------------------------------------------------------------------------------------------------
def _cover(turns: list[tuple[float, float, str]], start: float, end: float, slack: float = 0.0) -> dict[str, float]:
    """Seconds of [start, end] each side spoke, each turn widened by `slack` on both ends."""
    cover = {n: 0.0 for n in NAMES}
    for s, e, who in turns:
        cover[who] += max(0.0, min(e + slack, end) - max(s - slack, start))
    return cover


def label_right(turns: list[tuple[float, float, str]], segment: Segment) -> bool:
    """A segment's label is right when no other side spoke more of its time. Turns are widened by the same
    0.1 s as for words (synthesized turn edges and Whisper's word times differ by about that much), and in
    an overlap both sides are right, as for words: a segment 'quickly.' at 2.96-3.26 s, the local turn
    ending at 3.25 s and the remote one starting at 2.68 s, was counted wrong by 'who spoke most' alone."""
    if segment.speaker is None:
        return False
    cover = _cover(turns, segment.start, segment.end, slack=0.1)
    return cover.get(segment.speaker, 0.0) > 0 and cover[segment.speaker] >= max(cover.values()) - 1e-9


def sides_at(turns: list[tuple[float, float, str]], t: float) -> set[str]:
    return {who for s, e, who in turns if s - 0.1 <= t <= e + 0.1}


def score(call: Call, segments: list[Segment]) -> dict:
    """Segment and word accuracy of the labels, and DER (see the module docstring)."""
    from bench.diarization import der

    seg_ok = sum(1 for s in segments if label_right(call.turns, s))
    scored = right = overlap_words = 0
    for s in segments:
        for w in s.words:
            who = sides_at(call.turns, (w.start + w.end) / 2)
            if len(who) != 1:
                overlap_words += len(who) > 1
                continue
            scored += 1
            right += s.speaker in who
    d = der(call.turns, [(s.start, s.end, s.speaker) for s in segments])
    return {"segments": len(segments), "segment_accuracy": seg_ok / max(1, len(segments)),
            "unlabelled_segments": sum(1 for s in segments if s.speaker is None),
            "words_scored": scored, "word_accuracy": right / max(1, scored), "overlap_words": overlap_words,
            "der": d["der"], "der_parts": {k: round(d[k], 2) for k in ("missed", "false_alarm", "confusion")}}  # fmt: skip


# -- running transcribe's policy -----------------------------------------------------------------------------
def chunks_of(call: Call, chunk_ms: int = 100, level_ms: int = 50) -> list[AudioChunk]:
    """The chunks capture sends for this call (capture.rechunk + capture.split_channels)."""
    from stages.capture import rechunk, split_channels

    size, frame = SAMPLE_RATE * chunk_ms // 1000, SAMPLE_RATE * level_ms // 1000
    out, t = [], 0
    for i, block in enumerate(rechunk(iter([call.audio]), size)):
        mono, levels = split_channels(block, frame)
        out.append(AudioChunk(call.name, i, t / SAMPLE_RATE, 0.0, mono, levels=levels, channels=NAMES))
        t += len(mono)
    return out


def transcribe(call: Call, model, cfg: TranscribeConfig) -> tuple[list[Segment], list[AudioChunk]]:  # noqa: ANN001
    from stages.transcribe import StreamingTranscriber

    st = StreamingTranscriber(cfg, model, call.name)
    chunks = chunks_of(call)
    segments = []
    for ch in chunks:
        accepted = st.accept(ch)
        if accepted is not None:
            segments += [m for m in st.feed(accepted) if isinstance(m, Segment)]
    segments += [m for m in st.finish() if isinstance(m, Segment)]
    return segments, chunks


def relabel(segments: list[Segment], chunks: list[AudioChunk], margin_db: float) -> list[Segment]:
    """The same committed words labelled with another margin (one committed segment = one run)."""
    track = ChannelTrack(NAMES, margin_db)
    for ch in chunks:
        track.add(ch)
    out = []
    for s in segments:
        for run, name in track.runs(list(s.words)):
            out.append(Segment(s.stream, len(out), " ".join(w.text for w in run), run[0].start, run[-1].end,
                               tuple(run), name))  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=3, help="calls per bleed level (different voices and prompts)")
    ap.add_argument("--bleeds", type=float, nargs="+", default=[-30.0, -20.0, -10.0, -6.0],
                    help="dB of each side heard on the other channel")  # fmt: skip
    ap.add_argument("--margins", type=float, nargs="+", default=[0.0, 3.0, 6.0, 10.0, 15.0])
    ap.add_argument("--margin", type=float, default=TranscribeConfig().channel_margin_db, help="transcribe's margin")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from stages.asr_models import load_whisper
    from stages.settings import auto_threads

    cfg = TranscribeConfig(channel_margin_db=args.margin)
    model = load_whisper(cfg.model, cfg.compute_type, auto_threads(cfg.threads))
    folder = ROOT / "bench" / "out" / "channels"
    report: dict = {"command": "python -m bench.channels " + " ".join(sys.argv[1:] if argv is None else argv),
                    "model": cfg.model, "default_margin_db": cfg.channel_margin_db, "bleeds": {}}  # fmt: skip
    for bleed in args.bleeds:
        rows, sweep = [], {m: [] for m in args.margins}
        for call in make_calls(args.calls, bleed, folder):
            write_stereo(folder / f"{call.name}_{bleed:g}dB.wav", call.audio)
            t0 = time.perf_counter()
            segments, chunks = transcribe(call, model, replace(cfg))
            row = {"call": call.name, "seconds": round(len(call.audio) / SAMPLE_RATE, 1),
                   "turns": len(call.turns), "decode_s": round(time.perf_counter() - t0, 1)} | score(call, segments)  # fmt: skip
            rows.append(row)
            log.info("bleed %g dB %s: %d segments, segment accuracy %.1f%%, words %.1f%%, DER %.1f%%", bleed,
                     call.name, row["segments"], 100 * row["segment_accuracy"], 100 * row["word_accuracy"],
                     100 * row["der"])  # fmt: skip
            for m in args.margins:
                sweep[m].append(score(call, relabel(segments, chunks, m)))
        report["bleeds"][f"{bleed:g}"] = {
            "calls": rows,
            "segment_accuracy": _mean(rows, "segment_accuracy"), "word_accuracy": _mean(rows, "word_accuracy"),
            "der": _mean(rows, "der"),
            "margin_sweep": {f"{m:g}": {k: _mean(v, k) for k in ("segment_accuracy", "word_accuracy", "der")}
                             for m, v in sweep.items()},
        }  # fmt: skip
    print(f"labels by channel, {args.calls} calls per bleed level, margin {cfg.channel_margin_db:g} dB:")
    for bleed, r in report["bleeds"].items():
        print(f"  bleed {bleed:>4} dB: segments {100 * r['segment_accuracy']:5.1f}%  words {100 * r['word_accuracy']:5.1f}%  "
              f"DER {100 * r['der']:5.1f}%   margin sweep (word accuracy): "
              + ", ".join(f"{m} dB {100 * v['word_accuracy']:.1f}%" for m, v in r["margin_sweep"].items()))  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


def _mean(rows: list[dict], key: str) -> float:
    return round(float(np.mean([r[key] for r in rows])), 4) if rows else 0.0


if __name__ == "__main__":
    raise SystemExit(main())
