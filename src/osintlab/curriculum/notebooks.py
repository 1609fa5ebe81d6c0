"""Every notebook of a module: valid nbformat, unique cell ids, outputs cleared, and the
lesson form (questions, objectives, key points).

Example:
    >>> _cell_label({"id": "intro"}, 3)
    "cell 'intro'"
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import nbformat

from .._i18n import _
from .module import Problem, _key_path


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _cell_label(cell: Any, number: int) -> str:
    cell_id = cell.get("id") if isinstance(cell, dict) else None
    if isinstance(cell_id, str) and cell_id:
        return f"cell '{cell_id}'"
    return f"cell {number} (no id)"


def _load_notebook(path: Path, rel: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The notebook as plain JSON (never repaired), or the reason it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [
            Problem(
                rel, _("is not UTF-8 text (byte {at}); restore it from git.").format(at=error.start)
            )
        ]
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [
            Problem(
                rel,
                _(
                    "is not a readable notebook: broken JSON at line {line}, column {column} "
                    "({why}). A merge conflict or a hand edit usually does this; restore the "
                    "file from git or repair that line."
                ).format(line=error.lineno, column=error.colno, why=error.msg),
            )
        ]
    version = raw.get("nbformat") if isinstance(raw, dict) else None
    if version == 4 and not isinstance(raw.get("cells"), list):
        return None, [
            Problem(
                rel,
                _(
                    "has no list of cells ('cells' is {cells!r}); restore the file from git, or "
                    "open it in JupyterLab and save it again."
                ).format(cells=raw.get("cells")),
            )
        ]
    if version != 4:
        return None, [
            Problem(
                rel,
                _(
                    "is not a notebook in format 4 (nbformat is {version!r}); open it in "
                    "JupyterLab and save it again, or restore it from git."
                ).format(version=version),
            )
        ]
    return raw, []


def _check_notebook_format(raw: dict[str, Any], rel: str) -> list[Problem]:
    """Check 5: nbformat's schema, cell ids, cleared outputs, a kernelspec."""
    problems: list[Problem] = []
    cells = raw["cells"]
    minor = raw.get("nbformat_minor")
    seen_places: set[tuple[str, str]] = set()
    for error in nbformat.validator.iter_validate(copy.deepcopy(raw)):
        path = list(error.relative_path)
        if "'id'" in error.message and (path[2:] in ([], ["id"])):
            continue  # cell ids are checked below, with a clearer message
        if path[:1] == ["cells"] and len(path) >= 2 and isinstance(path[1], int):
            number = path[1]
            where = f"{rel}, {_cell_label(cells[number], number + 1)}"
            key = _key_path(path[2:])
        else:
            where, key = rel, _key_path(path)
        if (where, key) in seen_places:
            continue  # one problem per place: the first error is the most specific
        seen_places.add((where, key))
        problems.append(
            Problem(
                where,
                _(
                    "breaks the notebook format at '{key}': {message}. Open and save the "
                    "notebook in JupyterLab, which repairs most of these, or fix it by hand."
                ).format(key=key or "(top level)", message=error.message),
            )
        )
    if isinstance(minor, int) and minor < 5:
        problems.append(
            Problem(
                rel,
                _(
                    "is nbformat 4.{minor}, which has no cell ids; open it in JupyterLab 4 and "
                    "save it (it becomes 4.5 and every cell gets an id)."
                ).format(minor=minor),
            )
        )
    else:
        seen: dict[str, int] = {}
        for number, cell in enumerate(cells, 1):
            if not isinstance(cell, dict):
                continue
            cell_id = cell.get("id")
            if not isinstance(cell_id, str) or not cell_id:
                problems.append(
                    Problem(
                        f"{rel}, cell {number}",
                        _(
                            "has no id; give it a short unique one (like 'count-suspects'), "
                            "or open and save the notebook in JupyterLab 4, which adds ids. "
                            "Translations and grading find cells by id."
                        ),
                    )
                )
            elif not re.match(r"^[a-zA-Z0-9_-]{1,64}$", cell_id):
                problems.append(
                    Problem(
                        f"{rel}, cell {number}",
                        _(
                            "has the id {id!r}; an id may only have letters, digits, '-' and "
                            "'_' (at most 64). Rename it, e.g. '{fixed}'."
                        ).format(id=cell_id, fixed=re.sub(r"[^a-zA-Z0-9_-]+", "-", cell_id)[:64]),
                    )
                )
            elif cell_id in seen:
                problems.append(
                    Problem(
                        f"{rel}, cell '{cell_id}'",
                        _(
                            "the id '{id}' is used by cells {first} and {number}; ids must be "
                            "unique in a notebook (translations and grading find cells by id). "
                            "Rename one of them."
                        ).format(id=cell_id, first=seen[cell_id], number=number),
                    )
                )
            else:
                seen[cell_id] = number
    with_output = [
        _cell_label(cell, number)
        for number, cell in enumerate(cells, 1)
        if isinstance(cell, dict)
        and cell.get("cell_type") == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    if with_output:
        problems.append(
            Problem(
                rel,
                _(
                    "has saved outputs or execution counts in {cells}; clear them (JupyterLab: "
                    "Edit > Clear Outputs of All Cells) and save. Trainees start from a clean "
                    "notebook, and saved outputs can give answers away."
                ).format(cells=", ".join(with_output)),
            )
        )
    kernelspec = (
        raw.get("metadata", {}).get("kernelspec") if isinstance(raw.get("metadata"), dict) else None
    )
    if not isinstance(kernelspec, dict) or not kernelspec.get("name"):
        problems.append(
            Problem(
                rel,
                _(
                    "has no kernelspec in its metadata; open it in JupyterLab, choose the "
                    "'Python 3 (ipykernel)' kernel and save (nbgrader starts the kernel named "
                    "there)."
                ),
            )
        )
    return problems


def _check_lesson(raw: dict[str, Any], rel: str) -> list[Problem]:
    """Check 6: a lesson opens with objectives and closes with key points (Carpentries)."""
    cells = [cell for cell in raw["cells"] if isinstance(cell, dict)]
    if not cells:
        return [
            Problem(
                rel,
                _("has no cells; a lesson opens with its objectives and closes with key points."),
            )
        ]
    problems: list[Problem] = []
    for cell, number, needed, place in (
        (cells[0], 1, "Objectives", _("first")),
        (cells[-1], len(cells), "Key points", _("last")),
    ):
        if cell.get("cell_type") != "markdown" or needed.lower() not in _source(cell).lower():
            problems.append(
                Problem(
                    f"{rel}, {_cell_label(cell, number)}",
                    _(
                        "the {place} cell of a lesson must be a markdown cell with '{needed}' "
                        "(a heading like '## {needed}'); this is a {kind} cell{without}. Add "
                        "or fix that cell."
                    ).format(
                        place=place,
                        needed=needed,
                        kind=cell.get("cell_type"),
                        without=""
                        if needed.lower() in _source(cell).lower()
                        else " " + _("without '{needed}'").format(needed=needed),
                    ),
                )
            )
    return problems
