"""Fake microphones that real PortAudio opens through real ALSA: the `file` plugin serves a recording.

Each device is an `.asoundrc` entry in a temp HOME: ALSA's `file` plugin over the `null` PCM, whose
`infile` replaces the silence `null` captures with the bytes of a FIFO. A `Feeder` thread writes the
recording into that FIFO at real-time pace, so the device delivers audio as a microphone would (`null`
has no clock: the FIFO's reads pace the stream). A plug PCM in front fixes the FIFO's format (S16_LE) at
the device's rate and channel count; what the program asks for is converted by ALSA, the way a
`default` device behaves. An `exact` device refuses every other rate, the way a `hw:` device does: its
plug has no rate converter to load (the named one does not exist). Channels are still mixed by ALSA (a
`multi` or `route` PCM could refuse mono, but `multi` begins each period twice and the file plugin reads
the FIFO at every begin, scrambling the audio).

The file plugin reads the FIFO once per period and takes a short read as a whole period (the rest is
stale buffer): the feeder writes whole periods, 100 ms (capture's chunk_ms, which is PortAudio's block).

PortAudio opens every capture device it lists while it starts up (and again to check settings), then
closes it: opening a FIFO for reading waits for a writer, so every FIFO has one at all times, and a
writer whose reader went away starts the recording again for the next one. What a device does after
its recording is its `then`: "silence" (a quiet room), "stall" (the FIFO stays open and nothing more
comes: a stalled driver), "vanish" (the FIFO is closed and removed: ALSA's file plugin then delivers
zeros as fast as they are read, the way it ends any infile). `serves=N`: the writer goes away after N
readers (the next open never returns). `feed="file"` serves a plain file (read as fast as PortAudio asks:
a flood) and `feed="none"` a FIFO nobody writes.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

log = logging.getLogger(__name__)
# A plug PCM whose rate converter cannot be loaded cannot convert rates: the device takes only its own.
NO_CONVERTER = "sinkscribe_test_no_such_converter"
BLOCK_S = 0.1  # the feeder writes one period at a time (see above)


@dataclass(frozen=True)
class FakeDevice:
    name: str
    rate: int = 16_000
    channels: int = 1
    exact: bool = False  # only its own rate and channel count, like a hw: device
    feed: str = "fifo"  # "fifo" (real-time writer), "file" (a plain file: floods), "none" (a FIFO nobody writes)
    then: str = "silence"  # after the recording: "silence", "stall" or "vanish"
    serves: int = 0  # readers served before the writer goes away for good (0: every one)
    pause_s: float = 1.5  # silence after the recording, before `then` (the speaker has finished)
    recording: Path | None = None  # what this device plays, when not the recording every device shares


class Feeder:
    """Writes `pcm` into `fifo` at real-time pace for each reader that opens it, then does `then`."""

    def __init__(self, fifo: Path, pcm: bytes, bytes_per_s: int, then: str, serves: int = 0) -> None:
        self.fifo, self.pcm, self.bytes_per_s, self.then, self.serves = fifo, pcm, bytes_per_s, then, serves
        self.opened = 0  # readers served so far
        self.done = threading.Event()  # the recording was delivered: `then` began
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self.run, name=f"feeder-{fifo.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def run(self) -> None:
        while not self._closing.is_set() and not (self.serves and self.opened >= self.serves):
            fd = os.open(self.fifo, os.O_WRONLY)  # waits for a reader: a PortAudio probe or the stream
            self.opened += 1
            try:
                if self._play(fd):
                    return
            except BrokenPipeError:
                continue  # the reader closed it (a probe): the next reader gets the recording from the start
            finally:
                os.close(fd)

    def _play(self, fd: int) -> bool:
        """One reader's recording; True when this feeder is finished (stalled until closed, or vanished)."""
        block = int(self.bytes_per_s * BLOCK_S) // 4 * 4  # whole frames (2 bytes x 1 or 2 channels)
        silence = bytes(block)
        start = time.monotonic()
        pos = 0
        while not self._closing.is_set():
            if pos >= len(self.pcm) and self.then != "silence":
                self.done.set()
                if self.then == "vanish":
                    self.fifo.unlink()  # closed on return: reads end (EOF), later opens fail
                else:
                    self._closing.wait()  # stalled: open, silent, until the test ends
                return True
            if pos >= len(self.pcm):
                self.done.set()
            os.write(fd, self.pcm[pos : pos + block] if pos < len(self.pcm) else silence)
            pos += block
            delay = start + pos / self.bytes_per_s - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        return True

    def close(self) -> None:
        self._closing.set()
        if self._thread.is_alive() and self.fifo.exists():
            # A writer waiting in open() for a reader: be that reader, so it returns and sees `_closing`.
            try:
                os.close(os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK))
            except OSError:
                pass
        self._thread.join(5)


