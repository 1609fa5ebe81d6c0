"""Find e-mails, phone numbers, URLs, usernames, IP addresses and crypto addresses in a page.

One function per kind of entity, and :func:`entities` for all of them in one table. Each
takes what you have: text, HTML, the bytes of a page, a ``requests.Response``, a
BeautifulSoup object, or pages collected with :mod:`osintlab.web` (then a ``page`` column comes
first, and pages that were not found are skipped). Each returns a pandas table with one row per
place an entity was found:

=============  ==============================================================================
``kind``       ``email``, ``phone``, ``url``, ``username``, ``ip`` or ``crypto``
``value``      the text exactly as it was written on the page
``normalized`` one standard form, for comparing and searching (a phone in E.164: +77995550117)
``valid``      True if the value passes the checks for its kind (checksum, numbering plan...)
``reason``     why it is not valid (empty when it is): a typo, a wrong checksum, a bad range
``note``       what else an investigator should know (obfuscated, documentation range, ...)
``found_in``   ``text``, ``comment`` or ``attribute <name>`` (an HTML comment is a classic leak)
``offset``     where it starts in the text that was searched (for plain text: in your text)
``context``    a few words around it, to judge it without opening the page again
=============  ==============================================================================

Some kinds add a column of their own (``obfuscated`` for e-mails, ``region`` for phones,
``range`` for IP addresses, ``network`` and ``type`` for crypto addresses, ``platform`` for
usernames, ``host`` for URLs). Entries that fail a check are flagged, never dropped: a
wrong checksum is itself a finding (a typo in a statement, or a forged address).

In HTML, the visible text, comments and attribute values (links, ``mailto:``, ``tel:``,
``content`` of meta and microdata tags) are searched; scripts and styles are not text.

Example:
    >>> from osintlab import extract
    >>> page = '<p>Write to <a href="mailto:seller@bazaar.example">me</a>, +7 799 555 0117</p>'
    >>> extract.emails(page)[["value", "found_in"]].to_dict("records")
    [{'value': 'seller@bazaar.example', 'found_in': 'attribute href'}]
    >>> extract.phones(page)["normalized"].tolist()
    ['+77995550117']
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pandas as pd
import phonenumbers

from .._i18n import N_, _
from ..exceptions import ExtractError
from . import _checksums

__all__ = ["crypto", "emails", "entities", "ips", "phones", "urls", "usernames"]

#: The columns every table has, in this order (kinds add theirs after these).
COLUMNS = [
    "kind",
    "value",
    "normalized",
    "valid",
    "reason",
    "note",
    "found_in",
    "offset",
    "context",
]

#: The default region for numbers written without a country code (8 707 ... is Kazakhstan).
DEFAULT_REGION = "KZ"

_CONTEXT = 30
_BLOCK_END = object()  # marks, on the walk's stack, where a block element ends
_NOT_TEXT = {"script", "style", "template"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
    "p", "pre", "section", "table", "td", "th", "title", "tr", "ul",
}  # fmt: skip
_SKIPPED_ATTRIBUTES = {"class", "id", "style", "lang", "dir", "role", "type", "rel", "charset"}
_HTML_HINT = re.compile(
    r"<(?:!doctype|!--|/?(?:html|head|body|div|span|p|a|br|table|tr|td|li|ul|ol|h[1-6]|meta|"
    r"script|style|img|section|article|header|footer|main|nav|form|input|strong|em|b|i|"
    r"dl|dt|dd|title|link|time|address)\b)",
    re.IGNORECASE,
)


# ---- reading the input ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    """One stretch of searchable text: where it came from and where it starts."""

    found_in: str
    text: str
    start: int
    page: str | None = None  # the page's address, when the input was collected pages


def _decode(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: the declared charset, else what the page says or looks like."""
    if declared:
        try:
            return data.decode(declared, errors="replace")
        except LookupError:
            pass  # an unknown charset name: guess as if none was declared
    from bs4 import UnicodeDammit

    guess = UnicodeDammit(data, ["utf-8", "windows-1251"], is_html=True)
    if guess.unicode_markup is not None:
        return guess.unicode_markup
    return data.decode("utf-8", errors="replace")


