"""Drive the real stages for bench.quality: one meeting through a summarize process, everything recorded.

Text meetings: a real `summarize` stage (own process, real ZeroMQ sockets, the packaged model, the
stage's default config but for the preset and the session directory) is started by the Supervisor, as
`sinkscribe replay --text` does; this process is its transcript sender. It pushes the transcript as
Segments on the lossless transcript socket (the times `stages.text_ingest` gives them: 2.5 words a
second, 0.4 s pauses; the speaker from `Speaker:`), records every Summary and Status from the summary
socket, and at each question's line waits until the stage has stored that line (a Snapshot's
`stored_seq`; a snapshot is answered between two turns of the stage's loop, so the stage is then idle)
and asks through `pipeline.client`, timing the answer. Rolling summaries keep the stage's own audio
cadence (`summarize.summary_every_s`).

Audio: `pipeline.live.run_summarization` with capture + transcribe + summarize on the file (speed 0, as
`sinkscribe replay FILE --speed 0`), the questions asked after the final summary (`replay --ask`).
"""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import zmq

from bench.asr import free_endpoints
from pipeline import client, transport, wire
from pipeline.errors import StageFailed
from pipeline.messages import (
    Answer,
    EndOfStream,
    Error,
    Message,
    Question,
    Segment,
    Snapshot,
    SnapshotRequest,
    Status,
    Summary,
)
from pipeline.supervisor import RestartPolicy, Supervisor
from stages.settings import AppConfig, SummarizeConfig
from stages.text_ingest import PAUSE_S, WORDS_PER_SECOND, read_lines

log = logging.getLogger("bench.quality")
REQUEST_TIMEOUT_S = 1800.0  # a question waits behind a summary; a big model on 2 cores is slow
STATUS_WAIT_S = 4.0



@dataclass
class Recording:
    """What one meeting produced, raw (bench.quality scores it)."""

    summaries: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    timings_by_summary: dict[int, dict[str, float]] = field(default_factory=dict)  # stage's summaries count -> times
    counters: dict[str, Any] = field(default_factory=dict)  # the last Status of summarize
    segments: list[dict[str, Any]] = field(default_factory=list)  # audio runs: the transcript as committed
    caption_latency: list[float] = field(default_factory=list)  # audio runs: seconds per word, commit - spoken
    caption_shown_latency: list[float] = field(default_factory=list)  # received (first copy, as `run` shows it) - spoken
    audio_seconds: float = 0.0
    load_s: float = 0.0
    wall_s: float = 0.0


def timing_counters(counters: dict[str, Any]) -> dict[str, float]:
    """The counters that are times (`*_s`, `*ttft*`), whatever the engine exposes."""
    return {k: v for k, v in counters.items() if isinstance(v, int | float) and (k.endswith("_s") or "ttft" in k)}


class Monitor:
    """Follows the summary socket: Summary messages, summarize's Status counters."""

    def __init__(self, rec: Recording, line_of_seq: Callable[[int], int]) -> None:
        self.rec = rec
        self.line_of_seq = line_of_seq
        self.final = False

    def handle(self, msg: Message) -> None:
        if isinstance(msg, Status) and msg.stage == "summarize":
            self.rec.counters = msg.counters
            done = msg.counters.get("summaries")
            if isinstance(done, int) and done > 0 and done not in self.rec.timings_by_summary:
                self.rec.timings_by_summary[done] = timing_counters(msg.counters)
        elif isinstance(msg, Summary):
            self.final = self.final or msg.final
            self.rec.summaries.append({
                "text": msg.text, "upto_seq": msg.upto_seq, "upto_line": self.line_of_seq(msg.upto_seq),
                "upto": msg.upto, "final": msg.final, "wall": msg.wall, "received": time.time(),
                "items": [vars(i) if hasattr(i, "__dict__") else i for i in getattr(msg, "items", ())],
            })  # fmt: skip
        elif isinstance(msg, Segment):
            self.rec.segments.append({"seq": msg.seq, "text": msg.text, "start": msg.start, "end": msg.end,
                                      "speaker": msg.speaker})  # fmt: skip
            # Caption latency as a paced replay's user sees it: commit wall time minus the wall time
            # the word's audio ended (Segment.clock), beside the model's own work.
            if msg.wall:
                shown = time.time()  # its first copy (pipeline.live.FirstCopies): what `run` and `replay` print
                self.rec.caption_latency += [msg.wall - (w.end + msg.clock) for w in msg.words]
                self.rec.caption_shown_latency += [shown - (w.end + msg.clock) for w in msg.words]


