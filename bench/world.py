"""Benchmark: building the fictional world, against copying the committed datasets tree.

Figures: the wall time of `build()` into an empty folder (median of 3) against
`shutil.copytree` of the committed generated folders (the baseline: the least any build
must cost), and the total size of the generated datasets in bytes. Nothing is asserted.
Run alone: `.venv/bin/python bench/world.py` (prints JSON).
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from osintlab.world.build import DATASETS, build

ROOT = Path(__file__).resolve().parents[1]


def _median(action, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            action(Path(tmp))
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def _copy(target: Path) -> None:
    for name in DATASETS:
        shutil.copytree(ROOT / "datasets" / name, target / name)


def run() -> dict:
    ours = _median(lambda out: build(out))
    base = _median(_copy)
    size = sum(p.stat().st_size for name in DATASETS
               for p in (ROOT / "datasets" / name).rglob("*") if p.is_file())
    return {
        "world_build": {
            "what": "osintlab datasets build into an empty folder vs copying the committed "
                    "datasets (median wall seconds)",
            "value_s": round(ours, 4), "baseline_s": round(base, 4),
            "ratio": round(ours / base, 2), "aim": "value_s < 10 on 2 cores",
        },
        "world_size": {
            "what": "total bytes of the generated datasets vs the aim of a few MB",
            "value_bytes": size, "baseline_bytes": 5_000_000,
            "ratio": round(size / 5_000_000, 3), "aim": "ratio <= 1 (a few MB at most)",
        },
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
