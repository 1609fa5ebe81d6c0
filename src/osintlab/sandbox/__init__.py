"""The fictional internet: the course's invented websites over real HTTP, and nothing else.

Trainees collect with the real tools (``requests``, BeautifulSoup, their browser) on real HTTP,
but never touch a real website from the classroom. ``session()`` returns a real
``requests.Session`` that reaches only the fictional hosts of ``datasets/web``; a local server
answers for them on 127.0.0.1. Any other address is refused, before any name lookup or
connection, with an explanation (ethics, OPSEC, authorisation).

The server starts by itself on first use (one per Python process, so two trainees never share
a port or state) and stops when the process ends. When the lab or the hub already runs one,
``OSINTLAB_SANDBOX_URL`` (e.g. ``http://127.0.0.1:8765``) names it and sessions use it.
In JupyterLab the launcher's "Fictional internet" entry opens the same sites in a browser tab.

Beside the websites, the same server runs the classroom's look-up services for the fictional
domains of ``datasets/domains``: DNS (UDP and TCP) and WHOIS on their own loopback ports, and
as sites RDAP (``rdap.example``), passive DNS (``pdns.example``), certificate transparency
(``ct.example``) and WHOIS history (``whois-history.example``). ``services()`` says where
they listen and ``resolver()`` returns a dnspython resolver that asks the classroom DNS; real
names are refused there too.

Example:
    >>> from osintlab import sandbox
    >>> web = sandbox.session()                                   # doctest: +SKIP
    >>> page = web.get("http://bazaar.example/listings?page=2")   # doctest: +SKIP
    >>> page.status_code                                          # doctest: +SKIP
    200
    >>> sandbox.url("bazaar.example", "/listings?page=2")         # doctest: +SKIP
    'http://bazaar.example/listings?page=2'
    >>> [str(r) for r in sandbox.resolver().resolve("dala-market.example", "MX")]  # doctest: +SKIP
    ['10 mail.dala-market.example.']
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .._i18n import _
from ..exceptions import DatasetMissing, OsintLabError, SandboxRefused
from .server import SandboxServer, load_sites, site_url

__all__ = ["hosts", "proxy_config", "resolver", "services", "session", "start", "stop", "url"]

ENV_URL = "OSINTLAB_SANDBOX_URL"  # an already running sandbox server to use
ENV_WEB = "OSINTLAB_SANDBOX_WEB"  # the folder of sites, if not datasets/web
ENV_DOMAINS = "OSINTLAB_SANDBOX_DOMAINS"  # the domain data, if not ../domains beside the sites

_lock = threading.Lock()
_server: SandboxServer | None = None


def _web_folder() -> Path:
    if os.environ.get(ENV_WEB):
        return Path(os.environ[ENV_WEB])
    from .. import datasets

    return datasets.root() / "web"


def _checked(folder: Path) -> Path:
    if not folder.is_dir():
        raise DatasetMissing(_(
            "The fictional websites are missing: there is no folder {folder}. Run the "
            "course from its folder (make lab) or ask your trainer to set {env}."
        ).format(folder=folder, env=ENV_WEB), path=str(folder))
    return folder


def _domains_folder(web: Path) -> Path | None:
    """The domain data the look-up services answer from: ``domains/`` beside the sites.

    None when there is none (a folder of test sites): then DNS, WHOIS and RDAP do not run.
    """
    if os.environ.get(ENV_DOMAINS):
        return _checked(Path(os.environ[ENV_DOMAINS]))
    folder = web.parent / "domains"
    return folder if (folder / "dns").is_dir() and (folder / "whois").is_dir() else None


def start(web: Path | None = None, **options: Any) -> SandboxServer:
    """Start this process's sandbox server (once) and return it.

    ``web`` is the folder of sites (default ``datasets/web``); ``options`` go to the server
    (``slow_delay``, ``rate_window``, ``domains``). DNS, WHOIS and RDAP start with it when
    ``datasets/domains`` lies beside the sites. Calling it again returns the running server.

    Example:
        >>> server = start()          # doctest: +SKIP
        >>> server.url                # doctest: +SKIP
        'http://127.0.0.1:40917'
    """
    global _server
    with _lock:
        if _server is None:
            folder = _checked(Path(web) if web else _web_folder())
            options.setdefault("domains", _domains_folder(folder))
            _server = SandboxServer(folder, **options).start()
        return _server


def stop() -> None:
    """Stop this process's sandbox server (it also stops when Python exits).

    Example:
        >>> stop()
    """
    global _server
    with _lock:
        if _server is not None:
            _server.stop()
            _server = None


atexit.register(stop)


def _ask(address: tuple[str, int], path: str) -> Any:
    """GET ``path`` from a sandbox server on this computer, as JSON."""
    connection = http.client.HTTPConnection(*address, timeout=10)
    try:
        connection.request("GET", path)
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def _remote() -> tuple[tuple[str, int], list[str]] | None:
    """The address and hosts of the server named by OSINTLAB_SANDBOX_URL, if set."""
    given = os.environ.get(ENV_URL)
    if not given:
        return None
    parts = urlsplit(given)
    host = parts.hostname or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SandboxRefused(_(
            "{env} must name a sandbox server on this computer (127.0.0.1), not {url}."
        ).format(env=ENV_URL, url=given), url=given, hosts=[])
    try:
        address = (host, parts.port or 80)  # ValueError: a port not a number, or above 65535
        listed = _ask(address, "/.sandbox/hosts")
        if not isinstance(listed, dict | list):
            raise ValueError(given)
    except (OSError, ValueError, http.client.HTTPException):
        raise OsintLabError(_(
            "No sandbox server answers at {url}, the address {env} names. Start one with "
            "'osintlab sandbox serve --port 8765' and set {env}=http://127.0.0.1:8765, or "
            "unset {env} so that the notebook starts its own server."
        ).format(url=given, env=ENV_URL), url=given) from None
    return address, sorted(listed)


def hosts() -> list[str]:
    """The fictional websites' host names, sorted.

    Example:
        >>> "bazaar.example" in hosts()   # doctest: +SKIP
        True
    """
    remote = _remote()
    if remote is not None:
        return remote[1]
    if _server is not None:
        return _server.hosts()
    return sorted(load_sites(_checked(_web_folder())))


def url(host: str, path: str = "/") -> str:
    """The address of ``path`` on fictional site ``host``, as a trainee writes it.

    Example:
        >>> url("bazaar.example", "/listings?page=2")   # doctest: +SKIP
        'http://bazaar.example/listings?page=2'
    """
    known = hosts()
    if host.lower() not in known:
        from .client import refusal

        raise refusal(f"http://{host}/", known)
    return site_url(host.lower(), path)


def session(server: SandboxServer | None = None):
    """A ``requests.Session`` that reaches the fictional websites and refuses every other host.

    Example:
        >>> web = session()                                              # doctest: +SKIP
        >>> web.get("http://bazaar.example/robots.txt").status_code      # doctest: +SKIP
        200
    """
    from .client import SandboxSession

    if server is None:
        remote = _remote()
        if remote is not None:
            return SandboxSession(*remote)
        server = start()
    return SandboxSession(("127.0.0.1", server.port), server.hosts())


def services() -> dict[str, Any]:
    """What the classroom runs for this process, and where (the server starts if needed).

    ``dns_port`` and ``whois_port`` are ports on ``host`` (127.0.0.1); a service that does not
    run (no ``datasets/domains``) is None.

    Example:
        >>> services()                                           # doctest: +SKIP
        {'host': '127.0.0.1', 'web': 'http://127.0.0.1:40917', 'dns_port': 40918, \
'whois_port': 40919, 'rdap': 'http://rdap.example/', 'pdns': 'http://pdns.example/', \
'ct': 'http://ct.example/', 'whois_history': 'http://whois-history.example/'}
    """
    remote = _remote()
    if remote is not None:
        try:
            found = _ask(remote[0], "/.sandbox/services")
        except (OSError, ValueError, http.client.HTTPException):
            found = None
        if isinstance(found, dict):
            return found
        return {"host": "127.0.0.1", "web": os.environ[ENV_URL], "dns_port": None,
                "whois_port": None, "rdap": None, "pdns": None, "ct": None,
                "whois_history": None}
    return start().services()


def resolver(server: SandboxServer | None = None):
    """A ``dns.resolver.Resolver`` (dnspython) that asks the classroom DNS and nothing else.

    Real names get REFUSED: it raises ``dns.resolver.NoNameservers`` (as dnspython does), whose
    message says why. Nothing leaves the computer.

    Example:
        >>> dns = resolver()                                                  # doctest: +SKIP
        >>> [str(r) for r in dns.resolve("dala-market.example", "NS")]        # doctest: +SKIP
        ['ns1.bulut-host.example.', 'ns2.bulut-host.example.']
    """
    port = server.dns_port if server is not None else services()["dns_port"]
    if not port:
        raise OsintLabError(_(
            "The classroom DNS is not running: the sandbox found no domain data "
            "(datasets/domains beside datasets/web). Ask your trainer, or set {env}."
        ).format(env=ENV_DOMAINS))
    from .dns import ClassroomResolver

    return ClassroomResolver(int(port))


def proxy_config() -> dict[str, Any]:
    """The jupyter-server-proxy entry: "Fictional internet" in the JupyterLab launcher.

    Example:
        >>> proxy_config()["launcher_entry"]["title"]
        'Fictional internet'
    """
    return {
        "command": [sys.executable, "-m", "osintlab.sandbox", "--port", "{port}"],
        "timeout": 30,
        "absolute_url": False,
        "new_browser_tab": True,
        "launcher_entry": {"enabled": True, "title": "Fictional internet"},
    }


def main(argv: list[str] | None = None) -> None:
    """``python -m osintlab.sandbox --port N``: serve the sites until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m osintlab.sandbox", description=_(
        "Serve the course's fictional websites on 127.0.0.1."
    ))
    parser.add_argument("--port", type=int, default=0, help=_("port (0: any free port)"))
    parser.add_argument("--web", type=Path, default=None, help=_("folder of sites"))
    parser.add_argument("--no-rate-limit", action="store_true",
                        help=_("switch the sites' rate limits off (load tests only)"))
    options = parser.parse_args(argv)
    serve(options.port, options.web, rate_limits=not options.no_rate_limit)


def serve(
    port: int = 0, web: Path | None = None, announce=print, rate_limits: bool = True
) -> None:
    """Run a sandbox server in the foreground until interrupted (Ctrl-C).

    Example:
        >>> serve(8765)   # doctest: +SKIP
    """
    folder = _checked(Path(web) if web else _web_folder())
    server = SandboxServer(folder, port=port, rate_limits=rate_limits,
                           domains=_domains_folder(folder)).start()
    announce(_("The fictional internet is at {url} (sites: {hosts}). Ctrl-C stops it.").format(
        url=server.url, hosts=", ".join(server.hosts())))
    if server.dns_port:
        announce(_(
            "Classroom DNS: 127.0.0.1 port {dns} (UDP and TCP), e.g. "
            "dig @127.0.0.1 -p {dns} dala-market.example MX. Classroom WHOIS: 127.0.0.1 port "
            "{whois}, e.g. whois -h 127.0.0.1 -p {whois} dala-market.example."
        ).format(dns=server.dns_port, whois=server.whois_port))
    sys.stdout.flush()
    try:
        while server.running:
            threading.Event().wait(1)
    except KeyboardInterrupt:
        server.stop()