def _status_where(sub: transport.Receiver, monitor: Monitor, ok: Callable[[dict], bool], timeout_s: float) -> dict:
    """Read the summary socket until summarize's counters satisfy `ok` (or the time is up)."""
    deadline = time.monotonic() + timeout_s
    while not ok(monitor.rec.counters) and time.monotonic() < deadline:
        if (got := sub.recv(timeout_s=0.2)) is not None:
            monitor.handle(got[1])
    return monitor.rec.counters


def request(cfg: AppConfig, msg: Message, sup: Supervisor) -> Message:
    """One request to summarize, given up as soon as the stage has died (not after the long timeout)."""
    reply = client.request(cfg.endpoints.requests, msg, REQUEST_TIMEOUT_S, cfg.security,
                           should_stop=lambda: bool(sup.failed()))  # fmt: skip
    if reply is None:
        raise StageFailed(f"summarize: {sup.children['summarize'].error()}")
    if isinstance(reply, Error):
        raise StageFailed(f"summarize refused a request: {reply.message}")
    return reply


def ask(cfg: AppConfig, sup: Supervisor, sub: transport.Receiver, monitor: Monitor, question: dict,
        asked: int) -> dict[str, Any]:  # fmt: skip
    """Ask one question now; the answer with its wall time and the engine's own timings."""
    before = dict(monitor.rec.counters)
    t0 = time.monotonic()
    answer = request(cfg, Question(cfg.stream, 0, uuid.uuid4().hex, question["question"]), sup)
    seconds = time.monotonic() - t0
    if not isinstance(answer, Answer):
        raise StageFailed(f"summarize answered a question with {answer.type}")
    after = _status_where(sub, monitor, lambda c: c.get("questions", 0) >= asked, STATUS_WAIT_S)
    first = before.get("first_seq_in_window")
    return {
        "id": question["id"], "question": question["question"], "answer": answer.text, "seconds": round(seconds, 3),
        "citations": [{"seq": c.seq, "line": monitor.line_of_seq(c.seq), "start": c.start, "end": c.end}
                      for c in answer.citations],
        "first_seq_in_window": first,
        "evicted_actual": None if first is None or question.get("fact_line") is None else
        monitor.line_of_seq(first) > question["fact_line"],
        "timings": {k: v for k, v in timing_counters(after).items() if "answer" in k or "question" in k},
    }  # fmt: skip


def _stage_config(preset: str, session_dir: str, stream: str, extraction_log: Path | None = None) -> AppConfig:
    # The stage's defaults for everything but the model and where the session goes; a 1-s heartbeat so
    # that each summary's timings are read before the next summary replaces them.
    summarize = SummarizeConfig(model=preset, session_dir=session_dir, session=stream,
                                extraction_log=str(extraction_log or ""))  # fmt: skip
    return AppConfig(stream=stream, heartbeat_s=1.0, endpoints=free_endpoints(), summarize=summarize)


def run_text(transcript: Path, gold: dict, preset: str, extraction_log: Path | None = None) -> Recording:
    """One text meeting through a real summarize process (see the module docstring); its extractions
    are written to `extraction_log` (JSON lines, started afresh) when given."""
    if extraction_log is not None:
        extraction_log.parent.mkdir(parents=True, exist_ok=True)
        extraction_log.write_text("", encoding="utf-8")
    utterances = list(read_lines(transcript))
    lines = [u.line for u in utterances]
    line_of_seq = lambda seq: lines[seq] if 0 <= seq < len(lines) else 0  # noqa: E731
    by_line: dict[int, list[dict]] = {}
    for q in gold["questions"]:
        by_line.setdefault(q["after_line"], []).append(q)
    rec = Recording()
    monitor = Monitor(rec, line_of_seq)
    t_start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="quality-") as tmp:
        cfg = _stage_config(preset, tmp, gold["meeting"].replace(".", "_"), extraction_log)
        ctx = zmq.Context.instance()
        with Supervisor(cfg, "warning", RestartPolicy(max_restarts=0)) as sup:
            topics = tuple(wire.topic_prefix(t) for t in ("summary", "status", "eos"))  # not the transcript
            sub = transport.Receiver(transport.open_socket(ctx, "sub", cfg.endpoints.summary, bind=False,
                                                           subscribe=topics, security=cfg.security), "summary")  # fmt: skip
            push = transport.open_socket(ctx, "push", cfg.endpoints.transcript, bind=False, hwm=100, security=cfg.security)
            try:
                sup.start("summarize")
                request(cfg, SnapshotRequest(cfg.stream, 0, uuid.uuid4().hex), sup)  # answered once the model is loaded
                rec.load_s = time.monotonic() - t_start
                dead = lambda: bool(sup.failed())  # noqa: E731
                t_audio, asked = 0.0, 0
                for seq, utt in enumerate(utterances):
                    duration = max(0.5, len(utt.text.split()) / WORDS_PER_SECOND)
                    seg = Segment(cfg.stream, seq, utt.text, round(t_audio, 3), round(t_audio + duration, 3),
                                  speaker=utt.speaker, wall=time.time())  # fmt: skip
                    if not transport.send_waiting(push, seg, dead):
                        raise StageFailed(f"summarize: {sup.children['summarize'].error()}")
                    t_audio += duration + PAUSE_S
                    while (got := sub.recv(timeout_s=0)) is not None:
                        monitor.handle(got[1])
                    for q in by_line.get(utt.line, []):
                        _wait_stored(cfg, sup, sub, monitor, seq)
                        asked += 1
                        rec.answers.append(ask(cfg, sup, sub, monitor, q, asked))
                        log.info("%s line %d: %s -> %s (%.1f s)", gold["meeting"], utt.line, q["question"],
                                 rec.answers[-1]["answer"][:80], rec.answers[-1]["seconds"])  # fmt: skip
                transport.send_waiting(push, EndOfStream(cfg.stream, len(utterances), "eof", t_audio), dead)
                deadline = time.monotonic() + REQUEST_TIMEOUT_S
                while not monitor.final:
                    if sup.failed() or time.monotonic() > deadline:
                        raise StageFailed(f"summarize ended without a final summary: {sup.children['summarize'].error()}")
                    if (got := sub.recv(timeout_s=0.5)) is not None:
                        monitor.handle(got[1])
                _status_where(sub, monitor, lambda c: c.get("ended") is True, STATUS_WAIT_S)
                rec.audio_seconds = t_audio
            finally:
                sub.sock.close(linger=0)
                push.close(linger=0)
    rec.wall_s = time.monotonic() - t_start
    return rec


