"""Audio in: decode files with PyAV, read raw PCM, open microphones; always 16 kHz mono float32 out.

Sources are lazy generators of float32 blocks; `stages.capture` cuts them into chunks, paces and sends
them. Every failure a person can cause (missing, empty, non-audio, truncated file; no device) becomes an
InputError or DeviceError with one line naming the file or device.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

import av
import numpy as np

from pipeline.errors import DeviceError, InputError
from pipeline.messages import SAMPLE_RATE
from stages.channels import default_names

log = logging.getLogger(__name__)

# A decoded duration this much shorter than the container declares means the file was cut off.
TRUNCATION_TOLERANCE = 0.9


def _layout(channels: int) -> str:
    return "mono" if channels == 1 else "stereo" if channels == 2 else f"{channels}c"


class Resampler:
    """Any rate / channel count -> 16 kHz mono float32, statefully across blocks (no clicks at seams).

    `keep_channels`: 16 kHz with the channels kept, [samples, channels] (labels by input channel)."""

    def __init__(self, rate: int, channels: int, keep_channels: bool = False) -> None:
        self.rate = rate
        self.channels = channels
        self.keep = keep_channels and channels > 1
        self._layout = _layout(channels)
        out = self._layout if self.keep else "mono"
        self._resampler = av.AudioResampler(format="flt", layout=out, rate=SAMPLE_RATE)

    def __call__(self, block: np.ndarray | None) -> np.ndarray:
        """`block`: [samples, channels] float32 in -1..1, or None to flush the resampler's tail."""
        if block is None:
            frames = self._resampler.resample(None)
        else:
            # PyAV wants packed float [1, samples * channels] for an interleaved ("flt") frame.
            packed = np.ascontiguousarray(block, dtype=np.float32).reshape(1, -1)  # [1, S*C]
            frame = av.AudioFrame.from_ndarray(packed, format="flt", layout=self._layout)
            frame.sample_rate = self.rate
            frames = self._resampler.resample(frame)
        width = self.channels if self.keep else 1
        if not frames:
            return np.zeros((0, width) if self.keep else 0, dtype=np.float32)
        out = np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.float32)
        return out.reshape(-1, width) if self.keep else out


@dataclass(frozen=True)
class FileInfo:
    path: Path
    duration: float | None  # what the container declares, if anything
    rate: int
    channels: int
    codec: str


