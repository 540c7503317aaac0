"""bench.asr_sim: the streaming policy with a virtual clock (real tiny.en, one short file)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time

import numpy as np
import pytest

from bench import asr_sim
from bench.metrics import wer
from pipeline.messages import SAMPLE_RATE
from stages.settings import TranscribeConfig
from tests.conftest import SAMPLES, read_all

pytestmark = pytest.mark.slow


def test_sim_tags_every_committed_word_and_measures(tmp_path, speech_wav, capsys):
    shutil.copy(speech_wav, tmp_path / "speech.wav")
    (tmp_path / "speech.txt").write_text(
        "Good morning everyone. Today we will decide the release date for version two. "
        "The database migration is owned by Maria, and she will finish it next week."
    )
    out = tmp_path / "sim.json"
    assert asr_sim.main([str(tmp_path), "--json", str(out), "--set", "step_s=1.5"]) == 0
    result = json.loads(out.read_text())
    overall, (file,) = result["overall"], result["files"]
    assert result["config"]["step_s"] == 1.5
    assert overall["wer"] <= 0.2
    assert sum(overall["commits"].values()) == len(file["words"]) == len(file["text"].split())
    assert set(overall["commits"]) <= {"insert", "flush", "commit_older_than"}
    assert 0 <= overall["latency_median_s"] <= overall["latency_p95_s"] < 10
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["wer"] == overall["wer"]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("nope=1", "unknown config key transcribe.nope"),
        ("step_s=fast", "transcribe.step_s: expected a number, got 'fast'"),
        ("step_s=0", "step_s must be 0.2..10, got 0"),
    ],
)
def test_bad_override_is_a_one_line_usage_error(tmp_path, item, message, capsys):
    with pytest.raises(SystemExit) as info:
        asr_sim.main([str(tmp_path), "--set", item])
    assert info.value.code == 2 and message in capsys.readouterr().err


class SlowedWhisper:
    """The real model, made slower by a fixed sleep per decode: a machine under load, on demand."""

    def __init__(self, model, delay_s: float) -> None:  # noqa: ANN001
        self.model, self.delay_s = model, delay_s

    def transcribe_window(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        time.sleep(self.delay_s)
        return self.model.transcribe_window(*args, **kwargs)


def two_prompts() -> np.ndarray:
    """Two real Asterisk prompts with a pause between: two utterances, the second prompted by the first."""
    pause = np.zeros(int(1.5 * SAMPLE_RATE), np.float32)
    parts = [read_all(SAMPLES / "human" / f"{name}.flac") for name in ("followme-status", "queue-youarenext")]
    return np.concatenate([parts[0], pause, parts[1], pause])


def test_model_clock_commits_the_same_words_whatever_the_load():
    """With the fixed decode-cost model, a decode that takes 0.4 s longer (a loaded machine) changes
    nothing: same decodes, same committed words and times, same latencies."""
    from stages.asr_models import load_whisper

    model = load_whisper("tiny.en", "int8", 1)
    cost = asr_sim.CostModel.load(asr_sim.COST_FILE)
    cfg = TranscribeConfig()  # beam as configured
    audio = two_prompts()
    fast = asr_sim.simulate(audio, cfg, model, cost=cost)
    slow = asr_sim.simulate(audio, cfg, SlowedWhisper(model, 0.4), cost=cost)
    assert fast["words"], "nothing committed"
    said = " ".join((SAMPLES / "human" / f"{n}.txt").read_text() for n in ("followme-status", "queue-youarenext"))
    assert wer(said, fast["text"]) <= 0.2  # real decoding of both utterances
    assert len(fast["finals"]) == 2 and fast["finals"][1]["prompt"]  # prompted across the pause
    assert slow["words"] == fast["words"]
    assert slow["asr_runs"] == fast["asr_runs"] and slow["latencies"] == fast["latencies"]
    # The clock counted the model's cost, not the 0.4-s sleeps.
    modelled = sum(cost.run_seconds(r["window_s"], r["words"], r["prompt_words"], r["beam"]) for r in slow["runs"])
    assert slow["rtf_asr"] * len(audio) / SAMPLE_RATE == pytest.approx(modelled)


def test_model_clock_needs_a_cost_model(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        asr_sim.main([str(tmp_path), "--cost", str(tmp_path / "none.json")])
    assert info.value.code == 2 and "fit one with --fit-cost" in capsys.readouterr().err


def test_cost_fit_prices_greedy_words_apart():
    """Runs at beam 5 and beam 1 (as --fit-beams 5,1 makes them): the fit recovers each beam's cost per
    word, and the model charges a greedy run its own price."""
    rng = np.random.default_rng(7)
    runs = []
    for _ in range(80):
        beam = int(rng.choice([1, 5]))
        window, words, prompt = float(rng.uniform(10, 20)), int(rng.integers(2, 40)), int(rng.integers(0, 30))
        seconds = 0.04 * window + (0.012 if beam == 1 else 0.04) * words + 0.008 * prompt
        runs.append({"window_s": window, "words": words, "prompt_words": prompt, "beam": beam,
                     "seconds": seconds + float(rng.normal(0, 0.002))})
    fitted = asr_sim.fit_cost(runs, 0.0017, {"beam_size": 5, "beams": [5, 1]})
    assert fitted.per_word_s == pytest.approx(0.04, abs=0.002)
    assert fitted.per_word_greedy_s == pytest.approx(0.012, abs=0.002)
    assert fitted.run_seconds(10, 20, 0, beam=1) < fitted.run_seconds(10, 20, 0, beam=5)
    assert fitted.prices(1) and fitted.prices(5) and not fitted.prices(3)


def test_model_clock_refuses_a_beam_it_was_not_fitted_for(tmp_path, capsys):
    cost = asr_sim.CostModel.load(asr_sim.COST_FILE)
    beam5_only = tmp_path / "cost.json"
    beam5_only.write_text(json.dumps(dataclasses.asdict(dataclasses.replace(cost, per_word_greedy_s=0.0))))
    with pytest.raises(SystemExit) as info:
        asr_sim.main([str(tmp_path), "--cost", str(beam5_only), "--set", "beam_size=1", "final_beam_size=5"])
    assert info.value.code == 2 and "not fitted for beam 1" in capsys.readouterr().err
