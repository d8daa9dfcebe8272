"""How often two different events of one kind are judged same_story (a known limit; docs/usage.md).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_same_story.py

150 random pairs of BBC News articles from one section (30 per section, ``random.Random(3)``), each two
different stories written apart, compared with the default engine without facts. A pair judged
``same_story`` here is a false "same event": retold decides same_story from wording (aligned share or
whole-document similarity), and articles on one kind of event read alike. Also the share of the derived
text's names found in the source, for those pairs and for the AI set's title-only generations (one
event each): whether names could tell the two apart. Prints one JSON line. The datasets are read from
../shared/datasets (research-only, never copied here); absent, it says so.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datasets import ROOT, ai_rephrased, bbc  # noqa: E402

SECTIONS = ("business", "sport", "politics", "tech", "entertainment")
# A capitalised word (or run of them) after a lower-case word, a digit or a comma: a name, not the word
# that opens a sentence.
_NAME = re.compile(r"(?<=[a-z0-9,;:)’'\"] )[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*")


def name_share(source: str, derived: str) -> float:
    """The share of the derived text's distinct names that the source has too."""
    derived_names = {m.group(0).lower() for m in _NAME.finditer(derived)}
    source_names = {m.group(0).lower() for m in _NAME.finditer(source)}
    return len(derived_names & source_names) / len(derived_names) if derived_names else 0.0


def quantiles(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)
    return {f"p{q}": round(ordered[int(q / 100 * (len(ordered) - 1))], 2) for q in (0, 10, 50, 90, 100)}


def title_only_name_shares() -> list[float]:
    """Name shares of the AI set's title-only generations (the same event) against their originals."""
    if not (ROOT / "ai_rephrased_news_lorenz").exists():
        return []
    originals, generated = ai_rephrased()
    return [
        name_share(originals[g["human_id"]]["text"], g["text"])
        for g in generated
        if g["kind"].startswith("generated")
    ]


def main() -> None:
    if not (ROOT / "bbc_news").exists():
        print(json.dumps({"bench": "same_story", "skipped": f"{ROOT / 'bbc_news'} is absent"}))
        return
    from retold.article import Article
    from retold.comparison import Comparer

    comparer = Comparer(facts=False)
    rng = random.Random(3)
    labels: Counter[str] = Counter()
    examples: list[list[object]] = []
    shares: list[float] = []
    for section in SECTIONS:
        docs = bbc(section)
        for _ in range(30):
            a, b = rng.sample(docs, 2)
            verdict = comparer.compare(Article(a["text"]), Article(b["text"])).verdict
            labels[verdict.label] += 1
            if verdict.label == "same_story":
                shares.append(name_share(a["text"], b["text"]))
                if len(examples) < 5:
                    examples.append([a["title"], b["title"], round(verdict.similarity, 2)])
    print(
        json.dumps(
            {
                "bench": "same_story",
                "pairs": sum(labels.values()),
                "labels": labels,
                "examples": examples,
                "name_share_of_same_story_pairs": quantiles(shares),
                "name_share_of_title_only_generations": quantiles(title_only_name_shares()),
            }
        )
    )


if __name__ == "__main__":
    main()
