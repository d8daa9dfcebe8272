"""Collections benchmarks (issue 4): Reuters-21578 speed and recall, BBC duplicates, AI-rephrased stories.

    python benchmarks/bench_collection.py reuters [--sizes 2000,5000,10000,19043]
    python benchmarks/bench_collection.py bbc
    python benchmarks/bench_collection.py ai
    python benchmarks/bench_collection.py find
    python benchmarks/bench_collection.py trimmed

Each runs the real `retold` command line in a subprocess on a temporary store, reads the datasets from
../shared/datasets (research-only; never copied into the repository), and prints one JSON line of
measured figures. A dataset that is absent is skipped with the reason.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
DATASETS = HERE.parents[1] / "shared" / "datasets"
RETOLD = [sys.executable, "-m", "retold.cli"]
DERIVED = ("wholly_derived", "partially_derived")
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def run_retold(*args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([*RETOLD, *args], capture_output=True, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"retold {' '.join(args)} failed:\n{done.stderr}")
    return elapsed, done.stdout


def peak_child_mb() -> float:
    # ru_maxrss of RUSAGE_CHILDREN: the largest single finished child process so far (KiB on Linux).
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def datasketch_pass(texts: list[str]) -> tuple[float, set[tuple[int, int]]]:
    """The issue's baseline: MinHash(128) over 5-word shingles + MinHashLSH(0.5), insert and query all."""
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    hashes = []
    for i, text in enumerate(texts):
        words = text.lower().split()
        shingles = {" ".join(words[k : k + 5]) for k in range(max(1, len(words) - 4))}
        m = MinHash(num_perm=128)
        m.update_batch([s.encode("utf-8") for s in shingles])
        hashes.append(m)
        lsh.insert(i, m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i and m.jaccard(hashes[j]) >= 0.5:
                pairs.add((min(i, j), max(i, j)))
    return time.perf_counter() - start, pairs


def bench_reuters(sizes: list[int]) -> None:
    from reuters import DEFAULT_DIR, iter_reuters, write_jsonl

    if not DEFAULT_DIR.exists():
        print(json.dumps({"bench": "reuters", "skipped": f"{DEFAULT_DIR} is absent"}))
        return
    articles = list(iter_reuters())
    for size in sizes:
        subset = articles[:size]
        with tempfile.TemporaryDirectory() as tmp:
            feed = write_jsonl(subset, Path(tmp) / "reuters.jsonl")
            db = str(Path(tmp) / "r.db")
            baseline_s, baseline = datasketch_pass([a.text for a in subset])
            index_s, _ = run_retold("index", str(feed), "--db", db)
            stories_s, stories_out = run_retold("stories", "--db", db, "--format", "json")
            _, pairs_out = run_retold("pairs", "--db", db)
            memory = peak_child_mb()
        ids = [a.id for a in subset]
        labels = {}
        for line in pairs_out.splitlines():
            row = json.loads(line)
            labels[frozenset((row["source"], row["derived"]))] = row["label"]
        found = sum(1 for i, j in baseline if labels.get(frozenset((ids[i], ids[j]))) in DERIVED)
        print(
            json.dumps(
                {
                    "bench": "reuters",
                    "articles": size,
                    "datasketch_s": round(baseline_s, 2),
                    "retold_index_s": round(index_s, 2),
                    "retold_stories_s": round(stories_s, 2),
                    "end_to_end_over_baseline": round((index_s + stories_s) / baseline_s, 2),
                    "baseline_pairs_j_ge_0.5": len(baseline),
                    "listed_with_derived_verdict": found,
                    "recall": round(found / len(baseline), 4) if baseline else None,
                    "pairs_compared": len(labels),
                    "stories": len(json.loads(stories_out)["stories"]),
                    "peak_rss_mb_largest_process": round(memory, 1),
                }
            ),
            flush=True,
        )


def bench_bbc() -> None:
    folder = DATASETS / "bbc_news" / "bbc"
    if not folder.exists():
        print(json.dumps({"bench": "bbc", "skipped": f"{folder} is absent"}))
        return
    by_hash: dict[str, list[str]] = defaultdict(list)
    for path in sorted(folder.rglob("*.txt")):
        if path.name.upper() != "README.TXT":
            by_hash[hashlib.md5(path.read_bytes()).hexdigest()].append(str(path))
    groups = [g for g in by_hash.values() if len(g) > 1]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bbc.db")
        index_s, _ = run_retold("index", str(folder), "--db", db)
        _, out = run_retold("stories", "--db", db, "--format", "json")
    story_of = {a: s["id"] for s in json.loads(out)["stories"] for a in s["articles"]}
    together = sum(1 for g in groups if all(a in story_of for a in g) and len({story_of[a] for a in g}) == 1)
    alone = sum(
        1
        for g in groups
        if all(a in story_of for a in g)
        and sum(
            1
            for s in json.loads(out)["stories"]
            if s["id"] == story_of[g[0]] and len(s["articles"]) == len(g)
        )
    )
    print(
        json.dumps(
            {
                "bench": "bbc",
                "files": sum(len(g) for g in by_hash.values()),
                "byte_identical_groups": len(groups),
                "groups_in_one_story": together,
                "groups_that_are_exactly_a_story": alone,
                "stories": len(json.loads(out)["stories"]),
                "index_s": round(index_s, 2),
            }
        )
    )


def bench_ai() -> None:
    folder = DATASETS / "ai_rephrased_news_lorenz"
    if not folder.exists():
        print(json.dumps({"bench": "ai", "skipped": f"{folder} is absent"}))
        return
    generated = [json.loads(line) for line in (folder / "news_chatgpt.jsonl").open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "ai.db")
        index_s, _ = run_retold(
            "index",
            str(folder / "news_human.jsonl"),
            str(folder / "news_chatgpt.jsonl"),
            "--db",
            db,
            "--paraphrase",
        )
        _, out = run_retold("stories", "--db", db, "--format", "json")
        _, pairs_out = run_retold("pairs", "--db", db)
    pair_label = {}
    for line in pairs_out.splitlines():
        row = json.loads(line)
        pair_label[frozenset((row["source"], row["derived"]))] = row["label"]
    stories = json.loads(out)["stories"]
    story_of = {a: s for s in stories for a in s["articles"]}
    kids: dict[str, list[dict]] = defaultdict(list)
    for g in generated:
        kids[g["human_id"]].append(g)
    one_story = origin_ok = 0
    rephrase_ok = rephrase_n = generated_ok = generated_n = 0
    rephrase_pair_ok = generated_pair_ok = 0
    failures: dict[str, list[str]] = defaultdict(list)  # check -> the texts that miss it

    def check(name: str, passed: bool, who: str) -> bool:
        if not passed:
            failures[name].append(who)
        return passed

    for original, children in kids.items():
        story = story_of.get(original)
        members = {original, *(c["id"] for c in children)}
        one_story += check("one_story", bool(story and members <= set(story["articles"])), original)
        origin_ok += check("origin", bool(story and story["origin"] == original), original)
        parent = {m["id"]: m for m in (story or {}).get("members", [])}
        for c in children:
            m = parent.get(c["id"])
            who = f"{original}/{c['id']}"
            if c["kind"].startswith("rephrase"):
                rephrase_n += 1
                rephrase_ok += check(
                    "forest_rephrasing", bool(m and m["parent"] == original and m["label"] in DERIVED), who
                )
                rephrase_pair_ok += check(
                    "pair_rephrasing", pair_label.get(frozenset((original, c["id"]))) in DERIVED, who
                )
            else:
                generated_n += 1
                # same_story: in the original's story, not derived from it
                generated_ok += check(
                    "forest_generation",
                    bool(m and story is story_of.get(original) and m["label"] not in DERIVED),
                    who + (f" under {m['parent']} ({m['label']})" if m else ""),
                )
                generated_pair_ok += check(
                    "pair_generation", pair_label.get(frozenset((original, c["id"]))) == "same_story", who
                )
    print(
        json.dumps(
            {
                "bench": "ai",
                "originals": len(kids),
                "original_with_its_4_in_one_story": one_story,
                "origin_is_the_original": origin_ok,
                "forest_rephrasing_parent_is_original": f"{rephrase_ok}/{rephrase_n}",
                "forest_generation_not_derived": f"{generated_ok}/{generated_n}",
                "pair_original_rephrasing_derived": f"{rephrase_pair_ok}/{rephrase_n}",
                "pair_original_generation_same_story": f"{generated_pair_ok}/{generated_n}",
                "stories": len(stories),
                "index_s": round(index_s, 2),
                "failures": failures,
            }
        )
    )


def bench_find(count: int = 20) -> None:
    """Latency of `Collection.find` on a Reuters index: indexed articles and unindexed edits of them."""
    from reuters import DEFAULT_DIR, iter_reuters, write_jsonl

    from retold.article import Article
    from retold.collection import Collection

    if not DEFAULT_DIR.exists():
        print(json.dumps({"bench": "find", "skipped": f"{DEFAULT_DIR} is absent"}))
        return
    articles = list(iter_reuters())
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "r.db"
        run_retold("index", str(write_jsonl(articles, Path(tmp) / "r.jsonl")), "--db", str(db))
        collection = Collection(db)
        rng = random.Random(4)
        timings: dict[str, list[float]] = {"indexed": [], "unindexed": []}
        for article in rng.sample(articles, count):
            edited = Article(article.text + " The company did not comment further.", id="query")
            for kind, query in (("indexed", article), ("unindexed", edited)):
                start = time.perf_counter()
                collection.find(query)
                timings[kind].append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "bench": "find",
                "index_articles": len(articles),
                **{f"{k}_median_s": round(sorted(v)[len(v) // 2], 4) for k, v in timings.items()},
                **{f"{k}_max_s": round(max(v), 4) for k, v in timings.items()},
            }
        )
    )


def _leading_share(text: str, share: float) -> str:
    """The leading sentences of ``text`` that hold at least ``share`` of its words (a trimmed repost)."""
    from retold.segment import sentence_ranges

    total, kept, taken = len(text.split()), [], 0
    for start, end in sentence_ranges(text):
        kept.append(text[start:end])
        taken += len(text[start:end].split())
        if taken >= share * total:
            break
    return " ".join(kept)


def bench_trimmed(background: int = 5000) -> None:
    """Trimmed reposts: a copy of the leading 15-40% of a long story has a low Jaccard with it (a copy of
    the first fifth is at J ≈ 0.2) although all of it is taken. 400 Reuters stories of ≥ 300 words, seeded,
    each reposted once, trimmed to one of four shares (100 each) and dated two hours later, indexed among
    ``background`` other Reuters stories; a repost counts as found when `retold pairs` lists it as
    derived from its story."""
    from datetime import datetime, timedelta

    from reuters import DEFAULT_DIR, iter_reuters, write_jsonl

    from retold.article import Article

    if not DEFAULT_DIR.exists():
        print(json.dumps({"bench": "trimmed", "skipped": f"{DEFAULT_DIR} is absent"}))
        return
    articles = list(iter_reuters())
    long = [a for a in articles if len(a.text.split()) >= 300 and a.date]
    random.Random(5).shuffle(long)
    stories = long[:400]
    chosen = {a.id for a in stories}
    others = [a for a in articles if a.id not in chosen][:background]
    shares = (0.15, 0.2, 0.3, 0.4)
    reposts: list[tuple[float, Article, Article]] = []
    for k, story in enumerate(stories):
        share = shares[k % len(shares)]
        date = (datetime.fromisoformat(story.date) + timedelta(hours=2)).isoformat()  # type: ignore[arg-type]
        copy = Article(_leading_share(story.text, share), id=f"repost-{story.id}", date=date, outlet="Repost")
        reposts.append((share, story, copy))
    with tempfile.TemporaryDirectory() as tmp:
        feed = write_jsonl(others + stories + [c for _, _, c in reposts], Path(tmp) / "feed.jsonl")
        db = str(Path(tmp) / "t.db")
        index_s, _ = run_retold("index", str(feed), "--db", db)
        _, pairs_out = run_retold("pairs", "--db", db)
    labels = {}
    for line in pairs_out.splitlines():
        row = json.loads(line)
        labels[(row["source"], row["derived"])] = row["label"]
    found = {
        str(share): sum(
            1 for s, story, copy in reposts if s == share and labels.get((story.id, copy.id)) in DERIVED
        )
        for share in shares
    }
    print(
        json.dumps(
            {
                "bench": "trimmed",
                "articles": len(others) + 2 * len(stories),
                "reposts_per_share": len(stories) // len(shares),
                "found_as_derived_by_share": found,
                "pairs_compared": len(labels),
                "index_s": round(index_s, 2),
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("which", choices=["reuters", "bbc", "ai", "find", "trimmed", "all"])
    parser.add_argument("--sizes", default="2000,5000,10000,19043")
    args = parser.parse_args()
    if args.which in ("reuters", "all"):
        bench_reuters([int(s) for s in args.sizes.split(",")])
    if args.which in ("bbc", "all"):
        bench_bbc()
    if args.which in ("ai", "all"):
        bench_ai()
    if args.which in ("find", "all"):
        bench_find()
    if args.which in ("trimmed", "all"):
        bench_trimmed()


if __name__ == "__main__":
    main()
