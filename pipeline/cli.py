"""The `sinkscribe` command line: the only place errors become messages for people.

Every SinkscribeError (bad file, no device, port in use, bad config...) leaves as one line on stderr and
exit code 2; nothing a user can cause prints a traceback.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pipeline import config as config_io
from pipeline.errors import SinkscribeError

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "configs"
log = logging.getLogger("sinkscribe")


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


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="warning",
    show_default=True,
    help="Log detail on stderr.",
)
@click.version_option(package_name="sinkscribe")
def main(log_level: str) -> None:
    """sinkscribe: live captions, rolling summaries and answers from an audio stream.

    \b
    Examples:
      sinkscribe transcribe samples/meeting.ogg
      sinkscribe transcribe --mic
      sinkscribe subscribe --topic segment
    """
    from pipeline.runner import setup_logging

    setup_logging(log_level)


@main.command()
@user_errors
def devices() -> None:
    """List audio input devices (the index goes to --device).

    \b
    Example:
      sinkscribe devices
    """
    from stages.audio_io import list_input_devices

    found = list_input_devices()
    if not found:
        raise SinkscribeError("no audio input devices found (no sound hardware?); replay a file instead")
    for d in found:
        mark = "*" if d["default"] else " "
        click.echo(f"{mark} {d['index']:3d}  {d['name']}  ({d['channels']} ch, {d['rate']:.0f} Hz)")


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=True, path_type=str))
@click.option("--mic", is_flag=True, help="Transcribe the microphone instead of a file.")
@click.option("--device", default="", help="Input device index or name part (see `sinkscribe devices`).")
@click.option("--speed", type=float, default=None, help="Replay pace: 1 = real time (default), 0 = as fast as possible.")
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/.")
@click.option("--json", "as_json", is_flag=True, help="Print committed segments as JSON lines.")
@user_errors
def transcribe(file: str | None, mic: bool, device: str, speed: float | None, config: str | None, as_json: bool) -> None:
    """Live captions of FILE (replayed) or the microphone, via capture + transcribe processes.

    Committed lines are printed as they become final; on a terminal the words still being decided are
    shown in place below them.

    \b
    Examples:
      sinkscribe transcribe samples/meeting.ogg
      sinkscribe transcribe samples/meeting.ogg --speed 0 --json > captions.jsonl
      sinkscribe transcribe --mic --device 2
    """
    from pipeline.console import CaptionView
    from pipeline.console import as_json as to_json
    from pipeline.live import run_transcription

    overrides = _source_overrides(file, mic, device, speed)
    cfg = load_app_config(config or ("default" if mic else "replay"), overrides)
    _preflight_source(cfg)
    out = sys.stdout
    view = CaptionView(out, live=out.isatty() and not as_json)
    on_segment = (lambda m: view.line(to_json(m))) if as_json else view.segment
    result = run_transcription(cfg, on_segment, view.partial, log_level=_log_level())
    if not as_json:
        click.echo(f"-- {result.segments} segments, {result.audio_seconds:.1f} s of audio ({result.reason})", err=True)


def _source_overrides(file: str | None, mic: bool, device: str, speed: float | None) -> dict[str, Any]:
    if mic == (file is not None):
        raise click.UsageError("give either FILE or --mic")
    overrides: dict[str, Any] = {"capture.source": "mic" if mic else file, "exit_after_eos": True}
    if device:
        overrides["capture.device"] = device
    if speed is not None:
        overrides["capture.speed"] = speed
    return overrides


def _preflight_source(cfg: Any) -> None:
    """Check the input here, before any process starts, so its error is immediate and one line."""
    from stages import audio_io

    source = cfg.capture.source
    if source == "mic":
        sd = audio_io.import_sounddevice()
        try:
            sd.query_devices(audio_io.parse_device(cfg.capture.device), kind="input")
        except (sd.PortAudioError, ValueError) as exc:
            msg = str(exc).splitlines()[0] if str(exc) else "none found"
            raise SinkscribeError(f"no usable audio input device ({msg}); try `sinkscribe devices`") from None
    elif not audio_io.is_stdin(source):
        audio_io.probe_file(source)


def _log_level() -> str:
    return logging.getLevelName(logging.getLogger().level).lower()


@main.command()
@click.argument("name", type=click.Choice(["capture", "transcribe", "summarize"]))
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/.")
@click.option("--error-file", type=click.Path(dir_okay=False), default=None, help="Write a fatal error here (used by the supervisor).")
@user_errors
def stage(name: str, config: str | None, error_file: str | None) -> None:
    """Run one stage alone in this process (e.g. on another host), until stopped.

    \b
    Examples:
      sinkscribe stage transcribe --config configs/remote-transcribe.toml
      sinkscribe stage capture --config configs/default.toml
    """
    from pipeline.runner import run_stage

    try:
        cfg = load_app_config(config)
        code = run_stage(name, cfg)
    except SinkscribeError as exc:
        if error_file:
            Path(error_file).write_text(str(exc) + "\n", encoding="utf-8")
        raise
    sys.exit(code)


@main.command()
@click.option("--from", "source", type=click.Choice(["captions", "summary"]), default="captions", show_default=True, help="Which socket to watch.")
@click.option("--endpoint", default=None, help="Connect here instead of the configured endpoint.")
@click.option("--topic", "topics", multiple=True, help="Message type to show (repeatable): partial, segment, status, eos, summary, answer...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--count", type=int, default=0, help="Exit after this many messages (0 = never).")
@click.option("--timeout", type=float, default=0.0, help="Exit with code 1 after this many seconds without a message (0 = wait forever).")
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/.")
@user_errors
def subscribe(source: str, endpoint: str | None, topics: tuple[str, ...], as_json: bool, count: int, timeout: float, config: str | None) -> None:
    """Watch a publishing socket: captions from transcribe, or summaries and answers.

    \b
    Examples:
      sinkscribe subscribe --topic segment
      sinkscribe subscribe --from summary --topic summary --json
      sinkscribe subscribe --endpoint tcp://10.0.0.5:5552
    """
    from pipeline.subscriber import watch

    cfg = load_app_config(config)
    endpoint = endpoint or getattr(cfg.endpoints, source)
    shown = watch(endpoint, topics, as_json, count, timeout, sys.stdout)
    if timeout and (count == 0 or shown < count):
        sys.exit(1)


if __name__ == "__main__":
    main()
