"""Speed bars of issue 2: one pair of ~1,000-word articles, cold from the shell, peak memory, batch.

- Warm: `Comparer.compare` on three pairs with the model loaded, median of 5 runs after a warm-up, with
  and without facts (bar: <= 0.3 s for ~1,000-word articles):
  (a) a ~1,000-word BBC article vs a light copy of itself (words dropped and replaced programmatically);
  (b) that article vs a different ~1,000-word BBC article of the same class (no reuse: every sentence is
      encoded, the worst case for the model);
  (c) examples/wire-original.txt vs examples/rewrite-paraphrased.txt (~540 / ~720 words);
  (d) two ~1,000-word BBC articles on one subject, written independently (SAME_SUBJECT_ARTICLES): not far
      enough apart for the quick reject, so every sentence is encoded.
  The AI-rephrased originals top out at 826 words, so the ~1,000-word pairs come from BBC News (tech).
- Cold: `retold compare A B --format json` as a subprocess on pair (b), median of 3 (bar <= 3 s), and
  its peak memory (max RSS by /usr/bin/time; bar <= 1.5 GB).
- Batch: `retold compare --pairs FILE --format json --no-facts` on the MRPC test split (bar >= 20 pairs/s,
  whole test <= 90 s); --no-batch skips it.

Run: .venv/bin/python benchmarks/bench_speed.py     Prints a markdown report, then one line of JSON.
Timings are only comparable at a low load average (printed with the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402
from bench_compare import context, context_markdown, load_average, retold_executable, run_mrpc_cli  # noqa: E402

from retold.comparison import Comparer  # noqa: E402
from retold.read import article_from_text  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BARS = {"warm_seconds": 0.3, "cold_seconds": 3.0, "peak_rss_mb": 1536.0, "batch_pairs_per_s": 20.0}
# Two ~1,000-word BBC tech articles (1,003 and 1,001 words) on different stories.
LONG_ARTICLE = "tech/358.txt"
OTHER_LONG_ARTICLE = "tech/396.txt"
# Two ~1,000-word reports on one subject (podcasting; 1,028 and 1,003 words), found as the closest pair of
# 750-1,300-word BBC articles by mean sentence embedding that are not copies: the quick reject cannot
# answer them and nothing is copied, so every sentence is read by the model. The costliest kind of pair.
SAME_SUBJECT_ARTICLES = ("tech/110.txt", "tech/364.txt")
WARM_RUNS = 5
COLD_RUNS = 3
# Light copy: each word is dropped with this probability, or replaced by a filler word: about the
# rate of a subeditor's light touch (one change every ~12 words), enough to make most sentences 'edited'.
DROP_RATE = 0.04
REPLACE_RATE = 0.04
FILLERS = ("also", "now", "reportedly", "still", "new", "major", "recent", "latest")


def light_copy(text: str, seed: int = 7) -> str:
    """``text`` with words dropped and replaced at random (fixed seed); line breaks kept."""
    rng = random.Random(seed)
    lines = []
    for line in text.split("\n"):
        kept = []
        for word in line.split(" "):
            roll = rng.random()
            if word and roll < DROP_RATE and not re.search(r"[.!?\"]$", word):
                continue
            if word.isalpha() and word.islower() and roll < DROP_RATE + REPLACE_RATE:
                word = rng.choice(FILLERS)
            kept.append(word)
        lines.append(" ".join(kept))
    return "\n".join(lines)


def speed_pairs() -> dict[str, tuple[str, str]]:
    """The named (source text, derived text) pairs that are timed."""
    articles = {row["file"]: row["text"] for row in datasets.bbc("tech")}
    long_text, other_text = articles[LONG_ARTICLE], articles[OTHER_LONG_ARTICLE]
    examples = REPO / "examples"
    return {
        "a. 1,000 words vs its light copy": (long_text, light_copy(long_text)),
        "b. 1,000 words vs another 1,000-word article": (long_text, other_text),
        "c. wire-original vs rewrite-paraphrased": (
            (examples / "wire-original.txt").read_text(encoding="utf-8"),
            (examples / "rewrite-paraphrased.txt").read_text(encoding="utf-8"),
        ),
        "d. two ~1,000-word articles on one subject": (
            articles[SAME_SUBJECT_ARTICLES[0]],
            articles[SAME_SUBJECT_ARTICLES[1]],
        ),
    }


def forget_entities() -> None:
    """Empty the facts stage's per-process cache of sentence entities before a timed run.

    Timing the same pair 5 times would otherwise find every sentence in the cache from the warm-up
    and measure no NER at all; a user's new pair has sentences spaCy has not seen. (Sentences repeated
    within the pair still hit the cache, as they do for the user.)
    """
    from retold import ner

    ner.forget()


def time_warm(source: str, derived: str, facts: bool) -> dict[str, Any]:
    comparer = Comparer(facts=facts)
    comparison = comparer.compare(article_from_text(source), article_from_text(derived))  # warm-up
    runs = []
    for _ in range(WARM_RUNS):
        a, b = article_from_text(source), article_from_text(derived)
        forget_entities()
        started = time.perf_counter()
        comparer.compare(a, b)
        runs.append(time.perf_counter() - started)
    return {
        "median_s": round(statistics.median(runs), 3),
        "runs_s": [round(r, 3) for r in runs],
        "label": comparison.verdict.label,
        "reuse": round(comparison.verdict.reuse, 3),
        "words": [len(source.split()), len(derived.split())],
    }


# /usr/bin/time reports the peak RSS of the retold process itself. wait4's figure alone is not enough:
# Linux carries the high-water RSS across fork+exec, so a child of this benchmark (which holds the
# model) would report at least this process's size.
GNU_TIME = "/usr/bin/time"


def run_cold(command: Sequence[str]) -> tuple[float, float, int, str]:
    """Seconds, peak RSS in MB, exit status and the end of stderr of one subprocess run."""
    use_time = os.path.exists(GNU_TIME)
    full = [GNU_TIME, "-f", "MAXRSS_KB %M", *command] if use_time else list(command)
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        message = errors.read().decode("utf-8", "replace").strip()
    peak_mb = usage.ru_maxrss / 1024  # KB on Linux; an upper bound (see GNU_TIME)
    found = re.search(r"MAXRSS_KB (\d+)\s*$", message)
    if found:
        peak_mb = int(found.group(1)) / 1024
        message = message[: found.start()].strip()
    return seconds, peak_mb, process.returncode, message[-300:]


def time_cold(source: str, derived: str, extra: Sequence[str] = ()) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        a, b = Path(folder) / "a.txt", Path(folder) / "b.txt"
        a.write_text(source, encoding="utf-8")
        b.write_text(derived, encoding="utf-8")
        command = [retold_executable(), "compare", str(a), str(b), "--format", "json", *extra]
        runs = [run_cold(command) for _ in range(COLD_RUNS)]
    failed = [(code, message) for _, _, code, message in runs if code != 0]
    ok = [r for r in runs if r[2] == 0] or runs
    return {
        "command": "retold compare A.txt B.txt --format json" + "".join(f" {e}" for e in extra),
        "median_s": round(statistics.median(r[0] for r in ok), 3),
        "runs_s": [round(r[0], 3) for r in runs],
        "peak_rss_mb": round(max(r[1] for r in ok), 1),
        "failed_runs": len(failed),
        "errors": [f"exit {code}: {message}" for code, message in failed],
    }


def measure(batch: bool = True) -> dict[str, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    figures: dict[str, Any] = {"context": context(sys.argv if sys.argv[0] else ["bench_speed"])}
    pairs = speed_pairs()
    worst = pairs["b. 1,000 words vs another 1,000-word article"]
    # Cold runs first, while this process is still small (see GNU_TIME).
    figures["cold"] = {"facts": time_cold(*worst), "no_facts": time_cold(*worst, extra=["--no-facts"])}
    figures["warm"] = {
        name: {"facts": time_warm(s, d, True), "no_facts": time_warm(s, d, False)}
        for name, (s, d) in pairs.items()
    }
    if batch:
        test = datasets.mrpc("test")
        figures["batch"] = run_mrpc_cli(test, [label == 1 for label, _, _ in test])
    figures["context"]["load_average_end"] = load_average()
    return figures


def _mark(value: float, bar: float, higher: bool = False) -> str:
    return "✓" if (value >= bar if higher else value <= bar) else "✗"


def markdown(figures: dict[str, Any]) -> str:
    out = ["## Speed (issue 2 bars)\n", context_markdown(figures["context"])]
    out.append(
        f"\n### One pair, model loaded (median of {WARM_RUNS} after a warm-up; bar ≤ {BARS['warm_seconds']} s)\n"
    )
    out.append("| pair | words | verdict | facts | no facts |\n|---|---|---|---|---|")
    for name, row in figures["warm"].items():
        f, n = row["facts"], row["no_facts"]
        out.append(
            f"| {name} | {f['words'][0]} / {f['words'][1]} | {f['label']} ({f['reuse']:.0%} reuse) | "
            f"{f['median_s']:.3f} s {_mark(f['median_s'], BARS['warm_seconds'])} | "
            f"{n['median_s']:.3f} s {_mark(n['median_s'], BARS['warm_seconds'])} |"
        )
    out.append(
        f"\n### Cold from the shell, pair b (median of {COLD_RUNS}; bars ≤ {BARS['cold_seconds']} s, "
        f"peak RSS ≤ {BARS['peak_rss_mb']:.0f} MB)\n"
    )
    out.append("| command | median | runs | peak RSS |\n|---|---|---|---|")
    for row in figures["cold"].values():
        failed = f" ({row['failed_runs']} failed: {row['errors'][0]})" if row["failed_runs"] else ""
        out.append(
            f"| `{row['command']}` | {row['median_s']:.2f} s {_mark(row['median_s'], BARS['cold_seconds'])} | "
            f"{', '.join(f'{r:.2f}' for r in row['runs_s'])}{failed} | "
            f"{row['peak_rss_mb']:.0f} MB {_mark(row['peak_rss_mb'], BARS['peak_rss_mb'])} |"
        )
    batch = figures.get("batch")
    if batch:
        out.append("\n### Batch: MRPC test through the CLI\n")
        if "error" in batch:
            out.append(f"Failed: {batch['error']}")
        else:
            out.append(
                f"`{batch['command']}`: {batch['seconds']:.1f} s for the whole test "
                f"{_mark(batch['seconds'], 90.0)} (bar ≤ 90 s), {batch['pairs_per_s']} pairs/s "
                f"{_mark(batch['pairs_per_s'], BARS['batch_pairs_per_s'], higher=True)} (bar ≥ 20)."
            )
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-batch", action="store_true", help="skip the MRPC batch run through the CLI")
    args = parser.parse_args(argv)
    missing = [name for name in ("bbc_news", "mrpc") if not datasets.available(name)]
    if missing:
        parser.error(f"datasets missing under {datasets.ROOT}: {', '.join(missing)} (set RETOLD_DATASETS)")
    figures = measure(batch=not args.no_batch)
    print(markdown(figures))
    print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    main()
