"""The wire format: every message round-trips; garbage never crashes a receiver."""

from __future__ import annotations

import time

import numpy as np
import pytest
import zmq
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import transport, wire
from pipeline.messages import (
    MESSAGE_TYPES,
    Answer,
    AudioChunk,
    Citation,
    EndOfStream,
    Error,
    NoteItem,
    Partial,
    Question,
    Relabel,
    Segment,
    Snapshot,
    SnapshotRequest,
    Status,
    Summary,
    Word,
)  # fmt: skip

EXAMPLES = [
    Partial("s", 1, "we should", 1.0, 1.5),
    Segment("s", 2, "Hello there.", 0.5, 1.2, (Word("Hello", 0.5, 0.8, 0.9), Word("there.", 0.8, 1.2, 0.8)),
            speaker="Ann", wall=1.7e9, clock=3.5),  # fmt: skip
    Segment("s", 3, "no words", 0.0, 1.0),
    Segment("s", 4, "Sure, I will.", 3.0, 4.0, speaker="S2", relabels=(Relabel(2, "S2"), Relabel(3, "S2"))),
    EndOfStream("s", 4, "interrupted", 12.5),
    Status("s", 5, "transcribe", 1.7e9, {"audio_seconds": 3.0, "nested": {"a": [1, 2]}}),
    Summary("s", 6, "Overview: ...", 2, 1.2, final=True, wall=1.0),
    Question("s", 7, "r-1", "Who owns the migration?"),
    Answer("s", 8, "r-1", "Who?", "Maria [00:09].", (Citation(2, 9.0, 10.0, "Maria owns it"),), wall=2.0),
    Error("s", 9, "r-2", "question is empty"),
    SnapshotRequest("s", 10, "r-3"),
    Snapshot("s", 11, "r-3", 42, "summary", 3, 9.5),
    Snapshot("s", 12, "r-4", 43, "final notes", 3, 9.5, 3, 9.8, ended=True, final=True, session="2026-12-01_1405_a",
             source="a.wav", end_reason="eof", audio_seconds=10.0,
             items=(NoteItem("action", "Send the plan", "David", "Friday", (4,), (27.2,)),)),  # fmt: skip
]


def test_examples_cover_every_message_type():
    covered = {m.type for m in EXAMPLES} | {"audio"}
    assert covered == set(MESSAGE_TYPES)


@pytest.mark.parametrize("msg", EXAMPLES, ids=lambda m: m.type)
def test_round_trip(msg):
    frames = wire.encode(msg)
    assert len(frames) == 1
    assert frames[0].startswith(wire.topic_prefix(msg.type))
    assert frames[0].startswith(wire.topic_prefix(msg.type, msg.stream))  # one stream's topic
    assert wire.decode(frames) == msg


def test_a_segment_without_relabels_leaves_the_field_off_the_wire():
    """An older receiver refuses unknown fields: `relabels` is sent only when a segment carries some."""
    assert b"relabels" not in wire.encode(Segment("s", 3, "no words", 0.0, 1.0, speaker="S1"))[0]
    frames = wire.encode(Segment("s", 4, "x", 0.0, 1.0, speaker="S2", relabels=(Relabel(3, "S2"),)))
    assert b'"relabels":[{"seq":3,"speaker":"S2"}]' in frames[0]


def test_a_stream_topic_does_not_match_a_longer_stream_id():
    from pipeline.messages import EndOfStream

    frames = wire.encode(EndOfStream("room-ab", 3))
    assert frames[0].startswith(wire.topic_prefix("eos"))
    assert frames[0].startswith(wire.topic_prefix("eos", "room-ab"))
    assert not frames[0].startswith(wire.topic_prefix("eos", "room-a"))
    assert wire.topic_prefix("eos", "café") == b'{"type":"eos","v":1,"stream":"caf\\u00e9",'


def test_a_snapshot_from_before_final_and_session_still_decodes():
    """Fields added later have defaults: a peer that does not send them is still understood."""
    old = b'{"type":"snapshot","v":1,"stream":"s","seq":1,"request_id":"r","pub_seq":1,"summary":"x","ended":true}'
    snap = wire.decode([old])
    assert isinstance(snap, Snapshot) and snap.ended and not snap.final and snap.session == ""
    assert snap.items == ()  # a stage from before the snapshot carried items


def test_audio_round_trip_keeps_samples_bit_exact():
    samples = np.random.default_rng(0).uniform(-1, 1, 1600).astype(np.float32)
    msg = AudioChunk("s", 3, 0.3, 1.7e9, samples)
    frames = wire.encode(msg)
    assert len(frames) == 2 and len(frames[1]) == 1600 * 4
    back = wire.decode(frames)
    assert isinstance(back, AudioChunk) and back.seq == 3 and back.start == 0.3
    assert np.array_equal(back.samples, samples)


