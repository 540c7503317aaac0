"""`sinkscribe voices`: named voice profiles, enrolled from a short recording of one person and matched
by transcribe's speaker labels in later sessions (stages/voices.py)."""

from __future__ import annotations

import json
import time

import click
import numpy as np

from pipeline.cli_common import UserError, user_errors


@click.group()
def voices() -> None:
    """Named voice profiles: live speaker labels use the name when a voice matches (else S1, S2 ...)."""


@voices.command("add")
@click.argument("name")
@click.argument("recording", type=click.Path(dir_okay=False))
@click.option("--replace", "replace_", is_flag=True, help="Replace an existing profile of that name.")
@user_errors
def voices_add(name: str, recording: str, replace_: bool) -> None:
    """Enroll NAME from RECORDING: 10-30 s of that person speaking alone (any audio file; pauses are
    skipped, at least 5 s of speech).

    \b
    Examples:
      sinkscribe voices add Maria maria-intro.wav
      sinkscribe voices add "David Chen" david.ogg --replace
    """
    from stages import voices as profiles
    from stages.audio_io import read_file
    from stages.speaker_model import SpeakerEncoder

    name = profiles.check_name(name)
    if not replace_ and any(v.name.lower() == name.lower() for v in profiles.load_all()):
        raise UserError(f"a voice named '{name}' exists; --replace to enroll it again")
    samples = np.concatenate(list(read_file(recording)))
    voice = profiles.enroll(name, samples, SpeakerEncoder(), click.format_filename(recording))
    path = profiles.save(voice)
    click.echo(f"enrolled {voice.name} from {voice.speech_s:.1f} s of speech -> {path}")


@voices.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@user_errors
def voices_list(as_json: bool) -> None:
    """The enrolled voices."""
    from stages import voices as profiles

    found = profiles.load_all()
    if not found and not as_json:
        click.echo(f"-- no voices enrolled ({profiles.voices_dir()}); add one: sinkscribe voices add NAME FILE", err=True)
    for v in found:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(v.created)) if v.created else "-"
        if as_json:
            click.echo(json.dumps({"name": v.name, "speech_s": v.speech_s, "created": v.created, "source": v.source}))
        else:
            click.echo(f"{v.name:<24} {v.speech_s:>5.1f} s of speech  enrolled {when}  from {v.source}")


@voices.command("remove")
@click.argument("name")
@user_errors
def voices_remove(name: str) -> None:
    """Forget a voice."""
    from stages import voices as profiles

    if not profiles.remove(name):
        raise UserError(f"no voice named '{name}' (see: sinkscribe voices list)")
    click.echo(f"removed {name}")
