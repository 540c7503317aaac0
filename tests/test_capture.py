"""Capture: decoding many formats and rates to 16 kHz mono, raw PCM, pacing, bad files, the real stage."""

from __future__ import annotations

import io
import threading
import time

import numpy as np
import pytest
import zmq

from pipeline import transport
from pipeline.errors import DeviceError, InputError
from pipeline.messages import SAMPLE_RATE, AudioChunk, EndOfStream, Status
from pipeline.runner import StopFlag
from stages import audio_io, capture
from tests.conftest import read_all, write_audio


def tone(seconds: float, rate: int, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize(
    ("suffix", "rate", "channels"),
    [(".wav", 8000, 1), (".wav", 48000, 2), (".flac", 44100, 2), (".mp3", 22050, 1), (".ogg", 48000, 1),
     (".m4a", 44100, 2), (".opus", 24000, 2)],
)  # fmt: skip
def test_formats_and_rates_become_16k_mono(tmp_path, suffix, rate, channels):
    path = write_audio(tmp_path / f"tone{suffix}", tone(2.0, rate), rate, channels)
    audio = read_all(path)
    assert audio.dtype == np.float32
    assert abs(len(audio) / SAMPLE_RATE - 2.0) < 0.1  # duration kept (codec padding aside)
    spectrum = np.abs(np.fft.rfft(audio[SAMPLE_RATE // 2 : SAMPLE_RATE + SAMPLE_RATE // 2]))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / SAMPLE_RATE  # 1 s window: bin = 1 Hz
    assert abs(peak_hz - 440) < 5  # resampled, not just relabelled


def test_rechunk_gives_fixed_chunks_and_keeps_every_sample():
    blocks = [np.arange(n, dtype=np.float32) for n in (7, 1600, 3, 5000, 1)]
    chunks = list(capture.rechunk(iter(blocks), 1600))
    assert all(len(c) == 1600 for c in chunks[:-1]) and 0 < len(chunks[-1]) <= 1600
    assert np.array_equal(np.concatenate(chunks), np.concatenate(blocks))


def test_raw_pcm_stdin_stereo_44k():
    pcm = (tone(1.0, 44100)[:, None].repeat(2, 1) * 32767).astype("<i2").tobytes()
    audio = np.concatenate(list(audio_io.read_pcm(io.BytesIO(pcm + b"\x01"), 44100, 2)))
    assert abs(len(audio) - SAMPLE_RATE) < 200


def test_raw_pcm_16k_mono_is_exact():
    samples = (np.arange(-1000, 1000) * 16).astype("<i2")
    audio = np.concatenate(list(audio_io.read_pcm(io.BytesIO(samples.tobytes()), SAMPLE_RATE, 1)))
    assert np.allclose(audio * 32768, samples)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.write_bytes(b""), p)[1], "is empty"),
        (lambda p: (p.write_text("hello, this is a text file\n" * 50), p)[1], "not a readable audio file"),
        (lambda p: (p.write_bytes(bytes(range(256)) * 40), p)[1], "not a readable audio file"),
        (lambda p: (p.mkdir(), p)[1], "is a directory"),
    ],
    ids=["missing", "empty", "text", "binary", "directory"],
)
def test_bad_files_are_one_line_input_errors(tmp_path, make, message):
    path = make(tmp_path / "input.wav")
    with pytest.raises(InputError, match=message) as info:
        list(audio_io.read_file(path))
    assert "\n" not in str(info.value)


# A WAV header still declares 4 s; a cut-off Ogg file declares what is left (FFmpeg reads the last
# granule present), so only its missing end-of-stream page gives it away. FLAC and MP3 declare lengths.
@pytest.mark.parametrize("suffix", [".wav", ".ogg", ".opus", ".flac", ".mp3"])
def test_truncated_file_yields_what_it_has_then_says_so(tmp_path, suffix):
    path = write_audio(tmp_path / f"long{suffix}", tone(4.0, SAMPLE_RATE))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    got = []
    with pytest.raises(InputError, match="truncated"):
        for block in audio_io.read_file(path):
            got.append(block)
    assert 1.0 < sum(map(len, got)) / SAMPLE_RATE < 2.5


def test_complete_ogg_files_are_not_called_truncated(tmp_path):
    for seconds in (0.5, 4.0, 30.0):  # one page, a few pages, many pages
        path = write_audio(tmp_path / f"{seconds}.ogg", tone(seconds, SAMPLE_RATE))
        assert abs(len(read_all(path)) / SAMPLE_RATE - seconds) < 0.1


