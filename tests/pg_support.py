"""A real PostgreSQL server for the tests: Debian's `postgresql` 15 binaries, `initdb` into a temp folder,
its own free port, its unix socket in that folder, stopped and removed at the end of the test session.

initdb refuses to run as root, so as root the server runs as the `postgres` user the Debian package makes
(`runuser -u postgres --`); as anyone else it runs as that user. TCP on loopback with a password
(scram-sha-256), so the tests also see that no command ever prints it. Each test gets a database of its own.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")
USER = "sinkscribe"
PASSWORD = "pw-" + uuid.uuid4().hex[:12]  # random: a test that finds it in output found a leak


class PgServer:
    def __init__(self, base: Path, port: int) -> None:
        self.base, self.port = base, port
        self.data, self.socket_dir = base / "data", base / "socket"

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{db}"

    def admin(self):  # noqa: ANN201
        import psycopg

        return psycopg.connect(self.url(), autocommit=True)

    def new_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def start_server(port: int) -> Iterator[PgServer]:
    if not sys.platform.startswith("linux"):
        pytest.skip("the PostgreSQL fixture uses Debian's server binaries (Linux only)")
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"{PG_BIN}/initdb is missing: `make test` installs it (Debian package postgresql)")
    base = Path(tempfile.mkdtemp(prefix="sinkscribe-pg-"))
    server = PgServer(base, port)
    try:
        server.socket_dir.mkdir()
        (base / "pwfile").write_text(PASSWORD + "\n")
        if os.geteuid() == 0:  # the server's own user owns the folder it writes
            owner = pwd.getpwnam("postgres")
            for path in (base, server.socket_dir, base / "pwfile"):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        os.chmod(base, 0o700)
        run = lambda *argv: subprocess.run(_as_server_user([str(a) for a in argv]), check=True,  # noqa: E731
                                           capture_output=True, text=True, timeout=120)  # fmt: skip
        run(PG_BIN / "initdb", "-D", server.data, "-U", USER, f"--pwfile={base / 'pwfile'}", "--auth-local=trust",
            "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        # fsync off: a test server that dies loses nothing anyone needs; it spares the shared disk
        options = f"-p {port} -k {server.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(PG_BIN / "pg_ctl", "-D", server.data, "-l", base / "server.log", "-o", options, "-w", "-t", "60", "start")
        try:
            yield server
        finally:
            run(PG_BIN / "pg_ctl", "-D", server.data, "-m", "fast", "-w", "stop")
    except subprocess.CalledProcessError as exc:
        log = (base / "server.log").read_text() if (base / "server.log").exists() else ""
        pytest.fail(f"PostgreSQL test server: {exc.cmd[-1]} failed: {exc.stderr.strip()} {log[-2000:]}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
