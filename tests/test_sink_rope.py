"""Re-rotating cached keys: a shifted key must equal the key the model computes fresh at the new position.

Tolerance, as a fraction of the largest key magnitude: 1e-5 + 2 * 2**-24 * (p + (p - d)). The model forms
its angles as float32(p * inv_freq), which is off by up to half an ulp of p (p * 2**-24 rad) on the fastest
frequency, once for the stored key and once for the fresh one; the factor 2 covers a rotated pair's norm.
At p = 8192 that is ~1e-3; measured gaps are ~5e-5 typically, 2.3e-4 at worst seen. A wrong rotation
(wrong sign, shift or frequency layout) is off by O(1).
"""

from __future__ import annotations

import types

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from transformers import AutoConfig, AutoModelForCausalLM, DynamicCache, GPT2Config, GPT2LMHeadModel

from stages.summarize.errors import UnsupportedModelError
from stages.summarize.rope import check_rope_config, key_rotation_for
from stages.summarize.sink_cache import SinkCache, SinkCacheConfig
from tests.lm_support import one_torch_thread  # noqa: F401  (autouse fixture)

MAX_POSITION = 8192


def tolerance(start: int, shift: int) -> float:
    return 1e-5 + 2 * 2**-24 * (start + start - shift)


def tiny_model(model_type: str = "llama", **overrides) -> torch.nn.Module:
    """A 2-layer random model of `model_type`: the real attention code, in milliseconds."""
    kwargs = dict(
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=16,
        vocab_size=128,
        max_position_embeddings=MAX_POSITION * 2,
        pad_token_id=0,
        bos_token_id=0,
        eos_token_id=0,
    )
    if "moe" in model_type or model_type == "mixtral":
        kwargs.update(num_local_experts=2, num_experts=2, num_experts_per_tok=1, moe_intermediate_size=32)
        kwargs.update(shared_expert_intermediate_size=32)
    kwargs.update(overrides)
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **kwargs)).eval()


def cached_keys(model: torch.nn.Module, ids: torch.Tensor, start: int) -> list[torch.Tensor]:
    """Per-layer keys [1, H, n, D] the model caches for `ids` placed at positions start.."""
    cache = DynamicCache(config=model.config)
    positions = torch.arange(start, start + ids.shape[1]).unsqueeze(0)  # [1, n]
    with torch.inference_mode():
        model(input_ids=ids, position_ids=positions, cache=cache, use_cache=True)
    return [layer.keys for layer in cache.layers]


def assert_shift_matches_fresh(model: torch.nn.Module, start: int, shift: int) -> None:
    rotation = key_rotation_for(model)
    ids = torch.randint(1, 128, (1, 8), generator=torch.Generator().manual_seed(start))  # [1, 8]
    stored = cached_keys(model, ids, start)
    fresh = cached_keys(model, ids, start - shift)
    for layer, (old, new) in enumerate(zip(stored, fresh, strict=True)):
        moved = rotation.rotate(old, -shift)  # [1, H, 8, D]
        err = (moved - new).abs().max().item()
        assert err <= tolerance(start, shift) * new.abs().max().item(), (layer, start, shift, err)


LLAMA = tiny_model("llama")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_rerotated_key_equals_fresh_key(data: st.DataObject) -> None:
    start = data.draw(st.integers(min_value=1, max_value=MAX_POSITION), label="position")
    shift = data.draw(st.integers(min_value=1, max_value=start), label="shift")
    assert_shift_matches_fresh(LLAMA, start, shift)


