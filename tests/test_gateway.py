"""The cluster gateway's routing on real ZeroMQ sockets, with two stand-in hosts (no model, no Ray: the
mechanics only; tests/test_cluster.py runs real hosts on a real Ray cluster). A stand-in host binds a
service's four client-facing sockets, beats like a hosting transcribe, answers admissions and echoes
each audio chunk it receives as a segment of the same stream."""

from __future__ import annotations

import threading
import time
import uuid

import numpy as np
import pytest
import zmq

from bench.concurrency import five_free_ports
from pipeline import client, transport, wire
from pipeline.gateway import GATEWAY_STREAM, Gateway, GatewaySettings
from pipeline.messages import AudioChunk, Error, Segment, Snapshot, SnapshotRequest, Status
from pipeline.runner import StopFlag


class FakeHost(threading.Thread):
    def __init__(self, name: str) -> None:
        super().__init__(daemon=True)
        self.name_, self.instance = name, uuid.uuid4().hex[:12]
        self.base = five_free_ports()
        self.address = f"tcp://127.0.0.1:{self.base}"
        self.stop = threading.Event()
        self.streams: dict[str, int] = {}  # stream -> segments echoed
        self.admitted: list[str] = []
        self.hellos: list[str] = []  # streams a capture heartbeat arrived for
        self.ready = threading.Event()
        self.cores_busy = 0.0  # CPU seconds its stages report per second of wall time (a simulated load)
        self.cpus = 2

    def run(self) -> None:
        ctx = zmq.Context.instance()
        ep = lambda i: f"tcp://127.0.0.1:{self.base + i}"  # noqa: E731
        audio = transport.open_socket(ctx, "pull", ep(0), bind=True)
        captions = transport.open_socket(ctx, "pub", ep(2), bind=True)
        summary = transport.open_socket(ctx, "pub", ep(3), bind=True)
        requests = transport.open_socket(ctx, "router", ep(4), bind=True)
        inbox, asked = transport.Receiver(audio, "audio"), transport.Receiver(requests, "req", envelope_frames=1)
        self.ready.set()
        beat, started = 0.0, time.monotonic()
        try:
            while not self.stop.is_set():
                if time.monotonic() - beat > 0.2:
                    beat = time.monotonic()
                    positions = {s: {"position": 0.0, "needed_from": 0.0, "ended": False} for s in self.streams}
                    used = {"cpu_s": self.cores_busy / 2 * (beat - started), "cpus": self.cpus}  # half per stage
                    transport.send(captions, Status("svc", 0, "transcribe", time.time(),  # the service heartbeat
                                   {"instance": self.instance, "streams": len(self.streams), "positions": positions,
                                    "host_load": used}))  # fmt: skip
                    transport.send(summary, Status("svc", 0, "summarize", time.time(), {"instance": self.instance,
                                                                                       "streams": {}, "host_load": used}))
                    for s in ("s1", "s2"):  # what a host says of streams it may not hold: only the holder's may pass
                        transport.send(captions, Segment(s, 99, f"{self.name_} decoy", 0.0, 0.1))
                got = inbox.recv(timeout_s=0.02)
                if got is not None and isinstance(got[1], Status):
                    self.hellos.append(got[1].stream)
                if got is not None and isinstance(got[1], AudioChunk):
                    msg = got[1]
                    n = self.streams.setdefault(msg.stream, 0)
                    self.streams[msg.stream] = n + 1
                    transport.send(captions, Segment(msg.stream, n, f"{self.name_} heard {msg.stream}", msg.start, msg.start + 0.1))
                got = asked.recv(timeout_s=0)
                if got is not None and isinstance(got[1], SnapshotRequest):
                    envelope, req = got
                    self.admitted.append(req.stream)
                    transport.send(requests, Snapshot(req.stream, 0, req.request_id, 0, session=f"{self.name_}/{req.stream}"),
                                   envelope=envelope)  # fmt: skip
        finally:
            for sock in (audio, captions, summary, requests):
                sock.close(linger=0)


def _chunk(stream: str, seq: int) -> AudioChunk:
    return AudioChunk(stream, seq, seq * 0.1, time.time(), np.zeros(1600, np.float32))


def _wait(predicate, timeout_s: float = 20.0, what: str = ""):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = predicate()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout_s} s: {what}")


