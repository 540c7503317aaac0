"""One summarize process hosting many streams (`summarize.max_streams`): real stage processes, real
sockets, the real smollm2-135m. Two meetings sent at once end in two stores with no word of one in the
other, each with its own final summary on its own topic; snapshots and questions are routed by stream;
one stream's garbage does not disturb the other; the model is loaded once; the schedule takes turns."""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zmq

from pipeline import client, transport, wire
from pipeline import config as config_io
from pipeline.errors import InputError
from pipeline.messages import EndOfStream, Segment, Status, Summary
from pipeline.runner import StopFlag
from tests.conftest import ROOT
from tests.test_summarize_stage import SMALL

pytestmark = pytest.mark.slow

# Two meetings with no content word in common: each one's markers must never reach the other's store.
BAKERY = [
    "Priya: Good morning. The sourdough starter for the croissant line arrived from Lisbon.",
    "Oskar: The rye flour supplier raised prices, so the baguette margin shrinks.",
    "Priya: We decided to bake the cinnamon buns at four instead of five.",
    "Oskar: I will repaint the pastry counter before the marzipan festival.",
    "Priya: Oskar owns the pastry counter. Finish it by Saturday.",
    "Oskar: The oven thermostat still drifts; the technician visits Tuesday.",
]
HARBOUR = [
    "Tomasz: The freighter from Rotterdam docks at berth nine on Wednesday.",
    "Ingrid: Crane two needs new cables before the container surge.",
    "Tomasz: We agreed that tugboats escort every tanker past the breakwater.",
    "Ingrid: I will file the customs manifest with the port authority.",
    "Tomasz: Ingrid owns the customs manifest. Submit it by Thursday.",
    "Ingrid: The lighthouse beacon flickers at night; an electrician is booked.",
]
MARKERS = {
    "alpha": {"sourdough", "croissant", "baguette", "cinnamon", "pastry", "marzipan", "oven", "priya", "oskar"},
    "beta": {"freighter", "rotterdam", "crane", "tugboats", "tanker", "customs", "lighthouse", "tomasz", "ingrid"},
}


def _words(text: str) -> set[str]:
    return {w.strip(".,;:!?'\"()[]").lower() for w in text.split()}


def _store_text(path: Path) -> str:
    """Everything a session file holds that came from a meeting: transcript, summaries, notes, answers."""
    db = sqlite3.connect(str(path))
    try:
        parts = [row[0] for row in db.execute("SELECT text FROM segments")]
        parts += [row[0] for row in db.execute("SELECT text FROM summaries")]
        parts += [row[0] for row in db.execute("SELECT items FROM notes")]
        parts += [f"{q} {a} {c}" for q, a, c in db.execute("SELECT question, text, citations FROM answers")]
    finally:
        db.close()
    return "\n".join(parts)


class Stage:
    """`sinkscribe stage NAME --config FILE` as a real process."""

    def __init__(self, name: str, cfg, folder: Path, tag: str) -> None:
        path = folder / f"{tag}.toml"
        path.write_text(config_io.dumps(cfg))
        self.log = open(folder / f"{tag}.log", "w")  # noqa: SIM115 - closed in stop()
        env = os.environ | {"PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "stage", name, "--config", str(path)],
                                     cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)  # fmt: skip
        self.log_path = folder / f"{tag}.log"

    def wait(self, timeout_s: float) -> int:
        try:
            return self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running after {timeout_s} s:\n{self.log_path.read_text()[-3000:]}") from None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


@pytest.fixture
def hosting(app_config, tmp_path):
    """A summarize stage hosting up to 2 streams; returns (its config, the sessions folder)."""
    sessions = tmp_path / "sessions"
    cfg = app_config(stream="service", summarize=dataclasses.replace(SMALL, session_dir=str(sessions), max_streams=2))
    summarize = Stage("summarize", cfg, tmp_path, "summarize")
    try:
        yield cfg, sessions, tmp_path
    finally:
        summarize.stop()


def _text_stage(cfg, stream: str, lines: list[str], folder: Path) -> Stage:
    path = folder / f"{stream}.txt"
    path.write_text("\n".join(lines) + "\n")
    # Real time (about 25 s of speech each): both streams stay live, and so hold both slots, while the
    # test sends a third stream, however slowly a loaded machine gets their first segments through (at
    # speed 4 a stream could end first, freeing its slot for the third).
    text_cfg = dataclasses.replace(cfg, stream=stream, capture=dataclasses.replace(cfg.capture, source=str(path), speed=1.0))
    return Stage("text", text_cfg, folder, f"text-{stream}")


