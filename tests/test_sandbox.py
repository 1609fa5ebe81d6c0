"""The fictional internet: real HTTP on 127.0.0.1 against the fixture sites, nothing else.

Fixture sites live in tests/fixtures/sandbox-web (same shape as datasets/web); tests against
the real world's sites are at the end and run once datasets/web exists.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from bs4 import BeautifulSoup
from click.testing import CliRunner

from osintlab import sandbox
from osintlab.cli import main
from osintlab.exceptions import DatasetMissing, OsintLabError, SandboxRefused
from osintlab.sandbox.server import Reply, SandboxServer, normalise_path

pytestmark = pytest.mark.usefixtures("no_process_server")

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "sandbox-web"
WORLD = ROOT / "datasets" / "web"
SLOW = 0.3  # the slow page's delay in these tests (the fixture's sites.yml says 2 s)
LIMIT = 10  # the forum's rate limit: requests per window (the fixture's sites.yml)


@pytest.fixture(scope="module")
def server():
    """The fixture's sites without the forum's rate limit (its own test has its own server)."""
    running = SandboxServer(FIXTURE, slow_delay=SLOW, rate_limits=False).start()
    yield running
    running.stop()


@pytest.fixture
def web(server):
    return sandbox.session(server)


def raw(port: int, data: bytes) -> tuple[int | None, bytes]:
    """Send bytes over a plain socket; the status code (None if the server closed) and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    answer = b"".join(chunks)
    if not answer.startswith(b"HTTP/1."):
        return None, answer
    return int(answer.split(b" ", 2)[1]), answer.partition(b"\r\n\r\n")[2]


# -- realistic behaviour -------------------------------------------------------------------
def test_session_is_a_real_requests_session_showing_the_address_written(web):
    """Does a trainee get a requests.Session whose responses show the fictional URL?"""
    assert isinstance(web, requests.Session)
    page = web.get("http://shop.example/listings?page=2")
    assert page.status_code == 200
    assert page.url == "http://shop.example/listings?page=2"
    assert "Listings, page 2" in page.text


def test_robots_txt_tells_collectors_what_to_leave_alone(web):
    """Is robots.txt served as text with the site's rules, as a polite collector reads it?"""
    robots = web.get("http://shop.example/robots.txt")
    assert robots.headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /sellers/private/" in robots.text
    from urllib.robotparser import RobotFileParser

    rules = RobotFileParser()
    rules.parse(robots.text.splitlines())
    assert not rules.can_fetch("*", "http://shop.example/sellers/private/x.html")
    assert rules.can_fetch("*", "http://shop.example/listings")


def test_following_pagination_collects_every_listing(web):
    """Does following the "next page" link from page 1 reach page 2 and its listings?"""
    address, titles = "http://shop.example/listings", []
    while address:
        page = BeautifulSoup(web.get(address).text, "html.parser")
        titles += [a.get_text() for a in page.select("li.listing a")]
        following = page.select_one("a[rel=next]")
        address = urljoin(address, following["href"]) if following else None
    assert titles == ["Used phone, Samsung", "Laptop, barely used", "Gold ring"]


def test_301_and_302_redirects_are_followed_and_recorded(web):
    """Do moved pages redirect with the right status, and does history show each hop?"""
    moved = web.get("http://shop.example/old-listings")
    assert [r.status_code for r in moved.history] == [301]
    assert moved.url == "http://shop.example/listings"
    found = web.get("http://shop.example/latest", allow_redirects=False)
    assert found.status_code == 302
    assert found.headers["Location"] == "/listings?page=2"


def test_unknown_paths_and_broken_links_are_404_with_a_clear_page(web):
    """Does a broken link on a seller page give a 404 that names the missing page?"""
    seller = BeautifulSoup(web.get("http://shop.example/sellers/seller-1.html").text, "html.parser")
    broken = urljoin("http://shop.example/sellers/seller-1.html", seller.a["href"])
    missing = web.get(broken)
    assert missing.status_code == 404
    assert "There is no page '/sellers/nobody.html' on shop.example" in missing.text


