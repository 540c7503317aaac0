"""The summarize stage with real sockets and the real smollm2-135m: schedule, snapshot, questions, store,
bounded cache. (Summary quality is not judged here: the 135M model is for mechanics, see bench.)"""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid

import pytest
import zmq
from click.testing import CliRunner

from pipeline import client, transport, wire
from pipeline.cli import main
from pipeline.console import clock
from pipeline.errors import InputError, TransportError
from pipeline.messages import EndOfStream, Question, Segment, Status, Summary
from pipeline.runner import StopFlag
from stages.settings import SummarizeConfig
from stages.summarize import stage
from stages.summarize.store import SessionStore
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
SMALL = SummarizeConfig(
    window_tokens=256, headroom_tokens=640, extract_shots=1, extract_chunk_tokens=160, evict_block=64, summary_every_s=30.0,
    summary_max_tokens=40,
    summary_carry_tokens=64, answer_max_tokens=24, passage_tokens=96, question_max_chars=300,
)  # fmt: skip


def _wait_until_bindable(endpoint: str, timeout_s: float = 10.0) -> None:
    """Until `transport.check_bindable` finds the port free (the stage reports a bind error itself)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            transport.check_bindable(endpoint)
            return
        except TransportError:
            time.sleep(0.05)


class RunningStage:
    """stage.run in a thread of this process, with a PUSH feeding it and a SUB watching it."""

    def __init__(self, cfg) -> None:
        self.cfg = cfg
        self.stop = StopFlag()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        ctx = zmq.Context.instance()
        self.sub = transport.Receiver(transport.open_socket(ctx, "sub", cfg.endpoints.summary, bind=False), "sub")
        self.push = transport.open_socket(ctx, "push", cfg.endpoints.transcript, bind=False)
        self.seen: list = []

    def _run(self) -> None:
        try:
            stage.run(self.cfg, self.stop)
        except BaseException as exc:  # reported by the test, not swallowed
            self.error = exc

    def __enter__(self) -> RunningStage:
        # A stage restarted in the same process right after the last one stopped: ZeroMQ closes the old
        # listeners in its I/O thread, a moment later (one CI rehearsal saw "address already in use").
        for endpoint in (self.cfg.endpoints.transcript, self.cfg.endpoints.summary, self.cfg.endpoints.requests):
            _wait_until_bindable(endpoint)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(60)
        self.sub.sock.close(linger=0)
        self.push.close(linger=0)
        assert self.error is None, self.error

    def send(self, msg) -> None:
        assert transport.send_within(self.push, msg, 60)

    def wait_for(self, predicate, timeout_s: float = 120.0):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.error is None, self.error
            got = self.sub.recv(timeout_s=0.2)
            if got is None:
                continue
            self.seen.append(got[1])
            if predicate(got[1]):
                return got[1]
        raise AssertionError(f"nothing matched within {timeout_s} s; saw {[m.type for m in self.seen][-20:]}")


def meeting_lines(n: int) -> list[tuple[str | None, str]]:
    lines = (ROOT / "bench" / "data" / "long_meeting.txt").read_text().splitlines()[:n]
    out = []
    for line in lines:
        speaker, _, text = line.partition(": ")
        out.append((speaker, text) if text else (None, line))
    return out


@pytest.fixture
def cfg(app_config, tmp_path):
    return app_config(summarize=dataclasses.replace(SMALL, session_dir=str(tmp_path), session="t"), stream="t")


def test_schedule_snapshot_questions_store_and_bounds(cfg, tmp_path):
    # 36 lines x 4.5 s = 162 s of "audio": five rolling summaries (due at 31, 62.5, 94, 125.5 and 157 s)
    # and the final one. Each extraction costs a prefill of its ~400-token instruction and a generation, so
    # the schedule is shown with as few as the bound below needs (60 lines took ~12 extractions, 2 minutes).
    lines = meeting_lines(36)
    with RunningStage(cfg) as st:
        st.wait_for(lambda m: isinstance(m, Status), timeout_s=120)  # alive (heartbeat) before any input
        t = 0.0
        for seq, (speaker, text) in enumerate(lines):
            st.send(Segment("t", seq, text, t, t + 4.0, speaker=speaker, wall=time.time()))
            t += 4.5
        # Rolling summaries every 30 s of audio, in order.
        first = st.wait_for(lambda m: isinstance(m, Summary))
        assert not first.final and first.upto >= 30.0 and first.text

        # A late joiner: snapshot first, then only newer updates (Clone pattern).
        snap = client.snapshot(cfg.endpoints.requests, timeout_s=120)
        assert snap.summary and snap.upto_seq >= first.upto_seq and snap.pub_seq >= first.seq

        answer = client.ask(cfg.endpoints.requests, "Which vendor was chosen for the badge readers?", timeout_s=180)
        assert answer.request_id and answer.question.startswith("Which vendor") and answer.text
        assert answer.session == "t"  # `sinkscribe ask` names it: the user did not
        with pytest.raises(InputError, match="empty"):
            client.ask(cfg.endpoints.requests, "   ", timeout_s=60)
        with pytest.raises(InputError, match="limit is 300"):
            client.ask(cfg.endpoints.requests, "why? " * 100, timeout_s=60)

        st.send(EndOfStream("t", len(lines), "eof", t))
        final = st.wait_for(lambda m: isinstance(m, Summary) and m.final, timeout_s=180)
        assert final.upto_seq == len(lines) - 1
        st.wait_for(lambda m: isinstance(m, EndOfStream))
        # A late joiner after the end is told the truth: the summary is the final one, the stream is over.
        snap = client.snapshot(cfg.endpoints.requests, timeout_s=60)
        assert snap.final and snap.ended and snap.summary == final.text and snap.session == "t"
        assert snap.end_reason == "eof" and snap.audio_seconds == pytest.approx(t)
        shown = CliRunner().invoke(main, ["subscribe", "--from", "summary", "--endpoint", cfg.endpoints.summary,
                                          "--requests", cfg.endpoints.requests, "--count", "2", "--timeout", "5"])  # fmt: skip
        assert shown.exit_code == 0 and shown.stdout.startswith("── FINAL SUMMARY (up to "), shown.output
        assert shown.stdout.splitlines()[-1] == f"end of stream t (eof, {t:.1f} s of audio)"
        assert shown.stderr == "-- session t (unknown source), ended (eof)\n"
    summaries = [m for m in st.seen if isinstance(m, Summary)]
    uptos = [s.upto for s in summaries]
    assert uptos == sorted(uptos) and len(summaries) >= 5  # ~162 s / 30 s, each on schedule
    assert all(b - a < 30.0 + 10.0 for a, b in zip(uptos, uptos[1:], strict=False))
    statuses = [m for m in st.seen if isinstance(m, Status)]
    assert statuses and all(s.counters["cache_tokens"] <= s.counters["cache_bound"] for s in statuses)
    assert max(s.counters["tokens_evicted"] for s in statuses) > 0  # the window did slide
    with SessionStore.open_existing(tmp_path / "t.sqlite") as store:
        assert store.count_segments() == len(lines) and store.missing_seqs() == []
        assert store.latest_summary().final
        assert [a["question"] for a in store.answers()] == ["Which vendor was chosen for the badge readers?"]
        # The notes on the wire carry their references: every item points to stored lines, and the
        # text shows each item with the time of its first line.
        assert final.text.startswith("Decisions:\n") and "\nAction items:\n" in final.text
        for item in final.items:
            assert item.seqs and len(item.seqs) == len(item.starts)
            cited = [store.around(seq, 0, 0)[0] for seq in item.seqs]
            assert [c.start for c in cited] == list(item.starts)
            assert item.text in final.text and f"[{clock(item.starts[0])}" in final.text


def test_restart_resumes_from_the_store_without_duplicates(cfg, tmp_path):
    lines = meeting_lines(12)
    with RunningStage(cfg) as st:
        for seq, (speaker, text) in enumerate(lines[:8]):
            st.send(Segment("t", seq, text, seq * 4.0, seq * 4.0 + 3.5, speaker=speaker))
        st.wait_for(lambda m: isinstance(m, Segment) and m.seq == 7)
    with RunningStage(dataclasses.replace(cfg)) as st:
        # Upstream re-sends from 5 after its own restart: 5..7 are duplicates, 8..11 new.
        for seq in range(5, 12):
            speaker, text = lines[seq]
            st.send(Segment("t", seq, text, seq * 4.0, seq * 4.0 + 3.5, speaker=speaker))
        st.send(EndOfStream("t", 12, "eof", 48.0))
        st.wait_for(lambda m: isinstance(m, Summary) and m.final, timeout_s=180)
        status = st.wait_for(lambda m: isinstance(m, Status) and m.counters["ended"])
        assert status.counters["duplicates"] == 3
    with SessionStore.open_existing(tmp_path / "t.sqlite") as store:
        assert [s.seq for s in store.segments()] == list(range(12))
    with RunningStage(dataclasses.replace(cfg)) as st:  # restarted after the end: the store says it is over
        st.wait_for(lambda m: isinstance(m, Status), timeout_s=120)
        snap = client.snapshot(cfg.endpoints.requests, timeout_s=60)
        assert snap.ended and snap.final and snap.stored_seq == 11 and snap.end_reason == "eof"


def test_the_end_is_confirmed_before_the_final_summary_and_a_restart_still_makes_it(cfg, tmp_path):
    """The final summary can take minutes on a loaded CPU: the sender is told the end is stored first (it
    would otherwise give up waiting), and a summarize that died in between makes the final summary when
    it starts again."""
    lines = meeting_lines(10)
    with RunningStage(cfg) as st:
        for seq, (speaker, text) in enumerate(lines):
            st.send(Segment("t", seq, text, seq * 4.0, seq * 4.0 + 3.5, speaker=speaker))
        st.send(EndOfStream("t", len(lines), "eof", 40.0))
        st.wait_for(lambda m: isinstance(m, EndOfStream))
    order = [m for m in st.seen if (isinstance(m, Status) and m.counters["ended"]) or (isinstance(m, Summary) and m.final)]
    assert isinstance(order[0], Status) and any(isinstance(m, Summary) for m in order[1:])
    # Died after storing the end, before the final summary: only the end is in the file.
    with SessionStore.open_existing(tmp_path / "t.sqlite") as store:
        store.db.execute("DELETE FROM summaries")
        assert store.ended() is not None and store.latest_summary() is None
    with RunningStage(dataclasses.replace(cfg)) as st:
        final = st.wait_for(lambda m: isinstance(m, Summary), timeout_s=180)
        assert final.final and final.upto_seq == len(lines) - 1
        end = st.wait_for(lambda m: isinstance(m, EndOfStream))
        assert end.reason == "eof" and end.audio_seconds == pytest.approx(40.0)
        snap = client.snapshot(cfg.endpoints.requests, timeout_s=60)
        assert snap.ended and snap.final and snap.summary == final.text


def test_garbage_on_every_socket_is_counted_and_valid_traffic_still_served(cfg):
    with RunningStage(cfg) as st:
        st.wait_for(lambda m: isinstance(m, Status), timeout_s=120)
        ctx = zmq.Context.instance()
        dealer = transport.open_socket(ctx, "dealer", cfg.endpoints.requests, bind=False)
        try:
            for frames in ([b"garbage"], [b"{}"], [wire.encode(Question("t", 0, "x", "q"))[0], b"extra"]):
                st.push.send_multipart(frames)
                dealer.send_multipart(frames)
            st.send(Segment("t", 0, "The offsite will be held in Lisbon.", 0.0, 3.0))
            st.wait_for(lambda m: isinstance(m, Segment))
            answer = client.ask(cfg.endpoints.requests, "Where is the offsite?", timeout_s=120)
            assert answer.request_id
            status = st.wait_for(lambda m: isinstance(m, Status) and m.counters["malformed"] >= 6)
            assert status.counters["segments"] == 1
        finally:
            dealer.close(linger=0)


def test_bad_config_cannot_hold_a_summary_prompt():
    with pytest.raises(ValueError, match="cannot hold a summary request"):
        SummarizeConfig(headroom_tokens=200)
    # A second worked example needs room of its own; there are no third ones to show.
    with pytest.raises(ValueError, match=r"instruction \(620\)"):
        SummarizeConfig(headroom_tokens=1024)  # the default before stop 33: room for one example only
    assert SummarizeConfig(headroom_tokens=1024, extract_shots=1).extract_shots == 1
    with pytest.raises(ValueError, match="extract_shots must be 1 or 2"):
        SummarizeConfig(extract_shots=3)


def test_request_id_is_echoed_to_the_asker_only(cfg):
    with RunningStage(cfg) as st:
        st.wait_for(lambda m: isinstance(m, Status), timeout_s=120)
        rid = uuid.uuid4().hex
        reply = client.request(cfg.endpoints.requests, Question("t", 0, rid, "Anything decided?"), 120)
        assert reply.request_id == rid
