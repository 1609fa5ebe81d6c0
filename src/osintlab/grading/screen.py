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

from ..curriculum.cells import nbgrader_meta

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


def _parse(source: str) -> ast.AST | None:
    """The cell as Python, magics and shell lines blanked; None if it does not parse."""
    lines = ["" if t.lstrip().startswith(("%", "!")) else t for t in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None  # a syntax error fails on its own when the cell runs


def _aliases(tree: ast.AST | None) -> set[str]:
    """Other names the cell gives to osintlab or its parts (``from osintlab import check as c``)."""
    names: set[str] = set()
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Import | ast.ImportFrom):
            module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
            for alias in node.names:
                if (module or alias.name).split(".")[0] == "osintlab" and alias.asname:
                    names.add(alias.asname)
    return names


def screen_source(source: str, cell: str, aliases: frozenset[str] = frozenset()) -> list[Finding]:
    """Findings for one cell's source; IPython magics and shell lines count as findings.

    ``aliases`` are other names the notebook gave the grading helpers in other cells.

    Example:
        >>> screen_source("total = 3 + 4", "answer-total")
        []
    """
    findings: list[Finding] = []
    for number, text in enumerate(source.splitlines(), start=1):
        if text.lstrip().startswith(("%", "!")):
            findings.append(Finding(cell, number, "uses an IPython magic or shell command"))
    tree = _parse(source)
    if tree is None:
        return findings
    grading_names = _GRADING_NAMES | aliases | _aliases(tree)
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
            if root in grading_names and (changes_object or isinstance(node, ast.Delete)):
                findings.append(Finding(cell, line, f"changes the grading helper `{root}`"))
            elif isinstance(target, ast.Name) and target.id in grading_names:
                findings.append(Finding(cell, line, f"replaces the grading helper `{target.id}`"))
    return sorted(set(findings), key=lambda f: (f.cell, f.line, f.reason))


def screen_notebook(path: str, locked_ids: set[str]) -> list[Finding]:
    """Findings for every code cell the trainee could write (all but the locked ones).

    Example:
        >>> screen_notebook("submitted/ali/m00/04-exercise.ipynb", {"check-1"})  # doctest: +SKIP
        []
    """
    notebook = nbformat.read(path, as_version=4)
    written = [
        (index, cell)
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and nbgrader_meta(cell).get("grade_id") not in locked_ids
    ]  # locked cells are skipped: nbgrader puts the source's own version back before running
    aliases = frozenset().union(*(_aliases(_parse(cell.source)) for _, cell in written))
    findings: list[Finding] = []
    for index, cell in written:
        name = nbgrader_meta(cell).get("grade_id") or cell.get("id") or f"#{index}"
        findings.extend(screen_source(cell.source, name, aliases))
    return findings
