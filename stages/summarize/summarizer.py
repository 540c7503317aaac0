"""The summarize stage's core, without sockets: store, then feed the model; summaries; answers.

Order matters for "nothing accepted is lost": a segment is committed to the SQLite store before it is
appended to the model's window, and a restarted stage rebuilds its window from the store (`resume`).
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace

from pipeline.messages import Citation, Segment
from stages.settings import SummarizeConfig
from stages.summarize import answers, prompts
from stages.summarize.chat import ChatFrame
from stages.summarize.grounding import Sources, content_words
from stages.summarize.notes import Notes, parse_extraction
from stages.summarize.owners import joined
from stages.summarize.retrieval import STRATEGIES, Passage, Retrieval
from stages.summarize.session import LMSession
from stages.summarize.store import StoreBase

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
    last_summary_s: float = 0.0  # time to bring the notes up to date, last summary
    last_summary_ttft_s: float = 0.0  # its first extraction's time to first token (suffix prefill)
    extract_s: float = 0.0  # all extraction generation, in total
    items_dropped_ungrounded: int = 0  # note items naming a person or number the transcript did not
    owners_unclear: int = 0  # action owners no sentence tied to their task (shown as unclear)
    last_answer_s: float = 0.0
    last_answer_ttft_s: float = 0.0
    answers_replaced: int = 0  # answers not shown as generated (ungrounded, or an abstention)
    ingest_s: float = 0.0  # time spent appending transcript to the model
    repeats_cut: int = 0  # generations stopped at a repeated line (a small model's loop)
    example_copies: int = 0  # extractions that copied the prompt's worked example (tried again with another)
    decode_steps: int = 0  # model calls that generated tokens (notes and answers), after each request's prefill
    draft_tokens_kept: int = 0  # prompt-lookup draft tokens that stood: decode steps saved (session.py)


class Summarizer:
    def __init__(
        self, cfg: SummarizeConfig, session: LMSession, frame: ChatFrame, store: StoreBase
    ) -> None:
        self.cfg = cfg
        self.session = session
        self.tokenizer = session.tokenizer
        self.frame = frame
        self.store = store
        self.counters = SummarizerCounters()
        self.notes = Notes()
        self.summary = ""  # latest notes, rendered
        self.summary_upto_seq = -1
        self.summary_upto = 0.0
        self.summary_final = False  # the latest summary was made (or marked) as the stream's last
        self.last_seq = -1
        self.last_end = 0.0
        self._tokens_since_summary = 0
        self._window: deque[tuple[int, int]] = deque()  # (seq, tokens) of segments still in the window
        self._window_tokens = 0
        # Stored segments the model has not read yet (their lines' token ids): read in one prefill once
        # `ingest_defer_tokens` gather, or before the model is asked anything (`read_up`).
        self._unread: list[tuple[int, list[int]]] = []
        self._unread_tokens = 0
        self._last_text = ""
        self._last_speaker: str | None = None

    # -- restart -------------------------------------------------------------------------------------
    def resume(self) -> int:
        """Continue a stored session: last summary back, window rebuilt from the newest segments."""
        stored = self.store.latest_summary()
        if stored:
            self.summary, self.summary_upto_seq, self.summary_upto = stored.text, stored.upto_seq, stored.upto
            self.notes = Notes.from_json(self.store.latest_notes() or [])
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
        """Store each segment in order (durably, one commit each); the model reads the accepted ones in
        one prefill with any others not read yet, once `ingest_defer_tokens` gather (`read_up`). Returns
        the accepted."""
        accepted: list[Segment] = []
        names = self.store.refresh_names()  # `sinkscribe speakers --name` may have named one meanwhile
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
            # Stored with its label; read, written for the model and published with its name from now on.
            accepted.append(with_names(seg, names))
            self.last_seq, self.last_end = seg.seq, seg.end
        for seg in accepted:
            ids = self.tokenizer.encode(self._line(seg), add_special_tokens=False)
            self._unread.append((seg.seq, ids))
            self._unread_tokens += len(ids)
            self.counters.segments += 1
            self.counters.transcript_tokens += len(ids)
            self._tokens_since_summary += len(ids)
        if self._unread_tokens >= self.cfg.ingest_defer_tokens:
            self.read_up()
        return accepted

    def read_up(self) -> None:
        """Append the stored segments the model has not read to its window, in one prefill.

        At real time, streaming ASR commits a few words every second or two, and one forward over 8
        tokens costs a CPU nearly what one over 128 does (the weights are read once per forward): read
        one by one, the demo's transcript took 59 s of model time for 248 s of audio. The window is only
        read when the model is asked something, so the lines wait until then or until a chunk gathers.
        """
        if not self._unread:
            return
        t0 = time.perf_counter()
        self.session.prefill([t for _, ids in self._unread for t in ids])
        self.counters.ingest_s += time.perf_counter() - t0
        for seq, ids in self._unread:
            self._track(seq, len(ids))
        self._unread.clear()
        self._unread_tokens = 0

    def _line(self, seg: Segment) -> str:
        # A relabel that arrives after the line was read leaves the model's window as it was: the notes
        # are extracted from the store's lines (`summarize`), which have the corrected label.
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
        """The oldest segment in the window, counting the stored ones it will read before it is asked."""
        if self._window:
            return self._window[0][0]
        return self._unread[0][0] if self._unread else self.last_seq + 1

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
        """Bring the notes up to date with the transcript since the last summary, store and return them.

        The new stretch is read in chunks of at most `extract_chunk_tokens`; for each, the model lists
        what it adds (generated on a temporary suffix, rolled back) and `Notes.merge` applies it. Nothing
        in the notes is the model's rewrite of older notes, so nothing drifts or gets copied forward.
        """
        t0 = time.perf_counter()
        self.counters.last_summary_ttft_s = 0.0
        self.read_up()  # the extraction's window check reads what the model has read
        stretch = list(self.store.segments(after_seq=self.summary_upto_seq, limit=100_000))
        stretch = [s for s in stretch if s.seq <= self.last_seq]
        for chunk in self._chunks(stretch):
            self._extract(chunk, on_piece)
        self.summary = self.notes.render()
        self.counters.last_summary_s = time.perf_counter() - t0
        self.summary_upto_seq, self.summary_upto = self.last_seq, self.last_end
        self._tokens_since_summary = 0
        self.counters.summaries += 1
        self.store.save_summary(self.summary_upto_seq, self.summary_upto, self.summary, final, self.notes.to_json())
        self.summary_final = final
        return self.summary

    def _chunks(self, stretch: list[Segment]) -> list[list[Segment]]:
        """The stretch in whole sentences, at most `extract_chunk_tokens` of quoted transcript each.

        Counted as `_extract` quotes it, one line per sentence: counted per segment, the time and
        speaker each line costs were charged to every fragment streaming ASR commits (a 0.5-s step
        commits a few words at a time), and a minute of speech took two extractions instead of one.
        """
        chunks: list[list[Segment]] = []
        tokens = 0
        for sentence in joined(stretch):
            n = len(sentence.text) // 4 + 8  # estimate: ~4 characters a token, plus the time and speaker
            if chunks and tokens + n <= self.cfg.extract_chunk_tokens:
                chunks[-1].extend(sentence.segments)
                tokens += n
            else:
                chunks.append(list(sentence.segments))
                tokens = n
        return chunks

    def _extract(self, chunk: list[Segment], on_piece: Piece | None) -> None:
        # Quoted as whole sentences: streaming ASR commits fragments ("Great, David owns the" / "database
        # migration."); one per line with a time each, a small model reads them as separate statements.
        quoted = "".join(prompts.transcript_line(s.text, s.segments[0].start, s.segments[0].speaker, True)
                         for s in joined(chunk))  # fmt: skip
        examples, shots = examples_least_like(quoted), self.cfg.extract_shots
        suffix = self.frame.suffix(prompts.extract_request(quoted, examples[:shots]))
        room = self.session.config.headroom_tokens - self.cfg.summary_max_tokens
        if len(self.tokenizer.encode(suffix, add_special_tokens=False)) > room:
            # The chunk estimate (4 characters a token) was short: long words, numbers, another tokenizer.
            if len(chunk) > 1:
                half = len(chunk) // 2
                self._extract(chunk[:half], on_piece)
                self._extract(chunk[half:], on_piece)
                return
            quoted = self._truncate(quoted, room // 2)
            suffix = self.frame.suffix(prompts.extract_request(quoted, examples[:shots]))
        t0 = time.perf_counter()
        text = self._generate(suffix, self.cfg.summary_max_tokens, on_piece, ttft="last_summary_ttft_s")
        if copies_example(text):
            # The stretch's items are lost, not only the copy (grounding drops that): read it again with the
            # next least like it; of a second copy only the lines that are not the examples' are kept.
            self.counters.example_copies += 1
            log.info("extraction for segments %d-%d copied the worked example; trying another one",
                     chunk[0].seq, chunk[-1].seq)  # fmt: skip
            retry = self.frame.suffix(prompts.extract_request(quoted, examples[shots : 2 * shots]))
            text = self._generate(retry, self.cfg.summary_max_tokens, None)
            text = without_copied_lines(text) if copies_example(text) else text
        self.counters.extract_s += time.perf_counter() - t0
        log.debug("extraction for segments %d-%d: %r", chunk[0].seq, chunk[-1].seq, text)
        window = self._window_segments()
        if self.cfg.extraction_log:
            self._log_extraction(chunk, window, text)
        sources = Sources.of_segments([*window, *chunk])
        report = self.notes.merge(parse_extraction(text), chunk, sources, window)
        self.counters.items_dropped_ungrounded += len(report.dropped_ungrounded)
        self.counters.owners_unclear += len(report.owners_unclear)
        for why in report.dropped_ungrounded:
            log.info("note item not shown: %s", why)
        for why in report.dues_dropped:
            log.info("due date not shown (not given as a deadline): %s", why)

    def _log_extraction(self, chunk: list[Segment], window: list[Segment], text: str) -> None:
        """One line of `extraction_log`: enough to replay the merge on this extraction (bench.notes_dev)."""
        row = {"stream": chunk[0].stream, "summary": self.counters.summaries, "stretch": [s.seq for s in chunk],
               "window": [s.seq for s in window], "text": text}  # fmt: skip
        try:
            with open(self.cfg.extraction_log, "a", encoding="utf-8") as f:
                f.write(json.dumps(row) + "\n")
        except OSError as exc:  # a trace must never stop the notes
            log.warning("extraction log %s: %s", self.cfg.extraction_log, exc)

    def _log_answer(self, question: str, reply: str, passages: Sequence[Citation], window: list[Segment], notes: str,
                    owned: list[tuple[str, str]], shown: str, quoted: Sequence[Passage] = ()) -> None:  # fmt: skip
        """One answer line of `extraction_log`: the model's reply and all the check read, so that a later
        rule can be replayed on it without the model (`bench.answers_dev --replay` of a quality run)."""
        row = {"kind": "answer", "question": question, "upto_seq": self.store.last_seq(), "reply": reply,
               "passages": [asdict(p) for p in passages], "window": [s.seq for s in window], "notes": notes,
               "owned": [list(o) for o in owned], "shown": shown,
               "quoted": [list(p.seqs) for p in quoted]}  # fmt: skip
        try:
            with open(self.cfg.extraction_log, "a", encoding="utf-8") as f:
                f.write(json.dumps(row) + "\n")
        except OSError as exc:  # a trace must never stop an answer
            log.warning("extraction log %s: %s", self.cfg.extraction_log, exc)

    def _window_segments(self) -> list[Segment]:
        """The stored segments still in the model's window: what it read, for checking what it wrote."""
        return list(self.store.segments(after_seq=self.first_seq_in_window - 1))

    def mark_final(self) -> str:
        """The stream ended right after a summary that covers all of it: store that one as final."""
        self.summary_final = True
        self.store.add_summary(self.summary_upto_seq, self.summary_upto, self.summary, True)
        return self.summary

    # -- questions ---------------------------------------------------------------------------------
    def retrieve(self, question: str) -> tuple[Passage, ...]:
        """Stored passages evicted from the window that match the question, with their neighbours
        (`retrieval.py`; the strategy is `retrieve_strategy`)."""
        return self.choose_passages(question)[0]

    def choose_passages(self, question: str) -> tuple[tuple[Passage, ...], tuple[Passage, ...]]:
        """The evicted passages, and the window's best lines to quote again beside the question."""
        self.read_up()  # what is still in the window decides which passages are evicted
        ranked = Retrieval(self.store, self.cfg.retrieve_passages, self.cfg.passage_tokens, self._count_tokens,
                           self._truncate, STRATEGIES[self.cfg.retrieve_strategy])  # fmt: skip
        evicted, quoted = ranked.choose(question, self.first_seq_in_window)
        return tuple(evicted), tuple(quoted)

    def _count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False))

    def answer(
        self, question: str, on_piece: Piece | None = None, *, use_summary: bool = True, use_retrieval: bool = True
    ) -> tuple[str, tuple[Citation, ...]]:
        """Answer from the window, plus (by default) the notes and retrieved evicted passages; then
        check it (`answers.ground`): a name or number none of the sources holds is not shown as fact.
        The switches exist for bench.streameval, which compares the three."""
        t0 = time.perf_counter()
        self.counters.last_answer_ttft_s = 0.0
        self.read_up()  # the question is about everything stored so far
        found, quoted = self.choose_passages(question) if use_retrieval else ((), ())
        passages = tuple(p.citation() for p in found)
        notes = self._notes_for_question(question) if use_summary else ""
        request = prompts.question_request(question, notes, [p.prompt for p in found], [p.prompt for p in quoted])
        suffix = self.frame.suffix(request)
        text = self._generate(suffix, self.cfg.answer_max_tokens, on_piece, ttft="last_answer_ttft_s")
        self.counters.questions += 1
        self.counters.last_answer_s = time.perf_counter() - t0
        if not use_retrieval:  # bench.streameval's baselines: the model alone, no store behind it
            return text, passages
        window = self._window_segments()
        sources = Sources.of_segments(window)
        sources.add(notes)
        for p in found:  # their speakers too: the model read "Colm: I'll collect the desk ..."
            sources.add(p.text + " " + " ".join(s.speaker for s in p.segments if s.speaker))
        owned = [(item.owner, item.text) for item in self.notes.items if item.kind == "action" and item.owner]
        grounded = answers.ground(question, text, sources, self.store, passages, window, owned,
                                  lean=self.cfg.answer_checks == "lean")
        if self.cfg.extraction_log:
            self._log_answer(question, text, passages, window, notes, owned, grounded.text, quoted)
        if not grounded.shown_as_generated:
            self.counters.answers_replaced += 1
            log.info("answer not shown as generated (%s): %r", grounded.why, text)
        self.counters.last_answer_s = time.perf_counter() - t0
        return grounded.text, grounded.citations

    def _notes_for_question(self, question: str) -> str:
        """The notes without their time references (the model copies "[03:12]" into answers otherwise),
        once part of the meeting has left the window: while the window holds everything, the notes only
        compete with it (an open question "Who will own the migration?" made a model name the wrong
        owner on the demo meeting). Whole items within `summary_carry_tokens` (`Notes.prompt_view`)."""
        if not self.notes.items or self.session.counters.tokens_evicted == 0:
            return ""
        budget = self.cfg.summary_carry_tokens
        view = self.notes.prompt_view(question, lambda text: self._count_tokens(text) <= budget,
                                      self.cfg.notes_prompt_items)  # fmt: skip
        return view or self._truncate(self.notes.prompt_view(question, lambda _: True, 1), budget)

    # -- helpers ------------------------------------------------------------------------------------
    def _generate(self, suffix: str, max_new_tokens: int, on_piece: Piece | None, ttft: str = "") -> str:
        """Generate on the suffix; stop at the first line that repeats an earlier one.

        Small models fall into loops ("- The main risk is the migration." twenty times, seen with
        smollm2): the repeats carry nothing and cost most of the generation time.
        """
        text = ""
        t0 = time.perf_counter()
        generation = self.session.generate(suffix, max_new_tokens=max_new_tokens)
        try:
            for piece in generation:
                if not text and ttft:
                    setattr(self.counters, ttft, time.perf_counter() - t0)  # time to first token
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
            made = self.session.last_generation
            if made is not None:
                self.counters.decode_steps += made.decode_forwards
                self.counters.draft_tokens_kept += made.accepted
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


