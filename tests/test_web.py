"""`sinkscribe web`: the bridge's HTTP side with bad input, and the page in a real browser (Debian's
headless chromium through Selenium) against a real `sinkscribe replay --text --serve` with the tiny model:
the page loads, captions and notes arrive, a question's citation scrolls the transcript to its line, the
page reconnects and catches up after the web server restarts; and over a long fast meeting (a scripted
summarize: thousands of lines in seconds) the DOM stays bounded and older lines load on scroll.

Set SINKSCRIBE_WEB_SCREENSHOT=FILE to keep its screenshot (the README's is `make demo`'s replay: bench/web_shot.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipeline import config as config_io
from stages.settings import AppConfig
from tests.conftest import ROOT, free_port, loopback_endpoints
from tests.test_examples import FAST, TRANSCRIPT
from tests.web_support import ScriptedSummarize, WebServer, browser, wait_for

WAIT_S = 300  # a loaded 2-core machine: the model's load and final summary can take minutes


def write_config(folder: Path, stream: str) -> tuple[AppConfig, Path]:
    cfg = AppConfig(stream=stream, endpoints=loopback_endpoints(), heartbeat_s=0.5, summarize=FAST)
    path = folder / f"{stream}.toml"
    path.write_text(config_io.dumps(cfg), encoding="utf-8")
    return cfg, path


def http(url: str, body: dict | bytes | None = None, headers: dict | None = None) -> tuple[int, dict | str]:
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            status, raw, kind = reply.status, reply.read(), reply.headers.get_content_type()
    except urllib.error.HTTPError as err:
        status, raw, kind = err.code, err.read(), err.headers.get_content_type()
    return status, json.loads(raw) if kind == "application/json" else raw.decode()


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=os.environ | {"PYTHONPATH": str(ROOT)})  # fmt: skip


# -- the server alone: bad input is a clean error ----------------------------------------------------------
@pytest.fixture(scope="module")
def scripted(tmp_path_factory):
    """`sinkscribe web` in front of a scripted summarize that has published a short stored meeting."""
    folder = tmp_path_factory.mktemp("web-http")
    sessions = folder / "sessions"
    sessions.mkdir()
    cfg, config = write_config(folder, "http")
    stage = ScriptedSummarize(cfg.endpoints, sessions, "2026-12-01_1000_long", lines=30, rate=1000)
    stage.start()
    server = WebServer(config, free_port(), sessions, folder / "web.log")
    server.start()
    try:
        yield server, stage
    finally:
        server.stop()
        stage.stop.set()
        stage.join(10)


def test_bad_requests_get_a_clean_error_and_nothing_is_lost(scripted):
    server, stage = scripted
    url = server.url
    wait_for(lambda: http(url + "api/state")[1]["connected"], 30, "the snapshot")
    assert http(url + "api/ask", {"question": "   "}) == (400, {"error": "the question is empty"})
    status, body = http(url + "api/ask", {"question": "x" * 501})
    assert status == 400 and "the limit is 500" in body["error"]
    assert http(url + "api/ask", b"not json")[0] == 400
    assert http(url + "api/ask", b"x" * 100_000)[0] == 413  # bigger than any question: refused unread
    assert http(url + "api/ask", {"question": "hi"}, {"Origin": "http://evil.example"})[0] == 403
    assert http(url + "api/state", headers={"Host": "evil.example"})[0] == 403  # DNS rebinding
    for name in ("nope", "..", "..%2F..%2Fetc%2Fpasswd", ".hidden"):
        status, body = http(url + f"api/sessions/{name}/lines")
        assert status == 404 and "error" in body, (name, status, body)
    assert http(url + "api/sessions/2026-12-01_1000_long/export?format=exe")[0] == 400
    assert http(url + "api/sessions/2026-12-01_1000_long/lines?before=x")[0] == 400
    # ... and the server still serves everything it had.
    status, body = http(url + "api/sessions/2026-12-01_1000_long/lines?before=10&limit=5")
    assert status == 200 and [line["seq"] for line in body["lines"]] == [5, 6, 7, 8, 9]
    status, srt = http(url + "api/sessions/2026-12-01_1000_long/export?format=srt")
    assert status == 200 and "Line 29" in srt
    assert len(http(url + "api/state")[1]["lines"]) == 30
    assert server.proc.poll() is None


def test_lines_lost_on_the_way_are_read_from_the_store(tmp_path):
    """A slow subscriber loses messages past ZeroMQ's high-water mark; the page stops following at a hole.
    The bridge fills holes from the store, the meeting's last line too (no later line reveals that one)."""
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    cfg, config = write_config(tmp_path, "lossy")
    lost = frozenset({5, 6, 40, 59})
    stage = ScriptedSummarize(cfg.endpoints, sessions, "2026-12-01_1000_lossy", lines=60, rate=40, lost=lost,
                              lead_s=3.0)  # fmt: skip
    stage.start()
    server = WebServer(config, free_port(), sessions, tmp_path / "web.log")
    server.start()
    try:
        wait_for(lambda: http(server.url + "api/state")[1]["connected"], 30, "the snapshot")
        seqs = wait_for(lambda: (s := [line["seq"] for line in http(server.url + "api/state")[1]["lines"]])
                        and s[-1] == 59 and s, 30, "the last line")  # fmt: skip
        assert seqs == list(range(60)), seqs
    finally:
        server.stop()
        stage.stop.set()
        stage.join(10)


