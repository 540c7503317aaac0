"""Sessions: a new recording never lands in another meeting's session; resuming is asked for and checked;
`sinkscribe sessions` lists, shows and deletes. Catalogue rules on real SQLite files (fast); the two
recordings one after the other through the real processes and models (slow)."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from click.testing import CliRunner

from pipeline import config as config_io
from pipeline.cli import main
from pipeline.errors import ConfigError, InputError
from pipeline.messages import Segment
from stages.recording import Recording, identify, identify_audio, identify_text, label
from stages.summarize import catalog
from stages.summarize.store import SessionStore
from tests.conftest import SAMPLES

HUMAN_A = SAMPLES / "human" / "queue-youarenext.flac"  # "Your call is now first in line ..."
HUMAN_B = SAMPLES / "human" / "ss-noservice.flac"  # "The number you have dialed is not in service ..."
NOON = time.mktime((2026, 12, 1, 14, 5, 0, 0, 0, -1))


def text_file(path, *lines: str):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fill(path, recording: Recording | None, texts: list[str], ended: str | None = None, final: bool = False) -> None:
    """A stored session as a run leaves it: the recording's identity, segments, a summary, maybe an end."""
    with SessionStore(path, "replay") as store:
        if recording is not None:
            store.set_meta(catalog.recording_meta(recording))
        for seq, text in enumerate(texts):
            store.add_segment(Segment("replay", seq, text, seq * 3.0, seq * 3.0 + 2.5))
        if texts:
            store.add_summary(len(texts) - 1, len(texts) * 3.0, "Overview: " + texts[0], final=final)
        if ended:
            store.set_ended(ended, len(texts) * 3.0)


# -- recordings and names ------------------------------------------------------------------------------------
def test_audio_fingerprint_is_the_audio_not_the_name(tmp_path):
    a, b = identify_audio(HUMAN_A), identify_audio(HUMAN_B)
    assert a.kind == b.kind == "file" and a.fingerprint != b.fingerprint and len(a.fingerprint) == 64
    assert a.seconds and 2 < a.seconds < 20 and a.name == HUMAN_A.name
    renamed = shutil.copy(HUMAN_A, tmp_path / "meeting.flac")
    assert identify_audio(renamed).fingerprint == a.fingerprint  # a copy under another name is the same
    same_name = shutil.copy(HUMAN_B, tmp_path / HUMAN_A.name)
    assert identify_audio(same_name).fingerprint == b.fingerprint  # another recording under that name is not


def test_text_and_live_sources(tmp_path):
    one = identify_text(text_file(tmp_path / "notes.txt", "Ann: hello"))
    assert one.kind == "text" and one.fingerprint and one.name == "notes.txt"
    assert identify_text(text_file(tmp_path / "other.txt", "Ann: hello")).fingerprint == one.fingerprint
    assert identify_text(text_file(tmp_path / "x.txt", "Ann: bye")).fingerprint != one.fingerprint
    assert identify("mic").live and identify("-").kind == "stdin"


def test_names_say_when_and_what_and_never_collide(tmp_path):
    rec = Recording("file", "/x/Team Sync (final).wav", "Team Sync (final).wav", "ab" * 32, 60.0)
    assert label(rec) == "Team-Sync-final" and label(identify("mic")) == "mic"
    names = [catalog.new_name(tmp_path, rec, NOON) for _ in range(3)]
    assert names == ["2026-12-01_1405_Team-Sync-final", "2026-12-01_1405_Team-Sync-final-2",
                     "2026-12-01_1405_Team-Sync-final-3"]  # fmt: skip
    assert all((tmp_path / f"{n}.sqlite").exists() for n in names)  # reserved at once


# -- choosing a run's session --------------------------------------------------------------------------------
def test_a_new_run_gets_a_new_session_with_its_recording(tmp_path):
    rec = identify_text(text_file(tmp_path / "a.txt", "Ann: the Falcon budget"))
    first = catalog.open_session(tmp_path, rec, now=NOON)
    second = catalog.open_session(tmp_path, rec, now=NOON)  # the same file again, no --resume: new
    assert (first.name, second.name) == ("2026-12-01_1405_a", "2026-12-01_1405_a-2")
    assert not first.resumed and not second.resumed
    assert catalog.info(first.ref).recording == rec
    named = catalog.open_session(tmp_path, rec, session="standup")  # --session naming no session: made
    assert named.name == "standup" and not named.resumed and named.ref.exists()