def test_rate_limit_answers_429_with_retry_after_then_serves_after_waiting():
    """Does hammering the forum archive get 429 + Retry-After, and waiting that long help?"""
    running = SandboxServer(FIXTURE, rate_window=1.0, tsa=False).start()
    try:
        web = sandbox.session(running)
        address = "http://forum.example/archive/old-post.html"
        answers = [web.get(address) for _ in range(LIMIT + 1)]
        assert [a.status_code for a in answers[:LIMIT]] == [200] * LIMIT
        limited = answers[LIMIT]
        assert limited.status_code == 429
        wait = int(limited.headers["Retry-After"])
        assert wait >= 1
        assert "Wait" in limited.text and "Retry-After" in limited.text
        time.sleep(wait)
        assert web.get(address).status_code == 200
    finally:
        running.stop()


def test_login_wall_wrong_password_then_right_one(web, server):
    """Is the members' board walled, a wrong password explained, the right one let in?"""
    walled = web.get("http://forum.example/private/board.html")
    assert walled.history[0].status_code == 302
    assert walled.url.startswith("http://forum.example/login")
    form = BeautifulSoup(walled.text, "html.parser").form
    assert form["method"] == "post"
    wrong = web.post("http://forum.example/login", data={"login": "trainee1", "pass": "guess"})
    assert wrong.status_code == 401
    assert "Wrong user name or password" in wrong.text
    right = web.post(
        "http://forum.example/login?next=/private/board.html",
        data={"login": "trainee1", "pass": "sandbox-pass"},
    )
    assert right.status_code == 200
    assert right.url == "http://forum.example/private/board.html"
    assert "@fixture_seller" in right.text
    assert "forum_session" in web.cookies
    stranger = sandbox.session(server)  # another session has no cookie
    assert stranger.get("http://forum.example/private/board.html").url.startswith(
        "http://forum.example/login"
    )


def test_windows_1251_page_is_declared_and_decodes(web):
    """Does a legacy Cyrillic page arrive as windows-1251 and read correctly in text and soup?"""
    old = web.get("http://forum.example/archive/old-post.html")
    assert old.headers["Content-Type"] == "text/html; charset=windows-1251"
    assert old.content.decode("cp1251").count("Старый пост") == 2
    assert "Продаю телефон" in old.text
    assert BeautifulSoup(old.content, "html.parser").title.get_text() == "Старый пост"


