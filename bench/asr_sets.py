"""Build the streaming-ASR recording sets: a development set to tune on and a test set that no tuning sees.

    python -m bench.asr_sets [--out bench/out/asr_sets] [--only dev|test]

Writes OUT/SPLIT/GROUP/NAME.flac (16 kHz mono, lossless) beside NAME.txt (the reference), one folder per
recording set, as `bench.asr` and `bench.asr_sim` read them. Deterministic: the same espeak-ng, Debian
packages and PyAV give the same samples (the noise and music are seeded). About 20 s on 2 cores.

What goes where is `SPLITS` below; README "Streaming ASR sets" explains it. The rules:
- the two splits share no text, no synthesized voice and no human recording;
- the commit policy's settings are chosen on `dev` only; `test` is run once a choice is made;
- the project's own samples (samples/meeting.ogg, samples/human, the joined prompts of
  `make_human.py --long`) tuned the earlier policy: the real prompts they hold are in `dev`, never `test`.

Sources: meeting text from bench/data/quality (our own, Apache-2.0; excerpts), spoken by espeak-ng;
real human speech from Debian's asterisk-core-sounds-en(-wav) (CC BY-SA 3.0, one professional voice)
and pocketsphinx-testdata (BSD-2: a LibriVox reader and two CMU Sphinx test speakers). Noise and music are
synthesized here (pink noise; a chord progression with harmonics), mixed at a stated SNR.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import random
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
QUALITY = ROOT / "bench" / "data" / "quality"
POCKETSPHINX = Path("/usr/share/pocketsphinx/test/data")
RATE = 16_000
log = logging.getLogger("bench.asr_sets")


def _load(name: str, path: Path):  # noqa: ANN202 - a module
    """A samples/ script as a module, without putting samples/ on sys.path (its names are plain)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


speech = _load("sinkscribe_make_meeting", ROOT / "samples" / "make_meeting.py")
human = _load("sinkscribe_make_human", ROOT / "samples" / "make_human.py")


# -- what the recordings are --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Voice:
    espeak: str  # espeak-ng voice+variant
    wpm: int
    pitch: int


@dataclass(frozen=True)
class Meeting:
    """An excerpt of a quality-set meeting spoken by espeak-ng, one voice per speaker."""

    name: str
    source: str  # bench/data/quality/SOURCE.txt
    first_line: int  # 0-based line where the excerpt starts
    words: int  # the excerpt ends at the first line that reaches this many words
    voices: tuple[Voice, ...]  # given to the speakers in order of first appearance
    gap_s: tuple[float, float] = (0.4, 1.2)  # pause between utterances (uniform, seeded); (0, 0): nonstop
    noise: str = ""  # "", "pink" or "music"
    chord_s: float = 2.0  # music: seconds per chord
    snr_db: float = 10.0  # speech RMS over noise RMS, where speech is
    pause_s: float = 0.0  # a silence this long in the middle (between two utterances)
    floor_db: float = -200.0  # a pink noise floor under everything, dBFS RMS (a room is never silent)
    seed: int = 0


@dataclass(frozen=True)
class Prompts:
    """Real recordings joined with pauses: Asterisk prompts, or pocketsphinx's test utterances."""

    name: str
    kind: str  # "asterisk" or "pocketsphinx"
    part: int = 0  # asterisk: which `parts`-th of the eligible prompts, in name order
    parts: int = 1
    first: int = 0  # asterisk: skip this many of the part's prompts ...
    seconds: float = 0.0  # ... and take prompts until this much audio (0: all)
    gap_s: float = 1.0


@dataclass(frozen=True)
class Split:
    groups: dict[str, list[Meeting | Prompts]] = field(default_factory=dict)


