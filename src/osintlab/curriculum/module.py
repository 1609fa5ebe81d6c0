"""The module contract's first part: ``module.yml``, read and checked against its schema.

:func:`load_module` reads one module.yml into a :class:`Module`; :func:`find_modules` reads
every module in teaching order. A file that breaks the schema (``schema/module.schema.json``)
raises :class:`~osintlab.exceptions.CurriculumError` whose lines say, for each key, what is
wrong in plain words ("a whole number", "Did you mean ...").

Example:
    >>> [m.id for m in find_modules(Path("."))][:1]
    ['m00-getting-started']
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .._i18n import N_, _
from ..exceptions import CurriculumError

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
    schema = resources.files("osintlab.curriculum").joinpath("schema/module.schema.json")
    text = schema.read_text("utf-8")
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
