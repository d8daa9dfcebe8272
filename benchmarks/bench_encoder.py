"""The sentence encoder alone on bench_speed's costliest pair: padding, batching, and where ONNX Runtime spends its time.

Pair d of bench_speed.py (two ~1,000-word BBC articles on one subject) makes the model read every
sentence, so the encoder is most of its comparison time. This script measures, on those sentences:

- real and padded tokens under retold's batching (`retold.embed.padded_batches`: sorted by token count,
  cut where padding would pass PADDING_WASTE) and under the former fixed batches of 16 sorted by
  characters;
- the encoder's time under both, alternating, median of --rounds;
- ONNX Runtime's kernel time per operator type (its profiler), for the built model;
- with --compare-export, the same weights exported with transformers' default (SDPA) attention instead
  of eager, built into a temporary folder: kernel time and cosine to the built model (needs torch).

Run: .venv/bin/python benchmarks/bench_encoder.py [--rounds 15] [--compare-export]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_speed  # noqa: E402
from bench_compare import context, context_markdown  # noqa: E402

from retold import embed  # noqa: E402
from retold.read import article_from_text  # noqa: E402
from retold.segment import split_sentences  # noqa: E402

FORMER_BATCH_SIZE = 16


def pair_d_sentences() -> list[str]:
    source, derived = bench_speed.speed_pairs()["d. two ~1,000-word articles on one subject"]
    return [s.text for text in (source, derived) for s in split_sentences(article_from_text(text))]


def former_batches(encodings: list[Any], texts: list[str]) -> list[tuple[list[int], dict[str, np.ndarray]]]:
    """Fixed batches of 16 sorted by characters, as retold did before commit 25a6426."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    chunks = [order[i : i + FORMER_BATCH_SIZE] for i in range(0, len(order), FORMER_BATCH_SIZE)]
    return [(chunk, embed._feed(encodings, chunk)) for chunk in chunks]


def padded_tokens(batches: list[tuple[list[int], dict[str, np.ndarray]]]) -> int:
    return sum(feed["input_ids"].size for _, feed in batches)


def run_batches(session: Any, batches: list[tuple[list[int], dict[str, np.ndarray]]], n: int) -> np.ndarray:
    vectors = np.zeros((n, embed.DIMENSIONS), dtype=np.float32)
    for positions, feed in batches:
        (hidden,) = session.run(None, feed)
        mask = feed["attention_mask"]
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        vectors[positions] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    return vectors


def kernel_profile(
    model: Path, batches: list[tuple[list[int], dict[str, np.ndarray]]], repeats: int = 5
) -> dict:
    """Milliseconds of kernel time per operator type, mean over ``repeats`` passes after a warm-up pass
    (the first pass of a new session also allocates its memory arena)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = min(os.cpu_count() or 1, 4)
    options.log_severity_level = 3
    options.enable_profiling = True
    with tempfile.TemporaryDirectory() as folder:
        options.profile_file_prefix = str(Path(folder) / "ort")
        session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        for _ in range(repeats + 1):
            for _, feed in batches:
                session.run(None, feed)
        events = json.loads(Path(session.end_profiling()).read_text())
    kernels = sorted(
        (e for e in events if e.get("cat") == "Node" and e["name"].endswith("_kernel_time")),
        key=lambda e: e["ts"],
    )
    per_op: collections.Counter[str] = collections.Counter()
    for event in kernels[len(kernels) // (repeats + 1) :]:  # every pass runs the same kernels
        per_op[event["args"]["op_name"]] += event["dur"]
    return {op: round(us / repeats / 1000, 1) for op, us in per_op.most_common()}


def build_sdpa_export(folder: Path) -> Path:
    """The same weights exported with transformers' default attention (SDPA), quantised as retold does."""
    return embed.export_sentence_encoder(folder / "sdpa-int8.onnx", attention="sdpa")


