"""What the sandbox serves: each fictional host's files, and its behaviour from ``sites.yml``.

:func:`load_sites` indexes every host folder under ``datasets/web`` (only files that really lie
inside it; symlinks pointing outside are left out) and checks ``sites.yml`` against the one
spelling the world generator (``osintlab.world.web``) writes: an unknown, missing or wrongly
shaped key is an error naming the key, its place and the file. A host that is not a folder
of files is an app taking a :class:`Request` and returning a :class:`Reply`.

Example:
    >>> sites = load_sites(Path("tests/fixtures/sandbox-web"))
    >>> sites["shop.example"].find("", "")
    'index.html'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._i18n import _
from ..exceptions import DatasetMissing

__all__ = ["Reply", "Request", "Site", "load_sites"]


@dataclass
class Request:
    """One request as a mounted app sees it: method, host, path (raw), query, headers, body."""

    method: str
    host: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    client: str = "127.0.0.1"


@dataclass
class Reply:
    """What the server sends back: status, headers, body bytes."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Site:
    """One fictional host: its file index, behaviour from sites.yml, and cached bytes."""

    host: str
    folder: Path | None
    config: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)
    cache: dict[str, bytes] = field(default_factory=dict)
    app: Callable[[Request], Reply] | None = None
    label: str = ""  # a mounted host's title; a site of files is listed by its host name

    @property
    def title(self) -> str:
        return self.label or self.host

    def index(self) -> None:
        """Record every regular file that really lies inside the site's folder."""
        if self.folder is None:
            return
        base = self.folder.resolve()
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            for name in filenames:
                path = Path(dirpath) / name
                real = path.resolve()
                if not real.is_relative_to(base) or not real.is_file():
                    continue  # a symlink pointing outside the site, or a broken one
                self.files[path.relative_to(base).as_posix()] = real
            dirnames[:] = [d for d in dirnames if not (Path(dirpath) / d).is_symlink()]

    def read(self, key: str) -> bytes:
        data = self.cache.get(key)
        if data is None:
            data = self.cache[key] = self.files[key].read_bytes()
        return data

    def find(self, key: str, query: str) -> str | None:
        """The file key answering ``/key?query``: wget-style names, page-N.html, index.html."""
        if query:
            for name in (f"{key}?{query}", f"{key}?{query}.html"):
                if name in self.files:
                    return name
        stem = key.rstrip("/")
        candidates = [key] if key and not key.endswith("/") else []
        if query and re.fullmatch(r"page=\d{1,6}", query):  # /listings?page=2 -> page-2.html
            candidates.insert(0, f"{stem}/{query.replace('=', '-')}.html")
        candidates += [f"{stem}/index.html" if stem else "index.html", f"{stem}.html"]
        if stem:
            candidates.append(f"{stem}/page-1.html")  # a paginated folder starts at page 1
        for name in candidates:
            if name in self.files:
                return name
        return None


_NUMBER = (int, float)
_SITE: dict[Any, Any] = {  # one host in sites.yml, as osintlab.world.web writes it ("?": optional)
    "root?": str,
    "what?": str,
    "gzip?": bool,
    "rate_limit?": {"requests": int, "window_seconds": _NUMBER, "retry_after_seconds?": _NUMBER},
    "redirects?": [{"path": str, "target": str, "status": int}],
    "login?": {
        "path": str, "method?": str, "page?": str, "fields": {"user": str, "password": str},
        "credentials": {"user": str, "password": str}, "cookie": str, "protected": [str],
        "redirect_after_login?": str,
    },
    "charsets?": {str: str},  # page path -> charset
    "slow_pages?": [{"path": str, "delay_seconds": _NUMBER}],
    "large_pages?": [str],
    "broken_links?": [str],
    # account pages under prefix: an unknown account gets a soft 404 (page, status 200) or a
    # redirect (302 to target) instead of a 404
    "profiles?": {"prefix": str, "missing": str, "page?": str, "target?": str},
}
_MANIFEST = {"hosts": {str: _SITE}}


def _check(value: Any, schema: Any, where: list[str], manifest: Path) -> None:
    """Raise DatasetMissing naming the key and the file unless ``value`` fits ``schema``.

    A schema is a type (or tuple of types), ``[item schema]``, ``{str: value schema}`` (any
    keys), or ``{"key": schema, "optional?": schema}`` (exactly those keys).
    """
    place = " → ".join(where) or _("the top level")
    if isinstance(schema, dict) and isinstance(value, dict):
        if list(schema) == [str]:
            for key, item in value.items():
                _check(key, str, [*where, str(key)], manifest)
                _check(item, schema[str], [*where, str(key)], manifest)
            return
        keys = {k.rstrip("?"): k for k in schema}
        for key, item in value.items():
            if key not in keys:
                raise DatasetMissing(_(
                    "{file}: unknown key '{key}' in {where}. The keys allowed there are: "
                    "{allowed}."
                ).format(file=manifest, key=key, where=place, allowed=", ".join(keys)),
                    path=str(manifest), key=str(key))
            _check(item, schema[keys[key]], [*where, key], manifest)
        for key, spelt in keys.items():
            if key not in value and not spelt.endswith("?"):
                raise DatasetMissing(_(
                    "{file}: the key '{key}' is missing from {where}."
                ).format(file=manifest, key=key, where=place), path=str(manifest), key=key)
        return
    if isinstance(schema, list) and isinstance(value, list):
        for number, item in enumerate(value, 1):
            _check(item, schema[0], [*where, f"#{number}"], manifest)
        return
    kinds = schema if isinstance(schema, tuple) else (schema,)
    if isinstance(schema, (dict, list)) or not isinstance(value, kinds) or (
            isinstance(value, bool) and bool not in kinds):
        raise DatasetMissing(_(
            "{file}: {where} has the wrong form ({value}). The sites.yml section of "
            "datasets/web/README.md says what each key takes."
        ).format(file=manifest, where=place, value=repr(value)[:80]),
            path=str(manifest), key=where[-1] if where else None)


def load_sites(web: Path) -> dict[str, Site]:
    """Every host folder under ``web`` with its behaviour from ``web/sites.yml`` (if any).

    Example:
        >>> from osintlab import datasets
        >>> sorted(load_sites(Path("tests/fixtures/sandbox-web")))[:2]
        ['forum.example', 'shop.example']
    """
    web = Path(web)
    described: dict[str, Any] = {}
    manifest = web / "sites.yml"
    if manifest.is_file():
        loaded = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        _check(loaded, _MANIFEST, [], manifest)
        described = {k.lower(): v for k, v in loaded["hosts"].items()}
    sites: dict[str, Site] = {}
    roots = {v.get("root", k): k for k, v in described.items()}
    for folder in sorted(p for p in web.iterdir() if p.is_dir()) if web.is_dir() else []:
        if "." not in folder.name or folder.name.startswith("."):
            continue
        host = roots.get(folder.name, folder.name).lower()
        site = Site(host, folder, described.get(host, {}))
        site.index()
        sites[host] = site
    return sites
