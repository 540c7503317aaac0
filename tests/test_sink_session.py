"""LMSession mechanics on a tiny random Llama (real attention code, milliseconds per call).

Tolerances (float32): logits agree to 1e-5 absolute between the session and a plain DynamicCache run below
capacity, and between chunked and token-by-token prefill across evictions; only the matmul shapes differ.
Rollback after generation is checked bitwise.
"""

from __future__ import annotations

import pytest
import torch
from transformers import DynamicCache, LlamaConfig, LlamaForCausalLM

from stages.summarize.errors import CacheOverflowError
from stages.summarize.session import (
    FORWARD_SIZES,
    LMSession,
    SessionConfig,
    forward_sizes,
    kept_rows,
    lookup_draft,
)
from stages.summarize.textstream import TextStream
from tests.lm_support import one_torch_thread  # noqa: F401  (autouse fixture)

VOCAB = 128
EOS = 3


class CharTokenizer:
    """One token per ASCII character (ids 0-3 are pad, bos, unused, eos): enough to drive a session."""

    eos_token_id = EOS

    def __call__(self, text: str, add_special_tokens: bool = False) -> dict[str, list[int]]:
        return {"input_ids": [ord(ch) if 4 <= ord(ch) < VOCAB else ord("?") for ch in text]}

    def decode(self, ids: list[int], **_: object) -> str:
        return "".join(chr(i) for i in ids if i >= 4)


def tiny_llama(seed: int = 0) -> LlamaForCausalLM:
    config = LlamaConfig(
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        vocab_size=VOCAB,
        max_position_embeddings=4096,
        bos_token_id=1,
        eos_token_id=EOS,
        pad_token_id=0,
    )
    torch.manual_seed(seed)
    return LlamaForCausalLM(config).eval()


MODEL = tiny_llama()
TOKENIZER = CharTokenizer()
PREFIX = [1, 9, 10, 11, 12]  # five pinned tokens; the first four are the sinks


def stream_ids(n: int, seed: int = 0) -> list[int]:
    return torch.randint(8, VOCAB, (n,), generator=torch.Generator().manual_seed(seed)).tolist()


def session(window: int = 128, headroom: int = 64, chunk: int = 16, **kw) -> LMSession:
    config = SessionConfig(window_tokens=window, headroom_tokens=headroom, prefill_chunk=chunk, **kw)
    return LMSession(MODEL, TOKENIZER, PREFIX, config)


def snapshot(s: LMSession) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(layer.keys.clone(), layer.values.clone()) for layer in s.cache.layers]


def assert_bitwise_equal(
    a: list[tuple[torch.Tensor, torch.Tensor]], b: list[tuple[torch.Tensor, torch.Tensor]]
):
    assert len(a) == len(b)
    for (ka, va), (kb, vb) in zip(a, b, strict=True):
        assert ka.shape == kb.shape and torch.equal(ka, kb) and torch.equal(va, vb)


def test_below_capacity_matches_dynamic_cache() -> None:
    ids = stream_ids(120)
    s = session(window=128, chunk=16)
    logits = s.prefill(ids, return_logits=True)  # [120, V]
    full = PREFIX + ids
    reference = DynamicCache(config=MODEL.config)
    with torch.inference_mode():
        expected = MODEL(input_ids=torch.tensor([full]), cache=reference, use_cache=True).logits[
            0, len(PREFIX) :
        ]
    assert s.counters.tokens_evicted == 0
    assert (logits - expected).abs().max().item() <= 1e-5
    for ours, theirs in zip(s.cache.layers, reference.layers, strict=True):
        assert torch.allclose(ours.keys, theirs.keys, atol=1e-5)


@pytest.mark.parametrize("chunk", [7, 16, 64])
def test_chunked_prefill_agrees_with_token_by_token(chunk: int) -> None:
    ids = stream_ids(400, seed=1)  # window 128, block 64: evictions at stream tokens 128, 192, 256, ...
    one = session(window=128, chunk=1)
    many = session(window=128, chunk=chunk)
    by_token = one.prefill(ids, return_logits=True)  # [400, V]
    chunked = many.prefill(ids, return_logits=True)  # [400, V]
    assert one.counters == many.counters
    assert one.counters.evictions == 5
    assert (by_token - chunked).abs().max().item() <= 1e-5


