"""The classroom in a real browser: Debian's headless Chromium, driven by Playwright, logs
people in through the hub's own login page (the first login sets the password), opens the
m00 lesson in JupyterLab, runs a cell and reads its output; the same for a Russian cohort
(Russian menus, Russian lesson); and the trainer's formgrader in its own tab (the fix for
jupyter/nbgrader#1870 under JupyterHub's frame policy).

One hub for the module (tests/classroom_hub.py). Every request the browser makes outside
127.0.0.1 is aborted and recorded, and each test asserts there was none: the classroom works
offline. Screenshots of each step go to test-artifacts/.
"""

from __future__ import annotations

import re
import secrets

import polib
import pytest
from chromium import fence, needs_chromium, playwright_chromium
from classroom_hub import MODULE, ROOT, classroom_hub, needs_proxy, needs_root

ARTIFACTS = ROOT / "test-artifacts"
LESSON = "01-jupyter.ipynb"
PEOPLE = {"trainer": ("trainer", "en"), "aida": ("trainee", "en"), "timur": ("trainee", "ru")}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("hub"),
    needs_root,
    needs_proxy,
    needs_chromium,
]


@pytest.fixture(scope="module")
def hub():
    with classroom_hub(PEOPLE) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with playwright_chromium(offline=False) as chromium:
        yield chromium


@pytest.fixture
def fenced(browser):
    """A fresh browser context (no cookies) whose requests outside 127.0.0.1 are aborted
    and recorded; yields (context, outside) and asserts afterwards that nothing left."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    outside: list[str] = []
    fence(context, outside)
    yield context, outside
    context.close()
    assert outside == [], f"the browser tried to reach the internet: {outside}"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"classroom-{name}.png"))


def _log_in(page, hub, key: str, password: str) -> None:
    """Log in on the hub's login page as a person would, and wait for their JupyterLab."""
    page.goto(f"{hub.url}/hub/login")
    page.locator("#username_input").fill(hub.users[key])
    page.locator("#password_input").fill(password)
    _shot(page, f"{key}-1-login")
    page.locator("#login_submit").click()
    # the hub starts the person's server (spawn-pending), then opens JupyterLab
    page.wait_for_url(re.compile(rf"/user/{hub.users[key]}/lab"), timeout=240_000)
    page.locator(".jp-LabShell").wait_for(timeout=180_000)


def _open_lesson_and_run_a_cell(page, hub, key: str) -> str:
    """Open lessons/m00/01-jupyter.ipynb, run its first code cell (2 + 3); the output."""
    kernel_ready: list[bool] = []

    def watch(socket) -> None:  # JupyterLab's kernel websocket: ready after kernel_info
        if "/api/kernels/" in socket.url:
            socket.on("framereceived", lambda frame: kernel_ready.append(True)
                      if "kernel_info_reply" in str(frame) else None)

    page.on("websocket", watch)
    page.goto(f"{hub.url}/user/{hub.users[key]}/lab/tree/lessons/{MODULE}/{LESSON}")
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    notebook.wait_for(timeout=120_000)
    for _ in range(240):
        if kernel_ready:
            break
        page.wait_for_timeout(500)
    assert kernel_ready, "the lesson's kernel never answered"
    _shot(page, f"{key}-3-lesson")
    cell = notebook.locator(".jp-CodeCell").first
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    output = cell.locator(".jp-OutputArea-output")
    output.wait_for(timeout=120_000)
    _shot(page, f"{key}-4-lesson-ran")
    return output.inner_text().strip()


def test_a_trainee_logs_in_opens_the_lesson_and_runs_a_cell(hub, fenced):
    """Can a trainee log in (first login sets the password), open the m00 lesson, run its
    first cell and see the answer under it; and is the password theirs from then on?"""
    context, outside = fenced
    page = context.new_page()
    password = secrets.token_urlsafe(12)
    _log_in(page, hub, "aida", password)
    _shot(page, "aida-2-lab")
    assert page.get_by_text("File", exact=True).first.is_visible()
    assert _open_lesson_and_run_a_cell(page, hub, "aida") == "5"  # the lesson's "2 + 3"
    heading = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1")
    assert heading.first.inner_text().startswith("Working in Jupyter")

    # the first password is now hers: another one is refused on the login page
    other = context.browser.new_context()
    fence(other, outside)
    try:
        again = other.new_page()
        again.goto(f"{hub.url}/hub/login")
        again.locator("#username_input").fill(hub.users["aida"])
        again.locator("#password_input").fill(password + "x")
        again.locator("#login_submit").click()
        again.locator(".login_error, .alert-danger").first.wait_for(timeout=30_000)
        assert "/hub/login" in again.url
        _shot(again, "aida-5-wrong-password")
    finally:
        other.close()


def test_a_russian_trainee_gets_the_russian_interface_and_lesson(hub, fenced):
    """Does a Russian-cohort trainee see JupyterLab's menus in Russian (Файл) and the m00
    lesson in Russian, built from the course's translation, and can they run it?"""
    context, _outside = fenced
    page = context.new_page()
    _log_in(page, hub, "timur", secrets.token_urlsafe(12))
    page.locator(".lm-MenuBar-itemLabel", has_text="Файл").first.wait_for(timeout=60_000)
    _shot(page, "timur-2-lab")
    assert _open_lesson_and_run_a_cell(page, hub, "timur") == "5"
    catalogue = polib.pofile(str(ROOT / "locale" / "ru" / MODULE / "01-jupyter.po"))
    title = catalogue.find("Working in Jupyter")
    assert title is not None and title.msgstr and "fuzzy" not in title.flags
    heading = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1")
    assert heading.first.inner_text().startswith(title.msgstr)  # «Работа в Jupyter»


def test_the_trainer_sees_the_formgrader_in_its_own_tab(hub, fenced):
    """Does the trainer's formgrader work in its own tab (/user/NAME/formgrader), listing
    m00, where nbgrader's tab inside JupyterLab stays blank (jupyter/nbgrader#1870)?"""
    context, _outside = fenced
    lab = context.new_page()
    _log_in(lab, hub, "trainer", secrets.token_urlsafe(12))
    _shot(lab, "trainer-2-lab")
    # the trainer releases m00 from their own server, as in a terminal there
    hub.token("trainer")
    [released] = hub.run("trainer", "from osintlab.grading import open_course\n"
                                    f"open_course({str(hub.course)!r}).release({MODULE!r})")
    assert released["error"] is None, released
    tab = context.new_page()
    answer = tab.goto(f"{hub.url}/user/{hub.users['trainer']}/formgrader")
    assert answer is not None and answer.ok, answer and answer.status
    row = tab.locator("table tr", has_text=MODULE)
    row.first.wait_for(timeout=60_000)
    _shot(tab, "trainer-3-formgrader")
    assert tab.get_by_text("Manage Assignments").first.is_visible()
    # the page's own frame policy: it may only be shown as a page, not inside a frame
    assert "frame-ancestors 'none'" in answer.headers.get("content-security-policy", "")