def _wrong_type(source: Any) -> ExtractError:
    kind = type(source).__name__
    return ExtractError(
        _(
            "extract cannot read {kind}: give it text (a str), the bytes of a page, a response "
            "from `web.get(...)` or a BeautifulSoup object. For a table column, join it first: "
            'extract.emails("\\n".join(table["column"])).'
        ).format(kind=kind),
        value=source,
    )


class _Read(list):  # type: ignore[type-arg]
    """Segments already read (``entities`` reads a page once for all six finders)."""

    pages = False  # read from collected pages: tables get a ``page`` column first


def _read(source: Any, html: bool | None) -> list[_Segment]:
    """The searchable segments of ``source``, read once."""
    if isinstance(source, _Read):
        return source
    if _is_page(source):
        source = [source]
    if isinstance(source, list) and source and all(_is_page(page) for page in source):
        segments = _Read()
        for page in source:
            if page.status != 200:  # a "not found" page says nothing about the seller
                continue
            content = page.response if page.response is not None else page.text
            segments.extend(_Segment(s.found_in, s.text, s.start, page.url)
                            for s in _segments(content, html))
        segments.pages = True
        return segments
    return _Read(_segments(source, html))


def _is_page(source: Any) -> bool:
    """A page collected with :mod:`osintlab.web` (its ``Page``)."""
    return type(source).__name__ == "Page" and type(source).__module__ == "osintlab.web"


def _segments(source: Any, html: bool | None) -> list[_Segment]:
    """Split the input into searchable segments (plain text: one segment, offsets exact)."""
    base = None
    soup = None
    if source is None or isinstance(source, bool | int | float):
        raise _wrong_type(source)
    if isinstance(source, str):
        text = source
    elif isinstance(source, bytes | bytearray):
        text = _decode(bytes(source))
    elif _is_soup(source):
        soup = source
    elif _is_response(source):
        base = str(source.url or "") or None
        declared = _declared_charset(source.headers.get("Content-Type", ""))
        text = _decode(source.content or b"", declared)
        if html is None:
            content_type = source.headers.get("Content-Type", "").lower()
            html = "html" in content_type or "xml" in content_type or None
    else:
        raise _wrong_type(source)
    if soup is None:
        if html is None:
            html = bool(_HTML_HINT.search(text))
        if not html:
            return [_Segment("text", text, 0)]
        soup = _parse(text)
    return _html_segments(soup, base)


def _is_response(source: Any) -> bool:
    return all(hasattr(source, name) for name in ("content", "headers", "url", "status_code"))


def _is_soup(source: Any) -> bool:
    try:
        from bs4 import Tag
    except ImportError:  # pragma: no cover - bs4 is a dependency
        return False
    return isinstance(source, Tag)


def _declared_charset(content_type: str) -> str | None:
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _parse(text: str) -> Any:
    from bs4 import BeautifulSoup

    try:
        return BeautifulSoup(text, "lxml")
    except Exception:  # lxml refuses some broken input; the standard parser never does
        return BeautifulSoup(text, "html.parser")


def _attribute_text(name: str, value: Any, base: str | None) -> str:
    text = " ".join(value) if isinstance(value, list) else str(value)
    lowered = text.strip().lower()
    if lowered.startswith(("mailto:", "tel:")):
        return unquote(text.strip())
    if base and name in ("href", "src", "action") and not re.match(r"^[a-z][a-z0-9+.-]*:", lowered):
        return urljoin(base, text.strip())
    return text


