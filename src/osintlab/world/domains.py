"""Domain data: WHOIS in two registrar styles, RDAP JSON, DNS answers, passive DNS, CT logs.

The network's clearnet mirror ``dala-market.example`` hides its registrant behind a privacy
proxy today, but an older WHOIS record (kept in ``whois/history/``) still names him. Its
address is the same as the one the onion shop leaks. On the day the shop moved to its own
virtual server (2024-02-19) one certificate named the mirror and ``shop7x3k.example``, the
onion shop's clearnet alias, registered the day before behind the same privacy proxy.

The traps: the look-alike ``dalamarket.example`` belongs to an innocent flower shop with its
own registration; a carpet seller's site sat on the mirror's old address of a shared host,
but only after the network had left it (the passive-DNS windows do not overlap); and the
certificate a trainee sees today was issued in November 2024, long after the domain was
registered (``not_before`` is not the creation date). Certificates are real X.509 (Ed25519,
keys derived from the seed, fixed dates and serial numbers), so every build is byte-identical.

Example:
    >>> from osintlab.world.domains import files
    >>> "rdap/dala-market.example.json" in files()
    True
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from datetime import UTC, datetime, timedelta

from . import REFERENCE, SEED, rng
from .people import person

#: Addresses (documentation ranges only) the story refers to by role.
IP = {
    "network_now": "203.0.113.45",
    "network_before": "198.51.100.23",
    "network_v6": "2001:db8:45::45",
    "flowers": "198.51.100.77",
    "exchange": "192.0.2.80",
    "registrar_ns": "192.0.2.53",
}

#: Each domain: registrar style, dates, nameservers, registrant (None = privacy proxy).
DOMAINS: dict[str, dict] = {
    "dala-market.example": {
        "style": "icann", "registrar": "Kokpar Names Ltd.", "created": "2023-05-10",
        "updated": "2024-02-19", "expires": "2025-05-10",
        "ns": ["ns1.bulut-host.example", "ns2.bulut-host.example"], "registrant": None,
    },
    "dalamarket.example": {
        "style": "kz", "registrar": "Steppe Registry", "created": "2021-03-02",
        "updated": "2024-03-01", "expires": "2026-03-02",
        "ns": ["ns1.dalagulder.example", "ns2.dalagulder.example"],
        "registrant": {"org": "Dala Gulder LLP", "person": "B2", "city": "Almaty"},
    },
    "koinbridge.example": {
        "style": "icann", "registrar": "Kokpar Names Ltd.", "created": "2019-09-12",
        "updated": "2024-09-01", "expires": "2027-09-12",
        "ns": ["ns1.koinbridge.example", "ns2.koinbridge.example"],
        "registrant": {"org": "KoinBridge Ltd.", "person": None, "city": "Astana"},
    },
    "shop7x3k.example": {
        "style": "icann", "registrar": "Kokpar Names Ltd.", "created": "2024-02-18",
        "updated": "2024-02-18", "expires": "2025-02-18",
        "ns": ["ns1.bulut-host.example", "ns2.bulut-host.example"], "registrant": None,
    },
}

#: Who holds each address block (RDAP ``ip network`` objects, served at rdap.example/ip/<ip>).
NETWORKS: list[dict] = [
    {"cidr": "203.0.113.0/25", "name": "BULUT-HOST-VPS", "org": "Bulut Host LLP",
     "city": "Almaty", "abuse": "abuse@bulut-host.example", "since": "2018-06-01",
     "remark": "Virtual private servers: each address is rented to one customer."},
    {"cidr": "2001:db8:45::/48", "name": "BULUT-HOST-VPS-V6", "org": "Bulut Host LLP",
     "city": "Almaty", "abuse": "abuse@bulut-host.example", "since": "2018-06-01",
     "remark": "Virtual private servers: each address is rented to one customer."},
    {"cidr": "198.51.100.0/26", "name": "ARQA-SHARED-WEB", "org": "Arqa Cloud LLP",
     "city": "Astana", "abuse": "abuse@arqa-cloud.example", "since": "2016-02-10",
     "remark": "Shared web hosting: many customers' sites on each address; an address is "
               "given to another customer when one leaves."},
    {"cidr": "198.51.100.64/26", "name": "ZHIBEK-WEB", "org": "Zhibek Web Hosting",
     "city": "Almaty", "abuse": "abuse@zhibek-web.example", "since": "2019-11-20",
     "remark": "Web hosting for small businesses."},
    {"cidr": "192.0.2.64/26", "name": "KOINBRIDGE-NET", "org": "KoinBridge Ltd.",
     "city": "Astana", "abuse": "security@koinbridge.example", "since": "2019-09-01",
     "remark": "The exchange's own servers."},
]

#: The leaked older WHOIS of the mirror, before the privacy proxy was switched on.
HISTORY_DATE = "2023-05-11"


def _icann(domain: str, info: dict, registrant: dict[str, str], stamp: str = "") -> str:
    stamp = stamp or f"{REFERENCE:%Y-%m-%dT%H:%M:%SZ}"
    lines = [
        f"Domain Name: {domain.upper()}",
        f"Registry Domain ID: D{sum(map(ord, domain)) * 7919}-SANDBOX",
        "Registrar WHOIS Server: whois.kokpar-names.example",
        "Registrar URL: http://kokpar-names.example",
        f"Updated Date: {info['updated']}T08:14:02Z",
        f"Creation Date: {info['created']}T11:02:45Z",
        f"Registry Expiry Date: {info['expires']}T11:02:45Z",
        f"Registrar: {info['registrar']}",
        "Registrar IANA ID: 9999",
        "Registrar Abuse Contact Email: abuse@kokpar-names.example",
        "Registrar Abuse Contact Phone: +7.7995550100",
        "Domain Status: clientTransferProhibited "
        "http://kokpar-names.example/epp#clientTransferProhibited",
    ]
    for key in ("Name", "Organization", "City", "Country", "Phone", "Email"):
        lines.append(f"Registrant {key}: {registrant[key]}")
    lines += [f"Name Server: {ns.upper()}" for ns in info["ns"]]
    lines += [
        "DNSSEC: unsigned",
        "URL of the Whois Inaccuracy Complaint Form: http://kokpar-names.example/wicf/",
        f">>> Last update of WHOIS database: {stamp} <<<",
        "",
    ]
    return "\n".join(lines)


def _registrant(info: dict, when: str = "now") -> dict[str, str]:
    who = info["registrant"]
    if who is None and when == "now":
        return {"Name": "REDACTED FOR PRIVACY", "Organization": "PrivacyGuard Registrar Services",
                "City": "REDACTED FOR PRIVACY", "Country": "XX", "Phone": "REDACTED FOR PRIVACY",
                "Email": "Select Request Email Form at https://privacyguard.example/contact"}
    if who is None:  # the history record: the organiser registered it in his own name
        p = person("P1")
        return {"Name": p.spellings()["informal"], "Organization": "", "City": p.city,
                "Country": p.country, "Phone": "+7." + p.phone[2:], "Email": p.email}
    contact = person(who["person"]) if who["person"] else None
    return {"Name": contact.spellings()["passport"] if contact else "Domain Administrator",
            "Organization": who["org"], "City": who["city"], "Country": "KZ",
            "Phone": contact.phone if contact else "+7.7995550100",
            "Email": contact.email if contact else f"hostmaster@{_domain_of(who['org'])}"}


def _domain_of(org: str) -> str:
    return {"KoinBridge Ltd.": "koinbridge.example"}.get(org, "mail.example")


def _kz_style(domain: str, info: dict) -> str:
    reg = _registrant(info)
    return "\n".join([
        "Whois Server for the sandbox registry",
        "This server is for a fictional training registry.",
        "",
        f"Domain Name............: {domain}",
        "",
        "Organization Using Domain Name",
        f"Name...................: {reg['Organization']}",
        f"Organization Name......: {reg['Organization']}",
        "Street Address.........: Abai ave. 1",
        f"City...................: {reg['City']}",
        "Country................: KZ",
        "",
        "Administrative Contact/Agent",
        "NIC Handle.............: C0021-SANDBOX",
        f"Name...................: {reg['Name']}",
        f"Phone Number...........: {reg['Phone']}",
        f"Email Address..........: {reg['Email']}",
        "",
        "Nameserver in listed order",
        "",
        f"Primary server.........: {info['ns'][0]}",
        f"Primary ip address.....: {IP['flowers']}",
        "",
        f"Secondary server.......: {info['ns'][1]}",
        f"Secondary ip address...: {IP['flowers']}",
        "",
        f"Domain created: {info['created']} 10:21:00 (GMT+0:00)",
        f"Last modified : {info['updated']} 09:00:00 (GMT+0:00)",
        "Domain status : ok - Normal state.",
        "",
        f"Registar created: {info['registrar'].upper().replace(' ', '')}",
        f"Current Registar: {info['registrar'].upper().replace(' ', '')}",
        "",
    ])


def _rdap(domain: str, info: dict) -> dict:
    reg = _registrant(info)
    vcard = ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", reg["Name"]],
                       ["org", {}, "text", reg["Organization"]],
                       ["adr", {}, "text", ["", "", "", reg["City"], "", "", reg["Country"]]],
                       ["email", {}, "text", reg["Email"]]]]
    return {
        "rdapConformance": ["rdap_level_0", "icann_rdap_response_profile_1"],
        "objectClassName": "domain",
        "handle": f"D{sum(map(ord, domain)) * 7919}-SANDBOX",
        "ldhName": domain,
        "status": ["client transfer prohibited"],
        "events": [
            {"eventAction": "registration", "eventDate": f"{info['created']}T11:02:45Z"},
            {"eventAction": "expiration", "eventDate": f"{info['expires']}T11:02:45Z"},
            {"eventAction": "last changed", "eventDate": f"{info['updated']}T08:14:02Z"},
        ],
        "entities": [
            {"objectClassName": "entity", "roles": ["registrar"],
             "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
                                      ["fn", {}, "text", info["registrar"]]]]},
            {"objectClassName": "entity", "roles": ["registrant"], "vcardArray": vcard},
        ],
        "nameservers": [{"objectClassName": "nameserver", "ldhName": ns} for ns in info["ns"]],
        "secureDNS": {"delegationSigned": False},
        "notices": [{"title": "Sandbox", "description": ["A fictional training registry."]}],
    }


def _address_of(domain: str) -> str:
    return {"dala-market.example": IP["network_now"], "dalamarket.example": IP["flowers"],
            "koinbridge.example": IP["exchange"], "shop7x3k.example": IP["network_now"]}[domain]


def _rdap_network(net: dict) -> dict:
    block = ipaddress.ip_network(net["cidr"])
    contact = ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", net["org"]],
                         ["org", {}, "text", net["org"]],
                         ["adr", {}, "text", ["", "", "", net["city"], "", "", "KZ"]]]]
    abuse = ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Abuse desk"],
                       ["email", {}, "text", net["abuse"]]]]
    return {
        "rdapConformance": ["rdap_level_0"], "objectClassName": "ip network",
        "handle": f"NET-{net['name']}", "name": net["name"], "type": "ASSIGNED PA",
        "startAddress": str(block.network_address), "endAddress": str(block[-1]),
        "ipVersion": f"v{block.version}", "country": "KZ", "cidr": net["cidr"],
        "events": [{"eventAction": "registration", "eventDate": f"{net['since']}T00:00:00Z"}],
        "entities": [{"objectClassName": "entity", "roles": ["registrant"], "vcardArray": contact},
                     {"objectClassName": "entity", "roles": ["abuse"], "vcardArray": abuse}],
        "remarks": [{"title": "description", "description": [net["remark"]]}],
    }


def _dig(domain: str, info: dict) -> str:
    a = _address_of(domain)
    records = [
        (domain, 3600, "SOA", f"{info['ns'][0]}. hostmaster.{domain}. 2024021901 7200 3600 "
                              "1209600 300"),
        *[(domain, 86400, "NS", f"{ns}.") for ns in info["ns"]],
        (domain, 300, "A", a),
        (f"www.{domain}", 300, "CNAME", f"{domain}."),
        (domain, 3600, "MX", f"10 mail.{domain}."),
        (domain, 3600, "TXT", '"v=spf1 mx -all"'),
    ]
    if domain == "dala-market.example":
        records += [(domain, 300, "AAAA", IP["network_v6"]),
                    (f"pay.{domain}", 300, "A", IP["network_now"])]
    lines = [f"; <<>> DiG 9.18.28 <<>> {domain} ANY", ";; ANSWER SECTION:"]
    lines += [f"{name}.\t{ttl}\tIN\t{kind}\t{data}" for name, ttl, kind, data in records]
    lines += ["", f";; WHEN: {REFERENCE:%a %b %d %H:%M:%S UTC %Y}", ""]
    return "\n".join(lines)


def passive_dns() -> list[dict]:
    """Passive-DNS observations in the Common Output Format (rrname, rrtype, rdata, times).

    Example:
        >>> {row["rdata"] for row in passive_dns() if row["rrname"] == "dalamarket.example"}
        {'198.51.100.77'}
    """

    def seen(name: str, kind: str, data: str, first: str, last: str, count: int) -> dict:
        return {"count": count, "rdata": data, "rrname": name, "rrtype": kind,
                "time_first": first, "time_last": last, "bailiwick": name.split(".", 1)[-1]
                if name.count(".") > 1 else name}

    return [
        seen("dala-market.example", "A", IP["network_before"], "2023-05-11T06:00:00Z",
             "2024-02-18T22:41:00Z", 1840),
        seen("dala-market.example", "A", IP["network_now"], "2024-02-19T08:20:00Z",
             "2025-01-19T23:58:00Z", 5211),
        seen("dala-market.example", "NS", "ns1.bulut-host.example", "2023-05-10T11:30:00Z",
             "2025-01-19T06:00:00Z", 612),
        seen("dala-market.example", "AAAA", IP["network_v6"], "2024-02-19T08:20:00Z",
             "2025-01-19T23:58:00Z", 1377),
        seen("pay.dala-market.example", "A", IP["network_now"], "2024-02-20T10:00:00Z",
             "2025-01-19T23:10:00Z", 902),
        seen("shop7x3k.example", "A", IP["network_now"], "2024-02-19T08:31:00Z",
             "2025-01-19T23:40:00Z", 2288),
        seen("dalamarket.example", "A", IP["flowers"], "2021-03-03T00:00:00Z",
             "2025-01-19T21:00:00Z", 7730),
        seen("kilim-carpets.example", "A", IP["network_before"], "2024-03-05T09:12:00Z",
             "2025-01-19T20:00:00Z", 640),
        seen("koinbridge.example", "A", IP["exchange"], "2019-09-13T00:00:00Z",
             "2025-01-19T23:59:00Z", 99120),
    ]


#: The certificates the CT logs hold: (subject CN, names, day issued, days valid, CA, O=).
_MIRROR = ["dala-market.example", "www.dala-market.example"]
_MOVED = [*_MIRROR, "pay.dala-market.example", "shop7x3k.example"]
ISSUED: list[tuple[str, list[str], str, int, str, str | None]] = [
    ("dala-market.example", _MIRROR, "2023-05-11", 90, "Sandbox DV R1", None),
    ("dala-market.example", _MIRROR, "2023-08-08", 90, "Sandbox DV R1", None),
    ("dala-market.example", _MIRROR, "2023-11-05", 90, "Sandbox DV R1", None),
    ("dala-market.example", _MOVED, "2024-02-19", 90, "Sandbox DV R1", None),
    ("dala-market.example", _MOVED, "2024-05-18", 90, "Sandbox DV R1", None),
    ("dala-market.example", _MOVED, "2024-08-16", 90, "Sandbox DV R1", None),
    ("dala-market.example", _MOVED, "2024-11-14", 90, "Sandbox DV R1", None),
    ("dalamarket.example", ["dalamarket.example", "www.dalamarket.example"], "2024-03-01", 365,
     "Sandbox OV R2", "Dala Gulder LLP"),
    ("koinbridge.example", ["koinbridge.example", "api.koinbridge.example"], "2024-09-01", 365,
     "Sandbox OV R2", "KoinBridge Ltd."),
]
_CA_ID = {"Sandbox DV R1": 90001, "Sandbox OV R2": 90002}


def _ed25519(label: str, seed: int):
    """An Ed25519 key fixed by the seed (Ed25519 signatures are deterministic: RFC 8032)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"{seed}:ct-key:{label}".encode()).digest())


