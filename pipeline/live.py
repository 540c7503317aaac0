"""Run supervised stages and be their last consumer: the loop behind `sinkscribe transcribe`.

The CLI process binds the lossless transcript socket itself (it is the downstream of transcribe), and
subscribes to the caption socket for partials. It ends when the end of stream arrives, a stage fails,
or the user presses Ctrl-C (then capture is stopped first, so everything already captured is still
transcribed and printed).
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import zmq

from pipeline import transport, wire
from pipeline.errors import StageFailed
from pipeline.messages import EndOfStream, Message, Partial, Segment
from pipeline.runner import StopFlag
from pipeline.supervisor import Supervisor

log = logging.getLogger(__name__)
DRAIN_GRACE_S = 60.0  # after capture died, how long transcribe may stay silent before we give up


@dataclass
class LiveResult:
    segments: int = 0
    audio_seconds: float = 0.0
    reason: str = ""


def run_transcription(
    cfg: Any,
    on_segment: Callable[[Segment], None],
    on_partial: Callable[[Partial], None],
    stop: StopFlag | None = None,
    log_level: str = "warning",
) -> LiveResult:
    """Start transcribe + capture for `cfg`, deliver messages to the callbacks until end of stream."""
    ep = cfg.endpoints
    for endpoint in (ep.audio, ep.captions):  # what the children will bind: fail here, in one line
        transport.check_bindable(endpoint)
    ctx = zmq.Context.instance()
    sink = transport.Receiver(transport.open_socket(ctx, "pull", ep.transcript, bind=True), "transcript")
    captions = transport.Receiver(
        transport.open_socket(ctx, "sub", ep.captions, bind=False, subscribe=(wire.topic_prefix("partial"),)),
        "captions",
    )
    stop = stop or StopFlag()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set(signal.SIGINT))
    result = LiveResult()
    poller = zmq.Poller()
    poller.register(sink.sock, zmq.POLLIN)
    poller.register(captions.sock, zmq.POLLIN)
    try:
        with Supervisor(cfg, log_level) as sup:
            sup.start("transcribe")
            sup.start("capture")
            capture_stopped = False
            last_message = time.monotonic()
            while True:
                if stop.is_set() and not capture_stopped:
                    log.info("interrupted: stopping capture, flushing what was captured")
                    sup.stop("capture")
                    capture_stopped = True
                ready = dict(poller.poll(200))
                if captions.sock in ready:
                    got = captions.recv(timeout_s=0)
                    if got and isinstance(got[1], Partial):
                        on_partial(got[1])
                if sink.sock in ready:
                    got = sink.recv(timeout_s=0)
                    msg: Message | None = got[1] if got else None
                    if isinstance(msg, Segment):
                        result.segments += 1
                        on_segment(msg)
                    elif isinstance(msg, EndOfStream):
                        result.audio_seconds, result.reason = msg.audio_seconds, msg.reason
                        break
                # A capture that fails mid-file (truncated, device lost) still sends its end of stream:
                # keep delivering what transcribe makes of the audio it got; the error is raised after.
                if ready:
                    last_message = time.monotonic()
                failed = sup.failed()
                idle = time.monotonic() - last_message
                if failed and (failed[0].name != "capture" or idle > DRAIN_GRACE_S):
                    raise StageFailed(f"{failed[0].name}: {failed[0].error()}")
                if len(sup.exited()) == len(sup.children):
                    raise StageFailed("the stages ended without an end-of-stream message")
            _wait_clean_exit(sup, ("capture", "transcribe"))
    finally:
        signal.signal(signal.SIGINT, previous)
        sink.sock.close(linger=0)
        captions.sock.close(linger=0)
    return result


def _wait_clean_exit(sup: Supervisor, names: tuple[str, ...], timeout_s: float = 30.0) -> None:
    """After end of stream: the stages finish on their own; one that failed is still reported."""
    deadline = time.monotonic() + timeout_s
    for name in names:
        code = sup.wait(name, max(0.1, deadline - time.monotonic()))
        if code not in (0, None):
            raise StageFailed(f"{name}: {sup.children[name].error()}")
