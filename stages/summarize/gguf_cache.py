"""GGUF checkpoints, converted once to safetensors in a user cache, keyed by the GGUF's sha256.

transformers reads GGUF by dequantizing every tensor at load time (seconds for 135M parameters, about a
minute for 0.5B, and it needs the `gguf` package); a plain safetensors folder loads in well under a second.
So the first load assembles the file (joining split parts in order), verifies size and sha256, converts,
and writes the result into a temporary folder that is renamed into place only when complete: a crash at
any point leaves either no cache entry or a whole one, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelSourceError

log = logging.getLogger(__name__)

_READ_BLOCK = 8 << 20  # 8 MiB
_STALE_TMP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class GgufSource:
    name: str  # short name, used in the cache folder and in messages
    parts: tuple[Path, ...]  # the whole file, or its pieces in the order they join
    sha256: str  # expected hex digest of the whole file
    filename: str  # file name to give the assembled GGUF (transformers reads metadata from it)
    size: int | None = None  # expected bytes of the whole file, when known


Converter = Callable[[Path, str, Path], None]


def cache_root(explicit: Path | None = None) -> Path:
    """$SINKSCRIBE_CACHE, else $XDG_CACHE_HOME/sinkscribe, else ~/.cache/sinkscribe (unless given)."""
    if explicit is not None:
        return Path(explicit)
    if os.environ.get("SINKSCRIBE_CACHE"):
        return Path(os.environ["SINKSCRIBE_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "sinkscribe"


def converted_dir(source: GgufSource, root: Path) -> Path:
    return root / "models" / f"{source.name}-{source.sha256[:16]}"


def sha256_of(paths: Sequence[Path], copy_to: Path | None = None) -> tuple[str, int]:
    """Hash the concatenation of `paths` (optionally writing it to `copy_to`); return (hex digest, bytes)."""
    digest = hashlib.sha256()
    total = 0
    out = copy_to.open("wb") if copy_to is not None else None
    try:
        for path in paths:
            with path.open("rb") as f:
                while block := f.read(_READ_BLOCK):
                    digest.update(block)
                    total += len(block)
                    if out is not None:
                        out.write(block)
    finally:
        if out is not None:
            out.close()
    return digest.hexdigest(), total


def ensure_converted(source: GgufSource, root: Path, convert: Converter | None = None) -> Path:
    """Return the safetensors folder for `source`, converting it first if the cache lacks it."""
    final = converted_dir(source, root)
    if final.is_dir():
        return final
    _check_parts(source)
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_tmp(final.parent)
    tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".tmp-{final.name}-"))
    try:
        folder, filename = _assemble(source, tmp / "src")
        log.info("converting %s (GGUF, %s) to safetensors in %s", source.name, source.sha256[:12], final)
        started = time.perf_counter()
        (convert or convert_gguf)(folder, filename, tmp / "model")
        (tmp / "model" / "sinkscribe-source.json").write_text(
            json.dumps({"name": source.name, "sha256": source.sha256, "gguf": source.filename}, indent=1)
        )
        try:
            os.rename(tmp / "model", final)  # the commit point: atomic within one filesystem
        except OSError:
            if not final.is_dir():
                raise
            log.info("another process converted %s first; using its copy", source.name)
        log.info("converted %s in %.1f s", source.name, time.perf_counter() - started)
    finally:
        # Best effort: whatever happens here, the cache entry itself is already whole or absent.
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def convert_gguf(folder: Path, filename: str, dest: Path) -> None:
    """Dequantize a GGUF checkpoint with transformers and save model + tokenizer as safetensors in `dest`."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kwargs = {}
    try:  # newer 5.x can keep GGUF blocks packed; we want plain dense weights to save
        from transformers.utils.quantization_config import GgufConfig

        kwargs["quantization_config"] = GgufConfig(dequantize=True)
    except ImportError:
        pass  # older 5.x: dequantizing is the only GGUF path there
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=filename, dtype=torch.float32, **kwargs)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=filename)
    # save_pretrained refuses models still marked as GGUF-quantized, although their weights are now dense.
    quantizer = getattr(model, "hf_quantizer", None)
    if quantizer is not None:
        quantizer.remove_quantization_config(model)
    model.save_pretrained(dest)
    tokenizer.save_pretrained(dest)


def _check_parts(source: GgufSource) -> None:
    missing = [str(p) for p in source.parts if not p.is_file()]
    if missing:
        raise ModelSourceError(f"{source.name}: missing GGUF file(s): {', '.join(missing)}")
    if source.size is not None:
        size = sum(p.stat().st_size for p in source.parts)
        if size != source.size:
            raise ModelSourceError(
                f"{source.name}: GGUF is {size:,} bytes, expected {source.size:,}; reinstall its package(s)"
            )


def _assemble(source: GgufSource, workdir: Path) -> tuple[Path, str]:
    """Verify the sha256; join split parts into `workdir`. Returns (folder, file name) to load from."""
    workdir.mkdir(parents=True)
    if len(source.parts) == 1:
        digest, _ = sha256_of(source.parts)
        folder, filename = source.parts[0].parent, source.parts[0].name
    else:
        digest, _ = sha256_of(source.parts, copy_to=workdir / source.filename)
        folder, filename = workdir, source.filename
    if digest != source.sha256:
        raise ModelSourceError(
            f"{source.name}: sha256 {digest} does not match the expected {source.sha256}; reinstall its package(s)"
        )
    return folder, filename


def _remove_stale_tmp(models_dir: Path) -> None:
    """Temp folders left by a killed conversion: remove those older than a day (a live one is younger)."""
    now = time.time()
    for entry in models_dir.glob(".tmp-*"):
        if now - entry.stat().st_mtime > _STALE_TMP_SECONDS:
            log.info("removing a stale partial conversion: %s", entry)
            shutil.rmtree(entry, ignore_errors=True)
