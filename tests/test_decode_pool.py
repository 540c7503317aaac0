"""The decode pool of a hosting transcribe (stages/decode_pool.py): streams side by side, each in order,
never two chunks of one stream at once, results handed back on the caller's thread, a worker's error
raised there, and its backlog counted for back-pressure. Real threads; the work is a stand-in that
records when it ran (the real decoding is covered by the service tests, which run with two workers)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from pipeline.messages import AudioChunk, Partial
from stages.decode_pool import DecodePool


def chunk(stream: str, seq: int) -> AudioChunk:
    return AudioChunk(stream, seq, 0.1 * seq, 0.0, np.zeros(1600, np.float32))


class Recorder:
    """Work that takes a while and notes who ran at the same time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active: dict[str, int] = {}
        self.most_at_once = 0
        self.overlap_within_a_stream = False

    def work(self, c: AudioChunk) -> list:
        with self.lock:
            self.active[c.stream] = self.active.get(c.stream, 0) + 1
            self.overlap_within_a_stream |= self.active[c.stream] > 1
            self.most_at_once = max(self.most_at_once, sum(self.active.values()))
        time.sleep(0.05)
        with self.lock:
            self.active[c.stream] -= 1
        return [Partial(c.stream, c.seq, f"{c.stream}-{c.seq}", 0.0, 0.0)]


def collect(pool: DecodePool, until: int) -> list[str]:
    got: list[str] = []
    deadline = time.monotonic() + 30
    while len(got) < until and time.monotonic() < deadline:
        pool.wait(0.5)
        got += [m.text for batch in pool.ready() for m in batch]
    return got


def test_streams_run_side_by_side_each_in_order():
    pool, rec = DecodePool(2), Recorder()
    try:
        for seq in range(6):
            for stream in ("a", "b"):
                pool.submit(stream, rec.work, chunk(stream, seq))
        assert pool.backlog() == 12
        got = collect(pool, 12)
    finally:
        pool.close()
    assert [t for t in got if t.startswith("a")] == [f"a-{i}" for i in range(6)]
    assert [t for t in got if t.startswith("b")] == [f"b-{i}" for i in range(6)]
    assert rec.most_at_once == 2 and not rec.overlap_within_a_stream
    assert pool.backlog() == 0


def test_drain_finishes_one_stream_first_and_errors_reach_the_caller():
    pool, rec = DecodePool(2), Recorder()
    try:
        for seq in range(3):
            pool.submit("a", rec.work, chunk("a", seq))
        pool.submit("b", rec.work, chunk("b", 0))
        assert [m.text for batch in pool.drain("a") for m in batch] == ["a-0", "a-1", "a-2"]
        assert pool.backlog() <= 1  # b's one chunk, done or not

        def broken(_c: AudioChunk) -> list:
            raise RuntimeError("decoder failed")

        pool.submit("c", broken, chunk("c", 0))
        with pytest.raises(RuntimeError, match="decoder failed"):
            list(pool.drain("c"))
    finally:
        pool.close()


def test_a_service_decodes_one_stream_per_worker_unless_told():
    from stages.settings import TranscribeConfig
    from stages.transcribe import decode_workers

    assert decode_workers(TranscribeConfig(decode_workers=3), threads=1, max_streams=8) == 3  # as configured
    assert decode_workers(TranscribeConfig(), threads=1, max_streams=6) >= 6  # one per stream it holds
    assert decode_workers(TranscribeConfig(), threads=64, max_streams=1) == 1  # never none
