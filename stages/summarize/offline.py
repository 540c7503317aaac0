"""Questions about a stored meeting, after it ended: no running stage, the model loaded here.

The same path as a live question: the summarizer resumes the session (its notes back, the window rebuilt
from the newest stored lines, as after a restart), answers from the window, the notes and the store, and
grounds the reply (answers.py). The answer is stored with the session, so exports list it.

    answer = ask_stored(cfg, catalog.resolve(catalog.shelf(cfg), "NAME"), "Who owns it?")
"""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.messages import Answer
from stages.settings import AppConfig

log = logging.getLogger(__name__)


def ask_stored(cfg: AppConfig, where: Path | Any, question: str) -> Answer:
    """Answer `question` from the stored session `where` (a catalog.SessionRef, or a session file)."""
    from stages.summarize.catalog import as_ref
    from stages.summarize.stage import build_summarizer

    ref = as_ref(where)
    text = question.strip()
    limit = cfg.summarize.question_max_chars
    if len(text) > limit:
        raise InputError(f"the question is {len(text)} characters; the limit is {limit}")
    with ref.open_existing() as store:
        if store.count_segments() == 0:
            raise InputError(f"session {ref.name} has no transcript yet: nothing to answer from")
        summarizer = build_summarizer(cfg, store)
        summarizer.resume()
        reply, citations = summarizer.answer(text)
        request_id = uuid.uuid4().hex
        store.add_answer(request_id, text, reply, citations)
        stream = store.stream
    log.info("answered from stored session %s", ref.name)
    return Answer(stream, 0, request_id, text, reply, citations, time.time(), session=ref.name)
