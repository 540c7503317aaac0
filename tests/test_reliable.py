"""AckedSender's wait for the end of stream: a consumer that keeps storing is slow, not gone; one whose
counters only go back and forth (restarts, nothing stored) is given up on."""

from __future__ import annotations

import time

from pipeline.messages import EndOfStream, Segment
from pipeline.reliable import AckedSender


class ScriptedWatch:
    """Stands in for PeerWatch: `ack_at(elapsed_s)` says what the consumer has confirmed by then."""

    hosting = False

    def __init__(self, ack_at) -> None:  # noqa: ANN001
        self.ack_at, self.t0 = ack_at, time.monotonic()
        self.counters: dict = {}

    def poll(self, timeout_s: float = 0.0) -> bool:
        time.sleep(min(timeout_s, 0.02))
        self.counters = self.ack_at(time.monotonic() - self.t0)
        return False

    def ack(self, stream: str) -> dict:
        return self.counters


def sender_holding(watch: ScriptedWatch, n: int) -> AckedSender:
    sender = AckedSender(sock=None, watch=watch, should_stop=lambda: False)  # type: ignore[arg-type]
    sender.unacked.extend(Segment("s", i, f"line {i}", i, i + 1.0) for i in range(n))
    sender.unacked.append(EndOfStream("s", n, "eof", float(n)))
    return sender


def test_a_consumer_still_storing_is_waited_for_beyond_the_timeout() -> None:
    # 10 segments, one stored every 0.2 s: 2 s in all, four times the 0.5-s timeout
    def storing(t: float) -> dict:
        stored = min(9, int(t / 0.2) - 1)
        return {"stored_seq": stored, "ended": stored == 9}

    sender = sender_holding(ScriptedWatch(storing), 10)
    t0 = time.monotonic()
    assert sender.wait_confirmed(timeout_s=0.5) and not sender.unacked
    assert time.monotonic() - t0 > 1.5


def test_a_consumer_that_confirms_nothing_new_is_given_up_after_the_timeout() -> None:
    # Its counters change all the time (a consumer restarting over and over: nothing, then the same
    # two segments again), but nothing more is ever stored: that is no progress.
    sender = sender_holding(ScriptedWatch(lambda t: {} if int(t / 0.1) % 2 else {"stored_seq": 1}), 10)
    t0 = time.monotonic()
    assert not sender.wait_confirmed(timeout_s=0.5) and len(sender.unacked) == 9
    assert time.monotonic() - t0 < 3.0


def test_a_follower_of_one_stream_ignores_another_streams_share_from_another_process() -> None:
    """Behind a cluster gateway each stream's share of a transcribe heartbeat comes from the host that holds
    that stream: another stream's share, with another instance, is no restart of ours (real sockets)."""
    import zmq

    from pipeline import transport
    from pipeline.messages import Status
    from pipeline.reliable import PeerWatch
    from tests.conftest import free_port

    endpoint = f"tcp://127.0.0.1:{free_port()}"
    pub = transport.open_socket(zmq.Context.instance(), "pub", endpoint, bind=True)
    watch = PeerWatch(endpoint, "transcribe", stream="mine")
    try:
        def share(stream: str, instance: str, position: float) -> Status:
            return Status(stream, 0, "transcribe", time.time(), {"instance": instance, "stream_only": True,
                          "positions": {stream: {"position": position, "needed_from": position, "ended": False}}})

        deadline = time.monotonic() + 10
        while watch.instance is None:  # the subscription takes a moment to reach the publisher
            assert time.monotonic() < deadline
            transport.send(pub, share("mine", "host-a", 1.0))
            watch.poll(0.1)
        for _ in range(3):
            transport.send(pub, share("theirs", "host-b", 7.0))
            assert watch.poll(0.2) is False  # not a restart
        assert watch.instance == "host-a" and "theirs" not in watch.counters["positions"]
        transport.send(pub, share("mine", "host-c", 2.5))  # our stream, moved to another host: a restart
        restarted = False
        deadline = time.monotonic() + 5
        while not restarted:
            assert time.monotonic() < deadline
            restarted = watch.poll(0.2)
        assert watch.instance == "host-c" and watch.counters["positions"]["mine"]["position"] == 2.5
    finally:
        watch.close()
        pub.close(linger=0)
