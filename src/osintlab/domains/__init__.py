"""Domains and infrastructure: who registered a name, where it is hosted, and since when.

One call per question, each a pandas table (or one record) with times in UTC:

- :func:`registration`: who registered a domain, at which registrar, when (RDAP first, WHOIS
  when RDAP has no answer), and whether a privacy proxy hides the registrant.
- :func:`whois`: the WHOIS answer as text, as a registry or registrar writes it.
- :func:`whois_history`: the older WHOIS answers a history service kept.
- :func:`records`: the domain's DNS records now (A, AAAA, NS, MX, TXT, ...).
- :func:`network`: who holds an address (RDAP ``ip network``): the hosting provider to ask.
- :func:`history`: passive DNS: what a name pointed to, or which names pointed to an address,
  from when to when.
- :func:`shared`: the names seen on an address *at the same time* as a domain (not "ever").
- :func:`certificates`: the certificates CT logs hold for a name, and the names each one
  covers, read from the certificate itself with ``cryptography``; :func:`certificate_names`:
  every name they cover, once each.
- :func:`timeline`: all of it on one UTC time line, each row naming its source.

Everything asks the classroom's services (:mod:`osintlab.sandbox`): fictional names under
``.example`` and documentation addresses only; a real name is refused, not looked up.

RDAP is read as RFC 9083 JSON directly rather than with ``whoisit``: ``whoisit`` fetches the
IANA bootstrap files from the internet (the classroom is offline) and turns dates into local
time, where an investigator's time line must stay in UTC.

Example:
    >>> from osintlab import domains
    >>> domains.registration("dala-market.example")["registrar"]      # doctest: +SKIP
    'Kokpar Names Ltd.'
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd

from .._i18n import _
from ..exceptions import DomainError, DuplicateCapture

__all__ = ["certificate_names", "certificates", "history", "network", "records", "registration",
           "shared", "timeline", "whois", "whois_history"]

#: What a privacy proxy writes where the registrant was (WHOIS and RDAP).
PROXY_WORDS = ("privacy", "redacted", "proxy")
_RECORD_TYPES = ("A", "AAAA", "CNAME", "NS", "MX", "TXT", "SOA")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


# -- input --------------------------------------------------------------------------------------
def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _fictional_address(value: str) -> bool:
    from ..sandbox.whois import fictional_address

    return fictional_address(value)


def _domain(value: object, verb: str) -> str:
    """The domain in ``value``, lower case; a teaching error for anything else."""
    if not isinstance(value, str) or not value.strip():
        raise DomainError(_(
            "{verb} needs one domain name as text, for example {verb}(\"dala-market.example\"); "
            "it got {given}."
        ).format(verb=verb, given=repr(value)[:80]), value=value)
    text = value.strip()
    if "://" in text or "/" in text or "@" in text:
        host = urlsplit(text if "://" in text else "http://" + text).hostname or "?"
        raise DomainError(_(
            "{given!r} is an address of a page, not a domain name. Give the name only: "
            "{verb}(\"{host}\")."
        ).format(given=text, verb=verb, host=host.removeprefix("www.")), value=value)
    name = text.lower().rstrip(".")
    if _is_address(name):
        raise DomainError(_(
            "{given} is an IP address, not a domain name. For who holds an address use "
            "domains.network(\"{given}\"); for the names seen on it, domains.history(\"{given}\")."
        ).format(given=name), value=value)
    if not _LABEL.match(name):
        raise DomainError(_(
            "{given!r} is not a domain name: a domain is labels of letters, digits and hyphens "
            "joined by dots, for example dala-market.example."
        ).format(given=text), value=value)
    if not name.endswith(".example"):
        raise DomainError(_(
            "Refused: {name} is not a name of the course's fictional world (they all end in "
            ".example), and nothing was looked up. Looking up a real domain is part of an "
            "investigation: it goes through your unit's procedures, from a computer authorised "
            "for it, not from the classroom."
        ).format(name=name), value=value)
    return name


def _address(value: object, verb: str) -> str:
    text = str(value).strip() if isinstance(value, str) else ""
    if not _is_address(text):
        raise DomainError(_(
            "{verb} needs an IP address as text, for example {verb}(\"203.0.113.45\"); it got "
            "{given}."
        ).format(verb=verb, given=repr(value)[:80]), value=value)
    if not _fictional_address(text):
        raise DomainError(_(
            "Refused: {address} is not an address of the course's fictional world (those are "
            "in 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32), and nothing "
            "was looked up."
        ).format(address=text), value=value)
    return str(ipaddress.ip_address(text))


# -- the classroom's services ---------------------------------------------------------------------
def _get(url: str, *, case: Any = None, session: Any = None, note: str = "") -> Any:
    """GET ``url`` from the sandbox; the response (captured into ``case`` if given)."""
    from .. import sandbox
    from ..evidence.case import given_case

    given_case(case)
    web = session if session is not None else sandbox.session()
    response = web.get(url, timeout=15)
    if response.status_code == 403:
        raise DomainError(_json_error(response), url=url)
    if case is not None and response.ok:
        try:
            response.item = case.capture(response, note or url)["item"]
        except DuplicateCapture as same:
            # another question (another name) got the same answer, byte for byte: it is
            # collected as its own item, so that the item says which question was asked
            response.item = case.capture(response, note or url, again=True)["item"]
            print(_("The answer is the same, byte for byte, as item {item}, which answered "
                    "another question: it was captured as its own item, {new}, with its own "
                    "source.").format(item=same.item, new=response.item))
    else:
        response.item = None
    return response


def _json_error(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:400]
    if isinstance(body, dict):
        return body.get("error") or " ".join(body.get("description", [])) or response.text
    return response.text[:400]


def _utc(value: Any) -> pd.Timestamp:
    """A time as a UTC timestamp (a time without a zone is taken as UTC, as crt.sh means it)."""
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


# -- registration ---------------------------------------------------------------------------------
def _vcard(entity: dict, key: str) -> str:
    for entry in entity.get("vcardArray", ["vcard", []])[1]:
        if entry[0] == key:
            value = entry[3]
            return ", ".join(v for v in value if v) if isinstance(value, list) else str(value)
    return ""


def _from_rdap(data: dict) -> dict:
    events = {e["eventAction"]: _utc(e["eventDate"]) for e in data.get("events", [])}
    found = {"registrar": "", "registrant_name": "", "registrant_org": "", "registrant_email": ""}
    for entity in data.get("entities", []):
        roles = entity.get("roles", [])
        if "registrar" in roles:
            found["registrar"] = _vcard(entity, "fn")
        if "registrant" in roles:
            found.update(registrant_name=_vcard(entity, "fn"),
                         registrant_org=_vcard(entity, "org"),
                         registrant_email=_vcard(entity, "email"))
    return {**found, "created": events.get("registration"),
            "updated": events.get("last changed"), "expires": events.get("expiration"),
            "nameservers": sorted(ns["ldhName"].lower() for ns in data.get("nameservers", [])),
            "status": list(data.get("status", []))}


_WHOIS_KEYS = {
    "registrar": ("Registrar", "Current Registar"),
    "registrant_name": ("Registrant Name", "Name"),
    "registrant_org": ("Registrant Organization", "Organization Name"),
    "registrant_email": ("Registrant Email", "Email Address"),
    "created": ("Creation Date", "Domain created"),
    "updated": ("Updated Date", "Last modified"),
    "expires": ("Registry Expiry Date",),
}


def parse_whois(text: str) -> dict:
    """The fields of a WHOIS answer (ICANN ``Key: value`` or dotted-label style), times in UTC.

    Example:
        >>> parse_whois("Registrar: Kokpar Names Ltd.\\nCreation Date: 2023-05-10T11:02:45Z")[
        ...     "created"]
        Timestamp('2023-05-10 11:02:45+0000', tz='UTC')
    """
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and value.strip() and not key.startswith((">", "%", "#")):
            fields.setdefault(key.strip().rstrip(".").strip(), []).append(value.strip())
    found: dict[str, Any] = {}
    for field, keys in _WHOIS_KEYS.items():
        value = next((fields[k][0] for k in keys if k in fields), "")
        if field in ("created", "updated", "expires") and value:
            value = _utc(re.sub(r"\s*\(GMT\+0:00\)", "", value))
        found[field] = value or (None if field in ("created", "updated", "expires") else "")
    servers = fields.get("Name Server", []) + fields.get("Primary server", []) + fields.get(
        "Secondary server", [])
    found["nameservers"] = sorted(s.lower() for s in servers)
    found["status"] = [s.split()[0] for s in fields.get("Domain Status", [])]
    return found


def registration(name: str, *, case: Any = None, session: Any = None) -> pd.Series:
    """Who registered ``name``, at which registrar and when: RDAP first, WHOIS as fallback.

    A record (pandas Series): ``domain``, ``source`` (``rdap`` or ``whois``), ``registrar``,
    ``registrant_name``, ``registrant_org``, ``registrant_email``, ``privacy_proxy`` (True when
    a proxy service stands where the registrant was: ask the registrar, who knows the
    customer), ``created``, ``updated``, ``expires`` (UTC), ``nameservers``, ``status``,
    ``item`` (the case item, with ``case=``).

    Example:
        >>> registration("dala-market.example")["created"]            # doctest: +SKIP
        Timestamp('2023-05-10 11:02:45+0000', tz='UTC')
    """
    domain = _domain(name, "registration")
    reply = _get(f"http://rdap.example/domain/{quote(domain)}", case=case, session=session,
                 note=_("RDAP look-up of {name}").format(name=domain))
    if reply.status_code == 200:
        found, source = _from_rdap(reply.json()), "rdap"
    else:
        text = _whois_text(domain)
        if not text:
            raise DomainError(_(
                "{name} is not registered: neither the classroom RDAP nor WHOIS knows it. "
                "Check the spelling (a hyphen makes another domain: dala-market.example and "
                "dalamarket.example are two)."
            ).format(name=domain), value=name)
        found, source = parse_whois(text), "whois"
    who = " ".join([found["registrant_name"], found["registrant_org"]]).lower()
    record = {"domain": domain, "source": source, **found,
              "privacy_proxy": any(word in who for word in PROXY_WORDS),
              "item": reply.item}
    order = ["domain", "source", "registrar", "registrant_name", "registrant_org",
             "registrant_email", "privacy_proxy", "created", "updated", "expires",
             "nameservers", "status", "item"]
    return pd.Series({k: record[k] for k in order}, name=domain)


def _whois_text(domain: str) -> str:
    """The classroom WHOIS server's answer for ``domain`` (TCP), or "" when it knows none."""
    from .. import sandbox
    from ..sandbox.whois import query

    found = sandbox.services()
    unavailable = _(
        "The classroom WHOIS service does not answer here ({why}), so WHOIS was not asked "
        "about {name}. Ask your trainer to start the classroom's services (osintlab sandbox "
        "serve), then run the cell again.")
    if not found.get("whois_port"):
        raise DomainError(unavailable.format(why=_("it is not running"), name=domain),
                          value=domain)
    try:
        text = query(int(found["whois_port"]), domain, found.get("host") or "127.0.0.1")
    except OSError as error:
        raise DomainError(unavailable.format(why=type(error).__name__, name=domain),
                          value=domain) from None
    return "" if text.startswith(("No match", "Refused")) else text


