"""The one encode/decode pair for every message on every socket.

A message is a ZeroMQ multipart: frame 0 is a compact JSON header whose first key is always `type`
(`{"type":"summary","v":1,"stream":...,"seq":...,<fields>}`), frame 1 an optional raw payload (little-endian
float32 PCM for `audio`). Because the header always starts with `{"type":"NAME"`, a SUB socket can filter
by message type with a plain prefix subscription: `topic_prefix("summary")`.

No pickle, ever. `decode` trusts nothing: every field is type-checked against the dataclass, sizes are
bounded, and any problem raises `WireError` (the receiver counts and logs it, see `pipeline.transport`).
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from typing import Any, Union

import numpy as np

from pipeline.messages import MESSAGE_TYPES, AudioChunk, Citation, Message, NoteItem, Relabel, Word

VERSION = 1
MAX_HEADER_BYTES = 256 * 1024
MAX_PAYLOAD_BYTES = 16 * 1024 * 1024  # 16 MiB of float32 = 262 s of 16 kHz audio per chunk
MAX_MESSAGE_BYTES = MAX_HEADER_BYTES + MAX_PAYLOAD_BYTES  # used for ZMQ_MAXMSGSIZE
MAX_STREAM_ID = 128
_NESTED = {"Word": Word, "Citation": Citation, "NoteItem": NoteItem, "Relabel": Relabel}
_RESERVED = ("type", "v")


class WireError(ValueError):
    """A frame sequence that is not a valid message."""


def topic_prefix(type_name: str, stream: str | None = None) -> bytes:
    """The SUB subscription prefix that selects one message type (see module docstring), and with
    `stream` only that stream's: the header's second and third keys are always `v` and `stream`, so
    `{"type":"summary","v":1,"stream":"room-a",` is a plain prefix too (the closing quote and comma
    keep "room-a" from matching "room-ab")."""
    if type_name not in MESSAGE_TYPES:
        raise ValueError(f"unknown message type {type_name!r}; known: {', '.join(sorted(MESSAGE_TYPES))}")
    prefix = b'{"type":' + json.dumps(type_name).encode() + b","
    if stream is None:
        return prefix
    if not stream or len(stream) > MAX_STREAM_ID:
        raise ValueError(f"stream id must be 1..{MAX_STREAM_ID} characters")
    return prefix + b'"v":' + str(VERSION).encode() + b',"stream":' + json.dumps(stream).encode() + b","


# ---------------------------------------------------------------------------------------------- encode
def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    return value


def encode(msg: Message) -> list[bytes]:
    """Message -> multipart frames."""
    header: dict[str, Any] = {"type": msg.type, "v": VERSION}
    payload: bytes | None = None
    for f in dataclasses.fields(msg):
        value = getattr(msg, f.name)
        if isinstance(msg, AudioChunk) and f.name == "samples":
            payload = np.ascontiguousarray(value, dtype="<f4").tobytes()
            continue
        if f.metadata.get("omit_default") and value == f.default:
            continue  # a field added within v1 that this message does not use: old receivers take it
        header[f.name] = _to_json(value)
    # allow_nan=False: NaN/inf are not JSON and would be refused by the receiver anyway.
    frames = [json.dumps(header, separators=(",", ":"), allow_nan=False).encode()]
    if payload is not None:
        frames.append(payload)
    return frames


# ---------------------------------------------------------------------------------------------- decode
def _check(value: Any, hint: Any, where: str) -> Any:
    """Validate a JSON value against a type hint and convert it (lists -> tuples, dicts -> dataclasses)."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            return _check(value, option, where)
    if hint is Any:
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise WireError(f"{where}: expected bool")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise WireError(f"{where}: expected int")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise WireError(f"{where}: expected a finite number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise WireError(f"{where}: expected str")
        return value
    if origin is tuple:
        (item_hint, _ellipsis) = typing.get_args(hint)
        if not isinstance(value, list):
            raise WireError(f"{where}: expected a list")
        return tuple(_check(v, item_hint, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise WireError(f"{where}: expected an object")
        return dict(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise WireError(f"{where}: expected an object")
        return _build(hint, value, where)
    raise WireError(f"{where}: unsupported field type {hint!r}")  # a bug in messages.py, not in input


def _build(cls: type, data: dict[str, Any], where: str, skip: tuple[str, ...] = ()) -> Any:
    hints = typing.get_type_hints(cls, localns=_NESTED)
    kwargs: dict[str, Any] = {}
    names = {f.name for f in dataclasses.fields(cls)}
    extra = set(data) - names - set(_RESERVED)
    if extra:
        raise WireError(f"{where}: unknown field(s) {', '.join(sorted(extra))}")
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise WireError(f"{where}: missing field {f.name!r}")
            continue
        kwargs[f.name] = _check(data[f.name], hints[f.name], f"{where}.{f.name}")
    return kwargs if skip else cls(**kwargs)


def decode(frames: list[bytes]) -> Message:
    """Multipart frames -> Message, or WireError saying what is wrong."""
    if not frames or len(frames) > 2:
        raise WireError(f"expected 1 or 2 frames, got {len(frames)}")
    raw = bytes(frames[0])
    if len(raw) > MAX_HEADER_BYTES:
        raise WireError(f"header of {len(raw)} bytes exceeds {MAX_HEADER_BYTES}")
    try:
        header = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise WireError(f"header is not UTF-8 JSON: {exc}") from None
    if not isinstance(header, dict):
        raise WireError("header is not a JSON object")
    kind = header.get("type")
    if kind not in MESSAGE_TYPES:
        raise WireError(f"unknown message type {kind!r}")
    if header.get("v") != VERSION:
        raise WireError(f"unsupported version {header.get('v')!r} (this build speaks v{VERSION})")
    cls = MESSAGE_TYPES[kind]
    stream = header.get("stream")
    if not isinstance(stream, str) or not stream or len(stream) > MAX_STREAM_ID:
        raise WireError(f"stream id must be a non-empty string of at most {MAX_STREAM_ID} characters")
    seq = header.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise WireError("seq must be a non-negative integer")

    if cls is AudioChunk:
        if len(frames) != 2:
            raise WireError("audio message without its payload frame")
        payload = bytes(frames[1])
        if len(payload) > MAX_PAYLOAD_BYTES or len(payload) % 4:
            raise WireError(f"audio payload of {len(payload)} bytes is not a bounded float32 array")
        samples = np.frombuffer(payload, dtype="<f4").astype(np.float32)
        if not np.isfinite(samples).all():
            raise WireError("audio payload holds NaN or infinite samples")
        kwargs = _build(cls, header, kind, skip=("samples",))
        return AudioChunk(samples=samples, **kwargs)
    if len(frames) != 1:
        raise WireError(f"{kind} message must have exactly one frame")
    return _build(cls, header, kind)


def _refuse_constant(name: str) -> Any:
    raise WireError(f"header holds the non-JSON constant {name}")