@pytest.fixture
def cluster(app_config):
    hosts = {"a": FakeHost("a"), "b": FakeHost("b")}
    for h in hosts.values():
        h.start()
        h.ready.wait(10)
    listed = {name: h.address for name, h in hosts.items()}
    cfg = app_config()
    address = f"tcp://127.0.0.1:{five_free_ports()}"
    gateway = Gateway(cfg, address, lambda: dict(listed), GatewaySettings(host_timeout_s=1.5, refresh_s=0.1))
    stop = StopFlag()
    thread = threading.Thread(target=gateway.serve, args=(stop,), daemon=True)
    thread.start()
    _wait(lambda: sum(h["live"] for h in gateway.status()["hosts"].values()) == 2, what="two live hosts")
    yield gateway, hosts, listed, address
    stop.set()
    thread.join(10)
    for h in hosts.values():
        h.stop.set()


def test_streams_are_spread_and_each_client_sees_only_its_streams_host(cluster):
    gateway, hosts, _listed, address = cluster
    ep = gateway.ep
    sub = transport.open_socket(zmq.Context.instance(), "sub", ep.captions, bind=False,
                                subscribe=(wire.topic_prefix("segment"), wire.topic_prefix("status")))  # fmt: skip
    receiver = transport.Receiver(sub, "client")
    push = transport.open_socket(zmq.Context.instance(), "push", ep.audio, bind=False)
    try:
        snaps = [client.request(ep.requests, SnapshotRequest(s, 0, uuid.uuid4().hex, resume=True), 10) for s in ("s1", "s2")]
        assert all(isinstance(s, Snapshot) for s in snaps)
        assert {snaps[0].session.split("/")[0], snaps[1].session.split("/")[0]} == {"a", "b"}  # least loaded
        where = gateway.status()["streams"]
        assert where == {"s1": snaps[0].session[0], "s2": snaps[1].session[0]}
        time.sleep(0.3)  # the subscription reaches the gateway
        for i in range(5):
            for s in ("s1", "s2"):
                transport.send(push, _chunk(s, i))
        seen: list = []
        _wait(lambda: (seen.extend(m for _, m in iter(lambda: receiver.recv(timeout_s=0.05), None)) or
                       sum(isinstance(m, Segment) for m in seen) >= 10), what="ten segments")  # fmt: skip
        for m in seen:
            if isinstance(m, Segment):  # from the host that holds it, never from the other
                assert m.text in (f"{where[m.stream]} heard {m.stream}", f"{where[m.stream]} decoy"), m
            else:  # no service heartbeat: only a stream's share, from its host, with that host's instance
                assert isinstance(m, Status) and m.counters.get("stream_only") and m.stream in where, m
                assert m.counters["instance"] == hosts[where[m.stream]].instance
        assert hosts["a"].streams.keys() == {s for s, h in where.items() if h == "a"}
        # The gateway's own heartbeat, on the summary port, for `cluster status`.
        beat = transport.open_socket(zmq.Context.instance(), "sub", ep.summary, bind=False,
                                     subscribe=(wire.topic_prefix("status", GATEWAY_STREAM),))  # fmt: skip
        got = _wait(lambda: transport.Receiver(beat, "beat").recv(timeout_s=0.5), what="gateway heartbeat")
        beat.close(linger=0)
        assert got[1].stage == "gateway" and got[1].counters["streams"] == where
    finally:
        sub.close(linger=0)
        push.close(linger=0)


def test_a_new_stream_goes_to_the_less_busy_host_before_the_one_with_fewer_streams(cluster):
    """Placement by measured load: host a keeps 1.8 of its 2 cores busy (say one stream that never pauses),
    b is idle; new streams go to b although b then holds more streams, until b is busy too; `cluster
    status` shows each host's load."""
    gateway, hosts, _listed, _address = cluster
    ep = gateway.ep
    hosts["a"].cores_busy = 1.8
    _wait(lambda: gateway.status()["hosts"]["a"]["load"] > 0.75, timeout_s=30, what="host a's load measured")
    assert gateway.status()["hosts"]["b"]["load"] < 0.25 and gateway.status()["hosts"]["a"]["cpus"] == 2
    for s in ("s1", "s2", "s3"):
        client.request(ep.requests, SnapshotRequest(s, 0, uuid.uuid4().hex, resume=True), 10)
        time.sleep(1.5)  # b's next load report (its streams cost it nothing here) replaces the estimate
    assert gateway.status()["streams"] == {"s1": "b", "s2": "b", "s3": "b"}
    hosts["b"].cores_busy = 1.9  # now b is the busier one: the next stream goes to a
    _wait(lambda: gateway.status()["hosts"]["b"]["load"] > 0.9, timeout_s=30, what="host b's load measured")
    hosts["a"].cores_busy = 0.0
    _wait(lambda: gateway.status()["hosts"]["a"]["load"] < 0.25, timeout_s=30, what="host a idle again")
    client.request(ep.requests, SnapshotRequest("s4", 0, uuid.uuid4().hex, resume=True), 10)
    assert gateway.status()["streams"]["s4"] == "a"


