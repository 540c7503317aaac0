"""Sessions in PostgreSQL through the commands: `summarize.store = "postgresql://..."` in the config, a
real server (tests/pg_support.py), a real replay through the real processes and the small models, then
`sinkscribe sessions`, `export`, `speakers` and `ask` reading it back. Bad URLs and unreachable servers
are one-line errors (exit 2) that never show the password."""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from pipeline import config as config_io
from pipeline.cli import main
from tests.conftest import SAMPLES, free_port
from tests.pg_support import PASSWORD


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def config_with_store(tmp_path, app_config, url: str):
    from tests.test_summarize_stage import SMALL

    path = tmp_path / "pg.toml"
    text = config_io.dumps(app_config(stream="replay", summarize=dataclasses.replace(SMALL)))
    path.write_text(text.replace('store = ""', f"store = {json.dumps(url)}"))  # as a user writes it, checked on load
    assert url in path.read_text()
    return str(path)


def one_line_error(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and "Traceback" not in result.output, result.output
    assert PASSWORD not in result.output
    return lines[0]


def test_bad_url_and_unreachable_server_are_one_line_errors(tmp_path, app_config, pg_url):
    not_postgres = config_with_store(tmp_path, app_config, "mysql://sinkscribe:" + PASSWORD + "@127.0.0.1/db")
    assert "store must be empty" in one_line_error(cli("sessions", "--config", not_postgres))
    bad_port = config_with_store(tmp_path, app_config, pg_url.replace("@127.0.0.1:", "@127.0.0.1:x"))
    assert "is not a usable URL" in one_line_error(cli("export", "--config", bad_port))
    nobody = pg_url.rsplit(":", 1)[0] + f":{free_port()}/db"  # a port no server listens on
    unreachable = config_with_store(tmp_path, app_config, nobody)
    for command in (["sessions"], ["export"], ["speakers"], ["sessions", "show", "x"], ["ask", "--session", "x", "Who?"]):
        line = one_line_error(cli(*command, "--config", unreachable))
        assert line.startswith("Error: cannot reach the session database postgresql://sinkscribe@127.0.0.1:"), line
    empty = config_with_store(tmp_path, app_config, pg_url)
    listed = cli("sessions", "--config", empty)
    assert listed.exit_code == 0 and "no sessions in postgresql://sinkscribe@127.0.0.1" in listed.output
    assert PASSWORD not in listed.output


@pytest.mark.slow
def test_a_replay_into_postgresql_is_listed_exported_named_and_asked(tmp_path, app_config, pg_url):
    config = config_with_store(tmp_path, app_config, pg_url)
    # The demo script's first 20 lines (the owner of the migration included): the subject is the store on
    # PostgreSQL, so half the meeting does (the whole one took 80 s alone, over 5 min beside another test).
    script = tmp_path / "meeting.script.txt"
    script.write_text("".join((SAMPLES / "meeting.script.txt").read_text().splitlines(keepends=True)[:20]))
    replay = CliRunner().invoke(main, ["replay", str(script), "--text", "--speed", "0", "--config", config],
                                catch_exceptions=False)  # fmt: skip
    assert replay.exit_code == 0, replay.output
    name = replay.stderr.splitlines()[0].split()[2].rstrip(":")  # "-- session NAME: new, from ..."
    assert name.endswith("_meeting-script") or name.endswith("_meeting.script"), name
    assert f"FINAL SUMMARY of session {name} (meeting.script.txt)" in replay.stdout
    assert not list(tmp_path.rglob("*.sqlite")) and PASSWORD not in replay.output  # nothing went to files

    listed = cli("sessions", "--config", config)
    assert listed.exit_code == 0, listed.output
    row = listed.stdout.splitlines()[1]
    assert row.startswith(name) and "meeting.script.txt" in row and row.endswith("complete")
    as_json = json.loads(cli("sessions", "list", "--json", "--config", config).stdout)
    lines = len(script.read_text().splitlines())
    assert as_json["segments"] == lines and as_json["final"] and PASSWORD not in json.dumps(as_json)
    assert as_json["path"].startswith("postgresql://sinkscribe@127.0.0.1:") and as_json["path"].endswith("#" + name)

    exported = cli("export", name[:12], "--config", config)  # the unique start of the name is enough
    assert exported.exit_code == 0, exported.output
    assert "Good morning, everyone. Let's get started with the release plan" in exported.stdout
    assert "database migration" in exported.stdout and "Maria" in exported.stdout
    srt = cli("export", "--format", "srt", "--config", config)  # the latest session
    assert srt.exit_code == 0 and srt.stdout.startswith("1\n00:00:00,000 --> ") and f"session {name}" in srt.stderr

    named = cli("speakers", name, "--name", "David=David Chen", "--config", config)
    assert named.exit_code == 0 and "David -> David Chen" in named.stdout, named.output
    assert "David Chen:" in cli("export", name, "--format", "md", "--config", config).stdout

    asked = cli("ask", "--session", name, "--json", "--config", config, "Who owns the database migration?")
    assert asked.exit_code == 0, asked.output
    answer = json.loads(asked.stdout)
    assert answer["session"] == name and answer["citations"]  # retrieved from the store by PostgreSQL search
    shown = json.loads(cli("sessions", "show", name, "--json", "--config", config).stdout)
    assert [a["question"] for a in shown["answers"]] == ["Who owns the database migration?"]

    deleted = cli("sessions", "delete", name, "--yes", "--config", config)
    assert deleted.exit_code == 0 and "no sessions in" in cli("sessions", "--config", config).output


def test_the_web_page_reads_sessions_from_postgresql(app_config, pg_url):
    """`sinkscribe web` with the database shelf: the picker lists its sessions, a session's view, its
    lines and its export come from PostgreSQL (no stage running: the stored sessions alone)."""
    import urllib.error
    import urllib.request

    from pipeline.messages import Segment
    from pipeline.web import WebOptions, WebThread
    from stages.summarize.shelves import PgShelf

    shelf = PgShelf(pg_url)
    with shelf.open("2026-12-01_1000_web", "t") as store:
        for seq in range(30):
            store.add_segment(Segment("t", seq, f"Line {seq} of the meeting.", seq * 3.0, seq * 3.0 + 2.5))
        store.add_summary(29, 90.0, "Overview: thirty lines.", final=True)
        store.set_ended("eof", 90.0)

    def get(url: str):  # noqa: ANN202
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read().decode()
        return json.loads(body) if response.headers.get_content_type() == "application/json" else body

    page = WebThread(app_config(), shelf, WebOptions(port=free_port()))
    base = page.start()
    try:
        assert [s["name"] for s in get(base + "api/sessions")] == ["2026-12-01_1000_web"]
        view = get(base + "api/sessions/2026-12-01_1000_web")
        assert view["state"] == "complete" and view["notes"]["text"] == "Overview: thirty lines." and len(view["lines"]) == 30
        lines = get(base + "api/sessions/2026-12-01_1000_web/lines?before=10&limit=5")["lines"]
        assert [line["seq"] for line in lines] == [5, 6, 7, 8, 9]
        assert "Line 29 of the meeting." in get(base + "api/sessions/2026-12-01_1000_web/export?format=srt")
        with pytest.raises(urllib.error.HTTPError) as missing:
            get(base + "api/sessions/nope")
        assert missing.value.code == 404
    finally:
        page.stop()
        shelf.close()
