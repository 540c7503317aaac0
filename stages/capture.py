"""Capture stage: microphone, file replay or raw PCM on stdin -> AudioChunk messages over PUSH.

Steps: open the source (`stages.audio_io`), cut its blocks into fixed chunks, pace them (file replay:
real time by default, `speed` times faster, or as fast as transcribe accepts when speed is 0), send.
The PUSH socket is lossless: when transcribe falls behind, `send` waits, so a file replay never drops
audio. A microphone cannot wait, so its callback queue is bounded and overflow is counted and reported
(in Status messages that transcribe republishes, and in the log).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import deque
from collections.abc import Iterator

import numpy as np
import zmq

from pipeline import reliable, runner, transport
from pipeline.errors import DeviceError, InputError, TransportError
from pipeline.messages import SAMPLE_RATE, AudioChunk, EndOfStream, Status
from pipeline.runner import StopFlag
from stages import audio_io, channels
from stages.paired import PairedInputs
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
        self.offset = 0.0  # audio time at t0 (a resumed replay starts mid-file)

    def wait(self, audio_time: float, stop: StopFlag) -> None:
        if self.speed <= 0:
            return
        delay = self.t0 + (audio_time - self.offset) / self.speed - time.monotonic()
        if delay > 0:
            stop.wait(delay)


class AudioRing:
    """Sent chunks transcribe may still need (after its restart), trimmed as it confirms progress."""

    def __init__(self) -> None:
        self.chunks: deque[AudioChunk] = deque()

    def add(self, chunk: AudioChunk) -> None:
        self.chunks.append(chunk)

    def trim(self, needed_from: float) -> None:
        while self.chunks and self.chunks[0].end <= needed_from:
            self.chunks.popleft()

    def since(self, position: float) -> list[AudioChunk]:
        return [ch for ch in self.chunks if ch.end > position]

    @property
    def seconds(self) -> float:
        return sum(ch.duration for ch in self.chunks)


def split_channels(block: np.ndarray, level_frame: int) -> tuple[np.ndarray, tuple[tuple[float, ...], ...]]:
    """A chunk from the source -> the mono samples sent, and (for a multichannel chunk: labels by
    channel) every channel's levels, which travel with it (and with it in the resend ring)."""
    if block.ndim == 1:
        return block, ()
    return channels.mixdown(block, level_frame)


def skip_to(blocks: Iterator[np.ndarray], samples: int) -> Iterator[np.ndarray]:
    """Drop the first `samples` samples (a file replay resumed where its session ends)."""
    for block in blocks:
        if samples >= len(block):
            samples -= len(block)
            continue
        yield block[samples:]
        samples = 0


def where(watch: reliable.PeerWatch, stream: str) -> dict:
    """Transcribe's view of `stream`: position (next sample it needs), needed_from, ended."""
    positions = watch.counters.get("positions")
    state = positions.get(stream) if isinstance(positions, dict) else None
    return state if isinstance(state, dict) else {"position": 0.0, "needed_from": 0.0, "ended": False}


