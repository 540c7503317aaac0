"""padded_sdpa: the same attention as SDPA, with the kernel only ever seeing aligned key counts.

On a tiny random Llama in float32 (the kernel's memory growth itself is bfloat16 and measured by
bench.soak; here the subject is that padding changes no result and reaches every long call).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from stages.summarize.attention import ATTENTION, KEY_MULTIPLE, PACKED_QUERIES, use_padded_attention
from stages.summarize.session import LMSession, SessionConfig
from tests.lm_support import one_torch_thread  # noqa: F401  (autouse fixture)
from tests.test_sink_session import PREFIX, TOKENIZER, stream_ids, tiny_llama


def padded_model() -> torch.nn.Module:
    model = tiny_llama()
    use_padded_attention(model)
    assert model.config._attn_implementation == ATTENTION
    return model


def spy_key_lengths(monkeypatch) -> list[tuple[int, int]]:  # noqa: ANN001
    seen: list[tuple[int, int]] = []
    real = F.scaled_dot_product_attention

    def spy(query, key, value, **kwargs):  # noqa: ANN001, ANN003, ANN202
        seen.append((query.shape[2], key.shape[2]))
        return real(query, key, value, **kwargs)

    monkeypatch.setattr(torch.nn.functional, "scaled_dot_product_attention", spy)
    return seen


def test_a_long_call_sees_aligned_keys_and_gives_the_same_logits(monkeypatch) -> None:  # noqa: ANN001
    plain, padded = tiny_llama(), padded_model()
    ids = torch.tensor([stream_ids(150, seed=7)])
    seen = spy_key_lengths(monkeypatch)
    with torch.inference_mode():
        want = plain(input_ids=ids).logits
        seen.clear()
        got = padded(input_ids=ids).logits  # one call of 150 queries over 150 keys, no cache: causal
    assert seen and all(k % KEY_MULTIPLE == 0 for _, k in seen)
    assert (got - want).abs().max().item() <= 1e-5


def test_a_session_over_evictions_is_unchanged_and_aligned(monkeypatch) -> None:  # noqa: ANN001
    config = SessionConfig(window_tokens=200, headroom_tokens=64, prefill_chunk=128)
    plain = LMSession(tiny_llama(), TOKENIZER, PREFIX, config)
    padded = LMSession(padded_model(), TOKENIZER, PREFIX, config)
    ids = stream_ids(700, seed=8)
    seen = spy_key_lengths(monkeypatch)
    want = plain.prefill(ids, return_logits=True)
    seen.clear()
    got = padded.prefill(ids, return_logits=True)
    assert padded.counters.evictions > 0
    long_calls = [(q, k) for q, k in seen if q >= PACKED_QUERIES]
    assert long_calls and all(k % KEY_MULTIPLE == 0 for _, k in long_calls)
    assert (got - want).abs().max().item() <= 1e-5
    with torch.inference_mode():
        a = "".join(plain.generate("Q?", max_new_tokens=12))
        b = "".join(padded.generate("Q?", max_new_tokens=12))
    assert a == b
    assert any(k % KEY_MULTIPLE for q, k in seen if q < PACKED_QUERIES)  # decode steps are left as they are