V = Voice
# Voices: dev and test share none (nor with samples/meeting.ogg's), so a rule that only suits one voice
# shows. Each was checked for tiny.en's offline WER on 30 lines of one meeting (beam 5): 4-17%; the
# espeak-ng voices it gets 20-34% wrong (most female variants, en-gb-x-gbcwmd+f3, en-gb-scotland+f4) are
# left out, as a set that offline tiny.en cannot follow says little about the commit policy.
DEV_VOICES = {
    "hiring": (V("en-us+f2", 150, 60), V("en-gb-scotland+m1", 145, 40), V("en-gb+f4", 160, 62), V("en-gb-x-gbclan+m5", 155, 35)),
    "research": (V("en-us-nyc+m2", 175, 45), V("en-gb+f5", 180, 65), V("en-us+m6", 170, 30), V("en-gb-x-rp+f2", 180, 55),
                 V("en-029+m3", 175, 40)),  # fmt: skip
    "quarterly": (V("en-gb-x-gbcwmd+m7", 130, 45), V("en-us+f5", 135, 70), V("en-gb+f1", 140, 58),
                  V("en-us-nyc+m1", 130, 38), V("en-gb+m2", 135, 42), V("en-gb-scotland+m6", 140, 40)),  # fmt: skip
}
TEST_VOICES = {
    "incident": (V("en-gb-x-rp+m3", 160, 42), V("en-us-nyc+f2", 165, 58), V("en-gb+f2", 155, 62), V("en-us-nyc+m4", 160, 36)),
    "budget": (V("en-029+m7", 145, 35), V("en-gb+klatt3", 150, 60), V("en-us+m8", 140, 44), V("en-gb-x-gbclan+m2", 150, 40),
               V("en-us+klatt", 150, 50)),  # fmt: skip
    "school": (V("en-gb+m4", 185, 40), V("en-us-nyc+f2", 185, 62), V("en-us+m2", 185, 47), V("en-gb-x-rp+m6", 190, 33),
               V("en-gb-scotland+m3", 180, 38), V("en-029+m1", 180, 45)),  # fmt: skip
}

SPLITS: dict[str, Split] = {
    "dev": Split({
        "meetings": [
            Meeting("hiring", "hiring_committee", 20, 260, DEV_VOICES["hiring"], seed=1),
            Meeting("research_fast", "research_group", 60, 300, DEV_VOICES["research"], gap_s=(0.2, 0.7), seed=2),
            Meeting("quarterly_slow", "quarterly_planning", 400, 230, DEV_VOICES["quarterly"], gap_s=(0.6, 1.5), seed=3),
        ],
        "human": [
            Prompts("prompts_dev", "asterisk", part=0, parts=2, seconds=120.0),
            Prompts("cards", "pocketsphinx"),
        ],
        "noisy": [
            Meeting("hiring_pink5", "hiring_committee", 120, 160, DEV_VOICES["hiring"], noise="pink", snr_db=5.0, seed=4),
            # Added in stop 23: the test set's music had no counterpart in dev, so no rule about words
            # under music could be chosen on dev. Other chords' pace and level than test's.
            Meeting("research_music5", "research_group", 120, 200, DEV_VOICES["research"], noise="music", snr_db=5.0,
                    chord_s=1.5, seed=7),
        ],
        "pause": [Meeting("research_pause35", "research_group", 200, 180, DEV_VOICES["research"], pause_s=35.0, floor_db=-60.0, seed=5)],
        "nonstop": [Meeting("quarterly_nonstop", "quarterly_planning", 700, 260, DEV_VOICES["quarterly"][:1], gap_s=(0, 0), seed=6)],
    }),  # fmt: skip
    "test": Split({
        "meetings": [
            Meeting("incident", "incident_postmortem", 20, 300, TEST_VOICES["incident"], seed=11),
            Meeting("budget_slow", "budget_review", 90, 260, TEST_VOICES["budget"], gap_s=(0.6, 1.6), seed=12),
            Meeting("school_fast", "school_board", 150, 320, TEST_VOICES["school"], gap_s=(0.2, 0.6), seed=13),
        ],
        "human": [
            Prompts("prompts_test1", "asterisk", part=1, parts=2, seconds=90.0),
            Prompts("prompts_test2", "asterisk", part=1, parts=2, first=45, seconds=90.0),
            Prompts("librivox_goforward", "pocketsphinx"),
        ],
        "noisy": [
            Meeting("incident_pink10", "incident_postmortem", 140, 220, TEST_VOICES["incident"], noise="pink", snr_db=10.0, seed=14),
            Meeting("budget_music10", "budget_review", 300, 220, TEST_VOICES["budget"], noise="music", snr_db=10.0, seed=15),
        ],
        "pause": [Meeting("school_pause50", "school_board", 400, 220, TEST_VOICES["school"], pause_s=50.0, floor_db=-60.0, seed=16)],
        "nonstop": [Meeting("budget_nonstop", "budget_review", 200, 330, TEST_VOICES["budget"][1:2], gap_s=(0, 0), seed=17)],
    }),  # fmt: skip
}


