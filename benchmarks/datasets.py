"""Loaders for the research datasets in ../shared/datasets (never copied into the repository)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("RETOLD_DATASETS", Path(__file__).resolve().parents[2] / "shared" / "datasets"))


def available(name: str) -> bool:
    return (ROOT / name).is_dir()


def mrpc(split: str) -> list[tuple[int, str, str]]:
    """MRPC pairs (label, sentence 1, sentence 2); split is 'train' or 'test'."""
    text = (ROOT / "mrpc" / f"msr_paraphrase_{split}.txt").read_text(encoding="utf-8-sig").replace("\r", "")
    rows = [line.split("\t") for line in text.splitlines()[1:] if line.strip()]
    return [(int(r[0]), r[3], r[4]) for r in rows]


def mrpc_pairs(split: str) -> tuple[list[tuple[str, str]], Any]:
    """MRPC as (sentence pairs, 0/1 label array), in file order (the training scripts' dev split
    indexes into this order)."""
    import numpy as np

    rows = mrpc(split)
    return [(a, b) for _, a, b in rows], np.array([label for label, _, _ in rows], dtype=np.int64)


def sts(split: str) -> list[tuple[str, float, str, str]]:
    """STS-B rows (genre, score 0-5, sentence 1, sentence 2); split is 'train', 'dev' or 'test'."""
    rows = []
    for line in (ROOT / "sts_benchmark" / f"sts-{split}.csv").read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) >= 7:
            rows.append((cols[0], float(cols[4]), cols[5], cols[6]))
    return rows


def clough() -> list[dict]:
    """Clough & Stevenson answers: dicts with file, task, category, text, source_text."""
    base = ROOT / "clough_stevenson_plagiarism"
    corpus = base / "corpus-20090418"
    rows = []
    with open(base / "labels.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            read = lambda name: (corpus / name).read_text(encoding="utf-8", errors="replace")  # noqa: E731
            rows.append({**row, "text": read(row["file"]), "source_text": read(row["source_file"])})
    return rows


def ai_rephrased() -> tuple[dict[str, dict], list[dict]]:
    """(originals by id, generated texts with human_id and kind) of the AI-rephrased news set."""
    base = ROOT / "ai_rephrased_news_lorenz"
    human = [
        json.loads(line) for line in (base / "news_human.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    generated = [
        json.loads(line) for line in (base / "news_chatgpt.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return {h["id"]: h for h in human}, generated


def bbc(category: str) -> list[dict]:
    """BBC News articles of one class (business, entertainment, politics, sport, tech): dicts with
    file, category, title (the first line) and text (the whole file, headline included)."""
    rows = []
    for path in sorted((ROOT / "bbc_news" / "bbc" / category).glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")  # sport/199.txt has one invalid byte
        rows.append(
            {
                "file": f"{category}/{path.name}",
                "category": category,
                "title": text.split("\n", 1)[0],
                "text": text,
            }
        )
    return rows