def whois(name: str) -> str:
    """The WHOIS answer for ``name`` as text, asked of the classroom WHOIS server (TCP).

    The same question as ``whois -h 127.0.0.1 -p <whois_port> <name>`` in a terminal (the
    port is ``sandbox.services()["whois_port"]``). Read it with ``print``; its times are
    written as the registry writes them, each with its zone. :func:`registration` reads the
    same facts, in UTC.

    Example:
        >>> print(whois("koinbridge.example"))                            # doctest: +SKIP
        Domain Name: KOINBRIDGE.EXAMPLE
        ...
    """
    domain = _domain(name, "whois")
    text = _whois_text(domain)
    if not text:
        raise DomainError(_(
            "WHOIS knows no {name}: check the spelling (a hyphen makes another domain: "
            "dala-market.example and dalamarket.example are two)."
        ).format(name=domain), value=name)
    return text


def whois_history(name: str, *, case: Any = None, session: Any = None) -> pd.DataFrame:
    """The WHOIS answers a history service kept for ``name``, oldest first, each parsed.

    One row per kept answer: ``date`` (UTC), the fields of :func:`parse_whois`, ``text``
    (the answer as it was) and ``item`` (the case item of the answer, with ``case=``).

    Example:
        >>> whois_history("dala-market.example")["registrant_name"].tolist()  # doctest: +SKIP
        ['Daniyar Mukhametov', 'REDACTED FOR PRIVACY']
    """
    domain = _domain(name, "whois_history")
    reply = _get(f"http://whois-history.example/{quote(domain)}", case=case, session=session,
                 note=_("WHOIS history of {name}").format(name=domain))
    if reply.status_code == 404:
        raise DomainError(_("The WHOIS history keeps no answer for {name}: it was never "
                            "registered, or nobody asked about it.").format(name=domain),
                          value=name)
    rows = [{"date": _utc(r["date"]), **parse_whois(r["whois"]), "text": r["whois"]}
            for r in reply.json()["records"]]
    table = pd.DataFrame(rows)
    table["item"] = reply.item
    table.attrs["item"] = reply.item
    return table


