"""A cluster's one address: each stream goes to the service host that holds it (issue #18).

Clients (`replay FILE --connect`, `run --connect`, `subscribe`/`ask`/`export --stream`) talk to a
gateway exactly as to `sinkscribe serve`, on the same ports (PORT audio, PORT + 2 captions, PORT + 3
summary, PORT + 4 requests; PORT + 1 is not used). Behind it, each host is a service (pipeline/service.py)
at its own address; where the hosts come from is a pool's business (pipeline/cluster.py: Ray actors).
The gateway holds no model and no session: only a table stream -> host.

- **Placement**: a stream seen for the first time (its admission request or its first audio) goes to
  the least loaded live host: each stage's service heartbeat carries the CPU seconds its process has
  used and the cores it may use (`host_load`); the share of its cores a host's stages keep busy, in bands of
  25%, decides first (a stream placed since the host's last report counts as one more busy core, so a
  burst is spread), then the fewest live streams per core. A host is live once both its stages have sent a service heartbeat
  (their models are loaded then) until it is lost.
- **Audio** and capture's heartbeats go to the stream's host (a PUSH per host).
- **Captions and notes**: the gateway follows both PUB sockets of every host and republishes a message
  only when its stream is placed on the host that sent it. The hosts' service heartbeats stay inside
  (they name every stream of a host): each host publishes each stream's share of its heartbeat on the
  stream's own topic (stages/transcribe.py), which is what a client's capture follows.
- **Requests** go to the stream's host (a stream not placed anywhere: to any live host, which answers
  from the shared store); the reply is matched back to its client by request id.
- **A host lost** (nothing from it for `host_timeout_s`, or the pool no longer lists it at
  that address): its streams are placed again at once on the others. The session continues from the
  shared store (PostgreSQL) where its stored segments end: the new host's transcribe asks its summarize
  where the stream resumes, publishes that on the stream's topic, and the client's capture, seeing
  another transcribe instance there, sends again from that point what its ring holds: the same path as a
  transcribe restart on one machine (pipeline/reliable.py). Nothing stored is lost; what the lost host
  had heard but not stored is transcribed again. Requests in flight to it are answered with an error.
- **Security**: the client side binds with the configured security (CURVE beyond loopback) and, with an
  access list (KEYS_DIR/streams.toml), checks it as a service does: sending audio and admitting a stream
  need send permission, requests read permission, subscriptions are granted per key
  (pipeline/publisher.py). The hosts are reached with the same security settings; they trust the gateway.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import zmq

from pipeline import reliable, transport, wire
from pipeline import security as security_io
from pipeline.errors import ConfigError
from pipeline.messages import AudioChunk, Error, Message, Snapshot, SnapshotRequest, Status
from pipeline.publisher import Publisher
from pipeline.runner import StopFlag

log = logging.getLogger(__name__)

HostPool = Callable[[], dict[str, str]]  # {host name: its service address tcp://HOST:PORT}; must not block
GATEWAY_STREAM = "gateway"  # the stream name of the gateway's own heartbeat (`sinkscribe cluster status`)
MAX_PLACED = 4096  # streams remembered (live ones are never forgotten; the oldest ended ones are)
# Load (`Host.took_cpu`): CPU use is measured between heartbeats at least this far apart, smoothed with this
# weight for the newest, and compared in bands of this width, so that two hosts a few percent apart are
# equal and the one with fewer streams per core gets the next stream.
LOAD_INTERVAL_S = 1.0
LOAD_SMOOTHING = 0.5
LOAD_BAND = 0.25
MAX_PENDING = 1024  # requests in flight through the gateway
_LIVE_LIST = re.compile(r" \(live streams: [^)]*\)$")
STEP_S = 0.2  # the longest the loop handles traffic before it looks after the hosts again


@dataclass
class GatewaySettings:
    # No transcribe heartbeat from a live host for this long: it is lost. Generous: a transcribe's loop can
    # wait many seconds on its summarize (a stream's admission during a long generation), and a host
    # declared lost while alive loses its streams for nothing (the new host's claim fences the old one's
    # writes: ARCHITECTURE.md, "Fencing"). A host whose machine goes is found sooner, by the pool (Ray
    # reports its actor dead).
    host_timeout_s: float = 60.0
    refresh_s: float = 1.0  # how often the pool is asked for its hosts
    heartbeat_s: float = 1.0  # the gateway's own heartbeat on the summary socket
    request_timeout_s: float = 600.0  # a request not answered by then is forgotten (the client timed out)
    max_streams: int = 0  # what each host admits (0: unknown); a full host gets no new stream while one has room


@dataclass
class Host:
    """One service behind the gateway and the sockets that reach it."""

    name: str
    address: str
    audio: zmq.Socket
    captions: zmq.Socket
    summary: zmq.Socket
    requests: zmq.Socket
    added: float
    beat: float | None = None  # when anything last arrived from it (None: not live yet)
    stages: set[str] = field(default_factory=set)  # the stages whose service heartbeat has arrived
    instance: str = ""
    reported: int = 0  # live streams its transcribe says it holds
    cpus: float = 1  # the cores its stages may use (their `host_load` report; 0.6 under a CPU limit)
    cpu: dict[str, tuple[float, float]] = field(default_factory=dict)  # stage -> (CPU seconds used, when seen)
    busy: dict[str, float] = field(default_factory=dict)  # stage -> cores it keeps busy, smoothed
    placed_since: int = 0  # streams placed here since its transcribe's last load report

    def took_cpu(self, stage: str, load: Any) -> None:
        """A stage's service heartbeat said how much CPU its process has used (`host_load`): the cores it keeps
        busy since its last report, smoothed over reports."""
        if not isinstance(load, dict):
            return
        cpu_s, cpus = load.get("cpu_s"), load.get("cpus")
        # JSON may carry NaN or 1e400 (inf): a host's bad number must not reach the comparisons or our own
        # heartbeat (which refuses non-finite floats).
        if not isinstance(cpu_s, int | float) or isinstance(cpu_s, bool) or not 0 <= cpu_s < 1e15:
            return
        if isinstance(cpus, int | float) and not isinstance(cpus, bool) and 0.01 <= cpus <= 4096:
            self.cpus = cpus
        now, last = time.monotonic(), self.cpu.get(stage)
        if last is None or cpu_s < last[0]:  # the first report, or the stage restarted
            self.cpu[stage] = (float(cpu_s), now)
            return
        if now - last[1] < LOAD_INTERVAL_S:
            return
        rate = min((cpu_s - last[0]) / (now - last[1]), float(self.cpus))  # a process uses at most its cores
        old = self.busy.get(stage)
        self.busy[stage] = rate if old is None else LOAD_SMOOTHING * rate + (1 - LOAD_SMOOTHING) * old
        self.cpu[stage] = (float(cpu_s), now)
        if stage == "transcribe":
            self.placed_since = 0  # the streams placed before this report now show in it

    @property
    def utilization(self) -> float:
        """The share of its cores its two stages keep busy (1.0: all of them), plus a core for each stream
        placed here since transcribe last reported: streams placed in a burst (a lost host's, several
        clients at once) would otherwise all go to the host that looked idlest before the burst."""
        return (sum(self.busy.values()) + self.placed_since) / self.cpus

    @property
    def live(self) -> bool:
        """Both stages have sent their first service heartbeat: their models are loaded (transcribe
        alone beats before its summarize can admit a stream)."""
        return self.beat is not None and {"transcribe", "summarize"} <= self.stages

    def sockets(self) -> tuple[zmq.Socket, ...]:
        return (self.audio, self.captions, self.summary, self.requests)


@dataclass
class GatewayCounters:
    hosts_lost: int = 0
    moved: int = 0  # stream placements moved off a lost host
    audio_dropped: int = 0  # chunks with no live host to go to, or to a host not connected
    gaps: int = 0  # streams whose next chunk after a drop went on marked `resync` (the host counts the loss)
    malformed: int = 0
    denied: int = 0  # by the access list
    requests: int = 0
    unanswered: int = 0  # requests whose host was lost, or that expired


@dataclass
class Pending:
    client: list[bytes]  # the ROUTER envelope
    request_id: str
    host: str
    msg: Message
    deadline: float


@dataclass
class Placement:
    """Which host holds which stream; `live` streams count towards a host's load."""

    hosts: dict[str, str] = field(default_factory=dict)  # stream -> host name
    live: set[str] = field(default_factory=set)
    # Placed for the first time and not yet known to their host's transcribe: the gateway says where they
    # start (see Gateway.share_new). Not a stream moved off a lost host: its new host says where it resumes.
    new: set[str] = field(default_factory=set)
    # Live streams whose host was lost when no other host was live: placed again by their next message,
    # and not as new streams (their next host says where they resume).
    orphans: set[str] = field(default_factory=set)
    # Streams whose audio was dropped on the way to their (still listed) host: the next chunk that goes
    # on is marked `resync`, so that host counts the gap as lost audio instead of waiting for it forever.
    gaps: set[str] = field(default_factory=set)

    def load(self, host: str) -> int:
        return sum(1 for s in self.live if self.hosts.get(s) == host)

    def put(self, stream: str, host: str, live: bool = True) -> None:
        self.hosts.pop(stream, None)
        self.orphans.discard(stream)
        self.hosts[stream] = host  # the newest last: the oldest ended ones are forgotten first
        if live:
            self.live.add(stream)
        for old in list(self.hosts):
            if len(self.hosts) <= MAX_PLACED:
                break
            if old not in self.live:
                del self.hosts[old]
                self.new.discard(old)
                self.gaps.discard(old)

    def on(self, host: str) -> list[str]:
        return [s for s, h in self.hosts.items() if h == host]

    def end(self, stream: str) -> None:
        """The stream ended (or its host will take no more of it): it no longer counts as load."""
        self.live.discard(stream)
        self.new.discard(stream)
        self.gaps.discard(stream)


