"""The example clients (examples/, docs/PROTOCOL.md) against a real `sinkscribe replay --text --serve`.

One replay serves both: the Python client is started with it and follows the notes live; the Node client
comes after the end of stream, a late joiner that gets the notes from the snapshot. Each asks a question
and must print the notes and an answer. Both also take a snapshot with CURVE key files from a `stage
summarize` that has CURVE on. Neither may import this project: they are what someone writes from the
protocol document alone.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import client
from pipeline import config as config_io
from stages.settings import AppConfig, SummarizeConfig
from tests.conftest import ROOT, loopback_endpoints

pytestmark = pytest.mark.slow
EXAMPLES = ROOT / "examples"
NODE_DIR = EXAMPLES / "node"
# Six lines of the sample meeting: a decision, an owner, a task with a day. Short, so the one final
# summary and two answers of the 135M model take seconds, not minutes.
TRANSCRIPT = """\
Maria: Okay, then let's make it official. We have decided to move the release date from March tenth to March twenty fourth.
David: Good. That gives us enough time to finish the migration safely.
Maria: Now, who will own the database migration? We need one person who is responsible for it from start to finish.
David: Sarah's team is busy with testing, so I will take it myself.
Maria: Great. David owns the database migration. Please send a plan to the team by Friday.
David: Yes, I will do that. I will also ask Kevin to help with the backup scripts.
"""
# Small, fast settings: notes only at the end of the stream (summary_every_s = 0), short generations.
FAST = SummarizeConfig(window_tokens=256, summary_every_s=0.0, summary_max_tokens=60, answer_max_tokens=32)
WAIT_S = 300  # generous: on a loaded 2-core machine the model's load and first generation take minutes


@dataclasses.dataclass
class Replay:
    proc: subprocess.Popen
    summary: str
    requests: str
    log: Path

    def client_args(self, question: str) -> list[str]:
        return ["--summary", self.summary, "--requests", self.requests, "--question", question,
                "--timeout", str(WAIT_S), "--follow", str(WAIT_S), "--answer-timeout", str(WAIT_S)]  # fmt: skip

    def wait_ended(self, timeout_s: float) -> None:
        """Until the stage's snapshot says the stream has ended (its final summary is out)."""
        deadline = time.monotonic() + timeout_s
        while not client.snapshot(self.requests, timeout_s=timeout_s).ended:
            assert time.monotonic() < deadline and self.proc.poll() is None, self.log.read_text()
            time.sleep(0.5)


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    """`sinkscribe replay TRANSCRIPT --text --speed 0 --serve` on free ports, until the module is done."""
    folder = tmp_path_factory.mktemp("examples")
    transcript = folder / "meeting.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    cfg = AppConfig(stream="examples", endpoints=loopback_endpoints(), heartbeat_s=0.5, summarize=FAST)
    config = folder / "replay.toml"
    config.write_text(config_io.dumps(cfg), encoding="utf-8")
    log = folder / "replay.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "replay", str(transcript), "--text", "--speed", "0", "--serve",
             "--config", str(config), "--session-dir", str(folder / "sessions")],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=os.environ | {"PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    try:
        yield Replay(proc, cfg.endpoints.summary, cfg.endpoints.requests, log)
    finally:
        proc.send_signal(signal.SIGINT)  # --serve answers until Ctrl-C
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_client(cmd: list[str], replay: Replay, cwd: Path) -> subprocess.CompletedProcess:
    t0 = time.monotonic()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=3 * WAIT_S)
    took = time.monotonic() - t0
    assert replay.proc.poll() is None, "the replay ended early:\n" + replay.log.read_text()
    assert result.returncode == 0, f"exit {result.returncode} after {took:.0f} s\n{result.stdout}\n{result.stderr}"
    return result


def check_output(out: str, question: str) -> None:
    assert "-- session " in out  # from the snapshot
    lines = out.splitlines()
    notes = [i for i, line in enumerate(lines) if line.startswith("== notes up to ")]
    # Each notes header is followed by the notes: their items ("- action: ..."), or their text
    # ("Decisions:" first) when there are none or they come from a snapshot.
    assert notes and all(lines[i + 1].startswith(("Decisions:", "- ")) for i in notes), out
    assert f"Q: {question}" in out
    answer = [line for line in out.splitlines() if line.startswith("A: ")]
    assert len(answer) == 1 and len(answer[0]) > 5, out


