"""Getting the bytes of a capture and writing them as WARC records, the warcio way.

:func:`fetch` asks for a URL and keeps the body exactly as it came over the wire (no
decompression); :func:`from_response` takes a ``requests.Response`` somebody already has;
:func:`from_file` a file on disk. Each returns a :class:`Fetched`. :class:`EvidenceWARCWriter`
writes a capture as a ``request``, ``response`` and ``metadata`` record; its record ids and
dates come from overridable methods (warcio's ``_make_warc_id`` / ``_make_warc_date``), so
a test can fix them and compare the WARC byte for byte.

Example:
    >>> clock_synchronised()["how"]
    "the operating system's clock status (adjtimex)"
"""

from __future__ import annotations

import base64
import ctypes
import datetime as dt
import hashlib
import json
import mimetypes
import os
import re
import socket
import time
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from .._i18n import _
from ..exceptions import CaptureFailed

#: What a capture calls itself by default: an ordinary desktop browser, so that a suspect's
#: server is not told that evidence is being captured (OPSEC). A case may set its own
#: (``open_case(..., user_agent=...)``); every item records the one it used.
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
MAX_BODY = 512 * 1024 * 1024  # bytes one web capture may hold; a larger one is refused
EMBEDDED_TAGS = {
    "img": ("src",), "video": ("src", "poster"), "audio": ("src",), "source": ("src",),
    "embed": ("src",), "object": ("data",),
}


@dataclass
class Fetched:
    """One captured body and what is known about how it was obtained."""

    body: bytes
    url: str | None = None
    final_url: str | None = None
    status: int | None = None
    reason: str = ""
    http_version: str = "HTTP/1.1"
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    method: str = "GET"
    redirects: list[dict] = field(default_factory=list)
    filename: str = "capture.bin"
    media_type: str = "application/octet-stream"
    changes: list[str] = field(default_factory=list)
    source_path: str | None = None
    requested_here: bool = False  # fetch() made the request, not the notebook's own code
    provenance: str | None = None  # for a file: who supplied it, how, on what medium

    @property
    def is_web(self) -> bool:
        return self.status is not None

    @property
    def is_html(self) -> bool:
        return "html" in self.media_type


def safe_filename(url_or_name: str, media_type: str) -> str:
    """A file name from a URL's last segment: letters, digits, ``.-_`` only, never ``..``."""
    path = urlsplit(url_or_name).path if "://" in url_or_name else url_or_name
    name = unquote(path.rstrip("/").rsplit("/", 1)[-1]) or "index"
    name = re.sub(r"[^\w.-]+", "_", name).strip("._") or "index"
    if "." not in name:
        if "html" in (media_type or ""):
            name += ".html"
        else:
            name += mimetypes.guess_extension(media_type or "") or ".bin"
    return name[:120]


def _http_version(raw) -> str:
    version = getattr(raw, "version", 11)
    return {10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}.get(version, "HTTP/1.1")


def _header_list(response) -> list[tuple[str, str]]:
    raw_headers = getattr(getattr(response, "raw", None), "headers", None)
    if raw_headers is not None and hasattr(raw_headers, "items"):
        return [(str(k), str(v)) for k, v in raw_headers.items()]
    return [(str(k), str(v)) for k, v in response.headers.items()]


def _media_type(headers: list[tuple[str, str]]) -> str:
    for key, value in headers:
        if key.lower() == "content-type":
            return value.split(";")[0].strip().lower()
    return "application/octet-stream"


def from_response(response, *, body: bytes | None = None) -> Fetched:
    """A capture from a ``requests.Response`` (its body as requests holds it)."""
    headers = _header_list(response)
    changes = []
    requested_here = body is not None  # only fetch() passes the body as it came over the wire
    if body is None:
        body = response.content
        encoding = response.headers.get("Content-Encoding", "").lower()
        if encoding and encoding != "identity":
            changes.append(
                _(
                    "the body was already decompressed by requests (Content-Encoding: {enc}); "
                    "the compressed bytes as sent were not available"
                ).format(enc=encoding)
            )
            headers = [
                (k, v) for k, v in headers
                if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
            ] + [("Content-Length", str(len(body)))]
    else:
        headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
    media_type = _media_type(headers)
    request = response.request
    redirects = [
        {"url": step.url, "status": step.status_code, "location": step.headers.get("Location")}
        for step in response.history
    ]
    first = response.history[0].url if response.history else response.url
    return Fetched(
        body=body,
        url=first,
        final_url=response.url,
        status=response.status_code,
        reason=response.reason or "",
        http_version=_http_version(getattr(response, "raw", None)),
        headers=headers,
        request_headers=[(str(k), str(v)) for k, v in (request.headers or {}).items()]
        if request is not None else [],
        method=request.method if request is not None else "GET",
        redirects=redirects,
        filename=safe_filename(response.url, media_type),
        media_type=media_type,
        changes=changes,
        requested_here=requested_here,
    )


