"""Tests for retold.candidates: MinHash signatures, LSH banding, and the embedding search kernel."""

from __future__ import annotations

import numpy as np
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from retold import candidates as cand
from retold.segment import UNSPACED_SCRIPTS

WIRE = (
    "The river authority said on Tuesday that the northern dam at Kessel Lake had been breached after "
    "three days of heavy rain, forcing about 2,400 residents of the valley to leave their homes before dawn."
)
COPY = WIRE.replace("about 2,400 residents", "some 2,400 people")
OTHER = (
    "A new bakery opened on Harbour Street this weekend, selling rye loaves from a recipe the owner's "
    "grandmother brought from the coast, and the queue stretched past the post office by nine."
)


def exact_jaccard(a: str, b: str) -> float:
    def shingles(t: str) -> set[tuple[str, ...]]:
        w = cand.words(t)
        return {tuple(w[i : i + 5]) for i in range(max(1, len(w) - 4))}

    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def test_signature_shape_and_determinism():
    sigs = cand.minhash_signatures([WIRE, COPY, OTHER])
    assert sigs.shape == (3, cand.NUM_PERM) and sigs.dtype == np.uint32
    assert np.array_equal(sigs, cand.minhash_signatures([WIRE, COPY, OTHER]))
    # A text's signature does not depend on the batch it was computed in.
    assert np.array_equal(sigs[2], cand.minhash_signatures([OTHER])[0])


def test_estimate_tracks_exact_jaccard():
    sigs = cand.minhash_signatures([WIRE, COPY, OTHER])
    est = cand.estimated_jaccard(sigs[0], sigs[1])
    assert abs(est - exact_jaccard(WIRE, COPY)) < 0.2
    assert cand.estimated_jaccard(sigs[0], sigs[2]) < 0.1


def test_identical_texts_have_identical_signatures_and_case_is_ignored():
    sigs = cand.minhash_signatures([WIRE, WIRE.upper()])
    assert cand.estimated_jaccard(sigs[0], sigs[1]) == 1.0


def test_empty_and_short_texts():
    sigs = cand.minhash_signatures(["", "Two words", "Two words"])
    assert cand.estimated_jaccard(sigs[1], sigs[2]) == 1.0
    assert cand.estimated_jaccard(sigs[0], sigs[1]) == 0.0


def test_candidates_find_the_copy_and_not_the_unrelated_text():
    pairs = cand.minhash_candidates(cand.minhash_signatures([WIRE, OTHER, COPY]))
    assert [(p.a, p.b) for p in pairs] == [(0, 2)]
    assert pairs[0].jaccard >= cand.MIN_JACCARD


def test_band_keys_are_non_negative_int64():
    keys = cand.lsh_band_keys(cand.minhash_signatures([WIRE, OTHER]))
    assert keys.shape == (2, cand.LSH_BANDS) and keys.dtype == np.int64 and (keys >= 0).all()


def test_large_buckets_stay_connected_without_their_square():
    # 300 identical texts share every band: pairing stays linear but keeps them in one chain.
    pairs = cand.pairs_sharing_a_band(cand.lsh_band_keys(cand.minhash_signatures([WIRE] * 300)))
    assert len(pairs) == 299
    assert set(pairs[:, 0]) | set(pairs[:, 1]) == set(range(300))


words = st.lists(
    st.sampled_from(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]),
    max_size=60,
)


@settings(max_examples=40, deadline=None)
@given(st.lists(words.map(" ".join), min_size=1, max_size=6))
def test_batching_never_changes_a_signature(texts):
    together = cand.minhash_signatures(texts)
    for i, t in enumerate(texts):
        assert np.array_equal(together[i], cand.minhash_signatures([t])[0])