def test_load_reports_a_host_gets_wrong_are_ignored_and_a_burst_is_spread():
    """A host's NaN, infinite or negative CPU numbers change nothing (they would stop the gateway's own
    heartbeat, which refuses non-finite floats); streams placed in a burst count as load at once."""
    from pipeline.gateway import Host

    host = Host("h", "tcp://127.0.0.1:1", *([None] * 4), added=0.0)
    host.took_cpu("transcribe", {"cpu_s": 10.0, "cpus": 2})
    host.cpu["transcribe"] = (10.0, time.monotonic() - 2.0)  # as if reported two seconds ago
    for bad in (float("nan"), float("inf"), -1.0, "3", None, True, 1e300):
        host.took_cpu("transcribe", {"cpu_s": bad, "cpus": 2})
        host.took_cpu("summarize", bad)
    assert host.busy == {} and host.utilization == 0.0
    host.took_cpu("transcribe", {"cpu_s": 11.0, "cpus": 2})  # one CPU second in two: half a core
    assert 0.4 < host.busy["transcribe"] < 0.6 and 0.2 < host.utilization < 0.3
    host.placed_since = 2
    assert 1.2 < host.utilization < 1.3  # two streams just placed: a core each until the next report
    # A host held to 0.6 of a core (a container's CPU limit) is judged against that; no core count is no change.
    small = Host("s", "tcp://127.0.0.1:2", *([None] * 4), added=0.0)
    for bad in (0, -1, float("nan"), True, "2", 1e9):
        small.took_cpu("transcribe", {"cpu_s": 1.0, "cpus": bad})
    assert small.cpus == 1
    small.took_cpu("transcribe", {"cpu_s": 1.0, "cpus": 0.6})
    small.cpu["transcribe"] = (1.0, time.monotonic() - 2.0)
    small.took_cpu("transcribe", {"cpu_s": 2.0, "cpus": 0.6})  # half a core of 0.6
    assert small.cpus == 0.6 and 0.75 < small.utilization < 0.9


def test_a_lost_host_moves_its_streams_and_a_new_stream_avoids_it(cluster):
    gateway, hosts, listed, _address = cluster
    ep = gateway.ep
    for s in ("s1", "s2"):
        client.request(ep.requests, SnapshotRequest(s, 0, uuid.uuid4().hex, resume=True), 10)
    lost = gateway.status()["streams"]["s1"]
    survivor = "b" if lost == "a" else "a"
    hosts[lost].stop.set()  # silent: the heartbeat stops, the pool still lists it
    _wait(lambda: gateway.status()["streams"].get("s1") == survivor, what="s1 moved")
    status = gateway.status()
    assert status["hosts_lost"] == 1 and status["moved"] == 1 and status["hosts"][survivor]["live"]
    assert not status["hosts"].get(lost, {}).get("live")  # still listed by the pool: kept, but not live
    # The survivor was told at once, by a capture heartbeat, so that its transcribe opens the stream even if
    # the client sends nothing more (it may be waiting for its end to be confirmed).
    _wait(lambda: "s1" in hosts[survivor].hellos, what="the moved stream opened at the survivor")
    # Audio of the moved stream goes to the survivor; a new stream too (the only live host).
    push = transport.open_socket(zmq.Context.instance(), "push", ep.audio, bind=False)
    try:
        transport.send(push, _chunk("s1", 7))
        _wait(lambda: "s1" in hosts[survivor].streams, what="s1's audio at the survivor")
        reply = client.request(ep.requests, SnapshotRequest("s3", 0, uuid.uuid4().hex, resume=True), 10)
        assert reply.session == f"{survivor}/s3"
    finally:
        push.close(linger=0)
    # The pool drops the lost one; the other goes silent (still listed: it is kept, not live, in case
    # it comes back). With no live host a request gets a one-line error.
    del listed[lost]
    hosts[survivor].stop.set()
    _wait(lambda: gateway.counters.hosts_lost == 2, what="both lost")
    assert not any(h["live"] for h in gateway.status()["hosts"].values()) and lost not in gateway.status()["hosts"]
    reply = client.request(ep.requests, SnapshotRequest("s4", 0, uuid.uuid4().hex, resume=True), 10)
    assert isinstance(reply, Error) and reply.message.startswith("no service host is up yet")