def _sub(endpoint: str, *prefixes: bytes) -> transport.Receiver:
    sock = transport.open_socket(zmq.Context.instance(), "sub", endpoint, bind=False, subscribe=prefixes or (b"",))
    return transport.Receiver(sock, "test")


def test_two_streams_at_once_stay_apart(hosting):
    cfg, sessions, folder = hosting
    ep = cfg.endpoints
    everything = _sub(ep.summary)
    alpha_only = _sub(ep.summary, wire.topic_prefix("summary", "alpha"), wire.topic_prefix("eos", "alpha"))
    garbage = transport.open_socket(zmq.Context.instance(), "push", ep.transcript, bind=False)
    seen: list = []
    alpha_seen: list = []
    # The service's first heartbeat comes once its model is loaded: only then do the two streams start, or
    # on a loaded machine their 25 s of speech could be sent (and one stream end, freeing its slot for the
    # third) while the model still loads.
    deadline = time.monotonic() + 240
    while not any(isinstance(m, Status) and m.stage == "summarize" for m in seen):
        assert time.monotonic() < deadline, "no heartbeat from the service"
        if (got := everything.recv(timeout_s=0.5)) is not None:
            seen.append(got[1])
    texts = {"alpha": _text_stage(cfg, "alpha", BAKERY, folder), "beta": _text_stage(cfg, "beta", HARBOUR, folder)}
    try:
        # Both streams live at once (a segment of each republished), then garbage tagged with alpha.
        deadline = time.monotonic() + 180
        while {m.stream for m in seen if isinstance(m, Segment)} != {"alpha", "beta"}:
            assert time.monotonic() < deadline, [m.type for m in seen][-20:]
            if (got := everything.recv(timeout_s=0.5)) is not None:
                seen.append(got[1])
        garbage.send(b'{"type":"segment","v":1,"stream":"alpha","seq":')  # not JSON
        garbage.send_multipart([b'{"type":"segment","v":1,"stream":"alpha"}', b"extra"])  # wrong frames
        transport.send(garbage, Status("alpha", 0, "summarize", 0.0, {"stored_seq": 99}))  # wrong type here
        transport.send(garbage, Segment("alpha", 9_999, "freighter crane tanker", 0.0, 1.0))  # after a gap
        transport.send(garbage, Segment("alpha", 0, "freighter lighthouse customs", 0.0, 1.0))  # a repeat of seq 0
        transport.send(garbage, Segment("../evil", 0, "not a session name", 0.0, 1.0))
        transport.send(garbage, Segment("gamma", 0, "a third stream beyond the limit of two", 0.0, 1.0))

        for stream in ("alpha", "beta"):
            assert texts[stream].wait(300) == 0, texts[stream].log_path.read_text()[-3000:]  # its end confirmed

        # Each stream's final summary on its topic; the stream-filtered subscriber saw only alpha's.
        deadline = time.monotonic() + 60
        while not all(any(isinstance(m, Summary) and m.final and m.stream == s for m in seen) for s in ("alpha", "beta")):
            assert time.monotonic() < deadline, [(m.type, m.stream) for m in seen][-20:]
            if (got := everything.recv(timeout_s=0.5)) is not None:
                seen.append(got[1])
        while (got := alpha_only.recv(timeout_s=1.0)) is not None:
            alpha_seen.append(got[1])
        assert alpha_seen and {m.stream for m in alpha_seen} == {"alpha"}
        assert [m.final for m in alpha_seen if isinstance(m, Summary)][-1] is True
        assert isinstance(alpha_seen[-1], EndOfStream)
        # Each stream's publisher sequence is its own: gap-free for a follower of one stream.
        alpha_seqs = [m.seq for m in seen if m.stream == "alpha" and m.type in ("summary", "status", "eos", "answer")]
        assert alpha_seqs == list(range(alpha_seqs[0], alpha_seqs[0] + len(alpha_seqs)))

        # Two stores, each holding exactly its own meeting and no word of the other.
        for stream, lines in (("alpha", BAKERY), ("beta", HARBOUR)):
            path = sessions / f"{stream}.sqlite"
            db = sqlite3.connect(str(path))
            stored = [row[0] for row in db.execute("SELECT text FROM segments ORDER BY seq")]
            ended = db.execute("SELECT value FROM meta WHERE key = 'ended'").fetchone()
            db.close()
            assert stored == [line.split(": ", 1)[1] for line in lines]
            assert ended is not None
        for stream, other in (("alpha", "beta"), ("beta", "alpha")):
            leaked = _words(_store_text(sessions / f"{stream}.sqlite")) & MARKERS[other]
            assert not leaked, f"{other}'s words in {stream}'s store: {leaked}"
        assert not (sessions / "gamma.sqlite").exists() and not list(sessions.glob("*evil*"))

        # Per-stream snapshot (read from the ended stream's store) and a question routed to one stream.
        snap = client.snapshot(ep.requests, timeout_s=60, stream="beta")
        assert (snap.stream, snap.session, snap.ended, snap.final) == ("beta", "beta", True, True)
        assert snap.stored_seq == len(HARBOUR) - 1 and snap.end_reason == "eof"
        answer = client.ask(ep.requests, "Who owns the customs manifest?", timeout_s=180, stream="beta")
        assert answer.session == "beta" and answer.citations
        cited = " ".join(c.text for c in answer.citations)
        assert cited and not _words(cited) & MARKERS["alpha"]
        assert all(any(c.text in line or line.split(": ", 1)[1] in c.text for line in HARBOUR) for c in answer.citations)
        with pytest.raises(InputError, match="no stream 'delta'"):
            client.snapshot(ep.requests, timeout_s=30, stream="delta")
        with pytest.raises(InputError, match="gamma refused: this service already holds 2 live streams"):
            client.snapshot(ep.requests, timeout_s=30, stream="gamma")

        # The service heartbeat: one model load for both streams, none live now, the garbage counted.
        deadline = time.monotonic() + 30
        while True:
            got = everything.recv(timeout_s=1.0)
            msg = got[1] if got else None
            if isinstance(msg, Status) and msg.stream == "service":
                c = msg.counters
                if c["sessions"] == 0:
                    break
            assert time.monotonic() < deadline
        assert c["model_loads"] == 1 and c["hosting"] == 2 and c["failures"] == 0
        assert c["malformed"] >= 3 and c["refused"] >= 2  # ../evil and gamma
        assert c["streams"]["alpha"]["ended"] and c["streams"]["beta"]["stored_seq"] == len(HARBOUR) - 1
    finally:
        for stage in texts.values():
            stage.stop()
        for sock in (everything.sock, alpha_only.sock, garbage):
            sock.close(linger=0)


