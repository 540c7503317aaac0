"""Helpers shared by the language-model benchmarks (bench.perplexity, bench.latency)."""

from __future__ import annotations

import json
import os
import platform
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
import transformers

from stages.summarize import ModelConfig, load_model
from stages.summarize.models import LoadedModel

DEFAULT_TEXT = Path(__file__).resolve().parent / "out" / "corpus" / "alice29.txt"


def load(preset: str, dtype: str, threads: int | None) -> LoadedModel:
    return load_model(ModelConfig(model=preset, dtype=dtype, threads=threads))


def text_ids(tokenizer: Any, paths: Sequence[Path], tokens: int) -> list[int]:
    """The first `tokens` tokens of the files joined by blank lines (add files when one is too short)."""
    missing = [str(p) for p in paths if not Path(p).is_file()]
    if missing:
        raise SystemExit(
            f"missing text file(s) {missing}; fetch the corpus with: python -m bench.fetch_corpus"
        )
    text = "\n\n".join(Path(p).read_text(encoding="utf-8") for p in paths)
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    if len(ids) < tokens:
        raise SystemExit(f"the text has {len(ids)} tokens, fewer than the {tokens} asked for; add files")
    return list(ids[:tokens])


def machine_info() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "loadavg_1min": round(os.getloadavg()[0], 2),  # the CPU is shared: read timings with this in mind
    }


def tenth_medians(samples: Sequence[tuple[int, float]], start: int, end: int) -> dict[str, float | None]:
    """Median of the samples whose token index falls in the first and in the last tenth of [start, end)."""
    span = (end - start) / 10
    first = [v for t, v in samples if start <= t < start + span]
    last = [v for t, v in samples if end - span <= t < end]
    out: dict[str, float | None] = {
        "first_tenth_median": statistics.median(first) if first else None,
        "last_tenth_median": statistics.median(last) if last else None,
    }
    if first and last:
        out["last_over_first"] = out["last_tenth_median"] / out["first_tenth_median"]
    return out


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1) + "\n")
