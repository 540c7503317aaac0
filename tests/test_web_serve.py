"""The live page of a many-streams service (`sinkscribe serve --web`, issue #17), in a real browser (Debian's
headless chromium) against a real `serve` (Whisper tiny.en, smollm2-135m) with two `replay --connect`
clients on espeak recordings: the picker lists both streams with their state; a page opened on
`/?stream=alpha` shows alpha; choosing beta (keyboard) shows only beta's captions and notes, none of
alpha's words; a question asked on the page goes to beta and cites beta's lines. One service and one
browser are shared by the checks (they run in order). And `web --connect` (issue #16) with bad input."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import time
import urllib.parse
from pathlib import Path

import numpy as np
import pytest

from pipeline.messages import SAMPLE_RATE
from stages.settings import AppConfig
from tests.conftest import espeak, free_port, loopback_endpoints, read_all, write_audio
from tests.test_serve import ALPHA, ALPHA_WORDS, BETA, BETA_WORDS, Service, _finish, _wait_service, _words
from tests.test_web import cli, http
from tests.web_support import WebServer, browser, wait_for

# A decision said as one (stages/summarize/said.py finds it without the model): each stream's notes then
# hold words of its own, so "none of the other's words" in them is a check that can fail.
DECIDED = {"alpha": " We have decided to bake the cinnamon buns in Lisbon.",
           "beta": " We have decided to unload the freighter at berth nine."}  # fmt: skip
WAIT_S = 300  # a loaded 2-core machine: model loads and final summaries can take minutes


def _config(**overrides) -> AppConfig:
    return dataclasses.replace(AppConfig(endpoints=loopback_endpoints(), heartbeat_s=0.5), **overrides)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`sinkscribe serve --web PORT`, a browser on its page before any stream exists, then alpha and beta
    replayed into it (real time, both live together) while the page is watched; both clients have
    finished (final notes, answers possible) when the checks start."""
    folder = tmp_path_factory.mktemp("web-serve")
    quiet = np.zeros(2 * SAMPLE_RATE, np.float32)
    wavs = {name: write_audio(folder / f"{name}.wav", np.concatenate([read_all(espeak(text, folder / f"{name}_t.wav",
                                                                                       *voice)), quiet]))
            for name, text, voice in (("alpha", ALPHA + DECIDED["alpha"], ()),
                                      ("beta", BETA + DECIDED["beta"], ("en-us+m3",)))}  # fmt: skip
    port = free_port()
    service = Service(_config, folder, max_streams=2, extra=("--web", str(port)))
    url = f"http://127.0.0.1:{port}/"
    clients: list[subprocess.Popen] = []
    driver = None
    try:
        driver = browser(1280, 860)  # while the service loads its models
        _wait_service(service)
        driver.get(url)
        wait_for(lambda: _options(driver) == [("", "no streams yet")], 30, "the empty picker")
        clients += [service.client(wavs[name], "--stream", name) for name in ("alpha", "beta")]
        watched: dict[str, set[str]] = {"alpha": set(), "beta": set()}  # states the picker showed


        def watch() -> bool:
            shown = dict(_options(driver))
            for name in watched:
                if name in shown:
                    watched[name].add(shown[name].split(" (", 1)[1].split(",")[0].rstrip(")"))
            return all(shown.get(name, "").startswith(f"{name} (ended") for name in watched)

        while any(proc.poll() is None for proc in clients):
            watch()
            time.sleep(0.3)
        wait_for(watch, 30, "both streams shown ended", every_s=0.3)
        for name, proc in zip(("alpha", "beta"), clients, strict=True):
            code, _out, err = _finish(proc, WAIT_S)
            assert code == 0, f"{name}: {err[-3000:]}"
        chosen = urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query).get("stream", [""])[0]
        yield driver, url, {"watched": watched, "chosen": chosen, "service": service}
    finally:
        if driver is not None:
            driver.quit()
        for proc in clients:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        log = service.stop()
        assert service.proc.returncode == 0, log[-3000:]
        assert "Traceback" not in log, log[-3000:]


