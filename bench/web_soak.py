"""Hours of meeting in a real browser: what the page holds and what it costs at the end (issue #17).

    python -m bench.web_soak --json bench/results/web_soak.json --png bench/results/web_soak.png \
        [--preset smollm2-135m] [--repeat 1] [--every 10]

The meeting is every transcript of the quality set (`bench/data/quality/*.txt`, 8 meetings, about 5.4
hours at the text replay's 150 words per minute) joined into one, `--repeat` times over. It runs through
the real pipeline, `sinkscribe replay LONG.txt --text --speed 0 --web PORT` (text ingest, summarize with
the preset's model, the web bridge), while Debian's headless chromium (`bench.browser`) keeps the page
open from the first line to the final notes, as a person would leave a tab open all day. Every `--every`
seconds it records the meeting time the page shows, the transcript lines and elements in the DOM, the
page's JS heap (`performance.memory`, precise), the RSS of the browser's renderer, of the whole browser
and of the replay's processes (the CLI with the web bridge, and each stage). At the end it asks a
question about the first hour through the ask box and follows the answer's citation: the cited line is
far older than the 500 lines the page keeps, so the page must load it from the session file.

A speed-0 replay compresses hours into minutes, so this is the page's worst case: captions and notes
arrive many times faster than in a live meeting, and nothing is given time to be collected between
them. What it cannot show: a browser that runs for hours of wall time (timers, long-lived sockets).
The test `tests/test_web.py::test_the_page_holds_a_long_meeting_in_a_bounded_dom` checks the bounds with
a scripted summarize in seconds; this is the measurement with the real stages.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from bench.browser import browser, page_loads, wait_for, web_replay
from stages.text_ingest import PAUSE_S, WORDS_PER_SECOND, read_lines

ROOT = Path(__file__).resolve().parent.parent
QUALITY = ROOT / "bench" / "data" / "quality"
MAX_LINES = 500  # the page's own bound (pipeline/web_static/app.js MAX_LINES)
log = logging.getLogger("bench.web_soak")

# What the page holds, read in one script so every figure of a sample is from the same moment.
PAGE_STATE = """
const lines = document.querySelectorAll('#transcript .line');
const last = lines.length ? lines[lines.length - 1] : null;
return {
  lines: lines.length,
  last_seq: last ? Number(last.dataset.seq) : -1,
  elements: document.getElementsByTagName('*').length,
  heap: performance.memory ? performance.memory.usedJSHeapSize : 0,
  heap_total: performance.memory ? performance.memory.totalJSHeapSize : 0,
  note_items: document.querySelectorAll('#notes li').length,
  notes_upto: document.getElementById('notes-upto').textContent,
  conn: document.getElementById('conn').textContent,
};
"""


def build_meeting(path: Path, repeat: int, names: list[str]) -> tuple[int, float]:
    """The quality-set transcripts (all, or those named) joined, `repeat` times; its line count and length
    in meeting seconds (the text replay's own clock: 2.5 words per second and a 0.4-s pause per line)."""
    meetings = [QUALITY / f"{name}.txt" for name in names] if names else sorted(QUALITY.glob("*.txt"))
    lines: list[str] = []
    for _ in range(repeat):
        for meeting in meetings:
            lines += [f"{u.speaker}: {u.text}" if u.speaker else u.text for u in read_lines(meeting)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seconds = sum(max(0.5, len(line.split(": ", 1)[-1].split()) / WORDS_PER_SECOND) + PAUSE_S for line in lines)
    return len(lines), seconds


def line_starts(path: Path) -> list[float]:
    """Each line's start on the replay's clock, to turn the page's last line into meeting time."""
    starts, t = [], 0.0
    for u in read_lines(path):
        starts.append(t)
        t += max(0.5, len(u.text.split()) / WORDS_PER_SECOND) + PAUSE_S
    return starts


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            total += psutil.Process(pid).memory_info().rss
        except psutil.Error:
            pass
    return round(total / 2**20, 1)


def tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def renderer_pids(driver_pid: int) -> list[int]:
    return [p.pid for p in tree(driver_pid) if "--type=renderer" in " ".join(_cmdline(p))]


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:
        return []


def sample(driver: Any, replay: subprocess.Popen, driver_pid: int, starts: list[float], t0: float) -> dict[str, Any]:
    page = driver.execute_script(PAGE_STATE)
    seq = page["last_seq"]
    replay_procs = tree(replay.pid)
    return {
        "wall_s": round(time.monotonic() - t0, 1),
        "meeting_h": round(starts[seq] / 3600, 3) if 0 <= seq < len(starts) else 0.0,
        **page,
        "renderer_rss_mib": rss_mib(renderer_pids(driver_pid)),
        "browser_rss_mib": rss_mib([p.pid for p in tree(driver_pid)]),
        "replay_rss_mib": {_role(p): rss_mib([p.pid]) for p in replay_procs},
    }


def _role(p: psutil.Process) -> str:
    """The CLI (which also serves the page) or the stage a process runs."""
    cmd = _cmdline(p)
    if "stage" in cmd:
        return cmd[cmd.index("stage") + 1] if cmd.index("stage") + 1 < len(cmd) else "stage"
    if "replay" in cmd:
        return "cli+web"
    return f"{p.name()}-{p.pid}"


def ask(driver: Any, question: str, timeout_s: float) -> dict[str, Any]:
    """Ask through the ask box, follow the answer's first citation and report where the page went."""
    from selenium.webdriver.common.keys import Keys

    before = len(driver.find_elements("css selector", "#answers .qa"))
    driver.find_element("id", "ask-input").send_keys(question, Keys.ENTER)
    started = time.monotonic()
    wait_for(lambda: len(driver.find_elements("css selector", "#answers .qa")) > before, timeout_s, "an answer")
    qa = driver.find_elements("css selector", "#answers .qa")[0]  # the page puts the newest answer first
    cites = qa.find_elements("css selector", "a.cite")
    result: dict[str, Any] = {"question": question, "answer": qa.text, "answer_s": round(time.monotonic() - started, 1),
                              "cited_seq": None, "line_shown": False}  # fmt: skip
    if cites:
        seq = int(cites[0].get_attribute("data-seq"))
        result["cited_seq"] = seq
        cites[0].send_keys(Keys.ENTER)
        shown = wait_for(lambda: driver.execute_script(f"return !!document.getElementById('seg-{seq}')"), 60,
                         f"line {seq} in the transcript")  # fmt: skip
        result["line_shown"] = bool(shown)
        result["lines_after_jump"] = driver.execute_script("return document.querySelectorAll('#transcript .line').length")
    return result


def plot(samples: list[dict[str, Any]], png: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hours = [s["meeting_h"] for s in samples]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    top.plot(hours, [s["lines"] for s in samples], label="transcript lines in the DOM")
    top.plot(hours, [s["elements"] / 10 for s in samples], label="DOM elements / 10")
    top.plot(hours, [s["note_items"] for s in samples], label="note items shown")
    top.axhline(MAX_LINES, color="grey", linestyle=":", linewidth=1)
    top.set_ylabel("count")
    top.legend(loc="upper left", fontsize=8)
    top.set_title(title, fontsize=10)
    bottom.plot(hours, [s["heap"] / 2**20 for s in samples], label="page JS heap used")
    bottom.plot(hours, [s["renderer_rss_mib"] for s in samples], label="renderer RSS")
    bridge = [s["replay_rss_mib"].get("cli+web", 0) for s in samples]
    if any(bridge):  # not in a run rebuilt from its log
        bottom.plot(hours, bridge, label="CLI + web bridge RSS")
    bottom.set_ylabel("MiB")
    bottom.set_xlabel("meeting time shown on the page (h)")
    bottom.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=110)


def slope_per_hour(samples: list[dict[str, Any]], key: str) -> float:
    """Least-squares growth per meeting hour over the second half (after the page and model warm up)."""
    half = [s for s in samples if s["meeting_h"] >= samples[-1]["meeting_h"] / 2]
    if len(half) < 3:
        return 0.0
    xs = [s["meeting_h"] for s in half]
    ys = [s[key] / 2**20 if key == "heap" else s[key] for s in half]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return round(sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var, 3) if var else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", required=True, type=Path)
    parser.add_argument("--png", type=Path)
    parser.add_argument("--preset", default="smollm2-135m")
    parser.add_argument("--repeat", type=int, default=1, help="how many times the joined meetings are replayed")
    parser.add_argument("--meetings", default="", help="comma-separated quality-set meetings (default: all eight)")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--question", default="What will the last hour of the planning meeting cover?")
    parser.add_argument("--timeout", type=float, default=4 * 3600.0, help="seconds to wait for the final notes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")

    with tempfile.TemporaryDirectory(prefix="web-soak-") as folder:
        meeting = Path(folder) / "long_meeting.txt"
        n_lines, seconds = build_meeting(meeting, args.repeat, [m for m in args.meetings.split(",") if m])
        starts = line_starts(meeting)
        log.info("meeting: %d lines, %.2f h at the text replay's pace", n_lines, seconds / 3600)
        samples, answer = [], {}
        replay_args = [str(meeting), "--text", "--speed", "0", "--preset", args.preset]
        with web_replay(replay_args, Path(folder)) as (replay, port):
            driver = browser(1280, 900)
            try:
                driver_pid = driver.service.process.pid
                url = f"http://127.0.0.1:{port}/"
                wait_for(lambda: page_loads(driver, url) or replay.poll() is not None, 600, "the page")
                t0 = time.monotonic()
                while True:
                    # The whole page is read once per --every; in between only whether the final notes are in.
                    state = sample(driver, replay, driver_pid, starts, t0)
                    samples.append(state)
                    log.info("%.2f h shown: %d lines, %d elements, heap %.1f MiB, renderer %.0f MiB, notes %d",
                             state["meeting_h"], state["lines"], state["elements"], state["heap"] / 2**20,
                             state["renderer_rss_mib"], state["note_items"])  # fmt: skip
                    if "final" in state["notes_upto"]:
                        break
                    until = time.monotonic() + args.every
                    while time.monotonic() < until and not _final(driver):
                        if replay.poll() is not None:
                            raise RuntimeError(f"the replay ended (exit {replay.returncode}) before its final notes")
                        if time.monotonic() - t0 > args.timeout:
                            raise RuntimeError(f"no final notes after {args.timeout:.0f} s")
                        time.sleep(1.0)
                answer = ask(driver, args.question, 600)
                log.info("answer: %s", answer)
                samples.append(sample(driver, replay, driver_pid, starts, t0) | {"after": "question"})
            finally:
                driver.quit()

    final = samples[-1]
    result = {
        "benchmark": "web_soak",
        "command": "python -m bench.web_soak " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "preset": args.preset,
        "meeting": {"lines": n_lines, "hours": round(seconds / 3600, 2), "source": args.meetings or "bench/data/quality/*.txt joined",
                    "repeat": args.repeat},  # fmt: skip
        "wall_s": final["wall_s"],
        "most": {key: max(s[key] for s in samples) for key in ("lines", "elements", "heap", "renderer_rss_mib")},
        "growth_per_hour_second_half": {key: slope_per_hour(samples, key)
                                        for key in ("elements", "heap", "renderer_rss_mib")},  # fmt: skip
        "final": final,
        "question": answer,
        "samples": samples,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    if args.png:
        plot(samples, args.png, f"{result['meeting']['hours']} h of meeting in one open page ({args.preset}, "
                                f"text replay at full speed)")  # fmt: skip
    log.info("wrote %s: most %s, growth per hour %s", args.json, result["most"], result["growth_per_hour_second_half"])
    return 0



def _final(driver: Any) -> bool:
    """Whether the page shows the final notes (one element read, not the whole page)."""
    return "final" in driver.find_element("id", "notes-upto").text

if __name__ == "__main__":
    sys.exit(main())