# The content words of each line of the worked examples' notes, once (every extraction is compared).
_EXAMPLE_LINES = [words for line in prompts.example_notes() if (words := content_words(line.split(":", 1)[-1]))]


def _copied(line: str) -> bool:
    words = content_words(line.split(":", 1)[-1])
    return len(words) >= 2 and any(len(words & ex) >= 0.8 * len(words) for ex in _EXAMPLE_LINES)


def copies_example(text: str) -> bool:
    """Two or more lines of an extraction are (nearly) lines of a worked example's notes: the model wrote
    the example, not the stretch."""
    return sum(_copied(line) for line in text.splitlines()) >= 2


def without_copied_lines(text: str) -> str:
    """An extraction without its lines that are (nearly) a worked example's: what the model did read of
    the stretch beside what it copied (before stop 33 a second copy lost the whole stretch)."""
    return "\n".join(line for line in text.splitlines() if not _copied(line))


def examples_least_like(stretch: str) -> list[str]:
    """The worked examples, the one whose notes share the fewest words with the stretch first (ties in
    their order in `prompts.EXTRACT_EXAMPLES`): a small model mixes in the example it can confuse with
    the stretch, its owners and its open question included. The prompt shows the first
    `extract_shots`, a retry after a copy the next as many."""
    said = content_words(stretch)
    return sorted(prompts.EXTRACT_EXAMPLES, key=lambda ex: len(said & _EXAMPLE_TOPICS[ex]))


# What each example is about: the content words of its notes, no figures (every stretch is compared).
_EXAMPLE_TOPICS = {ex: {w for line in prompts.notes_of(ex)
                        for w in content_words(line.split(":", 1)[-1]) if not w[0].isdigit() and w != "non"}
                   for ex in prompts.EXTRACT_EXAMPLES}  # fmt: skip


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


def with_names(seg: Segment, names: dict[str, str]) -> Segment:
    """The segment with the names given to speaker labels (`sinkscribe speakers --name`), its
    corrections of earlier labels included."""
    if not names:
        return seg
    relabels = tuple(replace(fix, speaker=names.get(fix.speaker, fix.speaker)) for fix in seg.relabels)
    return replace(seg, speaker=names.get(seg.speaker, seg.speaker) if seg.speaker else seg.speaker, relabels=relabels)