def _options(driver) -> list[tuple[str, str]]:
    return [tuple(o) for o in driver.execute_script(
        "return [...document.querySelectorAll('#stream-picker option')].map(o => [o.value, o.textContent])")]  # fmt: skip


def _text(driver, element_id: str) -> str:
    return driver.find_element("id", element_id).text


def _transcript_words(driver) -> set[str]:
    return _words(" ".join(driver.execute_script(
        "return [...document.querySelectorAll('#transcript .line')].map(l => l.textContent)")))  # fmt: skip


def _final_notes(driver) -> str:
    wait_for(lambda: "final" in _text(driver, "notes-upto"), WAIT_S, "the final notes")
    return _text(driver, "notes")


@pytest.mark.slow
def test_the_picker_follows_the_streams_as_they_come_and_end(served):
    _driver, _url, seen = served
    # Both were shown live while they ran, then ended; the page without ?stream= took a live one.
    assert seen["watched"] == {"alpha": {"live", "ended"}, "beta": {"live", "ended"}}, seen
    assert seen["chosen"] in ("alpha", "beta"), seen


@pytest.mark.slow
def test_a_stream_url_opens_on_that_stream_and_the_picker_lists_both(served):
    driver, url, _seen = served
    driver.get(url + "?stream=alpha")
    wait_for(lambda: _text(driver, "conn") == "connected", 60, "the page")
    picker = driver.find_element("id", "stream-picker")
    assert picker.is_displayed() and not driver.find_element("id", "session-box").is_displayed()
    options = wait_for(lambda: (o := _options(driver)) and len(o) == 2 and o, 30, "both streams in the picker")
    assert [value for value, _ in options] == ["alpha", "beta"]
    assert all("(ended, " in text for _, text in options), options  # both replays ended at their end (eof)
    assert picker.get_attribute("value") == "alpha"
    heard = wait_for(lambda: _transcript_words(driver), 30, "alpha's lines")
    assert len(heard & ALPHA_WORDS) >= 2 and not heard & BETA_WORDS, heard
    notes = _words(_final_notes(driver))
    assert notes & ALPHA_WORDS and not notes & BETA_WORDS, notes
    assert "stream alpha" in _text(driver, "session-info")
    link = driver.find_element("css selector", ".exports a[data-format='md']").get_attribute("href")
    status, markdown = http(link)
    assert status == 200 and markdown.startswith("# Session alpha"), markdown[:200]


@pytest.mark.slow
def test_choosing_a_stream_shows_only_its_captions_and_notes(served):
    driver, url, _seen = served
    from selenium.webdriver.common.keys import Keys

    if "stream=alpha" not in driver.current_url:
        driver.get(url + "?stream=alpha")
    wait_for(lambda: _transcript_words(driver) & ALPHA_WORDS, 60, "alpha's lines")
    picker = driver.find_element("id", "stream-picker")
    picker.send_keys(Keys.ARROW_DOWN)  # the keyboard alone: alpha -> beta
    wait_for(lambda: "stream=beta" in driver.current_url, 10, "the URL of beta")
    heard = wait_for(lambda: (w := _transcript_words(driver)) and not w & ALPHA_WORDS and w, 30, "beta's lines")
    assert len(heard & BETA_WORDS) >= 2, heard
    notes = _words(_final_notes(driver))
    assert notes & BETA_WORDS and not notes & ALPHA_WORDS, notes
    assert "stream beta" in _text(driver, "session-info")
    if shot := os.environ.get("SINKSCRIBE_WEB_SERVE_SCREENSHOT"):
        driver.save_screenshot(shot)
    driver.back()  # the browser's history follows the picker
    wait_for(lambda: _transcript_words(driver) & ALPHA_WORDS, 30, "alpha again")
    assert picker.get_attribute("value") == "alpha" and not _transcript_words(driver) & BETA_WORDS


