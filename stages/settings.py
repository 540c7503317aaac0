"""The config tree of the stages, loaded from TOML by `pipeline.config` (see configs/*.toml).

Every field is commented with its unit and why it has its default. `__post_init__` checks ranges so a
bad value is a one-line ConfigError naming the key (pipeline.config prefixes the section).
"""

from __future__ import annotations

from dataclasses import dataclass, field

LOOPBACK = "tcp://127.0.0.1"


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise ValueError(message)


@dataclass(frozen=True)
class Endpoints:
    """Where stages meet. The stage named in the comment binds; the others connect.

    For stages on several hosts, the binding side uses e.g. "tcp://0.0.0.0:5550" and the connecting
    side "tcp://HOST:5550" (configs/remote-*.toml).
    """

    audio: str = f"{LOOPBACK}:5550"  # capture PUSH -> transcribe PULL (transcribe binds), lossless
    transcript: str = f"{LOOPBACK}:5551"  # transcribe PUSH -> summarize PULL (summarize binds), lossless
    captions: str = f"{LOOPBACK}:5552"  # transcribe PUB: partial + committed captions, status
    summary: str = f"{LOOPBACK}:5553"  # summarize PUB: summaries, answers, transcript, status
    requests: str = f"{LOOPBACK}:5554"  # summarize ROUTER: questions and snapshot requests

    def __post_init__(self) -> None:
        for name in ("audio", "transcript", "captions", "summary", "requests"):
            value = getattr(self, name)
            _check(
                value.startswith(("tcp://", "ipc://", "inproc://")),
                f"{name} = {value!r} is not a ZeroMQ endpoint (tcp://HOST:PORT or ipc://PATH)",
            )


@dataclass(frozen=True)
class CaptureConfig:
    source: str = "mic"  # "mic", "-" (raw 16-bit PCM on stdin) or an audio file path
    device: str = ""  # sounddevice input: index or part of its name; "" = the system default
    speed: float = 1.0  # file replay pacing: 1 = real time, N = N times faster, 0 = as fast as accepted
    chunk_ms: int = 100  # audio per message: small enough for low latency, large enough to be cheap
    queue_seconds: float = 30.0  # microphone queue bound; beyond it audio is dropped and counted
    stdin_rate: int = 16_000  # sample rate of raw PCM on stdin
    stdin_channels: int = 1  # interleaved channels of raw PCM on stdin (mixed down to mono)
    hwm: int = 100  # messages in flight towards transcribe before the sender waits (10 s of audio)

    def __post_init__(self) -> None:
        _check(self.speed >= 0, f"speed must be >= 0 (0 = as fast as possible), got {self.speed}")
        _check(10 <= self.chunk_ms <= 2000, f"chunk_ms must be 10..2000, got {self.chunk_ms}")
        _check(self.queue_seconds > 0, f"queue_seconds must be > 0, got {self.queue_seconds}")
        _check(4000 <= self.stdin_rate <= 192_000, f"stdin_rate must be 4000..192000, got {self.stdin_rate}")
        _check(1 <= self.stdin_channels <= 32, f"stdin_channels must be 1..32, got {self.stdin_channels}")
        _check(self.hwm >= 1, f"hwm must be >= 1, got {self.hwm}")


@dataclass(frozen=True)
class TranscribeConfig:
    model: str = "tiny.en"  # preset (packaged offline), faster-whisper model name, or local CTranslate2 folder
    compute_type: str = "int8"  # CTranslate2 compute type; int8 is fastest on CPU
    threads: int = 0  # CPU threads for Whisper; 0 = all cores
    beam_size: int = 1  # greedy: re-decoding every step makes beams too expensive on a laptop
    language: str = "en"
    step_s: float = 1.0  # minimum new speech between two Whisper runs on the buffer
    max_buffer_s: float = 12.0  # trim the buffer at a committed word boundary beyond this (memory bound)
    silence_flush_s: float = 0.6  # this much silence after speech ends an utterance: commit everything
    pre_roll_s: float = 0.3  # audio kept before detected speech so the first word is not clipped
    vad_threshold: float = 0.5  # Silero speech probability above which a 32 ms frame is speech
    no_speech_threshold: float = 0.6  # Whisper's rule: drop a segment with no_speech_prob above this...
    logprob_threshold: float = -1.0  # ...and avg_logprob below this
    compression_ratio_threshold: float = 2.4  # gzip ratio above this means a repetition loop
    prompt_chars: int = 200  # previously committed text given to Whisper as prompt
    partials: bool = True  # publish partial (uncommitted) captions
    hwm: int = 1000  # transcript segments in flight towards summarize before the sender waits

    def __post_init__(self) -> None:
        _check(self.beam_size >= 1, f"beam_size must be >= 1, got {self.beam_size}")
        _check(0.2 <= self.step_s <= 10, f"step_s must be 0.2..10, got {self.step_s}")
        _check(4 <= self.max_buffer_s <= 30, f"max_buffer_s must be 4..30 (Whisper sees 30 s), got {self.max_buffer_s}")
        _check(0.1 <= self.silence_flush_s <= 10, f"silence_flush_s must be 0.1..10, got {self.silence_flush_s}")
        _check(0 < self.vad_threshold < 1, f"vad_threshold must be in (0, 1), got {self.vad_threshold}")
        _check(self.threads >= 0, f"threads must be >= 0, got {self.threads}")


@dataclass(frozen=True)
class AppConfig:
    stream: str = "default"  # stream id carried by every message; also names the session
    log_level: str = "info"
    heartbeat_s: float = 2.0  # a stage that is alive says so this often, even when idle
    exit_after_eos: bool = False  # a stage ends after one stream (set by `transcribe FILE`, `replay`)
    endpoints: Endpoints = field(default_factory=Endpoints)
    capture: CaptureConfig = field(default_factory=CaptureConfig)
    transcribe: TranscribeConfig = field(default_factory=TranscribeConfig)

    def __post_init__(self) -> None:
        _check(0 < len(self.stream) <= 128, "stream must be 1..128 characters")
        _check(self.log_level in ("debug", "info", "warning", "error"), f"log_level {self.log_level!r} unknown")
        _check(0.1 <= self.heartbeat_s <= 60, f"heartbeat_s must be 0.1..60, got {self.heartbeat_s}")
