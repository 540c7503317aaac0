"""A language-model session that runs forever over a stream, in bounded memory.

The cache holds [pinned prefix | window of recent stream tokens | headroom]. `append` prefills stream text
into the window, evicting whole blocks first when it is full; `generate` runs on a temporary suffix (an
instruction, a question) in the headroom and rolls the cache back exactly afterwards, so the stream is never
polluted and generation never evicts a stream token.

Inference is in named steps, as in gpt-fast: `prefill` (stream tokens, with eviction), `decode_one` (one
token, no eviction), `generate` (suffix + decode loop + rollback). A session is not thread-safe: one per
stream, driven from one thread.

Greedy decoding may draft tokens by prompt lookup (`draft_tokens`): what the model writes next is often
what the suffix already says (a note quotes the stretch it reads, an answer the line it rests on), so the
tokens that followed the last few generated ones in the suffix are fed with the next token in one
forward, and kept as far as the model's own greedy choice agrees. On a CPU one forward of 9 tokens costs
about what one of 1 token does (the weights are read once), so every agreed draft token is a decode step
saved. A draft only skips steps, it never chooses a token: the text is the greedy text, up to rounding
(in bfloat16 a forward over 9 tokens can break a near tie another way than one over 1).
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from .sink_cache import MIN_EVICT_BLOCK, SinkCache, SinkCacheConfig
from .textstream import TextStream

log = logging.getLogger(__name__)

# Token counts one model call may take. On a CPU in bfloat16, oneDNN builds and keeps a matrix-multiply
# primitive for every distinct number of rows it is given, about 0.7 MB each for smollm2's shapes, up to
# 1024 of them (its cache's default capacity): a prefill tail or a window's room can be any count from 1 to
# `prefill_chunk`, so the summarize process grew 144 MB from 0.17 to 1 audio hour, still rising (bench.soak,
# stop 36). Calls take only these counts, so their primitives are built in the first minutes: 1..16 as
# they are (a decode step with its draft tokens), then steps of 16. A call of another count is padded up
# to the next one with filler tokens that are dropped from the cache after it (causal attention: they
# change nothing before them, and cost about what a second call for the tail would cost in weight reads,
# without its overhead); where the cache has no room for the filler it is split instead. The output layer
# gets the same treatment (`kept_rows`), and attention's own kernels the keys' (attention.py).
FORWARD_SIZES = (*range(1, 17), *range(32, 129, 16), 256, 384, 512)


def forward_sizes(n: int) -> list[int]:
    """`n` as a sum of counts from FORWARD_SIZES, largest first (the fewest calls for greedy choice)."""
    sizes: list[int] = []
    while n > 0:
        size = max(s for s in FORWARD_SIZES if s <= n)
        sizes.append(size)
        n -= size
    return sizes


def padded_size(n: int) -> int | None:
    """The smallest count in FORWARD_SIZES that holds `n` tokens, None above the largest."""
    return next((s for s in FORWARD_SIZES if s >= n), None)


def kept_rows(call_len: int, first: int, count: int) -> tuple[int, int]:
    """(start, rows): the rows of a call of `call_len` tokens (a FORWARD_SIZES count) whose logits are
    computed so that rows first..first+count-1 are among them, with `rows` itself a FORWARD_SIZES count.

    The output layer is a matrix multiply like the others: its primitive is kept per row count too, and a
    padded call wants an arbitrary number of rows of it (the rows up to the filler), so the count is
    rounded up the same way and the window placed inside the call.
    """
    rows = padded_size(count) or call_len
    rows = min(rows, call_len)
    return min(first, call_len - rows), rows


@dataclass(frozen=True)
class SessionConfig:
    sink_tokens: int = 4  # the prefix must be at least this long: its first tokens are the attention sinks
    window_tokens: int = 1024  # recent stream tokens kept in the cache
    headroom_tokens: int = 512  # suffix + generated tokens; sized so generation never evicts stream tokens
    evict_block: int = MIN_EVICT_BLOCK  # stream tokens evicted at once (re-rotation happens per eviction)
    prefill_chunk: int = 32  # tokens per forward when prefilling; changes speed, not results
    seed: int = 0  # sampling seed, used when temperature > 0
    # Prompt-lookup draft tokens fed with each greedy decode step (0 = off); speed only (module docstring).
    draft_tokens: int = 0

    def cache_config(self) -> SinkCacheConfig:
        return SinkCacheConfig(
            window_tokens=self.window_tokens,
            headroom_tokens=self.headroom_tokens,
            evict_block=self.evict_block,
        )


@dataclass(frozen=True)
class SessionCounters:
    tokens_seen: int  # stream tokens appended since the last reset (the prefix not included)
    tokens_evicted: int  # stream tokens dropped from the window
    evictions: int  # eviction events (each one a block or a few)
    pinned_tokens: int  # prefix tokens, never evicted
    cache_tokens: int  # tokens in the cache now
    cache_bytes: int  # bytes of cached keys and values now


@dataclass(frozen=True)
class GenerationStats:
    suffix_tokens: int
    new_tokens: int
    finish_reason: str  # "eos", "stop" (a stop string), "length" (max_new_tokens) or "closed" (consumer quit)
    seconds: float
    decode_forwards: int = 0  # model calls after the suffix's prefill (new_tokens - 1 without drafts)
    drafted: int = 0  # prompt-lookup tokens fed
    accepted: int = 0  # of those, the ones the greedy choice agreed with (each a decode step saved)


class LMSession:
    """One persistent causal-LM session: `append` stream text, `generate` on a temporary suffix."""

    def __init__(
        self, model: Any, tokenizer: Any, prefix: str | Sequence[int], config: SessionConfig | None = None
    ) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.config = config or SessionConfig()
        if self.config.prefill_chunk < 1:
            raise ValueError(f"prefill_chunk must be >= 1, got {self.config.prefill_chunk}")
        if self.config.draft_tokens < 0:
            raise ValueError(f"draft_tokens must be >= 0, got {self.config.draft_tokens}")
        self.prefix_ids = (
            self._encode(prefix, special=True) if isinstance(prefix, str) else [int(t) for t in prefix]
        )
        if len(self.prefix_ids) < self.config.sink_tokens:
            raise ValueError(
                f"the prefix is {len(self.prefix_ids)} tokens; it needs at least {self.config.sink_tokens} "
                f"(its first tokens are the attention sinks)"
            )
        self.cache = SinkCache.for_model(model, self.config.cache_config())
        # transformers 5.x renamed `past_key_values` to `cache` (the old name is deprecated until 5.40).
        params = inspect.signature(model.forward).parameters
        self._cache_kwarg = "cache" if "cache" in params else "past_key_values"
        self._eos_ids = _eos_ids(model, tokenizer)
        self._rng = torch.Generator(device="cpu").manual_seed(self.config.seed)
        self._generating = False
        self.tokens_seen = 0
        self.last_generation: GenerationStats | None = None
        self.reset()

    # -- state -------------------------------------------------------------------------------------------

    @property
    def counters(self) -> SessionCounters:
        return SessionCounters(
            tokens_seen=self.tokens_seen,
            tokens_evicted=self.cache.tokens_evicted,
            evictions=self.cache.evictions,
            pinned_tokens=self.cache.pinned_tokens,
            cache_tokens=self.cache.get_seq_length(),
            cache_bytes=self.cache.nbytes(),
        )

    @torch.inference_mode()
    def reset(self) -> None:
        """Empty the cache and the counters, then prefill and pin the prefix again."""
        self._check_idle()
        self.cache.clear()
        self.cache.tokens_evicted = self.cache.evictions = 0
        self.tokens_seen = 0
        chunk = self.config.prefill_chunk
        for start in range(0, len(self.prefix_ids), chunk):
            self._forward(self.prefix_ids[start : start + chunk], logits_to_keep=1)
            self.cache.pin()  # pinned as it grows, so a long prefix never meets the window's bound

    @torch.inference_mode()
    def rebuild(self, segments: Iterable[str]) -> int:
        """Reset, then refill the window from stored text (e.g. after a crash); return tokens prefilled.

        Only the last `window_tokens` tokens can be in the window anyway, so only those are computed; the
        rest count as seen and evicted.
        """
        ids = [t for segment in segments for t in self._encode(segment)]
        self.reset()
        kept = ids[-self.config.window_tokens :] if ids else []
        self.prefill(kept)
        self.tokens_seen += len(ids) - len(kept)
        self.cache.tokens_evicted += len(ids) - len(kept)
        return len(kept)

    # -- the steps ---------------------------------------------------------------------------------------

    def append(self, text: str) -> int:
        """Prefill stream text into the window; return its token count. Separate pieces with spaces or
        newlines yourself: each piece is tokenized on its own."""
        ids = self._encode(text)
        self.prefill(ids)
        return len(ids)

    @torch.inference_mode()
    def prefill(self, ids: Sequence[int], *, return_logits: bool = False) -> torch.Tensor | None:
        """Push stream tokens into the window; with `return_logits`, the logits [n, V] for every one.

        The window is filled to exactly `window_tokens` before each block eviction, whatever the chunk
        size, so chunked and token-by-token prefill see the same keys (tests/test_sink_session.py).
        """
        self._check_idle()
        ids = [int(t) for t in ids]
        pieces: list[torch.Tensor] = []
        pos = 0
        while pos < len(ids):
            if self.cache.window_room == 0:
                self.cache.evict_for_space(min(len(ids) - pos, self.config.evict_block))
            take = min(len(ids) - pos, self.cache.window_room, self.config.prefill_chunk)
            logits = self._forward(ids[pos : pos + take], logits_to_keep=0 if return_logits else 1)
            if return_logits:
                pieces.append(logits)  # [take, V]
            pos += take
        self.tokens_seen += len(ids)
        if not return_logits:
            return None
        if not pieces:
            return torch.empty(0, self.model.config.get_text_config().vocab_size)
        return torch.cat(pieces, dim=0)  # [n, V]

    @torch.inference_mode()
    def decode_one(self, token_id: int) -> torch.Tensor:
        """Feed one token at the end of the cache (no eviction); return its next-token logits [V]."""
        return self._forward([token_id], logits_to_keep=1)[-1]  # [V]

    def generate(
        self,
        suffix: str,
        max_new_tokens: int = 256,
        *,
        temperature: float = 0.0,
        stop: Sequence[str] = (),
    ) -> Iterator[str]:
        """Stream text generated after `suffix` (raw text: apply any chat template first, see `chat.py`).

        Afterwards — also when the consumer stops early or an error is raised — the cache is cut back to
        exactly what it was before. Consume the iterator fully or close() it before the next `append`.
        Arguments are checked here, before the first piece is asked for.
        """
        suffix_ids = self._encode(suffix)
        if not suffix_ids:
            raise ValueError("generate needs a non-empty suffix (the tokens that prompt the answer)")
        headroom = self.config.headroom_tokens
        if len(suffix_ids) + max_new_tokens > headroom:
            raise ValueError(
                f"suffix ({len(suffix_ids)} tokens) + max_new_tokens ({max_new_tokens}) exceed the generation "
                f"headroom of {headroom} tokens; shorten them or raise headroom_tokens"
            )
        self._check_idle()
        return self._generate(suffix_ids, max_new_tokens, temperature, tuple(stop))

    @torch.inference_mode()
    def _generate(
        self, suffix_ids: list[int], max_new_tokens: int, temperature: float, stop: tuple[str, ...]
    ) -> Iterator[str]:
        self._check_idle()
        mark = self.cache.get_seq_length()
        self._generating = True
        stream = TextStream(self.tokenizer, stop)
        started = time.perf_counter()
        reason = "closed"
        draft = self.config.draft_tokens if temperature <= 0.0 else 0  # a draft is checked against argmax
        steps = _Steps()
        tokens = self._tokens(suffix_ids, max_new_tokens, temperature, draft, steps)
        try:
            for made, token in enumerate(tokens, start=1):
                if token in self._eos_ids:
                    reason = "eos"
                    break
                piece = stream.push(token)
                if piece:
                    yield piece
                if stream.stopped:
                    reason = "stop"
                    break
                if made == max_new_tokens:  # the last token's logits are never computed
                    reason = "length"
                    break
            tail = stream.flush()
            if tail:
                yield tail
        finally:
            tokens.close()
            self.cache.truncate(mark)
            self._generating = False
            self.last_generation = GenerationStats(
                suffix_tokens=len(suffix_ids),
                new_tokens=len(stream.ids),
                finish_reason=reason,
                seconds=time.perf_counter() - started,
                decode_forwards=steps.forwards,
                drafted=steps.drafted,
                accepted=steps.accepted,
            )
            log.debug("generation: %s", self.last_generation)

    def _tokens(
        self, suffix_ids: list[int], max_new_tokens: int, temperature: float, draft: int, steps: _Steps
    ) -> Iterator[int]:
        """The generated token ids, one by one; each model call is made only when its tokens are asked for.

        Each step feeds the last token with up to `draft` tokens looked up in the suffix and what is
        written so far; the model's choice after each fed token decides how many of them stand. The
        cache keeps the fed tokens that stood and is cut back past the rest.
        """
        logits = self._forward_unbounded(suffix_ids)  # [V], prediction after the suffix
        context = list(suffix_ids)  # what drafts are looked up in
        token = self._pick(logits, temperature)
        made = 0
        while True:
            yield token
            made += 1
            context.append(token)
            # Never more than the tokens still allowed: the cache stays within suffix + max_new_tokens.
            guess = lookup_draft(context, min(draft, max_new_tokens - made)) if draft else []
            base = self.cache.get_seq_length()
            rows = self._forward([token, *guess], logits_to_keep=1 + len(guess))  # [1 + len(guess), V]
            steps.forwards += 1
            steps.drafted += len(guess)
            token = self._pick(rows[0], temperature)
            kept = 0
            while kept < len(guess) and token == guess[kept]:
                yield token
                made += 1
                context.append(token)
                kept += 1
                token = self._pick(rows[kept], temperature)
            steps.accepted += kept
            if kept < len(guess):
                self.cache.truncate(base + 1 + kept)  # the fed tokens after the first disagreement

    # -- helpers -----------------------------------------------------------------------------------------

    def _forward(self, ids: list[int], logits_to_keep: int) -> torch.Tensor:
        """The model on `ids` at positions cache_length.. in calls of FORWARD_SIZES counts; returns logits
        [n or logits_to_keep, V] (0 = all, k = the last k)."""
        first_kept = len(ids) - logits_to_keep if logits_to_keep else 0
        start = self.cache.get_seq_length()
        size = padded_size(len(ids))
        if size is not None and start + size <= self.cache.capacity:
            filler = [ids[-1]] * (size - len(ids))
            logits = self._call_rows(ids + filler, first_kept, len(ids) - first_kept)
            if filler:
                self.cache.truncate(start + len(ids))
            return logits
        kept: list[torch.Tensor] = []
        pos = 0
        for size in forward_sizes(len(ids)):
            first = max(pos, first_kept)
            rows = pos + size - first  # rows of this call's logits the caller wants
            if rows > 0:
                kept.append(self._call_rows(ids[pos : pos + size], first - pos, rows))
            else:
                self._call_rows(ids[pos : pos + size], size - 1, 1)  # the cache is what this call is for
            pos += size
        return kept[0] if len(kept) == 1 else torch.cat(kept, dim=0)

    def _call_rows(self, ids: list[int], first: int, count: int) -> torch.Tensor:
        """One model call on `ids` (a FORWARD_SIZES count); returns the logits of rows first..first+count-1
        [count, V], computed over a FORWARD_SIZES number of rows (`kept_rows`)."""
        row_start, rows = kept_rows(len(ids), first, count)
        keep: int | torch.Tensor = 0
        if rows < len(ids):
            keep = torch.arange(row_start, row_start + rows, device=self.model.device)
        logits = self._call(ids, keep)  # [rows, V]
        return logits[first - row_start : first - row_start + count]

    def _call(self, ids: list[int], logits_to_keep: int | torch.Tensor) -> torch.Tensor:
        """One model call on `ids` at positions cache_length.. ; returns logits [n or logits_to_keep, V]
        (an int keeps the last rows, a 1-D tensor the rows at those positions)."""
        start = self.cache.get_seq_length()
        device = self.model.device
        input_ids = torch.tensor([ids], dtype=torch.long, device=device)  # [1, n]
        position_ids = torch.arange(start, start + len(ids), device=device).unsqueeze(0)  # [1, n]
        out = self.model(
            input_ids=input_ids,
            position_ids=position_ids,
            use_cache=True,
            logits_to_keep=logits_to_keep,
            **{self._cache_kwarg: self.cache},
        )
        return out.logits[0]  # [n or the kept rows, V]

    def _forward_unbounded(self, ids: list[int]) -> torch.Tensor:
        """Prefill the suffix in chunks, without eviction (it lives in the headroom); return last logits [V]."""
        chunk = self.config.prefill_chunk
        logits = None
        for start in range(0, len(ids), chunk):
            logits = self._forward(ids[start : start + chunk], logits_to_keep=1)  # [1, V]
        assert logits is not None, "callers pass a non-empty suffix"
        return logits[-1]  # [V]

    def _pick(self, logits: torch.Tensor, temperature: float) -> int:
        if temperature <= 0.0:
            return int(torch.argmax(logits))
        probs = torch.softmax(logits.float() / temperature, dim=-1)  # [V]
        return int(torch.multinomial(probs, 1, generator=self._rng))

    def _encode(self, text: str, special: bool = False) -> list[int]:
        return list(self.tokenizer(text, add_special_tokens=special)["input_ids"])

    def _check_idle(self) -> None:
        if self._generating:
            raise RuntimeError("a generation is still open on this session; consume or close() it first")


@dataclass
class _Steps:
    """Decode steps of one generation (for GenerationStats)."""

    forwards: int = 0
    drafted: int = 0
    accepted: int = 0


def lookup_draft(context: list[int], limit: int, max_ngram: int = 3, min_ngram: int = 1) -> list[int]:
    """Up to `limit` tokens that followed the latest earlier occurrence of the context's last n tokens.

    Longest n first (3, then 2, then 1): a longer match is a better guess. Prompt lookup as in
    transformers' `prompt_lookup_num_tokens`; n and `limit` were chosen on recorded dev extractions
    (`bench.lookup --simulate`).
    """
    if limit <= 0:
        return []
    for n in range(min(max_ngram, len(context) - 1), min_ngram - 1, -1):
        tail = context[-n:]
        for start in range(len(context) - n - 1, -1, -1):
            if context[start : start + n] == tail:
                return context[start + n : start + n + limit]
    return []


def _eos_ids(model: Any, tokenizer: Any) -> frozenset[int]:
    ids: set[int] = set()
    for source in (getattr(model, "generation_config", None), model.config, tokenizer):
        value = getattr(source, "eos_token_id", None)
        if isinstance(value, int):
            ids.add(value)
        elif isinstance(value, (list, tuple)):
            ids.update(int(v) for v in value)
    return frozenset(ids)
