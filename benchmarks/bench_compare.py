"""Quality bars of issue 2, measured on the research datasets in ../shared/datasets.

- MRPC test: a sentence pair counts as a paraphrase when retold aligns the two one-sentence articles
  (the single passage is verbatim / edited / paraphrased). F1 (bar >= 0.86), also lexical-only, and the
  batch CLI run (`retold compare --pairs FILE --format json --no-facts`) timed end to end.
- Clough & Stevenson: derived (cut / light / heavy) vs non with retold's own verdict (bar F1 >= 0.96).
- AI-rephrased news: rephrasings judged derived (bar >= 98%), title-only generations judged same_story
  or unrelated (bar >= 98%).
- STS-B test: Spearman of the calibrated pair probability (and of plain cosine), news genre and all.

Calibration / held-out: the verdict thresholds are tuned on Clough tasks a-b and AI originals
h000-h049 only; tasks c-e and h050-h099 are held out and reported separately.

Run:  .venv/bin/python benchmarks/bench_compare.py                      # everything (~3 min on 2 cores)
      .venv/bin/python benchmarks/bench_compare.py --only clough,ai --split calibration   # < 1 min
Prints a markdown report, then one line of JSON with every figure.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from retold.article import Article  # noqa: E402
from retold.comparison import Comparer  # noqa: E402
from retold.read import article_from_text  # noqa: E402
from retold.verdict import ALIGNED, DERIVED_LABELS  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SPLITS = ("calibration", "heldout", "all")
BENCHES = ("mrpc", "clough", "ai", "sts")
# Bars of issue 2.
BARS = {
    "mrpc_f1": 0.86,
    "mrpc_pairs_per_s": 20.0,
    "mrpc_cli_seconds": 90.0,
    "clough_f1": 0.96,
    "ai_rephrase_derived": 0.98,
    "ai_generated_not_derived": 0.98,
}
# Published baselines on MRPC test, for the table.
MRPC_BASELINES = {"word Jaccard": 0.822, "MiniLM cosine": 0.814}
VERDICT_LABELS = ("wholly_derived", "partially_derived", "same_story", "unrelated")


# --------------------------------------------------------------------------------------------------
# Run context: machine, commit, date, command (printed with every report).


def machine() -> dict[str, Any]:
    """nproc, CPU model and RAM of this machine, and the load average when asked."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "ram_gb": ram_gb}


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def context(command: Sequence[str]) -> dict[str, Any]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no", "retold"],
                cwd=REPO,
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = "unknown", False
    return {
        "commit": commit + ("+dirty retold/" if dirty else ""),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join(command),
        "machine": machine(),
        "load_average_start": load_average(),
    }


def context_markdown(ctx: dict[str, Any]) -> str:
    m = ctx["machine"]
    return (
        f"- commit `{ctx['commit']}`, {ctx['date']}\n"
        f"- machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM; "
        f"load average at start {ctx.get('load_average_start')}, at end {ctx.get('load_average_end')}\n"
        f"- command: `{ctx['command']}`\n"
    )


# --------------------------------------------------------------------------------------------------
# Metrics.


