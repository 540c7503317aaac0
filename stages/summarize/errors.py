"""Errors of the summarize stage's language-model engine.

Library code raises these; only the CLI edge turns them into user-facing messages (docs/ARCHITECTURE.md,
"Style"). Every message is one line that says what is wrong and what to do about it.
"""

from __future__ import annotations

from pipeline.errors import ModelError


class LMEngineError(ModelError):
    """Base class: anything the language-model engine refuses or cannot find."""


class ModelSourceError(LMEngineError):
    """A model's files are missing, incomplete or corrupt (package not installed, hash mismatch...)."""


class UnsupportedModelError(LMEngineError):
    """The model cannot run under the sink cache (no RoPE, or a RoPE whose angle is not linear in position)."""


class CacheOverflowError(LMEngineError):
    """Tokens were pushed into a sink cache past its bound; the caller skipped `evict_for_space`."""
