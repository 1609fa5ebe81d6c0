r"""The curriculum contract: what a module is, and a check that every module keeps it.

A module is one nbgrader assignment, spread over four places in the repository::

    modules/<id>/module.yml     what it teaches (checked against schema/module.schema.json)
    modules/<id>/README.md      the trainer guide
    notebooks/<id>/*.ipynb      lessons, then one graded exercise (nbgrader's source folder)
    datasets/<name>/            the fictional data it reads, with README.md and MANIFEST

``load_module`` reads one module.yml, ``find_modules`` all of them in teaching order, and
``check_all`` (behind ``osintlab modules check``) lists every place where the repository
breaks the contract, each as a :class:`Problem` that says where, what is wrong and what to do.
The nbgrader rules are checked here without starting nbgrader, by the same logic as its
``CheckCellMetadata``, ``ClearSolutions`` and ``ClearHiddenTests`` steps, so an author
learns about a broken exercise before a trainer's release fails.

Example:
    >>> from pathlib import Path
    >>> from osintlab import curriculum
    >>> problems = curriculum.check_all(Path("."))   # from the repository's top folder
    >>> print("\n".join(map(str, problems)) or "every module keeps the contract")
    every module keeps the contract
"""

from __future__ import annotations

import copy
import difflib
import importlib.util
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import jsonschema
import nbformat
import yaml

from ._cells import HIDDEN_TESTS, SOLUTION
from ._i18n import N_, _
from .exceptions import CurriculumError

__all__ = [
    "Module",
    "Problem",
    "check_all",
    "check_module",
    "find_modules",
    "load_module",
]

MODULES = "modules"
NOTEBOOKS = "notebooks"
DATASETS = "datasets"
MODULE_FILE = "module.yml"
GUIDE = "README.md"
DATA_CARD = "README.md"
MANIFEST = "MANIFEST"
CHECKPOINTS = ".ipynb_checkpoints"

#: The nbgrader cell-metadata schema version nbgrader 0.9 reads and writes.
NBGRADER_SCHEMA_VERSION = 3
GRADE_ID = re.compile(r"^[a-zA-Z0-9_\-]+$")
TEST_HEADER = "# Check that"

_MODULE_FIELDS = (
    "id",
    "title",
    "order",
    "level",
    "duration",
    "outcomes",
    "prerequisites",
    "notebooks",
    "datasets",
    "points",
)

# Examples shown when a value does not have the form its key needs (by the key's name).
_FORM_EXAMPLES = {
    "id": "m07-messengers",
    "file": "01-reading-a-web-page.ipynb",
    "prerequisites": "m00-getting-started",
    "datasets": "case-records",
}

_PLAIN_TYPES = {
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "string": N_("text"),
    "boolean": N_("true or false"),
    "array": N_("a list (lines starting with '- ')"),
    "object": N_("a mapping (indented 'key: value' lines)"),
}


