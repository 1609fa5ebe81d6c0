"""The real classroom hub for tests and the load benchmark: deploy/jupyterhub_config.py on
loopback, its proxy from deploy/node_modules, system users made here (and removed after, even
on failure), and helpers to act as each person over the hub's REST API and their server.

Used by tests/test_classroom.py (REST), tests/test_classroom_browser.py (Chromium) and
bench/hub.py (30 trainees). Nothing here is faked: the users, the hub, the proxy and the
servers are the ones a classroom runs.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
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
from conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
MODULE = "m00-getting-started"
EXERCISE = "04-exercise.ipynb"
BIN = Path(sys.executable).parent
PROXY = ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
# What a classroom server holds of the course repository (deploy/install.sh copies it all).
COURSE_FOLDERS = ("modules", "notebooks", "grading", "datasets", "locale")


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

    def __init__(self, base: Path, people: dict[str, tuple[str, str]], **settings) -> None:
        self.base = base
        self.extra = settings  # classroom.yml settings over the defaults below
        self.prefix = "o" + secrets.token_hex(3)
        self.users = {key: f"{self.prefix}-{key}" for key in people}
        self.people = people
        self.groups = {"trainee": f"{self.prefix}-trainees", "trainer": f"{self.prefix}-trainers"}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_hex(24)
        self.tokens: dict[str, str] = {}
        self.repository = base / "course-repository"
        self.course = base / "course"
        self.exchange = base / "exchange"
        self.process: subprocess.Popen | None = None

    # set-up and teardown
    def start(self) -> None:
        for name in COURSE_FOLDERS:
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, self.repository / name,
                                ignore=shutil.ignore_patterns("__pycache__"))
        for path in self.repository.rglob("*"):  # as deploy/install.sh: chmod -R a+rX
            path.chmod(path.stat().st_mode | (0o555 if path.is_dir() else 0o444))
        python, env = _python_for_people(self.base)
        roster = self.roster = self.base / "roster.csv"
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
            "hub_port": free_port(), "proxy_api_port": free_port(), "proxy": str(PROXY),
            "idle_timeout": 3600, **self.extra,
        }, allow_unicode=True), "utf-8")
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
        self.token(key)
        return time.monotonic() - started

    def token(self, key: str) -> str:
        """An API token of ``key``'s own (made once), to act as them on their server."""
        if key not in self.tokens:
            made = self.hub("POST", f"users/{self.users[key]}/tokens", note="test",
                            expires_in=3600)
            assert made.status_code == 201, made.text
            self.tokens[key] = made.json()["token"]
        return self.tokens[key]

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
def classroom_hub(people: dict[str, tuple[str, str]], **settings):
    """A running classroom hub with its own people; everything removed afterwards.

    ``people`` maps a short key to (role, language); ``settings`` go into classroom.yml.
    """
    base = Path(tempfile.mkdtemp(prefix="osintlab-hub-", dir="/tmp"))
    base.chmod(0o755)
    hub = ClassroomHub(base, people, **settings)
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
