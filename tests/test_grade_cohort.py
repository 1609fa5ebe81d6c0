"""`osintlab grade` on a cohort where some hand-ins are broken or hostile.

One autograde run gets good hand-ins and every kind of bad one side by side. Each bad one
must get one clear line in the summary, and the good ones must keep their right grades:
one trainee's infinite loop or memory bomb never costs another trainee their mark.
"""

from __future__ import annotations

import copy
import csv
import os
import socket
import threading
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from conftest import ROOT, build_course, hand_in

from osintlab.cli import main
from osintlab.grading import open_course
from osintlab.grading.pool import network_prefix as _network_prefix

MODULE = "m00-getting-started"

pytestmark = pytest.mark.xdist_group("grade-cohort")  # module-scoped fixtures: one worker



def _solution_answers(source: nbformat.NotebookNode) -> dict[str, str]:
    """The author's answer for each answer cell, as a trainee would type it."""
    answers = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            lines = [
                line for line in cell.source.splitlines()
                if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
            ]
            answers[meta["grade_id"]] = "\n".join(lines)
    return answers


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """A released course, a loopback server that must never be reached, and the hand-ins."""
    course = build_course(
        tmp_path_factory.mktemp("cohort") / "course", MODULE,
        cell_timeout=15, submission_timeout=60, memory_mb=1536,
    )
    spec = course.module(MODULE)
    release = nbformat.read(course.root / "release" / MODULE / spec.exercise, as_version=4)
    answers = _solution_answers(nbformat.read(ROOT / "notebooks" / MODULE / spec.exercise, as_version=4))
    first = next(iter(answers))

    hits: list[bytes] = []
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def listen():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            hits.append(conn.recv(100))
            conn.close()

    threading.Thread(target=listen, daemon=True).start()

    def with_answers(student: str, first_answer: str | None = None, drop_test: bool = False):
        notebook = copy.deepcopy(release)
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id]
            if grade_id == first and first_answer is not None:
                cell.source = first_answer
        if drop_test:
            tests = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
            notebook.cells.remove(tests[-1])
        hand_in(course, MODULE, student, notebook)

    with_answers("good-1")
    with_answers("good-2")
    hand_in(course, MODULE, "mistake", ROOT / "grading" / "mistakes" / f"{MODULE}.ipynb")
    hand_in(course, MODULE, "not-json", "this is a photo of my screen, not a notebook")
    with_answers("deleted-test", drop_test=True)
    edited = copy.deepcopy(release)
    for cell in edited.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "print('all good')"
    hand_in(course, MODULE, "edited-tests", edited)
    with_answers("endless-loop", "while True:\n    pass")
    with_answers(
        "ignores-interrupt",
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
    )
    with_answers("kernel-dies", "import os\nos._exit(1)")
    with_answers("memory-bomb", "hoard = []\nwhile True:\n    hoard.append(bytearray(50_000_000))")
    gradebook = course.root / "gradebook.db"
    with_answers(
        "writes-outside",
        "for target in ('../../../gradebook.db', "
        f"{str(gradebook).encode()!r}):\n"  # a bytes path must not slip through
        "    try:\n        open(target, 'w').write('x')\n"
        "    except PermissionError as error:\n        print(error)\n"
        "import os\n"
        f"os.truncate({str(gradebook)!r}, 0)",
    )
    with_answers(
        "reads-solutions",
        "import os\n"
        f"print(os.listdir({str(course.root / 'submitted')!r}))\n",
    )
    with_answers(
        "reads-solutions-2",
        f"print(open({str(ROOT / 'notebooks' / MODULE / spec.exercise)!r}).read()[:100])\n",
    )
    with_answers("fakes-checks", "from osintlab import check\ncheck.equal = lambda *a, **k: None\ncheck.is_type = check.equal")
    with_answers(
        "uses-network",
        "import urllib.request\n"
        f"urllib.request.urlopen('http://127.0.0.1:{port}/leak', timeout=2)",
    )
    with_answers("outside-host", "import socket\nsocket.create_connection(('192.0.2.10', 80), timeout=2)")
    odd = course.root / "submitted" / "Иванов А.А." / MODULE
    odd.mkdir(parents=True)
    nbformat.write(release, odd / spec.exercise)

    # Every grading process (worker, nursery, kernel) carries the course folder in its
    # environment: scanning for it shows what outlives the run.
    marker = str(course.root)
    running = threading.Event()

    def watch():  # proves the scan below can see grading processes while they run
        while not running.is_set():
            if _processes_mentioning(marker, grace=0):
                SEEN_DURING_RUN.append(True)
                return
            time.sleep(0.3)

    threading.Thread(target=watch, daemon=True).start()
    try:
        outcomes = {o.student: o for o in course.autograde(MODULE, workers=2)}
    finally:
        running.set()
    server.close()
    LEFTOVERS.extend(_processes_mentioning(marker, grace=5))
    return course, spec, outcomes, hits


