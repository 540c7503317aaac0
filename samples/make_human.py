"""Copy a few real human voice prompts from Debian's Asterisk core sounds into samples/human/.

Usage (from the repository root, on Debian/Ubuntu)::

    sudo apt-get install asterisk-core-sounds-en-wav asterisk-core-sounds-en
    python samples/make_human.py            # writes samples/human/NAME.flac + NAME.txt
    python samples/make_human.py --check    # ... then prints tiny.en WER per file
    python samples/make_human.py --long bench/out/human_long   # a larger set for bench.asr (not committed)

Sources:

* audio: ``/usr/share/asterisk/sounds/en/*.wav`` from ``asterisk-core-sounds-en-wav``
  (8 kHz, mono, 16-bit PCM telephone prompts recorded by Allison Smith);
* transcripts: ``/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz`` from
  ``asterisk-core-sounds-en``, copied verbatim (one ``name: text`` line per prompt).

The audio is re-encoded losslessly to FLAC at its original 8 kHz rate (no resampling, the
samples are bit-identical to the WAV).  Licence: CC-BY-SA-3.0, see samples/human/LICENSE.md.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import wave
from pathlib import Path

import av
import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "human"
SOUNDS = Path("/usr/share/asterisk/sounds/en")
TRANSCRIPTS = Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")

# Asterisk prompt name -> our file name.  Full sentences, 2-6 s, varied wording.
PROMPTS = {
    "queue-youarenext": "queue-youarenext",
    "privacy-unident": "privacy-unident",
    "followme/status": "followme-status",
    "tt-weasels": "tt-weasels",
    "conf-now-recording": "conf-now-recording",
    "vm-tmpexists": "vm-tmpexists",
    "ss-noservice": "ss-noservice",
    "vm-savefolder": "vm-savefolder",
}


def say(msg: str) -> None:
    sys.stdout.write(msg + "\n")


def read_transcripts() -> dict[str, str]:
    out = {}
    with gzip.open(TRANSCRIPTS, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith(";") or ":" not in line:
                continue
            name, text = line.split(":", 1)
            out[name.strip()] = " ".join(text.split())
    return out


def write_flac(path: Path, pcm: np.ndarray, rate: int) -> None:
    with av.open(str(path), "w", format="flac", container_options={"fflags": "+bitexact"}) as out:
        stream = out.add_stream("flac", rate=rate, layout="mono")
        stream.format = "s16"
        stream.codec_context.options = {"compression_level": "8"}
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def read_prompt(name: str) -> tuple[np.ndarray, int] | None:
    """A prompt's 16-bit samples and rate; None unless it is mono 16-bit PCM."""
    with wave.open(str(SOUNDS / f"{name}.wav")) as w:
        if (w.getnchannels(), w.getsampwidth()) != (1, 2):
            return None
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"), w.getframerate()


def build() -> list[Path]:
    texts = read_transcripts()
    OUT.mkdir(exist_ok=True)
    written = []
    for src, name in PROMPTS.items():
        got = read_prompt(src)
        assert got is not None, src
        pcm, rate = got
        write_flac(OUT / f"{name}.flac", pcm, rate)
        (OUT / f"{name}.txt").write_text(texts[src] + "\n", encoding="utf-8")
        say(f"{name}.flac: {len(pcm) / rate:.2f} s at {rate} Hz, "
            f"{(OUT / f'{name}.flac').stat().st_size / 1024:.0f} KiB  | {texts[src]}")
        written.append(OUT / f"{name}.flac")
    return written


def build_long(out: Path, files: int = 4, seconds: float = 90.0, gap_s: float = 1.0) -> list[Path]:
    """A larger real-speech set for benchmarking: prompts of 4+ words joined with `gap_s` pauses into
    `files` recordings of about `seconds` each (each prompt used once, in name order)."""
    texts = read_transcripts()
    out.mkdir(parents=True, exist_ok=True)
    # Bracketed texts describe sounds ("[this is a simple beep tone]"), digits read many ways: both out.
    names = sorted(n for n, t in texts.items()
                   if len(t.split()) >= 4 and (SOUNDS / f"{n}.wav").is_file()
                   and not any(c.isdigit() or c in "[]<>" for c in t))  # fmt: skip
    written, queue = [], iter(names)
    for i in range(files):
        parts, spoken, length, rate = [], [], 0.0, 8000
        for name in queue:
            got = read_prompt(name)
            if got is None or got[1] != rate:
                continue
            pcm = got[0]
            parts += [pcm, np.zeros(int(gap_s * rate), dtype="<i2")]
            spoken.append(texts[name])
            length += len(pcm) / rate + gap_s
            if length >= seconds:
                break
        if not parts:
            break
        path = out / f"prompts{i + 1:02d}.flac"
        write_flac(path, np.concatenate(parts), rate)
        path.with_suffix(".txt").write_text(" ".join(spoken) + "\n", encoding="utf-8")
        say(f"{path}: {length:.0f} s, {len(spoken)} prompts, {sum(len(t.split()) for t in spoken)} words")
        written.append(path)
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="transcribe with tiny.en and report the WER")
    ap.add_argument("--long", type=Path, metavar="DIR", help="write the larger joined set to DIR instead")
    args = ap.parse_args()
    files = build_long(args.long) if args.long else build()
    if args.check:
        from asr_check import main as check_main  # samples/ is sys.path[0] when run as a script

        check_main([str(f) for f in files])


if __name__ == "__main__":
    main()
