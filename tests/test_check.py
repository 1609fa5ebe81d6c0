"""Exercise feedback: each kind of wrong answer gets its own message a trainee can act on."""

import re
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
    with pytest.raises(CheckFailed, match=r"number of items in `suspects` is 2; it should be 3\."):
        check.length(["Bekov", "Iskakova"], 3, name="suspects")
    with pytest.raises(CheckFailed, match=r"number of items in `suspects` is 1; it should be 3\."):
        check.length(["Bekov"], 3, name="suspects")  # never "has 1 items"


def test_misspelt_column_suggests_the_expected_name_not_the_typo():
    """For a column 'usernmae' where 'username' is asked, is the trainee told to write 'username'?"""
    table = pd.DataFrame({"usernmae": ["a"], "platform": ["Telegram"]})
    with pytest.raises(CheckFailed) as failure:
        check.columns(table, ["username", "platform"], name="accounts")
    message = str(failure.value)
    assert "no column 'username'" in message
    assert "It has a column 'usernmae': if you meant 'username', spell it exactly so" in message
    assert "Did you mean 'usernmae'" not in message


def test_missing_column_without_a_near_match_lists_the_columns():
    """With nothing close, does the message list what the table has?"""
    table = pd.DataFrame({"victims": [1]})
    with pytest.raises(CheckFailed, match="Its columns are: victims"):
        check.columns(table, ["platform"], name="cases")


def test_row_count_says_too_many_or_too_few():
    """Does a filter that kept too much say so?"""
    with pytest.raises(CheckFailed, match="rows in the table `open_cases` is 3: too many"):
        check.rows(pd.DataFrame({"a": [1, 2, 3]}), 2, name="open_cases")
    with pytest.raises(CheckFailed, match="rows in the table `open_cases` is 1: too few"):
        check.rows(pd.DataFrame({"a": [1]}), 2, name="open_cases")  # never "has 1 rows"


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


def test_answer_of_an_earlier_task_names_that_task():
    """Does a later task's check send the trainee to the earlier task, not to the cell above?"""
    with pytest.raises(CheckFailed, match="`not_made_yet` is the answer of Task 3.*Do Task 3 first"):
        check.answer("not_made_yet", task="Task 3")


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (pd.DataFrame({"city": []}), "`answer` is empty: nothing was kept or found."),
        ([], "`answer` is empty"),
        ({}, "`answer` is empty"),
        (0, "`answer` is 0: nothing was counted."),
    ],
)
def test_an_empty_answer_of_the_right_form_is_never_ticked(value, expected):
    """Do a 0-row filter ('almaty' for 'Almaty'), an empty list and a count of 0 each fail?"""
    with pytest.raises(CheckFailed, match=expected.replace("(", r"\(")):
        check.not_empty(value, name="answer")
    check.not_empty(3, name="answer")
    check.not_empty(["Bekov"], name="answer")


def test_a_filter_that_kept_every_row_is_named_and_a_real_one_passes():
    """Does a 'filtered' table equal to its input fail, and a filter that kept some rows pass?"""
    cases = pd.DataFrame({"city": ["Almaty", "Osh", "Almaty"]})
    with pytest.raises(CheckFailed, match="has every row of the table it comes from"):
        check.filtered(cases, cases, name="almaty_cases")
    with pytest.raises(CheckFailed, match="is empty"):
        check.filtered(cases[cases["city"] == "almaty"], cases, name="almaty_cases")
    check.filtered(cases[cases["city"] == "Almaty"], cases, name="almaty_cases")


def test_an_unsorted_table_fails_where_an_order_is_asked():
    """Does a table sorted the wrong way (ascending=False forgotten) get an order message?"""
    losses = pd.DataFrame({"loss_kzt": [10, 50, 30]})
    with pytest.raises(CheckFailed, match="from the largest to the smallest"):
        check.in_order(losses, "loss_kzt", name="losses", descending=True)
    with pytest.raises(CheckFailed, match="from the largest to the smallest"):
        check.in_order(losses.sort_values("loss_kzt"), "loss_kzt", name="losses",
                       descending=True)
    check.in_order(losses.sort_values("loss_kzt", ascending=False), "loss_kzt", name="losses",
                   descending=True)
    with pytest.raises(CheckFailed, match="from the smallest to the largest"):
        check.in_order(losses, "loss_kzt", name="losses")


