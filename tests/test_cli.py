"""The CLI edge: exit codes and one-line messages (CliRunner), and a real two-process transcription."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pipeline import config as config_io
from pipeline.cli import main
from tests.conftest import write_audio


@pytest.fixture
def run():
    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def config_file(tmp_path, app_config):
    def make(**overrides) -> str:
        path = tmp_path / "test.toml"
        path.write_text(config_io.dumps(app_config(**overrides)))
        return str(path)

    return make


def one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [[], ["devices"], ["transcribe"], ["stage"], ["subscribe"], ["replay"], ["run"],
                                     ["export"], ["sessions"], ["sessions", "show"], ["sessions", "delete"]])
def test_help_has_examples(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Example" in result.output


def test_missing_file(run, config_file, tmp_path):
    one_line_error(run("transcribe", str(tmp_path / "nope.wav"), "--config", config_file()), "no such file", "nope.wav")


def test_empty_file(run, config_file, tmp_path):
    (tmp_path / "empty.wav").write_bytes(b"")
    one_line_error(run("transcribe", str(tmp_path / "empty.wav"), "--config", config_file()), "is empty")


def test_non_audio_file(run, config_file, tmp_path):
    (tmp_path / "notes.mp3").write_text("these are meeting notes, not audio\n" * 20)
    one_line_error(run("transcribe", str(tmp_path / "notes.mp3"), "--config", config_file()), "not a readable audio file")


def test_no_audio_device(run, config_file):
    result = run("transcribe", "--mic", "--config", config_file())
    one_line_error(result)
    assert "audio" in result.output.lower() and ("device" in result.output or "PortAudio" in result.output)


def test_devices_without_sound_hardware(run):
    result = run("devices")
    if result.exit_code == 0:  # a machine with a microphone lists it
        assert result.output.strip()
    else:
        one_line_error(result)


def test_file_and_mic_together_is_a_usage_error(run, tmp_path):
    result = run("transcribe", str(tmp_path / "a.wav"), "--mic")
    assert result.exit_code == 2 and "either FILE or --mic" in result.output


def test_bad_config_key(run, tmp_path, speech_wav):
    bad = tmp_path / "bad.toml"
    bad.write_text("[transcribe]\nmodle = 'tiny.en'\n")
    one_line_error(run("transcribe", str(speech_wav), "--config", str(bad)), "transcribe.modle", "did you mean")


def test_port_in_use(run, app_config, tmp_path, speech_wav):
    cfg = app_config()
    host, port = cfg.endpoints.audio.removeprefix("tcp://").split(":")
    with socket.socket() as taken:
        taken.bind((host, int(port)))
        taken.listen()
        path = tmp_path / "c.toml"
        path.write_text(config_io.dumps(cfg))
        one_line_error(run("transcribe", str(speech_wav), "--config", str(path)), "address already in use", port)


def test_unknown_topic(run):
    one_line_error(run("subscribe", "--topic", "captions", "--timeout", "0.1"), "unknown topic")


def test_session_and_resume_together(run, config_file, speech_wav):
    one_line_error(run("replay", str(speech_wav), "--session", "a", "--resume", "b", "--config", config_file()),
                   "--session or --resume, not both")  # fmt: skip


def test_stage_with_missing_config(run, tmp_path):
    one_line_error(run("stage", "capture", "--config", str(tmp_path / "x.toml")), "config file not found")


@pytest.mark.slow
def test_transcribe_a_file_through_two_processes(run, config_file, speech_wav):
    result = run("transcribe", str(speech_wav), "--speed", "0", "--json", "--config", config_file())
    assert result.exit_code == 0, result.output
    segments = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    text = " ".join(s["text"] for s in segments).lower()
    assert "release date" in text and "migration" in text
    assert [s["seq"] for s in segments] == list(range(len(segments)))


@pytest.mark.slow
def test_truncated_file_prints_what_it_has_then_fails(config_file, tmp_path, speech_wav):
    from tests.conftest import read_all

    path = write_audio(tmp_path / "cut.ogg", read_all(speech_wav))
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    # A real process: the stages are its children and share its stderr, so this sees every line a
    # user would, and the error must be there once (the supervisor's), not once per process.
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "transcribe", str(path), "--speed", "0",
                             "--config", config_file()], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "truncated" in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert "release" in result.stdout.lower()  # what was decoded was still transcribed
