"""LocalAgreement-2 and the hallucination guards, on scripted hypotheses (no model)."""

from __future__ import annotations

import pytest

from pipeline.messages import Word
from stages.commit_policy import (
    LocalAgreement,
    compression_ratio,
    copies_prompt,
    cut_repetition,
    drop_doubted_tail,
    drop_silent_tail,
    drop_squeezed_repeat,
    is_hallucination,
    loops,
)


def hyp(text: str, start: float = 0.0, step: float = 0.3, jitter: float = 0.0) -> list[Word]:
    """Words of `text` spaced `step` apart from `start` (plus a constant timing jitter)."""
    return [Word(w, round(start + i * step + jitter, 3), round(start + (i + 1) * step + jitter, 3))
            for i, w in enumerate(text.split())]  # fmt: skip


def texts(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


# Each case: successive hypotheses (text, jitter) -> what each insert commits, then what flush adds.
CASES = {
    "first hypothesis commits nothing": ([("hello there", 0)], [""], "hello there"),
    "agreed prefix commits": ([("hello there", 0), ("hello there general", 0)], ["", "hello there"], "general"),
    "disagreement stops the prefix": (
        [("we should ship", 0), ("we could ship now", 0)], ["", "we"], "could ship now"),
    "punctuation and case do not block agreement": (
        [("Today we", 0), ("today, we will", 0)], ["", "today, we"], "will"),
    "timing jitter at the seam loses no word": (
        [("a b c", 0), ("a b c d", 0), ("a b c d e f", -0.25), ("a b c d e f g", 0.2)],
        ["", "a b c", "d", "e f"], "g"),
    "re-emitted committed words are not committed twice": (
        [("one two", 0), ("one two three", 0), ("one two three four", 0), ("two three four five", 0.3)],
        ["", "one two", "three", "four"], "five"),
    "empty hypothesis commits nothing": ([("", 0), ("", 0)], ["", ""], ""),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_local_agreement(name):
    hypotheses, expected, after_flush = CASES[name]
    policy = LocalAgreement()
    for (text, jitter), want in zip(hypotheses, expected, strict=True):
        assert texts(policy.insert(hyp(text, jitter=jitter))) == want
    assert texts(policy.flush()) == after_flush
    assert policy.pending == []


def test_flush_with_final_hypothesis_skips_committed_words():
    policy = LocalAgreement()
    policy.insert(hyp("the release is"))
    assert texts(policy.insert(hyp("the release is on"))) == "the release is"
    assert texts(policy.flush(hyp("the release is on Friday"))) == "on Friday"


def test_committed_end_only_moves_forward():
    policy = LocalAgreement()
    policy.insert(hyp("a b c"))
    policy.insert(hyp("a b c d"))
    end = policy.committed_end
    policy.insert(hyp("x", start=0.0))
    assert policy.committed_end >= end


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the the the the the the", "the"),
        ("we will we will we will we will", "we will"),
        ("I think so. I think so. I think so. I think so.", "I think so."),
        ("no loop here at all", "no loop here at all"),
        ("yes yes yes", "yes yes yes"),  # emphasis, not a loop
    ],
)
def test_cut_repetition(text, expected):
    assert texts(cut_repetition(hyp(text))) == expected


def test_compression_ratio_flags_loops():
    assert compression_ratio("thank you " * 30) > 2.4
    assert compression_ratio("The database migration is owned by Maria, and she will finish it.") < 2.4


@pytest.mark.parametrize(
    ("text", "speech_fraction", "expected"),
    [("Thank you.", 0.1, True), ("Thanks for watching!", 0.0, True), ("Thank you.", 0.9, False),
     ("Thank you Maria.", 0.1, False), ("", 0.0, False)],
)  # fmt: skip
def test_hallucination_phrases_only_without_speech(text, speech_fraction, expected):
    assert is_hallucination(hyp(text), speech_fraction) is expected


def test_flush_without_a_final_hypothesis_keeps_the_pending_words():
    policy = LocalAgreement()
    policy.insert(hyp("honestly I do not think so"))
    assert texts(policy.flush([])) == "honestly I do not think so"


