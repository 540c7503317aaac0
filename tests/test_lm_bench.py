"""Smoke runs of the language-model benchmarks on a few hundred tokens: the code paths, JSON and PNG.

The figures themselves come from the full runs (bench/results/); here only their shape and sanity.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import torch

from bench import latency, perplexity
from tests.lm_support import one_torch_thread  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.slow

TEXT = Path(__file__).resolve().parent.parent / "stages" / "summarize" / "session.py"  # any English-ish text


def run_main(module, monkeypatch: pytest.MonkeyPatch, *argv: str) -> None:
    """Run a benchmark's CLI in-process, on one thread (it sets torch's pool: restored afterwards)."""
    monkeypatch.setattr(sys, "argv", [module.__name__, *argv, "--threads", "1"])
    threads = torch.get_num_threads()
    try:
        module.main()
    finally:
        torch.set_num_threads(threads)


def test_perplexity_bench_small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "ppl.json"
    png = tmp_path / "ppl.png"
    args = ["--text", str(TEXT), "--tokens", "400", "--sinks", "4", "--window", "124", "--stride", "64"]
    run_main(perplexity, monkeypatch, *args, "--json", str(out), "--png", str(png))
    payload = json.loads(out.read_text())
    methods = payload["methods"]
    assert set(methods) == {"dense", "window", "oracle", "sink"}
    for m in methods.values():
        assert m["tokens_scored"] == 400 - 5 and m["scored_range"] == [5, 400]
        assert 1 < m["ppl"] < 1000
    after_fill = methods["sink"]["cache_bytes_after_fill"]
    assert after_fill["max"] <= after_fill["bound"]
    assert methods["sink"]["peak_cache_bytes"] < methods["dense"]["peak_cache_bytes"]
    assert {"sink_ppl_over_oracle", "window_ppl_over_sink"} <= set(payload["targets"])
    assert png.stat().st_size > 10_000


def test_latency_bench_small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "lat.json"
    args = ["--window", "64,128", "--steps", "4", "--reps", "1"]
    run_main(latency, monkeypatch, *args, "--json", str(out), "--png", str(tmp_path / "l.png"))
    rows = json.loads(out.read_text())["windows"]
    assert [r["window"] for r in rows] == [64, 128]
    assert all(r["sink_ms"] > 0 and r["speedup"] > 1 for r in rows)
