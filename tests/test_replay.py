"""A case's archive replays in a real replay tool: pywb (Webrecorder's replay server).

pywb is installed for this test in an environment of its own (its dependencies need not
resolve with the course's lock). The test captures a page of the fictional internet, loads the
item's WARC and the case's WACZ into pywb collections, and asks pywb for the page: it must
serve exactly the captured bytes (not the item's JSON record, not nothing).
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, free_port

from osintlab import datasets, evidence, sandbox
from osintlab.sandbox import SandboxServer

PAGE = "http://bazaar.example/listings/page-1.html"
TOOLS = ROOT / "build" / "test-tools" / "pywb"

# Both tests share one pywb environment: keep them on one worker, and lock the install so that a
# second pytest run (or worker) never clears an environment another is building.
pytestmark = pytest.mark.xdist_group("replay")


@pytest.fixture(scope="module")
def pywb() -> Path:
    """The bin folder of an environment with pywb (made once, reused by later runs)."""
    bin_dir = TOOLS / "bin"
    TOOLS.parent.mkdir(parents=True, exist_ok=True)
    with open(TOOLS.parent / "pywb.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (bin_dir / "wayback").is_file():
            made = subprocess.run([sys.executable, "-m", "venv", "--clear", str(TOOLS)],
                                  capture_output=True, text=True)
            assert made.returncode == 0, "python -m venv failed:\n" + made.stderr[-2000:]
            install = subprocess.run([str(bin_dir / "pip"), "install", "-q", "pywb>=2.8"],
                                     capture_output=True, text=True)
            assert install.returncode == 0, "pip could not install pywb:\n" + install.stderr[-2000:]
    return bin_dir


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    server = SandboxServer(datasets.root() / "web", tsa=False).start()
    try:
        folder = tmp_path_factory.mktemp("replay")
        opened = evidence.open_case(folder / "CASE-1", investigator="Trainee", screenshots=False,
                                    session=sandbox.session(server))
        opened.capture(PAGE, note="first listing page", embedded=False)
        yield opened
    finally:
        server.stop()


def _replayed(bin_dir: Path, where: Path, collection: str, archive: Path, *flags: str) -> bytes:
    manager = bin_dir / "wb-manager"
    subprocess.run([str(manager), "init", collection], cwd=where, check=True,
                   capture_output=True)
    added = subprocess.run([str(manager), "add", *flags, collection, str(archive)], cwd=where,
                           capture_output=True, text=True)
    assert added.returncode == 0, added.stderr
    port = free_port()
    server = subprocess.Popen([str(bin_dir / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
                              cwd=where, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/{collection}/id_/{PAGE}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=5) as reply:
                    return reply.read()
            except OSError:
                if server.poll() is not None:
                    raise AssertionError(server.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        raise AssertionError("pywb did not answer")
    finally:
        server.terminate()
        server.wait(10)


def test_the_item_warc_replays_the_captured_page(pywb, case, tmp_path):
    """Does pywb serve the page's address from the item's WARC with the captured bytes?"""
    record = case.record("E0001")
    original = case.path("items", "E0001", record["file"]["original"]).read_bytes()
    served = _replayed(pywb, tmp_path, "items", case.path("items", "E0001", "capture.warc.gz"))
    assert "sha256:" + hashlib.sha256(served).hexdigest() == record["hashes"]["sha256"]
    assert served == original


def test_the_case_wacz_replays_the_captured_page(pywb, case, tmp_path):
    """Does pywb serve the same bytes from the case's WACZ package?"""
    package = case.package_wacz()
    served = _replayed(pywb, tmp_path, "package", package, "--unpack-wacz")
    assert "sha256:" + hashlib.sha256(served).hexdigest() == case.record("E0001")["hashes"]["sha256"]
