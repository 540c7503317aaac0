"""The README's screenshot of the page, taken during `make demo`'s own replay with the default model.

    python -m bench.web_shot --png docs/web.png [--audio samples/meeting.ogg] [--question "..."]

Starts `sinkscribe replay AUDIO --speed 0 --web PORT` (a fresh session folder), opens the page in
Debian's headless chromium (`bench.browser`), waits for the final notes, asks the question through the
ask box, waits for its cited answer, clicks the citation (the transcript scrolls to the line) and saves
the screenshot. About as long as `make demo` (12 min on 2 cores with qwen2.5-coder-1.5b in float32).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from bench.browser import browser, page_loads, wait_for, web_replay

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("bench.web_shot")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--png", required=True, type=Path)
    parser.add_argument("--audio", default=str(ROOT / "samples" / "meeting.ogg"))
    parser.add_argument("--question", default="Who owns the database migration?")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait for the final notes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")

    with tempfile.TemporaryDirectory(prefix="web-shot-") as folder, \
            web_replay([args.audio, "--speed", "0"], Path(folder)) as (replay, port):
        url = f"http://127.0.0.1:{port}/"
        driver = browser(1280, 1000)
        try:
            wait_for(lambda: page_loads(driver, url) or replay.poll() is not None, 300, "the page")
            started = time.monotonic()
            wait_for(lambda: "final" in driver.find_element("id", "notes-upto").text or replay.poll() is not None,
                     args.timeout, "the final notes")  # fmt: skip
            if replay.poll() is not None:
                raise RuntimeError(f"the replay ended (exit {replay.returncode}): see its log")
            log.info("final notes after %.0f s", time.monotonic() - started)
            from selenium.webdriver.common.keys import Keys

            driver.find_element("id", "ask-input").send_keys(args.question, Keys.ENTER)
            cite = wait_for(lambda: driver.find_elements("css selector", "#answers .qa a.cite"), 600, "an answer")[0]
            cite.send_keys(Keys.ENTER)  # the transcript scrolls to the cited line and highlights it
            time.sleep(1.0)
            # The page's header and the notes from their first section in the picture; the transcript stays
            # on the cited line.
            driver.execute_script("window.scrollTo(0, 0); document.querySelector('.side').scrollTop = 0;")
            args.png.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(args.png))
            log.info("saved %s", args.png)
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