# -- DNS now --------------------------------------------------------------------------------------
def records(name: str, types: tuple[str, ...] | list[str] = _RECORD_TYPES) -> pd.DataFrame:
    """The DNS records of ``name`` now, asked of the classroom DNS: one row per record.

    Columns ``name``, ``type``, ``ttl``, ``data``. A type the name has none of is left out.

    Example:
        >>> records("dala-market.example", ["A", "MX"])["data"].tolist()   # doctest: +SKIP
        ['203.0.113.45', '10 mail.dala-market.example.']
    """
    import dns.resolver

    from .. import sandbox
    from ..sandbox.dns import Refused

    domain = _domain(name, "records")
    resolver = sandbox.resolver()
    rows = []
    for kind in [types] if isinstance(types, str) else types:
        try:
            answer = resolver.resolve(domain, kind.upper())
        except dns.resolver.NXDOMAIN:
            raise DomainError(_(
                "{name} does not exist in DNS (NXDOMAIN): no such name in its zone. Check "
                "the spelling, or ask domains.history(\"{name}\") whether it existed before."
            ).format(name=domain), value=name) from None
        except dns.resolver.NoAnswer:
            continue
        except Refused:  # no zone of the course holds the name
            raise DomainError(_(
                "The classroom DNS has no zone for {name}, so it refused the question and "
                "nothing was looked up anywhere. Check the spelling against the name as "
                "you found it (one letter makes another domain)."
            ).format(name=domain), value=name) from None
        except dns.resolver.NoNameservers as error:
            raise DomainError(str(error), value=name) from None
        for rrset in answer.response.answer:
            for item in rrset:
                rows.append({"name": str(rrset.name).rstrip("."),
                             "type": dns.rdatatype.to_text(rrset.rdtype), "ttl": rrset.ttl,
                             "data": item.to_text()})
    return pd.DataFrame(rows, columns=["name", "type", "ttl", "data"]).drop_duplicates(
        ignore_index=True)


