"""The sandbox's HTTP server: the fictional websites of ``datasets/web`` on 127.0.0.1.

A tornado server on a free loopback port. It answers in two ways:

* **host mode** (what ``sandbox.session()`` uses): the ``Host`` header names a fictional site
  (``Host: bazaar.example``) and the path is that site's path, exactly as on the internet;
* **browse mode** (what a browser tab in JupyterLab uses, through jupyter-server-proxy): the
  ``Host`` is the loopback server itself, ``/`` is a start page listing the sites, and
  ``/<host>/<path>`` shows that site's page with its links rewritten so that they stay in the
  lab; links to real hosts are made inert and nothing loads from the real internet.

Only files found under a site's folder when the server starts are ever served: a request path is
normalised and looked up in that index, never joined onto a folder, so ``..``, encoded forms,
backslashes, NUL bytes and symlinks pointing outside cannot reach another file. Files are read
once and kept in memory.

``datasets/web/sites.yml`` describes each host's behaviour (redirects, a rate limit, a login
wall, a legacy charset, a slow page...) in the spelling the world generator
(``osintlab.world.web``) writes, and only in that one: an unknown or missing key stops the
server with an error naming the key and the file. Each server has its own state object
(rate-limit counters, logged-in sessions): two trainees' servers never share anything.

A host that is not a folder of files is added with ``server.mount(host, app)``, where
``app(request) -> Reply`` is any callable (or coroutine function) taking a :class:`Request` and
returning a :class:`Reply`. Every server mounts the classroom time-stamping authority this way
as ``tsa.example`` (:data:`TSA_HOST`): RFC 3161 over HTTP POST
(``application/timestamp-query``), with its own test CA per server instance, published at
``http://tsa.example/ca.pem``.

Given the ``datasets/domains`` folder (``domains=``), the server also mounts the classroom
RDAP service as ``rdap.example``, the archives ``pdns.example`` (passive DNS), ``ct.example``
(certificate transparency) and ``whois-history.example`` (:mod:`.archives`) and, while it
runs, the classroom DNS (``server.dns_port``, UDP and TCP) and WHOIS (``server.whois_port``) on
127.0.0.1: see :mod:`.dns` and :mod:`.whois`.

Example:
    >>> from osintlab.sandbox.server import normalise_path
    >>> normalise_path("/listings/../../etc/passwd") is None
    True
    >>> normalise_path("/listings/item-1.html")
    'listings/item-1.html'
"""

from __future__ import annotations

import asyncio
import gzip
import html
import json
import math
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from .._i18n import _
from .sites import Reply, Request, Site, load_sites
from .tsa import TSA_HOST, ClassroomTSA

MAX_URL = 8 * 1024  # longer request targets get 414
MAX_HEADERS = 16 * 1024  # more header bytes get 431 (tornado itself drops beyond 64 KB)
MAX_BODY = 1024 * 1024
_TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")
_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "application/javascript",
    ".json": "application/json", ".txt": "text/plain", ".xml": "application/xml",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".ico": "image/x-icon", ".csv": "text/csv",
    ".pdf": "application/pdf",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)
_LOOPBACK = re.compile(r"^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$")


# -- paths ------------------------------------------------------------------------------
def normalise_path(raw: str) -> str | None:
    """The site-relative file key for a raw request path, or None if the path is hostile.

    Decodes percent-escapes once; refuses anything still encoded after that (double
    encoding), backslashes, NUL and other control bytes, and ``.``/``..`` segments.

    Example:
        >>> normalise_path("/a%20b/") , normalise_path("/%252e%252e/x"), normalise_path("/a\\\\b")
        ('a b/', None, None)
    """
    if not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return None
    decoded = unquote(raw, errors="strict") if "%" in raw else raw
    if "\\" in decoded or re.search(r"%[0-9A-Fa-f]{2}", decoded):
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in decoded):
        return None
    segments = decoded[1:].split("/")
    if any(s in (".", "..") for s in segments):
        return None
    return "/".join(segments)


# -- state (one per server: never shared between trainees) -----------------------------
@dataclass
class State:
    """Rate-limit counters and logged-in sessions of one server instance."""

    hits: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    sessions: dict[str, dict[str, str]] = field(default_factory=dict)  # host -> token -> user
    lock: threading.Lock = field(default_factory=threading.Lock)

    def over_limit(self, host: str, client: str, limit: int, window: float) -> float:
        """Record one hit; seconds to wait if this hit is over ``limit`` per ``window``."""
        now = time.monotonic()
        with self.lock:
            recent = [t for t in self.hits.get((host, client), []) if now - t < window]
            if len(recent) >= limit:
                self.hits[(host, client)] = recent
                return window - (now - recent[0])
            recent.append(now)
            self.hits[(host, client)] = recent
            return 0.0


