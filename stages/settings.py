"""The config tree of the stages, loaded from TOML by `pipeline.config` (see configs/*.toml).

Every field is commented with its unit and why it has its default. `__post_init__` checks ranges so a
bad value is a one-line ConfigError naming the key (pipeline.config prefixes the section).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.security import Security
from pipeline.threads import all_threads, half_threads


def data_home() -> Path:
    """Where sinkscribe keeps the user's data (sessions, voice profiles): $SINKSCRIBE_HOME, else
    $XDG_DATA_HOME/sinkscribe, else ~/.local/share/sinkscribe."""
    home = os.environ.get("SINKSCRIBE_HOME")
    if home:
        return Path(home)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "sinkscribe"

# The language model when neither the config nor --preset names one: the best preset measured by
# bench.quality that keeps real time beside transcribe on 2 cores (README, "Quality"). smollm2-135m is
# for fast tests (tests/conftest.py sets SINKSCRIBE_MODEL to it).
DEFAULT_MODEL = "qwen2.5-coder-1.5b"

LOOPBACK = "tcp://127.0.0.1"


def auto_threads(threads: int) -> int:
    """0 = half the cores, at most $OMP_NUM_THREADS (pipeline/threads.py): Whisper's share."""
    return half_threads(threads)


def model_threads(threads: int) -> int:
    """0 = every core, at most $OMP_NUM_THREADS: the language model's share (`SummarizeConfig.threads`)."""
    return all_threads(threads)


def channel_name_ok(name: str) -> bool:
    """A channel's label: a name as `sinkscribe speakers --name` takes it, or S1, S2 ..."""
    from pipeline.errors import InputError
    from stages.voices import check_name

    if re.fullmatch(r"S[1-9][0-9]?", name):
        return True
    try:
        return check_name(name) == name
    except InputError:
        return False


# Keys of transcribe's heartbeat counters beside its per-stream entries (`counters[STREAM]`): a stream with
# one of these ids would overwrite them (PROTOCOL.md section 8), so none may be a stream id.
HEARTBEAT_KEYS = frozenset({"malformed", "streams", "instance", "unacked", "resent", "capture", "positions",
                            "denied", "stream_only", "host_load"})  # fmt: skip


def stream_id_problem(stream: str) -> str:
    """Why `stream` cannot be a stream id ("" when it can)."""
    if not 0 < len(stream) <= 128:
        return "stream must be 1..128 characters"
    if stream in HEARTBEAT_KEYS:
        return f"stream id {stream!r} is a key of transcribe's heartbeat ({', '.join(sorted(HEARTBEAT_KEYS))}): choose another"
    return ""


# The names of stages/summarize/retrieval.py's STRATEGIES (checked equal by a test; settings imports no stage).
RETRIEVE_STRATEGIES = ("above_window", "evicted", "quote_window")


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise ValueError(message)


@dataclass(frozen=True)
class Endpoints:
    """Where stages meet. The stage named in the comment binds; the others connect.

    For stages on several hosts, the binding side uses e.g. "tcp://0.0.0.0:5550" and the connecting
    side "tcp://HOST:5550" (configs/remote-*.toml).
    """

    audio: str = f"{LOOPBACK}:5550"  # capture PUSH -> transcribe PULL (transcribe binds), lossless
    transcript: str = f"{LOOPBACK}:5551"  # transcribe PUSH -> summarize PULL (summarize binds), lossless
    captions: str = f"{LOOPBACK}:5552"  # transcribe PUB: partial + committed captions, status
    summary: str = f"{LOOPBACK}:5553"  # summarize PUB: summaries, answers, transcript, status
    requests: str = f"{LOOPBACK}:5554"  # summarize ROUTER: questions and snapshot requests

    def __post_init__(self) -> None:
        for name in ("audio", "transcript", "captions", "summary", "requests"):
            value = getattr(self, name)
            _check(
                value.startswith(("tcp://", "ipc://", "inproc://")),
                f"{name} = {value!r} is not a ZeroMQ endpoint (tcp://HOST:PORT or ipc://PATH)",
            )


