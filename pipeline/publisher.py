"""A stage's publishing socket: a plain PUB, or, under an access list, an XPUB that delivers each stream
only to subscribers whose key may read it.

ZeroMQ filters by topic prefix on the publishing side; an XPUB in manual mode (ZMQ_XPUB_MANUAL) hands
every subscription to the application instead of applying it, and `setsockopt(SUBSCRIBE, prefix)` after
reading one applies `prefix` to the connection that sent it. Each subscription frame carries the
connection's ZAP User-Id (its key's name, pipeline/security.py), so the grant is per key:

- a key that may read every stream (`*`, or the service's own) gets the prefix it asked for;
- a narrower prefix inside a readable stream (`{"type":"summary","v":1,"stream":"alpha",`) is granted;
- a broader one (the empty prefix, `{"type":"summary",`) is granted as the readable part of it: one
  prefix per message type and readable stream pattern (`...,"stream":"alpha",`, `...,"stream":"room-`);
- anything else is granted nothing: the subscriber never receives a byte of that stream.

The publisher also notes the streams granted by name (`wanted`): a stage may then publish, on such a
stream's own topic, what a subscriber would otherwise only find in a service-wide message (transcribe:
the position a client's capture starts from, before that stream has sent anything).

Unsubscriptions are not applied: a grant lasts until the connection closes (the subscriber's own
socket still filters what it no longer wants). Service-wide messages (the service's heartbeats, whose
stream is the service's name) reach only keys that may read that name.
"""

from __future__ import annotations

import json
import logging
import re
from collections import OrderedDict

import zmq

from pipeline import transport, wire
from pipeline.access import AccessList
from pipeline.messages import MESSAGE_TYPES, Message
from pipeline.security import Security

log = logging.getLogger(__name__)
_NAMED = re.compile(rb'^\{"type":"[a-z_]+","v":\d+,"stream":("(?:[^"\\]|\\.)*"),$')
WANTED_BOUND = 256  # streams remembered as wanted (the oldest are forgotten)


def stream_prefix(type_name: str, pattern: str) -> bytes:
    """The topic prefix of message type `type_name` on streams matching `pattern` (not `*`)."""
    if not pattern.endswith("*"):
        return wire.topic_prefix(type_name, pattern)
    head = wire.topic_prefix(type_name) + b'"v":' + str(wire.VERSION).encode() + b',"stream":'
    return head + json.dumps(pattern[:-1]).encode()[:-1]  # without the closing quote: a name prefix


def granted(access: AccessList, user: str | None, asked: bytes) -> list[bytes]:
    """The prefixes to apply for a subscription to `asked` by `user` (see the module docstring)."""
    patterns = access.read_patterns(user)
    if "*" in patterns:
        return [asked]
    grants: list[bytes] = []
    for pattern in patterns:
        for type_name in MESSAGE_TYPES:
            allowed = stream_prefix(type_name, pattern)
            if allowed.startswith(asked):
                grants.append(allowed)  # asked for more: the readable part of it
            elif asked.startswith(allowed):
                grants.append(asked)  # asked for part of a readable stream
    return list(dict.fromkeys(grants))


class Publisher:
    """Sends messages on a stage's PUB endpoint; with `access`, grants subscriptions per key."""

    def __init__(self, ctx: zmq.Context, endpoint: str, *, hwm: int, security: Security | None,
                 access: AccessList | None) -> None:  # fmt: skip
        self.access = access
        self.endpoint = endpoint
        self.sock = transport.open_socket(ctx, "xpub" if access is not None else "pub", endpoint, bind=True, hwm=hwm,
                                          security=security)  # fmt: skip
        self.refused = 0  # subscriptions that were granted nothing
        self.wanted: OrderedDict[str, None] = OrderedDict()  # streams granted by name, oldest first

    def send(self, msg: Message) -> None:
        self.grant_pending()  # a subscriber that came during a long generation is served from here on
        transport.send(self.sock, msg)

    def grant_pending(self) -> None:
        """Apply what the subscribers asked for, as far as their keys allow (XPUB only)."""
        if self.access is None:
            return
        while self.sock.poll(0, zmq.POLLIN):
            frame = self.sock.recv(copy=False)
            data = frame.bytes
            if not data or data[0] != 1:
                continue  # an unsubscription (not applied, see above) or something else
            try:
                user = frame.get("User-Id")
            except zmq.ZMQError:  # no ZAP metadata: not an authenticated connection
                user = None
            prefixes = granted(self.access, user, data[1:])
            if not prefixes:
                self.refused += 1
                log.info("%s: key %s may read no stream its subscription %r selects", self.endpoint, user or "?",
                         data[1:80])  # fmt: skip
            for prefix in prefixes:
                self.sock.setsockopt(zmq.SUBSCRIBE, prefix)
                self._note_wanted(prefix)

    def _note_wanted(self, prefix: bytes) -> None:
        m = _NAMED.match(prefix)
        if m is None:
            return
        name = json.loads(m.group(1))
        self.wanted[name] = None
        self.wanted.move_to_end(name)
        while len(self.wanted) > WANTED_BOUND:
            self.wanted.popitem(last=False)

    def close(self, linger: int = 0) -> None:
        self.sock.close(linger=linger)
