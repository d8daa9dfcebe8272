"""Benchmark of the facts stage: quality per finding type, speed, and the AI-rephrased news run.

    .venv/bin/python benchmarks/bench_facts.py            # all three parts, markdown tables on stdout
    .venv/bin/python benchmarks/bench_facts.py --sample 20  # also print 20 AI-set findings to check by hand

Quality is measured on benchmarks/facts_testset/pairs.jsonl (fictional pairs written for retold, with the
findings a careful reader expects). Passages come from retold.compare when it is available and
``--aligned`` is given; otherwise compare_facts pairs sentences itself (its documented fallback).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from retold.article import Article  # noqa: E402
from retold.factdiff import FactDiff, compare_facts  # noqa: E402
from retold.ner import forget as forget_entities  # noqa: E402
from retold.ner import load_entity_pipeline  # noqa: E402

TESTSET = REPO / "benchmarks" / "facts_testset" / "pairs.jsonl"
AI_SET = REPO.parent / "shared" / "datasets" / "ai_rephrased_news_lorenz"
FINDING_TYPES = (
    "quote altered",
    "quote trimmed",
    "quote moved",
    "quote dropped",
    "quote added",
    "number changed",
    "entity added",
    "entity dropped",
    "attribution dropped",
)


def load_testset(path: Path = TESTSET) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower().replace("’", "'")))


def predicted_findings(diff: FactDiff) -> dict[str, list[str]]:
    """The findings of one diff as comparable keys, by finding type."""
    found: dict[str, list[str]] = {t: [] for t in FINDING_TYPES}
    for quote in diff.quotes:
        if quote.status == "unchanged":
            continue
        side = quote.source if quote.status == "dropped" else quote.derived
        assert side is not None
        found[f"quote {quote.status}"].append(_norm(side.span.text))
    for number in diff.numbers:
        if number.status == "changed":
            assert number.source is not None and number.derived is not None
            found["number changed"].append(
                _norm(number.source.span.text) + " -> " + _norm(number.derived.span.text)
            )
    for entity in diff.entities:
        if entity.status in ("added", "dropped"):
            found[f"entity {entity.status}"].append(_norm(entity.name))
    for attribution in diff.attributions:
        if attribution.status == "dropped":
            assert attribution.source is not None
            found["attribution dropped"].append(_norm(attribution.source.speaker))
    return found


def expected_findings(pair: dict[str, Any]) -> dict[str, list[str]]:
    expected: dict[str, list[str]] = {t: [] for t in FINDING_TYPES}
    for quote in pair["expected"].get("quotes", []):
        side = quote.get("derived") if quote["status"] != "dropped" else quote.get("source")
        expected[f"quote {quote['status']}"].append(_norm(side))
    for number in pair["expected"].get("numbers", []):
        expected["number changed"].append(_norm(number["source"]) + " -> " + _norm(number["derived"]))
    for entity in pair["expected"].get("entities", []):
        expected[f"entity {entity['status']}"].append(_norm(entity["name"]))
    for attribution in pair["expected"].get("attributions", []):
        expected["attribution dropped"].append(_norm(attribution["source"]))
    return expected


def checked_types(pair: dict[str, Any]) -> list[str]:
    """Quotes and numbers are checked on every pair; entities and attributions only where the pair
    lists them (or says nothing changed): cutting a sentence from a rewrite also drops its entities and
    attributions, and those pairs do not spell every such consequence out."""
    declared = pair["expected"]
    everything = pair["category"] == "nothing changed"
    return [
        kind
        for kind in FINDING_TYPES
        if kind.startswith(("quote", "number"))
        or everything
        or {"entity": "entities", "attribution": "attributions"}.get(kind.split()[0]) in declared
    ]


def _matches(expected: str, predicted: str) -> bool:
    # A speaker "commission" matches "the electoral commission": whole words inside the finding.
    return expected == predicted or f" {expected} " in f" {predicted} "


def score_testset(pairs: list[dict[str, Any]], *, aligned: bool = False) -> dict[str, dict[str, Any]]:
    """True/false positives and misses per finding type, with the pair ids of each error."""
    scores = {t: {"tp": 0, "fp": 0, "fn": 0, "errors": []} for t in FINDING_TYPES}
    for pair in pairs:
        source, derived = Article(pair["source"]), Article(pair["derived"])
        passages = _aligned_passages(source, derived) if aligned else []
        diff = compare_facts(source, derived, passages, language=pair.get("language", "en"))
        predicted, expected = predicted_findings(diff), expected_findings(pair)
        for kind in checked_types(pair):
            left = list(predicted[kind])
            for item in expected[kind]:
                hit = next((p for p in left if _matches(item, p)), None)
                if hit is None:
                    scores[kind]["fn"] += 1
                    scores[kind]["errors"].append(f"{pair['id']}: missed {item!r}")
                else:
                    scores[kind]["tp"] += 1
                    left.remove(hit)
            for item in left:
                scores[kind]["fp"] += 1
                scores[kind]["errors"].append(f"{pair['id']}: false {item!r}")
    return scores


def _aligned_passages(source: Article, derived: Article) -> list[Any]:
    import retold

    return list(retold.compare(source, derived).passages)


def precision_recall(counts: dict[str, Any]) -> tuple[float | None, float | None]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def quality_table(scores: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| finding | expected | found | correct | precision | recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, counts in scores.items():
        precision, recall = precision_recall(counts)
        lines.append(
            f"| {kind} | {counts['tp'] + counts['fn']} | {counts['tp'] + counts['fp']} | {counts['tp']} "
            f"| {_fmt(precision)} | {_fmt(recall)} |"
        )
    return "\n".join(lines)


def speed(repeats: int = 5) -> dict[str, float]:
    """Seconds compare_facts adds for two ~1,000-word articles (spaCy already loaded, its per-sentence
    cache emptied before each run: a user's new pair has sentences spaCy has not read)."""
    human = [json.loads(line) for line in (AI_SET / "news_human.jsonl").read_text().splitlines()]
    words = " ".join(record["text"] for record in human[:8]).split()
    # Two 1,000-word texts that share half their sentences: a realistic rewrite, not two copies.
    source = Article(" ".join(words[:1000]))
    derived = Article(" ".join(words[500:1500]))
    load_entity_pipeline()
    compare_facts(source, derived, [], language="en")  # warm caches
    times = []
    for _ in range(repeats):
        forget_entities()
        started = time.perf_counter()
        compare_facts(source, derived, [], language="en")
        times.append(time.perf_counter() - started)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times)}