def test_gzip_when_the_client_accepts_it(web):
    """Is a text page gzip-compressed on the wire when asked, and plain when not?"""
    packed = web.get("http://shop.example/large.html", stream=True)
    assert packed.headers["Content-Encoding"] == "gzip"
    wire = packed.raw.read(decode_content=False)
    expected = (FIXTURE / "shop.example" / "large.html").read_bytes()
    assert len(wire) < len(expected) / 4
    import gzip

    assert gzip.decompress(wire) == expected
    plain = web.get("http://shop.example/large.html", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.content == expected


def test_large_page_arrives_whole(web):
    """Does the large page arrive complete (every row of its table)?"""
    page = BeautifulSoup(web.get("http://shop.example/large.html").text, "html.parser")
    assert len(page.find_all("tr")) == 3000


def test_slow_page_waits_the_configured_delay(web):
    """Does the slow page take at least its configured delay (teaching timeouts)?"""
    answer = web.get("http://shop.example/slow.html")
    assert answer.status_code == 200
    assert answer.elapsed.total_seconds() >= SLOW
    with pytest.raises(requests.Timeout):
        web.get("http://shop.example/slow.html", timeout=SLOW / 10)


def test_unknown_host_header_gets_404_listing_the_sites(server):
    """Does a request naming an unknown site get a 404 page that lists the real sites?"""
    status, body = raw(server.port, b"GET / HTTP/1.1\r\nHost: elsewhere.example\r\n"
                                    b"Connection: close\r\n\r\n")
    assert status == 404
    assert b"elsewhere.example" in body
    assert b"http://shop.example/" in body and b"http://forum.example/" in body


def test_mounted_host_answers_through_the_session(server):
    """Can another part of the course add a host (e.g. a time-stamping authority)?"""
    server.mount("notary.example", lambda request: Reply(200, {"Content-Type": "text/plain"},
                                                         f"stamp for {request.path}".encode()))
    try:
        answer = sandbox.session(server).get("http://notary.example/stamp")
        assert answer.text == "stamp for /stamp"
    finally:
        del server.sites["notary.example"]


# -- hostile input ----------------------------------------------------------------------------
HOSTILE = {
    "dot-dot": b"GET /../../etc/passwd HTTP/1.1",
    "dot-dot-inside": b"GET /listings/../../../etc/passwd HTTP/1.1",
    "percent-encoded": b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1",
    "encoded-slash": b"GET /..%2f..%2fetc%2fpasswd HTTP/1.1",
    "double-encoded": b"GET /%252e%252e/%252e%252e/etc/passwd HTTP/1.1",
    "backslash": b"GET /..\\..\\etc\\passwd HTTP/1.1",
    "encoded-backslash": b"GET /..%5c..%5cetc%5cpasswd HTTP/1.1",
    "nul": b"GET /index.html%00.txt HTTP/1.1",
    "absolute-form": b"GET //etc/passwd HTTP/1.1",
    "absolute-uri": b"GET file:///etc/passwd HTTP/1.1",
    "bad-utf8": b"GET /%ff%fe HTTP/1.1",
    "long-query": b"GET /listings?q=" + b"a" * 20000 + b" HTTP/1.1",
    "malformed-line": b"GARBAGE",
    "no-version": b"GET /",
    "bad-version": b"GET / HTTP/9.9",
    "unknown-method": b"BREW /listings HTTP/1.1",
}
EXPECTED = {"long-query": {414}, "unknown-method": {405}}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_request_gets_an_http_error_and_the_server_lives_on(server, name):
    """Does each hostile request get a 4xx (never a file outside the site, never a crash)?"""
    line = HOSTILE[name]
    status, body = raw(server.port, line + b"\r\nHost: shop.example\r\nConnection: close\r\n\r\n")
    assert status in EXPECTED.get(name, {400, 404}), (status, body[:300])
    assert b"root:" not in body
    assert sandbox.session(server).get("http://shop.example/listings").status_code == 200


def test_oversize_headers_get_431_and_huge_ones_are_dropped(server):
    """Do oversized headers get 431, and far larger ones a closed connection, not a crash?"""
    big = b"X-Padding: " + b"a" * 20000 + b"\r\n"
    status, body = raw(server.port, b"GET / HTTP/1.1\r\nHost: shop.example\r\n" + big +
                       b"Connection: close\r\n\r\n")
    assert status == 431
    assert b"headers are larger" in body
    huge = b"X-Padding: " + b"a" * 200_000 + b"\r\n"
    status, _ = raw(server.port, b"GET / HTTP/1.1\r\nHost: shop.example\r\n" + huge + b"\r\n")
    assert status in (None, 400, 431)
    assert sandbox.session(server).get("http://shop.example/").status_code == 200


def test_symlinks_pointing_outside_the_site_are_never_served(tmp_path):
    """Is a symlink inside a site folder that leads outside treated as missing?"""
    web = tmp_path / "web"
    shutil.copytree(FIXTURE, web)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:secret")
    (web / "shop.example" / "secret.txt").symlink_to(secret)
    (web / "shop.example" / "outside").symlink_to(tmp_path, target_is_directory=True)
    running = SandboxServer(web).start()
    try:
        session = sandbox.session(running)
        for path in ("/secret.txt", "/outside/secret.txt"):
            answer = session.get("http://shop.example" + path)
            assert answer.status_code == 404
            assert "root:" not in answer.text
    finally:
        running.stop()


@pytest.mark.parametrize(
    "path",
    ["/../x", "/a/../../x", "/%2e%2e/x", "/%252e%252e/x", "/a\\b", "/a%00b", "/./x", "//x", "x"],
)
def test_normalise_path_refuses_escapes(path):
    """Does the path check refuse every form of leaving the site's folder?"""
    assert normalise_path(path) is None


# -- refusal before any lookup or connection ---------------------------------------------------
REFUSED = [
    "http://example.com/",
    "https://example.org/login",
    "https://shop.example/listings",  # the sandbox has no TLS: refused with a hint
    "http://shop.example:8080/",
    "http://shop.example.com/",  # look-alike
    "http://xn--shp-ied.example/",  # IDN look-alike (Cyrillic o), already encoded
    "http://shоp.example/",  # the same written in Unicode
    "http://192.0.2.10/",
    "http://[2001:db8::1]/",
    "http://127.0.0.1:9/",
    "ftp://shop.example/",
]


@pytest.fixture
def recorded(monkeypatch):
    """Every getaddrinfo / create_connection / socket.connect call, recorded then delegated."""
    calls: list[tuple[str, object]] = []

    def wrap(owner, name):
        original = getattr(owner, name)

        def recorder(*args, **kwargs):
            calls.append((name, args[1] if name == "connect" else args[0]))
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, recorder)

    wrap(socket, "getaddrinfo")
    wrap(socket, "create_connection")
    wrap(socket.socket, "connect")
    return calls


