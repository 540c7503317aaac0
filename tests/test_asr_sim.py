"""bench.asr_sim: the streaming policy with a virtual clock (real tiny.en, one short file)."""

from __future__ import annotations

import json
import shutil

import pytest

from bench import asr_sim

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