def _html_segments(soup: Any, base: str | None) -> list[_Segment]:
    """Visible text as a browser shows it (blocks on new lines), then comments and attributes."""
    from bs4 import Comment, NavigableString, Tag
    from bs4.element import PreformattedString

    base_tag = soup.find("base", href=True)
    if base_tag is not None:
        base = urljoin(base or "", str(base_tag["href"]))
    visible: list[str] = []
    others: list[tuple[str, str]] = []
    stack: list[Any] = [soup]
    while stack:  # no recursion: broken pages can nest thousands of unclosed tags
        node = stack.pop()
        if node is _BLOCK_END:
            visible.append("\n")
            continue
        if isinstance(node, Comment):
            others.append(("comment", str(node)))
            continue
        if isinstance(node, PreformattedString):
            continue  # doctype, CDATA, processing instructions
        if isinstance(node, NavigableString):
            visible.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        for name, value in node.attrs.items():
            lowered = str(name).lower()
            if lowered in _SKIPPED_ATTRIBUTES or lowered.startswith("on"):
                continue
            text = _attribute_text(lowered, value, base)
            if text.strip():
                others.append((f"attribute {lowered}", text))
        if node.name in _NOT_TEXT:
            # comments inside scripts are not HTML comments; keep only real comment nodes
            continue
        block = node.name in _BLOCK
        if block:
            stack.append(_BLOCK_END)
        stack.extend(reversed([*node.children]))
        if block:
            visible.append("\n")
    segments: list[_Segment] = []
    start = 0
    text = re.sub(r"\n\s*\n+", "\n", "".join(visible)).strip()
    for found_in, piece in [("text", text), *others]:
        segments.append(_Segment(found_in, piece, start))
        start += len(piece) + 1
    return segments


# ---- building the table ---------------------------------------------------------------------


@dataclass
class _Found:
    value: str
    normalized: str
    valid: bool
    reason: str
    note: str
    start: int
    end: int
    extra: dict[str, Any]


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - _CONTEXT) : start]
    after = text[end : end + _CONTEXT]
    snippet = ("…" if start > _CONTEXT else "") + before + text[start:end] + after
    snippet += "…" if end + _CONTEXT < len(text) else ""
    return re.sub(r"\s+", " ", snippet).strip()


def _table(
    kind: str,
    extra_columns: list[str],
    finder: Callable[[str], Iterable[_Found]],
    segments: list[_Segment],
) -> pd.DataFrame:
    rows = []
    for segment in segments:
        for found in finder(segment.text):
            rows.append(
                {
                    "kind": kind,
                    "value": found.value,
                    "normalized": found.normalized,
                    "valid": found.valid,
                    "reason": found.reason,
                    "note": found.note,
                    "found_in": segment.found_in,
                    "offset": segment.start + found.start,
                    "context": _context(segment.text, found.start, found.end),
                    **found.extra,
                    "page": segment.page,
                }
            )
    by_page = ["page"] if getattr(segments, "pages", False) else []
    table = pd.DataFrame(rows, columns=[*by_page, *COLUMNS, *extra_columns])
    table["valid"] = table["valid"].astype(bool)
    table["offset"] = table["offset"].astype(int)
    return table


# ---- e-mails ------------------------------------------------------------------------------