def test_one_model_many_caches_and_turns_between_streams(app_config, tmp_path):
    """In-process: a second stream reuses the loaded weights (its own cache), and a long backlog of one
    stream does not hold back another's: the schedule alternates batches."""
    from stages.summarize.stage import SummarizeServer

    cfg = app_config(stream="service", summarize=dataclasses.replace(SMALL, session_dir=str(tmp_path), max_streams=2,
                                                                      ingest_batch=4, summary_every_s=0.0))  # fmt: skip
    server = SummarizeServer(cfg, StopFlag())
    try:
        a, b = server.admit("long"), server.admit("short")
        assert a is not None and b is not None and server.model.loads == 1
        assert a.core.session.model is b.core.session.model  # one set of weights
        assert a.core.session.cache is not b.core.session.cache  # two bounded caches
        for seq in range(40):  # a backlog of 40 segments on one stream ...
            a.pending.append(Segment("long", seq, f"Line {seq} of the long stream.", seq * 2.0, seq * 2.0 + 1.5))
        b.pending.append(Segment("short", 0, "One line of the short stream.", 0.0, 1.5))  # ... one on the other
        assert server.take_turn() and server.take_turn()
        assert b.core.last_seq == 0, "the short stream waited behind the whole backlog"
        assert a.core.last_seq == 3 and len(a.pending) == 36  # one batch of ingest_batch each
        while server.take_turn():
            pass
        assert a.core.last_seq == 39 and server.model.loads == 1
        assert server.admit("third") is None and "third" in server.refused  # bounded: at most 2 live
        with pytest.raises(Exception, match="max_streams"):
            dataclasses.replace(SMALL, max_streams=-1)
    finally:
        server.close()


