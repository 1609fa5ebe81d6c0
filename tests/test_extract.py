"""osintlab.extract: entities found where investigators meet them, checksums that hold.

The checksum tests use the published vectors of BIP-173 and BIP-350 (Bech32, Bech32m and
segwit addresses), Bitcoin Core's Base58 vectors and the EIP-55 examples. Every other address,
phone number and e-mail here is invented (phones from the course's fictional blocks).
"""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
import requests
from bs4 import BeautifulSoup

from osintlab import extract
from osintlab.exceptions import ExtractError, OsintLabError
from osintlab.extract._checksums import (
    b58check_decode,
    b58check_encode,
    bech32_decode,
    eip55,
    keccak256,
    segwit_decode,
)

# ---- BIP-173 / BIP-350 ------------------------------------------------------------------------

VALID_BECH32 = [
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11" + "q" * 82 + "c8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
]
VALID_BECH32M = [
    "A1LQFN3A",
    "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11" + "l" * 82 + "ludsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
]
INVALID_BECH32M = [
    "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
    "qyrz8wqd2c9m",
    "1qyrz8wqd2c9m",
    "y1b0jsk6g",
    "lt1igcx5c0",
    "in1muywd",
    "mm1crxm3i",
    "au1s5cgom",
    "M1VUXWEZ",
    "16plkw9",
    "1p2gdwpf",
]
VALID_SEGWIT = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
    (
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262",
    ),
    (
        "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
        "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6",
    ),
    ("BC1SW50QGDZ25J", "6002751e"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"),
    (
        "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
        "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
        "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433",
    ),
    (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
    ),
]
INVALID_SEGWIT = [
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
    "bc1pw5dgrnzv",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
    "bc1gmk9yu",
]


@pytest.mark.parametrize("text", VALID_BECH32 + VALID_BECH32M)
def test_bip_valid_strings_decode_with_their_encoding(text):
    """Do the BIP-173 (Bech32) and BIP-350 (Bech32m) valid strings pass, as the right kind?"""
    _hrp, _data, encoding = bech32_decode(text)
    assert encoding == ("bech32" if text in VALID_BECH32 else "bech32m")


@pytest.mark.parametrize("text", INVALID_BECH32M)
def test_bip350_invalid_strings_are_refused(text):
    """Is each BIP-350 invalid string refused with a reason?"""
    with pytest.raises(ValueError, match=r"\w"):
        bech32_decode(text)


@pytest.mark.parametrize(("address", "script"), VALID_SEGWIT)
def test_bip350_valid_segwit_addresses_give_their_script(address, script):
    """Does every valid segwit address decode to the scriptPubKey the BIP lists?"""
    version, program = segwit_decode(address[:2].lower(), address)
    assert (bytes([version + 0x50 if version else 0, len(program)]) + program).hex() == script


@pytest.mark.parametrize("address", INVALID_SEGWIT)
def test_bip350_invalid_segwit_addresses_are_refused(address):
    """Is every invalid address refused for both networks (not only for the wrong prefix)?"""
    for hrp in ("bc", "tb"):
        with pytest.raises(ValueError):
            segwit_decode(hrp, address)


# ---- Base58Check, Keccak, EIP-55 --------------------------------------------------------------


def test_base58check_vectors():
    """Do the published Base58Check strings decode to their version and payload, and back?"""
    # Bitcoin wiki, "Technical background of version 1 Bitcoin addresses"
    payload = bytes.fromhex("010966776006953d5567439e5e39f86a0d273bee")
    assert b58check_decode("16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM") == (0, payload)
    assert b58check_encode(0, payload) == "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM"
    assert b58check_encode(0, bytes(20)) == "1111111111111111111114oLvT2"
    assert b58check_decode("1111111111111111111114oLvT2") == (0, bytes(20))


def test_plain_base58_without_a_checksum_is_refused():
    """Is Bitcoin Core's plain-Base58 vector (its last 4 bytes are no checksum) refused?"""
    with pytest.raises(ValueError, match="checksum does not match"):
        b58check_decode("1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L")


def test_base58check_refuses_a_changed_character_and_foreign_letters():
    """Does one changed character break the checksum, and is '0' refused by name?"""
    with pytest.raises(ValueError, match="checksum does not match"):
        b58check_decode("16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvN")
    with pytest.raises(ValueError, match="'0' is not a Base58 character"):
        b58check_decode("16UwLL9Risc3QfPqBUvKofHmBQ7wMtjv0")


def test_keccak256_is_not_nist_sha3():
    """Is our hash Keccak-256 (Ethereum's), over one block and several blocks?"""
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert keccak256(b"The quick brown fox jumps over the lazy dog").hex() == (
        "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"
    )
    assert keccak256(b"").hex() != hashlib.sha3_256(b"").hexdigest()
    # 136 bytes fill one block exactly, so the padding needs a second block
    assert keccak256(bytes(136)) != keccak256(bytes(135))