# -- who holds an address -------------------------------------------------------------------------
def network(address: str, *, case: Any = None, session: Any = None) -> pd.Series:
    """Who holds ``address`` (RDAP ``ip network``): the hosting provider to send a request to.

    A domain name is resolved first (its A record). The record: ``address``, ``network``,
    ``range``, ``organisation``, ``city``, ``country``, ``abuse``, ``description`` (whether the
    addresses are shared hosting), ``registered``, ``item``.

    Example:
        >>> network("203.0.113.45")["organisation"]                     # doctest: +SKIP
        'Bulut Host LLP'
    """
    text = address.strip().lower() if isinstance(address, str) else address
    if isinstance(text, str) and not _is_address(text):
        found = records(_domain(text, "network"), ["A"])
        if found.empty:
            raise DomainError(_("{name} has no address (no A record) to look up.").format(
                name=text), value=address)
        text = found["data"].iloc[-1]
    ip = _address(text, "network")
    reply = _get(f"http://rdap.example/ip/{ip}", case=case, session=session,
                 note=_("RDAP look-up of {address}").format(address=ip))
    if reply.status_code != 200:
        raise DomainError(_json_error(reply), value=address)
    data = reply.json()
    holder = next((e for e in data["entities"] if "registrant" in e["roles"]), {})
    abuse = next((e for e in data["entities"] if "abuse" in e["roles"]), {})
    events = {e["eventAction"]: _utc(e["eventDate"]) for e in data.get("events", [])}
    return pd.Series({
        "address": ip, "network": data.get("name"),
        "range": f"{data['startAddress']} - {data['endAddress']}",
        "organisation": _vcard(holder, "org") or _vcard(holder, "fn"),
        "city": _vcard(holder, "adr"), "country": data.get("country"),
        "abuse": _vcard(abuse, "email"),
        "description": " ".join(d for r in data.get("remarks", []) for d in r["description"]),
        "registered": events.get("registration"), "item": reply.item}, name=ip)


