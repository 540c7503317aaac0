"""Retrieval alone, no model: does a question asked after its fact left the window get that fact's line
among the passages it is given? (issue #13: answers after eviction were 35% on the blind meetings.)

An evicted fact reaches the model only through `retrieve` (or the notes). This replays each quality-set
meeting into a real SQLite session store at the text replay's timing, keeps the model's window by the
default model's tokenizer (the sink cache's rule: `window_tokens` of stream, evicted in `evict_block`s,
a segment partly evicted counts as gone), asks every gold question at its line and checks whether the
passages hold the gold `fact_line` (or, for a fact repeated elsewhere, a line that holds its answer).
Strategies are compared side by side in one run; the default one is what the summarizer uses.

    python -m bench.retrieval --split dev --json bench/results/retrieval_dev.json
    python -m bench.retrieval --split test --json bench/results/retrieval_test.json

Seconds per meeting, so every strategy is measured on every meeting, read or blind: it reads no reply.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.notes_dev import DATA, text_segments
from bench.quality import discover, transcript_of, write
from bench.quality_score import groups_match, normalise
from pipeline import config as pconfig
from pipeline.messages import Segment
from stages.settings import AppConfig
from stages.summarize import prompts
from stages.summarize.retrieval import STRATEGIES, Retrieval
from stages.summarize.store import SessionStore

log = logging.getLogger("bench.retrieval")


class Window:
    """Which segments the model still attends to, counted as the sink cache counts (no model)."""

    def __init__(self, count: Callable[[str], int], window_tokens: int, block: int) -> None:
        self.count, self.size, self.block = count, window_tokens, block
        self.held: list[tuple[int, int]] = []  # (seq, tokens), oldest first
        self.tokens = 0
        self.evicted = 0

    def add(self, seg: Segment, line: str) -> None:
        n = self.count(line)
        if self.tokens + n > self.size:  # evict_for_space: whole blocks, before the prefill
            need = self.tokens + n - self.size
            drop = -(-need // self.block) * self.block
            self.evicted += drop
            while self.held and drop > 0:
                seq, k = self.held.pop(0)
                self.tokens -= k
                drop -= k
            if drop < 0:  # the oldest kept segment lost its start: it counts as gone
                self.tokens = sum(k for _, k in self.held)
        self.held.append((seg.seq, n))
        self.tokens += n

    @property
    def first(self) -> int:
        return self.held[0][0] if self.held else 0


def _hit(q: dict[str, Any], passages: list[Any], fact_seqs: set[int]) -> bool:
    """The fact's line is quoted, or a quoted passage holds every answer group (a fact said twice)."""
    if any(s in fact_seqs for p in passages for s in p.seqs):
        return True
    text = normalise(" ".join(p.text for p in passages))
    return bool(q["answers"]) and groups_match(q["answers"], text) == len(q["answers"])