def test_nearest_by_cosine_exact_and_thresholded():
    rng = np.random.default_rng(1)
    index = rng.normal(size=(50, 8)).astype(np.float32)
    index /= np.linalg.norm(index, axis=1, keepdims=True)
    hits = cand.nearest_by_cosine(index[:3], index, min_cosine=0.99, k=5)
    assert [(q, i) for q, i, _ in hits] == [(0, 0), (1, 1), (2, 2)]
    all_hits = cand.nearest_by_cosine(index[:1], index, min_cosine=-1.0, k=5)
    sims = index[0] @ index.T
    assert [i for _, i, _ in all_hits] == list(np.argsort(-sims)[:5])


def test_lead_chunk():
    assert cand.lead_chunk("one two three four", "Title", max_words=2) == "Title. one two"
    assert cand.lead_chunk("one two", None) == "one two"


def _long_text(seed: int, words: int) -> str:
    """``words`` words drawn from a large vocabulary: every 5-word shingle is distinct."""
    rng = np.random.default_rng(seed)
    return " ".join(f"w{n}" for n in rng.integers(0, 100_000, size=words))


ZH_WIRE = (
    "河流管理局周二表示，由于连续三天的暴雨，凯塞尔湖北侧的大坝已经决口，约两千四百名居民在黎明前被迫撤离家园。"
    "当局在下游设立了四个临时安置点，并调派两百名救援人员协助疏散。"
)
ZH_EDITED = ZH_WIRE.replace("约两千四百名居民", "大约两千四百人").replace("周二", "星期二")
ZH_OTHER = "港口街上一家新面包店本周末开业，出售店主祖母从海边带来的黑麦面包配方，排队的人一直排到邮局门口。"


def test_an_edited_chinese_copy_is_a_candidate():
    # Written without spaces, a whole clause was one \w+ token, so an edit anywhere in it left no shared
    # shingle; one token per character, as segment.word_spans gives, keeps the unchanged stretches.
    assert cand.words("大坝决口，居民") == ["大", "坝", "决", "口", "居", "民"]
    pairs = cand.minhash_candidates(cand.minhash_signatures([ZH_WIRE, ZH_OTHER, ZH_EDITED]))
    assert [(p.a, p.b) for p in pairs] == [(0, 2)]


_PLAIN_WORD = regex.compile(r"\w+")


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=60))
def test_text_in_spaced_scripts_gives_the_tokens_of_plain_word_runs(text):
    # Stores hold signatures of texts indexed before: for them the tokens must never change.
    if not regex.search(rf"[{UNSPACED_SCRIPTS}]", text, regex.VERSION1):
        assert cand.words(text) == _PLAIN_WORD.findall(text.lower())


def test_estimated_sizes_track_the_distinct_shingle_count():
    texts = [_long_text(1, 304), _long_text(2, 54), WIRE]
    sizes = cand.estimated_sizes(cand.minhash_signatures(texts))
    for size, true in zip(sizes, [300, 50, len(cand.words(WIRE)) - 4], strict=True):
        assert 0.7 * true < size < 1.3 * true


def test_a_trimmed_copy_is_a_candidate_though_its_jaccard_is_low():
    story = _long_text(3, 500)
    trimmed = " ".join(story.split()[:150])  # the first 30%: J ≈ 0.29
    sigs = cand.minhash_signatures([story, trimmed])
    assert cand.estimated_jaccard(sigs[0], sigs[1]) < cand.MIN_JACCARD
    keep, _ = cand.is_minhash_candidate(sigs[:1], sigs[1:])
    assert keep.tolist() == [True]
    assert [(p.a, p.b) for p in cand.minhash_candidates(sigs)] == [(0, 1)]


def test_a_shared_passage_or_a_lone_sentence_is_not_containment():
    first, second = _long_text(4, 300), _long_text(5, 300)
    passage = " ".join(_long_text(6, 30).split())
    sentence = " ".join(first.split()[100:115])  # wholly inside `first`, but 11 shingles
    sigs = cand.minhash_signatures([f"{first} {passage}", f"{passage} {second}", sentence, first])
    keep, _ = cand.is_minhash_candidate(sigs[[0, 2]], sigs[[1, 3]])
    assert keep.tolist() == [False, False]
