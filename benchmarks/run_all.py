"""Run every issue-2 benchmark (quality, then speed) and write benchmarks/results/latest.md and latest.json.

Run: .venv/bin/python benchmarks/run_all.py        (~5-6 min on 2 idle cores)
The MRPC batch run through the CLI is done once (by the quality part) and reported in both.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_compare  # noqa: E402
import bench_speed  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    quality = bench_compare.measure(bench_compare.BENCHES, "all", cli=True)
    speed = bench_speed.measure(batch=False)
    speed["batch"] = quality["mrpc"].get("cli")
    report = (
        "# retold benchmarks (issue 2)\n\n"
        "Written by `python benchmarks/run_all.py`. Timings are only comparable at a low load average.\n\n"
        + bench_compare.markdown(quality)
        + "\n"
        + bench_speed.markdown(speed)
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(report, encoding="utf-8")
    (RESULTS / "latest.json").write_text(
        json.dumps({"quality": quality, "speed": speed}, indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print(report)
    print(f"wrote {RESULTS / 'latest.md'} and {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