def test_a_host_whose_stream_moved_stops_writing_its_session(app_config, tmp_path):
    """Two services on one shelf (a cluster's hosts on one database): host A holds stream m; the
    gateway, thinking A lost, moves m to host B, which claims the session. A's next turn on m writes
    nothing and drops the stream (counted as `fenced`); A's other streams and B go on; a question A
    was asked about m is answered with a one-line error."""
    from pipeline.messages import Error, Question, SnapshotRequest
    from stages.summarize.stage import SummarizeServer

    def host() -> SummarizeServer:
        return SummarizeServer(app_config(stream="service", summarize=dataclasses.replace(
            SMALL, session_dir=str(tmp_path / "sessions"), max_streams=2, summary_every_s=0.0)), StopFlag())  # fmt: skip

    def line(stream: str, seq: int, who: str) -> Segment:
        return Segment(stream, seq, f"Line {seq} from host {who}.", seq * 2.0, seq * 2.0 + 1.5)

    a, b = host(), host()
    try:
        on_a, other = a.admit("m"), a.admit("other")
        on_a.pending.extend(line("m", i, "A") for i in range(3))
        while a.take_turn():
            pass
        on_b = b.admit("m", resume=True)  # B continues the session from its store: 3 segments
        assert on_b is not None and on_b.core.last_seq == 2
        on_a.pending.append(line("m", 3, "A"))
        other.pending.append(line("other", 0, "A"))
        while a.take_turn():
            pass
        assert "m" not in a.streams and a.fenced == 1 and a.failures == 0
        assert "moved" in a.done["m"]["error"] and other.core.last_seq == 0  # the other stream is untouched
        on_b.pending.append(line("m", 3, "B"))
        while b.take_turn():
            pass
        assert b.fenced == 0 and on_b.core.last_seq == 3
        stored = [s.text for s in on_b.store.segments()]
        assert stored == ["Line 0 from host A.", "Line 1 from host A.", "Line 2 from host A.", "Line 3 from host B."]
        # m moves back to A (say B was thought lost in turn); a question reaching B before any other
        # write there is refused in one line (its answer is not stored), and B drops the stream.
        assert a.admit("m", resume=True) is not None
        reply = b._route_request(Question("m", 0, "r1", "What did host A say?"))
        assert isinstance(reply, Error) and reply.message == "stream m moved to another host: ask again"
        assert "m" not in b.streams and b.fenced == 1
        assert a.streams["m"].store.answers() == []
        # A resume request whose drain finds the stream fenced gets the same one-line error (it used to
        # crash the stage: the stream was gone when its snapshot was read).
        with b.shelf.open("m", "m") as taker:
            taker.claim()
        a.streams["m"].pending.append(line("m", 4, "A"))
        reply = a._route_request(SnapshotRequest("m", 0, "r2", resume=True))
        assert isinstance(reply, Error) and reply.message == "stream m moved to another host: ask again"
        assert "m" not in a.streams and a.fenced == 2
    finally:
        a.close()
        b.close()


def test_a_service_restarted_before_a_final_summary_makes_it(app_config, tmp_path):
    """The service stored a stream's end and died before its final summary: its client had the end
    confirmed and is gone, so nobody sends that stream again. The restarted service finishes it (and
    only its own sessions: a single pipeline's session in the same folder is left to its own stage)."""
    from stages.summarize.store import SessionStore

    sessions = tmp_path / "sessions"
    sessions.mkdir()
    for name, lines, hosted in (("alpha", BAKERY, "1"), ("solo", HARBOUR, "")):
        with SessionStore(sessions / f"{name}.sqlite", name) as store:
            for seq, line in enumerate(lines):
                who, text = line.split(": ", 1)
                store.add_segment(Segment(name, seq, text, seq * 4.0, seq * 4.0 + 3.5, speaker=who))
            store.set_ended("eof", 24.0)
            if hosted:
                store.set_meta({"hosted": hosted})
    cfg = app_config(stream="service", summarize=dataclasses.replace(SMALL, session_dir=str(sessions), max_streams=2))
    sub = _sub(cfg.endpoints.summary)
    seen: list = []
    service = Stage("summarize", cfg, tmp_path, "summarize")
    try:
        deadline = time.monotonic() + 240
        while not any(isinstance(m, EndOfStream) and m.stream == "alpha" for m in seen):
            assert time.monotonic() < deadline and service.proc.poll() is None, service.log_path.read_text()[-3000:]
            if (got := sub.recv(timeout_s=0.5)) is not None:
                seen.append(got[1])
        finals = [m for m in seen if isinstance(m, Summary) and m.final]
        assert [m.stream for m in finals] == ["alpha"] and finals[0].upto_seq == len(BAKERY) - 1
        snap = client.snapshot(cfg.endpoints.requests, timeout_s=60, stream="alpha")
        assert snap.ended and snap.final and snap.summary == finals[0].text
    finally:
        service.stop()
        sub.sock.close(linger=0)
    db = sqlite3.connect(str(sessions / "solo.sqlite"))
    assert db.execute("SELECT COUNT(*) FROM summaries").fetchone()[0] == 0  # not the service's to finish
    db.close()
