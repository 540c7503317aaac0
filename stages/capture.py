"""Capture stage: microphone, file replay or raw PCM on stdin -> AudioChunk messages over PUSH.

Steps: open the source (`stages.audio_io`), cut its blocks into fixed chunks, pace them (file replay:
real time by default, `speed` times faster, or as fast as transcribe accepts when speed is 0), send.
The PUSH socket is lossless: when transcribe falls behind, `send` waits, so a file replay never drops
audio. A microphone cannot wait, so its callback queue is bounded and overflow is counted and reported
(in Status messages that transcribe republishes, and in the log).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import numpy as np
import zmq

from pipeline import transport
from pipeline.errors import InputError
from pipeline.messages import SAMPLE_RATE, AudioChunk, EndOfStream, Status
from pipeline.runner import StopFlag
from stages import audio_io
from stages.settings import AppConfig

log = logging.getLogger(__name__)
FLUSH_TIMEOUT_S = 30.0  # how long queued audio may take to reach transcribe after the last chunk


def rechunk(blocks: Iterator[np.ndarray], size: int) -> Iterator[np.ndarray]:
    """Blocks of any length -> chunks of exactly `size` samples (the last one may be shorter)."""
    pending: list[np.ndarray] = []
    have = 0
    for block in blocks:
        pending.append(block)
        have += len(block)
        if have < size:
            continue
        joined = np.concatenate(pending)
        cut = len(joined) - len(joined) % size
        for i in range(0, cut, size):
            yield joined[i : i + size]
        rest = joined[cut:]
        pending, have = ([rest], len(rest)) if len(rest) else ([], 0)
    if have:
        yield np.concatenate(pending)


class Pacer:
    """Waits so chunk k leaves at start + k_audio_time / speed (no drift: absolute deadlines)."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self.t0 = time.monotonic()

    def wait(self, audio_time: float, stop: StopFlag) -> None:
        if self.speed <= 0:
            return
        delay = self.t0 + audio_time / self.speed - time.monotonic()
        if delay > 0:
            stop.wait(delay)


def run(cfg: AppConfig, stop: StopFlag) -> int:
    """Run the capture stage until the source ends or `stop` is set. Returns the process exit code."""
    c = cfg.capture
    ctx = zmq.Context.instance()
    out = transport.open_socket(ctx, "push", cfg.endpoints.audio, bind=False, hwm=c.hwm, security=cfg.security)
    chunk = int(SAMPLE_RATE * c.chunk_ms / 1000)
    seq = 0
    sent_samples = 0
    reason = "eof"
    error: InputError | None = None
    mic: audio_io.Microphone | None = None
    last_status = 0.0

    def send_status() -> None:
        counters = {"audio_seconds": sent_samples / SAMPLE_RATE, "chunks": seq}
        if mic is not None:
            counters |= {"overflow_chunks": mic.overflow_blocks, "device_overflows": mic.device_overflows}
        transport.send_waiting(out, Status(cfg.stream, seq, "capture", time.time(), counters), stop.is_set)

    try:
        if c.source == "mic":
            mic = audio_io.Microphone(c.device, c.chunk_ms, c.queue_seconds).__enter__()
            blocks = mic.blocks(stop.is_set)
            pacer = Pacer(0)  # the microphone paces itself
        elif audio_io.is_stdin(c.source):
            blocks = audio_io.read_pcm(audio_io.stdin_binary(), c.stdin_rate, c.stdin_channels)
            pacer = Pacer(0)  # a pipe paces itself
        else:
            audio_io.probe_file(c.source)  # fail before sending anything
            blocks = audio_io.read_file(c.source)
            pacer = Pacer(c.speed)
        log.info("capture: %s -> %s", c.source, cfg.endpoints.audio)
        try:
            for samples in rechunk(blocks, chunk):
                start = sent_samples / SAMPLE_RATE
                pacer.wait(start + len(samples) / SAMPLE_RATE, stop)
                if stop.is_set():
                    reason = "interrupted"
                    break
                # wall = when the last sample of this chunk was available (for latency measurements)
                if not transport.send_waiting(out, AudioChunk(cfg.stream, seq, start, time.time(), samples), stop.is_set):
                    reason = "interrupted"
                    break
                seq += 1
                sent_samples += len(samples)
                if time.monotonic() - last_status >= cfg.heartbeat_s:
                    last_status = time.monotonic()
                    send_status()
        except InputError as exc:  # truncated/corrupt mid-file: what was read is still sent
            error, reason = exc, "error"
        if mic is not None and mic.overflow_blocks:
            log.warning("capture: %d chunks dropped because the queue was full", mic.overflow_blocks)
        send_status()
        # The end of stream must arrive even after a stop: wait for the peer a bounded time.
        eos = EndOfStream(cfg.stream, seq, reason, sent_samples / SAMPLE_RATE)
        if not transport.send_within(out, eos, FLUSH_TIMEOUT_S):
            log.error("capture: transcribe did not take the end of stream within %.0f s", FLUSH_TIMEOUT_S)
        log.info("capture: sent %.1f s of audio in %d chunks (%s)", sent_samples / SAMPLE_RATE, seq, reason)
    finally:
        if mic is not None:
            mic.__exit__(None, None, None)
        transport.close_flushing(out, FLUSH_TIMEOUT_S)
    if error is not None:
        raise error
    return 0