@dataclass(frozen=True)
class Problem:
    """One place where the repository breaks the curriculum contract.

    ``where`` is a repository-relative path, followed where it helps by the cell
    (``cell '<id>'``) or the YAML key (``key 'notebooks[1].file'``); ``what`` says what is
    wrong and what to do about it.

    Example:
        >>> print(Problem("modules/m00-getting-started/README.md", "is empty; write the guide."))
        modules/m00-getting-started/README.md: is empty; write the guide.
    """

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class Module:
    """One module as its ``module.yml`` describes it (see schema/module.schema.json).

    Example:
        >>> module = load_module(Path("modules/m00-getting-started"))
        >>> module.exercise, module.notebook_dir(Path(".")).as_posix()
        ('04-exercise.ipynb', 'notebooks/m00-getting-started')
    """

    id: str
    title: str
    order: int
    level: str
    duration: dict[str, int]
    outcomes: list[str]
    prerequisites: list[str]
    notebooks: list[dict[str, str]]
    datasets: list[str]
    points: int
    folder: Path

    @property
    def exercise(self) -> str:
        """The file name of the module's one graded exercise notebook.

        Example:
            >>> load_module(Path("modules/m00-getting-started")).exercise
            '04-exercise.ipynb'
        """
        files = [entry["file"] for entry in self.notebooks if entry.get("kind") == "exercise"]
        if len(files) != 1:
            raise CurriculumError(
                _(
                    "Module '{id}' lists {count} exercise notebooks ({files}) in {path}; a module "
                    "has exactly one, listed last with 'kind: exercise'. Run `osintlab modules "
                    "check` to see every problem."
                ).format(
                    id=self.id,
                    count=len(files),
                    files=", ".join(files) or "-",
                    path=self.folder / MODULE_FILE,
                ),
                path=str(self.folder / MODULE_FILE),
            )
        return files[0]

    @property
    def lessons(self) -> list[str]:
        """The file names of the lesson notebooks, in teaching order.

        Example:
            >>> load_module(Path("modules/m00-getting-started")).lessons[0]
            '01-jupyter.ipynb'
        """
        return [entry["file"] for entry in self.notebooks if entry.get("kind") == "lesson"]

    def notebook_dir(self, root: Path) -> Path:
        """The module's notebook folder (nbgrader's source folder) under the repository ``root``.

        Example:
            >>> load_module(Path("modules/m00-getting-started")).notebook_dir(Path("."))
            PosixPath('notebooks/m00-getting-started')
        """
        return Path(root) / NOTEBOOKS / self.id


# --------------------------------------------------------------------------------------------
# module.yml


