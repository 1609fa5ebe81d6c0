"""What the course's tools need to know about nbgrader cells, in one place.

nbgrader finds its region markers by substring ("# BEGIN SOLUTION" counts too), and so do the
module check, the release's leak check and the feedback cleaner, all through these names.

Example:
    >>> [state for _, state in tag_lines("a\\n### BEGIN SOLUTION\\nb\\n### END SOLUTION", SOLUTION)]
    ['outside', 'begin', 'inside', 'end']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SOLUTION = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN_TESTS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def nbgrader_meta(cell: Any) -> dict[str, Any]:
    """The cell's nbgrader metadata, or ``{}`` for an ordinary cell.

    Example:
        >>> nbgrader_meta({"metadata": {"nbgrader": {"grade_id": "check-1"}}})["grade_id"]
        'check-1'
    """
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def is_test(cell: Any) -> bool:
    """Is this an autograded test cell (graded, not an answer)?

    Example:
        >>> is_test({"metadata": {"nbgrader": {"grade": True, "solution": False}}})
        True
    """
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution")


def tag_lines(source: str, *markers: tuple[str, str]) -> Iterator[tuple[str, str]]:
    """Each line with where it stands: 'outside', 'begin', 'inside' or 'end' of a region.

    Example:
        >>> list(tag_lines("x = 1", HIDDEN_TESTS))
        [('x = 1', 'outside')]
    """
    inside = False
    for line in source.splitlines():
        if any(begin in line for begin, _ in markers):
            inside = True
            yield line, "begin"
        elif any(end in line for _, end in markers):
            inside = False
            yield line, "end"
        else:
            yield line, "inside" if inside else "outside"
