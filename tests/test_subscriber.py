"""`sinkscribe subscribe --from summary` (pipeline/subscriber.py) against a scripted summarize stage: real
ZeroMQ sockets, the wire protocol, no model."""

from __future__ import annotations

import io
import json
import threading

import zmq

from pipeline import transport, wire
from pipeline.messages import NoteItem, Relabel, Segment, Snapshot, SnapshotRequest, Status, Summary
from pipeline.subscriber import watch
from tests.conftest import loopback_endpoints

ITEM = NoteItem("action", "Send the plan", "David", "Friday", (4,), (27.2,))


def fake_summarize(ep, ready: threading.Event, done: threading.Event) -> None:
    """Answer one snapshot (publisher seq 40), publish an update, then "restart": a new instance whose
    publisher sequence starts at 1 again, and its first summary."""
    ctx = zmq.Context.instance()
    pub = transport.open_socket(ctx, "pub", ep.summary, bind=True)
    router = transport.open_socket(ctx, "router", ep.requests, bind=True)
    ready.set()
    try:
        assert router.poll(10_000)
        identity, frame = router.recv_multipart()
        request = wire.decode([frame])
        assert isinstance(request, SnapshotRequest)
        snap = Snapshot("s", 40, request.request_id, 40, "old notes", 3, 9.0, items=(ITEM,))
        router.send_multipart([identity, *wire.encode(snap)])
        script = [Status("s", 41, "summarize", 0.0, {"instance": "aaaa"}),
                  Summary("s", 42, "update", 5, 12.0),
                  Status("s", 1, "summarize", 0.0, {"instance": "bbbb"}),  # the restarted process
                  Summary("s", 2, "after restart", 6, 14.0)]  # fmt: skip
        for msg in script:
            transport.send(pub, msg)
        done.wait(10)
    finally:
        pub.close(linger=0)
        router.close(linger=0)


def test_a_summarize_restart_resets_the_snapshot_filter_and_items_come_with_the_snapshot():
    ep = loopback_endpoints()
    ready, done = threading.Event(), threading.Event()
    stage = threading.Thread(target=fake_summarize, args=(ep, ready, done), daemon=True)
    stage.start()
    ready.wait(5)
    out = io.StringIO()
    try:
        shown = watch(ep.summary, ("summary",), True, 3, 5.0, out, snapshot_endpoint=ep.requests)
    finally:
        done.set()
        stage.join(10)
    got = [json.loads(line) for line in out.getvalue().splitlines()]
    assert shown == 3, got
    assert [m["text"] for m in got] == ["old notes", "update", "after restart"]  # statuses are not shown
    assert got[0]["items"] == [{"kind": "action", "text": "Send the plan", "owner": "David", "due": "Friday",
                                "seqs": [4], "starts": [27.2]}]  # fmt: skip


def test_captions_show_the_speaker_and_the_corrections_they_carry():
    """`sinkscribe subscribe` (captions, as text): a labelled segment shows its speaker, and the speaker
    corrections a later one carries show the corrected line again."""
    ep = loopback_endpoints()
    ctx = zmq.Context.instance()
    pub = transport.open_socket(ctx, "pub", ep.captions, bind=True)
    script = [Segment("s", 0, "Can you own the fix?", 60.0, 61.5, speaker="S1"),
              Segment("s", 1, "Sure,", 62.3, 62.8, speaker="S1"),
              Segment("s", 2, "I will take it.", 62.9, 64.0, speaker="S2", relabels=(Relabel(1, "S2"),))]  # fmt: skip
    stop = threading.Event()

    def publish() -> None:
        while not stop.is_set():  # until the subscription has reached the publisher and it read them all
            for msg in script:
                transport.send(pub, msg)
            stop.wait(0.2)

    sender = threading.Thread(target=publish, daemon=True)
    sender.start()
    out = io.StringIO()
    try:
        watch(ep.captions, ("segment",), False, 30, 5.0, out)
    finally:
        stop.set()
        sender.join(5)
        pub.close(linger=0)
    lines = out.getvalue().splitlines()
    start = lines.index("[01:00.0] S1: Can you own the fix?")
    assert lines[start : start + 4] == ["[01:00.0] S1: Can you own the fix?", "[01:02.3] S1: Sure,",
                                        "[01:02.3] S2 (was S1): Sure,", "[01:02.9] S2: I will take it."]  # fmt: skip
