"""The summarize stage's language-model engine: model loading, the sink-window cache, the session.

from stages.summarize import ModelConfig, LMSession, SessionConfig, chat_frame, load_model

loaded = load_model(ModelConfig("smollm2-135m"))
frame = chat_frame(loaded.tokenizer, system="You summarize meetings.")
session = LMSession(loaded.model, loaded.tokenizer, frame.prefix, SessionConfig(window_tokens=1024))
session.append("Alice: we ship on Friday.\n")
summary = "".join(session.generate(frame.suffix("Summarize the meeting so far."), max_new_tokens=128))
"""

from .chat import ChatFrame, chat_frame
from .errors import CacheOverflowError, LMEngineError, ModelSourceError, UnsupportedModelError
from .models import PRESETS, LoadedModel, ModelConfig, load_model
from .session import GenerationStats, LMSession, SessionConfig, SessionCounters
from .sink_cache import SinkCache, SinkCacheConfig

__all__ = [
    "PRESETS",
    "CacheOverflowError",
    "ChatFrame",
    "GenerationStats",
    "LMEngineError",
    "LMSession",
    "LoadedModel",
    "ModelConfig",
    "ModelSourceError",
    "SessionConfig",
    "SessionCounters",
    "SinkCache",
    "SinkCacheConfig",
    "UnsupportedModelError",
    "chat_frame",
    "load_model",
]