EIP55_VECTORS = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize("address", EIP55_VECTORS)
def test_eip55_vectors(address):
    """Does the checksummed form of each EIP-55 example equal the example?"""
    assert eip55(address.lower()) == address
    assert eip55(address.upper().replace("0X", "0x")) == address


# ---- crypto addresses in text ---------------------------------------------------------------


def _invented(version: int, seed: bytes) -> str:
    return b58check_encode(version, hashlib.sha256(seed).digest()[:20])


def test_crypto_finds_every_kind_and_flags_broken_checksums_without_dropping_them():
    """Is each address kind found, and a typo'd address kept with valid False and a reason?"""
    btc = _invented(0x00, b"seller-btc")
    p2sh = _invented(0x05, b"seller-p2sh")
    tron = _invented(0x41, b"seller-usdt")
    eth = eip55("0x" + hashlib.sha256(b"seller-eth").hexdigest()[:40])
    typo = btc[:-1] + ("2" if btc[-1] != "2" else "3")
    bad_eth = eth[:2] + eth[2:].swapcase() if eth[2:].swapcase() != eth[2:] else eth
    text = (
        f"USDT (TRC-20): {tron}\nBTC: {btc} or {p2sh}\nsegwit BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"
        f"\nETH {eth}, old one {bad_eth}\nstatement says {typo}\nlower {eth.lower()}"
    )
    table = extract.crypto(text)
    found = dict(
        zip(
            table["value"],
            zip(table["valid"], table["type"], table["network"], strict=True),
            strict=True,
        )
    )
    assert found[tron] == (True, "account", "tron")
    assert found[btc] == (True, "P2PKH", "bitcoin")
    assert found[p2sh] == (True, "P2SH", "bitcoin")
    assert found["BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"] == (True, "P2WPKH", "bitcoin")
    assert found[eth] == (True, "account", "ethereum")
    assert bool(found[eth.lower()][0]) is True
    assert bool(found[typo][0]) is False
    assert bool(found[bad_eth][0]) is False
    reasons = dict(zip(table["value"], table["reason"], strict=True))
    assert "checksum does not match" in reasons[typo]
    assert "EIP-55" in reasons[bad_eth]
    assert reasons[btc] == ""
    lower = table[table["value"] == eth.lower()].iloc[0]
    assert lower["normalized"] == eth and "no checksum" in lower["note"]
    segwit = table[table["value"].str.startswith("BC1")].iloc[0]
    assert segwit["normalized"] == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


def test_a_t_address_with_the_wrong_version_byte_is_not_taken_for_tron():
    """Does a Base58Check string with a good checksum but version 0x42 fail, saying why?"""
    fake = _invented(0x42, b"not-tron")
    assert fake.startswith("T") and len(fake) == 34
    table = extract.crypto(f"wallet {fake}")
    assert table["value"].tolist() == [fake]
    assert not table["valid"].iloc[0]
    assert "0x41" in table["reason"].iloc[0]


# ---- phones -----------------------------------------------------------------------------------

PHONES = {
    "KZ": ("8 (799) 555-01-17", "+77995550117"),
    "KG": ("+996 799 555 021", "+996799555021"),
    "UZ": ("+998 59 555-03-42", "+998595550342"),
    "TJ": ("+992 59 555 0417", "+992595550417"),
    "TM": ("+993 79 55 01 21", "+99379550121"),
}


def test_phones_of_the_five_countries_in_their_usual_writing():
    """Is a number of each country, written as people write it, found in E.164 with its country?

    The course's numbers have the right length but lie in no operator's range (so that no real
    subscriber is named a suspect): each is kept and flagged, with the reason an investigator
    reads as "no real subscriber has this number".
    """
    text = "\n".join(f"{country}: tel. {written}" for country, (written, _) in PHONES.items())
    table = extract.phones(text)
    assert table["normalized"].tolist() == [e164 for _, e164 in PHONES.values()]
    assert table["region"].tolist() == list(PHONES)
    assert not table["valid"].any()
    assert all("no real subscriber" in reason for reason in table["reason"])


def test_local_numbers_follow_the_region_and_a_bad_region_is_explained():
    """Does a number without a country code take the region asked for, with a clear error?"""
    assert extract.phones("0 799 555 021", region="KG")["normalized"].tolist() == ["+996799555021"]
    with pytest.raises(ExtractError, match='region=.QQ. is not a known country code.*"KZ"'):
        extract.phones("+7 799 555 0117", region="QQ")


