"""Every file of datasets/ is sanitised: reserved domains, documentation IPs, fictional phones.

The scanner reads each file as text (JPEGs through their EXIF tags) and reports anything a
real person, host, number or wallet could be behind. A planted file proves it catches each
kind of violation.
"""

from __future__ import annotations

import io
import ipaddress
import re
from pathlib import Path

import exifread
import phonenumbers
import pytest
from conftest import ROOT

from osintlab.world._addresses import is_valid_btc, is_valid_tron
from osintlab.world.people import PHONE_BLOCKS

DATA = ROOT / "datasets"

RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
RESERVED_DOMAINS = {"example", "example.com", "example.net", "example.org"}
VOCABULARIES = {"schema.org"}  # microdata itemtype names, never fetched
DOC_NETWORKS = [ipaddress.ip_network(n) for n in
                ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]
REAL_TLDS = ("com|net|org|ru|kz|kg|uz|tj|tm|io|me|info|onion|su|ua|by|de|uk|cn|app|dev|"
             "biz|co|tv|xyz|online|shop|site|edu|gov|int")
REAL_WALLETS = {
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",  # Bitcoin genesis block
    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",  # the USDT contract on TRON
    "34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo",  # a well-known exchange cold wallet
    "bc1qgdjqv0av3q56jvd82tkdjpy7gdp9ut8tlqmgrpmv24sq90ecnvqqjwvw97",  # a famous large holder
}
PUBLIC_FIGURES = ["Tokayev", "Nazarbayev", "Japarov", "Mirziyoyev", "Rahmon",
                  "Berdimuhamedov", "Putin", "Durov", "Токаев", "Назарбаев", "Жапаров",
                  "Мирзиёев", "Рахмон", "Бердымухамедов", "Путин", "Дуров"]

HOST = re.compile(r"\b((?:[a-z0-9-]+\.)+(?:[a-z0-9-]+))\b(?!@)", re.I)
EMAIL = re.compile(r"[\w.+-]+@((?:[\w-]+\.)+[\w-]+)")
IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", re.I)
FILE_NAME = re.compile(r"\.(?:jpg|png|json|html|csv|txt)$")  # Telegram's photo_1@<date>.jpg
PHONE = re.compile(r"\+\d[\d .\-()]{7,16}\d")
WALLET = re.compile(r"\b(bc1[02-9ac-hj-np-z]{11,71}|[13T][1-9A-HJ-NP-Za-km-z]{25,34})\b")


def _reserved(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host.endswith(RESERVED_SUFFIXES) or host in RESERVED_DOMAINS or any(
        host.endswith("." + d) for d in RESERVED_DOMAINS) or host in VOCABULARIES


def _text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\xff\xd8":
        return "\n".join(str(v) for v in exifread.process_file(io.BytesIO(raw),
                                                                 details=False).values())
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


def violations(text: str) -> list[str]:
    """What in this text could point at a real host, address, number, wallet or person."""
    found = []
    for match in HOST.finditer(text):
        host = match[1]
        if re.search(rf"\.(?:{REAL_TLDS})$", host, re.I) and not _reserved(host):
            found.append(f"domain {host}")
    for match in EMAIL.finditer(text):
        if not _reserved(match[1]) and not FILE_NAME.search(match[1]):
            found.append(f"e-mail {match[0]}")
    for match in [*IPV4.finditer(text), *IPV6.finditer(text)]:
        try:
            ip = ipaddress.ip_address(match[0])
        except ValueError:
            continue
        if not any(ip in net for net in DOC_NETWORKS if net.version == ip.version):
            found.append(f"IP {ip}")
    for match in PHONE.finditer(text):
        digits = "+" + re.sub(r"\D", "", match[0])
        try:
            number = phonenumbers.parse(digits)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number) and (
                phonenumbers.is_valid_number(number)  # in a range an operator holds: real
                or not any(digits.startswith(prefix) for prefix, _ in PHONE_BLOCKS.values())):
            found.append(f"phone {digits}")
    for match in WALLET.finditer(text):
        address = match[1]
        valid = is_valid_btc(address) or is_valid_tron(address)
        if address in REAL_WALLETS:
            found.append(f"real wallet {address}")
        elif address.startswith(("bc1", "T")) and len(address) > 30 and not valid:
            found.append(f"invalid address {address}")
    lowered = text.lower()
    found += [f"public figure {name}" for name in PUBLIC_FIGURES if name.lower() in lowered]
    return found


FILES = sorted(p for p in DATA.rglob("*") if p.is_file())


