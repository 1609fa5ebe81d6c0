"""One grading worker: autogrades submissions one after another with nbgrader's own API.

``osintlab grade autograde`` starts a few of these (one per CPU core) and hands each a job
as a line of JSON on standard input; the worker answers with one line of JSON on standard
output. Each job is a private nbgrader course folder that the parent prepared (the
submission, a snapshot of the gradebook, a link to the source), so the worker writes only
there and never to the cohort's gradebook: the parent merges the scores it reports.

The worker imports nbgrader once and keeps it, which is where the time goes; the kernel
that runs each submission is new every time and fenced (``osintlab.grading.kernel``).

Example (what the parent sends and gets back)::

    {"job": 3, "dir": "/course/.grading/3", "module": "m00-getting-started",
     "student": "trainee-07", "course_id": "osint-lab", "config": "/course/nbgrader_config.py",
     "cell_timeout": 60, "memory_mb": 2048}
    {"job": 3, "ok": true, "timestamp": "...", "notebooks": [...]}
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from .._startup import skip_slow_optional_imports
from ..check import GRADING_ENV
from .boundary import Sandbox, SandboxLimits
from .kernel import MEMORY_ENV, READ_DENY_ENV, WRITE_ENV
from .kernel_stub import NURSERY_ENV

UID_ENV = "OSINTLAB_GRADING_UID"  # set by the pool when hand-ins run behind the boundary
LIMITS_ENV = "OSINTLAB_LIMITS"
_SANDBOX: Sandbox | None = None


def write_kernelspec(folder: Path, nursery: str | None = None, by_message: bool = False) -> Path:
    """Make ``python3`` mean the fenced kernel for every nbclient in this process.

    With a nursery socket, the kernel is forked from the warm nursery through a stub;
    without, it starts cold. Either way the same fence goes up before the first cell.
    ``by_message``: interrupt the kernel with a message, not a signal.

    Example:
        >>> spec = write_kernelspec(Path("/tmp/osintlab-kernels"))  # doctest: +SKIP
    """
    spec_dir = folder / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    if nursery:
        stub = str(Path(__file__).with_name("kernel_stub.py"))
        argv = [sys.executable, "-S", stub, "-f", "{connection_file}"]
    else:
        argv = [sys.executable, "-m", "osintlab.grading.kernel", "-f", "{connection_file}"]
    spec = {
        "argv": argv,
        "display_name": "Python 3 (graded)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    if by_message:  # behind the boundary no signal reaches the kernel: ipykernel's own way
        spec["interrupt_mode"] = "message"
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return folder


def start_sandbox(folder: Path) -> Sandbox:
    """Launch this worker's sandbox (the nursery behind the boundary), from the environment.

    Example:
        >>> box = start_sandbox(Path("/course/.grading/m00/worker-1"))  # doctest: +SKIP
    """
    limits = SandboxLimits.from_settings(json.loads(os.environ.get(LIMITS_ENV, "{}")))
    readonly = [Path(p) for p in (os.environ.get("OSINTLAB_DATASETS"),
                                  os.environ.get("OSINTLAB_LOCALEDIR")) if p]
    box = Sandbox(
        folder,
        uid=int(os.environ[UID_ENV]),
        readonly=readonly,
        limits=limits,
        warm=os.environ.get("OSINTLAB_PREFORK", "1") == "1",
    )
    box.launch()  # warms up while nbgrader is imported; main() waits for it
    return box


def _cap_messages(limit: int) -> None:
    """No single message from a kernel may be larger than ``limit`` bytes (ZeroMQ drops it)."""
    import zmq
    import zmq.asyncio

    for context in (zmq.Context.instance(), zmq.asyncio.Context.instance()):
        context.setsockopt(zmq.MAXMSGSIZE, limit)


def start_nursery() -> tuple[subprocess.Popen, str]:
    """Start the warm kernel nursery; it says "ready" on its stdout once warm.

    Example:
        >>> process, socket_path = start_nursery()  # doctest: +SKIP
    """
    folder = tempfile.mkdtemp(prefix="osintlab-nursery-")  # short path: UNIX sockets need it
    path = os.path.join(folder, "kernels.sock")
    process = subprocess.Popen(
        [sys.executable, "-m", "osintlab.grading.nursery", path],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, path


def nursery_ready(nursery: tuple[subprocess.Popen, str]) -> bool:
    """Wait for the nursery to be warm; False (and cleaned up) if it failed to start."""
    process, path = nursery
    assert process.stdout is not None
    if process.stdout.readline().strip() == "ready":
        return True
    process.kill()
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)
    return False


def _read_scores(db_url: str, course_id: str, module: str, student: str) -> dict[str, Any]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url, course_id) as gradebook:
        submission = gradebook.find_submission(module, student)
        notebooks = []
        for notebook in submission.notebooks:
            notebooks.append(
                {
                    "name": notebook.name,
                    "grades": [
                        {
                            "name": g.name,
                            "auto_score": g.auto_score,
                            "max_score": g.max_score,
                            "needs_manual_grade": g.needs_manual_grade,
                        }
                        for g in notebook.grades
                    ],
                    "comments": [
                        {"name": c.name, "auto_comment": c.auto_comment} for c in notebook.comments
                    ],
                }
            )
        timestamp = submission.timestamp.isoformat() if submission.timestamp else None
    return {"timestamp": timestamp, "notebooks": notebooks}


def _failure_reason(log: str, error: str) -> str:
    text = f"{log}\n{error}"
    if "DeadKernelError" in text or "Kernel died" in text or "kernel died" in text:
        return "the notebook's kernel stopped (died) while a cell ran; nothing could be graded"
    if "UnresponsiveKernelError" in text or "Timeout waiting" in text:
        return (
            "the notebook's kernel stopped answering (a cell ran past the time limit and "
            "ignored the request to stop)"
        )
    errors = [
        line.strip()
        for line in text.splitlines()
        if re.search(r"\w+(Error|Exception|Found):", line) and "NbGraderException" not in line
    ]
    last = errors[-1] if errors else "see the grading log"
    return f"nbgrader could not autograde it: {last[:200]}"


def grade(job: dict[str, Any]) -> dict[str, Any]:
    """Autograde the one submission in the job's private course folder.

    Example:
        >>> grade({"dir": "/course/.grading/3", ...})  # doctest: +SKIP
        {'ok': True, 'notebooks': [...], 'timestamp': None}
    """
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from . import execute
    from .course import nbgrader_api

    root = Path(job["dir"])
    module, student = job["module"], job["student"]
    os.environ[WRITE_ENV] = str(root / "autograded" / student / module)
    os.environ[MEMORY_ENV] = str(job["memory_mb"])
    os.environ[READ_DENY_ENV] = os.pathsep.join(job.get("read_deny", []))
    os.environ[GRADING_ENV] = "1"
    os.environ["TMPDIR"] = str(root / "tmp")  # the kernel's only other writable folder

    steps = [
        execute.BoundedExecute if step is Execute else step
        for step in Autograde.class_traits()["autograde_preprocessors"].default()
    ]
    sections: dict[str, dict[str, Any]] = {
        "CourseDirectory": {"course_id": job["course_id"]},
        "Execute": {"timeout": int(job["cell_timeout"])},
        "BoundedExecute": {"timeout": int(job["cell_timeout"])},
        "Exchange": {"root": str(root / "no-exchange")},
        "Autograde": {"autograde_preprocessors": steps},
    }
    if _SANDBOX is not None:  # the kernel's message sockets live in its sandbox
        sections["KernelManager"] = {"transport": "ipc", "ip": str(_SANDBOX.ipc / "kernel")}
    execute.begin_job(_SANDBOX, int(job.get("output_kb", 1024)))
    api = nbgrader_api(Path(job["config"]), root, **sections)
    result = api.autograde(module, student, force=True, create=True)
    notes = list(execute.NOTES)
    if not result.get("success"):
        reason = _failure_reason(result.get("log", ""), result.get("error", ""))
        return {"ok": False, "reason": reason, "notes": notes}
    scores = _read_scores(api.coursedir.db_url, job["course_id"], module, student)
    return {"ok": True, **scores, "notes": notes}


def main() -> None:
    """Serve jobs from standard input until it closes."""
    global _SANDBOX
    folder = Path(os.environ.get("OSINTLAB_WORKER_DIR", "."))
    if os.environ.get(UID_ENV):  # behind the boundary: the nursery runs in the sandbox
        limits = SandboxLimits.from_settings(json.loads(os.environ.get(LIMITS_ENV, "{}")))
        _SANDBOX = start_sandbox(folder)
        _cap_messages(limits.output_kb * 1024 + (1 << 20))
        nursery = None
        os.environ[NURSERY_ENV] = _SANDBOX.socket_path
        socket_path: str | None = _SANDBOX.socket_path
    else:
        nursery = start_nursery() if os.environ.get("OSINTLAB_PREFORK", "1") == "1" else None
    skip_slow_optional_imports()
    import nbgrader.apps  # noqa: F401  (paid once, here, while the nursery warms up)

    if _SANDBOX is not None:
        _SANDBOX.wait_ready()
    else:
        if nursery and not nursery_ready(nursery):
            nursery = None  # cold kernels: slower, equally fenced
        if nursery:
            os.environ[NURSERY_ENV] = nursery[1]
        socket_path = nursery[1] if nursery else None
    kernels = folder / "jupyter"
    spec = write_kernelspec(kernels, socket_path, by_message=_SANDBOX is not None)
    os.environ["JUPYTER_PATH"] = str(spec)
    # Only this worker's answers go to the parent's pipe; anything else printed goes to stderr.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    try:
        _serve(answers)
    finally:
        if _SANDBOX is not None:
            _SANDBOX.stop()
        if nursery:
            nursery[0].kill()
            shutil.rmtree(os.path.dirname(nursery[1]), ignore_errors=True)


def _serve(answers) -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        started = time.perf_counter()
        try:
            answer = grade(job)
        except Exception as error:  # report, never die: the parent decides what to tell
            answer = {
                "ok": False,
                "reason": f"grading failed: {type(error).__name__}: {error}",
                "trace": traceback.format_exc(limit=5),
            }
        answer["job"] = job["job"]
        answer["seconds"] = round(time.perf_counter() - started, 3)
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