def _certificate(n: int, seed: int, serial: int) -> bytes:
    """Certificate ``n`` of :data:`ISSUED` as PEM, signed by the invented CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    cn, names, day, days, ca, org = ISSUED[n]
    start = datetime.fromisoformat(day).replace(hour=5, minute=30, tzinfo=UTC)
    subject = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org:
        subject = [x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
                   x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), *subject]
    issuer = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "XX"),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sandbox Trust"),
                        x509.NameAttribute(NameOID.COMMON_NAME, ca)])
    key = _ed25519(f"{cn}:{day}", seed)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name(subject)).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(start).not_valid_after(start + timedelta(days=days, seconds=-1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in names]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(_ed25519(ca, seed), None))
    return cert.public_bytes(Encoding.PEM)


def certificates(seed: int = SEED) -> list[dict]:
    """Certificate-transparency entries as crt.sh lists them (JSON), each with its PEM.

    ``pem`` is not in the JSON: it is the file ``ct/<id>.pem`` (crt.sh's ``?d=<id>``).

    Example:
        >>> [row["not_before"] for row in certificates()][-3:-2]
        ['2024-11-14T05:30:00']
    """
    r = rng("ct", seed)
    rows = []
    for n, (cn, names, day, days, ca, _org) in enumerate(ISSUED):
        serial = int.from_bytes(r.randbytes(16), "big") | (1 << 127)
        start = datetime.fromisoformat(day).replace(hour=5, minute=30)
        rows.append({
            "issuer_ca_id": _CA_ID[ca], "issuer_name": f"C=XX, O=Sandbox Trust, CN={ca}",
            "common_name": cn, "name_value": "\n".join(sorted(names)),
            "id": 7_100_000_000 + n * 7919, "entry_timestamp": f"{day}T06:30:1{n}.000",
            "not_before": f"{start:%Y-%m-%dT%H:%M:%S}",
            "not_after": f"{start + timedelta(days=days, seconds=-1):%Y-%m-%dT%H:%M:%S}",
            "serial_number": f"{serial:032x}", "result_count": len(names),
            "pem": _certificate(n, seed, serial),
        })
    return rows


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def files(seed: int = SEED) -> dict[str, bytes]:
    """The ``domains`` dataset.

    Example:
        >>> sorted(files())[:2]
        ['ct/7100000000.pem', 'ct/7100007919.pem']
    """
    out: dict[str, bytes] = {}
    for domain, info in DOMAINS.items():
        if info["style"] == "kz":
            text = _kz_style(domain, info)
        else:
            text = _icann(domain, info, _registrant(info))
        out[f"whois/{domain}.txt"] = text.encode()
        out[f"rdap/{domain}.json"] = _json(_rdap(domain, info))
        out[f"dns/{domain}.txt"] = _dig(domain, info).encode()
    old = DOMAINS["dala-market.example"]
    history = {**old, "updated": old["created"]}
    out[f"whois/history/dala-market.example-{HISTORY_DATE}.txt"] = _icann(
        "dala-market.example", history, _registrant(old, when="history"),
        f"{HISTORY_DATE}T03:00:00Z").encode()
    out["passive-dns.jsonl"] = "".join(
        json.dumps(row, sort_keys=True) + "\n" for row in passive_dns()).encode()
    rows = certificates(seed)
    out["ct/crtsh.json"] = _json([{k: v for k, v in row.items() if k != "pem"} for row in rows])
    for row in rows:
        out[f"ct/{row['id']}.pem"] = row["pem"]
    out["rdap/ip-networks.json"] = _json([_rdap_network(net) for net in NETWORKS])
    return out


CARD = """\
# domains: WHOIS, RDAP, DNS, passive DNS, certificate transparency

## What it is

What an investigator gets when asking who is behind a domain and where it is hosted, for
the domains of the case. Module `m05-domains-and-infrastructure` teaches with it;
`m10-capstone` joins it to the websites and the provider answers.

## Files and fields

- `whois/<domain>.txt`: WHOIS answers as text, in two registrar styles: the ICANN
  key-value style (`Registrant Name: …`) and a national-registry style with dotted labels
  (`Name...................: …`). `whois/history/` holds an older WHOIS answer of one domain,
  as a history service keeps it (the date is in the file name).
- `rdap/<domain>.json`: RDAP answers (RFC 9083): `ldhName`, `events` (registration,
  expiration, last changed), `entities` with jCard (`vcardArray`), `nameservers`.
- `rdap/ip-networks.json`: RDAP `ip network` objects (RFC 9083 section 5.4): who holds each
  address block (`startAddress`, `endAddress`, `name`, the registrant and abuse `entities`,
  a `remarks` description saying whether the addresses are shared hosting).
- `dns/<domain>.txt`: a `dig … ANY` answer section: name, TTL, class, type, data.
- `passive-dns.jsonl`: one JSON object a line, in the passive-DNS Common Output Format:
  `rrname`, `rrtype`, `rdata`, `time_first`, `time_last`, `count`, `bailiwick`.
- `ct/crtsh.json`: certificate-transparency entries as crt.sh returns them: `common_name`,
  `name_value` (the names in the certificate, one a line), `issuer_name`, `not_before`,
  `not_after`, `serial_number`, `entry_timestamp`.
- `ct/<id>.pem`: each certificate itself (X.509, PEM), as crt.sh gives it at `?d=<id>`: its
  subject (with the organisation for OV certificates) and the names in its Subject
  Alternative Name extension. The keys are Ed25519 and derived from the world's seed, so a
  rebuild gives the same bytes; the signing CA is invented and trusted by nobody.

## Served in the sandbox

`osintlab.sandbox` serves this data on loopback: DNS and WHOIS on their own ports, and over
HTTP `rdap.example` (`/domain/<name>`, `/ip/<address>`), `pdns.example` (passive DNS),
`ct.example` (crt.sh-style search) and `whois-history.example` (old WHOIS answers).
`osintlab.domains` reads them, one call per question.

## Traps on purpose

- `dalamarket.example` (no hyphen) is an innocent flower shop with its own registration.
- `kilim-carpets.example` sat on `198.51.100.23`, a shared-hosting address, but only after the
  mirror had left it: the passive-DNS windows do not overlap.
- A certificate's `not_before` is the day it was issued (renewed every 90 days), not the day
  the domain was registered.

## What is fictional

Every domain is under `.example` (RFC 2606), every IP address in a documentation range
(RFC 5737, RFC 3849). The registrars, registries, hosting providers, the certificate
authority and the registrants are invented.
"""
