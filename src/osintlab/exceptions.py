"""Every error osintlab raises on purpose, each with a message that teaches.

A message says what happened, the value that caused it, the likely fix and where to read
more. Errors about bad input are also ``ValueError`` (or ``FileNotFoundError``), so code
that already catches those keeps working::

    OsintLabError
    ├── CheckFailed (AssertionError)        an exercise answer is not right yet
    ├── CurriculumError (ValueError)        a module.yml or notebook breaks the contract
    ├── DatasetMissing (FileNotFoundError)  a dataset folder or file is not there
    ├── ExtractError (ValueError)           extract was given something it cannot read
    ├── WebError (ValueError)               web was given an address, selector or date it cannot use
    ├── GradingError                        a cohort command cannot go on
    │   └── SubmissionError (ValueError)    one hand-in cannot be graded (the others go on)
    ├── CourseMissing (FileNotFoundError)   no course folder where one was expected
    ├── ClassroomError                      the classroom server cannot be set up
    │   └── RosterError (ValueError)        the roster CSV has problems (each line named)
    ├── TranslationError (ValueError)       a translation catalogue cannot be read or used
    ├── SandboxRefused (ValueError)         a request to a host outside the fictional internet
    ├── NameScriptError (ValueError)        a name empty or in the wrong script; unknown language
    ├── AccountError (ValueError)           accounts got a username, contact or link it cannot use
    ├── DomainError (ValueError)            domains got a name or address it cannot look up
    ├── ImageError (ValueError)             images or maps got a photo, time or place it cannot use
    ├── LawFactUnknown (ValueError)         no fact of that id in the law register
    └── EvidenceError                       a case folder cannot do what was asked
        ├── CaptureFailed                   a URL, response or file could not be captured
        ├── OutsideCase (ValueError)        a path points outside the case folder
        ├── DuplicateCapture (ValueError)   the same bytes are already an item of the case
        ├── BadAnchor (ValueError)          a log head to verify against is not SEQ:HASH
        ├── CaseNotWritable (PermissionError)  the case folder is read-only
        ├── DiskFull (OSError)              the disk filled up while writing (nothing logged lost)
        └── TamperDetected                  verify found altered, removed, reordered or added parts

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

    def _render_traceback_(self) -> list[str]:
        """In Jupyter, the error's name and its teaching message, not a traceback wall.

        (IPython shows what this returns instead of the traceback; the message says what
        is wrong and what to do, and the code behind it is nothing a trainee can act on.)
        """
        return [f"\x1b[0;31m✘ {type(self).__name__}\x1b[0m: {self}"]


class CheckFailed(OsintLabError, AssertionError):
    """An exercise check found a problem; the message tells the trainee what to change."""


class CurriculumError(OsintLabError, ValueError):
    """A module breaks the curriculum contract; ``problems`` lists every finding."""

    def __init__(self, message: str, problems: list[str] | None = None, **context: Any) -> None:
        super().__init__(message, problems=list(problems or []), **context)


class DatasetMissing(OsintLabError, FileNotFoundError):
    """A dataset the lesson needs is not in ``datasets/``."""


class ExtractError(OsintLabError, ValueError):
    """``osintlab.extract`` was given something it cannot read (``value``), or a bad option."""


class WebError(OsintLabError, ValueError):
    """``osintlab.web`` was asked something it cannot do (a bad address, selector or date)."""


class GradingError(OsintLabError):
    """A cohort command cannot go on (no course folder, unknown module, nbgrader refused)."""


class SubmissionError(GradingError, ValueError):
    """One submission cannot be graded; the cohort goes on without it."""


class CourseMissing(GradingError, FileNotFoundError):
    """There is no course folder where a trainer command expected one."""


class ClassroomError(OsintLabError):
    """The classroom server cannot be set up (settings, accounts, folders)."""


class RosterError(ClassroomError, ValueError):
    """The roster CSV has problems; ``problems`` lists each one with its line."""

    def __init__(self, message: str, problems: list[str] | None = None, **context: Any) -> None:
        super().__init__(message, problems=list(problems or []), **context)


class EvidenceError(OsintLabError):
    """A case folder cannot do what was asked (``osintlab.evidence``)."""


class CaptureFailed(EvidenceError):
    """A URL, response or file could not be captured; nothing was added to the case."""


class OutsideCase(EvidenceError, ValueError):
    """A path points outside the case folder (or outside an archive being checked)."""


class DuplicateCapture(EvidenceError, ValueError):
    """The same bytes are already an item of this case; ``item`` names it."""


class BadAnchor(EvidenceError, ValueError):
    """A log head to verify against is not written ``SEQ:HASH`` (``7:sha256:<64 hex>``)."""


class CaseNotWritable(EvidenceError, PermissionError):
    """The case folder (or the disk it is on) is read-only."""


class DiskFull(EvidenceError, OSError):
    """The disk filled up while writing; the half-written item was removed, the log is intact."""


class TamperDetected(EvidenceError):
    """Verification found problems; ``findings`` lists each one (item or log entry named)."""

    def __init__(self, message: str, findings: list[str] | None = None, **context: Any) -> None:
        super().__init__(message, findings=list(findings or []), **context)


class TranslationError(OsintLabError, ValueError):
    """A translation catalogue cannot be read or written, or a language is unknown."""


class SandboxRefused(OsintLabError, ValueError):
    """The sandbox session refused a host outside the fictional internet (``url``, ``hosts``)."""


class NameScriptError(OsintLabError, ValueError):
    """A name is empty or in the wrong script, or the language code is unknown (``names``)."""


class AccountError(OsintLabError, ValueError):
    """``osintlab.accounts`` was given a username, contact or link it cannot use."""


class DomainError(OsintLabError, ValueError):
    """``osintlab.domains`` was given a name or address it cannot look up (``value``)."""


class ImageError(OsintLabError, ValueError):
    """``osintlab.images`` or ``osintlab.maps`` got a photo, time or place it cannot use."""


class LawFactUnknown(OsintLabError, ValueError):
    """The law register has no fact ``fact`` (the message names the nearest ids)."""
