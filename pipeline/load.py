"""How busy a shared worker is, per stream, and whether it can take one stream more in real time.

A service's language model serves every live stream by turns (stages/summarize/stage.py). Whether it
keeps up is a matter of time, not of count: a stream that talks nonstop costs more than one that pauses,
and the same count that fits a fast machine breaks real time on a slow one. So the worker measures the
seconds it spends on each stream (`BusyMeter.add`) over a sliding window, and admission asks
`Admission.refusal`: the live streams' busy share plus what one more would cost (their mean share), over
the limit, is a refusal with the figures in it. The language model is one shared worker; transcription
is the other, and what its load costs shows in the captions themselves: `LagMeter` keeps each live
stream's caption latency (how long after a word was said its caption was committed), and
`Admission.late` refuses one more stream while a live stream's captions are already behind the target.
The count limit (`--max-streams`) stays the hard cap.

No audio, no model here: what is timed is the caller's business.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.messages import Segment

# How a refusal for want of room begins (summarize's reasons; a client may wait for room, `service.admit`).
FULL = "this service already holds"
BUSY = "the model is busy"
LATE = "captions are behind"
LATE_NEXT = "one more stream would put captions behind"
ROOM = (FULL, BUSY, LATE, LATE_NEXT)


@dataclass
class _Track:
    since: float  # when the stream was first seen (its share is over the time it has been live)
    spans: deque[tuple[float, float]] = field(default_factory=deque)  # (start, end) of busy time, oldest first


class BusyMeter:
    """Busy seconds per stream over the last `window_s` seconds of wall time."""

    def __init__(self, window_s: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        if window_s <= 0:
            raise ValueError(f"window_s must be > 0, got {window_s}")
        self.window_s = window_s
        self.clock = clock
        self._tracks: dict[str, _Track] = {}

    def open(self, stream: str) -> None:
        """A stream is live from now (its share counts from here, not from the start of the window)."""
        self._tracks.setdefault(stream, _Track(self.clock()))

    def close(self, stream: str) -> None:
        self._tracks.pop(stream, None)

    def add(self, stream: str, start: float, end: float) -> None:
        """`end - start` seconds of work done for `stream` (times from `clock`)."""
        if end <= start:
            return
        track = self._tracks.setdefault(stream, _Track(start))
        track.spans.append((start, end))
        self._trim(track, end)

    def _trim(self, track: _Track, now: float) -> None:
        while track.spans and track.spans[0][1] <= now - self.window_s:
            track.spans.popleft()

    def observed_s(self, stream: str, now: float | None = None) -> float:
        """Seconds of wall time the stream's share is measured over: its age, at most the window."""
        now = self.clock() if now is None else now
        track = self._tracks.get(stream)
        return 0.0 if track is None else min(self.window_s, max(0.0, now - track.since))

    def share(self, stream: str, now: float | None = None) -> float:
        """The fraction of the observed time spent on `stream` (0 when not observed yet)."""
        now = self.clock() if now is None else now
        track = self._tracks.get(stream)
        observed = self.observed_s(stream, now)
        if track is None or observed <= 0:
            return 0.0
        self._trim(track, now)
        start = now - observed
        busy = sum(max(0.0, min(e, now) - max(s, start)) for s, e in track.spans)
        return busy / observed

    def shares(self, now: float | None = None) -> dict[str, float]:
        now = self.clock() if now is None else now
        return {name: self.share(name, now) for name in self._tracks}


MIN_WORDS = 20  # caption latencies of a stream, at least, before its quantile says anything


def caption_lags(seg: Segment) -> list[float]:
    """How long after each word of `seg` was said its caption was committed: `wall - (word end + clock)`
    (pipeline/messages.py), the segment's end for a segment without word times. Meaningful for audio sent
    at the pace it is spoken (a live client); a backlog sent faster shows as lag too, which it is."""
    ends = [w.end for w in seg.words] or [seg.end]
    return [seg.wall - (end + seg.clock) for end in ends]