_AT = r"(?:@|\s*[\[\(\{<]\s*(?:at|@|собака)\s*[\]\)\}>]\s*)"
_DOT = r"(?:\.|\s*[\[\(\{<]\s*(?:dot|\.|точка)\s*[\]\)\}>]\s*)"
_EMAIL = re.compile(
    rf"(?<![\w.+%-])([\w.+%-]+){_AT}((?:[\w-]+{_DOT})+[^\W\d_]{{2,}})(?![\w-])",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^(?!-)[\w-]{1,63}(?<!-)$")


def _email_reason(local: str, domain: str) -> str:
    if len(local) > 64:
        return _("the part before @ is longer than 64 characters")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return _("the part before @ starts or ends with a dot, or has two dots in a row")
    labels = domain.split(".")
    if any(not _LABEL.match(label) for label in labels):
        return _("a part of the domain is empty, too long or starts or ends with '-'")
    if len(domain) > 253:
        return _("the domain is longer than 253 characters")
    return ""


def _find_emails(text: str) -> Iterable[_Found]:
    for match in _EMAIL.finditer(text):
        written = match.group(0)
        obfuscated = "@" not in written or bool(re.search(r"[\[\(\{<]|\s", written))
        local = match.group(1)
        domain = re.sub(_DOT, ".", match.group(2), flags=re.IGNORECASE)
        reason = _email_reason(local, domain)
        note = _("written obfuscated, to hide it from collection tools") if obfuscated else ""
        yield _Found(
            written,
            f"{local}@{domain}".lower(),
            not reason,
            reason,
            note,
            match.start(),
            match.end(),
            {"obfuscated": obfuscated},
        )


def emails(source: Any, *, html: bool | None = None) -> pd.DataFrame:
    """Every e-mail address, also written obfuscated ("name [at] mail [dot] example").

    ``normalized`` is the plain address in lower case; ``obfuscated`` says that the page
    hid the address (an obfuscated address is still valid).

    Example:
        >>> table = emails("Write to d.karimov [at] post [dot] example, not to me.")
        >>> table[["normalized", "valid", "obfuscated"]].values.tolist()
        [['d.karimov@post.example', True, True]]
    """
    return _table("email", ["obfuscated"], _find_emails, _read(source, html))


# ---- phone numbers --------------------------------------------------------------------------

_PHONE_TYPES = {  # N_: in the catalogue, so that _(kind) below finds their translation
    phonenumbers.PhoneNumberType.MOBILE: N_("mobile"),
    phonenumbers.PhoneNumberType.FIXED_LINE: N_("fixed line"),
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: N_("fixed line or mobile"),
    phonenumbers.PhoneNumberType.TOLL_FREE: N_("toll free"),
    phonenumbers.PhoneNumberType.VOIP: N_("internet telephony (VoIP)"),
}
_IPV4_LIKE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")


def _phone_reason(number: Any) -> str:
    reason = phonenumbers.is_possible_number_with_reason(number)
    reasons = {
        phonenumbers.ValidationResult.TOO_SHORT: _("too few digits for its country"),
        phonenumbers.ValidationResult.TOO_LONG: _("too many digits for its country"),
        phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: _("no country has this code"),
        phonenumbers.ValidationResult.INVALID_LENGTH: _("the wrong number of digits"),
    }
    if reason == phonenumbers.ValidationResult.IS_POSSIBLE:  # the right length, no range
        return _("the right length, but in no range allocated to an operator: no real "
                 "subscriber has this number (a typo, or an invented number)")
    return reasons.get(reason, _("not a number in its country's numbering plan"))


def _phone_finder(region: str) -> Callable[[str], Iterable[_Found]]:
    def find(text: str) -> Iterable[_Found]:
        matcher = phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.POSSIBLE
        )
        for match in matcher:
            raw = match.raw_string
            digits = re.sub(r"\D", "", raw)
            if _IPV4_LIKE.match(raw) or _DATE_LIKE.match(raw):
                continue  # an IP address or a date, not a phone number
            if not raw.startswith("+") and len(digits) < 9:
                continue  # too short to be taken for a phone number without a country code
            number = match.number
            valid = phonenumbers.is_valid_number(number)
            country = phonenumbers.region_code_for_number(number) or ""
            kind = _PHONE_TYPES.get(phonenumbers.number_type(number), "")
            note = ", ".join(part for part in (_(kind) if kind else "", country) if part)
            yield _Found(
                raw,
                phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                valid,
                "" if valid else _phone_reason(number),
                note,
                match.start,
                match.end,
                {"region": country},
            )

    return find


