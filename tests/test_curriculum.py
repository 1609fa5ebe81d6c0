"""Tests for osintlab.curriculum: does `osintlab modules check` find every broken contract?

Each test builds a small valid repository in ``tmp_path`` (one module with a lesson, an
exercise with one answer cell and one test cell, and one dataset), breaks one thing, and
asserts that the problem names the file (and cell or key) and says what is wrong.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from osintlab.curriculum import (
    Module,
    Problem,
    check_all,
    check_module,
    find_modules,
    load_module,
)
from osintlab.exceptions import CurriculumError

REPO = Path(__file__).parents[1]
MODULE = "m01-sample"
LESSON = "01-first-lesson.ipynb"
EXERCISE = "02-exercise.ipynb"
DATASET = "sample-data"
YML = f"modules/{MODULE}/module.yml"
LESSON_PATH = f"notebooks/{MODULE}/{LESSON}"
EXERCISE_PATH = f"notebooks/{MODULE}/{EXERCISE}"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

ANSWER_SOURCE = "# Count the suspects\n### BEGIN SOLUTION\ncount = 3\n### END SOLUTION\n"
TEST_SOURCE = (
    "# Check that `count` is the number of suspects\n"
    "assert isinstance(count, int)\n"
    "### BEGIN HIDDEN TESTS\n"
    "assert count == 3\n"
    "### END HIDDEN TESTS\n"
)


# ---- a valid minimal repository -----------------------------------------------------------


def nbgrader_meta(grade_id: str, *, grade: bool, solution: bool, points: float | None = None):
    meta: dict[str, Any] = {
        "grade": grade,
        "solution": solution,
        "locked": grade and not solution,
        "grade_id": grade_id,
        "schema_version": 3,
    }
    if points is not None:
        meta["points"] = points
    return meta


def lesson_notebook() -> dict[str, Any]:
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [
        new_markdown_cell("# First lesson\n\n## Objectives\n\n- Count things.", id="objectives"),
        new_code_cell("# Add two numbers\n1 + 1", id="add-numbers"),
        new_markdown_cell("## Key points\n\n- Python adds numbers.", id="key-points"),
    ]
    return json.loads(nbformat.writes(nb))


def exercise_notebook() -> dict[str, Any]:
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [
        new_markdown_cell("# Exercise\n\nHow many suspects are there?", id="task"),
        new_code_cell(
            ANSWER_SOURCE,
            id="answer-count",
            metadata={"nbgrader": nbgrader_meta("answer-count", grade=False, solution=True)},
        ),
        new_code_cell(
            TEST_SOURCE,
            id="test-count",
            metadata={
                "nbgrader": nbgrader_meta("test-count", grade=True, solution=False, points=2)
            },
        ),
    ]
    return json.loads(nbformat.writes(nb))


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def write_module(root: Path, module_id: str = MODULE, **changes: Any) -> Path:
    """A valid module ``module_id`` (order from its id), with ``changes`` to its module.yml."""
    data: dict[str, Any] = {
        "id": module_id,
        "title": "A sample module",
        "order": int(module_id[1:3]),
        "level": "beginner",
        "duration": {"teaching": 30, "exercises": 20},
        "outcomes": ["Count the suspects in a table"],
        "prerequisites": [],
        "notebooks": [
            {"file": LESSON, "kind": "lesson", "title": "First lesson", "minutes": 30},
            {"file": EXERCISE, "kind": "exercise", "title": "Exercise", "minutes": 20},
        ],
        "datasets": [DATASET],
        "points": 2,
        "python": ["arithmetic"],
        "calls": [],
        **changes,
    }
    folder = root / "modules" / module_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "module.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (folder / "README.md").write_text("# Trainer guide\n\nRun it in 50 minutes.\n", "utf-8")
    write_json(root / "notebooks" / module_id / LESSON, lesson_notebook())
    write_json(root / "notebooks" / module_id / EXERCISE, exercise_notebook())
    mistakes = root / "grading" / "mistakes"
    write_json(mistakes / f"{module_id}.ipynb", exercise_notebook())
    (mistakes / f"{module_id}.yml").write_text(
        f"module: {module_id}\nexpected_score: 1\n", encoding="utf-8"
    )
    return folder


def write_dataset(root: Path, name: str = DATASET) -> Path:
    folder = root / "datasets" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "people.csv").write_text("name\nBekov\n", encoding="utf-8")
    (folder / "README.md").write_text("# Sample data\n\nFictional people.\n", encoding="utf-8")
    (folder / "MANIFEST").write_text("sha256:0000  people.csv\n", encoding="utf-8")
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with one valid module, its notebooks and its dataset."""
    write_module(tmp_path)
    write_dataset(tmp_path)
    return tmp_path


def edit_yaml(root: Path, change: Callable[[dict[str, Any]], None], module_id: str = MODULE):
    path = root / "modules" / module_id / "module.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def edit_notebook(root: Path, file: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / "notebooks" / MODULE / file
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    write_json(path, data)


def cell(nb: dict[str, Any], cell_id: str) -> dict[str, Any]:
    return next(c for c in nb["cells"] if c.get("id") == cell_id)


