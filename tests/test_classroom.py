"""The classroom server for real: deploy/jupyterhub_config.py on loopback, its proxy from
deploy/node_modules, system users made by the test (and removed after, even on failure), and
the whole cohort path driven over the hub's REST API and each person's server.

The roster checks at the top are fast (CliRunner); everything below them starts the hub.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest
import requests
import yaml
from click.testing import CliRunner

from osintlab.cli import main

ROOT = Path(__file__).resolve().parents[1]
MODULE = "m00-getting-started"
EXERCISE = "04-exercise.ipynb"
BIN = Path(sys.executable).parent
PROXY = ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"


# -- roster and settings (fast) -----------------------------------------------------------
def _roster(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("username,full_name,role,language\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def _settings_file(tmp_path: Path, roster: Path, **extra) -> Path:
    settings = {
        "roster": str(roster), "state": str(tmp_path / "state"),
        "exchange": str(tmp_path / "exchange"), "course_repository": str(ROOT),
        "course": str(tmp_path / "course"), "proxy": str(PROXY), **extra,
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


def test_check_names_bad_settings_and_passes_good_ones(tmp_path):
    """Does `osintlab classroom check` catch a wrong limit or language and pass the example?"""
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


def test_an_unknown_setting_is_named(tmp_path):
    """Is a misspelt key in classroom.yml an error that lists the known keys?"""
    roster = ROOT / "deploy" / "roster.example.csv"
    bad = _settings_file(tmp_path, roster, idle_timout=600)
    result = CliRunner().invoke(main, ["classroom", "check", "--settings", str(bad)])
    assert result.exit_code == 1
    assert "unknown setting(s) idle_timout" in result.output and "idle_timeout" in result.output


# -- the real hub ------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    """The processes the hub started itself (its proxy and its services)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def _runnable_by_everyone(path: Path) -> bool:
    for folder in path.resolve().parents:
        if not folder.stat().st_mode & stat.S_IXOTH:
            return False
    return True


def _python_for_people(base: Path) -> tuple[str, dict[str, str]]:
    """An interpreter every system user can run, with this checkout's packages.

    On a real server the course's virtual environment is world-readable (deploy/install.sh
    makes it in /opt). Here the base interpreter may sit under /root (mode 0700), which no
    other user may enter, so the test copies that interpreter (not its packages) to a
    readable folder and points a virtual environment at this checkout's site-packages.
    """
    if _runnable_by_everyone(Path(sys.executable)) and _runnable_by_everyone(
        Path(sys.base_prefix) / "lib"
    ):
        return sys.executable, {}
    prefix = base / "python"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    source = Path(sys.base_prefix)
    (prefix / "bin").mkdir(parents=True)
    (prefix / "lib").mkdir()
    shutil.copy2(source / "bin" / version, prefix / "bin" / version)
    for library in (source / "lib").glob("libpython*"):
        shutil.copy2(library, prefix / "lib" / library.name)
    shutil.copytree(source / "lib" / version, prefix / "lib" / version,
                    ignore=shutil.ignore_patterns("site-packages", "test", "config-*",
                                                  "__pycache__", "idlelib", "tkinter"))
    env = {"LD_LIBRARY_PATH": str(prefix / "lib")}
    venv = base / "venv"
    subprocess.run([str(prefix / "bin" / version), "-m", "venv", "--without-pip", str(venv)],
                   check=True, env={**os.environ, **env})
    site = next(Path(sys.prefix, "lib").glob("python*/site-packages"))
    (next(venv.glob("lib/python*/site-packages")) / "checkout.pth").write_text(
        f"import site; site.addsitedir({str(site)!r})\n"
    )
    for shared in ("etc", "share"):  # Jupyter's extension settings and JupyterLab's files
        (venv / shared).symlink_to(Path(sys.prefix) / shared)
    for script in Path(sys.prefix, "bin").iterdir():  # console scripts (alembic, nbgrader…)
        target = venv / "bin" / script.name
        if script.is_file() and not target.exists() and script.read_bytes()[:2] == b"#!":
            lines = script.read_text(errors="replace").splitlines(keepends=True)
            if "python" in lines[0]:
                target.write_text(f"#!{venv / 'bin' / 'python'}\n" + "".join(lines[1:]))
                target.chmod(0o755)
    return str(venv / "bin" / "python"), env


