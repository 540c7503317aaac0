"""Speaker labels against turn-level truth: a dev set to tune on, a separate test set to report (issue #15).

    python -m bench.diarization --split dev --sweep          # choose thresholds on dev only
    python -m bench.diarization --split dev --json bench/results/diarization_dev.json
    python -m bench.diarization --split test --e2e --json bench/results/diarization_test.json

Recordings are built here, deterministically (seeded), with the truth of who speaks when:
- meetings: excerpts of the quality-set meetings (bench/data/quality) spoken by espeak-ng, one voice
  variant, rate and pitch per speaker (bench.asr_sets' voices: dev and test share none), pauses as in
  bench.asr_sets, plus overlaps (a turn starting before the previous one ended, mixed) and short turns;
- conversation: real people, Debian's Asterisk prompt packages (each language is another speaker; the
  English and Mexican-Spanish sets are the same woman, Allison, so only the English one is used), in
  turns of one to three prompts, with overlaps;
- monologue: one real voice for ten minutes (its label must not split).
dev and test share no voice, synthesized or human.

Each recording goes through the same `SpeakerLabeler` as transcribe, fed the way transcribe feeds it: the
audio is cut into unbroken stretches (pauses under transcribe's silence_flush_s join stretches, as its
VAD does), each stretch into committed fragments of 0.3-3 s (LocalAgreement commits a few words at a
time), and each fragment is labelled with the stretch's audio up to 1 s past it in the buffer (what
transcribe holds at commit time). With `--e2e`, the first meeting also goes through the real capture
and transcribe processes (bench.asr's harness), so the labels come from real segments and word times.

Labels are scored as the labeller leaves them: a later decision may correct labels it gave a few
seconds back (`speaker_relabel_s`; `Segment.relabels`), and `der_as_sent` scores the labels as first
sent, before any correction.

DER (diarization error rate): the share of reference speaker time that is missed, falsely labelled or
given the wrong speaker, on 10-ms frames, after the optimal one-to-one mapping of labels to speakers
(Hungarian), with the usual 0.25-s collar around every reference turn boundary (the exact boundaries
are not what is measured); overlapped speech counts for each speaker in it. Without the collar too.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import logging
import random
import statistics
import sys
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from bench import asr_sets
from bench.asr_sets import DEV_VOICES, TEST_VOICES, Voice
from pipeline.messages import SAMPLE_RATE
from stages.settings import TranscribeConfig
from stages.speakers import labeler_for

RATE = SAMPLE_RATE
ROOT = Path(__file__).resolve().parents[1]
SOUNDS = Path("/usr/share/asterisk/sounds")
OUT = ROOT / "bench" / "out" / "diarization"
FRAME = 0.01
COLLAR = 0.25
log = logging.getLogger("bench.diarization")

# Real people (Debian packages): folder, file extension. Each is one person.
HUMANS = {
    "allison_en": ("en_US_f_Allison", "wav"),  # asterisk-core-sounds-en-wav
    "carlo_it": ("it_IT_m_Carlo", "wav"),  # asterisk-core-sounds-it-wav
    "armelle_fr": ("fr", "gsm"),  # asterisk-prompt-fr-armelle (8-kHz GSM: telephone quality)
    "june_fr": ("fr_CA_f_June", "wav"),  # asterisk-core-sounds-fr-wav
    "ivr_ru": ("ru_RU_f_IvrvoiceRU", "wav"),  # asterisk-core-sounds-ru-wav
    "menardi_it": ("it_IT_f_Menardi", "wav"),  # asterisk-prompt-it-menardi-wav
    "colombia_es": ("es", "gsm"),  # asterisk-prompt-es-co
}


@dataclass(frozen=True)
class MeetingSpec:
    name: str
    source: str  # bench/data/quality/SOURCE.txt
    first_line: int
    words: int
    voices: tuple[Voice, ...]
    gap_s: tuple[float, float] = (0.3, 1.2)
    overlap_p: float = 0.1  # share of turns that start before the previous one ends
    seed: int = 0


@dataclass(frozen=True)
class ConversationSpec:
    name: str
    people: tuple[str, ...]
    seconds: float
    overlap_p: float = 0.1
    gap_s: tuple[float, float] = (0.2, 1.0)
    seed: int = 0


SETS: dict[str, list[MeetingSpec | ConversationSpec]] = {
    "dev": [
        MeetingSpec("hiring", "hiring_committee", 0, 700, DEV_VOICES["hiring"], seed=21),
        MeetingSpec("research_fast", "research_group", 250, 700, DEV_VOICES["research"], gap_s=(0.2, 0.7), seed=22),
        MeetingSpec("quarterly_slow", "quarterly_planning", 1000, 600, DEV_VOICES["quarterly"], gap_s=(0.6, 1.5), seed=23),
        ConversationSpec("people3", ("allison_en", "carlo_it", "armelle_fr"), 240, seed=24),
        ConversationSpec("monologue_allison", ("allison_en",), 600, seed=25),
    ],
    "test": [
        MeetingSpec("incident", "incident_postmortem", 0, 700, TEST_VOICES["incident"], seed=31),
        MeetingSpec("budget_slow", "budget_review", 350, 600, TEST_VOICES["budget"], gap_s=(0.6, 1.6), seed=32),
        MeetingSpec("school_fast", "school_board", 500, 800, TEST_VOICES["school"], gap_s=(0.2, 0.6), seed=33),
        ConversationSpec("people4", ("june_fr", "ivr_ru", "menardi_it", "colombia_es"), 300, seed=34),
        ConversationSpec("monologue_menardi", ("menardi_it",), 600, seed=35),
    ],
}


@dataclass
class Recording:
    name: str
    audio: np.ndarray
    turns: list[tuple[float, float, str]] = field(default_factory=list)  # (start, end, speaker)
    texts: list[str] = field(default_factory=list)  # what each turn says (meetings; "" for prompts)

    @property
    def speakers(self) -> int:
        return len({s for _, _, s in self.turns})


# -- building the recordings ------------------------------------------------------------------------------
def _trim(x: np.ndarray) -> np.ndarray:
    """Cut leading/trailing silence (and a prompt's line noise) at 2% of the peak."""
    idx = np.flatnonzero(np.abs(x) > 0.02 * max(float(np.abs(x).max()), 1e-6))
    return x[idx[0] : idx[-1] + 1] if idx.size else x[:0]


def _place(pieces: list[tuple[np.ndarray, str]], rng: random.Random, gap_s: tuple[float, float], overlap_p: float,
           name: str, texts: list[str] | None = None) -> Recording:  # fmt: skip
    """Lay turns one after another with pauses; some start before the previous one ended (mixed)."""
    t = 0.5
    placed = []
    prev_end = 0.5
    for x, who in pieces:
        dur = len(x) / RATE
        if placed and rng.random() < overlap_p and dur > 1.0:
            start = max(placed[-1][0] + 0.2, prev_end - rng.uniform(0.3, 1.0))  # overlap up to 1 s
        else:
            start = prev_end + (rng.uniform(*gap_s) if placed else 0.0)
        placed.append((start, start + dur, who, x))
        prev_end = max(prev_end, start + dur)
        t = prev_end
    audio = np.zeros(int((t + 0.5) * RATE) + 1, np.float32)
    for start, _end, _who, x in placed:
        i = int(round(start * RATE))
        audio[i : i + len(x)] += x
    peak = float(np.abs(audio).max())
    if peak > 0.99:
        audio *= 0.99 / peak
    turns = [(round(s, 3), round(s + len(x) / RATE, 3), who) for s, _e, who, x in placed]
    return Recording(name, audio, turns, texts or [""] * len(turns))


def build_meeting(m: MeetingSpec) -> Recording:
    rng = random.Random(m.seed)
    lines = asr_sets.excerpt(asr_sets.Meeting(m.name, m.source, m.first_line, m.words, m.voices))
    cast: dict[str, Voice] = {}
    for speaker, _ in lines:
        cast.setdefault(speaker, m.voices[len(cast) % len(m.voices)])
    gain = {s: 0.6 + 0.4 * rng.random() for s in cast}  # speakers are not equally loud
    pieces = []
    for speaker, text in lines:
        v = cast[speaker]
        x, rate = asr_sets.speech.synthesize(text, v.espeak, v.wpm, v.pitch)
        x = _trim(asr_sets.speech.resample(x, rate))
        pieces.append((x * gain[speaker] * 0.7 / max(float(np.abs(x).max()), 1e-6), f"{speaker}:{v.espeak}"))
    return _place(pieces, rng, m.gap_s, m.overlap_p, m.name, [text for _, text in lines])


def _prompts(person: str) -> list[Path]:
    folder, ext = HUMANS[person]
    files = sorted((SOUNDS / folder).glob(f"*.{ext}"))
    if not files:
        raise SystemExit(f"no {ext} prompts in {SOUNDS / folder}: install the Debian package named in bench/diarization.py")
    return files


def _read(path: Path) -> np.ndarray:
    from stages.audio_io import read_file

    return np.concatenate(list(read_file(path)))


def build_conversation(c: ConversationSpec) -> Recording:
    rng = random.Random(c.seed)
    pools = {p: _prompts(p) for p in c.people}
    for files in pools.values():
        rng.shuffle(files)
    gain = {p: 0.6 + 0.4 * rng.random() for p in c.people}
    pieces, total, previous = [], 0.0, None
    while total < c.seconds:
        who = rng.choice([p for p in c.people if p != previous] or list(c.people))
        previous = who
        for _ in range(rng.randint(1, 3)):  # a turn: one to three prompts, short pauses between
            if not pools[who]:
                break
            x = _trim(_read(pools[who].pop()))
            if len(x) < 0.25 * RATE:
                continue
            pieces.append((x * gain[who] * 0.7 / max(float(np.abs(x).max()), 1e-6), who))
            total += len(x) / RATE + 0.5
    gap = (0.2, 0.45) if len(c.people) == 1 else c.gap_s  # a monologue keeps talking
    return _place(pieces, rng, gap, c.overlap_p if len(c.people) > 1 else 0.0, c.name)


def build(split: str) -> list[Recording]:
    out = []
    for spec in SETS[split]:
        rec = build_meeting(spec) if isinstance(spec, MeetingSpec) else build_conversation(spec)
        log.info("%s: %.1f min, %d speakers, %d turns", rec.name, len(rec.audio) / RATE / 60, rec.speakers, len(rec.turns))
        out.append(rec)
    return out


# -- labelling as transcribe does ---------------------------------------------------------------------------
def stretches(turns: list[tuple[float, float, str]], join_s: float) -> list[tuple[float, float]]:
    """Unbroken stretches of speech: turns closer than `join_s` (transcribe's silence_flush_s) join."""
    out: list[list[float]] = []
    for start, end, _ in sorted(turns):
        if out and start - out[-1][1] < join_s:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


class CachedEncoder:
    """The encoder with its embeddings remembered by audio content: a threshold sweep embeds once."""

    def __init__(self, encoder) -> None:  # noqa: ANN001 - SpeakerEncoder
        self.encoder = encoder
        self.cache: dict[bytes, np.ndarray] = {}
        self.times: list[float] = []  # seconds per embedding actually computed
        self.lengths: list[float] = []

    def embed(self, audio: np.ndarray) -> np.ndarray:
        key = hashlib.blake2b(audio.tobytes(), digest_size=16).digest()
        if key not in self.cache:
            t0 = time.perf_counter()
            self.cache[key] = self.encoder.embed(audio)
            self.times.append(time.perf_counter() - t0)
            self.lengths.append(len(audio) / RATE)
        return self.cache[key]


# Committed fragment lengths (uniform): LocalAgreement commits what two decodes agree on, a few words
# each `step_s` of new audio; at step_s 0.5 a commit holds half as much speech.
FRAGMENT_S = (0.3, 3.0)
SHORT_FRAGMENT_S = (0.2, 1.5)


def fragments_of(rec: Recording, cfg: TranscribeConfig, rng: random.Random,
                 fragments: tuple[float, float] = FRAGMENT_S) -> Iterator[tuple[float, float, float, np.ndarray, float]]:  # fmt: skip
    """The committed fragments as transcribe would label them: (start, end, buffer start, buffer, stretch
    start), each fragment `fragments` seconds long (uniform), the buffer its stretch's audio up to 1 s
    past it (what transcribe holds at commit time)."""
    for run_start, run_end in stretches(rec.turns, cfg.silence_flush_s):
        buf_from = max(0.0, run_start - cfg.pre_roll_s)
        a = run_start
        while a < run_end - 1e-3:
            b = min(run_end, a + rng.uniform(*fragments))
            if run_end - b < 0.3:
                b = run_end
            lo = max(buf_from, b - cfg.max_buffer_s)
            hi = min(run_end, b + 1.0)
            yield a, b, lo, rec.audio[int(lo * RATE) : int(hi * RATE)], run_start
            a = b


def label_recording(rec: Recording, encoder, cfg: TranscribeConfig, seed: int = 0,  # noqa: ANN001
                    fragments: tuple[float, float] = FRAGMENT_S) -> tuple[list, list]:  # fmt: skip
    """(start, end, label) of committed fragments, labelled as transcribe labels them: as first sent,
    and after the labeller's later corrections (relabels)."""
    labeler = labeler_for(encoder, cfg)
    out: list[tuple[float, float, str | None]] = []
    fixed: dict[int, str] = {}
    for a, b, lo, buf, run_start in fragments_of(rec, cfg, random.Random(seed), fragments):
        out.append((a, b, labeler.label(buf, lo, a, b, run_start, key=len(out))))
        for key, lab in labeler.take_corrections():
            fixed[key] = lab
    return out, [(a, b, fixed.get(k, lab)) for k, (a, b, lab) in enumerate(out)]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def soak(recs: list[Recording], encoder, cfg: TranscribeConfig, minutes: float,  # noqa: ANN001
         fragments: tuple[float, float] = FRAGMENT_S) -> dict:  # fmt: skip
    """One stream's labeller over `minutes` of audio (the split's recordings again and again, times running
    on): the process's RSS every 5 audio minutes, its slope per audio hour (memory flat: the labeller
    keeps centroids, not embeddings). The encoder here caches nothing."""
    labeler = labeler_for(encoder, cfg)
    rng = random.Random(7)
    offset, key, samples, next_at = 0.0, 0, [], 0.0
    t0 = time.perf_counter()
    while offset < minutes * 60:
        for rec in recs:
            for a, b, lo, buf, run_start in fragments_of(rec, cfg, rng, fragments):
                labeler.label(buf, lo + offset, a + offset, b + offset, run_start + offset, key=key)
                labeler.take_corrections()
                key += 1
                if a + offset >= next_at:
                    samples.append((round((a + offset) / 60, 2), round(rss_mb(), 1)))
                    next_at += 300
            offset += len(rec.audio) / RATE
            if offset >= minutes * 60:
                break
    x = np.array([m for m, _ in samples[1:]]) / 60  # hours; the first sample is before the first stretch
    y = np.array([r for _, r in samples[1:]])
    slope = float(np.polyfit(x, y, 1)[0]) if len(x) > 2 else 0.0
    c = labeler.counters
    return {"audio_minutes": round(offset / 60, 1), "segments": key, "rss_mb": samples, "rss_slope_mb_per_audio_hour": slope,
            "speakers": c.speakers, "relabelled": c.relabelled, "cpu_seconds": round(time.perf_counter() - t0, 1)}  # fmt: skip


# -- scoring --------------------------------------------------------------------------------------------
def _best_mapping(co: np.ndarray) -> float:
    """Largest total of `co[h, r]` over one-to-one maps of hypothesis rows to reference columns."""

    @functools.cache
    def best(i: int, used: int) -> float:
        if i == co.shape[0]:
            return 0.0
        value = best(i + 1, used)
        for r in range(co.shape[1]):
            if not used >> r & 1:
                value = max(value, co[i, r] + best(i + 1, used | 1 << r))
        return value

    return best(0, 0)


def der(turns: list[tuple[float, float, str]], hyp: list[tuple[float, float, str | None]], collar: float = COLLAR) -> dict:
    """Frame-level diarization error (see the module docstring) and its parts, in reference seconds."""
    end = max([e for _, e, _ in turns] + [e for _, e, _ in hyp]) + 1.0
    n = int(end / FRAME) + 1
    speakers = sorted({s for _, _, s in turns})
    ref = np.zeros((len(speakers), n), bool)
    scored = np.ones(n, bool)
    for s, e, who in turns:
        ref[speakers.index(who), int(round(s / FRAME)) : int(round(e / FRAME))] = True
        for edge in (s, e):
            scored[max(0, int(round((edge - collar) / FRAME))) : int(round((edge + collar) / FRAME))] = False
    labels = sorted({lab for _, _, lab in hyp if lab is not None})
    h = np.full(n, -1)
    for s, e, lab in hyp:
        if lab is not None:
            h[int(round(s / FRAME)) : int(round(e / FRAME))] = labels.index(lab)
    ref, h = ref[:, scored], h[scored]
    n_ref = ref.sum(axis=0)
    n_hyp = (h >= 0).astype(int)
    co = np.array([[float(np.sum(ref[r] & (h == i))) for r in range(len(speakers))] for i in range(len(labels))])
    correct = _best_mapping(co) if len(labels) else 0.0
    total = float(n_ref.sum())
    miss = float(np.maximum(0, n_ref - n_hyp).sum())
    fa = float(np.maximum(0, n_hyp - n_ref).sum())
    confusion = float(np.minimum(n_ref, n_hyp).sum()) - correct
    return {"der": (miss + fa + confusion) / max(total, 1.0), "missed": miss * FRAME, "false_alarm": fa * FRAME,
            "confusion": confusion * FRAME, "reference_seconds": total * FRAME,
            "speakers_true": len(speakers), "speakers_found": len(labels)}  # fmt: skip


def evaluate(recs: list[Recording], encoder, cfg: TranscribeConfig, fragments: tuple[float, float] = FRAGMENT_S) -> dict:  # noqa: ANN001
    per = {}
    for rec in recs:
        sent, hyp = label_recording(rec, encoder, cfg, fragments=fragments)
        d = der(rec.turns, hyp)
        d["der_no_collar"] = der(rec.turns, hyp, 0.0)["der"]
        d["der_as_sent"] = der(rec.turns, sent)["der"]  # before any relabel reached the fragments
        d["relabelled_fragments"] = sum(1 for x, y in zip(sent, hyp, strict=True) if x[2] != y[2])
        d["fragments"] = len(hyp)
        d["unlabelled_fragments"] = sum(1 for _, _, lab in hyp if lab is None)
        d["minutes"] = round(len(rec.audio) / RATE / 60, 2)
        per[rec.name] = d
    total = sum(d["reference_seconds"] for d in per.values())
    errors = sum(d["missed"] + d["false_alarm"] + d["confusion"] for d in per.values())
    as_sent = sum(d["der_as_sent"] * d["reference_seconds"] for d in per.values())
    return {"der": errors / max(total, 1e-9), "der_as_sent": as_sent / max(total, 1e-9), "recordings": per}


def _swept(recs: list[Recording], encoder, configs: list[TranscribeConfig], keys: tuple[str, ...]) -> list[dict]:  # noqa: ANN001
    """Each config evaluated: its `keys`, DER, per recording and speakers found; best first."""
    rows = []
    for cfg in configs:
        r = evaluate(recs, encoder, cfg)
        rows.append({k: getattr(cfg, k) for k in keys} | {"der": r["der"],
                    "per": {k: round(v["der"], 3) for k, v in r["recordings"].items()},
                    "found": {k: v["speakers_found"] for k, v in r["recordings"].items()}})  # fmt: skip
        log.info("%s: DER %.1f%% %s", {k: getattr(cfg, k) for k in keys}, 100 * r["der"], rows[-1]["found"])
    return sorted(rows, key=lambda r: r["der"])


def sweep(recs: list[Recording], encoder, base: TranscribeConfig) -> list[dict]:  # noqa: ANN001
    keys = ("speaker_threshold", "speaker_switch_margin", "speaker_context_s", "speaker_reliable_s", "speaker_new_after")
    configs = [replace(base, speaker_threshold=threshold, speaker_switch_margin=margin, speaker_context_s=4.0,
                       speaker_reliable_s=reliable, speaker_new_after=new_after)
               for new_after in (1, 2) for reliable in (0.0, 2.0) for margin in (0.0, 0.05)
               for threshold in (0.76, 0.78, 0.80, 0.82, 0.84, 0.86)]  # fmt: skip
    return _swept(recs, encoder, configs, keys)


def sweep_pitch(recs: list[Recording], encoder, base: TranscribeConfig) -> list[dict]:  # noqa: ANN001
    """The pitch cue (stop 39) on dev: its weight and tolerance, with the threshold it may need, the other
    settings as chosen before (`base`)."""
    keys = ("speaker_threshold", "speaker_pitch_weight", "speaker_pitch_tolerance")
    configs = [replace(base, speaker_threshold=threshold, speaker_pitch_weight=weight, speaker_pitch_tolerance=tolerance)
               for weight in (0.0, 0.01, 0.02, 0.04, 0.08) for tolerance in ((1.0, 2.0, 3.0) if weight else (2.0,))
               for threshold in (0.80, 0.83, 0.86)]  # fmt: skip
    return _swept(recs, encoder, configs, keys)


def cp_wer(rec: Recording, hyp: list[tuple[str | None, str]]) -> dict:
    """Speaker-attributed WER (cpWER, as in CHiME-6): each speaker's words joined in order, each label's
    words joined in order, labels mapped one-to-one to speakers so that the errors are fewest; a label
    mapped to no speaker counts its words as insertions, a speaker mapped to no label as deletions.
    `hyp`: (label, text) of the segments in order. Beside it the plain WER (labels ignored): the rest
    is words given to the wrong speaker."""
    from bench.metrics import normalize

    ref: dict[str, list[str]] = {}
    for (_s, _e, who), text in zip(rec.turns, rec.texts, strict=True):
        ref.setdefault(who, []).append(text)
    said: dict[str, list[str]] = {}
    for label, text in hyp:
        said.setdefault(label or "?", []).append(text)
    speakers = sorted(ref)
    r_words = {w: normalize(" ".join(t)) for w, t in ref.items()}
    h_words = {lab: normalize(" ".join(t)) for lab, t in said.items()}
    labels = sorted(h_words)

    n_ref = sum(len(v.split()) for v in r_words.values())
    n_hyp = sum(len(v.split()) for v in h_words.values())
    # Saving of a match over leaving both unmatched (all of them deletions and insertions).
    saving = np.array([[len(r_words[r].split()) + len(h_words[h].split()) - _errors(r_words[r], h_words[h]) for r in speakers]
                       for h in labels], dtype=float)  # fmt: skip
    total = n_ref + n_hyp - _best_mapping(saving)
    plain = _errors(normalize(" ".join(rec.texts)), normalize(" ".join(t for _, t in hyp)))
    return {"cpwer": total / max(n_ref, 1), "wer": plain / max(n_ref, 1), "reference_words": n_ref}


def _errors(ref: str, hyp: str) -> int:
    """Substitutions + deletions + insertions of normalised word strings (either may be empty)."""
    import jiwer

    if not ref or not hyp:
        return len(ref.split()) + len(hyp.split())
    out = jiwer.process_words(ref, hyp)
    return out.substitutions + out.deletions + out.insertions


# -- the real transcribe stage ----------------------------------------------------------------------------
def write_wav(path: Path, audio: np.ndarray) -> Path:
    """16-bit WAV at 16 kHz: mono [samples] or interleaved [samples, channels] (bench.channels' calls)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1 if audio.ndim == 1 else audio.shape[1])
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.clip(audio * 32767, -32768, 32767).astype("<i2").tobytes())
    return path


def end_to_end(rec: Recording, cfg: TranscribeConfig, speed: float) -> dict:
    """The recording through real capture and transcribe processes; DER of the labelled segments."""
    from bench.asr import free_endpoints
    from pipeline.live import run_transcription
    from pipeline.messages import Segment, Status
    from stages.settings import AppConfig, CaptureConfig

    path = write_wav(OUT / f"{rec.name}.wav", rec.audio)
    app = AppConfig(stream=rec.name, endpoints=free_endpoints(), capture=CaptureConfig(source=str(path), speed=speed),
                    transcribe=cfg, exit_after_eos=True)  # fmt: skip
    segments, statuses = [], []

    def handle(msg) -> None:  # noqa: ANN001
        if isinstance(msg, Segment):
            segments.append(msg)
        elif isinstance(msg, Status):
            statuses.append(msg)

    t0 = time.monotonic()
    result = run_transcription(app, handle)
    wall = time.monotonic() - t0
    counters = next((s.counters[rec.name] for s in reversed(statuses) if rec.name in s.counters), {})
    sent = [(s.start, s.end, s.speaker) for s in segments]
    fixed = {fix.seq: fix.speaker for s in segments for fix in s.relabels}  # later corrections win
    hyp = [(s.start, s.end, fixed.get(s.seq, s.speaker)) for s in segments]
    d = der(rec.turns, hyp)
    d["der_no_collar"] = der(rec.turns, hyp, 0.0)["der"]
    d["der_as_sent"] = der(rec.turns, sent)["der"]
    if any(rec.texts) and cfg.speakers:
        d |= cp_wer(rec, [(label, s.text) for (_a, _b, label), s in zip(hyp, segments, strict=True)])
    d["relabelled_segments"] = sum(1 for s in segments if s.seq in fixed and fixed[s.seq] != s.speaker)
    audio_s = result.audio_seconds or len(rec.audio) / RATE
    latencies = [s.wall - (w.end + s.clock) for s in segments for w in s.words]
    return d | {
        "recording": rec.name, "speed": speed, "segments": len(segments),
        "labelled_segments": sum(1 for s in segments if s.speaker), "wall_seconds": round(wall, 1),
        "audio_seconds": round(audio_s, 1), "asr_rtf": counters.get("asr_seconds", 0.0) / audio_s,
        "speaker_rtf": counters.get("speaker_seconds", 0.0) / audio_s,
        "speaker_seconds_per_segment": counters.get("speaker_seconds", 0.0) / max(1, len(segments)),
        "word_latency_median_s": statistics.median(latencies) if latencies else None,
        "word_latency_p95_s": float(np.percentile(latencies, 95)) if latencies else None,
    }  # fmt: skip


# -- the command -------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=tuple(SETS), default="dev")
    ap.add_argument("--sweep", action="store_true", help="try thresholds (dev only: never tune on test)")
    ap.add_argument("--sweep-pitch", action="store_true", help="try the pitch cue's weight and tolerance (dev only)")
    ap.add_argument("--e2e", action="store_true", help="also run the first recording through real capture + transcribe")
    ap.add_argument("--speed", type=float, default=1.0, help="--e2e replay pacing (1 = real time, for latency)")
    ap.add_argument("--soak", type=float, default=0.0, metavar="MINUTES",
                    help="also label MINUTES of audio in one stream (the recordings looped) and report RSS over it")
    ap.add_argument("--no-baseline", action="store_true",
                    help="--e2e without the run with labels off (the caption latency labels add is measured against it)")  # fmt: skip
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a TranscribeConfig field")
    ap.add_argument("--fragments", default="", metavar="LO,HI",
                    help=f"committed fragment lengths in seconds (default: by the step transcribe takes with labels on, "
                         f"TranscribeConfig.step_for: {FRAGMENT_S} at 1.0, {SHORT_FRAGMENT_S} below)")  # fmt: skip
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if (args.sweep or args.sweep_pitch) and args.split != "dev":
        ap.error("--sweep and --sweep-pitch tune: dev only")
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        default = getattr(TranscribeConfig(), key)
        overrides[key] = type(default)(value) if not isinstance(default, bool) else value == "true"
    cfg = replace(TranscribeConfig(speakers=True), **overrides)
    if args.fragments:
        lo, _, hi = args.fragments.partition(",")
        fragments = (float(lo), float(hi))
    else:
        fragments = SHORT_FRAGMENT_S if cfg.step_for(labelled=True) < 1.0 else FRAGMENT_S

    from stages.speaker_model import SpeakerEncoder

    t0 = time.perf_counter()
    encoder = CachedEncoder(SpeakerEncoder())
    load_s = time.perf_counter() - t0
    recs = build(args.split)
    report: dict = {"split": args.split, "command": "python -m bench.diarization " + " ".join(sys.argv[1:] if argv is None else argv),
                    "encoder_load_seconds": round(load_s, 2)}  # fmt: skip
    if args.sweep:
        report["sweep"] = sweep(recs, encoder, cfg)
        best = report["sweep"][0]
        print("best on dev:", {k: v for k, v in best.items() if k.startswith("speaker_")}, f"DER {100 * best['der']:.1f}%")
    if args.sweep_pitch:
        report["sweep_pitch"] = sweep_pitch(recs, encoder, cfg)
        best = report["sweep_pitch"][0]
        print("best on dev:", {k: v for k, v in best.items() if k.startswith("speaker_")}, f"DER {100 * best['der']:.1f}%")
    result = evaluate(recs, encoder, cfg, fragments)
    report["fragments_s"] = list(fragments)
    report["settings"] = {k: getattr(cfg, k) for k in ("speaker_threshold", "speaker_switch_margin", "speaker_weight_cap",
                                                       "step_s", "speaker_step_s", "speaker_min_speech_s", "speaker_context_s", "speaker_reliable_s",
                                                       "speaker_merge_threshold", "speaker_new_after", "speaker_relabel_s", "max_speakers",
                                                       "speaker_pitch_weight", "speaker_pitch_tolerance")}  # fmt: skip
    report |= result
    times = encoder.times
    report["embedding"] = {"count": len(times), "median_s": statistics.median(times), "p95_s": float(np.percentile(times, 95)),
                           "max_s": max(times), "median_audio_s": statistics.median(encoder.lengths),
                           "cpu_per_audio_second": sum(times) / sum(len(r.audio) / RATE for r in recs)}  # fmt: skip
    report["minutes"] = round(sum(len(r.audio) for r in recs) / RATE / 60, 1)
    print(f"{args.split}: {report['minutes']} min, DER {100 * result['der']:.1f}% (collar {COLLAR} s; "
          f"{100 * result['der_as_sent']:.1f}% as first sent, before relabels)")
    for name, d in result["recordings"].items():
        print(f"  {name:20s} DER {100 * d['der']:5.1f}% (no collar {100 * d['der_no_collar']:5.1f}%)  speakers "
              f"{d['speakers_found']} found / {d['speakers_true']} true  missed {d['missed']:.0f} s  "
              f"false alarm {d['false_alarm']:.0f} s  confusion {d['confusion']:.0f} s")  # fmt: skip
    e = report["embedding"]
    print(f"  embedding: median {1000 * e['median_s']:.0f} ms, p95 {1000 * e['p95_s']:.0f} ms per segment; "
          f"{e['cpu_per_audio_second']:.3f} s CPU per audio second")  # fmt: skip
    if args.soak:
        report["soak"] = soak(recs, encoder.encoder, cfg, args.soak, fragments)
        k = report["soak"]
        print(f"  soak: {k['audio_minutes']} audio minutes, {k['segments']} segments in one stream, RSS "
              f"{k['rss_mb'][1][1]:.0f} -> {k['rss_mb'][-1][1]:.0f} MB, slope {k['rss_slope_mb_per_audio_hour']:+.1f} MB per audio hour")  # fmt: skip
    if args.e2e:
        report["end_to_end"] = end_to_end(recs[0], cfg, args.speed)
        d = report["end_to_end"]
        print(f"  end to end ({d['recording']}, real transcribe, speed {d['speed']}): DER {100 * d['der']:.1f}% "
              f"(no collar {100 * d['der_no_collar']:.1f}%, as sent {100 * d['der_as_sent']:.1f}%), {d['speakers_found']} "
              f"found / {d['speakers_true']} true, ASR {d['asr_rtf']:.2f}x + speakers {d['speaker_rtf']:.3f}x real time, "
              f"word latency median {d['word_latency_median_s']:.2f} s, p95 {d['word_latency_p95_s']:.2f} s")  # fmt: skip
        if not args.no_baseline:
            # The same recording, labels off, in the same run: what labels add to caption latency is the
            # longer commit step (speaker_step_s) as well as the embedding itself.
            off = end_to_end(recs[0], replace(cfg, speakers=False), args.speed)
            report["end_to_end_labels_off"] = {k: off[k] for k in ("segments", "asr_rtf", "word_latency_median_s",
                                                                   "word_latency_p95_s", "wall_seconds")}  # fmt: skip
            report["added_latency_median_s"] = d["word_latency_median_s"] - off["word_latency_median_s"]
            print(f"  labels off: word latency median {off['word_latency_median_s']:.2f} s, p95 {off['word_latency_p95_s']:.2f} s; "
                  f"labels add {report['added_latency_median_s']:+.2f} s median")  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
