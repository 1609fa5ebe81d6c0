"""The ``openssl`` program, run with a message that teaches when it is missing or fails.

Both sides of trusted time use it: the time-stamp client in :mod:`osintlab.evidence` and the
classroom authority the sandbox hosts (:mod:`osintlab.sandbox.tsa`).

Example:
    >>> run(["version"]).startswith(b"OpenSSL")
    True
"""

from __future__ import annotations

import shutil
import subprocess

from ._i18n import _
from .exceptions import EvidenceError


def openssl() -> str:
    """The ``openssl`` program, or an error that says how to install it."""
    binary = shutil.which("openssl")
    if binary is None:
        raise EvidenceError(
            _("openssl is not installed: trusted timestamps need it (apt-get install openssl).")
        )
    return binary


def run(args: list[str], data: bytes | None = None) -> bytes:
    """Run ``openssl ARGS`` (``data`` on its input); what it printed, or EvidenceError."""
    result = subprocess.run([openssl(), *args], input=data, capture_output=True, timeout=60)
    if result.returncode != 0:
        raise EvidenceError(
            _("openssl {command} failed: {error}").format(
                command=args[0] + " " + args[1], error=result.stderr.decode(errors="replace")
            )
        )
    return result.stdout


