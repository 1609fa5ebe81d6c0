"""A module's files: the identity of module.yml, the trainer guide, the notebook list and
the datasets it names (each with its data card and MANIFEST).

Example:
    >>> _quoted(["a", "b"])
    "'a', 'b'"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

from .._i18n import _
from .module import (
    CHECKPOINTS,
    DATA_CARD,
    DATASETS,
    GUIDE,
    MANIFEST,
    NOTEBOOKS,
    Problem,
    _at_key,
    _did_you_mean,
)


def _rel(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: float) -> str:
    return f"{value:g}"


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _check_identity(data: dict[str, Any], folder: Path, yml: str) -> list[Problem]:
    """Check 1 (beyond the schema): id equals the folder name, order the number in the id."""
    problems: list[Problem] = []
    module_id = data.get("id")
    if isinstance(module_id, str) and module_id != folder.name:
        problems.append(
            Problem(
                _at_key(yml, "id"),
                _(
                    "is '{id}' but the folder is '{folder}'; they must be the same (the id is "
                    "also the nbgrader assignment and the notebooks/ folder name). Rename the "
                    "folder or change the id."
                ).format(id=module_id, folder=folder.name),
            )
        )
    order = data.get("order")
    number = re.match(r"^m([0-9]{2})-", module_id) if isinstance(module_id, str) else None
    if number and _is_int(order) and order != int(number.group(1)):
        problems.append(
            Problem(
                _at_key(yml, "order"),
                _(
                    "is {order} but the id '{id}' says {number}; make them equal (the number "
                    "in the id is the module's place in the teaching order)."
                ).format(order=order, id=module_id, number=int(number.group(1))),
            )
        )
    return problems


def _check_guide(root: Path, folder: Path) -> list[Problem]:
    """Check 2: the trainer guide exists and says something."""
    guide = folder / GUIDE
    if not guide.is_file():
        return [
            Problem(
                _rel(root, guide),
                _(
                    "is missing; write the trainer guide there (timing, how to run the module, "
                    "the fiction behind its data, typical mistakes)."
                ),
            )
        ]
    if not guide.read_text(encoding="utf-8", errors="replace").strip():
        return [
            Problem(
                _rel(root, guide),
                _(
                    "is empty; write the trainer guide (timing, how to run the module, the "
                    "fiction behind its data, typical mistakes)."
                ),
            )
        ]
    return []


def _listed(data: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(index, file, kind) for every notebooks entry usable enough to check further."""
    entries = data.get("notebooks")
    if not isinstance(entries, list):
        return []
    return [
        (index, entry["file"], str(entry.get("kind")))
        for index, entry in enumerate(entries)
        if isinstance(entry, dict) and isinstance(entry.get("file"), str)
    ]


def _check_notebook_list(
    root: Path,
    yml: str,
    module_id: str,
    listed: list[tuple[int, str, str]],
    *,
    listing_usable: bool = True,
) -> list[Problem]:
    """Check 3: listed notebooks exist, files on disk are listed, numbering and kinds.

    ``listing_usable`` is False when module.yml has no list of notebooks at all; then the
    files on disk are not reported one by one as unlisted (the YAML problem says it all).
    """
    problems: list[Problem] = []
    folder = root / NOTEBOOKS / module_id
    rel_folder = _rel(root, folder)
    if not folder.is_dir():
        problems.append(
            Problem(
                rel_folder + "/",
                _(
                    "does not exist; create it and put the module's notebooks in it (it is "
                    "nbgrader's source folder: assignment id = module id '{id}')."
                ).format(id=module_id),
            )
        )
    else:
        present = sorted(p.name for p in folder.glob("*.ipynb"))
        seen: dict[str, int] = {}
        for index, file, _kind in listed:
            key = f"notebooks[{index}].file"
            if file in seen:
                problems.append(
                    Problem(
                        _at_key(yml, key),
                        _(
                            "lists '{file}' a second time (first at notebooks[{first}]); list "
                            "each notebook once."
                        ).format(file=file, first=seen[file]),
                    )
                )
                continue
            seen[file] = index
            if not (folder / file).is_file():
                problems.append(
                    Problem(
                        _at_key(yml, key),
                        _(
                            "names '{file}', but there is no {folder}/{file}; create it or "
                            "correct the name.{close} The folder has: {present}."
                        ).format(
                            file=file,
                            folder=rel_folder,
                            close=_did_you_mean(file, present),
                            present=", ".join(present) or "-",
                        ),
                    )
                )
        for path in sorted(folder.rglob("*.ipynb")):
            parts = path.relative_to(folder).parts
            if CHECKPOINTS in parts:
                continue
            if len(parts) > 1:
                problems.append(
                    Problem(
                        _rel(root, path),
                        _(
                            "is in a subfolder; notebooks go directly in {folder}/. Move it "
                            "there and list it in {yml}, or delete it."
                        ).format(folder=rel_folder, yml=yml),
                    )
                )
            elif path.name not in seen and listing_usable:
                problems.append(
                    Problem(
                        _rel(root, path),
                        _(
                            "is not listed in {yml}; add it under 'notebooks:' (file, kind, "
                            "title) in teaching order, or delete it (nbgrader releases every "
                            "notebook in this folder)."
                        ).format(yml=yml),
                    )
                )
    numbered = [
        (index, file, int(file[:2])) for index, file, _kind in listed if re.match(r"^\d{2}-", file)
    ]
    if numbered and numbered[0][0] == listed[0][0] and numbered[0][2] != 1:
        index, file, number = numbered[0]
        problems.append(
            Problem(
                _at_key(yml, f"notebooks[{index}].file"),
                _(
                    "'{file}' is listed first, so its number should be 01, not {number:02d}; "
                    "number the files in teaching order: 01-, 02-, 03-, ..."
                ).format(file=file, number=number),
            )
        )
    for (_i, before, previous), (index, file, number) in pairwise(numbered):
        if number <= previous:
            problems.append(
                Problem(
                    _at_key(yml, f"notebooks[{index}].file"),
                    _(
                        "'{file}' (number {number:02d}) is listed after '{before}' (number "
                        "{previous:02d}), so its number should be higher; number the files in "
                        "the order they are listed (01-, 02-, ...) or reorder the list."
                    ).format(file=file, number=number, before=before, previous=previous),
                )
            )
    exercises = [(index, file) for index, file, kind in listed if kind == "exercise"]
    if listed and not exercises:
        problems.append(
            Problem(
                _at_key(yml, "notebooks"),
                _(
                    "has no notebook with 'kind: exercise'; a module ends with exactly one "
                    "graded exercise (the nbgrader notebook). Add it as the last entry."
                ),
            )
        )
    elif len(exercises) > 1:
        problems.append(
            Problem(
                _at_key(yml, "notebooks"),
                _(
                    "has {count} notebooks with 'kind: exercise' ({files}); a module has exactly "
                    "one graded exercise, listed last. Make the others lessons or merge them."
                ).format(count=len(exercises), files=_quoted(f for _i, f in exercises)),
            )
        )
    elif exercises and exercises[0][0] != listed[-1][0]:
        index, file = exercises[0]
        later = [f for i, f, _kind in listed if i > index]
        problems.append(
            Problem(
                _at_key(yml, f"notebooks[{index}].kind"),
                _(
                    "the exercise '{file}' is listed before {later}; lessons come first and "
                    "the exercise last. Move it to the end of the list and renumber the files."
                ).format(file=file, later=_quoted(later)),
            )
        )
    return problems


