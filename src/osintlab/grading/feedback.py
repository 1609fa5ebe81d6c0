"""nbgrader preprocessors that keep hidden tests out of a trainee's feedback.

Plain ``nbgrader generate_feedback`` renders the autograded notebook, whose test cells hold
the hidden tests (jupyter/nbgrader#917, #1363), and a failed hidden check's traceback quotes
the very line with the expected answer. ``HideHiddenTests`` removes each hidden region from
the test cells and cuts every error in a test cell down to the check's own message, which
is what the trainee needs to read. It runs after nbgrader's ``GetGrades`` in
``GenerateFeedback.preprocessors`` (see grading/nbgrader_config.py).

Example:
    >>> strip_hidden("a\\n### BEGIN HIDDEN TESTS\\nsecret\\n### END HIDDEN TESTS\\nb")
    'a\\n# (more checks ran here at grading)\\nb'
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from ..curriculum.cells import HIDDEN_TESTS, is_test, tag_lines

PLACEHOLDER = "# (more checks ran here at grading)"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def strip_hidden(source: str) -> str:
    """Replace each hidden-test region (markers included) by one placeholder comment.

    Example:
        >>> strip_hidden("x = 1")
        'x = 1'
    """
    kept: list[str] = []
    for line, state in tag_lines(source, HIDDEN_TESTS):
        if state == "begin":
            kept.append(line[: len(line) - len(line.lstrip())] + PLACEHOLDER)
        elif state == "outside":
            kept.append(line)
    return "\n".join(kept)


def short_error(output: dict) -> dict:
    """An error output reduced to its last line: the check's message, no code.

    Example:
        >>> short_error({"output_type": "error", "ename": "CheckFailed", "evalue": "No.",
        ...              "traceback": ["long"]})["traceback"]
        ['CheckFailed: No.']
    """
    text = f"{output.get('ename', 'Error')}: {_ANSI.sub('', str(output.get('evalue', '')))}"
    return {**output, "traceback": [text]}


class HideHiddenTests(Preprocessor):
    """Remove hidden tests and code-quoting tracebacks from graded test cells."""

    enabled = Bool(True, help="On whenever it is listed (nbconvert's default is off).")

    def preprocess_cell(self, cell, resources, index):  # type: ignore[override]
        if cell.cell_type == "code" and is_test(cell):
            cell.source = strip_hidden(cell.source)
            cell.outputs = [
                short_error(o) if o.get("output_type") == "error" else o for o in cell.outputs
            ]
        return cell, resources