def set_source(file: str, cell_id: str, source: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        edit_notebook(root, file, lambda nb: cell(nb, cell_id).update(source=source))

    return change


def reported(problems: list[Problem], where: str, *fragments: str) -> Problem:
    """The one problem at ``where`` whose message has every fragment; fails showing all."""
    found = [p for p in problems if p.where == where and all(f in p.what for f in fragments)]
    listing = "\n".join(map(str, problems)) or "(no problems)"
    assert found, f"no problem at {where!r} mentioning {fragments}; got:\n{listing}"
    return found[0]


# ---- the valid repository and the API -----------------------------------------------------


def test_valid_minimal_repo_has_no_problems(repo: Path) -> None:
    """Does a repository that keeps every rule pass without a single problem?"""
    assert check_all(repo) == []
    assert check_module(repo, repo / "modules" / MODULE) == []
    assert check_module(repo, Path("modules") / MODULE) == []


@pytest.mark.slow
def test_valid_exercise_passes_nbgraders_own_release_steps(repo: Path) -> None:
    """Does nbgrader itself accept what the check calls valid, and strip answer and hidden tests?"""
    from nbgrader.preprocessors import CheckCellMetadata, ClearHiddenTests, ClearSolutions

    nb = nbformat.read(repo / EXERCISE_PATH, as_version=4)
    resources: dict[str, Any] = {}
    for step in (CheckCellMetadata(), ClearSolutions(), ClearHiddenTests()):
        nb, resources = step.preprocess(nb, resources)
    released = "\n".join(c.source for c in nb.cells)
    assert "count = 3" not in released
    assert "assert count == 3" not in released


@pytest.mark.slow
@pytest.mark.parametrize(
    ("cell_id", "source"),
    [
        ("answer-count", "### BEGIN SOLUTION\ncount = 3\n"),
        ("test-count", "# Check that it works\n### BEGIN HIDDEN TESTS\nassert True\n"),
        ("task", "Read this.\n### BEGIN SOLUTION\n### END SOLUTION"),
    ],
    ids=["unclosed-solution", "unclosed-hidden-tests", "solution-in-markdown"],
)
def test_what_nbgrader_refuses_the_check_reports_first(
    repo: Path, cell_id: str, source: str
) -> None:
    """When nbgrader would refuse to release an exercise, has the check already said why?"""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    set_source(EXERCISE, cell_id, source)(repo)
    assert any(p.where == f"{EXERCISE_PATH}, cell '{cell_id}'" for p in check_all(repo))
    nb = nbformat.read(repo / EXERCISE_PATH, as_version=4)
    with pytest.raises(RuntimeError):
        resources: dict[str, Any] = {}
        for step in (ClearSolutions(), ClearHiddenTests()):
            nb, resources = step.preprocess(nb, resources)


def test_load_module_reads_every_field_and_names_the_notebooks(repo: Path) -> None:
    """Does load_module give a Module whose exercise, lessons and notebook folder are right?"""
    for path in (repo / "modules" / MODULE, repo / "modules" / MODULE / "module.yml"):
        module = load_module(path)
        assert isinstance(module, Module)
        assert (module.id, module.order, module.points) == (MODULE, 1, 2)
        assert module.duration == {"teaching": 30, "exercises": 20}
        assert module.datasets == [DATASET]
        assert module.folder == repo / "modules" / MODULE
        assert module.exercise == EXERCISE
        assert module.lessons == [LESSON]
        assert module.notebook_dir(repo) == repo / "notebooks" / MODULE


def test_module_without_one_exercise_says_so_when_asked_for_it(repo: Path) -> None:
    """Does Module.exercise explain, rather than crash, when no notebook is the exercise?"""
    edit_yaml(repo, lambda d: d["notebooks"][1].update(kind="lesson"))
    with pytest.raises(CurriculumError, match=r"lists 0 exercise notebooks .* exactly one"):
        _ = load_module(repo / "modules" / MODULE).exercise


def test_find_modules_returns_modules_in_teaching_order(repo: Path) -> None:
    """Does find_modules sort by order, whatever the folder names, and skip stray folders?"""
    write_module(repo, "m00-basics")
    write_module(repo, "m02-more")
    (repo / "modules" / ".ipynb_checkpoints").mkdir()
    assert [m.id for m in find_modules(repo)] == ["m00-basics", MODULE, "m02-more"]


def test_find_modules_lists_every_broken_module_yml(repo: Path) -> None:
    """Does find_modules name every broken module.yml in one error, not just the first?"""
    write_module(repo, "m00-basics", level="expert")
    edit_yaml(repo, lambda d: d.pop("points"))
    with pytest.raises(CurriculumError) as caught:
        find_modules(repo)
    text = str(caught.value)
    assert "m00-basics" in text and "level: is 'expert'" in text
    assert MODULE in text and "points: is missing" in text
    assert len(caught.value.problems) == 2


def test_problem_reads_as_where_then_what() -> None:
    """Does a Problem print as 'where: what', ready for a terminal?"""
    problem = Problem(f"{EXERCISE_PATH}, cell 'answer-count'", "has no grade_id.")
    assert str(problem) == f"{EXERCISE_PATH}, cell 'answer-count': has no grade_id."


def test_importing_curriculum_does_not_import_pandas_or_nbgrader() -> None:
    """Is `import osintlab.curriculum` cheap, leaving pandas and nbgrader unloaded?"""
    code = (
        "import sys, osintlab.curriculum; "
        "print(sorted(m for m in ('pandas', 'nbgrader') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# ---- 1. module.yml --------------------------------------------------------------------------


def test_invalid_yaml_is_reported_with_its_line(repo: Path) -> None:
    """Does a YAML syntax error name the file and the line to look at?"""
    path = repo / YML
    path.write_text("id: m01-sample\ntitle: [unclosed\norder: 1\n", encoding="utf-8")
    reported(check_all(repo), YML, "is not valid YAML", "at line 3, column 6")
    with pytest.raises(CurriculumError, match=r"(?s)module\.yml .*not valid YAML.*line 3"):
        load_module(repo / "modules" / MODULE)


def test_every_schema_error_is_reported_with_its_key_path(repo: Path) -> None:
    """Does the check list every schema error, each under its own key path, with a fix?"""

    def change(data: dict[str, Any]) -> None:
        data.pop("points")
        data["level"] = "expert"
        data["notebooks"][0]["file"] = "1-first lesson.ipynb"
        data["prerequisite"] = []
        data["duration"]["teaching"] = 0

    edit_yaml(repo, change)
    problems = check_all(repo)
    reported(problems, f"{YML}, key 'points'", "is missing; add it", "Autograded points")
    reported(problems, f"{YML}, key 'level'", "'expert'", "beginner, intermediate, advanced")
    reported(problems, f"{YML}, key 'notebooks[0].file'", "right form", "01-reading")
    reported(problems, f"{YML}, key 'prerequisite'", "Did you mean 'prerequisites'?")
    reported(problems, f"{YML}, key 'duration.teaching'", "is 0; it must be at least 1")


def test_load_module_raises_one_error_listing_every_schema_problem(repo: Path) -> None:
    """Does load_module refuse a broken module.yml with every problem and its key path?"""
    edit_yaml(repo, lambda d: d.update(order="08", outcomes=[]))
    with pytest.raises(CurriculumError) as caught:
        load_module(repo / "modules" / MODULE)
    error = caught.value
    assert isinstance(error, ValueError)
    assert "does not keep the module contract" in str(error)
    assert any(p.startswith("order: ") and "not '08'" in p for p in error.problems)
    assert any(p.startswith("outcomes: is empty") for p in error.problems)
    assert len(error.problems) == 2


def test_empty_module_yml_is_reported(repo: Path) -> None:
    """Does an empty module.yml get a plain 'is empty' rather than a schema riddle?"""
    (repo / YML).write_text("", encoding="utf-8")
    reported(check_all(repo), YML, "is empty")


def test_module_folder_without_module_yml_is_reported(repo: Path) -> None:
    """Is a folder in modules/ without a module.yml reported, by folder name?"""
    (repo / "modules" / "m02-draft").mkdir()
    reported(check_all(repo), "modules/m02-draft/", "has no module.yml")


def test_id_that_differs_from_folder_name_is_reported(repo: Path) -> None:
    """Is an id that does not match its folder name reported under the 'id' key?"""
    edit_yaml(repo, lambda d: d.update(id="m01-other"))
    reported(check_all(repo), f"{YML}, key 'id'", "'m01-other'", f"folder is '{MODULE}'")


def test_order_that_differs_from_the_number_in_the_id_is_reported(repo: Path) -> None:
    """Is an order that disagrees with the number in the id (m01 -> 1) reported?"""
    edit_yaml(repo, lambda d: d.update(order=7))
    reported(check_all(repo), f"{YML}, key 'order'", "is 7", f"'{MODULE}' says 1")


# ---- 2. trainer guide -----------------------------------------------------------------------


@pytest.mark.parametrize(("content", "fault"), [(None, "is missing"), (" \n\n", "is empty")])
def test_missing_or_empty_trainer_guide_is_reported(
    repo: Path, content: str | None, fault: str
) -> None:
    """Is a module without a written trainer guide (README.md) reported?"""
    guide = repo / "modules" / MODULE / "README.md"
    if content is None:
        guide.unlink()
    else:
        guide.write_text(content, encoding="utf-8")
    reported(check_all(repo), f"modules/{MODULE}/README.md", fault, "trainer guide")


# ---- 3. the notebook list -------------------------------------------------------------------


def test_listed_notebook_missing_on_disk_is_reported(repo: Path) -> None:
    """Is a notebook listed in module.yml but absent from notebooks/<id>/ reported?"""
    (repo / LESSON_PATH).unlink()
    reported(check_all(repo), f"{YML}, key 'notebooks[0].file'", f"no {LESSON_PATH}", EXERCISE)


def test_missing_notebook_folder_is_reported(repo: Path) -> None:
    """Is a module whose notebooks/<id>/ folder does not exist reported once, clearly?"""
    for path in (repo / "notebooks" / MODULE).iterdir():
        path.unlink()
    (repo / "notebooks" / MODULE).rmdir()
    problems = check_all(repo)
    reported(problems, f"notebooks/{MODULE}/", "does not exist", "nbgrader's source folder")
    assert not [p for p in problems if "notebooks[" in p.where]


def test_unlisted_notebook_is_reported_but_checkpoints_are_not(repo: Path) -> None:
    """Is a notebook in the folder but not in module.yml reported, ignoring checkpoints?"""
    write_json(repo / "notebooks" / MODULE / "03-extra.ipynb", lesson_notebook())
    checkpoint = repo / "notebooks" / MODULE / ".ipynb_checkpoints" / "99-draft-checkpoint.ipynb"
    write_json(checkpoint, lesson_notebook())
    problems = check_all(repo)
    reported(problems, f"notebooks/{MODULE}/03-extra.ipynb", f"is not listed in {YML}")
    assert not [p for p in problems if "checkpoint" in p.where]


def test_notebook_in_a_subfolder_is_reported(repo: Path) -> None:
    """Is a notebook hidden in a subfolder of notebooks/<id>/ reported?"""
    write_json(repo / "notebooks" / MODULE / "old" / "01-old.ipynb", lesson_notebook())
    reported(check_all(repo), f"notebooks/{MODULE}/old/01-old.ipynb", "is in a subfolder")


def rename_notebooks(root: Path, names: list[str]) -> None:
    """Rename the lesson and exercise files (and their module.yml entries) to ``names``."""
    folder = root / "notebooks" / MODULE
    for old, new in zip([LESSON, EXERCISE], names, strict=True):
        (folder / old).rename(folder / new)
    edit_yaml(
        root,
        lambda d: [
            entry.update(file=new) for entry, new in zip(d["notebooks"], names, strict=True)
        ],
    )


def test_numbering_that_does_not_start_at_01_is_reported(repo: Path) -> None:
    """Is a module whose first notebook is not numbered 01 reported?"""
    rename_notebooks(repo, ["02-first-lesson.ipynb", "03-exercise.ipynb"])
    reported(
        check_all(repo),
        f"{YML}, key 'notebooks[0].file'",
        "'02-first-lesson.ipynb' is listed first",
        "should be 01",
    )


def test_numbering_out_of_list_order_is_reported(repo: Path) -> None:
    """Is a notebook whose number is not higher than the one listed before it reported?"""
    rename_notebooks(repo, ["01-first-lesson.ipynb", "01-exercise.ipynb"])
    reported(
        check_all(repo),
        f"{YML}, key 'notebooks[1].file'",
        "'01-exercise.ipynb' (number 01) is listed after '01-first-lesson.ipynb' (number 01)",
        "should be higher",
    )


def test_exercise_not_listed_last_is_reported(repo: Path) -> None:
    """Is an exercise listed before a lesson reported, naming the lesson that follows it?"""
    write_json(repo / "notebooks" / MODULE / "03-second-lesson.ipynb", lesson_notebook())
    edit_yaml(
        repo,
        lambda d: d["notebooks"].append(
            {"file": "03-second-lesson.ipynb", "kind": "lesson", "title": "Second lesson"}
        ),
    )
    reported(
        check_all(repo),
        f"{YML}, key 'notebooks[1].kind'",
        f"the exercise '{EXERCISE}' is listed before '03-second-lesson.ipynb'",
        "exercise last",
    )


def test_no_exercise_is_reported(repo: Path) -> None:
    """Is a module whose notebooks are all lessons reported?"""
    edit_yaml(repo, lambda d: d["notebooks"][1].update(kind="lesson"))
    reported(check_all(repo), f"{YML}, key 'notebooks'", "no notebook with 'kind: exercise'")


def test_two_exercises_are_reported(repo: Path) -> None:
    """Is a module with two graded exercises reported, naming both?"""
    edit_yaml(repo, lambda d: d["notebooks"][0].update(kind="exercise"))
    reported(
        check_all(repo),
        f"{YML}, key 'notebooks'",
        "has 2 notebooks with 'kind: exercise'",
        f"'{LESSON}', '{EXERCISE}'",
    )


# ---- 4. datasets ----------------------------------------------------------------------------


def test_missing_dataset_folder_is_reported(repo: Path) -> None:
    """Is a dataset named in module.yml but absent from datasets/ reported, with a guess?"""
    edit_yaml(repo, lambda d: d.update(datasets=["sample-date"]))
    reported(
        check_all(repo),
        f"{YML}, key 'datasets[0]'",
        "no folder datasets/sample-date/",
        "Did you mean 'sample-data'?",
    )


@pytest.mark.parametrize(("file", "fault"), [("README.md", "data card"), ("MANIFEST", "SHA-256")])
def test_dataset_without_data_card_or_manifest_is_reported(
    repo: Path, file: str, fault: str
) -> None:
    """Is a dataset without its README.md data card or its MANIFEST reported?"""
    (repo / "datasets" / DATASET / file).unlink()
    reported(check_all(repo), f"datasets/{DATASET}/{file}", "is missing", fault)


# ---- 5. every notebook ----------------------------------------------------------------------


def test_unreadable_notebook_is_reported_with_its_line(repo: Path) -> None:
    """Is a notebook broken by a merge conflict reported with the line of the fault?"""
    path = repo / LESSON_PATH
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "<<<<<<< HEAD")
    path.write_text("\n".join(lines), encoding="utf-8")
    reported(check_all(repo), LESSON_PATH, "not a readable notebook", "line 4")


def test_notebook_that_breaks_the_nbformat_schema_is_reported(repo: Path) -> None:
    """Is a cell that nbformat.validate refuses reported at that cell, with the key?"""
    edit_notebook(repo, LESSON, lambda nb: cell(nb, "add-numbers").update(outputs="none"))
    reported(
        check_all(repo),
        f"{LESSON_PATH}, cell 'add-numbers'",
        "breaks the notebook format at 'outputs'",
    )


def test_cell_without_id_is_reported(repo: Path) -> None:
    """Is a cell without an id reported by its position?"""
    edit_notebook(repo, LESSON, lambda nb: nb["cells"][1].pop("id"))
    reported(check_all(repo), f"{LESSON_PATH}, cell 2", "has no id")


def test_duplicate_cell_ids_are_reported(repo: Path) -> None:
    """Are two cells with one id in a notebook reported, naming both positions?"""
    edit_notebook(repo, LESSON, lambda nb: nb["cells"][1].update(id="objectives"))
    reported(
        check_all(repo),
        f"{LESSON_PATH}, cell 'objectives'",
        "is used by cells 1 and 2",
        "unique",
    )


def test_saved_outputs_are_reported_with_their_cell_ids(repo: Path) -> None:
    """Are cells with saved outputs or execution counts reported by id?"""

    def run(nb: dict[str, Any]) -> None:
        cell(nb, "add-numbers").update(
            execution_count=1,
            outputs=[
                {
                    "output_type": "execute_result",
                    "execution_count": 1,
                    "data": {"text/plain": "2"},
                    "metadata": {},
                }
            ],
        )

    edit_notebook(repo, LESSON, run)
    edit_notebook(repo, EXERCISE, lambda nb: cell(nb, "answer-count").update(execution_count=4))
    problems = check_all(repo)
    reported(problems, LESSON_PATH, "saved outputs", "cell 'add-numbers'", "Clear Outputs")
    reported(problems, EXERCISE_PATH, "saved outputs", "cell 'answer-count'")


def test_missing_kernelspec_is_reported(repo: Path) -> None:
    """Is a notebook without a kernelspec in its metadata reported?"""
    edit_notebook(repo, EXERCISE, lambda nb: nb["metadata"].pop("kernelspec"))
    reported(check_all(repo), EXERCISE_PATH, "has no kernelspec")


# ---- 6. lessons -----------------------------------------------------------------------------


def test_lesson_without_objectives_first_is_reported(repo: Path) -> None:
    """Is a lesson whose first cell is not markdown with 'Objectives' reported?"""
    set_source(LESSON, "objectives", "# First lesson\n\nWelcome.")(repo)
    reported(
        check_all(repo),
        f"{LESSON_PATH}, cell 'objectives'",
        "first cell of a lesson",
        "'Objectives'",
    )


def test_lesson_without_key_points_last_is_reported(repo: Path) -> None:
    """Is a lesson whose last cell is not markdown with 'Key points' reported?"""
    edit_notebook(repo, LESSON, lambda nb: nb["cells"].pop())
    reported(
        check_all(repo),
        f"{LESSON_PATH}, cell 'add-numbers'",
        "last cell of a lesson",
        "'Key points'",
        "code cell",
    )


def test_graded_cell_in_a_lesson_is_reported(repo: Path) -> None:
    """Is a graded nbgrader cell in a lesson (which would add points) reported?"""
    meta = nbgrader_meta("lesson-test", grade=True, solution=False, points=1)
    edit_notebook(
        repo, LESSON, lambda nb: cell(nb, "add-numbers")["metadata"].update(nbgrader=meta)
    )
    reported(check_all(repo), f"{LESSON_PATH}, cell 'add-numbers'", "this is a lesson")


# ---- 7. the exercise as an nbgrader source notebook -----------------------------------------


def set_meta(cell_id: str, **changes: Any) -> Callable[[Path], None]:
    """Change keys of one exercise cell's nbgrader metadata (None removes the key)."""

    def change(root: Path) -> None:
        def edit(nb: dict[str, Any]) -> None:
            meta = cell(nb, cell_id)["metadata"].setdefault("nbgrader", {})
            for key, value in changes.items():
                if value is None:
                    meta.pop(key, None)
                else:
                    meta[key] = value

        edit_notebook(root, EXERCISE, edit)

    return change


def test_nbgrader_cell_without_grade_id_is_reported(repo: Path) -> None:
    """Is an nbgrader cell without a grade_id reported at that cell?"""
    set_meta("answer-count", grade_id=None)(repo)
    reported(check_all(repo), f"{EXERCISE_PATH}, cell 'answer-count'", "no grade_id")


def test_grade_id_with_forbidden_characters_is_reported(repo: Path) -> None:
    """Is a grade_id with spaces reported, with a corrected suggestion?"""
    set_meta("answer-count", grade_id="answer count")(repo)
    reported(
        check_all(repo),
        f"{EXERCISE_PATH}, cell 'answer-count'",
        "'answer count'",
        "'answer-count'",
    )


def test_duplicate_grade_ids_are_reported(repo: Path) -> None:
    """Are two nbgrader cells with one grade_id reported, naming the other cell?"""
    set_meta("test-count", grade_id="answer-count")(repo)
    reported(
        check_all(repo),
        f"{EXERCISE_PATH}, cell 'test-count'",
        "grade_id 'answer-count'",
        "cell 'answer-count' already uses",
    )


def test_old_nbgrader_schema_version_is_reported(repo: Path) -> None:
    """Is nbgrader metadata with a schema_version other than 3 reported?"""
    set_meta("test-count", schema_version=1)(repo)
    reported(check_all(repo), f"{EXERCISE_PATH}, cell 'test-count'", "schema_version 1", "needs 3")


def test_nbgrader_metadata_missing_its_required_keys_is_reported(repo: Path) -> None:
    """Is nbgrader metadata without 'locked' (nbgrader's own schema) reported?"""
    set_meta("answer-count", locked=None)(repo)
    reported(check_all(repo), f"{EXERCISE_PATH}, cell 'answer-count'", "without 'locked'")


@pytest.mark.parametrize("points", [None, 0, "2"], ids=["missing", "zero", "text"])
def test_graded_cell_without_positive_points_is_reported(repo: Path, points: Any) -> None:
    """Is a graded cell whose points are missing, zero or not a number reported?"""
    set_meta("test-count", points=points)(repo)
    reported(
        check_all(repo),
        f"{EXERCISE_PATH}, cell 'test-count'",
        f"its points are {points!r}",
        "above 0",
    )


def test_unclosed_solution_region_is_reported_with_its_cell(repo: Path) -> None:
    """Is a BEGIN SOLUTION without its END reported at the cell, with the line?"""
    set_source(EXERCISE, "answer-count", "# Count\n### BEGIN SOLUTION\ncount = 3\n")(repo)
    reported(
        check_all(repo),
        f"{EXERCISE_PATH}, cell 'answer-count'",
        "line 2: '### BEGIN SOLUTION' is never closed",
        "'### END SOLUTION'",
    )


def test_end_solution_without_begin_is_reported(repo: Path) -> None:
    """Is an END SOLUTION with no BEGIN before it reported?"""
    source = "### END SOLUTION\n### BEGIN SOLUTION\ncount = 3\n### END SOLUTION\n"
    set_source(EXERCISE, "answer-count", source)(repo)
    reported(
        check_all(repo),
        f"{EXERCISE_PATH}, cell 'answer-count'",
        "line 1: '### END SOLUTION' has no '### BEGIN SOLUTION' before it",
    )


def test_nested_solution_regions_are_reported(repo: Path) -> None:
    """Is a BEGIN SOLUTION inside another solution region reported?"""
    source = "### BEGIN SOLUTION\n### BEGIN SOLUTION\ncount = 3\n### END SOLUTION\n"
    set_source(EXERCISE, "answer-count", source + "### END SOLUTION\n")(repo)
    reported(
        check_all(repo),
        f"{EXERCISE_PATH}, cell 'answer-count'",
        "line 2",
        "inside the one opened at line 1",
        "cannot nest",
    )


def test_answer_cell_without_solution_region_is_reported(repo: Path) -> None:
    """Is an answer cell with no BEGIN/END SOLUTION region at all reported?"""
    set_source(EXERCISE, "answer-count", "count = 3\n")(repo)
    reported(
        check_all(repo), f"{EXERCISE_PATH}, cell 'answer-count'", "without a '### BEGIN SOLUTION"
    )


def test_unclosed_hidden_tests_region_is_reported_with_its_cell(repo: Path) -> None:
    """Is a BEGIN HIDDEN TESTS without its END reported at the test cell?"""
    source = "# Check that `count` is right\n### BEGIN HIDDEN TESTS\nassert count == 3\n"
    set_source(EXERCISE, "test-count", source)(repo)
    reported(
        check_all(repo),
        f"{EXERCISE_PATH}, cell 'test-count'",
        "line 2: '### BEGIN HIDDEN TESTS' is never closed",
    )


def test_test_cell_without_hidden_tests_is_reported(repo: Path) -> None:
    """Is a test cell with only visible checks (nothing hidden to grade) reported?"""
    set_source(EXERCISE, "test-count", "# Check that `count` is a number\nassert count\n")(repo)
    reported(
        check_all(repo),
        f"{EXERCISE_PATH}, cell 'test-count'",
        "without a '### BEGIN HIDDEN TESTS'",
    )


def test_solution_marker_outside_an_answer_cell_is_reported(repo: Path) -> None:
    """Is a BEGIN SOLUTION in a cell that is not an answer cell reported?"""
    set_source(EXERCISE, "task", "# Exercise\n### BEGIN SOLUTION\n3\n### END SOLUTION")(repo)
    reported(
        check_all(repo),
        f"{EXERCISE_PATH}, cell 'task'",
        "contains '### BEGIN SOLUTION'",
        "not an answer cell",
    )


def test_hidden_tests_marker_outside_a_test_cell_is_reported(repo: Path) -> None:
    """Is a BEGIN HIDDEN TESTS in an answer cell (not a test cell) reported?"""
    source = ANSWER_SOURCE + "### BEGIN HIDDEN TESTS\nassert count\n### END HIDDEN TESTS\n"
    set_source(EXERCISE, "answer-count", source)(repo)
    reported(
        check_all(repo),
        f"{EXERCISE_PATH}, cell 'answer-count'",
        "contains '### BEGIN HIDDEN TESTS'",
        "not a test cell",
    )


def test_solution_marker_in_a_lesson_is_reported(repo: Path) -> None:
    """Is a solution marker in a lesson (which nbgrader also releases) reported?"""
    set_source(LESSON, "add-numbers", "### BEGIN SOLUTION\n1 + 1\n### END SOLUTION")(repo)
    reported(check_all(repo), f"{LESSON_PATH}, cell 'add-numbers'", "not an answer cell")


def test_test_cell_not_starting_with_check_that_is_reported(repo: Path) -> None:
    """Is a test cell that does not open with a '# Check that' comment reported?"""
    set_source(EXERCISE, "test-count", TEST_SOURCE.replace("# Check that", "# Test:"))(repo)
    reported(
        check_all(repo),
        f"{EXERCISE_PATH}, cell 'test-count'",
        "first line is '# Test: `count` is the number of suspects'",
        "'# Check that",
    )


def test_markdown_cell_graded_but_not_an_answer_is_reported(repo: Path) -> None:
    """Is a markdown cell marked as a test cell (which nbgrader refuses) reported?"""
    set_meta("task", **nbgrader_meta("task", grade=True, solution=False, points=1))(repo)
    reported(check_all(repo), f"{EXERCISE_PATH}, cell 'task'", "markdown cell marked graded")


def test_exercise_without_answer_cell_is_reported(repo: Path) -> None:
    """Is an exercise with no answer cell reported?"""
    edit_notebook(repo, EXERCISE, lambda nb: nb["cells"].remove(cell(nb, "answer-count")))
    reported(check_all(repo), EXERCISE_PATH, "has no answer cell")


def test_exercise_without_test_cell_is_reported(repo: Path) -> None:
    """Is an exercise with no test cell reported (and its points no longer adding up)?"""
    edit_notebook(repo, EXERCISE, lambda nb: nb["cells"].remove(cell(nb, "test-count")))
    problems = check_all(repo)
    reported(problems, EXERCISE_PATH, "has no test cell")
    reported(problems, EXERCISE_PATH, "add up to 0 (no graded cells)", "points: 2")


def test_points_that_do_not_add_up_are_reported_with_both_numbers(repo: Path) -> None:
    """Is a module.yml points total that differs from the cells' points reported, with both?"""
    edit_yaml(repo, lambda d: d.update(points=5))
    reported(
        check_all(repo),
        EXERCISE_PATH,
        "add up to 2 (cell 'test-count': 2)",
        f"{YML} says points: 5",
    )


# ---- across modules -------------------------------------------------------------------------


def test_notebook_folder_without_module_yml_is_reported(repo: Path) -> None:
    """Is a notebooks/<id>/ folder that belongs to no module reported?"""
    write_json(repo / "notebooks" / "m05-orphan" / "01-lesson.ipynb", lesson_notebook())
    reported(check_all(repo), "notebooks/m05-orphan/", "no modules/m05-orphan/module.yml")


def test_duplicate_orders_are_reported(repo: Path) -> None:
    """Are two modules with the same order reported, each naming the other?"""
    write_module(repo, "m01-twin")
    problems = check_all(repo)
    reported(problems, f"{YML}, key 'order'", "is 1", "'m01-twin'")
    reported(problems, "modules/m01-twin/module.yml, key 'order'", "is 1", f"'{MODULE}'")


def test_unknown_prerequisite_is_reported(repo: Path) -> None:
    """Is a prerequisite that names no module reported, with a guess?"""
    write_module(repo, "m00-basics")
    edit_yaml(repo, lambda d: d.update(prerequisites=["m00-basic"]))
    reported(
        check_all(repo),
        f"{YML}, key 'prerequisites[0]'",
        "'m00-basic', which is not a module here",
        "Did you mean 'm00-basics'?",
    )


def test_prerequisite_taught_later_is_reported(repo: Path) -> None:
    """Is a prerequisite whose order is not lower than the module's reported?"""
    write_module(repo, "m02-later")
    edit_yaml(repo, lambda d: d.update(prerequisites=["m02-later"]))
    reported(
        check_all(repo),
        f"{YML}, key 'prerequisites[0]'",
        "'m02-later' (order 2), which does not come before this module (order 1)",
    )


def test_earlier_prerequisite_is_fine(repo: Path) -> None:
    """Does a prerequisite of lower order pass without a problem?"""
    write_module(repo, "m00-basics")
    edit_yaml(repo, lambda d: d.update(prerequisites=["m00-basics"]))
    assert check_all(repo) == []


# ---- the real curriculum --------------------------------------------------------------------


def test_the_real_curriculum_keeps_the_contract() -> None:
    """Does every module in this repository keep the curriculum contract?"""
    problems = check_all(REPO)
    assert problems == [], "\n".join(map(str, problems))


def test_missing_typical_mistake_is_reported(repo):
    """Is a module without its typical-mistake hand-in under grading/mistakes/ reported?"""
    (repo / "grading" / "mistakes" / f"{MODULE}.ipynb").unlink()
    problems = [str(p) for p in check_all(repo)]
    assert any(
        f"grading/mistakes/{MODULE}.ipynb: is missing" in p and "expected_score" in p
        for p in problems
    ), problems


def test_typical_mistake_scoring_full_marks_is_reported(repo):
    """Is a 'mistake' that would score all the points (or none) refused, with both numbers?"""
    (repo / "grading" / "mistakes" / f"{MODULE}.yml").write_text("expected_score: 2\n")
    problems = [str(p) for p in check_all(repo)]
    assert any("expected_score is 2" in p and "module's 2 points" in p for p in problems), problems


def test_modules_check_command_lists_problems_and_fails(repo):
    """Does `osintlab modules check` print each problem with its place and exit non-zero?"""
    from click.testing import CliRunner

    from osintlab.cli import main

    (repo / "modules" / MODULE / "README.md").unlink()
    result = CliRunner().invoke(main, ["modules", "check", "--root", str(repo)])
    assert result.exit_code == 1
    assert f"modules/{MODULE}/README.md" in result.output
    assert "1 problem(s) in the curriculum." in result.output
    assert "Traceback" not in result.output


def test_modules_check_command_passes_a_valid_curriculum(repo):
    """Does a valid curriculum pass with a line naming the modules checked?"""
    from click.testing import CliRunner

    from osintlab.cli import main

    result = CliRunner().invoke(main, ["modules", "check", "--root", str(repo)])
    assert result.exit_code == 0, result.output
    assert f"1 module(s) checked, no problems: {MODULE}" in result.output


# ---- the Python ladder and links between modules -----------------------------------------


def test_a_construct_the_module_does_not_teach_is_named_with_cell_and_line(repo: Path) -> None:
    """Does a `while` in a lesson cell get named, and pass once the module says it teaches it?"""
    set_source(LESSON, "add-numbers", "# Count down\nn = 3\nwhile n:\n    n = n - 1")(repo)
    problems = check_all(repo)
    reported(problems, f"{LESSON_PATH}, cell 'add-numbers', line 3", "while loops",
             "add 'while' to `python:`")
    edit_yaml(repo, lambda d: d.update(python=["arithmetic", "while"]))
    assert check_all(repo) == []


def test_what_a_prerequisite_teaches_may_be_used(repo: Path) -> None:
    """Is a construct taught by a prerequisite (or its prerequisite) allowed later on?"""
    write_module(repo, "m00-basics", python=["arithmetic", "for"])
    set_source(LESSON, "add-numbers", "# Add up\ntotal = 0\nfor n in [1, 2]:\n    total = total + n")(
        repo)
    assert any("for loops" in p.what for p in check_all(repo))
    edit_yaml(repo, lambda d: d.update(prerequisites=["m00-basics"]))
    assert not any("for loops" in p.what for p in check_all(repo))


def test_a_trainee_region_may_only_call_what_was_taught(repo: Path) -> None:
    """Does a solution that calls an untaught function get named (exercise and lesson)?"""
    edit_notebook(repo, EXERCISE, lambda nb: cell(nb, "answer-count").update(
        source="# Count\n### BEGIN SOLUTION\ncount = len(suspects)\n### END SOLUTION\n"))
    problems = check_all(repo)
    reported(problems, f"{EXERCISE_PATH}, cell 'answer-count', line 3",
             "asks the trainee to call `len`")
    edit_yaml(repo, lambda d: d.update(calls=["len"]))
    assert check_all(repo) == []
    edit_notebook(repo, LESSON, lambda nb: nb["cells"].insert(2, new_markdown_cell(
        "### Your turn\n\n<details><summary>Solution</summary>\n\n```python\n"
        "ranked = sorted(names)\n```\n</details>", id="your-turn")))
    reported(check_all(repo), f"{LESSON_PATH}, cell 'your-turn', line 1",
             "asks the trainee to call `sorted`")


def test_a_setup_cell_may_use_more_but_must_say_so(repo: Path) -> None:
    """Is a lesson cell tagged setup exempt, and named when it has no opening comment?"""
    def tag(nb: dict[str, Any]) -> None:
        target = cell(nb, "add-numbers")
        target["metadata"]["tags"] = ["setup"]
        target["source"] = "def helper():\n    return 1"
    edit_notebook(repo, LESSON, tag)
    reported(check_all(repo), f"{LESSON_PATH}, cell 'add-numbers'", "tagged setup")
    set_source(LESSON, "add-numbers", "# Prepares a helper (run it; no need to read it)\n"
               "def helper():\n    return 1")(repo)
    assert check_all(repo) == []


def test_a_mention_of_a_missing_module_is_named(repo: Path) -> None:
    """Does "Next module, m04" fail when there is no m04, and pass when it exists?"""
    edit_notebook(repo, LESSON, lambda nb: cell(nb, "key-points").update(
        source="## Key points\n\n- Python adds numbers.\n- Next module, m04: people."))
    reported(check_all(repo), f"{LESSON_PATH}, cell 'key-points'", "mentions m04",
             "not a module of this course yet")
    write_module(repo, "m04-people")
    assert not any("mentions m04" in p.what for p in check_all(repo))


def test_a_module_without_a_ladder_is_told_to_add_one(repo: Path) -> None:
    """Is a module.yml without `python:` reported at that key?"""
    edit_yaml(repo, lambda d: d.pop("python"))
    reported(check_all(repo), f"{YML}, key 'python'", "is missing")


def test_timing_must_be_stated_and_add_up(repo: Path) -> None:
    """Is a notebook without minutes named, and a duration that is not the sum reported?"""
    edit_yaml(repo, lambda d: d["notebooks"][0].pop("minutes"))
    reported(check_all(repo), f"{YML}, key 'notebooks[0].minutes'", "is missing")
    edit_yaml(repo, lambda d: d["notebooks"][0].update(minutes=45))
    reported(check_all(repo), f"{YML}, key 'duration.teaching'", "is 30",
             "add up to 45")
