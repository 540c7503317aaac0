"""Text rules of the quality benchmark: normalisation, number words, notes sections, owners, names.

Everything here is a pure function of strings, so the rules can be read, tested and argued with apart
from any model. `bench.quality_score` builds the metrics on top of them; the rules are also listed in
bench/data/quality/README.md.

Normalisation (`normalise`), applied to gold keywords and to the text they are matched in alike:
- time references such as `[03:12]`, `[03:12, 04:01]` or `[1:02:03.5]` are removed (the notes cite transcript times);
- lowercase; `'s` dropped (David's -> david); `n't` -> ` not`; hyphens and punctuation become spaces,
  except a decimal point between digits;
- numbers: `2,000` -> 2000, `24th` -> 24, `45k` -> 45000, `$10` -> `10 dollars`, `80%` -> `80 percent`,
  number words -> digits (`four hundred` -> 400, `twenty fourth` -> 24, `one hundred and eighty five
  thousand` -> 185000, `two point three` -> 2.3, `1.5 million` -> 1500000); `first`/`second` only next to
  a month (`the second of March`), elsewhere they are ordinary words;
- months: abbreviations -> the full name; `24 March` / `24th of March` -> `march 24`.
Keyword matching is on whole words of the normalised text (a keyword alternative ending in `*` matches any
word starting with it: `migrat*`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?"
_TIME_REF = re.compile(rf"[\[(]\s*{_CLOCK}(?:\s*(?:[,;–-]|and|to)\s*{_CLOCK})*\s*[\])]")
UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}  # fmt: skip
TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
ORDINALS = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split())}  # fmt: skip
ORDINALS |= {w[:-1] + "ieth": v for w, v in TENS.items()} | {"hundredth": 100, "thousandth": 1000}
SCALES = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]  # fmt: skip
_MONTH_ABBR = {m[:3]: m for m in MONTHS} | {"sept": "september"}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def strip_time_refs(text: str) -> str:
    return _TIME_REF.sub(" ", text)


def _symbols(text: str) -> str:
    """Digits, money, percent and possessives written out before punctuation goes."""
    t = strip_time_refs(text).lower().replace("’", "'").replace("‘", "'")
    t = re.sub(r"(\w)n't\b", r"\1 not", t)
    t = re.sub(r"\bcan not\b", "cannot", t)
    t = re.sub(r"(\w)'s\b", r"\1", t)
    while re.search(r"\d,\d{3}\b", t):
        t = re.sub(r"(\d),(\d{3})\b", r"\1\2", t)
    t = re.sub(r"(\d+)(?:st|nd|rd|th)\b", r"\1", t)
    t = re.sub(r"(\d+(?:\.\d+)?)\s?k\b", lambda m: _fmt(float(m.group(1)) * 1000), t)
    t = re.sub(r"[$€£]\s?(\d+(?:\.\d+)?(?:\s?(?:thousand|million|billion))?)", r"\1 dollars", t)
    t = re.sub(r"(\d)\s?%", r"\1 percent", t)
    t = re.sub(r"(?<=\d)\.(?=\d)", "\x00", t)  # keep decimal points through the punctuation pass
    t = re.sub(r"[^\w\x00]+", " ", t).replace("\x00", ".").replace("_", " ")
    return t


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _month_near(tokens: list[str], i: int) -> bool:
    """`first`/`second` are dates only next to a month: `march second`, `the first of april`."""
    before = tokens[max(0, i - 2) : i]
    after = tokens[i + 1 : i + 3]
    return any(t in MONTHS for t in before) or (after[:1] == ["of"] and after[1:2] and after[1] in MONTHS) or (
        bool(after) and after[0] in MONTHS)  # fmt: skip


def _number_word_after(tokens: list[str], j: int) -> bool:
    """A number word follows tokens[j], directly or after "and"."""
    rest = tokens[j + 2 : j + 3] if tokens[j + 1 : j + 2] == ["and"] else tokens[j + 1 : j + 2]
    return bool(rest) and (rest[0] in UNITS or rest[0] in TENS)


def _read_number(tokens: list[str], i: int) -> tuple[float, int] | None:
    """Parse the number starting at tokens[i]; returns (value, tokens used) or None."""
    total, current, used, last = 0.0, 0.0, 0, ""
    j = i
    while j < len(tokens):
        t = tokens[j]
        if _NUMBER.match(t) and last == "":
            current, last = float(t), "digit"
        elif t == "a" and last == "" and j + 1 < len(tokens) and tokens[j + 1] in ("hundred", *SCALES):
            current, last = 1.0, "a"
        elif t in UNITS and (last in ("", "hundred", "scale") or (last == "tens" and UNITS[t] < 10)):
            current, last = current + UNITS[t], "unit"
        elif t in TENS and last in ("", "hundred", "scale"):
            current, last = current + TENS[t], "tens"
        elif t == "hundred" and last in ("unit", "a", "digit"):
            current, last = current * 100, "hundred"
        elif t == "hundred" and last == "" and _number_word_after(tokens, j):
            current, last = 100.0, "hundred"  # "(a) hundred and fifty": the "a" is often not said or heard
        elif t in SCALES and last in ("unit", "tens", "hundred", "a", "digit", "decimal"):
            total, current, last = total + current * SCALES[t], 0.0, "scale"
        elif t == "and" and last in ("hundred", "scale") and j + 1 < len(tokens) and (
                tokens[j + 1] in UNITS or tokens[j + 1] in TENS):  # fmt: skip
            pass
        elif t == "point" and last in ("unit", "tens", "digit") and j + 1 < len(tokens) and tokens[j + 1] in UNITS:
            digits = ""
            while j + 1 < len(tokens) and tokens[j + 1] in UNITS and UNITS[tokens[j + 1]] < 10:
                j += 1
                digits += str(UNITS[tokens[j]])
            current, last = current + float("0." + digits), "decimal"  # "two point four million"
        elif t in ORDINALS and (last in ("", "hundred", "scale") or (last == "tens" and ORDINALS[t] < 10)):
            if t in ("first", "second") and last == "" and not _month_near(tokens, j):
                break
            current, used = current + ORDINALS[t], j + 1 - i
            break
        else:
            break
        j += 1
        used = j - i
    if used == 0 or last == "a" and used == 1:
        return None
    return total + current, used


def _numbers_to_digits(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        got = _read_number(tokens, i)
        if got is None:
            out.append(tokens[i])
            i += 1
        else:
            out.append(_fmt(got[0]))
            i += got[1]
    return out


def _canonical_dates(tokens: list[str]) -> list[str]:
    """`24 march` / `24 of march` / `the 24 of march` -> `march 24` (one spelling to match)."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if _NUMBER.match(t) and "." not in t and int(t) <= 31:
            k = i + 1 + (tokens[i + 1 : i + 2] == ["of"])
            if k < len(tokens) and tokens[k] in MONTHS:
                out += [tokens[k], t]
                i = k + 1
                continue
        out.append(t)
        i += 1
    return out


