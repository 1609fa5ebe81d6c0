"""Leak checks: no line of a model answer or a hidden test may reach what trainees receive.

Example:
    >>> import nbformat
    >>> find_leaks(nbformat.v4.new_notebook(), nbformat.v4.new_notebook())
    []
"""

from __future__ import annotations

import nbformat

from ..curriculum.cells import HIDDEN_TESTS, SOLUTION, tag_lines

__all__ = ["find_leaks"]


def find_leaks(source: nbformat.NotebookNode, release: nbformat.NotebookNode) -> list[str]:
    """Solution or hidden-test lines of ``source`` that appear in ``release``.

    Example:
        >>> find_leaks(nbformat.v4.new_notebook(), nbformat.v4.new_notebook())
        []
    """
    secret: set[str] = set()
    public: set[str] = set()
    for cell in source.cells:
        for line, state in tag_lines(cell.source, SOLUTION, HIDDEN_TESTS):
            text = line.strip()
            if state in ("inside", "outside") and text and not text.startswith("#"):
                (secret if state == "inside" else public).add(text)
    secret -= public  # a line also shown outside the regions is not a secret
    leaks: list[str] = []
    for cell in release.cells:
        for line, state in tag_lines(cell.source, SOLUTION, HIDDEN_TESTS):
            if state != "outside" or line.strip() in secret:
                leaks.append(f"cell '{cell.get('id')}': {line.strip()[:80]}")
    return leaks