@pytest.mark.parametrize("address", REFUSED)
def test_hosts_outside_the_sandbox_are_refused_before_any_socket_call(server, recorded, address):
    """Is every real, look-alike or IP address refused with a lesson and no socket call?"""
    web = sandbox.session(server)
    with pytest.raises(SandboxRefused) as refused:
        web.get(address, timeout=5)
    assert recorded == []
    message = str(refused.value)
    assert "not part of the course's fictional internet" in message
    assert "OPSEC" in message and "authorisation" in message
    assert "http://shop.example/" in message  # what to use instead
    assert isinstance(refused.value, OsintLabError) and isinstance(refused.value, ValueError)


def test_redirect_leading_outside_is_refused_at_the_redirect(server, recorded):
    """Is a redirect to a real host refused at that hop, after only loopback connections?"""
    web = sandbox.session(server)
    with pytest.raises(SandboxRefused) as refused:
        web.get("http://shop.example/partner")
    assert refused.value.url == "http://example.com/"
    connected = [target for name, target in recorded if name == "connect"]
    assert connected and all(target[0] == "127.0.0.1" for target in connected)
    assert all(t[0] == "127.0.0.1" for n, t in recorded if n == "create_connection")


def test_sandbox_hosts_connect_only_to_loopback(server, recorded):
    """Does a sandbox request connect to the loopback server and look nothing up by name?"""
    sandbox.session(server).get("http://shop.example/")
    assert recorded, "the recorder saw no connection at all"
    assert all(
        (target[0] if isinstance(target, tuple) else target) == "127.0.0.1"
        for _, target in recorded
    )


def test_url_and_hosts_refuse_unknown_sites(monkeypatch):
    """Does sandbox.url build a trainee's address, and refuse a site that does not exist?"""
    monkeypatch.setenv("OSINTLAB_SANDBOX_WEB", str(FIXTURE))
    monkeypatch.delenv("OSINTLAB_SANDBOX_URL", raising=False)
    assert sandbox.hosts() == ["forum.example", "shop.example"]
    assert sandbox.url("shop.example", "listings?page=2") == "http://shop.example/listings?page=2"
    with pytest.raises(SandboxRefused, match="not part of the course's fictional internet"):
        sandbox.url("shop.example.com")


def test_session_uses_the_server_named_by_the_environment(server, monkeypatch):
    """With OSINTLAB_SANDBOX_URL set (lab or hub), does session() use that running server?"""
    monkeypatch.setenv("OSINTLAB_SANDBOX_URL", server.url)
    web = sandbox.session()
    assert web.sandbox_hosts == ["address.example", "forum.example", "shop.example",
                                 "tsa.example"]
    assert web.get("http://shop.example/listings").status_code == 200
    assert sandbox._server is None  # nothing started in this process