def tokens(text: str) -> list[str]:
    """The normalised words of `text` (see the module docstring)."""
    words = [_MONTH_ABBR.get(w, w) for w in _symbols(text).split()]
    return _canonical_dates(_numbers_to_digits(words))


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    return " ".join(tokens(text))


def numbers_in(text: str) -> set[str]:
    return {t for t in tokens(text) if _NUMBER.match(t)}


def phrase_in(phrase: str, normalised_text: str) -> bool:
    """Whole-word match of a (raw) keyword alternative in already normalised text; `word*` is a prefix."""
    words = normalise(phrase.rstrip("*")).split()
    if not words:
        return False
    pattern = r"\s".join(re.escape(w) for w in words)
    tail = r"\w*" if phrase.endswith("*") else ""
    return re.search(r"(?<!\S)" + pattern + tail + r"(?!\S)", normalised_text) is not None


def groups_match(groups: list[list[str]], normalised_text: str) -> int:
    """How many keyword groups match (a group matches when any of its alternatives does)."""
    return sum(any(phrase_in(alt, normalised_text) for alt in group) for group in groups)


# -- notes ------------------------------------------------------------------------------------------------

SECTION_NAMES = {
    "overview": ["overview", "summary", "meeting summary"],
    "decision": ["decisions", "decision", "key decisions", "decisions made", "agreed"],
    "action": ["action items", "action item", "actions", "next steps", "tasks", "todo", "to do", "follow ups",
               "follow up"],
    "open": ["open questions", "open question", "open issues", "questions", "unresolved", "open points",
             "pending questions", "unresolved questions"],
    "facts": ["key facts", "facts", "numbers and dates", "numbers", "dates", "key numbers", "key dates",
              "key numbers and dates", "details", "key points"],
}  # fmt: skip
_HEADING = {name: section for section, names in SECTION_NAMES.items() for name in names}
_HEAD_LINE = re.compile(r"^\s*#*\s*\**\s*([A-Za-z][A-Za-z /&-]{1,40}?)\s*\**\s*:\s*\**\s*(.*)$|^\s*#*\s*\**\s*([A-Za-z][A-Za-z /&-]{1,40}?)\s*\**\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)])\s+")
EMPTY_ITEMS = {"", "none", "n a", "na", "nothing", "no", "tbd", "none yet", "none so far", "no decisions",
               "no action items", "no open questions"}  # fmt: skip


