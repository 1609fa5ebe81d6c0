"""The Python ladder: a trainee never meets Python the course has not taught, and never a link
to a module that does not exist.

Each module.yml names what it *teaches*: ``python:`` lists constructs (ids of
:data:`CONSTRUCTS`, such as ``for`` or ``f-string``) and ``calls:`` the functions and methods
a trainee is shown how to call (``read_csv``, ``sort_values``, ``capture``). What a module may
use is what it teaches plus everything its prerequisites (and theirs) teach.

- Every lesson code cell, and every trainee-written region (an exercise's solution regions, the
  ```` ```python ```` blocks of a lesson's "Solution" ``<details>``), may use only taught
  constructs. Names, text and numbers, ``=``, calling a function with or without ``name=``
  arguments, ``a.b`` and ``import`` are the first rung and always allowed.
- Trainee-written regions may call only taught functions and methods.
- A lesson cell tagged ``setup`` (an author's cell that is run, not read) may use more; it must
  start with a comment that says so.

Example:
    >>> sorted(constructs_in("for name in names:\\n    print(f'{name}')"))
    ['f-string', 'for']
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .._i18n import N_, _
from .contents import _rel
from .module import NOTEBOOKS, Problem, _at_key
from .notebooks import _source

#: Every construct a module can teach, with the words a trainee would use for it.
CONSTRUCTS: dict[str, str] = {
    "arithmetic": N_("arithmetic (+, -, *, /)"),
    "comparison": N_("comparisons (==, <, in)"),
    "boolean": N_("and, or, not"),
    "combine-filters": N_("&, | and ~ to combine table filters"),
    "bitwise": N_("bit operations (^, <<, >>)"),
    "f-string": N_('f-strings (f"...{x}...")'),
    "list": N_("lists [...]"),
    "dict": N_("dictionaries {...: ...}"),
    "tuple": N_("tuples (a, b)"),
    "set": N_("sets {a, b}"),
    "index": N_('indexing x[0], x["key"]'),
    "slicing": N_("slicing x[1:3]"),
    "augmented-assignment": N_("x += 1"),
    "unpacking": N_("a, b = ..."),
    "for": N_("for loops"),
    "while": N_("while loops"),
    "loop-control": N_("break and continue"),
    "if": N_("if / elif / else"),
    "conditional-expression": N_("a if condition else b"),
    "def": N_("defining functions (def, return)"),
    "lambda": N_("lambda"),
    "comprehension": N_("comprehensions [x for x in ...]"),
    "try": N_("try / except"),
    "with": N_("with blocks"),
    "class": N_("classes"),
    "raise": N_("raise"),
    "assert": N_("assert"),
    "del": N_("del"),
    "global": N_("global and nonlocal"),
    "walrus": N_("the := operator"),
    "star": N_("*args and **kwargs"),
    "generator": N_("yield and await"),
}

_BINARY = {
    ast.BitAnd: "combine-filters",
    ast.BitOr: "combine-filters",
    ast.BitXor: "bitwise",
    ast.LShift: "bitwise",
    ast.RShift: "bitwise",
}
_NODES: dict[type, str] = {
    ast.JoinedStr: "f-string",
    ast.List: "list",
    ast.Dict: "dict",
    ast.Set: "set",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean",
    ast.AugAssign: "augmented-assignment",
    ast.For: "for",
    ast.AsyncFor: "for",
    ast.While: "while",
    ast.Break: "loop-control",
    ast.Continue: "loop-control",
    ast.If: "if",
    ast.IfExp: "conditional-expression",
    ast.FunctionDef: "def",
    ast.AsyncFunctionDef: "def",
    ast.Return: "def",
    ast.Lambda: "lambda",
    ast.Try: "try",
    ast.With: "with",
    ast.AsyncWith: "with",
    ast.ClassDef: "class",
    ast.Raise: "raise",
    ast.Assert: "assert",
    ast.Delete: "del",
    ast.Global: "global",
    ast.Nonlocal: "global",
    ast.NamedExpr: "walrus",
    ast.Starred: "star",
    ast.Yield: "generator",
    ast.YieldFrom: "generator",
    ast.Await: "generator",
}
_SOLUTION = re.compile(r"<details>\s*<summary>[^<]*</summary>(.*?)</details>", re.S)
_FENCE = re.compile(r"```python\n(.*?)```", re.S)
_MODULE_ID = re.compile(r"(?<![\w/.-])(m\d{2})(?:-[a-z0-9]+)*(?![\w])")


def _parse(source: str) -> ast.Module | None:
    lines = [
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    ]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def constructs_in(source: str) -> dict[str, int]:
    """Each construct the code uses, with the first line that uses it.

    Example:
        >>> constructs_in("x = cases[cases['city'] == 'Osh']")
        {'index': 1, 'comparison': 1}
    """
    tree = _parse(source)
    found: dict[str, int] = {}
    if tree is None:
        return found
    indexes: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            if isinstance(node.slice, ast.Slice):
                kind = "slicing"
            else:
                kind = "index"
                indexes.add(id(node.slice))
        elif isinstance(node, ast.Tuple):
            if id(node) in indexes:
                continue
            kind = "unpacking" if isinstance(node.ctx, ast.Store) else "tuple"
        elif isinstance(node, ast.BinOp):
            kind = _BINARY.get(type(node.op), "arithmetic")
        elif isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                kind = "boolean"
            elif isinstance(node.op, ast.Invert):
                kind = "combine-filters"
            else:
                kind = "arithmetic"
        elif isinstance(node, ast.keyword) and node.arg is None:
            kind = "star"
        else:
            kind = _NODES.get(type(node), "")
        if kind:
            line = getattr(node, "lineno", 1)
            found[kind] = min(found.get(kind, line), line)
    return dict(sorted(found.items(), key=lambda item: item[1]))


def calls_in(source: str) -> dict[str, int]:
    """Each function or method the code calls, by its last name, with its first line.

    Example:
        >>> calls_in("pd.read_csv(path).sort_values('loss')")
        {'sort_values': 1, 'read_csv': 1}
    """
    tree = _parse(source)
    found: dict[str, int] = {}
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            if isinstance(node.func, ast.Name):
                name = node.func.id
            if name:
                found[name] = min(found.get(name, node.lineno), node.lineno)
    return found


def _trainee_regions(cell: dict[str, Any], kind: str) -> list[tuple[str, int]]:
    """The code a trainee writes in this cell, with the line of the cell where it starts."""
    source = _source(cell)
    regions: list[tuple[str, int]] = []
    if kind == "exercise" and cell.get("cell_type") == "code":
        lines = source.splitlines()
        start: int | None = None
        for number, line in enumerate(lines):
            if line.strip() == "### BEGIN SOLUTION":
                start = number + 1
            elif line.strip() == "### END SOLUTION" and start is not None:
                regions.append(("\n".join(lines[start:number]), start))
                start = None
    elif kind == "lesson" and cell.get("cell_type") == "markdown":
        for details in _SOLUTION.finditer(source):
            for fence in _FENCE.finditer(details.group(1)):
                regions.append((fence.group(1), 0))
    return regions


def _taught(modules: dict[str, dict[str, Any]], module_id: str) -> tuple[set[str], set[str]]:
    constructs: set[str] = set()
    calls: set[str] = set()
    seen: set[str] = set()
    todo = [module_id]
    while todo:
        current = todo.pop()
        if current in seen or current not in modules:
            continue
        seen.add(current)
        data = modules[current]
        constructs.update(c for c in data.get("python") or [] if isinstance(c, str))
        calls.update(c for c in data.get("calls") or [] if isinstance(c, str))
        todo.extend(p for p in data.get("prerequisites") or [] if isinstance(p, str))
    return constructs, calls


def _untaught(
    where: str, code: str, offset: int, constructs: set[str], calls: set[str] | None, module: str
) -> list[Problem]:
    problems = []
    for construct, line in constructs_in(code).items():
        if construct not in constructs:
            problems.append(
                Problem(
                    f"{where}, line {line + offset}",
                    _(
                        "uses {what}, which {module} and its prerequisites do not teach. Write "
                        "it with what trainees know, or teach it here and add '{construct}' to "
                        "`python:` in module.yml."
                    ).format(
                        what=_(CONSTRUCTS[construct]), module=module, construct=construct
                    ),
                )
            )
    for name, line in (calls_in(code) if calls is not None else {}).items():
        if name not in calls:
            problems.append(
                Problem(
                    f"{where}, line {line + offset}",
                    _(
                        "asks the trainee to call `{name}`, which {module} and its prerequisites "
                        "do not teach. Show it in a worked example and add '{name}' to `calls:` "
                        "in module.yml, or ask for a call that was taught."
                    ).format(name=name, module=module),
                )
            )
    return problems


def _notebook_cells(root: Path, module_id: str, data: dict[str, Any]) -> Iterable[Any]:
    """(file label, notebook kind, cell, cell label) for every cell of the module's notebooks."""
    import json

    for entry in data.get("notebooks") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            continue
        path = root / NOTEBOOKS / module_id / entry["file"]
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells") or []
        except (OSError, ValueError, AttributeError):
            continue  # the format checks report an unreadable notebook
        for number, cell in enumerate(cells, 1):
            if isinstance(cell, dict):
                label = f"cell '{cell.get('id')}'" if cell.get("id") else f"cell {number}"
                yield _rel(root, path), entry.get("kind"), cell, label