#: The fictional service that tells a collector the public address sites see it come from.
ADDRESS_HOST = "address.example"
#: The classroom's public address on the fictional internet (a documentation range, RFC 5737).
PUBLIC_ADDRESS = "198.51.100.23"


# -- the server -----------------------------------------------------------------------------
class SandboxServer:
    """The fictional internet on one loopback port, with its own state.

    ``slow_delay`` and ``rate_window`` override sites.yml (tests use short ones). With
    ``domains`` (the ``datasets/domains`` folder) it also serves RDAP as ``rdap.example``, and
    DNS and WHOIS on their own loopback ports while it runs (``dns_port``, ``whois_port``).

    Example:
        >>> server = SandboxServer(Path("tests/fixtures/sandbox-web")).start()  # doctest: +SKIP
        >>> server.port > 0  # doctest: +SKIP
        True
    """

    def __init__(
        self,
        web: Path,
        *,
        port: int = 0,
        slow_delay: float | None = None,
        rate_window: float | None = None,
        rate_limits: bool = True,
        tsa: bool = True,
        public_address: str = PUBLIC_ADDRESS,
        domains: Path | None = None,
    ) -> None:
        self.web = Path(web)
        self.requested_port = port
        self.port = 0
        self.sites = load_sites(self.web)
        self.slow_delay = slow_delay
        self.rate_window = rate_window
        self.rate_limits = rate_limits
        self.state = State()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.tsa = None
        if tsa and TSA_HOST not in self.sites:
            self.tsa = _mount_tsa(self)
        self.public_address = public_address
        if ADDRESS_HOST not in self.sites:
            _mount_address(self, public_address)
        self.domains = Path(domains) if domains is not None else None
        self._dns: Any = None
        self._whois: Any = None
        if self.domains is not None:
            from .archives import CT_HOST, HISTORY_HOST, PDNS_HOST, ct_app, history_app, pdns_app
            from .whois import RDAP_HOST, rdap_app

            if RDAP_HOST not in self.sites:
                self.mount(RDAP_HOST, rdap_app(self.domains),
                           _("Classroom RDAP: who registered a fictional domain"))
            if PDNS_HOST not in self.sites and (self.domains / "passive-dns.jsonl").is_file():
                self.mount(PDNS_HOST, pdns_app(self.domains),
                           _("Classroom passive DNS: what a name pointed to, and when"))
            if CT_HOST not in self.sites and (self.domains / "ct" / "crtsh.json").is_file():
                self.mount(CT_HOST, ct_app(self.domains),
                           _("Classroom certificate transparency: the certificates of a name"))
            if HISTORY_HOST not in self.sites:
                self.mount(HISTORY_HOST, history_app(self.domains),
                           _("Classroom WHOIS history: old WHOIS answers of a domain"))

    # public ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The loopback address the server listens on (browse mode's start page)."""
        return f"http://127.0.0.1:{self.port}"

    def hosts(self) -> list[str]:
        """The fictional host names this server answers for, sorted."""
        return sorted(self.sites)

    def mount(self, host: str, app: Callable[[Request], Reply], title: str = "") -> None:
        """Serve ``host`` from ``app(request) -> Reply`` instead of from files.

        Example:
            >>> server = SandboxServer(Path("tests/fixtures/sandbox-web"))
            >>> server.mount("tsa.example", lambda request: Reply(body=b"ok"), "Time-stamps")
            >>> "tsa.example" in server.hosts()
            True
        """
        self.sites[host.lower()] = Site(host.lower(), None, {}, app=app, label=title or host)

    def start(self) -> SandboxServer:
        """Listen on 127.0.0.1 in a daemon thread; returns once the port answers."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"osintlab-sandbox-{id(self):x}", daemon=True
            )
            self._thread.start()
            self._ready.wait(30)
            if self._error is not None:
                raise self._error
            if self.domains is not None:
                self._start_lookups(self.domains)
        return self

    def _start_lookups(self, domains: Path) -> None:
        """Start the classroom DNS and WHOIS beside the HTTP server (stopped with it)."""
        from .dns import DNSServer
        from .whois import WhoisServer

        try:
            self._dns = DNSServer(domains).start()
            self._whois = WhoisServer(domains).start()
        except BaseException:
            self.stop()
            raise

    @property
    def dns_port(self) -> int | None:
        """The classroom DNS's port on 127.0.0.1 (UDP and TCP), or None if it does not run."""
        return self._dns.port if self._dns is not None else None

    @property
    def whois_port(self) -> int | None:
        """The classroom WHOIS's port on 127.0.0.1, or None if it does not run."""
        return self._whois.port if self._whois is not None else None

    def services(self) -> dict[str, Any]:
        """What this server runs, and where (``None``: not running).

        Example:
            >>> SandboxServer(Path("tests/fixtures/sandbox-web")).services()["dns_port"] is None
            True
        """
        return {
            "host": "127.0.0.1",
            "web": self.url if self.port else None,
            "dns_port": self.dns_port,
            "whois_port": self.whois_port,
            "rdap": "http://rdap.example/" if "rdap.example" in self.sites else None,
            **{key: f"http://{host}/" if host in self.sites else None for key, host in
               (("pdns", "pdns.example"), ("ct", "ct.example"),
                ("whois_history", "whois-history.example"))},
        }

    def stop(self) -> None:
        """Stop listening and end the thread (and the DNS and WHOIS servers)."""
        for lookup in (self._dns, self._whois):
            if lookup is not None:
                lookup.stop()
        self._dns = self._whois = None
        if self._loop is not None and self._stopped is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
        if self._thread is not None:
            self._thread.join(10)
        self._thread = None
        self._ready.clear()

    @property
    def running(self) -> bool:
        """Whether the server thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    # internals ---------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:  # surfaced to start()
            self._error = error
            self._ready.set()

    async def _main(self) -> None:
        import tornado.httpserver
        import tornado.netutil
        import tornado.web

        app = tornado.web.Application(
            [(r".*", _handler_class(), {"server": self})],
            compress_response=False,
            log_function=lambda handler: None,
        )
        http = tornado.httpserver.HTTPServer(
            app, xheaders=False, max_header_size=64 * 1024, max_body_size=MAX_BODY,
            idle_connection_timeout=60,
        )
        sockets = tornado.netutil.bind_sockets(self.requested_port, "127.0.0.1")
        http.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        self._ready.set()
        try:
            await self._stopped.wait()
        finally:
            http.stop()
            await http.close_all_connections()

    async def answer(self, request: Request, prefix: str | None) -> Reply:
        """The reply to one request, in host mode or (``prefix`` not None) browse mode."""
        if len(request.path) + len(request.query) + 1 > MAX_URL:
            return _page(414, _("Address too long"), _(
                "The address (URL) is longer than this server accepts. Shorten the query string."
            ))
        size = sum(len(k) + len(v) + 4 for k, v in request.headers.items())
        if size > MAX_HEADERS:
            return _page(431, _("Request headers too large"), _(
                "The request's headers are larger than this server accepts."
            ))
        host = request.host.lower().rstrip(".")
        host = host.rsplit(":", 1)[0] if not host.startswith("[") else host
        if prefix is None:
            site = self.sites.get(host)
            if site is None:
                return self._unknown_host(request.host)
            return await self._site_reply(site, request)
        return await self._browse(request, prefix)

    def _unknown_host(self, host: str) -> Reply:
        items = "".join(
            f"<li>http://{html.escape(h)}/ — {html.escape(s.title)}</li>"
            for h, s in sorted(self.sites.items())
        )
        return _page(404, _("Unknown site"), _(
            "There is no site called '{host}' in the fictional internet. The sites are:"
        ).format(host=html.escape(host)), f"<ul>{items}</ul>")

    async def _site_reply(self, site: Site, request: Request) -> Reply:
        if site.app is not None:
            result = site.app(request)
            return await result if asyncio.iscoroutine(result) else result
        if request.method not in ("GET", "HEAD", "POST"):
            return _page(405, _("Method not allowed"), _("This site answers GET and POST only."))
        key = normalise_path(request.path)
        if key is None:
            return _page(400, _("Bad request"), _(
                "The path '{path}' is not allowed: it tries to leave the site's folder or "
                "contains characters that are never part of a web address."
            ).format(path=html.escape(request.path[:200])))
        path = "/" + key
        config = site.config
        limited = config.get("rate_limit")
        if limited and self.rate_limits:
            wait = self._rate_wait(site.host, request.client, limited)
            if wait:
                reply = _page(429, _("Too many requests"), _(
                    "You are sending requests too fast. Wait {seconds} seconds (see the "
                    "Retry-After header) and slow down: a polite collector pauses between "
                    "requests."
                ).format(seconds=wait))
                reply.headers["Retry-After"] = str(wait)
                return reply
        redirect = _redirect_for(config, path, request.query)
        if redirect:
            status, target = redirect
            return Reply(status, {"Location": target, "Content-Type": "text/html; charset=utf-8"},
                         f'<a href="{html.escape(target)}">{html.escape(target)}</a>'.encode())
        login = config.get("login")
        if login:
            walled = self._login(site, login, request, path)
            if walled is not None:
                return walled
        if request.method == "POST":
            return _page(405, _("Method not allowed"), _("This page cannot receive a form."))
        slow = _slow_delay(config, path)
        if slow is not None:
            await asyncio.sleep(self.slow_delay if self.slow_delay is not None else slow)
        found = site.find(key, request.query)
        profiles = config.get("profiles")
        if found is None and profiles and path.startswith(profiles["prefix"]):
            return self._missing_profile(site, profiles, request)
        if found is None:
            return _not_found(site, request)
        return self._file_reply(site, found, request)

    def _file_reply(self, site: Site, key: str, request: Request) -> Reply:
        data = site.read(key)
        kind = _TYPES.get(Path(key.split("?")[0]).suffix.lower(), "application/octet-stream")
        if "?" in key:  # a saved page named after its query (wget-style): HTML
            kind = "text/html"
        if kind.startswith(_TEXT_TYPES) or kind.endswith("xml"):
            kind = f"{kind}; charset={_charset(site, key, data)}"
        headers = {"Content-Type": kind, "Cache-Control": "no-cache"}
        if _wants_gzip(site.config, request, kind, len(data)):
            cache_key = "gzip:" + key
            packed = site.cache.get(cache_key)
            if packed is None:
                packed = site.cache[cache_key] = gzip.compress(data, 6, mtime=0)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
            data = packed
        return Reply(200, headers, data)

    def _missing_profile(self, site: Site, profiles: dict, request: Request) -> Reply:
        """An unknown account's page as the platform answers it: a soft 404 or a redirect."""
        if profiles["missing"] == "redirect":
            target = profiles.get("target", "/")
            return Reply(302, {"Location": target, "Content-Type": "text/html; charset=utf-8"},
                         b"")
        page = site.find(normalise_path(profiles.get("page", "/")) or "", "")
        if profiles["missing"] != "soft404" or page is None:
            return _not_found(site, request)
        return self._file_reply(site, page, request)  # status 200: the page says "not found"

    def _rate_wait(self, host: str, client: str, limited: dict) -> int:
        window = float(self.rate_window if self.rate_window is not None
                       else limited["window_seconds"])
        wait = self.state.over_limit(host, client, int(limited["requests"]), window)
        if not wait:
            return 0
        # sites.yml's Retry-After holds for its own window, not for a window a test shortened
        given = None if self.rate_window is not None else limited.get("retry_after_seconds")
        # never less than the real wait: a collector who waits as asked must be served
        return max(int(given or 0), 1, math.ceil(wait))

    def _login(self, site: Site, login: dict, request: Request, path: str) -> Reply | None:
        """The login wall: POST to the login path sets a cookie; protected paths need it."""
        login_path = login["path"]
        login_page = login.get("page", login_path)  # where the form is
        fields, account = login["fields"], login["credentials"]
        cookie_name = login["cookie"]
        walled = login["protected"]
        sessions = self.state.sessions.setdefault(site.host, {})
        if path == login_path and request.method == "POST":
            form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
            user, password = form.get(fields["user"], ""), form.get(fields["password"], "")
            if user and (user, password) == (account["user"], account["password"]):
                token = secrets.token_urlsafe(24)
                with self.state.lock:
                    sessions[token] = user
                target = dict(parse_qsl(request.query)).get("next") or login.get(
                    "redirect_after_login", (walled or ["/"])[0])
                # percent-encode: a header never carries CR/LF or non-ASCII (nor a backslash,
                # which browsers read as '/', making '/\host' leave the site)
                target = quote(target, safe="/?=&%#:@+,;~")
                if not target.startswith("/") or target.startswith("//"):
                    target = "/"
                return Reply(303, {
                    "Location": target,
                    "Set-Cookie": f"{cookie_name}={token}; Path=/; HttpOnly; SameSite=Lax",
                    "Content-Type": "text/html; charset=utf-8",
                }, b"")
            return _page(401, _("Login failed"), _(
                "Wrong user name or password. Check the test credentials your trainer gave "
                "you and try again."
            ), '<p><a href="{}">{}</a></p>'.format(
                html.escape(login_page), html.escape(_("Back to the login page"))))
        if any(path.startswith(w) for w in walled):
            cookies = _cookies(request.headers.get("Cookie", ""))
            if cookies.get(cookie_name) not in sessions:
                back = login_page + "?" + urlencode({"next": path})
                return Reply(302, {"Location": back, "Content-Type": "text/html; charset=utf-8"},
                             b"")
        return None

    # browse mode ---------------------------------------------------------------------------
    async def _browse(self, request: Request, prefix: str) -> Reply:
        if request.path.startswith("/.sandbox/hosts"):
            body = json.dumps({h: s.title for h, s in sorted(self.sites.items())})
            return Reply(200, {"Content-Type": "application/json"}, body.encode())
        if request.path.startswith("/.sandbox/services"):
            body = json.dumps(self.services())
            return Reply(200, {"Content-Type": "application/json"}, body.encode())
        if request.path in ("", "/"):
            return self._start_page(prefix)
        rest = request.path[1:]
        host, _slash, tail = rest.partition("/")
        host = unquote(host).lower()
        site = self.sites.get(host)
        if site is None:
            return self._unknown_host(host)
        if not _slash:
            return Reply(302, {"Location": f"{prefix}/{host}/"}, b"")
        inner = Request(request.method, host, "/" + tail, request.query,
                        request.headers, request.body, request.client)
        reply = await self._site_reply(site, inner)
        return _browse_reply(reply, self, host, prefix, inner)

    def _start_page(self, prefix: str) -> Reply:
        items = "".join(
            f'<li><a href="{html.escape(prefix)}/{html.escape(h)}/">http://{html.escape(h)}/</a>'
            f" — {html.escape(s.title)}</li>"
            for h, s in sorted(self.sites.items())
        )
        return _page(200, _("The fictional internet"), _(
            "These websites are invented for the course. They run on this computer only: "
            "nothing you open here reaches the real internet."
        ), f"<ul>{items}</ul>")


