"""The classroom hub under a cohort's load: 30 trainees on one server, on loopback.

The real hub of deploy/jupyterhub_config.py (its proxy, real system users made for the run
with a unique prefix and removed afterwards, even on failure; tests/classroom_hub.py).
A trainer releases m00; then the trainees, in waves of WAVE at once, each: start their
server through the hub's REST API (timed: the spawn time), fetch m00 from the Assignments
API, run the cells of the m00 lesson(s) in a new kernel over its websocket, and submit.
Every kernel stays open until the whole cohort is done, as in a classroom, and its memory
(RSS) is read after the lesson.

Baselines, measured in the same run:
- spawn time: one server started on the idle hub before the load (the trainer's);
- kernel memory: a bare ipykernel (same interpreter, nothing run) started by jupyter_client.

Trainees per 16 GB = (16 GiB - RSS of the hub, proxy and services) / (median server RSS +
median kernel RSS after the lesson), rounded down; the baseline uses the bare kernel instead.
RSS counts shared library pages once per process, so the figure errs on the safe side.

Bounded: at most TRAINEES trainees, BENCH_SECONDS for the whole load (what is not done by then
counts as failed). Needs root (it makes system users). Run alone: ``python bench/hub.py``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the real-hub helpers shared with the tests

TRAINEES = int(os.environ.get("BENCH_TRAINEES", "30"))
WAVE = int(os.environ.get("BENCH_WAVE", "5"))
TIME_BUDGET = float(os.environ.get("BENCH_SECONDS", "900"))
LESSONS = os.environ.get("BENCH_LESSONS", "01-jupyter.ipynb").split(",")
GIB = 1024**3
MIB = 1024**2


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def _rss(pid: int) -> int:
    import psutil

    return psutil.Process(pid).memory_info().rss


def _kernel_pid(server_pid: int, kernel_id: str) -> int:
    """The process of kernel ``kernel_id`` among a person's server's children."""
    import psutil

    for child in psutil.Process(server_pid).children(recursive=True):
        if any(kernel_id in part for part in child.cmdline()):
            return child.pid
    raise LookupError(f"no process for kernel {kernel_id}")


def _bare_kernel_rss(python: str, env: dict[str, str]) -> int:
    """RSS of a bare ipykernel (started, answered kernel_info, nothing run)."""
    from jupyter_client import KernelManager

    manager = KernelManager(kernel_name="python3")
    manager.kernel_spec  # noqa: B018 (resolve the spec before changing its argv)
    manager.kernel_spec.argv[0] = python
    manager.start_kernel(env={**os.environ, **env})
    try:
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=120)
        time.sleep(1.0)  # the same settling time the trainees' kernels get
        rss = _rss(manager.provisioner.process.pid)
        client.stop_channels()
    finally:
        manager.shutdown_kernel(now=True)
    return rss


def _lesson_cells(module: str) -> list[str]:
    import nbformat

    cells: list[str] = []
    for lesson in LESSONS:
        notebook = nbformat.read(ROOT / "notebooks" / module / lesson, as_version=4)
        cells += [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    return cells


def _trainee(hub, key: str, cells: list[str], module: str, course_id: str, deadline: float,
             kernels: dict[str, tuple[str, object]], lock: threading.Lock) -> dict:
    """One trainee's path; what happened, never an exception."""
    import websocket
    from classroom_hub import _execute

    done: dict = {"key": key, "spawn": None, "failed": None}
    try:
        done["spawn"] = hub.spawn(key)
        if time.monotonic() > deadline:
            raise TimeoutError("over the time budget")
        fetched = hub.server(key, "POST", "assignments/fetch",
                             json={"assignment_id": module, "course_id": course_id})
        if fetched.status_code != 200 or not fetched.json().get("success"):
            raise RuntimeError(f"fetch: {fetched.status_code} {fetched.text[:200]}")
        made = hub.server(key, "POST", "api/kernels", json={"name": "python3",
                                                            "path": "lessons/" + module})
        if made.status_code != 201:
            raise RuntimeError(f"kernel: {made.status_code} {made.text[:200]}")
        kernel = made.json()["id"]
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{hub.port}/user/{hub.users[key]}/api/kernels/{kernel}/channels",
            header=[f"Authorization: token {hub.tokens[key]}"], timeout=180)
        with lock:
            kernels[key] = (kernel, ws)
        errors = [r["error"] for r in (_execute(ws, cell) for cell in cells) if r["error"]]
        if errors:
            raise RuntimeError(f"lesson cells failed: {errors}")
        time.sleep(1.0)
        done["kernel_rss"] = _rss(_kernel_pid(hub.pid(key), kernel))
        done["server_rss"] = _rss(hub.pid(key))
        submitted = hub.server(key, "POST", "assignments/submit",
                               json={"assignment_id": module, "course_id": course_id})
        if submitted.status_code != 200 or not submitted.json().get("success"):
            raise RuntimeError(f"submit: {submitted.status_code} {submitted.text[:200]}")
    except Exception as error:  # a failure is a figure, not the end of the run
        done["failed"] = f"{type(error).__name__}: {error}"[:500]
    return done


