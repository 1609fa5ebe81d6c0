"""Every error osintlab raises on purpose, each with a message that teaches.

A message says what happened, the value that caused it, the likely fix and where to read
more. Errors about bad input are also ``ValueError`` (or ``FileNotFoundError``), so code
that already catches those keeps working::

    OsintLabError
    ├── CheckFailed (AssertionError)        an exercise answer is not right yet
    ├── CurriculumError (ValueError)        a module.yml or notebook breaks the contract
    ├── DatasetMissing (FileNotFoundError)  a dataset folder or file is not there
    ├── GradingError                        a cohort command cannot go on
    │   └── SubmissionError (ValueError)    one hand-in cannot be graded (the others go on)
    └── CourseMissing (FileNotFoundError)   no course folder where one was expected

Example:
    >>> from osintlab.exceptions import CheckFailed
    >>> try:
    ...     raise CheckFailed("`suspects` should be a list", name="suspects")
    ... except AssertionError as error:
    ...     print(error.name)
    suspects
"""

from __future__ import annotations

from typing import Any


class OsintLabError(Exception):
    """Base of every osintlab error; keeps the context (item, file, value) as attributes.

    Example:
        >>> OsintLabError("bad thing", path="case/log.jsonl").context
        {'path': 'case/log.jsonl'}
    """

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context
        for key, value in context.items():
            setattr(self, key, value)

    def __str__(self) -> str:
        return self.message


class CheckFailed(OsintLabError, AssertionError):
    """An exercise check found a problem; the message tells the trainee what to change."""


class CurriculumError(OsintLabError, ValueError):
    """A module breaks the curriculum contract; ``problems`` lists every finding."""

    def __init__(self, message: str, problems: list[str] | None = None, **context: Any) -> None:
        super().__init__(message, problems=list(problems or []), **context)


class DatasetMissing(OsintLabError, FileNotFoundError):
    """A dataset the lesson needs is not in ``datasets/``."""


class GradingError(OsintLabError):
    """A cohort command cannot go on (no course folder, unknown module, nbgrader refused)."""


class SubmissionError(GradingError, ValueError):
    """One submission cannot be graded; the cohort goes on without it."""


class CourseMissing(GradingError, FileNotFoundError):
    """There is no course folder where a trainer command expected one."""