def test_resume_checks_the_recording_and_continues(tmp_path):
    a = identify_text(text_file(tmp_path / "a.txt", "Ann: the Falcon budget"))
    b = identify_text(text_file(tmp_path / "b.txt", "Bob: hiring in Lisbon"))
    path = tmp_path / "s.sqlite"
    fill(path, a, ["the Falcon budget", "was approved"], ended="interrupted", final=True)
    with pytest.raises(InputError) as exc:
        catalog.open_session(tmp_path, b, resume="s")
    message = str(exc.value)
    assert "\n" not in message and "a.txt" in message and "b.txt differs" in message
    assert a.fingerprint[:12] in message and b.fingerprint[:12] in message and "without --resume" in message
    with pytest.raises(InputError, match="a new --session name"):
        catalog.open_session(tmp_path, b, session="s")  # --session naming a session is a resume: checked
    opened = catalog.open_session(tmp_path, a, resume="s")
    assert opened.resumed and opened.name == "s" and opened.resume_at == pytest.approx(5.5)
    assert catalog.info(path).ended == ""  # reopened: the snapshot will not call it over
    with pytest.raises(ConfigError, match="not both"):
        catalog.open_session(tmp_path, a, session="s", resume="s")


def test_unfinished_sessions_of_the_same_recording_are_found(tmp_path):
    """A new run of a file names an earlier session of it that stopped early (`--resume` continues it)."""
    a = identify_text(text_file(tmp_path / "a.txt", "Ann: the Falcon budget"))
    b = identify_text(text_file(tmp_path / "b.txt", "Bob: hiring in Lisbon"))
    fill(tmp_path / "crashed.sqlite", a, ["the Falcon budget"])
    fill(tmp_path / "stopped.sqlite", a, ["the Falcon budget"], ended="interrupted")
    fill(tmp_path / "done.sqlite", a, ["the Falcon budget"], ended="eof")
    fill(tmp_path / "other.sqlite", b, ["hiring"])
    fill(tmp_path / "mic.sqlite", identify("mic"), ["live"])
    assert sorted(s.name for s in catalog.unfinished(tmp_path, a)) == ["crashed", "stopped"]
    assert [s.name for s in catalog.unfinished(tmp_path, a, exclude="crashed")] == ["stopped"]
    assert catalog.unfinished(tmp_path, identify("mic")) == []


def test_resume_refusals(tmp_path):
    a = identify_text(text_file(tmp_path / "a.txt", "Ann: the Falcon budget"))
    with pytest.raises(InputError, match="no session 'nope'"):
        catalog.open_session(tmp_path, a, resume="nope")
    fill(tmp_path / "done.sqlite", a, ["the Falcon budget"], ended="eof", final=True)
    with pytest.raises(InputError, match="is complete: all of a.txt is in it"):
        catalog.open_session(tmp_path, a, resume="done")
    fill(tmp_path / "old.sqlite", None, ["made before sessions knew their recording"])
    with pytest.raises(InputError, match="cannot be checked"):
        catalog.open_session(tmp_path, a, resume="old")
    fill(tmp_path / "mic.sqlite", identify("mic"), ["live words"], ended="interrupted")
    with pytest.raises(InputError, match="from the microphone, not a transcript"):
        catalog.open_session(tmp_path, a, resume="mic")
    assert catalog.open_session(tmp_path, identify("mic"), resume="mic").resumed  # a live source continues
    with pytest.raises(ConfigError, match="plain name"):
        catalog.open_session(tmp_path, a, session="../elsewhere")


def test_resume_of_another_audio_recording_is_one_line_exit_2(tmp_path):
    """The CLI edge: nothing starts, one line says what differs and how to start fresh."""
    with SessionStore(tmp_path / "a.sqlite") as store:
        store.set_meta(catalog.recording_meta(identify_audio(HUMAN_A)))
        store.set_ended("interrupted", 1.0)
    result = CliRunner().invoke(main, ["replay", str(HUMAN_B), "--resume", "a", "--session-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: session 'a' was recorded from queue-youarenext.flac")
    assert "ss-noservice.flac differs" in lines[0] and "run without --resume" in lines[0]


# -- sinkscribe sessions / export ----------------------------------------------------------------------------
@pytest.fixture
def stored(tmp_path):
    a = identify_text(text_file(tmp_path / "a.txt", "x"))
    fill(tmp_path / "2026-12-01_1405_a.sqlite", a, ["the Falcon budget", "is approved"], ended="eof", final=True)
    fill(tmp_path / "2026-12-01_1410_b.sqlite", identify("mic"), ["hiring in Lisbon"])
    return tmp_path


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_sessions_lists(stored):
    result = cli("sessions", "--session-dir", str(stored))
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0].split() == ["NAME", "SOURCE", "STARTED", "AUDIO", "SEGMENTS", "LAST", "SUMMARY", "STATE"]
    assert rows[1].startswith("2026-12-01_1405_a") and "a.txt" in rows[1] and rows[1].endswith("complete")
    assert rows[2].startswith("2026-12-01_1410_b") and "microphone" in rows[2] and rows[2].endswith("open")
    listed = [json.loads(line) for line in cli("sessions", "list", "--json", "--session-dir", str(stored)).stdout.splitlines()]
    assert [s["name"] for s in listed] == ["2026-12-01_1405_a", "2026-12-01_1410_b"]
    assert listed[0]["segments"] == 2 and listed[0]["recording"]["name"] == "a.txt" and listed[0]["final"]
    assert listed[0]["audio_seconds"] == 6.0 and listed[0]["state"] == "complete" and listed[1]["state"] == "open"