# -- the classroom time-stamping authority ----------------------------------------------------
def _mount_tsa(server: SandboxServer):
    """Mount a :class:`~osintlab.sandbox.tsa.ClassroomTSA` (its own test CA) as ``tsa.example``."""
    from ..exceptions import EvidenceError

    tsa = ClassroomTSA()  # a fresh CA and signing key in a temporary folder, per server
    ca = tsa.ca_file.read_bytes()

    async def app(request: Request) -> Reply:
        path = request.path.split("?")[0]
        if request.method == "POST":
            kind = next((v for k, v in request.headers.items() if k.lower() == "content-type"),
                        "")
            if kind.split(";")[0].strip().lower() != "application/timestamp-query":
                return _page(415, _("Not a time-stamp request"), _(
                    "This time-stamping authority answers RFC 3161 requests only: POST a "
                    "query made with 'openssl ts -query' as application/timestamp-query."
                ))
            try:
                loop = asyncio.get_running_loop()
                token = await loop.run_in_executor(None, tsa.reply, request.body)
            except EvidenceError as error:
                return _page(400, _("Bad time-stamp request"), html.escape(str(error)[:300]))
            return Reply(200, {"Content-Type": "application/timestamp-reply"}, token)
        if request.method not in ("GET", "HEAD"):
            return _page(405, _("Method not allowed"), _("This site answers GET and POST only."))
        if path == "/ca.pem":
            return Reply(200, {"Content-Type": "application/x-pem-file"}, ca)
        if path in ("", "/"):
            return _page(200, _("Classroom time-stamping authority"), _(
                "A fictional RFC 3161 authority for training: send it a time-stamp query "
                "(POST, application/timestamp-query) and it signs the hash with the time. "
                "Its test CA certificate is at /ca.pem; check a token with "
                "'openssl ts -verify -in token.tsr -data file -CAfile ca.pem'. A token from "
                "it proves nothing in court."
            ))
        return _page(404, _("Page not found"), _("There is no page '{path}' on {host}.").format(
            path=html.escape(path[:200]), host=TSA_HOST))

    server.mount(TSA_HOST, app, _("Classroom time-stamping authority (fictional)"))
    return tsa


