"""The sink-window KV cache: a pinned prefix (whose first tokens are the attention sinks) plus recent tokens.

StreamingLLM (Xiao et al. 2023, https://arxiv.org/abs/2309.17453) keeps the first few tokens because
attention dumps its excess mass on them; dropping them is what makes plain window attention collapse.
transformers 5.x removed its SinkCache, so this is ours, built on the `Cache`/`DynamicLayer` API:

- layout along the sequence axis: [pinned prefix | window of stream tokens | headroom for a suffix];
- eviction happens only in `evict_for_space`, called *before* a prefill, in whole blocks (>= 64 tokens):
  re-rotating stored keys rounds them, and one small rotation per decoded token would drift
  (docs/ARCHITECTURE.md, "The sink-window cache");
- the kept window keys are re-rotated by minus the evicted count, so positions inside the cache stay
  contiguous 0..len-1 and a new token's position id is simply the cache length;
- `truncate` cuts back to an earlier length and is exact (slicing), which is how a generation on a
  temporary suffix is rolled back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import torch
from torch import nn
from transformers.cache_utils import Cache, DynamicLayer

from .errors import CacheOverflowError, UnsupportedModelError
from .rope import KeyRotation, key_rotation_for

log = logging.getLogger(__name__)

MIN_EVICT_BLOCK = 64


@dataclass(frozen=True)
class SinkCacheConfig:
    window_tokens: int = 1024  # stream tokens kept after the pinned prefix
    headroom_tokens: int = 512  # room above the window for a temporary suffix and the tokens generated on it
    evict_block: int = MIN_EVICT_BLOCK  # tokens dropped per eviction (a multiple of it when more are needed)

    def __post_init__(self) -> None:
        if self.evict_block < MIN_EVICT_BLOCK:
            raise ValueError(f"evict_block must be at least {MIN_EVICT_BLOCK}, got {self.evict_block}")
        if self.window_tokens < self.evict_block:
            raise ValueError(
                f"window_tokens ({self.window_tokens}) must be >= evict_block ({self.evict_block})"
            )
        if self.headroom_tokens < 0:
            raise ValueError(f"headroom_tokens must be >= 0, got {self.headroom_tokens}")


class SinkLayer(DynamicLayer):
    """One layer's keys/values [B, H, S, D], written in place into buffers allocated once.

    DynamicLayer grows by `torch.cat` on every update: each decoded token copies the whole cache of
    every layer (measured on smollm2, 1 thread, a 1k-token cache: 63 -> 61 ms per generated token
    without it, so a small cost, but a growing one). Here the buffers are sized at the first write plus
    `reserve` (window + headroom) and fitted to the cache's bound when the prefix is pinned;
    `keys`/`values` are views of the filled part, so appending, evicting and truncating move only the
    tokens concerned and the memory is fixed from the start.
    """

    def __init__(self, reserve: int = 0) -> None:
        super().__init__()
        self.reserve = reserve  # tokens allocated beyond the first write
        self._k: torch.Tensor | None = None  # [B, H, capacity, D]
        self._v: torch.Tensor | None = None
        self._len = 0

    def _view(self) -> None:
        self.keys = self._k[..., : self._len, :]  # [B, H, len, D]
        self.values = self._v[..., : self._len, :]

    def _ensure(self, needed: int, key_states: torch.Tensor, value_states: torch.Tensor) -> None:
        if self._k is not None and self._k.shape[-2] >= needed:
            return
        size = needed + self.reserve
        b, h, _, d = key_states.shape
        k = key_states.new_empty((b, h, size, d))
        v = value_states.new_empty((b, h, size, value_states.shape[-1]))
        if self._k is not None and self._len:  # only when used beyond its bound by a caller without one
            k[..., : self._len, :] = self._k[..., : self._len, :]
            v[..., : self._len, :] = self._v[..., : self._len, :]
        self._k, self._v = k, v

    def fit(self, capacity: int) -> None:
        """Size the buffers to exactly `capacity` tokens (once the prefix is pinned and the bound known)."""
        if self._k is None or self._k.shape[-2] == capacity or capacity < self._len:
            return
        k = self._k.new_empty((*self._k.shape[:2], capacity, self._k.shape[-1]))
        v = self._v.new_empty((*self._v.shape[:2], capacity, self._v.shape[-1]))
        k[..., : self._len, :] = self._k[..., : self._len, :]
        v[..., : self._len, :] = self._v[..., : self._len, :]
        self._k, self._v = k, v
        self._view()

    def update(self, key_states: torch.Tensor, value_states: torch.Tensor, *args, **kwargs) -> tuple[torch.Tensor, torch.Tensor]:
        if not self.is_initialized:
            self.lazy_initialization(key_states, value_states)
        end = self._len + key_states.shape[-2]
        self._ensure(end, key_states, value_states)
        self._k[..., self._len : end, :] = key_states
        self._v[..., self._len : end, :] = value_states
        self._len = end
        self._view()
        return self.keys, self.values

    def evict(self, start: int, count: int, rotation: KeyRotation) -> None:
        """Drop `count` tokens at `start` and move the tokens after them `count` positions back."""
        if not self.is_initialized or count == 0:
            return
        end = self._len - count
        kept_keys = rotation.rotate(self._k[..., start + count : self._len, :], -count)  # a new tensor
        self._k[..., start:end, :] = kept_keys
        self._v[..., start:end, :] = self._v[..., start + count : self._len, :].clone()  # overlapping move
        self._len = end
        self._view()

    def truncate(self, length: int) -> None:
        """Keep the first `length` tokens (exact: the kept ones are not touched)."""
        if not self.is_initialized or self._len <= length:
            return
        self._len = length
        self._view()

    def reset(self) -> None:
        self._k = self._v = None
        self._len = 0
        super().reset()

    def crop(self, tokens_to_remove: int) -> None:
        if tokens_to_remove < 0 and self.is_initialized:
            self.truncate(max(0, self._len + tokens_to_remove))
        else:
            super().crop(tokens_to_remove)

    def nbytes(self) -> int:
        """Bytes held (the allocated buffers, filled or not)."""
        if self._k is None:
            return 0
        return self._k.numel() * self._k.element_size() + self._v.numel() * self._v.element_size()


class SinkCache(Cache):
    """Bounded cache: pinned prefix + window + headroom. Pass it to the model as its cache."""

    def __init__(self, rotation: KeyRotation, num_layers: int, config: SinkCacheConfig) -> None:
        super().__init__(layers=[SinkLayer(config.window_tokens + config.headroom_tokens) for _ in range(num_layers)])
        self.rotation = rotation
        self.config = config
        self.pinned_tokens = 0
        self.tokens_evicted = 0
        self.evictions = 0
        self.sliding_window: int | None = None  # the model's, when it has sliding-window layers

    @classmethod
    def for_model(cls, model: nn.Module, config: SinkCacheConfig) -> SinkCache:
        """Check the model (RoPE linear in position, no sliding layer narrower than the cache) and build one."""
        rotation = key_rotation_for(model)
        text_config = model.config.get_text_config(decoder=True)
        cache = cls(rotation, text_config.num_hidden_layers, config)
        sliding = getattr(text_config, "sliding_window", None)
        layer_types = getattr(text_config, "layer_types", None) or []
        if sliding is not None and (not layer_types or "sliding_attention" in layer_types):
            # Every layer here is full attention; the model's own sliding mask agrees with that only while the
            # whole cache fits in its window, checked again when the prefix is pinned.
            cache.sliding_window = int(sliding)
            cache._check_sliding_window()
        return cache

    def _check_sliding_window(self) -> None:
        if self.sliding_window is not None and self.capacity > self.sliding_window:
            raise UnsupportedModelError(
                f"model type {self.rotation.model_type!r} has sliding-window layers of {self.sliding_window} "
                f"tokens, fewer than this cache's bound of {self.capacity} (pinned + window + headroom)"
            )

    # -- sizes -------------------------------------------------------------------------------------------

    @property
    def capacity(self) -> int:
        """The most tokens the cache will ever hold: pinned + window + headroom."""
        return self.pinned_tokens + self.config.window_tokens + self.config.headroom_tokens

    @property
    def window_used(self) -> int:
        return self.get_seq_length() - self.pinned_tokens

    @property
    def window_room(self) -> int:
        """Stream tokens that still fit before the next eviction."""
        return self.config.window_tokens - self.window_used

    def nbytes(self) -> int:
        return sum(layer.nbytes() for layer in self.layers)

    # -- the operations ----------------------------------------------------------------------------------

    def pin(self) -> None:
        """Pin everything cached so far (the prefix): it is never evicted nor re-rotated."""
        self.pinned_tokens = self.get_seq_length()
        self._check_sliding_window()
        for layer in self.layers:
            layer.fit(self.capacity)

    def evict_for_space(self, incoming: int) -> int:
        """Make room for `incoming` stream tokens; return how many were evicted (0 or a multiple of the block)."""
        if incoming > self.config.window_tokens:
            raise ValueError(
                f"{incoming} incoming tokens cannot fit a window of {self.config.window_tokens}; prefill in chunks"
            )
        overflow = self.window_used + incoming - self.config.window_tokens
        if overflow <= 0:
            return 0
        block = self.config.evict_block
        count = min(-(-overflow // block) * block, self.window_used)
        for layer in self.layers:
            layer.evict(self.pinned_tokens, count, self.rotation)
        self.tokens_evicted += count
        self.evictions += 1
        log.debug("evicted %d tokens; %d cached", count, self.get_seq_length())
        return count

    def truncate(self, length: int) -> None:
        """Roll back to an earlier length (>= pinned); exact, since the kept tokens are untouched."""
        if length < self.pinned_tokens:
            raise ValueError(
                f"cannot truncate to {length} tokens, below the {self.pinned_tokens} pinned ones"
            )
        for layer in self.layers:
            layer.truncate(length)

    def clear(self) -> None:
        """Drop everything, the pinned prefix included."""
        for layer in self.layers:
            layer.reset()
        self.pinned_tokens = 0

    def update(
        self, key_states: torch.Tensor, value_states: torch.Tensor, layer_idx: int, *args, **kwargs
    ) -> tuple[torch.Tensor, torch.Tensor]:
        # The bound is an invariant, checked once per forward (layer 0) rather than trusted to the caller.
        if layer_idx == 0:
            incoming = key_states.shape[-2]
            if self.get_seq_length() + incoming > self.capacity:
                raise CacheOverflowError(
                    f"{incoming} tokens would grow the sink cache past its bound of {self.capacity} "
                    f"({self.get_seq_length()} cached); call evict_for_space first"
                )
        return super().update(key_states, value_states, layer_idx, *args, **kwargs)