@pytest.mark.slow
def test_a_question_on_the_page_asks_about_the_stream_shown(served):
    driver, url, _seen = served
    from selenium.webdriver.common.keys import Keys

    driver.get(url + "?stream=beta")
    wait_for(lambda: _transcript_words(driver) & BETA_WORDS, 60, "beta's lines")
    box = driver.find_element("id", "ask-input")
    wait_for(lambda: box.is_enabled(), 30, "the ask box")
    box.send_keys("Who will file the customs manifest?", Keys.ENTER)
    wait_for(lambda: driver.find_elements("css selector", "#answers .qa a.cite"), WAIT_S, "a cited answer")
    cited = _words(" ".join(li.text for li in driver.find_elements("css selector", "#answers .qa li")))
    assert cited & BETA_WORDS and not cited & ALPHA_WORDS, cited


@pytest.mark.slow
def test_the_http_side_names_streams(served):
    _driver, url, _seen = served
    status, body = http(url + "api/streams")
    assert status == 200 and body["service"] is True
    assert [(s["name"], s["state"]) for s in body["streams"]] == [("alpha", "ended"), ("beta", "ended")]
    assert all(s["lines"] > 0 for s in body["streams"])
    assert http(url + "api/ask", {"question": "who?"}) == (
        400, {"error": "this page server follows a service: say which stream (\"stream\": NAME)"})  # fmt: skip
    status, body = http(url + "api/state?stream=" + urllib.parse.quote("../etc"))
    assert status == 400 and "is not a stream id" in body["error"]
    status, body = http(url + "api/state?stream=gamma")  # no such stream: said, not an error of the server
    assert status == 200 and body["stream"] == "gamma" and body["lines"] == []
    state = wait_for(lambda: (s := http(url + "api/state?stream=gamma")[1])["error"] and s, 30, "the refusal")
    assert "no stream 'gamma'" in state["error"]
    status, body = http(url + "api/state?stream=alpha")
    assert status == 200 and body["stream"] == "alpha" and body["service"] is True
    assert http(url + "api/sessions/gamma/lines")[0] == 404


@pytest.mark.slow
def test_web_connect_follows_the_same_service_from_its_own_process(served, tmp_path: Path):
    service = served[2]["service"]
    server = WebServer(service.config, free_port(), service.sessions, tmp_path / "web.log")
    server.cmd += ["--connect", service.address]
    server.start()
    try:
        listed = wait_for(lambda: (b := http(server.url + "api/streams")[1])["streams"] and b, 30, "the streams")
        assert listed["service"] is True and [s["name"] for s in listed["streams"]] == ["alpha", "beta"]
        assert http(server.url + "api/sessions/beta/lines")[0] == 404  # not read before its snapshot came
        state = wait_for(lambda: (s := http(server.url + "api/state?stream=beta")[1])["connected"] and s, 30,
                         "beta's snapshot")  # fmt: skip
        heard = _words(" ".join(line["text"] for line in state["lines"]))
        assert heard & BETA_WORDS and not heard & ALPHA_WORDS, heard
        assert state["ended"] and state["end_reason"] == "eof" and state["notes"]["final"]
        status, body = http(server.url + "api/sessions/beta/lines?after=-1&limit=5")
        assert status == 200 and body["lines"][0]["seq"] == 0
    finally:
        server.stop()


def test_web_connect_and_serve_web_check_their_options_in_one_line(tmp_path: Path):
    import socket

    with socket.socket() as busy:  # a page port in use: refused before the service starts anything
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = str(busy.getsockname()[1])
        for args, message in [(["web", "--connect", "http://127.0.0.1:5550"], "must be tcp://HOST:PORT"),
                              (["serve", "--listen", f"tcp://127.0.0.1:{free_port()}", "--web", taken],
                               f"cannot listen on 127.0.0.1:{taken}"),
                              (["serve", "--web", "--web-host", "0.0.0.0"], "not encrypted")]:  # fmt: skip
            done = cli(*args)
            assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)
            assert done.stderr.strip().startswith("Error: ") and "\n" not in done.stderr.strip(), done.stderr