# -- browse mode (what the JupyterLab tab shows) -------------------------------------------------
def test_browse_mode_start_page_lists_the_sites(server):
    """Does the proxied start page list every site with a link that stays in the lab?"""
    page = requests.get(server.url + "/", headers={"X-Forwarded-Prefix": "/user/t1/osintlab-sandbox"})
    soup = BeautifulSoup(page.text, "html.parser")
    links = [a["href"] for a in soup.find_all("a")]
    assert links == ["/user/t1/osintlab-sandbox/address.example/",  # what is my address
                     "/user/t1/osintlab-sandbox/forum.example/",
                     "/user/t1/osintlab-sandbox/shop.example/",
                     "/user/t1/osintlab-sandbox/tsa.example/"]  # the classroom TSA


def test_browse_mode_rewrites_links_and_loads_nothing_from_outside(server):
    """Do links and pagination stay in the lab, real-host links go inert, nothing loads out?"""
    prefix = "/osintlab-sandbox"
    page = requests.get(server.url + "/shop.example/listings",
                        headers={"X-Forwarded-Prefix": prefix})
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select_one("a[rel=next]")["href"] == f"{prefix}/shop.example/listings?page=2"
    items = [a["href"] for a in soup.select("li.listing a")]
    assert items == [f"{prefix}/shop.example/listings/item-1.html",
                     f"{prefix}/shop.example/listings/item-2.html"]
    outside = soup.find("a", attrs={"data-outside": True})
    assert outside["href"] == "#outside-the-sandbox"
    assert outside["data-outside"] == "https://example.org/real"
    loads = [t.get(a) for t in soup.find_all(True) for a in ("src", "href") if t.get(a)
             and t.name in ("img", "script", "link", "iframe")]
    assert loads == [f"{prefix}/shop.example/style.css"]
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "http://shop.example/listings" in soup.select_one("#osintlab-sandbox-bar").get_text()


def test_browse_mode_redirects_and_cookies_stay_under_the_prefix(server):
    """Do redirects and the login cookie stay under the lab's path for that site?"""
    prefix = "/osintlab-sandbox"
    browser = requests.Session()
    browser.headers["X-Forwarded-Prefix"] = prefix
    moved = browser.get(server.url + "/shop.example/old-listings", allow_redirects=False)
    assert moved.headers["Location"] == f"{prefix}/shop.example/listings"
    outward = browser.get(server.url + "/shop.example/partner")
    assert outward.status_code == 200 and "outside the fictional internet" in outward.text
    login = browser.post(server.url + "/forum.example/login", allow_redirects=False,
                         data={"login": "trainee1", "pass": "sandbox-pass"})
    assert f"Path={prefix}/forum.example/" in login.headers["Set-Cookie"]
    assert login.headers["Location"] == f"{prefix}/forum.example/private/board.html"


def test_browse_mode_keeps_the_legacy_charset(server):
    """Is the windows-1251 page still readable after its links were rewritten?"""
    page = requests.get(server.url + "/forum.example/archive/old-post.html",
                        headers={"X-Forwarded-Prefix": "/p"})
    assert page.headers["Content-Type"].endswith("windows-1251")
    assert "Старый пост" in page.text


# -- it starts by itself, per process ----------------------------------------------------------
TRAINEE = """
import sys
from osintlab import sandbox
web = sandbox.session()
print(sandbox.start().port, flush=True)
for line in sys.stdin:
    command = line.split()
    if command[0] == "login":
        web.post("http://forum.example/login", data={"login": "trainee1", "pass": "sandbox-pass"})
        print(web.cookies["forum_session"], flush=True)
    elif command[0] == "cookie":
        page = web.get("http://forum.example/private/board.html",
                       headers={"Cookie": "forum_session=" + command[1]})
        print(page.url, flush=True)
    elif command[0] == "hammer":  # until the first 429: how many pages were served
        served = 0
        while web.get("http://forum.example/archive/old-post.html").status_code == 200:
            served += 1
        print(served, flush=True)
"""


