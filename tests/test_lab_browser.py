"""`make lab` as a trainee meets it, in a real browser: Debian's headless Chromium, driven by
Playwright, opens the lab that `osintlab lab` starts on a fresh workspace.

The first screen is the first lesson, open (no empty launcher); the "Would you like to get
notified about official Jupyter news?" prompt never appears (the classroom is offline); and
the file browser is the trainee's workspace: notebooks/ (model answers, hidden tests) and
grading/ (the ground truth) are not in it. Every request outside 127.0.0.1 is aborted and
recorded, and the test fails if there was one. The first screen is kept in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from chromium import fence, needs_chromium, playwright_chromium
from conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
FIRST_LESSON = "m00-getting-started/01-jupyter.ipynb"

pytestmark = [pytest.mark.slow, needs_chromium]


def _start(home: Path, token: str, *options: str) -> tuple[subprocess.Popen, str]:
    """`osintlab.lab.launch` on the workspace ``home/workspace``, as a person's own process
    (a fresh HOME and Jupyter folders, no --allow-root given); its process and base URL."""
    port = free_port()
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    for name in ("JUPYTER_CONFIG_PATH", "JUPYTERLAB_SETTINGS_DIR", "OSINTLAB_LANG"):
        env.pop(name, None)
    extra = ["--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1"]
    extra.append(f"--IdentityProvider.token={token}")
    code = (
        "import sys\nfrom pathlib import Path\nfrom osintlab.lab import launch\n"
        "launch(extra=sys.argv[3:], workspace=Path(sys.argv[1]), author=sys.argv[2] == 'author')"
    )
    author = "author" if "--author" in options else "trainee"
    log = (home / f"lab-{author}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(home / "workspace"), author, *extra],
        env=env,
        cwd=home,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # the first start releases every exercise with nbgrader
    while True:
        try:
            if requests.get(f"{base}/api/status", params={"token": token}, timeout=2).ok:
                return process, base
        except requests.ConnectionError:
            pass
        assert process.poll() is None, (home / f"lab-{author}.log").read_text()
        assert time.monotonic() < deadline, "JupyterLab did not answer within 180 s"
        time.sleep(0.5)


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def trainee_lab(tmp_path_factory):
    """The trainee's lab on a fresh workspace; yields (home, base URL, token)."""
    home = tmp_path_factory.mktemp("trainee")
    token = secrets.token_hex(16)
    process, base = _start(home, token)
    try:
        yield home, base, token
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def browser():
    with playwright_chromium(offline=False) as chromium:
        yield chromium


def test_the_first_screen_is_the_first_lesson_without_the_news_prompt(trainee_lab, browser):
    """Does a trainee's first screen show the first lesson open (not an empty launcher),
    with no "official Jupyter news" prompt, and nothing fetched from outside 127.0.0.1?"""
    home, base, token = trainee_lab
    if os.geteuid() == 0:  # JupyterLab refuses root unless told; the launch tells it, and says so
        assert "starts with --allow-root" in (home / "lab-trainee.log").read_text()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    outside: list[str] = []
    fence(context, outside)
    try:
        page = context.new_page()
        page.goto(f"{base}/?token={token}")  # what the trainee's browser is sent to
        page.wait_for_url(f"**/lab/tree/{FIRST_LESSON}", timeout=60_000)
        notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        heading = notebook.locator(".jp-RenderedMarkdown h1").first
        heading.wait_for(timeout=120_000)
        assert heading.inner_text().startswith("Working in Jupyter")
        current = page.locator(".jp-mod-current .lm-TabBar-tabLabel")
        assert current.first.inner_text() == "01-jupyter.ipynb"
        assert page.locator(".jp-Launcher:visible").count() == 0
        # the prompt comes once the layout is restored; give it time to show, if it would
        page.wait_for_timeout(4000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "lab-trainee-first-screen.png"))
        assert page.get_by_text("official Jupyter news").count() == 0
        config = json.loads(page.locator("#jupyter-config-data").text_content() or "{}")
        assert "@jupyterlab/apputils-extension:announcements" in config["disabledExtensions"]
        assert "@jupyter/nbgrader:create-assignment" in config["disabledExtensions"]
        # the file browser's root (its home icon) is the workspace: no notebooks/ or grading/
        page.locator(".jp-BreadCrumbs-home").first.click()
        listing = page.locator(".jp-DirListing-content .jp-DirListing-itemText")
        listing.filter(has_text="m00-getting-started").first.wait_for(timeout=30_000)
        shown = set(listing.all_inner_texts())
        page.screenshot(path=str(ARTIFACTS / "lab-trainee-file-browser-root.png"))
        assert "m00-getting-started" in shown and not shown & {"notebooks", "grading"}, shown
    finally:
        context.close()
    assert outside == [], f"the browser tried to reach the internet: {outside}"


def test_the_trainees_lab_does_not_serve_the_answers_or_the_ground_truth(trainee_lab):
    """Does the contents API of the trainee's lab (the file browser's source) list the
    workspace only, and answer 404 for notebooks/ and grading/, even by a path around it?"""
    _home, base, token = trainee_lab
    root = requests.get(f"{base}/api/contents", params={"token": token}, timeout=10).json()
    names = {item["name"] for item in root["content"]}
    assert "m00-getting-started" in names and not names & {"notebooks", "grading"}, names
    for path in ("notebooks", "grading", "notebooks/m00-getting-started/04-exercise.ipynb"):
        answer = requests.get(f"{base}/api/contents/{path}", params={"token": token}, timeout=10)
        assert answer.status_code == 404, (path, answer.status_code)
    around = requests.get(
        f"{base}/api/contents/..%2Fnotebooks", params={"token": token}, timeout=10
    )
    assert not around.ok, around.status_code


def test_an_author_gets_the_whole_repository(trainee_lab):
    """Does `osintlab lab --author` serve the repository, notebooks/ and grading/ included,
    and open on the first module's source notebooks?"""
    home, _base, _token = trainee_lab  # its workspace is ready: this start is quick
    token = secrets.token_hex(16)
    process, base = _start(home, token, "--author")
    try:
        for path in ("notebooks/m00-getting-started", "grading"):
            answer = requests.get(
                f"{base}/api/contents/{path}", params={"token": token}, timeout=10
            )
            assert answer.ok, (path, answer.status_code)
        opens = requests.get(f"{base}/", params={"token": token}, timeout=10, allow_redirects=False)
        assert urlsplit(opens.headers["Location"]).path.endswith(
            "/lab/tree/notebooks/m00-getting-started"
        )
    finally:
        _stop(process)