# -- passive DNS ----------------------------------------------------------------------------------
_PDNS = ["rrname", "rrtype", "rdata", "time_first", "time_last", "count"]


def history(name_or_ip: str, *, case: Any = None, session: Any = None) -> pd.DataFrame:
    """Passive DNS: what a name (and the names under it) pointed to, or which names pointed to
    an address, each with the first and last time a sensor saw it (UTC).

    Columns ``rrname``, ``rrtype``, ``rdata``, ``time_first``, ``time_last``, ``count``,
    ``item`` (the case item of the answer, with ``case=``), oldest first.
    ``time_first``/``time_last`` are when sensors saw the answer, not when it was set up or
    removed.

    Example:
        >>> history("198.51.100.23")["rrname"].tolist()                 # doctest: +SKIP
        ['dala-market.example', 'kilim-carpets.example']
    """
    text = name_or_ip.strip() if isinstance(name_or_ip, str) else name_or_ip
    if isinstance(text, str) and _is_address(text):
        value = _address(text, "history")
        url = f"http://pdns.example/lookup/rdata/ip/{value}"
    else:
        value = _domain(text, "history")
        url = f"http://pdns.example/lookup/rrset/name/{value}"
    reply = _get(url, case=case, session=session,
                 note=_("passive DNS of {value}").format(value=value))
    if reply.status_code == 404:
        raise DomainError(_(
            "Passive DNS never saw {value}. An empty history is a finding too: write it down "
            "with the date you asked, and check the spelling."
        ).format(value=value), value=name_or_ip)
    rows = [json.loads(line) for line in reply.text.splitlines() if line.strip()]
    table = pd.DataFrame(rows, columns=_PDNS)
    for column in ("time_first", "time_last"):
        table[column] = pd.to_datetime(table[column], utc=True)
    table = table.sort_values(["time_first", "rrname"], ignore_index=True)
    table["item"] = reply.item
    table.attrs["item"] = reply.item
    return table


