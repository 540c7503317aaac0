"""Admission by measured load (pipeline/load.py): the model's time per stream over a sliding window, and
one stream more refused when the live ones plus one like them would pass the limit."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.load import BUSY, FULL, LATE, LATE_NEXT, Admission, BusyMeter, LagMeter, caption_lags
from pipeline.messages import EndOfStream, Segment, SnapshotRequest, Word
from pipeline.runner import StopFlag
from tests.test_summarize_stage import SMALL


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_a_streams_share_is_its_busy_time_over_the_time_it_has_been_live():
    clock = Clock()
    meter = BusyMeter(window_s=100.0, clock=clock)
    meter.open("a")
    meter.add("a", 1000.0, 1010.0)
    clock.t = 1040.0
    assert meter.share("a") == pytest.approx(10 / 40)  # 40 s live, 10 of them busy
    meter.open("b")
    clock.t = 1050.0
    meter.add("b", 1045.0, 1050.0)
    assert meter.observed_s("b") == 10.0 and meter.share("b") == pytest.approx(0.5)
    clock.t = 1200.0  # the window slides past a's work
    assert meter.share("a") == 0.0 and meter.observed_s("a") == 100.0
    meter.add("a", 1150.0, 1175.0)
    assert meter.share("a") == pytest.approx(0.25)
    meter.close("a")
    assert "a" not in meter.shares() and meter.share("a") == 0.0
    with pytest.raises(ValueError):
        BusyMeter(window_s=0)


def test_work_straddling_the_window_edge_counts_only_its_part_inside():
    clock = Clock()
    meter = BusyMeter(window_s=60.0, clock=clock)
    meter.open("a")
    meter.add("a", 1000.0, 1030.0)
    clock.t = 1080.0  # the window is 1020..1080: 10 of the 30 busy seconds are in it
    assert meter.share("a") == pytest.approx(10 / 60)


def test_admission_refuses_when_the_live_streams_and_one_more_would_pass_the_limit():
    clock = Clock()
    meter = BusyMeter(window_s=300.0, clock=clock)
    admission = Admission(limit=0.9, min_observed_s=60.0)
    assert admission.refusal(meter, []) == ""  # nothing live: nothing to measure
    meter.open("a")
    meter.add("a", 1000.0, 1030.0)
    clock.t = 1030.0
    assert admission.refusal(meter, ["a"]) == ""  # 30 s observed: too little to judge, admitted
    clock.t = 1100.0  # a: 30 of 100 s
    assert admission.refusal(meter, ["a"]) == ""  # 30% + 30% <= 90%
    meter.open("b")
    meter.add("b", 1100.0, 1130.0)
    clock.t = 1160.0  # a: 30/160, b: 30/60 -> 69% live, 34% each (both measured a minute at least)
    why = admission.refusal(meter, ["a", "b"])
    assert why.startswith("the model is busy 69% of the time with 2 live streams (34% each")
    assert "one more would need about 103%" in why and "90%" in why
    assert Admission(limit=0.0).refusal(meter, ["a", "b"]) == ""  # 0: by count only
    assert Admission(limit=1.0).refusal(meter, ["a", "b"]) != ""


def test_caption_lag_is_commit_time_after_each_word_was_said_and_its_quantile_needs_enough_words():
    # Audio time 10 s was captured at wall 1010 (clock 1000); committed at 1013.5: the word ending at 11 s
    # (said at 1011) was captioned 2.5 s after, the one ending at 12 s 1.5 s after.
    seg = Segment("a", 0, "two words", 10.0, 12.0, (Word("two", 10.0, 11.0), Word("words", 11.0, 12.0)),
                  wall=1013.5, clock=1000.0)  # fmt: skip
    assert caption_lags(seg) == pytest.approx([2.5, 1.5])
    assert caption_lags(Segment("a", 1, "no times", 12.0, 14.0, wall=1016.0, clock=1000.0)) == pytest.approx([2.0])
    clock = Clock()
    lags = LagMeter(window_s=100.0, clock=clock)
    lags.add("a", [1.0] * 10)
    assert lags.quantile("a", 0.95) is None  # too few words to say
    lags.add("a", [1.0] * 80 + [9.0] * 10)
    assert lags.quantile("a", 0.5) == 1.0 and lags.quantile("a", 0.95) == 9.0
    clock.t += 150.0  # out of the window
    lags.add("a", [2.0] * 30)
    assert lags.quantile("a", 0.95) == 2.0 and lags.p95s() == {"a": 2.0}
    lags.close("a")
    assert lags.p95s() == {}


def test_admission_refuses_while_a_live_streams_captions_are_behind_and_not_before_it_is_measured():
    clock = Clock()
    lags = LagMeter(window_s=300.0, clock=clock)
    admission = Admission(limit=0.9, min_observed_s=60.0, lag_limit_s=5.0)
    lags.open("a")
    lags.open("b")
    lags.add("a", [7.0] * 30)
    lags.add("b", [1.0] * 30)
    assert admission.late(lags, ["a", "b"]) == ""  # live for less than a minute: too early to judge
    clock.t += 90.0
    reason = admission.late(lags, ["a", "b"])
    assert reason.startswith(f"{LATE} real time: 1 of 2 live streams have their words captioned more than 5 s")
    assert "at worst 7.0 s" in reason and "--admit-lag" in reason
    assert "a" not in reason.split(":", 1)[1].replace("after", "").split() and "stream a" not in reason  # no name
    assert Admission(lag_limit_s=0.0).late(lags, ["a", "b"]) == ""  # off
    lags.add("a", [1.0] * 600)  # caught up: its 95th percentile is back under the limit
    assert admission.late(lags, ["a", "b"]) == ""


def test_admission_refuses_one_more_when_what_the_last_stream_added_would_pass_the_limit():
    """Under the limit, the last stream's cost added once more: 3.4 s with one stream, 4.3 s with two
    (bench.admission, stop 35) -> about 5.2 s with three, over 5 s; a first increment that small is fine."""
    clock = Clock()
    lags = LagMeter(window_s=300.0, clock=clock)
    admission = Admission(limit=0.9, min_observed_s=60.0, lag_limit_s=5.0)
    lags.open("a")
    lags.add("a", [3.4] * 30)
    clock.t += 90.0
    lags.note_count(["a"], 60.0)
    assert lags.by_count == {1: 3.4}
    assert admission.late(lags, ["a"]) == ""  # nothing known with no stream: the second is admitted
    lags.open("b")
    lags.add("a", [4.3] * 300)
    lags.add("b", [4.0] * 30)
    clock.t += 90.0
    reason = admission.late(lags, ["a", "b"])
    assert reason.startswith(f"{LATE_NEXT} real time: with 2 live streams their words are captioned up to 4.3 s")
    assert "(3.4 s with 1)" in reason and "about 5.2 s" in reason and "--admit-lag" in reason
    assert Admission(limit=0.9, min_observed_s=60.0, lag_limit_s=6.0).late(lags, ["a", "b"]) == ""  # room at 6 s


def test_a_service_refuses_a_stream_the_model_has_no_time_for_and_says_why(app_config, tmp_path):
    """In-process summarize hosting: the model's turns are timed per stream; once the live stream takes most
    of the model's time, a new stream is refused by load although the count would admit it, its reason
    is the one-line error a client gets, and the heartbeat reports each stream's share. A stream that ends
    frees its share."""
    from stages.summarize.stage import SummarizeServer

    cfg = app_config(stream="service", summarize=dataclasses.replace(
        SMALL, session_dir=str(tmp_path), max_streams=4, summary_every_s=0.0, admit_load=0.5, admit_window_s=40.0))  # fmt: skip
    server = SummarizeServer(cfg, StopFlag())
    clock = Clock()
    server.meter.clock = clock

    def tick() -> float:  # each call 5 s later: a model turn takes 5 s, and 5 s pass before the next
        clock.t += 5.0
        return clock.t

    try:
        a = server.admit("busy")
        assert a is not None
        server.meter.clock = tick
        for seq in range(3):
            a.pending.append(Segment("busy", seq, f"Line {seq} of a talkative stream.", seq * 2.0, seq * 2.0 + 1.5))
            assert server.take_turn()
        server.meter.clock = clock
        clock.t += 5.0  # 15 s of model time in 35 s live: 43%, and one more like it 86% > 50%
        assert server.meter.shares()["busy"] == pytest.approx(15 / 35)
        assert server.admit("late") is None
        assert server.refused["late"].startswith("the model is busy 43% of the time with 1 live stream (43% each")
        reply = server._serve_closed("late", SnapshotRequest("late", 0, "r1", resume=True))
        assert reply.type == "error" and reply.message.startswith("stream late refused: the model is busy")
        assert "--admit-load" in reply.message
        clock.t += 100.0  # quiet since: its share falls out of the window, and the next stream is admitted
        assert server.admit("later") is not None
        # A stream that ends in its turn (its final summary timed) leaves the meter: the heartbeat's shares
        # stay bounded by the live streams.
        a.pending.append(EndOfStream("busy", 3, "eof", 8.0))
        while server.take_turn():
            pass
        assert "busy" not in server.streams and set(server.meter.shares()) == {"later"}
    finally:
        server.close()
    with pytest.raises(Exception, match="admit_load"):
        dataclasses.replace(SMALL, admit_load=1.5)


def test_a_service_refuses_a_stream_while_a_live_streams_captions_are_behind(app_config, tmp_path):
    """In-process summarize hosting: the latency of each received segment's words (its commit time after
    the words were said) is kept per stream; once a live stream's captions run 8 s behind for over a
    minute, a new stream is refused with that figure, though count and model time would admit it."""
    from stages.summarize.stage import SummarizeServer

    cfg = app_config(stream="service", summarize=dataclasses.replace(
        SMALL, session_dir=str(tmp_path), max_streams=4, summary_every_s=0.0, admit_load=0.9, admit_lag_s=5.0))  # fmt: skip
    server = SummarizeServer(cfg, StopFlag())
    clock = Clock()
    server.lags.clock = clock
    try:
        assert server.admit("slow") is not None
        received = [(None, Segment("slow", seq, f"Line {seq}.", seq * 2.0, seq * 2.0 + 1.5,
                                   (Word(f"Line{seq}", seq * 2.0, seq * 2.0 + 1.5),),
                                   wall=1000.0 + seq * 2.0 + 1.5 + 8.0, clock=1000.0))
                    for seq in range(30)]  # every word committed 8 s after it was said  # fmt: skip
        server.inbox.recv = lambda timeout_s=0: received.pop(0) if received else None  # the transcript socket
        server.read_transcript()
        assert len(server.streams["slow"].pending) == 30
        assert server.admit("early") is not None  # live for less than a minute: not judged yet
        clock.t += 120.0
        assert server.admit("late") is None
        assert server.refused["late"].startswith(f"{LATE} real time: 1 of 2 live streams have their words")
        assert "at worst 8.0 s" in server.refused["late"] and "slow" not in server.refused["late"]
        # A stream whose session is here already continues (a client's restart, a stream moved from a lost host).
        server.shelf.open("known", "known").close()
        assert server.admit("known", resume=True) is not None
        published: list = []
        server.publish = published.append
        server.heartbeat(force=True)
        service_beat = next(m for m in published if m.stage == "summarize" and "caption_p95_s" in m.counters)
        assert service_beat.counters["caption_p95_s"] == {"slow": 8.0}
        # A stream that leaves takes its latencies with it.
        server.finish(server.streams["slow"])
        assert "slow" not in server.lags.p95s() and server.lags.observed_s("slow") == 0.0
    finally:
        server.close()
    with pytest.raises(Exception, match="admit_lag_s"):
        dataclasses.replace(SMALL, admit_lag_s=-1.0)


def test_a_client_asked_to_wait_asks_again_until_there_is_room_and_not_for_other_refusals(app_config):
    """`--wait`: a refusal for want of room is asked again (a real ROUTER playing the service: refused
    by count, load and caption lag, then admitted); any other refusal ends at once."""
    import threading

    import zmq

    from pipeline import service, transport
    from pipeline.errors import InputError
    from pipeline.messages import Error, Snapshot
    from tests.conftest import free_port

    endpoint = f"tcp://127.0.0.1:{free_port()}"
    cfg = app_config(endpoints=dataclasses.replace(app_config().endpoints, requests=endpoint))
    router = transport.open_socket(zmq.Context.instance(), "router", endpoint, bind=True)
    inbox = transport.Receiver(router, "requests", envelope_frames=1)
    replies = [f"stream s refused: {FULL} 2 live streams (--max-streams 2)",
               f"stream s refused: {BUSY} 95% of the time with 2 live streams",
               f"stream s refused: {LATE} real time: 2 of 2 live streams have their words captioned more than 5 s",
               f"stream s refused: {LATE_NEXT} real time: with 2 live streams their words are captioned up to 4.3 s",
               None, "the stream id 'a/b' must be a plain name"]  # fmt: skip

    def serve() -> None:
        for reply in replies:
            got = inbox.recv(timeout_s=10)
            assert got is not None
            envelope, msg = got
            answer = Snapshot("s", 0, msg.request_id, 0) if reply is None else Error("s", 0, msg.request_id, reply)
            transport.send(router, answer, envelope=envelope)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    told: list[str] = []
    try:
        snap = service.admit(cfg, "s", 10, wait_s=30, on_wait=told.append, poll_s=0.05)
        assert isinstance(snap, Snapshot) and len(told) == 1 and "max-streams 2" in told[0]
        with pytest.raises(InputError, match="plain name"):
            service.admit(cfg, "s", 10, wait_s=30, poll_s=0.05)
    finally:
        thread.join(5)
        router.close(linger=0)


def test_a_new_streams_admission_does_not_wait_for_the_live_streams_backlog(app_config, tmp_path):
    """A restarted sender's resume stores what it sent before first (drain); a new stream has sent nothing,
    so its admission is answered without running the live streams' queued transcript and summaries."""
    from stages.summarize.stage import SummarizeServer

    cfg = app_config(stream="service", summarize=dataclasses.replace(SMALL, session_dir=str(tmp_path), max_streams=3,
                                                                      ingest_batch=2, summary_every_s=0.0))  # fmt: skip
    server = SummarizeServer(cfg, StopFlag())
    try:
        a = server.admit("live")
        assert a is not None
        for seq in range(6):
            a.pending.append(Segment("live", seq, f"Line {seq} of the live stream.", seq * 2.0, seq * 2.0 + 1.5))
        reply = server._route_request(SnapshotRequest("new", 0, "r1", resume=True))
        assert reply.type == "snapshot" and "new" in server.streams
        assert len(a.pending) == 6, "the new stream's admission ran the live stream's backlog"
        # The live stream's own sender, restarted, asks too: its backlog is stored before the reply.
        server.finish(a)
        reply = server._route_request(SnapshotRequest("live", 0, "r2", resume=True))
        assert reply.type in ("snapshot", "error")
    finally:
        server.close()
