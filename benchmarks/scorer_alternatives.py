"""Could a richer sentence-pair scorer close the MRPC gap without a stronger model? Measured on MRPC *train*.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/scorer_alternatives.py

The shipped scorer (``retold/data/sentence_pair_scorer.json``) is a logistic regression over eleven
features: the MiniLM cosine and ten lexical overlaps. This script compares it with the usual ways to get
more out of the same inputs, every one scored the same way: pooled 5-fold cross-validated probabilities on
MRPC train (the folds of benchmarks/train_sentence_scorer.py, ``random_state=13``), F1 at the best
threshold. The test split is never read here. Candidates:

- ``shipped``: the eleven features, standardised, LogisticRegression(C=1);
- ``boosted``: the same eleven features, HistGradientBoostingClassifier (non-linear interactions);
- ``embedding``: the eleven plus the SentEval pair features of the frozen embeddings, |u - v| and u * v
  (768 more columns), LogisticRegression at C in {0.01, 0.1};
- ``tf-kld``: Ji & Eisenstein (2013)'s discriminative term weighting: each word and bigram weighted by
  the KL divergence between "in both sentences, given in either" for paraphrases and for
  non-paraphrases (fitted inside each training fold), the weighted counts factorised to 100 latent
  dimensions (truncated SVD), and a linear model on [v1 + v2, |v1 - v2|];
- ``tf-kld cosine``: the eleven plus the cosine of the two TF-KLD-weighted count vectors.

Prints one JSON line with each candidate's F1 and threshold.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import diags, vstack
from sklearn.decomposition import TruncatedSVD
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from retold.embed import load_encoder  # noqa: E402
from retold.similarity import SentenceFeatures, pair_features  # noqa: E402

FOLDS = StratifiedKFold(n_splits=5, shuffle=True, random_state=13)


def best_f1(y: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    grid = np.linspace(0.05, 0.95, 181)
    scores = [f1_score(y, probabilities >= t) for t in grid]
    best = int(np.argmax(scores))
    return {"f1": round(float(scores[best]), 4), "threshold": round(float(grid[best]), 3)}


def out_of_fold(model, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return cross_val_predict(model, X, y, cv=FOLDS, method="predict_proba")[:, 1]


def kld_weights(first, second, y: np.ndarray) -> np.ndarray:
    """KL divergence, per term, between P(in both | in either) for paraphrases and for the rest."""
    both = first.multiply(second)
    either = ((first + second) > 0).astype(np.float64)
    shares = []
    for label in (1, 0):
        rows = y == label
        in_both = np.asarray(both[rows].sum(axis=0)).ravel()
        in_either = np.asarray(either[rows].sum(axis=0)).ravel()
        shares.append((in_both + 0.05) / (in_either + 0.1))  # add-a-little smoothing: most terms are rare
    p, q = shares
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))


def row_cosine(first, second) -> np.ndarray:
    dot = np.asarray(first.multiply(second).sum(axis=1)).ravel()
    norms = np.sqrt(np.asarray(first.multiply(first).sum(axis=1)).ravel())
    norms *= np.sqrt(np.asarray(second.multiply(second).sum(axis=1)).ravel())
    return dot / (norms + 1e-9)


def tf_kld(pairs, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities of the TF-KLD latent model and of the eleven features plus its cosine."""
    vectorizer = CountVectorizer(ngram_range=(1, 2), binary=True, token_pattern=r"(?u)\b\w+\b")
    vectorizer.fit([p[1] for p in pairs] + [p[2] for p in pairs])
    first = vectorizer.transform([p[1] for p in pairs]).tocsr()
    second = vectorizer.transform([p[2] for p in pairs]).tocsr()
    latent, with_cosine = np.zeros(len(y)), np.zeros(len(y))
    for train, held_out in FOLDS.split(X, y):
        weighting = diags(kld_weights(first[train], second[train], y[train]))
        a, b = first @ weighting, second @ weighting
        svd = TruncatedSVD(100, random_state=0).fit(vstack([a[train], b[train]]))
        va, vb = svd.transform(a), svd.transform(b)
        for target, columns in (
            (latent, np.hstack([va + vb, np.abs(va - vb)])),
            (with_cosine, np.hstack([X, row_cosine(a, b)[:, None]])),
        ):
            model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=5000))
            model.fit(columns[train], y[train])
            target[held_out] = model.predict_proba(columns[held_out])[:, 1]
    return latent, with_cosine


def main() -> None:
    if not datasets.available("mrpc"):
        print(
            json.dumps({"bench": "scorer_alternatives", "skipped": "MRPC is absent from ../shared/datasets"})
        )
        return
    pairs = datasets.mrpc("train")
    y = np.array([label for label, _, _ in pairs])
    encoder = load_encoder()
    u = encoder.encode([p[1] for p in pairs])
    v = encoder.encode([p[2] for p in pairs])
    X = np.array(
        [
            pair_features(SentenceFeatures.of(s1), SentenceFeatures.of(s2), float(c))
            for (_, s1, s2), c in zip(pairs, (u * v).sum(axis=1), strict=True)
        ]
    )

    def logistic(c: float = 1.0):
        return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))

    results = {
        "shipped": best_f1(y, out_of_fold(logistic(), X, y)),
        "boosted": best_f1(y, out_of_fold(HistGradientBoostingClassifier(learning_rate=0.05), X, y)),
    }
    with_embeddings = np.hstack([X, np.abs(u - v), u * v])
    for c in (0.01, 0.1):
        results[f"embedding C={c}"] = best_f1(y, out_of_fold(logistic(c), with_embeddings, y))
    latent, with_cosine = tf_kld(pairs, X, y)
    results["tf-kld"] = best_f1(y, latent)
    results["tf-kld cosine"] = best_f1(y, with_cosine)
    print(json.dumps({"bench": "scorer_alternatives", "split": "MRPC train, 5-fold out-of-fold", **results}))


if __name__ == "__main__":
    main()