def probe_file(path: str | Path) -> FileInfo:
    """Check that `path` is a readable audio file before anything is started; one-line errors."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not an audio file")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty (0 bytes)")
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise InputError(f"{path} has no audio stream")
            stream = container.streams.audio[0]
            duration = None
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            duration = _declared_wav_seconds(path) or duration
            return FileInfo(path, duration, stream.rate or 0, stream.channels or 0, stream.codec_context.name)
    except InputError:
        raise
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not a readable audio file ({_short(exc)})") from None


def _declared_wav_seconds(path: Path) -> float | None:
    """Duration a RIFF/WAVE header declares (FFmpeg estimates it from the file size instead, which
    hides truncation). None for other formats and for streamed WAVs whose sizes are placeholders."""
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        byte_rate = 0
        while True:
            chunk = f.read(8)
            if len(chunk) < 8:
                return None
            size = int.from_bytes(chunk[4:], "little")
            if chunk[:4] == b"fmt ":
                fmt = f.read(size + size % 2)
                byte_rate = int.from_bytes(fmt[8:12], "little") if len(fmt) >= 12 else 0
            elif chunk[:4] == b"data":
                if not byte_rate or size in (0, 0xFFFFFFFF):
                    return None
                return size / byte_rate
            else:
                f.seek(size + size % 2, 1)


# The tail an Ogg page can span: a 27-byte header, 255 lacing values, 255 x 255 bytes of payload.
_OGG_MAX_PAGE = 27 + 255 + 255 * 255


def _ogg_unfinished(path: Path) -> bool:
    """True if `path` is an Ogg file whose last page is cut off or lacks the end-of-stream flag.

    FFmpeg decodes a cut-off Ogg file without complaint and declares the duration of what is left (it
    reads the last granule position present), so only the page structure shows the truncation: an
    Ogg encoder always ends a stream with a page flagged "last page of logical bitstream" (RFC 3533).
    """
    with open(path, "rb") as f:
        if f.read(4) != b"OggS":
            return False
        size = f.seek(0, os.SEEK_END)
        start = max(0, size - _OGG_MAX_PAGE)
        f.seek(start)
        tail = f.read()
    offset = tail.rfind(b"OggS")
    while offset >= 0:
        header = tail[offset : offset + 27]
        if len(header) == 27 and header[4] == 0:  # stream structure version 0: a real page header
            lacing = tail[offset + 27 : offset + 27 + header[26]]
            complete = len(lacing) == header[26] and offset + 27 + len(lacing) + sum(lacing) <= len(tail)
            return not (complete and header[5] & 0x04)
        offset = tail.rfind(b"OggS", 0, offset)  # "OggS" inside a payload: look further back
    return True


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__


def check_channels(info: FileInfo, names: list[str] | tuple[str, ...]) -> None:
    """Labels by input channel need one channel per name: a one-line InputError otherwise (a mono file
    has no sides to tell apart; mixing more channels into fewer names would guess)."""
    if names and info.channels != len(names):
        raise InputError(
            f"{info.path} has {info.channels} audio channel{'s' if info.channels != 1 else ''}; labels by channel "
            f"({', '.join(names)}) need {len(names)}, one per side: give a recording with a channel per side, "
            "or leave --channels off"
        )


def read_file(path: str | Path, channels: int = 0) -> Iterator[np.ndarray]:
    """Decode any PyAV-readable audio file into 16 kHz mono float32 blocks.

    `channels` > 1: keep the file's channels (it must have exactly that many, see `check_channels`):
    blocks are [samples, channels].
    Raises InputError after yielding what was decoded if the file turns out truncated or corrupt, so
    the caller can send what it has and still report the problem.
    """
    info = probe_file(path)
    if channels > 1:
        check_channels(info, default_names(channels))
    width = channels if channels > 1 else 1
    decoded = 0
    try:
        with av.open(str(info.path)) as container:
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout=_layout(width), rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    block = _finite(_shaped(out, width))
                    decoded += len(block)
                    yield block
            for out in resampler.resample(None):
                block = _finite(_shaped(out, width))
                decoded += len(block)
                yield block
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise InputError(
            f"{info.path}: corrupt or truncated audio after {decoded / SAMPLE_RATE:.1f} s ({_short(exc)})"
        ) from None
    seconds = decoded / SAMPLE_RATE
    if decoded == 0:
        raise InputError(f"{info.path}: no audio could be decoded (zero duration)")
    if _ogg_unfinished(info.path):
        raise InputError(f"{info.path}: truncated: the Ogg stream stops after {seconds:.1f} s without its last page")
    if info.duration and info.duration > 1.0 and seconds < TRUNCATION_TOLERANCE * info.duration:
        raise InputError(
            f"{info.path}: truncated: decoded {seconds:.1f} s of the {info.duration:.1f} s the file declares"
        )


def _shaped(frame: av.AudioFrame, width: int) -> np.ndarray:
    """A packed float frame -> [samples] (mono) or [samples, width]."""
    flat = frame.to_ndarray().reshape(-1)
    return flat if width == 1 else flat.reshape(-1, width)


def _finite(block: np.ndarray) -> np.ndarray:
    """NaN/inf samples (a broken float WAV) become silence; loud samples are clipped to -1..1."""
    block = block.astype(np.float32, copy=False)
    if not np.isfinite(block).all():
        block = np.nan_to_num(block, nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(block, -1.0, 1.0)


def read_pcm(stream: BinaryIO, rate: int, channels: int, block_frames: int = 1600,
             keep_channels: bool = False) -> Iterator[np.ndarray]:  # fmt: skip
    """Raw interleaved signed 16-bit little-endian PCM (e.g. `arecord -f S16_LE`) -> 16 kHz mono blocks
    ([samples, channels] blocks with `keep_channels`)."""
    frame_bytes = 2 * channels
    keep = keep_channels and channels > 1
    resample = None if (rate == SAMPLE_RATE and (channels == 1 or keep)) else Resampler(rate, channels, keep)
    leftover = b""
    while True:
        data = stream.read(block_frames * frame_bytes)
        if not data:
            break
        data = leftover + data
        usable = len(data) - len(data) % frame_bytes
        data, leftover = data[:usable], data[usable:]
        if not data:
            continue
        pcm = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0  # [S*C]
        pcm = pcm.reshape(-1, channels)  # [S, C]
        if resample is not None:
            yield resample(pcm)
        else:
            yield pcm.copy() if keep else pcm[:, 0].copy()
    if leftover:
        log.warning("stdin: ignored %d trailing bytes (not a whole %d-channel frame)", len(leftover), channels)
    if resample is not None:
        tail = resample(None)
        if len(tail):
            yield tail


# PortAudio opens, checks and stops devices in C, where a stuck driver (a USB device that hangs, an ALSA
# plugin whose source stalls) can block forever and no Python signal handler runs: Ctrl-C would be lost.
# So those calls run in a helper thread and the caller waits a bounded time (and stops waiting when told
# to). A call that never returns leaves PortAudio unusable in this process: see `wedged`.
OPEN_TIMEOUT_S = 10.0  # start-up, a device check or an open take well under a second on working hardware
CLOSE_TIMEOUT_S = 2.0  # abort + close; a stalled driver blocks even these (PortAudio joins its thread)
STALL_WARN_S = 5.0  # a device silent this long (no callback at all, not quiet audio) is said to be stalled
# A live device delivers audio at its clock's pace; one that delivers this many times faster for a
# whole window is no longer a microphone (ALSA's file plugin after its source ends, a broken driver).
FLOOD_FACTOR = 4.0
FLOOD_WINDOW_S = 2.0

_wedged = ""  # the PortAudio call that never returned in this process, if one did
T = TypeVar("T")


class Abandoned(Exception):
    """The caller stopped waiting for a PortAudio call (a stop was requested); the call may still run."""


def wedged() -> str:
    """The PortAudio call this process gave up waiting for ("" if none). Once one is stuck, PortAudio's
    own exit handler (Pa_Terminate, at interpreter exit) would wait for it too: the process must leave
    with os._exit after flushing what it sends (`pipeline.runner.leave`)."""
    return _wedged


def bounded(call: Callable[[], T], what: str, timeout_s: float, should_stop: Callable[[], bool] | None = None) -> T:
    """Run `call` in a daemon thread; its result, or its exception re-raised here.

    Raises DeviceError if it has not returned within `timeout_s`, Abandoned if `should_stop()` turned
    true first; either way the thread is left behind and PortAudio is `wedged`.
    """
    global _wedged
    if _wedged:
        raise DeviceError(f"audio: PortAudio is stuck ({_wedged} never returned); restart the program")
    done = threading.Event()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the waiting thread, re-raised there
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name=f"portaudio: {what}", daemon=True).start()
    deadline = time.monotonic() + timeout_s
    while not done.wait(0.1):  # short waits: the main thread stays responsive to signals
        if should_stop is not None and should_stop():
            _wedged = what
            raise Abandoned(what)
        if time.monotonic() > deadline:
            _wedged = what
            raise DeviceError(f"audio: {what} did not return within {timeout_s:g} s (a stuck audio driver?)")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


@dataclass
class RateWatch:
    """Frames a device delivered per second of wall time, window by window."""

    rate: int  # the stream's sample rate
    since: float = field(default_factory=time.monotonic)
    frames_then: int = 0

    def factor(self, frames: int) -> float | None:
        """Delivered / real time over the window just completed; None while it is still running."""
        now = time.monotonic()
        if now - self.since < FLOOD_WINDOW_S:
            return None
        ratio = (frames - self.frames_then) / self.rate / (now - self.since)
        self.since, self.frames_then = now, frames
        return ratio


class Microphone:
    """sounddevice input whose callback only copies into a bounded queue: it never blocks, it counts.

    Usage: `with Microphone(device, block) as mic: for block in mic.blocks(stop): ...`, or `open(stop)`
    and `close()`. Opening and closing are bounded (a stuck driver cannot hang the caller), and `blocks`
    raises a one-line DeviceError when the device ends its stream (unplugged, driver error) or floods
    (delivers far faster than real time), after yielding what it delivered before.
    """

    def __init__(self, device: str, block_ms: int, queue_seconds: float, channels: int = 1) -> None:
        """`channels` > 1: record that many channels and keep them (blocks [samples, channels]), for
        labels by input channel; 1: mono."""
        self.device = parse_device(device)
        self.channels = channels
        self.name = device or "the default input"
        self.block_ms = block_ms
        self.queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=max(1, int(queue_seconds * 1000 / block_ms)))
        self.overflow_blocks = 0  # blocks dropped because the queue was full (we fell behind)
        self.device_overflows = 0  # PortAudio said its own buffer overflowed
        self.stalls = 0  # times the device went silent (no callbacks) for STALL_WARN_S
        self.rate = SAMPLE_RATE
        self._stream = None
        self._resample: Resampler | None = None
        self._delivered = 0  # frames the callback received
        self._last_delivery = 0.0  # monotonic time of the last callback (or of the start)
        self._ended = threading.Event()  # PortAudio finished the stream
        self._closing = False  # ...because we asked it to
        self._stalled = False
        self._rates: RateWatch | None = None

    def _callback(self, indata: np.ndarray, frames: int, time_info: object, status: object) -> None:
        self._delivered += frames
        self._last_delivery = time.monotonic()
        if status and getattr(status, "input_overflow", False):
            self.device_overflows += 1
        try:
            self.queue.put_nowait(indata.copy())
        except queue.Full:
            self.overflow_blocks += 1

    def __enter__(self) -> Microphone:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self, should_stop: Callable[[], bool] | None = None) -> bool:
        """Start the stream; False if `should_stop()` turned true while a PortAudio call was pending."""
        try:
            self._open(should_stop)
        except Abandoned as what:
            log.warning("microphone: stopped while waiting for %s", what)
            return False
        return True

    def _open(self, should_stop: Callable[[], bool] | None) -> None:
        sd = import_sounddevice(should_stop)

        def pa(call: Callable[[], T], what: str) -> T:
            return bounded(call, what, OPEN_TIMEOUT_S, should_stop)

        try:
            info = pa(lambda: sd.query_devices(self.device, kind="input"), f"looking up {self.name!r}")
        except (sd.PortAudioError, ValueError) as exc:
            raise DeviceError(f"no usable audio input device ({_short(exc)}); try `sinkscribe devices`") from None
        self.name = str(info["name"])
        rate = SAMPLE_RATE
        channels = self.channels
        if channels > 1 and int(info.get("max_input_channels", channels)) < channels:
            raise DeviceError(f"audio input {self.name!r} has {info['max_input_channels']} channels; labels by "
                              f"channel need {channels} (one per side)")  # fmt: skip
        try:
            pa(lambda: sd.check_input_settings(device=self.device, samplerate=SAMPLE_RATE, channels=channels,
                                               dtype="float32"), f"checking {self.name!r}")  # fmt: skip
        except (sd.PortAudioError, ValueError):
            # The device cannot do 16 kHz itself: record at its own rate and resample here.
            rate = int(info["default_samplerate"])
            self._resample = Resampler(rate, channels, keep_channels=channels > 1)
        try:
            self._stream = pa(lambda: sd.InputStream(
                device=self.device,
                samplerate=rate,
                channels=channels,
                dtype="float32",
                blocksize=int(rate * self.block_ms / 1000),
                callback=self._callback,
                finished_callback=self._ended.set,
            ), f"opening {self.name!r}")  # fmt: skip
            self._last_delivery = time.monotonic()
            pa(self._stream.start, f"starting {self.name!r}")
        except (sd.PortAudioError, ValueError) as exc:
            raise DeviceError(f"cannot open audio input {self.name!r}: {_short(exc)}") from None
        self.rate = rate
        self._rates = RateWatch(rate)
        log.info("microphone %r open at %d Hz", self.name, rate)

    def close(self) -> None:
        """Abort the stream (nothing to drain: what was captured is in the queue), bounded in time."""
        stream, self._stream = self._stream, None
        if stream is None or wedged():
            return
        self._closing = True

        def shut() -> None:
            stream.abort()
            stream.close()

        try:
            bounded(shut, f"closing {self.name!r}", CLOSE_TIMEOUT_S)
        except DeviceError:
            log.warning("microphone %r did not close within %.0f s (a stalled driver); left open", self.name,
                        CLOSE_TIMEOUT_S)  # fmt: skip

    def blocks(self, should_stop: Callable[[], bool]) -> Iterator[np.ndarray]:
        """16 kHz mono blocks until `should_stop()`; DeviceError once the device is gone or floods."""
        while not should_stop():
            try:
                block = self.queue.get(timeout=0.2)  # [S, 1]
            except queue.Empty:
                self._check_alive()
                continue
            self._check_pace()
            yield self._converted(block)

    def take(self) -> list[np.ndarray]:
        """What the device delivered since the last call, as `blocks` yields it, without waiting (for a
        reader of several devices at once, `paired.PairedInputs`); DeviceError as `blocks` raises it."""
        out = []
        while True:
            try:
                out.append(self._converted(self.queue.get_nowait()))
            except queue.Empty:
                break
        if out:
            self._check_pace()
        else:
            self._check_alive()
        return out

    def _converted(self, block: np.ndarray) -> np.ndarray:
        if self._resample is not None:
            return self._resample(block)
        return block if self.channels > 1 else block[:, 0]

    def _check_alive(self) -> None:
        """Nothing queued: has the stream ended (the queue is drained, so all it gave was yielded) or
        stalled (no callback for a while: a driver that stops without an error)?"""
        if self._ended.is_set() and not self._closing:
            raise DeviceError(f"audio input {self.name!r} stopped delivering audio (unplugged, or its driver failed)")
        silent = time.monotonic() - self._last_delivery
        if silent >= STALL_WARN_S and not self._stalled:
            self._stalled = True
            self.stalls += 1
            log.warning("microphone %r has delivered nothing for %.0f s (a stalled device?); still waiting, "
                        "Ctrl-C stops", self.name, silent)  # fmt: skip
        elif silent < STALL_WARN_S and self._stalled:
            self._stalled = False
            log.warning("microphone %r delivers audio again", self.name)

    def _check_pace(self) -> None:
        factor = self._rates.factor(self._delivered) if self._rates is not None else None
        if factor is not None and factor > FLOOD_FACTOR:
            raise DeviceError(f"audio input {self.name!r} delivers audio {factor:.0f}x faster than real time: "
                              "not a live device any more (its source ended, or its driver failed)")  # fmt: skip


def parse_device(device: str) -> int | str | None:
    if device == "":
        return None
    return int(device) if device.isdigit() else device


_sounddevice = None


def import_sounddevice(should_stop: Callable[[], bool] | None = None):  # noqa: ANN201 - the module
    """sounddevice, with PortAudio started: importing it runs Pa_Initialize, which opens every device to
    list it (a stuck one blocks it: bounded). Without the PortAudio library the import itself fails."""
    global _sounddevice
    if _sounddevice is None:

        def load():  # noqa: ANN202
            import sounddevice

            return sounddevice

        # sounddevice points fd 2 at /dev/null while Pa_Initialize runs (ALSA's chatter) and puts it back
        # when that returns: if it never does, this process would lose its stderr (and its errors).
        stderr = os.dup(2)
        try:
            _sounddevice = bounded(load, "starting PortAudio (it opens every audio device)", OPEN_TIMEOUT_S, should_stop)
        except OSError as exc:
            raise DeviceError(f"PortAudio is not available ({_short(exc)}); install Debian's libportaudio2") from None
        finally:
            if _sounddevice is None:
                os.dup2(stderr, 2)
            os.close(stderr)
    return _sounddevice


def list_input_devices() -> list[dict]:
    """Input devices as sounddevice sees them (index, name, channels, default rate)."""
    sd = import_sounddevice()
    try:
        devices = bounded(sd.query_devices, "listing audio devices", OPEN_TIMEOUT_S)
    except sd.PortAudioError as exc:
        raise DeviceError(f"cannot list audio devices: {_short(exc)}") from None
    default_in = sd.default.device[0] if isinstance(sd.default.device, list | tuple) else sd.default.device
    return [
        {
            "index": i,
            "name": d["name"],
            "channels": d["max_input_channels"],
            "rate": d["default_samplerate"],
            "default": i == default_in,
        }
        for i, d in enumerate(devices)
        if d["max_input_channels"] > 0
    ]


def check_input_device(device: str) -> str:
    """The name of input `device` ("" = the default); a one-line DeviceError if there is none."""
    sd = import_sounddevice()
    try:
        info = bounded(lambda: sd.query_devices(parse_device(device), kind="input"), "looking up the audio input",
                       OPEN_TIMEOUT_S)  # fmt: skip
    except (sd.PortAudioError, ValueError) as exc:
        msg = _short(exc) if str(exc) else "none found"
        raise DeviceError(f"no usable audio input device ({msg}); try `sinkscribe devices`") from None
    return str(info["name"])


def is_stdin(source: str) -> bool:
    return source == "-"


def stdin_binary() -> BinaryIO:
    return os.fdopen(0, "rb", buffering=0, closefd=False)
