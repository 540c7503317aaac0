"""Transcribe stage: AudioChunk in -> Partial captions (PUB) and committed Segments (PUB + lossless PUSH).

`StreamingTranscriber` is the whole streaming policy with no sockets (tests push chunks in and read
events out); `run` wires it to ZeroMQ. Per chunk:

1. VAD: Silero scores each 32 ms frame once. Outside an utterance only a short pre-roll is kept, so
   silence and noise never reach Whisper (its main source of invented text).
2. Every `step_s` of new speech, Whisper re-decodes the utterance buffer with the previously committed
   text as prompt; LocalAgreement-2 commits the prefix two consecutive hypotheses agree on.
3. `silence_flush_s` of silence ends the utterance: a last decode commits everything.
4. A buffer longer than `max_buffer_s` is trimmed at the last committed word, so memory is bounded even
   when nobody pauses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import zmq

from pipeline import transport
from pipeline.messages import SAMPLE_RATE, AudioChunk, EndOfStream, Message, Partial, Segment, Status, Word
from pipeline.runner import StopFlag
from stages import commit_policy as policy
from stages.asr_models import load_whisper
from stages.settings import AppConfig, TranscribeConfig, auto_threads
from stages.vad import FRAME_S, StreamingVad

log = logging.getLogger(__name__)
FLUSH_TIMEOUT_S = 30.0
STEP_COST_FACTOR = 2.2
HARD_LIMIT_S = 28.0  # Whisper sees 30 s at most: past this, commit the hypothesis and cut regardless


@dataclass
class TranscribeCounters:
    audio_seconds: float = 0.0
    speech_seconds: float = 0.0
    asr_seconds: float = 0.0  # compute time spent in Whisper (real-time factor = asr / audio)
    asr_runs: int = 0
    segments: int = 0
    words: int = 0
    dropped_segments: int = 0  # Whisper segments refused by the no-speech / compression guards
    dropped_hallucinations: int = 0
    cut_repetitions: int = 0
    buffer_seconds: float = 0.0


class StreamingTranscriber:
    """The streaming policy for one stream; yields Partial and Segment messages."""

    def __init__(self, cfg: TranscribeConfig, model, stream: str) -> None:  # noqa: ANN001 - WhisperModel
        self.cfg = cfg
        self.model = model
        self.stream = stream
        self.vad = StreamingVad()
        self.agreement = policy.LocalAgreement()
        self.counters = TranscribeCounters()
        self.clock = 0.0  # wall - audio time of the newest chunk
        self._seg_seq = 0
        self._partial_seq = 0
        self._scrolled = ""  # committed text whose audio has left the buffer: Whisper's prompt
        self._in_buffer: list[Word] = []  # committed words whose audio is still in the buffer
        self._reset_utterance(np.zeros(0, dtype=np.float32), 0.0)

    # -- state ------------------------------------------------------------------------------------------
    def _reset_utterance(self, pre_roll: np.ndarray, pre_roll_start: float) -> None:
        self._buf = pre_roll  # audio of the current utterance (starting with pre-roll)
        self._buf_start = pre_roll_start  # audio time of _buf[0]
        self._in_utterance = False
        self._silence = 0.0  # seconds of non-speech since the last speech frame
        self._new_speech = 0.0  # seconds of audio since the last Whisper run
        self._speech_frames = 0
        self._frames = 0

    @property
    def segments_sent(self) -> int:
        return self._seg_seq

    @property
    def _buf_end(self) -> float:
        return self._buf_start + len(self._buf) / SAMPLE_RATE

    # -- steps ------------------------------------------------------------------------------------------
    def feed(self, chunk: AudioChunk) -> Iterator[Message]:
        """One chunk in; the Partial/Segment messages it causes out."""
        c = self.cfg
        self.clock = chunk.wall - chunk.end
        self.counters.audio_seconds += chunk.duration
        probs = self.vad.feed(chunk.samples)
        speech = probs >= c.vad_threshold
        if not self._in_utterance:
            if not speech.any():
                keep = int(c.pre_roll_s * SAMPLE_RATE)
                self._buf = np.concatenate([self._buf, chunk.samples])[-keep:] if keep else self._buf[:0]
                self._buf_start = chunk.end - len(self._buf) / SAMPLE_RATE
                return
            self._in_utterance = True
            self._silence = 0.0
        self._buf = np.concatenate([self._buf, chunk.samples])
        self._new_speech += chunk.duration
        self._frames += len(probs)
        self._speech_frames += int(speech.sum())
        self.counters.speech_seconds += chunk.duration
        for is_speech in speech:
            self._silence = 0.0 if is_speech else self._silence + FRAME_S
        if self._silence >= c.silence_flush_s:
            yield from self._end_utterance(chunk.end)
        elif self._new_speech >= max(c.step_s, self._step_floor()):
            yield from self._step()
        self.counters.buffer_seconds = len(self._buf) / SAMPLE_RATE

    def finish(self) -> Iterator[Message]:
        """End of stream: commit what is left."""
        if self._in_utterance:
            yield from self._end_utterance(self._buf_end)

    def _step_floor(self) -> float:
        # Never decode more often than the machine affords: a run every >= 2.2x its mean cost keeps
        # Whisper under half of real time (utterance-final decodes included) on a slow or busy CPU.
        runs = self.counters.asr_runs
        return STEP_COST_FACTOR * self.counters.asr_seconds / runs if runs else 0.0

    def _step(self) -> Iterator[Message]:
        words = self._decode()
        committed = self.agreement.insert(words)
        committed += self.agreement.commit_older_than(self._buf_end - self.cfg.max_word_wait_s)
        yield from self._emit(committed)
        if self._buf_end - self._buf_start > self.cfg.max_buffer_s:
            self._trim(self.agreement.committed_end)
        if self._buf_end - self._buf_start > HARD_LIMIT_S:
            yield from self._emit(self.agreement.flush())
            self._trim(self._buf_end - self.cfg.pre_roll_s)
        if self.cfg.partials and self.agreement.pending:
            yield self._partial(self.agreement.pending)

    def _end_utterance(self, now: float) -> Iterator[Message]:
        words = self._decode()
        yield from self._emit(self.agreement.flush(words))
        if self.cfg.partials:
            yield self._partial([])  # clears the caption line
        keep = int(self.cfg.pre_roll_s * SAMPLE_RATE)
        tail = self._buf[-keep:] if keep else self._buf[:0]
        self._reset_utterance(tail, now - len(tail) / SAMPLE_RATE)
        self._scroll()

    def _trim(self, at: float) -> None:
        """Drop buffered audio before audio time `at` (a committed word boundary)."""
        cut = int((at - self._buf_start) * SAMPLE_RATE)
        if cut > 0:
            self._buf = self._buf[cut:]
            self._buf_start += cut / SAMPLE_RATE
        self._scroll()

    def _scroll(self) -> None:
        """Committed words whose audio left the buffer become prompt text.

        Only those: with words still audible in the prompt, Whisper skips them in its hypothesis and
        LocalAgreement loses the seam (whisper_streaming prompts the same way).
        """
        gone = [w for w in self._in_buffer if w.end <= self._buf_start + 0.01]
        if gone:
            self._in_buffer = self._in_buffer[len(gone) :]
            text = " ".join(w.text for w in gone)
            self._scrolled = (self._scrolled + " " + text)[-self.cfg.prompt_chars :]

    def _decode(self) -> list[Word]:
        """Run Whisper on the buffer; apply the guards; return words with absolute times."""
        c = self.cfg
        self._new_speech = 0.0
        if len(self._buf) < SAMPLE_RATE // 10:
            return []
        t0 = time.perf_counter()
        segments, _info = self.model.transcribe(
            self._buf,
            language=c.language,
            beam_size=c.beam_size,
            word_timestamps=True,
            condition_on_previous_text=False,
            initial_prompt=self._scrolled.strip() or None,
            vad_filter=False,
            temperature=0.0,
            without_timestamps=False,
            no_speech_threshold=c.no_speech_threshold,
            log_prob_threshold=c.logprob_threshold,
            compression_ratio_threshold=c.compression_ratio_threshold,
        )
        words: list[Word] = []
        for seg in segments:  # a lazy generator: decoding happens while iterating
            if seg.no_speech_prob > c.no_speech_threshold and seg.avg_logprob < c.logprob_threshold:
                self.counters.dropped_segments += 1
                continue
            if seg.compression_ratio > c.compression_ratio_threshold:
                self.counters.dropped_segments += 1
                continue
            for w in seg.words or ():
                text = w.word.strip()
                if text:
                    start = self._buf_start + max(0.0, w.start)
                    end = max(start, self._buf_start + w.end)
                    words.append(Word(text, round(start, 3), round(end, 3), round(w.probability, 3)))
        self.counters.asr_seconds += time.perf_counter() - t0
        self.counters.asr_runs += 1
        cut = policy.cut_repetition(words)
        if len(cut) < len(words):
            self.counters.cut_repetitions += 1
        speech_fraction = self._speech_frames / max(1, self._frames)
        if policy.is_hallucination(cut, speech_fraction):
            self.counters.dropped_hallucinations += 1
            return []
        return cut

    def _emit(self, words: list[Word]) -> Iterator[Message]:
        if not words:
            return
        text = " ".join(w.text for w in words)
        self._in_buffer += words
        self.counters.segments += 1
        self.counters.words += len(words)
        seg = Segment(
            self.stream, self._seg_seq, text, words[0].start, words[-1].end, tuple(words),
            wall=time.time(), clock=self.clock,
        )  # fmt: skip
        self._seg_seq += 1
        yield seg

    def _partial(self, words: list[Word]) -> Partial:
        self._partial_seq += 1
        text = " ".join(w.text for w in words)
        start, end = (words[0].start, words[-1].end) if words else (self._buf_end, self._buf_end)
        return Partial(self.stream, self._partial_seq, text, start, end)


def run(cfg: AppConfig, stop: StopFlag) -> int:
    """Serve the audio socket until stopped (or, with exit_after_eos, until one stream has ended)."""
    ctx = zmq.Context.instance()
    ep = cfg.endpoints
    inbox = transport.Receiver(transport.open_socket(ctx, "pull", ep.audio, bind=True, hwm=200, security=cfg.security), "audio")
    pub = transport.open_socket(ctx, "pub", ep.captions, bind=True, hwm=1000, security=cfg.security)
    out = transport.open_socket(ctx, "push", ep.transcript, bind=False, hwm=cfg.transcribe.hwm, security=cfg.security)
    model = load_whisper(cfg.transcribe.model, cfg.transcribe.compute_type, auto_threads(cfg.transcribe.threads))
    log.info("transcribe: %s -> %s (captions on %s)", ep.audio, ep.transcript, ep.captions)
    states: dict[str, StreamingTranscriber] = {}
    status_seq = 0
    last_status = 0.0
    upstream: dict = {}

    def publish_status() -> None:
        nonlocal status_seq
        counters: dict = {"malformed": inbox.counters.malformed, "streams": len(states)}
        for name, st in states.items():
            counters[name] = vars(st.counters).copy()
        counters["capture"] = upstream
        transport.send(pub, Status(cfg.stream, status_seq, "transcribe", time.time(), counters))
        status_seq += 1

    def forward(msg: Message) -> None:
        transport.send(pub, msg)
        if isinstance(msg, Segment):  # machines get committed text only, losslessly
            transport.send_waiting(out, msg, stop.is_set)
        elif isinstance(msg, EndOfStream) and not transport.send_within(out, msg, FLUSH_TIMEOUT_S):
            log.error("transcribe: summarize did not take the end of stream within %.0f s", FLUSH_TIMEOUT_S)

    try:
        while not stop.is_set():
            if time.monotonic() - last_status >= cfg.heartbeat_s:
                last_status = time.monotonic()
                publish_status()
            got = inbox.recv(timeout_s=0.2)
            if got is None:
                continue
            msg = got[1]
            if isinstance(msg, Status):
                upstream = msg.counters
                continue
            if not isinstance(msg, AudioChunk | EndOfStream):
                inbox.counters.count_malformed("audio", ValueError(f"unexpected {msg.type} message"))
                continue
            st = states.get(msg.stream)
            if st is None:
                st = states[msg.stream] = StreamingTranscriber(cfg.transcribe, model, msg.stream)
            if isinstance(msg, AudioChunk):
                for event in st.feed(msg):
                    forward(event)
                continue
            for event in st.finish():
                forward(event)
            c = st.counters
            log.info(
                "transcribe: %s ended (%s): %.1f s audio, %d segments, ASR %.2f x real time",
                msg.stream, msg.reason, c.audio_seconds, c.segments, c.asr_seconds / max(c.audio_seconds, 1e-9),
            )  # fmt: skip
            publish_status()  # before the end of stream, so a consumer that stops there has it
            forward(EndOfStream(msg.stream, st.segments_sent, msg.reason, msg.audio_seconds))
            del states[msg.stream]
            if cfg.exit_after_eos:
                break
    finally:
        transport.close_flushing(out, FLUSH_TIMEOUT_S)
        pub.close(linger=0)
        inbox.sock.close(linger=0)
    return 0
