"""Every socket a stage binds takes thousands of malformed messages (hypothesis + random frames), stays
up, counts what it dropped, and keeps serving valid traffic interleaved with the garbage."""

from __future__ import annotations

import random
import threading
import time
import uuid

import numpy as np
import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.reliability import garbage
from pipeline import client, transport, wire
from pipeline.messages import AudioChunk, EndOfStream, Partial, Segment, Status
from pipeline.runner import StopFlag
from tests.test_summarize_stage import SMALL, RunningStage

pytestmark = pytest.mark.slow
N_MESSAGES = 10_000


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frames=st.lists(st.binary(max_size=300), min_size=1, max_size=3))
def test_hypothesis_frames_never_escape_the_receiver(frames):
    ctx = zmq.Context.instance()
    endpoint = f"inproc://fuzz-{uuid.uuid4().hex}"  # a fresh one per example: no rebinding race
    pull = transport.open_socket(ctx, "pull", endpoint, bind=True)
    push = transport.open_socket(ctx, "push", endpoint, bind=False)
    try:
        push.send_multipart(frames)
        transport.send(push, Partial("s", 1, "ok", 0.0, 1.0))
        receiver = transport.Receiver(pull, "fuzz")
        got = receiver.recv(timeout_s=2.0)
        assert got is not None and isinstance(got[1], Partial)
    finally:
        push.close(linger=0)
        pull.close(linger=0)


def test_huge_frames_are_cut_by_maxmsgsize():
    ctx = zmq.Context.instance()
    port = __import__("tests.conftest", fromlist=["free_port"]).free_port()
    endpoint = f"tcp://127.0.0.1:{port}"
    pull = transport.open_socket(ctx, "pull", endpoint, bind=True)
    push = ctx.socket(zmq.PUSH)  # a hostile peer: no limits of ours
    push.connect(endpoint)
    try:
        push.send(b"x" * (wire.MAX_MESSAGE_BYTES + 1024))  # libzmq drops the connection, not us
        time.sleep(0.3)
        push.close(linger=0)
        push = ctx.socket(zmq.PUSH)
        push.connect(endpoint)
        push.send_multipart(wire.encode(Partial("s", 1, "after", 0.0, 1.0)))
        got = transport.Receiver(pull, "t").recv(timeout_s=3.0)
        assert got is not None and got[1].text == "after"
    finally:
        push.close(linger=0)
        pull.close(linger=0)


def test_summarize_stage_survives_10k_garbage_messages_on_every_socket(app_config, tmp_path):
    import dataclasses

    cfg = app_config(summarize=dataclasses.replace(SMALL, session_dir=str(tmp_path), session="f"), stream="f")
    rng = random.Random(0)
    with RunningStage(cfg) as stage:
        stage.wait_for(lambda m: isinstance(m, Status), timeout_s=120)
        ctx = zmq.Context.instance()
        dealer = ctx.socket(zmq.DEALER)
        dealer.connect(cfg.endpoints.requests)
        sub_attacker = ctx.socket(zmq.PUB)  # the PUB socket only sends; a peer's garbage is subscriptions
        sub_attacker.connect(cfg.endpoints.summary)
        try:
            seq = 0
            for i in range(N_MESSAGES):
                frames = garbage(rng)
                stage.push.send_multipart(frames)
                dealer.send_multipart(frames)
                if i % 1000 == 0:  # valid traffic interleaved
                    stage.send(Segment("f", seq, f"Valid segment number {seq}.", seq * 2.0, seq * 2.0 + 1.5))
                    seq += 1
            answer = client.ask(cfg.endpoints.requests, "What was said?", timeout_s=120)
            assert answer.request_id
            # Every garbage message on both sockets is counted (and the valid segments all stored).
            status = stage.wait_for(lambda m: isinstance(m, Status) and m.counters["malformed"] >= 2 * N_MESSAGES, 120)
            assert status.counters["segments"] == seq and status.counters["malformed"] == 2 * N_MESSAGES
        finally:
            dealer.close(linger=0)
            sub_attacker.close(linger=0)


def test_transcribe_stage_survives_garbage_on_its_audio_socket(app_config):
    from stages import transcribe

    cfg = app_config(exit_after_eos=True, transcribe__acks=False)  # the sink here is not summarize
    ctx = zmq.Context.instance()
    push = transport.open_socket(ctx, "push", cfg.endpoints.audio, bind=False)
    sink = transport.Receiver(transport.open_socket(ctx, "pull", cfg.endpoints.transcript, bind=True), "sink")
    captions = transport.Receiver(transport.open_socket(
        ctx, "sub", cfg.endpoints.captions, bind=False, subscribe=(wire.topic_prefix("status"),)), "cap")  # fmt: skip
    stop = StopFlag()
    errors: list = []
    def run() -> None:
        try:
            errors.append(transcribe.run(cfg, stop))
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    rng = random.Random(1)
    valid = 0
    try:
        for i in range(N_MESSAGES):
            assert push.poll(30_000, zmq.POLLOUT), f"transcribe stopped reading after {i} messages: {errors}"
            push.send_multipart(garbage(rng))
            if i % 2000 == 0:
                samples = np.zeros(1600, np.float32)
                assert transport.send_within(push, AudioChunk("t", valid, valid * 0.1, time.time(), samples), 30)
                valid += 1
        assert transport.send_within(push, EndOfStream("t", valid, "eof", valid * 0.1), 30)
        got = sink.recv(timeout_s=120)
        assert got is not None and isinstance(got[1], EndOfStream)
        thread.join(60)
        assert errors == [0]
    finally:
        stop.set()
        for sock in (push, sink.sock, captions.sock):
            sock.close(linger=0)