def run(cfg: AppConfig, stop: StopFlag) -> int:
    """Run the capture stage until the source ends or `stop` is set. Returns the process exit code."""
    c = cfg.capture
    ctx = zmq.Context.instance()
    out = transport.open_socket(ctx, "push", cfg.endpoints.audio, bind=False, hwm=c.hwm, security=cfg.security)
    # Transcribe's heartbeats say where to start, how far it got (flow control) and when it restarted.
    watch = reliable.PeerWatch(cfg.endpoints.captions, "transcribe", cfg.security, cfg.stream) if c.resume_wait_s > 0 else None
    chunk = int(SAMPLE_RATE * c.chunk_ms / 1000)
    level_frame = int(SAMPLE_RATE * c.level_ms / 1000)
    names = tuple(c.channels)  # labels by input channel: each chunk carries the channels' levels
    seq = 0
    sent_samples = 0
    reason = "eof"
    error: InputError | DeviceError | None = None
    mic: audio_io.Microphone | PairedInputs | None = None
    last_status = 0.0
    ring = AudioRing()
    resync = False
    code = 0
    counters = {"rewinds": 0, "resent_chunks": 0, "lost_seconds": 0.0, "flow_waits": 0}

    def send_status(final: bool = False) -> None:
        status = {"audio_seconds": sent_samples / SAMPLE_RATE, "chunks": seq, "instance": reliable.INSTANCE,
                  "ring_seconds": ring.seconds} | counters  # fmt: skip
        if mic is not None:
            status |= {"overflow_chunks": mic.overflow_blocks, "device_overflows": mic.device_overflows,
                       "device_stalls": mic.stalls}  # fmt: skip
        if isinstance(mic, PairedInputs):  # silence given to an input that fell behind, late audio dropped
            status |= {"filled_seconds": [round(f, 2) for f in mic.filled_s],
                       "dropped_seconds": [round(d, 2) for d in mic.dropped_s]}  # fmt: skip
        msg = Status(cfg.stream, seq, "capture", time.time(), status)
        if final:  # the counters that say what was dropped must arrive even after a stop
            transport.send_within(out, msg, FLUSH_TIMEOUT_S)
        else:
            transport.send_waiting(out, msg, stop.is_set)

    def heartbeat() -> None:
        nonlocal last_status
        if time.monotonic() - last_status >= cfg.heartbeat_s:
            last_status = time.monotonic()
            send_status()

    def rewind() -> None:
        """Transcribe restarted: send again what it has not finished, from where it resumes."""
        nonlocal resync
        position = float(where(watch, cfg.stream)["position"])
        again = ring.since(position)
        if not again or again[0].start > position + 1e-3:
            lost = (again[0].start if again else sent_samples / SAMPLE_RATE) - position
            if lost > 1e-3:
                counters["lost_seconds"] += lost
                log.warning("capture: %.1f s of audio before %.1f s are no longer kept; transcribe resumes after them",
                            lost, position + lost)  # fmt: skip
        counters["rewinds"] += 1
        log.info("capture: transcribe restarted at %.1f s: resending %d chunks", position, len(again))
        resync = True
        for ch in again:
            if not transport.send_waiting(out, dataclasses.replace(ch, resync=resync), stop.is_set):
                return
            resync = False
            counters["resent_chunks"] += 1

    def follow(until: float) -> bool:
        """Rewind after a transcribe restart; wait while `until` is more than resend_s ahead of what
        transcribe still needs (False when stopped while waiting)."""
        if watch is None:
            return True
        waited = False
        while True:
            if watch.poll(0):
                rewind()
            refused = where(watch, cfg.stream).get("refused")
            if refused:  # a service that would not take this stream: say why instead of sending into the void
                raise InputError(str(refused))
            if c.resend_s <= 0:
                ring.chunks.clear()
                return True
            needed = float(where(watch, cfg.stream)["needed_from"])
            ring.trim(needed)
            if until - needed <= c.resend_s:
                return True
            if not waited:
                counters["flow_waits"] += 1
                waited = True
            if stop.is_set():
                return False
            if watch.poll(0.2):
                rewind()
            heartbeat()  # waiting is not dead

    try:
        if c.source == "mic" and c.playback_device:  # the microphone and what the computer plays, one channel each
            mic = PairedInputs(audio_io.Microphone(c.device, c.chunk_ms, c.queue_seconds),
                               audio_io.Microphone(c.playback_device, c.chunk_ms, c.queue_seconds), chunk)  # fmt: skip
        elif c.source == "mic":
            mic = audio_io.Microphone(c.device, c.chunk_ms, c.queue_seconds, max(1, len(c.channels)))
        try:
            blocks, pacer = open_source(cfg, mic, stop)
        except (InputError, DeviceError) as exc:
            # Nothing to send, but the stream still ends (reason "error"): transcribe and whoever waits
            # for the end finish at once, and the error is reported after them, as one mid-stream is.
            error, reason, blocks, pacer = exc, "error", iter(()), Pacer(0)
        if watch is not None:
            if not watch.wait_heard(c.resume_wait_s, stop.is_set):
                if not stop.is_set():
                    raise TransportError(
                        f"no heartbeat from transcribe on {cfg.endpoints.captions} within {c.resume_wait_s:g} s "
                        "(is it running? capture.resume_wait_s = 0 starts without waiting)"
                    )
            pacer.t0 = time.monotonic()  # real-time pacing starts now, not while we waited
            # A `--connect` client was told by the service where its stream starts (start_at >= 0): that
            # decides, not what transcribe remembers of an earlier run of the stream (it may have ended
            # "lost"); its first chunk is marked resync so transcribe takes its start as the position.
            admitted = c.start_at >= 0
            resume_at = c.start_at if admitted else float(where(watch, cfg.stream)["position"])
            resync = admitted
            if resume_at > 0:
                # A stored session continues: a file resumes where the session ends (`run`/`replay` have
                # checked it is the same recording: stages/summarize/catalog.py); a live source continues
                # the session's clock.
                log.info("capture: the session continues at %.1f s", resume_at)
                if mic is None and not audio_io.is_stdin(c.source):
                    blocks = skip_to(blocks, int(round(resume_at * SAMPLE_RATE)))
                    pacer.offset = resume_at
                sent_samples = int(round(resume_at * SAMPLE_RATE))
                resync = True
            if not admitted and where(watch, cfg.stream).get("ended"):
                # Restarted after the end, or stages run alone on a finished session: transcribe takes no
                # more audio for it, so none is read (a microphone would be dropped unheard until Ctrl-C).
                log.warning("capture: stream %s has already ended in its session: nothing more is sent "
                            "(a new meeting needs a new summarize.session)", cfg.stream)  # fmt: skip
                blocks = iter(())
        log.info("capture: %s -> %s", c.source, cfg.endpoints.audio)
        try:
            for block in rechunk(blocks, chunk):
                samples, levels = split_channels(block, level_frame)
                start = sent_samples / SAMPLE_RATE
                pacer.wait(start + len(samples) / SAMPLE_RATE, stop)
                if stop.is_set() or not follow(start + len(samples) / SAMPLE_RATE):
                    reason = "interrupted"
                    break
                # wall = when the last sample of this chunk was available (for latency measurements)
                msg = AudioChunk(cfg.stream, seq, start, time.time(), samples, resync=resync, levels=levels,
                                 channels=names if levels else ())  # fmt: skip
                if not transport.send_waiting(out, msg, stop.is_set):
                    reason = "interrupted"
                    break
                resync = False
                if watch is not None and c.resend_s > 0:
                    ring.add(msg)
                seq += 1
                sent_samples += len(samples)
                heartbeat()
            if reason == "eof" and stop.is_set():
                # A microphone's blocks end when the stop comes, so the loop ends as if at the end of a
                # file: the stream was interrupted (a session that can be resumed), not complete.
                reason = "interrupted"
        except (InputError, DeviceError) as exc:  # truncated file, lost device: what was read is still sent
            error, reason = exc, "error"
        if mic is not None and mic.overflow_blocks:
            log.warning("capture: %d chunks dropped because the queue was full", mic.overflow_blocks)
        send_status(final=True)
        # The end of stream must arrive even after a stop: wait for the peer a bounded time.
        eos = EndOfStream(cfg.stream, seq, reason, sent_samples / SAMPLE_RATE)
        if not transport.send_within(out, eos, FLUSH_TIMEOUT_S):
            log.error("capture: transcribe did not take the end of stream within %.0f s", FLUSH_TIMEOUT_S)
        if watch is not None and not confirm_end(watch, cfg.stream, c.confirm_timeout_s, rewind, out, eos):
            log.error("capture: transcribe did not confirm the end of stream within %.0f s", c.confirm_timeout_s)
            code = 1
        log.info("capture: sent %.1f s of audio in %d chunks (%s)", sent_samples / SAMPLE_RATE, seq, reason)
    finally:
        if mic is not None:
            mic.close()
        if audio_io.wedged():
            runner.exit_hard(f"PortAudio is stuck in {audio_io.wedged()}")
        if watch is not None:
            watch.close()
        transport.close_flushing(out, FLUSH_TIMEOUT_S)
    if error is not None:
        raise error
    return code


