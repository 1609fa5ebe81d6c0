"""`make lab` starts a real JupyterLab on the curriculum (the trainee's and author's way in).

A trainee alone at a machine works in workspace/, which holds the lessons and the trainee's
version of each exercise: never the model answers or hidden tests of notebooks/.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
from conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_make_lab_serves_the_trainees_workspace_with_nbgrader(tmp_path):
    """Does `make lab ARGS=...` open JupyterLab on workspace/ (not notebooks/ or grading/),
    on the first lesson, with nbgrader's extensions, and start as root without being told?"""
    port = free_port()
    args = f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token=t"
    log = (tmp_path / "lab.log").open("w")
    lab = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"ARGS={args}"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{base}/api/status", params={"token": "t"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert lab.poll() is None, (tmp_path / "lab.log").read_text()
            assert time.monotonic() < deadline, "JupyterLab did not answer within 90 s"
            time.sleep(0.5)
        listing = requests.get(
            f"{base}/api/contents/m00-getting-started", params={"token": "t"}, timeout=10
        ).json()
        names = {item["name"] for item in listing["content"]}
        assert {"01-jupyter.ipynb", "04-exercise.ipynb"} <= names
        exercise = requests.get(
            f"{base}/api/contents/m00-getting-started/04-exercise.ipynb",
            params={"token": "t"},
            timeout=10,
        ).json()
        text = str(exercise["content"])
        assert "raise NotImplementedError()" in text
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
        for hidden in ("notebooks/m00-getting-started", "grading"):  # the author's view only
            answer = requests.get(
                f"{base}/api/contents/{hidden}", params={"token": "t"}, timeout=10
            )
            assert answer.status_code == 404, hidden
        page = requests.get(f"{base}/lab", params={"token": "t"}, timeout=10)
        assert page.status_code == 200 and "JupyterLab" in page.text
        opens = requests.get(f"{base}/", params={"token": "t"}, timeout=10, allow_redirects=False)
        assert urlsplit(opens.headers["Location"]).path.endswith(
            "/lab/tree/m00-getting-started/01-jupyter.ipynb"
        )
        extensions = requests.get(f"{base}/lab/api/extensions", params={"token": "t"}, timeout=10)
        names = {item["name"] for item in extensions.json()}
        assert "jupyter-nbgrader" in names, sorted(names)
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
        log.close()
    if os.geteuid() == 0:  # said once, in one line, and JupyterLab started anyway
        assert "starts with --allow-root" in (tmp_path / "lab.log").read_text()


def test_workspace_keeps_a_trainees_work_and_says_when_the_course_changed(tmp_path):
    """Is a trainee's edited copy kept, and are they told only when the course really changed?"""
    from osintlab.lab import prepare_workspace

    course = tmp_path / "course"
    for folder in ("modules", "notebooks", "datasets", "grading"):
        shutil.copytree(ROOT / folder, course / folder)
    workspace = tmp_path / "workspace"
    exercise = workspace / "m00-getting-started" / "04-exercise.ipynb"
    created = prepare_workspace(course, workspace)
    assert f"{exercise}: created" in created
    assert "BEGIN SOLUTION" not in exercise.read_text()
    exercise.write_text(exercise.read_text().replace("raise NotImplementedError()", "x = 1"))

    assert prepare_workspace(course, workspace) == []  # the trainee's edits are not news
    source = course / "notebooks" / "m00-getting-started" / "04-exercise.ipynb"
    source.write_text(source.read_text().replace("head of unit", "head of department"))
    again = prepare_workspace(course, workspace)
    assert "x = 1" in exercise.read_text()
    assert again == [
        f"{exercise}: the course has a newer version; your copy is kept. To start again from "
        "the new one, rename yours (e.g. to 04-exercise-old.ipynb) and run `make lab` again."
    ]


def test_the_lab_command_line_for_a_trainee_an_author_and_root(tmp_path, monkeypatch):
    """Is a trainee's lab rooted at their workspace and opened on the first lesson, an
    author's at the repository, is --allow-root added for uid 0 only (and not twice), and is
    the "Jupyter news" plugin switched off (the prompt would reach for the internet)?"""
    import json

    from osintlab.lab import lab_command

    workspace = tmp_path / "workspace"
    monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    argv, env = lab_command(ROOT, ["--no-browser"], workspace=workspace)
    assert argv[1:] == [
        "lab",
        f"--ServerApp.root_dir={workspace}",
        "--LabApp.default_url=/lab/tree/m00-getting-started/01-jupyter.ipynb",
        "--no-browser",
    ]
    [config] = env["JUPYTER_CONFIG_PATH"].split(os.pathsep)
    page = json.loads((Path(config) / "labconfig" / "page_config.json").read_text("utf-8"))
    assert page["disabledExtensions"] == {
        "@jupyterlab/apputils-extension:announcements": True,  # no news prompt: offline
        "@jupyter/nbgrader:formgrader": True,  # no trainer tools in a trainee's lab
        "@jupyter/nbgrader:create-assignment": True,
        "@jupyter/nbgrader:course-list": True,
    }

    argv, _env = lab_command(ROOT, [], workspace=workspace, author=True)
    assert f"--ServerApp.root_dir={ROOT}" in argv
    page = json.loads((Path(config) / "labconfig" / "page_config.json").read_text("utf-8"))
    assert page["disabledExtensions"] == {"@jupyterlab/apputils-extension:announcements": True}
    assert "--LabApp.default_url=/lab/tree/notebooks/m00-getting-started" in argv

    argv, env = lab_command(ROOT, [], language="ru", workspace=workspace)
    assert env["OSINTLAB_LANG"] == "ru" and "JUPYTERLAB_SETTINGS_DIR" in env
    assert "--allow-root" not in argv

    monkeypatch.setattr(os, "geteuid", lambda: 0)
    argv, _env = lab_command(ROOT, ["--no-browser"], workspace=workspace)
    assert argv[-2:] == ["--no-browser", "--allow-root"]
    argv, _env = lab_command(ROOT, ["--allow-root"], workspace=workspace)
    assert argv.count("--allow-root") == 1


def test_osintlab_lab_author_reaches_the_launch(monkeypatch):
    """Does `osintlab lab --author --no-browser` ask for the author's lab and pass the rest
    on to JupyterLab, and does its help say so and end in an example?"""
    from click.testing import CliRunner

    import osintlab.lab
    from osintlab.cli import main

    calls = []
    monkeypatch.setattr(
        osintlab.lab, "launch", lambda *args, **kwargs: calls.append((args, kwargs))
    )
    result = CliRunner().invoke(main, ["lab", "--author", "--no-browser"])
    assert result.exit_code == 0, result.output
    [(args, kwargs)] = calls
    assert args[1] == ["--no-browser"] and kwargs["author"] is True
    shown = CliRunner().invoke(main, ["lab", "--help"]).output
    assert "--author" in shown and shown.split("Options:")[0].rstrip().endswith(
        "osintlab lab --author"
    )
