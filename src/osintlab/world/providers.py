"""Answers of providers to a preservation and production request, in the three data tiers.

The Almaty 2015 workshop (see the course's source documents) sorts what a provider holds
into three tiers of privacy: subscriber information, traffic data (who talked to whom,
when, from where) and content. Each answer here has one file per tier plus the cover
letter, as an operator, a platform or an exchange would send them.

Example:
    >>> from osintlab.world.providers import files
    >>> sorted(p for p in files() if p.startswith("steppe-mobile/"))[1:3]
    ['steppe-mobile/1-subscriber.csv', 'steppe-mobile/2-traffic.csv']
"""

from __future__ import annotations

import json

from . import SEED, csv_bytes, rng
from .crypto import wallets
from .domains import IP
from .people import person

TIERS = ("1-subscriber", "2-traffic", "3-content")


def _json(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


# Who authorises which tier is the fictional world's rule, and each letter says so: in a real
# case national law decides it, and a course that taught this rule as fact would teach wrong law.
_REGIME = (
    "Subscriber information is given on the prosecutor's request; traffic data and content\n"
    "on the court order cited in your request. Times are UTC unless a column says otherwise.\n"
    "Each file's SHA-256 is listed in MANIFEST.\n"
    "\n"
    "[Training note: the rule above on who authorises each tier belongs to the course's\n"
    "fictional world. In a real case, national law decides it.]\n"
)


def _letter(provider: str, request: str, received: str, preserved: str, tiers: str) -> bytes:
    return (
        f"{provider}\nLaw-enforcement liaison\n\n"
        f"Re: request {request}, received {received}\n\n"
        f"Data was preserved on {preserved} following your preservation request.\n"
        f"Enclosed: {tiers}.\n" + _REGIME
    ).encode()


def _legal_assistance_letter(operator: str, request: str, received: str, preserved: str,
                             tiers: str) -> bytes:
    """The requested state's authority answers a request for legal assistance.

    In the fictional world the Kyrgyz authority carried out the request and sends the
    operator's answer on, as a request between states' authorities runs.
    """
    return (
        "Central authority for legal assistance, Bishkek (fictional)\n"
        "To: the requesting authority, Almaty (fictional)\n\n"
        f"Re: your request for legal assistance {request}, received {received}\n\n"
        "Your request has been executed. Enclosed is the answer of the operator\n"
        f"{operator}, obtained by this authority for the purpose of your request.\n"
        f"Data was preserved on {preserved} following your preservation request.\n"
        f"Enclosed: {tiers}.\n" + _REGIME
    ).encode()


def _subscriber(cast_id: str, since: str) -> dict[str, str]:
    who = person(cast_id)
    return {"msisdn": who.phone, "name_cyrillic": who.cyrillic,
            "name_latin": who.spellings()["passport"], "born": who.born,
            "document": f"N{int(who.born.replace('-', '')) % 10**8:08d}",
            "address": f"{who.city}, (address withheld in the training copy)",
            "contract_since": since, "status": "active"}


def _steppe(seed: int) -> dict[str, bytes]:
    r = rng("steppe", seed)
    p1, p5, p2 = person("P1").phone, person("P5").phone, person("P2").phone
    traffic = []
    for day in range(2, 16):
        for a, b, kind in ((p1, p5, "call"), (p1, p2, "call"), (p5, p1, "sms")):
            if r.random() < 0.6:
                traffic.append({
                    "msisdn": a, "other_party": b, "direction": "out", "type": kind,
                    "start_utc": f"2024-11-{day:02d}T{r.randint(3, 17):02d}:"
                                 f"{r.randint(0, 59):02d}:00Z",
                    "duration_s": str(r.randint(20, 400) if kind == "call" else 0),
                    "cell_id": f"KZ-ALA-{r.randint(100, 140)}", "cell_city": "Almaty"})
    traffic.sort(key=lambda row: row["start_utc"])
    return {
        "steppe-mobile/0-letter.txt": _letter(
            "Steppe Mobile JSC (fictional)", "No. 24-117/KR", "2024-11-20", "2024-11-18",
            "subscriber data, call detail records, SMS content of 2024-11-12"),
        "steppe-mobile/1-subscriber.csv": csv_bytes([_subscriber("P1", "2016-03-01"),
                                                _subscriber("P5", "2021-07-15")]),
        "steppe-mobile/2-traffic.csv": csv_bytes(traffic),
        "steppe-mobile/3-content.csv": csv_bytes([
            {"msisdn": p5, "other_party": p1, "time_utc": "2024-11-12T09:14:00Z",
             "type": "sms", "text": "Ещё трое заплатили за айфоны, переведу вечером как обычно"},
            {"msisdn": p1, "other_party": p5, "time_utc": "2024-11-12T09:20:00Z",
             "type": "sms", "text": "Ок. Объявления с базара снимай через неделю"},
        ]),
    }


def _alatoo(seed: int) -> dict[str, bytes]:
    r = rng("alatoo", seed)
    p2 = person("P2").phone
    sessions = []
    places = {3: ("KG-BSK-031", "Bishkek"), 5: ("KG-OSH-007", "Osh"),
              9: ("KG-BSK-044", "Bishkek")}
    for day in range(1, 13):
        cell, city = places.get(day, (f"KG-BSK-0{r.randint(10, 60)}", "Bishkek"))
        for hour in (6, 13) if day in places else (r.randint(4, 15),):
            sessions.append({"msisdn": p2, "type": "data", "start_utc":
                             f"2024-11-{day:02d}T{hour:02d}:{r.randint(0, 59):02d}:00Z",
                             "duration_s": str(r.randint(60, 3000)),
                             "bytes": str(r.randint(10**5, 10**8)),
                             "cell_id": cell, "cell_city": city})
    return {
        "alatoo-telecom/0-letter.txt": _legal_assistance_letter(
            "Ala-Too Telecom (fictional)", "MLA 2024/KG-33", "2024-12-02", "2024-11-21",
            "subscriber data, data-session records (cell and city), no stored content"),
        "alatoo-telecom/1-subscriber.csv": csv_bytes([_subscriber("P2", "2019-05-20")]),
        "alatoo-telecom/2-traffic.csv": csv_bytes(sessions),
        "alatoo-telecom/3-content.txt": (
            b"No content is stored for data sessions; this tier is empty for this request.\n"
        ),
    }


def _koinbridge(seed: int) -> dict[str, bytes]:
    w, who = wallets(seed), person("P3")
    return {
        "koinbridge/0-letter.txt": _letter(
            "KoinBridge Ltd. (fictional)", "No. 24-131/KR", "2024-12-05", "2024-11-25",
            "KYC data of the holder of the deposit addresses named, login log, support chat"),
        "koinbridge/1-subscriber.json": _json({
            "account_id": "KB-0048213",
            "deposit_addresses": {"BTC": w.btc_deposit, "USDT_TRC20": w.tron_deposit},
            "kyc": {"name": who.spellings()["national_latin"], "name_cyrillic": who.native,
                    "born": who.born, "country": who.country, "city": who.city,
                    "phone": who.phone, "email": who.email,
                    "document": "passport (copy withheld in the training copy)"},
            "opened": "2022-08-30",
        }),
        "koinbridge/2-traffic.csv": csv_bytes([
            {"account_id": "KB-0048213", "time_utc": f"2024-11-{d:02d}T{h:02d}:10:00Z",
             "event": event, "ip": ip}
            for d, h, event, ip in ((14, 5, "login", "203.0.113.118"),
                                    (14, 5, "withdrawal KZT to card *4417", "203.0.113.118"),
                                    (19, 12, "login", IP["network_now"]),
                                    (19, 12, "withdrawal KZT to card *4417", IP["network_now"]))
        ]),
        "koinbridge/3-content.json": _json({"support_chat": [
            {"time_utc": "2024-11-14T05:22:00Z", "from": "customer",
             "text": "Why is my USDT deposit on hold? It is from my own clients."},
            {"time_utc": "2024-11-14T06:01:00Z", "from": "support",
             "text": "Compliance check: the funds came through a mixing service."},
        ]}),
    }


def _social(seed: int) -> dict[str, bytes]:
    who = person("P1")
    return {
        "social-example/0-letter.txt": _letter(
            "social.example platform (fictional)", "No. 24-118/KR", "2024-11-22",
            "2024-11-18", "registration data, login IP log, private messages of the account"),
        "social-example/1-subscriber.json": _json({
            "handle": "daniyar.m91", "registered": "2018-02-11T10:00:00Z",
            "email": who.email, "phone": who.phone, "name_given": who.informal}),
        "social-example/2-traffic.csv": csv_bytes([
            {"handle": "daniyar.m91", "time_utc": f"2024-11-{d:02d}T0{h}:00:00Z", "ip": ip,
             "event": "login"}
            for d, h, ip in ((4, 6, IP["network_now"]), (9, 7, "203.0.113.9"),
                             (15, 8, IP["network_now"]))]),
        "social-example/3-content.json": _json({"private_messages": [
            {"time_utc": "2024-02-18T16:00:00Z", "with": "f_nazar",
             "text": "Перенеси магазин на новый сервер до завтра."},
            {"time_utc": "2024-02-19T09:00:00Z", "from": "f_nazar",
             "text": "Готово, всё на новом адресе, зеркало тоже."},
        ]}),
    }


def files(seed: int = SEED) -> dict[str, bytes]:
    """The ``providers`` dataset: one folder per provider, one file per tier.

    Example:
        >>> sorted({p.split("/")[0] for p in files()})
        ['alatoo-telecom', 'koinbridge', 'social-example', 'steppe-mobile']
    """
    return {**_alatoo(seed), **_koinbridge(seed), **_social(seed), **_steppe(seed)}


CARD = """\
# providers: answers to preservation and production requests

## What it is

What four (fictional) providers sent back when the unit asked them for data: a Kazakh
mobile operator, a Kyrgyz mobile operator (its answer sent by the Kyrgyz authority that
executed the request for legal assistance), the cryptocurrency exchange and the social
network. Module `m09-requests-to-providers` teaches reading them and what each tier needs
legally; `m12-capstone` joins them to the rest of the case.

## Files and fields

One folder per provider, one file per tier of data (the Almaty 2015 workshop's tiers):

- `0-letter.txt`: the cover letter: request number, when it arrived, when data was
  preserved, what is enclosed;
- `1-subscriber.*` (tier 1, subscriber information): who holds the number or account:
  name in Cyrillic and Latin, birth date, document, contract date; for the exchange the KYC
  record with the deposit addresses;
- `2-traffic.*` (tier 2, traffic data): calls and SMS (`msisdn`, `other_party`,
  `start_utc`, `duration_s`, `cell_id`, `cell_city`), data sessions, or login logs with IP
  addresses;
- `3-content.*` (tier 3, content): messages, where the provider stores any (the Kyrgyz
  operator says it stores none).

## What is fictional

Providers, authorities, request numbers, persons, numbers, documents and messages are
invented. So is the rule the letters state on who authorises each tier (subscriber
information on a prosecutor's request, traffic data and content on a court order): it is the
fictional world's, each letter says so, and in a real case national law decides it. Phone
numbers are in the fictional blocks of `datasets/README.md`; IP addresses in documentation
ranges; addresses are withheld.
"""