def ai_rephrased(sample: int, seed: int = 7) -> tuple[dict[str, int], list[str]]:
    """Altered quotations and changed numbers found on the AI-rephrased pairs, and a sample to check."""
    human = {r["id"]: r for r in map(json.loads, (AI_SET / "news_human.jsonl").read_text().splitlines())}
    generated = [json.loads(line) for line in (AI_SET / "news_chatgpt.jsonl").read_text().splitlines()]
    pairs = [g for g in generated if g["kind"].startswith("rephrase_")]
    totals = {"pairs": len(pairs), "altered quotes": 0, "pairs with altered quote": 0, "changed numbers": 0,
              "pairs with changed number": 0, "derived quotes": 0, "moved quotes": 0}  # fmt: skip
    findings: list[str] = []
    for record in pairs:
        original = human[record["human_id"]]
        diff = compare_facts(Article(original["text"]), Article(record["text"]), [], language="en")
        altered = diff.altered_quotes
        changed = [n for n in diff.numbers if n.status == "changed"]
        totals["derived quotes"] += sum(1 for q in diff.quotes if q.derived is not None)
        # A quotation given to another speaker: on rephrasings of one article, mostly a speaker misread.
        totals["moved quotes"] += sum(1 for q in diff.quotes if q.status == "moved")
        totals["altered quotes"] += len(altered)
        totals["pairs with altered quote"] += bool(altered)
        totals["changed numbers"] += len(changed)
        totals["pairs with changed number"] += bool(changed)
        for quote in altered:
            assert quote.source is not None and quote.derived is not None
            findings.append(
                f"{record['id']} quote ({quote.speaker}): {quote.source.span.text!r} -> {quote.derived.span.text!r}"
            )
        for number in changed:
            assert number.source is not None and number.derived is not None
            findings.append(
                f"{record['id']} number: {number.source.span.text!r} -> {number.derived.span.text!r} | "
                f"{_context(original['text'], number.source.span.start)} || "
                f"{_context(record['text'], number.derived.span.start)}"
            )
    random.Random(seed).shuffle(findings)
    return totals, findings[:sample]


def _context(text: str, offset: int, width: int = 60) -> str:
    return " ".join(text[max(0, offset - width) : offset + width].split())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sample", type=int, default=0, help="print this many AI-set findings to check")
    parser.add_argument("--aligned", action="store_true", help="use retold.compare's passages")
    parser.add_argument("--errors", action="store_true", help="list every test-set error")
    args = parser.parse_args()

    pairs = load_testset()
    scores = score_testset(pairs, aligned=args.aligned)
    print(f"## Facts: quality on benchmarks/facts_testset ({len(pairs)} pairs)\n")
    print(quality_table(scores))
    if args.errors:
        for kind, counts in scores.items():
            for error in counts["errors"]:
                print(f"- {kind}: {error}")
    if not AI_SET.exists():
        print(f"\n(skipped speed and AI-rephrased runs: {AI_SET} is absent)")
        return
    timing = speed()
    print("\n## Facts: speed (two ~1,000-word articles, spaCy loaded)\n")
    print("| median s | min s | max s |\n|---:|---:|---:|")
    print(f"| {timing['median_s']:.3f} | {timing['min_s']:.3f} | {timing['max_s']:.3f} |")
    totals, sample = ai_rephrased(args.sample)
    print("\n## Facts: AI-rephrased news (rephrase_base + rephrase_expert vs. original)\n")
    print("| " + " | ".join(totals) + " |\n|" + "---:|" * len(totals))
    print("| " + " | ".join(str(v) for v in totals.values()) + " |")
    for line in sample:
        print(f"- {line}")


if __name__ == "__main__":
    main()
