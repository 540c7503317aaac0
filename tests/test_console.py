"""What a person sees on a terminal, checked on a real VT100 emulator (pyte) rather than on escape codes:
committed fragments flow into sentences, the partial is redrawn in place and never scrolls the screen,
and a pipe gets plain lines."""

from __future__ import annotations

import io

import pyte
import pytest

from pipeline.console import CaptionView, LiveView, clock
from pipeline.messages import EndOfStream, Partial, Relabel, Segment, Summary


class Terminal:
    """A file-like stdout that is a screen: what was written is what a person would read."""

    def __init__(self, columns: int, lines: int = 12) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.screen.set_mode(pyte.modes.LNM)  # "\n" also returns the carriage, as a tty's onlcr does
        self.stream = pyte.Stream(self.screen)

    def write(self, text: str) -> None:
        self.stream.feed(text)

    def flush(self) -> None:
        pass

    def text(self) -> str:
        """The screen as one string: a line that wrapped reads as it was written."""
        return "".join(self.screen.display).rstrip()

    def rows(self) -> list[str]:
        rows = [row.rstrip() for row in self.screen.display]
        while rows and not rows[-1]:
            rows.pop()
        return rows


def seg(text: str, start: float, seq: int = 0, speaker: str | None = None) -> Segment:
    return Segment("s", seq, text, start, start + 1.0, speaker=speaker)


def part(text: str, start: float = 0.0) -> Partial:
    return Partial("s", 0, text, start, start + 1.0)


@pytest.fixture
def term(monkeypatch):
    def make(columns: int = 60) -> tuple[Terminal, LiveView]:
        monkeypatch.setenv("COLUMNS", str(columns))
        terminal = Terminal(columns)
        return terminal, LiveView(CaptionView(terminal, live=True))

    return make


def test_fragments_flow_into_one_line_per_sentence_with_the_partial_after_them(term):
    t, view = term()
    for msg in [part("the release"), seg("the release plan", 0.0), part("for version"), seg("for version 3", 1.2),
                part("of our app"), seg("of our app.", 2.0), part("David owns", 3.5), seg("David owns", 3.5),
                part("the migration", 4.1)]:  # fmt: skip
        view.handle(msg)
    assert t.rows() == ["[00:00.0] the release plan for version 3 of our app.", "[00:03.5] David owns the migration"]


def test_a_partial_alone_is_redrawn_in_place(term):
    t, view = term()
    for text in ["so", "so the release date", "so the", "so the release"]:
        view.handle(part(text, 12.0))
    assert t.rows() == ["[00:12.0] so the release"]


def test_the_end_of_an_utterance_ends_the_line_without_punctuation(term):
    t, view = term()
    for msg in [seg("sounds good", 1.0), part(""), part("see you", 5.0), seg("see you", 5.0)]:
        view.handle(msg)
    view.finish()
    assert t.rows() == ["[00:01.0] sounds good", "[00:05.0] see you"]
    assert t.screen.cursor.y == 2 and t.screen.cursor.x == 0  # below the captions for the shell prompt


def test_wrapped_lines_redraw_without_leftovers_and_long_partials_are_cut(term):
    t, view = term(columns=30)
    committed = "[00:00.0] we have finished most of the planned work"  # 51 characters: two rows
    view.handle(seg("we have finished most of the planned work", 0.0))
    for n in range(1, 30):  # a partial that grows far past the screen, redrawn 29 times
        view.handle(part(" ".join(["about"] * n), 3.0))
    assert t.text().startswith(committed + " …") and t.text().endswith("about about")
    assert len(t.rows()) == 3 and len(t.rows()[-1]) < 30  # the rest of a row and one more: never scrolls
    view.handle(seg("about 80 percent.", 3.0))
    assert t.text() == committed + " about 80 percent."
    assert len(t.rows()) == 3 and t.screen.cursor.y == 3  # nothing of the long partial is left below


def test_a_speaker_who_never_pauses_still_gets_new_lines(term):
    t, view = term(columns=300)
    for i in range(40):
        view.handle(seg("and then we talked about", float(i)))
    view.finish()
    rows = t.rows()
    assert len(rows) > 1 and all(len(r) <= CaptionView.MAX_LINE + 30 for r in rows)
    assert " ".join(r.split("] ", 1)[1] for r in rows) == " ".join(["and then we talked about"] * 40)


def test_a_summary_goes_below_the_captions_and_erases_the_partial(term):
    t, view = term()
    for msg in [seg("the main risk", 10.0), part("is the"), Summary("s", 0, "Overview: risks.", 0, 12.0)]:
        view.handle(msg)
    assert t.rows() == ["[00:10.0] the main risk", "── SUMMARY (up to 00:12.0) ──", "Overview: risks."]
    view.handle(part("next", 20.0))
    view.handle(EndOfStream("s", 1))
    assert t.rows()[-1] == "Overview: risks."  # the end of the stream erased the unfinished partial