def test_commit_older_than_bounds_the_wait():
    policy = LocalAgreement()
    policy.insert(hyp("a b c d"))  # words end at 0.3, 0.6, 0.9, 1.2
    policy.insert(hyp("x y z w"))  # disagrees everywhere: nothing agreed
    assert texts(policy.commit_older_than(0.65)) == "x y"
    assert texts(policy.pending) == "z w"


def with_probs(words: list[Word], probs: list[float]) -> list[Word]:
    return [Word(w.text, w.start, w.end, p) for w, p in zip(words, probs, strict=True)]


def step(policy: LocalAgreement, text: str, probs: list[float]) -> str:
    """Insert the hypothesis `text` with these word probabilities; what it commits."""
    return texts(policy.insert(with_probs(hyp(text), probs)))


def test_a_doubtful_word_ending_the_agreed_run_waits():
    policy = LocalAgreement(min_prob=0.7)
    step(policy, "three things to convert", [0.9, 0.9, 0.9, 0.4])
    # "convert" is agreed but doubtful and last: it waits; "to" before it commits.
    assert step(policy, "three things to convert a", [0.9, 0.9, 0.9, 0.5, 0.3]) == "three things to"
    assert texts(policy.pending) == "convert a"
    # The next hypothesis corrects it: the correction is what commits.
    step(policy, "three things to cover today", [0.9] * 5)
    assert step(policy, "three things to cover today the", [0.9] * 6) == "cover today"


def test_a_doubtful_word_ending_the_agreed_run_waits_at_most_four_hypotheses():
    policy = LocalAgreement(min_prob=0.85, doubt_prob=0.5, doubt_agreement=3)
    # "We" (0.6) is agreed every time, but the word after it keeps changing.
    for n, after in enumerate(["can", "have", "can"]):
        assert step(policy, f"We {after}", [0.6, 0.9]) == "", n
    assert step(policy, "We have", [0.6, 0.9]) == "We"


def test_a_doubtful_word_inside_the_agreed_run_is_vouched_for():
    policy = LocalAgreement(min_prob=0.7)
    step(policy, "we have three", [0.9, 0.3, 0.9])
    assert step(policy, "we have three things", [0.9, 0.3, 0.9, 0.9]) == "we have three"


def test_a_very_doubtful_word_needs_a_third_hypothesis_and_holds_back_what_follows():
    policy = LocalAgreement(doubt_prob=0.5)
    step(policy, "finished most on the", [0.9, 0.9, 0.3, 0.9])
    # "on" is agreed by two hypotheses but very doubtful: it and everything after it wait.
    assert step(policy, "finished most on the planned", [0.9, 0.9, 0.4, 0.9, 0.9]) == "finished most"
    assert texts(policy.pending) == "on the planned"
    # The third hypothesis hears "of": the doubtful word never commits; the correction does, once agreed.
    assert step(policy, "finished most of the planned work", [0.9] * 6) == ""
    assert step(policy, "finished most of the planned work about", [0.9] * 7) == "of the planned work"


def test_a_very_doubtful_word_three_hypotheses_keep_commits():
    policy = LocalAgreement(doubt_prob=0.5)
    probs = [0.9, 0.3, 0.9, 0.9]
    step(policy, "the database migration", probs[:3])
    assert step(policy, "the database migration is", probs) == "the"
    # Same word in the same place a third time: it commits, with the agreed words after it.
    assert step(policy, "the database migration is bigger", [*probs, 0.9]) == "database migration is"


def test_doubt_counts_follow_the_pending_words_after_a_forced_commit():
    policy = LocalAgreement(doubt_prob=0.5)
    probs = [0.9, 0.3, 0.9, 0.3, 0.9, 0.9]  # "b" and "d" very doubtful
    step(policy, "a b c", probs[:3])
    assert step(policy, "a b c d", probs[:4]) == "a"
    assert texts(policy.commit_older_than(0.65)) == "b"  # waited too long: committed unagreed
    # "c" is in its third hypothesis, "d" only in its second: "d" and what follows wait.
    assert step(policy, "a b c d e", probs[:5]) == "c"
    assert step(policy, "a b c d e f", probs) == "d e"


