"""The hub path: release to nbgrader's exchange, trainees fetch and submit with nbgrader's own
commands, the trainer collects, grades and returns feedback that the trainee fetches."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from osintlab.grading import init_course

MODULE = "m00-getting-started"
BIN = Path(sys.executable).parent


def _trainee(command: list[str], home: Path, exchange: Path) -> subprocess.CompletedProcess:
    """Run an nbgrader command as a trainee would, from their home folder."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [str(BIN / "nbgrader"), *command, "--course", "exchange-test",
         f"--Exchange.root={exchange}"],
        cwd=home, env=env, capture_output=True, text=True, timeout=120,
    )


def test_release_fetch_submit_collect_grade_and_feedback_through_the_exchange(tmp_path):
    """Does a trainee get the module, hand it in and read feedback through the exchange?"""
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    course = init_course(tmp_path / "course", "exchange-test", exchange=exchange)
    course.release(MODULE)
    spec = course.module(MODULE)
    outbound = exchange / "exchange-test" / "outbound" / MODULE
    assert (outbound / spec.exercise).is_file()
    assert all((outbound / lesson).is_file() for lesson in spec.lessons)

    home = tmp_path / "home"
    home.mkdir()
    fetched = _trainee(["fetch_assignment", MODULE], home, exchange)
    assert fetched.returncode == 0, fetched.stderr
    work = home / MODULE / spec.exercise
    shutil.copy(ROOT / "notebooks" / MODULE / spec.exercise, work)  # the trainee's answers
    submitted = _trainee(["submit", MODULE], home, exchange)
    assert submitted.returncode == 0, submitted.stderr

    lines = course.collect(MODULE)
    assert len(lines) == 1
    outcomes = course.autograde(MODULE)
    assert [(o.status, o.score) for o in outcomes] == [("graded", spec.points)]
    course.feedback(MODULE)

    got = _trainee(["fetch_feedback", MODULE], home, exchange)
    assert got.returncode == 0, got.stderr
    pages = list((home / MODULE / "feedback").rglob("*.html"))
    assert len(pages) == 1
    text = pages[0].read_text(encoding="utf-8")
    assert "HIDDEN TESTS" not in text and f"{spec.points:g} / {spec.points:g}" in text.replace(".0", "")