def test_every_dataset_file_is_sanitised():
    """Does any file of datasets/ name a real host, IP, phone, e-mail, wallet or figure?"""
    report = [f"{p.relative_to(DATA)}: {v}" for p in FILES for v in violations(_text(p))]
    assert FILES and not report, "\n".join(report)


@pytest.mark.parametrize(("planted", "kind"), [
    ("see https://www.google.com/maps", "domain www.google.com"),
    ("write to boss@gmail.com", "e-mail boss@gmail.com"),
    ("server 8.8.8.8 answered", "IP 8.8.8.8"),
    ("and 2a00:1450:4001::1 too", "IP 2a00:1450:4001::1"),
    ("call +7 701 234 5678", "phone +77012345678"),
    ("call +7 707 555 0117", "phone +77075550117"),  # the course's old "fictional" number: T2's
    ("+996 700 555 021", "phone +996700555021"),
    ("pay 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "real wallet 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
    ("USDT contract TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "real wallet TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
    ("photo with Nazarbayev", "public figure Nazarbayev"),
])
def test_the_scanner_catches_a_planted_violation(tmp_path, planted, kind):
    """Would the scan notice a real domain, IP, phone, wallet or name slipped into a file?"""
    page = tmp_path / "page.html"
    page.write_text(f"<p>{planted}</p>", encoding="utf-8")
    assert kind in violations(_text(page))


def test_the_scanner_lets_the_fictional_world_through():
    """Are reserved names, documentation IPs and the fictional blocks accepted?"""
    text = ("http://bazaar.example/ a@mail.example 203.0.113.45 2001:db8::1 +7 799 555 0117 "
            "+996 799 555 021 itemtype=https://schema.org/Offer")
    assert violations(text) == []


@pytest.mark.parametrize("country", sorted(PHONE_BLOCKS))
def test_every_number_of_each_fictional_block_is_possible_but_held_by_no_operator(country):
    """Is each block's every number of the right length, yet in no range the pinned metadata
    gives to an operator (so no real subscriber can have it)?

    No fictional (drama) range exists in these numbering plans, and "555" numbers there are
    real; after a phonenumbers upgrade this fails where a block has since been allocated.
    """
    prefix, written = PHONE_BLOCKS[country]
    first, last = written.split(" to ")  # "+7 799 555 0100 to 0199"
    first = "+" + re.sub(r"\D", "", first)
    last = first[: len(first) - len(last)] + last
    assert first.startswith(prefix) and last.startswith(prefix), written
    numbers = [phonenumbers.parse("+" + str(n)) for n in range(int(first), int(last) + 1)]
    assert len(numbers) in (100, 1000), written
    assert all(phonenumbers.is_possible_number(n) for n in numbers), written
    assert not any(phonenumbers.is_valid_number(n) for n in numbers), written
    assert {phonenumbers.region_code_for_number(n) for n in numbers} == {country}


COURSE_TEXT = sorted(
    p for folder in ("notebooks", "locale", "grading", "modules", "src", "tests", "bench", "deploy")
    for p in (ROOT / folder).rglob("*")
    if p.is_file() and p.suffix in (".ipynb", ".po", ".pot", ".yml", ".md", ".py", ".html", ".csv")
    and "node_modules" not in p.parts and p.name != "test_sanitised.py"
) + [ROOT / "README.md"]


def real_numbers(text: str) -> list[str]:
    """Every phone number in ``text`` that lies in a range an operator holds."""
    found = []
    for match in PHONE.finditer(text):
        try:
            number = phonenumbers.parse("+" + re.sub(r"\D", "", match[0]))
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            found.append(match[0])
    return found


def test_every_phone_number_in_the_course_is_held_by_no_operator():
    """Do the lessons, translations, grading files, docs and tests name no real number?

    (Deliberately malformed numbers in lessons and tests are fine; a valid one may be
    somebody's.)
    """
    report = [f"{path.relative_to(ROOT)}: {number}" for path in COURSE_TEXT
              for number in real_numbers(path.read_text(encoding="utf-8", errors="replace"))]
    assert COURSE_TEXT and not report, "\n".join(report)


def test_the_course_scan_catches_a_planted_real_number():
    """Would the course-wide scan notice the number the course used to name as a suspect's?"""
    assert real_numbers("Seller dala_trade, tel. +7 707 555 0117") == ["+7 707 555 0117"]
    assert real_numbers("Seller dala_trade, tel. +7 799 555 0117") == []
