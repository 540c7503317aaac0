"""Is a generated line backed by the transcript? Names, numbers and dates, normalised and looked up.

A small model's worst failure is not a missing fact but an invented one: an owner nobody named, a date
nobody said. Every note item and every answer is checked here against the text it was generated from,
before anyone reads it. The check is lexical on purpose: cheap, predictable, and explainable in one line
("'Kevin' does not occur in the sources").

Normalisation makes "March twenty fourth", "March 24th" and "24 March" the same tokens, and "$65,000",
"65,000 dollars" and "sixty-five thousand" the same number, because Whisper and the model write numbers
either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.messages import Segment

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
ORDINAL_WORDS = frozenset(_ORDINALS)  # "first" ... "thirtieth", for patterns elsewhere
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_ABBR = {m[:3]: m for m in MONTHS} | {"sept": "september"}

# Capitalised words that are not names: sentence starters, headings and the words models like to open
# an answer with. A capitalised word outside this list must occur in the sources.
COMMON_CAPITALISED = frozenset(
    "i i'm i'll i've i'd a an the this that these those it its it's there they them their we our he she his "
    "her you your yes no not none nobody nothing all both each every any some no one as at in on of for to "
    "by from with without after before during since until about according based per if whether when while where who "
    "what which why how so but and or also then however therefore overall currently still only just "
    "answer question decision decisions action actions item items open questions key facts notes note "
    "meeting team transcript summary owner due task unknown unclear unassigned none tbd n/a ok okay sure "
    "good great thanks thank sorry unfortunately yes everyone someone anyone earlier later today tomorrow "
    "yesterday next last week weekend month year morning afternoon evening night q a s us uk eu ceo cto "
    "cfo vp hr it qa ui ux api pm am now well alright right fine please hey hi hello listen look actually "
    "honestly maybe perhaps again first second finally anyway".split()
)
# Verbs that open a task or a decision the model words as a command ("Move the book sale outside"). Opening
# an item they are not names: the model's "Move the book sale ..." was dropped as naming "Move" on a dev
# meeting that said "the book sale goes outside". Only at the start of a sentence: inside one, a capitalised
# word is a name whatever it spells. None of them is a common first name.
TASK_VERBS = frozenset("""
    add answer approve arrange ask book brief bring buy call cancel check clean collect confirm contact
    coordinate create deliver deploy do draft email finalise finalize find finish fix follow get handle hire
    invite look make merge move organise organize pay pick prepare publish put reach rebook renew reply reserve
    review rewrite schedule send share sign submit talk tell train update upload write
""".split())
OPENING_VERBS = TASK_VERBS | frozenset("""
    accept allocate assign cut decline delay drop extend give hold increase keep launch limit lower offer
    open pause postpone proceed push raise reduce reject remove rent replace resume return sell ship skip
    spend split start stay stop switch use
""".split())

_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d[\d,]*(?:\.\d+)?")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:'s)?\b")


# A title's full stop ends no sentence ("Jen, can you call Mrs. Okafor tonight?"): lookbehinds for the
# splitters of owners, checks and said. NOT_A_TITLE goes before a `\.` the pattern matches; FULL_STOP
# is the position just after a full stop that ends a sentence.
_TITLES = ("Mr", "Mrs", "Ms", "Dr", "St", "Prof")
NOT_A_TITLE = "".join(rf"(?<!\b{t})" for t in _TITLES)
FULL_STOP = r"(?<=\.)" + "".join(rf"(?<!\b{t}\.)" for t in _TITLES)
SENTENCE_END = re.compile(rf"(?:(?<=[!?])|{FULL_STOP})\s+")  # between sentences: "Mr." ends none

def _number_words(words: list[str]) -> list[str]:
    """Replace runs of number words by digits: "twenty four" -> "24", "four hundred" -> "400",
    "twenty fourth" -> "24"; "one" alone stays a word unless a number follows (it is usually a pronoun)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        total, current, used, ordinal = 0, 0, 0, False
        j = i
        while j < len(words):
            w = words[j]
            if w in _UNITS:
                if current % 10 or current % 100 >= 10 and current % 100 < 20:
                    break  # "twenty one one": a second number starts
                current += _UNITS[w]
            elif w in _TENS:
                if current % 100:
                    break
                current += _TENS[w]
            elif w in _ORDINALS:
                if w in _ORDINALS and current % 10 and _ORDINALS[w] < 10:
                    break
                current += _ORDINALS[w]
                ordinal = True
                j += 1
                break
            elif w in _SCALES and (current or total):
                scale = _SCALES[w]
                if scale == 100:
                    current *= 100
                else:
                    total += current * scale
                    current = 0
            elif w == "a" and j == i and j + 1 < len(words) and words[j + 1] in _SCALES:
                current = 1  # "a hundred and fifty thousand" is 150000, not "a" + 50000
            elif w == "hundred" and j == i and _number_word_after(words, j):
                current = 100  # "(a) hundred and fifty chairs": the "a" is often swallowed, or not heard
            elif w == "and" and used and j + 1 < len(words) and (words[j + 1] in _UNITS or words[j + 1] in _TENS):
                pass
            else:
                break
            used += 1
            j += 1
        used = j - i
        if used == 0 or (used == 1 and words[i] in ("one", "second") and not ordinal):
            out.append(words[i])
            i += 1
            continue
        if used == 1 and ordinal and words[i] in ("first", "second") and not (out and out[-1] in MONTHS):
            out.append(words[i])  # "first" is an order far more often than a date ("June second" is one)
            i += 1
            continue
        out.append(str(total + current))
        i = j
    return out