# -- the "what is my address" service --------------------------------------------------------


def _mount_address(server: SandboxServer, address: str) -> None:
    """Mount ``address.example``: GET / answers the public address, as text (or JSON)."""

    async def app(request: Request) -> Reply:
        path = request.path.split("?")[0]
        if path in ("", "/"):
            return Reply(200, {"Content-Type": "text/plain; charset=utf-8"},
                         f"{address}\n".encode())
        if path == "/json":
            return Reply(200, {"Content-Type": "application/json"},
                         json.dumps({"ip": address}).encode())
        return _page(404, _("Page not found"), _("There is no page '{path}' on {host}.").format(
            path=html.escape(path[:200]), host=ADDRESS_HOST))

    server.mount(ADDRESS_HOST, app,
                 _("What is my address: the public address sites see you come from (fictional)"))


# -- tornado glue ----------------------------------------------------------------------------
def _handler_class():
    import tornado.web

    class Handler(tornado.web.RequestHandler):
        SUPPORTED_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")

        def initialize(self, server: SandboxServer) -> None:
            self.server = server

        def compute_etag(self) -> None:
            return None

        async def _any(self, *args: Any) -> None:
            r = self.request
            raw_path = r.path
            headers = dict(r.headers.get_all())
            host = r.headers.get("Host", "")
            prefix = None
            if host.lower().rstrip(".").rsplit(":", 1)[0] not in self.server.sites:
                forwarded = r.headers.get("X-Forwarded-Prefix")
                if forwarded is not None or _LOOPBACK.match(host.lower()):
                    prefix = (forwarded or "").rstrip("/")
            request = Request(r.method, host, raw_path, r.query, headers, r.body, r.remote_ip)
            try:
                reply = await self.server.answer(request, prefix)
            except (UnicodeDecodeError, ValueError):
                reply = _page(400, _("Bad request"), _("The request could not be understood."))
            self.set_status(reply.status)
            self.clear_header("Content-Type")
            self.clear_header("Server")
            self.set_header("Server", "osintlab-sandbox")
            for name, value in reply.headers.items():
                self.add_header(name, value)
            if r.method != "HEAD":
                self.write(reply.body)
            else:
                self.set_header("Content-Length", str(len(reply.body)))

        get = head = post = put = delete = patch = options = _any

    return Handler