LEFTOVERS: list[str] = []
SEEN_DURING_RUN: list[bool] = []


def _processes_mentioning(text: str, grace: float) -> list[str]:
    """Command lines of other processes whose command line or environment mention ``text``."""
    needle = text.encode()
    deadline = time.monotonic() + grace
    while True:
        found = []
        for folder in Path("/proc").glob("[0-9]*"):
            if folder.name == str(os.getpid()):
                continue
            try:
                cmdline = (folder / "cmdline").read_bytes()
                environ = (folder / "environ").read_bytes()
            except OSError:
                continue
            if needle in cmdline or needle in environ:
                found.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _autograded_errors(course, spec, student: str) -> str:
    notebook = nbformat.read(course.root / "autograded" / student / MODULE / spec.exercise, as_version=4)
    return "\n".join(
        f"{o.ename}: {o.evalue}" if o.output_type == "error" else o.get("text", "")
        for c in notebook.cells for o in c.get("outputs", [])
        if o.output_type in ("error", "stream")
    )


def test_good_hand_ins_keep_full_marks_beside_hostile_ones(cohort):
    """Do the correct hand-ins get every point although bad ones ran beside them?"""
    _, spec, outcomes, _ = cohort
    for student in ("good-1", "good-2"):
        assert (outcomes[student].status, outcomes[student].score) == ("graded", spec.points)


def test_typical_mistake_keeps_its_partial_mark_in_a_hostile_cohort(cohort):
    """Is the partial mark of an honest mistake unaffected by the others?"""
    import yaml

    _, _, outcomes, _ = cohort
    expected = yaml.safe_load((ROOT / "grading" / "mistakes" / f"{MODULE}.yml").read_text())
    assert outcomes["mistake"].score == expected["expected_score"]


def test_a_file_that_is_not_a_notebook_is_named_and_skipped(cohort):
    """Does a hand-in that is not JSON get a line telling the trainer what to ask for?"""
    outcome = cohort[2]["not-json"]
    assert outcome.status == "not graded"
    assert "not a notebook Jupyter can open" in outcome.line()
    assert "hand in the .ipynb file again" in outcome.line()


def test_a_deleted_test_cell_is_put_back_and_graded(cohort):
    """Can a trainee dodge a check by deleting its cell? (No: it is restored and run.)"""
    _, spec, outcomes, _ = cohort
    outcome = outcomes["deleted-test"]
    assert outcome.status == "graded" and outcome.score == spec.points
    assert "was deleted and has been put back" in outcome.line()


def test_edited_test_cells_are_restored_before_grading(cohort):
    """Does replacing every check with print('all good') earn nothing?"""
    outcome = cohort[2]["edited-tests"]
    assert (outcome.status, outcome.score) == ("graded", 0)


def test_an_endless_loop_costs_only_its_own_answer(cohort):
    """Is a cell that never ends stopped at the time limit, the rest still graded?"""
    _, spec, outcomes, _ = cohort
    outcome = outcomes["endless-loop"]
    assert outcome.status == "graded" and 0 < outcome.score < spec.points


def test_a_loop_that_ignores_interruption_is_stopped_and_reported(cohort):
    """Does a hand-in that cannot be interrupted end with a clear line, not a hung cohort?"""
    outcome = cohort[2]["ignores-interrupt"]
    assert outcome.status == "not graded"
    assert (
        "ignored the request to stop" in outcome.line()  # nbgrader gave up on the kernel
        or "still running after 60 s and was stopped" in outcome.line()  # the pool's limit
    )


