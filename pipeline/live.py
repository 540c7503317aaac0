"""Run supervised stages and be their last consumer: the loop behind `transcribe`, `replay` and `run`.

Two shapes:
- `run_transcription`: capture + transcribe. This process binds the lossless transcript socket itself
  (it is transcribe's downstream) and subscribes to captions for partials.
- `run_summarization`: capture + transcribe + summarize (or text ingest + summarize). This process
  subscribes to the summary socket (transcript, summaries, answers, end of stream) and to captions
  (partials, and committed segments as they are committed: summarize republishes them only once stored,
  which waits while the model is busy; the first copy of each is shown, `FirstCopies`).

Both end at the end of stream, when a stage fails, or on Ctrl-C (capture is stopped first, so what was
captured is still transcribed and summarized; the others flush on their own end of stream).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import zmq

from pipeline import transport, wire
from pipeline.errors import StageFailed
from pipeline.messages import EndOfStream, Message, Segment, Status
from pipeline.runner import StopFlag
from pipeline.supervisor import RestartPolicy, Supervisor
from pipeline.threads import all_threads

log = logging.getLogger(__name__)
DEFAULT_RESTART = RestartPolicy()  # run and replay restart crashed stages
DRAIN_GRACE_S = 60.0  # after the source stage died, how long the rest may stay silent before we give up
# After Ctrl-C the source stage sends its end of stream at once, whatever its device does (capture bounds
# every PortAudio call), then waits until the others confirm it (summarize may be busy with a summary for a
# while). One still running after SOURCE_STOP_S is stuck where no signal reaches it and is killed. Killed
# before its end of stream, it never sends one: the others get STOPPED_GRACE_S of quiet (heartbeats are not
# news) to deliver what they hold, then everything is stopped.
SOURCE_STOP_S = 30.0
STOPPED_GRACE_S = 3.0
Handler = Callable[[Message], None]


@dataclass
class LiveResult:
    messages: int = 0
    audio_seconds: float = 0.0
    reason: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    last_heard: float = 0.0  # monotonic time of the last message about this stream from a service


@dataclass
class Listener:
    """One socket this process reads, and what to do with what arrives."""

    receiver: transport.Receiver
    handle: Handler


class FirstCopies:
    """Committed segments reach a run twice: from transcribe's captions socket as they are committed, and
    republished by summarize once stored, which is behind by as long as the model is busy (stop 26: 81 s
    median, 152 s p95 on the demo at real time, while the commit itself took 2.5 s). The first copy is the
    one shown; a later copy, or a restarted stage's republished one, is dropped. Each socket delivers a
    stream's segments in seq order, so the highest seq passed on per stream is all this keeps."""

    def __init__(self) -> None:
        self._upto: dict[str, int] = {}

    def fresh(self, msg: Message) -> bool:
        if not isinstance(msg, Segment):
            return True
        if msg.seq <= self._upto.get(msg.stream, -1):
            return False
        self._upto[msg.stream] = msg.seq
        return True


@contextmanager
def sigint_sets(stop: StopFlag) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # a service run by a cluster host (pipeline/cluster.py) is stopped by its flag, not by Ctrl-C
        return
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set(signal.SIGINT))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def listen(
    kind: str, endpoint: str, name: str, bind: bool, topics: tuple[str, ...] = (), security: Any = None
) -> transport.Receiver:
    prefixes = tuple(wire.topic_prefix(t) for t in topics) or (b"",)
    sock = transport.open_socket(
        zmq.Context.instance(), kind, endpoint, bind=bind, subscribe=prefixes, security=security
    )
    return transport.Receiver(sock, name)


def supervise(
    sup: Supervisor,
    listeners: list[Listener],
    end_socket: transport.Receiver,
    stop: StopFlag,
    source: str,
    result: LiveResult,
) -> None:
    """Deliver messages until an EndOfStream arrives on `end_socket`; raise StageFailed on a dead stage.

    A `source` stage (capture, text) that fails mid-input (truncated file, lost device) still sends its
    end of stream, so the others keep going and the error is raised by the caller after they finish.
    """
    poller = zmq.Poller()
    for listener in listeners:
        poller.register(listener.receiver.sock, zmq.POLLIN)
    first = FirstCopies()
    stopping: float | None = None  # when the source was asked to stop
    last_message = time.monotonic()  # the last one that was more than a heartbeat
    while True:
        if stop.is_set() and stopping is None:
            log.info("interrupted: stopping %s, flushing what was captured", source)
            sup.terminate(source)
            stopping = time.monotonic()
        sup.kill_overdue(source, SOURCE_STOP_S)
        ready = dict(poller.poll(200))
        for listener in listeners:
            if listener.receiver.sock not in ready:
                continue
            got = listener.receiver.recv(timeout_s=0)
            if got is None:
                continue
            msg = got[1]
            if not isinstance(msg, Status):  # heartbeats say a stage lives, not that anything is still coming
                last_message = time.monotonic()
            if not first.fresh(msg):
                continue
            result.messages += 1
            result.counts[msg.type] = result.counts.get(msg.type, 0) + 1
            if isinstance(msg, EndOfStream) and listener.receiver is end_socket:
                result.audio_seconds, result.reason = msg.audio_seconds, msg.reason
                _drain(listeners, end_socket, first)
                return
            listener.handle(msg)
        failed = sup.tend()  # restarts what crashed; returns what failed for good
        grace = DRAIN_GRACE_S if stopping is None else STOPPED_GRACE_S
        if failed and (failed[0].name != source or time.monotonic() - last_message > grace):
            raise StageFailed(f"{failed[0].name}: {failed[0].error()}")
        if len(sup.exited()) == len(sup.children) and not sup.pending_restart():
            raise StageFailed("the stages ended without an end-of-stream message")


