"""`sinkscribe sessions` (list, show, delete) and the session side of `replay`, `run` and `export`.

The rules themselves (names, which session a name means, when a recording may continue one) are in
stages/summarize/catalog.py; this module only turns them into commands and lines for people.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pipeline.cli_common import load_app_config, user_errors


def open_run_session(cfg: Any, text_input: bool, session: str | None, resume: str | None) -> tuple[Any, Any]:
    """Decide the session of a `replay`/`run` before any stage starts: a new one, or the named one once
    checked; every stage gets its name (a restarted stage writes on where it stopped). Returns the
    config with `summarize.session` set and the catalogue's `Opened`."""
    from pipeline.console import clock
    from stages.recording import identify
    from stages.summarize import catalog

    recording = identify(cfg.capture.source, text_input)
    if session is None and resume is None and cfg.summarize.session:
        session = cfg.summarize.session  # a config file that names the session: as if --session
    shelf = catalog.shelf(cfg)
    opened = catalog.open_session(shelf, recording, session=session, resume=resume)
    cfg = dataclasses.replace(cfg, summarize=dataclasses.replace(cfg.summarize, session=opened.name))
    if opened.resumed:
        click.echo(f"-- session {opened.name}: continues at {clock(opened.resume_at)} of {recording.name}", err=True)
    else:
        click.echo(f"-- session {opened.name}: new, from {recording.name} "
                   f"(to continue it after a crash: --resume {opened.name})", err=True)  # fmt: skip
        for other in catalog.unfinished(shelf, recording, exclude=opened.name)[-3:]:
            click.echo(f"-- note: session {other.name} of this recording stopped at {clock(other.audio_seconds)} "
                       f"({other.state}); --resume {other.name} would have continued it", err=True)  # fmt: skip
    return cfg, opened


def forget_if_empty(opened: Any) -> None:
    """A new session that a failed start left without a word is deleted: there is nothing to continue."""
    from stages.summarize import catalog

    if not opened.resumed and opened.ref.exists() and catalog.info(opened.ref).segments == 0:
        opened.ref.delete()


def session_label(opened: Any) -> str:
    return f"session {opened.name} ({opened.recording.name})"


def pick(config: str | None, session_dir: str | None, name: str | None, what: str) -> Any:
    """The session a command means (a `catalog.SessionRef`): NAME (a name, its unique start, or a .sqlite
    path), else the latest one, on the configured shelf (session files, or `summarize.store`'s database).
    When that is not what the user typed, say on stderr which session it is."""
    from stages.summarize import catalog

    shelf = catalog.shelf(_config(config, session_dir))
    if name:
        ref = catalog.resolve(shelf, name)
        if ref.name != name and str(Path(name).expanduser()) != str(ref):
            click.echo(f"-- {what} {catalog.info(ref).describe()}", err=True)
        return ref
    latest = catalog.latest(shelf)
    click.echo(f"-- {what} {latest.describe()}, the latest", err=True)
    return catalog.SessionRef(shelf, latest.name)


def _config(config: str | None, session_dir: str | None) -> Any:
    return load_app_config(config, {"summarize.session_dir": session_dir} if session_dir else None)


def _local(wall: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(wall)) if wall else "-"


DIR_OPTIONS = [
    click.option("--session-dir", default=None, help="Where session files are (default: summarize.session_dir)."),
    click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/."),
]


def dir_options(fn: Callable) -> Callable:
    for option in reversed(DIR_OPTIONS):
        fn = option(fn)
    return fn


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per session and line.")
@dir_options
@click.pass_context
@user_errors
def sessions(ctx: click.Context, as_json: bool, session_dir: str | None, config: str | None) -> None:
    """Stored sessions: list them (the default), show one's notes, delete one.

    A session is one SQLite file (or, with summarize.store set, rows of a PostgreSQL database) holding a
    recording's transcript, summaries and answers. `replay` and
    `run` start a new one each time, named DATE_TIME_SOURCE; `--resume NAME` continues one.

    \b
    Examples:
      sinkscribe sessions
      sinkscribe sessions show 2026-12-01_1405_meeting-a
      sinkscribe sessions show 2026-12-01_14        # the unique start of a name is enough
      sinkscribe sessions delete 2026-12-01_1405_meeting-a --yes
      sinkscribe sessions list --json
    """
    if ctx.invoked_subcommand is None:
        _list(_config(config, session_dir), as_json)