@lru_cache(maxsize=1)
def _module_validator() -> jsonschema.Draft202012Validator:
    text = resources.files("osintlab").joinpath("schema/module.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def _key_path(parts: Iterable[Any]) -> str:
    """``['notebooks', 1, 'file']`` -> ``notebooks[1].file``; the top level is ``''``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return " " + _("Did you mean '{close}'?").format(close=close[0]) if close else ""


def _plain_type(name: Any) -> str:
    names = name if isinstance(name, list) else [name]
    return _(" or ").join(_(_PLAIN_TYPES.get(str(n), str(n))) for n in names)


def _explain_schema_error(error: jsonschema.ValidationError) -> list[tuple[str, str]]:
    """Turn one JSON Schema error into (key path, what is wrong and what to do) pairs."""
    path = list(error.absolute_path)
    where = _key_path(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    hint = schema.get("description")
    value = error.instance
    kind = error.validator
    if kind == "required" and isinstance(value, dict):
        properties = schema.get("properties", {})
        found = []
        for key in error.validator_value:
            if key not in value:
                about = properties.get(key, {}).get("description")
                what = _("is missing; add it.")
                if about:
                    what += " " + _("It holds: {about}").format(about=about)
                found.append((_key_path([*path, key]), what))
        return found
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = list(schema.get("properties", {}))
        return [
            (
                _key_path([*path, key]),
                _("is not a key this place allows; remove it or correct its spelling.")
                + _did_you_mean(str(key), allowed)
                + " "
                + _("The keys here are: {allowed}.").format(allowed=", ".join(allowed)),
            )
            for key in value
            if key not in allowed
        ]
    if kind == "type":
        what = _("should be {expected}, but it is {value!r}.").format(
            expected=_plain_type(error.validator_value), value=value
        )
        if error.validator_value == "integer" and isinstance(value, str) and value.isdigit():
            what += " " + _("Write the number without quotes or a leading zero (8, not '08').")
        elif not path and value is None:
            what = _("is empty; copy module.yml from another module and change it.")
        elif not path:
            what = _(
                "should be a mapping of keys (id: ..., title: ..., ...), but it is {value!r}."
            ).format(value=value)
        return [(where, what)]
    if kind == "pattern":
        key = next((str(p) for p in reversed(path) if not isinstance(p, int)), "")
        example = _FORM_EXAMPLES.get(key)
        what = _("is {value!r}, which does not have the right form").format(value=value)
        if example:
            what += " " + _("(write it like '{example}')").format(example=example)
        what += "."
        if hint:
            what += " " + hint
        return [(where, what)]
    if kind == "enum":
        return [
            (
                where,
                _("is {value!r}; it must be one of: {choices}.").format(
                    value=value, choices=", ".join(map(str, error.validator_value))
                )
                + _did_you_mean(str(value), map(str, error.validator_value)),
            )
        ]
    if kind == "minimum":
        return [
            (
                where,
                _("is {value!r}; it must be at least {minimum}.").format(
                    value=value, minimum=error.validator_value
                ),
            )
        ]
    if kind == "minLength":
        what = _("is {value!r}, which is too short: it needs at least {n} characters.").format(
            value=value, n=error.validator_value
        )
        return [(where, what + (" " + hint if hint else ""))]
    if kind == "minItems":
        what = _("is empty; list at least {n}.").format(n=error.validator_value)
        return [(where, what + (" " + hint if hint else ""))]
    return [(where, error.message + (". " + hint if hint else "."))]


def _read_module_file(path: Path) -> tuple[Any, list[tuple[str, str]]]:
    """The parsed module.yml and its (key path, problem) findings; YAML faults use key ''."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [
            ("", _("is not UTF-8 text (byte {at}); save it as UTF-8.").format(at=error.start))
        ]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        if mark is not None:
            what = _(
                "is not valid YAML: {problem} at line {line}, column {column}. Check the "
                "indenting on that line and the one above (spaces, never tabs), and put text "
                "that contains ':' or '#' in quotes."
            ).format(problem=problem, line=mark.line + 1, column=mark.column + 1)
        else:
            what = _("is not valid YAML: {problem}.").format(problem=problem)
        return None, [("", what)]
    findings: list[tuple[str, str]] = []
    errors = sorted(
        _module_validator().iter_errors(data),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    for error in errors:
        for finding in _explain_schema_error(error):
            if finding not in findings:
                findings.append(finding)
    return data, findings


def _at_key(file: str, key: str) -> str:
    return f"{file}, key '{key}'" if key else file


def _module_file(path: Path) -> Path:
    path = Path(path)
    return path if path.suffix in (".yml", ".yaml") and not path.is_dir() else path / MODULE_FILE


def load_module(path: Path) -> Module:
    """Read one module (its folder, or its module.yml) and check it against the schema.

    Raises :class:`~osintlab.exceptions.CurriculumError` listing every schema problem with
    its key path (``problems`` holds them one per line), or the line of a YAML fault.

    Example:
        >>> load_module(Path("modules/m00-getting-started")).order
        0
    """
    file = _module_file(path)
    if not file.is_file():
        raise CurriculumError(
            _(
                "There is no {file}. Every module folder needs a module.yml; copy one from "
                "another module and change it."
            ).format(file=file),
            path=str(file),
        )
    data, findings = _read_module_file(file)
    if findings:
        problems = [f"{key}: {what}" if key else what for key, what in findings]
        raise CurriculumError(
            _("{file} does not keep the module contract:").format(file=file)
            + "".join(f"\n  - {line}" for line in problems),
            problems=problems,
            path=str(file),
        )
    return Module(**{field: data[field] for field in _MODULE_FIELDS}, folder=file.parent)


def _module_folders(root: Path) -> list[Path]:
    folder = Path(root) / MODULES
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def find_modules(root: Path) -> list[Module]:
    """Every module under ``root/modules``, in teaching order.

    Folders without a module.yml are skipped (``check_all`` reports them); if any
    module.yml is broken, one :class:`~osintlab.exceptions.CurriculumError` lists them all.

    Example:
        >>> [module.id for module in find_modules(Path("."))][:1]
        ['m00-getting-started']
    """
    root = Path(root)
    if not (root / MODULES).is_dir():
        raise CurriculumError(
            _(
                "There is no '{modules}' folder in {root}. Run this from the course "
                "repository's top folder (the one with modules/, notebooks/ and datasets/)."
            ).format(modules=MODULES, root=root),
            path=str(root),
        )
    modules: list[Module] = []
    problems: list[str] = []
    for folder in _module_folders(root):
        if not (folder / MODULE_FILE).is_file():
            continue
        try:
            modules.append(load_module(folder))
        except CurriculumError as error:
            problems.extend(f"{folder / MODULE_FILE}: {line}" for line in error.problems)
    if problems:
        raise CurriculumError(
            _("Some module.yml files do not keep the module contract:")
            + "".join(f"\n  - {line}" for line in problems),
            problems=problems,
            path=str(root / MODULES),
        )
    return sorted(modules, key=lambda module: (module.order, module.id))


# --------------------------------------------------------------------------------------------
# checks


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


# ---- notebooks ----------------------------------------------------------------------------


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


@lru_cache(maxsize=1)
def _nbgrader_cell_validator() -> jsonschema.Draft4Validator | None:
    """nbgrader's own cell-metadata schema (v3.json), read without importing nbgrader (slow)."""
    spec = importlib.util.find_spec("nbgrader")
    if spec is None or not spec.submodule_search_locations:
        return None
    schema = Path(next(iter(spec.submodule_search_locations))) / "nbgraderformat" / "v3.json"
    if not schema.is_file():
        return None
    return jsonschema.Draft4Validator(json.loads(schema.read_text("utf-8")))


def _regions(source: str, markers: tuple[str, str]) -> tuple[int, list[str]]:
    """How many closed BEGIN/END regions ``source`` has, and what is wrong with its markers."""
    begin, end = markers
    opened: list[int] = []
    closed = 0
    faults: list[str] = []
    for number, line in enumerate(source.splitlines(), 1):
        if begin in line:
            if opened:
                faults.append(
                    _(
                        "line {n}: '### {begin}' opens a region inside the one opened at line "
                        "{outer}; regions cannot nest. Close the first with '### {end}' before "
                        "opening another."
                    ).format(n=number, begin=begin, outer=opened[0], end=end)
                )
            opened.append(number)
        elif end in line:
            if not opened:
                faults.append(
                    _(
                        "line {n}: '### {end}' has no '### {begin}' before it; add the BEGIN "
                        "line where the region starts, or remove this line."
                    ).format(n=number, begin=begin, end=end)
                )
                continue
            opened.pop()
            if not opened:
                closed += 1
    if opened:
        faults.append(
            _(
                "line {n}: '### {begin}' is never closed; add '### {end}' where the region ends."
            ).format(n=opened[0], begin=begin, end=end)
        )
    return closed, faults


def _has_marker(source: str, markers: tuple[str, str]) -> bool:
    return any(marker in source for marker in markers)


def _check_nbgrader_metadata(
    meta: dict[str, Any], cell: dict[str, Any], where: str
) -> list[Problem]:
    """nbgrader's CheckCellMetadata rules for one cell, in our words."""
    problems: list[Problem] = []
    version = meta.get("schema_version")
    if version != NBGRADER_SCHEMA_VERSION:
        problems.append(
            Problem(
                where,
                _(
                    "has nbgrader schema_version {version!r}; nbgrader 0.9 needs {needed}. "
                    "Re-save the cell with JupyterLab's nbgrader 'Create Assignment' toolbar, "
                    "or set metadata.nbgrader.schema_version to {needed}."
                ).format(version=version, needed=NBGRADER_SCHEMA_VERSION),
            )
        )
    validator = _nbgrader_cell_validator()
    if validator is not None:
        reported_missing = False  # jsonschema reports each missing key; say it once
        for error in validator.iter_errors(meta):
            path = list(error.absolute_path)
            key = path[0] if path else None
            if key in ("grade_id", "schema_version", "points"):
                continue  # checked with a clearer message elsewhere
            if error.validator == "required":
                missing = [k for k in error.validator_value if k not in meta]
                missing = [k for k in missing if k != "schema_version"]
                if missing and not reported_missing:
                    reported_missing = True
                    problems.append(
                        Problem(
                            where,
                            _(
                                "has nbgrader metadata without {keys}; nbgrader needs grade, "
                                "solution and locked, each true or false. Set the cell type in "
                                "the 'Create Assignment' toolbar, which writes all three."
                            ).format(keys=_quoted(missing)),
                        )
                    )
            elif error.validator == "additionalProperties":
                extra = [k for k in meta if k not in error.schema.get("properties", {})]
                problems.append(
                    Problem(
                        where,
                        _(
                            "has nbgrader metadata keys nbgrader does not know: {keys}; nbgrader "
                            "would delete them. Remove them or correct the spelling."
                        ).format(keys=_quoted(extra))
                        + _did_you_mean(str(extra[0]), error.schema.get("properties", {})),
                    )
                )
            else:
                problems.append(
                    Problem(
                        where,
                        _("has metadata.nbgrader.{key} = {value!r}: {message}.").format(
                            key=_key_path(path), value=error.instance, message=error.message
                        ),
                    )
                )
    grade, solution = meta.get("grade") is True, meta.get("solution") is True
    grade_id = meta.get("grade_id")
    if grade_id is not None and not isinstance(grade_id, str):
        problems.append(
            Problem(
                where,
                _("has the grade_id {id!r}, which is not text; write it in quotes.").format(
                    id=grade_id
                ),
            )
        )
    elif not grade_id:
        problems.append(
            Problem(
                where,
                _(
                    "has nbgrader metadata but no grade_id; give it a short unique id like "
                    "'answer-count' (the ID field of the 'Create Assignment' toolbar)."
                ),
            )
        )
    elif not GRADE_ID.match(grade_id):
        problems.append(
            Problem(
                where,
                _(
                    "has the grade_id {id!r}; a grade_id may only have letters, digits, '_' and "
                    "'-'. Rename it, e.g. '{fixed}'."
                ).format(id=grade_id, fixed=re.sub(r"[^a-zA-Z0-9_-]+", "-", grade_id)),
            )
        )
    if grade:
        points = meta.get("points")
        if not _is_number(points) or points <= 0:
            problems.append(
                Problem(
                    where,
                    _(
                        "is graded (grade: true) but its points are {points!r}; give it a "
                        "number of points above 0."
                    ).format(points=points),
                )
            )
    kind = cell.get("cell_type")
    if meta.get("task") is True:
        if kind != "markdown":
            problems.append(
                Problem(
                    where,
                    _(
                        "is a task cell but not markdown; nbgrader refuses that. "
                        "Make it a markdown cell or change its nbgrader type."
                    ),
                )
            )
    elif kind == "markdown" and grade and not solution:
        problems.append(
            Problem(
                where,
                _(
                    "is a markdown cell marked graded but not as an answer; nbgrader refuses "
                    "that. Tests belong in code cells; make it 'Manually graded answer' or "
                    "remove its nbgrader type."
                ),
            )
        )
    elif kind == "markdown" and solution and not grade:
        problems.append(
            Problem(
                where,
                _(
                    "is a markdown answer cell that is not graded; nbgrader refuses that. Make "
                    "it 'Manually graded answer' (with points) or remove its nbgrader type."
                ),
            )
        )
    return problems


def _check_nbgrader(
    raw: dict[str, Any], rel: str, *, exercise: bool, points: Any, yml: str
) -> list[Problem]:
    """Check 7 (and, in lessons, the parts nbgrader enforces on every notebook it releases)."""
    problems: list[Problem] = []
    grade_ids: dict[str, str] = {}
    graded: list[tuple[str, float]] = []
    answers = tests = 0
    for number, cell in enumerate(raw["cells"], 1):
        if not isinstance(cell, dict):
            continue
        where = f"{rel}, {_cell_label(cell, number)}"
        source = _source(cell)
        metadata = cell.get("metadata")
        meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
        if meta is not None and not isinstance(meta, dict):
            problems.append(
                Problem(
                    where,
                    _(
                        "has metadata.nbgrader = {value!r}, which is not a mapping; "
                        "set the cell type again in the 'Create Assignment' toolbar."
                    ).format(value=meta),
                )
            )
            meta = None
        grade = bool(meta) and meta.get("grade") is True
        solution = bool(meta) and meta.get("solution") is True
        is_test = grade and not solution
        if meta is not None:
            problems.extend(_check_nbgrader_metadata(meta, cell, where))
            grade_id = meta.get("grade_id")
            if isinstance(grade_id, str) and grade_id:
                if grade_id in grade_ids:
                    problems.append(
                        Problem(
                            where,
                            _(
                                "has the grade_id '{id}', which {other} already uses; every "
                                "nbgrader cell needs its own grade_id. Rename one of them."
                            ).format(id=grade_id, other=grade_ids[grade_id]),
                        )
                    )
                else:
                    grade_ids[grade_id] = _cell_label(cell, number)
            if grade:
                value = meta.get("points")
                graded.append((where, float(value) if _is_number(value) else 0.0))
                if not exercise:
                    problems.append(
                        Problem(
                            where,
                            _(
                                "is graded, but this is a lesson; graded cells belong in the "
                                "module's exercise (nbgrader would add their points to the "
                                "assignment). Remove its nbgrader grade."
                            ),
                        )
                    )
        # Markers where nbgrader will not accept them (it checks every released notebook).
        if _has_marker(source, SOLUTION) and not solution:
            problems.append(
                Problem(
                    where,
                    _(
                        "contains '### BEGIN SOLUTION'/'### END SOLUTION' but is not an answer "
                        "cell (metadata.nbgrader.solution is not true), so nbgrader refuses to "
                        "release it. Make it an 'Autograded answer' cell or remove the markers."
                    ),
                )
            )
        if _has_marker(source, HIDDEN_TESTS) and not is_test:
            problems.append(
                Problem(
                    where,
                    _(
                        "contains '### BEGIN HIDDEN TESTS'/'### END HIDDEN TESTS' but is not a "
                        "test cell (grade: true, solution: false); hidden tests only work in "
                        "'Autograder tests' cells. Change its type or remove the markers."
                    ),
                )
            )
        if solution:
            answers += 1
            closed, faults = _regions(source, SOLUTION)
            problems.extend(Problem(where, fault) for fault in faults)
            if cell.get("cell_type") == "code" and not faults and not closed:
                problems.append(
                    Problem(
                        where,
                        _(
                            "is an answer cell without a '### BEGIN SOLUTION' ... '### END "
                            "SOLUTION' region; put the model answer between those two lines "
                            "(the trainee's copy gets `raise NotImplementedError()` there)."
                        ),
                    )
                )
        if is_test:
            tests += 1
            closed, faults = _regions(source, HIDDEN_TESTS)
            problems.extend(Problem(where, fault) for fault in faults)
            if exercise and not faults and not closed:
                problems.append(
                    Problem(
                        where,
                        _(
                            "is a test cell without a '### BEGIN HIDDEN TESTS' ... '### END "
                            "HIDDEN TESTS' region; add hidden checks there (before "
                            "`check.visible_passed()`), so grading does not rely only on "
                            "the checks the trainee can see."
                        ),
                    )
                )
            first = next((line.strip() for line in source.splitlines() if line.strip()), "")
            if exercise and not first.startswith(TEST_HEADER):
                problems.append(
                    Problem(
                        where,
                        _(
                            "is a test cell whose first line is {first!r}; a test cell starts "
                            "with a comment that says what it checks, like '# Check that "
                            "`suspects` is a list of three names'."
                        ).format(first=first),
                    )
                )
    if not exercise:
        return problems
    if not answers:
        problems.append(
            Problem(
                rel,
                _(
                    "has no answer cell; mark the cell where the trainee writes the answer as "
                    "'Autograded answer' (metadata.nbgrader.solution: true)."
                ),
            )
        )
    if not tests:
        problems.append(
            Problem(
                rel,
                _(
                    "has no test cell; add a code cell of type 'Autograder tests' (grade: true, "
                    "solution: false, points above 0) that checks the answer."
                ),
            )
        )
    total = sum(value for _where, value in graded)
    if _is_int(points) and total != points:
        problems.append(
            Problem(
                rel,
                _(
                    "the graded cells' points add up to {total} ({parts}), but {yml} says "
                    "points: {points}; change the cells' points or module.yml so they agree."
                ).format(
                    total=_number(total),
                    parts=", ".join(
                        f"{where.split(', ', 1)[-1]}: {_number(value)}" for where, value in graded
                    )
                    or _("no graded cells"),
                    yml=yml,
                    points=points,
                ),
            )
        )
    return problems


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