def _check_datasets(root: Path, yml: str, data: dict[str, Any]) -> list[Problem]:
    """Check 4: every dataset the module uses is there, with a data card and a MANIFEST."""
    names = data.get("datasets")
    if not isinstance(names, list):
        return []
    problems: list[Problem] = []
    base = root / DATASETS
    known = sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    for index, name in enumerate(names):
        if not isinstance(name, str):
            continue
        folder = base / name
        if not folder.is_dir():
            problems.append(
                Problem(
                    _at_key(yml, f"datasets[{index}]"),
                    _(
                        "names '{name}', but there is no folder {folder}/; correct the name or "
                        "add the dataset.{close} The datasets are: {known}."
                    ).format(
                        name=name,
                        folder=_rel(root, folder),
                        close=_did_you_mean(name, known),
                        known=", ".join(known) or "-",
                    ),
                )
            )
            continue
        card = folder / DATA_CARD
        if not card.is_file() or not card.read_text("utf-8", errors="replace").strip():
            problems.append(
                Problem(
                    _rel(root, card),
                    _(
                        "is missing or empty; write the data card (what the data is, that it "
                        "is fictional, how it was generated, the fictional phone block)."
                    ),
                )
            )
        if not (folder / MANIFEST).is_file():
            problems.append(
                Problem(
                    _rel(root, folder / MANIFEST),
                    _(
                        "is missing; every dataset needs a MANIFEST with the SHA-256 of each "
                        "file (`osintlab datasets build` writes it)."
                    ),
                )
            )
    return problems


def _check_minutes(yml: str, data: dict[str, Any]) -> list[Problem]:
    """Honest timing: every notebook states its minutes, and the durations are their sums."""
    notebooks = data.get("notebooks") if isinstance(data.get("notebooks"), list) else []
    duration = data.get("duration") if isinstance(data.get("duration"), dict) else {}
    problems: list[Problem] = []
    sums = {"lesson": 0, "exercise": 0}
    for index, entry in enumerate(notebooks):
        if not isinstance(entry, dict):
            continue
        minutes = entry.get("minutes")
        if not _is_int(minutes):
            problems.append(Problem(
                _at_key(yml, f"notebooks[{index}].minutes"),
                _("is missing: say how many minutes {file} takes a trainee of this course (not "
                  "an author), for example `minutes: 45`.").format(file=entry.get("file")),
            ))
        elif entry.get("kind") in sums:
            sums[entry["kind"]] += minutes
    if problems:
        return problems
    for key, kind in (("teaching", "lesson"), ("exercises", "exercise")):
        if _is_int(duration.get(key)) and duration[key] != sums[kind]:
            problems.append(Problem(
                _at_key(yml, f"duration.{key}"),
                _("is {stated}, but the {kind} notebooks' minutes add up to {total}; make them "
                  "agree.").format(stated=duration[key], kind=kind, total=sums[kind]),
            ))
    return problems
