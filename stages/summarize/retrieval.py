"""Which stored passages, evicted from the model's window, a question is given (`Summarizer.retrieve`).

A fact older than the window reaches the model only this way (or through the notes), so what is chosen
here bounds the answers after eviction. Measured without the model by `bench.retrieval`: the share of
gold questions whose fact line is among the passages, per strategy, on every quality-set meeting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.messages import Citation, Segment
from stages.summarize import prompts
from stages.summarize.store import StoreBase


@dataclass(frozen=True)
class Strategy:
    # True: evicted hits count only while they rank above the best hit still in the window (the first
    # rule, from the sample meeting: its agenda lines crowded out the decision). False: the best evicted
    # hits always, ranked among the evicted segments alone: more fact lines reach the model (bench.retrieval),
    # but on two blind meetings it turned 7 right answers wrong (6 of them where this rule gave no passage:
    # the window or the notes held the answer) and 2 wrong ones right (README, stop 31).
    above_window: bool = True
    before: int = 1  # neighbours quoted with each hit: committed segments split sentences
    after: int = 1
    # The best-matching lines still in the window, quoted again beside the question (from what the evicted
    # passages left of the budget). A small model reading "Colm: I'll collect the desk from Graham" twenty
    # lines up answered "Graham"; the same line next to the question is read, not recalled.
    window_quotes: int = 0


STRATEGIES: dict[str, Strategy] = {
    "above_window": Strategy(above_window=True),
    "evicted": Strategy(above_window=False),
    "quote_window": Strategy(above_window=True, window_quotes=2),
}
DEFAULT = "above_window"


@dataclass(frozen=True)
class Passage:
    seq: int  # the segment that matched
    segments: tuple[Segment, ...]  # it and the neighbours quoted with it, with their speakers
    text: str  # their words, cut to the budget: what is quoted and checked
    prompt: str  # as the model reads them: the window's own line form, with times and speakers

    @property
    def seqs(self) -> tuple[int, ...]:
        return tuple(s.seq for s in self.segments)

    def citation(self) -> Citation:
        return Citation(self.seq, self.segments[0].start, self.segments[-1].end, self.text)


class Retrieval:
    """Rank the session for a question and cut the evicted hits to a token budget."""

    def __init__(self, store: StoreBase, count: int, budget_tokens: int, tokens: Callable[[str], int],
                 cut: Callable[[str, int], str], strategy: Strategy = STRATEGIES[DEFAULT]) -> None:  # fmt: skip
        self.store, self.count, self.budget, self.strategy = store, count, budget_tokens, strategy
        self.tokens, self.cut = tokens, cut  # the model's tokenizer: the budget is the prompt's

    def hits(self, question: str, first_in_window: int) -> list[Citation]:
        """The matching segments older than `first_in_window`, best first."""
        if self.strategy.above_window:
            hits = []
            for hit in self.store.search(question, limit=self.count * 2):
                if hit.seq >= first_in_window:
                    break
                hits.append(hit)
            return hits[: self.count]
        return self.store.search(question, limit=self.count, before_seq=first_in_window)

    def passages(self, question: str, first_in_window: int) -> list[Passage]:
        """Each hit with its neighbours (none quoted twice, none from the window), in meeting order."""
        return self.choose(question, first_in_window)[0]

    def choose(self, question: str, first_in_window: int) -> tuple[list[Passage], list[Passage]]:
        """The evicted passages, and the window's own best lines quoted again (`window_quotes`, from the
        budget the evicted ones left), each in meeting order."""
        budget = self.budget
        used: set[int] = set()
        evicted: list[Passage] = []
        for hit in self.hits(question, first_in_window) if first_in_window > 0 else []:
            if budget <= 0:
                break
            if (quote := self._quote(hit.seq, lambda seq: seq < first_in_window, used, budget)) is not None:
                evicted.append(quote[0])
                budget -= quote[1]
        quoted: list[Passage] = []
        for hit in self.store.search(question, limit=self.count * 3) if self.strategy.window_quotes else []:
            if len(quoted) == self.strategy.window_quotes or budget <= 0:
                break
            if hit.seq >= first_in_window and (
                    quote := self._quote(hit.seq, lambda seq: seq >= first_in_window, used, budget)) is not None:
                quoted.append(quote[0])
                budget -= quote[1]
        return sorted(evicted, key=lambda p: p.seq), sorted(quoted, key=lambda p: p.seq)

    def _quote(self, seq: int, allowed: Callable[[int], bool], used: set[int], budget: int) -> tuple[Passage, int] | None:
        """A hit with its neighbours (none quoted twice), cut to `budget`, and the tokens it costs."""
        around = [s for s in self.store.around(seq, self.strategy.before, self.strategy.after)
                  if allowed(s.seq) and s.seq not in used]  # fmt: skip
        if not around:
            return None
        used.update(s.seq for s in around)
        text = " ".join(s.text for s in around)
        # Who said it, as in the window: "I'll ring them" answers "who" only with its speaker.
        prompt = prompts.transcript_lines(around)
        cost = self.tokens(prompt)
        if cost > budget:
            prompt, text, cost = self.cut(prompt, budget), self.cut(text, budget), budget
        return Passage(seq, tuple(around), text, prompt), cost


def quoted_segments(store: StoreBase, cited: Citation) -> list[Segment]:
    """The stored segments a passage's citation quotes (its hit and the neighbours within its times): who
    said its lines, for the checks, which get citations."""
    return [s for s in store.around(cited.seq, 2, 2) if cited.start <= s.start and s.end <= cited.end]
