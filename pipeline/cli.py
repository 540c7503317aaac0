"""The `sinkscribe` command line: the only place errors become messages for people.

Every SinkscribeError (bad file, no device, port in use, bad config...) leaves as one line on stderr and
exit code 2; nothing a user can cause prints a traceback.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pipeline.cli_cluster import cluster
from pipeline.cli_common import CONFIG_DIR, ROOT, UserError, load_app_config, user_errors  # noqa: F401
from pipeline.cli_serve import connect_options, refuse_with_connect, run_connected, serve
from pipeline.cli_sessions import forget_if_empty, open_run_session, pick, session_label, sessions
from pipeline.cli_speakers import speakers
from pipeline.cli_voices import voices
from pipeline.errors import SinkscribeError

log = logging.getLogger("sinkscribe")


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
      sinkscribe replay samples/meeting.ogg --ask "Who owns the database migration?"
      sinkscribe run                      # microphone: captions, summaries, answers
      sinkscribe ask "What was decided?"  # from another terminal
      sinkscribe transcribe samples/meeting.ogg
      sinkscribe subscribe --from summary --topic summary
      sinkscribe sessions                 # stored sessions; `sessions show NAME` prints one's notes
      sinkscribe export --format srt      # the latest session; or name one
      sinkscribe web                      # the meeting in a browser: http://127.0.0.1:8765/
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


# `transcribe --mic` and `run`: the second input of a call.
playback_option = click.option(
    "--playback", default="", metavar="DEVICE", help="Also record what the computer plays (a 'Monitor of ...' input on "
    "PulseAudio/PipeWire) as a second channel: a call's both sides, labelled Me (the microphone) and Remote unless "
    "--channels names them.")  # fmt: skip


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=True, path_type=str))
@click.option("--mic", is_flag=True, help="Transcribe the microphone instead of a file.")
@click.option("--device", default="", help="Input device index or name part (see `sinkscribe devices`).")
@playback_option
@click.option("--speed", type=float, default=None, help="Replay pace: 1 = real time (default), 0 = as fast as possible.")
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/.")
@click.option("--json", "as_json", is_flag=True, help="Print committed segments as JSON lines.")
@click.option("--speakers/--no-speakers", default=None, help="Label who speaks (S1, S2 ...); default: transcribe.speakers.")
@click.option("--channels", "channels", default=None, metavar="call|N|NAMES", help="Label who speaks by input channel "
              "(a call: one channel per side, no voice model): `call` = Me, Remote; N = S1..SN; or names, "
              "comma-separated, in channel order; `off`. Default: capture.channels.")
@user_errors
def transcribe(file: str | None, mic: bool, device: str, playback: str, speed: float | None, config: str | None,
               as_json: bool, speakers: bool | None, channels: str | None) -> None:  # fmt: skip
    """Live captions of FILE (replayed) or the microphone, via capture + transcribe processes.

    Committed lines are printed as they become final; on a terminal the words still being decided are
    shown in place below them.

    \b
    Examples:
      sinkscribe transcribe samples/meeting.ogg
      sinkscribe transcribe samples/meeting.ogg --speed 0 --json > captions.jsonl
      sinkscribe transcribe --mic --device 2
      sinkscribe transcribe meeting.wav --speakers     # [00:01.2] S1: ..., [00:04.0] S2: ...
      sinkscribe transcribe call.wav --channels call   # stereo call: [00:01.2] Me: ..., Remote: ...
      sinkscribe transcribe --mic --playback "Monitor of"   # a call: Me (microphone), Remote (speakers)
    """
    if playback and not mic:
        raise UserError("--playback records beside the microphone: give --mic too")
    from pipeline.console import CaptionView, LiveView
    from pipeline.live import run_transcription

    overrides = (_source_overrides(file, mic, device, speed) | _speaker_overrides(speakers) | _channel_overrides(channels)
                 | _playback_overrides(playback, channels))  # fmt: skip
    cfg = load_app_config(config or ("default" if mic else "replay"), overrides)
    _preflight_source(cfg)
    view = LiveView(CaptionView(sys.stdout, live=sys.stdout.isatty() and not as_json), as_json)
    try:
        result = run_transcription(cfg, view.handle, log_level=_log_level())
    finally:
        view.finish()  # a piped line held until whole is written even when the run fails
    if not as_json:
        click.echo(f"-- {result.counts.get('segment', 0)} segments, {result.audio_seconds:.1f} s of audio "
                   f"({result.reason})", err=True)  # fmt: skip


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
        audio_io.check_input_device(cfg.capture.device)
        if cfg.capture.playback_device:
            audio_io.check_input_device(cfg.capture.playback_device)
    elif not audio_io.is_stdin(source):
        audio_io.check_channels(audio_io.probe_file(source), cfg.capture.channels)


def _log_level() -> str:
    return logging.getLevelName(logging.getLogger().level).lower()


@main.command()
@click.argument("name", type=click.Choice(["capture", "transcribe", "summarize", "text"]))
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/.")
@click.option("--error-file", type=click.Path(dir_okay=False), default=None, help="Write a fatal error here (used by the supervisor).")
@click.option("--insecure", is_flag=True, help="Allow binding beyond loopback WITHOUT encryption (a warning is logged).")
@user_errors
def stage(name: str, config: str | None, error_file: str | None, insecure: bool) -> None:
    """Run one stage alone in this process (e.g. on another host), until stopped.

    \b
    Examples:
      sinkscribe stage transcribe --config configs/remote-transcribe.toml
      sinkscribe stage capture --config configs/default.toml
    """
    from pipeline.runner import leave, run_stage

    try:
        cfg = load_app_config(config, {"security.insecure": True} if insecure else None)
        code = run_stage(name, cfg)
    except SinkscribeError as exc:
        if error_file:
            # Under a supervisor: it reports the error once, named after this stage; printing it here too
            # would show the user the same line twice.
            Path(error_file).write_text(str(exc) + "\n", encoding="utf-8")
        else:
            click.echo(f"Error: {exc}", err=True)  # as @user_errors would, but `leave` decides how to exit
        code = exc.exit_code
    leave(code)


@main.command()
@click.option("--from", "source", type=click.Choice(["captions", "summary"]), default="captions", show_default=True, help="Which socket to watch.")
@click.option("--endpoint", default=None, help="Connect here instead of the configured endpoint.")
@click.option("--topic", "topics", multiple=True, help="Message type to show (repeatable): partial, segment, status, eos, summary, answer...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--count", type=int, default=0, help="Exit after this many messages (0 = never).")
@click.option("--timeout", type=float, default=0.0, help="Exit with code 1 after this many seconds without a message (0 = wait forever).")
@click.option("--requests", default=None, help="With --from summary: the stage's request endpoint for the snapshot.")
@click.option("--no-snapshot", is_flag=True, help="With --from summary: do not ask for the current summary first.")
@click.option("--stream", default=None, help="Only this stream's messages (on a `sinkscribe serve`): its topics, its snapshot.")
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/.")
@user_errors
def subscribe(source: str, endpoint: str | None, topics: tuple[str, ...], as_json: bool, count: int, timeout: float,
              requests: str | None, no_snapshot: bool, stream: str | None, config: str | None) -> None:  # fmt: skip
    """Watch a publishing socket: captions from transcribe, or summaries and answers.

    \b
    Examples:
      sinkscribe subscribe --topic segment
      sinkscribe subscribe --from summary --topic summary --json   # current summary first, then updates
      sinkscribe subscribe --endpoint tcp://10.0.0.5:5552
    """
    from pipeline.subscriber import watch

    cfg = load_app_config(config)
    snapshot_from = None
    if source == "summary" and not no_snapshot:
        snapshot_from = requests or cfg.endpoints.requests
    endpoint = endpoint or getattr(cfg.endpoints, source)
    shown = watch(endpoint, topics, as_json, count, timeout, sys.stdout, snapshot_from, cfg.security,
                  on_snapshot=None if as_json else _say_session, stream=stream)  # fmt: skip
    if timeout and (count == 0 or shown < count):
        sys.exit(1)


def _say_session(snap: Any) -> None:
    """A late joiner is told which session it is watching and whether it is over (stderr)."""
    if snap.session:
        state = f"ended ({snap.end_reason or 'eof'})" if snap.ended else "live"
        click.echo(f"-- session {snap.session} ({snap.source or 'unknown source'}), {state}", err=True)


def _speaker_overrides(speakers: bool | None) -> dict[str, Any]:
    """--speakers / --no-speakers; neither: the config decides (transcribe.speakers)."""
    return {} if speakers is None else {"transcribe.speakers": speakers}


CALL = ["Me", "Remote"]  # `--channels call`: the local microphone first, the remote side second


def _channel_overrides(channels: str | None) -> dict[str, Any]:
    """--channels call | N | NAME,NAME... | off; not given: the config decides (capture.channels)."""
    if channels is None:
        return {}
    value = channels.strip()
    if value.lower() in ("off", "none", ""):
        return {"capture.channels": []}
    if value.lower() == "call":
        return {"capture.channels": list(CALL)}
    if value.isdigit():
        return {"capture.channels": [f"S{i + 1}" for i in range(int(value))]}
    return {"capture.channels": [" ".join(n.split()) for n in value.split(",")]}


def _playback_overrides(playback: str, channels: str | None) -> dict[str, Any]:
    """--playback DEVICE: the second input, its two channels named Me and Remote unless --channels names them."""
    if not playback:
        return {}
    return {"capture.playback_device": playback, **({} if channels is not None else {"capture.channels": list(CALL)})}


def _summarize_overrides(preset: str | None, session_dir: str | None) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if preset:
        overrides["summarize.model"] = preset
    if session_dir:
        overrides["summarize.session_dir"] = session_dir
    return overrides


def _ask_all(cfg: Any, questions: tuple[str, ...], timeout: float, view: Any) -> None:
    from pipeline.client import ask

    for question in questions:
        view.handle(ask(cfg.endpoints.requests, question, timeout, security=cfg.security))


def _start_web(cfg: Any, port: int | None) -> Any:
    """`--web`: the page on loopback beside the pipeline (`sinkscribe web` serves it on its own, and
    beyond loopback); a port in use is a one-line error before any stage starts."""
    if port is None:
        return None
    from pipeline.web import WebOptions, WebThread, check_options
    from stages.summarize import catalog

    web = WebThread(cfg, catalog.shelf(cfg), check_options(WebOptions(port=port), cfg.security))
    click.echo(f"-- web page: {web.start()}", err=True)
    return web


def _run_pipeline(cfg: Any, text_input: bool, questions: tuple[str, ...], serve: bool, as_json: bool,
                  ask_timeout: float, session: str | None, resume: str | None, web_port: int | None = None) -> None:  # fmt: skip
    from pipeline.console import CaptionView, LiveView
    from pipeline.live import run_summarization

    cfg, opened = open_run_session(cfg, text_input, session, resume)
    label = session_label(opened)
    view = LiveView(CaptionView(sys.stdout, live=sys.stdout.isatty() and not as_json), as_json, session=label)
    after = (lambda: _ask_all(cfg, questions, ask_timeout, view)) if questions else None
    web = None
    try:
        web = _start_web(cfg, web_port)
        result = run_summarization(cfg, view.handle, text_input=text_input, after_end=after, serve=serve,
                                   log_level=_log_level())  # fmt: skip
    except SinkscribeError:
        forget_if_empty(opened)  # a port in use, a model that does not load: no session to resume
        raise
    finally:
        view.finish()  # a piped line held until whole is written even when the run fails
        if web is not None:
            web.stop()
    if not as_json:
        click.echo(f"-- {result.counts.get('segment', 0)} segments, {result.counts.get('summary', 0)} summaries, "
                   f"{result.audio_seconds:.0f} s ({result.reason}); {label}: {opened.ref}", err=True)  # fmt: skip


SUMMARY_OPTIONS = [
    click.option("--preset", default=None, help="Language model: qwen2.5-coder-1.5b (default), qwen2.5-coder-0.5b, smollm2-135m (fast, weak), an HF id or folder."),
    click.option("--session", default=None, help="Session name: a new one is made, an existing one continues (checked "
                 "like --resume); default: a new session named DATE_TIME_SOURCE."),
    click.option("--resume", default=None, metavar="NAME", help="Continue the stored session NAME (after a crash or a "
                 "Ctrl-C): the same recording only, from where its transcript ends."),
    click.option("--session-dir", default=None, help="Where session files go."),
    click.option("--ask", "questions", multiple=True, help="Ask this after the final summary (repeatable)."),
    click.option("--ask-timeout", type=float, default=120.0, show_default=True, help="Seconds to wait for each answer."),
    click.option("--json", "as_json", is_flag=True, help="Print every message as a JSON line."),
    click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/."),
    click.option("--web", "web_port", type=click.IntRange(1, 65535), default=None, is_flag=False, flag_value=8765,
                 metavar="[PORT]", help="Also show it in a browser: a page on http://127.0.0.1:PORT/ (default 8765; "
                 "`sinkscribe web` serves beyond loopback)."),
]


def summary_options(fn: Callable) -> Callable:
    for option in reversed(SUMMARY_OPTIONS):
        fn = option(fn)
    return fn


@main.command()
@click.argument("file", type=click.Path(path_type=str))
@click.option("--speed", type=float, default=None, help="1 = real time (default), N = N times faster, 0 = as fast as possible.")
@click.option("--text", "text_input", is_flag=True, help="FILE is a transcript: one utterance per line, optional 'Speaker: '.")
@click.option("--serve", is_flag=True, help="Keep answering questions after the stream ends, until Ctrl-C.")
@click.option("--speakers/--no-speakers", default=None, help="Label who speaks (S1, S2 ...); default: transcribe.speakers.")
@click.option("--channels", "channels", default=None, metavar="call|N|NAMES", help="Label who speaks by input channel "
              "(a call: one channel per side, no voice model): `call` = Me, Remote; N = S1..SN; or names, "
              "comma-separated, in channel order; `off`. Default: capture.channels.")
@summary_options
@connect_options
@user_errors
def replay(file: str, speed: float | None, text_input: bool, serve: bool, speakers: bool | None, channels: str | None,
           preset: str | None,
           session: str | None, resume: str | None, session_dir: str | None, questions: tuple[str, ...],
           ask_timeout: float, as_json: bool, config: str | None, web_port: int | None, address: str | None,
           stream: str | None, wait_s: float) -> None:  # fmt: skip
    """Replay a recording (or a transcript) through capture, transcribe and summarize.

    Captions, rolling summaries and answers are printed as they come. Each replay is a new session
    (named DATE_TIME_FILESTEM, printed at the start), kept for `sinkscribe sessions`, `export` and
    `ask` (with --serve); `--resume NAME` continues a session stopped by a crash or Ctrl-C, only with
    the same recording (its audio is compared, not its name).

    \b
    Examples:
      sinkscribe replay samples/meeting.ogg
      sinkscribe replay samples/meeting.ogg --speed 0 --preset qwen2.5-coder-0.5b --ask "Who owns the migration?"
      sinkscribe replay samples/meeting.script.txt --text --serve
      sinkscribe replay samples/meeting.ogg --resume 2026-12-01_1405_meeting   # after a crash
      sinkscribe replay samples/meeting.ogg --web      # and in a browser: http://127.0.0.1:8765/
      sinkscribe replay meeting.wav --speakers         # label who speaks: S1, S2 ...
      sinkscribe replay call.wav --channels call       # a stereo call: Me (left), Remote (right)
      sinkscribe replay meeting.wav --connect tcp://127.0.0.1:5550   # to a `sinkscribe serve`

    With --web the page stays (as with --serve) until Ctrl-C.
    """
    if stream and not address:
        raise UserError("--stream names a stream on a service: give --connect too")
    if wait_s and not address:
        raise UserError("--wait waits for room on a service: give --connect too")
    if address:
        refuse_with_connect(address, {"--text": text_input, "--serve": serve, "--speakers/--no-speakers": speakers is not None,
                             "--preset": bool(preset), "--session": bool(session), "--resume": bool(resume),
                             "--session-dir": bool(session_dir), "--web": web_port is not None})  # fmt: skip
    overrides = {"capture.source": file, **_summarize_overrides(preset, session_dir), **_speaker_overrides(speakers),
                 **_channel_overrides(channels)}  # fmt: skip
    if speed is not None:
        overrides["capture.speed"] = speed
    cfg = load_app_config(config or "replay", overrides)
    if address:
        _preflight_source(cfg)
        run_connected(cfg, address, stream, questions, ask_timeout, as_json, wait_s)
        return
    if text_input:
        from stages.text_ingest import validate

        validate(file)
    else:
        _preflight_source(cfg)
    # --web keeps serving after the end (as --serve): a page that vanished with the final notes would be no use.
    _run_pipeline(cfg, text_input, questions, serve or web_port is not None, as_json, ask_timeout, session, resume,
                  web_port)


@main.command()
@click.option("--device", default="", help="Input device index or name part (see `sinkscribe devices`).")
@playback_option
@click.option("--speakers/--no-speakers", default=None, help="Label who speaks (S1, S2 ...); default: transcribe.speakers.")
@click.option("--channels", "channels", default=None, metavar="call|N|NAMES", help="Label who speaks by input channel "
              "(a call: one channel per side, no voice model): `call` = Me, Remote; N = S1..SN; or names, "
              "comma-separated, in channel order; `off`. Default: capture.channels.")
@summary_options
@connect_options
@user_errors
def run(device: str, playback: str, speakers: bool | None, channels: str | None, preset: str | None, session: str | None, resume: str | None,
        session_dir: str | None, questions: tuple[str, ...], ask_timeout: float, as_json: bool, config: str | None,
        web_port: int | None, address: str | None, stream: str | None, wait_s: float) -> None:  # fmt: skip
    """Live: microphone -> captions, rolling summaries and answers, until Ctrl-C.

    Ctrl-C stops the microphone first; what was captured is still transcribed and a final summary is
    produced before everything shuts down. Ask questions from another terminal with `sinkscribe ask`.
    Each run is a new session (DATE_TIME_mic); `--resume NAME` continues one on its clock.

    \b
    Examples:
      sinkscribe run
      sinkscribe run --device 2 --preset qwen2.5-coder-0.5b --session standup
      sinkscribe run --resume 2026-12-01_0930_mic
      sinkscribe run --web                # and in a browser: http://127.0.0.1:8765/
      sinkscribe run --device 3 --channels call   # a stereo device: the mic left, the call right
      sinkscribe run --playback "Monitor of"   # a call: the microphone (Me) and what the speakers play (Remote)
      sinkscribe run --connect tcp://10.0.0.5:5550 --stream standup   # to a `sinkscribe serve`
    """
    if stream and not address:
        raise UserError("--stream names a stream on a service: give --connect too")
    if wait_s and not address:
        raise UserError("--wait waits for room on a service: give --connect too")
    if address:
        refuse_with_connect(address, {"--speakers/--no-speakers": speakers is not None, "--preset": bool(preset),
                             "--session": bool(session), "--resume": bool(resume),
                             "--session-dir": bool(session_dir), "--web": web_port is not None})  # fmt: skip
    overrides = {"capture.source": "mic", **_summarize_overrides(preset, session_dir), **_speaker_overrides(speakers),
                 **_channel_overrides(channels), **_playback_overrides(playback, channels)}  # fmt: skip
    if device:
        overrides["capture.device"] = device
    cfg = load_app_config(config or "default", overrides)
    _preflight_source(cfg)
    if address:
        run_connected(cfg, address, stream, questions, ask_timeout, as_json, wait_s)
        return
    _run_pipeline(cfg, False, questions, False, as_json, ask_timeout, session, resume, web_port)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on; beyond loopback it needs "
              "CURVE on the sockets, TLS (or --insecure) and a token.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="TCP port of the page.")
@click.option("--token", default=None, help="The token every request must carry (default: none on loopback, "
              "a generated one beyond it, printed in the URL).")
@click.option("--certfile", type=click.Path(dir_okay=False), default=None, help="TLS certificate (PEM): serve HTTPS.")
@click.option("--keyfile", type=click.Path(dir_okay=False), default=None, help="TLS private key (PEM).")
@click.option("--insecure", is_flag=True, help="Beyond loopback without TLS: plain HTTP (a warning is logged).")
@click.option("--session-dir", default=None, help="Where session files are (the session picker, exports).")
@click.option("--connect", "address", default=None, metavar="tcp://HOST:PORT",
              help="Follow a running `sinkscribe serve` (its --listen address): a stream picker on the page.")
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/ (its "
              "endpoints and [security] are the sockets it follows).")
@user_errors
def web(host: str, port: int, token: str | None, certfile: str | None, keyfile: str | None, insecure: bool,
        session_dir: str | None, address: str | None, config: str | None) -> None:  # fmt: skip
    """The meeting in a browser: captions, notes, questions, stored sessions, exports, health.

    Follows a running `sinkscribe replay --serve`, `run` or `stage summarize` (the config's endpoints),
    catches up from its snapshot, and keeps following across restarts of either side, until Ctrl-C.
    With --connect it follows a `sinkscribe serve` and its many streams: the page has a stream picker,
    and /?stream=NAME opens on one.

    \b
    Examples:
      sinkscribe web                                  # http://127.0.0.1:8765/
      sinkscribe web --port 9000 --config remote.toml
      sinkscribe web --host 0.0.0.0 --certfile cert.pem --keyfile key.pem --config curve.toml
      sinkscribe web --connect tcp://127.0.0.1:5550   # a service: http://127.0.0.1:8765/?stream=NAME
    """
    from pipeline.service import endpoints_at
    from pipeline.web import WebOptions, check_options, run_forever
    from stages.summarize import catalog

    if token is not None and (len(token) < 16 or not token.isascii() or not token.isprintable() or " " in token):
        raise UserError("--token must be at least 16 printable ASCII characters without spaces")
    cfg = load_app_config(config, {"summarize.session_dir": session_dir} if session_dir else None)
    if address is not None:
        cfg = dataclasses.replace(cfg, endpoints=endpoints_at(address, cfg.endpoints))
    options = check_options(WebOptions(host, port, token or "", certfile or "", keyfile or "", insecure), cfg.security)
    run_forever(cfg, catalog.shelf(cfg), options, service=address is not None,
                started=lambda url: click.echo(f"-- serving the page on {url} (Ctrl-C stops)", err=True))


@main.command()
@click.argument("question")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for the answer.")
@click.option("--endpoint", default=None, help="The summarize stage's request endpoint.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer message as JSON.")
@click.option("--session", default=None, help="Answer from this stored session (loads the model here), "
              "not the running stage.")
@click.option("--preset", default=None, help="With --session: the model preset (default: the config's).")
@click.option("--session-dir", default=None, help="Where session files are (default: summarize.session_dir).")
@click.option("--stream", default=None, help="On a `sinkscribe serve`: ask about this stream (its name).")
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/.")
@user_errors
def ask(question: str, timeout: float, endpoint: str | None, as_json: bool, session: str | None, preset: str | None,
        session_dir: str | None, stream: str | None, config: str | None) -> None:  # fmt: skip
    """Ask the running summarize stage a question about the meeting so far, or (--session) a stored
    meeting after it ended.

    \b
    Examples:
      sinkscribe ask "What was decided about the release date?"
      sinkscribe ask "Who owns the database migration?" --timeout 120 --json
      sinkscribe ask --session 2026-12-01_1405_meeting "Who owns the database migration?"
      sinkscribe ask --stream standup --endpoint tcp://10.0.0.5:5554 "What was decided?"   # on a service
    """
    from pipeline.client import ask as ask_question
    from pipeline.console import as_json as to_json
    from pipeline.console import as_text

    if not question.strip():
        raise UserError("the question is empty")
    if stream and session:
        raise UserError("--stream asks a running service, --session a stored session: give one")
    cfg = load_app_config(config, _summarize_overrides(preset, session_dir))
    if session:
        from stages.summarize.offline import ask_stored

        answer = ask_stored(cfg, pick(config, session_dir, session, "asking"), question)
        click.echo(to_json(answer) if as_json else as_text(answer))
        return
    answer = ask_question(endpoint or cfg.endpoints.requests, question, timeout, security=cfg.security,
                          **({"stream": stream} if stream else {}))  # fmt: skip
    if answer.session and not as_json:
        click.echo(f"-- session {answer.session}", err=True)  # the running stage's: not named by the user
    click.echo(to_json(answer) if as_json else as_text(answer))


@main.command()
@click.argument("session", required=False)
@click.option("--format", "fmt", type=click.Choice(["md", "srt", "vtt", "jsonl"]), default="md", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Write here instead of stdout.")
@click.option("--session-dir", default=None, help="Where session files are (default: summarize.session_dir).")
@click.option("--stream", default=None, help="The session of this stream of a `sinkscribe serve` on this host "
              "(the service names each stream's session after it).")
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/.")
@user_errors
def export(session: str | None, fmt: str, output: str | None, session_dir: str | None, stream: str | None,
           config: str | None) -> None:  # fmt: skip
    """Export a stored session as Markdown, SRT, WebVTT or JSON lines.

    SESSION is a name from `sinkscribe sessions` (or the unique start of one, or a .sqlite path);
    without it, the latest session (named on stderr).

    \b
    Examples:
      sinkscribe export 2026-12-01_1405_meeting --format md
      sinkscribe export --format srt -o meeting.srt      # the latest session
      sinkscribe export ~/.local/share/sinkscribe/sessions/live.sqlite --format srt -o live.srt
    """
    from stages.summarize.export import export as render

    if stream and session:
        raise UserError("give SESSION or --stream, not both")
    ref = pick(config, session_dir, stream or session, "exporting")
    with ref.open_existing() as store:
        text = render(store, fmt)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


main.add_command(cluster)
main.add_command(sessions)
main.add_command(serve)
main.add_command(speakers)
main.add_command(voices)


@main.group()
def keys() -> None:
    """CurveZMQ keys for stages on several hosts, and which client key may read and send which stream."""


@keys.command("generate")
@click.argument("directory", type=click.Path(file_okay=False))
@user_errors
def keys_generate(directory: str) -> None:
    """Make server and client key pairs in DIRECTORY and allow-list the client.

    Then set, in every stage's config: [security] curve = true, keys_dir = "DIRECTORY". Copy the
    directory to the other hosts; give a client host only client.key_secret and server.key, or
    (to say per stream what it may read: `keys allow`) a key pair of its own: `keys add`.

    \b
    Example:
      sinkscribe keys generate ~/.config/sinkscribe/keys
    """
    from pipeline.security import generate_keys

    for path in generate_keys(directory):
        click.echo(str(path))


@keys.command("add")
@click.argument("directory", type=click.Path(file_okay=False, exists=True))
@click.argument("name")
@user_errors
def keys_add(directory: str, name: str) -> None:
    """Make client NAME a key pair of its own and allow-list it as authorized/NAME.key.

    DIRECTORY/clients/NAME/ then holds all that client needs (its keys_dir): copy it to the client
    host. With an access list (`keys allow`) it reads and sends only what its entry names; the
    service's own client.key, which its stages connect with, may do everything.
    """
    from pipeline.security import add_client

    folder = add_client(directory, name)
    click.echo(f"{folder}  (the client's keys_dir: copy it to the client host)")
    click.echo(f"{Path(directory) / 'authorized' / (name + '.key')}")


def _patterns(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split(",") if p.strip())


@keys.command("allow")
@click.argument("directory", type=click.Path(file_okay=False, exists=True))
@click.argument("name")
@click.option("--read", "read", default=None, metavar="S1,S2", help="Streams NAME may follow and ask about.")
@click.option("--send", "send", default=None, metavar="S1,S2", help="Streams NAME may send (and read).")
@click.option("--streams", default=None, metavar="S1,S2", help="Streams NAME may read and send (both of the above).")
@user_errors
def keys_allow(directory: str, name: str, read: str | None, send: str | None, streams: str | None) -> None:
    """Set which streams key NAME (authorized/NAME.key) may read and send, in DIRECTORY/streams.toml.

    A stream is a name, a PREFIX* or *. The entry is replaced; `--streams ''` takes everything away.
    Once the file exists, a key without an entry may do nothing. A running service reads the file
    when it starts: restart it.

    
    Examples:
      sinkscribe keys allow ~/.config/sinkscribe/keys alice --streams alpha
      sinkscribe keys allow ~/.config/sinkscribe/keys bob --read 'standup-*' --send standup-bob
    """
    from pipeline.access import allow
    from pipeline.security import key_names

    if read is None and send is None and streams is None:
        raise UserError("say what NAME may do: --read, --send or --streams")
    both = _patterns(streams)
    known = set(key_names(Path(directory) / "authorized").values())
    listed = allow(directory, name, _patterns(read) + both, _patterns(send) + both, known)
    grant = listed.grants[name]
    click.echo(f"{name}: read {', '.join(grant.readable) or 'nothing'}; send {', '.join(grant.send) or 'nothing'} "
               f"({listed.path})")  # fmt: skip


@keys.command("list")
@click.argument("directory", type=click.Path(file_okay=False, exists=True))
@user_errors
def keys_list(directory: str) -> None:
    """The allow-listed keys and what each may read and send."""
    from pipeline.access import load
    from pipeline.security import key_names

    names = key_names(Path(directory) / "authorized")
    listed = load(directory, set(names.values()))
    own = Path(directory) / "client.key"
    own_key = _public_key(own) if own.is_file() else None
    for key, name in sorted(names.items(), key=lambda kv: kv[1]):
        if key == own_key:
            click.echo(f"{name}: the service's own key: reads and sends every stream")
        elif listed is None:
            click.echo(f"{name}: every stream (no access list: {Path(directory) / 'streams.toml'})")
        else:
            grant = listed.grants.get(name)
            reads = ", ".join(grant.readable) if grant else ""
            sends = ", ".join(grant.send) if grant else ""
            click.echo(f"{name}: read {reads or 'nothing'}; send {sends or 'nothing'}")


def _public_key(path: Path) -> bytes:
    import zmq.auth

    return zmq.auth.load_certificate(str(path))[0]


if __name__ == "__main__":
    main()
