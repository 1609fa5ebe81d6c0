"""The classroom's WHOIS (RFC 3912, over TCP) and RDAP (RFC 9083, as ``rdap.example``).

Both answer from ``datasets/domains`` and only for the course's fictional domains:

* **WHOIS** listens on 127.0.0.1 on a free port. A client sends one line (the domain, ending
  CRLF), the server sends ``whois/<domain>.txt`` and closes the connection, as RFC 3912 says.
  An unknown name under ``.example`` gets the usual ``No match for "NAME".``; anything else (a
  real domain, an address) gets a teaching refusal and is looked up nowhere.
* **RDAP** is a host of the sandbox's HTTP server: ``GET http://rdap.example/domain/<name>``
  answers ``rdap/<name>.json`` as ``application/rdap+json``, and ``/ip/<address>`` the
  ``ip network`` object of ``rdap/ip-networks.json`` that holds the address; anything else is
  an RFC 9083 error object (404, or 400 for a malformed request).

The history of old WHOIS answers (``whois/history/``) is served over HTTP as
``whois-history.example`` (:mod:`.archives`).

Example:
    >>> server = WhoisServer(Path("datasets/domains")).start()
    >>> query(server.port, "dala-market.example").splitlines()[0]
    'Domain Name: DALA-MARKET.EXAMPLE'
    >>> query(server.port, "nothing-here.example")
    'No match for "NOTHING-HERE.EXAMPLE".\\r\\n'
    >>> server.stop()
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import socketserver
import threading
from pathlib import Path
from typing import Any

from .._i18n import _
from .dns import DOCUMENTATION_RANGES
from .sites import Reply, Request

#: The fictional RDAP service's host name on the sandbox's HTTP server.
RDAP_HOST = "rdap.example"
RDAP_TYPE = "application/rdap+json"
FICTIONAL_TLD = ".example"  # RFC 2606: every domain of the course lies under it
MAX_QUERY = 1024  # bytes of one WHOIS query line
TIMEOUT = 10.0  # seconds a WHOIS client may take to send its line
_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def load_domains(domains: Path) -> dict[str, Path]:
    """The fictional domains with a WHOIS answer, and the file of each.

    Example:
        >>> sorted(load_domains(Path("datasets/domains")))
        ['dala-market.example', 'dalamarket.example', 'koinbridge.example', 'shop7x3k.example']
    """
    folder = Path(domains) / "whois"
    return {p.name.removesuffix(".txt").lower(): p for p in sorted(folder.glob("*.txt"))}


def refusal(query: str, known: list[str], service: str = "WHOIS") -> str:
    """The teaching refusal for a WHOIS (or RDAP) query outside the fictional world.

    Example:
        >>> "fictional" in refusal("google.com", ["dala-market.example"])
        True
    """
    return _(
        "Refused: this classroom's {service} answers only for the course's fictional domains "
        "({domains}); '{query}' was not looked up anywhere. Asking a real {service} server "
        "about a real domain is part of an investigation: it goes through your unit's "
        "procedures, from a computer authorised for it, not from the classroom."
    ).format(service=service, domains=", ".join(known) or "-", query=query) + "\r\n"


def answer(query: str, domains: dict[str, Path]) -> str:
    """The WHOIS answer text to one query line.

    Example:
        >>> answer("koinbridge.example", load_domains(Path("datasets/domains")))[:32]
        'Domain Name: KOINBRIDGE.EXAMPLE\\n'
    """
    words = query.strip().split()
    name = (words[-1] if words else "").lower().rstrip(".")
    if name in domains:
        return domains[name].read_text(encoding="utf-8")
    if name.endswith(FICTIONAL_TLD) and _NAME.match(name):
        return f'No match for "{name.upper()}".\r\n'
    return refusal(query.strip()[:200], sorted(domains))


def query(port: int, name: str, host: str = "127.0.0.1") -> str:
    """Ask a WHOIS server on this computer about ``name`` (RFC 3912); its whole answer.

    Example:
        >>> query(43, "dala-market.example")  # doctest: +SKIP
    """
    with socket.create_connection((host, port), timeout=TIMEOUT) as connection:
        connection.sendall(name.encode("utf-8") + b"\r\n")
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8")


class _Handler(socketserver.StreamRequestHandler):
    timeout = TIMEOUT

    def handle(self) -> None:
        line = self.rfile.readline(MAX_QUERY)
        text = line.decode("utf-8", errors="replace")
        self.wfile.write(answer(text, self.server.domains).encode("utf-8"))  # type: ignore[attr-defined]
        self.wfile.flush()
        # Close gently: closing with unread bytes (a line longer than MAX_QUERY) would reset the
        # connection and could cost the client the answer. Send EOF, then read what is left.
        self.request.shutdown(socket.SHUT_WR)
        self.request.settimeout(1.0)
        left = 64 * 1024
        while left > 0 and (chunk := self.request.recv(min(left, 8192))):
            left -= len(chunk)


class _TCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that vanished or never sent its line


class WhoisServer:
    """The classroom WHOIS on 127.0.0.1 (``port`` 0 picks a free one), in a daemon thread.

    Example:
        >>> WhoisServer(Path("datasets/domains")).port
        0
    """

    def __init__(self, domains: Path, *, port: int = 0, host: str = "127.0.0.1") -> None:
        self.domains = load_domains(domains)
        self.host = host
        self.requested_port = port
        self.port = 0
        self._server: _TCP | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> WhoisServer:
        """Listen and serve in a daemon thread."""
        if self._server is None:
            self._server = _TCP((self.host, self.requested_port), _Handler)
            self._server.domains = self.domains  # type: ignore[attr-defined]
            self.port = self._server.server_address[1]
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                name=f"osintlab-whois-{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = self._thread = None

    @property
    def running(self) -> bool:
        """Whether the server thread is alive."""
        return self._thread is not None and self._thread.is_alive()


def fictional_name(name: str) -> bool:
    """Whether ``name`` is a well-formed domain of the fictional world (under ``.example``).

    Example:
        >>> fictional_name("dala-market.example"), fictional_name("google.com")
        (True, False)
    """
    name = name.lower().rstrip(".")
    return name.endswith(FICTIONAL_TLD) and bool(_NAME.match(name)) and "." in name


def fictional_address(text: str) -> bool:
    """Whether ``text`` is an IP address in a documentation range (RFC 5737, RFC 3849).

    Example:
        >>> fictional_address("203.0.113.45"), fictional_address("8.8.8.8")
        (True, False)
    """
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    return any(address in net for net in DOCUMENTATION_RANGES if net.version == address.version)


# -- RDAP -------------------------------------------------------------------------------------
def _rdap_error(status: int, title: str, description: str) -> Reply:
    body = {"rdapConformance": ["rdap_level_0"], "errorCode": status, "title": title,
            "description": [description]}
    return Reply(status, {"Content-Type": RDAP_TYPE, "Access-Control-Allow-Origin": "*"},
                 (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def rdap_app(domains: Path):
    """The ``rdap.example`` app: ``GET /domain/<name>`` answers ``rdap/<name>.json``.

    ``GET /ip/<address>`` answers the ``ip network`` object that holds the address.

    Example:
        >>> app = rdap_app(Path("datasets/domains"))
        >>> reply = app(Request("GET", "rdap.example", "/domain/koinbridge.example", "", {}, b""))
        >>> reply.status, reply.headers["Content-Type"]
        (200, 'application/rdap+json')
        >>> app(Request("GET", "rdap.example", "/domain/google.com", "", {}, b"")).status
        404
        >>> reply = app(Request("GET", "rdap.example", "/ip/203.0.113.45", "", {}, b""))
        >>> json.loads(reply.body)["name"]
        'BULUT-HOST-VPS'
    """
    folder = Path(domains) / "rdap"
    answers = {p.name.removesuffix(".json").lower(): p for p in sorted(folder.glob("*.json"))
               if p.name.endswith(FICTIONAL_TLD + ".json")}
    networks_file = folder / "ip-networks.json"
    networks = (json.loads(networks_file.read_text(encoding="utf-8"))
                if networks_file.is_file() else [])

    def network(text: str) -> Reply:
        if not fictional_address(text):
            return _rdap_error(404, "Not found", refusal(text, sorted(answers), "RDAP").strip())
        address = ipaddress.ip_address(text)
        for net in networks:
            block = ipaddress.ip_network(net["cidr"])
            if address.version == block.version and address in block:
                return Reply(200, {"Content-Type": RDAP_TYPE,
                                   "Access-Control-Allow-Origin": "*"},
                             (json.dumps(net, ensure_ascii=False, indent=2) + "\n").encode())
        return _rdap_error(404, "Not found", _(
            "No network holding {address} is registered in the course's fictional registry."
        ).format(address=text))

    def app(request: Request) -> Reply:
        if request.method not in ("GET", "HEAD"):
            return _rdap_error(405, "Method not allowed", _("RDAP answers GET requests only."))
        kind, _slash, name = request.path.strip("/").partition("/")
        name = name.lower().rstrip(".")
        if kind == "ip" and name and "/" not in name:
            return network(name)
        if kind != "domain" or not name or "/" in name:
            return _rdap_error(400, "Bad request", _(
                "This classroom RDAP service answers domain and address look-ups: "
                "http://{host}/domain/<name>, e.g. http://{host}/domain/{example}, and "
                "http://{host}/ip/<address>."
            ).format(host=RDAP_HOST, example=next(iter(answers), "dala-market.example")))
        if name in answers:
            return Reply(200, {"Content-Type": RDAP_TYPE, "Access-Control-Allow-Origin": "*"},
                         answers[name].read_bytes())
        if name.endswith(FICTIONAL_TLD):
            return _rdap_error(404, "Not found", _(
                "No domain {name} is registered in the course's fictional registry."
            ).format(name=name))
        return _rdap_error(404, "Not found", refusal(name, sorted(answers), "RDAP").strip())

    return app
