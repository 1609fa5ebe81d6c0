"""The cast of the fictional world: invented persons and organisations, and how sources spell them.

Every person exists once here; the other modules (websites, Telegram, domains, photos,
crypto, providers) take names, phones, e-mails and usernames from this cast, so that the
same person leaves consistent traces across sources. Names are Cyrillic; Latin spellings
are made the way real sources make them: passports with ICAO Doc 9303, libraries with
GOST 7.79, English maps with BGN/PCGN (all three through ``iuliia``), Uzbek Latin with
``iuliia``'s UZ scheme, and the informal or Kazakh-Latin spellings people type themselves.

Phones come from one fictional block per country (``PHONE_BLOCKS``), e-mails from reserved
domains only.

Example:
    >>> from osintlab.world.people import person
    >>> organiser = person("P1")
    >>> organiser.cyrillic, organiser.spellings()["passport"]
    ('Мухаметов Данияр Серикович', 'Mukhametov Daniiar')
"""

from __future__ import annotations

from dataclasses import dataclass, field

import iuliia

from . import csv_bytes

#: One invented block of mobile-looking numbers per country (E.164 prefix -> how it is written).
#: No fictional (drama) range exists in these countries' numbering plans, and "555" numbers
#: there belong to real operators; so each block has the right length for its country but
#: lies in no range the pinned ``phonenumbers`` gives to an operator (possible, not valid).
PHONE_BLOCKS: dict[str, tuple[str, str]] = {
    "KZ": ("+779955501", "+7 799 555 0100 to 0199"),
    "KG": ("+9967995550", "+996 799 555 000 to 099"),
    "TJ": ("+992595550", "+992 59 555 0000 to 0999"),
    "TM": ("+99379550", "+993 79 55 0000 to 0999"),
    "UZ": ("+998595550", "+998 59 555 0000 to 0999"),
}


@dataclass(frozen=True)
class Person:
    """One invented person: names in Cyrillic, contacts, and the spellings sources use."""

    id: str
    role: str  # suspect, namesake or bystander
    surname: str
    given: str
    patronymic: str
    country: str
    city: str
    born: str
    phone: str
    email: str
    informal: str
    native: str = ""  # the name in the national Cyrillic orthography, when it differs
    native_latin: str = ""  # how the national Latin alphabet writes it (kk 2021, uz)
    occupation: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def cyrillic(self) -> str:
        return f"{self.surname} {self.given} {self.patronymic}".strip()

    def spellings(self) -> dict[str, str]:
        """The Latin spellings of this person as different sources write them.

        Example:
            >>> person("P3").spellings()["national_latin"]
            'Karimov Dilshod Botir oʻgʻli'
        """
        short = f"{self.surname} {self.given}"
        found = {
            "passport": iuliia.ICAO_DOC_9303.translate(short),
            "gost": iuliia.GOST_779.translate(short),
            "bgn_pcgn": iuliia.BGN_PCGN.translate(short),
            "informal": self.informal,
        }
        if self.native_latin:
            found["national_latin"] = self.native_latin
        return found


CAST: tuple[Person, ...] = (
    Person(
        "P1", "suspect", "Мухаметов", "Данияр", "Серикович", "KZ", "Almaty", "1991-04-17",
        "+77995550117", "daniyar.m91@mail.example", "Daniyar Mukhametov",
        native="Мұхаметов Данияр Серікұлы", native_latin="Mūhametov Daniiar Serıkūly",
        occupation="unemployed (registered as a sole trader, phone repair)",
    ),
    Person(
        "P2", "suspect", "Жумабаев", "Айбек", "Нурланович", "KG", "Bishkek", "1998-08-02",
        "+996799555021", "aibek.zh98@inbox.example", "Aibek Zhumabaev",
        native="Жумабаев Айбек Нурлан уулу", native_latin="Zhumabaev Aibek Nurlan uulu",
        occupation="courier",
    ),
    Person(
        "P3", "suspect", "Каримов", "Дилшод", "Ботирович", "UZ", "Tashkent", "1989-12-05",
        "+998595550342", "d.karimov@post.example", "Dilshod Karimov",
        native="Каримов Дилшод Ботир ўғли", native_latin="Karimov Dilshod Botir oʻgʻli",
        occupation="currency exchanger",
    ),
    Person(
        "P4", "suspect", "Назаров", "Фаррух", "Алиевич", "TJ", "Dushanbe", "1995-02-21",
        "+992595550417", "farrukh.dev@inbox.example", "Farrukh Nazarov",
        native="Назаров Фаррух Алиевич", occupation="freelance web developer",
    ),
    Person(
        "P5", "suspect", "Власова", "Анастасия", "Игоревна", "KZ", "Almaty", "1994-06-30",
        "+77995550153", "nastya.vl@mail.example", "Nastya Vlasova",
        occupation="call-centre operator",
    ),
    Person(
        "N1", "namesake", "Мухаметов", "Данияр", "Маратович", "KZ", "Astana", "1985-09-02",
        "+77995550182", "d.mukhametov@school.example", "Daniyar Mukhametov",
        native="Мұхаметов Данияр Маратұлы", native_latin="Mūhametov Daniiar Maratūly",
        occupation="physics teacher",
    ),
    Person(
        "B1", "bystander", "Сапарова", "Гульнара", "Кайратовна", "KZ", "Almaty", "1979-01-11",
        "+77995550188", "gulnara.saparova@mail.example", "Gulnara Saparova",
        native="Сапарова Гүлнара Қайратқызы", native_latin="Saparova Gülnara Qairatqyzy",
        occupation="sells home-made carpets",
    ),
    Person(
        "B2", "bystander", "Атаева", "Огулджан", "Мередовна", "TM", "Almaty", "1990-10-14",
        "+99379550121", "ogul.ataeva@mail.example", "Ogulzhan Ataeva",
        native="Атаева Огулджан Мередовна", native_latin="Ataýewa Ogulja Meredowna",
        occupation="florist (Dala Gulder)",
    ),
)