def phones(source: Any, *, region: str = DEFAULT_REGION, html: bool | None = None) -> pd.DataFrame:
    """Every phone number (Google's libphonenumber rules); ``normalized`` is E.164.

    ``region`` is the country assumed for numbers written without a country code: "KZ"
    (Kazakhstan), "KG", "TJ", "TM" or "UZ". ``region`` in the table is the country the
    number belongs to.

    Example:
        >>> table = phones("Call 8 799 555 01 17 or +996 799 555 021.")
        >>> table[["normalized", "region"]].values.tolist()
        [['+77995550117', 'KZ'], ['+996799555021', 'KG']]
    """
    if not isinstance(region, str) or region.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise ExtractError(
            _(
                "region={region!r} is not a known country code. Give the two letters of the "
                "country whose numbers are written without a +code, such as "
                '"KZ", "KG", "TJ", "TM" or "UZ".'
            ).format(region=region),
            value=region,
        )
    return _table("phone", ["region"], _phone_finder(region.upper()), _read(source, html))


# ---- URLs -----------------------------------------------------------------------------------

_URL = re.compile(
    r"(?<![\w/])(?:https?|hxxps?|ftp|fxp)(?:://|\[://\]|\[:\]//)[^\s<>\"'`]+", re.IGNORECASE
)
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TRAILING = ".,;:!?'\")]}»"


def _trim_url(text: str) -> str:
    while text and text[-1] in _TRAILING:
        if text[-1] == ")" and text.count("(") >= text.count(")"):
            break
        if text[-1] == "]" and text.count("[") >= text.count("]"):
            break
        text = text[:-1]
    return text


def _refang(text: str) -> str:
    text = re.sub(r"^hxxp", "http", text, flags=re.IGNORECASE)
    text = re.sub(r"^fxp", "ftp", text, flags=re.IGNORECASE)
    return text.replace("[://]", "://").replace("[:]", ":").replace("[.]", ".").replace("(.)", ".")


def _host_reason(host: str) -> str:
    if not host:
        return _("it has no host name after ://")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return ""
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if len(labels) < 2 and host != "localhost":
        return _("the host name '{host}' has no dot (a typo?)").format(host=host)
    try:
        labels = host.rstrip(".").encode("idna").decode("ascii").split(".")
    except UnicodeError:
        return _("the host name '{host}' is not a valid domain name").format(host=host)
    if any(not _HOST_LABEL.match(label) for label in labels):
        return _("the host name '{host}' is not a valid domain name").format(host=host)
    return ""


def _find_urls(text: str) -> Iterable[_Found]:
    for match in _URL.finditer(text):
        written = _trim_url(match.group(0))
        plain = _refang(written)
        defanged = plain != written
        reason, normalized, host = "", plain, ""
        try:
            parts = urlsplit(plain)
            host = (parts.hostname or "").lower()
            port = parts.port
            reason = _host_reason(host)
            netloc = host if ":" not in host else f"[{host}]"
            default = {"http": 80, "https": 443, "ftp": 21}.get(parts.scheme.lower())
            if port is not None and port != default:
                netloc += f":{port}"
            normalized = parts._replace(
                scheme=parts.scheme.lower(), netloc=netloc, path=parts.path or "/"
            ).geturl()
        except ValueError as error:
            reason = _("it cannot be read as a web address ({error})").format(error=error)
        note = _("written defanged (hxxp, [.]) so that nobody clicks it") if defanged else ""
        yield _Found(
            written,
            normalized,
            not reason,
            reason,
            note,
            match.start(),
            match.start() + len(written),
            {"host": host},
        )


def urls(source: Any, *, html: bool | None = None) -> pd.DataFrame:
    """Every web address (http, https, ftp), also written defanged (hxxp://site[.]example).

    In a response or a page with ``<base>``, relative links are made absolute.

    Example:
        >>> table = urls("See http://Bazaar.example:80/listings?page=2.")
        >>> table[["normalized", "host"]].values.tolist()
        [['http://bazaar.example/listings?page=2', 'bazaar.example']]
    """
    return _table("url", ["host"], _find_urls, _read(source, html))


