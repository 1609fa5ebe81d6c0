"""Trusted time (RFC 3161), the client: ask an authority to sign "these bytes existed then".

:func:`request_token` and :func:`verify_token` work with any RFC 3161 authority, such as an
academy's real one. The classroom's fictional authority is a service of the sandbox
(:mod:`osintlab.sandbox.tsa`, ``http://tsa.example/``); its tokens prove nothing in court, and
teach what a real token proves and how ``openssl ts -verify`` checks it.

Example:
    >>> from osintlab.sandbox.tsa import ClassroomTSA
    >>> with ClassroomTSA() as tsa:   # doctest: +SKIP
    ...     token = request_token(tsa.url, b"page bytes")
    ...     verify_token(token, b"page bytes", tsa.ca_file)
    True
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from .._i18n import _
from .._openssl import openssl
from .._openssl import run as _run
from ..exceptions import EvidenceError


def make_query(data: bytes) -> bytes:
    """An RFC 3161 request (DER) for the SHA-256 of ``data``, asking for the signer's cert."""
    with tempfile.NamedTemporaryFile() as handle:
        handle.write(data)
        handle.flush()
        return _run(["ts", "-query", "-data", handle.name, "-sha256", "-cert"])


def request_token(url: str, data: bytes, timeout: float = 30, session=None) -> bytes:
    """Ask the authority at ``url`` to time-stamp ``data``; the token (``.tsr``) as bytes.

    ``session`` (a ``requests.Session``) carries the query; the classroom authority
    ``http://tsa.example/`` is reached through the sandbox's session, like any sandbox host.
    """
    import requests

    query = make_query(data)
    try:
        response = (session or _session_for(url)).post(
            url, data=query, headers={"Content-Type": "application/timestamp-query"},
            timeout=timeout,
        )
        response.raise_for_status()
    except requests.RequestException as error:
        raise EvidenceError(
            _(
                "The time-stamping authority at {url} did not answer ({error}). Nothing was "
                "added to the case. Check that the address given as tsa_url= when the case "
                "was opened is right and that the authority is running, then capture again."
            ).format(url=url, error=type(error).__name__),
            url=url,
        ) from error
    return response.content


def is_classroom(url: str) -> bool:
    """True when ``url`` names the sandbox's classroom authority (``http://tsa.example/``).

    Example:
        >>> is_classroom("http://tsa.example/"), is_classroom("https://tsa.academy.example/")
        (True, False)
    """
    from urllib.parse import urlsplit

    from ..sandbox.tsa import TSA_HOST

    try:
        parts = urlsplit(url)
        return parts.scheme == "http" and (parts.hostname or "").rstrip(".") == TSA_HOST
    except ValueError:
        return False


def _session_for(url: str):
    """The sandbox's session for the classroom authority, a plain one for any other."""
    if is_classroom(url):
        from .. import sandbox

        return sandbox.session()
    import requests

    return requests.Session()


def classroom_ca(url: str, session=None) -> bytes:
    """The classroom authority's test CA certificate (PEM), fetched from ``<url>/ca.pem``."""
    import requests

    address = url.split("?")[0].rstrip("/") + "/ca.pem"
    try:
        response = (session or _session_for(url)).get(address, timeout=30)
        response.raise_for_status()
    except requests.RequestException as error:
        raise EvidenceError(
            _("The classroom time-stamping authority at {url} did not give its CA "
              "certificate ({error}).").format(url=url, error=type(error).__name__),
            url=url,
        ) from error
    return response.content


def token_text(token: bytes) -> str:
    """What a token says, as ``openssl ts -reply -text`` prints it."""
    with tempfile.NamedTemporaryFile(suffix=".tsr") as handle:
        handle.write(token)
        handle.flush()
        return _run(["ts", "-reply", "-in", handle.name, "-text"]).decode()


def token_problem(token: bytes, data: bytes, ca_file: Path | None = None) -> str | None:
    """Why ``token`` does not prove that ``data`` existed, or None when it does.

    The reply must be granted and stamp the SHA-256 of exactly ``data``; with the authority's
    CA (``ca_file``), ``openssl ts -verify`` must accept it too.

    Example:
        >>> token_problem(b"not a token", b"page bytes")  # doctest: +SKIP
        'it is not a time-stamp reply'
    """
    import hashlib

    try:
        text = token_text(token)
    except EvidenceError:
        return _("it is not a time-stamp reply")
    if "Status: Granted" not in text:
        status = next((line.strip() for line in text.splitlines() if "Status:" in line), "")
        return _("the authority did not grant it ({status})").format(status=status or "?")
    if _imprint(text) != hashlib.sha256(data).hexdigest():
        return _("it stamps other bytes than the ones captured")
    if ca_file is not None and not verify_token(token, data, ca_file):
        return _("openssl ts -verify does not accept it under the authority's certificate "
                 "({ca})").format(ca=ca_file.name)
    return None


def _imprint(text: str) -> str:
    """The stamped hash, in hex, from ``openssl ts -reply -text``'s "Message data" dump."""
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Message data:")
    except StopIteration:
        return ""
    found = []
    for line in lines[start + 1:]:
        if " - " not in line:
            break
        dump = line.split(" - ", 1)[1].split("   ", 1)[0]
        found.append(dump.replace("-", " ").replace(" ", ""))
    return "".join(found).lower()


def verify_token(token: bytes | Path, data: bytes | Path, ca_file: Path) -> bool:
    """True when ``openssl ts -verify`` accepts the token for ``data`` under ``ca_file``."""
    with tempfile.TemporaryDirectory() as folder:
        token_path = Path(folder) / "t.tsr" if isinstance(token, bytes) else Path(token)
        data_path = Path(folder) / "data" if isinstance(data, bytes) else Path(data)
        if isinstance(token, bytes):
            token_path.write_bytes(token)
        if isinstance(data, bytes):
            data_path.write_bytes(data)
        result = subprocess.run(
            [openssl(), "ts", "-verify", "-in", str(token_path), "-data", str(data_path),
             "-CAfile", str(ca_file)],
            capture_output=True, timeout=60,
        )
    return result.returncode == 0 and b"Verification: OK" in result.stdout


