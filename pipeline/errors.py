"""Errors a person can act on. The CLI turns these (and only these) into one-line messages, exit code 2."""

from __future__ import annotations


class SinkscribeError(Exception):
    """Base class: the message is one line that names the problem and, where possible, the fix."""

    exit_code = 2


class ConfigError(SinkscribeError):
    """A config file, preset or option that cannot be used."""


class InputError(SinkscribeError):
    """An input file or stream that cannot be used (missing, empty, not audio, truncated...)."""


class DeviceError(SinkscribeError):
    """An audio device that cannot be opened or does not exist."""


class TransportError(SinkscribeError):
    """A socket that cannot be bound or connected (port in use, bad endpoint)."""


class ModelError(SinkscribeError):
    """A model that cannot be found, verified or loaded."""


class StageFailed(SinkscribeError):
    """A supervised stage process exited abnormally."""