def test_a_speaker_correction_reaches_the_page_and_the_store(tmp_path):
    """Line 8 carries the labeller's correction of lines 6 and 7 (they were Carol's first words): the
    page changes their labels in place, a page opened later shows them corrected, and the store (which
    exports and older lines read) has them."""
    from pipeline.messages import Relabel

    sessions = tmp_path / "sessions"
    sessions.mkdir()
    cfg, config = write_config(tmp_path, "relabel")
    stage = ScriptedSummarize(cfg.endpoints, sessions, "2026-12-01_1000_relabel", lines=12, rate=2, lead_s=4.0,
                              relabels={8: (Relabel(6, "Carol"), Relabel(7, "Carol"))})  # fmt: skip
    server = WebServer(config, free_port(), sessions, tmp_path / "web.log")
    server.start()
    driver = browser()
    speaker = "return [...document.querySelectorAll('#transcript .line')].map(l => (l.querySelector('.speaker') || {}).textContent)"
    try:
        driver.get(server.url)
        wait_for(lambda: driver.find_element("id", "conn").text, 30, "the page")
        stage.start()
        wait_for(lambda: lines_shown(driver)[-1:] == ["7"], 60, "line 7 before the correction")
        assert driver.execute_script(speaker)[6:8] == ["Maria:", "David:"]
        wait_for(lambda: lines_shown(driver)[-1:] == ["11"], 60, "the last line")
        labels = driver.execute_script(speaker)
        assert labels[5:9] == ["David:", "Carol:", "Carol:", "Maria:"], labels
        driver.refresh()
        wait_for(lambda: lines_shown(driver)[-1:] == ["11"], 60, "the lines again")
        assert driver.execute_script(speaker)[5:9] == ["David:", "Carol:", "Carol:", "Maria:"]
        status, body = http(server.url + "api/sessions/2026-12-01_1000_relabel/lines?before=9&limit=4")
        assert status == 200 and [line["speaker"] for line in body["lines"]] == ["David", "Carol", "Carol", "Maria"]
    finally:
        driver.quit()
        stage.stop.set()
        stage.join(10)
        server.stop()


