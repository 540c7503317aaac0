"""The engine on the real packaged model, SmolLM2-135M-Instruct (preset smollm2-135m, float32).

The first run converts the GGUF into the user cache ($SINKSCRIBE_CACHE, else ~/.cache/sinkscribe): ~20 s
once; later runs load it in well under a second. Tolerances (float32, logits of magnitude ~10-30): 1e-3
absolute against a plain DynamicCache run below capacity, and between chunked and token-by-token prefill.
"""

from __future__ import annotations

import logging

import pytest
import torch
from transformers import AutoModelForCausalLM, DynamicCache

from stages.summarize import LMSession, ModelConfig, SessionConfig, chat_frame, load_model
from stages.summarize.attention import ATTENTION
from stages.summarize.models import smollm2_source
from tests.lm_support import one_torch_thread  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.slow
log = logging.getLogger(__name__)

TEXT = (
    "Alice was beginning to get very tired of sitting by her sister on the bank, and of having nothing to "
    "do: once or twice she had peeped into the book her sister was reading, but it had no pictures or "
    "conversations in it, 'and what is the use of a book,' thought Alice 'without pictures or "
    "conversations?' So she was considering in her own mind (as well as she could, for the hot day made "
    "her feel very sleepy and stupid), whether the pleasure of making a daisy-chain would be worth the "
    "trouble of getting up and picking the daisies, when suddenly a White Rabbit with pink eyes ran close "
    "by her. There was nothing so very remarkable in that; nor did Alice think it so very much out of the "
    "way to hear the Rabbit say to itself, 'Oh dear! Oh dear! I shall be late!'"
)


@pytest.fixture(scope="module")
def smol():
    return load_model(ModelConfig("smollm2-135m"))


def text_ids(smol, n: int) -> list[int]:
    ids = smol.tokenizer(TEXT * 4, add_special_tokens=False)["input_ids"]
    assert len(ids) >= n
    return ids[:n]


def test_preset_loads_from_the_converted_cache(smol) -> None:
    assert type(smol.model).__name__ == "LlamaForCausalLM"
    assert smol.path.endswith(smollm2_source().sha256[:16])
    assert smol.model.dtype == torch.float32
    assert smol.model.config._attn_implementation == ATTENTION  # keys padded for long calls (attention.py)


def test_converted_weights_equal_the_gguf(smol) -> None:
    source = smollm2_source()
    direct = AutoModelForCausalLM.from_pretrained(
        source.parts[0].parent, gguf_file=source.parts[0].name, dtype=torch.float32
    )
    ids = torch.tensor([text_ids(smol, 32)])  # [1, 32]
    with torch.inference_mode():
        assert torch.equal(direct(input_ids=ids).logits, smol.model(input_ids=ids).logits)


def test_below_capacity_matches_dynamic_cache(smol) -> None:
    frame = chat_frame(smol.tokenizer, system="You are a careful note taker.")
    session = LMSession(
        smol.model, smol.tokenizer, frame.prefix, SessionConfig(window_tokens=256, prefill_chunk=32)
    )
    ids = text_ids(smol, 150)
    logits = session.prefill(ids, return_logits=True)  # [150, V]
    full = session.prefix_ids + ids
    with torch.inference_mode():
        expected = smol.model(
            input_ids=torch.tensor([full]), cache=DynamicCache(config=smol.model.config)
        ).logits
    diff = (logits - expected[0, len(session.prefix_ids) :]).abs().max().item()
    log.info("session vs DynamicCache, max |logit diff| = %.2e", diff)
    assert diff <= 1e-3


def test_chunked_prefill_agrees_with_token_by_token(smol) -> None:
    ids = text_ids(smol, 200)  # window 128, block 64: evictions before tokens 128 and 192
    results = []
    for chunk in (1, 32):
        config = SessionConfig(window_tokens=128, headroom_tokens=0, prefill_chunk=chunk)
        session = LMSession(smol.model, smol.tokenizer, ids[:4], config)
        results.append((session.prefill(ids[4:], return_logits=True), session.counters))
    (by_token, c1), (chunked, c32) = results
    assert c1 == c32 and c1.evictions == 2
    diff = (by_token - chunked).abs().max().item()
    log.info("chunk 32 vs token by token, max |logit diff| = %.2e", diff)
    assert diff <= 1e-3


def test_generate_answers_and_rolls_back_exactly(smol) -> None:
    frame = chat_frame(smol.tokenizer, system="You answer questions about a transcript, briefly.")
    config = SessionConfig(window_tokens=128, headroom_tokens=96, prefill_chunk=32)
    session = LMSession(smol.model, smol.tokenizer, frame.prefix, config)
    for line in TEXT.split(". "):
        session.append(line + ".\n")  # past the window: several evictions
    session.append("Speaker 2: The release is moved to Friday, and Dana owns the database migration.\n")
    before = [(layer.keys.clone(), layer.values.clone()) for layer in session.cache.layers]
    counters = session.counters
    assert counters.evictions >= 1
    answer = "".join(session.generate(frame.suffix("Who owns the database migration?"), max_new_tokens=24))
    log.info("answer: %r (%s)", answer, session.last_generation)
    assert answer.strip()
    assert session.last_generation.finish_reason in {"eos", "length"}
    assert session.counters == counters
    for (keys, values), layer in zip(before, session.cache.layers, strict=True):
        assert torch.equal(keys, layer.keys) and torch.equal(values, layer.values)