def _wait_stored(cfg: AppConfig, sup: Supervisor, sub: transport.Receiver, monitor: Monitor, seq: int) -> None:
    """Until summarize has stored segment `seq` and is idle (its snapshot reply comes between loop turns)."""
    while True:
        snap = request(cfg, SnapshotRequest(cfg.stream, 0, uuid.uuid4().hex), sup)
        if not isinstance(snap, Snapshot):
            raise StageFailed(f"summarize answered a snapshot request with {snap.type}")
        while (got := sub.recv(timeout_s=0)) is not None:
            monitor.handle(got[1])
        if snap.stored_seq >= seq:
            break
        time.sleep(0.05)
    _status_where(sub, monitor, lambda c: c.get("stored_seq", -1) >= seq, STATUS_WAIT_S)  # current counters


def run_audio(audio: Path, gold: dict, preset: str, settings: dict | None = None) -> Recording:
    """capture + transcribe + summarize on `audio` at speed 0; the gold questions after the final summary.
    `settings`: config overrides (transcribe.speakers=false ...)."""
    from pipeline.cli import load_app_config
    from pipeline.live import run_summarization

    rec = Recording()
    monitor = Monitor(rec, lambda seq: seq)  # mapped to script lines by bench.quality (times differ)
    t_start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="quality-audio-") as tmp:
        cfg = load_app_config("replay", {"capture.source": str(audio), "capture.speed": 0.0, "summarize.model": preset,
                                         "summarize.session_dir": tmp, "summarize.session": "audio",
                                         **(settings or {})})  # fmt: skip
        cfg = replace(cfg, endpoints=free_endpoints(), heartbeat_s=1.0)
        sub_holder: list = []
        sups: list[Supervisor] = []

        def after_end() -> None:
            sub = transport.Receiver(transport.open_socket(zmq.Context.instance(), "sub", cfg.endpoints.summary,
                                                           bind=False, subscribe=(b"",), security=cfg.security), "q")  # fmt: skip
            sub_holder.append(sub)
            time.sleep(0.3)  # the SUB connects before the first Status it needs
            for q in gold["questions"]:
                rec.answers.append(ask(cfg, sups[0], sub, monitor, q, rec.counters.get("questions", 0) + 1))
                rec.answers[-1]["evicted_actual"] = None  # seqs are ASR segments: bench.quality aligns them
                log.info("audio: %s -> %s (%.1f s)", q["question"], rec.answers[-1]["answer"][:80],
                         rec.answers[-1]["seconds"])  # fmt: skip

        result = run_summarization(cfg, monitor.handle, after_end=after_end, on_start=sups.append)
        for sub in sub_holder:
            sub.sock.close(linger=0)
        rec.audio_seconds = result.audio_seconds
        if not cfg.capture.speed:
            rec.caption_latency.clear()  # unpaced: audio arrives faster than it was spoken
            rec.caption_shown_latency.clear()
    rec.wall_s = time.monotonic() - t_start
    return rec
