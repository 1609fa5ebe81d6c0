"""A kernel nursery: graded kernels forked from one warm process instead of started cold.

Starting an IPython kernel and importing pandas costs most of the time of grading one hand-in
(about 0.9 s of CPU on a classroom server), and a cohort pays it once per trainee. The
nursery pays it once per grading worker: it imports ipykernel, pandas and the course helpers,
then forks a child for every kernel that ``osintlab.grading.kernel_stub`` asks for. Each child takes
the stub's streams, folder and environment, starts the kernel on the stub's connection file
and puts up the same fence as a cold kernel (``osintlab.grading.kernel``) before any cell runs.

BLAS thread pools are switched off before numpy loads (threads do not survive a fork), and the
nursery itself starts no thread. Children are reaped automatically.

Example (what the grading worker runs, once)::

    python -m osintlab.grading.nursery /course/.grading/m00/worker-1/nursery.sock
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

WARM_MODULES = ("ipykernel.kernelapp", "IPython", "numpy", "pandas", "osintlab.check",
                "osintlab.datasets", "osintlab.grading.kernel")


def _watch_lifeline(fd: int) -> None:
    """End this kernel as soon as its stub is gone."""

    def watch() -> None:
        while os.read(fd, 1):
            pass
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _child(request: dict, fds: list[int]) -> None:
    """In the forked child: become the kernel the stub asked for (never returns)."""
    import tempfile

    from osintlab.grading import kernel as graded_kernel

    stdin, stdout, stderr, lifeline, _alive = fds  # _alive stays open until this process ends
    for target, fd in ((0, stdin), (1, stdout), (2, stderr)):
        os.dup2(fd, target)
        os.close(fd)
    # No setsid(): the kernel stays in the worker's process group, so when a stuck worker is
    # killed, its kernel goes with it.
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    tempfile.tempdir = None  # the job's own temp folder, not the nursery's
    _watch_lifeline(lifeline)
    try:
        graded_kernel.main(request["argv"])
    finally:
        os._exit(0)


def serve(path: str) -> None:
    """Warm up, then fork a kernel for each request on the UNIX socket at ``path``."""
    import importlib

    for module in WARM_MODULES:
        importlib.import_module(module)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server.bind(path)
    os.chmod(path, 0o600)
    server.listen(8)
    server.settimeout(1.0)
    worker = os.getppid()
    print("ready", flush=True)
    while True:
        try:
            connection, _ = server.accept()
        except TimeoutError:
            if os.getppid() != worker:
                return  # the grading worker is gone; so is the need for kernels
            continue
        connection.settimeout(None)
        with connection:
            message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 5)
            if len(fds) != 5 or not message:
                for fd in fds:
                    os.close(fd)
                continue
            request = json.loads(message)
            pid = os.fork()
            if pid == 0:
                server.close()
                connection.close()
                _child(request, fds)
            for fd in fds:
                os.close(fd)
            connection.sendall(str(pid).encode())


if __name__ == "__main__":
    serve(sys.argv[1])
