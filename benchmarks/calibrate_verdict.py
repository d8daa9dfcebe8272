"""Fit retold's document model (retold/data/document_model.json) on the calibration halves only.

Calibration data: Clough & Stevenson tasks a and b (derived = cut/light/heavy, not derived = non) and
the AI-rephrased news originals h000-h049 (derived = the two rephrasings, not derived = the two
title-only generations). The held-out halves (Clough c-e, AI h050-h099) are only read by
bench_compare.py. Logistic regression (C=1). The decision threshold is chosen on the calibration data by
a fixed rule: the highest Clough F1 among thresholds whose AI shares (rephrasings judged derived,
title-only generations judged not derived) both stay >= 0.98; ties go to the higher threshold (fewer
false accusations of copying).

Run: .venv/bin/python benchmarks/calibrate_verdict.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from retold.comparison import Comparer  # noqa: E402
from retold.read import article_from_text  # noqa: E402
from retold.verdict import COPIED_WORDING_REUSE, PARAPHRASE_REUSE  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "retold" / "data" / "document_model.json"
# The containments without the headlines' words (retold.similarity.DocumentEvidence says why).
SEMANTIC = ("mean_best_cosine", "body_containment", "body_bigram_containment")
LEXICAL = ("body_containment", "body_bigram_containment")
C = 1.0
THRESHOLDS = [round(0.30 + 0.05 * k, 2) for k in range(9)]  # 0.30 ... 0.70
AI_FLOOR = 0.98


Pair = tuple[dict[str, str | None], dict[str, str | None], int, str]


def calibration_pairs() -> list[Pair]:
    """(source, derived, is_derived, dataset) for every calibration pair; source and derived are
    article_from_text keyword arguments (text, and the title where the dataset has one)."""
    pairs: list[Pair] = []
    for row in datasets.clough():
        if row["task"] in ("a", "b"):
            is_derived = int(row["category"] != "non")
            pairs.append(({"text": row["source_text"]}, {"text": row["text"]}, is_derived, "clough"))
    originals, generated = datasets.ai_rephrased()
    for item in generated:
        if int(item["human_id"][1:]) < 50:
            is_derived = int(item["kind"].startswith("rephrase"))
            original = originals[item["human_id"]]
            pairs.append(
                (
                    {"text": original["text"], "title": original.get("title")},
                    {"text": item["text"], "title": item.get("title")},
                    is_derived,
                    "ai",
                )
            )
    return pairs


def choose_threshold(
    by_passages: np.ndarray, probability: np.ndarray, y: np.ndarray, sets: np.ndarray
) -> float:
    """Highest Clough F1 with both AI shares >= AI_FLOOR; ties go to the higher threshold."""
    best: tuple[float, float] | None = None
    ai, clough = sets == "ai", sets == "clough"
    for threshold in THRESHOLDS:
        predicted = by_passages | (probability >= threshold)
        rephrased = predicted[ai & (y == 1)].mean()
        generated_kept = 1 - predicted[ai & (y == 0)].mean()
        tp = int((predicted & clough & (y == 1)).sum())
        f1 = 2 * tp / (predicted[clough].sum() + y[clough].sum())
        print(f"  threshold {threshold:.2f}: AI {rephrased:.3f}/{generated_kept:.3f}, Clough F1 {f1:.3f}")
        if rephrased >= AI_FLOOR and generated_kept >= AI_FLOOR and (best is None or f1 >= best[0]):
            best = (f1, threshold)
    if best is None:
        raise SystemExit("no threshold keeps both AI shares >= 0.98 on the calibration data")
    return best[1]


def main() -> None:
    pairs = calibration_pairs()
    out = {"trained_on": "Clough & Stevenson tasks a-b + AI-rephrased news h000-h049 (calibration halves)"}
    for name, lexical_only, features in (("semantic", False, SEMANTIC), ("lexical", True, LEXICAL)):
        comparer = Comparer(lexical_only=lexical_only, facts=False)
        rows, labels, sets, by_passages = [], [], [], []
        for source, derived, label, dataset in pairs:
            verdict = comparer.compare(article_from_text(**source), article_from_text(**derived)).verdict
            values = verdict.document.to_dict()
            rows.append([values[f] for f in features])
            labels.append(label)
            sets.append(dataset)
            copied = verdict.reuse_verbatim + verdict.reuse_edited
            by_passages.append(
                copied >= COPIED_WORDING_REUSE or verdict.reuse_paraphrased >= PARAPHRASE_REUSE
            )
        X, y = np.array(rows), np.array(labels)
        model = LogisticRegression(C=C, max_iter=5000).fit(X, y)
        print(f"{name}: {len(y)} calibration pairs")
        threshold = choose_threshold(np.array(by_passages), model.predict_proba(X)[:, 1], y, np.array(sets))
        print(f"  chosen threshold {threshold:.2f}")
        out[name] = {
            "features": list(features),
            "weights": model.coef_[0].round(5).tolist(),
            "bias": round(float(model.intercept_[0]), 5),
            "threshold": threshold,
        }
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
