"""`sinkscribe serve`, and the `--connect` side of `replay` and `run` (pipeline/service.py does the work)."""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

import click

from pipeline.cli_common import UserError, load_app_config, user_errors


@click.command()
@click.option("--listen", "address", default="tcp://127.0.0.1:5550", show_default=True, metavar="tcp://HOST:PORT",
              help="Where clients connect: audio on PORT, captions PORT+2, summary PORT+3, requests PORT+4 "
              "(PORT+1 is internal, on loopback).")
@click.option("--max-streams", type=click.IntRange(1, 256), default=4, show_default=True,
              help="Streams served at once; one more is refused (the client exits with code 2).")
@click.option("--admit-load", type=click.FloatRange(0.0, 1.0), default=None,
              help="Refuse a new stream when the live ones plus one like them would take more than this share "
              "of the language model's time, as measured (default: summarize.admit_load, 0.9; 0: count only).")
@click.option("--admit-lag", type=click.FloatRange(0.0, 3600.0), default=None,
              help="Refuse a new stream while a live stream's captions come more than this many seconds after the "
              "words (95th percentile, as measured; default: summarize.admit_lag_s, 5; 0: not judged).")
@click.option("--preset", default=None, help="Language model (as for replay); loaded once, shared by every stream.")
@click.option("--session-dir", default=None, help="Where session files go (one per stream, named after it).")
@click.option("--speakers/--no-speakers", default=None, help="Label who speaks; default: transcribe.speakers.")
@click.option("--idle", "idle_s", type=click.FloatRange(1.0), default=None,
              help="Seconds without anything from a client before its stream ends as lost (default: "
              "transcribe.stream_idle_s, 30).")
@click.option("--insecure", is_flag=True, help="Listen beyond loopback WITHOUT encryption (a warning is logged); "
              "with --web-host beyond loopback, the page over plain HTTP too.")
@click.option("--web", "web_port", type=click.IntRange(1, 65535), default=None, is_flag=False, flag_value=8765,
              help="Also serve the live page (every stream, a picker) on this port (default 8765), on loopback.")
@click.option("--web-host", default="127.0.0.1", show_default=True, help="With --web: the page's address; beyond "
              "loopback it needs CURVE, TLS (--web-certfile, --web-keyfile) or --insecure, and a token (printed).")
@click.option("--web-certfile", type=click.Path(dir_okay=False), default=None, help="With --web: TLS certificate (PEM).")
@click.option("--web-keyfile", type=click.Path(dir_okay=False), default=None, help="With --web: TLS private key (PEM).")
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/.")
@user_errors
def serve(address: str, max_streams: int, admit_load: float | None, admit_lag: float | None, preset: str | None, session_dir: str | None, speakers: bool | None,
          idle_s: float | None, insecure: bool, web_port: int | None, web_host: str, web_certfile: str | None,
          web_keyfile: str | None, config: str | None) -> None:  # fmt: skip
    """Serve many meetings at once: one transcribe and one summarize (each model loaded once) for
    every client's stream, until Ctrl-C.

    Each stream is its own session, named after the stream (`sinkscribe sessions`, `export`).

    \b
    Examples:
      sinkscribe serve --max-streams 4
      sinkscribe serve --web                 # and the page: http://127.0.0.1:8765/?stream=NAME
      sinkscribe replay meeting-a.wav --connect tcp://127.0.0.1:5550      # in another terminal
      sinkscribe run --connect tcp://127.0.0.1:5550 --stream standup       # a microphone
      sinkscribe subscribe --from summary --stream standup --endpoint tcp://127.0.0.1:5553 \\
          --requests tcp://127.0.0.1:5554
    """
    from pipeline.cli import _log_level, _speaker_overrides, _summarize_overrides
    from pipeline.runner import StopFlag
    from pipeline.security import access_list
    from pipeline.service import run_service, service_config
    from stages.summarize import catalog

    overrides: dict[str, Any] = {"stream": "serve", **_summarize_overrides(preset, session_dir),
                                 **_speaker_overrides(speakers)}  # fmt: skip
    if idle_s is not None:
        overrides["transcribe.stream_idle_s"] = idle_s
    if admit_load is not None:
        overrides["summarize.admit_load"] = admit_load
    if admit_lag is not None:
        overrides["summarize.admit_lag_s"] = admit_lag
    if insecure:
        overrides["security.insecure"] = True
    cfg = service_config(load_app_config(config or "default", overrides), address, max_streams)
    ep = cfg.endpoints
    access = access_list(cfg.security)  # a bad list is a one-line error here, before anything starts
    if access is not None:
        click.echo(f"-- access list {access.path}: {len(access.grants)} client keys, each reads and sends only "
                   "its streams", err=True)  # fmt: skip

    def ready() -> None:
        click.echo(f"-- serving up to {max_streams} streams: audio {ep.audio}, captions {ep.captions}, summary "
                   f"{ep.summary}, requests {ep.requests}; sessions in {catalog.shelf(cfg).where}; Ctrl-C stops",
                   err=True)  # fmt: skip

    web = None
    if web_port is not None:  # before the stages: a port in use is a one-line error, nothing started
        from pipeline.web import WebOptions, WebThread, check_options

        options = check_options(WebOptions(web_host, web_port, "", web_certfile or "", web_keyfile or "", insecure),
                                cfg.security)  # fmt: skip
        web = WebThread(page_config(cfg), catalog.shelf(cfg), options, service=True)
        click.echo(f"-- web page: {web.start()}", err=True)
    try:
        run_service(cfg, StopFlag(), _log_level(), ready=ready)
    finally:
        if web is not None:
            web.stop()
    click.echo("-- stopped", err=True)


