"""Fit retold's sentence-pair scorer on the MRPC *train* split and write retold/data/sentence_pair_scorer.json.

The decision threshold is the F1-best threshold of 5-fold cross-validated probabilities on train; the
test split is never read here. Run: .venv/bin/python benchmarks/train_sentence_scorer.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from retold.embed import load_encoder  # noqa: E402
from retold.similarity import FEATURES, LEXICAL_FEATURES, SentenceFeatures, pair_features  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "retold" / "data" / "sentence_pair_scorer.json"


def fit(X: np.ndarray, y: np.ndarray, names: tuple[str, ...]) -> dict:
    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-9
    Z = (X - mean) / scale
    model = LogisticRegression(C=1.0, max_iter=5000)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=13)
    cv = cross_val_predict(model, Z, y, cv=folds, method="predict_proba")[:, 1]
    grid = np.linspace(0.05, 0.95, 181)
    scores = [f1_score(y, cv >= t) for t in grid]
    best = int(np.argmax(scores))
    model.fit(Z, y)
    print(f"  {len(names)} features: CV F1 on train {scores[best]:.4f} at threshold {grid[best]:.3f}")
    return {
        "features": list(names),
        "weights": model.coef_[0].round(6).tolist(),
        "bias": round(float(model.intercept_[0]), 6),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "threshold": round(float(grid[best]), 4),
        "cv_f1_train": round(float(scores[best]), 4),
    }


def main() -> None:
    pairs = datasets.mrpc("train")
    encoder = load_encoder()
    a = encoder.encode([p[1] for p in pairs])
    b = encoder.encode([p[2] for p in pairs])
    cosines = (a * b).sum(axis=1)
    X = np.array(
        [
            pair_features(SentenceFeatures.of(s1), SentenceFeatures.of(s2), float(c))
            for (_, s1, s2), c in zip(pairs, cosines, strict=True)
        ]
    )
    y = np.array([p[0] for p in pairs])
    print(f"MRPC train: {len(pairs)} pairs")
    data = {
        "trained_on": "MRPC train split (4,076 pairs), benchmarks/train_sentence_scorer.py",
        "semantic": fit(X, y, FEATURES),
        "lexical": fit(X[:, 1:], y, LEXICAL_FEATURES),
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
