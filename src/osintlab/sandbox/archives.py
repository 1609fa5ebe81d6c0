"""The classroom's archives of the past: passive DNS, certificate transparency, WHOIS history.

Three HTTP apps the sandbox mounts beside ``rdap.example`` when it has ``datasets/domains``,
each answering only for the course's fictional world (names under ``.example``, addresses in
the documentation ranges); anything else gets a teaching refusal (403) and is looked up
nowhere.

* ``pdns.example``: passive DNS in the Common Output Format (one JSON object a line,
  ``application/x-ndjson``): ``/lookup/rrset/name/<name>`` (the name and the names under it)
  and ``/lookup/rdata/ip/<address>`` (every name seen on the address).
* ``ct.example``: certificate-transparency search as crt.sh answers it:
  ``/?q=<name>&output=json`` (certificates naming it or a name under it; ``%.`` in front is
  allowed) and ``/?d=<id>`` (the certificate itself, PEM).
* ``whois-history.example``: ``/<domain>``: the WHOIS answers kept for a domain, oldest
  first, each with its date (JSON).

Example:
    >>> app = pdns_app(Path("datasets/domains"))
    >>> reply = app(Request("GET", PDNS_HOST, "/lookup/rdata/ip/203.0.113.45", "", {}, b""))
    >>> reply.status, reply.headers["Content-Type"]
    (200, 'application/x-ndjson')
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from .._i18n import _
from .sites import Reply, Request
from .whois import fictional_address, fictional_name, load_domains, refusal

__all__ = ["CT_HOST", "HISTORY_HOST", "PDNS_HOST", "ct_app", "history_app", "pdns_app"]

PDNS_HOST = "pdns.example"
CT_HOST = "ct.example"
HISTORY_HOST = "whois-history.example"
_HEADERS = {"Access-Control-Allow-Origin": "*"}


def _json(status: int, body: Any, kind: str = "application/json") -> Reply:
    data = json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return Reply(status, {"Content-Type": f"{kind}; charset=utf-8", **_HEADERS},
                 data.encode("utf-8"))


def _error(status: int, message: str) -> Reply:
    return _json(status, {"error": message, "status": status})


def _refused(what: str, known: list[str], service: str) -> Reply:
    return _error(403, refusal(what[:200], known, service).strip())


# -- passive DNS --------------------------------------------------------------------------------
def pdns_app(domains: Path):
    """The ``pdns.example`` app: passive-DNS observations in the Common Output Format.

    Example:
        >>> app = pdns_app(Path("datasets/domains"))
        >>> path = "/lookup/rrset/name/dalamarket.example"
        >>> reply = app(Request("GET", PDNS_HOST, path, "", {}, b""))
        >>> [json.loads(line)["rdata"] for line in reply.body.splitlines()]
        ['198.51.100.77']
        >>> app(Request("GET", PDNS_HOST, "/lookup/rrset/name/google.com", "", {}, b"")).status
        403
    """
    rows = [json.loads(line) for line in
            (Path(domains) / "passive-dns.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    known = sorted(load_domains(domains))
    usage = _(
        "This classroom passive-DNS service answers two questions: "
        "http://{host}/lookup/rrset/name/<name> (what a name pointed to, and when) and "
        "http://{host}/lookup/rdata/ip/<address> (which names pointed to an address, and when)."
    ).format(host=PDNS_HOST)

    def app(request: Request) -> Reply:
        if request.method not in ("GET", "HEAD"):
            return _error(405, usage)
        parts = [unquote(p) for p in request.path.strip("/").split("/")]
        if len(parts) != 4 or parts[0] != "lookup":
            return _error(400, usage)
        kind, value = (parts[1], parts[2]), parts[3].lower().rstrip(".")
        if kind == ("rrset", "name"):
            if not fictional_name(value):
                return _refused(value, known, "passive DNS")
            found = [r for r in rows if r["rrname"] == value or r["rrname"].endswith("." + value)]
        elif kind == ("rdata", "ip"):
            if not fictional_address(value):
                return _refused(value, known, "passive DNS")
            found = [r for r in rows if r["rdata"] == value]
        else:
            return _error(400, usage)
        if not found:
            return _error(404, _("Passive DNS never saw {value}: no sensor recorded an answer "
                                 "for it.").format(value=value))
        body = "".join(json.dumps(r, sort_keys=True) + "\n" for r in found).encode("utf-8")
        return Reply(200, {"Content-Type": "application/x-ndjson", **_HEADERS}, body)

    return app


# -- certificate transparency -------------------------------------------------------------------
def ct_app(domains: Path):
    """The ``ct.example`` app: crt.sh-style search (JSON) and the certificates (PEM).

    Example:
        >>> app = ct_app(Path("datasets/domains"))
        >>> reply = app(Request("GET", CT_HOST, "/", "q=shop7x3k.example&output=json", {}, b""))
        >>> sorted({row["common_name"] for row in json.loads(reply.body)})
        ['dala-market.example']
        >>> first = json.loads(reply.body)[0]["id"]
        >>> app(Request("GET", CT_HOST, "/", f"d={first}", {}, b"")).body[:27]
        b'-----BEGIN CERTIFICATE-----'
    """
    folder = Path(domains) / "ct"
    rows = json.loads((folder / "crtsh.json").read_text(encoding="utf-8"))
    known = sorted(load_domains(domains))
    usage = _(
        "Search like crt.sh: http://{host}/?q=<domain>&output=json lists the certificates "
        "naming the domain or a name under it; http://{host}/?d=<id> gives one certificate "
        "(PEM)."
    ).format(host=CT_HOST)

    def app(request: Request) -> Reply:
        if request.method not in ("GET", "HEAD"):
            return _error(405, usage)
        asked = {k: v[-1] for k, v in parse_qs(request.query).items()}
        if "d" in asked:
            pem = folder / f"{asked['d']}.pem"
            if not asked["d"].isdigit() or not pem.is_file():
                return _error(404, _("No certificate has the id {id} in the classroom's "
                                     "CT logs.").format(id=asked["d"][:40]))
            return Reply(200, {"Content-Type": "application/x-pem-file", **_HEADERS,
                               "Content-Disposition": f'attachment; filename="{pem.name}"'},
                         pem.read_bytes())
        query = (asked.get("q") or asked.get("identity") or "").strip().lower()
        name = query.removeprefix("%.").removeprefix("*.").rstrip(".")
        if not name:
            return _error(400, usage)
        if not fictional_name(name):
            return _refused(query, known, "certificate-transparency search")
        found = [row for row in rows if any(
            n == name or n.endswith("." + name) for n in row["name_value"].split("\n"))]
        if asked.get("output") == "json":
            return _json(200, found)
        items = "".join(
            f'<tr><td><a href="/?d={r["id"]}">{r["id"]}</a></td><td>{r["not_before"]}</td>'
            f"<td>{html.escape(r['common_name'])}</td>"
            f"<td>{html.escape(r['name_value']).replace(chr(10), '<br>')}</td></tr>"
            for r in found)
        page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(name)}"
                "</title></head><body><table><tr><th>id</th><th>not_before</th>"
                f"<th>common_name</th><th>names</th></tr>{items}</table></body></html>\n")
        return Reply(200, {"Content-Type": "text/html; charset=utf-8", **_HEADERS},
                     page.encode("utf-8"))

    return app


# -- WHOIS history ------------------------------------------------------------------------------
def history_app(domains: Path, today: str = "2025-01-20"):
    """The ``whois-history.example`` app: ``/<domain>``, the WHOIS answers kept, oldest first.

    ``today`` is the date of the current answer (the world's reference day).

    Example:
        >>> app = history_app(Path("datasets/domains"))
        >>> reply = app(Request("GET", HISTORY_HOST, "/dala-market.example", "", {}, b""))
        >>> [r["date"] for r in json.loads(reply.body)["records"]]
        ['2023-05-11', '2025-01-20']
    """
    folder = Path(domains) / "whois"
    current = load_domains(domains)
    old: dict[str, list[tuple[str, Path]]] = {}
    for path in sorted((folder / "history").glob("*.txt")):
        match = re.fullmatch(r"(.+)-(\d{4}-\d\d-\d\d)\.txt", path.name)
        if match:
            old.setdefault(match[1].lower(), []).append((match[2], path))

    def app(request: Request) -> Reply:
        if request.method not in ("GET", "HEAD"):
            return _error(405, _("WHOIS history answers GET requests only."))
        name = unquote(request.path.strip("/")).lower().rstrip(".")
        if not name or "/" in name:
            return _error(400, _("Ask for one domain: http://{host}/<domain>, e.g. "
                                 "http://{host}/dala-market.example.").format(host=HISTORY_HOST))
        if not fictional_name(name):
            return _refused(name, sorted(current), "WHOIS history")
        kept = [*old.get(name, [])] + ([(today, current[name])] if name in current else [])
        if not kept:
            return _error(404, _("The WHOIS history keeps no answer for {name}.").format(
                name=name))
        records = [{"date": day, "whois": path.read_text(encoding="utf-8")} for day, path in kept]
        return _json(200, {"domain": name, "records": records})

    return app