def device_pcm(recording: Path, rate: int, channels: int) -> bytes:
    """`recording` as interleaved S16_LE at `rate` and `channels` (what the device's FIFO carries)."""
    import av

    layout = "mono" if channels == 1 else "stereo"
    resampler = av.AudioResampler(format="s16", layout=layout, rate=rate)
    out = []
    with av.open(str(recording)) as container:
        for frame in container.decode(container.streams.audio[0]):
            out += [f.to_ndarray().tobytes() for f in resampler.resample(frame)]
    out += [f.to_ndarray().tobytes() for f in resampler.resample(None)]
    return b"".join(out)


def pcm_entry(dev: FakeDevice, infile: Path) -> str:
    source = f'{{ type file; slave.pcm "null"; file "/dev/null"; infile "{infile}"; format "raw" }}'
    converter = f'\n    rate_converter "{NO_CONVERTER}"' if dev.exact else ""
    return (f"pcm.{dev.name} {{\n    type plug\n    slave {{\n        pcm {source}\n        rate {dev.rate}\n"
            f"        channels {dev.channels}\n        format S16_LE\n    }}{converter}\n}}\n")  # fmt: skip


@dataclass
class FakeAlsa:
    """A HOME whose .asoundrc defines `devices`, with their feeders running."""

    home: Path
    feeders: dict[str, Feeder]
    env: dict[str, str]

    def feeder(self, name: str) -> Feeder:
        return self.feeders[name]


def child_env(home: Path) -> dict[str, str]:
    """The environment of a program that should see only the fake devices: its own HOME (ALSA reads
    ~/.asoundrc and $XDG_CONFIG_HOME/alsa/asoundrc), the real caches (converted models are not redone)."""
    real_cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    env = {k: v for k, v in os.environ.items() if k not in ("ALSA_CONFIG_PATH", "ALSA_CARD", "ALSA_PCM_NAME")}
    env |= {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": real_cache, "HF_HOME": os.environ.get("HF_HOME") or str(Path(real_cache) / "huggingface"),
            "PYTHONPATH": str(ROOT)}  # fmt: skip
    return env


@contextmanager
def fake_alsa(tmp: Path, devices: list[FakeDevice], recording: Path) -> Iterator[FakeAlsa]:
    home = tmp / "home"
    home.mkdir()
    entries, feeders = [], {}
    for dev in devices:
        infile = tmp / f"{dev.name}.pcm"
        pcm = device_pcm(dev.recording or recording, dev.rate, dev.channels) + bytes(2 * dev.channels * int(dev.pause_s * dev.rate))
        if dev.feed == "file":
            infile.write_bytes(pcm)
        else:
            os.mkfifo(infile)
            if dev.feed == "fifo":
                feeders[dev.name] = Feeder(infile, pcm, 2 * dev.rate * dev.channels, dev.then, dev.serves)
        entries.append(pcm_entry(dev, infile))
    (home / ".asoundrc").write_text("\n".join(entries), encoding="utf-8")
    for feeder in feeders.values():
        feeder.start()
    try:
        yield FakeAlsa(home, feeders, child_env(home))
    finally:
        for feeder in feeders.values():
            feeder.close()


PROBE = """
import sounddevice as sd
print("\\n".join(d["name"] for d in sd.query_devices()))
"""


def file_plugin_missing(tmp: Path) -> str | None:
    """Why the fake devices cannot work here (None when they can): ALSA must list a `file` device."""
    if shutil.which("espeak-ng") is None:
        return None  # the recording fixture fails with its own message
    home = tmp / "probe-home"
    home.mkdir()
    infile = tmp / "probe.pcm"
    infile.write_bytes(bytes(3200))
    (home / ".asoundrc").write_text(pcm_entry(FakeDevice("sinkscribe_probe"), infile), encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", PROBE], env=child_env(home), capture_output=True, text=True,
                         timeout=60)  # fmt: skip
    if out.returncode != 0:
        # No PortAudio at all is not a reason to skip: `make test` installs libportaudio2.
        raise RuntimeError(f"PortAudio does not start: {out.stderr.strip()[-500:]}")
    if "sinkscribe_probe" not in out.stdout.splitlines():
        return "ALSA's file plugin is not available: PortAudio lists no device defined with `type file`"
    return None