@pytest.mark.slow
def test_two_trainees_get_their_own_port_and_state():
    """Do two trainees' kernels start their own servers (ports, logins, rate limits apart)?"""
    env = {**os.environ, "OSINTLAB_SANDBOX_WEB": str(FIXTURE)}
    env.pop("OSINTLAB_SANDBOX_URL", None)
    trainees = [
        subprocess.Popen([sys.executable, "-c", TRAINEE], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    try:
        def ask(who, command):
            who.stdin.write(command + "\n")
            who.stdin.flush()
            return who.stdout.readline().strip()

        first, second = trainees
        ports = [int(t.stdout.readline()) for t in trainees]
        assert ports[0] != ports[1]
        token = ask(first, "login")
        assert ask(second, f"cookie {token}").startswith("http://forum.example/login")
        # each has made 2 forum requests (the login, the cookie), so LIMIT - 2 more are served
        assert ask(first, "hammer") == str(LIMIT - 2)
        assert ask(second, "hammer") == str(LIMIT - 2)  # its own counter, not first's
    finally:
        for trainee in trainees:
            trainee.stdin.close()
            trainee.wait(30)
    assert [t.returncode for t in trainees] == [0, 0]


@pytest.mark.slow
def test_python_m_osintlab_sandbox_serves_until_stopped():
    """Does the standalone entry (used by the JupyterLab launcher) serve on the given port?"""
    env = {**os.environ, "OSINTLAB_SANDBOX_WEB": str(FIXTURE)}
    process = subprocess.Popen([sys.executable, "-m", "osintlab.sandbox", "--port", "0"],
                               stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert "The fictional internet is at http://127.0.0.1:" in line
        address = line.split(" at ", 1)[1].split()[0]
        hosts = requests.get(address + "/.sandbox/hosts").json()
        assert sorted(hosts) == ["address.example", "forum.example", "shop.example",
                                 "tsa.example"]
    finally:
        process.terminate()
        process.wait(30)


def test_cli_hosts_lists_the_sites(monkeypatch):
    """Does `osintlab sandbox hosts` list the addresses a trainee can use?"""
    monkeypatch.setenv("OSINTLAB_SANDBOX_WEB", str(FIXTURE))
    monkeypatch.delenv("OSINTLAB_SANDBOX_URL", raising=False)
    result = CliRunner().invoke(main, ["sandbox", "hosts"])
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["http://forum.example/", "http://shop.example/"]


def test_cli_hosts_explains_a_missing_web_folder(monkeypatch, tmp_path):
    """Without the sites folder, does the command say what is missing and what to do?"""
    monkeypatch.setenv("OSINTLAB_SANDBOX_WEB", str(tmp_path / "nowhere"))
    result = CliRunner().invoke(main, ["sandbox", "hosts"])
    assert result.exit_code == 1
    assert "The fictional websites are missing" in result.output


def test_proxy_entry_point_is_registered():
    """Is the "Fictional internet" launcher entry registered for jupyter-server-proxy?"""
    from importlib.metadata import entry_points

    found = {e.name: e for e in entry_points(group="jupyter_serverproxy_servers")}
    config = found["osintlab-sandbox"].load()()
    assert config["launcher_entry"]["title"] == "Fictional internet"
    assert "{port}" in config["command"]
    assert json.dumps(config)  # plain data the proxy can read


def test_browse_mode_refuses_traversal_too(server):
    """Through the lab's path prefix, are escapes refused like in host mode?"""
    for path in (b"/shop.example/../../etc/passwd", b"/shop.example/%2e%2e/%2e%2e/etc/passwd",
                 b"/shop.example/..%5c..%5cetc%5cpasswd", b"/%2e%2e/etc/passwd"):
        status, body = raw(server.port, b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        b"Connection: close\r\n\r\n")
        assert status in (400, 404), (path, status)
        assert b"root:" not in body


# -- every site described in sites.yml behaves as described (fixture, and the world once built) --
SITE_TREES = [pytest.param(FIXTURE, id="fixture"), pytest.param(WORLD, id="world", marks=(
    pytest.mark.skipif(not (WORLD / "sites.yml").is_file(),
                       reason="datasets/web is not built yet (the world generator writes it)")))]


@pytest.fixture(scope="module", params=SITE_TREES)
def described(request):
    """A server for the tree, without rate limits (their test starts its own server)."""
    running = SandboxServer(request.param, slow_delay=0.05, rate_limits=False).start()
    yield running
    running.stop()


def test_every_described_host_has_pages_and_answers(described):
    """Does every host in sites.yml have a folder of files and answer its front page?"""
    web = sandbox.session(described)
    for host, site in described.sites.items():
        if site.app is not None:
            continue  # a mounted host (the classroom TSA): tested in test_tsa.py
        assert site.files, f"{host} has no files"
        front = web.get(f"http://{host}/")
        assert front.status_code == (200 if "index.html" in site.files else 404), host


def test_every_described_redirect_answers_as_described(described):
    """Does each redirect in sites.yml answer with its status and target?"""
    web = sandbox.session(described)
    checked = 0
    for host, site in described.sites.items():
        for item in site.config.get("redirects", []):
            status, target = item["status"], item["target"]
            answer = web.get(f"http://{host}{item['path']}", allow_redirects=False)
            assert (answer.status_code, answer.headers["Location"]) == (status, target)
            assert status in (301, 302, 303, 307, 308)
            checked += 1
    assert checked >= 2  # at least a 301 and a 302


def test_every_html_page_is_served_and_loads_nothing_from_outside(described):
    """Is every HTML file served with 200, and in the lab free of outside loads?"""
    for host, site in described.sites.items():
        walled = site.config.get("login", {}).get("protected", [])
        for key in sorted(site.files):
            if not key.endswith(".html") or any(("/" + key).startswith(w) for w in walled):
                continue
            page = requests.get(f"{described.url}/{host}/{key}",
                                headers={"X-Forwarded-Prefix": "/lab-prefix"})
            assert page.status_code == 200, (host, key, page.status_code)
            soup = BeautifulSoup(page.text, "html.parser")
            for tag in soup.find_all(["img", "script", "link", "iframe", "source", "video"]):
                for attr in ("src", "href"):
                    value = tag.get(attr)
                    assert not value or value.startswith("/lab-prefix/") or not (
                        value.startswith(("http:", "https:", "//"))), (host, key, value)


def _each(described, key):
    return [(h, s.config[key]) for h, s in described.sites.items() if s.config.get(key)]


def test_every_broken_link_is_404(described):
    """Does every link sites.yml lists as broken answer 404 (what a crawler must handle)?"""
    web = sandbox.session(described)
    broken = [(h, p) for h, paths in _each(described, "broken_links") for p in paths]
    assert broken
    for host, path in broken:
        assert web.get(f"http://{host}{path}").status_code == 404, (host, path)


def test_every_legacy_charset_page_is_declared_and_reads(described):
    """Is each page stored in a legacy charset served with it and read without damage?"""
    web = sandbox.session(described)
    pages = [(h, p, c) for h, s in described.sites.items()
             for p, c in s.config.get("charsets", {}).items()]
    assert pages
    for host, path, charset in pages:
        page = web.get(f"http://{host}{path}")
        assert page.headers["Content-Type"] == f"text/html; charset={charset}"
        assert "\ufffd" not in page.text
        assert any("\u0400" <= c <= "\u04ff" for c in page.text)  # Cyrillic came through


def test_login_with_the_described_credentials(described):
    """Do the test credentials in sites.yml open the walled pages, and a wrong one not?"""
    (host, login), = _each(described, "login")
    fields, credentials = login["fields"], login["credentials"]
    walled = login["protected"][0]
    web = sandbox.session(described)
    assert "/login" in web.get(f"http://{host}{walled}").url
    wrong = web.post(f"http://{host}{login['path']}", data={
        fields["user"]: credentials["user"], fields["password"]: "not-the-password"})
    assert "Wrong user name or password" in wrong.text
    right = web.post(f"http://{host}{login['path']}", data={
        fields["user"]: credentials["user"], fields["password"]: credentials["password"]})
    assert right.status_code == 200 and login["cookie"] in web.cookies
    inside = web.get(f"http://{host}{walled}", allow_redirects=False)
    assert inside.status_code != 302


def test_the_described_rate_limit_answers_429(described):
    """Does the rate-limited host say 429 with Retry-After once its limit is passed?"""
    (host, limit), = _each(described, "rate_limit")
    running = SandboxServer(described.web, rate_window=1.0, tsa=False).start()
    try:
        web = sandbox.session(running)
        answers = [web.get(f"http://{host}/") for _ in range(limit["requests"] + 1)]
        assert [a.status_code for a in answers] == [200] * limit["requests"] + [429]
        assert int(answers[-1].headers["Retry-After"]) >= 1
    finally:
        running.stop()


# -- sites.yml is read in the world generator's spelling only ----------------------------------
def test_the_world_generators_sites_yml_is_read_as_written(tmp_path):
    """Does the server accept every key the world generator writes (built or not)?"""
    from osintlab.world.web import files

    (tmp_path / "sites.yml").write_bytes(files()["sites.yml"])
    (tmp_path / "forum.example").mkdir()
    server = SandboxServer(tmp_path, tsa=False)
    assert server.sites["forum.example"].config["login"]["protected"] == ["/members/"]


def _manifest(tmp_path: Path, text: str) -> Path:
    web = tmp_path / "web"
    shutil.copytree(FIXTURE, web)
    (web / "sites.yml").write_text(text, encoding="utf-8")
    return web


@pytest.mark.parametrize(("old", "new", "key", "where"), [
    ("slow_pages:", "slow:", "slow", "hosts → shop.example"),
    ("target: /listings,", "to: /listings,", "to", "hosts → shop.example → redirects → #1"),
    ("fields: {user: login,", "fields: {username: login,", "username",
     "hosts → forum.example → login → fields"),
    ("retry_after_seconds: 30", "retry_after: 30", "retry_after",
     "hosts → forum.example → rate_limit"),
    ("hosts:", "sites:", "sites", "the top level"),
], ids=["slow", "to", "username", "retry_after", "sites"])
def test_a_misspelt_key_in_sites_yml_is_named_with_its_file(tmp_path, old, new, key, where):
    """Does a key the world generator never writes stop the server, naming key, place, file?"""
    text = (FIXTURE / "sites.yml").read_text(encoding="utf-8")
    assert old in text
    web = _manifest(tmp_path, text.replace(old, new, 1))
    with pytest.raises(DatasetMissing) as error:
        SandboxServer(web, tsa=False)
    message = str(error.value)
    assert f"unknown key '{key}' in {where}" in message
    assert str(web / "sites.yml") in message and error.value.key == key


def test_a_missing_or_malformed_key_in_sites_yml_is_named_with_its_file(tmp_path, monkeypatch):
    """Does a missing required key, or a value of the wrong form, give an error naming it?"""
    text = (FIXTURE / "sites.yml").read_text(encoding="utf-8")
    web = _manifest(tmp_path, text.replace("      cookie: forum_session\n", ""))
    monkeypatch.setenv("OSINTLAB_SANDBOX_WEB", str(web))
    monkeypatch.delenv("OSINTLAB_SANDBOX_URL", raising=False)
    result = CliRunner().invoke(main, ["sandbox", "hosts"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "the key 'cookie' is missing from hosts → forum.example → login" in result.output
    assert str(web / "sites.yml") in result.output
    web = _manifest(tmp_path / "again", text.replace("gzip: true", "gzip: [/large.html]"))
    with pytest.raises(OsintLabError, match="hosts → shop.example → gzip has the wrong form"):
        SandboxServer(web, tsa=False)


@pytest.mark.skipif(not (WORLD / "bazaar.example").is_dir(), reason="datasets/web not built yet")
def test_the_issue_example_works_on_the_world(monkeypatch):
    """Does `web.get("http://bazaar.example/listings?page=2")` give page 2 of the listings?"""
    running = SandboxServer(WORLD).start()
    try:
        page = sandbox.session(running).get("http://bazaar.example/listings?page=2")
        assert page.status_code == 200
        assert page.content == (WORLD / "bazaar.example" / "listings" / "page-2.html").read_bytes()
    finally:
        running.stop()