# ---- usernames --------------------------------------------------------------------------------

_HANDLE = re.compile(r"(?<![\w@.+-])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,30}[A-Za-z0-9_])?)(?![\w@-])")
_HANDLE_RULE = re.compile(r"^[A-Za-z0-9_.]{3,32}$")


#: Where profile pages live on the fictional sites: /u/<name>, /seller/<name>.html, /@<name> ...
_PROFILE_PATH = re.compile(
    r"^/(?:(?:u|user|users|seller|sellers|member|members|profile|profiles)/|@)"
    r"([\w.-]+?)(?:\.html?)?/?$"
)


@dataclass(frozen=True)
class _Platform:
    name: str
    host: str
    profile: re.Pattern[str]


@lru_cache(maxsize=4)
def _platforms(root: str | None) -> tuple[_Platform, ...]:
    """The fictional sites of ``datasets/web/sites.yml`` (``root``: the cache key only).

    A site's platform name is its host's first label (``social`` for social.example); a
    site may name its own profile pattern with ``profile: /people/{username}``.
    """
    from .. import datasets as _datasets
    from ..exceptions import DatasetMissing

    try:
        sites = _datasets.path("web", "sites.yml")
    except DatasetMissing:
        return ()
    import yaml

    data = yaml.safe_load(sites.read_text(encoding="utf-8")) or {}
    hosts = data.get("hosts", {}) if isinstance(data, dict) else {}
    found = []
    for host, entry in hosts.items() if isinstance(hosts, dict) else ():
        entry = entry if isinstance(entry, dict) else {}
        profile = _PROFILE_PATH
        if entry.get("profile"):
            pattern = re.escape(str(entry["profile"])).replace(r"\{username\}", r"([\w.-]+)")
            profile = re.compile("^" + pattern + "/?$")
        name = str(entry.get("platform") or str(host).split(".")[0])
        found.append(_Platform(name, str(host).lower(), profile))
    return tuple(found)


def _username_finder(platforms: tuple[_Platform, ...]) -> Callable[[str], Iterable[_Found]]:
    def find(text: str) -> Iterable[_Found]:
        for match in _HANDLE.finditer(text):
            name = match.group(1)
            valid = bool(_HANDLE_RULE.match(name))
            reason = "" if valid else _("a handle has 3 to 32 letters, digits, '_' or '.'")
            yield _Found(
                match.group(0), name.lower(), valid, reason, _("a @handle (platform not named)"),
                match.start(), match.end(), {"platform": ""},
            )  # fmt: skip
        for found in _find_urls(text):
            parts = urlsplit(found.normalized)
            for platform in platforms:
                if (parts.hostname or "") != platform.host:
                    continue
                profile = platform.profile.match(parts.path)
                if profile:
                    name = unquote(profile.group(1))
                    yield _Found(
                        found.value, name.lower(), found.valid, found.reason,
                        _("profile page on {host}").format(host=platform.host),
                        found.start, found.end, {"platform": platform.name},
                    )  # fmt: skip

    return find


def usernames(source: Any, *, html: bool | None = None) -> pd.DataFrame:
    """Every @handle and every profile link of the course's fictional platforms.

    The platforms and their profile addresses are read from ``datasets/web/sites.yml``;
    ``normalized`` is the username in lower case, ``platform`` the platform of a profile
    link (empty for a bare @handle: the same handle may exist on several platforms).

    Example:
        >>> table = usernames("DM @steppe_trader_77 on Telegram")
        >>> table[["normalized", "platform"]].values.tolist()
        [['steppe_trader_77', '']]
    """
    import os

    from .. import datasets

    finder = _username_finder(_platforms(os.environ.get(datasets.ENV)))
    return _table("username", ["platform"], finder, _read(source, html))


# ---- IP addresses -----------------------------------------------------------------------------