@sessions.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per session and line.")
@dir_options
@user_errors
def list_command(as_json: bool, session_dir: str | None, config: str | None) -> None:
    """List stored sessions, oldest first: name, source, start, audio, segments, last summary, state.

    \b
    Example:
      sinkscribe sessions list --json
    """
    _list(_config(config, session_dir), as_json)


def _list(cfg: Any, as_json: bool) -> None:
    from pipeline.console import clock
    from stages.summarize import catalog

    shelf = catalog.shelf(cfg)
    found = catalog.list_sessions(shelf)
    if as_json:
        for info in found:
            click.echo(json.dumps(info.to_json()))
        return
    if not found:
        click.echo(f"no sessions in {shelf.where}", err=True)
        return
    rows = [("NAME", "SOURCE", "STARTED", "AUDIO", "SEGMENTS", "LAST SUMMARY", "STATE")]
    rows += [(s.name, s.source_name, _local(s.created), clock(s.audio_seconds), str(s.segments),
              _local(s.last_summary), s.state) for s in found]  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [c.rjust(w) if i in (3, 4) else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        click.echo("  ".join(cells).rstrip())


@sessions.command("show")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="The session, its notes and answers as one JSON object.")
@dir_options
@user_errors
def show(name: str | None, as_json: bool, session_dir: str | None, config: str | None) -> None:
    """Show a session (default: the latest): what it was recorded from, and its final notes.

    \b
    Examples:
      sinkscribe sessions show 2026-12-01_1405_meeting-a
      sinkscribe sessions show --json
    """
    from pipeline.console import clock
    from stages.summarize import catalog

    ref = pick(config, session_dir, name, "showing")
    with ref.open_existing() as store:
        info = catalog.read_info(store)
        summary = store.latest_summary()
        answers = store.answers()
    if as_json:
        click.echo(json.dumps(info.to_json() | {"summary": summary.text if summary else "", "answers": answers}))
        return
    rec = info.recording
    click.echo(f"Session {info.name}")
    click.echo(f"Recorded from {rec.describe() if rec else 'an unknown source'}"
               + (f": {rec.source}" if rec and not rec.live else ""))  # fmt: skip
    click.echo(f"Started {_local(info.created)}; {clock(info.audio_seconds)} of audio, {info.segments} segments, "
               f"{info.summaries} summaries; {info.state}")  # fmt: skip
    click.echo("")
    if summary is None:
        click.echo("No summary was produced.")
    else:
        head = "FINAL NOTES" if summary.final else "LATEST NOTES (not final)"
        click.echo(f"── {head} of {info.describe()}, up to {clock(summary.upto)} ──\n{summary.text}")
    for a in answers:
        click.echo(f"\nQ: {a['question']}\nA: {a['answer']}")


@sessions.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@dir_options
@user_errors
def delete(name: str, yes: bool, session_dir: str | None, config: str | None) -> None:
    """Delete a stored session (its SQLite file, or its rows): transcript, summaries and answers.

    \b
    Example:
      sinkscribe sessions delete 2026-12-01_1405_meeting-a --yes
    """
    from stages.summarize import catalog

    ref = catalog.resolve(catalog.shelf(_config(config, session_dir)), name)
    info = catalog.info(ref)
    if not yes:
        click.confirm(f"Delete {info.describe()}, {info.segments} segments?", abort=True, err=True)
    ref.delete()
    click.echo(f"deleted {info.describe()}", err=True)