def run() -> dict:
    """Run the cohort on one hub and return the figures (name -> what, value, baseline,
    ratio, aim)."""
    import psutil
    from classroom_hub import MODULE, _python_for_people, classroom_hub

    people = {"trainer": ("trainer", "en")}
    people.update({f"t{n:02d}": ("trainee", "en") for n in range(1, TRAINEES + 1)})
    cells = _lesson_cells(MODULE)
    results: list[dict] = []
    kernels: dict[str, tuple[str, object]] = {}
    lock = threading.Lock()
    with classroom_hub(people, idle_timeout=3600) as hub:
        # baselines first, on the idle hub: one spawn, and a bare kernel
        idle_spawn = hub.spawn("trainer")
        python, env = _python_for_people(hub.base / "bare")
        bare_rss = _bare_kernel_rss(python, env)
        [released] = hub.run("trainer", "from osintlab.grading import open_course\n"
                                        f"open_course({str(hub.course)!r}).release({MODULE!r})")
        if released["error"]:
            raise RuntimeError(f"the trainer could not release {MODULE}: {released['error']}")
        trainees = [key for key in people if key != "trainer"]
        started = time.monotonic()
        deadline = started + TIME_BUDGET
        with ThreadPoolExecutor(WAVE) as pool:
            for first in range(0, len(trainees), WAVE):
                wave = trainees[first:first + WAVE]
                if time.monotonic() > deadline:
                    results += [{"key": k, "spawn": None, "failed": "not started: over the "
                                 "time budget"} for k in wave]
                    continue
                results += list(pool.map(
                    lambda key: _trainee(hub, key, cells, MODULE, "hub-test", deadline,
                                         kernels, lock), wave))
        elapsed = time.monotonic() - started
        # the whole cohort at once: every server and kernel still open
        hub_rss = sum(_rss(pid) for pid in [hub.process.pid, *_children_of(hub.process.pid)]
                      if psutil.pid_exists(pid))
        cohort_rss = 0
        for key in trainees:
            try:
                server = psutil.Process(hub.pid(key))
                cohort_rss += server.memory_info().rss + sum(
                    child.memory_info().rss for child in server.children(recursive=True))
            except (psutil.Error, KeyError, ValueError):
                pass
        for _kernel, ws in kernels.values():
            ws.close()
        submitted = len(list((hub.exchange / "hub-test" / "inbound").glob("*")))
    spawns = [r["spawn"] for r in results if r["spawn"] is not None]
    ok = [r for r in results if not r["failed"]]
    failures = [f"{r['key']}: {r['failed']}" for r in results if r["failed"]]
    kernel_rss = statistics.median([r["kernel_rss"] for r in ok]) if ok else 0
    server_rss = statistics.median([r["server_rss"] for r in ok]) if ok else 0
    per_trainee = server_rss + kernel_rss
    per_16 = int((16 * GIB - hub_rss) // per_trainee) if per_trainee else 0
    per_16_bare = int((16 * GIB - hub_rss) // (server_rss + bare_rss)) if server_rss else 0
    p50, p99 = (_percentile(spawns, 0.5), _percentile(spawns, 0.99)) if spawns else (0, 0)

    def figure(what, value, baseline, aim, digits=2):
        ratio = round(value / baseline, 3) if baseline else None
        return {"what": what, "value": round(value, digits), "baseline":
                round(baseline, digits) if baseline is not None else None,
                "ratio": ratio, "aim": aim}

    return {
        "hub_spawn_p50_s": figure(
            f"median spawn time of {len(spawns)} trainee servers, {WAVE} at once (s); "
            "baseline: one spawn on the idle hub", p50, idle_spawn, "ratio <= 3"),
        "hub_spawn_p99_s": figure("99th-percentile spawn time (s); baseline: one spawn on "
                                  "the idle hub", p99, idle_spawn, "ratio <= 5"),
        "hub_failed": {"what": f"failed spawns, fetches, lesson runs or submissions of "
                               f"{len(results)} trainees", "value": len(failures),
                       "baseline": None, "ratio": None, "aim": "value == 0",
                       "details": failures[:10]},
        "hub_submitted": {"what": "hand-ins in the exchange after the run", "value": submitted,
                          "baseline": len(results), "ratio": round(submitted / len(results), 3)
                          if results else None, "aim": "ratio == 1.0"},
        "hub_kernel_rss_mb": figure(
            f"median RSS of a trainee's kernel after m00 {'+'.join(LESSONS)} (MB); baseline: a "
            "bare ipykernel started in the same run", kernel_rss / MIB, bare_rss / MIB,
            "ratio <= 2", digits=1),
        "hub_server_rss_mb": figure(
            "median RSS of a trainee's Jupyter server (MB); baseline: its kernel after the "
            "lesson", server_rss / MIB, kernel_rss / MIB, "informative", digits=1),
        "hub_trainees_per_16gb": figure(
            "trainees one 16 GB server holds = (16 GiB - hub, proxy and services RSS) / "
            "(median server RSS + median kernel RSS after the lesson); baseline: the same "
            "with a bare kernel", per_16, per_16_bare, "value >= 30", digits=0),
        "hub_cohort_rss_gb": figure(
            f"RSS of all {len(trainees)} trainees' servers and kernels open at once (GB); "
            "baseline: 16 GB", cohort_rss / GIB, 16.0, "ratio <= 0.5"),
        "hub_load_seconds": {"what": "wall time of the whole cohort's load (s)",
                             "value": round(elapsed, 1), "baseline": TIME_BUDGET,
                             "ratio": round(elapsed / TIME_BUDGET, 3), "aim": "bounded"},
    }


def _children_of(pid: int) -> list[int]:
    """The hub's own helpers (proxy, services): its children that run as root, not the
    people's servers (each runs as its person)."""
    import psutil

    try:
        return [child.pid for child in psutil.Process(pid).children(recursive=False)
                if child.uids().real == 0]
    except psutil.Error:
        return []


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