_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)")
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|\d{1,3}(?:\.\d{1,3}){3})(?![\w:])"
)
_DOCUMENTATION = [
    ipaddress.ip_network("192.0.2.0/24"),
    ipaddress.ip_network("198.51.100.0/24"),
    ipaddress.ip_network("203.0.113.0/24"),
    ipaddress.ip_network("2001:db8::/32"),
    ipaddress.ip_network("3fff::/20"),
]


def _ip_range(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> tuple[str, str]:
    """The range's short name and a sentence for the note."""
    if any(address in network for network in _DOCUMENTATION if network.version == address.version):
        return "documentation", _(
            "documentation range (RFC 5737/3849): used in examples, never on the internet"
        )
    if address.is_loopback:
        return "loopback", _("loopback: the machine itself, never another computer")
    if address.is_unspecified:
        return "unspecified", _("unspecified address (0.0.0.0 or ::)")
    if address.is_link_local:
        return "link-local", _("link-local: valid only on one local network")
    if address.is_multicast:
        return "multicast", _("multicast: a group address, not one computer")
    if address.is_private:
        return "private", _(
            "private range: inside a home or office network; it does not identify anyone "
            "on the internet"
        )
    if address.is_reserved or not address.is_global:
        return "reserved", _("reserved range: not used on the public internet")
    return "public", ""


def _find_ips(text: str) -> Iterable[_Found]:
    for pattern, version in ((_IPV4, 4), (_IPV6, 6)):
        for match in pattern.finditer(text):
            written = match.group(0)
            if version == 6 and "::" not in written and written.count(":") < 7:
                continue  # times (12:30:45) and MAC addresses are not IPv6 addresses
            try:
                address = ipaddress.ip_address(written)
            except ValueError as error:
                message = str(error).split(" in ")[0]
                yield _Found(
                    written, written, False,
                    _("not a valid IPv{version} address: {why}").format(
                        version=version, why=message),
                    "", match.start(), match.end(), {"version": version, "range": ""},
                )  # fmt: skip
                continue
            name, note = _ip_range(address)
            yield _Found(
                written, address.compressed, True, "", note, match.start(), match.end(),
                {"version": version, "range": name},
            )  # fmt: skip


def ips(source: Any, *, html: bool | None = None) -> pd.DataFrame:
    """Every IPv4 and IPv6 address; ``range`` flags documentation, private and other ranges.

    Example:
        >>> table = ips("login from 203.0.113.7 and 10.0.0.3, bad 300.1.2.3")
        >>> table[["value", "valid", "range"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
        [['203.0.113.7', True, 'documentation'], ['10.0.0.3', True, 'private'],
         ['300.1.2.3', False, '']]
    """
    return _table("ip", ["version", "range"], _find_ips, _read(source, html))


# ---- crypto addresses --------------------------------------------------------------------------

_B58 = "1-9A-HJ-NP-Za-km-z"
_BTC_BASE58 = re.compile(rf"(?<![\w])[13][{_B58}]{{25,34}}(?![\w])")
_TRON = re.compile(rf"(?<![\w])T[{_B58}]{{33}}(?![\w])")
_BECH32 = re.compile(r"(?<![\w])(?:bc|tb)1[a-z0-9]{6,87}(?![\w])", re.IGNORECASE)
_ETH = re.compile(r"(?<![\w])0x[0-9a-fA-F]{40}(?![\w])")
_SEGWIT_TYPES = {(0, 20): "P2WPKH", (0, 32): "P2WSH", (1, 32): "P2TR"}


def _crypto_found(
    match: re.Match[str], normalized: str, reason: str, note: str, network: str, kind: str
) -> _Found:
    return _Found(
        match.group(0), normalized, not reason, reason, note, match.start(), match.end(),
        {"network": network, "type": kind},
    )  # fmt: skip


def _find_crypto(text: str) -> Iterable[_Found]:
    for match in _BTC_BASE58.finditer(text):
        written = match.group(0)
        kind, reason = "P2PKH" if written[0] == "1" else "P2SH", ""
        try:
            version, payload = _checksums.b58check_decode(written)
            if (version, written[0]) not in ((0x00, "1"), (0x05, "3")) or len(payload) != 20:
                reason = _("the checksum matches, but it is not a Bitcoin address")
        except ValueError as error:
            reason = str(error)
        yield _crypto_found(match, written, reason, _("Bitcoin, Base58Check"), "bitcoin", kind)
    for match in _BECH32.finditer(text):
        written = match.group(0)
        hrp = written[:2].lower()
        kind, reason = "segwit", ""
        try:
            version, program = _checksums.segwit_decode(hrp, written)
            kind = _SEGWIT_TYPES.get((version, len(program)), f"segwit v{version}")
        except ValueError as error:
            reason = str(error)
        network = "bitcoin" if hrp == "bc" else "bitcoin testnet"
        spec = "Bech32m" if kind == "P2TR" else "Bech32"
        yield _crypto_found(match, written.lower(), reason, f"Bitcoin, {spec}", network, kind)
    for match in _TRON.finditer(text):
        written, reason = match.group(0), ""
        try:
            version, payload = _checksums.b58check_decode(written)
            if version != 0x41 or len(payload) != 20:
                reason = _("the checksum matches, but it is not a TRON address (prefix 0x41)")
        except ValueError as error:
            reason = str(error)
        note = _("TRON (USDT on TRON is common in fraud cases), Base58Check")
        yield _crypto_found(match, written, reason, note, "tron", "account")
    for match in _ETH.finditer(text):
        written = match.group(0)
        digits = written[2:]
        checksummed = _checksums.eip55(written)
        reason, note = "", _("Ethereum-style address, EIP-55 checksum matches")
        if digits.lower() == digits or digits.upper() == digits:
            note = _("Ethereum-style address in one case: it carries no checksum to test")
        elif written != checksummed:
            reason = _("the EIP-55 checksum (the pattern of capital letters) does not match")
            note = _("Ethereum-style address")
        yield _crypto_found(match, checksummed, reason, note, "ethereum", "account")


def crypto(source: Any, *, html: bool | None = None) -> pd.DataFrame:
    """Bitcoin (1..., 3..., bc1...), TRON (T...) and Ethereum-style (0x...) addresses.

    Each address's checksum is tested; an address whose checksum fails is kept, with
    ``valid`` False and the reason (a typo in a statement is itself a finding).

    Example:
        >>> text = "pay 17Zij68pMWfnnDtcSTtb2H9hDYm7Rg7hVG, not 17Zij68pMWfnnDtcSTtb2H9hDYm7Rg7hVH"
        >>> table = crypto(text)
        >>> table[["valid", "type"]].values.tolist()
        [[True, 'P2PKH'], [False, 'P2PKH']]
    """
    return _table("crypto", ["network", "type"], _find_crypto, _read(source, html))


# ---- all of them ----------------------------------------------------------------------------


def entities(
    source: Any, *, region: str = DEFAULT_REGION, html: bool | None = None
) -> pd.DataFrame:
    """Every entity of every kind in one table (the common columns), in order of appearance.

    Example:
        >>> table = entities("Mail a.b@mail.example or call +7 799 555 0117 from 198.51.100.4")
        >>> table[["kind", "normalized"]].values.tolist()
        [['email', 'a.b@mail.example'], ['phone', '+77995550117'], ['ip', '198.51.100.4']]
    """
    segments = _read(source, html)
    tables = [
        emails(segments),
        phones(segments, region=region),
        urls(segments),
        usernames(segments),
        ips(segments),
        crypto(segments),
    ]
    columns = (["page"] if segments.pages else []) + COLUMNS
    found = [t[columns] for t in tables if len(t)]
    if not found:
        return tables[0][columns]
    table = pd.concat(found, ignore_index=True)
    order = ["page", "offset", "kind"] if segments.pages else ["offset", "kind"]
    return table.sort_values(order, kind="stable").reset_index(drop=True)