# -- synthesis ----------------------------------------------------------------------------------------------
def excerpt(m: Meeting) -> list[tuple[str, str]]:
    """(speaker, text) lines of the excerpt, in order."""
    lines = (QUALITY / f"{m.source}.txt").read_text(encoding="utf-8").splitlines()[m.first_line :]
    out, words = [], 0
    for line in lines:
        speaker, _, text = line.partition(": ")
        out.append((speaker, text.strip()))
        words += len(text.split())
        if words >= m.words:
            break
    return out


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS 1/f noise (white noise shaped in the frequency domain)."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spectrum), dtype=np.float64)
    f[0] = 1.0
    x = np.fft.irfft(spectrum / np.sqrt(f), n)
    return (x / (np.sqrt(np.mean(x**2)) + 1e-12)).astype(np.float32)


CHORDS = ((261.63, 329.63, 392.00), (196.00, 246.94, 293.66), (220.00, 261.63, 329.63), (174.61, 220.00, 261.63))  # C G Am F


def music(n: int, rng: np.random.Generator, chord_s: float = 2.0) -> np.ndarray:
    """Unit-RMS synthetic music: a I-V-vi-IV chord progression, notes with four decaying harmonics and
    a plucked envelope, a bass an octave below, and a random melody note on each beat."""
    t = np.arange(int(chord_s * RATE)) / RATE
    env = np.exp(-t * 1.5) * np.minimum(1.0, t * 50)
    out = np.zeros(n + len(t), np.float64)
    for i, at in enumerate(range(0, n, len(t))):
        chord = CHORDS[i % len(CHORDS)]
        tone = sum(sum(np.sin(2 * np.pi * f * h * t) / h**1.5 for h in range(1, 5)) for f in chord)
        tone += 0.8 * np.sin(2 * np.pi * chord[0] / 2 * t)
        beat = len(t) // 4
        for b in range(4):
            f = chord[int(rng.integers(3))] * 2
            tb = t[: len(t) - b * beat]
            tone[b * beat :] += 0.5 * np.sin(2 * np.pi * f * tb) * np.exp(-tb * 4)
        out[at : at + len(t)] += tone * env
    x = out[:n]
    return (x / (np.sqrt(np.mean(x**2)) + 1e-12)).astype(np.float32)


def speak(m: Meeting) -> tuple[np.ndarray, str]:
    """The excerpt's audio (16 kHz float32) and reference text (one utterance per line)."""
    rng = random.Random(m.seed)
    lines = excerpt(m)
    cast: dict[str, Voice] = {}
    for speaker, _ in lines:
        if speaker not in cast:
            cast[speaker] = m.voices[len(cast) % len(m.voices)]
    gain = {s: 0.6 + 0.4 * rng.random() for s in cast}  # speakers are not equally loud
    pieces = [np.zeros(int(0.5 * RATE), np.float32)]
    middle = len(lines) // 2
    for i, (speaker, text) in enumerate(lines):
        v = cast[speaker]
        x, rate = speech.synthesize(text, v.espeak, v.wpm, v.pitch)
        x = speech.trim(speech.resample(x, rate))
        x *= gain[speaker] * 0.7 / max(float(np.abs(x).max()), 1e-6)
        pieces.append(x)
        gap = rng.uniform(*m.gap_s) if m.gap_s[1] > 0 else 0.0
        if m.pause_s and i == middle:
            gap = m.pause_s
        if gap:
            pieces.append(np.zeros(int(gap * RATE), np.float32))
    pieces.append(np.zeros(int(0.5 * RATE), np.float32))
    audio = np.concatenate(pieces)
    nprng = np.random.default_rng(m.seed)
    if m.noise:
        voiced = np.abs(audio) > 1e-3
        speech_rms = float(np.sqrt(np.mean(audio[voiced] ** 2)))
        noise = pink_noise(len(audio), nprng) if m.noise == "pink" else music(len(audio), nprng, m.chord_s)
        audio = audio + noise * speech_rms / 10 ** (m.snr_db / 20)
    if m.floor_db > -200:
        audio = audio + pink_noise(len(audio), nprng) * 10 ** (m.floor_db / 20)
    peak = float(np.abs(audio).max())
    if peak > 0.99:
        audio *= 0.99 / peak
    return audio, "".join(text + "\n" for _, text in lines)