class ClassroomHub:
    """The real hub from deploy/jupyterhub_config.py, with helpers to act as each person."""

    def __init__(self, base: Path, people: dict[str, tuple[str, str]]) -> None:
        self.base = base
        self.prefix = "o" + secrets.token_hex(3)
        self.users = {key: f"{self.prefix}-{key}" for key in people}
        self.people = people
        self.groups = {"trainee": f"{self.prefix}-trainees", "trainer": f"{self.prefix}-trainers"}
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_hex(24)
        self.tokens: dict[str, str] = {}
        self.repository = base / "course-repository"
        self.course = base / "course"
        self.exchange = base / "exchange"
        self.process: subprocess.Popen | None = None

    # set-up and teardown
    def start(self) -> None:
        for name in ("modules", "notebooks", "grading", "datasets"):
            shutil.copytree(ROOT / name, self.repository / name)
        python, env = _python_for_people(self.base)
        roster = self.base / "roster.csv"
        with roster.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["username", "full_name", "role", "language"])
            for key, (role, language) in self.people.items():
                writer.writerow([self.users[key], f"Тест {key}", role, language])
        self.settings = self.base / "classroom.yml"
        self.settings.write_text(yaml.safe_dump({
            "roster": str(roster), "state": str(self.base / "state"),
            "exchange": str(self.exchange), "course_repository": str(self.repository),
            "course": str(self.course), "course_id": "hub-test", "python": python,
            "environment": env, "groups": self.groups, "ip": "127.0.0.1", "port": self.port,
            "hub_port": _free_port(), "proxy_api_port": _free_port(), "proxy": str(PROXY),
            "idle_timeout": 3600,
        }), "utf-8")
        made = subprocess.run(
            [str(BIN / "osintlab"), "classroom", "users", str(roster), "--settings",
             str(self.settings)], capture_output=True, text=True,
        )
        assert made.returncode == 0, made.stdout + made.stderr
        self.log = (self.base / "hub.log").open("w")
        self.process = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(ROOT / "deploy" / "jupyterhub_config.py")],
            cwd=self.base / "state" if (self.base / "state").is_dir() else self.base,
            env={**os.environ, "OSINTLAB_CLASSROOM": str(self.settings),
                 "OSINTLAB_HUB_ADMIN_TOKEN": self.admin_token,
                 "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        for _ in range(240):
            assert self.process.poll() is None, self.hub_log()
            try:
                if requests.get(f"{self.url}/hub/api", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise AssertionError("the hub did not answer:\n" + self.hub_log())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            for key in self.users:
                try:
                    self.hub("DELETE", f"users/{self.users[key]}/server")
                except Exception:
                    pass
            children = _children(self.process.pid)  # proxy and services: own sessions
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
            for pid in children:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        from osintlab.classroom import remove_users

        remove_users(list(self.users.values()), list(self.groups.values()))

    def hub_log(self) -> str:
        return (self.base / "hub.log").read_text(errors="replace")[-6000:]

    # the hub's REST API, as the administration service
    def hub(self, method: str, path: str, **body) -> requests.Response:
        response = requests.request(
            method, f"{self.url}/hub/api/{path}", json=body or None, timeout=60,
            headers={"Authorization": f"token {self.admin_token}"},
        )
        return response

    def spawn(self, key: str) -> float:
        """Start a person's server; seconds until it answers."""
        name = self.users[key]
        started = time.monotonic()
        response = self.hub("POST", f"users/{name}/server")
        assert response.status_code in (201, 202), response.text
        for _ in range(600):
            model = self.hub("GET", f"users/{name}").json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                break
            time.sleep(0.25)
        else:
            raise AssertionError(f"{name}'s server did not start:\n{self.hub_log()}")
        if key not in self.tokens:
            made = self.hub("POST", f"users/{name}/tokens", note="test", expires_in=3600)
            assert made.status_code == 201, made.text
            self.tokens[key] = made.json()["token"]
        return time.monotonic() - started

    def pid(self, key: str) -> int:
        model = self.hub("GET", f"users/{self.users[key]}").json()
        return int(model["servers"][""]["state"]["pid"])

    # a person's own server, with their own token (or someone else's)
    def server(self, key: str, method: str, path: str, as_: str | None = None,
               **kwargs) -> requests.Response:
        token = self.tokens[as_ or key]
        return requests.request(
            method, f"{self.url}/user/{self.users[key]}/{path}", timeout=300,
            headers={"Authorization": f"token {token}"}, **kwargs,
        )

    def run(self, key: str, code: str | list[str], path: str = "") -> list[dict]:
        """Run code in a new kernel of ``key``'s server over its websocket; one result a cell."""
        import websocket

        made = self.server(key, "POST", "api/kernels", json={"name": "python3", "path": path})
        assert made.status_code == 201, made.text
        kernel = made.json()["id"]
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{self.port}/user/{self.users[key]}/api/kernels/{kernel}/channels",
            header=[f"Authorization: token {self.tokens[key]}"], timeout=180,
        )
        results = []
        try:
            for cell in [code] if isinstance(code, str) else code:
                results.append(_execute(ws, cell))
        finally:
            ws.close()
            self.server(key, "DELETE", f"api/kernels/{kernel}")
        return results

    def get_notebook(self, key: str, path: str) -> nbformat.NotebookNode:
        got = self.server(key, "GET", f"api/contents/{path}?content=1")
        assert got.status_code == 200, got.text
        return nbformat.from_dict(got.json()["content"])

    def put_notebook(self, key: str, path: str, notebook) -> None:
        put = self.server(key, "PUT", f"api/contents/{path}",
                          json={"type": "notebook", "format": "json", "content": notebook})
        assert put.status_code in (200, 201), put.text

    def assignments(self, key: str, action: str) -> requests.Response:
        return self.server(key, "POST", f"assignments/{action}",
                           json={"assignment_id": MODULE, "course_id": "hub-test"})


def _execute(ws, code: str) -> dict:
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex,
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": False},
    }))
    out: dict = {"stdout": "", "error": None, "data": None}
    while True:
        message = json.loads(ws.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            out["stdout"] += content["text"]
        elif kind == "execute_result":
            out["data"] = content["data"].get("text/plain")
        elif kind == "error":
            out["error"] = f"{content['ename']}: {content['evalue']}"
        elif kind == "status" and content["execution_state"] == "idle":
            return out


@contextmanager
def classroom_hub(people: dict[str, tuple[str, str]]):
    """A running classroom hub with its own people; everything removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="osintlab-hub-", dir="/tmp"))
    base.chmod(0o755)
    hub = ClassroomHub(base, people)
    try:
        hub.start()
        yield hub
    finally:
        hub.stop()
        shutil.rmtree(base, ignore_errors=True)


needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("useradd") is None,
    reason="the classroom hub makes system users: run the tests as root",
)
needs_proxy = pytest.mark.skipif(
    not PROXY.exists(), reason="no proxy: run `npm ci --prefix deploy` (make test does)"
)
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
        "from osintlab.grade import open_course",
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

    [graded] = hub.run("trainer", [
        "import json\nfrom osintlab.grade import open_course\n"
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