# (words as (text, start, end), end of the decoded audio) -> what survives
TAILS = {
    "speech up to the end stays": ([("by", 1.0, 1.2), ("Friday.", 1.2, 1.6)], 1.8, "by Friday."),
    "a phrase in the last 0.3 s goes": ([("Friday.", 1.2, 1.6), ("Thank", 1.6, 1.75), ("you.", 1.75, 1.8)], 1.8,
                                        "Friday."),
    "zero-length words squeezed at the end go": (
        [("week.", 1.0, 1.4), ("Thank", 1.4, 1.6), ("you", 1.6, 1.6), ("very", 1.6, 1.6)], 1.7, "week."),
    "a zero-length word inside is kept": ([("a", 1.0, 1.0), ("plan", 1.0, 1.4)], 2.0, "a plan"),
    "nothing in, nothing out": ([], 1.0, ""),
}  # fmt: skip


@pytest.mark.parametrize("name", TAILS)
def test_drop_silent_tail(name):
    words, audio_end, expected = TAILS[name]
    assert texts(drop_silent_tail([Word(*w) for w in words], audio_end)) == expected


def test_drop_doubted_tail_drops_only_the_words_whisper_gave_no_chance_at_the_end():
    """The test set's real prompts ended an utterance on "Thank" (p 0.006) and "just." (p 0.01)."""
    words = [Word("go", 0.0, 0.3, 0.9), Word("forward", 0.3, 0.7, 0.04), Word("now.", 0.7, 1.0, 0.8),
             Word("Thank", 1.1, 1.3, 0.006), Word("just.", 1.3, 1.5, 0.01)]  # fmt: skip
    assert texts(drop_doubted_tail(words, 0.1)) == "go forward now."  # a doubted word inside stays
    assert texts(drop_doubted_tail(words, 0.0)) == "go forward now. Thank just."  # off
    assert drop_doubted_tail([Word("um", 0.0, 0.2, 0.01)], 0.1) == []


def test_right_context_margin_holds_back_words_near_the_audio_end():
    la = LocalAgreement()
    la.insert(hyp("we will ship on friday"))  # words end at 0.3, 0.6, ... 1.5
    assert texts(la.insert(hyp("we will ship on friday"), horizon=0.95)) == "we will ship"
    assert texts(la.insert(hyp("we will ship on friday"), horizon=float("inf"))) == "on friday"


def test_agreement_one_commits_from_a_single_hypothesis_within_the_horizon():
    la = LocalAgreement(agreement=1)
    assert texts(la.insert(hyp("we will ship on friday"), horizon=0.95)) == "we will ship"


def test_a_loop_continuing_the_committed_text_is_not_committed_again():
    """WhisperLiveKit #283/#338: two looping hypotheses agree, so LocalAgreement would commit the loop."""
    la = LocalAgreement()
    la.insert(hyp("let us move on"))
    assert texts(la.insert(hyp("let us move on"))) == "let us move on"
    looping = hyp("let us move on let us move on let us move on", start=0.0)
    later = [w for w in looping if w.start >= 1.2]  # what follows the committed words in time
    assert texts(la.insert(later)) == ""
    assert texts(la.insert(later)) == ""
    assert texts(la.flush(later)) in ("", "let us move on")  # at most the second saying, never the loop


def test_loops_and_prompt_copies():
    assert loops("let's move on. " * 6)
    assert loops("the the the the the")
    assert not loops("We will schedule the downtime for Saturday night, March twenty first.")
    prompt = "Okay. We have decided to move the release date to March twenty fourth."
    assert copies_prompt(hyp("we have decided to move the release"), prompt)
    assert not copies_prompt(hyp("we have decided on the budget today"), prompt)
    assert not copies_prompt(hyp("move the release"), prompt)  # too short to call a copy


def test_a_sentence_said_again_into_no_audio_is_dropped():
    """The end of a decode: "go forward 10 meters. Go forward 10 meters." with the copy in 0.18 s."""
    said = hyp("go forward 10 meters.", start=30.0, step=0.36)
    again = hyp("Go forward 10 meters.", start=31.46, step=0.045)
    assert texts(drop_squeezed_repeat(said + again)) == "go forward 10 meters."
    spoken_twice = hyp("go forward 10 meters. Go forward 10 meters.", start=30.0, step=0.36)
    assert drop_squeezed_repeat(spoken_twice) == spoken_twice  # a real repetition takes as long
