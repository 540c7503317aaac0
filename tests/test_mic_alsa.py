"""The microphone path for real: `sinkscribe devices`, `transcribe --mic` and `run` through real PortAudio
and ALSA, with recordings served as capture devices by ALSA's file plugin (tests/alsa_devices.py).

Devices: chosen by index and by name; at 16 kHz mono, 44.1 kHz stereo (ALSA converts, like `default`)
and 48 kHz stereo that refuses 16 kHz (like `hw:`: capture resamples). Failures: a device that stalls
mid-stream, one whose PortAudio start-up never returns, one that vanishes mid-stream, one that floods.
Ctrl-C is SIGINT to the command's process group, as a terminal sends it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from bench.metrics import wer
from bench.reliability import children_of, proc_stat
from pipeline import config as config_io
from tests.alsa_devices import FakeDevice, fake_alsa, file_plugin_missing
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
SAID = ("Good morning everyone. Today we will decide the release date for version two. "
        "The database migration is owned by Maria, and she will finish it next week.")  # fmt: skip
CTRL_C_S = 10.0  # the bound: Ctrl-C ends every process within about this, whatever the device does


@pytest.fixture(scope="module", autouse=True)
def alsa_file_plugin(tmp_path_factory):
    reason = file_plugin_missing(tmp_path_factory.mktemp("alsa"))
    if reason:
        pytest.skip(reason)


@dataclass
class Command:
    """A `sinkscribe` command running in its own process group, its output collected as it comes."""

    proc: subprocess.Popen
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, x=lines: x.extend(iter(s.readline, "")), daemon=True).start()

    @property
    def stdout(self) -> str:
        return "".join(self.out)

    @property
    def stderr(self) -> str:
        return "".join(self.err)

    def wait_for(self, ready: Callable[[], bool], timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while not ready():
            assert self.proc.poll() is None, f"exited ({self.proc.returncode}) before {what}:\n{self.stderr[-3000:]}"
            assert time.monotonic() < deadline, f"no {what} within {timeout_s:.0f} s:\n{self.stderr[-3000:]}"
            time.sleep(0.2)

    def ctrl_c(self, limit_s: float = 3 * CTRL_C_S) -> tuple[float, list[int]]:
        """SIGINT as a terminal sends it; seconds until the command and every stage it started are gone,
        and those still running after `limit_s` (killed then, so no test leaves them behind)."""
        stages = children_of(self.proc.pid)
        t0 = time.monotonic()
        os.killpg(self.proc.pid, signal.SIGINT)
        everyone = [self.proc.pid, *stages]
        while any(map(alive, everyone)) and time.monotonic() - t0 < limit_s:
            time.sleep(0.1)
            self.proc.poll()  # reap the command itself
        took = time.monotonic() - t0
        left = [pid for pid in everyone if alive(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        self.proc.wait(10)
        return took, left

    def finish(self, timeout_s: float) -> int:
        return self.proc.wait(timeout_s)

    def kill(self) -> None:
        """Whatever is left of it (a failed test): its stages first, while they are still its children."""
        for pid in [*children_of(self.proc.pid), self.proc.pid]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(10)


def alive(pid: int) -> bool:
    fields = proc_stat(pid)
    return fields is not None and fields[0] != "Z"


@pytest.fixture
def sinkscribe() -> Iterator[Callable[..., Command]]:
    """Start `sinkscribe ARGS` with an environment; what a test leaves running is killed after it."""
    started: list[Command] = []

    def start(env: dict[str, str], *args: str) -> Command:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], env=env, cwd=ROOT, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
        started.append(Command(proc))
        return started[-1]

    yield start
    for cmd in started:
        cmd.kill()


@pytest.fixture
def config(app_config, tmp_path) -> str:
    """A config on free ports (the default preset's would collide with a running sinkscribe)."""
    path = tmp_path / "mic.toml"
    path.write_text(config_io.dumps(app_config()), encoding="utf-8")
    return str(path)


def one_error_line(text: str) -> str:
    assert "Traceback" not in text, text
    errors = [line for line in text.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, text
    return errors[0]


def words_of(stdout: str) -> str:
    """Caption lines ("[00:01.2] text") as one text."""
    return " ".join(line.split("] ", 1)[1] for line in stdout.splitlines() if line.startswith("[") and "] " in line)


def listed(stdout: str) -> dict[str, tuple[str, str]]:
    """`sinkscribe devices` lines ("* 0  mic16  (128 ch, 16000 Hz)") as {name: (index, rate)}."""
    found = [re.match(r"^[* ] +(\d+)  (.+)  \(\d+ ch, (\d+) Hz\)$", line) for line in stdout.splitlines()]
    return {m[2]: (m[1], m[3]) for m in found if m}


def test_devices_lists_the_fake_devices(tmp_path, speech_wav, sinkscribe):
    devices = [FakeDevice("mic16"), FakeDevice("line44", 44_100, 2), FakeDevice("usb48", 48_000, 2, exact=True)]
    with fake_alsa(tmp_path, devices, speech_wav) as alsa:
        cmd = sinkscribe(alsa.env, "devices")
        assert cmd.finish(60) == 0, cmd.stderr
    rates = {name: rate for name, (_, rate) in listed(cmd.stdout).items()}
    assert {"mic16": "16000", "line44": "44100", "usb48": "48000"}.items() <= rates.items(), cmd.stdout


def device_index(sinkscribe: Callable[..., Command], env: dict[str, str], name: str) -> str:
    cmd = sinkscribe(env, "devices")
    assert cmd.finish(60) == 0, cmd.stderr
    assert name in listed(cmd.stdout), cmd.stdout
    return listed(cmd.stdout)[name][0]


def test_ctrl_c_on_a_stalled_device_ends_everything_and_keeps_the_words(tmp_path, speech_wav, config, sinkscribe):
    """The reported hang, mid-stream: the device stops delivering without an error. PortAudio cannot even
    abort such a stream (it joins a thread stuck in the driver): capture must still end its stream,
    and leave."""
    with fake_alsa(tmp_path, [FakeDevice("mic16", then="stall")], speech_wav) as alsa:
        index = device_index(sinkscribe, alsa.env, "mic16")
        cmd = sinkscribe(alsa.env, "transcribe", "--mic", "--device", index, "--config", config)
        cmd.wait_for(lambda: "next week" in words_of(cmd.stdout), 90, "the recording's last words")
        cmd.wait_for(lambda: "delivered nothing" in cmd.stderr, 30, "a warning about the stalled device")
        took, left = cmd.ctrl_c()
    assert left == [], f"still running {3 * CTRL_C_S:.0f} s after Ctrl-C:\n{cmd.stderr[-3000:]}"
    assert took < CTRL_C_S, cmd.stderr
    assert cmd.proc.returncode == 0, cmd.stderr
    assert "Traceback" not in cmd.stderr
    assert wer(SAID, words_of(cmd.stdout)) < 0.3, cmd.stdout
    assert "(interrupted)" in cmd.stderr.splitlines()[-1]


def test_ctrl_c_while_the_device_never_answers(tmp_path, speech_wav, config, sinkscribe):
    """The reported hang as it happened: a one-shot writer serves the command's own device check, then is
    gone, so capture's PortAudio start-up waits forever in the driver (it opens the FIFO); the killed
    capture used to leave transcribe and the command waiting for an end of stream that never came."""
    with fake_alsa(tmp_path, [FakeDevice("mic16", serves=1)], speech_wav) as alsa:
        cmd = sinkscribe(alsa.env, "transcribe", "--mic", "--device", "mic16", "--config", config)
        cmd.wait_for(lambda: len(children_of(cmd.proc.pid)) == 2, 30, "the stages")
        time.sleep(3)  # capture is waiting for PortAudio by now
        took, left = cmd.ctrl_c()
    assert left == [] and took < CTRL_C_S, cmd.stderr
    assert cmd.proc.returncode == 0, cmd.stderr
    assert "Traceback" not in cmd.stderr
    assert "0.0 s of audio (interrupted)" in cmd.stderr


def test_a_device_that_vanishes_is_one_line_and_keeps_what_was_captured(tmp_path, speech_wav, config, sinkscribe):
    """44.1 kHz stereo by name (ALSA converts to what capture asks). Its source goes away after the
    recording: ALSA's file plugin then returns zeros as fast as they are read, which no live device does."""
    with fake_alsa(tmp_path, [FakeDevice("line44", 44_100, 2, then="vanish")], speech_wav) as alsa:
        cmd = sinkscribe(alsa.env, "transcribe", "--mic", "--device", "line44", "--config", config)
        code = cmd.finish(120)
    assert code == 2, cmd.stderr
    error = one_error_line(cmd.stderr)
    assert "capture:" in error and "'line44'" in error and "faster than real time" in error, error
    assert wer(SAID, words_of(cmd.stdout)) < 0.3, cmd.stdout


def test_run_on_a_48k_stereo_device_by_name(tmp_path, speech_wav, app_config, sinkscribe):
    """A device that refuses 16 kHz (like hw:): capture records at 48 kHz and resamples; Ctrl-C stops
    the microphone and the rest still ends with a final summary."""
    from tests.test_summarize_stage import SMALL

    config = tmp_path / "run.toml"
    config.write_text(config_io.dumps(app_config(summarize=SMALL)), encoding="utf-8")  # short summaries
    with fake_alsa(tmp_path, [FakeDevice("usb48", 48_000, 2, exact=True)], speech_wav) as alsa:
        cmd = sinkscribe(alsa.env, "--log-level", "info", "run", "--device", "usb48", "--config", str(config),
                         "--session-dir", str(tmp_path / "sessions"))  # fmt: skip
        cmd.wait_for(lambda: "next week" in words_of(cmd.stdout), 120, "the recording's last words")
        took, left = cmd.ctrl_c(limit_s=180)  # the final summary is written first
    assert left == [], cmd.stderr[-3000:]
    print(f"run ended {took:.1f} s after Ctrl-C")
    assert cmd.proc.returncode == 0, cmd.stderr[-3000:]
    assert "microphone 'usb48' open at 48000 Hz" in cmd.stderr
    assert "FINAL SUMMARY" in cmd.stdout, cmd.stdout
    assert wer(SAID, words_of(cmd.stdout)) < 0.3, cmd.stdout
    assert "(interrupted)" in cmd.stderr.splitlines()[-1]


FLOOD = """
import sys, time
from pipeline.errors import DeviceError
from stages.audio_io import Microphone
mic = Microphone("flood", 100, 1.0)
mic.open()
t0 = time.monotonic()
try:
    for _ in mic.blocks(lambda: time.monotonic() - t0 > 20):
        time.sleep(0.01)  # a consumer slower than the device: the queue fills
    print("no error")
except DeviceError as exc:
    print(exc)
print("overflow", mic.overflow_blocks, "after", round(time.monotonic() - t0, 1))
mic.close()
"""


def test_a_flooding_device_counts_overflow_then_fails(tmp_path, speech_wav):
    """A plain file as the infile: PortAudio reads it as fast as it can. The bounded queue drops and
    counts; after a couple of seconds capture says the device is no live microphone."""
    with fake_alsa(tmp_path, [FakeDevice("flood", feed="file")], speech_wav) as alsa:
        out = subprocess.run([sys.executable, "-c", FLOOD], env=alsa.env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "'flood' delivers audio" in lines[0] and "faster than real time" in lines[0], out.stdout
    _, dropped, _, after = lines[1].split()
    assert int(dropped) > 10 and float(after) < 10, out.stdout


def a_call(tmp_path):  # noqa: ANN001, ANN201 - bench.channels' Recording
    """Eight turns, the local side an espeak-ng voice, the remote side real Asterisk prompts, each side heard
    on the other's channel 20 dB down (bench.channels)."""
    from bench.channels import build_call, local_clips, remote_clips

    return build_call("call", local_clips(tmp_path / "local", 4, "en-us"), remote_clips(4, seed=7), -20.0, seed=3)


def json_segments(cmd: Command) -> list:
    """The segments `transcribe --json` has printed so far."""
    import json

    from pipeline.messages import Segment, Word

    rows = [json.loads(line) for line in list(cmd.out) if line.startswith("{")]
    return [Segment(r["stream"], r["seq"], r["text"], r["start"], r["end"], tuple(Word(**w) for w in r["words"]),
                    r["speaker"]) for r in rows if r.get("type") == "segment"]  # fmt: skip


def transcribed_call(cmd: Command, last_start: float) -> list:
    """A call's segments, once its last turn (starting at `last_start`) is in and Ctrl-C ended the command,
    which must leave nothing running and exit 0."""
    cmd.wait_for(lambda: any(s.end > last_start for s in json_segments(cmd)), 120, "the call's last turn")
    time.sleep(2)  # its last words
    _, left = cmd.ctrl_c()
    assert left == [] and cmd.proc.returncode == 0, cmd.stderr[-3000:]
    return json_segments(cmd)


def test_a_stereo_device_is_labelled_by_channel(tmp_path, config, sinkscribe):
    """A 48-kHz stereo device (like hw:, it refuses 16 kHz: capture resamples, keeping both channels) that
    carries a call, the local side on the left, the remote side on the right, each leaking into the other
    20 dB down: `transcribe --mic --channels call` labels each segment with its side."""
    from bench.channels import score, write_stereo

    rec = a_call(tmp_path)
    wav = write_stereo(tmp_path / "call.wav", rec.audio)
    last_start = rec.turns[-1][0]

    with fake_alsa(tmp_path, [FakeDevice("call48", 48_000, 2, exact=True)], wav) as alsa:
        cmd = sinkscribe(alsa.env, "--log-level", "info", "transcribe", "--mic", "--device", "call48", "--channels",
                         "call", "--json", "--config", config)  # fmt: skip
        got = transcribed_call(cmd, last_start)
    assert "microphone 'call48' open at 48000 Hz" in cmd.stderr
    shown = "\n".join(f"{s.start:6.2f}-{s.end:6.2f} {s.speaker}: {s.text}" for s in got)
    # Both sides labelled; a word at a turn boundary with no side ahead by the margin stays unlabelled by
    # design (stages/channels.py: ambiguous): at most one such short segment ("and..." between two turns,
    # seen in a CI run), and the accuracies below count it as wrong.
    assert {"Me", "Remote"} <= {s.speaker for s in got}, shown
    unlabelled = [s for s in got if s.speaker is None]
    assert len(unlabelled) <= 1 and all(len(s.words) <= 2 for s in unlabelled), shown
    result = score(rec, got)
    # Words decide; whole segments are counted loosely. At real-time pace on shared cores a commit can
    # fall just after a turn change, and the segment then holds words of both sides (bench/results/
    # channels.json has a call at 8/9 segments in process, and CI once saw 15/17 here: the unlabelled one
    # above and one such). Two wrong segments at most, whatever the count.
    wrong = round(result["segments"] * (1 - result["segment_accuracy"]))
    assert wrong <= 2 and result["word_accuracy"] >= 0.95, (result, shown)


def test_a_call_from_the_microphone_and_the_playback_is_labelled_by_device(tmp_path, config, sinkscribe):
    """A call on two devices, as a laptop has it: the local side on a 16-kHz microphone, the remote side
    on a 44.1-kHz stereo "monitor" of what the speakers play (PulseAudio and PipeWire show one as an
    input), each hearing the other 20 dB down. `transcribe --mic --playback` records both as one
    two-channel source and labels each segment with its side (Me, Remote), as a stereo call recording."""
    from bench.channels import score
    from bench.diarization import write_wav

    rec = a_call(tmp_path)
    mic_wav = write_wav(tmp_path / "mic.wav", rec.audio[:, 0])
    monitor_wav = write_wav(tmp_path / "monitor.wav", rec.audio[:, 1])
    last_start = rec.turns[-1][0]

    devices = [FakeDevice("laptopmic", recording=mic_wav), FakeDevice("monitor44", 44_100, 2, recording=monitor_wav)]
    with fake_alsa(tmp_path, devices, mic_wav) as alsa:
        cmd = sinkscribe(alsa.env, "--log-level", "info", "transcribe", "--mic", "--device", "laptopmic", "--playback",
                         "monitor44", "--json", "--config", config)  # fmt: skip
        got = transcribed_call(cmd, last_start)
    assert "microphone 'laptopmic' open" in cmd.stderr and "microphone 'monitor44' open" in cmd.stderr, cmd.stderr
    shown = "\n".join(f"{s.start:6.2f}-{s.end:6.2f} {s.speaker}: {s.text}" for s in got)
    assert {"Me", "Remote"} <= {s.speaker for s in got}, shown
    result = score(rec, got)
    # As the stereo device's test above, and the two feeders start a few milliseconds apart (two clocks):
    # the words decide, whole segments are counted loosely.
    wrong = round(result["segments"] * (1 - result["segment_accuracy"]))
    assert wrong <= 2 and result["word_accuracy"] >= 0.95, (result, shown)


def test_playback_without_the_microphone_or_with_other_than_two_names_is_one_line(tmp_path, speech_wav, config,
                                                                                     sinkscribe):  # fmt: skip
    with fake_alsa(tmp_path, [FakeDevice("mic16")], speech_wav) as alsa:
        cases = [(("transcribe", str(speech_wav), "--playback", "mic16"), "--playback records beside the microphone"),
                 (("transcribe", "--mic", "--playback", "mic16", "--channels", "3"), "playback_device needs channels"),
                 (("transcribe", "--mic", "--playback", "nosuchdevice"), "nosuchdevice")]  # fmt: skip
        for args, said in cases:
            cmd = sinkscribe(alsa.env, *args, "--config", config)
            assert cmd.finish(60) != 0, cmd.stderr
            assert said in one_error_line(cmd.stderr), cmd.stderr