def test_every_count_is_split_into_a_few_fixed_call_sizes() -> None:
    # A bounded set of shapes is what keeps oneDNN's per-shape primitives (and the RSS) from growing.
    for n in range(1, 1100):
        sizes = forward_sizes(n)
        assert sum(sizes) == n and set(sizes) <= set(FORWARD_SIZES)
        assert sizes == sorted(sizes, reverse=True)
    assert forward_sizes(9) == [9]  # a decode step with eight draft tokens stays one call
    assert forward_sizes(77) == [64, 13] and forward_sizes(127) == [112, 15]
    assert all(len(forward_sizes(n)) <= 2 for n in range(1, 129))


class CountingModel(torch.nn.Module):
    """MODEL, recording the token count of every call."""

    def __init__(self) -> None:
        super().__init__()
        self.inner, self.counts, self.rows = MODEL, [], []
        self.config, self.generation_config = MODEL.config, MODEL.generation_config

    @property
    def device(self) -> torch.device:
        return self.inner.device

    def forward(self, input_ids, cache=None, **kwargs):  # noqa: ANN001, ANN003, ANN201
        self.counts.append(input_ids.shape[1])
        out = self.inner(input_ids=input_ids, cache=cache, **kwargs)
        self.rows.append(out.logits.shape[1])  # rows of the output layer's multiply
        return out


def counting_session(window: int, headroom: int) -> tuple[LMSession, CountingModel]:
    model = CountingModel()
    config = SessionConfig(window_tokens=window, headroom_tokens=headroom, prefill_chunk=256)
    return LMSession(model, TOKENIZER, PREFIX, config), model


def one_call_logits(ids: list[int], rows: int) -> torch.Tensor:
    with torch.inference_mode():
        return MODEL(input_ids=torch.tensor([PREFIX + ids]), use_cache=False).logits[0, -rows:]


def test_a_padded_call_gives_the_logits_and_cache_of_an_exact_one() -> None:
    padded, model = counting_session(window=256, headroom=64)
    ids = stream_ids(77, seed=3)
    model.counts.clear()
    got = padded.prefill(ids, return_logits=True)  # [77, V] from one call of 80, three filler tokens
    assert model.counts == [80]
    assert padded.cache.get_seq_length() == len(PREFIX) + 77
    assert (got - one_call_logits(ids, 77)).abs().max().item() <= 1e-5
    exact = session(window=256, chunk=7)  # calls of 7, all in FORWARD_SIZES
    exact.prefill(ids)
    for a, b in zip(snapshot(padded), snapshot(exact), strict=True):
        assert (a[0] - b[0]).abs().max().item() <= 1e-5 and (a[1] - b[1]).abs().max().item() <= 1e-5
    more = stream_ids(35, seed=4)  # the last two rows only, from one call of 48
    with torch.inference_mode():
        last = padded._forward(more, logits_to_keep=2)
    assert model.counts[-1] == 48 and last.shape[0] == 2 and model.rows[-1] == 2
    assert (last - one_call_logits(ids + more, 2)).abs().max().item() <= 1e-5
    draft = stream_ids(20, seed=5)  # a call of 32 whose first 17 rows are wanted: 32 rows, not 17
    with torch.inference_mode():
        rows = padded._forward(draft, logits_to_keep=17)
    assert model.counts[-1] == 32 and model.rows[-1] == 32 and rows.shape[0] == 17
    assert (rows - one_call_logits(ids + more + draft, 17)).abs().max().item() <= 1e-5
    assert set(model.rows) <= set(FORWARD_SIZES)


def test_the_output_layer_takes_fixed_row_counts_too() -> None:
    # The output layer is one more matrix multiply; a padded call must not give it an arbitrary count.
    for call_len in FORWARD_SIZES:
        for count in range(1, call_len + 1):
            for first in range(0, call_len - count + 1):
                start, rows = kept_rows(call_len, first, count)
                assert rows in FORWARD_SIZES and rows <= call_len
                assert start <= first and first + count <= start + rows <= call_len
    assert kept_rows(112, 99, 1) == (99, 1)  # a prefill chunk padded to 112: its one last real row
    assert kept_rows(32, 0, 17) == (0, 32)


def test_without_room_for_the_filler_a_call_is_split() -> None:
    split, model = counting_session(window=77, headroom=1)  # 77 fit, 80 would not
    ids = stream_ids(77, seed=3)
    model.counts.clear()
    model.rows.clear()
    got = split.prefill(ids, return_logits=True)
    assert model.counts == [64, 13] and model.rows == [64, 13]
    assert (got - one_call_logits(ids, 77)).abs().max().item() <= 1e-5


