"""Two inputs read as one two-channel source (stages/paired.py), with scripted devices: pairing sample for
sample, silence for a device that falls behind, errors passed on after what was paired. The real
devices (PortAudio, ALSA) are in tests/test_mic_alsa.py."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from pipeline.errors import DeviceError
from pipeline.messages import SAMPLE_RATE
from stages.paired import PairedInputs

BLOCK = SAMPLE_RATE // 10  # 100 ms


class Scripted:
    """A stand-in for `audio_io.Microphone`: each `take()` returns the next scripted delivery (a list
    of blocks, or an exception to raise); [] once the script is done."""

    def __init__(self, name: str, script: list) -> None:
        self.name, self.script = name, list(script)
        self.overflow_blocks = self.device_overflows = self.stalls = 0
        self.opened = self.closed = False

    def open(self, should_stop=None) -> bool:  # noqa: ANN001
        self.opened = True
        return True

    def close(self) -> None:
        self.closed = True

    def take(self) -> list[np.ndarray]:
        if not self.script:
            return []
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


def tone(value: float, seconds: float = 0.1) -> np.ndarray:
    return np.full(int(SAMPLE_RATE * seconds), value, np.float32)


def run(pair: PairedInputs, calls: int) -> list[np.ndarray]:
    """Blocks yielded over at most `calls` reads of the devices."""
    count = iter(range(10**9))
    return list(pair.blocks(lambda: next(count) >= calls))


def test_two_devices_are_paired_sample_for_sample_whatever_their_block_sizes() -> None:
    first = Scripted("mic", [[tone(0.1)] for _ in range(10)])
    second = Scripted("monitor", [[tone(0.2, 0.2)], []] * 5)  # 200-ms blocks every other read: 1 s in all
    blocks = run(PairedInputs(first, second, BLOCK), 20)
    audio = np.concatenate(blocks)
    assert audio.shape == (SAMPLE_RATE, 2)
    assert np.all(audio[:, 0] == np.float32(0.1)) and np.all(audio[:, 1] == np.float32(0.2))
    assert all(len(b) >= BLOCK for b in blocks)


def test_a_device_that_falls_behind_is_silence_and_the_other_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    """The monitor stalls for 2 s mid-call: the microphone's words keep coming, the monitor's channel is
    silence for what it missed beyond the skew, and it is paired again when it delivers."""
    caplog.set_level(logging.INFO, logger="stages.paired")
    first = Scripted("mic", [[tone(0.1)] for _ in range(40)])
    second = Scripted("monitor", [[tone(0.2)] for _ in range(10)] + [[] for _ in range(20)] + [[tone(0.2)] for _ in range(10)])
    pair = PairedInputs(first, second, BLOCK, max_skew_s=0.5)
    audio = np.concatenate(run(pair, 40))
    assert audio.shape[0] >= int(3.5 * SAMPLE_RATE)  # the microphone's 4 s, all but the last skew at most
    assert np.all(audio[:, 0] == np.float32(0.1))
    silent = np.sum(audio[:, 1] == 0) / SAMPLE_RATE
    assert 1.4 <= silent <= 2.0 and pair.filled_s[1] == pytest.approx(silent)
    assert pair.filled_s[0] == 0
    assert np.all(audio[-BLOCK:, 1] == np.float32(0.2))  # delivering again: paired again
    said = [r.getMessage() for r in caplog.records]
    assert sum("behind" in m for m in said) == 1 and sum("keeps pace again" in m for m in said) == 1, said


def test_a_device_error_comes_after_what_was_paired_and_both_close() -> None:
    # (The first read of each, at open, finds nothing yet: what comes before both are open is not paired.)
    first = Scripted("mic", [[]] + [[tone(0.1)] for _ in range(5)])
    second = Scripted("monitor", [[], [tone(0.2)], [tone(0.2)], DeviceError("audio input 'monitor' stopped delivering")])
    got = []
    with PairedInputs(first, second, BLOCK) as pair, pytest.raises(DeviceError, match="'monitor'"):
        for block in pair.blocks(lambda: False):
            got.append(block)
    assert sum(len(b) for b in got) == 2 * BLOCK
    assert first.opened and second.opened and first.closed and second.closed


def test_a_second_device_that_cannot_open_closes_the_first() -> None:
    class Refuses(Scripted):
        def open(self, should_stop=None) -> bool:  # noqa: ANN001
            raise DeviceError("cannot open audio input 'monitor'")

    first, second = Scripted("mic", []), Refuses("monitor", [])
    with pytest.raises(DeviceError):
        PairedInputs(first, second, BLOCK).open()
    assert first.opened and first.closed


def test_a_backlog_delivered_late_is_dropped_so_the_channels_stay_aligned() -> None:
    """The monitor holds 2 s of audio in its driver, then delivers it at once: it was given silence for
    that time, so the late copy is dropped (as much as the silence given), not paired with later speech."""
    first = Scripted("mic", [[tone(0.1)] for _ in range(50)])
    second = Scripted("monitor", [[tone(0.2)] for _ in range(10)] + [[] for _ in range(20)] + [[tone(0.2, 2.0)]]
                      + [[tone(0.2)] for _ in range(19)])  # fmt: skip
    pair = PairedInputs(first, second, BLOCK, max_skew_s=0.5)
    audio = np.concatenate(run(pair, 50))
    assert audio.shape[0] <= 5 * SAMPLE_RATE  # no more than the microphone delivered: nothing doubled
    assert pair.filled_s[1] > 1.0 and pair.dropped_s[1] == pytest.approx(pair.filled_s[1], abs=0.6)
    assert np.all(audio[-BLOCK:, 1] == np.float32(0.2))


def test_opening_drops_what_the_first_device_gave_before_the_second_was_open() -> None:
    first = Scripted("mic", [[tone(0.5, 0.3)]] + [[tone(0.1)] for _ in range(5)])  # 0.3 s while the other opened
    second = Scripted("monitor", [[]] + [[tone(0.2)] for _ in range(5)])
    pair = PairedInputs(first, second, BLOCK)
    assert pair.open()
    audio = np.concatenate(run(pair, 5))
    assert np.all(audio[:, 0] == np.float32(0.1)) and audio.shape == (5 * BLOCK, 2)