def test_nan_samples_become_silence(tmp_path):
    samples = tone(1.0, SAMPLE_RATE)
    samples[100:200] = np.nan
    path = write_audio(tmp_path / "nan.wav", samples, codec="pcm_f32le")
    audio = read_all(path)
    assert np.isfinite(audio).all() and np.abs(audio).max() <= 1.0


def test_pacer_replays_at_the_requested_speed():
    stop = StopFlag()
    pacer = capture.Pacer(speed=4.0)
    t0 = time.monotonic()
    pacer.wait(1.0, stop)  # 1 s of audio at 4x
    assert 0.2 <= time.monotonic() - t0 < 0.6
    fast = capture.Pacer(speed=0)
    t0 = time.monotonic()
    fast.wait(100.0, stop)
    assert time.monotonic() - t0 < 0.05


def _collect(endpoint: str, out: list, done: threading.Event, delay_s: float = 0.0) -> None:
    ctx = zmq.Context.instance()
    receiver = transport.Receiver(transport.open_socket(ctx, "pull", endpoint, bind=True, hwm=2), "t")
    try:
        while not done.is_set():
            got = receiver.recv(timeout_s=0.2)
            if got is None:
                continue
            out.append(got[1])
            time.sleep(delay_s)  # a slow consumer: the sender must wait, not drop
            if isinstance(got[1], EndOfStream):
                break
    finally:
        receiver.sock.close(linger=0)


def test_stage_at_speed_zero_sends_every_sample_to_a_slow_consumer(tmp_path, app_config):
    samples = tone(3.0, SAMPLE_RATE)
    path = write_audio(tmp_path / "t.wav", samples)
    cfg = app_config(capture__source=str(path), capture__speed=0.0, capture__hwm=2, capture__resume_wait_s=0)
    got: list = []
    done = threading.Event()
    consumer = threading.Thread(target=_collect, args=(cfg.endpoints.audio, got, done, 0.01))
    consumer.start()
    try:
        assert capture.run(cfg, StopFlag()) == 0
        consumer.join(20)
    finally:
        done.set()
    chunks = [m for m in got if isinstance(m, AudioChunk)]
    assert [c.seq for c in chunks] == list(range(len(chunks)))
    assert np.allclose(np.concatenate([c.samples for c in chunks]), read_all(path))
    assert isinstance(got[-1], EndOfStream) and got[-1].reason == "eof"
    assert got[-1].audio_seconds == pytest.approx(3.0, abs=0.01)
    assert any(isinstance(m, Status) for m in got)


def test_stage_stops_on_request_and_still_ends_the_stream(tmp_path, app_config):
    path = write_audio(tmp_path / "t.wav", tone(30.0, SAMPLE_RATE))
    cfg = app_config(capture__source=str(path), capture__speed=1.0, capture__resume_wait_s=0)
    got: list = []
    done = threading.Event()
    consumer = threading.Thread(target=_collect, args=(cfg.endpoints.audio, got, done))
    consumer.start()
    stop = StopFlag()
    threading.Timer(0.5, stop.set).start()
    t0 = time.monotonic()
    try:
        capture.run(cfg, stop)
        consumer.join(10)
    finally:
        done.set()
    assert time.monotonic() - t0 < 5
    assert isinstance(got[-1], EndOfStream) and got[-1].reason == "interrupted"
    assert got[-1].audio_seconds < 5


# -- A device that misbehaves (the real ones: tests/test_mic_alsa.py) ----------------------------------


def test_a_portaudio_call_that_never_returns_is_bounded(monkeypatch):
    monkeypatch.setattr(audio_io, "_wedged", "")
    release = threading.Event()
    t0 = time.monotonic()
    with pytest.raises(DeviceError, match=r"opening 'x' did not return within 0.3 s") as info:
        audio_io.bounded(release.wait, "opening 'x'", 0.3)
    assert time.monotonic() - t0 < 2 and "\n" not in str(info.value)
    # PortAudio is unusable from then on: later calls fail at once, and the process must leave hard.
    assert audio_io.wedged() == "opening 'x'"
    with pytest.raises(DeviceError, match="PortAudio is stuck"):
        audio_io.bounded(lambda: 1, "listing", 5)
    release.set()