BAD = [
    ([], "expected 1 or 2 frames"),
    ([b"not json"], "not UTF-8 JSON"),
    ([b"\xff\xfe"], "not UTF-8 JSON"),
    ([b"[1, 2]"], "not a JSON object"),
    ([b'{"type":"nope","v":1,"stream":"s","seq":0}'], "unknown message type"),
    ([b'{"type":"partial","v":2,"stream":"s","seq":0,"text":"","start":0,"end":0}'], "unsupported version"),
    ([b'{"type":"partial","v":1,"stream":"","seq":0,"text":"","start":0,"end":0}'], "stream id"),
    ([b'{"type":"partial","v":1,"stream":"s","seq":-1,"text":"","start":0,"end":0}'], "seq"),
    ([b'{"type":"partial","v":1,"stream":"s","seq":0,"text":5,"start":0,"end":0}'], "expected str"),
    ([b'{"type":"partial","v":1,"stream":"s","seq":0,"text":"","start":NaN,"end":0}'], "NaN"),
    ([b'{"type":"partial","v":1,"stream":"s","seq":0,"text":""}'], "missing field"),
    ([b'{"type":"partial","v":1,"stream":"s","seq":0,"text":"","start":0,"end":0,"x":1}'], "unknown field"),
    ([b'{"type":"segment","v":1,"stream":"s","seq":0,"text":"","start":0,"end":1,"words":[{"text":1}]}'],
     "expected str"),
    ([b'{"type":"audio","v":1,"stream":"s","seq":0,"start":0,"wall":0}'], "without its payload"),
    ([b'{"type":"audio","v":1,"stream":"s","seq":0,"start":0,"wall":0}', b"abc"], "float32"),
    ([b'{"type":"audio","v":1,"stream":"s","seq":0,"start":0,"wall":0}', np.float32([np.nan]).tobytes()], "NaN"),
    ([b'{"type":"eos","v":1,"stream":"s","seq":0}', b"extra"], "exactly one frame"),
    ([b"{" * 100_000], "JSON"),
    ([b" " * (wire.MAX_HEADER_BYTES + 1)], "exceeds"),
]  # fmt: skip


@pytest.mark.parametrize(("frames", "reason"), BAD)
def test_decode_refuses_with_a_reason(frames, reason):
    with pytest.raises(wire.WireError, match=reason):
        wire.decode(frames)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=200), min_size=0, max_size=3))
def test_random_frames_never_raise_anything_but_wire_error(frames):
    try:
        wire.decode(frames)
    except wire.WireError:
        pass


header_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(MESSAGE_TYPES)),
    st.dictionaries(st.sampled_from(["stream", "seq", "text", "start", "end", "words", "request_id", "counters",
                                     "upto_seq", "reason", "stage", "wall", "citations", "x"]), header_values),
)  # fmt: skip
def test_plausible_headers_with_wrong_fields_never_crash(kind, fields):
    import json

    header = json.dumps({"type": kind, "v": 1, **fields}).encode()
    try:
        wire.decode([header])
    except wire.WireError:
        pass


def test_receiver_counts_garbage_and_keeps_serving_over_a_real_socket():
    ctx = zmq.Context.instance()
    endpoint = "inproc://garbage-test"
    pull = transport.open_socket(ctx, "pull", endpoint, bind=True)
    push = transport.open_socket(ctx, "push", endpoint, bind=False)
    receiver = transport.Receiver(pull, "test")
    try:
        good = Partial("s", 1, "hello", 0.0, 1.0)
        push.send_multipart([b"garbage"])
        push.send_multipart([b'{"type":"partial"}', b"x", b"y"])
        transport.send(push, good)
        got = receiver.recv(timeout_s=2.0)
        assert got is not None and got[1] == good
        assert receiver.counters.malformed == 2 and receiver.counters.received == 1
        assert receiver.recv(timeout_s=0.05) is None
    finally:
        push.close(linger=0)
        pull.close(linger=0)


def test_topic_prefix_filters_message_types_on_pub_sub():
    ctx = zmq.Context.instance()
    endpoint = "inproc://topic-test"
    pub = transport.open_socket(ctx, "pub", endpoint, bind=True)
    sub = transport.open_socket(ctx, "sub", endpoint, bind=False, subscribe=(wire.topic_prefix("segment"),))
    receiver = transport.Receiver(sub, "sub")
    try:
        time.sleep(0.2)  # PUB/SUB: let the subscription reach the publisher
        transport.send(pub, Partial("s", 1, "partial", 0.0, 1.0))
        transport.send(pub, Segment("s", 1, "final", 0.0, 1.0))
        got = receiver.recv(timeout_s=2.0)
        assert got is not None and isinstance(got[1], Segment)
        assert receiver.recv(timeout_s=0.1) is None
    finally:
        pub.close(linger=0)
        sub.close(linger=0)


def test_unknown_topic_is_refused():
    with pytest.raises(ValueError, match="unknown message type"):
        wire.topic_prefix("summaries")


def test_encode_refuses_non_finite_numbers():
    with pytest.raises(ValueError):
        wire.encode(Partial("s", 1, "x", float("nan"), 1.0))
