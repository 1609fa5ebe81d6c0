"""The trainer's grading engine: the cohort engine behind ``osintlab grade``.

nbgrader does the grading; this room drives its API for a whole cohort, several hand-ins at
once, each hand-in's code fenced, and keeps hidden tests out of what trainees see.

The face (what trainers' scripts and the command line use)::

    init_course, open_course, Course   a cohort's course folder and its verbs
                                       (release, collect, autograde, feedback, export)
    Outcome, safe_id                   one hand-in's result; an id nbgrader accepts
    nbgrader_api                       nbgrader's own API on a course folder
    find_leaks                         model answers or hidden tests left in a release
    HideHiddenTests                    the feedback preprocessor (named in nbgrader_config.py)
    FEEDBACK_TEMPLATES                 offline templates for the feedback pages

The parts, one job each: ``course`` (the verbs), ``pool`` (long-lived worker processes),
``worker`` (nbgrader's autograde on one private course copy), ``kernel`` (the fence a
hand-in's kernel runs behind), ``nursery`` and ``kernel_stub`` (warm forked kernels),
``screen`` (the tamper screen before grading), ``feedback`` (hidden tests out of feedback),
``leaks`` (nothing secret in a release). The kernel side is imported inside trainees'
kernels, so this face loads the rest only when a name is first used.

Example:
    >>> from osintlab import grading
    >>> grading.safe_id("Иванов А.А.")
    'ivanov-a-a'
    >>> course = grading.init_course("courses/almaty-2026", "almaty-2026")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

FEEDBACK_TEMPLATES = Path(__file__).with_name("templates")

_FACE = {
    "Course": "course",
    "Outcome": "course",
    "init_course": "course",
    "nbgrader_api": "course",
    "open_course": "course",
    "safe_id": "course",
    "find_leaks": "leaks",
    "HideHiddenTests": "feedback",
}

__all__ = ["FEEDBACK_TEMPLATES", *sorted(_FACE)]


def __getattr__(name: str) -> Any:
    if name in _FACE:
        value = getattr(importlib.import_module(f".{_FACE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'osintlab.grading' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