def test_a_stop_ends_the_wait_for_a_portaudio_call(monkeypatch):
    monkeypatch.setattr(audio_io, "_wedged", "")
    stop = StopFlag()
    threading.Timer(0.2, stop.set).start()
    with pytest.raises(audio_io.Abandoned):
        audio_io.bounded(threading.Event().wait, "starting PortAudio", 60, stop.is_set)
    assert audio_io.wedged() == "starting PortAudio"


def test_bounded_returns_what_the_call_returns_and_raises_what_it_raises(monkeypatch):
    monkeypatch.setattr(audio_io, "_wedged", "")
    assert audio_io.bounded(lambda: 42, "x", 5) == 42
    with pytest.raises(ValueError, match="no such device"):
        audio_io.bounded(lambda: (_ for _ in ()).throw(ValueError("no such device")), "x", 5)
    assert audio_io.wedged() == ""


class EndingStream:
    """A stream that PortAudio ends after a few blocks, as it does when a device is unplugged."""

    def __init__(self, samplerate, blocksize, callback, finished_callback, **_kw) -> None:  # noqa: ANN001
        self.blocksize, self.callback, self.finished = blocksize, callback, finished_callback

    def start(self) -> None:
        def produce() -> None:
            for _ in range(5):
                self.callback(np.full((self.blocksize, 1), 0.1, np.float32), self.blocksize, None, None)
                time.sleep(0.1)
            self.finished()

        threading.Thread(target=produce, daemon=True).start()

    def abort(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_device_that_ends_its_stream_is_a_one_line_error_after_what_it_gave(monkeypatch):
    from types import SimpleNamespace

    fake = SimpleNamespace(PortAudioError=RuntimeError, InputStream=EndingStream, check_input_settings=lambda **_kw: None,
                           query_devices=lambda device, kind: {"name": "usb mic", "default_samplerate": 16000})  # fmt: skip
    monkeypatch.setattr(audio_io, "import_sounddevice", lambda _should_stop=None: fake)
    got = []
    with audio_io.Microphone("usb", 100, 5.0) as mic, pytest.raises(DeviceError) as info:
        for block in mic.blocks(lambda: False):
            got.append(block)
    assert len(got) == 5  # everything it delivered, then the error
    assert str(info.value) == "audio input 'usb mic' stopped delivering audio (unplugged, or its driver failed)"


def test_a_stream_the_service_refuses_ends_the_sender_with_its_reason(tmp_path, app_config):
    """A sender that pushes to a service without asking it first (PROTOCOL.md section 12) used to send its
    whole recording into the void and exit 0 when transcribe refused the stream: it now stops with the
    service's reason (an InputError: one line and exit 2 at the CLI), after ending the stream."""
    path = write_audio(tmp_path / "t.wav", tone(20.0, SAMPLE_RATE))
    cfg = app_config(stream="gamma", capture__source=str(path), capture__speed=1.0, capture__resume_wait_s=10.0)
    why = "stream gamma refused: this service already holds 2 live streams (--max-streams 2)"
    got: list = []
    done = threading.Event()
    consumer = threading.Thread(target=_collect, args=(cfg.endpoints.audio, got, done))
    consumer.start()

    def transcribe_heartbeats() -> None:
        pub = transport.open_socket(zmq.Context.instance(), "pub", cfg.endpoints.captions, bind=True)
        try:
            seq = 0
            while not done.is_set():
                live = sum(isinstance(m, AudioChunk) for m in got) < 5  # refused once its first chunks arrive
                state = ({"position": 0.0, "needed_from": 0.0, "ended": False} if live else
                         {"position": 0.0, "needed_from": 0.0, "ended": True, "refused": why})  # fmt: skip
                transport.send(pub, Status("gamma", seq, "transcribe", time.time(),
                                           {"instance": "t1", "positions": {"gamma": state}}))  # fmt: skip
                seq += 1
                time.sleep(0.1)
        finally:
            pub.close(linger=0)

    peer = threading.Thread(target=transcribe_heartbeats)
    peer.start()
    try:
        with pytest.raises(InputError, match="refused: this service already holds 2 live streams"):
            capture.run(cfg, StopFlag())
        consumer.join(10)
    finally:
        done.set()
        peer.join(5)
    chunks = [m for m in got if isinstance(m, AudioChunk)]
    assert 5 <= len(chunks) < 100  # stopped on the refusal: 20 s in real time is 200 chunks of 100 ms
    assert isinstance(got[-1], EndOfStream) and got[-1].reason == "error"
