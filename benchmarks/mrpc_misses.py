"""Where the aligner's MRPC decisions differ from the sentence-pair rules it is built on (MRPC dev only).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/mrpc_misses.py            # ~15 s on 2 cores
    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/mrpc_misses.py --show     # + every disagreement

On the dev split of benchmarks/train_pair_classifier.py (407 MRPC *train* pairs; the test split is not
read), four decisions per pair:

- the feature scorer alone (``retold.similarity``, p_f >= its threshold);
- the band rule of ``--verify`` alone (the cross-encoder decides when VERIFY_LOW <= p_f <= VERIFY_HIGH);
- retold's aligner, default, and with ``--verify`` (a pair is a paraphrase when the two one-sentence
  articles get an aligned passage, as in bench_compare.py).

The aligner settles a pair whose wording is mostly kept ("edited") by the lexical evidence before the
cross-encoder is asked; the false positives are counted by the label the aligner gave them, which shows
how many are sentences that keep the other's wording and add or drop a clause: MRPC calls them "not a
paraphrase", reuse detection calls them edited copies.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402
from bench_compare import context, context_markdown, sentence_article  # noqa: E402
from stack_pair_decision import dev_split, features, metrics  # noqa: E402

from retold.align import VERIFY_HIGH, VERIFY_LOW  # noqa: E402
from retold.comparison import Comparer  # noqa: E402
from retold.pairclass import load_pair_classifier  # noqa: E402
from retold.similarity import load_scorer  # noqa: E402
from retold.verdict import ALIGNED  # noqa: E402


def aligner_decisions(comparer: Comparer, pairs: list[tuple[str, str]]) -> tuple[np.ndarray, list[str]]:
    """(aligned or not, the label of the aligned passage or 'none') for each pair."""
    decided, labels = [], []
    for index, (a, b) in enumerate(pairs):
        comparison = comparer.compare(sentence_article(a, f"{index}a"), sentence_article(b, f"{index}b"))
        aligned = [p.label for p in comparison.passages if p.label in ALIGNED]
        decided.append(bool(aligned))
        labels.append(aligned[0] if aligned else "none")
    return np.array(decided), labels


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--show", action="store_true", help="print every pair where a rule and the aligner differ"
    )
    args = parser.parse_args(argv)
    if not datasets.available("mrpc"):
        sys.exit("MRPC is not in ../shared/datasets (or RETOLD_DATASETS): nothing to measure")

    all_pairs, all_labels = datasets.mrpc_pairs("train")
    dev = dev_split(all_labels)
    pairs, y = [all_pairs[i] for i in dev], all_labels[dev]
    scorer, verifier = load_scorer(True), load_pair_classifier()
    p_f = np.asarray(scorer.probability(list(features(pairs))))
    p_ce = np.asarray(verifier.score(pairs))
    band = np.where((p_f >= VERIFY_LOW) & (p_f <= VERIFY_HIGH), p_ce >= verifier.threshold, p_f > VERIFY_HIGH)
    rules = {"feature scorer alone": p_f >= scorer.threshold, "band rule (--verify) alone": band}
    aligner = {
        "aligner, default": aligner_decisions(Comparer(facts=False), pairs),
        "aligner, --verify": aligner_decisions(Comparer(facts=False, verify=True), pairs),
    }

    print(context_markdown(context(sys.argv)))
    print(f"MRPC dev split: {len(y)} pairs ({int(y.sum())} paraphrases)\n")
    print("| decision | F1 | precision | recall | false positives (by aligned label) | false negatives |")
    print("|---|---|---|---|---|---|")
    for name, decision in rules.items():
        m = metrics(decision, y)
        fp, fn = int(np.sum(decision & (y == 0))), int(np.sum(~decision & (y == 1)))
        print(f"| {name} | {m['f1']:.3f} | {m['precision']:.3f} | {m['recall']:.3f} | {fp} | {fn} |")
    for name, (decision, labels) in aligner.items():
        m = metrics(decision, y)
        fp = Counter(labels[k] for k in np.flatnonzero(decision & (y == 0)))
        fn = int(np.sum(~decision & (y == 1)))
        by_label = ", ".join(f"{label} {count}" for label, count in fp.most_common())
        print(
            f"| {name} | {m['f1']:.3f} | {m['precision']:.3f} | {m['recall']:.3f} | "
            f"{sum(fp.values())} ({by_label}) | {fn} |"
        )
    if args.show:
        for (rule, single), (name, (decision, labels)) in zip(rules.items(), aligner.items(), strict=True):
            print(f"\n## {rule} vs {name}\n")
            for k in np.flatnonzero(single != decision):
                print(
                    f"- gold {y[k]}, rule {bool(single[k])}, aligner {labels[k]}; p_f {p_f[k]:.2f}, "
                    f"p_ce {p_ce[k]:.2f}\n  A: {pairs[k][0]}\n  B: {pairs[k][1]}"
                )


if __name__ == "__main__":
    main()
