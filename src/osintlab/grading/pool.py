"""The grading workers: a few long-lived processes, each grading one hand-in at a time.

:class:`WorkerPool` starts ``python -m osintlab.grading.worker`` processes (in a network
namespace of their own where the machine allows it, :func:`network_prefix`), sends each a job
as one JSON line, reads its answer, and replaces a worker that dies or overruns its time; the
hand-in it was grading is reported, the others go on.

Example:
    >>> pool = WorkerPool(Path("course/.grading/m00"), env={}, timeout=600)   # doctest: +SKIP
    >>> pool.start(3); answers = list(pool.run(jobs))                           # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from ..exceptions import GradingError
from .boundary import UID_BASE, USERNS_ENV, SandboxLimits, worker_prefix

__all__ = ["WorkerPool", "network_prefix"]


def network_prefix() -> list[str]:
    """Run workers in a network namespace of their own where the machine allows it."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return []
    base = ["unshare", "--net"] + ([] if os.geteuid() == 0 else ["--map-root-user"])
    try:
        probe = subprocess.run(
            [*base, "ip", "link", "set", "lo", "up"], capture_output=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if probe.returncode != 0:
        return []
    return [*base, "sh", "-c", 'ip link set lo up && exec "$0" "$@"']


class _Worker:
    """One grading worker process; what it prints goes to the pool's event queue."""

    def __init__(self, command: list[str], env: dict[str, str], folder: Path, events) -> None:
        self.log_path = folder / "log.txt"
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
            text=True,
            start_new_session=True,
        )
        self.job: dict[str, Any] | None = None
        self.slot = 0
        self.deadline = 0.0
        self.ready = False
        threading.Thread(target=self._read, args=(events,), daemon=True).start()

    def _read(self, events: queue.Queue) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                events.put((self, json.loads(line)))
            except json.JSONDecodeError:
                continue
        events.put((self, None))  # the worker ended

    def send(self, job: dict[str, Any], timeout: float) -> None:
        assert self.process.stdin is not None
        self.job = job
        self.deadline = time.monotonic() + timeout
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                os.killpg(self.process.pid, signal.SIGKILL)
            elif self.process.stdin:
                self.process.stdin.close()
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired, OSError):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()


class WorkerPool:
    """A few long-lived grading workers; a stuck or dead one is replaced, its job reported."""

    def __init__(
        self,
        work: Path,
        env: dict[str, str],
        timeout: float,
        boundary: SandboxLimits | None = None,
        uid_base: int = UID_BASE,
    ) -> None:
        """Workers grade behind the operating-system boundary when ``boundary`` is given."""
        self.boundary = boundary
        self.uid_base = uid_base
        self.workers: list[_Worker] = []
        self.events: queue.Queue[tuple[_Worker, dict[str, Any] | None]] = queue.Queue()
        self.work = work
        self.timeout = timeout
        self.env = {**os.environ, **env}
        self.command = [sys.executable, "-m", "osintlab.grading.worker"]
        self.started = 0
        self.failed_starts = 0

    def _start(self, slot: int) -> _Worker:
        self.started += 1
        folder = self.work / f"worker-{self.started}"
        folder.mkdir(parents=True, exist_ok=True)
        env = {**self.env, "OSINTLAB_WORKER_DIR": str(folder)}
        if self.boundary is None:
            command = [*network_prefix(), *self.command]
        else:  # each slot its own account: kernels of two workers cannot touch each other
            live = folder / "live"
            env.update(
                OSINTLAB_LIVE=str(live),
                OSINTLAB_GRADING_UID=str(self.uid_base + slot),
                OSINTLAB_LIMITS=json.dumps(self.boundary.__dict__),
            )
            if os.geteuid() != 0:
                env[USERNS_ENV] = "1"
            command = [*worker_prefix(live, self.boundary.disk_mb), *self.command]
        worker = _Worker(command, env, folder, self.events)
        worker.slot = slot
        return worker

    def start(self, count: int) -> None:
        """Start ``count`` workers now; they get jobs when :meth:`run` is called."""
        self.workers = [self._start(slot) for slot in range(count)]

    def close(self) -> None:
        """Stop every worker still running."""
        for worker in self.workers:
            worker.stop(kill=True)
        self.workers = []

    def run(self, jobs: list[dict[str, Any]], progress: bool = False):
        """Yield ``(job, answer)`` as each job ends, in whatever order they end."""
        pending = list(jobs)
        for extra in self.workers[len(jobs) :]:
            extra.stop(kill=True)
        del self.workers[len(jobs) :]
        bar = ProgressBar(len(jobs)) if progress else None
        try:
            while self.workers:
                for job, answer in self._step(pending):
                    yield job, answer
                    if bar:
                        bar.advance()
        finally:
            if bar:
                bar.close()

    def _step(self, pending: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict]]:
        """Act on the next worker event, or on passed deadlines; return the jobs that ended."""
        try:
            worker, answer = self.events.get(timeout=0.5)
        except queue.Empty:
            ended = []
            for worker in [w for w in self.workers if w.job and time.monotonic() > w.deadline]:
                ended.append(
                    (
                        worker.job,
                        {
                            "ok": False,
                            "reason": f"still running after {self.timeout:g} s and was stopped "
                            "(an endless loop that ignores interruption?)",
                        },
                    )
                )
                self._replace(worker, pending)
            return ended
        if worker not in self.workers:
            return []  # the last words of a worker already stopped
        if answer is None:  # the process ended by itself
            if not worker.ready:
                self._count_failed_start(worker)
            job = worker.job
            self._replace(worker, pending)
            return [(job, {"ok": False, "reason": "the grading process died"})] if job else []
        ended = []
        if answer.get("ready"):
            worker.ready = True
        else:
            ended.append((worker.job, answer))
            worker.job = None
        if pending:  # the next job goes out before this answer is merged
            worker.send(pending.pop(0), self.timeout)
        else:
            worker.stop()
            self.workers.remove(worker)
        return ended

    def _replace(self, worker: _Worker, pending: list[dict[str, Any]]) -> None:
        worker.stop(kill=True)
        index = self.workers.index(worker)
        if pending:
            self.workers[index] = self._start(worker.slot)
        else:
            del self.workers[index]

    def _count_failed_start(self, worker: _Worker) -> None:
        self.failed_starts += 1
        if self.failed_starts > 3:
            said = worker.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise GradingError(f"The grading workers cannot start; the last one said:\n{said}")


class ProgressBar:
    """A rich progress bar on the trainer's terminal, one step per graded hand-in."""

    def __init__(self, total: int) -> None:
        from rich.progress import Progress

        self.bar = Progress(transient=False)
        self.bar.start()
        self.task = self.bar.add_task("autograding", total=total)

    def advance(self) -> None:
        self.bar.advance(self.task)

    def close(self) -> None:
        self.bar.stop()
