"""The kernel that runs a trainee's submission during ``osintlab grade autograde``.

It is an ordinary IPython kernel with a fence around it, put up after the kernel has
started and before the first cell of the submission runs:

* memory: the address space is capped (``OSINTLAB_MEMORY_MB``), so a memory bomb ends in a
  ``MemoryError`` in its own cell instead of taking the classroom server down;
* files: writing is allowed only inside the submission's own folder and the temp folder
  (``OSINTLAB_WRITE_ROOTS``), so nothing can reach the gradebook or another trainee; reading
  the course folder and the curriculum's sources (``OSINTLAB_READ_DENY``: solutions, hidden
  tests, other trainees' hand-ins) is refused too;
* network: connections and name look-ups go to loopback only (the grading worker also runs
  in its own network namespace where the machine allows it, so even loopback is private);
* processes: no subprocess, ``os.system`` or ``exec``; no loading of C libraries by hand.

The fence is a Python audit hook (PEP 578): once added it cannot be removed from Python.
A hand-in that tries to get around the checks in other ways is caught by the static screen
before grading (``osintlab.grading.screen``).

Example (what the grading worker writes as the ``python3`` kernel spec)::

    ["python", "-m", "osintlab.grading.kernel", "-f", "{connection_file}"]
"""

from __future__ import annotations

import ipaddress
import os
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

from .._i18n import N_, _

MEMORY_ENV = "OSINTLAB_MEMORY_MB"
WRITE_ENV = "OSINTLAB_WRITE_ROOTS"
READ_DENY_ENV = "OSINTLAB_READ_DENY"

_DENIED_EVENTS = {
    "subprocess.Popen": N_("start other programs"),
    "os.system": N_("start other programs"),
    "os.exec": N_("start other programs"),
    "os.posix_spawn": N_("start other programs"),
    "os.spawn": N_("start other programs"),
    "os.fork": N_("start other programs"),
    "os.forkpty": N_("start other programs"),
    "pty.spawn": N_("start other programs"),
    "ctypes.dlopen": N_("load C libraries"),
    "ctypes.dlsym": N_("load C libraries"),
    "sys.addaudithook": N_("change the grading fence"),
}

# Events that change a file or folder named in their arguments (PEP 578 audit events).
_CHANGE_EVENTS = {
    "os.remove",
    "os.rename",
    "os.rmdir",
    "os.mkdir",
    "os.truncate",
    "os.chmod",
    "os.chown",
    "os.utime",
    "os.link",
    "os.symlink",
    "shutil.rmtree",
}  # (copying into the folder is an "open" for writing there, checked like any other)

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


class GradingFence(PermissionError):
    """Raised inside the graded kernel when a submission reaches past its fence."""


def _is_loopback(host: Any) -> bool:
    if host in (None, "", "localhost", b"localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _opens_for_writing(mode: Any, flags: Any) -> bool:
    if isinstance(mode, str) and mode and any(ch in mode for ch in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def _inside(path: str, roots: list[str]) -> bool:
    resolved = os.path.realpath(path)
    return any(resolved == root or resolved.startswith(root + os.sep) for root in roots)


def make_hook(write_roots: list[str], read_deny: list[str] | None = None):
    """Build the audit hook that enforces the fence for the given writable folders.

    Example:
        >>> hook = make_hook(["/tmp"])
        >>> hook("socket.connect", (None, ("127.0.0.1", 80)))
    """
    roots = [os.path.realpath(r) for r in write_roots]
    hidden = [os.path.realpath(r) for r in read_deny or []]
    _("Graded notebooks have no network, not even local sockets.")  # load the catalogue now,
    # so that a message inside the hook never opens a file (the hook would see that open)

    def readable(path: Any) -> bool:
        if not isinstance(path, str | bytes) or not hidden:
            return True
        text = os.fsdecode(path)
        return not _inside(text, hidden) or _inside(text, roots)

    def hook(event: str, args: tuple) -> None:
        if event in _DENIED_EVENTS:
            raise GradingFence(
                _(
                    "Graded notebooks may not {what} ({event}); remove that code from your answer."
                ).format(what=_(_DENIED_EVENTS[event]), event=event)
            )
        if event == "open" and args and isinstance(args[0], str | bytes):
            path = os.fsdecode(args[0])
            mode = args[1] if len(args) > 1 else None
            flags = args[2] if len(args) > 2 else None
            if _opens_for_writing(mode, flags) and not _inside(path, roots):
                raise GradingFence(
                    _(
                        "Graded notebooks may only write inside their own folder, not {path}: "
                        "save files under a plain name such as 'notes.txt'."
                    ).format(path=repr(path))
                )
            if not readable(path):
                raise GradingFence(
                    _(
                        "Graded notebooks may not read the course's own files ({path}); "
                        "exercise data comes from datasets.path(...)."
                    ).format(path=repr(path))
                )
        elif event in ("os.listdir", "os.scandir") and args and not readable(args[0]):
            raise GradingFence(
                _("Graded notebooks may not list the course's own folders ({path}).").format(
                    path=repr(args[0])
                )
            )
        elif event in _CHANGE_EVENTS:
            targets = [os.fsdecode(a) for a in args if isinstance(a, str | bytes)]
            if any(not _inside(t, roots) for t in targets):
                raise GradingFence(
                    _(
                        "Graded notebooks may only change files inside their own folder "
                        "({event} on {path})."
                    ).format(event=event, path=repr(targets[0]))
                )
        elif event in ("socket.connect", "socket.sendto") and len(args) > 1:
            address = args[1]
            if isinstance(address, str | bytes):
                raise GradingFence(_("Graded notebooks have no network, not even local sockets."))
            if isinstance(address, tuple) and not _is_loopback(address[0]):
                raise GradingFence(
                    _(
                        "Graded notebooks have no network: the connection to {address} was "
                        "refused. Exercises use the course's own sandbox, never the internet."
                    ).format(address=address[0])
                )
        elif event == "socket.getaddrinfo" and args and not _is_loopback(args[0]):
            raise GradingFence(
                _("Graded notebooks have no network: the name {name} was not looked up.").format(
                    name=repr(args[0])
                )
            )

    return hook


def fence() -> None:
    """Cap memory and add the audit hook, from the settings in the environment.

    Example:
        >>> import os; os.environ.pop("OSINTLAB_MEMORY_MB", None)  # doctest: +SKIP
        >>> fence()  # doctest: +SKIP
    """
    megabytes = int(os.environ.get(MEMORY_ENV, "0") or 0)
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    roots = [p for p in os.environ.get(WRITE_ENV, "").split(os.pathsep) if p]
    roots += [os.getcwd(), tempfile.gettempdir(), "/dev/null"]
    deny = [p for p in os.environ.get(READ_DENY_ENV, "").split(os.pathsep) if p]
    sys.addaudithook(make_hook(roots, deny))


def main(argv: list[str] | None = None) -> None:
    """Start the kernel, fence it, then serve cells."""
    from ipykernel.kernelapp import IPKernelApp

    os.environ.setdefault("MPLCONFIGDIR", str(Path(tempfile.gettempdir()) / "osintlab-mpl"))
    app = IPKernelApp.instance()
    app.initialize(argv if argv is not None else sys.argv[1:])
    fence()
    app.start()


if __name__ == "__main__":
    main()
