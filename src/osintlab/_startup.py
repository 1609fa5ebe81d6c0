"""Start-up tweaks for osintlab's own processes (the command line and grading workers).

jsonschema imports the optional package ``rfc3987_syntax`` when it loads, to check the "iri"
string formats, and that package builds a parser grammar on import: 1.5 s on a classroom
server, paid by every process that touches nbformat or nbgrader. Neither nbformat's nor
nbgrader's schemas use those formats, so these processes skip it. Trainees' kernels are not
affected.

Example:
    >>> skip_slow_optional_imports()
"""

from __future__ import annotations

import sys


def skip_slow_optional_imports() -> None:
    """Make the optional ``rfc3987_syntax`` look absent unless something already loaded it."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
