"""Hostile hand-ins against the operating-system boundary, beside trainees who did nothing wrong.

Every attack here worked against the in-process fence alone (it ran as root). Each hostile
hand-in holds the module's typical mistake (3 of 12 points) with an attack in front of its
first answer, so a grade above 3 is a grade the attack raised. The honest trainees come after
the attackers on the same worker, so anything an attack leaves behind would reach them.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from classroom_hub import _python_for_people
from click.testing import CliRunner
from conftest import ROOT, build_course, hand_in

from osintlab.cli import main
from osintlab.grading import boundary

MODULE = "m00-getting-started"
MISTAKE_SCORE = 3  # grading/mistakes/m00-getting-started.yml

pytestmark = [
    pytest.mark.xdist_group("grade-boundary"),
    pytest.mark.skipif(
        boundary.boundary_problem() is not None,
        reason=f"no boundary on this machine: {boundary.boundary_problem()}",
    ),
]

# Code a hidden test holds and no message shows: if it appears, hidden tests leaked.
HIDDEN_CODE = "check.rows(almaty_cases, 9,"

ANSWERS = ["usernames", "almaty_cases", "fraud_count", "open_telegram", "biggest_loss_case",
           "accounts"]

SHELL = """\
import _posixsubprocess, os
def shell(command):
    r, w = os.pipe()
    pid = _posixsubprocess.fork_exec([b'/bin/sh', b'-c', command.encode()], [b'/bin/sh'],
        True, (), None, None, -1, -1, -1, -1, -1, -1, r, w, True, False, -1, None, None, None,
        -1, None, False)
    os.close(w); os.read(r, 100); os.close(r); os.waitpid(pid, 0)
