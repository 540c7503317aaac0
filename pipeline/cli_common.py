"""What every `sinkscribe` command module shares: one-line user errors (exit code 2) and config loading."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pipeline import config as config_io
from pipeline.errors import SinkscribeError

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "configs"


class UserError(click.ClickException):
    exit_code = 2


def user_errors(fn: Callable) -> Callable:
    """Convert SinkscribeError into a one-line click error with exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SinkscribeError as exc:
            raise UserError(str(exc)) from None

    return wrapper


def load_app_config(config: str | None, overrides: dict[str, Any] | None = None):  # noqa: ANN201
    """`--config` is a TOML path or the name of a preset in configs/ (default, replay, ...)."""
    from stages.settings import AppConfig

    path: Path | None = None
    if config:
        path = Path(config)
        if not path.exists() and (CONFIG_DIR / f"{config}.toml").exists():
            path = CONFIG_DIR / f"{config}.toml"
    return config_io.load(AppConfig, path, overrides)
