"""The pre-grading screen: code that could fake a passing check is named, honest code is not."""

import pytest

from osintlab.grading.feedback import PLACEHOLDER, short_error, strip_hidden
from osintlab.grading.screen import screen_source


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("from osintlab import check\ncheck.equal = lambda *a, **k: None", "changes the grading helper `check`"),
        ("import osintlab.check\nosintlab.check.rows = print", "changes the grading helper `osintlab`"),
        ("check = None", "replaces the grading helper `check`"),
        ("from osintlab import check as c\nc.equal = print", "changes the grading helper `c`"),
        ("import osintlab.check as grading\ndel grading.rows", "changes the grading helper `grading`"),
        ("get_ipython().set_custom_exc((Exception,), lambda *a: None)", "reaches into the kernel"),
        ("import builtins", "imports `builtins`"),
        ("import sys\nsys.modules['osintlab.check'] = object()", "imports `sys`"),
        ("exec('x = 1')", "runs code built from text"),
        ("AssertionError = Warning", "redefines what a failed check is"),
        ("x = ().__class__.__bases__[0].__subclasses__()", "reaches for Python internals"),
        ("%xmode minimal", "IPython magic"),
        ("import signal\nsignal.signal(2, signal.SIG_IGN)", "imports `signal`"),
    ],
)
def test_tampering_is_named_with_its_line(source, reason):
    """Is each way of faking a pass found, with a reason a trainer understands?"""
    findings = screen_source(source, "answer-1")
    assert any(reason in f.reason for f in findings), findings
    assert all(f.cell == "answer-1" and f.line >= 1 for f in findings)


@pytest.mark.parametrize(
    "source",
    [
        "fraud_count = len(cases[cases['offence'] == 'online fraud'])",
        "import pandas as pd\nsuspects = sorted({'Bekov', 'Iskakova'})",
        "for case in cases['case_id']:\n    print(case)",
        "this is not python (",
    ],
)
def test_honest_answers_are_not_flagged(source):
    """Does an ordinary answer (or a syntax error, which fails by itself) pass the screen?"""
    assert screen_source(source, "answer-1") == []


def test_feedback_strips_hidden_tests_and_keeps_visible_ones():
    """Does the feedback version of a test cell keep visible checks and drop hidden ones?"""
    source = "check.is_type(x, int, name='x')\n### BEGIN HIDDEN TESTS\ncheck.equal(x, 12, name='x')\n### END HIDDEN TESTS\ncheck.visible_passed()"
    stripped = strip_hidden(source)
    assert "check.equal(x, 12" not in stripped and "HIDDEN" not in stripped
    assert stripped.splitlines() == [
        "check.is_type(x, int, name='x')", PLACEHOLDER, "check.visible_passed()"
    ]


def test_feedback_error_keeps_only_the_message():
    """Is a traceback (which quotes the hidden line) cut to the check's message?"""
    output = {"output_type": "error", "ename": "CheckFailed", "evalue": "`x` is 7, which is not the right answer yet.",
              "traceback": ["\x1b[0;31m----> 3 check.equal(x, 12, name='x')\x1b[0m", "CheckFailed: ..."]}
    short = short_error(output)
    assert short["traceback"] == ["CheckFailed: `x` is 7, which is not the right answer yet."]


def test_an_alias_made_in_one_cell_is_followed_into_another(tmp_path):
    """Does renaming the helper in one cell and changing it in the next still get flagged?"""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from osintlab.grading.screen import screen_notebook

    notebook = new_notebook(cells=[
        new_code_cell("from osintlab import check as helper"),
        new_code_cell("helper.equal = lambda *a, **k: None"),
    ])
    path = tmp_path / "hand-in.ipynb"
    nbformat.write(notebook, path)
    findings = screen_notebook(str(path), locked_ids=set())
    assert [f.reason for f in findings] == ["changes the grading helper `helper`"]
