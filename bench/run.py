"""`make bench`: the performance figures, each beside a baseline measured in the same run.

Writes bench/results.json. Figures (DESIGN.md, "Performance budgets"):
- import: `import osintlab` against `import requests` (fresh interpreters, median);
- cohort: `osintlab grade autograde` on 30 hand-ins of m00 against plain serial
  `nbgrader autograde` on the same 30 (speed-up = baseline time / our time), and the same
  with the kernel nursery switched off (cold kernels) to show what it is worth;
- per_notebook: our cost to grade one notebook (median worker time per hand-in) against a
  bare kernel start plus running the same cells with nbclient (median).
- the topic benchmarks beside this file (world, sandbox, evidence, hub): each `bench/<topic>.py`
  has a `run()` returning its figures, every one with its baseline from the same run.
  `make bench BENCH=sandbox,evidence` runs only those topics (`BENCH=core` for the three above).
Nothing here is asserted: the figures are for reading and comparing across runs.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from importlib import util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
MODULE = "m00-getting-started"
COHORT = int(os.environ.get("BENCH_COHORT", "30"))
BIN = Path(sys.executable).parent
TOPICS = ("world", "sandbox", "evidence", "hub")


def _median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_import(runs: int = 15) -> dict:
    ours = _median_seconds([sys.executable, "-c", "import osintlab"], runs)
    base = _median_seconds([sys.executable, "-c", "import requests"], runs)
    return {
        "what": "python -c 'import osintlab' vs 'import requests' (median wall seconds)",
        "value_s": round(ours, 4), "baseline_s": round(base, 4), "ratio": round(ours / base, 3),
        "aim": "ratio <= 1.0",
    }


def _cohort_course(folder: Path):
    """A released m00 course with COHORT hand-ins: solutions, typical mistakes, untouched."""
    from osintlab.grading import init_course

    course = init_course(folder, "bench")
    course.release(MODULE)
    spec = course.module(MODULE)
    kinds = [
        ROOT / "notebooks" / MODULE / spec.exercise,
        ROOT / "grading" / "mistakes" / f"{MODULE}.ipynb",
        course.root / "release" / MODULE / spec.exercise,
    ]
    for number in range(COHORT):
        target = course.root / "submitted" / f"trainee-{number:02d}" / MODULE
        target.mkdir(parents=True)
        shutil.copy(kinds[number % 3], target / spec.exercise)
    return course, spec


def bench_cohort() -> tuple[dict, dict]:
    from osintlab.grading import open_course

    shutil.rmtree(WORK, ignore_errors=True)
    ours_course, spec = _cohort_course(WORK / "ours")
    shutil.copytree(WORK / "ours", WORK / "plain", symlinks=True)
    plain = WORK / "plain"
    config = (plain / "nbgrader_config.py").read_text()
    (plain / "nbgrader_config.py").write_text(
        config.replace(str(WORK / "ours"), str(plain))
    )
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "OSINTLAB_DATASETS": str(ROOT / "datasets")}

    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "nbgrader"), "autograde", MODULE, "--create", "--force"],
        cwd=plain, env=env, check=True, capture_output=True,
    )
    serial = time.perf_counter() - start

    command = [str(BIN / "osintlab"), "grade", "autograde", MODULE,
               "--course", str(ours_course.root)]
    start = time.perf_counter()
    subprocess.run(command, env={**env, "OSINTLAB_PREFORK": "0"}, capture_output=True)
    cold = time.perf_counter() - start

    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    parallel = time.perf_counter() - start
    course = open_course(ours_course.root)
    statuses = json.loads((course.root / "grading-status" / f"{MODULE}.json").read_text())
    graded = sum(s["status"] == "graded" for s in statuses.values())
    cohort = {
        "what": f"autograde {COHORT} hand-ins of {MODULE}: osintlab grade autograde (default "
                "workers) vs serial nbgrader autograde (wall seconds)",
        "value_s": round(parallel, 2), "baseline_s": round(serial, 2),
        "speedup": round(serial / parallel, 2), "graded": graded, "cores": os.cpu_count(),
        "cold_kernels_s": round(cold, 2), "cold_speedup": round(serial / cold, 2),
        "exit_code": result.returncode, "aim": "speedup >= 3 on 2 cores, behind the boundary",
    }

    # Per notebook, measured alone (one worker, nothing else running) like the baseline.
    few = [f"trainee-{n:02d}" for n in range(0, 18, 3)]  # the correct hand-ins, like the baseline
    course.autograde(MODULE, few, workers=1)
    statuses = json.loads((course.root / "grading-status" / f"{MODULE}.json").read_text())
    per = statistics.median(statuses[s]["seconds"] for s in few)
    bare = _bare_runs(ROOT / "notebooks" / MODULE / spec.exercise, runs=6)
    per_notebook = {
        "what": "seconds to grade one hand-in inside a worker (median of 6, one worker) vs a "
                "bare kernel start plus running the same cells with nbclient (median of 6)",
        "value_s": round(per, 3), "baseline_s": round(bare, 3), "ratio": round(per / bare, 3),
        "aim": "ratio <= 1.0, behind the boundary",
    }
    return cohort, per_notebook


def _bare_runs(path: Path, runs: int) -> float:
    import nbformat
    from nbclient import NotebookClient

    os.environ.setdefault("OSINTLAB_DATASETS", str(ROOT / "datasets"))
    times = []
    for _ in range(runs):
        notebook = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(notebook, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _topic(name: str) -> dict:
    """Run bench/<name>.py's run(): its figures, each with a baseline from the same run."""
    spec = util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run()


def main() -> None:
    chosen = [t for t in os.environ.get("BENCH", "").split(",") if t] or ["core", *TOPICS]
    out = ROOT / "bench" / "results.json"
    results = json.loads(out.read_text()) if out.exists() else {}
    results["machine"] = {"python": platform.python_version(), "cores": os.cpu_count(),
                          "platform": platform.platform()}
    results["when"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if "core" in chosen:
        results["import"] = bench_import()
        results["cohort_autograde"], results["per_notebook_grading"] = bench_cohort()
    for name in TOPICS:
        if name in chosen and (ROOT / "bench" / f"{name}.py").exists():
            results[name] = _topic(name)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
