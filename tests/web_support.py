"""What the browser tests share: headless Debian chromium, `sinkscribe web` as a process, and a scripted
summarize stage that publishes a long meeting fast (real ZeroMQ, the wire protocol, a real session file)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import zmq

from bench.browser import BrowserMissing, wait_for  # noqa: F401 (the tests import wait_for from here)
from bench.browser import browser as _browser
from pipeline import transport, wire
from pipeline.messages import NoteItem, Relabel, Segment, Snapshot, SnapshotRequest, Status, Summary
from tests.conftest import ROOT


def browser(width: int = 1280, height: int = 900):
    """Headless Debian chromium (`bench.browser`); a missing browser fails the test with what to install."""
    try:
        return _browser(width, height)
    except BrowserMissing as exc:
        pytest.fail(str(exc))


class WebServer:
    """`sinkscribe web` as a separate process, restartable on the same port."""

    def __init__(self, config: Path, port: int, session_dir: Path, log: Path) -> None:
        self.cmd = [sys.executable, "-m", "pipeline.cli", "web", "--config", str(config), "--port", str(port),
                    "--session-dir", str(session_dir)]  # fmt: skip
        self.url = f"http://127.0.0.1:{port}/"
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                         env=os.environ | {"PYTHONPATH": str(ROOT)})  # fmt: skip
        wait_for(self._up, 60, f"sinkscribe web on {self.url}")

    def _up(self) -> bool:
        assert self.proc is not None and self.proc.poll() is None, self.log.read_text()
        try:
            with urllib.request.urlopen(self.url + "api/state", timeout=2) as reply:
                return reply.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                assert self.proc.wait(30) == 0, self.log.read_text()
            finally:
                if self.proc.poll() is None:
                    self.proc.kill()
                    self.proc.wait()


class ScriptedSummarize(threading.Thread):
    """A summarize stage without a model: `lines` segments stored in a real session file and published
    `rate` a second, notes every `notes_every` lines, snapshots served. For the long run of the page."""

    def __init__(self, ep, session_dir: Path, name: str, lines: int, rate: float, notes_every: int = 200,
                 lost: frozenset[int] = frozenset(), lead_s: float = 0.0,
                 relabels: dict[int, tuple[Relabel, ...]] | None = None) -> None:  # fmt: skip
        """`lost`: lines stored but never published (what a slow subscriber loses past its high-water mark);
        `lead_s`: seconds of status and snapshots only before the first line; `relabels`: speaker
        corrections line N carries (what transcribe's labeller sends)."""
        super().__init__(daemon=True)
        self.ep, self.name, self.lines, self.rate, self.notes_every = ep, name, lines, rate, notes_every
        self.lost, self.lead_s, self.relabels = lost, lead_s, relabels or {}
        self.path = session_dir / f"{name}.sqlite"
        self.done = threading.Event()
        self.stop = threading.Event()
        self.pub_seq = 0
        self.stored = -1
        self.notes: Summary | None = None

    def run(self) -> None:
        from stages.summarize.store import SessionStore

        ctx = zmq.Context.instance()
        pub = transport.open_socket(ctx, "pub", self.ep.summary, bind=True)
        router = transport.open_socket(ctx, "router", self.ep.requests, bind=True)
        store = SessionStore(self.path, "scripted")
        store.set_meta({"source_kind": "text", "source": "long.txt", "source_name": "long.txt",
                        "fingerprint": "x", "source_seconds": ""})  # fmt: skip
        try:
            next_line, start, last_status = 0, time.monotonic() + self.lead_s, 0.0
            while not self.stop.is_set():
                while router.poll(0):
                    self._serve(router)
                if time.monotonic() - last_status > 0.5:
                    last_status = time.monotonic()
                    self._publish(pub, Status("scripted", self._seq(), "summarize", time.time(),
                                              {"instance": "scripted", "stored_seq": self.stored,
                                               "session": str(self.path)}))  # fmt: skip
                due = min(self.lines, max(0, int((time.monotonic() - start) * self.rate)))
                while next_line < due:
                    seg = Segment("scripted", next_line, f"Line {next_line}: the team talks about item "
                                  f"{next_line % 37} of the plan.", next_line * 4.8, next_line * 4.8 + 4.5,
                                  speaker=("Maria", "David")[next_line % 2],
                                  relabels=self.relabels.get(next_line, ()))  # fmt: skip
                    store.add_segment(seg)
                    self.stored = next_line
                    if next_line not in self.lost:
                        self._publish(pub, seg)
                    next_line += 1
                    if next_line % self.notes_every == 0:
                        items = tuple(NoteItem("fact", f"Item {k} of the plan was discussed", seqs=(k,),
                                               starts=(k * 4.8,)) for k in range(0, next_line, self.notes_every))  # fmt: skip
                        self.notes = Summary("scripted", self._seq(), "notes", next_line - 1, next_line * 4.8,
                                             items=items)  # fmt: skip
                        self._publish(pub, self.notes)
                if next_line >= self.lines:
                    self.done.set()
                time.sleep(0.01)
        finally:
            store.close()
            pub.close(linger=0)
            router.close(linger=0)

    def _seq(self) -> int:
        self.pub_seq += 1
        return self.pub_seq

    def _publish(self, pub, msg) -> None:
        transport.send(pub, msg)

    def _serve(self, router) -> None:
        identity, *frames = router.recv_multipart()
        request = wire.decode(frames)
        if isinstance(request, SnapshotRequest):
            n = self.notes
            snap = Snapshot("scripted", self.pub_seq, request.request_id, self.pub_seq, n.text if n else "",
                            n.upto_seq if n else -1, n.upto if n else 0.0, self.stored, 0.0, session=self.name,
                            source="long.txt", items=n.items if n else ())  # fmt: skip
            router.send_multipart([identity, *wire.encode(snap)])


def chromium_available() -> bool:
    return shutil.which("chromium") is not None