class LagMeter:
    """Caption latency per stream, word by word, over the last `window_s` seconds of wall time."""

    def __init__(self, window_s: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        if window_s <= 0:
            raise ValueError(f"window_s must be > 0, got {window_s}")
        self.window_s = window_s
        self.clock = clock
        self._since: dict[str, float] = {}
        self._lags: dict[str, deque[tuple[float, float]]] = {}  # (when committed, latency), oldest first
        self.by_count: dict[int, float] = {}  # live streams -> the worst p95 last seen with that many

    def open(self, stream: str) -> None:
        self._since.setdefault(stream, self.clock())
        self._lags.setdefault(stream, deque())

    def close(self, stream: str) -> None:
        self._since.pop(stream, None)
        self._lags.pop(stream, None)

    def add(self, stream: str, lags: list[float], now: float | None = None) -> None:
        """The latencies (seconds) of words committed now."""
        now = self.clock() if now is None else now
        self.open(stream)
        kept = self._lags[stream]
        kept.extend((now, lag) for lag in lags)
        while kept and kept[0][0] <= now - self.window_s:
            kept.popleft()

    def observed_s(self, stream: str, now: float | None = None) -> float:
        now = self.clock() if now is None else now
        since = self._since.get(stream)
        return 0.0 if since is None else min(self.window_s, max(0.0, now - since))

    def quantile(self, stream: str, q: float, now: float | None = None) -> float | None:
        """The `q` quantile (0..1) of the stream's caption latency over the window; None with fewer than
        `MIN_WORDS` words in it."""
        now = self.clock() if now is None else now
        lags = sorted(lag for when, lag in self._lags.get(stream, ()) if when > now - self.window_s)
        if len(lags) < MIN_WORDS:
            return None
        return lags[min(len(lags) - 1, int(q * len(lags)))]

    def p95s(self, now: float | None = None) -> dict[str, float]:
        return {name: round(p, 2) for name in self._lags if (p := self.quantile(name, 0.95, now)) is not None}

    def measured(self, live: list[str], min_observed_s: float, now: float | None = None) -> dict[str, float]:
        """The 95th percentile of each live stream measured for `min_observed_s` and with enough words."""
        now = self.clock() if now is None else now
        return {name: p for name in live if self.observed_s(name, now) >= min_observed_s
                and (p := self.quantile(name, 0.95, now)) is not None}  # fmt: skip

    def note_count(self, live: list[str], min_observed_s: float, now: float | None = None) -> None:
        """Remember the worst caption p95 seen with this many streams live (the latest reading per count):
        what one stream more added last time is the estimate of what the next one adds (`Admission.late`)."""
        if p95s := self.measured(live, min_observed_s, now):
            self.by_count[len(live)] = max(p95s.values())


@dataclass(frozen=True)
class Admission:
    """Admit one stream more while the measured load stays under `limit` (0 turns the check off)."""

    limit: float = 0.9  # busy share of the worker's time that the live streams plus one more may take
    min_observed_s: float = 60.0  # below this much measured time the figures say too little: admit
    lag_limit_s: float = 5.0  # caption latency (95th percentile) a live stream may have for one more (0: off)

    def refusal(self, meter: BusyMeter, live: list[str], now: float | None = None) -> str:
        """Why one stream more is refused ("" to admit it)."""
        if self.limit <= 0 or not live:
            return ""
        now = meter.clock() if now is None else now
        measured = [name for name in live if meter.observed_s(name, now) >= self.min_observed_s]
        if not measured:
            return ""
        shares = {name: meter.share(name, now) for name in live}
        total = sum(shares.values())
        each = sum(shares[name] for name in measured) / len(measured)
        if total + each <= self.limit:
            return ""
        span = max(meter.observed_s(name, now) for name in measured)
        return (f"{BUSY} {total:.0%} of the time with {len(live)} live stream{'s' * (len(live) != 1)} "
                f"({each:.0%} each, over the last {span:.0f} s); one more would need about {total + each:.0%}, "
                f"over this service's real-time limit of {self.limit:.0%} (--admit-load)")  # fmt: skip

    def late(self, lags: LagMeter, live: list[str], now: float | None = None) -> str:
        """Why one stream more is refused because the captions of the live ones already fall behind real
        time ("" to admit it): a stream live for `min_observed_s` whose words reach the transcript, at the
        95th percentile over the window, later than `lag_limit_s` after they were said. Transcription's
        load shows there first: more streams than its cores decode in real time leave every stream's
        captions waiting for a decode (bench.concurrency). The latency is the server's commit time after the
        client's capture time: a client whose clock is off by seconds shows as lag or hides it (clients are
        assumed on NTP, as for every caption latency here), and one slow stretch counts for a window. Under
        the limit, one more is refused too when the worst p95 now plus what the last stream added (the worst
        p95 last seen with one stream fewer, `LagMeter.by_count`) would pass it."""
        if self.lag_limit_s <= 0:
            return ""
        p95s = lags.measured(live, self.min_observed_s, now)
        if not p95s:
            return ""
        worst = max(p95s.values())
        if behind := [p95 for p95 in p95s.values() if p95 > self.lag_limit_s]:
            # No stream's name: a refusal reaches a client that may not read the others (pipeline/access.py).
            return (f"{LATE} real time: {len(behind)} of {len(live)} live stream{'s' * (len(live) != 1)} have their "
                    f"words captioned more than {self.lag_limit_s:g} s after they were said (95th percentile over the "
                    f"last {lags.window_s:.0f} s, at worst {worst:.1f} s; --admit-lag)")  # fmt: skip
        # Under the limit: what the last stream added, added once more. Caption latency grows with the count
        # once the decodes outrun the cores (bench.admission, stop 35: 3.4 s at worst with one stream, 4.3 s
        # with two, 6.9 s with three), so a service just under the limit must not take one more.
        before = lags.by_count.get(len(live) - 1)
        if before is None:
            return ""
        expected = worst + max(0.0, worst - before)
        if expected <= self.lag_limit_s:
            return ""
        return (f"{LATE_NEXT} real time: with {len(live)} live stream{'s' * (len(live) != 1)} their words are captioned "
                f"up to {worst:.1f} s after they were said ({before:.1f} s with {len(live) - 1}); one more would "
                f"take that to about {expected:.1f} s, over this service's limit of {self.lag_limit_s:g} s (--admit-lag)")  # fmt: skip
