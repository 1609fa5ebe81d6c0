"""A ``requests.Session`` that reaches the fictional hosts and nothing else.

Its transport adapter sends requests for a sandbox host (``http://bazaar.example/...``) to the
loopback server, keeping the URL and the ``Host`` header the trainee wrote. Every other address
(a real site, an IP address, an ``https://`` address, a look-alike name, a redirect that leads
out) is refused with :class:`SandboxRefused` before any name lookup or connection is made.

Example:
    >>> from osintlab.sandbox.client import refusal
    >>> "OPSEC" in refusal("http://real-shop.com/", ["bazaar.example"]).message
    True
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from .._i18n import _
from ..exceptions import SandboxRefused


def refusal(url: str, hosts: list[str], reason: str = "") -> SandboxRefused:
    """The teaching error for a request the sandbox will not send.

    Example:
        >>> print(refusal("http://x.com/", ["bazaar.example"]).hosts)
        ['bazaar.example']
    """
    listed = ", ".join(f"http://{h}/" for h in hosts) or "-"
    message = _(
        "Refused: {url} is not part of the course's fictional internet, so it was not "
        "requested (no name lookup, no connection).\n"
        "Why: collecting from real websites is an investigative act. It needs the legal basis "
        "and authorisation of your jurisdiction, and a real request reveals your (the "
        "police's) IP address and tools to the site's owner, who may be the suspect (OPSEC). "
        "In the classroom we practise only on invented sites.\n"
        "What to do: use one of the sandbox sites: {listed}."
    ).format(url=url, listed=listed)
    if reason:
        message += "\n" + reason
    return SandboxRefused(message, url=url, hosts=list(hosts))


class SandboxAdapter(HTTPAdapter):
    """Sends sandbox-host requests to the loopback server; refuses everything else."""

    def __init__(self, address: tuple[str, int], hosts: set[str]) -> None:
        self.address = address
        self.hosts = hosts
        super().__init__(pool_connections=4, pool_maxsize=8)

    def check(self, url: str) -> str:
        """The sandbox host ``url`` names, or SandboxRefused. No lookup, no connection."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").rstrip(".").lower()
            port = parts.port
        except ValueError as error:
            raise refusal(url, sorted(self.hosts), str(error)) from None
        if host not in self.hosts:
            raise refusal(url, sorted(self.hosts))
        if parts.scheme != "http" or port not in (None, 80):
            raise refusal(url, sorted(self.hosts), _(
                "The sandbox sites speak plain http:// on the usual port; write "
                "http://{host}{path} instead."
            ).format(host=host, path=parts.path or "/"))
        return host

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        self.check(request.url)
        return self.poolmanager.connection_from_host(
            self.address[0], self.address[1], scheme="http"
        )

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        host = self.check(request.url)
        request.headers["Host"] = host
        return super().send(request, stream, timeout, verify, cert, proxies=None)


class SandboxSession(requests.Session):
    """A real ``requests.Session`` whose only reachable hosts are the fictional ones.

    Environment proxies and ``.netrc`` are ignored (``trust_env = False``), so nothing
    outside the sandbox is consulted either.
    """

    def __init__(self, address: tuple[str, int], hosts: list[str]) -> None:
        super().__init__()
        self.trust_env = False
        self.sandbox_hosts = sorted(hosts)
        adapter = SandboxAdapter(address, set(self.sandbox_hosts))
        self.adapters.clear()
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        self.headers["User-Agent"] = "osintlab-sandbox-trainee (course exercise)"

    def get_adapter(self, url: str):
        # refuse before anything else happens: Session.send asks for the adapter of every
        # request and every redirect hop, ftp:// and other schemes with no adapter included
        self.adapters["http://"].check(url)
        return super().get_adapter(url)
