"""`sinkscribe serve` and its clients (`replay FILE --connect ADDR`, `run --connect ADDR`).

A service is transcribe + summarize hosting many streams (`transcribe.hosting`, `summarize.max_streams`),
supervised like `run`, until Ctrl-C. Its sockets sit on consecutive ports of one address, as the
defaults do (5550 ... 5554):

    PORT      audio       (transcribe PULL: clients push their audio here)
    PORT + 1  transcript  (summarize PULL: internal, always on loopback)
    PORT + 2  captions    (transcribe PUB)
    PORT + 3  summary     (summarize PUB)
    PORT + 4  requests    (summarize ROUTER)

A client runs only capture here, asks the service to admit its stream before sending anything (the
admission is summarize's: a stream beyond `--max-streams` is refused with a one-line error), follows its
own stream's captions and notes by topic prefix, and asks its `--ask` questions on its stream.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zmq

from pipeline import client, transport, wire
from pipeline.errors import ConfigError, InputError, StageFailed
from pipeline.live import DEFAULT_RESTART, FirstCopies, LiveResult, check_exit, sigint_sets
from pipeline.load import ROOM
from pipeline.messages import EndOfStream, Error, Message, Snapshot, SnapshotRequest, Status
from pipeline.runner import StopFlag
from pipeline.supervisor import RestartPolicy, Supervisor

log = logging.getLogger(__name__)
Handler = Callable[[Message], None]
_ADDRESS = re.compile(r"^tcp://(?P<host>[^/]+):(?P<port>\d{1,5})$")
ADMIT_TIMEOUT_S = 120.0  # the service may be loading its models, or busy with a generation
WAIT_POLL_S = 5.0  # how often a client waiting for room (`--wait`) asks again
# After capture exits, how long the service may go silent about this stream before its end counts as lost.
# Not a bound on the final summary (that can take minutes on a loaded CPU): the stream's own heartbeat
# (every `heartbeat_s`, also between a generation's pieces) says the service is still on it.
END_GRACE_S = 60.0


def endpoints_at(address: str, base: Any) -> Any:
    """The five endpoints of a service at `tcp://HOST:PORT` (see the module docstring); ConfigError
    for anything else."""
    m = _ADDRESS.match(address)
    port = int(m.group("port")) if m else 0
    if not m or not 1 <= port <= 65535 - 4:
        raise ConfigError(f"address {address!r} must be tcp://HOST:PORT (PORT 1..65531: five ports from PORT are used)")
    host = m.group("host")
    return dataclasses.replace(
        base,
        audio=f"tcp://{host}:{port}",
        transcript=f"tcp://127.0.0.1:{port + 1}",
        captions=f"tcp://{host}:{port + 2}",
        summary=f"tcp://{host}:{port + 3}",
        requests=f"tcp://{host}:{port + 4}",
    )


def service_config(cfg: Any, address: str, max_streams: int) -> Any:
    """The config of a service's stages: its endpoints, hosting on both stages."""
    if max_streams < 1:
        raise ConfigError(f"--max-streams must be >= 1, got {max_streams}")
    return dataclasses.replace(
        cfg,
        endpoints=endpoints_at(address, cfg.endpoints),
        exit_after_eos=False,
        transcribe=dataclasses.replace(cfg.transcribe, hosting=True),
        summarize=dataclasses.replace(cfg.summarize, max_streams=max_streams, session=""),
    )


def run_service(cfg: Any, stop: StopFlag, log_level: str = "warning", ready: Callable[[], None] | None = None,
                restart: RestartPolicy | None = DEFAULT_RESTART) -> None:  # fmt: skip
    """Start summarize and transcribe and keep them running (restarting a crashed one) until `stop`."""
    ep = cfg.endpoints
    for endpoint in (ep.audio, ep.transcript, ep.captions, ep.summary, ep.requests):
        transport.check_bindable(endpoint)
    with sigint_sets(stop), Supervisor(cfg, log_level, restart) as sup:
        sup.start("summarize")
        sup.start("transcribe")
        if ready is not None:
            ready()
        while not stop.wait(0.5):
            failed = sup.tend()
            if failed:
                raise StageFailed(f"{failed[0].name}: {failed[0].error()}")
        sup.stop_all(("transcribe", "summarize"))


def new_stream_name(source: str) -> str:
    """`DATE_TIME_SOURCE-xxxx`: a session name of its own for each client run (the service keeps one
    session per stream), unique even when two clients replay the same file in the same minute."""
    stem = "mic" if source == "mic" else Path(source).stem or "stream"
    stem = re.sub(r"[^\w.-]+", "-", stem).strip(".-")[:60] or "stream"
    return f"{time.strftime('%Y-%m-%d_%H%M')}_{stem}-{uuid.uuid4().hex[:4]}"


