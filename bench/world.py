"""Benchmark: building the fictional world, against copying the committed datasets tree.

Figures: the wall time of `build()` into an empty folder, each run in a fresh interpreter so
that no cache of an earlier run helps (median of 3), against `shutil.copytree` of the
committed generated folders in a fresh interpreter (the baseline: the least any build must
cost); and the total size of the generated datasets against the issue's budget of a few MB
(a budget, not a measured baseline). Nothing is asserted.
Run alone: `.venv/bin/python bench/world.py` (prints JSON).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from osintlab.world.build import DATASETS

ROOT = Path(__file__).resolve().parents[1]


BUILD = (
    "import sys, pathlib; from osintlab.world.build import build\n"
    "build(pathlib.Path(sys.argv[1]))"
)
COPY = (
    "import shutil, sys; from osintlab.world.build import DATASETS\n"
    "for name in DATASETS: shutil.copytree(sys.argv[2] + '/' + name, sys.argv[1] + '/' + name)"
)


def _median(code: str, runs: int = 3) -> float:
    """Median wall seconds of ``code`` run in a fresh interpreter (start-up included)."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code, tmp, str(ROOT / "datasets")], check=True)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> dict:
    ours = _median(BUILD)
    base = _median(COPY)
    size = sum(p.stat().st_size for name in DATASETS
               for p in (ROOT / "datasets" / name).rglob("*") if p.is_file())
    return {
        "world_build": {
            "what": "osintlab datasets build into an empty folder vs copying the committed "
                    "datasets, each in a fresh interpreter (median wall seconds)",
            "value_s": round(ours, 4), "baseline_s": round(base, 4),
            "ratio": round(ours / base, 2), "aim": "value_s < 10 on 2 cores",
        },
        "world_size": {
            "what": "total bytes of the generated datasets vs the issue's budget of a few MB "
                    "(a budget, not a measured baseline)",
            "value_bytes": size, "budget_bytes": 5_000_000,
            "ratio": round(size / 5_000_000, 3), "aim": "ratio <= 1 (a few MB at most)",
        },
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
