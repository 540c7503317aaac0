"""Generate the quality set: meeting transcripts with gold facts and questions (seeded, reproducible).

Usage (from the repository root)::

    python bench/data/quality/make_quality.py          # writes NAME.txt + NAME.gold.json next to itself
    python bench/data/quality/make_quality.py --check  # only verifies that the committed files are current

Each meeting (meetings_dev.py, meetings_test.py, meetings_school.py, meetings_long.py) is a list of agenda blocks: scripted scenes that carry the gold facts and
their traps, with filler talk on the block's topic around them (pools of statements with slots,
reactions, hand-overs, small talk; talk.py). `NAME.txt` has one utterance per line, `Speaker: text`, the
format `sinkscribe replay FILE --text` reads (150 words a minute: 20 minutes are ~3000 words).
The hand-written meetings (written.py: demo.py, meetings_written.py) are data: their script is a committed
source, and only their NAME.gold.json is written, from rows that name each fact's line by a piece of it.

Gold schema (`NAME.gold.json`; lines are 1-based lines of NAME.txt):

    {"meeting": NAME, "split": "dev"|"test", "minutes": N, "title": str, "speakers": [names],
     "transcript": "NAME.txt" (demo: a path from the repository root), "audio": path or absent, "words": N,
     "facts": [{"id", "section": "decision"|"action"|"number"|"date"|"open", "line": L (where the final form
                is stated), "keywords": [[alt, ...], ...] (every group must match, any alternative of a group),
                "owner": name (action only), "due": [alts] or null, "superseded": [alts] (earlier values that
                must not appear as the current one), "wrong_owner": [names] (the earlier owner, a person
                mentioned but not responsible), "exclude": [alts] (an item saying one is a neighbouring
                fact, not this one: the migration's test plan is not the migration)}],
     "questions": [{"id", "kind": "who"|"what"|"when"|"how_much"|"why"|"never", "after_line": N (asked once
                    line N is stored), "fact_line": M or null, "question", "answers": [[alt, ...], ...],
                    "wrong": [alts], "window": "in"|"evicted"|null, "distance_words": words said after the
                    fact line up to after_line, "absent": [terms the transcript never contains] (never)}],
     "noise": [{"id", "line", "keywords"}] (small talk and side remarks that no note should carry)}

Invariants checked before anything is written (the script refuses otherwise): every fact's keywords and
its questions' answers match its line (normalised as bench.quality_text does); a trap's superseded value
is said before the fact line and its wrong owner somewhere; filler never says a fact's subject (`reserved`) or any
number-bearing answer; in-window questions are asked 40-300 words after the fact, evicted ones at least
1600 words after it (the engine's window is ~1024 tokens, ~700 words); never-discussed questions' terms
occur nowhere; the length is within 12% of the minutes; no line of 8 or more words repeats (all but the
filler check apply to the hand-written meetings too).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(HERE), str(ROOT)]

import talk  # noqa: E402
from spec import EVICTED_MIN_WORDS, IN_WINDOW_WORDS, SCENE, WORDS_PER_MINUTE, Fact, Meeting, Noise, window_of  # noqa: E402, F401
from written import Written, written_gold  # noqa: E402

from bench.quality_text import groups_match, normalise, numbers_in, phrase_in  # noqa: E402

SAFE_OPENER_WORDS = {"the", "we", "it", "that", "there", "this", "our", "my", "if", "most", "some", "every",
                     "once", "when", "a", "one", "last", "for", "in", "on", "nobody", "everyone", "what"}  # fmt: skip


def words(text: str) -> int:
    return len(text.split())


class Writer:
    """Fills one meeting's blocks with talk around its scenes."""

    def __init__(self, meeting: Meeting) -> None:
        self.m = meeting
        self.rng = random.Random(meeting.seed)
        self.reserved = list(meeting.reserved) + [
            alt for _, _, f in self._facts() for ask in f.asks for group in ask.answers for alt in group if numbers_in(alt)
        ] + [alt for _, _, f in self._facts() for alt in f.superseded]  # fmt: skip
        self.used: set[str] = set()
        self.uses: Counter[str] = Counter()
        self.last_thing = ""
        # Each predicate is said at most this often: more for a long meeting, but never a refrain.
        self.predicate_cap = max(2, meeting.minutes // 12)
        self.small_talk = [s for s in talk.SMALL_TALK if self._ok(" ".join(t for _, t in s))]
        self.rng.shuffle(self.small_talk)
        self.digressions = list(talk.DIGRESSIONS)
        self.rng.shuffle(self.digressions)

    def _facts(self):  # noqa: ANN202
        return [line for b in self.m.blocks for line in b.scene if len(line) > 2 and isinstance(line[2], Fact)]

    def _ok(self, text: str) -> bool:
        norm = normalise(text)
        return not any(phrase_in(r, norm) for r in self.reserved)

    # -- who speaks ------------------------------------------------------------------------------------------
    def speaker(self, lead: str | None, previous: str | None) -> str:
        others = [s for s in self.m.speakers if s != previous]
        weights = [4 if s == lead else 2 if s == self.m.chair else 1.5 for s in others]
        return self.rng.choices(others, weights)[0]

    def other(self, speaker: str) -> str:
        return self.rng.choice([s for s in self.m.speakers if s != speaker])

    # -- what they say -------------------------------------------------------------------------------------
    def fill(self, template: str, speaker: str) -> str:
        slots = {"name": self.other(speaker), "chair": self.m.chair}

        def value(match: re.Match) -> str:
            key = match.group(1)
            cap = key.endswith("_cap")
            key = key.removesuffix("_cap")
            if key not in slots:
                slots[key] = self.rng.choice(self.m.vocab[key])
            text = slots[key]
            return text[:1].upper() + text[1:] if cap else text

        return re.sub(r"\{(\w+)\}", value, template)

    def point(self, topic: str, speaker: str, max_uses: int = 1) -> str | None:
        """A statement on `topic`: a written one (each said once) or, a third of the time and once those
        run out, one composed about one of the topic's things."""
        if self.rng.random() < 0.35 and (text := self.compose(topic, speaker)):
            return text
        pool = self.m.pools[topic] + ([] if topic == "opening" else self.m.pools.get("general", []))
        for _ in range(40):
            template = self.rng.choice(pool)
            if self.uses[template] >= max_uses:
                continue
            text = self.fill(template, speaker)
            if text in self.used or not self._ok(text):
                continue
            self.uses[template] += 1
            self.used.add(text)
            return text
        return self.compose(topic, speaker)

    def compose(self, topic: str, speaker: str, thing: str | None = None, ask: bool = False) -> str | None:
        things = self.m.things.get(topic) or ([] if topic == "opening" else self.m.things.get("general", []))
        for _ in range(40 if things else 0):
            subject = thing or self.rng.choice(things)
            form = self.rng.choice(talk.ASKS if ask else talk.FORMS)
            predicate = self.rng.choice(talk.PREDICATES)
            if self.uses[predicate] >= self.predicate_cap:
                continue
            text = form.format(thing=subject, Thing=subject[0].upper() + subject[1:], predicate=predicate,
                               tail=self.rng.choice(talk.TAILS), consequence=self.rng.choice(talk.CONSEQUENCES))
            if text in self.used or not self._ok(text):
                continue
            self.used.add(text)
            self.uses[predicate] += 0 if ask else 1
            self.last_thing = subject
            return text
        return None

    def reaction(self) -> str:
        """A short reply; one of 8 words or more is said once per meeting (no long line repeats)."""
        fresh = [r for r in talk.REACTIONS if words(r) < 8 or r not in self.used]
        text = self.rng.choice(fresh)
        self.used.add(text)
        return text

    def opener(self, text: str) -> str:
        first = text.split()[0]
        if first in ("I", "I'm", "I'd", "I've", "I'll"):
            return self.rng.choice(talk.OPENERS_I) + text
        if first.lower() in SAFE_OPENER_WORDS:
            return self.rng.choice(talk.OPENERS) + text[0].lower() + text[1:]
        return text

    def talk(self, block, budget: int) -> list[tuple[str, str]]:  # noqa: ANN001
        """About `budget` words of discussion of `block.topic`."""
        out: list[tuple[str, str]] = []
        said = 0
        previous: str | None = None
        small_talk_at = sorted(self.rng.uniform(0, budget) for _ in range(block.small_talk))

        def say(who: str, text: str) -> None:
            nonlocal said, previous
            out.append((who, text))
            said += words(text)
            previous = who

        while said < budget:
            if small_talk_at and said >= small_talk_at[0] and self.small_talk:
                small_talk_at.pop(0)
                cast = dict(zip("ABC", self.rng.sample(self.m.speakers, 3), strict=False))
                for role, text in self.small_talk.pop():
                    say(cast[role], text.replace("{B}", cast["B"]))
                continue
            who = self.speaker(block.lead, previous)
            r = self.rng.random()
            named = self.other(who)
            handover = self.rng.choice(talk.FOLLOWUPS).format(name=named)
            if r < 0.06 and previous and handover not in self.used and (text := self.point(block.topic, named)):
                self.used.add(handover)
                say(who, handover)  # a hand-over, then the answer
                say(named, text)
                continue
            if r < 0.08 and self.digressions and said > budget / 3:
                say(who, self.digressions.pop())
                say(self.other(who), self.rng.choice(["Good to know.", "Thanks, I'll avoid it then.", "Ha, okay."]))
                continue
            if r < 0.14 and (question := self.compose(block.topic, who, ask=True)):
                say(who, question)  # a question about one thing, answered about that thing
                answerer = self.other(who)
                say(answerer, self.compose(block.topic, answerer, thing=self.last_thing) or self.reaction())
                continue
            text = self.point(block.topic, who) or self.point(block.topic, who, max_uses=2) or self.reaction()
            if self.rng.random() < 0.3:
                text = self.opener(text)
            if not text.endswith("?") and self.rng.random() < 0.2 and (more := self.point(block.topic, who)):
                text += " " + more
            say(who, text)
            if text.endswith("?"):
                answerer = self.other(who)
                reply = self.point(block.topic, answerer) or "I'd have to check and get back to you."
                if not reply.endswith("?"):
                    say(answerer, self.rng.choice(talk.ANSWER_OPENERS) + reply[0].lower() + reply[1:]
                        if reply.split()[0] not in ("I", "I'm", "I'd", "I've", "I'll") and reply.split()[0].lower()
                        in SAFE_OPENER_WORDS else reply)  # fmt: skip
            elif self.rng.random() < 0.35:
                say(self.other(who), self.reaction())
        return out


def assemble(meeting: Meeting) -> tuple[list[tuple], int]:
    """The meeting's lines (speaker, text, marker or None) and its scripted word count."""
    w = Writer(meeting)
    scripted = sum(words(line[1]) for b in meeting.blocks for line in b.scene)
    filler = max(0, meeting.minutes * WORDS_PER_MINUTE - scripted)
    total_weight = sum(b.weight for b in meeting.blocks)
    lines: list[tuple] = []
    for i, block in enumerate(meeting.blocks):
        budget = round(filler * block.weight / total_weight)
        if i > 0 and block.title:
            title = w.rng.choice(talk.TRANSITIONS).format(title=block.title, title_cap=block.title[0].upper() + block.title[1:])
            lines.append((meeting.chair, title, SCENE))
        before = round(budget * block.scene_at)
        lines += [(s, t, None) for s, t in w.talk(block, before)] if before else []
        lines += [(line[0], line[1], line[2] if len(line) > 2 else SCENE) for line in block.scene]
        if budget - before > 0:
            lines += [(s, t, None) for s, t in w.talk(block, budget - before)]
    return lines, scripted


def place(rng: random.Random, counts: list[int], fact_line: int, window: str) -> tuple[int, int] | None:
    """(after_line, words said after the fact line up to it), or None when the meeting is too short."""
    after = counts[fact_line:]  # words of the lines after the fact line
    remaining = sum(after)
    if window == "in":
        target = rng.randint(IN_WINDOW_WORDS[0], 180)
    else:
        if remaining < EVICTED_MIN_WORDS + 100:
            return None
        target = rng.randint(EVICTED_MIN_WORDS, min(remaining, EVICTED_MIN_WORDS + 4000))
    said = 0
    for offset, n in enumerate(after, 1):
        said += n
        if said >= target:
            return fact_line + offset, said
    return None


def build(meeting: Meeting) -> tuple[str, dict]:
    lines, _ = assemble(meeting)
    rng = random.Random(meeting.seed + 1)
    counts = [words(t) for _, t, _ in lines]
    facts, questions, noise = [], [], []
    for number, (_, _, marker) in enumerate(lines, 1):
        if isinstance(marker, Noise):
            noise.append({"id": marker.id, "line": number, "keywords": marker.keywords})
        if not isinstance(marker, Fact):
            continue
        f = marker
        facts.append({"id": f.id, "section": f.section, "line": number, "keywords": f.keywords,
                      **({"owner": f.owner} if f.section == "action" else {}), "due": f.due,
                      "superseded": f.superseded, "wrong_owner": f.wrong_owner, "exclude": f.exclude})  # fmt: skip
        for ask in f.asks:
            for window in ask.windows:
                placed = place(rng, counts, number, window)
                if placed is None:
                    continue
                questions.append({"id": f"{f.id}.{ask.kind}.{window}", "kind": ask.kind, "after_line": placed[0],
                                  "fact_line": number, "question": ask.question, "answers": ask.answers,
                                  "wrong": ask.wrong, "window": window, "distance_words": placed[1], "absent": []})  # fmt: skip
    for i, never in enumerate(meeting.nevers):
        questions.append({"id": f"never.{i + 1}", "kind": "never", "after_line": max(1, round(never.at * len(lines))),
                          "fact_line": None, "question": never.question, "answers": [], "wrong": [], "window": None,
                          "distance_words": None, "absent": never.absent})  # fmt: skip
    questions.sort(key=lambda q: (q["after_line"], q["id"]))
    text = "".join(f"{s}: {t}\n" for s, t, _ in lines)
    gold = {"meeting": meeting.name, "split": meeting.split, "minutes": meeting.minutes, "title": meeting.title,
            "speakers": meeting.speakers, "transcript": f"{meeting.name}.txt", "words": sum(counts),
            "facts": facts, "questions": questions, "noise": noise}  # fmt: skip
    verify(meeting, lines, gold)
    return text, gold


def verify(meeting: Meeting | None, lines: list[tuple], gold: dict) -> None:
    """Refuse a set whose gold does not follow from its transcript (see the module docstring)."""
    problems: list[str] = []
    norm = [normalise(f"{s}: {t}") for s, t, *_ in lines]
    scripted = {n for n, line in enumerate(lines, 1) if len(line) > 2 and line[2] is not None}
    whole = " \n ".join(norm)
    for f in gold["facts"]:
        line = norm[f["line"] - 1]
        if groups_match(f["keywords"], line) < len(f["keywords"]):
            problems.append(f"{f['id']}: keywords not all on line {f['line']}")
        if f["superseded"] and not any(phrase_in(s, " ".join(norm[: f["line"] - 1])) for s in f["superseded"]):
            problems.append(f"{f['id']}: superseded value never said before line {f['line']}")
        for name in f["wrong_owner"]:
            if not phrase_in(name, whole):
                problems.append(f"{f['id']}: wrong owner {name} never mentioned")
        if f["section"] == "action" and not phrase_in(f["owner"], whole):
            problems.append(f"{f['id']}: owner {f['owner']} never mentioned")
    for q in gold["questions"]:
        if q["kind"] == "never":
            problems += [f"{q['id']}: '{t}' occurs in the transcript" for t in q["absent"] if phrase_in(t, whole)]
            continue
        if groups_match(q["answers"], norm[q["fact_line"] - 1]) < len(q["answers"]):
            problems.append(f"{q['id']}: answer not on the fact line {q['fact_line']}")
        if window_of(q["distance_words"]) != q["window"] or q["distance_words"] < IN_WINDOW_WORDS[0]:
            problems.append(f"{q['id']}: {q['distance_words']} words after the fact is not '{q['window']}'")
    for n in gold.get("noise", []):
        if groups_match(n["keywords"], norm[n["line"] - 1]) < len(n["keywords"]):
            problems.append(f"noise {n['id']}: keywords not on line {n['line']}")
    target = gold["minutes"] * WORDS_PER_MINUTE
    if abs(gold["words"] - target) > 0.12 * target:
        problems.append(f"{gold['words']} words for {gold['minutes']} minutes (target {target})")
    repeats = [t for t, c in Counter(t for _, t, *_ in lines if words(t) >= 8).items() if c > 1]
    problems += [f"repeated line: {t}" for t in repeats]
    if meeting is not None:
        reserved = Writer(meeting).reserved
        for n, text in enumerate(norm, 1):
            if n not in scripted and (hit := [r for r in reserved if phrase_in(r, text)]):
                problems.append(f"filler line {n} says reserved {hit}")
    if problems:
        raise SystemExit(f"{gold['meeting']}: refusing to write:\n  " + "\n  ".join(problems))


def written_meetings() -> list[Written]:
    """The hand-written meetings: their scripts are committed sources, only their gold is written."""
    import importlib

    from demo import DEMO
    from meetings_written import MEETINGS as WRITTEN

    # Blind test meetings, one module each (meetings_blind*.py), written by someone who read neither the
    # other meetings nor the notes engine.
    blind = [m for path in sorted(Path(__file__).parent.glob("meetings_blind*.py"))
             for m in importlib.import_module(path.stem).MEETINGS]  # fmt: skip
    return [*WRITTEN, *blind, DEMO]


def build_written(meeting: Written) -> tuple[str, dict]:
    raw = meeting.path.read_text(encoding="utf-8")
    gold = written_gold(meeting, raw)
    verify(None, [tuple(line.split(": ", 1)) for line in raw.splitlines()], gold)
    return raw, gold


def build_all() -> dict[str, tuple[str, dict]]:
    from meetings_dev import MEETINGS as DEV
    from meetings_long import MEETINGS as LONG
    from meetings_school import MEETINGS as SCHOOL
    from meetings_test import MEETINGS as TEST

    out = {m.name: build(m) for m in [*DEV, *TEST, *SCHOOL, *LONG]}
    out |= {m.name: build_written(m) for m in written_meetings()}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="Compare with the committed files; write nothing.")
    args = parser.parse_args(argv)
    stale = []
    written = {m.name for m in written_meetings()}
    for name, (text, gold) in build_all().items():
        payload = json.dumps(gold, indent=1, ensure_ascii=False) + "\n"
        files = {f"{name}.gold.json": payload} if name in written else {f"{name}.txt": text, f"{name}.gold.json": payload}
        for filename, content in files.items():
            path = HERE / filename
            if args.check:
                if not path.exists() or path.read_text(encoding="utf-8") != content:
                    stale.append(filename)
            else:
                path.write_text(content, encoding="utf-8")
        qs = gold["questions"]
        print(f"{name:22s} {gold['split']:4s} {gold['minutes']:4d} min {gold['words']:6d} words "
              f"{len(gold['facts']):3d} facts {len(qs):3d} questions "
              f"({sum(q['window'] == 'in' for q in qs)} in, {sum(q['window'] == 'evicted' for q in qs)} evicted, "
              f"{sum(q['kind'] == 'never' for q in qs)} never)")  # fmt: skip
    if stale:
        print("stale: " + ", ".join(stale) + " (run without --check)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
