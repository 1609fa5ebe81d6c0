"""The fictional internet as a person sees it: a real JupyterLab, its launcher, headless Chromium.

JupyterLab runs on 127.0.0.1 in a throwaway folder with a token; jupyter-server-proxy starts the
sandbox from the "Fictional internet" entry. Chromium (Debian's, driven by Playwright) may reach
127.0.0.1 only: every other request is aborted and recorded, and the test fails if any is tried.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from chromium import BINARY, fence, needs_chromium, playwright_chromium

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "sandbox-web"
WORLD = ROOT / "datasets" / "web"
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("sandbox-browser"),
    needs_chromium,
]


def _web(home: Path) -> Path:
    """The fixture's sites plus, once it is built, the world's: one tree, one sites.yml."""
    import yaml

    web = home / "web"
    described = {}
    for tree in (WORLD, FIXTURE):  # the world's forum.example wins over the fixture's
        if not (tree / "sites.yml").is_file():
            continue
        hosts = yaml.safe_load((tree / "sites.yml").read_text("utf-8"))["hosts"]
        for folder in tree.iterdir():
            if folder.is_dir() and not (web / folder.name).exists():
                shutil.copytree(folder, web / folder.name)
                described[folder.name] = hosts.get(folder.name, {})
    (web / "sites.yml").write_text(yaml.safe_dump({"hosts": described}), "utf-8")
    return web


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A real JupyterLab on 127.0.0.1 (port 0) with a token; yields (base URL, token)."""
    home = tmp_path_factory.mktemp("lab")
    runtime = home / "runtime"
    token = secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "OSINTLAB_SANDBOX_WEB": str(_web(home)),
           "JUPYTER_CONFIG_DIR": str(home / "config"), "HOME": str(home)}
    env.pop("OSINTLAB_SANDBOX_URL", None)
    jupyter = Path(sys.executable).with_name("jupyter")
    process = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", "--port=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}"],
        env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        base = None
        for _ in range(600):
            found = list(runtime.glob("jpserver-*.json")) if runtime.is_dir() else []
            if found:
                info = json.loads(found[0].read_text())
                base = info["url"].rstrip("/")
                try:
                    if requests.get(f"{base}/api/status", params={"token": token}).ok:
                        break
                except requests.ConnectionError:
                    pass
            assert process.poll() is None, process.stderr.read().decode()[-3000:]
            time.sleep(0.1)
        assert base, "JupyterLab did not start"
        yield base, token
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="module")
def browser():
    with playwright_chromium() as chromium:
        yield chromium


def _fenced_page(browser):
    """A new page whose requests outside 127.0.0.1 are aborted and recorded."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    outside: list[str] = []
    fence(context, outside)
    return context, context.new_page(), outside


def test_launcher_offers_the_fictional_internet(lab, browser):
    """Does the JupyterLab launcher show a "Fictional internet" entry?"""
    base, token = lab
    info = requests.get(f"{base}/server-proxy/servers-info", params={"token": token}).json()
    assert "osintlab-sandbox" in [server["name"] for server in info["server_processes"]]
    context, page, outside = _fenced_page(browser)
    try:
        page.goto(f"{base}/lab?token={token}")
        page.get_by_text("Fictional internet").first.wait_for(timeout=90_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "sandbox-launcher.png"))
    finally:
        context.close()
    assert outside == []


def test_listing_page_opens_in_the_lab_and_pagination_works(lab, browser):
    """Can a trainee open the marketplace from the start page, read listings, go to page 2?"""
    base, token = lab
    context, page, outside = _fenced_page(browser)
    try:
        page.goto(f"{base}/osintlab-sandbox/?token={token}")
        assert page.get_by_role("heading").first.inner_text() == "200 The fictional internet"
        page.get_by_role("link", name="http://shop.example/").click()
        page.get_by_role("link", name="All listings").click()
        page.wait_for_url("**/osintlab-sandbox/shop.example/listings")
        titles = page.locator("li.listing a").all_inner_texts()
        assert titles == ["Used phone, Samsung", "Laptop, barely used"]
        assert "http://shop.example/listings" in page.locator("#osintlab-sandbox-bar").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "sandbox-listings.png"), full_page=True)
        page.get_by_role("link", name="Next page").click()
        page.wait_for_url("**/shop.example/listings?page=2")
        assert page.locator("li.listing a").all_inner_texts() == ["Gold ring"]
        page.get_by_role("link", name="Gold ring").click()
        page.wait_for_url("**/shop.example/listings/item-3.html")
        assert page.get_by_role("heading").inner_text() == "Item 3"
    finally:
        context.close()
    assert outside == [], f"the page tried to reach the real internet: {outside}"


def test_a_link_to_a_real_site_goes_nowhere(lab, browser):
    """Does clicking a link to a real site keep the trainee in the sandbox, with no request?"""
    base, token = lab
    context, page, outside = _fenced_page(browser)
    try:
        page.goto(f"{base}/osintlab-sandbox/shop.example/listings?token={token}")
        page.get_by_role("link", name="a site outside the sandbox").click()
        assert page.url.endswith("#outside-the-sandbox")
    finally:
        context.close()
    assert outside == []


@pytest.mark.skipif(not (WORLD / "bazaar.example").is_dir(), reason="datasets/web not built yet")
def test_world_marketplace_listing_through_the_lab(lab, browser):
    """Does the world's marketplace show its listings in the lab, with a working next page?"""
    from bs4 import BeautifulSoup

    base, token = lab
    source = BeautifulSoup((WORLD / "bazaar.example/listings/page-1.html").read_bytes(),
                           "html.parser")
    expected = [span.get_text() for span in source.select("[itemprop=name]")]
    context, page, outside = _fenced_page(browser)
    try:
        page.goto(f"{base}/osintlab-sandbox/bazaar.example/listings?page=1&token={token}")
        assert page.locator("[itemprop=name]").all_inner_texts() == expected
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "sandbox-bazaar.png"))
        page.locator("a[rel=next]").first.click()
        page.wait_for_url("**/bazaar.example/listings/page-2.html")
        assert "2" in page.get_by_role("heading").first.inner_text()
    finally:
        context.close()
    assert outside == [], f"the page tried to reach the real internet: {outside}"


def test_chromium_binary_is_debians():
    """Is the browser used here the distribution's Chromium (not one Playwright downloaded)?"""
    assert BINARY == shutil.which("chromium") and "ms-playwright" not in BINARY
