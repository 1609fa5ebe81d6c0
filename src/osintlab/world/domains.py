"""Domain data: WHOIS in two registrar styles, RDAP JSON, DNS answers, passive DNS, CT logs.

The network's clearnet mirror ``dala-market.example`` hides its registrant behind a privacy
proxy today, but an older WHOIS record (kept in ``whois/history/``) still names him. Its
address is the same as the one the onion shop leaks. The look-alike ``dalamarket.example``
belongs to an innocent flower shop, and a carpet seller's site later sat on an address the
network had left: both are false leads the data refutes.

Example:
    >>> from osintlab.world.domains import files
    >>> "rdap/dala-market.example.json" in files()
    True
"""

from __future__ import annotations

import json
from datetime import timedelta

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
}

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
            "koinbridge.example": IP["exchange"]}[domain]


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
        seen("pay.dala-market.example", "A", IP["network_now"], "2024-02-20T10:00:00Z",
             "2025-01-19T23:10:00Z", 902),
        seen("dalamarket.example", "A", IP["flowers"], "2021-03-03T00:00:00Z",
             "2025-01-19T21:00:00Z", 7730),
        seen("kilim-carpets.example", "A", IP["network_before"], "2024-03-05T09:12:00Z",
             "2025-01-19T20:00:00Z", 640),
        seen("koinbridge.example", "A", IP["exchange"], "2019-09-13T00:00:00Z",
             "2025-01-19T23:59:00Z", 99120),
    ]


def certificates(seed: int = SEED) -> list[dict]:
    """Certificate-transparency entries as crt.sh lists them (JSON)."""
    r = rng("ct", seed)
    issued = [
        ("dala-market.example", ["dala-market.example", "www.dala-market.example"],
         "2023-05-11", "Sandbox DV R1"),
        ("dala-market.example", ["dala-market.example", "pay.dala-market.example",
                                 "www.dala-market.example"], "2024-02-19", "Sandbox DV R1"),
        ("dalamarket.example", ["dalamarket.example", "www.dalamarket.example"],
         "2024-03-01", "Sandbox OV R2 (O=Dala Gulder LLP)"),
        ("koinbridge.example", ["koinbridge.example", "api.koinbridge.example"],
         "2024-09-01", "Sandbox OV R2 (O=KoinBridge Ltd.)"),
    ]
    rows = []
    for n, (cn, names, day, issuer) in enumerate(issued):
        not_after = (REFERENCE.replace(year=int(day[:4]), month=int(day[5:7]), day=int(day[8:]))
                     + timedelta(days=90))
        rows.append({
            "issuer_ca_id": 90001 + (n % 2), "issuer_name": f"C=XX, O=Sandbox Trust, CN={issuer}",
            "common_name": cn, "name_value": "\n".join(names), "id": 7_100_000_000 + n * 7919,
            "entry_timestamp": f"{day}T06:30:1{n}.000", "not_before": f"{day}T05:30:00",
            "not_after": f"{not_after:%Y-%m-%d}T05:29:59",
            "serial_number": r.randbytes(16).hex(), "result_count": len(names),
        })
    return rows


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def files(seed: int = SEED) -> dict[str, bytes]:
    """The ``domains`` dataset.

    Example:
        >>> sorted(files())[:3]
        ['ct/crtsh.json', 'dns/dala-market.example.txt', 'dns/dalamarket.example.txt']
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
    out["ct/crtsh.json"] = _json(certificates(seed))
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
- `dns/<domain>.txt`: a `dig … ANY` answer section: name, TTL, class, type, data.
- `passive-dns.jsonl`: one JSON object a line, in the passive-DNS Common Output Format:
  `rrname`, `rrtype`, `rdata`, `time_first`, `time_last`, `count`, `bailiwick`.
- `ct/crtsh.json`: certificate-transparency entries as crt.sh returns them: `common_name`,
  `name_value` (the names in the certificate, one a line), `issuer_name`, `not_before`,
  `not_after`, `serial_number`, `entry_timestamp`.

## What is fictional

Every domain is under `.example` (RFC 2606), every IP address in a documentation range
(RFC 5737, RFC 3849). The registrars, registries, the certificate authority and the
registrants are invented.
"""