@dataclass(frozen=True)
class CaptureConfig:
    source: str = "mic"  # "mic", "-" (raw 16-bit PCM on stdin) or an audio file path
    device: str = ""  # sounddevice input: index or part of its name; "" = the system default
    # A second input recorded beside `device`: what the computer plays (a PulseAudio/PipeWire "Monitor of
    # ..." source, an ALSA loopback), for calls. The two become channel 0 and 1 of one source
    # (stages/paired.py) and need `channels` to name them (["Me", "Remote"], `--playback` sets it).
    playback_device: str = ""
    speed: float = 1.0  # file replay pacing: 1 = real time, N = N times faster, 0 = as fast as accepted
    chunk_ms: int = 100  # audio per message: small enough for low latency, large enough to be cheap
    queue_seconds: float = 30.0  # microphone queue bound; beyond it audio is dropped and counted
    stdin_rate: int = 16_000  # sample rate of raw PCM on stdin
    stdin_channels: int = 1  # interleaved channels of raw PCM on stdin (mixed down to mono)
    hwm: int = 100  # messages in flight towards transcribe before the sender waits (10 s of audio)
    # Audio kept to resend after a transcribe restart: capture never runs further than this ahead of
    # what transcribe still needs (a file replay waits, a microphone drops and counts). 0 = keep none.
    resend_s: float = 120.0
    resume_wait_s: float = 120.0  # wait this long for transcribe's first heartbeat (where to start); 0 = start at 0
    confirm_timeout_s: float = 600.0  # after the end of stream, wait this long for transcribe to confirm it
    # Speaker labels by input channel (a call: the local microphone on one channel, the remote side on
    # the other; stages/channels.py): one name per channel of the source, in channel order, e.g.
    # ["Me", "Remote"] (`--channels call`). The audio is still mixed to mono for ASR; each chunk also
    # carries every channel's level and transcribe labels words by the channel that carried them. The
    # source must have exactly this many channels (a mono file is an error). [] = off: mono only.
    channels: list[str] = field(default_factory=list)
    level_ms: int = 50  # the channels' levels are measured per frame of this much audio (a word is 200-500 ms)
    # Audio time where this stream starts, as a service said when it admitted the stream (`--connect`:
    # 0 for a new stream, where its session ends for one that continues). -1 = where transcribe's
    # heartbeat says (a resumed session of `run`/`replay`), else 0.
    start_at: float = -1.0

    def __post_init__(self) -> None:
        _check(self.speed >= 0, f"speed must be >= 0 (0 = as fast as possible), got {self.speed}")
        _check(10 <= self.chunk_ms <= 2000, f"chunk_ms must be 10..2000, got {self.chunk_ms}")
        _check(self.queue_seconds > 0, f"queue_seconds must be > 0, got {self.queue_seconds}")
        _check(4000 <= self.stdin_rate <= 192_000, f"stdin_rate must be 4000..192000, got {self.stdin_rate}")
        _check(1 <= self.stdin_channels <= 32, f"stdin_channels must be 1..32, got {self.stdin_channels}")
        _check(self.hwm >= 1, f"hwm must be >= 1, got {self.hwm}")
        _check(self.resend_s == 0 or self.resend_s >= 30, f"resend_s must be 0 (off) or >= 30, got {self.resend_s}")
        _check(self.start_at >= 0 or self.start_at == -1, f"start_at must be >= 0 (or -1: unset), got {self.start_at}")
        _check(self.resume_wait_s >= 0 and self.confirm_timeout_s > 0, "resume_wait_s and confirm_timeout_s must be >= 0")
        if self.channels:
            _check(2 <= len(self.channels) <= 8, f"channels must name 2..8 channels (or none), got {len(self.channels)}")
            for name in self.channels:
                _check(channel_name_ok(name), f"channels: {name!r} is not a usable name: letters, spaces, hyphens, "
                       "apostrophes and periods (at most 40 characters), or S1, S2 ...")  # fmt: skip
            _check(len(set(self.channels)) == len(self.channels), f"channels: the names must differ, got {self.channels}")
            _check(self.source != "-" or self.stdin_channels == len(self.channels),
                   f"channels names {len(self.channels)} channels but stdin_channels is {self.stdin_channels} "
                   f"(raw PCM on stdin: set capture.stdin_channels = {len(self.channels)})")  # fmt: skip
        if self.playback_device:
            _check(self.source == "mic", f"playback_device records beside the microphone; the source is {self.source!r}")
            _check(len(self.channels) == 2, "playback_device needs channels to name the two inputs, the microphone "
                   f"first (e.g. [\"Me\", \"Remote\"]), got {list(self.channels)}")  # fmt: skip
            _check(self.playback_device != self.device, f"playback_device is the microphone itself ({self.device!r})")
        _check(10 <= self.level_ms <= 1000, f"level_ms must be 10..1000, got {self.level_ms}")


