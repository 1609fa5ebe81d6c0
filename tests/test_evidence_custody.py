"""Custody per item: does each hand-over name who really held those items, and does a
trainee's slip in transfer() get a teaching answer instead of a wrong record or a traceback?"""

from __future__ import annotations

import pytest

from osintlab.evidence import open_case
from osintlab.exceptions import EvidenceError

EXPERT = "Expert B. Sadykov, forensic centre"
INSPECTOR = "Inspector A. Karimova"


@pytest.fixture
def case(tmp_path):
    case = open_case(tmp_path / "CASE-2024-017", investigator=INSPECTOR)
    for name, text in (("page.html", "<p>offer</p>\n"), ("photo.jpg", "not really a photo\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        case.capture(tmp_path / name, note=name)
    return case


def test_a_hand_over_comes_from_the_holder_of_those_items_only(case):
    """Expert gets E0002 only: is E0001 still with the inspector, and each return right?"""
    case.transfer(to=EXPERT, purpose="examination", items=["E0002"],
                  questions=["Was E0002 edited after it was taken?"])
    assert case.holders() == {"E0001": INSPECTOR, "E0002": EXPERT}
    back = case.transfer(to=INSPECTOR, purpose="returned with the conclusion", items=["E0002"])
    assert back["from"] == EXPERT and back["items"] == ["E0002"]
    onward = case.transfer(to="Prosecutor D. Omarova", purpose="case file", items=["E0001"])
    assert onward["from"] == INSPECTOR
    rows = case.custody()
    assert [(r["from"], r["to"], r["items"]) for r in rows[1:]] == [
        (INSPECTOR, EXPERT, ["E0002"]), (EXPERT, INSPECTOR, ["E0002"]),
        (INSPECTOR, "Prosecutor D. Omarova", ["E0001"])]
    assert case.verify()["status"] == "intact"


def test_handing_over_items_held_by_different_people_at_once_is_refused(case):
    """With E0002 at the expert, is 'hand everything to the prosecutor' refused and explained?"""
    case.transfer(to=EXPERT, purpose="examination", items=["E0002"])
    with pytest.raises(EvidenceError, match="not all with the same person.*case.holders"):
        case.transfer(to="Prosecutor D. Omarova", purpose="case file")
    assert sum(e.get("action") == "transfer" for e in case.entries()) == 1  # nothing logged


def test_one_question_as_text_is_one_question_not_one_per_letter(case):
    """questions="Was the photo edited?" records one question, not 21 letters."""
    record = case.transfer(to=EXPERT, purpose="examination", items=["E0002"],
                           questions="Was the photo edited?")
    assert record["questions"] == ["Was the photo edited?"]


def test_one_item_id_or_the_capture_records_name_the_items(case):
    """items="E0001" is E0001 (not E, 0, 0, 0, 1); the records capture() returned work too."""
    assert case.transfer(to=EXPERT, purpose="x", items="E0001")["items"] == ["E0001"]
    records = [case.record("E0001"), case.record("E0002")]
    back = case.transfer(to=INSPECTOR, purpose="back", items=[records[0]])
    assert back["items"] == ["E0001"] and back["from"] == EXPERT


@pytest.mark.parametrize(("argument", "said"), [
    ({"items": [42]}, "items= takes the ids of the items"),
    ({"questions": ["Was it edited?", 7]}, "questions= takes the expert's questions as texts"),
    ({"questions": [""]}, "questions= takes the expert's questions as texts"),
])
def test_a_wrong_argument_is_explained_and_nothing_is_logged(case, argument, said):
    """Is a number in items= or a non-text question refused with an example, log untouched?"""
    before = len(case.entries())
    with pytest.raises(EvidenceError, match=said):
        case.transfer(to=EXPERT, purpose="examination", **argument)
    assert len(case.entries()) == before


def test_an_item_captured_after_a_hand_over_of_all_stays_with_who_captured_it(case, tmp_path):
    """'All' hands over the items captured so far: is a later capture still the inspector's?"""
    case.transfer(to=EXPERT, purpose="examination")
    (tmp_path / "later.txt").write_text("a later tip\n", encoding="utf-8")
    later = case.capture(tmp_path / "later.txt", note="later")
    assert case.holders() == {"E0001": EXPERT, "E0002": EXPERT, later["item"]: INSPECTOR}


def test_a_hand_over_to_whoever_already_holds_the_items_is_refused(tmp_path):
    """Running a transfer cell twice must not record the expert handing items to himself."""
    from osintlab.evidence import open_case

    case = open_case(tmp_path / "CASE-TWICE", investigator="A. Karimova", screenshots=False)
    source = tmp_path / "photo.txt"
    source.write_text("photo")
    case.capture(source, provenance="handed over by the victim")
    first = case.transfer(to="Expert B. Sadykov", purpose="examination", items="E0001")
    lines = len(case.entries())
    again = case.transfer(to="Expert B. Sadykov", purpose="examination", items="E0001")
    assert again["seq"] == first["seq"] and len(case.entries()) == lines  # a re-run: same entry
    with pytest.raises(EvidenceError, match="already holds these items"):
        case.transfer(to="Expert B. Sadykov", purpose="a second look", items="E0001")
    assert [e["to"] for e in case.custody()][-1] == "Expert B. Sadykov"
