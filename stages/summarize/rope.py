"""Re-rotating cached keys: the RoPE arithmetic behind the sink cache, and the checks that make it valid.

Hugging Face models cache keys *after* RoPE, so a key stored for position p is R(p) k. When the sink cache
drops d tokens from the front of its window, the kept keys must move to p - d, and rotations compose:
R(p - d) k = R(-d) R(p) k. That holds only while the rotation angle is linear in position (angle = p * θ_i
with fixed θ_i), which is why length-dependent RoPE variants and models without RoPE are refused here,
with the model type named in the error (docs/ARCHITECTURE.md, "The sink-window cache").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from .errors import UnsupportedModelError

log = logging.getLogger(__name__)

# Model types whose attention applies RoPE as HF's `apply_rotary_pos_emb` does (rotate_half over the first
# 2 * len(inv_freq) dims of each head, one rotary module for all layers) and caches keys after it. Each one
# is covered by tests/test_sink_rope.py, which compares a re-rotated key with a key computed fresh by the
# model itself; add a type here only together with a case there.
ROTATE_HALF_MODEL_TYPES = frozenset(
    {"llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma", "phi3", "granite"}
)

# RoPE types whose inverse frequencies are fixed at init, so the angle is p * inv_freq for every p.
# "dynamic" (NTK) and "longrope" swap frequencies as the sequence grows (see transformers'
# `dynamic_rope_update`), so a shifted key no longer equals a fresh one; yarn and llama3 only reshape
# inv_freq once (yarn also scales cos/sin by a constant, which a pure rotation preserves).
LINEAR_ROPE_TYPES = frozenset({"default", "linear", "llama3", "yarn"})


@dataclass(frozen=True)
class KeyRotation:
    """The model's own rotary frequencies, and the one operation the cache needs: rotate keys by a shift."""

    inv_freq: torch.Tensor  # [D_rot / 2] float32, exactly the buffer the model multiplies positions by
    model_type: str

    @property
    def rotary_dims(self) -> int:
        return 2 * self.inv_freq.shape[0]

    def rotate(self, keys: torch.Tensor, shift: int) -> torch.Tensor:
        """Return R(shift) applied to post-RoPE `keys` [B, H, S, D], in float32, cast back to keys' dtype.

        A negative shift moves keys to earlier positions. The angle shift * inv_freq is formed in float64:
        it is a few hundred values, and it keeps the only rounding in the float32 cos/sin themselves.
        """
        rot = self.rotary_dims
        angle = shift * self.inv_freq.to(device=keys.device, dtype=torch.float64)  # [D_rot / 2]
        angle = torch.cat((angle, angle))  # [D_rot], same layout as the model's cat((freqs, freqs))
        cos = angle.cos().to(torch.float32)  # [D_rot]
        sin = angle.sin().to(torch.float32)  # [D_rot]
        x = keys[..., :rot].to(torch.float32)  # [B, H, S, D_rot]
        half = rot // 2
        rotated_half = torch.cat((-x[..., half:], x[..., :half]), dim=-1)  # [B, H, S, D_rot]
        out = (x * cos + rotated_half * sin).to(keys.dtype)  # [B, H, S, D_rot]
        if rot == keys.shape[-1]:
            return out
        # Partial rotary (e.g. phi3 with partial_rotary_factor < 1): the tail of each head is position-free.
        return torch.cat((out, keys[..., rot:]), dim=-1)  # [B, H, S, D]


def rope_type_of(config: Any) -> str | None:
    """The config's RoPE type, or None when it declares no RoPE at all."""
    params = getattr(config, "rope_parameters", None)
    if params is None:
        params = getattr(config, "rope_scaling", None)  # older configs, before `rope_parameters`
        if params is None:
            return "default" if getattr(config, "rope_theta", None) is not None else None
    if not isinstance(params, dict):
        return None
    if params and all(isinstance(v, dict) for v in params.values()):
        return "per-layer"  # e.g. {"full_attention": {...}, "sliding_attention": {...}}
    if "mrope_section" in params or "mrope_interleaved" in params:
        return "mrope"
    return str(params.get("rope_type", params.get("type", "default")))


def check_rope_config(config: Any) -> None:
    """Raise UnsupportedModelError unless `config` describes a model the sink cache can shift correctly."""
    model_type = getattr(config, "model_type", "unknown")
    rope_type = rope_type_of(config)
    if rope_type is None:
        raise UnsupportedModelError(
            f"model type {model_type!r} has no rotary position embedding (RoPE); the sink cache re-rotates "
            f"cached keys and needs a RoPE model such as llama or qwen2"
        )
    if rope_type not in LINEAR_ROPE_TYPES:
        raise UnsupportedModelError(
            f"model type {model_type!r} uses RoPE type {rope_type!r}, whose angle is not linear in position; "
            f"the sink cache supports {sorted(LINEAR_ROPE_TYPES)}"
        )
    if model_type not in ROTATE_HALF_MODEL_TYPES:
        raise UnsupportedModelError(
            f"model type {model_type!r} is not among the RoPE layouts checked against the sink cache "
            f"({', '.join(sorted(ROTATE_HALF_MODEL_TYPES))})"
        )


def _rotary_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    return [
        (name, module)
        for name, module in model.named_modules()
        if isinstance(getattr(module, "inv_freq", None), torch.Tensor)
    ]


def key_rotation_for(model: nn.Module) -> KeyRotation:
    """Check `model` and return its rotary frequencies, read from its own rotary-embedding module."""
    config = model.config
    check_rope_config(config)
    model_type = config.model_type
    found = _rotary_modules(model)
    if len(found) != 1:
        names = [name for name, _ in found] or ["none"]
        raise UnsupportedModelError(
            f"model type {model_type!r}: expected one rotary embedding module, found {', '.join(names)}"
        )
    name, module = found[0]
    module_rope_type = getattr(module, "rope_type", "default")
    if not isinstance(module_rope_type, str) or module_rope_type not in LINEAR_ROPE_TYPES:
        raise UnsupportedModelError(
            f"model type {model_type!r}: rotary module {name} has RoPE type {module_rope_type!r}, "
            f"whose angle is not linear in position"
        )
    inv_freq = module.inv_freq.detach().to(device="cpu", dtype=torch.float32).clone()  # [D_rot / 2]
    log.debug("key rotation for %s from %s: %d rotary dims", model_type, name, 2 * inv_freq.shape[0])
    return KeyRotation(inv_freq=inv_freq, model_type=model_type)