"""


def _attacks(course: Path, escape: Path, source: Path) -> dict[str, str]:
    gradebook = course / "gradebook.db"
    return {
        "a-shell-as-root": SHELL + (
            f"shell('id -u > {escape}/uid; cat {source} > {escape}/source; "
            f"cp {gradebook} {escape}/gradebook; (sleep 300 &)')\n"
            f"shell('cat {source}')\n"
        ),
        "a-dir-fd": (
            "import os\nroot = os.open('/', os.O_RDONLY)\n"
            f"os.close(os.open({str(escape / 'dirfd')[1:]!r}, os.O_CREAT | os.O_WRONLY, "
            "dir_fd=root))\n"
            f"print(os.read(os.open({str(source)[1:]!r}, os.O_RDONLY, dir_fd=root), 100000))\n"
            f"os.open({str(gradebook)[1:]!r}, os.O_WRONLY | os.O_TRUNC, dir_fd=root)\n"
        ),
        "a-gradebook": (
            "import sqlite3\n"
            f"db = sqlite3.connect({str(gradebook)!r})\n"
            "print(db.execute('select source from source_cell').fetchall())\n"
            "db.execute('update grade set manual_score = 12'); db.commit()\n"
        ),
        "a-kills-parent": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
        "a-kills-everything": (
            "import os, signal\n"
            "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
            "    if int(pid) != os.getpid():\n"
            "        try: os.kill(int(pid), signal.SIGKILL)\n"
            "        except OSError as error: print(pid, error)\n"
        ),
        "a-plants-startup": (
            "import os, pathlib\n"
            "for home in (os.path.expanduser('~'), os.environ.get('IPYTHONDIR', '')):\n"
            "    folder = pathlib.Path(home or '.') / 'profile_default' / 'startup'\n"
            "    folder.mkdir(parents=True, exist_ok=True)\n"
            "    (folder / 'evil.py').write_text('raise SystemExit(\"planted\")')\n"
            "    (pathlib.Path(home or '.') / '.ipython' / 'profile_default' / 'startup').mkdir(parents=True, exist_ok=True)\n"
            "    (pathlib.Path(home or '.') / '.ipython' / 'profile_default' / 'startup' / 'evil.py').write_text('raise SystemExit(\"planted\")')\n"
        ),
        # Full marks for wrong answers with the checks inside the kernel, past the screen.
        "a-patches-check": (
            "from osintlab import check\nnoop = lambda *args, **kwargs: None\n"
            "for check.equal, check.that, check.rows, check.is_type, check.length, "
            "check.contains in [(noop,) * 6]:\n    pass\n"
        ),
        "a-rewrites-tests": (
            "from ipywidgets import get_ipython as shell\nfrom operator import attrgetter\n"
            "attrgetter('input_transformers_post')(shell()).append(\n"
            "    lambda lines: ['pass\\n'] if any('check' in line for line in lines) else lines)\n"
        ),
        "a-lying-answers": (
            "from ipywidgets import get_ipython as shell\nfrom operator import attrgetter\n"
            "d = '_' * 2\n"
            "def yes(self, other):\n    print('compared with', other)\n    return True\n"
            "Anything = type('Anything', (str,), {d + 'eq' + d: yes, d + 'ne' + d: "
            "lambda self, other: False, d + 'len' + d: lambda self: 9})\n"
            + f"ANSWERS = {ANSWERS!r}\n"
            "def lie(lines):\n"
            "    return lines + ['\\n'] + [name + ' = Anything(\"x\")\\n' for name in ANSWERS]\n"
            "attrgetter('input_transformers_post')(shell()).append(lie)\n"
        ),
        "a-plants-links": (
            "import os\nos.makedirs('sub', exist_ok=True)\n"
            f"os.symlink({str(gradebook)!r}, 'gradebook-link')\n"
            "os.symlink('/', 'sub/root-link')\nos.symlink('/etc/shadow', 'shadow-link')\n"
        ),
        "a-marker": "# BEGIN HIDDEN TESTS\n# END HIDDEN TESTS\n### BEGIN HIDDEN TESTS\n",
        "a-prints-a-lot": "print('x' * 30_000_000)\nfor _ in range(2000):\n    print('y' * 1000)\n",
        "a-fills-disk": (
            "block = b'0' * (1 << 20)\n"
            "for n in range(40):\n"
            "    try:\n"
            "        with open(f'big-{n}.bin', 'wb') as f:\n"
            "            for _ in range(90): f.write(block)\n"
            "    except OSError as error:\n        print(error); break\n"
        ),
    }


def _with_attack(mistake: nbformat.NotebookNode, attack: str) -> nbformat.NotebookNode:
    notebook = copy.deepcopy(mistake)
    first = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    guarded = "try:\n    pass\n" + "".join(f"    {line}\n" for line in attack.splitlines())
    guarded += "except BaseException as error:\n    print('attack stopped:', error)\n"
    first.source = guarded + first.source
    return notebook


def _bystander_rows(gradebook: Path) -> list[tuple]:
    with sqlite3.connect(gradebook) as db:
        return db.execute(
            "select grade.cell_id, grade.auto_score, grade.manual_score, grade.needs_manual_grade "
            "from grade join submitted_notebook on grade.notebook_id = submitted_notebook.id "
            "join submitted_assignment on submitted_notebook.assignment_id = "
            "submitted_assignment.id where submitted_assignment.student_id = 'b-earlier' "
            "order by grade.cell_id"
        ).fetchall()


NOBODY = 65534  # an ordinary account, like a trainer on the classroom hub


def _as_account(course, python: str, env: dict, wanted: list[str] | None) -> dict:
    """Grade as an ordinary account (the boundary in a user namespace); outcomes as plain data."""
    for path in [course.root, *course.root.rglob("*")]:
        os.lchown(path, NOBODY, NOBODY)
    code = (
        "import json, sys\nfrom osintlab.grading import open_course\n"
        f"outcomes = open_course({str(course.root)!r}).autograde({MODULE!r}, {wanted!r}, "
        "workers=1)\n"
        "print(json.dumps([dict(student=o.student, status=o.status, score=o.score, "
        "line=o.line()) for o in outcomes]))"
    )
    done = subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", python, "-c", code],
        capture_output=True, text=True, timeout=600, cwd="/",
        env={**os.environ, **env, "HOME": str(course.root.parent), "TMPDIR": "/tmp"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    return {r["student"]: _Graded(**r) for r in rows}


class _Graded:
    def __init__(self, student: str, status: str, score: float | None, line: str) -> None:
        self.student, self.status, self.score, self._line = student, status, score, line

    def line(self) -> str:
        return self._line


@pytest.fixture(scope="module", params=["root", "account"])
def attacked(request, tmp_path_factory):
    """A graded bystander, then one run with every attack and honest trainees after them.

    Run twice: as root (each worker's kernels under an account of their own) and as an
    ordinary account (a trainer on the hub: the worker in a user namespace of its own).
    """
    if request.param == "root":
        base = tmp_path_factory.mktemp("boundary")
    else:  # a place an ordinary account can reach (pytest's own folder is root's alone)
        base = Path(tempfile.mkdtemp(prefix="osintlab-boundary-"))
        os.chmod(base, 0o755)
        request.addfinalizer(lambda: shutil.rmtree(base, ignore_errors=True))
    course = build_course(
        base / "course", MODULE,
        cell_timeout=20, submission_timeout=120, memory_mb=1536, disk_mb=64, output_kb=256,
    )
    escape = base / "escape"
    escape.mkdir()
    os.chmod(escape, 0o777)  # anyone may write here: only the boundary can keep a kernel out
    source = ROOT / "notebooks" / MODULE / course.module(MODULE).exercise
    solution_like = ROOT / "grading" / "mistakes" / f"{MODULE}.ipynb"
    mistake = nbformat.read(solution_like, as_version=4)
    if request.param == "root":
        def grade(wanted=None):
            return {o.student: o for o in course.autograde(MODULE, wanted, workers=1)}
    else:
        python, env = _python_for_people(base)

        def grade(wanted=None):
            return _as_account(course, python, env, wanted)

    good = _good_notebook(course)
    hand_in(course, MODULE, "b-earlier", good)
    first = grade()
    before = _bystander_rows(course.root / "gradebook.db")

    attacks = _attacks(course.root, escape, source)
    for student, attack in attacks.items():
        hand_in(course, MODULE, student, _with_attack(mistake, attack))
    for n in range(3):
        hand_in(course, MODULE, f"z-honest-{n}", good)
    wanted = [*attacks, "z-honest-0", "z-honest-1", "z-honest-2"]
    started = time.monotonic()
    outcomes = grade(wanted)
    seconds = time.monotonic() - started
    after = _bystander_rows(course.root / "gradebook.db")
    return course, escape, first, outcomes, before, after, seconds


def _good_notebook(course) -> nbformat.NotebookNode:
    release = nbformat.read(course.root / "release" / MODULE / course.module(MODULE).exercise,
                            as_version=4)
    source = nbformat.read(ROOT / "notebooks" / MODULE / course.module(MODULE).exercise,
                           as_version=4)
    answers = {
        c.metadata["nbgrader"]["grade_id"]: "\n".join(
            line for line in c.source.splitlines()
            if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
        )
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"
    }
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return release


def test_honest_trainees_after_every_attack_keep_full_marks(attacked):
    _, _, first, outcomes, *_ = attacked
    assert first["b-earlier"].line() == "b-earlier: graded, 12 / 12"
    for n in range(3):
        assert outcomes[f"z-honest-{n}"].line() == f"z-honest-{n}: graded, 12 / 12"


def test_no_attack_raises_its_own_grade(attacked):
    _, _, _, outcomes, *_ = attacked
    for student, outcome in outcomes.items():
        if student.startswith("a-"):
            assert outcome.score is None or outcome.score <= MISTAKE_SCORE, outcome.line()


def test_kernels_run_as_their_own_account_and_write_nothing_outside(attacked):
    course, escape, *_ = attacked
    assert sorted(p.name for p in escape.iterdir()) == []
    graded = course.root / "autograded" / "a-shell-as-root" / MODULE
    outputs = _outputs(graded / course.module(MODULE).exercise)
    assert "attack stopped" not in outputs or "Permission" in outputs or "No such" in outputs


def test_the_gradebook_rows_of_others_are_unchanged(attacked):
    course, _, _, _, before, after, _ = attacked
    assert before and after == before
    with sqlite3.connect(course.root / "gradebook.db") as db:
        assert db.execute("select count(*) from grade where manual_score = 12").fetchone() == (0,)


def test_no_hidden_test_text_reaches_any_output_or_feedback(attacked):
    course, _, _, outcomes, *_ = attacked
    runner = CliRunner()
    result = runner.invoke(main, ["grade", "feedback", MODULE, "--course", str(course.root)])
    assert result.exit_code == 0, result.output  # a marker typed in an answer is inert
    exercise = course.module(MODULE).exercise
    for folder in (course.root / "autograded").iterdir():
        assert HIDDEN_CODE not in _outputs(folder / MODULE / exercise), folder.name
    pages = list((course.root / "feedback").rglob("*.html"))
    graded = {"b-earlier", *(s for s, o in outcomes.items() if o.status in ("graded", "flagged"))}
    assert {p.parts[-3] for p in pages} == graded
    for page in pages:
        assert HIDDEN_CODE not in page.read_text(encoding="utf-8"), page


def test_caps_are_named_in_the_summary_and_files_stay_behind(attacked):
    course, _, _, outcomes, *_ = attacked
    assert "output cap of 256 KB" in outcomes["a-prints-a-lot"].line()
    assert "disk cap of 64 MB" in outcomes["a-fills-disk"].line()
    graded = course.root / "autograded" / "a-fills-disk" / MODULE
    assert not list(graded.glob("big-*.bin"))
    size = sum(p.stat().st_size for p in (course.root / "autograded").rglob("*") if p.is_file())
    assert size < 20 * 1024 * 1024


def test_processes_left_behind_are_stopped_and_named(attacked):
    _, _, _, outcomes, *_ = attacked
    assert "process(es) running after its last cell" in outcomes["a-shell-as-root"].line()
    leftovers = subprocess.run(["pgrep", "-f", "sleep 300"], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""


def test_killing_what_the_kernel_can_see_stops_only_itself(attacked):
    _, _, _, outcomes, *_ = attacked
    for student in ("a-kills-parent", "a-kills-everything"):
        line = outcomes[student].line()
        assert "stopped its own grading sandbox" in line, line


def _outputs(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(
        str(o.get("text", "")) + str(o.get("evalue", "")) + str(o.get("data", ""))
        for c in notebook.cells for o in c.get("outputs", [])
    )


def test_lying_answers_never_see_the_expected_values(attacked):
    """Answers whose == always says yes learn nothing: hidden checks never run in the kernel."""
    course, *_ = attacked
    graded = course.root / "autograded" / "a-lying-answers" / MODULE
    outputs = _outputs(graded / course.module(MODULE).exercise)
    assert "CASE-2024-036" not in outputs  # the hidden expected answer of Task 5
    assert "compared with ['CASE-2024-008'" not in outputs


def test_links_a_hand_in_plants_reach_nothing_the_grader_keeps(attacked):
    """Do links planted in the kernel's folder stay behind (never copied, never followed)?"""
    course, _, _, outcomes, *_ = attacked
    assert outcomes["a-plants-links"].line() == "a-plants-links: graded, 3 / 12"
    assert not [p for p in (course.root / "autograded").rglob("*") if p.is_symlink()]
