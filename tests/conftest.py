"""Shared fixtures: one Comparer per kind for the whole session (the model loads once), the examples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Nothing in the tests may reach the network; the embedding model is the locally built ONNX file.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# The pairs in examples/README.md, each compared with this source.
WIRE = EXAMPLES / "wire-original.txt"


@pytest.fixture(scope="session")
def examples() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def comparer():
    """The semantic comparer (embedding model loaded once), facts stage off: the tests here are about
    alignment and verdicts; the facts stage has its own tests."""
    from retold.comparison import Comparer

    return Comparer(facts=False)


@pytest.fixture(scope="session")
def lexical_comparer():
    from retold.comparison import Comparer

    return Comparer(lexical_only=True, facts=False)


@pytest.fixture(scope="session")
def compare_example(comparer):
    """``compare_example("copy-light-edit")`` -> the semantic Comparison with wire-original.txt, cached."""
    from retold.read import read_article

    cache: dict[tuple[str, str], object] = {}

    def run(derived: str, source: str = "wire-original"):
        key = (source, derived)
        if key not in cache:
            cache[key] = comparer.compare(
                read_article(EXAMPLES / f"{source}.txt"), read_article(EXAMPLES / f"{derived}.txt")
            )
        return cache[key]

    return run


def passage_problems(comparison) -> list[str]:
    """Every way the passages of ``comparison`` break the documented contract (empty when none).

    The contract (retold/align.py, retold/comparison.py): every character of every sentence of both
    texts lies in exactly one passage, spans start and end on sentence boundaries, spans are the text
    they point at, ids are 0..n-1, added/dropped passages have one side, aligned ones both.
    """
    from retold.align import ALIGNED_LABELS
    from retold.segment import split_sentences

    problems: list[str] = []
    passages = comparison.passages
    if [p.id for p in passages] != list(range(len(passages))):
        problems.append(f"ids are {[p.id for p in passages]}, not 0..{len(passages) - 1}")
    for p in passages:
        if p.label == "added" and (p.source or not p.derived):
            problems.append(f"added passage {p.id} has source {p.source} / derived {p.derived}")
        if p.label == "dropped" and (p.derived or not p.source):
            problems.append(f"dropped passage {p.id} has source {p.source} / derived {p.derived}")
        if p.label in ALIGNED_LABELS and not (p.source and p.derived):
            problems.append(f"{p.label} passage {p.id} lacks a side")
        if not 0.0 <= p.score <= 1.0:
            problems.append(f"passage {p.id} score {p.score}")
    for side, article in (("source", comparison.source), ("derived", comparison.derived)):
        sentences = split_sentences(article)
        starts = {s.start for s in sentences}
        ends = {s.end for s in sentences}
        owner: dict[int, int] = {}  # sentence index -> passage id
        for p in passages:
            for span in getattr(p, side):
                if article.text[span.start : span.end] != span.text:
                    problems.append(f"{side} span {span.start}:{span.end} of passage {p.id} is not its text")
                if span.start not in starts or span.end not in ends:
                    problems.append(f"{side} span {span.start}:{span.end} does not run sentence to sentence")
                for index, s in enumerate(sentences):
                    if s.start >= span.start and s.end <= span.end:
                        if index in owner and owner[index] != p.id:
                            problems.append(
                                f"{side} sentence {index} is in passages {owner[index]} and {p.id}"
                            )
                        owner[index] = p.id
                    elif s.start < span.end and span.start < s.end:
                        problems.append(f"{side} sentence {index} is cut by span {span.start}:{span.end}")
        missing = [i for i in range(len(sentences)) if i not in owner]
        if missing:
            problems.append(f"{side} sentences {missing} are in no passage")
    return problems


def verdict_problems(verdict, *, at_most_one: bool = True) -> list[str]:
    """Figures that break Verdict's contract: shares in [0, 1], the reuse split summing to reuse.

    ``at_most_one=False`` skips the upper bound, which passages joining adjacent sentences break today
    (see test_verdict.py::test_reuse_at_most_one_when_a_sentence_is_split).
    """
    problems = []
    split = verdict.reuse_verbatim + verdict.reuse_edited + verdict.reuse_paraphrased
    if abs(split - verdict.reuse) > 1e-9:
        problems.append(f"reuse split sums to {split}, reuse is {verdict.reuse}")
    for name in ("reuse", "coverage", "reuse_verbatim", "reuse_edited", "reuse_paraphrased"):
        value = getattr(verdict, name)
        if value < 0.0 or (at_most_one and value > 1.0):
            problems.append(f"{name} = {value}")
    return problems
