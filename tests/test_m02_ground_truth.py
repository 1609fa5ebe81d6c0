"""Do the m02 exercise's hidden answers and visible checks agree with the fictional world?

The exercise's hidden tests embed two facts taken from the world: which item of the
colleague's case the setup changes (``E0003``) and where the seller's old address on
bazaar.example redirects to. These tests run the exercise's own setup cells and a real capture
through the sandbox, and compare with the values written in the hidden tests, so a change to
``datasets/`` that would silently break grading fails here first.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT

from osintlab import evidence, sandbox
from osintlab.curriculum.cells import HIDDEN_TESTS, nbgrader_meta, tag_lines
from osintlab.exceptions import TamperDetected

EXERCISE = ROOT / "notebooks" / "m02-documenting-evidence" / "06-exercise.ipynb"


def _cell(grade_id: str) -> str:
    notebook = nbformat.read(EXERCISE, as_version=4)
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            return cell.source
    raise AssertionError(f"the exercise has no cell {grade_id!r}")


def _hidden(grade_id: str) -> str:
    return "\n".join(
        line for line, state in tag_lines(_cell(grade_id), HIDDEN_TESTS) if state == "inside"
    )


@pytest.fixture(scope="module")
def setup_namespace():
    """The exercise's two locked setup cells, run as the trainee's kernel runs them."""
    namespace: dict = {}
    exec(_cell("setup"), namespace)  # the course's own notebook code
    exec(_cell("setup-received"), namespace)
    return namespace


def test_the_setup_changes_exactly_the_item_the_hidden_test_expects(setup_namespace):
    """Does verify() on the colleague's case name the item the hidden test wants, and only it?"""
    expected = re.search(r'check\.equal\(tampered_item, "(E\d{4})"', _hidden("check-tampered"))
    assert expected, "the hidden test of task 5 no longer names an item"
    received = setup_namespace["received"]
    with pytest.raises(TamperDetected) as caught:
        received.verify()
    named = {re.match(r"item (E\d{4})", line).group(1) for line in caught.value.findings}
    assert named == {expected.group(1)}
    assert any("2-traffic.csv was altered" in line for line in caught.value.findings)


def test_the_old_seller_address_redirects_where_the_hidden_test_says(tmp_path):
    """Does a real capture of the task 2 address end at the final URL the hidden test expects?"""
    hidden = _hidden("check-page")
    source = re.search(r'page\["source_url"\], "([^"]+)"', hidden).group(1)
    final = re.search(r'page\["final_url"\], "([^"]+)"', hidden).group(1)
    case = evidence.open_case(tmp_path / "CASE-2024-017", investigator="Inspector A. Karimova",
                              session=sandbox.session(), screenshots=False)
    page = case.capture(source, note="seller profile")
    assert page["final_url"] == final
    assert page["http"]["status"] == 200
    assert page["redirects"][0]["status"] == 301


def _visible(grade_id: str) -> str:
    return "\n".join(
        line for line, state in tag_lines(_cell(grade_id), HIDDEN_TESTS) if state == "outside"
    )


def _case_with_two_items(tmp_path):
    """A case whose first two items stand in for the page and the photo (no web needed)."""
    from osintlab import datasets

    case = evidence.open_case(tmp_path / "CASE-2024-017", investigator="Inspector A. Karimova",
                              screenshots=False)
    page = case.capture(datasets.path("photos", "IMG_0233.jpg"), note="stands in for the page")
    photo = case.capture(datasets.path("photos", "IMG_20241103_142210.jpg"), note="the photo")
    return case, page, photo


RIGHT_QUESTIONS = ["Was the photo E0002 edited after it was taken, and with which software?",
                   "Which camera and date does the metadata of E0002 give?"]


@pytest.mark.parametrize("question", [
    "Is the seller guilty of selling drugs?",
    "Did the seller commit a crime with this photo?",
    "Виновен ли продавец в сбыте наркотиков?",
    "Did the seller commit fraud with this photo?",
    "Is dala_trade a swindler?",
    "Мошенник ли продавец dala_trade?",
])
def test_task_6_refuses_a_question_of_law_for_the_expert(question):
    """Does Task 6's first step refuse a question of law ("Is the seller guilty?")?

    An expert answers questions of special knowledge, never questions of law such as guilt.
    The questions are checked before the hand-over goes into the log, so none is ticked.
    """
    from osintlab.exceptions import CheckFailed

    with pytest.raises(CheckFailed, match="questions of special knowledge"):
        exec(_visible("check-questions"), {"questions": [RIGHT_QUESTIONS[0], question]})