@dataclass(frozen=True)
class TranscribeConfig:
    model: str = "tiny.en"  # preset (packaged offline), faster-whisper model name, or local CTranslate2 folder
    compute_type: str = "int8"  # CTranslate2 compute type; int8 is fastest on CPU
    threads: int = 0  # CPU threads for Whisper; 0 = half the cores, at most $OMP_NUM_THREADS (auto_threads)
    beam_size: int = 5  # with the short encoder window a beam costs ~20% more per run and saves a third of the errors
    language: str = "en"
    # Minimum new speech between two Whisper runs on the buffer. A word commits once two decodes agree
    # on it, so the step sets caption latency: on issue #14's test set 0.5 gave median / p95 1.83 / 5.15 s
    # where 1.0 gave 2.40 / 6.57 s, WER 1.05x vs 1.04x offline, 0.45 vs 0.33 of a core.
    step_s: float = 0.5
    # With speaker labels on (`speakers`), the step is at least this: shorter steps commit shorter
    # segments, too short to embed one by one (bench.diarization dev: DER 13.1% at 1.0, 19.3% at 0.5).
    speaker_step_s: float = 1.0
    max_buffer_s: float = 12.0  # trim the buffer at a committed word boundary beyond this (memory bound)
    silence_flush_s: float = 0.5  # this much silence after speech ends an utterance: commit everything
    # A word still unagreed this long after it was spoken is committed anyway. 6 rather than 4: with the
    # doubt rule below, the words committed unagreed at 4 s cost 5 more errors on the meeting (sim).
    max_word_wait_s: float = 6.0
    encoder_pad_s: float = 5.0  # Whisper's encoder sees the buffer plus this much silence, not 30 s (0: 30 s)
    # An agreed word below commit_min_prob that ends the agreed run waits until the word after it is
    # agreed (at most until commit_doubt_agreement + 1 hypotheses in a row have had it).
    commit_min_prob: float = 0.85
    # A word below commit_doubt_prob commits only once commit_doubt_agreement hypotheses in a row have it
    # (the words after it wait too). Measured with bench.asr_sim, together with max_word_wait_s 4 -> 6:
    # meeting 28 -> 23 errors (offline 19), 738 prompt words 17 -> 11 (offline 12), median latency +0.1 s.
    commit_doubt_prob: float = 0.5
    commit_doubt_agreement: int = 3
    # Hypotheses in a row that must agree on a word (2: LocalAgreement-2). 1 with a margin below is the
    # AlignAtt idea on our timestamps: one decode commits what lies far enough from the audio's end.
    # Measured on the dev meetings and nonstop talker, 1 with a 1-s margin: 1.36x offline, vs 1.42x for
    # LocalAgreement-2 and 1.30x for LocalAgreement-2 with the same margin (and a p95 latency of 10.6 s
    # vs 7.3 s for LocalAgreement-2 in the same loaded runs), so 2 stays.
    commit_agreement: int = 2
    # Right-context margin: an agreed word commits only once this much audio follows its end (0: off).
    # Off: on dev, 1.0 s gained on meetings (1.30x -> 1.25x) and lost on real prompts (1.09x -> 1.73x),
    # and every word waits 1 s longer.
    commit_margin_s: float = 0.0
    # No word of an utterance commits before its buffer holds this much audio (0: off). Off: 3 s
    # changed nothing on the dev meetings (1.46x -> 1.43x): their short utterances commit at their end
    # anyway, and what they lacked was the previous utterance's text (prompt_across_utterances).
    commit_min_context_s: float = 0.0
    # Beam of an utterance's last decode (0: beam_size). Greedy steps with a beam-5 final decode
    # (beam_size 1, final_beam_size 5) were cheaper but worse on dev: 1.23x vs 1.10x offline.
    final_beam_size: int = 0
    # An utterance's last decode ends on words Whisper itself gives almost no chance ("Thank", p 0.006;
    # "just.", p 0.01 on the test set's real prompts: words the audio does not hold); trailing words below
    # this are dropped (0: off). Chosen on dev with bench.asr_sim (1.205x -> 1.198x at 0.02, 1.191x at
    # 0.1; no dev file worse). Test, side by side: 16.5% WER either way; real human speech 12.1% -> 9.6%
    # (1.73x -> 1.37x offline), noisy 20.1% -> 22.1% (real words ending an utterance under music lose
    # their probability too), pause 15.5% -> 16.4% (README "Streaming ASR sets", stop 22).
    final_tail_min_prob: float = 0.1
    pre_roll_s: float = 0.3  # audio kept before detected speech so the first word is not clipped
    vad_threshold: float = 0.5  # Silero speech probability above which a 32 ms frame is speech
    no_speech_threshold: float = 0.6  # Whisper's rule: drop a segment with no_speech_prob above this...
    logprob_threshold: float = -1.0  # ...and avg_logprob below this
    compression_ratio_threshold: float = 2.4  # gzip ratio above this means a repetition loop
    prompt_chars: int = 200  # previously committed text given to Whisper as prompt (0: none)
    # Also across utterances? Chosen on the dev set (bench.asr_sets, bench.asr_sim): streaming/offline WER
    # 1.27x -> 1.10x over 1720 words (meetings 1.46x -> 1.30x, nonstop talker 1.34x -> 1.10x, 35-s
    # pause 0.85x -> 0.48x; real prompts 0.73x -> 1.09x, 8 -> 12 errors in 267 words): an utterance
    # decoded alone lost its first words ("Arjun" -> "jump"). Its cost: a prompted run costs more (RTF
    # 0.31 -> 0.61 in that run, on a machine loaded 2-4x past its cores). Whisper copying the previous
    # sentence (why it was off: 5.4% vs 2.6% on unrelated prompts) is caught by the copy guard
    # (commit_policy.copies_prompt: decoded again without the prompt), a looping prompt is dropped.
    # Caveats (README, "Streaming ASR sets"): the dev runs were at different machine loads, which alone
    # moved the chosen run from 1.10x to 1.21x; on the test set, side by side, 1.08x -> 1.07x, and real
    # human speech 1.32x -> 1.86x. Again on dev with bench.asr_sim's deterministic clock: 1.10x off,
    # 1.00x on, real prompts 1.00x -> 1.44x (Whisper imitates a prompt of unrelated sentences; README).
    prompt_across_utterances: bool = True
    # What of the previous utterances a new one is prompted with. A word Whisper gave less than
    # prompt_min_prob is left out (0: none left out), and only the last prompt_across_words words are
    # carried (0: the last prompt_chars characters). Both off: on dev (deterministic clock) 12 words and
    # p >= 0.5 took the real prompts from 1.44x to 1.22x offline but all of dev from 1.00x to 1.02x.
    prompt_min_prob: float = 0.0
    prompt_across_words: int = 0
    partials: bool = True  # publish partial (uncommitted) captions
    hwm: int = 1000  # transcript segments in flight towards summarize before the sender waits
    # Keep segments until summarize confirms them stored, resend them after its restart, and resume a
    # stream where its session ends. Off when the transcript goes to something other than summarize.
    acks: bool = True
    ack_timeout_s: float = 300.0  # how long to wait for summarize (at start; for one stream's end: since it last confirmed more)
    # Speaker labels (S1, S2 ...) on committed segments: the resemblyzer wheel's GE2E encoder on the
    # segment's audio, clustered online (stages/speakers.py). Off: segments carry no speaker. Off by
    # default for now: importing torch and loading the encoder takes 1.6-1.9 s at transcribe's start on
    # this 2-core machine, the test set's error is above issue #15's target (README, "Speaker labels"),
    # and the notes engine does not yet read anonymous labels (an owner would be "S2").
    speakers: bool = False
    max_speakers: int = 8  # beyond this many, a new voice gets the nearest label (memory: 8 x 256 floats)
    # The speaker_ settings below marked "dev" were chosen together on bench.diarization's dev set only,
    # the lowest DER of a grid (bench/results/diarization_dev_sweep*.json; README, "Speaker labels").
    # Cosine to a speaker's centroid at or above which a segment is that speaker, else a new one (dev:
    # 0.72-0.86 tried; espeak-ng voices are close to each other for this encoder, hence high).
    speaker_threshold: float = 0.86
    # Inside one unbroken stretch of speech the speaker changes only when another is this much closer (dev: 0, 0.05, 0.1).
    speaker_switch_margin: float = 0.05
    speaker_weight_cap: int = 20  # a centroid is a running mean over at most this many segments: it adapts
    # A segment with less audio than this (after widening to 1.6 s within its speech) is not embedded:
    # it continues the label before it in the same stretch, or has none.
    speaker_min_speech_s: float = 1.0
    # Audio of the stretch up to a segment's end that is embedded (at least 1.6 s): more audio, a
    # steadier embedding, as long as the stretch is one voice (dev: 1.6, 4, 8 s; 4 best).
    speaker_context_s: float = 4.0
    # An embedding of less audio than this only picks among the speakers found: it never founds one
    # (dev: 0, 2, 2.5 s; 0 best, so off).
    speaker_reliable_s: float = 0.0
    # Two speakers' centroids this close are one voice found twice: merged, the younger label retired
    # (dev: 0.9 was worse than off).
    speaker_merge_threshold: float = 0.0
    # A new speaker is founded once this many embeddings unlike every known speaker are alike (1: at
    # once; dev: 2 found 2-7 speakers for 1-6 true where 1 found 3-8, DER 13.1% vs 13.4%).
    speaker_new_after: int = 2
    # A later decision corrects labels already given, this far back (s): where the speaker changes inside
    # a stretch, the stretch's segments of the last speaker_relabel_s are re-embedded from their start
    # forward and move to the new speaker when nearer; a newly confirmed voice takes back its first
    # segments. Corrections ride on the next segment (`Segment.relabels`). 0: labels are final when sent
    # (dev, step 1 s: DER 13.1% at 0, 10.2% at 2, 10.1% at 4, 10.1% at 8).
    speaker_relabel_s: float = 4.0
    # The voice's median pitch as a second cue (stages/pitch.py; stop 39): a speaker whose pitch is more than
    # speaker_pitch_tolerance semitones from the segment's counts speaker_pitch_weight less similar per
    # semitone beyond it. 0: the embedding alone. Chosen on dev (DER 10.1% -> 9.0%; a robust point, not the
    # minimum), then test once, pre-registered: 24.4% -> 18.5% (README, "Speaker labels", stop 39).
    speaker_pitch_weight: float = 0.04
    speaker_pitch_tolerance: float = 3.0
    # Enrolled voices (`sinkscribe voices add`): a speaker whose centroid is at least this like a profile
    # (and the profile's best match) is labelled with its name. 0.80: above every cosine between
    # different real people in bench.diarization's dev set (at most 0.67 on 2-4 s windows; a centroid
    # and a profile average many), below the same person's usual 0.82-0.95.
    voices: bool = True
    voice_threshold: float = 0.80
    # Labels by input channel (capture.channels): a word is given to the channel louder than every other
    # by at least this many dB, else it goes with its neighbours. 6: far below the 20 dB a -20 dB bleed
    # (the remote side heard by the local microphone) leaves between the channels, above the few dB two
    # sides talking at once differ by. Set beforehand, not tuned: bench.channels' sweep (0-15 dB) gives the
    # same accuracy within a point down to a -10 dB bleed; at -3 dB, 6 is best (README, "Labels by input channel").
    channel_margin_db: float = 6.0
    # Serve (many streams that come and go): nothing is resumed at start; each stream seen for the first
    # time asks summarize where its session continues (and is refused if summarize does not admit it),
    # a stream's end does not hold the others up, and a stream whose client sends nothing (not even its
    # heartbeat) for stream_idle_s ends with reason "lost" (its session can be continued later).
    hosting: bool = False
    stream_idle_s: float = 30.0
    # Hosting: streams decoded side by side by this many threads (each with `threads` Whisper threads;
    # stages/decode_pool.py). 0: one per stream the service holds (--max-streams), at least cores //
    # threads; 1: in turn on the socket thread. One stream is never decoded on two threads at once.
    decode_workers: int = 0

    def step_for(self, labelled: bool) -> float:
        """The commit step transcribe takes: `step_s`, at least `speaker_step_s` with voice labels."""
        return max(self.step_s, self.speaker_step_s) if labelled else self.step_s

    def __post_init__(self) -> None:
        _check(self.beam_size >= 1, f"beam_size must be >= 1, got {self.beam_size}")
        _check(0.2 <= self.step_s <= 10, f"step_s must be 0.2..10, got {self.step_s}")
        _check(0.2 <= self.speaker_step_s <= 10, f"speaker_step_s must be 0.2..10, got {self.speaker_step_s}")
        _check(4 <= self.max_buffer_s <= 30, f"max_buffer_s must be 4..30 (Whisper sees 30 s), got {self.max_buffer_s}")
        _check(0.1 <= self.silence_flush_s <= 10, f"silence_flush_s must be 0.1..10, got {self.silence_flush_s}")
        _check(0 < self.vad_threshold < 1, f"vad_threshold must be in (0, 1), got {self.vad_threshold}")
        _check(self.max_word_wait_s >= 1.0, f"max_word_wait_s must be >= 1, got {self.max_word_wait_s}")
        _check(0 <= self.encoder_pad_s <= 30, f"encoder_pad_s must be 0..30, got {self.encoder_pad_s}")
        _check(0 <= self.commit_min_prob < 1, f"commit_min_prob must be in [0, 1), got {self.commit_min_prob}")
        _check(0 <= self.final_tail_min_prob < 1, f"final_tail_min_prob must be in [0, 1), got {self.final_tail_min_prob}")
        _check(0 <= self.commit_doubt_prob < 1, f"commit_doubt_prob must be in [0, 1), got {self.commit_doubt_prob}")
        _check(self.commit_doubt_agreement >= 2, f"commit_doubt_agreement must be >= 2, got {self.commit_doubt_agreement}")
        _check(1 <= self.commit_agreement <= 5, f"commit_agreement must be 1..5, got {self.commit_agreement}")
        _check(0 <= self.commit_margin_s <= 5, f"commit_margin_s must be 0..5, got {self.commit_margin_s}")
        _check(0 <= self.commit_min_context_s <= 20, f"commit_min_context_s must be 0..20, got {self.commit_min_context_s}")
        _check(self.final_beam_size >= 0, f"final_beam_size must be >= 0, got {self.final_beam_size}")
        _check(self.prompt_chars >= 0, f"prompt_chars must be >= 0, got {self.prompt_chars}")
        _check(0 <= self.prompt_min_prob < 1, f"prompt_min_prob must be in [0, 1), got {self.prompt_min_prob}")
        _check(self.prompt_across_words >= 0, f"prompt_across_words must be >= 0, got {self.prompt_across_words}")
        _check(self.threads >= 0, f"threads must be >= 0, got {self.threads}")
        _check(0 <= self.decode_workers <= 64, f"decode_workers must be 0..64, got {self.decode_workers}")
        _check(self.ack_timeout_s > 0, f"ack_timeout_s must be > 0, got {self.ack_timeout_s}")
        _check(1 <= self.max_speakers <= 64, f"max_speakers must be 1..64, got {self.max_speakers}")
        _check(0 < self.speaker_threshold < 1, f"speaker_threshold must be in (0, 1), got {self.speaker_threshold}")
        _check(0 <= self.speaker_switch_margin < 0.5, f"speaker_switch_margin must be 0..0.5, got {self.speaker_switch_margin}")
        _check(self.speaker_weight_cap >= 1, f"speaker_weight_cap must be >= 1, got {self.speaker_weight_cap}")
        _check(0.2 <= self.speaker_min_speech_s <= 5, f"speaker_min_speech_s must be 0.2..5, got {self.speaker_min_speech_s}")
        _check(1.6 <= self.speaker_context_s <= 8, f"speaker_context_s must be 1.6..8, got {self.speaker_context_s}")
        _check(0 <= self.speaker_reliable_s <= 8, f"speaker_reliable_s must be 0..8, got {self.speaker_reliable_s}")
        _check(0 <= self.speaker_merge_threshold < 1, f"speaker_merge_threshold must be in [0, 1), got {self.speaker_merge_threshold}")
        _check(0 <= self.speaker_relabel_s <= 12, f"speaker_relabel_s must be 0..12, got {self.speaker_relabel_s}")
        _check(1 <= self.speaker_new_after <= 4, f"speaker_new_after must be 1..4, got {self.speaker_new_after}")
        _check(0 <= self.speaker_pitch_weight <= 1, f"speaker_pitch_weight must be 0..1, got {self.speaker_pitch_weight}")
        _check(0 <= self.speaker_pitch_tolerance <= 24,
               f"speaker_pitch_tolerance must be 0..24 semitones, got {self.speaker_pitch_tolerance}")
        _check(self.stream_idle_s >= 1, f"stream_idle_s must be >= 1, got {self.stream_idle_s}")
        _check(0 < self.voice_threshold < 1, f"voice_threshold must be in (0, 1), got {self.voice_threshold}")
        _check(0 <= self.channel_margin_db <= 40, f"channel_margin_db must be 0..40, got {self.channel_margin_db}")