def measure(gold_path: Path, cfg: AppConfig, count: Callable[[str], int], cut: Callable[[str, int], str],
            strategies: list[str]) -> dict[str, Any]:
    raw = json.loads(gold_path.read_text(encoding="utf-8"))
    segments, line_of = text_segments(transcript_of(gold_path, raw))
    by_line: dict[int, list[dict[str, Any]]] = {}
    for q in raw["questions"]:
        if q["kind"] != "never":
            by_line.setdefault(q["after_line"], []).append(q)
    s = cfg.summarize
    window = Window(count, s.window_tokens, s.evict_block)
    rows: list[dict[str, Any]] = []
    last_text, last_speaker = "", None
    with tempfile.TemporaryDirectory(prefix="retrieval-") as tmp:
        store = SessionStore(Path(tmp) / "s.sqlite", "bench")
        for seg in segments:
            store.add_segment(seg)
            new_line = not last_text or last_text.rstrip()[-1:] in ".?!" or seg.speaker != last_speaker
            window.add(seg, prompts.transcript_line(seg.text, seg.start, seg.speaker, new_line))
            last_text, last_speaker = seg.text, seg.speaker
            for q in by_line.get(line_of[seg.seq], []):
                fact_seqs = {i for i, line in enumerate(line_of) if line == q["fact_line"]}
                evicted = window.evicted > 0 and max(fact_seqs, default=-1) < window.first
                row = {"id": q["id"], "kind": q["kind"], "window": q["window"], "evicted": evicted, "hit": {}}
                row["quoted"] = {}
                for name in strategies:
                    got = Retrieval(store, s.retrieve_passages, s.passage_tokens, count, cut, STRATEGIES[name])
                    passages, quoted = got.choose(q["question"], window.first)
                    row["hit"][name] = _hit(q, passages, fact_seqs)
                    row["quoted"][name] = _hit(q, quoted, fact_seqs)  # a window line quoted beside the question
                rows.append(row)
        store.close()
    ev = [r for r in rows if r["evicted"]]
    held = [r for r in rows if not r["evicted"]]
    return {"questions": rows, "evicted": len(ev), "in_window": len(held),
            "recall": {n: sum(r["hit"][n] for r in ev) for n in strategies},
            "window_quoted": {n: sum(r["quoted"][n] for r in held) for n in strategies}}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev", help="dev, test or all (the quality set's splits).")
    ap.add_argument("--meetings", default="", help="Comma-separated meetings instead of a split.")
    ap.add_argument("--strategies", default=",".join(STRATEGIES), help=f"Of {', '.join(STRATEGIES)}.")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="A config override, e.g. summarize.passage_tokens=320 (repeatable).")
    ap.add_argument("--json", dest="json_out", default="", help="Write the per-question hits here.")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    from transformers import AutoTokenizer

    from stages.summarize.models import ModelConfig, resolve

    cfg = pconfig.load(AppConfig, None, pconfig.parse_overrides(args.set) or None)
    tokenizer = AutoTokenizer.from_pretrained(resolve(ModelConfig(cfg.summarize.model)), local_files_only=True)

    def count(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False))

    def cut(text: str, budget: int) -> str:
        return tokenizer.decode(tokenizer.encode(text, add_special_tokens=False)[:budget], skip_special_tokens=True)

    strategies = args.strategies.split(",")
    names = args.meetings.split(",") if args.meetings else None
    out: dict[str, Any] = {"benchmark": "retrieval", "command": "python -m bench.retrieval " + " ".join(argv or []),
                           "config": {"window_tokens": cfg.summarize.window_tokens,
                                      "retrieve_passages": cfg.summarize.retrieve_passages,
                                      "passage_tokens": cfg.summarize.passage_tokens},
                           "meetings": {}}  # fmt: skip
    total = {n: 0 for n in strategies}
    quoted = {n: 0 for n in strategies}
    asked = held = 0
    for gold_path in discover(DATA, "all" if names else args.split, names):
        m = measure(gold_path, cfg, count, cut, strategies)
        out["meetings"][gold_path.name.removesuffix(".gold.json")] = m
        asked += m["evicted"]
        held += m["in_window"]
        for n in strategies:
            total[n] += m["recall"][n]
            quoted[n] += m["window_quoted"][n]
        print(f"{gold_path.name.removesuffix('.gold.json'):22s} evicted {m['evicted']:3d}  "
              + "  ".join(f"{n} {m['recall'][n]}" for n in strategies)
              + f"  | in window {m['in_window']:3d} quoted: "
              + "  ".join(f"{n} {m['window_quoted'][n]}" for n in strategies))  # fmt: skip
    out["pooled"] = {"evicted": asked, "recall": {n: f"{total[n]}/{asked}" for n in strategies},
                     "in_window": held, "window_quoted": {n: f"{quoted[n]}/{held}" for n in strategies}}  # fmt: skip
    print("pooled:", out["pooled"])
    if args.json_out:
        write(Path(args.json_out), out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
