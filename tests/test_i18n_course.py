"""Does every module, localised into Russian, release and grade exactly like the English one?

For each module: a Russian cohort (`init_course(..., language="ru")`, which builds the localised
source from locale/ru and sets OSINTLAB_LANG for graded kernels), nbgrader's own release, then
three hand-ins autograded for real: the Russian solution (full marks), the untouched Russian
release (zero) and the module's typical mistake translated (the same partial score as in
English). The feedback a trainee reads must show the check's message in Russian.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import ROOT, hand_in

from osintlab.curriculum import find_modules
from osintlab.grading import init_course
from osintlab.i18n.build import MARKER, localise_file, localise_mistake

MODULES = [m.id for m in find_modules(ROOT)]

pytestmark = pytest.mark.slow
# One xdist group per module: each module's Russian course is built and graded once, on one
# worker, while the other worker takes another module.
PARAMS = [pytest.param(m, marks=pytest.mark.xdist_group(f"i18n-{m}")) for m in MODULES]

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _russian_or_marked(text: str) -> bool:
    """Russian, or English visibly marked as not yet translated (a module still in progress)."""
    return bool(CYRILLIC.search(text)) or MARKER in text


@pytest.fixture(scope="module", params=PARAMS, ids=MODULES)
def graded(request, tmp_path_factory):
    module = request.param
    work = tmp_path_factory.mktemp(f"ru-{module}")
    course = init_course(work / "course", "ru-course", title="Группа Бишкек", language="ru")
    spec = course.module(module)
    course.release(module)
    solution = localise_file(
        ROOT / "notebooks" / module / spec.exercise, work / "solution.ipynb", "ru", module, ROOT
    )
    mistake = localise_mistake(ROOT, "ru", module, spec.exercise, work / "mistake.ipynb")
    hand_in(course, module, "solution", solution)
    hand_in(course, module, "untouched", course.root / "release" / module / spec.exercise)
    hand_in(course, module, "mistake", mistake)
    outcomes = {o.student: o for o in course.autograde(module)}
    course.feedback(module)
    expected = yaml.safe_load(
        (ROOT / "grading" / "mistakes" / f"{module}.yml").read_text(encoding="utf-8")
    )
    return module, course, spec, outcomes, expected


def test_the_cohort_remembers_its_language(graded):
    """Does cohort.yml record Russian, so later commands release and grade in Russian?"""
    _, course, _, _, _ = graded
    assert yaml.safe_load((course.root / "cohort.yml").read_text("utf-8"))["language"] == "ru"


def test_russian_release_is_in_russian_with_the_same_cells(graded):
    """Is what trainees receive Russian, with the cell ids of the English source?"""
    module, course, spec, _, _ = graded
    released = nbformat.read(course.root / "release" / module / spec.exercise, as_version=4)
    english = nbformat.read(ROOT / "notebooks" / module / spec.exercise, as_version=4)
    assert [c.id for c in released.cells] == [c.id for c in english.cells]
    assert _russian_or_marked(released.cells[0].source)
    assert "BEGIN SOLUTION" not in str(released) and "HIDDEN TESTS" not in str(released)
    for lesson in spec.lessons:
        text = nbformat.read(course.root / "release" / module / lesson, as_version=4)
        assert _russian_or_marked(text.cells[0].source)


def test_russian_solution_scores_full_marks(graded):
    """Does the Russian model answer get every point?"""
    _, _, spec, outcomes, _ = graded
    assert outcomes["solution"].status == "graded", outcomes["solution"].line()
    assert outcomes["solution"].score == spec.points


def test_untouched_russian_release_scores_zero(graded):
    """Does an unanswered Russian exercise get nothing?"""
    _, _, _, outcomes, _ = graded
    assert outcomes["untouched"].status == "graded" and outcomes["untouched"].score == 0


def test_translated_mistake_scores_what_it_scores_in_english(graded):
    """Does the typical mistake score the documented partial mark in Russian too?"""
    _, _, _, outcomes, expected = graded
    assert outcomes["mistake"].status == "graded", outcomes["mistake"].line()
    assert outcomes["mistake"].score == expected["expected_score"]


def test_check_feedback_reaches_the_trainee_in_russian(graded):
    """Is the check's message on the feedback page Russian (package and exercise texts)?"""
    module, course, spec, _, _ = graded
    page = course.root / "feedback" / "mistake" / module / Path(spec.exercise).with_suffix(".html")
    text = html.unescape(page.read_text(encoding="utf-8"))
    messages = re.findall(r"CheckFailed: ([^<\n]+)", text)
    assert messages, "no check message in the feedback"
    # the package's own words are Russian; an exercise text not yet translated is marked ⟨EN⟩
    assert all(_russian_or_marked(m) for m in messages), messages
    assert any(CYRILLIC.search(m) for m in messages), messages
    assert "HIDDEN TESTS" not in text