@dataclass(frozen=True)
class SummarizeConfig:
    # preset (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b, smollm2-135m), Hugging Face id or local folder;
    # unset: $SINKSCRIBE_MODEL, else DEFAULT_MODEL
    model: str = field(default_factory=lambda: os.environ.get("SINKSCRIBE_MODEL") or DEFAULT_MODEL)
    dtype: str = "auto"  # auto = bfloat16 where the CPU has bf16 instructions (2x faster), else float32
    prefill_chunk: int = 128  # transcript tokens per forward: larger chunks use the cores better (speed only)
    # Greedy decoding feeds up to this many prompt-lookup draft tokens with each step (0 = off; speed
    # only: the text is the greedy text). Notes and answers copy their sources, so about half the
    # decode steps go (bench.lookup; session.py).
    draft_tokens: int = 8
    # Stored segments wait for the model until this many transcript tokens gather, or until a summary or
    # a question needs the window: one prefill of a chunk instead of one forward per few-word segment
    # (0 = read each at once). Speed only: the window is the same (Summarizer.read_up).
    ingest_defer_tokens: int = 128
    # torch threads; 0 = every core, at most $OMP_NUM_THREADS (model_threads). Not half, beside
    # transcribe: Whisper keeps its half busy under half the time (0.33-0.45 of a core), and the model
    # takes the rest (demo at real time on 2 cores: 1.70x model time per audio second on 1 thread, 0.98x
    # on 2; caption latency p95 4.4 -> 4.9 s).
    threads: int = 0
    # CPU priority of the summarize process (nice, 0..19): above 0, transcribe's decodes (captions) take a
    # core first when both want one, and the model takes what is left (pipeline.threads.lower_priority).
    # 0: at 10 the demo's caption p95 at real time stayed within its run-to-run spread (README stop 29).
    nice: int = 0
    sink_tokens: int = 4  # attention sinks: the first tokens of the pinned system prompt
    window_tokens: int = 1024  # recent transcript tokens the model attends to
    # Room for one request (instruction + notes + stretch or passages) + output: 1280 since stop 33, when the
    # extraction's second worked example (~220 tokens) came in; each stream's cache grows by 256 tokens.
    headroom_tokens: int = 1280
    evict_block: int = 64  # tokens evicted at once (re-rotation per eviction; never one at a time)
    summary_every_s: float = 60.0  # audio seconds between rolling summaries (0 = only by tokens / at the end)
    summary_every_tokens: int = 0  # or after this many new transcript tokens (0 = off)
    summary_max_tokens: int = 200  # output of one extraction (the items one stretch adds)
    summary_carry_tokens: int = 260  # the notes shown with an extraction or a question are cut to this
    extract_chunk_tokens: int = 320  # transcript quoted in one extraction; a longer stretch takes several
    # Worked examples shown with each extraction (1 or 2), the ones whose notes share the fewest words with
    # the stretch (summarizer.examples_least_like); a second costs ~220 tokens of headroom and prefill. 2
    # passed its pre-registered blind test (README, stop 33): the same recall as one, a third of the lines
    # naming the examples' people or things, 4% more extraction time.
    extract_shots: int = 2
    # Append every extraction (the stretch and window it read, by segment seq, and the model's text) and every
    # answer (the reply and what its check read) to this JSON-lines file: `bench.notes_dev --replay FILE` and
    # `bench.answers_dev --replay FILE` replay the merge rules and the answer checks on it without the model.
    extraction_log: str = ""
    notes_prompt_items: int = 24  # newest note items shown with a question (extractions are shown none)
    answer_max_tokens: int = 96
    retrieve_passages: int = 4  # stored passages (evicted from the window) given with a question
    # Budget for those passages in the request: with times and speakers on every line, 360 gives the fact
    # line of 86 of the quality set's 105 evicted questions, 240 of 80 (bench.retrieval).
    passage_tokens: int = 360
    # How they are chosen (stages/summarize/retrieval.py, measured by bench.retrieval): "above_window" (evicted
    # hits only while they rank above the window's best), "evicted" (the best evicted hits always: more
    # fact lines retrieved, fewer right answers on blind meetings, README stop 31) or "quote_window"
    # (above_window, and the window's two best lines quoted again beside the question: 39 against 38 of
    # 63 blind in-window answers, README stop 32, so not the default).
    retrieve_strategy: str = "above_window"
    # The answer checks (stages/summarize/answers.py): "lean", without the three rules that turned the most
    # right replies wrong on blind meetings, or "full". Lean won the pre-registered test on two unread blind
    # meetings, 59 against 57 of 98 right answers and abstentions (README, stop 32).
    answer_checks: str = "lean"
    question_max_chars: int = 500  # longer questions are refused with a one-line error
    session_dir: str = ""  # where session files go; "" = $SINKSCRIBE_HOME/sessions or ~/.local/share/sinkscribe
    # Session name (its SQLite file). `run` and `replay` set it: a new DATE_TIME_SOURCE name each time, or
    # the one given with --session / --resume (stages/summarize/catalog.py). "" = the stream id: a stage
    # run alone writes to that session until it is given another name.
    session: str = ""
    # Where sessions are kept: "" = SQLite files in session_dir (one machine); "postgresql://user@host:port/db"
    # = rows of that database, which every node can reach (stages/summarize/store_pg.py; extra `postgres`).
    store: str = ""
    hwm: int = 1000  # queued questions / published messages per peer
    ingest_batch: int = 32  # queued segments appended in one prefill (a backlog costs one forward per chunk)
    # 0: one session, whatever stream id arrives (run, replay, stage summarize). N >= 1: host up to N
    # streams at once, each its own session named after its stream id, over one loaded model (serve).
    # Each live stream costs its sink cache (cache_bound tokens of keys and values, allocated when it
    # opens) and its notes; ARCHITECTURE.md "Many streams".
    max_streams: int = 0
    # Hosting: admission by measured load (pipeline/load.py): a new stream is refused when the live streams'
    # share of the model's time plus one more like them (their mean share) would pass this fraction, measured
    # over the last `admit_window_s` seconds (a minute at least, before which only the count limits). The
    # model takes its turns one at a time, so above ~1 the streams fall behind real time. 0: count only.
    admit_load: float = 0.9
    admit_window_s: float = 300.0
    # Hosting: and refused while a live stream's captions are more than this many seconds behind the words
    # (95th percentile over `admit_window_s`, from each segment's commit time): transcription's load shows
    # there (pipeline/load.py). The single-stream target is 5 s. 0: not judged.
    admit_lag_s: float = 5.0

    def __post_init__(self) -> None:
        _check(self.dtype in ("auto", "float32", "bfloat16", "float16"), f"dtype {self.dtype!r} unknown")
        _check(1 <= self.prefill_chunk <= 4096, f"prefill_chunk must be 1..4096, got {self.prefill_chunk}")
        _check(0 <= self.draft_tokens <= 64, f"draft_tokens must be 0..64, got {self.draft_tokens}")
        _check(0 <= self.nice <= 19, f"nice must be 0..19, got {self.nice}")
        _check(0 <= self.ingest_defer_tokens <= 4096,
               f"ingest_defer_tokens must be 0..4096, got {self.ingest_defer_tokens}")  # fmt: skip
        _check(not self.store or self.store.startswith(("postgresql://", "postgres://")),
               "store must be empty (SQLite files in session_dir) or a postgresql://user@host:port/db URL")
        _check(self.retrieve_strategy in RETRIEVE_STRATEGIES,
               f"retrieve_strategy must be one of {', '.join(RETRIEVE_STRATEGIES)}, got {self.retrieve_strategy!r}")
        _check(self.answer_checks in ("full", "lean"), f"answer_checks must be full or lean, got {self.answer_checks!r}")
        _check(self.sink_tokens >= 4, f"sink_tokens must be >= 4 (StreamingLLM), got {self.sink_tokens}")
        # 64: the sink cache's own minimum (re-rotating the keys of every eviction costs a pass over the cache)
        _check(self.evict_block >= 64, f"evict_block must be >= 64 (one re-rotation per block), got {self.evict_block}")
        _check(
            self.window_tokens >= 2 * self.evict_block,
            f"window_tokens ({self.window_tokens}) must be at least twice evict_block ({self.evict_block})",
        )
        _check(self.summary_every_s >= 0 and self.summary_every_tokens >= 0, "summary cadence must be >= 0")
        # The headroom must hold what an extraction needs: instruction with its example (380 tokens with
        # smollm2's chat tags, 350 with qwen's: 400) + the quoted stretch (its estimate can be off by a
        # line: 40) + the output. A stretch that still does not fit is split (summarizer._extract).
        _check(self.extract_shots in (1, 2), f"extract_shots must be 1 or 2, got {self.extract_shots}")
        instruction = 400 + 220 * (self.extract_shots - 1)
        need = instruction + self.extract_chunk_tokens + 40 + self.summary_max_tokens
        _check(
            self.headroom_tokens >= need,
            f"headroom_tokens ({self.headroom_tokens}) cannot hold a summary request: instruction ({instruction}) + "
            f"extract_chunk_tokens ({self.extract_chunk_tokens}) + 40 + summary_max_tokens "
            f"({self.summary_max_tokens}) = {need}",
        )
        _check(self.extract_chunk_tokens >= 32, f"extract_chunk_tokens must be >= 32, got {self.extract_chunk_tokens}")
        need_q = 90 + self.summary_carry_tokens + self.passage_tokens + self.answer_max_tokens + self.question_max_chars // 3
        _check(
            self.headroom_tokens >= need_q,
            f"headroom_tokens ({self.headroom_tokens}) cannot hold a question request ({need_q} tokens: "
            "instruction, summary, passages, question, answer)",
        )
        _check(0 <= self.max_streams <= 256, f"max_streams must be 0..256, got {self.max_streams}")
        _check(0 <= self.admit_load <= 1, f"admit_load must be 0..1 (0: admission by count only), got {self.admit_load}")
        _check(0 <= self.admit_lag_s <= 3600, f"admit_lag_s must be 0..3600 s (0: not judged), got {self.admit_lag_s}")
        _check(10 <= self.admit_window_s <= 86400, f"admit_window_s must be 10..86400 s, got {self.admit_window_s}")
        _check(1 <= self.ingest_batch <= 1000, f"ingest_batch must be 1..1000, got {self.ingest_batch}")
        _check(1 <= self.question_max_chars <= 4000, f"question_max_chars must be 1..4000, got {self.question_max_chars}")