def fetch(url: str, session=None, timeout: float = 30, user_agent: str | None = None) -> Fetched:
    """GET ``url`` following redirects; the body is kept exactly as served."""
    import requests

    session = session or requests.Session()
    headers = {"User-Agent": user_agent or USER_AGENT, "Accept-Encoding": "identity"}
    try:
        response = session.get(url, headers=headers, timeout=timeout, stream=True)
        body = _bounded_body(response, url)
    except requests.RequestException as error:
        why = _reason(error)
        raise CaptureFailed(
            _(
                "Could not capture {url}: {why}. Nothing was added to the case. "
                "Check the address (spelling, http/https), that the site is up and that this "
                "machine can reach it, then capture again."
            ).format(url=url, why=why),
            url=url, why=why,
        ) from error
    return from_response(response, body=body)


def _bounded_body(response, url: str) -> bytes:
    """The body exactly as served, read in pieces; refused past :data:`MAX_BODY` bytes."""
    chunks, size = [], 0
    try:
        while True:
            chunk = response.raw.read(1 << 20, decode_content=False)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > MAX_BODY:
                raise CaptureFailed(
                    _(
                        "Could not capture {url}: it is larger than {mb} MB, the most one web "
                        "capture holds. Nothing was added to the case. Save the file with a "
                        "tool your unit approves, then capture the saved file with "
                        "case.capture(path), and say in the note how it was saved."
                    ).format(url=url, mb=MAX_BODY // (1024 * 1024)),
                    url=url, why="too large",
                )
            chunks.append(chunk)
    finally:
        response.close()


def _reason(error: Exception) -> str:
    text = str(error)
    if "Name or service not known" in text or "NameResolution" in text or "resolve" in text:
        return _("the host name does not resolve")
    if "Connection refused" in text or "NewConnectionError" in text:
        return _("the connection was refused (no server answers there)")
    if "timed out" in text.lower():
        return _("the server did not answer in time")
    if "Invalid URL" in text or "No connection adapters" in text or "MissingSchema" in text:
        return _("this is not a web address")
    return type(error).__name__


def from_file(path: Path) -> Fetched:
    """A capture of a file on disk (a download, a messenger export, a photo)."""
    path = Path(path)
    try:
        body = path.read_bytes()
    except OSError as error:
        raise CaptureFailed(
            _(
                "Could not capture the file {path}: {why}. Nothing was added to the case. "
                "Check the path and that the file can be read."
            ).format(path=path, why=error.strerror or error),
            path=str(path),
        ) from error
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Fetched(
        body=body, filename=safe_filename(path.name, media_type), media_type=media_type,
        source_path=str(path.resolve()),
    )


def embedded_urls(body: bytes, base_url: str) -> list[str]:
    """Images, video, audio and other embedded files a page shows, as absolute URLs."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "lxml")
    base = soup.find("base", href=True)
    base_url = urljoin(base_url, base["href"]) if base else base_url
    urls: list[str] = []
    for tag, attributes in EMBEDDED_TAGS.items():
        for element in soup.find_all(tag):
            for attribute in attributes:
                value = element.get(attribute)
                if value and not value.startswith("data:"):
                    absolute = urljoin(base_url, value.strip())
                    if urlsplit(absolute).scheme in ("http", "https") and absolute not in urls:
                        urls.append(absolute)
    return urls


def machine_ip(url: str | None) -> str | None:
    """This machine's address on the route to ``url`` (no packet is sent)."""
    host = urlsplit(url).hostname if url else None
    if host not in _ROUTES:
        _ROUTES[host] = _route_address(host)
    return _ROUTES[host]


_ROUTES: dict[str | None, str | None] = {}


def _route_address(host: str | None) -> str | None:
    try:
        family = socket.AF_INET6 if host and ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((host or "192.0.2.1", 80))
            return probe.getsockname()[0]
    except OSError:
        return None


class _Timex(ctypes.Structure):
    _fields_ = [("modes", ctypes.c_uint), ("rest", ctypes.c_byte * 204)]


_LIBC: list = []


def clock_synchronised() -> dict:
    """Whether the system clock is synchronised (the kernel's NTP state), and how we know."""
    how = _("the operating system's clock status (adjtimex)")
    try:
        if not _LIBC:
            _LIBC.append(ctypes.CDLL(None, use_errno=True))
        state = _LIBC[0].adjtimex(ctypes.byref(_Timex()))
    except (OSError, AttributeError):
        return {"synchronised": None, "how": _("unknown: the clock state cannot be read here")}
    if state < 0:
        return {"synchronised": None, "how": how}
    return {"synchronised": state != 5, "how": how}  # 5 = TIME_ERROR: not synchronised


CLOCK_MAX_AGE = 10.0  # seconds a reading of the clock state is reused between captures
_CLOCK: dict = {}


def clock_state(max_age: float = CLOCK_MAX_AGE) -> dict:
    """:func:`clock_synchronised`, read at most once every ``max_age`` seconds.

    A capture records the clock state; a burst of captures shares one reading (the kernel's
    NTP state does not change from one millisecond to the next). The reading's language is
    part of the cache key, so a trainee who switches language gets the new wording.

    Example:
        >>> clock_state()["how"] == clock_synchronised()["how"]
        True
    """
    key = (os.environ.get("OSINTLAB_LANG"), os.environ.get("LANGUAGE"))
    now = time.monotonic()
    cached = _CLOCK.get(key)
    if cached is None or now - cached[0] > max_age:
        cached = _CLOCK[key] = (now, clock_synchronised())
    return dict(cached[1])


def warc_headers(pairs: list[tuple[str, str]], status_line: str, protocol: str):
    from warcio.statusandheaders import StatusAndHeaders

    return StatusAndHeaders(status_line, list(pairs), protocol=protocol)


class EvidenceWARCWriter:
    """Writes one capture as WARC ``request``, ``response`` and ``metadata`` records.

    The HTTP header blocks are serialised by warcio (``StatusAndHeaders``, which also
    percent-encodes non-ASCII header values as RFC 8187 asks); each record is then laid out
    exactly as warcio's ``WARCWriter`` lays it out (WARC/1.0, the named fields, Content-Type,
    Content-Length, the block, two CRLFs) and compressed as its own gzip member with warcio's
    settings. Writing the records here instead of through ``WARCWriter`` halves the cost of a
    crawl; ``tests/test_evidence.py`` checks that the bytes are the same as ``WARCWriter``'s,
    and ``warcio check`` verifies every digest.

    Subclass and override :meth:`make_record_id` (and pass ``warc_date``) to make the
    output byte-for-byte repeatable, as warcio's own tests do.
    """

    def make_record_id(self) -> str:
        return f"<urn:uuid:{uuid.uuid4()}>"

    def write(self, stream, fetched: Fetched, *, warc_date: str, metadata: dict) -> None:
        url = fetched.final_url or fetched.url or ""
        split = urlsplit(url)
        path = split.path or "/"
        if split.query:
            path += "?" + split.query
        request_headers = [(k, v) for k, v in fetched.request_headers if k.lower() != "host"]
        request_headers.insert(0, ("Host", split.netloc))
        asked = warc_headers(  # a request line names its protocol last, never first
            request_headers, f"{fetched.method} {path} {fetched.http_version}", "")
        answered = warc_headers(fetched.headers, f"{fetched.status} {fetched.reason}".strip(),
                                fetched.http_version)
        asked_bytes, answered_bytes = asked.to_ascii_bytes(), answered.to_ascii_bytes()
        meta_bytes = _JSON_SORTED.encode(metadata).encode()
        block = hashlib.sha1(answered_bytes)
        block.update(fetched.body)
        asked_block, answered_block, payload, meta = _sha1_base32(
            hashlib.sha1(asked_bytes), block, hashlib.sha1(fetched.body),
            hashlib.sha1(meta_bytes))
        response_id, request_id = self.make_record_id(), self.make_record_id()
        stream.write(_warc_record([
            ("WARC-Type", "response"), ("WARC-Record-ID", response_id),
            ("WARC-Target-URI", url), ("WARC-Date", warc_date),
            ("WARC-Payload-Digest", payload), ("WARC-Block-Digest", answered_block),
            ("Content-Type", "application/http; msgtype=response")], answered_bytes,
            fetched.body))
        stream.write(_warc_record([
            ("WARC-Type", "request"), ("WARC-Record-ID", request_id),
            ("WARC-Target-URI", url), ("WARC-Date", warc_date),
            ("WARC-Concurrent-To", response_id), ("WARC-Payload-Digest", _EMPTY_SHA1),
            ("WARC-Block-Digest", asked_block),
            ("Content-Type", "application/http; msgtype=request")], asked_bytes, b""))
        # The record describes the page; it is not the page. Its own urn: target keeps a replay
        # tool (pywb, ReplayWeb.page) from serving it for the page's address.
        stream.write(_warc_record([
            ("WARC-Type", "metadata"), ("WARC-Record-ID", self.make_record_id()),
            ("WARC-Target-URI", f"urn:osintlab:record:{url}"), ("WARC-Date", warc_date),
            ("WARC-Concurrent-To", response_id), ("WARC-Refers-To", response_id),
            ("WARC-Payload-Digest", meta), ("WARC-Block-Digest", meta),
            ("Content-Type", "application/json")], b"", meta_bytes))


_JSON_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _warc_record(fields: list[tuple[str, str]], http: bytes, body: bytes) -> bytes:
    r"""One WARC/1.0 record as one gzip member, laid out as warcio's ``WARCWriter`` lays it
    out: the fields, ``Content-Length`` (of the HTTP header block and the body), a blank line,
    the block, two CRLFs; compressed at level 9, as warcio compresses.

    Example:
        >>> import gzip
        >>> gzip.decompress(_warc_record([("WARC-Type", "metadata")], b"", b"{}"))
        b'WARC/1.0\r\nWARC-Type: metadata\r\nContent-Length: 2\r\n\r\n{}\r\n\r\n'
    """
    head = "".join(f"{name}: {value}\r\n" for name, value in fields)
    whole = (f"WARC/1.0\r\n{head}Content-Length: {len(http) + len(body)}\r\n\r\n".encode()
             + http + body + b"\r\n\r\n")
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return packer.compress(whole) + packer.flush()


def _sha1_base32(*digests) -> list[str]:
    """``sha1:<base 32>`` of each SHA-1 (a WARC digest), with one base-32 call for all: 20 bytes
    are exactly 32 base-32 letters, so the letters of each digest stand apart.

    Example:
        >>> _sha1_base32(hashlib.sha1(b""))
        ['sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ']
    """
    letters = base64.b32encode(b"".join(digest.digest() for digest in digests)).decode()
    return ["sha1:" + letters[at:at + 32] for at in range(0, len(letters), 32)]


_EMPTY_SHA1 = _sha1_base32(hashlib.sha1(b""))[0]  # the payload digest of a request with no body


def zone(name: str) -> ZoneInfo:
    """The time zone ``name`` (IANA, from tzdata), or an error that shows the right form.

    Example:
        >>> zone("Asia/Almaty").key
        'Asia/Almaty'
    """
    from zoneinfo import ZoneInfoNotFoundError

    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise CaptureFailed(_(
            "{name!r} is not a time zone name: use the IANA name of the place, such as "
            "'Asia/Almaty', 'Asia/Bishkek', 'Asia/Tashkent', 'Asia/Dushanbe' or "
            "'Asia/Ashgabat'."
        ).format(name=name)) from None


def local_time(utc: str | None, place: str) -> str | None:
    """A record's UTC time (``2024-05-02T08:00:00Z``) in the time zone ``place``, with its offset.

    Example:
        >>> local_time("2024-05-02T08:00:00Z", "Asia/Almaty")
        '2024-05-02 13:00:00 UTC+05:00 (Asia/Almaty)'
    """
    if not utc:
        return None
    moment = dt.datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    here = moment.astimezone(zone(place))
    offset = here.strftime("%z")
    return f"{here:%Y-%m-%d %H:%M:%S} UTC{offset[:3]}:{offset[3:]} ({place})"
