"""The summarize stage's core, without sockets: store, then feed the model; summaries; answers.

Order matters for "nothing accepted is lost": a segment is committed to the SQLite store before it is
appended to the model's window, and a restarted stage rebuilds its window from the store (`resume`).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.messages import Citation, Segment
from stages.settings import SummarizeConfig
from stages.summarize import prompts
from stages.summarize.chat import ChatFrame
from stages.summarize.session import LMSession
from stages.summarize.store import SessionStore

log = logging.getLogger(__name__)
Piece = Callable[[str], None]


@dataclass
class SummarizerCounters:
    segments: int = 0  # stored and appended
    duplicates: int = 0  # already stored (a re-sent segment after a restart): ignored
    out_of_order: int = 0  # arrived after a gap (lost in a crash): dropped, the sender resends it
    transcript_tokens: int = 0
    summaries: int = 0
    questions: int = 0
    refused_questions: int = 0
    last_summary_s: float = 0.0  # generation time of the last summary
    ingest_s: float = 0.0  # time spent appending transcript to the model
    repeats_cut: int = 0  # generations stopped at a repeated line (a small model's loop)


class Summarizer:
    def __init__(
        self, cfg: SummarizeConfig, session: LMSession, frame: ChatFrame, store: SessionStore
    ) -> None:
        self.cfg = cfg
        self.session = session
        self.tokenizer = session.tokenizer
        self.frame = frame
        self.store = store
        self.counters = SummarizerCounters()
        self.summary = ""  # latest rolling summary text
        self.summary_upto_seq = -1
        self.summary_upto = 0.0
        self.summary_final = False  # the latest summary was made (or marked) as the stream's last
        self.last_seq = -1
        self.last_end = 0.0
        self._tokens_since_summary = 0
        self._window: deque[tuple[int, int]] = deque()  # (seq, tokens) of segments still in the window
        self._window_tokens = 0
        self._last_text = ""
        self._last_speaker: str | None = None

    # -- restart -------------------------------------------------------------------------------------
    def resume(self) -> int:
        """Continue a stored session: last summary back, window rebuilt from the newest segments."""
        stored = self.store.latest_summary()
        if stored:
            self.summary, self.summary_upto_seq, self.summary_upto = stored.text, stored.upto_seq, stored.upto
            self.summary_final = stored.final
        recent = self.store.recent_segments(max_chars=self.cfg.window_tokens * 6)
        if not recent:
            return 0
        lines = []
        for seg in recent:
            lines.append(self._line(seg))
        self.session.rebuild(lines)
        self.last_seq, self.last_end = recent[-1].seq, recent[-1].end
        self._window.clear()
        self._window_tokens = 0
        for seg, line in zip(recent, lines, strict=True):
            self._track(seg.seq, len(self.tokenizer.encode(line, add_special_tokens=False)))
        log.info("resumed session at segment %d (%.1f s), window rebuilt from %d segments",
                 self.last_seq, self.last_end, len(recent))  # fmt: skip
        return len(recent)

    # -- transcript ---------------------------------------------------------------------------------
    def add_segment(self, seg: Segment) -> bool:
        """Store (durably) then append to the window. False for a segment already stored or one that
        does not follow the last stored one (strict order: see pipeline/reliable.py)."""
        return bool(self.add_segments([seg]))

    def add_segments(self, segs: list[Segment]) -> list[Segment]:
        """Store each segment in order (durably, one commit each), then append all the accepted ones to
        the window in one prefill (a backlog after a stall or a fast replay). Returns the accepted."""
        accepted: list[Segment] = []
        for seg in segs:
            if seg.seq > self.last_seq + 1:
                self.counters.out_of_order += 1
                if self.counters.out_of_order == 1 or self.counters.out_of_order % 100 == 0:
                    log.warning("segment %d arrived after %d: waiting for the sender to resend the gap",
                                seg.seq, self.last_seq)  # fmt: skip
                continue
            if seg.seq <= self.last_seq or not self.store.add_segment(seg):
                self.counters.duplicates += 1
                continue
            accepted.append(seg)
            self.last_seq, self.last_end = seg.seq, seg.end
        if not accepted:
            return []
        t0 = time.perf_counter()
        counts = self.session.append_many([self._line(seg) for seg in accepted])
        self.counters.ingest_s += time.perf_counter() - t0
        for seg, n in zip(accepted, counts, strict=True):
            self.counters.segments += 1
            self.counters.transcript_tokens += n
            self._tokens_since_summary += n
            self._track(seg.seq, n)
        return accepted

    def _line(self, seg: Segment) -> str:
        new_line = (
            not self._last_text or self._last_text.rstrip()[-1:] in ".?!" or seg.speaker != self._last_speaker
        )
        self._last_text, self._last_speaker = seg.text, seg.speaker
        return prompts.transcript_line(seg.text, seg.start, seg.speaker, new_line)

    def _track(self, seq: int, tokens: int) -> None:
        """Keep (seq, tokens) of what is still in the window; a segment partly evicted counts as gone."""
        self._window.append((seq, tokens))
        self._window_tokens += tokens
        counters = self.session.counters
        in_window = counters.cache_tokens - counters.pinned_tokens
        while self._window and self._window_tokens > in_window:
            _, n = self._window.popleft()
            self._window_tokens -= n

    @property
    def first_seq_in_window(self) -> int:
        return self._window[0][0] if self._window else self.last_seq + 1

    # -- summaries ---------------------------------------------------------------------------------
    def summary_due(self) -> bool:
        return self.last_seq > self.summary_upto_seq and self._due(self.last_end, self._tokens_since_summary)

    def due_after(self, segs: list[Segment]) -> bool:
        """Whether a summary would fall due once `segs` are added (tokens estimated at 4 characters)."""
        chars = sum(len(s.text) for s in segs)
        return bool(segs) and self._due(segs[-1].end, self._tokens_since_summary + chars // 4)

    def _due(self, end: float, tokens_since: int) -> bool:
        """The cadence: `summary_every_s` of audio or `summary_every_tokens` of transcript since the last."""
        by_time = self.cfg.summary_every_s > 0 and end - self.summary_upto >= self.cfg.summary_every_s
        return by_time or 0 < self.cfg.summary_every_tokens <= tokens_since

    def summarize(self, final: bool = False, on_piece: Piece | None = None) -> str:
        """Generate the rolling summary on a temporary suffix (rolled back), store it, return it."""
        # The previous summary carries evicted text; with nothing evicted yet the window has it all.
        evicted = self.session.counters.tokens_evicted > 0
        previous = self._truncate(self.summary, self.cfg.summary_carry_tokens) if evicted else ""
        suffix = self.frame.suffix(prompts.summary_request(previous))
        t0 = time.perf_counter()
        text = self._generate(suffix, self.cfg.summary_max_tokens, on_piece)
        self.counters.last_summary_s = time.perf_counter() - t0
        if text:
            self.summary = text
        self.summary_upto_seq, self.summary_upto = self.last_seq, self.last_end
        self._tokens_since_summary = 0
        self.counters.summaries += 1
        self.summary_final = final
        self.store.add_summary(self.summary_upto_seq, self.summary_upto, self.summary, final)
        return self.summary

    def mark_final(self) -> str:
        """The stream ended right after a summary that covers all of it: store that one as final."""
        self.summary_final = True
        self.store.add_summary(self.summary_upto_seq, self.summary_upto, self.summary, True)
        return self.summary

    # -- questions ---------------------------------------------------------------------------------
    def retrieve(self, question: str) -> tuple[Citation, ...]:
        """Stored passages evicted from the window that match the question, with their neighbours.

        The whole session is ranked (BM25); evicted hits count only while they rank above the best hit
        still in the window: when the window holds the best match, older weaker matches only distract
        a small model (measured on the sample meeting: agenda lines crowded out the decision).
        """
        first = self.first_seq_in_window
        if first <= 0:
            return ()
        hits = []
        for hit in self.store.search(question, limit=self.cfg.retrieve_passages * 2):
            if hit.seq >= first:
                break
            hits.append(hit)
        passages: list[Citation] = []
        budget = self.cfg.passage_tokens
        used: set[int] = set()
        for hit in hits[: self.cfg.retrieve_passages]:
            # Neighbours complete a sentence split across segments; none is quoted twice.
            around = [s for s in self.store.around(hit.seq) if s.seq < first and s.seq not in used]
            if not around or budget <= 0:
                continue
            used.update(s.seq for s in around)
            text = " ".join(s.text for s in around)
            cost = len(self.tokenizer.encode(text, add_special_tokens=False))
            if cost > budget:
                text, cost = self._truncate(text, budget), budget
            budget -= cost
            passages.append(Citation(hit.seq, around[0].start, around[-1].end, text))
        return tuple(sorted(passages, key=lambda c: c.seq))

    def answer(
        self, question: str, on_piece: Piece | None = None, *, use_summary: bool = True, use_retrieval: bool = True
    ) -> tuple[str, tuple[Citation, ...]]:
        """Answer from the window, plus (by default) the rolling summary and retrieved evicted passages.
        The switches exist for bench.streameval, which compares the three."""
        passages = self.retrieve(question) if use_retrieval else ()
        # The notes only when they are the sole memory of evicted text: with them in the prompt qwen
        # repeated a line of the notes as the answer to unrelated questions (the audio demo), and
        # retrieved passages carry the evicted facts better.
        evicted = self.session.counters.tokens_evicted > 0
        use_notes = use_summary and evicted and not passages
        summary = self._truncate(self.summary, self.cfg.summary_carry_tokens) if use_notes else ""
        suffix = self.frame.suffix(prompts.question_request(question, summary, passages))
        text = self._generate(suffix, self.cfg.answer_max_tokens, on_piece)
        self.counters.questions += 1
        return text, passages

    # -- helpers ------------------------------------------------------------------------------------
    def _generate(self, suffix: str, max_new_tokens: int, on_piece: Piece | None) -> str:
        """Generate on the suffix; stop at the first line that repeats an earlier one.

        Small models fall into loops ("- The main risk is the migration." twenty times, seen with
        smollm2): the repeats carry nothing and cost most of the generation time.
        """
        text = ""
        generation = self.session.generate(suffix, max_new_tokens=max_new_tokens)
        try:
            for piece in generation:
                text += piece
                if on_piece is not None:
                    on_piece(piece)
                if "\n" not in piece:
                    continue
                *lines, _rest = text.split("\n")
                repeated = _first_repeat(lines)
                if repeated is not None:
                    text = "\n".join(lines[:repeated])
                    self.counters.repeats_cut += 1
                    break
        finally:
            generation.close()  # rolls the cache back to before the suffix
        return text.strip()

    def _truncate(self, text: str, max_tokens: int) -> str:
        ids = self.tokenizer.encode(text, add_special_tokens=False)
        if len(ids) <= max_tokens:
            return text
        return self.tokenizer.decode(ids[:max_tokens], skip_special_tokens=True)

    def stats(self) -> dict:
        c = self.session.counters
        return {
            **vars(self.counters),
            "tokens_seen": c.tokens_seen,
            "tokens_evicted": c.tokens_evicted,
            "evictions": c.evictions,
            "cache_tokens": c.cache_tokens,
            "cache_bytes": c.cache_bytes,
            "cache_bound": c.pinned_tokens + self.cfg.window_tokens + self.cfg.headroom_tokens,
            "last_seq": self.last_seq,
            "stored_seq": self.last_seq,  # acknowledgement for senders (pipeline/reliable.py)
            "stored_end": self.last_end,
            "first_seq_in_window": self.first_seq_in_window,
            "summary_upto_seq": self.summary_upto_seq,
        }


def _first_repeat(lines: list[str]) -> int | None:
    """Index of the first line (of at least 3 words) equal to an earlier one, else None."""
    seen: set[str] = set()
    for i, line in enumerate(lines):
        key = " ".join(line.strip(" -*\t").lower().split())
        if len(key.split()) < 3:
            continue  # "- none", headings: legitimately repeated
        if key in seen:
            return i
        seen.add(key)
    return None