def binary_scores(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "f1": round(f1, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "accuracy": round(correct / len(gold), 4) if gold else 0.0,
        "n": len(gold),
    }


def _bar(value: float, bar: float, higher: bool = True) -> str:
    met = value >= bar if higher else value <= bar
    return f"{'≥' if higher else '≤'} {bar:g} {'✓' if met else '✗'}"


# --------------------------------------------------------------------------------------------------
# MRPC test.


def sentence_article(text: str, id: str) -> Article:
    # Article directly: a one-line text must not be read as a title or header line.
    return Article(text=text, id=id)


def mrpc_aligned(comparer: Comparer, pairs: Iterable[tuple[int, str, str]]) -> list[bool]:
    """For each MRPC pair: does retold align the two sentences (one aligned passage)?"""
    results = []
    for index, (_, s1, s2) in enumerate(pairs):
        comparison = comparer.compare(sentence_article(s1, f"{index}a"), sentence_article(s2, f"{index}b"))
        results.append(any(p.label in ALIGNED for p in comparison.passages))
    return results


def run_mrpc(limit: int | None = None, cli: bool = True) -> dict[str, Any]:
    pairs = datasets.mrpc("test")[:limit]
    gold = [label == 1 for label, _, _ in pairs]
    comparer = Comparer(facts=False)
    comparer.compare(
        sentence_article("Warm up the model.", "w1"), sentence_article("Warm the model up.", "w2")
    )
    started = time.perf_counter()
    predicted = mrpc_aligned(comparer, pairs)
    seconds = time.perf_counter() - started
    lexical = mrpc_aligned(Comparer(lexical_only=True, facts=False), pairs)
    result: dict[str, Any] = {
        "semantic": binary_scores(gold, predicted),
        "lexical": binary_scores(gold, lexical),
        "in_process_seconds": round(seconds, 2),
        "in_process_pairs_per_s": round(len(pairs) / seconds, 1),
    }
    if cli:
        result["cli"] = run_mrpc_cli(pairs, gold)
    return result


def run_mrpc_cli(
    pairs: Sequence[tuple[int, str, str]], gold: Sequence[bool], extra: Sequence[str] = ()
) -> dict[str, Any]:
    """`retold compare --pairs FILE --format json --no-facts` (plus ``extra`` options) on the pairs, timed
    as a subprocess."""
    with tempfile.TemporaryDirectory() as folder:
        pairs_file, out_file = Path(folder) / "mrpc-test.jsonl", Path(folder) / "out.jsonl"
        with open(pairs_file, "w", encoding="utf-8") as handle:
            for index, (_, s1, s2) in enumerate(pairs):
                record = {"id": index, "source": {"text": s1}, "derived": {"text": s2}}
                handle.write(json.dumps(record) + "\n")
        command = [
            retold_executable(),
            "compare",
            "--pairs",
            str(pairs_file),
            "--format",
            "json",
            "--no-facts",
            *extra,
        ]
        started = time.perf_counter()
        done = subprocess.run(command + ["--output", str(out_file)], capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            return {"error": done.stderr.strip()[-500:], "seconds": round(seconds, 2)}
        rows = [
            json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    by_id = {row["id"]: row for row in rows}
    errors = sum("error" in row for row in rows)
    predicted = [
        any(p["label"] in ALIGNED for p in by_id.get(i, {}).get("passages", [])) for i in range(len(pairs))
    ]
    return {
        "command": "retold compare --pairs mrpc-test.jsonl --format json --no-facts"
        + "".join(f" {option}" for option in extra)
        + " --output out.jsonl",
        "seconds": round(seconds, 2),
        "pairs_per_s": round(len(pairs) / seconds, 1),
        "pair_errors": errors,
        "f1": binary_scores(gold, predicted)["f1"],
    }


def retold_executable() -> str:
    candidate = Path(sys.executable).with_name("retold")
    return str(candidate) if candidate.exists() else "retold"


# --------------------------------------------------------------------------------------------------
# Clough & Stevenson.

CLOUGH_CALIBRATION_TASKS = ("a", "b")


def clough_rows(split: str = "all") -> list[dict]:
    rows = datasets.clough()
    if split == "calibration":
        return [r for r in rows if r["task"] in CLOUGH_CALIBRATION_TASKS]
    if split == "heldout":
        return [r for r in rows if r["task"] not in CLOUGH_CALIBRATION_TASKS]
    return rows


class CachedEncoder:
    """The sentence encoder with a cache by text, for quality runs where sources repeat.

    Clough has 5 sources for 95 answers and each AI original is compared with 4 texts: without the cache
    most of a run re-encodes the same sentences. Not used for any timing.
    """

    def __init__(self, encoder: Any) -> None:
        self._encoder = encoder
        self._cache: dict[str, Any] = {}
        self.dimensions = encoder.dimensions
        self.name = encoder.name

    def encode(self, texts: Sequence[str]) -> Any:
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, self._encoder.encode(missing), strict=True))
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


def quality_comparer() -> Comparer:
    """A ``Comparer(facts=False)`` whose encoder caches sentence embeddings (quality runs only)."""
    from retold.embed import load_encoder

    comparer = Comparer(facts=False)
    comparer._encoder = CachedEncoder(load_encoder())  # Comparer keeps its encoder here; see _load_encoder
    return comparer


def judge_clough(comparer: Comparer, rows: Iterable[dict]) -> list[dict]:
    """One record per answer: file, task, category and retold's verdict figures."""
    judged = []
    for row in rows:
        source = article_from_text(row["source_text"], id=row["source_file"])
        answer = article_from_text(row["text"], id=row["file"])
        verdict = comparer.compare(source, answer).verdict
        judged.append(
            {"file": row["file"], "task": row["task"], "category": row["category"], **_figures(verdict)}
        )
    return judged


def clough_scores(judged: Sequence[dict]) -> dict[str, Any]:
    gold = [r["category"] != "non" for r in judged]
    predicted = [r["label"] in DERIVED_LABELS for r in judged]
    confusion = {
        category: dict(Counter(r["label"] for r in judged if r["category"] == category))
        for category in ("cut", "light", "heavy", "non")
    }
    return {**binary_scores(gold, predicted), "confusion": confusion}


def run_clough(comparer: Comparer, split: str = "all") -> dict[str, Any]:
    judged = judge_clough(comparer, clough_rows("all" if split == "all" else split))
    result: dict[str, Any] = {}
    for name in SPLITS if split == "all" else (split,):
        subset = [r for r in judged if _in_clough_split(r["task"], name)]
        result[name] = clough_scores(subset)
    result["errors"] = [r for r in judged if (r["category"] != "non") != (r["label"] in DERIVED_LABELS)]
    return result


def _in_clough_split(task: str, split: str) -> bool:
    if split == "calibration":
        return task in CLOUGH_CALIBRATION_TASKS
    if split == "heldout":
        return task not in CLOUGH_CALIBRATION_TASKS
    return True


# --------------------------------------------------------------------------------------------------
# AI-rephrased news.

AI_CALIBRATION_LAST = 49  # originals h000-h049 calibrate, h050-h099 are held out
REPHRASE_KINDS = ("rephrase_base", "rephrase_expert")
GENERATED_KINDS = ("generated_base", "generated_expert")


def _in_ai_split(human_id: str, split: str) -> bool:
    number = int(human_id[1:])
    if split == "calibration":
        return number <= AI_CALIBRATION_LAST
    if split == "heldout":
        return number > AI_CALIBRATION_LAST
    return True


def ai_pairs(split: str = "all", originals: int | None = None) -> list[tuple[dict, dict]]:
    """(original, generated) pairs of the split; ``originals`` keeps only the first N originals."""
    human, generated = datasets.ai_rephrased()
    ids = sorted(h for h in human if _in_ai_split(h, split))[:originals]
    wanted = set(ids)
    return [(human[g["human_id"]], g) for g in generated if g["human_id"] in wanted]


def judge_ai(comparer: Comparer, pairs: Iterable[tuple[dict, dict]]) -> list[dict]:
    judged = []
    for original, generated in pairs:
        source = article_from_text(original["text"], id=original["id"], title=original.get("title"))
        derived = article_from_text(generated["text"], id=generated["id"], title=generated.get("title"))
        verdict = comparer.compare(source, derived).verdict
        judged.append(
            {
                "id": original["id"],
                "generated_id": generated["id"],
                "kind": generated["kind"],
                **_figures(verdict),
            }
        )
    return judged


def ai_correct(record: dict) -> bool:
    if record["kind"] in REPHRASE_KINDS:
        return record["label"] in DERIVED_LABELS
    return record["label"] in ("same_story", "unrelated")


def ai_scores(judged: Sequence[dict]) -> dict[str, Any]:
    rephrased = [r for r in judged if r["kind"] in REPHRASE_KINDS]
    generated = [r for r in judged if r["kind"] in GENERATED_KINDS]
    by_kind = {
        kind: dict(Counter(r["label"] for r in judged if r["kind"] == kind))
        for kind in REPHRASE_KINDS + GENERATED_KINDS
    }
    return {
        "rephrase_derived": round(sum(map(ai_correct, rephrased)) / len(rephrased), 4) if rephrased else None,
        "generated_not_derived": round(sum(map(ai_correct, generated)) / len(generated), 4)
        if generated
        else None,
        "n_rephrased": len(rephrased),
        "n_generated": len(generated),
        "labels_by_kind": by_kind,
    }


def run_ai(comparer: Comparer, split: str = "all") -> dict[str, Any]:
    judged = judge_ai(comparer, ai_pairs(split))
    result: dict[str, Any] = {}
    for name in SPLITS if split == "all" else (split,):
        result[name] = ai_scores([r for r in judged if _in_ai_split(r["id"], name)])
    result["errors"] = [r for r in judged if not ai_correct(r)]
    return result


def _figures(verdict: Any) -> dict[str, Any]:
    return {
        "label": verdict.label,
        "reuse": round(verdict.reuse, 3),
        "verbatim": round(verdict.reuse_verbatim, 3),
        "edited": round(verdict.reuse_edited, 3),
        "paraphrased": round(verdict.reuse_paraphrased, 3),
        "coverage": round(verdict.coverage, 3),
        "similarity": round(verdict.similarity, 3),
    }


# --------------------------------------------------------------------------------------------------
# STS-B.


def run_sts(limit: int | None = None) -> dict[str, Any]:
    import numpy as np
    from scipy.stats import spearmanr

    from retold.embed import load_encoder
    from retold.similarity import SentenceFeatures, load_scorer, pair_features

    rows = datasets.sts("test")[:limit]
    encoder = load_encoder()
    a = encoder.encode([r[2] for r in rows])
    b = encoder.encode([r[3] for r in rows])
    cosines = (a * b).sum(axis=1)
    features = np.array(
        [
            pair_features(SentenceFeatures.of(r[2]), SentenceFeatures.of(r[3]), float(c))
            for r, c in zip(rows, cosines, strict=True)
        ]
    )
    probability = load_scorer(True).probability(features)
    gold = np.array([r[1] for r in rows])
    news = np.array([r[0] == "main-news" for r in rows])

    def rho(x: Any, mask: Any) -> float:
        return round(float(spearmanr(x[mask], gold[mask]).statistic), 4)

    every = np.ones(len(rows), dtype=bool)
    return {
        "news": {"probability": rho(probability, news), "cosine": rho(cosines, news), "n": int(news.sum())},
        "all": {"probability": rho(probability, every), "cosine": rho(cosines, every), "n": len(rows)},
    }


# --------------------------------------------------------------------------------------------------
# Report.


def markdown(figures: dict[str, Any]) -> str:
    out = ["## Comparison quality (issue 2 bars)\n", context_markdown(figures["context"])]
    if "mrpc" in figures:
        m = figures["mrpc"]
        s, lex = m["semantic"], m["lexical"]
        out.append(f"\n### MRPC test ({s['n']} pairs): paraphrase = the two sentences are aligned\n")
        out.append("| method | F1 | precision | recall | accuracy | bar |\n|---|---|---|---|---|---|")
        out.append(
            f"| retold (semantic) | {s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | "
            f"{s['accuracy']:.3f} | F1 {_bar(s['f1'], BARS['mrpc_f1'])} |"
        )
        out.append(
            f"| retold --lexical-only | {lex['f1']:.3f} | {lex['precision']:.3f} | {lex['recall']:.3f} | "
            f"{lex['accuracy']:.3f} | |"
        )
        for name, f1 in MRPC_BASELINES.items():
            out.append(f"| baseline: {name} | {f1:.3f} | | | | |")
        out.append(
            f"\nIn process (shared `Comparer(facts=False)`): {m['in_process_seconds']} s, "
            f"{m['in_process_pairs_per_s']} pairs/s."
        )
        cli = m.get("cli")
        if cli and "error" not in cli:
            out.append(
                f"Batch CLI `{cli['command']}`: {cli['seconds']} s end to end "
                f"({_bar(cli['seconds'], BARS['mrpc_cli_seconds'], higher=False)}), {cli['pairs_per_s']} pairs/s "
                f"({_bar(cli['pairs_per_s'], BARS['mrpc_pairs_per_s'])}), F1 {cli['f1']:.3f}, "
                f"{cli['pair_errors']} pair errors."
            )
        elif cli:
            out.append(f"Batch CLI failed: {cli['error']}")
    if "clough" in figures:
        c = figures["clough"]
        out.append("\n### Clough & Stevenson: derived (cut/light/heavy) vs non, by retold's verdict\n")
        out.append(
            "| split | answers | F1 | precision | recall | accuracy | bar |\n|---|---|---|---|---|---|---|"
        )
        for name in SPLITS:
            if name in c:
                r = c[name]
                out.append(
                    f"| {_split_name(name, 'clough')} | {r['n']} | {r['f1']:.3f} | {r['precision']:.3f} | "
                    f"{r['recall']:.3f} | {r['accuracy']:.3f} | {_bar(r['f1'], BARS['clough_f1'])} |"
                )
        widest = "all" if "all" in c else next(n for n in SPLITS if n in c)
        out.append(f"\nConfusion ({_split_name(widest, 'clough')}): category × verdict\n")
        out.append("| category | " + " | ".join(VERDICT_LABELS) + " |\n|---|" + "---|" * len(VERDICT_LABELS))
        for category, counts in c[widest]["confusion"].items():
            out.append(f"| {category} | " + " | ".join(str(counts.get(v, 0)) for v in VERDICT_LABELS) + " |")
        if c["errors"]:
            out.append("\nMisjudged answers:\n")
            out.append(_failure_table(c["errors"], ("file", "category")))
    if "ai" in figures:
        a = figures["ai"]
        out.append("\n### AI-rephrased news: rephrasings derived, title-only generations not derived\n")
        out.append(
            "| split | rephrasings | judged derived | bar | title-only | same_story/unrelated | bar |\n"
            "|---|---|---|---|---|---|---|"
        )
        for name in SPLITS:
            if name in a:
                r = a[name]
                out.append(
                    f"| {_split_name(name, 'ai')} | {r['n_rephrased']} | {r['rephrase_derived']:.1%} | "
                    f"{_bar(r['rephrase_derived'], BARS['ai_rephrase_derived'])} | {r['n_generated']} | "
                    f"{r['generated_not_derived']:.1%} | {_bar(r['generated_not_derived'], BARS['ai_generated_not_derived'])} |"
                )
        widest = "all" if "all" in a else next(n for n in SPLITS if n in a)
        out.append(f"\nLabels by kind ({_split_name(widest, 'ai')}):\n")
        out.append("| kind | " + " | ".join(VERDICT_LABELS) + " |\n|---|" + "---|" * len(VERDICT_LABELS))
        for kind, counts in a[widest]["labels_by_kind"].items():
            out.append(f"| {kind} | " + " | ".join(str(counts.get(v, 0)) for v in VERDICT_LABELS) + " |")
        if a["errors"]:
            out.append("\nFailures:\n")
            out.append(_failure_table(a["errors"], ("id", "kind")))
    if "sts" in figures:
        s = figures["sts"]
        out.append("\n### STS-B test: Spearman with the gold similarity\n")
        out.append("| genre | pairs | retold pair probability | MiniLM cosine |\n|---|---|---|---|")
        for name in ("news", "all"):
            r = s[name]
            out.append(f"| {name} | {r['n']} | {r['probability']:.3f} | {r['cosine']:.3f} |")
    return "\n".join(out) + "\n"


def _split_name(split: str, bench: str) -> str:
    names = {
        "clough": {"calibration": "calibration (tasks a-b)", "heldout": "held-out (tasks c-e)", "all": "all"},
        "ai": {"calibration": "calibration (h000-h049)", "heldout": "held-out (h050-h099)", "all": "all"},
    }
    return names[bench][split]


def _failure_table(rows: Sequence[dict], keys: Sequence[str]) -> str:
    columns = (*keys, "label", "reuse", "verbatim", "edited", "paraphrased", "coverage", "similarity")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(str(row[c]) for c in columns) + " |")
    return "\n".join(lines)


