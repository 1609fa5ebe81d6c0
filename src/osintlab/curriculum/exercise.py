r"""The graded exercise is a valid nbgrader source notebook: cell metadata, points,
solution and hidden-test regions closed, checks that start with "# Check that".

The rules are checked without starting nbgrader, by the same logic as its
``CheckCellMetadata``, ``ClearSolutions`` and ``ClearHiddenTests`` steps, so an author learns
about a broken exercise before a trainer's release fails.

Example:
    >>> _has_marker("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", SOLUTION)
    True
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from .._i18n import _
from .cells import HIDDEN_TESTS, SOLUTION
from .contents import _is_int, _is_number, _number, _quoted
from .module import (
    GRADE_ID,
    NBGRADER_SCHEMA_VERSION,
    TEST_HEADER,
    Problem,
    _did_you_mean,
    _key_path,
)
from .notebooks import _cell_label, _source


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
