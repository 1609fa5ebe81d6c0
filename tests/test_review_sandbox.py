"""Review of the sandbox internet: defects found in review, each proved by a test.

- a 429's Retry-After must be long enough: a collector that waits as asked is served;
- a login's ``next`` with non-ASCII or CR/LF must not crash the request (500 + traceback);
- OSINTLAB_SANDBOX_URL naming no running server must explain itself, not show a traceback.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from osintlab import sandbox
from osintlab.exceptions import OsintLabError
from osintlab.sandbox.server import SandboxServer

pytestmark = pytest.mark.usefixtures("no_process_server")

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "sandbox-web"


def test_waiting_as_long_as_retry_after_says_is_enough(tmp_path):
    """A site whose configured Retry-After is shorter than its window must not refuse again."""
    web_folder = tmp_path / "web"
    (web_folder / "limited.example").mkdir(parents=True)
    (web_folder / "limited.example" / "index.html").write_text("<p>ok</p>", encoding="utf-8")
    (web_folder / "sites.yml").write_text(
        "hosts:\n  limited.example:\n"
        "    rate_limit: {requests: 2, window_seconds: 2, retry_after_seconds: 1}\n",
        encoding="utf-8",
    )
    server = SandboxServer(web_folder, tsa=False).start()
    try:
        web = sandbox.session(server)
        codes = [web.get("http://limited.example/").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        limited = web.get("http://limited.example/")
        wait = int(limited.headers["Retry-After"])
        assert wait >= 1
        time.sleep(wait + 0.05)
        assert web.get("http://limited.example/").status_code == 200
    finally:
        server.stop()


@pytest.mark.parametrize("target", ["/private/%D0%BF", "/%0d%0aX-Evil:%201"])
def test_login_next_with_unusual_characters_redirects_safely(target):
    """Does logging in with ?next=/<non-ASCII or CR LF> answer 303 to a safe address?"""
    server = SandboxServer(FIXTURE, tsa=False).start()
    try:
        web = sandbox.session(server)
        answer = web.post(
            f"http://forum.example/login?next={target}",
            data={"login": "trainee1", "pass": "sandbox-pass"},
            allow_redirects=False,
        )
        assert answer.status_code == 303
        location = answer.headers["Location"]
        assert location.startswith("/") and not location.startswith("//")
        assert location.isascii() and "\r" not in location and "\n" not in location
        assert "X-Evil" not in answer.headers
        assert "forum_session=" in answer.headers["Set-Cookie"]
    finally:
        server.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("given", ["http://127.0.0.1:{port}", "http://127.0.0.1:99999"])
def test_sandbox_url_naming_no_server_is_explained(monkeypatch, given):
    """OSINTLAB_SANDBOX_URL set to a stopped server: a teaching error, not a socket traceback."""
    monkeypatch.setenv("OSINTLAB_SANDBOX_URL", given.format(port=_free_port()))
    with pytest.raises(OsintLabError) as error:
        sandbox.session()
    message = str(error.value)
    assert "OSINTLAB_SANDBOX_URL" in message
    assert "osintlab sandbox serve" in message  # what to do
