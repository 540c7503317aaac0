#!/usr/bin/env python3
"""A sinkscribe client in plain Python: pyzmq and the standard library, nothing of sinkscribe itself.

It follows docs/PROTOCOL.md step by step, so it doubles as a worked example of it:

1. subscribe to the summary socket (summary, answer, status, eos), then ask for a snapshot on the
   request socket: the current notes at once, even when joining late (the "Clone" pattern);
2. print every newer Summary (published messages the snapshot already covers are dropped by `seq`);
3. at the end of the stream (or after --follow seconds) ask one question and print the answer with the
   transcript lines it cites.

    python examples/python_client.py --question "Who owns the database migration?"
    python examples/python_client.py --summary tcp://10.0.0.5:5553 --requests tcp://10.0.0.5:5554 \
        --curve-keys ~/.config/sinkscribe/keys --question "What was decided?"

Exit code 0 when the question (if any) was answered, 1 on a timeout or an Error reply.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

import zmq
import zmq.auth  # part of pyzmq: reads ZeroMQ certificate files

VERSION = 1  # the protocol version this client speaks (the header's "v")
TOPICS = ("summary", "answer", "status", "eos")
# Messages the summarize stage numbers with its own publisher sequence: the ones a snapshot covers.
PUBLISHER_SEQ = {"summary", "answer", "status", "eos"}
SETTLE_S = 0.3  # a subscription takes a moment to reach the publisher; ask for the snapshot after it


def topic(type_name: str) -> bytes:
    """The prefix that selects one message type: every header starts with {"type":"NAME","""
    return b'{"type":"' + type_name.encode() + b'",'


def clock(seconds: float) -> str:
    minutes, secs = divmod(round(max(0.0, seconds), 1), 60)
    return f"{int(minutes):02d}:{secs:04.1f}"


def secure(sock: zmq.Socket, keys: str | None) -> None:
    """CURVE (optional): our key pair and the server's public key, from `sinkscribe keys generate DIR`."""
    if not keys:
        return
    folder = Path(keys).expanduser()
    public, secret = zmq.auth.load_certificate(str(folder / "client.key_secret"))
    server_public, _ = zmq.auth.load_certificate(str(folder / "server.key"))
    sock.curve_publickey, sock.curve_secretkey, sock.curve_serverkey = public, secret, server_public


def request(ctx: zmq.Context, endpoint: str, body: dict, timeout_s: float, keys: str | None) -> dict | None:
    """One request on a fresh DEALER (one frame: the JSON header, no empty delimiter frame, so not a
    REQ socket); the reply carrying our request_id, or None after `timeout_s`."""
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    secure(sock, keys)
    sock.connect(endpoint)
    try:
        sock.send(json.dumps(body, separators=(",", ":")).encode())
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            if not sock.poll(int(left * 1000)):
                break
            frames = sock.recv_multipart()
            reply = json.loads(frames[0])
            if reply.get("request_id") == body["request_id"]:  # anything else is not ours: skip it
                return reply
        return None
    finally:
        sock.close()


def show_notes(msg: dict, label: str) -> None:
    """Notes as data when the message carries items (a Summary), else the rendered text (a Snapshot)."""
    where = f"up to {clock(msg['upto'])} (segment {msg['upto_seq']})"
    print(f"== notes {where}{', final' if msg.get('final') else ''} ({label}) ==")
    items = msg.get("items") or []
    for item in items:
        who = f"{item['owner'] or '(owner unclear)'}: " if item["kind"] == "action" else ""
        due = f" (due {item['due']})" if item.get("due") else ""
        lines = ", ".join(f"{clock(t)} #{s}" for s, t in zip(item["seqs"], item["starts"], strict=False))
        print(f"- {item['kind']}: {who}{item['text']}{due} [{lines}]")
    if not items:
        print(msg.get("summary", msg.get("text", "")))
    sys.stdout.flush()


def follow(ctx: zmq.Context, args: argparse.Namespace) -> bool:
    """Snapshot, then Summary updates until the end of stream; False if the snapshot never came."""
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    for name in TOPICS:
        sub.setsockopt(zmq.SUBSCRIBE, topic(name))
    secure(sub, args.curve_keys)
    sub.connect(args.summary)
    try:
        time.sleep(SETTLE_S)  # subscribe first, then snapshot: nothing can fall between the two
        snap = request(ctx, args.requests, {"type": "snapshot_request", "v": VERSION, "stream": "py-client",
                                            "seq": 0, "request_id": uuid.uuid4().hex}, args.timeout, args.curve_keys)
        if snap is None or snap.get("type") != "snapshot":
            print(f"no snapshot from {args.requests} within {args.timeout:g} s", file=sys.stderr)
            return False
        state = f"ended ({snap['end_reason'] or 'eof'})" if snap["ended"] else "live"
        print(f"-- session {snap['session'] or '?'} ({snap['source'] or 'unknown source'}), {state}")
        if snap["summary"]:
            show_notes(snap, "snapshot")
        if snap["ended"]:
            return True  # nothing more will be published for this stream
        covered, instance = snap["pub_seq"], None
        deadline = time.monotonic() + args.follow
        while (left := deadline - time.monotonic()) > 0:
            if not sub.poll(int(min(left, 1.0) * 1000)):
                continue
            header = sub.recv_multipart()[0]
            msg = json.loads(header)
            if msg.get("v") != VERSION:
                continue  # another protocol version: not ours to read
            if msg["type"] == "status" and msg.get("stage") == "summarize":
                seen = msg["counters"].get("instance")
                if instance is not None and seen != instance:
                    covered = -1  # summarize restarted: its publisher seq starts again at 1
                instance = seen
            if msg["type"] in PUBLISHER_SEQ and msg["seq"] <= covered:
                continue  # the snapshot already holds it
            if msg["type"] == "summary":
                show_notes(msg, "update")
            elif msg["type"] == "eos":
                print(f"-- end of stream ({msg['reason']}), {msg['audio_seconds']:.1f} s of audio")
                return True
        print(f"-- no end of stream within {args.follow:g} s; asking anyway")
        return True
    finally:
        sub.close()


def ask(ctx: zmq.Context, args: argparse.Namespace) -> bool:
    body = {"type": "question", "v": VERSION, "stream": "py-client", "seq": 0,
            "request_id": uuid.uuid4().hex, "text": args.question}
    print(f"Q: {args.question}")
    sys.stdout.flush()
    reply = request(ctx, args.requests, body, args.answer_timeout, args.curve_keys)
    if reply is None:
        print(f"no answer within {args.answer_timeout:g} s", file=sys.stderr)
        return False
    if reply["type"] == "error":
        print(f"refused: {reply['message']}", file=sys.stderr)
        return False
    print(f"A: {reply['text']}")
    for c in reply["citations"]:
        print(f"   [{clock(c['start'])}] {c['text']} (segment {c['seq']})")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--summary", default="tcp://127.0.0.1:5553", help="the summarize stage's PUB socket")
    parser.add_argument("--requests", default="tcp://127.0.0.1:5554", help="the summarize stage's ROUTER socket")
    parser.add_argument("--question", default="", help="asked once the stream has ended (none: only follow)")
    parser.add_argument("--follow", type=float, default=600.0, help="follow the notes at most this many seconds")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the snapshot")
    parser.add_argument("--answer-timeout", type=float, default=120.0, help="seconds to wait for the answer")
    parser.add_argument("--curve-keys", default=None, help="folder with client.key_secret and server.key")
    args = parser.parse_args()
    ctx = zmq.Context()
    try:
        if not follow(ctx, args):
            return 1
        return 0 if not args.question or ask(ctx, args) else 1
    finally:
        ctx.term()


if __name__ == "__main__":
    sys.exit(main())