ORGANISATIONS: tuple[dict[str, str], ...] = (
    {"id": "O1", "name": "Dala Gulder LLP", "kind": "flower shop", "country": "KZ",
     "city": "Almaty", "domain": "dalamarket.example", "note": "registrant of dalamarket.example"},
    {"id": "O2", "name": "KoinBridge Ltd.", "kind": "cryptocurrency exchange", "country": "KZ",
     "city": "Astana", "domain": "koinbridge.example", "note": "answers requests for KYC data"},
    {"id": "O3", "name": "Steppe Mobile JSC", "kind": "mobile operator", "country": "KZ",
     "city": "Almaty", "domain": "steppe-mobile.example",
     "note": "KZ mobile operator (fictional number block)"},
    {"id": "O4", "name": "Ala-Too Telecom", "kind": "mobile operator", "country": "KG",
     "city": "Bishkek", "domain": "alatoo-telecom.example",
     "note": "KG mobile operator (fictional number block)"},
    {"id": "O5", "name": "PrivacyGuard Registrar Services", "kind": "privacy proxy",
     "country": "-", "city": "-", "domain": "privacyguard.example",
     "note": "hides registrants in WHOIS"},
)


def person(person_id: str) -> Person:
    """The cast member with this id (P1-P5 suspects, N1 namesake, B1-B2 bystanders).

    Example:
        >>> person("N1").city
        'Astana'
    """
    for member in CAST:
        if member.id == person_id:
            return member
    raise KeyError(f"no person {person_id!r} in the cast")


def files() -> dict[str, bytes]:
    """The ``people`` dataset: a register extract, the spellings per source, organisations.

    The register holds registry ids, not the story's person ids, so nothing in it says who
    is a suspect.

    Example:
        >>> sorted(files())
        ['organisations.csv', 'register.csv', 'spellings.csv']
    """
    register, spellings = [], []
    for number, member in enumerate(sorted(CAST, key=lambda m: (m.surname, m.born)), 1):
        rid = f"R-{1040 + number * 7}"
        register.append({
            "register_id": rid, "surname": member.surname, "given_name": member.given,
            "patronymic": member.patronymic, "name_national": member.native or member.cyrillic,
            "born": member.born, "country": member.country, "city": member.city,
            "passport_latin": member.spellings()["passport"].upper(),
            "occupation": member.occupation,
        })
        for source, text in member.spellings().items():
            spellings.append({"register_id": rid, "source": source, "spelling": text})
    return {
        "register.csv": csv_bytes(register),
        "spellings.csv": csv_bytes(spellings),
        "organisations.csv": csv_bytes([dict(o) for o in ORGANISATIONS]),
    }


CARD = """\
# people: a register extract, name spellings, organisations

## What it is

The persons and organisations that the case brings up, as an investigator would get them
from a (fictional) population register and company register: names in Cyrillic, the
spelling in the national orthography, and the Latin spellings that different sources use.
Module `m04-people-and-accounts` uses it to search for a person under every spelling;
`m10-capstone` uses it to identify suspects. It does not say who is a suspect: that is
what trainees find out.

## Files and fields

- `register.csv` (UTF-8, comma-separated): `register_id`, `surname`, `given_name`,
  `patronymic` (Russian Cyrillic), `name_national` (Kazakh, Kyrgyz, Uzbek, Tajik or Turkmen
  Cyrillic), `born` (ISO date), `country` (ISO 3166 code), `city`, `passport_latin` (ICAO
  Doc 9303 spelling, upper case as in a machine-readable passport), `occupation`.
- `spellings.csv`: one row per spelling of a person: `register_id`, `source`
  (`passport` = ICAO Doc 9303, `gost` = GOST 7.79 system B, `bgn_pcgn` = BGN/PCGN,
  `informal` = how the person writes it online, `national_latin` = the Kazakh 2021, Kyrgyz,
  Uzbek or Turkmen Latin form), `spelling`.
- `organisations.csv`: `id`, `name`, `kind`, `country`, `city`, `domain`, `note`.

## What is fictional

Everything. The persons are invented; two of them share a name on purpose (a namesake).
Cities are real place names. Domains are under `.example` (RFC 2606). Phone numbers come
only from these invented blocks, one per country. No fictional range exists in these
countries' numbering plans (and "555" numbers there are real), so each block has the right
length for its country but lies in no range given to an operator: `osintlab.extract.phones`
shows `valid` False for them, and no real subscriber has them.

| country | block |
|---|---|
{blocks}

E-mail addresses are only at reserved domains (`*.example`).
"""
