"""A kernel nursery: graded kernels forked from one warm process instead of started cold.

Starting an IPython kernel and importing pandas costs most of the time of grading one hand-in
(about 0.9 s of CPU on a classroom server), and a cohort pays it once per trainee. The
nursery pays it once per grading worker: it imports ipykernel, pandas and the course helpers,
then forks a child for every kernel that ``osintlab.grading.kernel_stub`` asks for. Each child takes
the stub's streams, folder and environment, starts the kernel on the stub's connection file
and puts up the same fence as a cold kernel (``osintlab.grading.kernel``) before any cell runs.

BLAS thread pools are switched off before numpy loads (threads do not survive a fork), and the
nursery itself starts no thread. Children are reaped automatically.

Behind the operating-system boundary (``osintlab.grading.boundary``) the nursery runs inside
the worker's bubblewrap sandbox, as the kernels' own account; the worker hands it the listening
socket as an open file (``--fd``), and between hand-ins asks it to ``reset``: every process
the last hand-in left is killed before the next kernel is forked. The nursery makes itself
non-dumpable, so a kernel of the same account cannot trace it or read its memory.

Example (what the grading worker runs, once)::

    python -m osintlab.grading.nursery /course/.grading/m00/worker-1/nursery.sock
    python -m osintlab.grading.nursery --fd 5        # inside the sandbox
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

SANDBOX_ENV = "OSINTLAB_SANDBOXED"  # same name as osintlab.grading.boundary's (not imported: cheap)
_SANDBOX_OWN = {SANDBOX_ENV, "OSINTLAB_KERNEL_HOME"}

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
    argv = list(request["argv"])
    if os.environ.get(SANDBOX_ENV):
        # Inside the sandbox the worker's environment means nothing (its paths are not
        # here): keep the sandbox's own, plus the course settings and jupyter's markers.
        passed = {k: v for k, v in request["env"].items()
                  if (k.startswith(("OSINTLAB_", "JPY_")) and k not in _SANDBOX_OWN)}
        os.environ.update(passed)
    else:
        os.environ.clear()
        os.environ.update(request["env"])
    if request.get("connection"):
        # The worker's connection file is root's alone; the kernel gets its own copy.
        folder = tempfile.mkdtemp(prefix="connection-")
        own = os.path.join(folder, "kernel.json")
        with open(own, "w", encoding="utf-8") as handle:
            handle.write(request["connection"])
        argv = [own if arg == request["connection_file"] else arg for arg in argv]
    tempfile.tempdir = None  # the job's own temp folder, not the nursery's
    _watch_lifeline(lifeline)
    try:
        graded_kernel.main(argv)
    finally:
        os._exit(0)


def _not_dumpable() -> None:
    """No process of the same account may trace this one or read its memory."""
    import ctypes

    pr_set_dumpable = 4
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_dumpable, 0, 0, 0, 0)


def _reset() -> int:
    """Kill every process in this sandbox but its init and the nursery; -1 if some survive."""
    me, killed = os.getpid(), 0
    for _ in range(200):
        others = []
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) in (1, me):
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as stat:
                    state = stat.read().rsplit(b")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state not in (b"Z", b"X"):
                others.append(int(name))
        if not others:
            break
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.01)
    else:
        return -1
    for name in os.listdir("/dev/shm") if os.path.isdir("/dev/shm") else []:
        try:
            os.unlink(os.path.join("/dev/shm", name))
        except OSError:
            pass
    return killed


def serve(path: str | None = None, fd: int | None = None, warm: bool = True) -> None:
    """Warm up, then fork a kernel for each request on the UNIX socket at ``path`` (or ``fd``)."""
    import importlib

    if os.environ.get(SANDBOX_ENV):
        _not_dumpable()
    for module in WARM_MODULES if warm else ("osintlab.grading.kernel",):
        importlib.import_module(module)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    if fd is not None:
        server = socket.socket(fileno=fd)
    else:
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
            if not fds and message and json.loads(message).get("reset"):
                connection.sendall(str(_reset()).encode())
                continue
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
            # Inside the sandbox a PID means nothing outside it (another namespace): say so,
            # and the stub outside never signals a number that names some other process.
            said = f"inside:{pid}" if os.environ.get(SANDBOX_ENV) else str(pid)
            connection.sendall(said.encode())


if __name__ == "__main__":
    if sys.argv[1] == "--fd":
        serve(fd=int(sys.argv[2]), warm="--cold" not in sys.argv)
    else:
        serve(sys.argv[1])