def test_a_pipe_gets_one_plain_line_per_sentence_and_no_partials():
    """Piped (a log, grep), committed segments of a word or two flow into one line per sentence, written
    once whole: at a sentence end, when the utterance ends (the empty partial), at a change of speaker,
    after MAX_LINE_S of audio, and at the end. Nothing is redrawn, no partial is shown."""
    out = io.StringIO()
    view = LiveView(CaptionView(out, live=False))
    for msg in [part("the"), seg("the release plan", 0.0), part("for"), seg("for version 3.", 1.2),
                seg("We have", 3.0), part("three"), seg("three things", 3.6)]:  # fmt: skip
        view.handle(msg)
    assert out.getvalue() == "[00:00.0] the release plan for version 3.\n"  # the next line is not whole yet
    view.handle(part(""))  # the utterance ended
    assert out.getvalue().splitlines()[-1] == "[00:03.0] We have three things"
    view.handle(seg("Sure,", 6.0, speaker="S2"))
    view.handle(seg("I can", 6.5, speaker="S3"))
    view.handle(EndOfStream("s", 1))
    assert out.getvalue().splitlines()[-2:] == ["[00:06.0] S2: Sure,", "[00:06.5] S3: I can"]
    long = io.StringIO()
    nonstop = LiveView(CaptionView(long, live=False))
    for k in range(20):  # a speaker who never pauses nor ends a sentence: a line every 15 s of audio at most
        nonstop.handle(seg(f"word{k}", 2.0 * k))
    assert long.getvalue().splitlines()[0] == "[00:00.0] " + " ".join(f"word{k}" for k in range(8))


def test_a_held_pipe_line_is_written_before_a_summary_and_at_the_end():
    out = io.StringIO()
    view = LiveView(CaptionView(out, live=False))
    view.handle(seg("the main risk", 10.0))
    view.handle(Summary("s", 0, "Overview: risks.", 0, 12.0))
    view.handle(seg("is the", 13.0))
    view.finish()  # the CLI calls it in a `finally`: a failed run still writes what it holds
    assert out.getvalue().splitlines() == ["[00:10.0] the main risk", "── SUMMARY (up to 00:12.0) ──", "Overview: risks.",
                                           "[00:13.0] is the"]  # fmt: skip


def test_a_subscriber_writes_each_segment_at_once():
    out = io.StringIO()
    view = LiveView(CaptionView(out, live=False, flow=False))
    for msg in [seg("the release plan", 0.0), seg("for version 3.", 1.2)]:
        view.handle(msg)
    assert out.getvalue() == "[00:00.0] the release plan\n[00:01.2] for version 3.\n"


def test_speaker_labels_start_lines_in_their_colour(term):
    t, view = term()
    for msg in [seg("Can you own it?", 0.0, speaker="S1"), seg("Yes, I", 2.0, speaker="S2"), seg("will.", 3.0, speaker="S2")]:
        view.handle(msg)
    assert t.rows() == ["[00:00.0] S1: Can you own it?", "[00:02.0] S2: Yes, I will."]
    colours = {t.screen.buffer[row][10].fg for row in (0, 1)}  # the first letter of each label
    assert len(colours) == 2 and "default" not in colours
    assert t.screen.buffer[1][14].fg == "default"  # the words are not coloured


def test_a_pipe_shows_the_speaker_label():
    out = io.StringIO()
    view = LiveView(CaptionView(out, live=False))
    view.handle(seg("Yes, I will.", 62.3, speaker="S2"))
    assert out.getvalue() == "[01:02.3] S2: Yes, I will.\n"


def test_a_speaker_correction_is_shown_on_its_own_line():
    """The labeller corrected an earlier line (it rides on a later segment): the line is shown again with
    the right label and the one it had; a correction of a line never shown, or to the same label, is not."""
    out = io.StringIO()
    view = LiveView(CaptionView(out, live=False))
    view.handle(seg("Can you own the fix?", 60.0, seq=4, speaker="S1"))
    view.handle(seg("Sure,", 62.3, seq=5, speaker="S1"))
    fixed = Segment("s", 6, "I will take it.", 62.9, 64.0, speaker="S2",
                    relabels=(Relabel(5, "S2"), Relabel(4, "S1"), Relabel(1, "S2")))  # fmt: skip
    view.handle(fixed)
    assert out.getvalue().splitlines() == ["[01:00.0] S1: Can you own the fix?", "[01:02.3] S1: Sure,",
                                           "[01:02.3] S2 (was S1): Sure,", "[01:02.9] S2: I will take it."]  # fmt: skip


@pytest.mark.parametrize(("seconds", "shown"), [(0, "00:00.0"), (59.94, "00:59.9"), (179.96, "03:00.0"),
                                                (3599.96, "1:00:00.0"), (3725.3, "1:02:05.3"), (-1, "00:00.0")])  # fmt: skip
def test_clock_never_shows_sixty_seconds(seconds, shown):
    assert clock(seconds) == shown