def test_a_check_after_a_failed_answer_cell_refuses_the_old_value():
    """In a real kernel: the answer cell once worked, then fails; does the check say so?"""
    import nbformat
    from nbclient import NotebookClient

    cells = [
        "import osintlab\nimport pandas as pd\ncases = pd.DataFrame({'city': ['Almaty']})",
        "almaty = cases[cases['city'] == 'Almaty']",   # a first, working run
        "almaty = cases[cases['City'] == 'Almaty']",   # edited: KeyError 'City'
        "from osintlab import check\nalmaty = check.answer('almaty')\n"
        "check.not_empty(almaty, name='almaty')",
        "almaty = cases[cases['city'] == 'Almaty']",   # fixed and run again
        "from osintlab import check\nalmaty = check.answer('almaty')\n"
        "check.not_empty(almaty, name='almaty')\nprint('passed')",
        "from osintlab import check\nalmaty = check.answer('almaty')\nprint('passed again')",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=120, allow_errors=True).execute()
    outputs = [cell.outputs for cell in notebook.cells]
    assert outputs[2][0]["ename"] == "KeyError"
    assert outputs[3][0]["ename"] == "CheckFailed"
    assert "The cell that makes `almaty` ended with an error" in outputs[3][0]["evalue"]
    assert outputs[5][0]["text"] == "passed\n"
    assert outputs[6][0]["text"] == "passed again\n"
    # a failed check is one red line with its message, not a traceback wall
    assert len(outputs[3][0]["traceback"]) == 1
    assert "The cell that makes `almaty` ended with an error" in outputs[3][0]["traceback"][0]


@pytest.mark.parametrize("lang, what_to_do", [("en", "What to do:"), ("ru", "Что делать:")])
def test_a_trainees_slip_with_a_table_is_explained_not_a_wall(monkeypatch, lang, what_to_do):
    """In a real kernel: a misspelt column and `or` in a filter show the trainee's line, what
    to do (in the trainee's language) and the error's own last line, without pandas' inside;
    an error with nothing to explain is shown as IPython shows it; each cell still fails."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("OSINTLAB_LANG", lang)
    cells = [
        "import osintlab\nimport pandas as pd\n"
        "cases = pd.DataFrame({'offence': ['fraud'], 'city': ['Almaty']})",
        "cases['offense']",
        "cases[(cases['offence'] == 'fraud') or (cases['city'] == 'Osh')]",
        "int('twelve')",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=120, allow_errors=True).execute()
    plain = [[re.sub(r"\x1b\[[0-9;]*m", "", line) for line in cell.outputs[0]["traceback"]]
             for cell in notebook.cells[1:]]
    names = [cell.outputs[0]["ename"] for cell in notebook.cells[1:]]
    assert names == ["KeyError", "ValueError", "ValueError"]  # the cells fail as before
    column, either, other = ("\n".join(lines) for lines in plain)
    assert "cases['offense']" in column and "'offence'" in column
    assert what_to_do in column and "pandas/core" not in column  # no library frames
    assert plain[0][-1].strip() == "KeyError: 'offense'"  # the last line is the error itself
    assert what_to_do in either and "(table[\"a\"] == 1) & (table[\"b\"] == 2)" in either
    assert plain[1][-1].startswith("ValueError: The truth value of a Series is ambiguous")
    assert what_to_do not in other and "invalid literal for int()" in other


def test_stale_and_missing_answers_after_any_kind_of_failure_are_named():
    """A syntax error after a good run, a name never made, a numpy count: is each told right?"""
    import nbformat
    from nbclient import NotebookClient

    check = "from osintlab import check\nx = check.answer('x')\ncheck.not_empty(x, name='x')"
    cells = [
        "import osintlab\nimport numpy\nx = 5",
        "x = (5",                               # edited into a syntax error
        check,
        "y = undefined_name",                   # fails before y exists
        "from osintlab import check\ny = check.answer('y')",
        "x = numpy.int64(11)",                  # a correct count from value_counts()
        check + "\nprint('ok')",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=120, allow_errors=True).execute()
    outputs = [cell.outputs for cell in notebook.cells]
    assert outputs[1][0]["ename"] == "SyntaxError"
    assert "The cell that makes `x` ended with an error" in outputs[2][0]["evalue"]
    assert "The cell that makes `y` ended with an error, so `y` was not made" in outputs[4][0]["evalue"]
    assert outputs[6][0]["text"] == "ok\n"


@pytest.mark.parametrize(
    ("value", "kind", "hint"),
    [
        ("False", bool, "remove the quotes"),
        ("a, b, c", list, "write a list instead, each value in its own quotes"),
        (pd.DataFrame({"a": [1]}).head, pd.DataFrame, "add () after it"),
        (pd.Series([True, False]), pd.DataFrame, "put the condition inside the table's square"),
    ],
)
def test_the_classic_wrong_types_get_a_plain_hint(value, kind, hint):
    """Quotes around a value, a method without (), a condition alone: is each named plainly?"""
    with pytest.raises(CheckFailed, match=re.escape(hint)):
        check.is_type(value, kind, name="answer")


def test_several_values_in_one_pair_of_quotes_are_named():
    """Does ["a, b, c"] for three usernames say to put each value in its own quotes?"""
    with pytest.raises(CheckFailed, match="put each value in its own quotes"):
        check.length(["tenge, bishkek, helpdesk"], 3, name="usernames")
