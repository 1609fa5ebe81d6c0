"""The classroom server for real: deploy/jupyterhub_config.py on loopback, its proxy from
deploy/node_modules, system users made by the test (and removed after, even on failure), and
the whole cohort path driven over the hub's REST API and each person's server (the hub and its
helpers are in tests/classroom_hub.py, shared with the browser test and bench/hub.py).

The roster checks at the top are fast (CliRunner); everything below them starts the hub.
"""

from __future__ import annotations

import json
import pwd
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import polib
import pytest
import yaml
from classroom_hub import (
    BIN,
    EXERCISE,
    MODULE,
    PROXY,
    ROOT,
    classroom_hub,
    needs_proxy,
    needs_root,
)
from click.testing import CliRunner

from osintlab.classroom import closed_to_trainees
from osintlab.cli import main


# -- roster and settings (fast) -----------------------------------------------------------
def _roster(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("username,full_name,role,language\n" + "\n".join(rows) + "\n", "utf-8")
    return path


# An interpreter trainee accounts can reach (this machine's own may sit under /root, mode 700).
_SHARED_PYTHON = sys.executable if closed_to_trainees(sys.executable) is None else "/usr/bin/env"


def _settings_file(tmp_path: Path, roster: Path, **extra) -> Path:
    settings = {
        "roster": str(roster), "state": str(tmp_path / "state"),
        "exchange": str(tmp_path / "exchange"), "course_repository": str(ROOT),
        "course": str(tmp_path / "course"), "proxy": str(PROXY), "python": _SHARED_PYTHON,
        **extra,
    }
    path = tmp_path / "classroom.yml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), "utf-8")
    return path


def test_a_roster_with_mistakes_is_refused_line_by_line(tmp_path):
    """Does the IT person learn every mistake in the roster, with its line and the fix?"""
    roster = _roster(tmp_path, [
        "ali-bekov,Али Беков,trainee,ru",
        "ali-bekov,Алия Бекова,trainee,kk",
        "Иван,Иван Петров,trainee,ru",
        "dina-s,Дина С.,teacher,ru",
    ])
    result = CliRunner().invoke(
        main, ["classroom", "users", str(roster), "--settings",
               str(_settings_file(tmp_path, roster))]
    )
    assert result.exit_code == 1
    assert "3 problem(s); nothing was changed" in result.output
    assert "line 3: username 'ali-bekov' is already used on line 2" in result.output
    assert "line 4: username 'Иван' is not a valid Linux account name" in result.output
    assert "(for example 'ivan')" in result.output
    assert "line 5: role 'teacher' is not 'trainee' or 'trainer'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "course").exists()  # nothing was changed


@pytest.fixture
def open_tmp():
    """A folder other accounts can pass through (pytest's own is mode 700 under root)."""
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="osintlab-classroom-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def test_check_names_bad_settings_and_passes_good_ones(open_tmp):
    """Does `osintlab classroom check` catch a wrong limit or language and pass the example?"""
    tmp_path = open_tmp
    roster = ROOT / "deploy" / "roster.example.csv"
    good = CliRunner().invoke(
        main, ["classroom", "check", "--settings", str(_settings_file(tmp_path, roster))]
    )
    assert good.exit_code == 0, good.output
    bad = _settings_file(tmp_path, roster, language="fr",
                         limits={"trainee": {"memory": "lots", "cpu": 1}})
    result = CliRunner().invoke(main, ["classroom", "check", "--settings", str(bad)])
    assert result.exit_code == 1
    assert "limits.trainee: The memory limit 'lots' is not a size: write it like 2G" in result.output
    assert "language 'fr' is not one of en, ru, kk, ky, tg, tk, uz" in result.output


def test_a_course_under_a_closed_folder_is_named_with_the_fix(open_tmp):
    """Is a checkout in a mode-700 home named with its fix, instead of the hub's bare 500?"""
    tmp_path = open_tmp
    roster = ROOT / "deploy" / "roster.example.csv"
    home = tmp_path / "home-of-admin"
    (home / "osintlab" / "modules").mkdir(parents=True)
    (home / "osintlab" / "datasets").mkdir()
    home.chmod(0o700)
    settings = _settings_file(tmp_path, roster, course_repository=str(home / "osintlab"))
    result = CliRunner().invoke(main, ["classroom", "check", "--settings", str(settings)])
    assert result.exit_code == 1
    assert f"{home} (mode 700) is closed to trainee accounts" in result.output
    assert f"chmod o+x {home}" in result.output
    home.chmod(0o755)
    again = CliRunner().invoke(main, ["classroom", "check", "--settings", str(settings)])
    assert "closed to trainee accounts" not in again.output


def test_an_unknown_setting_is_named(tmp_path):
    """Is a misspelt key in classroom.yml an error that lists the known keys?"""
    roster = ROOT / "deploy" / "roster.example.csv"
    bad = _settings_file(tmp_path, roster, idle_timout=600)
    result = CliRunner().invoke(main, ["classroom", "check", "--settings", str(bad)])
    assert result.exit_code == 1
    assert "unknown setting(s) idle_timout" in result.output and "idle_timeout" in result.output


PEOPLE = {"trainer": ("trainer", "ru"), "ali": ("trainee", "ru"),
          "dina": ("trainee", "kk"), "erlan": ("trainee", "en")}


@pytest.fixture(scope="module")
def hub():
    with classroom_hub(PEOPLE) as running:
        for key in PEOPLE:
            running.spawn(key)
        yield running


pytestmark_hub = [pytest.mark.slow, pytest.mark.xdist_group("hub"), needs_root, needs_proxy]


def _hub_test(function):
    for mark in pytestmark_hub:
        function = mark(function)
    return function


@_hub_test
def test_limits_are_in_force_on_each_server_and_kernel(hub):
    """Does a trainee's server really run as them, with the memory (and CPU) limit applied?"""
    pid = hub.pid("ali")
    status = Path(f"/proc/{pid}/status").read_text()
    uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
    assert uid == pwd.getpwnam(hub.users["ali"]).pw_uid
    limits = Path(f"/proc/{pid}/limits").read_text()
    address = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    assert address.split()[3:5] == [str(2 * 1024**3), str(2 * 1024**3)]
    trainer = Path(f"/proc/{hub.pid('trainer')}/limits").read_text()
    assert str(4 * 1024**3) in next(
        line for line in trainer.splitlines() if line.startswith("Max address space"))
    [kernel] = hub.run("ali", "import resource; print(resource.getrlimit(resource.RLIMIT_AS))")
    assert kernel["stdout"].strip() == f"({2 * 1024**3}, {2 * 1024**3})"
    cgroups = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    memory = next((line.split(":", 2)[2] for line in cgroups if ":memory:" in line), None)
    if memory and "osintlab-classroom" in memory:  # cgroup v1 here
        folder = Path("/sys/fs/cgroup/memory") / memory.lstrip("/")
        assert int((folder / "memory.limit_in_bytes").read_text()) == 2 * 1024**3
        cpu = next(line.split(":", 2)[2] for line in cgroups if ":cpu:" in line
                   or ":cpu,cpuacct:" in line)
        quota = Path("/sys/fs/cgroup/cpu") / cpu.lstrip("/") / "cpu.cfs_quota_us"
        assert int(quota.read_text()) == 100_000  # one core
    unified = next((line.split(":", 2)[2] for line in cgroups if line.startswith("0::")), "/")
    if "osintlab-classroom" in unified:  # cgroup v2
        folder = Path("/sys/fs/cgroup") / unified.lstrip("/")
        assert int((folder / "memory.max").read_text()) == 2 * 1024**3


@_hub_test
def test_each_server_has_its_language_and_role(hub):
    """Russian and national-language cohorts get the Russian interface; formgrader is the
    trainer's alone."""
    plugin = "lab/api/settings/@jupyterlab/translation-extension:plugin"
    for key, locale in [("ali", "ru_RU"), ("dina", "ru_RU"), ("erlan", "en")]:
        got = hub.server(key, "GET", plugin)
        assert got.status_code == 200, got.text
        assert got.json()["schema"]["properties"]["locale"]["default"] == locale, key
    [env] = hub.run("dina", "import os; print(os.environ['OSINTLAB_LANG'])")
    assert env["stdout"].strip() == "kk"
    assert hub.server("ali", "GET", "formgrader/api/assignments").status_code == 404
    assert hub.server("trainer", "GET", "formgrader/api/assignments").status_code == 200
    lessons = hub.server("ali", "GET", f"api/contents/lessons/{MODULE}").json()["content"]
    assert {item["name"] for item in lessons} == {
        "01-jupyter.ipynb", "02-python-basics.ipynb", "03-tables-with-pandas.ipynb"}


@_hub_test
def test_lessons_come_in_the_trainees_language(hub):
    """Does a Russian trainee find the m00 lesson in Russian in their home (built from the
    course's translation by the set-up), with the same cells and code as the English one?"""
    catalogue = polib.pofile(str(ROOT / "locale" / "ru" / MODULE / "01-jupyter.po"))
    title = catalogue.find("Working in Jupyter")
    assert title is not None and title.msgstr and "fuzzy" not in title.flags
    russian = hub.get_notebook("ali", f"lessons/{MODULE}/01-jupyter.ipynb")
    english = hub.get_notebook("erlan", f"lessons/{MODULE}/01-jupyter.ipynb")
    assert russian.cells[0].source.startswith(f"# {title.msgstr}\n")
    assert english.cells[0].source.startswith("# Working in Jupyter\n")
    assert [c.id for c in russian.cells] == [c.id for c in english.cells]
    [ran] = hub.run("ali", russian.cells[4].source, path=f"lessons/{MODULE}")
    assert ran["error"] is None and ran["data"] == "5"  # the lesson's first cell, 2 + 3
    # the trainee's own copy is theirs: a rerun of the set-up never overwrites it
    mine = f"lessons/{MODULE}/01-jupyter.ipynb"
    russian.cells[0].source += "\nМои заметки"
    hub.put_notebook("ali", mine, russian)
    made = subprocess.run([str(BIN / "osintlab"), "classroom", "users", str(hub.roster),
                           "--settings", str(hub.settings)], capture_output=True, text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    assert hub.get_notebook("ali", mine).cells[0].source.endswith("Мои заметки")


@_hub_test
def test_the_fictional_internet_is_in_every_trainees_server(hub):
    """Does each trainee's server offer the "Fictional internet" launcher entry, and does a
    trainee's kernel reach the fictional marketplace (its own sandbox server)?"""
    info = hub.server("ali", "GET", "server-proxy/servers-info")
    assert info.status_code == 200, info.text
    [entry] = [s for s in info.json()["server_processes"] if s["name"] == "osintlab-sandbox"]
    assert entry["launcher_entry"]["title"] == "Fictional internet"
    home = (ROOT / "datasets" / "web" / "bazaar.example" / "index.html").read_text("utf-8")
    title = home.split("<title>", 1)[1].split("</title>", 1)[0]  # the marketplace's own
    [got] = hub.run("ali", "from osintlab import sandbox\n"
                           "page = sandbox.session().get('http://bazaar.example/')\n"
                           f"print(page.status_code, {title!r} in page.text)")
    assert got["error"] is None, got
    assert got["stdout"].split() == ["200", "True"]
    # the launcher's entry: the same site in the trainee's browser, through their server
    page = hub.server("ali", "GET", "osintlab-sandbox/bazaar.example/")
    assert page.status_code == 200 and title in page.text


def _answers_into(release: nbformat.NotebookNode, answers: nbformat.NotebookNode):
    """The release with the answer cells of ``answers`` put in (by nbgrader grade_id)."""
    given = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in answers.cells}
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in given:
            cell.source = given[meta["grade_id"]]
    return release


@_hub_test
def test_release_fetch_submit_grade_and_private_feedback(hub):
    """The cohort path: release, fetch, run, submit (correct, partial, empty), collect,
    autograde, feedback; each trainee reads their own feedback and nobody else's."""
    course = hub.course
    [released] = hub.run("trainer", [
        "from osintlab.grading import open_course",
        f"print(open_course({str(course)!r}).release({MODULE!r}))",
    ])[1:]
    assert released["error"] is None, released
    listed = hub.server("ali", "GET", "assignments?course_id=hub-test").json()
    assert [a["assignment_id"] for a in listed["value"]] == [MODULE]

    source = nbformat.read(ROOT / "notebooks" / MODULE / EXERCISE, as_version=4)
    mistakes = nbformat.read(ROOT / "grading" / "mistakes" / f"{MODULE}.ipynb", as_version=4)
    for key, answers in [("ali", source), ("dina", mistakes), ("erlan", None)]:
        fetched = hub.assignments(key, "fetch")
        assert fetched.status_code == 200, fetched.text
        path = f"{MODULE}/{EXERCISE}"
        release = hub.get_notebook(key, path)
        assert "BEGIN SOLUTION" not in json.dumps(release)
        notebook = _answers_into(release, answers) if answers else release
        cells = [c.source for c in notebook.cells if c.cell_type == "code"]
        ran = hub.run(key, cells, path=MODULE)
        errors = [r["error"] for r in ran if r["error"]]
        if key == "ali":
            assert errors == [], errors  # the model answers pass the visible checks
        else:
            assert errors  # a wrong or missing answer shows a check's message
        hub.put_notebook(key, path, notebook)
        submitted = hub.assignments(key, "submit")
        assert submitted.status_code == 200 and submitted.json()["success"], submitted.text
        assert "submitted" in [a["status"] for a in submitted.json()["value"]], submitted.text

    # The trainer grades from their own account: behind the boundary, in a user namespace.
    [graded] = hub.run("trainer", [
        "import json\nfrom osintlab.grading import open_course\n"
        f"course = open_course({str(course)!r})\n"
        f"course.collect({MODULE!r})\n"
        f"outcomes = course.autograde({MODULE!r}, workers=2)\n"
        f"course.feedback({MODULE!r})\n"
        "print(json.dumps({o.student: [o.status, o.score] for o in outcomes}))",
    ])
    assert graded["error"] is None, graded
    scores = json.loads(graded["stdout"].strip().splitlines()[-1])
    expected = yaml.safe_load((ROOT / "grading/mistakes" / f"{MODULE}.yml").read_text("utf-8"))
    assert scores == {
        hub.users["ali"]: ["graded", expected["max_score"]],
        hub.users["dina"]: ["graded", expected["expected_score"]],
        hub.users["erlan"]: ["graded", 0.0],
    }
    # the trainer sees the same in the formgrader
    seen = hub.server("trainer", "GET", f"formgrader/api/submissions/{MODULE}").json()
    assert {s["student"]: s["score"] for s in seen} == {u: s[1] for u, s in scores.items()}

    for key in ("ali", "dina", "erlan"):
        fetched = hub.assignments(key, "fetch_feedback")
        assert fetched.status_code == 200, fetched.text
        folder = hub.server(key, "GET", f"api/contents/{MODULE}/feedback").json()["content"]
        [stamp] = [item["path"] for item in folder]
        page = hub.server(key, "GET", f"api/contents/{stamp}/{EXERCISE[:-6]}.html?content=1")
        assert page.status_code == 200, page.text
        text = page.json()["content"]
        assert "HIDDEN TESTS" not in text
        score = scores[hub.users[key]][1]
        assert f"{score:g} / {expected['max_score']:g}" in text.replace(".0", ""), key
    # nobody reads anybody else's feedback: not through the other's server, not from a kernel
    other = hub.server("erlan", "GET", f"api/contents/{MODULE}/feedback", as_="ali")
    assert other.status_code == 403
    home = pwd.getpwnam(hub.users["erlan"]).pw_dir
    [peek] = hub.run("ali", f"import os\ntry:\n    os.listdir({home + '/' + MODULE!r})\n"
                            "except PermissionError:\n    print('refused')")
    assert peek["stdout"].strip() == "refused"
    [listing] = hub.run("ali", f"import os\ntry:\n    print(os.listdir("
                               f"{str(hub.exchange / 'hub-test' / 'feedback')!r}))\n"
                               "except PermissionError:\n    print('refused')")
    assert listing["stdout"].strip() == "refused"


@_hub_test
def test_a_trainee_cannot_read_sources_grading_or_the_gradebook(hub):
    """Are the model answers, hidden tests and the gradebook out of a trainee's reach?"""
    secret = [
        hub.repository / "notebooks" / MODULE / EXERCISE,
        hub.repository / "grading" / "nbgrader_config.py",
        hub.course / "gradebook.db",
        hub.course / "source" / MODULE / EXERCISE,
        hub.course / "nbgrader_config.py",
    ]
    trainers = hub.groups["trainer"]
    for folder in (hub.repository / "notebooks", hub.repository / "grading"):
        mode = folder.stat().st_mode
        assert not mode & stat.S_IRWXO and folder.group() == trainers, folder
        for path in folder.rglob("*"):
            assert not path.stat().st_mode & stat.S_IRWXO, path
    code = (
        f"import sqlite3\nfor path in {[str(p) for p in secret]!r}:\n"
        "    try:\n        open(path, 'rb').read(1)\n        print('READ', path)\n"
        "    except (PermissionError, FileNotFoundError) as error:\n"
        "        print('refused', type(error).__name__)\n"
    )
    [trainee] = hub.run("ali", code)
    assert "READ" not in trainee["stdout"] and trainee["stdout"].count("refused") == len(secret)
    [trainer] = hub.run("trainer", code.replace("course/gradebook.db", "course/cohort.yml"))
    assert "READ" in trainer["stdout"]  # the trainer group can: the check above means something
    # the contents API cannot climb out of the home (".." sent encoded, so it reaches the server)
    climb = "%2E%2E/" * 4 + str(hub.repository / "notebooks" / MODULE).lstrip("/")
    got = hub.server("ali", "GET", f"api/contents/{climb}")
    assert got.status_code in (400, 403, 404), got.status_code
    # the datasets are there to read, and only to read
    [data] = hub.run("ali", "from osintlab import datasets\nimport os\n"
                            "p = datasets.path('case-records', 'cases.csv')\n"
                            "print(p.stat().st_size > 0, os.access(p, os.W_OK))")
    assert data["stdout"].split() == ["True", "False"]
