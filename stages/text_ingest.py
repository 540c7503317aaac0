"""Text ingest stage: a transcript file (one utterance per line, optional `Speaker:` prefix) sent as
committed Segments to the summarize stage, exactly as transcribe would send them.

Times are synthesized at a speaking rate (default 150 words per minute) so summaries keep their audio
cadence; `capture.speed` paces the lines like audio replay (0 = as fast as summarize accepts).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zmq

from pipeline import reliable, transport
from pipeline.errors import InputError
from pipeline.messages import EndOfStream, Segment
from pipeline.runner import StopFlag
from stages.settings import AppConfig

log = logging.getLogger(__name__)
WORDS_PER_SECOND = 2.5  # 150 words per minute: an ordinary speaking rate
MAX_LINE_CHARS = 4000  # longer than anyone says in one breath: a binary or broken file
MAX_FILE_BYTES = 512 * 1024 * 1024
PAUSE_S = 0.4
_SPEAKER = re.compile(r"^\s*([A-Z][\w .'-]{0,40}):\s+(.*)$")
FLUSH_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Utterance:
    line: int
    speaker: str | None
    text: str


def read_lines(path: str | Path) -> Iterator[Utterance]:
    """Validated utterances; InputError (one line, naming the line number) for unusable input."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such transcript file: {path}")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path} is empty")
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path} is {size / 2**20:.0f} MiB; the limit for a transcript is {MAX_FILE_BYTES // 2**20} MiB")
    found = False
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            if len(raw) > MAX_LINE_CHARS * 4:
                raise InputError(f"{path}:{number}: line of {len(raw)} bytes (limit {MAX_LINE_CHARS} characters)")
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                raise InputError(f"{path}:{number}: not UTF-8 text (a binary file?)") from None
            if "\x00" in line or any(ord(c) < 32 and c not in "\t" for c in line):
                raise InputError(f"{path}:{number}: control characters in text (a binary file?)")
            if len(line) > MAX_LINE_CHARS:
                raise InputError(f"{path}:{number}: line of {len(line)} characters (limit {MAX_LINE_CHARS})")
            line = line.strip()
            if not line:
                continue
            m = _SPEAKER.match(line)
            speaker, text = (m.group(1).strip(), m.group(2).strip()) if m else (None, line)
            if text:
                found = True
                yield Utterance(number, speaker, text)
    if not found:
        raise InputError(f"{path} holds no text")


def validate(path: str | Path) -> int:
    """Read the whole file once (before anything starts); returns the number of utterances."""
    return sum(1 for _ in read_lines(path))


def run(cfg: AppConfig, stop: StopFlag) -> int:
    ctx = zmq.Context.instance()
    out = transport.open_socket(ctx, "push", cfg.endpoints.transcript, bind=False, hwm=100, security=cfg.security)
    # Kept until summarize confirms them stored, resent if it restarts (pipeline/reliable.py).
    watch = reliable.PeerWatch(cfg.endpoints.summary, "summarize", cfg.security) if cfg.transcribe.acks else None
    sender = reliable.AckedSender(out, watch, stop.is_set)
    code = 0
    speed = cfg.capture.speed
    t_audio = 0.0
    seq = 0
    reason = "eof"
    t0 = time.monotonic()
    try:
        for utt in read_lines(cfg.capture.source):
            duration = max(0.5, len(utt.text.split()) / WORDS_PER_SECOND)
            if speed > 0:
                delay = t0 + (t_audio + duration) / speed - time.monotonic()
                if delay > 0 and stop.wait(delay):
                    reason = "interrupted"
                    break
            seg = Segment(cfg.stream, seq, utt.text, round(t_audio, 3), round(t_audio + duration, 3),
                          speaker=utt.speaker, wall=time.time(), clock=0.0)  # fmt: skip
            if not sender.send(seg):
                reason = "interrupted"
                break
            seq += 1
            t_audio += duration + PAUSE_S
        if stop.is_set():
            reason = "interrupted"
        if not sender.send(EndOfStream(cfg.stream, seq, reason, t_audio), timeout_s=FLUSH_TIMEOUT_S):
            log.error("text: summarize did not take the end of stream")
        if not sender.wait_confirmed(cfg.transcribe.ack_timeout_s):
            log.error("text: summarize did not confirm the end of stream within %.0f s", cfg.transcribe.ack_timeout_s)
            code = 1
        log.info("text: sent %d utterances (%.0f s of speech at %.0f wpm)", seq, t_audio, WORDS_PER_SECOND * 60)
    finally:
        transport.close_flushing(out, FLUSH_TIMEOUT_S)
        if watch is not None:
            watch.close()
    return code