def test_the_bridge_sorts_a_services_messages_by_stream_and_lists_their_state(tmp_path: Path):
    """The bridge alone (no sockets started): the service heartbeat's streams become the picker's list,
    an `eos` says which ended as lost, and each stream's messages reach only the pages that follow it."""
    import asyncio
    import time

    from pipeline.messages import EndOfStream, Segment, Status, Summary
    from pipeline.web_bridge import Bridge

    async def main() -> None:
        bridge = Bridge(_config(), tmp_path, service=True)
        try:
            streams = {"a": {"stored_seq": 4, "stored_end": 9.0, "ended": False},
                       "b": {"stored_seq": 2, "stored_end": 5.0, "ended": True, "pub_seq": 7},
                       "c": {"stored_seq": 0, "stored_end": 1.0, "ended": False, "error": "model failed"},
                       "d": {"stored_seq": 1, "stored_end": 2.0, "ended": True, "pub_seq": 3}}  # fmt: skip
            await bridge.on_summary_socket(Status("serve", 1, "summarize", time.time(),
                                                  {"instance": "x", "streams": streams}))  # fmt: skip
            await bridge.on_summary_socket(EndOfStream("b", 8, "lost", 12.0))
            assert [(s["name"], s["state"], s["lines"]) for s in bridge.streams()] == [
                ("a", "live", 5), ("b", "lost", 3), ("c", "failed", 1), ("d", "ended", 2)]  # fmt: skip
            lobby, none = bridge.listen("")
            page_a, follow_a = bridge.listen("a")
            page_b, follow_b = bridge.listen("b")
            assert none is None and follow_a is not None and follow_b is not None and follow_a is not follow_b
            await bridge.on_summary_socket(Segment("a", 0, "alpha speaks", 0.0, 1.0))
            await bridge.on_summary_socket(Summary("b", 9, "beta notes", 2, 5.0))
            await bridge.on_summary_socket(Status("serve", 2, "summarize", time.time(),
                                                  {"instance": "x", "streams": {**streams, "e": {"ended": False}}}))  # fmt: skip

            def drained(listener) -> list:
                got = []
                while not listener.queue.empty():
                    event = listener.queue.get_nowait()
                    got.append((event.name, event.data.get("text") if event.name in ("line", "notes") else None))
                return got

            a, b, lobby_events = drained(page_a), drained(page_b), drained(lobby)
            assert ("line", "alpha speaks") in a and not any(name == "notes" for name, _ in a)
            assert ("notes", "beta notes") in b and not any(name == "line" for name, _ in b)
            assert ("streams", None) in lobby_events and ("streams", None) in a  # e joined: every page hears it
            assert bridge.state(follow_a)["lines"] == [{"seq": 0, "start": 0.0, "end": 1.0, "speaker": None,
                                                        "text": "alpha speaks"}]  # fmt: skip
            assert not bridge.readable("a")  # no snapshot yet: the store is not read for it
        finally:
            bridge.ctx.term()

    asyncio.run(main())


def test_behind_a_cluster_gateway_each_stream_restarts_only_on_its_own_instance(tmp_path: Path):
    """A gateway forwards each stream's own heartbeat from the host holding it (another instance per
    host) and no service heartbeat: pages must not start over at every beat of another host's stream,
    only when their own stream's instance changes (it moved, or its summarize restarted)."""
    import asyncio
    import time

    from pipeline.messages import Segment, Status
    from pipeline.web_bridge import Bridge

    def beat(stream: str, seq: int, instance: str) -> Status:
        return Status(stream, seq, "summarize", time.time(), {"instance": instance, "stored_seq": seq, "ended": False})

    async def main() -> None:
        bridge = Bridge(_config(), tmp_path, service=True)
        try:
            _page_a, follow_a = bridge.listen("a")
            _page_b, follow_b = bridge.listen("b")
            for seq in range(1, 4):  # a on host 1, b on host 2, interleaved
                await bridge.on_summary_socket(beat("a", seq, "host-1"))
                await bridge.on_summary_socket(Segment("a", seq, f"alpha {seq}", seq, seq + 0.5))
                await bridge.on_summary_socket(beat("b", seq, "host-2"))
            follow_a.want_snapshot.clear()
            follow_b.want_snapshot.clear()
            await bridge.on_summary_socket(beat("a", 4, "host-1"))
            await bridge.on_summary_socket(beat("b", 4, "host-2"))
            assert not follow_a.want_snapshot.is_set() and not follow_b.want_snapshot.is_set()
            assert [s["name"] for s in bridge.streams()] == ["a", "b"]  # listed from their own beats
            await bridge.on_summary_socket(beat("a", 1, "host-2"))  # a moved to host 2: only a starts over
            assert follow_a.want_snapshot.is_set() and not follow_b.want_snapshot.is_set()
        finally:
            bridge.ctx.term()

    asyncio.run(main())


