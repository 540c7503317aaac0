"""One meeting inside the summarize stage: its session store, its own Summarizer (own sink-window
cache, own notes) over the process's one model, its publisher sequence and what it publishes.

The stage (stage.py) owns the sockets and the schedule; a `HostedStream` owns everything that belongs
to one stream, so one process can hold several side by side (`summarize.max_streams`, ARCHITECTURE.md
"Many streams"). `SharedModel` loads the weights once per process: every stream gets its own
`LMSession` (its own `SinkCache`, allocated at its fixed bound) over the same model object.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from pipeline.messages import (
    Answer,
    EndOfStream,
    Error,
    Message,
    Question,
    Segment,
    Snapshot,
    Status,
    Summary,
)
from stages.settings import AppConfig, model_threads
from stages.summarize.store import StoreBase
from stages.summarize.summarizer import Summarizer

log = logging.getLogger(__name__)
Publish = Callable[[Message], None]
Piece = Callable[[str], None]


class SharedModel:
    """The language model and its chat frame, loaded on first use and then shared by every stream.

    `loads` counts actual loads (published as `model_loads`): it stays 1 however many streams come."""

    def __init__(self, cfg: AppConfig) -> None:
        self.cfg = cfg
        self.loads = 0
        self._loaded: Any = None
        self._frame: Any = None

    def load(self) -> None:
        if self._loaded is not None:
            return
        from stages.summarize import ModelConfig, chat_frame, load_model, prompts

        s = self.cfg.summarize
        self._loaded = load_model(ModelConfig(s.model, dtype=s.dtype, threads=model_threads(s.threads)))
        self._frame = chat_frame(self._loaded.tokenizer, prompts.SYSTEM, prompts.STREAM_HEADER)
        self.loads += 1

    @property
    def model(self) -> Any:
        self.load()
        return self._loaded.model

    def summarizer(self, store: StoreBase) -> Summarizer:
        """A new sink-window session (its own cache) over the shared weights, framed by the system prompt."""
        from stages.summarize import SessionConfig
        from stages.summarize.session import LMSession

        self.load()
        s = self.cfg.summarize
        session = LMSession(
            self._loaded.model,
            self._loaded.tokenizer,
            self._frame.prefix,
            SessionConfig(
                sink_tokens=s.sink_tokens,
                window_tokens=s.window_tokens,
                headroom_tokens=s.headroom_tokens,
                evict_block=s.evict_block,
                prefill_chunk=s.prefill_chunk,
                draft_tokens=s.draft_tokens,
            ),
        )
        return Summarizer(s, session, self._frame, store)


def question_problem(text: str, limit: int) -> str:
    """Why a question is refused ("" when it is fine): the one-line errors of PROTOCOL.md section 7."""
    if not text:
        return "the question is empty"
    if len(text) > limit:
        return f"the question is {len(text)} characters; the limit is {limit}"
    if any(ord(ch) < 32 and ch not in "\t\n" for ch in text):
        return "the question contains control characters"
    return ""


class HostedStream:
    """One stream's session in the summarize process (not thread-safe: driven by the stage's loop)."""

    def __init__(self, cfg: AppConfig, stream: str, store: StoreBase, publish: Publish) -> None:
        self.cfg = cfg
        self.stream = stream  # the id its published messages carry (its topic)
        self.store = store
        self.publish = publish
        self.core: Summarizer  # attached by `attach` once the model is there
        self.pub_seq = 0  # this stream's publisher sequence (PROTOCOL.md section 5)
        # A stored end stays the truth across a restart (`run`/`replay` reopen a session they resume).
        self.ended = store.ended() is not None
        self.session, self.source = store.name, store.meta().get("source_name", "")
        self.pending: deque[Message] = deque()  # transcript messages waiting for this stream's turn
        self.last_input = time.monotonic()

    def attach(self, core: Summarizer) -> int:
        """Give the stream its summarizer and continue what its store holds; returns segments resumed."""
        self.core = core
        return core.resume()

    def close(self) -> None:
        """Free the stream's cache (the model's weights stay) and close its store."""
        self.pending.clear()
        if hasattr(self, "core"):
            del self.core
        self.store.close()

    def next_seq(self) -> int:
        self.pub_seq += 1
        return self.pub_seq

    # -- status ---------------------------------------------------------------------------------------
    def ack(self) -> dict[str, Any]:
        """What a sender of this stream needs to know (pipeline/reliable.py)."""
        return {"stored_seq": self.core.last_seq, "stored_end": self.core.last_end, "ended": self.ended}

    def status(self, extra: dict[str, Any]) -> Status:
        counters = self.core.stats() | extra | {"session": self.store.where, "ended": self.ended}
        return Status(self.stream, self.next_seq(), "summarize", time.time(), counters)

    # -- summaries ------------------------------------------------------------------------------------
    def publish_summary(self, final: bool, on_piece: Piece | None = None) -> None:
        """Generate and publish a summary; a final one whose summary already covers everything is the
        last summary again, marked final (every stream ends with exactly one final summary)."""
        c = self.core
        if final and c.summary and c.last_seq <= c.summary_upto_seq:
            text = c.mark_final()
        else:
            text = c.summarize(final=final, on_piece=on_piece)
        self.publish(Summary(self.stream, self.next_seq(), text, c.summary_upto_seq, c.summary_upto, final=final,
                             wall=time.time(), items=c.notes.messages()))  # fmt: skip
        log.info("%s: summary up to segment %d (%.1f s) in %.1f s", self.stream, c.summary_upto_seq, c.summary_upto,
                 c.counters.last_summary_s)  # fmt: skip

    # -- transcript -----------------------------------------------------------------------------------
    def handle_segments(self, segments: list[Segment], on_piece: Piece | None = None) -> list[Segment]:
        """Ingest a batch in as few prefills as the summary cadence allows (a batch is cut where a
        summary falls due, so summaries stay on schedule). The turn ends with the first summary made:
        the segments after it are returned, to be queued again, so requests wait at most one summary
        (a backlog spanning several would otherwise make them all before a snapshot is answered)."""
        pending: list[Segment] = []
        for i, seg in enumerate(segments):
            pending.append(seg)
            if self.core.due_after(pending):
                if self._ingest(pending, on_piece):
                    return segments[i + 1 :]
                pending = []
        if pending:
            self._ingest(pending, on_piece)
        return []

    def _ingest(self, segments: list[Segment], on_piece: Piece | None) -> bool:
        """Add `segments`, then the summary if one is due; whether one was made."""
        for seg in self.core.add_segments(segments):
            self.publish(seg)
        if not self.core.summary_due():
            return False
        self.publish_summary(final=False, on_piece=on_piece)
        return True

    def handle_end(self, msg: EndOfStream) -> bool:
        """The sender's end of stream, stored. False when segments before it are still missing (they
        will be resent) or the end was already handled (a resend). The caller then confirms it (`ended`
        in the heartbeat) before `finish` makes the final summary: that summary (and the answers after
        it) can take minutes on a loaded CPU, and the sender must not take that silence for a lost end."""
        if msg.seq - 1 > self.core.last_seq:
            self.core.counters.out_of_order += 1
            log.warning("%s: end of stream after segment %d, but only %d stored: waiting for the resend",
                        self.stream, msg.seq - 1, self.core.last_seq)  # fmt: skip
            return False
        if self.ended:
            return False
        self.store.set_ended(msg.reason, msg.audio_seconds)
        self.ended = True
        return True

    def unfinished_end(self) -> dict | None:
        """The stored end of a session whose final summary was never made (the process died between the
        two): `finish` it after a restart."""
        end = self.store.ended()
        return end if end is not None and not self.core.summary_final else None

    def finish(self, reason: str, audio_seconds: float, on_piece: Piece | None = None) -> None:
        """After the stored end: the final summary, then the `eos` for subscribers."""
        self.publish_summary(final=True, on_piece=on_piece)
        self.publish(EndOfStream(self.stream, self.next_seq(), reason, audio_seconds))

    # -- requests -------------------------------------------------------------------------------------
    def snapshot(self, request_id: str) -> Snapshot:
        """The state a late joiner needs, and what a restarted sender needs to resume."""
        c = self.core
        end = (c.store.ended() or {}) if self.ended else {}
        return Snapshot(self.stream, self.pub_seq, request_id, self.pub_seq, c.summary, c.summary_upto_seq,
                        c.summary_upto, c.last_seq, c.last_end, self.ended, final=self.ended and c.summary_final,
                        session=self.session, source=self.source, end_reason=end.get("reason", ""),
                        audio_seconds=float(end.get("audio_seconds", 0.0)),
                        items=c.notes.messages() if c.summary else ())  # fmt: skip

    def answer(self, q: Question, on_piece: Piece | None = None) -> Message:
        text = q.text.strip()
        problem = question_problem(text, self.cfg.summarize.question_max_chars)
        if problem:
            self.core.counters.refused_questions += 1
            return Error(self.stream, self.pub_seq, q.request_id, problem)
        reply_text, citations = self.core.answer(text, on_piece=on_piece)
        self.store.add_answer(q.request_id, text, reply_text, citations)
        answer = Answer(self.stream, self.next_seq(), q.request_id, text, reply_text, citations, time.time(),
                        session=self.session)  # fmt: skip
        self.publish(answer)
        return answer