def test_phones_ignore_ip_addresses_dates_and_order_numbers_but_flag_bad_numbers():
    """Are IPs, dates and short numbers left alone, and a number with a country code flagged?"""
    text = "IP 192.0.2.15 on 2024-03-05, order 1234567; call +7 107 555 0117, or +996 799 555 021"
    table = extract.phones(text)
    assert table["normalized"].tolist() == ["+71075550117", "+996799555021"]
    assert table["valid"].tolist() == [False, False]
    assert all(table["reason"] != "")


# ---- e-mails, URLs, usernames, IPs --------------------------------------------------------------


def test_obfuscated_emails_are_found_and_flagged():
    """Are addresses hidden as [at]/(dot)/собака found, normalised and marked obfuscated?"""
    text = (
        "write d.karimov [at] post [dot] example or nastya.vl(at)mail(dot)example,\n"
        "or farrukh.dev (собака) inbox (точка) example; plain: aibek.zh98@inbox.example"
    )
    table = extract.emails(text)
    assert table["normalized"].tolist() == [
        "d.karimov@post.example",
        "nastya.vl@mail.example",
        "farrukh.dev@inbox.example",
        "aibek.zh98@inbox.example",
    ]
    assert table["obfuscated"].tolist() == [True, True, True, False]
    assert table["valid"].all()
    assert "obfuscated" in table["note"].iloc[0] and table["note"].iloc[3] == ""


def test_email_with_broken_parts_is_flagged_not_dropped():
    """Is an address with two dots in a row kept, with valid False and the reason?"""
    table = extract.emails("contact ivan..petrov@mail.example today")
    assert table["value"].tolist() == ["ivan..petrov@mail.example"]
    assert not table["valid"].iloc[0]
    assert "two dots" in table["reason"].iloc[0]


def test_offsets_and_context_point_at_the_text():
    """Does `offset` point at the value in plain text, and `context` show its surroundings?"""
    text = "Report: the seller wrote from 203.0.113.9 at night."
    row = extract.ips(text).iloc[0]
    assert text[row["offset"] : row["offset"] + len(row["value"])] == "203.0.113.9"
    assert "seller wrote from 203.0.113.9 at night" in row["context"]


def test_urls_are_normalised_trimmed_and_refanged():
    """Are trailing punctuation, case and default ports handled, and hxxp/[.] refanged?"""
    text = (
        "See (http://Bazaar.example:80/listings?page=2), then hxxps://drop-box[.]example/a.\n"
        "Bad: http://localhost-only/x and https://exa_mple.example/"
    )
    table = extract.urls(text)
    assert table["normalized"].tolist() == [
        "http://bazaar.example/listings?page=2",
        "https://drop-box.example/a",
        "http://localhost-only/x",
        "https://exa_mple.example/",
    ]
    assert table["valid"].tolist() == [True, True, False, False]
    assert "defanged" in table["note"].iloc[1]
    assert "no dot" in table["reason"].iloc[2]


def test_handles_are_found_but_not_inside_emails():
    """Is @handle found and the part after @ in an e-mail not taken for a handle?"""
    table = extract.usernames("DM @steppe_trader_77 or mail trader@mail.example (@x is too short)")
    assert table["normalized"].tolist() == ["steppe_trader_77", "x"]
    assert table["valid"].tolist() == [True, False]


def test_ip_ranges_are_flagged_and_bad_addresses_kept():
    """Are documentation, private and loopback ranges named, IPv6 found, and 999.1.1.1 flagged?"""
    text = "hosts: 198.51.100.20, 192.168.1.5, 127.0.0.1, 2001:db8:0:0::7, 999.1.1.1; at 12:30:45"
    table = extract.ips(text)
    assert table["value"].tolist() == [
        "198.51.100.20",
        "192.168.1.5",
        "127.0.0.1",
        "999.1.1.1",
        "2001:db8:0:0::7",
    ]
    assert table["range"].tolist() == ["documentation", "private", "loopback", "", "documentation"]
    assert table["normalized"].iloc[4] == "2001:db8::7"
    assert table["valid"].tolist() == [True, True, True, False, True]
    assert "999" in table["reason"].iloc[3]


