"""How often two different events of one kind are judged same_story (a known limit; docs/usage.md).

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_same_story.py

150 random pairs of BBC News articles from one section (30 per section, ``random.Random(3)``), each two
different stories written apart, compared with the default engine without facts. A pair judged
``same_story`` here is a false "same event": retold decides same_story from wording (aligned share or
whole-document similarity), and articles on one kind of event read alike. Prints one JSON line.
The dataset is read from ../shared/datasets (research-only, never copied here); absent, it says so.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datasets import ROOT, bbc  # noqa: E402

SECTIONS = ("business", "sport", "politics", "tech", "entertainment")


def main() -> None:
    if not (ROOT / "bbc_news").exists():
        print(json.dumps({"bench": "same_story", "skipped": f"{ROOT / 'bbc_news'} is absent"}))
        return
    from retold.article import Article
    from retold.comparison import Comparer

    comparer = Comparer(facts=False)
    rng = random.Random(3)
    labels: Counter[str] = Counter()
    examples = []
    for section in SECTIONS:
        docs = bbc(section)
        for _ in range(30):
            a, b = rng.sample(docs, 2)
            verdict = comparer.compare(Article(a["text"]), Article(b["text"])).verdict
            labels[verdict.label] += 1
            if verdict.label == "same_story" and len(examples) < 5:
                examples.append([a["title"], b["title"], round(verdict.similarity, 2)])
    print(
        json.dumps(
            {"bench": "same_story", "pairs": sum(labels.values()), "labels": labels, "examples": examples}
        )
    )


if __name__ == "__main__":
    main()