@pytest.mark.parametrize(
    ("model_type", "overrides"),
    [
        ("llama", {}),
        ("mistral", {"sliding_window": None}),
        ("mixtral", {"sliding_window": None}),
        ("qwen2", {}),
        ("qwen2_moe", {}),
        ("qwen3", {}),
        ("qwen3_moe", {}),
        ("gemma", {}),
        ("phi3", {"partial_rotary_factor": 0.5}),
        ("granite", {}),
        ("llama", {"rope_parameters": {"rope_type": "linear", "factor": 4.0, "rope_theta": 10000.0}}),
        (
            "llama",
            {
                "rope_parameters": {
                    "rope_type": "llama3",
                    "factor": 8.0,
                    "rope_theta": 500000.0,
                    "low_freq_factor": 1.0,
                    "high_freq_factor": 4.0,
                    "original_max_position_embeddings": 2048,
                }
            },
        ),
        (
            "llama",
            {
                "rope_parameters": {
                    "rope_type": "yarn",
                    "factor": 2.0,
                    "rope_theta": 10000.0,
                    "original_max_position_embeddings": MAX_POSITION,
                }
            },
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else (v.get("rope_parameters", {}).get("rope_type", "") or "-"),
)
def test_every_supported_layout_shifts_like_fresh(model_type: str, overrides: dict) -> None:
    model = tiny_model(model_type, **overrides)
    for start, shift in [(64, 64), (1000, 640), (MAX_POSITION, 3000)]:
        assert_shift_matches_fresh(model, start, shift)


def test_rotations_compose() -> None:
    rotation = key_rotation_for(LLAMA)
    keys = torch.randn(1, 2, 5, 16)  # [B, H, S, D]
    there_and_back = rotation.rotate(rotation.rotate(keys, 700), -700)
    assert torch.allclose(there_and_back, keys, atol=1e-5)
    assert torch.allclose(
        rotation.rotate(rotation.rotate(keys, 300), 400), rotation.rotate(keys, 700), atol=1e-5
    )


# -- refusals -----------------------------------------------------------------------------------------------


def test_refuses_model_without_rope() -> None:
    model = GPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=32, n_head=2, vocab_size=64, n_positions=64))
    with pytest.raises(UnsupportedModelError, match="'gpt2' has no rotary position embedding"):
        SinkCache.for_model(model, SinkCacheConfig())


@pytest.mark.parametrize(
    "rope_parameters",
    [
        {"rope_type": "dynamic", "factor": 2.0, "rope_theta": 10000.0},
        {
            "rope_type": "longrope",
            "rope_theta": 10000.0,
            "short_factor": [1.0] * 8,
            "long_factor": [2.0] * 8,
            "original_max_position_embeddings": 1024,
        },
    ],
    ids=["dynamic", "longrope"],
)
def test_refuses_rope_whose_angle_depends_on_length(rope_parameters: dict) -> None:
    model = tiny_model("llama", rope_parameters=rope_parameters)
    kind = rope_parameters["rope_type"]
    with pytest.raises(UnsupportedModelError, match=f"'llama' uses RoPE type '{kind}'"):
        SinkCache.for_model(model, SinkCacheConfig())


def test_refuses_mrope_and_per_layer_rope() -> None:
    mrope = types.SimpleNamespace(
        model_type="qwen2_vl", rope_parameters={"rope_type": "default", "mrope_section": [2, 3, 3]}
    )
    with pytest.raises(UnsupportedModelError, match="'qwen2_vl' uses RoPE type 'mrope'"):
        check_rope_config(mrope)
    per_layer = types.SimpleNamespace(
        model_type="gemma3",
        rope_parameters={
            "full_attention": {"rope_type": "default"},
            "sliding_attention": {"rope_type": "default"},
        },
    )
    with pytest.raises(UnsupportedModelError, match="'gemma3' uses RoPE type 'per-layer'"):
        check_rope_config(per_layer)


def test_refuses_rope_layout_not_checked() -> None:
    config = AutoConfig.for_model("gpt_neox", hidden_size=32, num_attention_heads=2, num_hidden_layers=1)
    with pytest.raises(UnsupportedModelError, match="'gpt_neox' is not among the RoPE layouts checked"):
        check_rope_config(config)


def test_refuses_sliding_window_narrower_than_cache() -> None:
    model = tiny_model("mistral", sliding_window=512)
    with pytest.raises(UnsupportedModelError, match="sliding-window layers of 512"):
        SinkCache.for_model(model, SinkCacheConfig(window_tokens=512, headroom_tokens=64))
    SinkCache.for_model(model, SinkCacheConfig(window_tokens=256, headroom_tokens=64))  # fits: accepted