def _read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"), w.getframerate()


def pocketsphinx_recordings(name: str) -> list[tuple[np.ndarray, int, str]]:
    """(int16 samples, rate, transcript) of pocketsphinx-testdata's transcribed recordings."""
    if name == "cards":  # five card names said by one CMU speaker, 16 kHz
        refs = (POCKETSPHINX / "cards" / "cards.transcription").read_text().splitlines()
        out = []
        for i, line in enumerate(refs, 1):
            text = line.replace("<s>", "").replace("</s>", "").rsplit("(", 1)[0].strip()
            out.append((*_read_wav(POCKETSPHINX / "cards" / f"{i:03d}.wav"), text))
        return out
    # five sentences of Sense and Sensibility read for LibriVox, and "go forward ten meters" (raw 16 kHz)
    out = []
    for line in (POCKETSPHINX / "librivox" / "transcription").read_text().splitlines():
        text, _, ident = line.replace("<s>", "").replace("</s>", "").rpartition("(")
        out.append((*_read_wav(POCKETSPHINX / "librivox" / f"{ident.strip(' )')}.wav"), text.strip()))
    raw = np.frombuffer((POCKETSPHINX / "goforward.raw").read_bytes(), dtype="<i2")
    out.append((raw, RATE, "go forward ten meters"))
    return out


def asterisk_recordings(p: Prompts) -> list[tuple[np.ndarray, int, str]]:
    """The same eligible prompts as `make_human.py --long` (4+ words, no digits or sound descriptions,
    name order) less the eight of samples/human; part `p.part` of `p.parts` of them. The earlier policy
    was tuned on both: make_human's joined set is its first 88 prompts, inside part 0 (dev)."""
    texts = human.read_transcripts()
    names = sorted(n for n, t in texts.items()
                   if len(t.split()) >= 4 and (human.SOUNDS / f"{n}.wav").is_file()
                   and not any(c.isdigit() or c in "[]<>" for c in t) and n not in human.PROMPTS)  # fmt: skip
    size = -(-len(names) // p.parts)
    names = names[p.part * size : (p.part + 1) * size][p.first :]
    out, seconds = [], 0.0
    for name in names:
        got = human.read_prompt(name)
        if got is None:
            continue
        out.append((got[0], got[1], texts[name]))
        seconds += len(got[0]) / got[1] + p.gap_s
        if p.seconds and seconds >= p.seconds:
            break
    return out


def join_recordings(p: Prompts) -> tuple[np.ndarray, int, str]:
    """int16 samples at the recordings' rate, joined with `gap_s` pauses, and the reference."""
    recs = asterisk_recordings(p) if p.kind == "asterisk" else pocketsphinx_recordings(p.name)
    rate = recs[0][1]
    assert all(r == rate for _, r, _ in recs), f"{p.name}: mixed sample rates"
    gap = np.zeros(int(p.gap_s * rate), dtype="<i2")
    pcm = np.concatenate([part for x, _, _ in recs for part in (x, gap)])
    return pcm, rate, "".join(t + "\n" for _, _, t in recs)


def build(out: Path, only: str | None = None) -> list[Path]:
    written = []
    for split_name, split in SPLITS.items():
        if only and split_name != only:
            continue
        for group, items in split.groups.items():
            folder = out / split_name / group
            folder.mkdir(parents=True, exist_ok=True)
            for item in items:
                if isinstance(item, Meeting):
                    audio, text = speak(item)
                    pcm, rate = np.clip(audio * 32767, -32768, 32767).astype("<i2"), RATE
                else:
                    pcm, rate, text = join_recordings(item)
                path = folder / f"{item.name}.flac"
                human.write_flac(path, pcm, rate)
                path.with_suffix(".txt").write_text(text, encoding="utf-8")
                log.info("%s: %.1f s, %d words", path.relative_to(out), len(pcm) / rate, len(text.split()))
                written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "asr_sets")
    parser.add_argument("--only", choices=sorted(SPLITS))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    build(args.out, args.only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
