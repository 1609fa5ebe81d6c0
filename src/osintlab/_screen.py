"""Screen a hand-in before grading for code that could fake a passing check.

Everything in one kernel can change everything else in it, so a submission could replace
``check.equal`` with a function that never fails, or tell IPython to swallow errors, and every
test would pass. nbgrader restores the test cells themselves, but not what the answer cells do
to the kernel. This screen reads the trainee's cells (never runs them) and names each line
that reaches for the grading machinery. A flagged submission is still run, but its autograded
points are held at zero and marked for a trainer's review.

Example:
    >>> findings = screen_source("from osintlab import check\\ncheck.equal = print", "answer-1")
    >>> findings[0].reason
    'changes the grading helper `check`'
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import nbformat

from ._cells import nbgrader_meta

#: Names an answer never needs and that can change how checks report.
_SUSPICIOUS_NAMES = {
    "get_ipython": "reaches into the kernel (can hide errors from grading)",
    "__import__": "imports by a hidden name",
    "exec": "runs code built from text",
    "eval": "runs code built from text",
    "compile": "builds code from text",
    "setattr": "changes attributes by name",
    "delattr": "deletes attributes by name",
    "getattr": "reads attributes by name",
    "globals": "rewrites the notebook's variables",
    "vars": "rewrites the notebook's variables",
    "__builtins__": "changes Python's built-in functions",
    "AssertionError": "redefines what a failed check is",
    "CheckFailed": "redefines what a failed check is",
}
_SUSPICIOUS_MODULES = {
    "builtins", "ctypes", "gc", "importlib", "inspect", "signal", "sys", "IPython",
    "ipykernel", "traceback", "atexit", "threading", "_thread", "subprocess",
}
_GRADING_NAMES = {"check", "osintlab", "nbgrader"}


@dataclass(frozen=True)
class Finding:
    """One line of a hand-in that reaches for the grading machinery."""

    cell: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"cell '{self.cell}', line {self.line}: {self.reason}"


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _targets(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return [node.target]
    if isinstance(node, ast.Delete):
        return list(node.targets)
    return []


def screen_source(source: str, cell: str) -> list[Finding]:
    """Findings for one cell's source; IPython magics and shell lines count as findings.

    Example:
        >>> screen_source("total = 3 + 4", "answer-total")
        []
    """
    findings: list[Finding] = []
    lines = source.splitlines()
    for number, text in enumerate(lines, start=1):
        if text.lstrip().startswith(("%", "!")):
            findings.append(Finding(cell, number, "uses an IPython magic or shell command"))
    cleaned = "\n".join(
        "" if t.lstrip().startswith(("%", "!")) else t for t in lines
    )
    try:
        tree = ast.parse(cleaned)
    except SyntaxError:
        return findings  # a syntax error fails on its own when the cell runs
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name) and node.id in _SUSPICIOUS_NAMES:
            findings.append(Finding(cell, line, _SUSPICIOUS_NAMES[node.id]))
        elif isinstance(node, ast.Attribute) and node.attr.startswith("__"):
            findings.append(Finding(cell, line, f"reaches for Python internals (`{node.attr}`)"))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [
                node.module or ""
            ]
            for module in modules:
                if module.split(".")[0] in _SUSPICIOUS_MODULES:
                    findings.append(Finding(cell, line, f"imports `{module}`"))
        for target in _targets(node):
            root = _root_name(target)
            changes_object = isinstance(target, ast.Attribute | ast.Subscript)
            if root in _GRADING_NAMES and (changes_object or isinstance(node, ast.Delete)):
                findings.append(Finding(cell, line, f"changes the grading helper `{root}`"))
            elif isinstance(target, ast.Name) and target.id in _GRADING_NAMES:
                findings.append(Finding(cell, line, f"replaces the grading helper `{target.id}`"))
    return sorted(set(findings), key=lambda f: (f.cell, f.line, f.reason))


def screen_notebook(path: str, locked_ids: set[str]) -> list[Finding]:
    """Findings for every code cell the trainee could write (all but the locked ones).

    Example:
        >>> screen_notebook("submitted/ali/m00/04-exercise.ipynb", {"check-1"})  # doctest: +SKIP
        []
    """
    notebook = nbformat.read(path, as_version=4)
    findings: list[Finding] = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in locked_ids:
            continue  # nbgrader puts the source's own version back before running
        findings.extend(screen_source(cell.source, grade_id or cell.get("id") or f"#{index}"))
    return findings
