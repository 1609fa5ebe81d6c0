"""Exercise feedback: each kind of wrong answer gets its own message a trainee can act on."""

import subprocess
import sys

import pandas as pd
import pytest

from osintlab import check
from osintlab.exceptions import CheckFailed


def test_wrong_type_names_the_expected_and_the_actual_type():
    """Does a text answer where a number belongs say both, in plain words?"""
    with pytest.raises(CheckFailed) as failure:
        check.is_type("12", int, name="fraud_count")
    message = str(failure.value)
    assert "`fraud_count` should be a whole number" in message
    assert "but it is text in quotes" in message and "'12'" in message


def test_numpy_whole_numbers_are_described_once_in_plain_words():
    """Does a check that accepts int or numpy integers still read as one plain type?"""
    import numpy

    with pytest.raises(CheckFailed) as failure:
        check.is_type("11", (int, numpy.integer), name="fraud_count")
    assert "should be a whole number (like 42), but it is" in str(failure.value)
    check.is_type(numpy.int64(11), (int, numpy.integer), name="fraud_count")


def test_true_is_not_accepted_as_a_count():
    """Is `True` (which Python treats as 1) refused where a count is asked?"""
    with pytest.raises(CheckFailed, match="True or False"):
        check.is_type(True, int, name="victims")


def test_wrong_count_says_how_many_and_how_many_expected():
    """Does a list of the wrong length say both numbers?"""
    with pytest.raises(CheckFailed, match=r"`suspects` has 2 items; it should have 3\."):
        check.length(["Bekov", "Iskakova"], 3, name="suspects")


def test_misspelt_column_suggests_the_right_spelling():
    """Does a table missing 'city' but having 'City' say 'Did you mean'?"""
    table = pd.DataFrame({"City": ["Almaty"], "status": ["open"]})
    with pytest.raises(CheckFailed) as failure:
        check.columns(table, ["city", "status"], name="almaty_cases")
    assert "has no column 'city'" in str(failure.value)
    assert "Did you mean 'City'?" in str(failure.value)


def test_missing_column_without_a_near_match_lists_the_columns():
    """With nothing close, does the message list what the table has?"""
    table = pd.DataFrame({"victims": [1]})
    with pytest.raises(CheckFailed, match="Its columns are: victims"):
        check.columns(table, ["platform"], name="cases")


def test_row_count_says_too_many_or_too_few():
    """Does a filter that kept too much say so?"""
    with pytest.raises(CheckFailed, match="has 3 rows: too many"):
        check.rows(pd.DataFrame({"a": [1, 2, 3]}), 2, name="open_cases")


def test_hidden_equal_does_not_reveal_the_expected_value():
    """Does a failed hidden comparison keep the right answer secret?"""
    with pytest.raises(CheckFailed) as failure:
        check.equal(7, 12, name="fraud_count", hint="Count the rows.")
    assert "12" not in str(failure.value)
    assert "Hint: Count the rows." in str(failure.value)


def test_answer_explains_how_to_create_a_missing_variable():
    """Does checking an answer that was never run explain Shift+Enter?"""
    with pytest.raises(CheckFailed, match="There is no `not_defined_here` yet.*Shift\\+Enter"):
        check.answer("not_defined_here")


def test_answer_returns_the_callers_variable():
    """Does answer() find a variable of the notebook (the caller's globals)?"""
    global answer_under_test
    answer_under_test = [1, 2]
    assert check.answer("answer_under_test") == [1, 2]


def test_visible_pass_message_never_claims_all_tests_passed(capsys, monkeypatch):
    """While a trainee works, does the message say more checks run at grading?"""
    monkeypatch.delenv(check.GRADING_ENV, raising=False)
    check.visible_passed()
    out = capsys.readouterr().out
    assert "The visible checks passed; more checks run at grading." in out
    assert "all tests passed" not in out.lower()


def test_check_failure_is_an_assertion_error_for_nbgrader():
    """Does nbgrader see a failed check as a failed test (an AssertionError)?"""
    with pytest.raises(AssertionError):
        check.that(False, "the list should not be empty")


def test_import_osintlab_does_not_load_heavy_libraries():
    """Is `import osintlab` cheap: no pandas, nbgrader or jupyter loaded until used?"""
    code = (
        "import sys, osintlab; "
        "print(sorted(m for m in ('pandas', 'nbgrader', 'nbformat', 'numpy', 'folium') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_that_fills_placeholders_after_translating_the_fixed_text(monkeypatch):
    """Is a check message a fixed text whose {placeholders} are filled after translation?"""
    from osintlab import check as helpers

    seen = []
    monkeypatch.setattr(helpers, "_", lambda text: seen.append(text) or "RU: " + text)
    with pytest.raises(CheckFailed) as raised:
        helpers.that(False, "`item` is {found!r}", name="item", found="E1")
    assert seen == ["`item` is {found!r}"]
    assert str(raised.value) == "RU: `item` is 'E1'"