def test_generation_rolls_back_exactly() -> None:
    s = session(window=128, headroom=64)
    s.prefill(stream_ids(300, seed=2))  # past several evictions, so the window keys have been re-rotated
    before, counters = snapshot(s), s.counters
    text = "".join(s.generate("question?", max_new_tokens=20))
    assert s.last_generation is not None and s.last_generation.new_tokens > 0
    assert isinstance(text, str)
    assert_bitwise_equal(before, snapshot(s))
    assert s.counters == counters

    pieces = s.generate("again", max_new_tokens=30, temperature=1.0)
    next(pieces)
    pieces.close()  # the consumer quits early
    assert s.last_generation.finish_reason == "closed"
    assert_bitwise_equal(before, snapshot(s))

    s.append("after")  # the stream continues as if nothing was generated
    reference = session(window=128, headroom=64)
    reference.prefill(stream_ids(300, seed=2))
    reference.append("after")
    assert_bitwise_equal(snapshot(reference), snapshot(s))


def test_cache_never_exceeds_its_bound_over_a_long_stream() -> None:
    s = session(window=128, headroom=48, chunk=16)
    bound = len(PREFIX) + 128
    rng = torch.Generator().manual_seed(3)
    for step in range(60):
        size = int(torch.randint(1, 90, (1,), generator=rng))
        s.prefill(stream_ids(size, seed=step))
        assert s.counters.cache_tokens <= bound
        if step % 10 == 0:
            for _ in s.generate("summary:", max_new_tokens=30):
                assert s.cache.get_seq_length() <= s.cache.capacity == bound + 48
    counters = s.counters
    assert counters.evictions > 10
    assert counters.tokens_seen - counters.tokens_evicted == counters.cache_tokens - len(PREFIX)


def test_generation_limits_and_misuse() -> None:
    s = session(window=128, headroom=32)
    with pytest.raises(ValueError, match="exceed the generation headroom of 32"):
        s.generate("x" * 10, max_new_tokens=30)
    with pytest.raises(ValueError, match="non-empty suffix"):
        s.generate("", max_new_tokens=4)
    pieces = s.generate("hi", max_new_tokens=8)
    assert next(pieces)  # this seeded model does answer "hi"
    with pytest.raises(RuntimeError, match="still open"):  # appending now would break the rollback
        s.append("x")
    pieces.close()
    s.prefill(stream_ids(128))  # a full window: only the headroom is left
    with pytest.raises(CacheOverflowError):  # decode_one past the headroom is refused, not silently grown
        for _ in range(33):
            s.decode_one(20)


def test_lookup_draft_takes_what_followed_the_longest_latest_match() -> None:
    assert lookup_draft([5, 6, 7, 8, 9, 5, 6, 7], 3) == [8, 9, 5]  # "5 6 7" seen before: what came next
    assert lookup_draft([5, 6, 1, 5, 7, 2, 5, 6], 4) == [1, 5, 7, 2]  # "5 6" beats the later "5"
    assert lookup_draft([4, 9, 4, 8, 4], 2) == [8, 4]  # the latest occurrence of "4", not the first
    assert lookup_draft([5, 6, 7, 8], 4) == []  # nothing repeats
    assert lookup_draft([5, 6, 5, 6], 0) == []  # no room left
    assert lookup_draft([7], 4) == []
    assert lookup_draft([5, 6, 1, 5, 7, 2, 5, 6], 4, min_ngram=3) == []  # only a 2-token match there


@pytest.mark.parametrize("prompt", ["summary: abcabc abcabc abc", "list: x1 x2 x3 x4 x5 x6 x"])
def test_drafts_change_no_token_only_the_number_of_steps(prompt: str) -> None:
    """Greedy text with prompt-lookup drafts is the greedy text without them, to the token; the cache is
    rolled back exactly and never holds more than the suffix and max_new_tokens; fewer model calls."""
    plain, drafted = session(window=128, headroom=64), session(window=128, headroom=64, draft_tokens=8)
    for s in (plain, drafted):
        s.prefill(stream_ids(300, seed=4))  # past evictions, so the window keys were re-rotated
    before = snapshot(drafted)
    suffix_tokens = len(prompt)
    expected = "".join(plain.generate(prompt, max_new_tokens=36))
    got = []
    for piece in drafted.generate(prompt, max_new_tokens=36):
        got.append(piece)
        assert drafted.cache.get_seq_length() <= drafted.cache.pinned_tokens + 128 + suffix_tokens + 36
    assert "".join(got) == expected
    a, b = plain.last_generation, drafted.last_generation
    assert (b.new_tokens, b.finish_reason) == (a.new_tokens, a.finish_reason)
    assert a.drafted == a.accepted == 0 and a.decode_forwards == a.new_tokens - 1
    assert b.accepted > 0  # this seeded model repeats itself, so drafts from its own text stand
    assert b.decode_forwards == b.new_tokens - 1 - b.accepted  # every agreed draft token saved a call
    assert_bitwise_equal(before, snapshot(drafted))