@dataclass(frozen=True)
class AppConfig:
    stream: str = "default"  # stream id carried by every message (and the session name of a stage run alone)
    log_level: str = "info"
    heartbeat_s: float = 2.0  # a stage that is alive says so this often, even when idle
    exit_after_eos: bool = False  # a stage ends after one stream (set by `transcribe FILE`, `replay`)
    endpoints: Endpoints = field(default_factory=Endpoints)
    capture: CaptureConfig = field(default_factory=CaptureConfig)
    transcribe: TranscribeConfig = field(default_factory=TranscribeConfig)
    summarize: SummarizeConfig = field(default_factory=SummarizeConfig)
    security: Security = field(default_factory=Security)

    def __post_init__(self) -> None:
        _check(not stream_id_problem(self.stream), stream_id_problem(self.stream))
        _check(self.log_level in ("debug", "info", "warning", "error"), f"log_level {self.log_level!r} unknown")
        _check(0.1 <= self.heartbeat_s <= 60, f"heartbeat_s must be 0.1..60, got {self.heartbeat_s}")
        _check(not (self.capture.channels and self.transcribe.speakers),
               "labels by input channel (capture.channels, --channels; --playback uses them) and by voice "
               "(transcribe.speakers, --speakers) are exclusive: choose one")  # fmt: skip
