"""Attention whose key count a CPU kernel cannot turn into unbounded memory.

PyTorch's CPU flash attention, in bfloat16 and for 64 or more queries, runs oneDNN batch-reduce GEMM
kernels that it builds for the length of the last block of keys and keeps for the life of the process.
The window's key count is any number from the prefix to the cache's capacity, so a prefill chunk of 64+
tokens met a new tail length every few calls: 0.6-0.9 MB each, SDPA alone grew from 230 to 840 MB over
430 key lengths (one process, 9 heads of 64; 48 or fewer queries, or float32, stay flat). The
summarize process grew 63-90 MB per audio hour in bench.soak after the fixed call sizes (stop 36) for
this reason.

`padded_sdpa` is transformers' SDPA with, for calls of `PACKED_QUERIES` or more, the keys and values
padded with zeros to a multiple of `KEY_MULTIPLE` and the padding masked out: the softmax gives masked
keys exactly zero weight, so the output is the same attention, and the kernel only ever sees
KEY_MULTIPLE-aligned lengths (a bounded set of tails). Decode steps (1-16 queries) are untouched.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from transformers import AttentionInterface
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

ATTENTION = "sinkscribe_sdpa"  # the name models are loaded with (`attn_implementation`)
PACKED_QUERIES = 64  # fewest queries for which the kernel's memory grew (48 stayed flat)
KEY_MULTIPLE = 64


def padded_sdpa(
    module: torch.nn.Module,
    query: torch.Tensor,  # [B, H, q, D]
    key: torch.Tensor,  # [B, KV, k, D]
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,  # [B, 1, q, k], bool (True = attend) or additive; None = causal
    **kwargs,  # noqa: ANN003 - what transformers passes to its attention functions
) -> tuple[torch.Tensor, None]:
    q_len, k_len = query.shape[2], key.shape[2]
    pad = -k_len % KEY_MULTIPLE
    if q_len < PACKED_QUERIES or pad == 0:
        return sdpa_attention_forward(module, query, key, value, attention_mask, **kwargs)
    if attention_mask is None:  # causal, the queries being the last q_len positions of the keys
        rows = torch.arange(q_len, device=query.device)[:, None] + (k_len - q_len)
        attention_mask = (torch.arange(k_len, device=query.device)[None, :] <= rows)[None, None]
    if attention_mask.dtype == torch.bool:
        attention_mask = F.pad(attention_mask, (0, pad), value=False)
    else:
        attention_mask = F.pad(attention_mask, (0, pad), value=torch.finfo(attention_mask.dtype).min)
    key = F.pad(key, (0, 0, 0, pad))  # zero keys and values, never attended
    value = F.pad(value, (0, 0, 0, pad))
    kwargs.pop("is_causal", None)
    return sdpa_attention_forward(module, query, key, value, attention_mask, is_causal=False, **kwargs)


def register() -> str:
    """Make `ATTENTION` known to transformers (attention and its mask, the SDPA one); returns the name."""
    AttentionInterface.register(ATTENTION, padded_sdpa)
    AttentionMaskInterface.register(ATTENTION, sdpa_mask)
    return ATTENTION


def use_padded_attention(model: torch.nn.Module) -> None:
    """Switch a loaded transformers model that uses SDPA to `padded_sdpa` (others are left alone)."""
    if getattr(model.config, "_attn_implementation", None) == "sdpa":
        model.set_attn_implementation(register())