def test_drafts_never_pass_max_new_tokens() -> None:
    s = session(window=128, headroom=64, draft_tokens=16)
    s.prefill(stream_ids(200, seed=5))
    for limit in (1, 2, 5, 17):
        text = "".join(s.generate("abababababab", max_new_tokens=limit))
        assert s.last_generation.new_tokens <= limit and len(text) <= limit
        plain = session(window=128, headroom=64)
        plain.prefill(stream_ids(200, seed=5))
        assert "".join(plain.generate("abababababab", max_new_tokens=limit)) == text


def test_drafts_are_not_used_when_sampling() -> None:
    s = session(window=128, headroom=64, draft_tokens=8)
    s.prefill(stream_ids(100, seed=6))
    "".join(s.generate("abcabcabc", max_new_tokens=20, temperature=1.0))
    assert s.last_generation.drafted == 0


def test_prefix_must_hold_the_sinks() -> None:
    with pytest.raises(ValueError, match="at least 4"):
        LMSession(MODEL, TOKENIZER, [1, 2, 3], SessionConfig(window_tokens=128))


def test_rebuild_keeps_the_last_window_tokens() -> None:
    segments = ["".join(chr(40 + (i * 7 + j) % 60) for j in range(50)) for i in range(8)]  # 400 chars
    rebuilt = session(window=128)
    rebuilt.prefill(stream_ids(50))
    assert rebuilt.rebuild(segments) == 128
    counters = rebuilt.counters
    assert (counters.tokens_seen, counters.tokens_evicted, counters.cache_tokens) == (
        400,
        272,
        128 + len(PREFIX),
    )
    fresh = session(window=128)
    fresh.prefill(TOKENIZER("".join(segments))["input_ids"][-128:])
    assert_bitwise_equal(snapshot(fresh), snapshot(rebuilt))


# -- text streaming -----------------------------------------------------------------------------------------


def feed(stream: TextStream, text: str) -> str:
    return "".join(stream.push(i) for i in TOKENIZER(text)["input_ids"]) + stream.flush()


def test_text_stream_cuts_at_stop_strings() -> None:
    assert feed(TextStream(TOKENIZER, stop=["END"]), "abc EN def END ghi") == "abc EN def "
    assert feed(TextStream(TOKENIZER, stop=["\n\n", "Q:"]), "line\nnext\n\nrest") == "line\nnext"
    assert feed(TextStream(TOKENIZER), "no stops at all") == "no stops at all"


def test_text_stream_holds_back_a_possible_stop() -> None:
    stream = TextStream(TOKENIZER, stop=["STOP"])
    pieces = [stream.push(i) for i in TOKENIZER("aSTO")["input_ids"]]
    assert "".join(pieces) == "a"  # "STO" might still become "STOP"
    assert stream.push(TOKENIZER("x")["input_ids"][0]) == "STOx"


@pytest.mark.parametrize(("dtype", "tolerance"), [(torch.float32, 1e-5), (torch.bfloat16, 2e-2)])
def test_window_after_evictions_equals_a_fresh_run_in_each_dtype(dtype: torch.dtype, tolerance: float) -> None:
    """The sink cache stays exact in the dtypes the presets run in (bfloat16 is the CPU default where
    the CPU has bf16 instructions): after re-rotating evictions, every cached key and value equals the
    one a fresh run over the prefix plus the kept window computes, to the rounding of that dtype.
    Layer 0 only: its keys and values depend on the token and its position alone, so they are what the
    re-rotation must reproduce; deeper layers carry what each token saw when it arrived (StreamingLLM
    keeps them, by design)."""
    model = tiny_llama().to(dtype)
    s = LMSession(model, TOKENIZER, PREFIX, SessionConfig(window_tokens=128, headroom_tokens=64, prefill_chunk=32))
    ids = stream_ids(400, seed=3)
    s.prefill(ids)
    assert s.counters.evictions >= 4
    n = s.counters.cache_tokens
    reference = DynamicCache(config=model.config)
    with torch.inference_mode():
        model(input_ids=torch.tensor([PREFIX + ids[len(PREFIX) - n :]]), cache=reference, use_cache=True)
    ours, theirs = s.cache.layers[0], reference.layers[0]
    for a, b in ((ours.keys[..., :n, :], theirs.keys), (ours.values[..., :n, :], theirs.values)):  # [1, H, n, D]
        assert a.shape == b.shape
        assert (a.float() - b.float()).abs().max().item() <= tolerance * b.float().abs().max().item()