def measure(
    only: Sequence[str], split: str, mrpc_limit: int | None = None, cli: bool = True
) -> dict[str, Any]:
    """Run the chosen benchmarks; returns every figure (and the run context) as one dict."""
    figures: dict[str, Any] = {"context": context(sys.argv if sys.argv[0] else ["bench_compare"])}
    comparer = quality_comparer()
    if "mrpc" in only:
        figures["mrpc"] = run_mrpc(mrpc_limit, cli=cli)
    if "clough" in only:
        figures["clough"] = run_clough(comparer, split)
    if "ai" in only:
        figures["ai"] = run_ai(comparer, split)
    if "sts" in only:
        figures["sts"] = run_sts()
    figures["context"]["load_average_end"] = load_average()
    return figures


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", default=",".join(BENCHES), help=f"comma-separated subset of {','.join(BENCHES)}"
    )
    parser.add_argument(
        "--split", choices=SPLITS, default="all", help="Clough/AI split (MRPC and STS-B: test)"
    )
    parser.add_argument("--mrpc-limit", type=int, help="only the first N MRPC test pairs")
    parser.add_argument("--no-cli", action="store_true", help="skip the timed `retold compare --pairs` run")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(only) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(sorted(unknown))}; choose from {', '.join(BENCHES)}")
    folders = {
        "mrpc": "mrpc",
        "clough": "clough_stevenson_plagiarism",
        "ai": "ai_rephrased_news_lorenz",
        "sts": "sts_benchmark",
    }
    missing = [folders[name] for name in only if not datasets.available(folders[name])]
    if missing:
        parser.error(f"datasets missing under {datasets.ROOT}: {', '.join(missing)} (set RETOLD_DATASETS)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    figures = measure(only, args.split, args.mrpc_limit, cli=not args.no_cli)
    print(markdown(figures))
    print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    main()
