"""`sinkscribe speakers`: who spoke in a session, and names for the live labels (S2 -> Maria).

A name is stored with the session; segments keep the label they were committed with and are read with
the name (stages/summarize/store.py), so it applies from then on wherever the session is read: exports,
the notes and captions of a running session (summarize reads the names at every batch), questions, the
web page. Naming again replaces a name; an empty name takes it away.
"""

from __future__ import annotations

import json

import click

from pipeline.cli_common import UserError, user_errors
from pipeline.cli_sessions import pick


def parse_naming(value: str, labels: set[str]) -> tuple[str, str | None]:
    """"S2=Maria" -> ("S2", "Maria"); "S2=" -> ("S2", None). One-line errors for anything else."""
    if "=" not in value:
        raise UserError(f"--name takes LABEL=NAME (for example S2=Maria), got '{value}'")
    label, name = (part.strip() for part in value.split("=", 1))
    if label not in labels:
        have = ", ".join(sorted(labels)) or "none"
        raise UserError(f"'{label}' is not a speaker of this session (its speakers: {have})")
    if not name:
        return label, None
    from stages.voices import check_name

    return label, check_name(name)  # a person's name, as for voice profiles: InputError -> a one-line error


@click.command()
@click.argument("session", required=False)
@click.option("--name", "namings", multiple=True, metavar="LABEL=NAME",
              help="Name a speaker (repeatable): --name S2=Maria. LABEL= takes the name away.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the speakers as JSON lines.")
@click.option("--session-dir", default=None, help="Where session files are (default: summarize.session_dir).")
@click.option("--config", "config", default=None, help="Config TOML file or preset name from configs/.")
@user_errors
def speakers(session: str | None, namings: tuple[str, ...], as_json: bool, session_dir: str | None,
             config: str | None) -> None:  # fmt: skip
    """List a session's speakers with their longest line, or name them.

    SESSION is a name from `sinkscribe sessions` (or its unique start, or a .sqlite path); without it,
    the latest session, which may be the one running now: a name given during a meeting applies to the
    notes, captions and answers from the next line on.

    \b
    Examples:
      sinkscribe speakers
      sinkscribe speakers 2026-12-01_1405_meeting --name S2=Maria --name S3="David Chen"
      sinkscribe speakers --name S2=          # S2 again
    """
    from pipeline.console import clock

    ref = pick(config, session_dir, session, "speakers of")
    with ref.open_existing() as store:
        found = store.speakers()
        labels = {s.label for s in found}
        for label, name in [parse_naming(v, labels) for v in namings]:  # all checked before any is stored
            store.name_speaker(label, name)
        if namings:
            found = store.speakers()
    if not found:
        click.echo("-- no speaker labels in this session (speaker labels off, or text without names)", err=True)
        return
    for s in found:
        if as_json:
            click.echo(json.dumps({"label": s.label, "name": s.name, "lines": s.lines, "seconds": round(s.seconds, 1),
                                   "first": round(s.first, 1), "sample": s.sample}))  # fmt: skip
            continue
        who = f"{s.label} -> {s.name}" if s.name else s.label
        sample = s.sample if len(s.sample) <= 90 else s.sample[:87] + "..."
        click.echo(f"{who:<20} {s.lines:>4} lines {clock(s.seconds):>8}  from [{clock(s.first)}]  \"{sample}\"")