@pytest.mark.parametrize("question", [
    "Is the photo admissible as evidence in court?",
    "Is this page admissible evidence of the sale?",
    "Допустимо ли это фото как доказательство?",
    "Является ли страница допустимым доказательством?",
])
def test_task_6_refuses_asking_the_expert_whether_evidence_is_admissible(question):
    """Does Task 6's first step leave admissibility to the court?"""
    from osintlab.exceptions import CheckFailed

    with pytest.raises(CheckFailed, match="admissible is for the court"):
        exec(_visible("check-questions"), {"questions": [RIGHT_QUESTIONS[0], question]})


@pytest.mark.parametrize("question", [
    "Is the metadata reliable?",
    "Which software last saved the photo E0002?",
    "Была ли фотография отредактирована после съёмки?",
    "Совпадает ли дата в метаданных с датой на странице?",
])
def test_task_6_lets_a_question_of_special_knowledge_pass(question):
    """Is a legitimate question for the expert never taken for a question of law?"""
    exec(_visible("check-questions"), {"questions": [RIGHT_QUESTIONS[0], question]})


def test_task_6_ticks_one_hand_over_with_the_checked_questions(tmp_path):
    """Does the visible check of Task 6's second step tick the model hand-over?"""
    case, page, photo = _case_with_two_items(tmp_path)
    right = case.transfer(to="Expert B. Sadykov, forensic centre", purpose="examination",
                          questions=RIGHT_QUESTIONS, items=[page["item"], photo["item"]])
    again = case.transfer(to="Expert B. Sadykov, forensic centre", purpose="examination",
                          questions=RIGHT_QUESTIONS, items=[page["item"], photo["item"]])
    assert again["seq"] == right["seq"]  # the cell run again unchanged adds nothing
    exec(_visible("check-handover"), {"handover": again, "questions": RIGHT_QUESTIONS,
                                      "case": case, "page": page, "photo": photo})


def test_task_6_refuses_a_wrong_receiver_corrected_afterwards(tmp_path):
    """Is a hand-over corrected after a wrong one refused, with the way out?

    A wrong receiver, then the right one, leaves investigator -> "Expert B. Sadykov" ->
    "Expert B. Sadykov, forensic centre" in the log; the log cannot be cut, so the check asks
    for a restart of the exercise.
    """
    from osintlab.exceptions import CheckFailed

    case, page, photo = _case_with_two_items(tmp_path)
    case.transfer(to="Expert B. Sadykov", purpose="examination", questions=RIGHT_QUESTIONS,
                  items=[page["item"], photo["item"]])
    corrected = case.transfer(to="Expert B. Sadykov, forensic centre", purpose="examination",
                              questions=RIGHT_QUESTIONS, items=[page["item"], photo["item"]])
    with pytest.raises(CheckFailed, match="cannot be deleted") as caught:
        exec(_visible("check-handover"), {"handover": corrected, "questions": RIGHT_QUESTIONS,
                                          "case": case, "page": page, "photo": photo})
    assert "Restart Kernel and Run All Cells" in str(caught.value)


def test_task_2_refuses_a_capture_of_too_many_requests(tmp_path):
    """Is a capture that met the site's rate limit (429) refused, with what to do?"""
    from osintlab.exceptions import CheckFailed
    from osintlab.sandbox.server import SandboxServer

    server = SandboxServer(ROOT / "datasets" / "web").start()  # its own limits: no other test's
    try:
        web = sandbox.session(server)
        case = evidence.open_case(tmp_path / "CASE-2024-017", investigator="Inspector A. Karimova",
                                  session=web, screenshots=False)
        for _ in range(12):
            web.get("http://bazaar.example/robots.txt")
        page = case.capture("http://bazaar.example/sellers/dala_trade", note="seller profile")
    finally:
        server.stop()
    assert page["http"]["status"] == 429
    with pytest.raises(CheckFailed, match="Too many requests.*Wait a minute"):
        exec(_visible("check-page"), {"page": page})