def _number_word_after(words: list[str], j: int) -> bool:
    """A number word follows words[j], directly or after "and"."""
    rest = words[j + 2 : j + 3] if words[j + 1 : j + 2] == ["and"] else words[j + 1 : j + 2]
    return bool(rest) and (rest[0] in _UNITS or rest[0] in _TENS)


def normalise(text: str) -> list[str]:
    """Lower-case tokens with numbers as digits: "$65,000" -> "65000", "24th" -> "24", "Sept." -> september."""
    raw = []
    for tok in _TOKEN.findall(text.replace("-", " ")):
        low = tok.lower()
        if low[0].isdigit():
            low = low.replace(",", "")
            if low.endswith(".0"):
                low = low[:-2]
        elif low.endswith("'s"):
            low = low[:-2]
        raw.append(_MONTH_ABBR.get(low, low))
    # "24th" / "1st": the digits were split from the suffix by the tokenizer; drop the suffix.
    cleaned = [w for k, w in enumerate(raw) if not (w in ("st", "nd", "rd", "th") and k and raw[k - 1][0].isdigit())]
    return _decimals(_number_words(cleaned))


def _decimals(words: list[str]) -> list[str]:
    """"two point four million" (-> 2, point, 4000000) and "2.4 million" both -> 2400000; "one point
    five" -> 1.5: people say decimals, models write them."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w == "point" and out and (out[-1].isdigit() or out[-1] == "one") and i + 1 < len(words) and words[i + 1].isdigit():
            whole, frac = int(out.pop().replace("one", "1")), int(words[i + 1])
            scale = next((s for s in (10**9, 10**6, 10**3) if frac >= s and frac % s == 0 and frac // s < 10), 1)
            out.append(_fmt(whole + (frac // scale) / 10) if scale == 1 and frac < 10 else
                       _fmt((whole + frac // scale / 10) * scale) if scale > 1 else f"{whole}.{frac}")  # fmt: skip
            i += 2
            continue
        if w in _SCALES and out and re.fullmatch(r"\d+\.\d+", out[-1]):
            out.append(_fmt(float(out.pop()) * _SCALES[w]))
            i += 1
            continue
        out.append(w)
        i += 1
    return out


def _fmt(value: float) -> str:
    return str(int(round(value))) if abs(value - round(value)) < 1e-6 else f"{value:g}"


def numbers(text: str) -> set[str]:
    return {t for t in normalise(text) if t[0].isdigit()}


def names(text: str, sentence_initial: bool = True) -> set[str]:
    """Capitalised words that could be names (lower-cased), without the common sentence starters.
    With `sentence_initial=False`, a capitalised word opening a sentence is not taken ("Take over the
    migration"): for comparing two texts, where a false name matters more than a missed one."""
    found = set()
    for m in _CAPITALISED.finditer(text):
        word = m.group(0)
        before = text[: m.start()].rstrip()
        opens = not before or before[-1] in ".!?:;\n"
        if opens and (not sentence_initial or word.lower() in OPENING_VERBS):
            continue
        low = word.lower().removesuffix("'s")
        if low in COMMON_CAPITALISED or low in MONTHS or low in WEEKDAYS or low in _MONTH_ABBR:
            continue
        # "Three thousand euros are left": a number word opening a sentence is a number (checked as one),
        # not a name; taken as a name it failed every reply that starts with its figure.
        if low in _UNITS or low in _TENS or low in _ORDINALS or low in _SCALES or low.split("-")[0] in _TENS:
            continue
        found.add(low)
    return found


@dataclass(frozen=True)
class Check:
    """What a generated text claims that its sources do not say."""

    unknown_names: tuple[str, ...] = ()  # people, places, products; months and weekdays too (dates)
    unknown_numbers: tuple[str, ...] = ()

    @property
    def grounded(self) -> bool:
        return not self.unknown_names and not self.unknown_numbers

    def why(self) -> str:
        parts = [f"'{n}'" for n in self.unknown_names + self.unknown_numbers]
        return f"{', '.join(parts)} not in the sources" if parts else ""


# A currency is part of what a figure says. The 1.5B model wrote "The levy number is 2,300,000 euros" of a
# meeting that never named a currency (the prompt's worked example is in euros): 9 of the read meetings'
# final notes stated a currency their meeting never said (bench.notes_banks, stop 37).
_CURRENCY_FAMILIES = {"euro": ("euro", "euros"), "dollar": ("dollar", "dollars", "buck", "bucks"),
                      "pound": ("pound", "pounds", "quid")}  # fmt: skip
_CURRENCY_SYMBOLS = {"€": "euro", "$": "dollar", "£": "pound"}
_CURRENCY_OF = {w: family for family, words in _CURRENCY_FAMILIES.items() for w in words}
_CURRENCY_WORD = re.compile(r"\b(" + "|".join(_CURRENCY_OF) + r")\b", re.IGNORECASE)
_CURRENCY_SYMBOL = re.compile(r"[€$£]")
_CURRENCY_SYMBOL_BEFORE_FIGURE = re.compile(r"[€$£](?=\s?\d)")


def _is_number_word(word: str) -> bool:
    low = word.lower().strip(",.")
    return any(part in _UNITS or part in _TENS or part in _SCALES for part in low.split("-")) or low == "grand"


def currencies(text: str) -> set[str]:
    """The currencies a text names, by word or symbol: "$65,000 or sixty quid" -> {dollar, pound}."""
    named = {_CURRENCY_OF[m.group(1).lower()] for m in _CURRENCY_WORD.finditer(text)}
    return named | {_CURRENCY_SYMBOLS[m.group(0)] for m in _CURRENCY_SYMBOL.finditer(text)}


class Sources:
    """The normalised vocabulary of some source texts, for repeated checks against them."""

    def __init__(self, *texts: str) -> None:
        self.words: set[str] = set()
        self.stems: set[str] = set()  # "owns" grounds "Own the migration": a capitalised verb, not a name
        self.currencies: set[str] = set()
        for text in texts:
            self.add(text)

    @classmethod
    def of_segments(cls, segments: Sequence[Segment]) -> Sources:
        """Sources from committed segments, speaker and text: never the "[03:12]" stamps of the
        prompt's lines, whose digits would ground any number."""
        return cls(*(f"{s.speaker or ''} {s.text}" for s in segments))

    def add(self, text: str) -> None:
        words = normalise(text)
        self.words.update(words)
        self.stems.update(stem(w) for w in words)
        self.currencies.update(currencies(text))

    def without_unsaid_currency(self, text: str) -> str:
        """`text` without the currency words and symbols the sources never use: the figure stays, the
        currency the model supplied goes ("2,300,000 euros" -> "2,300,000")."""
        unsaid = currencies(text) - self.currencies
        if not unsaid:
            return text

        def unit(m: re.Match[str]) -> str:  # a currency word right after a figure is its unit
            before = text[: m.start()].split()
            figure = bool(before) and (before[-1][-1].isdigit() or _is_number_word(before[-1]))
            return "" if figure and _CURRENCY_OF[m.group(1).lower()] in unsaid else m.group(0)

        text = _CURRENCY_WORD.sub(unit, text)
        text = _CURRENCY_SYMBOL_BEFORE_FIGURE.sub(
            lambda m: "" if _CURRENCY_SYMBOLS[m.group(0)] in unsaid else m.group(0), text)
        return re.sub(r"\s+([.,;:!?)\]])", r"\1", " ".join(text.split()))

    def check(self, text: str) -> Check:
        """Names and numbers of `text` that the sources do not contain. A date is its month and day
        number and its month or weekday, each of which must occur: "April 10" is not grounded by
        "March tenth"."""
        calendar = {w for w in normalise(text) if w in MONTHS or w in WEEKDAYS}
        unknown_names = tuple(sorted(
            n for n in names(text) | calendar if n not in self.words and stem(n) not in self.stems
        ))  # fmt: skip
        unknown_numbers = tuple(sorted(n for n in numbers(text) if n not in self.words))
        return Check(unknown_names, unknown_numbers)


CONTENT_STOPWORDS = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been being it its this that "
    "these those there here we you they he she i me my our your their his her them us will would shall "
    "should can could may might must do does did done have has had not no yes so then than too very just "
    "about into over after before up down out off again also all any some each every what who whom whose "
    "which when where why how if because while until one get got go going let let's lets okay ok right "
    "well yeah good great thanks thank think know sure really".split()
)


