"""The checks a trainee sees never tick a classic wrong answer.

Each module's grading/mistakes/<id>.yml lists, under ``classic:``, the wrong answers trainees
typically give (an empty filter, a count of 0, a forgotten condition, a forgotten order, a
misspelt column, a stale value after a failed cell) with a piece of the message the visible
check must give. On one kernel per module, the exercise runs with the model answers; then each
classic answer replaces its answer cell and the *visible* part of the check under it runs (the
release form: hidden tests removed). Every classic answer must fail with its own message; the
model answer must pass the same visible check.
"""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml
from conftest import ROOT
from nbclient import NotebookClient

from osintlab.curriculum import find_modules

MODULES = [
    m
    for m in find_modules(ROOT)
    if (ROOT / "grading" / "mistakes" / f"{m.id}.yml").is_file()
]
_KEEP = "('In', 'Out', 'exit', 'quit', 'get_ipython')"
# The kernel's names after the model answers, with tables, lists and dicts copied (a wrong
# answer may change one in place), and the code that puts them back.
_SNAPSHOT = f"""
import copy as _copy, pandas as _pd
def _osintlab_copy(value):  # the same type back (a list subclass stays itself)
    kinds = (_pd.DataFrame, _pd.Series, list, dict, set)
    return _copy.copy(value) if isinstance(value, kinds) else value
_osintlab_saved = {{k: _osintlab_copy(v) for k, v in globals().items()
                   if not k.startswith('_') and k not in {_KEEP}}}
"""
_RESTORE = f"""
for _osintlab_name in [k for k in globals() if not k.startswith('_') and k not in {_KEEP}]:
    if _osintlab_name not in _osintlab_saved:
        del globals()[_osintlab_name]
globals().update({{k: _osintlab_copy(v) for k, v in _osintlab_saved.items()}})
"""
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)


def _classic(module_id: str) -> list[dict]:
    card = yaml.safe_load((ROOT / "grading" / "mistakes" / f"{module_id}.yml").read_text("utf-8"))
    return card.get("classic") or []


def _visible(source: str) -> str:
    return _HIDDEN.sub("", source)


def _error(cell: nbformat.NotebookNode) -> tuple[str, str] | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output["ename"], output["evalue"]
    return None


@pytest.mark.parametrize("module", MODULES, ids=[m.id for m in MODULES])
def test_classic_wrong_answers_each_get_their_own_message(module, tmp_path):
    """Does every classic wrong answer fail its visible check, each with its own message?"""
    classic = _classic(module.id)
    assert classic, f"grading/mistakes/{module.id}.yml lists no classic wrong answers"
    assert len({entry["message"] for entry in classic}) == len(classic), "messages must differ"
    path = ROOT / "notebooks" / module.id / module.exercise
    notebook = nbformat.read(path, as_version=4)
    by_grade_id = {
        cell.metadata.get("nbgrader", {}).get("grade_id"): index
        for index, cell in enumerate(notebook.cells)
    }
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    results = []
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
                assert _error(cell) is None, f"model answer: cell {cell.get('id')} failed"

        def run(source: str) -> nbformat.NotebookNode:
            cell = nbformat.v4.new_code_cell(source)
            notebook.cells.append(cell)
            client.execute_cell(cell, len(notebook.cells) - 1)
            return cell

        run(_SNAPSHOT)
        for entry in classic:
            answer_cell = notebook.cells[by_grade_id[entry["cell"]]]
            check_id = entry.get("check", entry["cell"].replace("answer-", "check-", 1))
            check_source = _visible(notebook.cells[by_grade_id[check_id]].source)
            run(entry["answer"])
            outcome = _error(run(check_source))
            results.append((entry, outcome))
            # the model answers' values again, for the next classic answer: restored from the
            # snapshot (an m03 answer re-collects politely, seconds per page); when the wrong
            # answer changed something the snapshot shares, the model answer runs again
            run(_RESTORE)
            if _error(run(check_source)) is not None:
                assert _error(run(answer_cell.source)) is None
                assert _error(run(check_source)) is None, f"{check_id}: the model answer fails"
                run(_SNAPSHOT)
    for entry, outcome in results:
        assert outcome is not None, (
            f"{entry['cell']}: the visible check ticked the classic wrong answer "
            f"{entry['answer']!r}"
        )
        name, message = outcome
        assert name == "CheckFailed", f"{entry['cell']}: {name}: {message}"
        assert entry["message"] in message, (
            f"{entry['cell']}: for {entry['answer']!r} the check said {message!r}; "
            f"expected {entry['message']!r}"
        )


def test_the_classic_answers_are_in_the_trainer_guides():
    """Can a trainer read each classic mistake's message in the module's common-mistakes table?"""
    for module in MODULES:
        guide = (ROOT / "modules" / module.id / "README.md").read_text("utf-8")
        for entry in _classic(module.id):
            assert entry["message"] in guide, (
                f"modules/{module.id}/README.md does not show the message {entry['message']!r}"
            )

