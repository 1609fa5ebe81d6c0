"""Look at a page as a person does: Debian's headless Chromium, with no network at all.

Every host name resolves to nothing, so a page that needs the internet shows it; the test
then reads the rendered DOM (after scripts ran) and keeps a screenshot as an artifact.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BINARY = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    BINARY is None, reason="Chromium is not installed (make test installs it when run as root)"
)

_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: nothing outside this machine resolves
]


def _run(page: str, *extra: str) -> str:
    assert BINARY is not None
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [BINARY, *_FLAGS, f"--user-data-dir={profile}", *extra, page],
            capture_output=True, text=True, timeout=120,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def rendered_text(page: str) -> str:
    """The page's DOM after its scripts ran, as Chromium built it."""
    return _run(page, "--dump-dom", "--virtual-time-budget=3000")


def screenshot(page: str, target: Path, width: int = 1200, height: int = 1600) -> Path:
    """A PNG of what a person sees in the window, kept at ``target``."""
    _run(page, f"--screenshot={target}", f"--window-size={width},{height}")
    return target


def fence(context, outside: list[str]) -> None:
    """Abort every request of a Playwright ``context`` that leaves 127.0.0.1; record it."""

    def route(request_route):
        if urlsplit(request_route.request.url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            outside.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)


@contextlib.contextmanager
def playwright_chromium(offline: bool = True):
    """Debian's Chromium driven by Playwright, closed afterwards; ``offline``: no host name but
    127.0.0.1 resolves (pair it with :func:`fence` to record what a page tried to reach).

    Example (a test module's fixture)::

        @pytest.fixture(scope="module")
        def browser():
            with playwright_chromium() as chromium:
                yield chromium
    """
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"]
    if offline:
        args += ["--disable-background-networking",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=BINARY, args=args)
        try:
            yield chromium
        finally:
            chromium.close()