def shared(address: str, during: str | list[Any] | tuple[Any, Any] | None = None, *,
           case: Any = None, session: Any = None) -> pd.DataFrame:
    """The names seen on ``address``, and whether each was there *at the same time*.

    ``during`` is a domain (its own time on the address, from passive DNS) or a list of two
    dates ``["2024-02-01", "2024-03-01"]`` (UTC). One row per name: ``address`` (the address
    asked about), ``rrname``, ``time_first``,
    ``time_last``, ``same_time`` (its window overlaps), ``overlap_days``, ``item`` (the case
    item of the passive DNS answer, with ``case=``). Sharing an address at some time
    is not sharing it at the same time: on shared hosting and on re-used addresses,
    strangers follow one another.

    Example:
        >>> table = shared("198.51.100.23", during="dala-market.example")  # doctest: +SKIP
        >>> table[table["same_time"]]["rrname"].tolist()                 # doctest: +SKIP
        []
    """
    seen = history(address, case=case, session=session)
    names = seen.groupby("rrname").agg(time_first=("time_first", "min"),
                                       time_last=("time_last", "max")).reset_index()
    names.insert(0, "address", seen["rdata"].iloc[0] if len(seen) else address)
    if during is None:
        print(_("{count} names were seen on {address} at some time. That is not 'at the same "
                "time': give during=<domain> or during=[start, end].").format(
            count=len(names), address=address))
        names["item"] = seen.attrs["item"]
        return names
    if isinstance(during, str):
        own = _domain(during, "shared")
        mine = names[names["rrname"] == own]
        if mine.empty:
            raise DomainError(_(
                "Passive DNS never saw {name} on {address}, so there is no time to compare "
                "with: look at domains.history(\"{name}\") for its addresses."
            ).format(name=own, address=address), value=during)
        start, end = mine["time_first"].iloc[0], mine["time_last"].iloc[0]
        names = names[names["rrname"] != own].reset_index(drop=True)
    else:
        start, end = _window(during)
    overlap = (names["time_last"].clip(upper=end) - names["time_first"].clip(lower=start))
    names["same_time"] = overlap > pd.Timedelta(0)
    names["overlap_days"] = (overlap.clip(lower=pd.Timedelta(0)).dt.total_seconds()
                             / 86400).round(1)
    names["item"] = seen.attrs["item"]
    names.attrs["window"] = (start, end)
    together = names[names["same_time"]]["rrname"].tolist()
    print(_("On {address} from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC: {count} "
            "other name(s) at the same time ({names}); {others} only at another time.").format(
        address=address, start=start, end=end, count=len(together),
        names=", ".join(together) or "-", others=len(names) - len(together)))
    return names


