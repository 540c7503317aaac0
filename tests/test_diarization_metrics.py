"""bench.diarization's scoring on cases worked by hand: DER (frames, optimal label mapping, collar) and
speaker-attributed WER (cpWER), so the figures in the README mean what they say."""

from __future__ import annotations

import numpy as np
import pytest

from bench.diarization import Recording, cp_wer, der

TURNS = [(0.0, 10.0, "A"), (10.0, 20.0, "B")]


def test_der_maps_labels_to_speakers_and_counts_each_kind_of_error():
    assert der(TURNS, [(0.0, 10.0, "S2"), (10.0, 20.0, "S1")], collar=0.0)["der"] == 0.0  # names do not matter
    half = der(TURNS, [(0.0, 20.0, "S1")], collar=0.0)
    assert half["der"] == pytest.approx(0.5) and half["confusion"] == pytest.approx(10.0)
    missed = der(TURNS, [(0.0, 10.0, "S1")], collar=0.0)
    assert missed["missed"] == pytest.approx(10.0) and missed["der"] == pytest.approx(0.5)
    extra = der(TURNS, [(0.0, 10.0, "S1"), (10.0, 20.0, "S2"), (20.0, 25.0, "S2")], collar=0.0)
    assert extra["false_alarm"] == pytest.approx(5.0) and extra["der"] == pytest.approx(0.25)
    # The collar leaves 0.25 s either side of every reference boundary unscored: a late switch is forgiven.
    late = [(0.0, 10.2, "S1"), (10.2, 20.0, "S2")]
    assert der(TURNS, late)["der"] == 0.0 and der(TURNS, late, collar=0.0)["der"] > 0.0


def test_cpwer_charges_words_given_to_the_wrong_speaker():
    rec = Recording("r", np.zeros(1, np.float32), [(0, 1, "A"), (1, 2, "B"), (2, 3, "A")],
                    ["hello there friend", "I will send it", "thanks a lot"])  # fmt: skip
    right = [("S1", "Hello there, friend."), ("S2", "I will send it."), ("S1", "Thanks a lot.")]
    assert cp_wer(rec, right) == {"cpwer": 0.0, "wer": 0.0, "reference_words": 10}
    one_label = cp_wer(rec, [("S1", t) for _, t in right])  # every word right, every word S1
    assert one_label["wer"] == 0.0 and one_label["cpwer"] == pytest.approx(0.8)  # 4 inserted into A, B's 4 deleted
    late_turn = cp_wer(rec, [("S1", "hello there friend"), ("S2", "I will"), ("S1", "send it thanks a lot")])
    assert late_turn["cpwer"] == pytest.approx(0.4)
    assert cp_wer(rec, [])["cpwer"] == 1.0
