"""The operating-system boundary around graded kernels: bubblewrap, an account of their own.

The audit hook in ``osintlab.grading.kernel`` explains itself to a trainee, but it is no
wall: Python code can reach past it. The wall is the operating system. Each grading worker
runs its kernels in one bubblewrap sandbox (Debian's ``bubblewrap``, the tool Flatpak uses):

* **another account**: the kernels run as a numeric account of their own per worker
  (``uid_base`` + the worker's slot, no capabilities, no new privileges), never as root, so
  they cannot signal the grading processes nor write anything the account does not own;
* **another view of the disk**: only the Python installation, the course package, the
  datasets (all read-only) and the hand-in's private work folder exist; the course folder,
  the gradebook, the source notebooks and other hand-ins are simply not there;
* **no network and no processes of others**: fresh network, PID, IPC and UTS namespaces, so
  the kernel sees only its own loopback and its own processes;
* **limits**: address space, number of processes, file size, and a disk cap (the work folder
  is a size-limited tmpfs in the worker's own mount namespace);
* **a clean slate per hand-in**: after each hand-in every process it left is killed and its
  folders are wiped before the next trainee's kernel starts.

Two ways to the same wall. As root, each worker's kernels run as a numeric account of their
own. As an ordinary account (a trainer on the classroom hub, a trainer's pod on Kubernetes),
each worker first enters a user namespace of its own (``unshare --user --map-root-user``),
where it may mount the capped tmpfs, and bubblewrap then maps the kernels' account inside:
outside they are the trainer's own account, but in namespaces where the course folder, the
gradebook, the grading processes and the network do not exist. This needs the kernel to allow
unprivileged user namespaces (Debian and Ubuntu do; some container runtimes do not).

Where the machine can provide neither (no ``bwrap``, no namespaces), grading refuses to start
and says what to do, unless the trainer grades a trusted cohort with
``osintlab grade autograde --unprotected``.

Example:
    >>> problem = boundary_problem()   # None when grading can be protected here  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Sandbox", "SandboxLimits", "boundary_problem", "worker_prefix"]

BWRAP = "bwrap"
SANDBOX_ENV = "OSINTLAB_SANDBOXED"
USERNS_ENV = "OSINTLAB_USERNS"  # set for a worker that runs in a user namespace (not root)
KERNEL_HOME_ENV = "OSINTLAB_KERNEL_HOME"
UID_BASE = 65520  # Debian reserves 65000-65533 and allocates none of them; systemd stops at 65519


@dataclass(frozen=True)
class SandboxLimits:
    """What one hand-in may use, from ``cohort.yml``'s ``limits``.

    Example:
        >>> SandboxLimits.from_settings({"disk_mb": 100}).disk_mb
        100
    """

    memory_mb: int = 2048
    processes: int = 64
    file_mb: int = 100
    disk_mb: int = 200
    output_kb: int = 1024

    @classmethod
    def from_settings(cls, limits: dict) -> SandboxLimits:
        """Read the limits a trainer set, keeping the defaults for the others."""
        known = {k: int(v) for k, v in limits.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def boundary_problem() -> str | None:
    """Why graded kernels cannot be put behind the boundary on this machine, or None.

    Example:
        >>> boundary_problem() in (None,) or isinstance(boundary_problem(), str)
        True
    """
    if not shutil.which(BWRAP):
        return (
            "bubblewrap is not installed, so hand-ins cannot be graded behind the operating "
            "system's boundary (their own account, no course folder, no network). Install it "
            "(Debian/Ubuntu: `apt-get install bubblewrap`), or, for a trusted cohort only, "
            "grade with `osintlab grade autograde --unprotected`."
        )
    if not shutil.which("unshare") or not shutil.which("mount"):
        return (
            "grading behind the boundary needs `unshare` and `mount` (Debian/Ubuntu: "
            "`apt-get install util-linux mount`); or, for a trusted cohort only, grade with "
            "`osintlab grade autograde --unprotected`."
        )
    probe_sandbox = [BWRAP, *_system_binds(), "--unshare-all", "--unshare-user",
                     "--disable-userns", "--uid", str(UID_BASE), "--gid", str(UID_BASE),
                     "--die-with-parent", "/usr/bin/true"]
    if os.geteuid() == 0:
        def as_account() -> None:
            os.setgroups([])
            os.setgid(UID_BASE)
            os.setuid(UID_BASE)

        probe = subprocess.run(probe_sandbox, capture_output=True, text=True, timeout=30,
                               preexec_fn=as_account)
    else:  # a user namespace of its own, as each worker will have
        script = 'mount -t tmpfs -o size=1m tmpfs "$1" && shift && exec "$@"'
        import tempfile

        with tempfile.TemporaryDirectory(prefix="osintlab-probe-") as folder:
            probe = subprocess.run(
                [*_USERNS, "--mount", "--propagation", "private", "--net", "sh", "-c", script,
                 "probe", folder, *probe_sandbox],
                capture_output=True, text=True, timeout=30,
            )
    if probe.returncode != 0:
        said = (probe.stderr or probe.stdout).strip().splitlines()[-1:] or ["no message"]
        who = "" if os.geteuid() == 0 else (
            " as an ordinary account (it needs unprivileged user namespaces: "
            "`sysctl kernel.unprivileged_userns_clone=1` where that setting exists, or run "
            "`osintlab grade autograde` as root)"
        )
        return (
            f"bubblewrap cannot create a sandbox on this machine{who} ({said[0]}); a container "
            "may need a seccomp profile that allows namespaces. For a trusted cohort only, "
            "grade with `osintlab grade autograde --unprotected`."
        )
    return None


_USERNS = ["unshare", "--user", "--map-root-user"]


def worker_prefix(live: Path, disk_mb: int) -> list[str]:
    """Run a worker in mount and network namespaces of its own, its work folder a capped tmpfs.

    Example:
        >>> worker_prefix(Path("/c/.grading/w1/live"), 200)[:2]
        ['unshare', '--mount']
    """
    script = (
        'mkdir -p "$OSINTLAB_LIVE" && '
        f'mount -t tmpfs -o size={int(disk_mb)}m,mode=0755,nosuid,nodev tmpfs "$OSINTLAB_LIVE" && '
        '(ip link set lo up 2>/dev/null || true) && exec "$0" "$@"'
    )
    own_user = [] if os.geteuid() == 0 else _USERNS[1:]  # not root: a user namespace first
    return ["unshare", *own_user, "--mount", "--propagation", "private", "--net", "sh", "-c",
            script]


def _system_binds() -> list[str]:
    """The system folders every sandbox sees read-only (merged /usr layouts kept as links)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "lib32", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _python_folders(extra: list[Path]) -> list[Path]:
    """Folders the kernel must read: Python, the virtual environment, osintlab, the data."""
    import osintlab

    wanted = [Path(sys.base_prefix), Path(sys.base_exec_prefix), Path(sys.prefix),
              Path(osintlab.__file__).resolve().parent.parent, *extra]
    # site folders added by .pth files (a shared classroom venv reusing another's packages)
    wanted += [Path(p) for p in sys.path if p and Path(p).is_absolute() and "site-packages" in p]
    kept: list[Path] = []
    for folder in sorted({p.resolve() for p in wanted if p.is_dir()}, key=lambda p: len(p.parts)):
        if folder == Path("/usr") or any(folder.is_relative_to(k) for k in kept):
            continue
        kept.append(folder)
    return kept