def test_python_client_follows_the_notes_and_gets_an_answer(replay, tmp_path):
    question = "Who owns the database migration?"
    # Run from elsewhere, with nothing of this checkout on its path: only pyzmq and the standard library.
    result = run_client([sys.executable, str(EXAMPLES / "python_client.py"), *replay.client_args(question)],
                        replay, cwd=tmp_path)  # fmt: skip
    check_output(result.stdout, question)
    # Started with the replay, it saw the final summary published, then the end of stream.
    assert "final (update) ==" in result.stdout and "-- end of stream (eof)" in result.stdout, result.stdout


def node_client_ready() -> str:
    """The `node` executable once examples/node/node_modules holds zeromq (`npm ci` from the lock file)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js or npm is not installed (`make test` installs them: Debian packages nodejs, npm)")
    if not (NODE_DIR / "node_modules" / "zeromq" / "package.json").is_file():
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, capture_output=True, text=True,
                              timeout=600)  # fmt: skip
        assert done.returncode == 0, f"npm ci failed in {NODE_DIR}:\n{done.stdout}\n{done.stderr}"
    return node


def test_node_client_joins_late_and_gets_the_notes_and_an_answer(replay, tmp_path):
    node = node_client_ready()
    replay.wait_ended(2 * WAIT_S)
    question = "When is the new release date?"
    result = run_client([node, str(NODE_DIR / "client.js"), *replay.client_args(question)], replay, cwd=tmp_path)
    check_output(result.stdout, question)
    # A late joiner: the notes come from the snapshot, which says the stream has ended.
    assert "ended (eof)" in result.stdout and "(snapshot) ==" in result.stdout, result.stdout


@pytest.mark.parametrize("client", ["python_client.py", "node/client.js"])
def test_examples_import_nothing_of_this_project(client):
    source = (EXAMPLES / client).read_text(encoding="utf-8")
    if client.endswith(".py"):
        imported = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add((node.module or "").split(".")[0])
        assert imported <= set(sys.stdlib_module_names) | {"zmq"}, imported
    else:
        required = set(re.findall(r"require\(\"([^\"]+)\"\)", source))
        assert required and all(r == "zeromq" or r.startswith("node:") for r in required), required


def test_both_clients_speak_curve_with_the_generated_key_files(tmp_path):
    """With CURVE on, a client with the allow-listed key pair and the server's public key gets the
    snapshot; one with a key pair the server does not know gets nothing (and says so)."""
    from pipeline.security import Security, generate_keys

    keys, stranger = tmp_path / "keys", tmp_path / "stranger"
    generate_keys(keys)
    generate_keys(stranger)
    shutil.copy(keys / "server.key", stranger / "server.key")  # knows the server, is not allow-listed
    cfg = AppConfig(stream="curve", endpoints=loopback_endpoints(), heartbeat_s=0.5,
                    summarize=dataclasses.replace(FAST, session_dir=str(tmp_path / "sessions")),
                    security=Security(curve=True, keys_dir=str(keys)))  # fmt: skip
    config = tmp_path / "summarize.toml"
    config.write_text(config_io.dumps(cfg), encoding="utf-8")
    stage = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "stage", "summarize", "--config", str(config)],
                             cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)})  # fmt: skip
    endpoints = ["--summary", cfg.endpoints.summary, "--requests", cfg.endpoints.requests, "--follow", "0"]
    clients = {"python": [sys.executable, str(EXAMPLES / "python_client.py")]}
    if shutil.which("node") and (NODE_DIR / "node_modules" / "zeromq").is_dir():  # installed by the test above
        clients["node"] = [shutil.which("node"), str(NODE_DIR / "client.js")]
    try:
        for name, cmd in clients.items():
            ok = subprocess.run([*cmd, *endpoints, "--curve-keys", str(keys), "--timeout", str(WAIT_S)],
                                capture_output=True, text=True, timeout=2 * WAIT_S)  # fmt: skip
            assert ok.returncode == 0 and "-- session curve (" in ok.stdout, (name, ok.stdout, ok.stderr)
            refused = subprocess.run([*cmd, *endpoints, "--curve-keys", str(stranger), "--timeout", "3"],
                                     capture_output=True, text=True, timeout=60)  # fmt: skip
            assert refused.returncode == 1 and "no snapshot" in refused.stderr, (name, refused.stdout, refused.stderr)
    finally:
        stage.terminate()
        try:
            assert stage.wait(60) == 0  # a CURVE stage used to hang in Context.term() here
        finally:
            if stage.poll() is None:
                stage.kill()
                stage.wait()