def _check_ladder(root: Path, modules: list[tuple[str, dict[str, Any]]]) -> list[Problem]:
    """Check 10: lesson cells and trainee-written code use only what the ladder has taught."""
    by_id = {data["id"]: data for _yml, data in modules if isinstance(data.get("id"), str)}
    problems: list[Problem] = []
    for yml, data in modules:
        module_id = data.get("id")
        if not isinstance(module_id, str):
            continue
        for key in ("python", "calls"):
            if key not in data:
                problems.append(
                    Problem(
                        _at_key(yml, key),
                        _(
                            "is missing: every module names the Python it teaches (`python:`, "
                            "construct ids) and the calls it shows (`calls:`); write `[]` if it "
                            "teaches none."
                        ),
                    )
                )
        for index, construct in enumerate(data.get("python") or []):
            if construct not in CONSTRUCTS:
                problems.append(
                    Problem(
                        _at_key(yml, f"python[{index}]"),
                        _("is {construct!r}, which is not a construct id; use one of: {known}.")
                        .format(construct=construct, known=", ".join(CONSTRUCTS)),
                    )
                )
        constructs, calls = _taught(by_id, module_id)
        for rel, kind, cell, label in _notebook_cells(root, module_id, data):
            where = f"{rel}, {label}"
            tags = (cell.get("metadata") or {}).get("tags") or []
            if kind == "lesson" and cell.get("cell_type") == "code":
                if "setup" in tags:
                    if not _source(cell).lstrip().startswith("#"):
                        problems.append(
                            Problem(
                                where,
                                _(
                                    "is tagged setup but does not start with a comment; say in "
                                    "its first line what it prepares and that it is run, not "
                                    "read."
                                ),
                            )
                        )
                else:
                    problems.extend(
                        _untaught(where, _source(cell), 0, constructs, None, module_id)
                    )
            for code, offset in _trainee_regions(cell, str(kind)):
                problems.extend(_untaught(where, code, offset, constructs, calls, module_id))
    return problems


def _check_links(root: Path, modules: list[tuple[str, dict[str, Any]]]) -> list[Problem]:
    """Check 11: no notebook or trainer guide points at a module that does not exist."""
    ids = {data["id"] for _yml, data in modules if isinstance(data.get("id"), str)}
    short = {module_id[:3]: module_id for module_id in ids}
    problems: list[Problem] = []

    def scan(where: str, text: str) -> None:
        for match in _MODULE_ID.finditer(text):
            if match.group(1) not in short:
                problems.append(
                    Problem(
                        where,
                        _(
                            "mentions {name}, which is not a module of this course yet. Name "
                            "only modules that exist (they are: {known}); say 'a later module' "
                            "for one still to come."
                        ).format(name=match.group(0), known=", ".join(sorted(short))),
                    )
                )

    for yml, data in modules:
        module_id = data.get("id")
        if not isinstance(module_id, str):
            continue
        guide = Path(root) / Path(yml).parent / "README.md"
        if guide.is_file():
            scan(_rel(root, guide), guide.read_text(encoding="utf-8"))
        for rel, _kind, cell, label in _notebook_cells(Path(root), module_id, data):
            scan(f"{rel}, {label}", _source(cell))
    return problems