def test_a_kernel_that_dies_is_reported(cohort):
    """Does os._exit in an answer give the trainer a plain reason?"""
    outcome = cohort[2]["kernel-dies"]
    assert outcome.status == "not graded"
    assert "kernel stopped (died)" in outcome.line()


def test_a_memory_bomb_hits_the_limit_in_its_own_cell(cohort):
    """Does a memory bomb end in a MemoryError in its own cell, the rest graded?"""
    course, spec, outcomes, _ = cohort
    outcome = outcomes["memory-bomb"]
    assert outcome.status == "graded" and 0 < outcome.score < spec.points
    assert "MemoryError" in _autograded_errors(course, spec, "memory-bomb")


def test_writing_outside_the_folder_or_into_the_gradebook_is_refused(cohort):
    """Can a hand-in overwrite the gradebook? (No: the write is refused in its cell.)"""
    course, spec, outcomes, _ = cohort
    errors = _autograded_errors(course, spec, "writes-outside")
    assert errors.count("may only write inside their own folder") == 2
    assert "may only change files inside their own folder (os.truncate" in errors
    assert outcomes["writes-outside"].status == "graded"
    assert outcomes["good-1"].score == spec.points  # the gradebook still holds good grades


def test_solutions_and_other_hand_ins_cannot_be_read_at_grading(cohort):
    """Can a hand-in read the solution notebook or list other trainees' hand-ins? (No.)"""
    course, spec, _, _ = cohort
    listing = _autograded_errors(course, spec, "reads-solutions")
    assert "may not list the course's own folders" in listing
    assert "good-1" not in listing
    reading = _autograded_errors(course, spec, "reads-solutions-2")
    assert "may not read the course's own files" in reading
    assert "BEGIN SOLUTION" not in reading


def test_replacing_the_check_helpers_is_flagged_not_rewarded(cohort):
    """Does a hand-in that makes every check pass get held at zero for review?"""
    outcome = cohort[2]["fakes-checks"]
    assert outcome.status == "flagged" and outcome.score == 0
    assert "changes the grading helper `check`" in outcome.line()


def test_a_flagged_hand_in_waits_for_the_trainer_in_the_formgrader(cohort):
    """Does the gradebook mark the flagged hand-in for manual grading, as formgrader shows it?"""
    from nbgrader.api import Gradebook

    course, spec, _, _ = cohort
    notebook = spec.exercise.removesuffix(".ipynb")
    with Gradebook(course.db_url, course.course_id) as gradebook:
        flagged = gradebook.find_submission_notebook(notebook, MODULE, "fakes-checks")
        honest = gradebook.find_submission_notebook(notebook, MODULE, "good-1")
        assert flagged.flagged and flagged.needs_manual_grade
        assert not honest.flagged and not honest.needs_manual_grade


def test_autograde_command_grades_only_the_named_trainee_and_reports(cohort):
    """Does `--student` regrade one trainee, and does the exit code tell of a bad hand-in?"""
    course, spec, _, _ = cohort
    one = CliRunner().invoke(
        main, ["grade", "autograde", MODULE, "--course", str(course.root), "--student", "good-2"]
    )
    assert one.exit_code == 0, one.output
    assert f"good-2: graded, {spec.points:g} / {spec.points:g}" in one.output
    assert "1 of 1 hand-in(s) graded." in one.output
    bad = CliRunner().invoke(
        main, ["grade", "autograde", MODULE, "--course", str(course.root), "--student", "not-json"]
    )
    assert bad.exit_code == 1
    assert "not-json: not graded" in bad.output and "Traceback" not in bad.output


def test_graded_kernels_reach_no_outside_address(cohort):
    """Is a connection to an outside address refused before any packet leaves?"""
    course, spec, _, _ = cohort
    assert "no network" in _autograded_errors(course, spec, "outside-host")