@dataclass(frozen=True)
class NoteItem:
    section: str  # overview | decision | action | open | facts | other (before any heading)
    text: str  # the item as written, bullet removed


def _heading(line: str) -> tuple[str, str] | None:
    """(section, rest of the line) when the line is a section heading."""
    m = _HEAD_LINE.match(line)
    if not m:
        return None
    name, rest = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), "")
    key = " ".join(re.sub(r"[^a-z ]", " ", name.lower()).split())
    section = _HEADING.get(key)
    return (section, rest.strip()) if section else None


def parse_notes(text: str) -> list[NoteItem]:
    """Items of notes by section. Headings are case-insensitive, with or without markdown; an item is a
    bulleted or numbered line, or any other non-empty line under a heading; `none` items are dropped;
    text on a heading's own line (`Overview: ...`) is an item of that section."""
    items: list[NoteItem] = []
    section = "other"
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        head = None if _BULLET.match(line) else _heading(line)
        if head is not None:
            section, line = head
            if not line:
                continue
        line = _BULLET.sub("", line).strip().strip("*").strip()
        if normalise(line) in EMPTY_ITEMS:
            continue
        items.append(NoteItem(section, line))
    return items


_OWNER_FIELD = re.compile(r"\b(?:owner|owners|assigned to|assignee|responsible)\s*[:=]?\s*([A-Z][\w'-]+(?:\s*(?:,|and|&)\s*[A-Z][\w'-]+)*)")
_OWNER_PREFIX = re.compile(r"^\**([A-Z][\w'-]*(?:\s*(?:,|and|&|/)\s*[A-Z][\w'-]*)*)\**\s*(?::|—|–|\s-\s)\s*\S")
_OWNER_VERB = re.compile(r"^([A-Z][\w'-]+)\s+(?:will|'ll|is going to|owns|to|should|needs to|must|takes|agreed to)\b")
NOT_OWNERS = {"action", "task", "todo", "owner", "none", "tbd", "team", "everyone", "all", "we", "the", "next"}


def action_owners(item: str) -> list[str]:
    """Owners of an action item, lowercased: `David: task`, `David — task`, `task (owner: David)`,
    `David will ...`; several with `and`, `,`, `&` or `/`. Empty when none is named."""
    text = strip_time_refs(item).strip()
    for regex in (_OWNER_FIELD, _OWNER_PREFIX, _OWNER_VERB):
        m = regex.search(text) if regex is _OWNER_FIELD else regex.match(text)
        if m:
            names = [n.strip().lower().removesuffix("'s") for n in re.split(r",|\band\b|&|/", m.group(1))]
            names = [n for n in names if n and n not in NOT_OWNERS]
            if names:
                return names
    return []


