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

import requests
from conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_make_lab_serves_the_curriculum_with_nbgrader(tmp_path):
    """Does `make lab ARGS=...` open JupyterLab on notebooks/, with nbgrader's extensions?"""
    port = free_port()
    args = f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token=t"
    if os.geteuid() == 0:
        args += " --allow-root"
    log = (tmp_path / "lab.log").open("w")
    lab = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"ARGS={args}"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
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
            f"{base}/api/contents/workspace/m00-getting-started", params={"token": "t"}, timeout=10
        ).json()
        names = {item["name"] for item in listing["content"]}
        assert {"01-jupyter.ipynb", "04-exercise.ipynb"} <= names
        exercise = requests.get(
            f"{base}/api/contents/workspace/m00-getting-started/04-exercise.ipynb",
            params={"token": "t"}, timeout=10,
        ).json()
        text = str(exercise["content"])
        assert "raise NotImplementedError()" in text
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
        source = requests.get(
            f"{base}/api/contents/notebooks/m00-getting-started", params={"token": "t"}, timeout=10
        )
        assert source.ok  # the author's view of the same curriculum
        page = requests.get(f"{base}/lab", params={"token": "t"}, timeout=10)
        assert page.status_code == 200 and "JupyterLab" in page.text
        opens = requests.get(f"{base}/", params={"token": "t"}, timeout=10, allow_redirects=False)
        assert "/lab/tree/workspace/m00-getting-started" in opens.headers["Location"]
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
