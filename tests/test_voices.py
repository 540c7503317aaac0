"""Enrolled voices (`sinkscribe voices`): a profile from a short recording of one person, recognised by
the live speaker labels in a later stream; an unknown voice keeps its S label."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.messages import SAMPLE_RATE
from stages import speaker_model, voices
from stages.speakers import ClusterSettings, SpeakerLabeler
from tests.conftest import espeak, read_all

ALLISON = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
SETTINGS = ClusterSettings(threshold=0.8, max_speakers=8, switch_margin=0.05, centroid_weight_cap=20)
LINES = ["Good morning everyone, today we will decide the release date for version two.",
         "The database migration is owned by Maria and she will finish it next week.",
         "We agreed to hire one more tester before the end of the quarter.",
         "Please send the test plan to the whole team before Friday afternoon."]  # fmt: skip


@pytest.fixture(scope="module")
def encoder():
    return speaker_model.SpeakerEncoder()


def prompts(first: int, count: int) -> list[np.ndarray]:
    found = sorted(ALLISON.glob("*.wav"))[first : first + count]
    if len(found) < count:
        pytest.fail("asterisk-core-sounds-en-wav is missing: `make test` installs it")
    return [read_all(p) for p in found]


def joined(parts: list[np.ndarray], pause_s: float = 0.5) -> np.ndarray:
    gap = np.zeros(int(pause_s * SAMPLE_RATE), np.float32)
    return np.concatenate([x for p in parts for x in (p, gap)])


def label_all(labeler: SpeakerLabeler, clips: list[np.ndarray]) -> list[str | None]:
    out, t = [], 0.0
    for audio in clips:
        end = t + len(audio) / SAMPLE_RATE
        out.append(labeler.label(audio, t, t, end, run=t))
        t = end + 1.0
    return out


def test_an_enrolled_voice_is_named_and_an_unknown_one_is_not(encoder, tmp_path):
    """Allison enrolled from 30 prompts; 20 others of hers (never enrolled) are named; two espeak-ng
    voices, enrolled or not, are not taken for her."""
    allison = voices.enroll("Allison", joined(prompts(100, 30)), encoder, "allison.wav")
    assert allison.speech_s >= 10
    male = [read_all(espeak(t, tmp_path / f"m{i}.wav", "en-us")) for i, t in enumerate(LINES)]
    female = [read_all(espeak(t, tmp_path / f"f{i}.wav", "en-us+f2")) for i, t in enumerate(LINES)]
    robot = voices.enroll("Robo", joined(male[:2] + male[:2]), encoder, "robo.wav")
    labeler = SpeakerLabeler(encoder, SETTINGS, min_speech_s=1.0, reliable_s=2.0, voices=[allison, robot])
    hers = label_all(labeler, prompts(0, 20))
    assert {x for x in hers if x} == {"Allison"}, hers
    theirs = label_all(labeler, male[2:] + female)
    assert "Allison" not in theirs, theirs
    assert theirs[:2] == ["Robo", "Robo"], theirs  # the enrolled espeak voice, on lines it was not enrolled from
    assert {x for x in theirs[2:] if x} <= {"S3", "S2"} and theirs[2:] != [None] * 4, theirs  # unknown: an S label


def test_profiles_are_stored_listed_and_removed(encoder, tmp_path, monkeypatch):
    monkeypatch.setenv("SINKSCRIBE_HOME", str(tmp_path))
    allison = voices.enroll("Allison", joined(prompts(100, 12)), encoder, "allison.wav")
    path = voices.save(allison)
    assert path.parent == tmp_path / "voices"
    (tmp_path / "voices" / "broken.json").write_text("{not json")  # skipped with a warning, not fatal
    loaded = voices.load_all()
    assert [v.name for v in loaded] == ["Allison"]
    np.testing.assert_allclose(loaded[0].embedding, allison.embedding, atol=1e-5)
    assert voices.remove("allison") and not voices.remove("Allison") and voices.load_all() == []


def test_too_little_speech_or_a_bad_name_is_refused(encoder):
    with pytest.raises(InputError, match="needs at least 5 s"):
        voices.enroll("Allison", joined(prompts(0, 1)), encoder, "short.wav")
    with pytest.raises(InputError, match="not a usable name"):
        voices.check_name("S2: boss")


def test_the_voices_command(tmp_path, monkeypatch):
    monkeypatch.setenv("SINKSCRIBE_HOME", str(tmp_path))
    import wave

    wav = tmp_path / "allison.wav"
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(joined(prompts(100, 12)), -1, 1) * 32767).astype("<i2").tobytes())

    def cli(*args: str):
        return CliRunner().invoke(main, ["voices", *args], catch_exceptions=False)

    added = cli("add", "Allison", str(wav))
    assert added.exit_code == 0 and "enrolled Allison from" in added.output, added.output
    again = cli("add", "Allison", str(wav))
    assert again.exit_code != 0 and "--replace" in again.output and "Traceback" not in again.output
    assert cli("add", "Allison", str(wav), "--replace").exit_code == 0
    listed = cli("list")
    assert listed.exit_code == 0 and listed.output.startswith("Allison")
    for args, message in [(("add", "Bob", str(tmp_path / "missing.wav")), "missing.wav"),
                          (("add", "2pac", str(wav)), "not a usable name"),
                          (("remove", "Nobody"), "no voice named 'Nobody'")]:  # fmt: skip
        done = cli(*args)
        assert done.exit_code != 0 and message in done.output and "Traceback" not in done.output, (args, done.output)
    assert cli("remove", "Allison").exit_code == 0 and cli("list", "--json").output == ""