# ---- HTML, bytes, responses, soup ---------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>Seller</title>
<meta name="description" content="Call +7 799 555 0182">
<style>.mail::after { content: "style@css.example" }</style>
<script>var admin = "script@js.example";</script></head>
<body><div itemscope itemtype="https://schema.example/Person">
<span itemprop="email" content="gulnara.saparova@mail.example">her address</span>
<p>Phone: <a href="tel:+99379550121">call</a>, mail <a href="mailto:ogul.ataeva@mail.example?subject=hi">me</a>
<!-- TODO remove: backup admin d.mukhametov@school.example, server 203.0.113.50 -->
<p>Listing <a href="/listings?page=2">next</a>
"""


def test_html_reads_text_comments_and_attributes_but_not_scripts_or_styles():
    """Are mailto:, tel:, microdata and comment leaks found, and scripts/styles left out?"""
    table = extract.entities(PAGE)
    where = {(kind, value): found for kind, value, found in
             table[["kind", "normalized", "found_in"]].itertuples(index=False)}  # fmt: skip
    assert where[("email", "gulnara.saparova@mail.example")] == "attribute content"
    assert where[("email", "ogul.ataeva@mail.example")] == "attribute href"
    assert where[("email", "d.mukhametov@school.example")] == "comment"
    assert where[("ip", "203.0.113.50")] == "comment"
    assert where[("phone", "+99379550121")] == "attribute href"
    assert where[("phone", "+77995550182")] == "attribute content"
    values = set(table["normalized"])
    assert "script@js.example" not in values and "style@css.example" not in values
    assert list(table.columns) == extract.COLUMNS


def test_broken_html_and_wrong_encoding_bytes_do_not_crash():
    """Do unclosed tags, 5,000 nested divs, NUL bytes and invalid UTF-8 still give a table?"""
    broken = (
        b"<html><body><div><p>mail ivan@mail.example <b>unclosed <i>tags"
        + b"<div>" * 5000
        + b"\xff\xfe\x00 invalid bytes \xc3\x28 and +7 799 555 0100<!-- unterminated comment"
    )
    table = extract.entities(broken)
    assert "ivan@mail.example" in set(table["normalized"])
    assert "+77995550100" in set(table["normalized"])


def test_a_beautifulsoup_object_is_read_like_the_page():
    """Does a parsed page give the same entities as its text?"""
    soup = BeautifulSoup(PAGE, "html.parser")
    assert (
        extract.emails(soup)["normalized"].tolist() == extract.emails(PAGE)["normalized"].tolist()
    )
    part = soup.find("p")
    assert "+99379550121" in extract.phones(part)["normalized"].tolist()


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self):
        cyrillic = "<p>Продавец: Фаррух, почта farrukh.dev@inbox.example</p>".encode("cp1251")
        body = b"<html><body>" + cyrillic + b'<a href="/u/farrukh">profile</a></body></html>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=windows-1251")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server_url():
    """A real HTTP server on 127.0.0.1 (port 0) serving a windows-1251 page."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_windows_1251_response_is_decoded_and_relative_links_made_absolute(server_url):
    """Does a real response in windows-1251 give readable context and absolute profile links?"""
    response = requests.get(server_url + "/seller/7", timeout=10)
    table = extract.entities(response)
    email = table[table["kind"] == "email"].iloc[0]
    assert email["normalized"] == "farrukh.dev@inbox.example"
    assert "Продавец: Фаррух" in email["context"]
    assert server_url + "/u/farrukh" in set(extract.urls(response)["normalized"])
    # the raw bytes without the header: the guess must still read Cyrillic
    assert "Фаррух" in extract.emails(response.content)["context"].iloc[0]


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, 42, ["a@b.example"], {"text": "x"}, pd.DataFrame()])
def test_wrong_input_type_gets_a_teaching_error(bad):
    """Does a list, a number or a table get an ExtractError that says what to give instead?"""
    with pytest.raises(ExtractError) as caught:
        extract.emails(bad)
    message = str(caught.value)
    assert f"extract cannot read {type(bad).__name__}" in message
    assert "web.get(...)" in message and "join it first" in message
    assert isinstance(caught.value, OsintLabError) and isinstance(caught.value, ValueError)


def test_nothing_found_is_an_empty_table_with_the_columns():
    """Does a page with no entities give an empty table a trainee can still filter?"""
    for function in (extract.emails, extract.phones, extract.urls, extract.crypto, extract.ips):
        table = function("nothing here")
        assert table.empty and set(extract.COLUMNS) <= set(table.columns)
    assert list(extract.entities("").columns) == extract.COLUMNS


def test_profile_links_of_the_fictional_platforms_name_their_platform():
    """Is a profile link on a site of datasets/web/sites.yml read as that platform's username?"""
    page = (
        '<a href="http://social.example/u/daniyar.m91.html">profile</a> '
        '<a href="http://bazaar.example/seller/dala_trade.html">seller</a> '
        '<a href="http://bazaar.example/item/48139.html">an item, not a profile</a>'
    )
    table = extract.usernames(page)
    assert table[["normalized", "platform"]].values.tolist() == [
        ["daniyar.m91", "social"],
        ["dala_trade", "bazaar"],
    ]