def admit(cfg: Any, stream: str, timeout_s: float = ADMIT_TIMEOUT_S, *, wait_s: float = 0.0,
          on_wait: Callable[[str], None] | None = None, poll_s: float = WAIT_POLL_S) -> Snapshot:  # fmt: skip
    """Ask the service to take `stream` (summarize opens its session, or continues it); InputError with
    the service's reason when it is refused, or when its session is already complete. `wait_s`: a
    refusal for want of room (too many streams, no time left on the model, captions already behind) is asked again every
    `poll_s` for this long, `on_wait` told the reason once (a queue of one: the client keeps its place
    by asking; the first to ask after room frees gets it)."""
    deadline = time.monotonic() + wait_s
    told = False
    while True:
        try:
            return _admit_once(cfg, stream, timeout_s)
        except InputError as exc:
            full = any(f"refused: {why}" in str(exc) for why in ROOM)
            if not full or time.monotonic() + poll_s > deadline:
                raise
            if on_wait is not None and not told:
                on_wait(str(exc))
                told = True
            time.sleep(poll_s)


def _admit_once(cfg: Any, stream: str, timeout_s: float) -> Snapshot:
    reply = client.request(cfg.endpoints.requests, SnapshotRequest(stream, 0, uuid.uuid4().hex, resume=True),
                           timeout_s, cfg.security, hint="is `sinkscribe serve` running there?")  # fmt: skip
    if isinstance(reply, Error):
        raise InputError(reply.message)  # "stream NAME refused: why", "the stream id ... must be ..."
    if not isinstance(reply, Snapshot):
        raise InputError(f"unexpected {getattr(reply, 'type', 'no')} reply from {cfg.endpoints.requests}")
    if reply.ended and reply.end_reason == "eof":
        raise InputError(f"stream {stream} is complete on the service (its session {reply.session} holds the "
                         "whole recording): give a new --stream")  # fmt: skip
    return reply


def run_client(cfg: Any, handle: Handler, *, stop: StopFlag | None = None, log_level: str = "warning",
               after_end: Callable[[], None] | None = None,
               restart: RestartPolicy | None = DEFAULT_RESTART) -> LiveResult:  # fmt: skip
    """Send one stream (`cfg.stream`, from `cfg.capture.source`) to a service and show what it makes of
    it: that stream's captions, transcript, notes and end; `after_end` runs once its end has arrived."""
    stop = stop or StopFlag()
    stream = cfg.stream
    ep = cfg.endpoints
    topics = ("segment", "summary", "answer", "eos", "status")
    summary = listen_stream(ep.summary, stream, topics, cfg.security)
    captions = listen_stream(ep.captions, stream, ("partial", "segment"), cfg.security)  # live.FirstCopies
    result = LiveResult()
    first = FirstCopies()
    try:
        with sigint_sets(stop), Supervisor(cfg, log_level, restart) as sup:
            time.sleep(0.3)  # the subscriptions reach the service before anything of ours is published
            sup.start("capture", dataclasses.replace(cfg, exit_after_eos=True))
            capture_done: float | None = None
            stopping = False
            while True:
                if stop.is_set() and not stopping:
                    stopping = True
                    sup.terminate("capture")  # it sends the end of stream: the service flushes it
                end = _deliver(summary, captions, handle, result, first)
                if end is not None:
                    result.audio_seconds, result.reason = end.audio_seconds, end.reason
                    break
                failed = sup.tend()
                if failed:
                    raise StageFailed(f"capture: {failed[0].error()}")
                if not sup.running("capture") and not sup.pending_restart():
                    capture_done = capture_done or time.monotonic()
                    if time.monotonic() - max(capture_done, result.last_heard) > END_GRACE_S:
                        raise StageFailed(f"capture ended but the service published no end of stream {stream}")
            check_exit(sup, ("capture",))
            if after_end is not None and not stop.is_set():
                after_end()
    finally:
        summary.sock.close(linger=0)
        captions.sock.close(linger=0)
    return result


def listen_stream(endpoint: str, stream: str, topics: tuple[str, ...], security: Any) -> transport.Receiver:
    """A SUB following only `stream`'s messages of these types (per-stream topic prefixes)."""
    prefixes = tuple(wire.topic_prefix(t, stream) for t in topics)
    sock = transport.open_socket(zmq.Context.instance(), "sub", endpoint, bind=False, subscribe=prefixes,
                                 security=security)  # fmt: skip
    return transport.Receiver(sock, endpoint)


def _deliver(summary: transport.Receiver, captions: transport.Receiver, handle: Handler,
             result: LiveResult, first: FirstCopies) -> EndOfStream | None:  # fmt: skip
    """Hand what arrived to `handle` (a segment's first copy only); the stream's end of stream (from
    summarize) when it came."""
    for receiver in (captions, summary):
        got = receiver.recv(timeout_s=0.1)
        while got is not None:
            msg = got[1]
            if receiver is summary:
                result.last_heard = time.monotonic()  # the service is still on this stream
            if first.fresh(msg):
                result.messages += 1
                result.counts[msg.type] = result.counts.get(msg.type, 0) + 1
                if isinstance(msg, EndOfStream) and receiver is summary:
                    return msg
                if not isinstance(msg, Status):
                    handle(msg)
            got = receiver.recv(timeout_s=0)
    return None
