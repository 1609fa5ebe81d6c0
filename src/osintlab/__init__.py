"""osintlab: the helper package of the OSINT Investigations Lab.

One import per task, plain-language errors, pandas tables out. Submodules load when first
used, so ``import osintlab`` stays as cheap as ``import requests``.

A short tour::

    >>> import osintlab
    >>> from osintlab import check, datasets
    >>> cases = datasets.path("case-records", "cases.csv")   # the fictional world's files
    >>> check.length(["Bekov"], 1, name="suspects")           # exercise feedback that teaches

Trainers grade a cohort with the ``osintlab grade`` command; authors validate modules with
``osintlab modules check``.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

__all__ = [
    "check",
    "classroom",
    "curriculum",
    "datasets",
    "evidence",
    "exceptions",
    "extract",
    "grade",
    "i18n",
    "lab",
    "names",
    "report",
    "sandbox",
    "world",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'osintlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