def _drain(listeners: list[Listener], end_socket: transport.Receiver, first: FirstCopies) -> None:
    """Messages published just before the end of stream (final status) on the other sockets."""
    for listener in listeners:
        if listener.receiver is end_socket:
            continue
        while (got := listener.receiver.recv(timeout_s=0.3)) is not None:
            if first.fresh(got[1]):
                listener.handle(got[1])


def check_exit(sup: Supervisor, names: tuple[str, ...], timeout_s: float = 30.0) -> None:
    """After end of stream: stages that end on their own must end cleanly; a failure is still reported.

    A source killed after an interrupt is not one: its end of stream arrived, so nothing it captured was
    lost (it was stuck after sending it: on its device, or on transcribe's confirmation)."""
    deadline = time.monotonic() + timeout_s
    for name in names:
        while sup.running(name) and time.monotonic() < deadline:
            sup.kill_overdue(name, SOURCE_STOP_S)  # the source, after an interrupt
            sup.wait(name, 0.2)
        code = sup.children[name].proc.poll()
        if code not in (0, None) and not sup.children[name].killed:
            raise StageFailed(f"{name}: {sup.children[name].error()}")


def run_transcription(
    cfg: Any, handle: Handler, stop: StopFlag | None = None, log_level: str = "warning",
    restart: RestartPolicy | None = DEFAULT_RESTART,
) -> LiveResult:
    """capture + transcribe for `cfg`; every Segment, Partial and Status goes to `handle`."""
    ep = cfg.endpoints
    for endpoint in (ep.audio, ep.captions):  # what the children will bind: fail here, in one line
        transport.check_bindable(endpoint)
    stop = stop or StopFlag()
    # Alone on the machine: Whisper may use every core (or as many as OMP_NUM_THREADS allows).
    cfg = replace(cfg, transcribe=replace(cfg.transcribe, threads=all_threads(cfg.transcribe.threads)))
    # This process is the transcript's consumer, not summarize: nothing acknowledges segments.
    cfg = replace(cfg, transcribe=replace(cfg.transcribe, acks=False))
    sink = listen("pull", ep.transcript, "transcript", bind=True, security=cfg.security)
    captions = listen("sub", ep.captions, "captions", bind=False, topics=("partial", "status"), security=cfg.security)
    result = LiveResult()
    try:
        with sigint_sets(stop), Supervisor(cfg, log_level, restart) as sup:
            sup.start("transcribe")
            sup.start("capture")
            supervise(sup, [Listener(sink, handle), Listener(captions, handle)], sink, stop, "capture", result)
            check_exit(sup, ("capture", "transcribe"))
    finally:
        sink.sock.close(linger=0)
        captions.sock.close(linger=0)
    return result


def run_summarization(
    cfg: Any,
    handle: Handler,
    *,
    text_input: bool = False,
    after_end: Callable[[], None] | None = None,
    serve: bool = False,
    stop: StopFlag | None = None,
    log_level: str = "warning",
    restart: RestartPolicy | None = DEFAULT_RESTART,
    on_start: Callable[[Supervisor], None] | None = None,
) -> LiveResult:
    """The whole pipeline. `after_end` runs once the final summary is out, while summarize still serves
    (questions from `--ask`); with `serve`, it keeps serving until Ctrl-C."""
    ep = cfg.endpoints
    source = "text" if text_input else "capture"
    binds = [ep.transcript, ep.summary, ep.requests] + ([] if text_input else [ep.audio, ep.captions])
    for endpoint in binds:
        transport.check_bindable(endpoint)
    stop = stop or StopFlag()
    summary = listen("sub", ep.summary, "summary", bind=False, security=cfg.security)
    listeners = [Listener(summary, handle)]
    if not text_input:  # partials, and each committed segment as soon as it is committed (`FirstCopies`)
        listeners.append(Listener(listen("sub", ep.captions, "captions", bind=False, topics=("partial", "segment"),
                                         security=cfg.security), handle))  # fmt: skip
    upstream = replace(cfg, exit_after_eos=True)
    result = LiveResult()
    try:
        # OpenMP threads wait PASSIVE (supervisor.py) here too. Spinning (ACTIVE) made a text replay 11%
        # faster on an idle machine; beside one busy core, two ACTIVE threads took 100 s where two PASSIVE
        # took 59 s and one thread 43 s (smollm2, 20 lines): a laptop is rarely idle.
        with sigint_sets(stop), Supervisor(cfg, log_level, restart) as sup:
            sup.start("summarize", replace(cfg, exit_after_eos=False))  # serves questions after the end
            if text_input:
                sup.start("text", upstream)
            else:
                sup.start("transcribe", upstream)
                sup.start("capture", upstream)
            if on_start is not None:
                on_start(sup)
            supervise(sup, listeners, summary, stop, source, result)
            check_exit(sup, ("text",) if text_input else ("capture", "transcribe"))
            if after_end is not None and not stop.is_set():
                after_end()
            while serve and not stop.is_set():  # keep answering (and showing answers) until Ctrl-C
                if (got := summary.recv(timeout_s=0.2)) is not None:
                    handle(got[1])
                if sup.tend():
                    raise StageFailed(f"summarize: {sup.children['summarize'].error()}")
            sup.stop("summarize")
    finally:
        for listener in listeners:
            listener.receiver.sock.close(linger=0)
    return result