class Sandbox:
    """One worker's sandbox: the kernel nursery inside bubblewrap, as the worker's own account.

    The worker (root, outside) creates the nursery's socket and hands it in as an open file,
    so nothing inside can replace it. ``live`` is the only folder the kernels can write: it
    holds ``work`` (the hand-in's private copy, the kernel's folder), ``home``, ``tmp``
    and ``ipc`` (the kernel's message sockets), all wiped by :meth:`reset`.

    Example:
        >>> box = Sandbox(Path("/c/.grading/w1"), uid=65520, readonly=[Path("/data")],
        ...               limits=SandboxLimits(), warm=True)         # doctest: +SKIP
        >>> box.start(); box.reset()                                  # doctest: +SKIP
    """

    def __init__(self, folder: Path, uid: int, readonly: list[Path], limits: SandboxLimits,
                 warm: bool = True) -> None:
        self.folder = folder
        self.live = folder / "live"
        self.uid = uid
        self.readonly = readonly
        self.limits = limits
        self.warm = warm
        self.process: subprocess.Popen | None = None
        self.socket_path = ""  # set at launch: a short path (UNIX sockets allow 107 bytes)
        self.inside: Path | None = None  # where the kernels see ``live``: a short path too
        self.restarts = 0
        self._view: Path | None = None
        self.restarted = False
        # in a worker's user namespace (not root) the kernels' account exists only inside
        # bubblewrap: folders stay the worker's, and the worker changes no account
        self.userns = os.environ.get(USERNS_ENV) == "1"

    # -- the folders a kernel owns -------------------------------------------------------
    @property
    def seen(self) -> Path:
        """``live`` under the path both sides use (short enough for the message sockets)."""
        return self.inside or self.live

    @property
    def work(self) -> Path:
        """The hand-in's private copy: the graded kernel's working folder."""
        return self.seen / "work"

    @property
    def home(self) -> Path:
        return self.seen / "home"

    @property
    def ipc(self) -> Path:
        return self.seen / "ipc"

    def _fresh_folders(self) -> None:
        self.live.mkdir(parents=True, exist_ok=True)
        os.chmod(self.live, 0o755)
        for entry in self.live.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        for folder in (self.live / "work", self.live / "home", self.live / "tmp",
                       self.live / "ipc"):
            folder.mkdir()
            if not self.userns:
                os.chown(folder, self.uid, self.uid)
            os.chmod(folder, 0o700)

    def hand_over(self, source: Path) -> Path:
        """Copy a hand-in's folder (regular files only) into ``work``, owned by the kernel."""
        for path in sorted(source.rglob("*")):
            if path.is_symlink() or not (path.is_file() or path.is_dir()):
                continue
            target = self.work / path.relative_to(source)
            if path.is_dir():
                target.mkdir(exist_ok=True)
            else:
                shutil.copyfile(path, target)
            if not self.userns:
                os.chown(target, self.uid, self.uid)
        return self.work

    # -- life cycle ------------------------------------------------------------------------
    def _stage(self, folder: Path) -> str:
        """Make ``folder`` reachable by the kernels' account: bind it under a public folder.

        bubblewrap runs as that account, which may not pass through the folders above (a
        Python under /root, a course under a mode-700 home); in the worker's own mount
        namespace root binds each folder under ``/tmp/osintlab-view-*`` (mode 711).
        """
        if self._view is None:
            import tempfile

            self._view = Path(tempfile.mkdtemp(prefix="osintlab-view-"))
            os.chmod(self._view, 0o711)
        target = self._view / str(len(list(self._view.iterdir())))
        target.mkdir()
        subprocess.run(["mount", "--bind", str(folder), str(target)], check=True,
                       capture_output=True)
        return str(target)

    def command(self) -> list[str]:
        """The bubblewrap command line that starts the nursery inside the sandbox."""
        passwd = self.folder / "passwd"
        passwd.write_text(
            f"root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n"
            f"trainee:x:{self.uid}:{self.uid}:graded kernel:{self.home}:/usr/sbin/nologin\n",
            encoding="utf-8",
        )
        group = self.folder / "group"
        group.write_text(f"root:x:0:\ntrainee:x:{self.uid}:\n", encoding="utf-8")
        args = [BWRAP, *_system_binds()]
        for folder in _python_folders(self.readonly):
            args += ["--ro-bind", self._stage(folder), str(folder)]
        etc = self.folder / "etc"
        etc.mkdir(exist_ok=True)
        os.replace(passwd, etc / "passwd")
        os.replace(group, etc / "group")
        staged = self._stage(etc)
        args += [
            "--ro-bind", f"{staged}/passwd", "/etc/passwd",
            "--ro-bind", f"{staged}/group", "/etc/group",
            "--bind", str(self.seen), str(self.seen),
            "--proc", "/proc",
            "--dev", "/dev",
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",
            "--hostname", "graded",
            "--uid", str(self.uid),
            "--gid", str(self.uid),
            "--cap-drop", "ALL",
            "--die-with-parent",
            "--new-session",
            "--chdir", str(self.work),
            "--clearenv",
        ]
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.home),
            "USER": "trainee",
            "LOGNAME": "trainee",
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "TMPDIR": str(self.seen / "tmp"),
            "IPYTHONDIR": str(self.home / ".ipython"),
            "MPLCONFIGDIR": str(self.home / ".matplotlib"),
            "JUPYTER_RUNTIME_DIR": str(self.home / "runtime"),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            **({"LD_LIBRARY_PATH": os.environ["LD_LIBRARY_PATH"]}
               if os.environ.get("LD_LIBRARY_PATH") else {}),
            SANDBOX_ENV: "1",
            KERNEL_HOME_ENV: str(self.home),
        }
        env.update({k: v for k, v in os.environ.items()
                    if k.startswith("OSINTLAB_") and k not in env and "NURSERY" not in k})
        for key, value in sorted(env.items()):
            args += ["--setenv", key, value]
        return args

    def _become_account(self) -> None:
        """In the child before bubblewrap starts: the kernels' account and its limits.

        bubblewrap then runs unprivileged, so its user namespace maps the account to itself:
        the same number inside and outside, never root outside.
        """
        import resource

        if not self.userns:
            os.setgroups([])
            os.setgid(self.uid)
            os.setuid(self.uid)
        nproc = self.limits.processes
        fsize = self.limits.file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def start(self) -> None:
        """Start the sandbox and wait until its nursery is warm.

        Raises:
            RuntimeError: when the nursery did not start (its words are in the worker's log).
        """
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the sandbox; it warms up while the worker does other things."""
        import tempfile

        self._fresh_folders()
        self.inside = Path(self._stage(self.live))
        if not self.socket_path:  # kept across restarts: the kernelspec's stubs name it
            self.socket_path = os.path.join(tempfile.mkdtemp(prefix="osintlab-nursery-"), "s")
        elif os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(self.socket_path)
        os.chmod(self.socket_path, 0o600)
        listener.listen(8)
        fd = listener.fileno()
        argv = [*self.command(), sys.executable, "-m", "osintlab.grading.nursery", "--fd", str(fd)]
        if not self.warm:
            argv.append("--cold")
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
            pass_fds=[fd],
            preexec_fn=self._become_account,
        )
        listener.close()

    def wait_ready(self) -> None:
        """Wait until the nursery inside says it is warm."""
        assert self.process is not None and self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            self.stop()
            raise RuntimeError("the grading sandbox did not start (see the worker's log)")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def reset(self) -> int:
        """Kill whatever a hand-in left running and wipe its folders; restart if need be.

        Returns the number of processes that had to be killed (0 for a clean hand-in);
        ``restarted`` then says whether the hand-in had ended the sandbox itself.
        """
        self.restarted = False
        killed = -1
        if self.alive():
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as nursery:
                    nursery.settimeout(20)
                    nursery.connect(self.socket_path)
                    nursery.send(json.dumps({"reset": True}).encode())
                    answer = nursery.recv(64)
                killed = int(answer) if answer else -1
            except (OSError, ValueError):
                killed = -1
        if killed < 0:  # the nursery is gone or could not clean up: a whole new sandbox
            self.stop(final=False)
            self.restarts += 1
            self.restarted = True
            self.start()
            return 0
        self._fresh_folders()
        return killed

    def stop(self, final: bool = True) -> None:
        """End the sandbox: its first process going ends every process inside.

        ``final=False`` keeps the socket's path for the sandbox that replaces this one.
        """
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            if self.process.stdout:
                self.process.stdout.close()
            self.process = None
        if final and self.socket_path:
            if os.path.exists(self.socket_path):
                os.unlink(self.socket_path)
            os.rmdir(os.path.dirname(self.socket_path))
            self.socket_path = ""
        self.inside = None
        if self._view is not None:
            for target in self._view.iterdir():
                subprocess.run(["umount", "-l", str(target)], capture_output=True)
                try:
                    target.rmdir()  # never rmtree: a bind still mounted would be the real folder
                except OSError:
                    pass
            try:
                self._view.rmdir()
            except OSError:
                pass
            self._view = None
