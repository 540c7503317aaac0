"""Debian's headless chromium driven by Selenium through Debian's chromedriver, for the browser tests, the
README screenshot (`bench.web_shot`) and the page soak (`bench.web_soak`): an explicit driver path, so
selenium-manager never downloads a browser or driver of its own; and the replay those two benchmarks
show in it (`web_replay`)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ROOT = Path(__file__).resolve().parent.parent


class BrowserMissing(RuntimeError):
    pass


def browser(width: int = 1280, height: int = 900):
    if not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()):
        raise BrowserMissing("chromium and chromium-driver are missing: `make test` installs them (Debian packages)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--enable-precise-memory-info"):  # fmt: skip
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def wait_for(check, timeout_s: float, what: str, every_s: float = 0.2):
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(every_s)


def page_loads(driver, url: str) -> bool:  # noqa: ANN001
    """Whether the page at `url` loads and is ours; False while the server is not up yet (retried)."""
    try:
        driver.get(url)
    except Exception:  # noqa: BLE001 (connection refused while the replay starts)
        return False
    return driver.title == "sinkscribe"


@contextlib.contextmanager
def web_replay(replay_args: list[str], folder: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    """`sinkscribe replay ARGS --web PORT --session-dir FOLDER/sessions` in its own process group, its
    output in FOLDER/replay.log; yields (process, port). On the way out it is stopped with Ctrl-C (then
    killed after 60 s), and the end of its log is written to stderr when it failed, so a benchmark that
    stops on an error shows the replay's reason too. A replay that already ended is not signalled."""
    from bench.asr import free_ports  # numpy and the pipeline: not for the tests that import this module

    port = free_ports(1)[0]
    log_path = folder / "replay.log"
    with open(log_path, "wb") as out:
        replay = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "replay", *replay_args, "--web", str(port),
             "--session-dir", str(folder / "sessions")],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=os.environ | {"PYTHONPATH": str(ROOT)},
            start_new_session=True,
        )  # fmt: skip
        try:
            yield replay, port
        finally:
            _stop(replay)
    if replay.returncode not in (0, -signal.SIGINT, 130):
        sys.stderr.write(log_path.read_text(errors="replace")[-3000:])


def _stop(replay: subprocess.Popen) -> None:
    for sig, wait_s in ((signal.SIGINT, 60.0), (signal.SIGKILL, None)):
        if replay.poll() is not None:
            return
        try:
            os.killpg(replay.pid, sig)
        except ProcessLookupError:  # ended between the poll and the signal
            pass
        try:
            replay.wait(wait_s)
            return
        except subprocess.TimeoutExpired:
            continue
