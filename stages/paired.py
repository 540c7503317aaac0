"""Two live inputs as one two-channel source: the microphone and what the computer plays.

A call heard through the computer's speakers is not on the microphone (or only as an echo): to transcribe
both sides, capture records the playback too, from the sound server's monitor of the output (PulseAudio
and PipeWire show it as an input named "Monitor of ..."; ALSA's loopback device is another way). The two
inputs become the two channels of one source, channel 0 the microphone and channel 1 the playback, so the
labels by input channel (`stages.channels`, `capture.channels`: "Me" and "Remote") say who spoke, and the
mono mix is what ASR hears, as for a stereo call recording.

Two devices run on two clocks. Each delivers into its own bounded queue (`audio_io.Microphone`); this
reader takes what both delivered and pairs sample for sample. When one runs ahead of the other by more
than `max_skew_s` (a device that stalled, or drift: two 16-kHz clocks 100 ppm apart part by 0.36 s an
hour), the one behind is filled with silence up to the other, so the meeting goes on being transcribed
from the device that works; the filled seconds are counted. If that input then delivers its backlog at
once (a driver that held its buffers) and runs ahead, its oldest audio, up to the silence it was given,
is dropped and counted, so the two stay aligned. A device that ends or floods raises the same
one-line DeviceError as a single microphone, after what was paired before it was yielded.

    with PairedInputs(Microphone(mic, 100, 30), Microphone(monitor, 100, 30), block=1600) as pair:
        for block in pair.blocks(stop):  # [samples, 2] float32 at 16 kHz
            ...
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

import numpy as np

from pipeline.messages import SAMPLE_RATE
from stages.audio_io import Microphone

log = logging.getLogger(__name__)

MAX_SKEW_S = 0.5  # one input this far ahead of the other: the other is filled with silence up to it
POLL_S = 0.02  # how often the queues are read when neither holds a whole block


class PairedInputs:
    """Two `Microphone`s read as one source of [samples, 2] blocks (first device = channel 0)."""

    def __init__(self, first: Microphone, second: Microphone, block: int, max_skew_s: float = MAX_SKEW_S) -> None:
        self.inputs = (first, second)
        self.block = block  # samples per block yielded once both have delivered them
        self.max_skew = int(max_skew_s * SAMPLE_RATE)
        self.filled_s = [0.0, 0.0]  # silence put in for each input that fell behind
        self.dropped_s = [0.0, 0.0]  # late audio dropped from an input that delivered its backlog at once
        self._owed = [0, 0]  # samples of silence given for each input and not yet made up by dropping
        self._behind = [False, False]  # an episode of filling is in progress (logged once)
        self._heard = [False, False]  # the input delivered audio since it was last filled
        self._pending = [np.zeros(0, np.float32), np.zeros(0, np.float32)]

    @property
    def overflow_blocks(self) -> int:
        return sum(mic.overflow_blocks for mic in self.inputs)

    @property
    def device_overflows(self) -> int:
        return sum(mic.device_overflows for mic in self.inputs)

    @property
    def stalls(self) -> int:
        return sum(mic.stalls for mic in self.inputs)

    def __enter__(self) -> PairedInputs:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self, should_stop: Callable[[], bool] | None = None) -> bool:
        """Start both devices (the second only once the first is up); False if stopped meanwhile. A
        device that cannot be opened raises DeviceError, with the other closed again."""
        first, second = self.inputs
        if not first.open(should_stop):
            return False
        try:
            if not second.open(should_stop):
                first.close()
                return False
        except BaseException:
            first.close()
            raise
        # What the first delivered while the second was opening has no partner: start both together.
        for mic in self.inputs:
            mic.take()
        return True

    def close(self) -> None:
        for mic in self.inputs:
            mic.close()

    def blocks(self, should_stop: Callable[[], bool]) -> Iterator[np.ndarray]:
        """[samples, 2] blocks until `should_stop()`; DeviceError when either device is gone or floods."""
        while not should_stop():
            for k, mic in enumerate(self.inputs):
                if got := mic.take():
                    self._pending[k] = np.concatenate([self._pending[k], *got]).astype(np.float32, copy=False)
                    self._heard[k] = True
            self._drop_backlog()
            self._fill_behind()
            paired = min(len(p) for p in self._pending)
            if paired >= self.block:
                yield self._take(paired)
            else:
                time.sleep(POLL_S)

    def _take(self, count: int) -> np.ndarray:
        out = np.stack([p[:count] for p in self._pending], axis=1)
        self._pending = [p[count:] for p in self._pending]
        return out

    def _drop_backlog(self) -> None:
        """An input that was given silence and now runs ahead by more than the skew delivered its backlog
        late (a driver that held its buffers): its oldest audio, up to the silence it was given, is dropped,
        so the two stay aligned. An input that stalled and resumes with current audio never runs ahead:
        nothing of it is dropped."""
        for k in range(2):
            ahead = len(self._pending[k]) - len(self._pending[1 - k])
            if self._owed[k] and ahead > self.max_skew:
                cut = min(self._owed[k], ahead)
                self._pending[k] = self._pending[k][cut:]
                self._owed[k] -= cut
                self.dropped_s[k] += cut / SAMPLE_RATE

    def _fill_behind(self) -> None:
        """The input behind by more than the skew gets silence up to the other's pending audio."""
        lengths = [len(p) for p in self._pending]
        ahead = max(range(2), key=lengths.__getitem__)
        behind = 1 - ahead
        gap = lengths[ahead] - lengths[behind]
        if gap <= self.max_skew:
            for k in range(2):  # logged once the input has delivered again, not on an empty tie
                if self._behind[k] and self._heard[k]:
                    self._behind[k] = False
                    log.info("capture: %r keeps pace again", self.inputs[k].name)
            return
        self._pending[behind] = np.concatenate([self._pending[behind], np.zeros(gap, np.float32)])
        self.filled_s[behind] += gap / SAMPLE_RATE
        self._owed[behind] += gap
        self._heard[behind] = False
        if not self._behind[behind]:
            self._behind[behind] = True
            log.warning("capture: %r is %.1f s behind %r; its channel is silence until it catches up",
                        self.inputs[behind].name, gap / SAMPLE_RATE, self.inputs[ahead].name)  # fmt: skip