# -- small helpers ---------------------------------------------------------------------------
def _page(status: int, title: str, text: str, extra: str = "") -> Reply:
    body = (
        "<!doctype html><html><head><meta charset=\"utf-8\">"
        f"<title>{status} {html.escape(title)}</title></head><body>"
        f"<h1>{status} {html.escape(title)}</h1><p>{text}</p>{extra}</body></html>"
    )
    return Reply(status, {"Content-Type": "text/html; charset=utf-8"}, body.encode("utf-8"))


def _not_found(site: Site, request: Request) -> Reply:
    return _page(404, _("Page not found"), _(
        "There is no page '{path}' on {host}."
    ).format(path=html.escape(request.path[:200]), host=html.escape(site.host)))


def _cookies(header: str) -> dict[str, str]:
    found = {}
    for part in header.split(";"):
        name, _eq, value = part.strip().partition("=")
        if name:
            found[name] = value
    return found


def _redirect_for(config: dict, path: str, query: str) -> tuple[int, str] | None:
    full = path + ("?" + query if query else "")
    for item in config.get("redirects", []):
        if item["path"] in (path, full):
            return item["status"], item["target"]
    return None


def _slow_delay(config: dict, path: str) -> float | None:
    for item in config.get("slow_pages", []):
        if item["path"] == path:
            return float(item["delay_seconds"])
    return None


