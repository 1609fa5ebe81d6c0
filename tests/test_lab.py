"""`make lab` starts a real JupyterLab on the curriculum (the trainee's and author's way in).

A trainee alone at a machine works in workspace/, which holds the lessons and the trainee's
version of each exercise: never the model answers or hidden tests of notebooks/.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_make_lab_serves_the_curriculum_with_nbgrader(tmp_path):
    """Does `make lab ARGS=...` open JupyterLab on notebooks/, with nbgrader's extensions?"""
    port = _free_port()
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


def test_workspace_never_overwrites_a_trainees_work(tmp_path):
    """Does preparing the workspace again keep what the trainee wrote, and say when the course changed?"""
    from osintlab.lab import prepare_workspace

    first = prepare_workspace(ROOT, tmp_path / "workspace")
    exercise = tmp_path / "workspace" / "m00-getting-started" / "04-exercise.ipynb"
    assert f"{exercise}: created" in first
    exercise.write_text(exercise.read_text().replace("raise NotImplementedError()", "x = 1"))
    os.utime(exercise, (0, 0))  # the course's copy is now the newer one
    again = prepare_workspace(ROOT, tmp_path / "workspace")
    assert "x = 1" in exercise.read_text()
    assert any("the course has a newer version; your copy is kept" in line for line in again)
