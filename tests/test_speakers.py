"""Speaker labels: the GE2E encoder from the resemblyzer wheel (real weights), online clustering, and
transcribe committing labelled segments."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import ConfigError, ModelError
from pipeline.messages import SAMPLE_RATE
from stages import speaker_model
from stages.pitch import median_pitch, semitones
from stages.speakers import ClusterSettings, OnlineClustering, SpeakerLabeler
from tests.conftest import espeak, read_all

ASTERISK = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
SETTINGS = ClusterSettings(threshold=0.8, max_speakers=8, switch_margin=0.05, centroid_weight_cap=20)
# Two espeak-ng voices far apart (a male and a female variant) and a real person (Allison, the
# Asterisk prompts' voice): what "clearly different voices" means here.
MALE, FEMALE = "en-us", "en-us+f2"
LINES = [
    "Good morning everyone, today we will decide the release date for version two.",
    "The database migration is owned by Maria and she will finish it next week.",
    "We agreed to hire one more tester before the end of the quarter.",
]


@pytest.fixture(scope="module")
def encoder():
    return speaker_model.SpeakerEncoder()


@pytest.fixture(scope="module")
def voices(tmp_path_factory) -> dict[str, list[np.ndarray]]:
    folder = tmp_path_factory.mktemp("voices")
    return {v: [read_all(espeak(text, folder / f"{v}{i}.wav", v)) for i, text in enumerate(LINES)] for v in (MALE, FEMALE)}


def test_mel_spectrogram_is_librosas():
    """librosa.feature.melspectrogram(n_fft=400, hop_length=160, n_mels=40, pad_mode="reflect") of this
    chirp, summed over frames (librosa 0.10.2, computed once outside the project: it is not a dependency)."""
    t = np.arange(8000) / SAMPLE_RATE
    y = (0.3 * np.sin(2 * np.pi * (200 * t + 3000 * t**2)) + 0.05 * np.sin(2 * np.pi * 1234 * t)).astype(np.float32)
    librosa_sums = [2.43937, 6.01529, 13.8669, 25.4892, 22.4172, 23.4844, 22.4559, 22.3482, 22.4339, 22.1811, 22.5046,
                    22.8484, 22.6641, 22.3478, 22.2559, 40.3866, 30.9653, 23.0756, 22.2977, 22.3653, 22.7136, 22.2873,
                    22.6322, 22.5895, 22.3326, 22.5937, 22.5322, 22.9899, 11.2967, 0.0287657, 0.00562437, 0.00233821,
                    0.00125316, 0.000769131, 0.000520369, 0.000375085, 0.000286181, 0.000230638, 0.000196182,
                    0.000176625]  # fmt: skip
    mel = speaker_model.mel_spectrogram(y)
    assert mel.shape == (51, 40)
    np.testing.assert_allclose(mel.sum(axis=0), librosa_sums, rtol=1e-4)


@pytest.mark.parametrize(("n", "windows"), [(8000, [(0, 160)]), (25600, [(0, 160)]), (48000, [(0, 160), (77, 237), (154, 314)]),
                                            (40000, [(0, 160), (77, 237)])])  # fmt: skip
def test_partial_windows_are_the_wheels(n, windows):
    """voice_encoder.compute_partial_slices(n, rate=1.3, min_coverage=0.75) of the wheel, for these lengths."""
    assert [(s.start, s.stop) for s in speaker_model.partial_slices(n)] == windows


def test_weights_are_found_without_importing_the_package(encoder):
    import sys

    assert speaker_model.find_weights().name == "pretrained.pt"
    assert "resemblyzer" not in sys.modules  # its import pulls librosa and webrtcvad
    emb = encoder.embed(np.zeros(SAMPLE_RATE // 2, np.float32) + 0.01 * np.sin(np.arange(SAMPLE_RATE // 2)).astype(np.float32))
    assert emb.shape == (256,) and abs(float(np.linalg.norm(emb)) - 1) < 1e-5


def test_same_voice_is_closer_than_another_voice(encoder, voices):
    m = [encoder.embed(x) for x in voices[MALE]]
    f = [encoder.embed(x) for x in voices[FEMALE]]
    same = min(float(m[0] @ m[1]), float(f[0] @ f[1]))
    other = max(float(a @ b) for a in m for b in f)
    assert same > other + 0.1, (same, other)


def test_two_voices_get_two_labels_and_each_keeps_its_own(encoder, voices):
    labeler = SpeakerLabeler(encoder, SETTINGS)
    order = [MALE, FEMALE, MALE, FEMALE, MALE, FEMALE]
    got = []
    t = 0.0
    for i, v in enumerate(order):
        audio = voices[v][i // 2]
        end = t + len(audio) / SAMPLE_RATE
        got.append(labeler.label(audio, t, t, end, run=t))  # each turn its own stretch of speech
        t = end + 1.0
    assert got == ["S1", "S2", "S1", "S2", "S1", "S2"]


def test_a_real_voice_keeps_one_label_across_many_segments(encoder):
    prompts = sorted(ASTERISK.glob("*.wav"))[:40]
    if not prompts:
        pytest.fail("asterisk-core-sounds-en-wav is missing: `make test` installs it")
    labeler = SpeakerLabeler(encoder, SETTINGS, min_speech_s=1.0, reliable_s=2.0)
    labels, seconds = [], []
    t = 0.0
    for p in prompts:
        audio = read_all(p)
        end = t + len(audio) / SAMPLE_RATE
        labels.append(labeler.label(audio, t, t, end, run=t))
        seconds.append(end - t)
        t = end + 1.0
    assert {x for x in labels if x} == {"S1"}, labels
    first = labels.index("S1")
    assert seconds[first] >= 2.0 and all(s < 2.0 for s in seconds[:first])  # the first reliable one founds S1
    assert all(s < 1.0 for s, x in zip(seconds[first:], labels[first:], strict=True) if x is None)  # after: all but the shortest


def test_short_segments_continue_the_label_of_their_stretch(encoder, voices):
    labeler = SpeakerLabeler(encoder, SETTINGS, min_speech_s=1.0)
    audio = voices[FEMALE][0]
    first = labeler.label(audio, 0.0, 0.0, 2.0, run=0.0)
    assert labeler.label(audio, 0.0, 2.0, 2.5, run=0.0) == first  # 0.5 s, same stretch
    assert labeler.counters.continued == 1
    # 0.5 s alone in a stretch of 0.5 s: nothing to widen it with, nothing to continue
    assert labeler.label(audio[: SAMPLE_RATE // 2], 10.0, 10.0, 10.5, run=10.0) is None


def unit(rng: np.random.Generator) -> np.ndarray:
    v = rng.standard_normal(256).astype(np.float32)
    return v / np.linalg.norm(v)


def test_centroids_are_bounded_and_adapt():
    rng = np.random.default_rng(0)
    clustering = OnlineClustering(ClusterSettings(threshold=0.8, max_speakers=3, switch_margin=0.0, centroid_weight_cap=5))
    got = [clustering.assign(unit(rng)) for _ in range(200)]  # 200 unrelated voices
    assert clustering.count == 3 and set(got) == {0, 1, 2}
    assert clustering.centroids.shape == (3, 256) and clustering.weights.max() <= 6
    # A centroid follows a voice that drifts: capped weight, so new embeddings keep moving it.
    c = OnlineClustering(ClusterSettings(threshold=0.5, max_speakers=2, switch_margin=0.0, centroid_weight_cap=5))
    a, b = unit(rng), unit(rng)
    for _ in range(100):
        c.assign(a)
    drifted = a * 0.8 + b * 0.6
    drifted /= np.linalg.norm(drifted)
    for _ in range(30):
        assert c.assign(drifted) == 0
    assert float(c.centroids[0] @ drifted) > 0.99


def test_one_voice_found_twice_is_merged_and_its_label_retired():
    rng = np.random.default_rng(2)
    a, b = unit(rng), unit(rng)
    a2 = a * 0.75 + b * 0.66  # the same voice, first heard badly: below the threshold
    a2 /= np.linalg.norm(a2)
    mid = a + a2
    mid /= np.linalg.norm(mid)
    c = OnlineClustering(ClusterSettings(threshold=0.8, max_speakers=4, switch_margin=0.0, centroid_weight_cap=3,
                                         merge_threshold=0.9))  # fmt: skip
    assert c.assign(a) == 0 and c.assign(a2) == 1
    got = [c.assign(mid) for _ in range(6)]  # both centroids drift to the voice's middle
    assert got[-1] == 0 and c.merged == 1 and list(c.active[:2]) == [True, False]
    assert c.assign(a2) == 0  # the retired label is not given again
    assert c.assign(b) == 2  # a new voice gets a new label, never the retired one


def test_a_new_speaker_needs_two_alike_embeddings_when_asked():
    rng = np.random.default_rng(3)
    a, b, odd = unit(rng), unit(rng), unit(rng)
    c = OnlineClustering(ClusterSettings(threshold=0.8, max_speakers=4, switch_margin=0.0, centroid_weight_cap=20, new_after=2))
    assert c.assign(a) == 0  # the first voice founds S1 at once: there is nothing else to give
    assert c.assign(odd) == 0 and c.count == 1  # one odd embedding: the nearest, no new speaker
    assert c.assign(b) == 0 and c.count == 1  # a new voice, heard once
    b2 = b * 0.95 + unit(rng) * 0.3
    assert c.assign(b2 / np.linalg.norm(b2)) == 1 and c.count == 2  # heard again, alike: founded
    assert c.assign(b) == 1


def harmonic(hz: float, seconds: float = 2.0) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (np.sin(2 * np.pi * hz * t) + 0.5 * np.sin(4 * np.pi * hz * t) + 0.3 * np.sin(6 * np.pi * hz * t)).astype(np.float32)


@pytest.mark.parametrize("hz", [70.0, 100.0, 150.0, 220.0, 300.0, 450.0])
def test_the_pitch_of_a_voiced_sound_is_its_fundamental_not_a_multiple_of_its_period(hz):
    """A harmonic sound's autocorrelation peaks at every multiple of its period, about as high: the first
    such peak is the pitch (taking the highest gave 220 Hz as 73 Hz)."""
    assert abs(median_pitch(harmonic(hz)) - semitones(hz)) < 0.3


def test_no_pitch_in_noise_silence_or_a_blip():
    rng = np.random.default_rng(0)
    assert median_pitch(rng.standard_normal(2 * SAMPLE_RATE).astype(np.float32) * 0.1) is None
    assert median_pitch(np.zeros(2 * SAMPLE_RATE, dtype=np.float32)) is None
    assert median_pitch(harmonic(150.0, 0.1)) is None  # fewer voiced frames than a pitch needs


def test_espeak_voices_keep_their_pitch_and_differ_by_it(voices):
    """The cue on real synthesized speech: each line of one voice within a semitone of the voice's
    others; the male and the female variant semitones apart."""
    pitch = {v: [median_pitch(x) for x in lines] for v, lines in voices.items()}
    for heard in pitch.values():
        assert max(heard) - min(heard) < 1.0, pitch
    assert abs(np.mean(pitch[MALE]) - np.mean(pitch[FEMALE])) > 4.0, pitch


def test_pitch_tells_apart_voices_the_embedding_cannot():
    """Two voices whose embeddings are alike (espeak-ng's, to GE2E) but whose pitch is 8 semitones apart:
    with the pitch cue the second founds its own speaker; without it, it joins the first. A pitch within
    the tolerance, or unknown, changes nothing."""
    rng = np.random.default_rng(5)
    a = unit(rng)
    near = a * 0.97 + unit(rng) * 0.2
    near /= np.linalg.norm(near)
    plain = ClusterSettings(threshold=0.8, max_speakers=4, switch_margin=0.0, centroid_weight_cap=20)
    cued = ClusterSettings(threshold=0.8, max_speakers=4, switch_margin=0.0, centroid_weight_cap=20, pitch_weight=0.05,
                           pitch_tolerance=2.0)  # fmt: skip
    without, with_pitch = OnlineClustering(plain), OnlineClustering(cued)
    assert [without.assign(e, pitch=p) for e, p in ((a, 10.0), (near, 18.0), (near, 18.0))] == [0, 0, 0]
    assert [with_pitch.assign(e, pitch=p) for e, p in ((a, 10.0), (near, 18.0), (near, 18.0))] == [0, 1, 1]
    assert with_pitch.assign(a, pitch=11.5) == 0  # within the tolerance: the embedding decides
    # Unknown pitch: the embedding alone decides, as without the cue (the nearest centroid), and the
    # speaker's pitch stays what was heard.
    probe = a * 0.9 + near * 0.1
    probe /= np.linalg.norm(probe)
    assert with_pitch.assign(probe, pitch=None) == int(np.argmax(with_pitch.centroids[:2] @ probe)) == 0
    assert abs(with_pitch.pitch[1] - 18.0) < 1e-6 and with_pitch.count == 2


def test_voices_the_pitch_keeps_apart_are_not_merged_back():
    """Merging alike centroids (merge_threshold) weighs the pitch too: two voices 8 semitones apart stay two."""
    rng = np.random.default_rng(5)
    a = unit(rng)
    near = a * 0.97 + unit(rng) * 0.2
    near /= np.linalg.norm(near)
    c = OnlineClustering(ClusterSettings(threshold=0.8, max_speakers=4, switch_margin=0.0, centroid_weight_cap=20,
                                         merge_threshold=0.9, pitch_weight=0.05, pitch_tolerance=2.0))  # fmt: skip
    assert [c.assign(e, pitch=p) for e, p in ((a, 10.0), (near, 18.0), (near, 18.0))] == [0, 1, 1]
    assert c.merged == 0 and abs(c.pitch[0] - 10.0) < 1e-6


def test_a_confirmed_voice_takes_back_its_first_segments():
    """Until a new voice is confirmed its segments get the nearest known speaker; confirmed, the
    segments it stood for (and the short ones that continued them) are named for relabelling."""
    rng = np.random.default_rng(3)
    a, b = unit(rng), unit(rng)
    b2 = b * 0.95 + unit(rng) * 0.3
    c = OnlineClustering(ClusterSettings(threshold=0.8, max_speakers=4, switch_margin=0.0, centroid_weight_cap=20, new_after=2))
    assert c.assign(a, key=0) == 0 and c.confirmed == []
    assert c.assign(b, key=1) == 0 and c.confirmed == []  # heard once: the nearest, remembered
    c.follow(1, 2)  # segment 2 was too short to embed and continued segment 1
    c.follow(0, 3)  # segment 3 continued segment 0, which is no pending voice's: nothing to remember
    assert c.assign(b2 / np.linalg.norm(b2), key=4) == 1 and c.confirmed == [1, 2]
    assert c.assign(a, key=5) == 0 and c.confirmed == []


def test_a_turn_inside_a_stretch_relabels_its_first_words(encoder, voices):
    """One voice, then another without a pause. The second voice's first words come as a short segment
    that continues the first voice's label (too short to embed); when the next segment switches to the
    new voice, the short one is embedded again from its start forward and moved to the new speaker,
    while the first voice's own segment stays."""
    male, female = voices[MALE][0][: int(2.5 * SAMPLE_RATE)], voices[FEMALE][1][: int(3.5 * SAMPLE_RATE)]
    audio = np.concatenate([male, female])
    labeler = SpeakerLabeler(encoder, SETTINGS, min_speech_s=1.0, relabel_s=4.0)
    assert labeler.label(audio, 0.0, 0.0, 2.5, run=0.0, key=0) == "S1"
    assert labeler.label(audio, 0.0, 2.5, 3.1, run=0.0, key=1) == "S1"  # continued, unembedded
    assert labeler.take_corrections() == []
    assert labeler.label(audio, 0.0, 3.1, 6.0, run=0.0, key=2) == "S2"
    assert labeler.take_corrections() == [(1, "S2")]
    assert labeler.take_corrections() == [] and labeler.counters.relabelled == 1
    # Off (relabel_s 0): labels are final when given.
    final = SpeakerLabeler(encoder, SETTINGS, min_speech_s=1.0, relabel_s=0.0)
    assert [final.label(audio, 0.0, a, b, run=0.0, key=k) for k, (a, b) in enumerate([(0.0, 2.5), (2.5, 3.1), (3.1, 6.0)])] == ["S1", "S1", "S2"]
    assert final.take_corrections() == []


def test_switch_margin_keeps_the_speaker_of_a_stretch():
    rng = np.random.default_rng(1)
    a, b = unit(rng), unit(rng)
    between = a * 0.69 + b * 0.72  # a little closer to b
    between /= np.linalg.norm(between)
    clearly_b = a * 0.3 + b * 0.95
    clearly_b /= np.linalg.norm(clearly_b)

    def two() -> OnlineClustering:
        c = OnlineClustering(ClusterSettings(threshold=0.6, max_speakers=4, switch_margin=0.1, centroid_weight_cap=20))
        assert c.assign(a) == 0 and c.assign(b) == 1
        return c

    assert two().assign(between, current=0) == 0  # within a stretch of speaker 0: not clearly someone else
    assert two().assign(between) == 1  # a new stretch: the nearest
    assert two().assign(clearly_b, current=0) == 1  # a turn inside a stretch, clear enough


def test_missing_weights_warn_once_and_transcribe_goes_on_without_labels(monkeypatch, caplog):
    from stages.settings import TranscribeConfig
    from stages.transcribe import load_speaker_encoder

    monkeypatch.setattr(speaker_model, "DISTRIBUTION", "resemblyzer-not-installed")
    with caplog.at_level(logging.WARNING):
        assert load_speaker_encoder(TranscribeConfig(speakers=True)) is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "no speaker labels" in warnings[0].getMessage()
    assert "\n" not in warnings[0].getMessage()
    assert load_speaker_encoder(TranscribeConfig(speakers=False)) is None


def test_unreadable_weights_are_a_model_error(tmp_path):
    bad = tmp_path / "pretrained.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ModelError, match="could not be read"):
        speaker_model.SpeakerEncoder(bad)


def test_speaker_settings_are_checked():
    from pipeline.config import from_dict
    from stages.settings import TranscribeConfig

    with pytest.raises(ConfigError, match="speaker_threshold"):
        from_dict(TranscribeConfig, {"speaker_threshold": 1.5}, "transcribe")
    with pytest.raises(ConfigError, match="max_speakers"):
        from_dict(TranscribeConfig, {"max_speakers": 0}, "transcribe")


@pytest.mark.slow
def test_transcribe_stage_sends_labelled_segments(encoder, voices, tmp_path, app_config):
    """Real capture and transcribe processes (`sinkscribe transcribe FILE --json --speakers`):
    a dialogue of two voices comes out as segments labelled by voice, on the wire."""
    from click.testing import CliRunner

    from pipeline import config as config_io
    from pipeline.cli import main
    from tests.conftest import write_audio

    turns = [(MALE, 0), (FEMALE, 0), (MALE, 1), (FEMALE, 1)]
    parts, spans = [], []
    t = 0.0
    for v, i in turns:
        x = voices[v][i]
        parts += [x, np.zeros(SAMPLE_RATE, np.float32)]
        spans.append((t, t + len(x) / SAMPLE_RATE, v))
        t += len(x) / SAMPLE_RATE + 1.0
    wav = write_audio(tmp_path / "dialogue.wav", np.concatenate(parts))
    cfg = tmp_path / "speakers.toml"
    cfg.write_text(config_io.dumps(app_config()))  # labels off in the config, on by the flag
    result = CliRunner().invoke(main, ["transcribe", str(wav), "--speed", "0", "--json", "--speakers", "--config", str(cfg)],
                                catch_exceptions=False)  # fmt: skip
    assert result.exit_code == 0, result.output
    segments = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    segments = [s for s in segments if s.get("type") == "segment"]
    assert segments and all(s["speaker"] for s in segments), [(s["speaker"], s["start"], s["text"]) for s in segments]

    def turn_of(s: dict) -> int:
        mid = (s["start"] + s["end"]) / 2
        return min(range(len(spans)), key=lambda k: 0 if spans[k][0] <= mid <= spans[k][1] else
                   min(abs(mid - spans[k][0]), abs(mid - spans[k][1])))  # fmt: skip

    by_turn = [[s["speaker"] for s in segments if turn_of(s) == k] for k in range(len(turns))]
    shown = "; ".join(f"{turns[turn_of(s)][0]} {s['speaker']} {s['text']} {s.get('relabels', '')}" for s in segments)
    assert set(by_turn[0]) == {"S1"} and set(by_turn[2]) == {"S1"}, shown  # the first voice founds S1, keeps it
    # A new voice is founded once two of its embeddings agree (speaker_new_after = 2): until then it
    # carries the nearest label (its first turn may be S1 ... S1 S2 ... S2, or all S1); from then on its own.
    assert by_turn[1] == sorted(by_turn[1]) and set(by_turn[1]) <= {"S1", "S2"}, shown
    assert set(by_turn[3]) == {"S2"}, shown
    # ... and once founded, its first segments are corrected: relabels ride on later segments.
    corrected = {s["seq"]: s["speaker"] for s in segments}
    for s in segments:
        for fix in s.get("relabels", []):
            assert fix["seq"] < s["seq"]
            corrected[fix["seq"]] = fix["speaker"]
    assert [corrected[s["seq"]] for s in segments if turn_of(s) == 1] == ["S2"] * len(by_turn[1]), shown
    if "S1" in by_turn[1]:
        assert any(s.get("relabels") for s in segments), shown


def test_speaker_labels_lengthen_the_commit_step():
    """Captions step every 0.5 s of speech; with voice labels on, at least `speaker_step_s` (1 s): shorter
    segments split and blur the voices (bench.diarization dev, README "Speaker labels")."""
    from stages.settings import TranscribeConfig
    from stages.transcribe import StreamingTranscriber

    assert StreamingTranscriber(TranscribeConfig(), None, "s").step_s == 0.5
    assert StreamingTranscriber(TranscribeConfig(), None, "s", speaker_encoder=object()).step_s == 1.0
    assert StreamingTranscriber(TranscribeConfig(speaker_step_s=0.5), None, "s", speaker_encoder=object()).step_s == 0.5