class Gateway:
    """Routes clients' streams to hosts; `serve` runs it until stopped (see the module docstring)."""

    def __init__(self, cfg: Any, address: str, pool: HostPool, settings: GatewaySettings | None = None) -> None:
        from pipeline.service import endpoints_at  # the five-port layout of a service address

        self.cfg = cfg
        self.settings = settings or GatewaySettings()
        self.pool = pool
        self.ep = endpoints_at(address, cfg.endpoints)
        self.address = address
        self.ctx = zmq.Context.instance()
        self.security = cfg.security
        self.access = security_io.access_list(cfg.security)
        identify = self.access is not None
        for endpoint in (self.ep.audio, self.ep.captions, self.ep.summary, self.ep.requests):
            transport.check_bindable(endpoint)
        self.audio = transport.Receiver(
            transport.open_socket(self.ctx, "pull", self.ep.audio, bind=True, hwm=1000, security=self.security),
            "gateway audio", identify=identify,
        )  # fmt: skip
        self.captions = Publisher(self.ctx, self.ep.captions, hwm=1000, security=self.security, access=self.access)
        self.summary = Publisher(self.ctx, self.ep.summary, hwm=1000, security=self.security, access=self.access)
        self.requests = transport.Receiver(
            transport.open_socket(self.ctx, "router", self.ep.requests, bind=True, hwm=1000, security=self.security),
            "gateway requests", envelope_frames=1, identify=identify,
        )  # fmt: skip
        self.hosts: dict[str, Host] = {}
        self.placement = Placement()
        self.pending: OrderedDict[str, Pending] = OrderedDict()
        self.counters = GatewayCounters()
        self.poller = zmq.Poller()
        for sock in (self.audio.sock, self.requests.sock):
            self.poller.register(sock, zmq.POLLIN)
        self._seq = 0

    # -- hosts ------------------------------------------------------------------------------------

    def sync_hosts(self) -> None:
        """Follow the pool: connect to new hosts, drop those it no longer lists (or lists elsewhere)."""
        try:
            listed = self.pool()
        except Exception as exc:  # a pool in trouble keeps the hosts it had; they time out by heartbeat
            log.warning("gateway: the host pool failed: %s", exc)
            return
        for name, host in list(self.hosts.items()):
            if listed.get(name) != host.address:
                self.lose(name, "no longer listed by the pool" if name not in listed else f"moved to {listed[name]}")
        for name, address in listed.items():
            if name not in self.hosts:
                self.connect(name, address)

    def connect(self, name: str, address: str) -> None:
        from pipeline.service import endpoints_at

        try:
            ep = endpoints_at(address, self.cfg.endpoints)
        except ConfigError as exc:
            log.warning("gateway: host %s has a bad address: %s", name, exc)
            return
        sec = self.security
        host = Host(
            name, address,
            audio=transport.open_socket(self.ctx, "push", ep.audio, bind=False, hwm=0, security=sec),
            captions=transport.open_socket(self.ctx, "sub", ep.captions, bind=False, hwm=10_000, security=sec),
            summary=transport.open_socket(self.ctx, "sub", ep.summary, bind=False, hwm=10_000, security=sec),
            requests=transport.open_socket(self.ctx, "dealer", ep.requests, bind=False, hwm=1000, security=sec),
            added=time.monotonic(),
        )  # fmt: skip
        for sock in (host.captions, host.summary, host.requests):
            self.poller.register(sock, zmq.POLLIN)
        self.hosts[name] = host
        log.info("gateway: host %s at %s (live from its first heartbeat)", name, address)

    def lose(self, name: str, why: str) -> None:
        """Drop a host and place its streams again on the others."""
        host = self.hosts.pop(name)
        for sock in host.sockets():
            if sock in self.poller:
                self.poller.unregister(sock)
            sock.close(linger=0)
        self.counters.hosts_lost += host.live
        streams = self.placement.on(name)
        if host.live or streams:
            log.warning("gateway: host %s lost (%s): %d streams move", name, why, len(streams))
        else:
            log.info("gateway: host %s gone before it was up (%s)", name, why)
        for stream in streams:
            self.placement.new.discard(stream)
            self.placement.gaps.discard(stream)  # its next host asks for what it needs itself
            if stream not in self.placement.live:
                del self.placement.hosts[stream]  # ended: any host answers for it from the store
                continue
            target = self.least_loaded()
            if target is None:
                del self.placement.hosts[stream]
                self.placement.orphans.add(stream)
                continue
            self.move(stream, name, target)
        for key, p in list(self.pending.items()):
            if p.host == name:
                del self.pending[key]
                self.counters.unanswered += 1
                self.reply(p.client, Error(p.msg.stream, 0, p.request_id, f"the host of stream {p.msg.stream} was "
                                           "lost before it answered; ask again"))  # fmt: skip

    def move(self, stream: str, lost: str, target: str) -> None:
        """Place a live stream of a lost host on `target`, and have target's transcribe open it now: a
        client whose capture has sent everything (it waits for the end to be confirmed) sends nothing
        more until it sees the stream's new transcribe, so the gateway sends the first heartbeat for it
        (stages/transcribe.py opens a hosted stream on its capture's heartbeat)."""
        self.placement.put(stream, target)
        self.hosts[target].placed_since += 1
        self.counters.moved += 1
        log.warning("gateway: stream %s moves from %s to %s", stream, lost, target)
        hello = Status(stream, 0, "capture", time.time(), {"moved_by": "gateway", "from": lost})
        try:
            self.hosts[target].audio.send_multipart(wire.encode(hello), flags=zmq.NOBLOCK, copy=False)
        except zmq.Again:
            pass  # not connected yet: the client's own next message opens it

    def least_loaded(self) -> str | None:
        live = [h for h in self.hosts.values() if h.live]
        if not live:
            return None
        cap = self.settings.max_streams
        # A full host only when every host is full (it then refuses, and the client is told why); then the
        # least busy (measured CPU and streams just placed, `Host.utilization`, in bands), then the fewest
        # live streams per core.
        return min(live, key=lambda h: (bool(cap) and self.placement.load(h.name) >= cap,
                                        int(h.utilization / LOAD_BAND), self.placement.load(h.name) / h.cpus,
                                        h.reported, h.name)).name  # fmt: skip

    def host_of(self, stream: str, starts: bool = True) -> Host | None:
        """The host that holds `stream`, placing it if it is new; `starts`: what arrived is the stream
        going on (its admission, its audio), so an ended stream that a client continues is live again."""
        name = self.placement.hosts.get(stream)
        if name is None or name not in self.hosts:
            name = self.least_loaded()
            if name is None:
                return None
            if stream not in self.placement.hosts and stream not in self.placement.orphans:
                self.placement.new.add(stream)
            self.placement.put(stream, name, live=starts)
            self.hosts[name].placed_since += 1
            log.info("gateway: stream %s placed on %s", stream, name)
        if starts:
            self.placement.live.add(stream)  # where it was: its session is there
        return self.hosts[name]

    def check_liveness(self) -> None:
        now = time.monotonic()
        for name, host in list(self.hosts.items()):
            if host.live and now - host.beat > self.settings.host_timeout_s:
                self.lose(name, f"no heartbeat for {now - host.beat:.0f} s")

    # -- traffic ----------------------------------------------------------------------------------

    def from_client_audio(self) -> None:
        got = self.audio.recv(timeout_s=0)
        if got is None:
            return
        # Decoded in full (the wire checks), re-encoded as is: the chunk's own bytes go on.
        msg = got[1]
        if self.access is not None and not self.access.may_send(self.audio.last_user, msg.stream):
            self.counters.denied += 1
            return
        host = self.host_of(msg.stream, starts=isinstance(msg, AudioChunk))
        if host is None:
            self.counters.audio_dropped += 1  # capture sends it again when a host's share of the stream comes
            return
        # Never waits: one host that stopped taking audio (lost, not yet known to be) must not hold up
        # every other stream. The queue to a host has no bound of its own (capture's flow control bounds
        # it: each stream has at most `capture.resend_s` of audio in flight), so a send fails only when the
        # host is not connected. What is dropped then is sent again from capture's ring if the stream
        # moves to another host; if the host comes back instead, the gap is marked (see Placement.gaps).
        gap = isinstance(msg, AudioChunk) and msg.stream in self.placement.gaps
        if gap:
            msg = dataclasses.replace(msg, resync=True)
        try:
            host.audio.send_multipart(wire.encode(msg), flags=zmq.NOBLOCK, copy=False)
        except zmq.Again:
            self.counters.audio_dropped += 1
            self.placement.gaps.add(msg.stream)
            return
        if gap:
            self.placement.gaps.discard(msg.stream)
            self.counters.gaps += 1

    def from_host(self, host: Host, sock: zmq.Socket, out: Publisher) -> None:
        try:
            frames = sock.recv_multipart(zmq.NOBLOCK)
        except zmq.Again:
            return
        try:
            header = json.loads(bytes(frames[0]))
            stream, kind = header["stream"], header["type"]
            counters = header.get("counters") or {}
            if not isinstance(stream, str) or not isinstance(counters, dict):
                raise TypeError("stream or counters of the wrong type")
        except (ValueError, KeyError, TypeError, IndexError):
            self.counters.malformed += 1
            return
        # Anything from a host says it is alive: each stage's loop can be busy for a while (transcribe
        # waiting on its summarize to admit a stream, summarize inside a generation), seldom both at once.
        if {"transcribe", "summarize"} <= host.stages:
            if host.beat is None:
                log.info("gateway: host %s is live", host.name)
            host.beat = time.monotonic()
        if kind == "status" and header.get("stage") == "summarize" and sock is host.summary and "streams" in counters:
            host.stages.add("summarize")  # its service heartbeat (a stream's own has no `streams`)
            host.took_cpu("summarize", counters.get("host_load"))
        if kind == "status" and header.get("stage") == "transcribe" and sock is host.captions:
            if counters.get("stream_only"):
                state = (counters.get("positions") or {}).get(stream)
                if self.placement.hosts.get(stream) == host.name and isinstance(state, dict) and state.get("refused"):
                    self.placement.end(stream)  # refused there (a moved stream on a full host): not its load
            else:  # the host's service heartbeat
                host.stages.add("transcribe")
                host.took_cpu("transcribe", counters.get("host_load"))
                host.instance = str(counters.get("instance", ""))
                reported = counters.get("streams", 0)
                host.reported = reported if isinstance(reported, int) else 0
                self.share_new(host, counters.get("positions"))
                return
        if self.placement.hosts.get(stream) != host.name:
            return  # another host's stream, or a service heartbeat: not the clients' business
        if kind == "eos" and sock is host.summary:
            self.placement.end(stream)  # still placed there (questions after the end go there)
        out.grant_pending()
        out.sock.send_multipart(frames, copy=False)

    def share_new(self, host: Host, positions: Any) -> None:
        """A client's capture waits for its stream's first transcribe heartbeat before it sends anything.
        A host publishes a stream's share of its heartbeat once the stream has reached its transcribe; until
        then the gateway says, on the stream's topic and with the host's instance, what that transcribe
        would: the stream starts where the client's admission said (position 0 here: capture starts from
        the session's stored end anyway, pipeline/service.py)."""
        known = positions if isinstance(positions, dict) else {}
        for stream in list(self.placement.new):
            if stream in known or self.placement.hosts.get(stream) not in self.hosts:
                self.placement.new.discard(stream)
                continue
            if self.placement.hosts[stream] != host.name:
                continue
            share = {"instance": host.instance, "stream_only": True,
                     "positions": {stream: {"position": 0.0, "needed_from": 0.0, "ended": False}}}  # fmt: skip
            self.captions.send(Status(stream, self._seq, "transcribe", time.time(), share))
            self._seq += 1

    def from_client_request(self) -> None:
        got = self.requests.recv(timeout_s=0)
        if got is None:
            return
        envelope, msg = got
        self.counters.requests += 1
        rid = getattr(msg, "request_id", None)
        if not isinstance(rid, str) or not rid:
            self.counters.malformed += 1
            return
        denied = self.denied(msg)
        if denied is not None:
            self.reply(envelope, denied)
            return
        admitting = isinstance(msg, SnapshotRequest) and msg.resume
        host = self.host_of(msg.stream, starts=admitting) if admitting or msg.stream in self.placement.hosts else None
        if host is None:
            name = self.least_loaded()
            host = self.hosts[name] if name is not None else None
        if host is None:
            starting = len(self.hosts)
            self.reply(envelope, Error(msg.stream, 0, rid, f"no service host is up yet ({starting} starting)"))
            return
        try:
            transport.send(host.requests, msg, flags=zmq.NOBLOCK)
        except zmq.Again:  # the host takes no requests (hung, or far behind): said now, not after a timeout
            self.counters.unanswered += 1
            self.reply(envelope, Error(msg.stream, 0, rid, f"the host of stream {msg.stream} takes no requests "
                                       "now; ask again later"))  # fmt: skip
            return
        # Keyed by client and request id: two clients may pick the same id. The host's reply carries the
        # id only, so the oldest request with that id (there is seldom more than one) gets it.
        self.pending[_key(envelope, rid)] = Pending(envelope, rid, host.name, msg,
                                                    time.monotonic() + self.settings.request_timeout_s)  # fmt: skip
        while len(self.pending) > MAX_PENDING:
            _, p = self.pending.popitem(last=False)
            self.counters.unanswered += 1
            self.reply(p.client, Error(p.msg.stream, 0, p.request_id, "too many requests in flight at the gateway; "
                                       "ask again"))  # fmt: skip

    def from_host_reply(self, host: Host) -> None:
        try:
            frames = host.requests.recv_multipart(zmq.NOBLOCK)
        except zmq.Again:
            return
        try:
            reply = wire.decode(frames)
        except wire.WireError:
            self.counters.malformed += 1
            return
        rid = getattr(reply, "request_id", "")
        key = next((k for k, p in self.pending.items() if p.request_id == rid and p.host == host.name), None)
        if key is None:
            return  # its client was answered already (the host was lost) or it expired
        p = self.pending.pop(key)
        admission = isinstance(p.msg, SnapshotRequest) and p.msg.resume
        held = self.placement.hosts.get(p.msg.stream) == host.name
        if admission and held and isinstance(reply, Error):
            del self.placement.hosts[p.msg.stream]  # refused (a full host, a bad name): not held there
            self.placement.end(p.msg.stream)
        elif admission and held and isinstance(reply, Snapshot) and reply.ended and reply.end_reason != "lost":
            self.placement.end(p.msg.stream)  # complete already: the client is told so and sends nothing
        if isinstance(reply, Error) and self.access is not None:
            # A host answers the gateway's key, which may read every stream: the list of live streams
            # it adds to "no stream X" is not for this client's key.
            reply = dataclasses.replace(reply, message=_LIVE_LIST.sub("", reply.message))
        self.reply(p.client, reply)

    def reply(self, envelope: list[bytes], msg: Message) -> None:
        transport.send(self.requests.sock, msg, envelope=envelope, flags=zmq.NOBLOCK)

    def denied(self, msg: Message) -> Error | None:
        """The access list's refusal of a request, worded as a service words it."""
        if self.access is None:
            return None
        user = self.requests.last_user
        sending = isinstance(msg, SnapshotRequest) and msg.resume
        if (self.access.may_send if sending else self.access.may_read)(user, msg.stream):
            return None
        self.counters.denied += 1
        verb = "send" if sending else "read"
        return Error(msg.stream, 0, getattr(msg, "request_id", ""), f"stream {msg.stream}: key {user or '(none)'} "
                     f"may not {verb} it (the gateway's access list, {self.access.path})")  # fmt: skip

    # -- the loop ---------------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        # Copies first: `status` is also read from other threads (tests, bench) while the loop changes these.
        placed, live = dict(self.placement.hosts), set(self.placement.live)
        streams = {s: h for s, h in placed.items() if s in live}
        hosts = {
            name: {"address": h.address, "live": h.live, "streams": sum(1 for x in streams.values() if x == name),
                   "reported": h.reported, "cpus": h.cpus, "load": round(h.utilization, 3)}
            for name, h in list(self.hosts.items())
        }  # fmt: skip
        return {"hosts": hosts, "streams": streams, "instance": reliable.INSTANCE} | dataclasses.asdict(self.counters)

    def publish_status(self) -> None:
        self.summary.send(Status(GATEWAY_STREAM, self._seq, "gateway", time.time(), self.status()))
        self._seq += 1

    def serve(self, stop: StopFlag, ready: Callable[[], None] | None = None) -> None:
        log.info("gateway: clients on %s", self.address)
        if ready is not None:
            ready()
        last_refresh = last_beat = 0.0
        try:
            while not stop.is_set():
                now = time.monotonic()
                if now - last_refresh >= self.settings.refresh_s:
                    last_refresh = now
                    self.sync_hosts()
                    self.check_liveness()
                    self.expire()
                if now - last_beat >= self.settings.heartbeat_s:
                    last_beat = now
                    self.publish_status()
                self.captions.grant_pending()
                self.summary.grant_pending()
                self.step(timeout_s=0.1)
        finally:
            self.close()

    def step(self, timeout_s: float) -> None:
        """Handle what arrived: one message per ready socket in turn (no socket starves the others), for
        at most STEP_S (the hosts are looked after between steps)."""
        ready = dict(self.poller.poll(int(timeout_s * 1000)))
        until = time.monotonic() + STEP_S
        while ready and time.monotonic() < until:
            if ready.pop(self.audio.sock, None):
                self.from_client_audio()
            if ready.pop(self.requests.sock, None):
                self.from_client_request()
            for host in list(self.hosts.values()):
                if ready.pop(host.captions, None):
                    self.from_host(host, host.captions, self.captions)
                if ready.pop(host.summary, None):
                    self.from_host(host, host.summary, self.summary)
                if ready.pop(host.requests, None):
                    self.from_host_reply(host)
            ready = {s: e for s, e in self.poller.poll(0)}

    def expire(self) -> None:
        now = time.monotonic()
        for key, p in list(self.pending.items()):
            if p.deadline < now:
                del self.pending[key]
                self.counters.unanswered += 1

    def close(self) -> None:
        for name in list(self.hosts):
            for sock in self.hosts.pop(name).sockets():
                sock.close(linger=0)
        self.audio.sock.close(linger=0)
        self.requests.sock.close(linger=0)
        self.captions.close()
        self.summary.close()




def _key(envelope: list[bytes], request_id: str) -> tuple[bytes, str]:
    return (bytes(envelope[0]) if envelope else b"", request_id)