def test_a_token_is_required_when_given(tmp_path):
    sessions = tmp_path / "sessions"
    cfg, config = write_config(tmp_path, "token")
    port = free_port()
    token = "t0ken-for-the-test-only"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "web", "--config", str(config), "--port", str(port),
                             "--session-dir", str(sessions), "--token", token], cwd=ROOT,
                            env=os.environ | {"PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for(lambda: _answers(url), 60, "the server")
        assert http(url + "api/state")[0] == 401
        assert http(url + "api/state?token=wrong-token-wrong-token")[0] == 401
        assert http(url + f"api/state?token={token}")[0] == 200
        assert http(url + "api/state", headers={"Authorization": f"Bearer {token}"})[0] == 200
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
        assert "Traceback" not in proc.stderr.read()


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def test_bad_command_lines_are_one_line_errors(tmp_path):
    cfg, config = write_config(tmp_path, "cli")
    cases = [
        (["web", "--port", "0"], "0 is not in the range"),
        (["web", "--port", "http"], "is not a valid integer"),
        (["web", "--config", str(config), "--token", "short"], "at least 16"),
        (["web", "--config", str(config), "--host", "0.0.0.0"], "not encrypted"),
        (["web", "--config", str(config), "--certfile", "c.pem"], "both --certfile and --keyfile"),
        (["replay", "x.txt", "--text", "--web", "99999"], "99999 is not in the range"),
    ]
    for args, message in cases:
        done = cli(*args)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
    with __import__("socket").socket() as busy:  # a port in use
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        done = cli("web", "--config", str(config), "--port", str(busy.getsockname()[1]))
    assert done.returncode == 2 and "cannot listen on 127.0.0.1" in done.stderr and done.stderr.count("\n") == 1


# -- a long meeting: the DOM stays bounded ----------------------------------------------------------------------
@pytest.mark.slow
def test_the_page_holds_a_long_meeting_in_a_bounded_dom(tmp_path):
    """4 hours of meeting (3,000 lines of 4.8 s) published in about 15 s: at most 500 lines in the DOM
    at any time, the newest shown; scrolling up loads older ones from the store, still bounded."""
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    cfg, config = write_config(tmp_path, "long")
    server = WebServer(config, free_port(), sessions, tmp_path / "web.log")
    server.start()
    stage = ScriptedSummarize(cfg.endpoints, sessions, "2026-12-01_1100_long", lines=3000, rate=200)
    driver = browser()
    try:
        driver.get(server.url)
        wait_for(lambda: driver.find_element("id", "conn").text, 30, "the page")
        stage.start()
        most = 0
        while not stage.done.is_set():
            most = max(most, driver.execute_script("return document.querySelectorAll('#transcript .line').length"))
            time.sleep(0.5)
        last = wait_for(lambda: driver.execute_script(
            "const l = document.querySelector('#transcript .line:last-child'); return l && l.dataset.seq === '2999' && l"),
            120, "the last line")  # fmt: skip
        assert "Line 2999" in last.text
        count = driver.execute_script("return document.querySelectorAll('#transcript .line').length")
        assert most <= 500 and count == 500, (most, count)
        notes = driver.find_element("id", "notes").text
        assert "Item 2800 of the plan" in notes
        nodes = driver.execute_script("return document.getElementsByTagName('*').length")
        heap = driver.execute_script("return performance.memory ? performance.memory.usedJSHeapSize : 0")
        hours = 3000 * 4.8 / 3600
        print(f"\nlong meeting: {hours:.1f} h, {count} lines in the DOM (most {most}), {nodes} elements, "
              f"JS heap {heap / 2**20:.1f} MiB")
        (tmp_path / "long.json").write_text(json.dumps({"hours": hours, "lines": count, "elements": nodes,
                                                        "heap": heap}))  # fmt: skip
        assert nodes < 4000 and heap < 64 * 2**20
        # Scroll up: older lines come from the store; the DOM stays bounded, the view leaves "live".
        first = int(driver.execute_script("return document.querySelector('#transcript .line').dataset.seq"))
        for _ in range(3):
            driver.execute_script("document.getElementById('transcript').scrollTop = 0")
            first = wait_for(lambda f=first: (s := int(driver.execute_script(
                "return document.querySelector('#transcript .line').dataset.seq"))) < f and s, 30, "older lines")  # fmt: skip
        assert first == 2500 - 300
        assert driver.execute_script("return document.querySelectorAll('#transcript .line').length") <= 500
        assert driver.find_element("id", "jump-live").is_displayed()
        driver.find_element("id", "jump-live").click()
        wait_for(lambda: driver.execute_script(
            "return document.querySelector('#transcript .line:last-child').dataset.seq") == "2999", 30, "live again")  # fmt: skip
    finally:
        driver.quit()
        stage.stop.set()
        stage.join(10)
        server.stop()


# -- a real replay ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """`sinkscribe web` and a browser on it first; then `sinkscribe replay TRANSCRIPT --text --speed 0 --serve`."""
    folder = tmp_path_factory.mktemp("web-live")
    sessions = folder / "sessions"
    cfg, config = write_config(folder, "web")
    server = WebServer(config, free_port(), sessions, folder / "web.log")
    server.start()
    driver = browser(1280, 860)
    driver.get(server.url)
    transcript = folder / "meeting.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    log = folder / "replay.log"
    with open(log, "wb") as out:
        replay = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "replay", str(transcript), "--text", "--speed", "0", "--serve",
             "--config", str(config), "--session-dir", str(sessions)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=os.environ | {"PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    try:
        yield driver, server, replay, log
    finally:
        driver.quit()
        replay.send_signal(signal.SIGINT)
        try:
            replay.wait(60)
        except subprocess.TimeoutExpired:
            replay.kill()
            replay.wait()
        server.stop()


def lines_shown(driver) -> list[str]:
    return driver.execute_script("return [...document.querySelectorAll('#transcript .line')].map(l => l.dataset.seq)")


@pytest.mark.slow
def test_captions_and_notes_arrive_during_a_replay(live):
    driver, server, replay, log = live
    assert driver.title == "sinkscribe"
    wait_for(lambda: len(lines_shown(driver)) == 6 or replay.poll() is not None, WAIT_S, "six lines")
    assert lines_shown(driver) == ["0", "1", "2", "3", "4", "5"], log.read_text()
    first = driver.find_element("id", "seg-0").text
    assert "Maria:" in first and "release date" in first  # speaker labels from the transcript
    wait_for(lambda: "final" in driver.find_element("id", "notes-upto").text, WAIT_S, "the final notes")
    notes = driver.find_element("id", "notes").text
    assert "Decisions" in notes and "Action items" in notes
    assert driver.find_element("id", "conn").text == "connected"


@pytest.mark.slow
def test_a_long_section_of_notes_folds_its_older_items(live):
    """4.3 hours of replay gathered 110 note items; each section shows its newest 12 and what changed in
    this update, the rest behind "N earlier items" (a <details>, keyboard-operable)."""
    driver, server, replay, log = live
    wait_for(lambda: "final" in driver.find_element("id", "notes-upto").text, WAIT_S, "the final notes")
    got = driver.execute_script("""
        const item = (k) => ({kind: "action", text: `Task number ${k}`, owner: "Ana", due: "", seqs: [k], starts: [k]});
        const before = [...Array(30).keys()].map(item);
        renderNotes({upto: 100, final: false, text: "", items: before}, false);
        const after = before.map((i) => i.text === "Task number 3" ? {...i, owner: "Ben"} : i);
        renderNotes({upto: 120, final: false, text: "", items: after}, true);
        const older = document.querySelector("#notes details.older");
        return {summary: older.querySelector("summary").textContent, open: older.open,
                folded: older.querySelectorAll("li").length,
                shown: [...document.querySelectorAll("#notes > ul")].map((u) => u.querySelectorAll("li").length),
                changed: [...document.querySelectorAll("#notes > ul li.changed")].map((l) => l.textContent)};""")
    # The page is shared with the next tests: its real notes back, as the bridge last sent them.
    driver.execute_script("renderNotes(page.live.notes, false);")
    assert "final" in driver.find_element("id", "notes-upto").text
    assert got["summary"] == "17 earlier items" and not got["open"] and got["folded"] == 17
    assert got["shown"][1] == 13  # the newest 12 and the changed one, in the action section
    assert len(got["changed"]) == 1 and "Task number 3" in got["changed"][0]


@pytest.mark.slow
def test_a_question_gets_an_answer_whose_citation_scrolls_to_the_line(live):
    driver, server, replay, log = live
    wait_for(lambda: "final" in driver.find_element("id", "notes-upto").text, WAIT_S, "the final notes")
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element("id", "ask-input")
    box.send_keys("Who owns the database migration?", Keys.ENTER)  # the keyboard alone
    cite = wait_for(lambda: driver.find_elements("css selector", "#answers .qa a.cite"), WAIT_S, "a cited answer")[0]
    answer = driver.find_element("css selector", "#answers .qa .a").text
    assert answer.startswith("A: ") and len(answer) > 5
    seq = cite.get_attribute("data-seq")
    driver.execute_script("document.getElementById('transcript').scrollTop = 0")
    cite.send_keys(Keys.ENTER)  # a link: Enter follows it
    wait_for(lambda: driver.execute_script("return document.activeElement.id") == f"seg-{seq}", 10, "the cited line")
    line = driver.find_element("id", f"seg-{seq}")
    assert "flash" in line.get_attribute("class")
    assert driver.execute_script(  # the line is inside the transcript's visible box
        "const t = document.getElementById('transcript').getBoundingClientRect();"
        "const l = arguments[0].getBoundingClientRect(); return l.top >= t.top && l.bottom <= t.bottom;", line)
    shot = Path(os.environ.get("SINKSCRIBE_WEB_SCREENSHOT") or (log.parent / "web.png"))
    driver.save_screenshot(str(shot))
    # A phone-sized window, dark mode: still one readable column.
    driver.set_window_size(390, 844)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400, width  # nothing wider than the phone
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 17, 23)", background
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    driver.set_window_size(1280, 860)


@pytest.mark.slow
def test_the_page_reconnects_and_catches_up_after_the_server_restarts(live):
    driver, server, replay, log = live
    wait_for(lambda: len(lines_shown(driver)) == 6, WAIT_S, "six lines")
    server.stop()
    wait_for(lambda: "reconnecting" in driver.find_element("id", "conn").text, 30, "the page to notice")
    server.start()
    wait_for(lambda: driver.find_element("id", "conn").text == "connected", 60, "the reconnect")
    assert lines_shown(driver) == ["0", "1", "2", "3", "4", "5"]  # caught up, nothing twice
    wait_for(lambda: "final" in driver.find_element("id", "notes-upto").text, 30, "the notes again")
    # The picker lists the stored session; export links point at it.
    picker = driver.find_element("id", "session-picker")
    wait_for(lambda: len(picker.find_elements("tag name", "option")) >= 2, 30, "the stored session")
    link = driver.find_element("css selector", ".exports a[data-format='md']").get_attribute("href")
    status, markdown = http(link)
    assert status == 200 and markdown.startswith("# Session ")

