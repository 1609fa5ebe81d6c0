r"""``check_module`` and ``check_all``: every check of the contract, in order, in one place.

For each module (:func:`_check_module`): a folder without module.yml is reported and nothing
else is checked; then module.yml against its schema, its identity, the trainer guide, the
notebook list and the datasets; then each listed notebook that nbformat can read gets the
format checks, lessons the lesson form and the exercise the nbgrader checks; the
typical-mistake hand-in comes last.

Example:
    >>> problems = check_all(Path("."))   # from the repository's top folder
    >>> print("\n".join(map(str, problems)) or "every module keeps the contract")
    every module keeps the contract
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .._i18n import _
from .callouts import _check_callouts
from .contents import (
    _check_datasets,
    _check_guide,
    _check_identity,
    _check_minutes,
    _check_notebook_list,
    _is_int,
    _is_number,
    _listed,
    _number,
    _quoted,
    _rel,
)
from .exercise import _check_nbgrader
from .ladder import _check_ladder, _check_links
from .module import (
    MODULE_FILE,
    MODULES,
    NOTEBOOKS,
    Problem,
    _at_key,
    _did_you_mean,
    _module_folders,
    _read_module_file,
)
from .notebooks import _check_lesson, _check_notebook_format, _load_notebook


def _check_notebooks(
    root: Path,
    module_id: str,
    listed: list[tuple[int, str, str]],
    points: Any,
    yml: str,
) -> list[Problem]:
    """Checks 5, 6 and 7 for every listed notebook that exists."""
    problems: list[Problem] = []
    folder = root / NOTEBOOKS / module_id
    done: set[str] = set()
    exercises = [file for _i, file, kind in listed if kind == "exercise"]
    for _index, file, kind in listed:
        path = folder / file
        if file in done or not path.is_file():
            continue
        done.add(file)
        rel = _rel(root, path)
        raw, found = _load_notebook(path, rel)
        problems.extend(found)
        if raw is None:
            continue
        problems.extend(_check_notebook_format(raw, rel))
        problems.extend(_check_callouts(raw, rel))
        if kind == "lesson":
            problems.extend(_check_lesson(raw, rel))
        is_exercise = kind == "exercise" and len(exercises) == 1
        problems.extend(_check_nbgrader(raw, rel, exercise=is_exercise, points=points, yml=yml))
    return problems


def _check_module(root: Path, module_dir: Path) -> tuple[list[Problem], dict[str, Any]]:
    root = Path(root)
    folder = module_dir if Path(module_dir).is_absolute() else root / module_dir
    yml_path = folder / MODULE_FILE
    yml = _rel(root, yml_path)
    if not yml_path.is_file():
        return [
            Problem(
                _rel(root, folder) + "/",
                _(
                    "has no module.yml; every folder in modules/ is one module. Copy module.yml "
                    "from another module and change it, or remove the folder."
                ),
            )
        ], {}
    data, findings = _read_module_file(yml_path)
    problems = [Problem(_at_key(yml, key), what) for key, what in findings]
    if not isinstance(data, dict):
        data = {}
    problems.extend(_check_identity(data, folder, yml))
    problems.extend(_check_guide(root, folder))
    module_id = data.get("id") if isinstance(data.get("id"), str) else folder.name
    listed = _listed(data)
    usable = isinstance(data.get("notebooks"), list)
    problems.extend(_check_notebook_list(root, yml, module_id, listed, listing_usable=usable))
    problems.extend(_check_datasets(root, yml, data))
    problems.extend(_check_minutes(yml, data))
    problems.extend(_check_notebooks(root, module_id, listed, data.get("points"), yml))
    problems.extend(_check_mistake(root, module_id, data.get("points")))
    return problems, data


def _check_mistake(root: Path, module_id: str, points: Any) -> list[Problem]:
    """Check 9: grading/mistakes/<id>.ipynb and .yml, the typical partly-correct hand-in."""
    notebook = root / "grading" / "mistakes" / f"{module_id}.ipynb"
    card = notebook.with_suffix(".yml")
    where = _rel(root, notebook)
    if not notebook.is_file() or not card.is_file():
        return [
            Problem(
                where,
                _(
                    "is missing (with its .yml): every module keeps one typical partly-correct "
                    "hand-in of its exercise, which the tests grade for real. Copy the exercise, "
                    "answer some tasks right and some with a typical mistake, and write "
                    "expected_score in the .yml."
                ),
            )
        ]
    try:
        data = yaml.safe_load(card.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        return [Problem(_rel(root, card), _("is not valid YAML: {error}").format(error=error))]
    expected = data.get("expected_score") if isinstance(data, dict) else None
    if not _is_number(expected):
        return [Problem(_rel(root, card), _("needs `expected_score:` with a number."))]
    if _is_number(points) and not 0 < expected < points:
        return [
            Problem(
                _rel(root, card),
                _(
                    "expected_score is {expected}, but a typical mistake must score more than 0 "
                    "and less than the module's {points} points."
                ).format(expected=_number(expected), points=_number(points)),
            )
        ]
    return []


def check_module(root: Path, module_dir: Path) -> list[Problem]:
    """Every way one module breaks the contract (checks that need other modules: ``check_all``).

    ``root`` is the repository's top folder; ``module_dir`` is ``modules/<id>`` (absolute,
    or relative to ``root``).

    Example:
        >>> check_module(Path("."), Path("modules/m00-getting-started"))
        []
    """
    return _check_module(root, module_dir)[0]


def check_all(root: Path) -> list[Problem]:
    """Every way the repository at ``root`` breaks the curriculum contract; ``[]`` if none.

    Checks each folder in modules/, then what only the whole curriculum shows: a notebooks/
    folder without a module, two modules with one order, prerequisites that do not exist
    or do not come earlier.

    Example:
        >>> check_all(Path("."))
        []
    """
    root = Path(root)
    if not (root / MODULES).is_dir():
        return [
            Problem(
                _rel(root, root),
                _(
                    "has no modules/ folder; run the check from the course repository's top "
                    "folder (the one with modules/, notebooks/ and datasets/)."
                ),
            )
        ]
    problems: list[Problem] = []
    modules: list[tuple[str, dict[str, Any]]] = []
    for folder in _module_folders(root):
        found, data = _check_module(root, folder)
        problems.extend(found)
        if data:
            modules.append((_rel(root, folder / MODULE_FILE), data))
    problems.extend(_check_ladder(root, modules))
    problems.extend(_check_links(root, modules))
    notebooks = root / NOTEBOOKS
    if notebooks.is_dir():
        for folder in sorted(notebooks.iterdir()):
            if not folder.is_dir() or folder.name.startswith((".", "_")):
                continue
            if not (root / MODULES / folder.name / MODULE_FILE).is_file():
                problems.append(
                    Problem(
                        _rel(root, folder) + "/",
                        _(
                            "has no module: there is no {modules}/{name}/{file}. Every notebook "
                            "folder is one module (one nbgrader assignment); add its module.yml "
                            "and trainer guide, or move the notebooks into a module's folder."
                        ).format(modules=MODULES, name=folder.name, file=MODULE_FILE),
                    )
                )
    orders: dict[int, list[str]] = {}
    for _yml, data in modules:
        if _is_int(data.get("order")) and isinstance(data.get("id"), str):
            orders.setdefault(data["order"], []).append(data["id"])
    order_of = {
        data["id"]: data.get("order") for _yml, data in modules if isinstance(data.get("id"), str)
    }
    for yml, data in modules:
        module_id, order = data.get("id"), data.get("order")
        sharing = orders.get(order, []) if _is_int(order) else []
        if len(sharing) > 1:
            problems.append(
                Problem(
                    _at_key(yml, "order"),
                    _(
                        "is {order}, which {others} also use(s); every module needs its own "
                        "place in the teaching order. Give one of them another order (and the "
                        "matching number in its id)."
                    ).format(order=order, others=_quoted(i for i in sharing if i != module_id)),
                )
            )
        prerequisites = data.get("prerequisites")
        if not isinstance(prerequisites, list):
            continue
        for index, name in enumerate(prerequisites):
            if not isinstance(name, str):
                continue
            key = _at_key(yml, f"prerequisites[{index}]")
            if name not in order_of:
                problems.append(
                    Problem(
                        key,
                        _(
                            "names '{name}', which is not a module here; correct the id or "
                            "remove it.{close} The modules are: {known}."
                        ).format(
                            name=name,
                            close=_did_you_mean(name, order_of),
                            known=", ".join(sorted(order_of)),
                        ),
                    )
                )
            elif name == module_id:
                problems.append(Problem(key, _("names this module itself; remove it.")))
            elif _is_int(order) and _is_int(order_of[name]) and order_of[name] >= order:
                problems.append(
                    Problem(
                        key,
                        _(
                            "names '{name}' (order {theirs}), which does not come before this "
                            "module (order {order}); a prerequisite must be taught earlier. "
                            "Remove it or fix the orders."
                        ).format(name=name, theirs=order_of[name], order=order),
                    )
                )
    return problems