def test_sessions_show_names_session_and_recording(stored):
    result = cli("sessions", "show", "2026-12-01_1405_a", "--session-dir", str(stored))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Session 2026-12-01_1405_a\nRecorded from a.txt (fingerprint ")
    assert "── FINAL NOTES of session 2026-12-01_1405_a (a.txt), up to 00:06.0 ──\nOverview: the Falcon budget" in out
    latest = cli("sessions", "show", "--json", "--session-dir", str(stored))  # no name: the latest, said so
    assert json.loads(latest.stdout)["name"] == "2026-12-01_1410_b"
    assert "showing session 2026-12-01_1410_b (microphone), the latest" in latest.stderr
    by_prefix = cli("sessions", "show", "2026-12-01_1405", "--session-dir", str(stored))
    assert by_prefix.stdout == out and "session 2026-12-01_1405_a" in by_prefix.stderr
    ambiguous = cli("sessions", "show", "2026-12", "--session-dir", str(stored))
    assert ambiguous.exit_code == 2 and "names 2 sessions" in ambiguous.output


def test_sessions_delete(stored):
    kept = cli("sessions", "delete", "2026-12-01_1410_b", "--session-dir", str(stored), input="n\n")
    assert kept.exit_code == 1 and (stored / "2026-12-01_1410_b.sqlite").exists()
    gone = cli("sessions", "delete", "2026-12-01_1410_b", "--yes", "--session-dir", str(stored))
    assert gone.exit_code == 0 and "deleted session 2026-12-01_1410_b" in gone.output
    assert sorted(p.name for p in stored.iterdir() if "_b" in p.name) == []  # no -wal / -shm left either
    missing = cli("sessions", "delete", "2026-12-01_1410_b", "--yes", "--session-dir", str(stored))
    assert missing.exit_code == 2 and "no session" in missing.output


def test_export_names_the_session_it_exports(stored):
    named = cli("export", "2026-12-01_1405_a", "--session-dir", str(stored))
    assert named.exit_code == 0 and named.stderr == ""
    assert named.stdout.startswith("# Session 2026-12-01_1405_a\n\nRecorded from a.txt (fingerprint ")
    latest = cli("export", "--format", "srt", "--session-dir", str(stored))
    assert "exporting session 2026-12-01_1410_b (microphone), the latest" in latest.stderr
    assert "hiring in Lisbon" in latest.stdout
    empty = cli("export", "--session-dir", str(stored / "none"))
    assert empty.exit_code == 2 and "no sessions in" in empty.output


# -- the scenario through the real processes -------------------------------------------------------
@pytest.fixture
def replay_cli(app_config, tmp_path):
    """`sinkscribe replay ... --speed 0` on free ports, the tiny models, sessions in tmp_path/sessions."""
    import dataclasses

    from tests.test_summarize_stage import SMALL

    config = tmp_path / "replay.toml"
    config.write_text(config_io.dumps(app_config(stream="replay", summarize=dataclasses.replace(SMALL))))
    sessions = tmp_path / "sessions"

    def run(source, *args: str):
        result = CliRunner().invoke(main, ["replay", str(source), "--speed", "0", "--config", str(config),
                                           "--session-dir", str(sessions), *args], catch_exceptions=False)  # fmt: skip
        assert result.exit_code == 0, result.output
        return result

    run.sessions = sessions
    return run


def started_session(result) -> str:
    first = result.stderr.splitlines()[0]  # "-- session NAME: new, from FILE (...)"
    assert first.startswith("-- session ")
    return first.split()[2].rstrip(":")


def stored_text(path) -> str:
    with SessionStore.open_existing(path) as store:
        return " ".join(s.text for s in store.segments()).lower()


@pytest.mark.slow
def test_two_recordings_one_after_the_other_give_two_sessions_each_with_its_own_words(replay_cli):
    first = replay_cli(HUMAN_A)
    second = replay_cli(HUMAN_B)  # shorter than A: it used to be skipped whole as "A resuming at its end"
    a, b = started_session(first), started_session(second)
    assert a != b and a.endswith("_queue-youarenext") and b.endswith("_ss-noservice")
    assert sorted(p.stem for p in replay_cli.sessions.glob("*.sqlite")) == sorted([a, b])
    a_text, b_text = stored_text(replay_cli.sessions / f"{a}.sqlite"), stored_text(replay_cli.sessions / f"{b}.sqlite")
    assert "first in line" in a_text and "service" in b_text
    for word in ("first", "line", "representative", "answered"):  # none of A in B
        assert word not in b_text and word not in second.stdout.lower()
    assert f"── FINAL SUMMARY of session {b} (ss-noservice.flac), up to " in second.stdout
    assert f"session {b} (ss-noservice.flac)" in second.stderr.splitlines()[-1]
    with SessionStore.open_existing(replay_cli.sessions / f"{b}.sqlite") as store:
        assert store.latest_summary().final and store.ended()["reason"] == "eof"


@pytest.mark.slow
def test_the_same_transcript_again_without_resume_is_a_new_session(replay_cli, tmp_path):
    """`make demo` twice: the second run shows fresh captions and its own notes, in a session of its own."""
    script = text_file(tmp_path / "standup.txt", "Ann: The Falcon budget is approved.", "Bob: Kestrel ships in May.")
    first, second = replay_cli(script, "--text"), replay_cli(script, "--text")
    a, b = started_session(first), started_session(second)
    assert a != b and "new, from standup.txt" in second.stderr
    assert "Kestrel ships in May." in second.stdout and f"FINAL SUMMARY of session {b} (standup.txt)" in second.stdout
    for name in (a, b):
        with SessionStore.open_existing(replay_cli.sessions / f"{name}.sqlite") as store:
            assert [s.text for s in store.segments()] == ["The Falcon budget is approved.", "Kestrel ships in May."]
    listed = cli("sessions", "--session-dir", str(replay_cli.sessions)).stdout
    assert a in listed and b in listed and listed.count("complete") == 2


@pytest.mark.slow
def test_stages_on_a_finished_session_append_nothing(app_config, tmp_path):
    """Stages run alone keep their configured session; started on one that has ended, capture reads no
    audio and ends by itself: another meeting is never appended to a finished one."""
    import dataclasses

    from pipeline.supervisor import Supervisor
    from tests.test_summarize_stage import SMALL

    fill(tmp_path / "old.sqlite", identify_audio(HUMAN_A), ["your call is now first in line"], ended="eof", final=True)
    cfg = app_config(stream="replay", capture__source=str(HUMAN_B), capture__speed=1.0,
                     summarize=dataclasses.replace(SMALL, session_dir=str(tmp_path), session="old"))  # fmt: skip
    with Supervisor(cfg) as sup:
        for name in ("summarize", "transcribe", "capture"):
            sup.start(name)
        assert sup.wait("capture", 180) == 0  # at speed 1 it would take the recording's 5 s and more
    with SessionStore.open_existing(tmp_path / "old.sqlite") as store:
        assert [s.text for s in store.segments()] == ["your call is now first in line"]
        assert store.ended()["reason"] == "eof" and len(store.summaries()) == 1


def test_ask_a_stored_session_after_it_ended(tmp_path):
    """`ask --session` loads the model here (the small test model), resumes the stored session and
    answers from it; the answer is stored with the session, so the export lists it."""
    path = tmp_path / "2026-12-01_1405_a.sqlite"
    fill(path, None, ["Great, David owns the database migration.", "Please send a plan by Friday."], ended="eof",
         final=True)  # fmt: skip
    result = cli("ask", "--session", "2026-12-01_1405_a", "--session-dir", str(tmp_path), "--json",
                 "Who owns the database migration?")  # fmt: skip
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["type"] == "answer" and answer["session"] == "2026-12-01_1405_a" and answer["text"]
    with SessionStore.open_existing(path) as store:
        assert [a["question"] for a in store.answers()] == ["Who owns the database migration?"]
    assert "Who owns the database migration?" in cli("export", str(path)).stdout
    missing = CliRunner().invoke(main, ["ask", "--session", "nope", "--session-dir", str(tmp_path), "Who?"])
    assert missing.exit_code != 0 and "Traceback" not in missing.output and len(missing.output.strip().splitlines()) == 1
