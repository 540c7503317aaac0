"""A short soak inside `make test`: a few minutes of audio through the real three processes.

Same checks as the long run (bench/soak.py), with slope bounds loosened for a run this short: model
loading and allocator warm-up dominate the first minutes. A 256-token window makes the model's cache
fill and wrap within the run, and the memory checks start after its first eviction: before it, the
cache's pages being touched is growth by design (a 3-minute run on the default window never filled it,
and that fill alone measured 1350-1600 MB/h). It catches what grows per segment or per summary, lost
segments, a cache over its bound, and summaries that stop coming.
"""

from __future__ import annotations

import json

import pytest

from bench import soak

pytestmark = pytest.mark.slow


def test_short_soak(tmp_path):
    out = tmp_path / "soak.json"
    code = soak.main([
        "--hours", "0.1", "--window-tokens", "256", "--json", str(out), "--png", str(tmp_path / "soak.png"), "--summary-every-s", "45",
        "--warmup", "0.3", "--slope-limit-mb-h", "1500", "--growth-limit", "0.25", "--max-wall-s", "600",
    ])  # fmt: skip
    report = json.loads(out.read_text())
    checks = report["checks"]
    assert checks["segments"]["lost"] == 0 and checks["segments"]["ok"], checks["segments"]
    assert checks["cache"]["ok"], checks["cache"]
    assert checks["summaries"]["ok"], checks["summaries"]
    assert checks["cache"]["evictions"] > 0, checks["cache"]  # the window wrapped: judged at its bound
    assert checks["summarize"]["samples"] >= 5, checks["summarize"]
    for stage in ("capture", "transcribe", "summarize"):
        assert checks[stage]["slope_ok"] and checks[stage]["growth_ok"], (stage, checks[stage])
    assert code == 0 and report["ok"]
    assert report["audio_hours"] >= 0.099
    assert (tmp_path / "soak.png").stat().st_size > 10_000