def _charset(site: Site, key: str, data: bytes) -> str:
    """The charset a text file is served with: sites.yml, else its <meta>, else utf-8."""
    given = site.config.get("charsets", {}).get("/" + key)
    if given:
        return given
    found = _META_CHARSET.search(data[:2048])
    if found:
        return found.group(1).decode("ascii").lower()
    return "utf-8"


def _wants_gzip(config: dict, request: Request, kind: str, size: int) -> bool:
    """Gzip a text reply of 1 KB or more if the client accepts it, unless ``gzip: false``."""
    if "gzip" not in request.headers.get("Accept-Encoding", "").lower():
        return False
    if config.get("gzip") is False:
        return False
    return kind.startswith(_TEXT_TYPES) and size >= 1024


# -- browse-mode rewriting --------------------------------------------------------------------
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; font-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-src 'self'"
)
_URL_ATTRS = ("href", "src", "action", "poster", "data")
_LOADING = ("src", "poster", "data", "srcset")


def _in_lab(url: str, server: SandboxServer, host: str, prefix: str) -> str | None:
    """Where ``url`` (as written on a page of ``host``) points inside the lab; None if outside."""
    url = url.strip()
    if url.startswith(("#", "?")) or url == "":
        return url
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return url if parts.scheme in ("data", "mailto", "tel", "javascript") else None
    if parts.scheme or url.startswith("//"):
        target = (parts.hostname or "").lower()
        if target not in server.sites:
            return None
        path = parts.path or "/"
        return f"{prefix}/{target}{path}" + (f"?{parts.query}" if parts.query else "") + (
            f"#{parts.fragment}" if parts.fragment else "")
    if url.startswith("/"):
        return f"{prefix}/{host}{url}"
    return url  # relative: already stays under /<host>/


