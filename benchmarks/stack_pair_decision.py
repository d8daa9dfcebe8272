"""Feature scorer, cross-encoder, or both? Every choice is made on the MRPC dev split; test is read once.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/stack_pair_decision.py           # dev only
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/stack_pair_decision.py --test    # + the winner on test

The dev split is the one benchmarks/train_pair_classifier.py carved out of MRPC train (stratified 10%,
``random.Random(13)``, 407 pairs), reproduced here with the same code. The cross-encoder
(``retold.pairclass``, int8 ONNX, mean of both orders) never trained on it; its threshold 0.559 was chosen
on it. The feature scorer (``retold.similarity``, semantic weights) was fitted on *all* of MRPC train, dev
included, so its dev probabilities are in-sample: the table also shows every rule with the feature
scorer refitted on train minus dev (same features, same LogisticRegression(C=1) and standardisation) to
show how large that bias is. Selection uses the shipped scorer, which is also what runs on test.

Candidates:

(a) cross-encoder alone, p_ce >= 0.559;
(b) feature scorer alone, p_f >= 0.42 (its threshold from 5-fold CV on train);
(c) band rule: p_f < lo -> no, p_f > hi -> yes, lo <= p_f <= hi -> the cross-encoder decides
    (p_ce >= 0.559); lo in [0, 0.42], hi in [0.42, 1] on a 0.01 grid;
(d) logistic stack over (logit p_f, logit p_ce), fitted on dev; its threshold is the F1-best threshold of
    5-fold cross-validated probabilities on dev (as benchmarks/train_sentence_scorer.py does on train).

Winner: the highest dev F1; but a band rule within 0.003 of it wins instead (it is cheaper), and among
such bands the one that sends the smallest share of dev pairs to the cross-encoder. "dev F1" is the F1
of the rule with its parameters chosen on all of dev (optimistic for the fitted rules (c) and (d)); the
"out-of-fold" column repeats each selection inside 5-fold CV on dev (choose on 4 folds, decide the 5th)
and is the honest estimate. With --test, only the winner is evaluated on MRPC test, and the cross-encoder
is run only on the test pairs the winner sends to it (so the wall time is the real cost).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from retold.embed import load_encoder  # noqa: E402
from retold.pairclass import load_pair_classifier  # noqa: E402
from retold.similarity import SentenceFeatures, load_scorer, pair_features  # noqa: E402

SEED = 13  # benchmarks/train_pair_classifier.py
DEV_FRACTION = 0.1
TOLERANCE = 0.003  # a band rule this close to the best dev F1 is preferred
GRID = np.round(np.arange(0, 101) / 100, 2)
FOLDS = 5


def dev_split(labels: np.ndarray) -> list[int]:
    """The dev indices of benchmarks/train_pair_classifier.py: stratified, rng = random.Random(13)."""
    rng = random.Random(SEED)
    dev_index: list[int] = []
    for label in (0, 1):
        members = [i for i in range(len(labels)) if labels[i] == label]
        rng.shuffle(members)
        dev_index += members[: round(len(members) * DEV_FRACTION)]
    return dev_index


def features(pairs: list[tuple[str, str]]) -> np.ndarray:
    encoder = load_encoder()
    a = encoder.encode([p[0] for p in pairs])
    b = encoder.encode([p[1] for p in pairs])
    cosines = (a * b).sum(axis=1)
    return np.array(
        [
            pair_features(SentenceFeatures.of(s1), SentenceFeatures.of(s2), float(c))
            for (s1, s2), c in zip(pairs, cosines, strict=True)
        ]
    )


def metrics(decision: np.ndarray, y: np.ndarray) -> dict[str, float]:
    tp = int(np.sum(decision & (y == 1)))
    fp = int(np.sum(decision & (y == 0)))
    fn = int(np.sum(~decision & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "f1": f1,
        "precision": precision,
        "recall": recall,
        "accuracy": float(np.mean(decision == (y == 1))),
    }


def f1(decision: np.ndarray, y: np.ndarray) -> float:
    return metrics(decision, y)["f1"]


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


# --- (c) band rule -----------------------------------------------------------------------------------


def in_band(pf: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return (pf >= lo) & (pf <= hi)


def band_decision(pf: np.ndarray, ce_yes: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return np.where(in_band(pf, lo, hi), ce_yes, pf > hi)


def band_table(
    pf: np.ndarray, ce_yes: np.ndarray, y: np.ndarray, f_threshold: float
) -> list[tuple[float, float, float, float]]:
    """(F1, share to the cross-encoder, lo, hi) for every band on the grid that contains f_threshold."""
    rows = []
    for lo in GRID[f_threshold >= GRID]:
        for hi in GRID[f_threshold <= GRID]:
            rows.append(
                (f1(band_decision(pf, ce_yes, lo, hi), y), float(np.mean(in_band(pf, lo, hi))), lo, hi)
            )
    return rows


def choose_band(
    rows: list[tuple[float, float, float, float]], best_other: float
) -> tuple[float, float, float, float]:
    """The band with the smallest cross-encoder share among those within TOLERANCE of the best dev F1
    (of any candidate); ties: higher F1, then the narrower band."""
    best = max(best_other, max(r[0] for r in rows))
    near = [r for r in rows if r[0] >= best - TOLERANCE - 1e-12]
    if not near:  # no band is close: the best band (it is then not the winner anyway)
        near = [max(rows, key=lambda r: r[0])]
    return min(near, key=lambda r: (r[1], -r[0], r[3] - r[2]))


# --- (d) logistic stack ------------------------------------------------------------------------------


def stack_fit(X: np.ndarray, y: np.ndarray) -> tuple[LogisticRegression, float]:
    """Logistic regression on X; threshold = F1-best on 5-fold CV probabilities (grid 0.05..0.95)."""
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    cv = np.zeros(len(y))
    for train, held in folds.split(X, y):
        cv[held] = LogisticRegression(C=1.0).fit(X[train], y[train]).predict_proba(X[held])[:, 1]
    grid = np.linspace(0.05, 0.95, 181)
    scores = [f1(cv >= t, y) for t in grid]
    threshold = float(grid[int(np.argmax(scores))])
    return LogisticRegression(C=1.0).fit(X, y), threshold


# --- evaluation on dev -------------------------------------------------------------------------------


def evaluate_dev(
    pf: np.ndarray, pce: np.ndarray, y: np.ndarray, f_threshold: float, ce_threshold: float
) -> dict:
    """Dev F1 of every candidate with parameters chosen on all of dev, and the out-of-fold estimate."""
    ce_yes = pce >= ce_threshold
    X = np.column_stack([logit(pf), logit(pce)])
    result: dict = {}
    result["a"] = {"f1": f1(ce_yes, y), "share": 1.0, "params": f"p_ce >= {ce_threshold:.3f}"}
    result["b"] = {"f1": f1(pf >= f_threshold, y), "share": 0.0, "params": f"p_f >= {f_threshold:.2f}"}
    model, threshold = stack_fit(X, y)
    stacked = model.predict_proba(X)[:, 1] >= threshold
    result["d"] = {
        "f1": f1(stacked, y),
        "share": 1.0,
        "params": f"w = ({model.coef_[0][0]:.3f}, {model.coef_[0][1]:.3f}), b = {model.intercept_[0]:.3f}, "
        f"threshold {threshold:.3f}",
        "model": model,
        "threshold": threshold,
    }
    best_other = max(result[k]["f1"] for k in "abd")
    rows = band_table(pf, ce_yes, y, f_threshold)
    band_f1, share, lo, hi = choose_band(rows, best_other)
    best_band = max(rows, key=lambda r: (r[0], -r[1]))
    result["c"] = {
        "f1": band_f1,
        "share": share,
        "params": f"lo {lo:.2f}, hi {hi:.2f}",
        "lo": lo,
        "hi": hi,
        "best_band": best_band,
    }

    # Out-of-fold: every choice repeated on 4 folds, decisions on the 5th.
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED + 1)
    oof = {k: np.zeros(len(y), dtype=bool) for k in "cd"}
    oof_share = np.zeros(len(y), dtype=bool)
    for train, held in folds.split(X, y):
        fold_model, fold_threshold = stack_fit(X[train], y[train])
        oof["d"][held] = fold_model.predict_proba(X[held])[:, 1] >= fold_threshold
        inner_other = max(
            f1(ce_yes[train], y[train]),
            f1(pf[train] >= f_threshold, y[train]),
            f1(fold_model.predict_proba(X[train])[:, 1] >= fold_threshold, y[train]),
        )
        _, _, flo, fhi = choose_band(band_table(pf[train], ce_yes[train], y[train], f_threshold), inner_other)
        oof["c"][held] = band_decision(pf[held], ce_yes[held], flo, fhi)
        oof_share[held] = in_band(pf[held], flo, fhi)
    result["a"]["oof"] = result["a"]["f1"]  # nothing fitted (threshold 0.559 was chosen on all of dev)
    result["b"]["oof"] = result["b"]["f1"]  # nothing fitted on dev
    result["c"]["oof"] = f1(oof["c"], y)
    result["c"]["oof_share"] = float(np.mean(oof_share))
    result["d"]["oof"] = f1(oof["d"], y)

    best = max(result[k]["f1"] for k in "abd")
    result["winner"] = (
        "c" if result["c"]["f1"] >= best - TOLERANCE - 1e-12 else max("abd", key=lambda k: result[k]["f1"])
    )
    return result


NAMES = {
    "a": "(a) cross-encoder alone",
    "b": "(b) feature scorer alone",
    "c": "(c) band rule",
    "d": "(d) logistic stack",
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--test", action="store_true", help="evaluate the dev-chosen winner on MRPC test (once)"
    )
    args = parser.parse_args()
    started = time.perf_counter()

    pairs, labels = datasets.mrpc_pairs("train")
    assert [(a, b) for _, a, b in datasets.mrpc("train")] == pairs
    dev_index = dev_split(labels)
    dev_set = set(dev_index)
    rest = [i for i in range(len(pairs)) if i not in dev_set]
    dev_pairs, y = [pairs[i] for i in dev_index], labels[dev_index]
    print(
        f"MRPC train {len(pairs)} pairs: dev {len(dev_index)} ({int(y.sum())} positive), rest {len(rest)}",
        flush=True,
    )

    scorer = load_scorer(semantic=True)
    classifier = load_pair_classifier()
    X_train = features(pairs)  # all of train: dev for the rules, the rest for the held-out refit
    pf = scorer.probability(X_train[dev_index])
    t0 = time.perf_counter()
    pce = classifier.score(dev_pairs)
    ce_rate = len(dev_pairs) / (time.perf_counter() - t0)
    print(
        f"features for {len(pairs)} pairs and cross-encoder for {len(dev_pairs)} dev pairs "
        f"({ce_rate:.0f} pairs/s) in {time.perf_counter() - started:.0f} s",
        flush=True,
    )

    # The feature scorer refitted without dev (the bias check).
    rest_X = X_train[rest]
    mean, scale = rest_X.mean(axis=0), rest_X.std(axis=0) + 1e-9
    refit = LogisticRegression(C=1.0, max_iter=5000).fit((rest_X - mean) / scale, labels[rest])
    pf_held = refit.predict_proba((X_train[dev_index] - mean) / scale)[:, 1]

    results = evaluate_dev(pf, pce, y, scorer.threshold, classifier.threshold)
    held = evaluate_dev(pf_held, pce, y, scorer.threshold, classifier.threshold)

    print()
    print(f"## MRPC dev split ({len(y)} pairs), F1 of 'paraphrase'")
    print()
    print(
        "| rule | parameters (chosen on dev) | dev F1 | out-of-fold F1 | share to cross-encoder | "
        "dev F1, feature scorer refit without dev |"
    )
    print("|---|---|---|---|---|---|")
    for k in "abcd":
        r, h = results[k], held[k]
        share = f"{r['share']:.1%}" + (f" (oof {r['oof_share']:.1%})" if "oof_share" in r else "")
        held_text = f"{h['f1']:.4f}" + (f" ({h['params']}, {h['share']:.1%})" if k == "c" else "")
        print(f"| {NAMES[k]} | {r['params']} | {r['f1']:.4f} | {r['oof']:.4f} | {share} | {held_text} |")
    bf, bs, blo, bhi = results["c"]["best_band"]
    print()
    print(
        f"Best band on dev regardless of cost: lo {blo:.2f}, hi {bhi:.2f}, F1 {bf:.4f}, {bs:.1%} to the "
        f"cross-encoder. Winner on dev: {NAMES[results['winner']]} ({results[results['winner']]['params']}); "
        f"with the refit feature scorer it would be {NAMES[held['winner']]} ({held[held['winner']]['params']})."
    )
    print(f"Dev phase: {time.perf_counter() - started:.0f} s")
    if not args.test:
        return

    # --- MRPC test, once, the winner only ---
    winner = results["winner"]
    test_pairs, test_y = datasets.mrpc_pairs("test")
    t0 = time.perf_counter()
    routed = np.ones(len(test_pairs), dtype=bool)
    if winner != "a":
        tpf = scorer.probability(features(test_pairs))
    t_features = time.perf_counter() - t0
    if winner == "c":
        routed = in_band(tpf, results["c"]["lo"], results["c"]["hi"])
    elif winner == "b":
        routed[:] = False
    tpce = np.zeros(len(test_pairs))
    t1 = time.perf_counter()
    if routed.any():
        tpce[routed] = classifier.score([p for p, r in zip(test_pairs, routed, strict=True) if r])
    t_ce = time.perf_counter() - t1
    if winner == "a":
        decision = tpce >= classifier.threshold
    elif winner == "b":
        decision = tpf >= scorer.threshold
    elif winner == "c":
        decision = band_decision(tpf, tpce >= classifier.threshold, results["c"]["lo"], results["c"]["hi"])
    else:
        model, threshold = results["d"]["model"], results["d"]["threshold"]
        decision = model.predict_proba(np.column_stack([logit(tpf), logit(tpce)]))[:, 1] >= threshold
    wall = time.perf_counter() - t0
    m = metrics(decision, test_y)
    print()
    print(
        f"## MRPC test ({len(test_pairs)} pairs), evaluated once: {NAMES[winner]}, {results[winner]['params']}"
    )
    print()
    print("| F1 | precision | recall | accuracy | share to cross-encoder | wall time |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {m['f1']:.4f} | {m['precision']:.4f} | {m['recall']:.4f} | {m['accuracy']:.4f} | "
        f"{np.mean(routed):.1%} ({int(routed.sum())} pairs) | {wall:.1f} s (embeddings + features "
        f"{t_features:.1f} s, cross-encoder {t_ce:.1f} s) |"
    )
    print(f"\nTotal: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
