"""Where the course repository is when no folder is named.

The package is installed in editable mode from the repository (``make lab``, ``make test``),
so the repository is two folders above this file: ``<repo>/src/osintlab/``. Commands take
``--root`` or ``--curriculum`` for any other place.

Example:
    >>> (REPOSITORY / "modules").is_dir()
    True
"""

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