def measure(rounds: int, compare_export: bool) -> dict[str, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    texts = pair_d_sentences()
    model = embed.model_dir() / embed.MODEL_FILE
    tokenizer = embed.minilm_tokenizer(embed.MAX_TOKENS)
    encodings = tokenizer.encode_batch(texts)
    policies = {"retold (token count, padding ≤ 15%)": list(embed.padded_batches(encodings))}
    policies[f"former (fixed {FORMER_BATCH_SIZE}, sorted by characters)"] = former_batches(encodings, texts)
    session = embed.onnx_session(model)
    times: dict[str, list[float]] = {name: [] for name in policies}
    for batches in policies.values():  # warm-up
        run_batches(session, batches, len(texts))
    for _ in range(rounds):
        for name, batches in policies.items():
            started = time.perf_counter()
            run_batches(session, batches, len(texts))
            times[name].append(time.perf_counter() - started)
    figures: dict[str, Any] = {
        "context": context(sys.argv),
        "sentences": len(texts),
        "real_tokens": int(sum(len(e.ids) for e in encodings)),
        "policies": {
            name: {
                "batches": len(batches),
                "padded_tokens": padded_tokens(batches),
                "median_s": round(statistics.median(times[name]), 4),
                "min_s": round(min(times[name]), 4),
            }
            for name, batches in policies.items()
        },
        "kernel_ms": {"built model": kernel_profile(model, policies[next(iter(policies))])},
    }
    if compare_export:
        with tempfile.TemporaryDirectory() as folder:
            sdpa = build_sdpa_export(Path(folder))
            batches = policies[next(iter(policies))]
            figures["kernel_ms"]["SDPA export"] = kernel_profile(sdpa, batches)
            other_session = embed.onnx_session(sdpa)
            built = run_batches(session, batches, len(texts))
            other = run_batches(other_session, batches, len(texts))
            cosines = (built * other).sum(axis=1)
            walls: dict[str, list[float]] = {"built model": [], "SDPA export": []}
            for _ in range(rounds):
                for name, each in (("built model", session), ("SDPA export", other_session)):
                    started = time.perf_counter()
                    run_batches(each, batches, len(texts))
                    walls[name].append(time.perf_counter() - started)
            figures["export_median_s"] = {name: round(statistics.median(v), 4) for name, v in walls.items()}
            figures["sdpa_cosine_to_built"] = {
                "mean": round(float(cosines.mean()), 4),
                "min": round(float(cosines.min()), 4),
            }
    figures["context"]["load_average_end"] = os.getloadavg()
    return figures


def markdown(figures: dict[str, Any]) -> str:
    out = ["## Sentence encoder on pair d\n", context_markdown(figures["context"]), ""]
    out.append(f"{figures['sentences']} sentences, {figures['real_tokens']:,} real tokens.\n")
    out.append("| batching | batches | padded tokens | median | min |")
    out.append("|---|---|---|---|---|")
    for name, row in figures["policies"].items():
        out.append(
            f"| {name} | {row['batches']} | {row['padded_tokens']:,} | {row['median_s']:.3f} s | {row['min_s']:.3f} s |"
        )
    for model, per_op in figures["kernel_ms"].items():
        total = sum(per_op.values())
        top = ", ".join(f"{op} {ms}" for op, ms in list(per_op.items())[:8])
        out.append(f"\nKernel time, {model}: **{total:.1f} ms** ({top} ms)")
    if "export_median_s" in figures:
        walls = ", ".join(f"{name} {t:.3f} s" for name, t in figures["export_median_s"].items())
        out.append(f"\nWhole encoder, the two exports alternating (median of the rounds): {walls}")
    if "sdpa_cosine_to_built" in figures:
        cos = figures["sdpa_cosine_to_built"]
        out.append(f"\nSDPA export vs built model, cosine per sentence: mean {cos['mean']}, min {cos['min']}")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="alternating timed passes per batching")
    parser.add_argument(
        "--compare-export", action="store_true", help="also build and profile the default (SDPA) export"
    )
    args = parser.parse_args()
    if not bench_speed.datasets.available("bbc_news"):
        sys.exit("skipped: BBC News is not in ../shared/datasets (pair d comes from it)")
    figures = measure(args.rounds, args.compare_export)
    print(markdown(figures))
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
