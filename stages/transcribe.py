"""Transcribe stage: AudioChunk in -> Partial captions (PUB) and committed Segments (PUB + lossless PUSH).

`StreamingTranscriber` is the whole streaming policy with no sockets (tests push chunks in and read
events out); `run` wires it to ZeroMQ. Per chunk:

1. VAD: Silero scores each 32 ms frame once. Outside an utterance only a short pre-roll is kept, so
   silence and noise never reach Whisper (its main source of invented text).
2. Every `step_s` of new speech, Whisper re-decodes the utterance buffer with the previously committed
   text as prompt; LocalAgreement-2 commits the prefix two consecutive hypotheses agree on. Its words
   are written words, Whisper's pieces merged ("$65" + ",000" -> "$65,000", see `stages.words`).
3. `silence_flush_s` of silence ends the utterance: a last decode commits everything.
4. A buffer longer than `max_buffer_s` is trimmed at the last committed word, so memory is bounded even
   when nobody pauses.
5. With `speakers` on, each committed segment is labelled (S1, S2 ...) from its audio in the buffer
   before it leaves (`stages.speakers`): the label costs no extra caption delay. Chunks that carry
   their channels' levels (capture.channels) are labelled by channel instead (`stages.channels`): the
   channel of most of a segment's words, the segment split where the channel clearly changes.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import zmq

from pipeline import client, reliable, security, transport
from pipeline.errors import ModelError, TransportError
from pipeline.messages import (
    SAMPLE_RATE,
    AudioChunk,
    EndOfStream,
    Error,
    Message,
    Partial,
    Relabel,
    Segment,
    Snapshot,
    SnapshotRequest,
    Status,
    Word,
)
from pipeline.publisher import Publisher
from pipeline.runner import StopFlag
from pipeline.threads import all_threads, host_load
from stages import commit_policy as policy
from stages.asr_models import load_whisper
from stages.channels import ChannelTrack, default_names
from stages.decode_pool import DecodePool
from stages.settings import AppConfig, TranscribeConfig, auto_threads
from stages.speakers import labeler_for
from stages.vad import FRAME_S, StreamingVad
from stages.words import Piece, caption_text, written_words

log = logging.getLogger(__name__)
FLUSH_TIMEOUT_S = 30.0
STEP_COST_FACTOR = 2.2
SPEECH_TAIL_S = 0.2  # s of audio after the last speech frame kept for an utterance's final decode
RECENT_WORDS = 64  # committed words kept to carry a prompt across utterances from (200 characters at most)
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
    prompt_copies: int = 0  # decodes that wrote their prompt again, redone without it
    prompt_loops: int = 0  # prompts dropped because they held a repetition loop
    buffer_seconds: float = 0.0
    gap_chunks: int = 0  # audio that did not continue the stream (sent before capture rewound): dropped
    duplicate_chunks: int = 0  # audio already transcribed (capture rewound further than needed)
    lost_seconds: float = 0.0  # audio capture could no longer resend after a restart
    speaker_seconds: float = 0.0  # compute time spent embedding segments for speaker labels
    speakers: int = 0  # speakers found so far (0 with labels off)
    relabelled: int = 0  # earlier segments whose speaker label a later decision corrected
    # Labels by input channel (stages/channels.py): words without a clear channel, extra segments cut
    # where the channel changed, segments with no channel
    channel_ambiguous_words: int = 0
    channel_splits: int = 0
    channel_unlabelled: int = 0


class StreamingTranscriber:
    """The streaming policy for one stream; yields Partial and Segment messages."""

    def __init__(self, cfg: TranscribeConfig, model, stream: str, first_seq: int = 0, position: float = 0.0,  # noqa: ANN001 - WhisperModel
                 speaker_encoder=None) -> None:  # noqa: ANN001 - SpeakerEncoder
        """`first_seq`/`position`: where a resumed stream continues (the session store's last segment).
        `speaker_encoder`: label segments with it (None: no labels)."""
        self.cfg = cfg
        self.model = model
        self.speakers = None if speaker_encoder is None else labeler_for(speaker_encoder, cfg)
        self.step_s = cfg.step_for(self.speakers is not None)  # voice labels want longer segments
        self.channels: ChannelTrack | None = None  # made by the first chunk that carries channel levels
        self.stream = stream
        self.vad = StreamingVad()
        self.agreement = policy.LocalAgreement(
            cfg.commit_min_prob, cfg.commit_doubt_prob, cfg.commit_doubt_agreement, cfg.commit_agreement
        )
        self.counters = TranscribeCounters()
        self.clock = 0.0  # wall - audio time of the newest chunk
        self.position = position  # audio time of the next sample this stream needs
        self._seg_seq = first_seq
        self._partial_seq = 0
        self._scrolled = ""  # committed text whose audio has left the buffer: Whisper's prompt
        self._in_buffer: list[Word] = []  # committed words whose audio is still in the buffer
        self._recent: list[Word] = []  # the last committed words, what an utterance's prompt is carried from
        self._reset_utterance(np.zeros(0, dtype=np.float32), position)

    # -- state ------------------------------------------------------------------------------------------
    def _reset_utterance(self, pre_roll: np.ndarray, pre_roll_start: float) -> None:
        self._buf = pre_roll  # audio of the current utterance (starting with pre-roll)
        self._buf_start = pre_roll_start  # audio time of _buf[0]
        self._utt_start = pre_roll_start  # audio time where the current utterance's buffer began (pre-roll)
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

    @property
    def needed_from(self) -> float:
        """Audio before this time is never needed again (it is committed, or was silence)."""
        return min(self._buf_start, self.position)

    def accept(self, chunk: AudioChunk) -> AudioChunk | None:
        """The part of `chunk` that continues the stream: a duplicate (capture rewound further than
        needed) is cut, a chunk after a gap is dropped unless capture marked it `resync`."""
        if chunk.resync:
            if chunk.start > self.position + 1e-3:
                self.counters.lost_seconds += chunk.start - self.position
                log.warning("%s: %.1f s of audio could not be resent after a restart", self.stream,
                            chunk.start - self.position)  # fmt: skip
                self._reset_utterance(self._buf[:0], chunk.start)  # the buffer no longer continues
                self.position = chunk.start
        elif chunk.start > self.position + 1e-3:
            self.counters.gap_chunks += 1
            return None
        if chunk.end <= self.position + 1e-6:
            self.counters.duplicate_chunks += 1
            return None
        self._track(chunk)  # whole: the track keeps only the frames it does not have yet
        skip = int(round((self.position - chunk.start) * SAMPLE_RATE))
        if skip > 0:
            chunk = AudioChunk(chunk.stream, chunk.seq, self.position, chunk.wall, chunk.samples[skip:])
        self.position = chunk.end
        return chunk

    def _track(self, chunk: AudioChunk) -> None:
        """Keep the channel levels an accepted chunk carries (labels by input channel)."""
        if not chunk.levels:
            return
        if self.speakers is not None:
            if self.channels is None:  # said once: the two kinds of labels are exclusive
                log.warning("%s: audio carries channel levels, but labels by voice are on: labelling by voice",
                            self.stream)  # fmt: skip
                self.channels = ChannelTrack((), self.cfg.channel_margin_db)
            return
        if self.channels is None:
            names = chunk.channels if len(chunk.channels) == len(chunk.levels[0]) else default_names(len(chunk.levels[0]))
            self.channels = ChannelTrack(tuple(names), self.cfg.channel_margin_db)
            log.info("%s: labels by input channel: %s", self.stream, ", ".join(names))
        self.channels.add(chunk)

    # -- steps ------------------------------------------------------------------------------------------
    def take(self, chunk: AudioChunk) -> list[Message]:
        """A chunk as it arrives: the part that continues the stream (`accept`) fed in; what it caused."""
        accepted = self.accept(chunk)
        return [] if accepted is None else list(self.feed(accepted))

    def feed(self, chunk: AudioChunk) -> Iterator[Message]:
        """One chunk in; the Partial/Segment messages it causes out."""
        c = self.cfg
        self.clock = chunk.wall - chunk.end
        self.counters.audio_seconds += chunk.duration
        probs = self.vad.feed(chunk.samples)
        speech = probs >= c.vad_threshold
        if not self._in_utterance:
            if not speech.any():
                self._buf = np.concatenate([self._buf, chunk.samples])
                self._trim_idle()
                return
            self._in_utterance = True
            self._utt_start = self._buf_start
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
        elif self._new_speech >= max(self.step_s, self._step_floor()):
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
        committed = self.agreement.insert(words, self._horizon())
        committed += self.agreement.commit_older_than(self._buf_end - self.cfg.max_word_wait_s)
        yield from self._emit(committed)
        if self._buf_end - self._buf_start > self.cfg.max_buffer_s:
            self._trim(self.agreement.committed_end)
        if self._buf_end - self._buf_start > HARD_LIMIT_S:
            yield from self._emit(self.agreement.flush())
            self._trim(self._buf_end - self.cfg.pre_roll_s)
        if self.cfg.partials and self.agreement.pending:
            yield self._partial(self.agreement.pending)

    def _horizon(self) -> float:
        """Audio time up to which agreed words may commit now (see TranscribeConfig.commit_margin_s
        and commit_min_context_s)."""
        c = self.cfg
        if self._buf_end - self._utt_start < c.commit_min_context_s:
            return float("-inf")
        return self._buf_end - c.commit_margin_s

    def _end_utterance(self, now: float) -> Iterator[Message]:
        # The final decode stops shortly after the last speech frame: given the trailing silence,
        # Whisper likes to end an utterance with an invented "Thank you." there.
        until = min(now, now - self._silence + SPEECH_TAIL_S)
        words = policy.drop_silent_tail(self._decode(until=until, final=True), until)
        words = policy.drop_doubted_tail(words, self.cfg.final_tail_min_prob)
        yield from self._emit(self.agreement.flush(words))
        if self.cfg.partials:
            yield self._partial([])  # clears the caption line
        self._reset_utterance(self._buf, self._buf_start)
        self._trim_idle()
        self._scrolled = self._carried() if self.cfg.prompt_across_utterances else ""

    def _carried(self) -> str:
        """The prompt the next utterance starts with: the committed text, with the words Whisper doubted
        (`prompt_min_prob`) left out and only the last `prompt_across_words` (0: all that fit)."""
        c = self.cfg
        if not (c.prompt_min_prob or c.prompt_across_words):
            return self._scrolled
        words = [w for w in self._recent if w.prob >= c.prompt_min_prob]
        if c.prompt_across_words:
            words = words[-c.prompt_across_words :]
        return caption_text(words)[-c.prompt_chars :] if c.prompt_chars and words else ""

    def _trim_idle(self) -> None:
        """Between utterances the buffer keeps only the pre-roll.

        (Keeping the previous utterance's end as left context was measured worse: more words lost or
        repeated at the seam than saved at the next utterance's start.)
        """
        self._trim(self._buf_end - self.cfg.pre_roll_s)

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
            text = caption_text(gone)
            self._scrolled = (self._scrolled + " " + text)[-self.cfg.prompt_chars :] if self.cfg.prompt_chars else ""

    def _decode(self, until: float | None = None, final: bool = False) -> list[Word]:
        """Run Whisper on the buffer (up to audio time `until`); apply the guards; return words with
        absolute times. `final`: the utterance's last decode, which commits all it says."""
        self._new_speech = 0.0
        audio = self._buf if until is None else self._buf[: max(0, int((until - self._buf_start) * SAMPLE_RATE))]
        if len(audio) < SAMPLE_RATE // 10:
            return []
        t0 = time.perf_counter()
        prompt = self._prompt()
        words = self._run(audio, final, prompt)
        if prompt and policy.copies_prompt(words, prompt):
            # Whisper wrote its prompt again over new audio: decode once more without it.
            self.counters.prompt_copies += 1
            words = self._run(audio, final, None)
        self.counters.asr_seconds += self._decode_seconds(time.perf_counter() - t0)
        self.counters.asr_runs += 1
        cut = policy.drop_squeezed_repeat(policy.cut_repetition(words))
        if len(cut) < len(words):
            self.counters.cut_repetitions += 1
        speech_fraction = self._speech_frames / max(1, self._frames)
        if policy.is_hallucination(cut, speech_fraction):
            self.counters.dropped_hallucinations += 1
            return []
        return cut

    def _decode_seconds(self, measured: float) -> float:
        """What one decode (both runs when the prompt was copied) counts as costing: its measured time.
        It paces the decodes (`_step_floor`). bench.asr_sim's deterministic clock counts a fixed cost
        model here instead, so its runs do not depend on how loaded the machine is."""
        return measured

    def _prompt(self) -> str | None:
        """Whisper's prompt: the committed text whose audio has left the buffer, unless it loops (a
        looping prompt makes Whisper loop on: a loop that got committed must not feed itself)."""
        prompt = self._scrolled.strip()
        if prompt and policy.loops(prompt, self.cfg.compression_ratio_threshold):
            self.counters.prompt_loops += 1
            self._scrolled = prompt = ""
        return prompt or None

    def _run(self, audio: np.ndarray, final: bool, prompt: str | None) -> list[Word]:
        """One Whisper decode of `audio` -> written words with absolute times, refused segments left out."""
        c = self.cfg
        segments = self.model.transcribe_window(
            audio,
            c.encoder_pad_s,
            language=c.language,
            beam_size=c.final_beam_size if final and c.final_beam_size else c.beam_size,
            word_timestamps=True,
            condition_on_previous_text=False,
            initial_prompt=prompt,
            vad_filter=False,
            temperature=0.0,
            without_timestamps=False,
            no_speech_threshold=c.no_speech_threshold,
            log_prob_threshold=c.logprob_threshold,
            compression_ratio_threshold=c.compression_ratio_threshold,
        )
        # Whisper's pieces, leading spaces kept: they say which pieces make one written word ("$65" +
        # ",000"). A refused segment breaks the run, so nothing is glued across the gap it leaves.
        runs: list[list[Piece]] = [[]]
        for seg in segments:
            if seg.no_speech_prob > c.no_speech_threshold and seg.avg_logprob < c.logprob_threshold:
                self.counters.dropped_segments += 1
                runs.append([])
                continue
            if seg.compression_ratio > c.compression_ratio_threshold:
                self.counters.dropped_segments += 1
                runs.append([])
                continue
            for w in seg.words or ():
                start = self._buf_start + max(0.0, w.start)
                end = max(start, self._buf_start + w.end)
                runs[-1].append(Piece(w.word, round(start, 3), round(end, 3), round(w.probability, 3)))
        return [word for run in runs for word in written_words(run)]

    def _emit(self, words: list[Word]) -> Iterator[Message]:
        if not words:
            return
        self._in_buffer += words
        self._recent = (self._recent + words)[-RECENT_WORDS:]
        self.counters.words += len(words)
        if self.speakers is None and self.channels is not None and self.channels.names:
            # Labels by channel: one segment per run of words on one channel.
            track = self.channels
            for run, name in track.runs(words):
                yield self._segment(run, name)
            self.counters.channel_ambiguous_words = track.counters.ambiguous_words
            self.counters.channel_splits = track.counters.splits
            self.counters.channel_unlabelled = track.counters.unlabelled
            return
        speaker, relabels = None, ()
        if self.speakers is not None:  # its audio is still in the buffer: labelled before it leaves
            labeler = self.speakers
            speaker = labeler.label(self._buf, self._buf_start, words[0].start, words[-1].end, self._utt_start, self._seg_seq)
            # What this decision corrects on earlier segments travels with this one (`Segment.relabels`).
            relabels = tuple(Relabel(seq, lab) for seq, lab in labeler.take_corrections())
            self.counters.speaker_seconds = labeler.counters.embed_seconds
            self.counters.speakers = labeler.counters.speakers
            self.counters.relabelled = labeler.counters.relabelled
        yield self._segment(words, speaker, relabels)

    def _segment(self, words: list[Word], speaker: str | None, relabels: tuple[Relabel, ...] = ()) -> Segment:
        self.counters.segments += 1
        seg = Segment(
            self.stream, self._seg_seq, caption_text(words), words[0].start, words[-1].end, tuple(words), speaker,
            wall=time.time(), clock=self.clock, relabels=relabels,
        )  # fmt: skip
        self._seg_seq += 1
        return seg

    def _partial(self, words: list[Word]) -> Partial:
        self._partial_seq += 1
        text = caption_text(words)
        start, end = (words[0].start, words[-1].end) if words else (self._buf_end, self._buf_end)
        return Partial(self.stream, self._partial_seq, text, start, end)


def load_speaker_encoder(cfg: TranscribeConfig):  # noqa: ANN201 - SpeakerEncoder | None (torch stays unimported when off)
    """The speaker encoder when labels are on and its weights load; else None, with one warning line:
    missing speaker labels must not stop the captions."""
    if not cfg.speakers:
        return None
    try:
        from stages.speaker_model import SpeakerEncoder

        encoder = SpeakerEncoder()
    except (ModelError, ImportError, OSError) as exc:
        log.warning("transcribe: no speaker labels: %s", exc)
        return None
    log.info("transcribe: speaker labels on (encoder loaded in %.2f s)", encoder.load_seconds)
    return encoder


def resume_point(cfg: AppConfig, stop: StopFlag) -> Snapshot | None:
    """Ask summarize where this stream's session ends (it stores what is queued to it first).

    None when acknowledgements are off (the transcript goes to something other than summarize).
    """
    if not cfg.transcribe.acks:
        return None
    reply = client.request(
        cfg.endpoints.requests,
        SnapshotRequest(cfg.stream, 0, uuid.uuid4().hex, resume=True),
        cfg.transcribe.ack_timeout_s,
        cfg.security,
        should_stop=stop.is_set,
        hint="start summarize, or set transcribe.acks = false when the transcript goes elsewhere",
    )
    if reply is not None and not isinstance(reply, Snapshot):
        raise TransportError(f"unexpected {reply.type} reply from {cfg.endpoints.requests}")
    return reply


POOL_BACKLOG = 64  # chunks queued for the decode workers beyond which the audio waits in the socket


def decode_workers(cfg: TranscribeConfig, threads: int, max_streams: int = 0) -> int:
    """How many streams a hosting transcribe decodes at once: `decode_workers`; 0 = one per stream the
    service holds (`max_streams`), at least as many as the cores hold at `threads` Whisper threads each.
    Per stream, not per core: at 4 real-time streams on 2 cores, 2 workers left the captions 2.9-4.3 s
    behind (median) where 4 kept 2.1-2.4 s, as 4 separate pipelines do (bench.concurrency, stop 27): a
    stream waiting for a free worker waits a whole decode, while the OS shares the cores finely."""
    return cfg.decode_workers or max(1, all_threads(0) // max(1, threads), max_streams)


def stream_start(cfg: AppConfig, stream: str, stop: StopFlag) -> tuple[int, float, bool] | str:
    """Hosting (`transcribe.hosting`): where a stream seen for the first time continues, asked of
    summarize (which admits it): (first segment number, audio position, already ended), or the reason
    it was refused."""
    reply = client.request(cfg.endpoints.requests, SnapshotRequest(stream, 0, uuid.uuid4().hex, resume=True),
                           cfg.transcribe.ack_timeout_s, cfg.security, should_stop=stop.is_set)  # fmt: skip
    if isinstance(reply, Error):
        return reply.message
    if not isinstance(reply, Snapshot):
        return "stopped" if reply is None else f"unexpected {reply.type} reply from {cfg.endpoints.requests}"
    # A session that ended by a lost client may continue; one that ended otherwise takes nothing more.
    done = reply.ended and reply.end_reason != "lost"
    return reply.stored_seq + 1, reply.stored_end, done


def run(cfg: AppConfig, stop: StopFlag) -> int:
    """Serve the audio socket until stopped (or, with exit_after_eos, until one stream has ended)."""
    ctx = zmq.Context.instance()
    ep = cfg.endpoints
    # Which key may send (and read) which stream (KEYS_DIR/streams.toml); None: every admitted key all.
    access = security.access_list(cfg.security)
    inbox = transport.Receiver(transport.open_socket(ctx, "pull", ep.audio, bind=True, hwm=200, security=cfg.security),
                               "audio", identify=access is not None)  # fmt: skip
    pub = Publisher(ctx, ep.captions, hwm=1000, security=cfg.security, access=access)
    denied: dict[str, int] = {}  # key name -> messages dropped because it may not send their stream
    out = transport.open_socket(ctx, "push", ep.transcript, bind=False, hwm=cfg.transcribe.hwm, security=cfg.security)
    watch = reliable.PeerWatch(ep.summary, "summarize", cfg.security) if cfg.transcribe.acks else None
    sender = reliable.AckedSender(out, watch, stop.is_set)
    hosting = cfg.transcribe.hosting  # streams come and go (serve): each asks where it starts
    threads = auto_threads(cfg.transcribe.threads)
    workers = decode_workers(cfg.transcribe, threads, cfg.summarize.max_streams) if hosting else 1
    model = load_whisper(cfg.transcribe.model, cfg.transcribe.compute_type, threads, workers)
    # Hosting on more than one worker: streams are decoded side by side, each in order on one thread at
    # a time; this thread keeps the sockets and forwards what the workers hand back.
    pool = DecodePool(workers) if workers > 1 else None
    if pool is not None:
        log.info("transcribe: %d decode workers of %d Whisper threads each", workers, threads)
    speaker_encoder = load_speaker_encoder(cfg.transcribe)
    snap = None if hosting else resume_point(cfg, stop)
    # Where this stream continues: a restarted transcribe (or a replay of a stored session) picks up
    # after the last stored segment, and capture rewinds to there.
    first_seq, position = (snap.stored_seq + 1, snap.stored_end) if snap else (0, 0.0)
    if first_seq:
        log.info("transcribe: resuming %s at segment %d, audio %.1f s", cfg.stream, first_seq, position)
    log.info("transcribe: %s -> %s (captions on %s)", ep.audio, ep.transcript, ep.captions)
    states: dict[str, StreamingTranscriber] = {}
    # Streams that ended: audio end and last counters (None for one that ended before this process).
    ended: dict[str, tuple[float, dict | None]] = {cfg.stream: (position, None)} if snap and snap.ended else {}
    # Hosting: streams summarize refused (and why), streams whose end waits for summarize's confirmation
    # (with its deadline), and when each live stream was last heard from (a client that vanished).
    refused: dict[str, str] = {}
    ending: dict[str, tuple[StreamingTranscriber, float, str]] = {}
    heard: dict[str, float] = {}
    status_seq = 0
    last_status = 0.0
    upstream: dict = {}
    code = 0

    def stream_state(name: str) -> dict:
        if name in refused:
            return {"position": 0.0, "needed_from": 0.0, "ended": True, "refused": refused[name]}
        if name in ended:
            end = ended[name][0]
            return {"position": end, "needed_from": end, "ended": True}
        st = states.get(name) or (ending[name][0] if name in ending else None)
        if st is None:  # not started yet: where it will start
            pos = position if name == cfg.stream else 0.0
            return {"position": pos, "needed_from": pos, "ended": False}
        needed = st.needed_from
        oldest = sender.oldest_unacked_start(name if hosting else None)
        if oldest is not None:
            needed = min(needed, oldest)
        return {"position": st.position, "needed_from": needed, "ended": False}

    def publish_status() -> None:
        nonlocal status_seq
        counters: dict = {"malformed": inbox.counters.malformed, "streams": len(states), "instance": reliable.INSTANCE,
                          "unacked": len(sender.unacked), "resent": sender.resent}  # fmt: skip
        for name, st in states.items():
            counters[name] = vars(st.counters).copy()
        counters |= {name: c for name, (_end, c) in ended.items() if c is not None}  # final counts stay visible
        counters["capture"] = upstream
        counters["host_load"] = host_load()
        shown = {*states, *ended, *ending, *refused} if hosting else {cfg.stream, *states, *ended}
        counters["positions"] = {name: stream_state(name) for name in shown}
        if access is not None:
            counters["denied"] = dict(denied)
        pub.send(Status(cfg.stream, status_seq, "transcribe", time.time(), counters))
        status_seq += 1
        if access is None and not hosting:
            return
        # Under an access list a client may not read the service heartbeat (it names every stream): each
        # stream's capture follows its own share of it, on its own topic (reliable.PeerWatch merges them).
        # (A stream a client follows by name gets its share before it sends anything: where it starts.)
        # Hosting, the shares are sent anyway: a cluster gateway (pipeline/gateway.py) forwards a stream's
        # share from the one host that holds the stream and drops every host's service heartbeat.
        for name in shown | set(pub.wanted):
            own = {"instance": reliable.INSTANCE, "stream_only": True, "positions": {name: stream_state(name)}}
            if name in counters:
                own[name] = counters[name]
            pub.send(Status(name, status_seq, "transcribe", time.time(), own))
            status_seq += 1

    def forward(msg: Message) -> None:
        pub.send(msg)
        if isinstance(msg, Segment):  # machines get committed text only, losslessly
            sender.send(msg)
        elif isinstance(msg, EndOfStream) and not sender.send(msg, timeout_s=FLUSH_TIMEOUT_S):
            log.error("transcribe: summarize did not take the end of stream within %.0f s", FLUSH_TIMEOUT_S)

    def remember_end(name: str, st: StreamingTranscriber) -> None:
        ended[name] = (st.position, vars(st.counters).copy())
        while len(ended) > 64:  # bounded: only recent streams can be resent
            del ended[next(iter(ended))]

    def forward_ready(events: Iterator[list[Message]]) -> None:
        for batch in events:
            for event in batch:
                forward(event)

    def finish(st: StreamingTranscriber, reason: str, audio_seconds: float) -> None:
        """Commit what is left of a stream and send its end downstream."""
        if pool is not None:
            forward_ready(pool.drain(st.stream))  # its audio still with a worker comes first
        for event in st.finish():
            forward(event)
        c = st.counters
        log.info(
            "transcribe: %s ended (%s): %.1f s audio, %d segments, ASR %.2f x real time",
            st.stream, reason, c.audio_seconds, c.segments, c.asr_seconds / max(c.audio_seconds, 1e-9),
        )  # fmt: skip
        publish_status()  # before the end of stream, so a consumer that stops there has the counters
        forward(EndOfStream(st.stream, st.segments_sent, reason, audio_seconds))

    def tend_hosted(idle: bool) -> None:
        """Hosting: a stream whose end summarize confirmed has ended (capture may stop waiting); when
        nothing is queued (`idle`), a stream not heard from for `stream_idle_s` lost its client: it
        ends with reason "lost". (With input queued, the silence may be this process's own: a slow
        decode on a loaded CPU leaves a live client's chunks waiting in the socket.)"""
        now = time.monotonic()
        for name, (st, deadline, _reason) in list(ending.items()):
            if sender.holds(name) and now < deadline:
                continue
            if sender.holds(name):
                log.error("transcribe: summarize did not confirm the end of %s within %.0f s", name,
                          cfg.transcribe.ack_timeout_s)  # fmt: skip
            del ending[name]
            remember_end(name, st)
            publish_status()
        for name, st in list(states.items()) if idle else ():
            if now - heard.get(name, now) > cfg.transcribe.stream_idle_s:
                log.warning("transcribe: nothing from %s for %.0f s: its client is lost", name, now - heard[name])
                del states[name]
                heard.pop(name, None)
                finish(st, "lost", st.position)
                ending[name] = (st, now + cfg.transcribe.ack_timeout_s, "lost")

    def open_hosted(name: str) -> StreamingTranscriber | None:
        """Hosting: start a stream seen for the first time where summarize says it continues; None
        when it was refused or has already ended."""
        start = stream_start(cfg, name, stop)
        if isinstance(start, str):
            log.warning("transcribe: stream %s refused: %s", name, start)
            refused[name] = start
            while len(refused) > 64:
                del refused[next(iter(refused))]
            publish_status()
            return None
        first, pos, done = start
        if done:
            ended[name] = (pos, None)
            publish_status()
            return None
        st = states[name] = StreamingTranscriber(cfg.transcribe, model, name, first, pos, speaker_encoder)
        heard[name] = time.monotonic()
        publish_status()  # where it continues: a capture that came from another host rewinds to there
        return st

    try:
        while not stop.is_set():
            if time.monotonic() - last_status >= cfg.heartbeat_s:
                last_status = time.monotonic()
                publish_status()
            sender.poll()
            pub.grant_pending()
            if pool is not None:
                forward_ready(pool.ready())
                if pool.backlog() >= POOL_BACKLOG:  # behind: let the audio wait in the socket
                    pool.wait(0.2)
                    continue
            got = inbox.recv(timeout_s=0.02 if pool is not None and pool.busy else 0.2)
            if hosting:
                tend_hosted(idle=got is None)
            if got is None:
                continue
            msg = got[1]
            if access is not None and not access.may_send(inbox.last_user, msg.stream):
                user = inbox.last_user or "(none)"
                denied[user] = denied.get(user, 0) + 1
                if denied[user] == 1:
                    log.warning("transcribe: key %s may not send stream %s: what it sends is dropped", user, msg.stream)
                continue
            if isinstance(msg, Status):
                upstream = msg.counters
                if msg.stream in states:
                    heard[msg.stream] = time.monotonic()  # a capture waiting on flow control is not lost
                elif hosting and msg.stage == "capture" and not ({msg.stream} & {*ended, *ending, *refused}):
                    # A stream moved here from a lost host (pipeline/gateway.py) whose capture is waiting on
                    # flow control sends only heartbeats: open it, so that its share says where it resumes
                    # and capture rewinds to there.
                    open_hosted(msg.stream)
                continue
            if not isinstance(msg, AudioChunk | EndOfStream):
                inbox.counters.count_malformed("audio", ValueError(f"unexpected {msg.type} message"))
                continue
            if hosting and (msg.stream in refused or msg.stream in ending):
                continue
            if hosting and msg.stream in ended and isinstance(msg, AudioChunk) and msg.resync:
                del ended[msg.stream]  # a client continues its stream (after a lost connection): ask again
            if msg.stream in ended:
                if isinstance(msg, EndOfStream):  # capture resent it: say again that it is done
                    publish_status()
                continue
            st = states.get(msg.stream)
            if st is None and hosting:
                st = open_hosted(msg.stream)
                if st is None:
                    continue
            elif st is None:
                resumed = msg.stream == cfg.stream
                st = states[msg.stream] = StreamingTranscriber(
                    cfg.transcribe, model, msg.stream, first_seq if resumed else 0, position if resumed else 0.0,
                    speaker_encoder,
                )  # fmt: skip
            heard[msg.stream] = time.monotonic()
            if isinstance(msg, AudioChunk):
                if pool is not None:
                    pool.submit(msg.stream, st.take, msg)
                    continue
                for event in st.take(msg):
                    forward(event)
                continue
            if pool is not None:
                forward_ready(pool.drain(msg.stream))  # its position is where its accepted audio ends
            if msg.audio_seconds > st.position + 0.05:  # audio before it was lost: wait for capture's resend
                st.counters.gap_chunks += 1
                continue
            finish(st, msg.reason, msg.audio_seconds)
            del states[msg.stream]
            heard.pop(msg.stream, None)
            if hosting:  # the others go on while summarize writes this one's final summary
                ending[msg.stream] = (st, time.monotonic() + cfg.transcribe.ack_timeout_s, msg.reason)
                continue
            if not sender.wait_confirmed(cfg.transcribe.ack_timeout_s):
                log.error("transcribe: summarize did not confirm the end of %s within %.0f s", msg.stream,
                          cfg.transcribe.ack_timeout_s)  # fmt: skip
                code = 1
            remember_end(msg.stream, st)
            publish_status()  # says `ended`: capture may stop waiting
            if cfg.exit_after_eos:
                break
    finally:
        if pool is not None:
            pool.close()
        transport.close_flushing(out, FLUSH_TIMEOUT_S)
        pub.close(linger=1000)  # the last status (`ended`) must reach capture before we exit
        inbox.sock.close(linger=0)
        if watch is not None:
            watch.close()
    return code