def content_words(text: str) -> set[str]:
    """Words that carry meaning, crudely stemmed ("owns" ~ "own", "issues" ~ "issue"), for overlap."""
    out = set()
    for w in normalise(text):
        if w in CONTENT_STOPWORDS or len(w) < 2:
            continue
        out.add(stem(w))
    return out


def stem(word: str) -> str:
    """Crude, and the same on both sides of every comparison: "updating", "updated", "update" ->
    "updat"; "owns" -> "own"; "issues", "issue" -> "issu"."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") and word[0].isalpha() else word


# A speaker correcting what was said: "Sorry, I misspoke: the budget is forty five thousand", "You're right,
# sorry, I used the old sheet." (notes: the corrected figure is the fact; answers: a figure later corrected is
# not the answer).
CORRECTION = re.compile(r"\b(?:sorry|i misspoke|correction|my mistake|my bad|i mean|scratch that|let me correct|"
                        r"(?:have|need) to correct|correct (?:that|myself)|"
                        r"i was wrong|i had it wrong|you're right|you are right)\b", re.IGNORECASE)


# A count given as the settled one: "the final number from the payment logs is twelve hundred customers".
FINAL_FIGURE = re.compile(r"\bthe (?:final|actual|real|corrected|updated|revised) (?:number|figure|count|total|tally)\b",
                          re.IGNORECASE)
