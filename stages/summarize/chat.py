"""Chat-template framing for a session: which raw text is the pinned prefix, and which is a suffix.

A session's cache reads, in order: prefix (system turn, then the opening of a user turn that carries the
transcript), the transcript itself (appended as it arrives), then a temporary suffix per request (closing
that turn, a new user turn with the instruction, the assistant header). The pieces are cut out of the
tokenizer's own chat template rendered around sentinel strings, so any model's template works unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import LMEngineError

_STREAM = "\x00SINKSCRIBE-STREAM\x00"
_REQUEST = "\x00SINKSCRIBE-REQUEST\x00"


@dataclass(frozen=True)
class ChatFrame:
    prefix: str  # system turn + opening of the transcript turn (+ stream_header); pinned in the cache
    between: str  # after the transcript, before the instruction
    after: str  # after the instruction: end of turn + assistant header

    def suffix(self, instruction: str) -> str:
        """The temporary suffix that asks for `instruction` about the transcript so far."""
        return f"{self.between}{instruction}{self.after}"


def chat_frame(tokenizer: Any, system: str, stream_header: str = "Transcript:\n") -> ChatFrame:
    """Frame a session with the tokenizer's chat template.

    The instruction goes in its own user turn after the transcript turn; templates that insist on
    alternating roles get it in the same user turn instead, after a blank line.
    """
    if not getattr(tokenizer, "chat_template", None):
        raise LMEngineError(
            "the tokenizer has no chat template; build the prefix and suffix strings yourself"
        )
    two_turns = [
        {"role": "system", "content": system},
        {"role": "user", "content": stream_header + _STREAM},
        {"role": "user", "content": _REQUEST},
    ]
    one_turn = [
        {"role": "system", "content": system},
        {"role": "user", "content": f"{stream_header}{_STREAM}\n\n{_REQUEST}"},
    ]
    errors = []
    for messages in (two_turns, one_turn):
        try:
            text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        except Exception as error:  # jinja's TemplateError, raised by templates that refuse two user turns
            errors.append(error)
            continue
        if (
            text.count(_STREAM) == 1
            and text.count(_REQUEST) == 1
            and text.index(_STREAM) < text.index(_REQUEST)
        ):
            prefix, rest = text.split(_STREAM)
            between, after = rest.split(_REQUEST)
            return ChatFrame(prefix=prefix, between=between, after=after)
    cause = errors[-1] if errors else None
    raise LMEngineError(
        f"could not frame a session with this chat template ({cause or 'sentinels lost'})"
    ) from cause