def page_config(cfg: Any) -> Any:
    """The page's bridge beside the service connects to it on loopback when the service listens on every
    address (`tcp://0.0.0.0:PORT`, `tcp://*:PORT`): a wildcard is something to bind, not to reach."""
    ep = cfg.endpoints

    def reachable(endpoint: str) -> str:
        for wildcard in ("tcp://0.0.0.0:", "tcp://*:", "tcp://[::]:"):
            if endpoint.startswith(wildcard):
                return "tcp://127.0.0.1:" + endpoint.removeprefix(wildcard)
        return endpoint

    return dataclasses.replace(cfg, endpoints=dataclasses.replace(
        ep, captions=reachable(ep.captions), summary=reachable(ep.summary), requests=reachable(ep.requests)))


def connect_options(fn: Any) -> Any:
    fn = click.option("--wait", "wait_s", type=click.FloatRange(0.0), default=0.0, show_default=True, metavar="SECONDS",
                      help="With --connect: when the service has no room (--max-streams, or no time left on its "
                      "model), ask again every 5 s for this long instead of exiting at once.")(fn)
    fn = click.option("--stream", default=None, help="With --connect: the stream's name (its session on the "
                      "service); default: a new DATE_TIME_SOURCE-xxxx. An existing one that did not end "
                      "(a lost client, Ctrl-C) continues.")(fn)
    return click.option("--connect", "address", default=None, metavar="tcp://HOST:PORT",
                        help="Send this stream to a running `sinkscribe serve` instead of running the "
                        "stages here.")(fn)


def refuse_with_connect(address: str, given: dict[str, bool]) -> None:
    """Options that belong to the service, not to a client; and the address, before anything is read."""
    from pipeline.service import endpoints_at
    from stages.settings import Endpoints

    endpoints_at(address, Endpoints())
    for name, on in given.items():
        if on:
            raise UserError(f"{name} does not apply with --connect (a client sends its audio; the service decides the rest)")


def run_connected(cfg: Any, address: str, stream: str | None, questions: tuple[str, ...], ask_timeout: float,
                  as_json: bool, wait_s: float = 0.0) -> None:  # fmt: skip
    """`replay FILE --connect` / `run --connect`: capture here, everything else on the service."""
    from pipeline.cli import _log_level
    from pipeline.client import ask
    from pipeline.console import CaptionView, LiveView, clock
    from pipeline.service import admit, endpoints_at, new_stream_name, run_client
    from stages.summarize.catalog import check_name

    name = check_name(stream or new_stream_name(cfg.capture.source))
    cfg = dataclasses.replace(cfg, stream=name, endpoints=endpoints_at(address, cfg.endpoints))
    snap = admit(cfg, name, wait_s=wait_s,
                 on_wait=lambda why: click.echo(f"-- {why}; waiting up to {wait_s:.0f} s for room", err=True))
    # Where the stream starts is the service's word: 0, or where the session of a stream that stopped
    # (a lost client, Ctrl-C) ends.
    cfg = dataclasses.replace(cfg, capture=dataclasses.replace(cfg.capture, start_at=snap.stored_end))
    if snap.stored_end > 0:
        click.echo(f"-- stream {name}: continues at {clock(snap.stored_end)} on {address}", err=True)
    else:
        click.echo(f"-- stream {name}: new on {address} (to continue it after a crash: --stream {name})", err=True)
    label = f"stream {name}"
    view = LiveView(CaptionView(sys.stdout, live=sys.stdout.isatty() and not as_json), as_json, session=label)

    def ask_all() -> None:
        for question in questions:
            view.handle(ask(cfg.endpoints.requests, question, ask_timeout, stream=name, security=cfg.security))

    try:
        result = run_client(cfg, view.handle, log_level=_log_level(), after_end=ask_all if questions else None)
    finally:
        view.finish()  # a piped line held until whole is written even when the run fails
    if not as_json:
        click.echo(f"-- {result.counts.get('segment', 0)} segments, {result.counts.get('summary', 0)} summaries, "
                   f"{result.audio_seconds:.0f} s ({result.reason}); {label}, session {snap.session} on the "
                   "service", err=True)  # fmt: skip
