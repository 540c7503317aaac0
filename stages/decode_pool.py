"""Streams decoded side by side: a service's transcribe hands each stream's audio to a pool of threads.

One transcribe process holds one Whisper model and many streams (`transcribe.hosting`). Decoding them
in turn on the socket thread uses one core however many there are: at 4 real-time streams on 2 cores
the captions fell 12-20 s behind while 4 separate pipelines kept 2.3 s (bench.concurrency, stop 27).
Here each stream's chunks go, in order, to one of `workers` threads (CTranslate2 releases the GIL while
it computes; the model runs that many decodes at once, `WhisperModel(num_workers=...)`), never two of
one stream at once, so a stream's state is touched by one thread at a time and its messages come back
in order. The socket thread keeps every socket: it submits, and forwards what `ready` hands back.

A stream's chunks wait in its own queue; `backlog` lets the socket thread stop reading when the pool
is behind, so that audio waits in the socket (bounded, lossless back-pressure) instead of here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait

from pipeline.messages import AudioChunk, Message

Work = Callable[[AudioChunk], list[Message]]  # one stream's accept + feed of a chunk


class DecodePool:
    """Per-stream ordered work on `workers` threads; results are collected on the caller's thread."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="decode")
        self._queues: dict[str, deque[tuple[Work, AudioChunk]]] = {}
        self._running: dict[str, Future] = {}

    def submit(self, stream: str, work: Work, chunk: AudioChunk) -> None:
        """Queue `work(chunk)` behind the stream's earlier chunks."""
        self._queues.setdefault(stream, deque()).append((work, chunk))
        self._start(stream)

    def _start(self, stream: str) -> None:
        queue = self._queues.get(stream)
        if stream in self._running or not queue:
            return
        work, chunk = queue.popleft()
        if not queue:
            del self._queues[stream]
        self._running[stream] = self._pool.submit(work, chunk)

    def ready(self) -> Iterator[list[Message]]:
        """The messages of each finished piece of work (a worker's exception is raised here), and the
        next chunk of that stream started."""
        for stream, future in list(self._running.items()):
            if future.done():
                yield self._collect(stream)

    def drain(self, stream: str) -> Iterator[list[Message]]:
        """Everything queued for `stream`, finished in order (before its end is handled)."""
        while stream in self._running:
            yield self._collect(stream)

    def _collect(self, stream: str) -> list[Message]:
        """The stream's running work's messages (waiting for them), its next chunk started either way."""
        future = self._running.pop(stream)
        try:
            return future.result()
        finally:
            self._start(stream)

    def wait(self, timeout_s: float) -> None:
        """Until some work finishes, or `timeout_s`."""
        if self._running:
            wait(list(self._running.values()), timeout=timeout_s, return_when="FIRST_COMPLETED")

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def backlog(self) -> int:
        """Chunks submitted and not yet finished."""
        return len(self._running) + sum(len(q) for q in self._queues.values())

    def close(self) -> None:
        """Stop: queued work is dropped (capture resends what summarize has not stored), running work ends."""
        self._queues.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._running.clear()
