"""AckedSender's wait for the end of stream: a consumer that keeps storing is slow, not gone."""

from __future__ import annotations

import time

from pipeline.messages import EndOfStream, Segment
from pipeline.reliable import AckedSender


class ScriptedWatch:
    """Stands in for PeerWatch: each poll confirms one more segment every `every_s` (or none)."""

    hosting = False

    def __init__(self, every_s: float | None, last: int) -> None:
        self.every_s, self.last, self.t0 = every_s, last, time.monotonic()
        self.counters: dict = {"stored_seq": -1, "ended": False}

    def poll(self, timeout_s: float = 0.0) -> bool:
        time.sleep(min(timeout_s, 0.02))
        if self.every_s is not None:
            stored = min(self.last, int((time.monotonic() - self.t0) / self.every_s) - 1)
            self.counters = {"stored_seq": stored, "ended": stored == self.last}
        return False

    def ack(self, stream: str) -> dict:
        return self.counters


def sender_holding(watch: ScriptedWatch, n: int) -> AckedSender:
    sender = AckedSender(sock=None, watch=watch, should_stop=lambda: False)  # type: ignore[arg-type]
    sender.unacked.extend(Segment("s", i, f"line {i}", i, i + 1.0) for i in range(n))
    sender.unacked.append(EndOfStream("s", n, "eof", float(n)))
    return sender


def test_a_consumer_still_storing_is_waited_for_beyond_the_timeout() -> None:
    # 8 segments, one stored every 0.15 s: 1.2 s in all, four times the 0.3-s timeout
    sender = sender_holding(ScriptedWatch(every_s=0.15, last=7), 8)
    t0 = time.monotonic()
    assert sender.wait_confirmed(timeout_s=0.3) and not sender.unacked
    assert time.monotonic() - t0 > 0.9


def test_a_consumer_that_confirms_nothing_is_given_up_after_the_timeout() -> None:
    sender = sender_holding(ScriptedWatch(every_s=None, last=7), 8)
    t0 = time.monotonic()
    assert not sender.wait_confirmed(timeout_s=0.3) and len(sender.unacked) == 9
    assert time.monotonic() - t0 < 2.0