def _rewrite_html(data: bytes, charset: str, server: SandboxServer, host: str, prefix: str,
                  shown: str) -> bytes:
    from bs4 import BeautifulSoup

    text = data.decode(charset, errors="replace")
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(True):
        for attr in _URL_ATTRS:
            value = tag.get(attr)
            if not isinstance(value, str):
                continue
            inside = _in_lab(value, server, host, prefix)
            if inside is not None:
                tag[attr] = inside
            elif attr == "href" and tag.name == "a":
                tag[attr] = "#outside-the-sandbox"
                tag["title"] = _("Outside the fictional internet: not opened ({url})").format(
                    url=value)
                tag["data-outside"] = value
            else:
                del tag[attr]  # never load anything from the real internet
        if tag.get("srcset"):
            del tag["srcset"]
    banner = soup.new_tag("div", id="osintlab-sandbox-bar")
    banner["style"] = (
        "font:13px sans-serif;background:#fff3cd;color:#333;padding:4px 8px;"
        "border-bottom:1px solid #d6c17a"
    )
    home = soup.new_tag("a", href=f"{prefix}/")
    home.string = _("Fictional internet")
    banner.append(home)
    banner.append(" · " + shown)
    body = soup.body or soup
    body.insert(0, banner)
    return str(soup).encode(charset, errors="xmlcharrefreplace")


def _browse_reply(reply: Reply, server: SandboxServer, host: str, prefix: str,
                  request: Request) -> Reply:
    headers = dict(reply.headers)
    location = headers.get("Location")
    if location:
        inside = _in_lab(location, server, host, prefix)
        if inside is None:
            return _page(200, _("Outside the fictional internet"), _(
                "This page sends you to {url}, which is outside the fictional internet. The "
                "lab does not open real websites."
            ).format(url=html.escape(location)))
        if not inside.startswith("/"):  # relative Location: resolve against the page
            base = f"{prefix}/{host}{request.path.rsplit('/', 1)[0]}/"
            inside = base + inside
        headers["Location"] = inside
    cookie = headers.get("Set-Cookie")
    if cookie:
        headers["Set-Cookie"] = cookie.replace("Path=/", f"Path={prefix or ''}/{host}/")
    kind = headers.get("Content-Type", "")
    body = reply.body
    if kind.startswith("text/html") and body:
        if headers.pop("Content-Encoding", None) == "gzip":
            body = gzip.decompress(body)
        charset = kind.partition("charset=")[2] or "utf-8"
        shown = f"http://{host}{request.path}" + (f"?{request.query}" if request.query else "")
        body = _rewrite_html(body, charset, server, host, prefix, html.escape(shown))
    headers["Content-Security-Policy"] = _CSP
    return Reply(reply.status, headers, body)


def site_url(host: str, path: str = "/") -> str:
    """The address a trainee writes for ``path`` on ``host``.

    Example:
        >>> site_url("bazaar.example", "listings?page=2")
        'http://bazaar.example/listings?page=2'
    """
    path = path if path.startswith("/") else "/" + path
    return f"http://{host}{quote(path, safe='/?=&%#:@+,;~')}"
