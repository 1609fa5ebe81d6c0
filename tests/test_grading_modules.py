"""Every module grades right end to end with real nbgrader runs.

For each module: a throwaway course from grading/, `generate_assignment`, then three
hand-ins autograded: the solution (full marks), the untouched release (zero) and the
module's typical mistake from grading/mistakes/ (the partial score it documents). The
release must hold no answer and no hidden test; the feedback must show the check's message
and never the hidden tests' code.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from chromium import needs_chromium, rendered_text, screenshot
from conftest import ROOT, build_course, hand_in
from PIL import Image, ImageStat

from osintlab.curriculum import find_modules

MODULES = [m.id for m in find_modules(ROOT)]

# One xdist group per module: the module-scoped fixture below (one course, three hand-ins
# graded) is built once, on one worker, while the other worker takes another module.
PARAMS = [pytest.param(m, marks=pytest.mark.xdist_group(f"grading-{m}")) for m in MODULES]


def _secret_lines(source: nbformat.NotebookNode) -> list[str]:
    """Code lines inside solution and hidden-test regions (comments left out)."""
    lines, inside = [], False
    for cell in source.cells:
        for line in cell.source.splitlines():
            text = line.strip()
            if text.startswith(("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")):
                inside = True
            elif text.startswith(("### END SOLUTION", "### END HIDDEN TESTS")):
                inside = False
            elif inside and text and not text.startswith("#"):
                lines.append(text)
    return lines


@pytest.fixture(scope="module", params=PARAMS, ids=MODULES)
def graded(request, tmp_path_factory):
    module = request.param
    course = build_course(tmp_path_factory.mktemp(module) / "course", module, cell_timeout=60)
    spec = course.module(module)
    source = ROOT / "notebooks" / module / spec.exercise
    release = course.root / "release" / module / spec.exercise
    mistake = ROOT / "grading" / "mistakes" / f"{module}.ipynb"
    hand_in(course, module, "solution", source)
    hand_in(course, module, "untouched", release)
    hand_in(course, module, "mistake", mistake)
    outcomes = {o.student: o for o in course.autograde(module)}
    course.feedback(module)
    expected = yaml.safe_load(mistake.with_suffix(".yml").read_text(encoding="utf-8"))
    return module, course, spec, outcomes, expected


def test_solution_scores_full_marks(graded):
    """Does the author's own solution get every point the module promises?"""
    module, _, spec, outcomes, _ = graded
    outcome = outcomes["solution"]
    assert outcome.status == "graded", outcome.line()
    assert outcome.score == outcome.max_score == spec.points


def test_untouched_release_scores_zero(graded):
    """Does a trainee who hands in the exercise without answering get nothing?"""
    _, _, _, outcomes, _ = graded
    assert outcomes["untouched"].status == "graded"
    assert outcomes["untouched"].score == 0


def test_typical_mistake_scores_its_documented_partial_mark(graded):
    """Does the typical mistake score exactly what grading/mistakes/<module>.yml says?"""
    _, _, spec, outcomes, expected = graded
    outcome = outcomes["mistake"]
    assert outcome.status == "graded", outcome.line()
    assert 0 < expected["expected_score"] < spec.points
    assert outcome.score == expected["expected_score"]


def test_release_holds_no_solution_and_no_hidden_test(graded):
    """Could a trainee read an answer or a hidden test in what they are given?"""
    module, course, spec, _, _ = graded
    source = nbformat.read(ROOT / "notebooks" / module / spec.exercise, as_version=4)
    released = "\n".join(
        p.read_text(encoding="utf-8") for p in (course.root / "release" / module).rglob("*.ipynb")
    )
    assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released
    secrets = _secret_lines(source)
    assert secrets, "the exercise has no solution or hidden-test lines to protect"
    every_line = [x.strip() for c in source.cells for x in c.source.splitlines()]
    private = [line for line in secrets if every_line.count(line) == 1 and len(line) > 12]
    leaked = [line for line in private if line in released or repr(line)[1:-1] in released]
    assert not leaked, f"visible in the release: {leaked}"


def test_release_includes_the_lessons(graded):
    """Does a trainee who fetches the module also get its lesson notebooks?"""
    module, course, spec, _, _ = graded
    for lesson in spec.lessons:
        assert (course.root / "release" / module / lesson).is_file()


def test_feedback_shows_the_check_message_not_the_hidden_tests(graded):
    """Does the feedback page teach (the check's words) without giving the tests away?"""
    module, course, spec, _, _ = graded
    page = course.root / "feedback" / "mistake" / module / Path(spec.exercise).with_suffix(".html")
    text = html.unescape(page.read_text(encoding="utf-8"))
    messages = re.findall(r"CheckFailed: ([^<\n]+)", text)
    assert any("`" in m for m in messages), f"no check message in the feedback: {messages}"
    assert "HIDDEN TESTS" not in text
    source = nbformat.read(ROOT / "notebooks" / module / spec.exercise, as_version=4)
    hidden = [
        line for line in _secret_lines(source) if line.startswith("check.") and "reveal" not in line
    ]
    visible_source = "\n".join(c.source for c in source.cells)
    for line in hidden:
        if visible_source.count(line) == 1:
            assert line not in text, f"hidden test shown in feedback: {line}"


def test_feedback_page_loads_nothing_from_the_internet(graded):
    """Does the feedback page name no outside script, style or font (offline classrooms)?"""
    module, course, spec, _, _ = graded
    page = course.root / "feedback" / "mistake" / module / Path(spec.exercise).with_suffix(".html")
    text = page.read_text(encoding="utf-8")
    outside = re.findall(r"""(?:src|href)=["'](?:https?:)?//[^"']+""", text)
    assert outside == []


@needs_chromium
def test_feedback_page_as_the_trainee_sees_it(graded, tmp_path_factory):
    """In a browser with no network, does the page show the score and the check's message?"""
    module, course, spec, outcomes, _ = graded
    page = course.root / "feedback" / "mistake" / module / Path(spec.exercise).with_suffix(".html")
    dom = html.unescape(rendered_text(page.as_uri()))
    score = outcomes["mistake"].score
    assert f"{score:g}" in dom and f"{spec.points:g}" in dom
    assert re.search(r"CheckFailed: [^<]*`", dom)
    assert "HIDDEN TESTS" not in dom
    shot = screenshot(page.as_uri(), tmp_path_factory.mktemp("artifacts") / f"{module}-feedback.png")
    picture = Image.open(shot).convert("L")
    assert picture.size == (1200, 1600)
    assert ImageStat.Stat(picture).stddev[0] > 10, "the page rendered blank"