def _window(during: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``during=[start, end]`` as two UTC times, or the error that shows the right form."""
    try:
        if isinstance(during, (list, tuple)) and len(during) == 2:
            start, end = (_utc(moment) for moment in during)
            if not (pd.isna(start) or pd.isna(end)):
                return start, end
    except (TypeError, ValueError):  # not dates ("yesterday", a number)
        pass
    raise DomainError(_(
        "during is a domain, for example during=\"dala-market.example\", or a list of "
        "two dates, for example during=[\"2024-02-01\", \"2024-03-01\"]; it got "
        "{given}.").format(given=repr(during)[:80]), value=during)


# -- certificates ---------------------------------------------------------------------------------
_CERT_COLUMNS = ["id", "logged", "not_before", "not_after", "common_name", "names",
                 "organisation", "issuer", "serial", "sha256", "item"]


def certificates(name: str, *, case: Any = None, session: Any = None) -> pd.DataFrame:
    """The certificates the CT logs hold for ``name`` or a name under it, read from the PEM.

    One row per certificate: ``id``, ``logged`` (when the log recorded it), ``not_before``,
    ``not_after`` (UTC), ``common_name``, ``names`` (every name in the certificate's Subject
    Alternative Name, as ``cryptography`` reads it), ``organisation`` (subject O, for OV
    certificates), ``issuer``, ``serial``, ``sha256``, ``item``. ``not_before`` is the day a
    certificate was issued; they are renewed every few months, so it is not the day the
    domain was registered.

    Example:
        >>> sorted(set().union(*certificates("dala-market.example")["names"]))  # doctest: +SKIP
        ['dala-market.example', 'pay.dala-market.example', 'shop7x3k.example', ...]
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    domain = _domain(name, "certificates")
    reply = _get(f"http://ct.example/?q={quote(domain)}&output=json", session=session,
                 case=case, note=_("CT search for {name}").format(name=domain))
    rows = []
    for entry in reply.json():
        pem = _get(f"http://ct.example/?d={entry['id']}", case=case, session=session,
                   note=_("certificate {id}").format(id=entry["id"]))
        cert = x509.load_pem_x509_certificate(pem.content)
        try:
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
            names = san.value.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound:
            names = []
        orgs = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        rows.append({
            "id": entry["id"], "logged": _utc(entry["entry_timestamp"]),
            "not_before": cert.not_valid_before_utc, "not_after": cert.not_valid_after_utc,
            "common_name": entry["common_name"], "names": sorted(names),
            "organisation": str(orgs[0].value) if orgs else "",
            "issuer": cert.issuer.rfc4514_string(), "serial": f"{cert.serial_number:x}",
            "sha256": "sha256:" + cert.fingerprint(hashes.SHA256()).hex(), "item": pem.item})
    if not rows:
        print(_("The CT logs hold no certificate naming {name}. A site without HTTPS, or one "
                "behind a certificate for another name, leaves none.").format(name=domain))
    table = pd.DataFrame(rows, columns=_CERT_COLUMNS)
    for column in ("not_before", "not_after", "logged"):
        table[column] = pd.to_datetime(table[column], utc=True)
    table = table.sort_values("not_before", ignore_index=True)
    table.attrs["search_item"] = reply.item  # the CT search's own answer, as captured
    return table


def certificate_names(table: pd.DataFrame) -> list[str]:
    """Every name the certificates of ``table`` (from :func:`certificates`) cover, once each,
    sorted. A wildcard such as ``*.dala-market.example`` stays as written: it covers every name
    one level under, and names none of them.

    Example:
        >>> certificate_names(pd.DataFrame({"names": [["b.example", "a.example"],
        ...                                           ["a.example"]]}))
        ['a.example', 'b.example']
    """
    if not isinstance(table, pd.DataFrame) or "names" not in table.columns:
        raise DomainError(_(
            "certificate_names needs the table of domains.certificates(...), for example "
            "certificate_names(certs) after certs = domains.certificates(\"dala-market.example\"); "
            "it got {given}.").format(given=type(table).__name__), value=table)
    return sorted({name for names in table["names"] for name in names})


# -- one time line ---------------------------------------------------------------------------------
def timeline(name: str, *, case: Any = None, session: Any = None) -> pd.DataFrame:
    """Everything known about ``name`` on one UTC time line, each row naming its source.

    Columns ``time`` (UTC), ``source`` (``rdap``, ``whois``, ``whois history``,
    ``passive dns``, ``ct``), ``event``, ``detail`` and ``item`` (with ``case=``, the case item
    that holds the answer the row was read from: each web source is captured; a WHOIS answer,
    read over TCP when RDAP has none, is not, and its rows have no item); oldest first.

    Example:
        >>> timeline("dala-market.example").iloc[0]["event"]            # doctest: +SKIP
        'registered'
    """
    domain = _domain(name, "timeline")
    rows = []
    reg = registration(domain, case=case, session=session)
    for key, event in (("created", _("registered")), ("updated", _("registration changed")),
                       ("expires", _("registration expires"))):
        if reg[key] is not None:
            rows.append({"time": reg[key], "source": reg["source"], "event": event,
                         "detail": _("registrar {registrar}").format(registrar=reg["registrar"]),
                         "item": reg["item"]})
    try:
        kept = whois_history(domain, case=case, session=session)
    except DomainError:
        kept = pd.DataFrame()
    for _index, row in kept.iterrows():
        rows.append({"time": row["date"], "source": "whois history",
                     "event": _("WHOIS answer kept"),
                     "detail": _("registrant: {who}").format(
                         who=row["registrant_name"] or row["registrant_org"] or "-"),
                     "item": row["item"]})
    try:
        seen = history(domain, case=case, session=session)
    except DomainError:
        seen = pd.DataFrame(columns=[*_PDNS, "item"])
    for _index, row in seen.iterrows():
        what = f"{row['rrname']} {row['rrtype']} {row['rdata']}"
        rows.append({"time": row["time_first"], "source": "passive dns",
                     "event": _("first seen"), "detail": what, "item": row["item"]})
        rows.append({"time": row["time_last"], "source": "passive dns",
                     "event": _("last seen"), "detail": what, "item": row["item"]})
    for _index, row in certificates(domain, case=case, session=session).iterrows():
        rows.append({"time": row["not_before"], "source": "ct",
                     "event": _("certificate valid from (issued)"),
                     "detail": _("id {id}: {names}").format(id=row["id"],
                                                            names=", ".join(row["names"])),
                     "item": row["item"]})
    table = pd.DataFrame(rows, columns=["time", "source", "event", "detail", "item"])
    table["time"] = pd.to_datetime(table["time"], utc=True)
    return table.sort_values("time", kind="stable", ignore_index=True)