def open_source(cfg: AppConfig, mic: audio_io.Microphone | PairedInputs | None, stop: StopFlag) -> tuple[Iterator[np.ndarray], Pacer]:
    """The blocks of the configured source and how to pace them; InputError/DeviceError if it cannot be read."""
    c = cfg.capture
    if mic is not None:
        if not mic.open(stop.is_set):
            return iter(()), Pacer(0)  # stopped while the device was still opening
        return mic.blocks(stop.is_set), Pacer(0)  # the microphone paces itself
    keep = bool(c.channels)  # labels by input channel: blocks keep their channels, [samples, channels]
    if audio_io.is_stdin(c.source):
        return (audio_io.read_pcm(audio_io.stdin_binary(), c.stdin_rate, c.stdin_channels, keep_channels=keep),
                Pacer(0))  # a pipe paces itself  # fmt: skip
    audio_io.check_channels(audio_io.probe_file(c.source), c.channels)  # fail before sending anything
    return audio_io.read_file(c.source, len(c.channels)), Pacer(c.speed)


def confirm_end(watch: reliable.PeerWatch, stream: str, timeout_s: float, rewind, out: zmq.Socket,  # noqa: ANN001
                eos: EndOfStream) -> bool:  # fmt: skip
    """Wait until transcribe says `stream` ended (everything stored downstream); after a transcribe
    restart in the meantime, resend what it lost and the end of stream again."""
    deadline = time.monotonic() + timeout_s
    while not where(watch, stream).get("ended"):
        if time.monotonic() > deadline:
            return False
        if watch.poll(0.2):
            rewind()
            transport.send_within(out, eos, FLUSH_TIMEOUT_S)
    return True
