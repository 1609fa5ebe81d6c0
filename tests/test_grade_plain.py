"""Answers leave the trainee's kernel as plain data, so a hand-in's objects cannot judge themselves.

These are the pieces the grading worker uses (``osintlab.grading.plain``); the whole path, with
real kernels behind the boundary, is in test_grade_boundary.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from osintlab import check
from osintlab.evidence import Case
from osintlab.grading.execute import visible_part
from osintlab.grading.plain import Snapshot, dumps, judge, loads, names_read


class Anything(str):
    """An answer that says it equals whatever it is compared with."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__


def test_a_lying_string_does_not_survive_the_trip():
    """Is a str subclass whose == always says yes judged as what it is, not as what it claims?"""
    values = loads(dumps({"answer": Anything("wrong")}, ["answer"]))
    assert type(values["answer"]) is Snapshot
    error = judge('from osintlab import check\ncheck.equal(answer, "E0003", name="answer")', values)
    assert error is not None and error["ename"] == "CheckFailed"
    assert "E0003" not in error["evalue"]  # a hidden check never shows what it expected


def test_plain_answers_keep_their_values_and_types():
    """Do lists, dicts, sets, tuples, numbers, None and booleans come back equal and exact?"""
    answers = {"a": [1, "x", None, True], "b": {"S1": "national_law"}, "c": {"b", "a"},
               "d": (1, 2.5), "e": {1: "one"}, "f": b"\x00\xff", "g": float("nan")}
    back = loads(dumps(answers, list(answers)))
    assert {k: v for k, v in back.items() if k != "g"} == {k: v for k, v in answers.items()
                                                           if k != "g"}
    assert [type(v) for v in back["a"]] == [int, str, type(None), bool]
    assert back["g"] != back["g"]  # NaN stays NaN


def test_a_table_comes_back_as_a_plain_table_with_its_rows():
    """Does a filtered DataFrame keep its columns, rows and index, as a plain DataFrame?"""
    cases = pd.DataFrame({"case_id": ["C1", "C2", "C3"], "city": ["Almaty", "Osh", "Almaty"]})
    almaty = cases[cases["city"] == "Almaty"]
    back = loads(dumps({"almaty": almaty}, ["almaty"]))["almaty"]
    assert type(back) is pd.DataFrame
    assert back.equals(almaty)
    check.rows(back, 2, name="almaty")


def test_a_case_travels_as_a_snapshot_that_checks_accept(tmp_path):
    """Does a Case keep what the m02 checks read (type, id, items, verify, `session is web`)?"""
    from osintlab import evidence

    web = object()
    case = evidence.open_case(tmp_path / "CASE-2024-017", investigator="Inspector A. Test",
                              session=web, screenshots=False)
    back = loads(dumps({"case": case, "web": web, "work": tmp_path}, ["case", "web", "work"]))
    shot = back["case"]
    check.is_type(shot, Case, name="case")
    assert shot.id == "CASE-2024-017" and shot.investigator == "Inspector A. Test"
    assert shot.session is back["web"] and shot.screenshots is False
    assert shot.root.parent == back["work"]
    assert shot.verify()["status"] == "intact"
    assert "item" in shot.items.columns
    with pytest.raises(check.CheckFailed):
        check.is_type(shot, dict, name="case")


def test_a_test_cell_reads_its_free_names_and_its_answers():
    """Are the names a check reads found, and the ones it makes itself left out?"""
    source = ('from osintlab import check\ncase = check.answer("case")\n'
              'expected = ["a"]\ncheck.that(case.root.parent == work and expected, "m")')
    assert names_read(source) == ["case", "work"]


def test_the_kernel_never_gets_the_hidden_part():
    """Is everything between the hidden-test markers left out of what the kernel runs?"""
    cell = ("check.is_type(x, str, name='x')\n### BEGIN HIDDEN TESTS\ncheck.equal(x, 'secret',"
            " name='x')\n### END HIDDEN TESTS\ncheck.visible_passed()")
    assert "secret" not in visible_part(cell)
    assert visible_part(cell).splitlines() == ["check.is_type(x, str, name='x')",
                                               "check.visible_passed()"]


@pytest.mark.parametrize("text", ["[]", "not json", '{"x": {"__ref__": 99}}'])
def test_whatever_a_kernel_sends_is_at_worst_an_answer_not_given(text):
    """Does garbage from a hostile kernel decode to nothing or fail cleanly, never run code?"""
    try:
        values = loads(text)
    except ValueError:
        return
    assert values in ({}, {"x": None})
