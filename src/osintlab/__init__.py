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

One room per concern (each folder's ``__init__.py`` says what it is for and what it exports)::

    check, datasets, extract/, names/   the trainee's library: feedback, the world's files,
                                        entities in text, names across scripts
    accounts/      a username across platforms, contacts normalised, links between identifiers
    web/           collecting politely: robots, follow "next", collect, pages to a table
    evidence/      cases: capture, custody log, screenshot, trusted time, report
    sandbox/       the fictional internet: session, server, sites, classroom TSA
    grading/       the cohort engine behind ``osintlab grade``, hand-ins behind a fence
    curriculum/    the module contract behind ``osintlab modules check``
    law/           the law register: every legal fact the course may state, with its source
    i18n/          catalogues: extract, update, check, status, build
    world/         the seeded generator of the fictional world (datasets/)
    cli, lab, classroom   the ``osintlab`` command, one-person JupyterLab, the classroom hub
    exceptions     every error the package raises, as one tree
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

__all__ = [
    "accounts",
    "check",
    "classroom",
    "curriculum",
    "datasets",
    "evidence",
    "exceptions",
    "extract",
    "grading",
    "i18n",
    "lab",
    "law",
    "names",
    "sandbox",
    "web",
    "world",
]


def _watch_cells() -> None:
    from .check import watch_cells

    watch_cells()


_watch_cells()


def __getattr__(name: str) -> Any:
    if name in __all__:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'osintlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