# -- names and invented content --------------------------------------------------------------------

ALLOWED_CAPITALISED = ({"i", "ok", "okay", "none", "tbd", "n/a", "q", "eta", "faq"} | set(MONTHS) | set(WEEKDAYS)
                       | {word for name in _HEADING for word in name.split()})  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
COMMON_ACRONYMS = {"ok", "tbd", "tba", "eta", "faq", "asap", "fyi", "am", "pm", "id", "na", "qa", "hr", "it", "ai", "ui",
                   "ux", "api", "kpi", "pr", "vs", "etc", "none", "q"}  # fmt: skip
_SENTENCE_START = re.compile(r"(?:^|[\n.!?:;(\[—–•·]|\s-\s)[ \t]*[\"'*#]*$")


def capitalised_words(text: str) -> list[str]:
    """The candidates for names: capitalised words that do not start a sentence, a line, an item or a
    clause after `:`, and acronyms (AWS) wherever they stand, but for common ones (`COMMON_ACRONYMS`)."""
    text = strip_time_refs(text)
    out = []
    for m in _WORD.finditer(text):
        word = m.group(0).rstrip("'’-")
        acronym = len(word) > 1 and word.isupper()
        if not word[0].isupper() or acronym and word.lower() in COMMON_ACRONYMS:
            continue
        if not acronym and _SENTENCE_START.search(text[: m.start()]):
            continue
        out.append(re.sub(r"['’]s$", "", word))
    return out


@dataclass(frozen=True)
class Invented:
    names: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()  # month or weekday names

    @property
    def clean(self) -> bool:
        return not (self.names or self.numbers or self.dates)

    def as_dict(self) -> dict[str, list[str]]:
        return {"names": list(self.names), "numbers": list(self.numbers), "dates": list(self.dates)}


@dataclass(frozen=True)
class Known:
    """What a text may mention without inventing: the words and numbers of the transcript so far (with
    its speakers' names) and, for an answer, of the question."""

    words: frozenset[str]
    numbers: frozenset[str]

    @classmethod
    def of(cls, texts: list[str]) -> Known:
        words: set[str] = set()
        for text in texts:
            words.update(tokens(text))
        return cls(frozenset(words), frozenset(w for w in words if _NUMBER.match(w)))

    def plus(self, text: str) -> Known:
        more = Known.of([text])
        return Known(self.words | more.words, self.numbers | more.numbers)


def invented(text: str, known: Known, owners: list[str] = ()) -> Invented:  # type: ignore[assignment]
    """Names, numbers and dates in `text` that the transcript so far does not contain.

    Names: capitalised words (see `capitalised_words`) plus the owners of action items, whose lowercase
    form is no transcript word; months, weekdays and section headings are not names. Numbers: every
    number of the normalised text not among the transcript's numbers. Dates: month and weekday names that
    the transcript does not contain.
    """
    names = []
    for word in [*capitalised_words(text), *owners]:
        key = " ".join(tokens(word))
        if key and key not in ALLOWED_CAPITALISED and not all(w in known.words for w in key.split()):
            names.append(word)
    words = tokens(text)
    numbers = sorted({w for w in words if _NUMBER.match(w) and w not in known.numbers})
    raw = {w.lower() for w in _WORD.findall(strip_time_refs(text))}
    calendar = [w for w in [*MONTHS, *WEEKDAYS] if w in raw and w != "may" and w not in known.words]
    if "May" in _WORD.findall(text) and "may" not in known.words:  # the month, not the verb
        calendar.append("may")
    return Invented(tuple(dict.fromkeys(names)), tuple(numbers), tuple(calendar))
