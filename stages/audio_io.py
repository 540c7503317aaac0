"""Audio in: decode files with PyAV, read raw PCM, open microphones; always 16 kHz mono float32 out.

Sources are lazy generators of float32 blocks; `stages.capture` cuts them into chunks, paces and sends
them. Every failure a person can cause (missing, empty, non-audio, truncated file; no device) becomes an
InputError or DeviceError with one line naming the file or device.
"""

from __future__ import annotations

import logging
import os
import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np

from pipeline.errors import DeviceError, InputError
from pipeline.messages import SAMPLE_RATE

log = logging.getLogger(__name__)

# A decoded duration this much shorter than the container declares means the file was cut off.
TRUNCATION_TOLERANCE = 0.9


class Resampler:
    """Any rate / channel count -> 16 kHz mono float32, statefully across blocks (no clicks at seams)."""

    def __init__(self, rate: int, channels: int) -> None:
        self.rate = rate
        self.channels = channels
        layout = "mono" if channels == 1 else "stereo" if channels == 2 else f"{channels}c"
        self._layout = layout
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

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
        if not frames:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.float32)


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


def read_file(path: str | Path) -> Iterator[np.ndarray]:
    """Decode any PyAV-readable audio file into 16 kHz mono float32 blocks.

    Raises InputError after yielding what was decoded if the file turns out truncated or corrupt, so
    the caller can send what it has and still report the problem.
    """
    info = probe_file(path)
    decoded = 0
    try:
        with av.open(str(info.path)) as container:
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    block = _finite(out.to_ndarray().reshape(-1))
                    decoded += len(block)
                    yield block
            for out in resampler.resample(None):
                block = _finite(out.to_ndarray().reshape(-1))
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


def _finite(block: np.ndarray) -> np.ndarray:
    """NaN/inf samples (a broken float WAV) become silence; loud samples are clipped to -1..1."""
    block = block.astype(np.float32, copy=False)
    if not np.isfinite(block).all():
        block = np.nan_to_num(block, nan=0.0, posinf=0.0, neginf=0.0)
    return np.clip(block, -1.0, 1.0)


def read_pcm(stream: BinaryIO, rate: int, channels: int, block_frames: int = 1600) -> Iterator[np.ndarray]:
    """Raw interleaved signed 16-bit little-endian PCM (e.g. `arecord -f S16_LE`) -> 16 kHz mono blocks."""
    frame_bytes = 2 * channels
    resample = None if (rate == SAMPLE_RATE and channels == 1) else Resampler(rate, channels)
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
        yield pcm[:, 0].copy() if resample is None else resample(pcm)
    if leftover:
        log.warning("stdin: ignored %d trailing bytes (not a whole %d-channel frame)", len(leftover), channels)
    if resample is not None:
        tail = resample(None)
        if len(tail):
            yield tail


class Microphone:
    """sounddevice input whose callback only copies into a bounded queue: it never blocks, it counts.

    Usage: `with Microphone(device, block) as mic: for block in mic.blocks(stop): ...`
    """

    def __init__(self, device: str, block_ms: int, queue_seconds: float) -> None:
        self.device = parse_device(device)
        self.block_ms = block_ms
        self.queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=max(1, int(queue_seconds * 1000 / block_ms)))
        self.overflow_blocks = 0  # blocks dropped because the queue was full (we fell behind)
        self.device_overflows = 0  # PortAudio said its own buffer overflowed
        self._stream = None
        self._resample: Resampler | None = None

    def _callback(self, indata: np.ndarray, frames: int, time_info: object, status: object) -> None:
        if status and getattr(status, "input_overflow", False):
            self.device_overflows += 1
        try:
            self.queue.put_nowait(indata.copy())
        except queue.Full:
            self.overflow_blocks += 1

    def __enter__(self) -> Microphone:
        sd = import_sounddevice()
        try:
            info = sd.query_devices(self.device, kind="input")
        except (sd.PortAudioError, ValueError) as exc:
            raise DeviceError(f"no usable audio input device ({_short(exc)}); try `sinkscribe devices`") from None
        rate = SAMPLE_RATE
        try:
            sd.check_input_settings(device=self.device, samplerate=SAMPLE_RATE, channels=1, dtype="float32")
        except (sd.PortAudioError, ValueError):
            # The device cannot do 16 kHz itself: record at its own rate and resample here.
            rate = int(info["default_samplerate"])
            self._resample = Resampler(rate, 1)
        try:
            self._stream = sd.InputStream(
                device=self.device,
                samplerate=rate,
                channels=1,
                dtype="float32",
                blocksize=int(rate * self.block_ms / 1000),
                callback=self._callback,
            )
            self._stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise DeviceError(f"cannot open audio input {info['name']!r}: {_short(exc)}") from None
        log.info("microphone %r open at %d Hz", info["name"], rate)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None

    def blocks(self, should_stop: Callable[[], bool]) -> Iterator[np.ndarray]:
        while not should_stop():
            try:
                block = self.queue.get(timeout=0.2)  # [S, 1]
            except queue.Empty:
                continue
            yield block[:, 0] if self._resample is None else self._resample(block)


def parse_device(device: str) -> int | str | None:
    if device == "":
        return None
    return int(device) if device.isdigit() else device


def import_sounddevice():  # noqa: ANN201 - the module
    """sounddevice needs the PortAudio library; without it the import itself fails."""
    try:
        import sounddevice as sd
    except OSError as exc:
        raise DeviceError(f"PortAudio is not available ({_short(exc)}); install Debian's libportaudio2") from None
    return sd


def list_input_devices() -> list[dict]:
    """Input devices as sounddevice sees them (index, name, channels, default rate)."""
    sd = import_sounddevice()
    try:
        devices = sd.query_devices()
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


def is_stdin(source: str) -> bool:
    return source == "-"


def stdin_binary() -> BinaryIO:
    return os.fdopen(0, "rb", buffering=0, closefd=False)