@pytest.mark.skipif(
    not _network_prefix(),
    reason="this machine cannot give workers a network namespace (needs root or user "
    "namespaces, unshare and ip); CI runs as root and runs this test",
)
def test_graded_kernels_cannot_reach_servers_on_this_machine(cohort):
    """In its own network namespace, does a kernel miss even a server on this machine?"""
    _, _, outcomes, hits = cohort
    assert hits == []
    assert outcomes["uses-network"].status == "graded"


def test_no_worker_nursery_or_kernel_outlives_the_run(cohort):
    """After autograde, is every grading process gone, stuck and dead kernels included?"""
    assert cohort and SEEN_DURING_RUN, "no grading process was seen running: the check is blind"
    assert LEFTOVERS == []


def test_cold_kernels_grade_and_fence_the_same(tmp_path, monkeypatch):
    """Without the kernel nursery (cold kernels), are grades and the fence the same?"""
    monkeypatch.setenv("OSINTLAB_PREFORK", "0")
    course = build_course(tmp_path / "course", MODULE)
    spec = course.module(MODULE)
    hand_in(course, MODULE, "solution", ROOT / "notebooks" / MODULE / spec.exercise)
    release = nbformat.read(course.root / "release" / MODULE / spec.exercise, as_version=4)
    answer = next(c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.source = f"open({str(course.root / 'gradebook.db')!r}, 'w')"
    hand_in(course, MODULE, "writer", release)
    outcomes = {o.student: o for o in course.autograde(MODULE)}
    assert outcomes["solution"].score == spec.points
    assert outcomes["writer"].score == 0
    assert "may only write inside their own folder" in _autograded_errors(course, spec, "writer")


def test_a_trainer_at_a_terminal_sees_a_progress_bar(cohort):
    """Run in a real terminal (a pseudo-terminal), does autograde show its progress?"""
    import shutil
    import subprocess
    import sys

    script = shutil.which("script")
    if script is None:
        pytest.skip("util-linux `script` is needed to give the command a terminal")
    course = cohort[0]
    command = (
        f"{Path(sys.executable).parent / 'osintlab'} grade autograde {MODULE} "
        f"--course {course.root} --student good-1"
    )
    result = subprocess.run(
        [script, "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=300,
        env={**os.environ, "COLUMNS": "100"},
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "autograding" in result.stdout and "100%" in result.stdout


def test_odd_student_id_gets_advice_not_a_crash(cohort):
    """Is a folder name nbgrader cannot use reported with the id to use instead?"""
    outcome = cohort[2]["Иванов А.А."]
    assert outcome.status == "not graded"
    assert "'ivanov-a-a'" in outcome.line()


def test_export_lists_every_trainee_with_status(cohort, tmp_path):
    """Does the CSV a trainer opens hold each trainee's score and what went wrong?"""
    course, spec, _, _ = cohort
    target = course.export(tmp_path / "grades.csv")
    rows = {r["student"]: r for r in csv.DictReader(target.open(encoding="utf-8-sig"))}
    assert rows["good-1"]["score"] == f"{spec.points:g}" and rows["good-1"]["status"] == "graded"
    assert rows["fakes-checks"]["status"] == "flagged"
    assert "not a notebook" in rows["not-json"]["notes"]


def test_collect_from_a_usb_zip_names_trainees_safely(tmp_path):
    """Do notebooks named after trainees (Cyrillic too) become safe ids, other files skipped?"""
    course = build_course(tmp_path / "course", MODULE)
    spec = course.module(MODULE)
    release = course.root / "release" / MODULE / spec.exercise
    bundle = tmp_path / "usb.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.write(release, "Иванов А.А.ipynb")
        archive.write(release, "serikbayeva/04-exercise.ipynb")
        archive.writestr("photo.jpg", b"\xff\xd8")
    result = CliRunner().invoke(
        main, ["grade", "collect", MODULE, "--from", str(bundle), "--course", str(course.root)]
    )
    assert result.exit_code == 0, result.output
    assert "Иванов А.А.ipynb → ivanov-a-a" in result.output
    assert "photo.jpg: ignored, not a notebook" in result.output
    assert (course.root / "submitted" / "ivanov-a-a" / MODULE / spec.exercise).is_file()
    assert (course.root / "submitted" / "serikbayeva" / MODULE / spec.exercise).is_file()


def test_a_zip_with_paths_outside_itself_is_refused(tmp_path):
    """Is a zip whose entries climb out of the folder (zip slip) refused, nothing written?"""
    course = build_course(tmp_path / "course", MODULE)
    bundle = tmp_path / "evil.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("../../escape.ipynb", "{}")
    result = CliRunner().invoke(
        main, ["grade", "collect", MODULE, "--from", str(bundle), "--course", str(course.root)]
    )
    assert result.exit_code == 1
    assert "a path outside the archive" in result.output
    assert not (tmp_path / "escape.ipynb").exists()
    assert list((course.root / "submitted").iterdir()) == []


def test_course_id_must_be_url_safe_ascii(tmp_path):
    """Is a Cyrillic course id refused with an ASCII suggestion?"""
    result = CliRunner().invoke(main, ["grade", "init", str(tmp_path / "c"), "--course-id", "Алматы 2026"])
    assert result.exit_code == 1
    assert "Did you mean 'almaty-2026'?" in result.output


def test_commands_outside_a_course_folder_explain_what_to_do(tmp_path):
    """Does running a trainer command in the wrong folder say how to make a course?"""
    result = CliRunner().invoke(main, ["grade", "autograde", MODULE, "--course", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not a course folder" in result.output and "osintlab grade init" in result.output
    assert "Traceback" not in result.output


def test_autograde_before_release_says_to_release(tmp_path):
    """Does autograding an unreleased module say which command comes first?"""
    from osintlab.grading import init_course

    init_course(tmp_path / "c", "c1")
    with pytest.raises(Exception, match="osintlab grade release m00-getting-started"):
        open_course(tmp_path / "c").autograde(MODULE)


def test_a_hand_in_past_the_submission_time_limit_is_stopped_and_others_go_on(tmp_path):
    """When a hand-in outlasts the whole-submission limit, is its worker replaced and the rest graded?"""
    course = build_course(tmp_path / "course", MODULE, cell_timeout=300, submission_timeout=10)
    spec = course.module(MODULE)
    release = nbformat.read(course.root / "release" / MODULE / spec.exercise, as_version=4)
    answer = next(c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.source = "while True:\n    pass"
    hand_in(course, MODULE, "a-endless", release)
    hand_in(course, MODULE, "b-solution", ROOT / "notebooks" / MODULE / spec.exercise)
    hand_in(course, MODULE, "c-solution", ROOT / "notebooks" / MODULE / spec.exercise)
    outcomes = {o.student: o for o in course.autograde(MODULE, workers=1)}
    assert outcomes["a-endless"].status == "not graded"
    assert "still running after 10 s and was stopped" in outcomes["a-endless"].line()
    # the replacement worker grades the rest; the 300 s cell limit was never waited for
    assert outcomes["b-solution"].score == outcomes["c-solution"].score == spec.points


def test_a_resumed_run_grades_only_what_an_interrupted_run_left(tmp_path):
    """After a run died half-way, does --resume grade the rest, keep what was graded, and
    grade again a hand-in whose file changed since?"""
    course = build_course(tmp_path / "course", MODULE, cell_timeout=30)
    source = ROOT / "notebooks" / MODULE / course.module(MODULE).exercise
    mistake = ROOT / "grading" / "mistakes" / f"{MODULE}.ipynb"
    for student in ("ali", "dina", "erlan"):
        hand_in(course, MODULE, student, source)
    course.autograde(MODULE, ["ali", "dina"], workers=1)  # the run "died" before erlan
    hand_in(course, MODULE, "dina", mistake)  # dina handed in again since
    result = CliRunner().invoke(
        main, ["grade", "autograde", MODULE, "--course", str(course.root), "--resume"]
    )
    lines = result.output.splitlines()
    assert "ali: graded, 12 / 12; kept from an earlier run (the same hand-in)" in lines
    assert "dina: graded, 3 / 12" in lines  # graded again: the file changed
    assert "erlan: graded, 12 / 12" in lines
