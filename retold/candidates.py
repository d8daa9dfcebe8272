"""Candidates: which pairs of articles are worth comparing, without looking at all pairs.

Two kinds of evidence, each a pure function over a batch of texts (no store, no globals), so that the
local engine and a later Spark engine run the same kernels:

* near-verbatim reuse: MinHash signatures over word 5-shingles, banded for LSH (``minhash_signatures``,
  ``lsh_band_keys``, ``pairs_sharing_a_band``), confirmed with the signature's Jaccard estimate, or for
  a trimmed copy (a short text taken from a long one, whose Jaccard is low), with the containment
  estimated from that Jaccard and the sizes the signatures also estimate (``is_minhash_candidate``);
* paraphrase reuse: cosine similarity of one embedding per document (``lead_chunk`` picks the text,
  ``nearest_by_cosine`` searches exactly: at 20k documents a matrix product is faster than building an
  approximate index).

Everything is vectorised with numpy over all shingles of the batch at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import regex

from retold.segment import UNSPACED_SCRIPTS, has_unspaced

# 5-word shingles: the unit the Reuters speed bar is defined on (datasketch baseline, issue 4), and long
# enough that shared stock phrases ("said in a statement") rarely make two unrelated texts collide.
SHINGLE_WORDS = 5
# 128 permutations as in the baseline: the Jaccard estimate's standard error is sqrt(J(1-J)/128) ≈ 0.044
# at J = 0.5.
NUM_PERM = 128
# 64 bands of 2 rows (all 128 slots). datasketch's MinHashLSH(0.5) picks 25×5, which catches a pair at
# J = 0.5 only 55% of the time. A trimmed copy has a low Jaccard even when every word of it is taken: a
# copy of the first fifth of a story is at J ≈ 0.2, which 42×3 catches 29% of the time and 64×2 93%.
# Measured with `benchmarks/bench_collection.py trimmed` (reposts of the leading 15/20/30/40% of 400
# Reuters stories of ≥ 300 words, among 5,000 others; listed as derived): 42×3 with MIN_JACCARD alone
# 0/0/32/92 of 100 each, 64×2 with the containment rule below 84/93/100/100. On all of Reuters (19,043),
# 64×2 puts 15,762 pairs in a shared band against 42×3's 3,985, the filters keep 1,867 against 1,538
# (each costs one ~9 ms lexical compare), and `retold index` took 14.6 s against 11.9 s.
LSH_BANDS = 64
LSH_ROWS = 2
# Pairs whose estimated Jaccard is below this are dropped before the compare engine, unless one is
# mostly contained in the other (below). Set below the 0.5 of the bar so that a pair the
# baseline estimates at 0.5 but ours at 0.4 (2.3 standard errors) is still compared.
MIN_JACCARD = 0.35
# A pair under MIN_JACCARD is still compared when at least half the smaller text's shingles are
# estimated to be in the larger one: a trimmed copy. The size estimate is noisy under ~20 shingles
# (one short sentence; measured on 3,000 Reuters texts: median over-estimate 5% at 10-30 shingles, p5-p95
# 0.87-1.17 of the true count from 30 up), so smaller texts need MIN_JACCARD.
MIN_CONTAINMENT = 0.5
MIN_CONTAINED_SHINGLES = 20
# Buckets bigger than this are split by the full signature before pairing; they are template families
# (earnings tables) where pairing every member with every other would dominate the run.
MAX_BUCKET = 200

# Word characters, except that scripts written without spaces (Chinese, Japanese, Thai ...) give one token
# per character as segment.word_spans does: as one \w+ run a whole clause was one token, so an edited copy
# shared no shingle with its source. Any other text gives exactly the tokens of a plain \w+, so the
# signatures of stores indexed before stay valid for it.
_WORD = regex.compile(rf"[{UNSPACED_SCRIPTS}]\p{{M}}*|[\w--[{UNSPACED_SCRIPTS}]]+", regex.VERSION1)
# The set difference above costs three times a plain \w+ scan (0.19 against 0.06 s per 1,000 BBC
# articles); most text has no character of those scripts, and for it the two give the same tokens.
_PLAIN_WORD = regex.compile(r"\w+")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
# Fixed seeds: signatures are stored and compared across runs, so the permutations must never change.
_rng = np.random.default_rng(20240611)
_PERM_A = _rng.integers(1, 2**63 - 1, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_PERM_B = _rng.integers(0, 2**63 - 1, size=NUM_PERM, dtype=np.uint64)
_SHINGLE_MULT = _rng.integers(1, 2**63 - 1, size=SHINGLE_WORDS, dtype=np.uint64) | np.uint64(1)
_BAND_MULT = _rng.integers(1, 2**63 - 1, size=LSH_ROWS, dtype=np.uint64) | np.uint64(1)
# Work on this many shingles at a time: the (chunk × 128) uint64 matrix stays near 64 MB.
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class CandidatePair:
    """Two documents (indexes or ids) worth comparing, and the evidence that they are."""

    a: int
    b: int
    jaccard: float  # MinHash estimate; 0.0 when found by the embedding index only
    cosine: float  # embedding similarity; 0.0 when found by MinHash only


def words(text: str) -> list[str]:
    """The lower-cased word tokens shingles are built from."""
    lower = text.lower()
    return (_WORD if has_unspaced(lower) else _PLAIN_WORD).findall(lower)


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def shingle_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hash every word 5-shingle of every text.

    Returns ``(hashes, offsets)``: ``hashes[offsets[i]:offsets[i+1]]`` are text i's shingles (uint64,
    duplicates kept; they do not change a minimum). A text shorter than 5 words is one shingle.
    """
    vocab: dict[str, int] = {}
    ids: list[int] = []
    lengths = np.zeros(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        toks = words(text)
        lengths[i] = len(toks)
        ids.extend(vocab.setdefault(w, len(vocab)) for w in toks)
    word_hash = np.fromiter((_word_hash(w) for w in vocab), dtype=np.uint64, count=len(vocab))
    token_hash = word_hash[np.asarray(ids, dtype=np.int64)] if ids else np.zeros(0, dtype=np.uint64)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    counts = np.maximum(lengths - SHINGLE_WORDS + 1, np.minimum(lengths, 1))
    offsets = np.concatenate(([0], np.cumsum(counts)))
    # Shingle k of text i starts at token starts[i] + k, and takes min(5, length) tokens.
    doc_of = np.repeat(np.arange(len(texts)), counts)
    first = starts[doc_of] + (np.arange(offsets[-1]) - offsets[doc_of])
    width = np.minimum(lengths[doc_of], SHINGLE_WORDS)
    hashes = np.zeros(int(offsets[-1]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE_WORDS):
            take = width > k
            hashes[take] += token_hash[first[take] + k] * _SHINGLE_MULT[k]
            hashes = (hashes << np.uint64(7)) | (hashes >> np.uint64(57))
    return hashes, offsets


def minhash_signatures(texts: Sequence[str]) -> np.ndarray:
    """MinHash signatures, shape ``(len(texts), 128)`` uint32, of the texts' word 5-shingle sets.

    Each permutation is a multiply-shift hash ``(a·x + b) >> 32`` of the 64-bit shingle hash. A text with
    no words gets the all-ones signature, which estimates Jaccard 0 with every text that has words.
    """
    hashes, offsets = shingle_hashes(texts)
    signatures = np.full((len(texts), NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    nonempty = np.flatnonzero(np.diff(offsets) > 0)
    if len(nonempty) == 0:
        return signatures
    doc_starts = offsets[nonempty]
    doc_ends = offsets[nonempty + 1]
    # Process whole documents per chunk so np.minimum.reduceat sees each document once. The product is
    # computed in place in one reused (permutation × shingle) buffer: reducing along the contiguous axis
    # is 4× faster than along rows (measured: 0.027 s vs 0.10 s per 65k shingles).
    buffer = np.empty((NUM_PERM, min(_CHUNK, int(offsets[-1]))), dtype=np.uint64)
    d0 = 0
    while d0 < len(nonempty):
        d1 = int(np.searchsorted(doc_ends, doc_starts[d0] + _CHUNK, side="right"))
        d1 = max(d1, d0 + 1)
        lo, hi = int(doc_starts[d0]), int(doc_ends[d1 - 1])
        if hi - lo > buffer.shape[1]:
            buffer = np.empty((NUM_PERM, hi - lo), dtype=np.uint64)
        permuted = buffer[:, : hi - lo]
        np.multiply(_PERM_A[:, None], hashes[None, lo:hi], out=permuted)
        np.add(permuted, _PERM_B[:, None], out=permuted)
        np.right_shift(permuted, np.uint64(32), out=permuted)
        signatures[nonempty[d0:d1]] = np.minimum.reduceat(permuted, doc_starts[d0:d1] - lo, axis=1).T
        d0 = d1
    return signatures


def lsh_band_keys(signatures: np.ndarray) -> np.ndarray:
    """One 63-bit key per (document, band): documents sharing a key in some band are LSH candidates.

    Shape ``(n, LSH_BANDS)`` int64 (non-negative, so SQLite stores it as an INTEGER exactly).
    """
    banded = (
        signatures[:, : LSH_BANDS * LSH_ROWS].reshape(len(signatures), LSH_BANDS, LSH_ROWS).astype(np.uint64)
    )
    with np.errstate(over="ignore"):
        keys = (banded * _BAND_MULT[None, None, :]).sum(axis=2, dtype=np.uint64)
        keys ^= keys >> np.uint64(29)
        keys *= np.uint64(0xBF58476D1CE4E5B9)
        keys ^= keys >> np.uint64(32)
    return (keys >> np.uint64(1)).astype(np.int64)


def estimated_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Share of equal signature slots, row by row (the MinHash estimate of Jaccard similarity)."""
    return (sig_a == sig_b).mean(axis=-1)


def pairs_sharing_a_band(keys: np.ndarray) -> np.ndarray:
    """All pairs ``(i, j)``, i < j, of rows of ``keys`` that share a key in at least one band.

    Returns an ``(m, 2)`` int64 array without duplicates. A bucket larger than ``MAX_BUCKET`` (a
    template family) contributes only the pairs of neighbours in it, which keeps its members connected
    without pairing each with all others.
    """
    n, bands = keys.shape
    chunks: list[np.ndarray] = []
    for band in range(bands):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")
        sorted_keys = column[order]
        boundaries = np.flatnonzero(np.diff(sorted_keys)) + 1
        starts = np.concatenate(([0], boundaries))
        ends = np.concatenate((boundaries, [n]))
        sizes = ends - starts
        for size in range(2, int(sizes.max(initial=0)) + 1):
            group_starts = starts[sizes == size]
            if len(group_starts) == 0:
                continue
            members = order[group_starts[:, None] + np.arange(size)[None, :]]
            if size > MAX_BUCKET:
                chunks.append(np.stack([members[:, :-1].ravel(), members[:, 1:].ravel()], axis=1))
                continue
            i, j = np.triu_indices(size, k=1)
            chunks.append(np.stack([members[:, i].ravel(), members[:, j].ravel()], axis=1))
    if not chunks:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(chunks).astype(np.int64)
    pairs.sort(axis=1)
    return np.unique(pairs, axis=0)


def estimated_sizes(signatures: np.ndarray) -> np.ndarray:
    """How many distinct shingles each signature was made from, estimated from the signature alone.

    Each slot holds the minimum of n uniform 32-bit hashes, whose mean is about 2³²/(n+1); with k = 128
    slots, (k-1)/Σ(slot/2³²) estimates n without bias, to about ±9% (1/√k). Keeping the size in the
    signature means the store and any engine need nothing besides it.
    """
    fractions = signatures.astype(np.float64) / 2.0**32
    return (signatures.shape[-1] - 1) / np.maximum(fractions.sum(axis=-1), 1e-12)


def is_minhash_candidate(sig_a: np.ndarray, sig_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(keep, jaccard)`` row by row: keep a pair with estimated Jaccard ≥ MIN_JACCARD, or whose smaller
    text (≥ MIN_CONTAINED_SHINGLES) is estimated to lie at least MIN_CONTAINMENT inside the larger one."""
    jaccard = estimated_jaccard(sig_a, sig_b)
    size_a, size_b = estimated_sizes(sig_a), estimated_sizes(sig_b)
    smaller = np.minimum(size_a, size_b)
    # |A ∩ B| = J·(|A| + |B|) / (1 + J); containment of the smaller one = |A ∩ B| / min(|A|, |B|).
    containment = jaccard * (size_a + size_b) / (1.0 + jaccard) / np.maximum(smaller, 1.0)
    contained = (containment >= MIN_CONTAINMENT) & (smaller >= MIN_CONTAINED_SHINGLES)
    return (jaccard >= MIN_JACCARD) | contained, jaccard


def minhash_candidates(signatures: np.ndarray) -> list[CandidatePair]:
    """Candidate pairs within one batch: share an LSH band and pass ``is_minhash_candidate``."""
    pairs = pairs_sharing_a_band(lsh_band_keys(signatures))
    if len(pairs) == 0:
        return []
    keep, jaccard = is_minhash_candidate(signatures[pairs[:, 0]], signatures[pairs[:, 1]])
    return [
        CandidatePair(int(a), int(b), float(j), 0.0)
        for (a, b), j in zip(pairs[keep].tolist(), jaccard[keep].tolist(), strict=True)
    ]


# The embedding sees the title and the first ~60 words: a lead is what a rewrite keeps most faithfully,
# and encoding cost grows with tokens (the encoder runs ~300 sentences/s on 2 cores).
LEAD_WORDS = 60


def lead_chunk(text: str, title: str | None = None, max_words: int = LEAD_WORDS) -> str:
    """The text an article is embedded by: its title (when known) and its first ``max_words`` words."""
    body = " ".join(text.split()[:max_words])
    return f"{title}. {body}" if title else body


def nearest_by_cosine(
    queries: np.ndarray, index: np.ndarray, min_cosine: float, k: int = 10
) -> list[tuple[int, int, float]]:
    """Exact nearest neighbours by cosine (rows are L2-normalised): ``(query_row, index_row, cosine)``.

    At most ``k`` neighbours per query with cosine ≥ ``min_cosine``, best first.
    """
    if len(queries) == 0 or len(index) == 0:
        return []
    found: list[tuple[int, int, float]] = []
    k = min(k, len(index))
    for lo in range(0, len(queries), 1024):  # 1024 × 100k float32 = 400 MB at most per block
        sims = queries[lo : lo + 1024] @ index.T
        top = (
            np.argpartition(-sims, k - 1, axis=1)[:, :k]
            if k < len(index)
            else np.tile(np.arange(len(index)), (len(sims), 1))
        )
        for row, cols in enumerate(top):
            scores = sims[row, cols]
            for col in cols[np.argsort(-scores)]:
                if sims[row, col] >= min_cosine:
                    found.append((lo + row, int(col), float(sims[row, col])))
    return found