def test_the_page_follows_a_stream_through_a_cluster_gateway(tmp_path: Path):
    """`sinkscribe web --connect GATEWAY` (issue #18): a real `serve` as the one host behind a gateway (the
    pool is a plain list here; tests/test_cluster.py runs Ray), a real client replaying through the
    gateway. The page server lists the stream from its own heartbeats (a gateway forwards no service
    heartbeat) and its state holds the stream's captions and its final notes."""
    import threading

    from bench.concurrency import five_free_ports
    from pipeline.gateway import Gateway, GatewaySettings
    from pipeline.runner import StopFlag
    from tests.test_serve import _cli

    quiet = np.zeros(2 * SAMPLE_RATE, np.float32)
    wav = write_audio(tmp_path / "alpha.wav", np.concatenate([read_all(espeak(ALPHA + DECIDED["alpha"],
                                                                                 tmp_path / "alpha_t.wav")), quiet]))
    service = Service(_config, tmp_path, max_streams=2)
    address = f"tcp://127.0.0.1:{five_free_ports()}"
    gateway = Gateway(_config(), address, lambda: {"host-1": service.address}, GatewaySettings(refresh_s=0.2))
    stop = StopFlag()
    thread = threading.Thread(target=gateway.serve, args=(stop,), daemon=True)
    port = free_port()
    page = _cli("web", "--connect", address, "--port", str(port), home=service.home)
    client = None
    try:
        _wait_service(service)
        thread.start()
        wait_for(lambda: gateway.status()["hosts"].get("host-1", {}).get("live"), 60, "the host live at the gateway")
        url = f"http://127.0.0.1:{port}/"
        wait_for(lambda: page.poll() is None and http(url + "api/streams")[0] == 200, 60, "the page server")
        client = _cli("replay", str(wav), "--connect", address, "--config", "replay", "--stream", "alpha",
                      home=service.home, start_new_session=True)  # fmt: skip
        states: set[str] = set()

        def listed() -> bool:
            shown = {s["name"]: s["state"] for s in http(url + "api/streams")[1]["streams"]}
            states.add(shown.get("alpha", ""))
            return shown.get("alpha") == "ended" and client.poll() is not None

        wait_for(listed, WAIT_S, "alpha listed, then ended", every_s=0.5)
        code, _out, err = _finish(client, WAIT_S)
        assert code == 0, err[-3000:]
        assert "live" in states, states  # seen live through the gateway, before its end
        seen: dict = {}

        def caught_up() -> bool:  # the follow starts with this request and catches up from the snapshot
            status, seen["state"] = http(url + "api/state?stream=alpha")
            state = seen["state"]
            heard = _words(" ".join(line["text"] for line in state.get("lines", [])))
            notes = (state.get("notes") or {}).get("text", "").lower()
            return status == 200 and len(heard & ALPHA_WORDS) >= 3 and "cinnamon" in notes

        wait_for(caught_up, 60, "alpha's captions and final notes on its page", every_s=0.5)
        assert seen["state"]["stream"] == "alpha" and seen["state"]["ended"], seen["state"]
    finally:
        stop.set()
        if client is not None and client.poll() is None:
            os.killpg(client.pid, signal.SIGKILL)
        page.send_signal(signal.SIGINT)
        try:
            page.wait(30)
        except subprocess.TimeoutExpired:
            page.kill()
        log = service.stop()
        thread.join(10)
    assert "Traceback" not in log, log[-3000:]
