"""The fictional world holds together: the ground truth is in the data, the formats are real.

Every check here reads the committed files in datasets/ with ordinary tools (json, csv,
BeautifulSoup, exifread, networkx) and the trainers' ground truth in grading/world/.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import json
import re
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import exifread
import networkx as nx
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT

from osintlab.world._addresses import is_valid_btc, is_valid_tron

DATA = ROOT / "datasets"
TRUTH = yaml.safe_load((ROOT / "grading" / "world" / "ground-truth.yml").read_text("utf-8"))


def _json_field(data, path: str) -> list:
    found = [data]
    for part in path.split("."):
        name, _, pick = part.partition("[")
        if name:  # "[id=7]" alone picks from a list at the top of the file
            found = [item[name] for item in found if isinstance(item, dict) and name in item]
        if pick:
            key, _, wanted = pick.rstrip("]").partition("=")
            found = [x for lst in found for x in lst
                     if key == "*" or str(x.get(key)) == wanted]
    return found


def _found(item: dict) -> bool:
    """Follow one evidence path; True if its value is there."""
    path = DATA / item["dataset"] / item["file"]
    raw = path.read_bytes()
    value = str(item["value"])
    if "tag" in item:
        tags = exifread.process_file(io.BytesIO(raw), details=False)
        texts = [str(tags[item["tag"]])] if item["tag"] in tags else []
    elif "selector" in item:
        soup = BeautifulSoup(raw.decode(item.get("encoding", "utf-8")), "html.parser")
        texts = [el.get_text() for el in soup.select(item["selector"])]
    elif "field" in item:
        texts = [str(x) for x in _json_field(json.loads(raw), item["field"])]
    elif "row" in item:
        text = raw.decode("utf-8")
        rows = ([json.loads(line) for line in text.splitlines()] if path.suffix == ".jsonl"
                else list(csv.DictReader(io.StringIO(text))))
        texts = [str(r[item["column"]]) for r in rows
                 if all(fnmatch.fnmatchcase(str(r[k]), v) for k, v in item["row"].items())]
    else:
        texts = [raw.decode(item.get("encoding", "utf-8"), errors="replace")]
    return any(value in t for t in texts)


def _holds(item: dict) -> bool:
    return _found(item) != bool(item.get("absent"))


LINKS = {link["id"]: link for link in TRUTH["links"]}
LEADS = {lead["id"]: lead for lead in TRUTH["false_leads"]}


@pytest.mark.parametrize("link_id", sorted(LINKS))
def test_every_true_link_is_discoverable_from_the_data(link_id):
    """Does each piece of evidence the ground truth names exist where it says?"""
    missing = [e for e in LINKS[link_id]["evidence"] if not _holds(e)]
    assert not missing, f"{link_id}: evidence not found: {missing}"


@pytest.mark.parametrize("lead_id", sorted(LEADS))
def test_every_false_lead_is_tempting_and_refutable_from_the_data(lead_id):
    """Is the bait really in the data, and does the data refute it as the truth says?"""
    lead = LEADS[lead_id]
    assert lead["bait"] and lead["refuted_by"]
    assert all(_holds(e) for e in lead["bait"]), f"{lead_id}: bait missing"
    failing = [e for e in lead["refuted_by"] if not _holds(e)]
    assert not failing, f"{lead_id}: refutation not in the data: {failing}"


def test_a_wrong_evidence_path_is_caught():
    """Would the checker notice evidence that is not there (a wrong value or selector)?"""
    link = LINKS["L02"]["evidence"][1]
    assert _holds(link)
    assert not _holds({**link, "value": "+77995550199"})
    assert not _holds({**link, "selector": '[itemprop="email"]'})


def test_every_person_is_named_in_cyrillic_and_latin_spellings():
    """Does the ground truth carry each person's Cyrillic name and passport spelling?"""
    for person in TRUTH["persons"]:
        assert re.search("[А-Яа-я]", person["name"])
        assert re.fullmatch(r"[A-Za-z' -]+", person["spellings"]["passport"])
    names = [p["spellings"]["passport"] for p in TRUTH["persons"]]
    assert len(names) != len(set(names)), "the world needs a namesake"


def test_no_ground_truth_file_is_inside_the_trainees_datasets():
    """Do the trainees' datasets stay free of the trainers' ground truth?"""
    text = "\n".join(p.read_text("utf-8", errors="ignore") for p in DATA.rglob("*")
                     if p.is_file() and p.suffix in {".md", ".yml", ".json", ".txt"})
    assert "false_leads" not in text and "refuted_by" not in text


# -- Telegram ----------------------------------------------------------------------------

@pytest.mark.parametrize("chat", ["channel", "group"])
def test_telegram_export_has_the_desktop_result_json_shape(chat):
    """Does each export parse like Telegram Desktop's result.json, with consistent refs?"""
    export = DATA / "telegram" / chat
    data = json.loads((export / "result.json").read_text("utf-8"))
    assert {"name", "type", "id", "messages"} <= set(data)
    ids = {m["id"] for m in data["messages"]}
    for m in data["messages"]:
        assert m["type"] in {"message", "service"}
        assert {"id", "date", "date_unixtime", "text", "text_entities"} <= set(m)
        local = datetime.fromisoformat(m["date"])
        utc = datetime.fromtimestamp(int(m["date_unixtime"]), UTC).replace(tzinfo=None)
        assert local - utc == timedelta(hours=5)
        joined = m["text"] if isinstance(m["text"], str) else "".join(
            p if isinstance(p, str) else p["text"] for p in m["text"])
        assert joined == "".join(e["text"] for e in m["text_entities"])
        if m["type"] == "message":
            assert m["from_id"].startswith(("user", "channel"))
        if "reply_to_message_id" in m:
            assert m["reply_to_message_id"] in ids
        if m.get("action") == "pin_message":
            assert m["message_id"] in ids
        if "photo" in m:
            assert (export / m["photo"]).is_file()


def test_telegram_has_edits_forwards_bots_and_a_pinned_payment_message():
    """Does the case's Telegram data hold every feature the messengers module teaches?"""
    channel = json.loads((DATA / "telegram/channel/result.json").read_text("utf-8"))
    group = json.loads((DATA / "telegram/group/result.json").read_text("utf-8"))
    messages = channel["messages"] + group["messages"]
    assert any("edited" in m for m in messages)
    assert any("forwarded_from" in m for m in messages)
    assert any("via_bot" in m for m in messages)
    pinned = next(m["message_id"] for m in channel["messages"] if m.get("action") == "pin_message")
    entities = next(m for m in channel["messages"] if m["id"] == pinned)["text_entities"]
    assert any(e["type"] == "code" and is_valid_btc(e["text"]) for e in entities)
    assert any(e["type"] == "mention" and e["text"].endswith("_bot") for e in entities)


def test_a_group_photo_is_the_same_file_as_in_the_photos_dataset():
    """Can a trainee match a posted photo to the photos dataset by its SHA-256?"""
    def sha(p: Path) -> str:
        return hashlib.sha256(p.read_bytes()).hexdigest()
    posted = DATA / "telegram/group/photos/photo_2@03-11-2024_14-22-10.jpg"
    assert sha(posted) == sha(DATA / "photos/IMG_20241103_142210.jpg")


# -- Domains -----------------------------------------------------------------------------

def _whois(domain: str) -> tuple[str, set[str]]:
    text = (DATA / "domains/whois" / f"{domain}.txt").read_text("utf-8")
    created = re.search(r"(?:Creation Date: |Domain created: )(\d{4}-\d\d-\d\d)", text)[1]
    servers = {s.lower() for s in re.findall(r"(?:Name Server|[a-zA-Z]+ server)\.*: (\S+)", text)}
    return created, servers


@pytest.mark.parametrize("domain", ["dala-market.example", "dalamarket.example",
                                    "koinbridge.example", "shop7x3k.example"])
def test_whois_rdap_and_dns_agree_on_each_domain(domain):
    """Do WHOIS, RDAP, DNS and passive DNS tell the same story about a domain?"""
    created, servers = _whois(domain)
    rdap = json.loads((DATA / "domains/rdap" / f"{domain}.json").read_text("utf-8"))
    assert rdap["ldhName"] == domain
    registration = next(e for e in rdap["events"] if e["eventAction"] == "registration")
    assert registration["eventDate"].startswith(created)
    assert {ns["ldhName"] for ns in rdap["nameservers"]} == servers
    dig = (DATA / "domains/dns" / f"{domain}.txt").read_text("utf-8")
    records = [line.split("\t") for line in dig.splitlines() if "\tIN\t" in line]
    assert {r[4].rstrip(".") for r in records if r[3] == "NS"} == servers
    address = next(r[4] for r in records if r[0] == f"{domain}." and r[3] == "A")
    seen = [json.loads(line) for line in
            (DATA / "domains/passive-dns.jsonl").read_text("utf-8").splitlines()]
    latest = max((s for s in seen if s["rrname"] == domain and s["rrtype"] == "A"),
                 key=lambda s: s["time_last"])
    assert latest["rdata"] == address
    crt = json.loads((DATA / "domains/ct/crtsh.json").read_text("utf-8"))
    assert any(domain in c["name_value"].split("\n") for c in crt)


# -- Photos ------------------------------------------------------------------------------

def _exif(name: str) -> dict:
    with open(DATA / "photos" / name, "rb") as handle:
        return {k: str(v) for k, v in exifread.process_file(handle, details=False).items()}


def _degrees(text: str) -> float:
    d, m, s = (float(Fraction(x.strip())) for x in text.strip("[]").split(","))
    return d + m / 60 + s / 3600


def test_photos_are_small_jpegs_with_readable_exif_and_gps_where_stated():
    """Does exifread read camera, times and GPS, and is every photo under 60 KB?"""
    cities = {"IMG_20241103_142210.jpg": (42.87, 74.61), "IMG_0233.jpg": (43.24, 76.95),
              "DSC_0101.jpg": (51.13, 71.43), "IMG_20241105_093015.jpg": (40.53, 72.80)}
    for photo in (DATA / "photos").glob("*.jpg"):
        assert photo.read_bytes()[:2] == b"\xff\xd8" and photo.stat().st_size < 60_000
    for name, (lat, lon) in cities.items():
        tags = _exif(name)
        assert {"Image Make", "Image Model", "EXIF DateTimeOriginal",
                "EXIF OffsetTimeOriginal"} <= set(tags)
        assert abs(_degrees(tags["GPS GPSLatitude"]) - lat) < 0.01
        assert abs(_degrees(tags["GPS GPSLongitude"]) - lon) < 0.01


def test_some_photos_are_stripped_and_one_is_edited():
    """Are there photos without EXIF or GPS, and one whose DateTime follows an edit?"""
    assert _exif("product_07.jpg") == {}
    assert not any(k.startswith("GPS") for k in _exif("IMG_20241020_170342.jpg"))
    edited = _exif("IMG_20241109_181204.jpg")
    assert "Image Software" in edited
    assert edited["Image DateTime"] > edited["EXIF DateTimeOriginal"]


# -- Crypto ------------------------------------------------------------------------------

def test_the_address_validators_know_real_encodings():
    """Do the checksum validators accept known-good vectors and reject a one-letter change?"""
    assert is_valid_btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")  # genesis (a test vector here)
    assert not is_valid_btc("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")
    assert is_valid_btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")  # BIP-173 vector
    assert not is_valid_btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")
    assert is_valid_tron("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")
    assert not is_valid_tron("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u")


def _rows(name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((DATA / "crypto" / name).read_text("utf-8"))))


def test_every_crypto_address_passes_checksum_validation():
    """Would a trainee's validator accept every address in the tables?"""
    btc = _rows("btc_transactions.csv")
    tron = _rows("tron_usdt_transfers.csv")
    assert all(is_valid_btc(r["address"]) for r in btc)
    assert all(is_valid_tron(r["from_address"]) and is_valid_tron(r["to_address"])
               for r in tron)


def test_btc_holds_a_peel_chain_ending_in_an_exchange_deposit():
    """Do balanced transactions lead from the pinned address down a peel chain to KoinBridge?"""
    rows = _rows("btc_transactions.csv")
    txs: dict[str, dict] = {}
    for r in rows:
        tx = txs.setdefault(r["txid"], {"in": [], "out": [], "fee": float(r["fee_btc"])})
        tx[r["direction"]].append((r["address"], float(r["value_btc"])))
    graph = nx.DiGraph()
    for tx in txs.values():
        assert abs(sum(v for _, v in tx["in"]) - sum(v for _, v in tx["out"]) - tx["fee"]) < 1e-9
        for source, _ in tx["in"]:
            for target, value in tx["out"]:
                if target != source:
                    graph.add_edge(source, target, value=value)
    channel = json.loads((DATA / "telegram/channel/result.json").read_text("utf-8"))
    shop = next(e["text"] for m in channel["messages"] for e in m["text_entities"]
                if e["type"] == "code" and e["text"].startswith("bc1"))
    hot = next(r["address"] for r in _rows("labels.csv")
               if r["chain"] == "BTC" and "KoinBridge" in r["label"])
    path = nx.shortest_path(graph, shop, hot)
    assert len(path) >= 6  # shop -> consolidation -> several peel hops -> deposit -> hot wallet
    for hop in path[1:-2]:  # each hop pays a small amount away and keeps the large change
        values = sorted(d["value"] for _, _, d in graph.out_edges(hop, data=True))
        assert len(values) == 2 and values[0] < values[1] / 3
    deposit = path[-2]
    kyc = json.loads((DATA / "providers/koinbridge/1-subscriber.json").read_text("utf-8"))
    assert kyc["deposit_addresses"]["BTC"] == deposit


def test_tron_funds_pass_a_mixer_like_hop_into_the_exchange():
    """Do many inputs meet at the mixer and equal pieces reach the exchange deposit?"""
    rows = _rows("tron_usdt_transfers.csv")
    labels = {r["address"]: r["label"] for r in _rows("labels.csv")}
    mixer = next(a for a, label in labels.items() if "mixing" in label)
    senders = {r["from_address"] for r in rows if r["to_address"] == mixer}
    assert len(senders) >= 5
    kyc = json.loads((DATA / "providers/koinbridge/1-subscriber.json").read_text("utf-8"))
    deposit = kyc["deposit_addresses"]["USDT_TRC20"]
    pieces = [r for r in rows if r["to_address"] == deposit]
    assert len({r["amount"] for r in pieces}) == 1 and len(pieces) >= 3
    assert all(any(x["from_address"] == mixer and x["to_address"] == p["from_address"]
                   for x in rows) for p in pieces)
    assert any("KoinBridge" in labels.get(r["to_address"], "") for r in rows
               if r["from_address"] == deposit)


# -- Providers ---------------------------------------------------------------------------

def test_each_provider_answer_has_a_letter_and_the_three_tiers():
    """Does every provider folder hold subscriber, traffic and content files and a letter?"""
    folders = sorted(p for p in (DATA / "providers").iterdir() if p.is_dir())
    assert len(folders) >= 3
    for folder in folders:
        stems = {p.stem for p in folder.iterdir()}
        assert {"0-letter", "1-subscriber", "2-traffic", "3-content"} <= stems, folder.name
        assert "preserved" in (folder / "0-letter.txt").read_text("utf-8")


# -- Web ---------------------------------------------------------------------------------

def test_sites_yml_describes_hosts_that_exist_with_every_server_behaviour():
    """Does sites.yml name real folders and every behaviour the sandbox must reproduce?"""
    sites = yaml.safe_load((DATA / "web/sites.yml").read_text("utf-8"))["hosts"]
    for host, spec in sites.items():
        assert (DATA / "web" / spec["root"] / "robots.txt").is_file(), host
        for redirect in spec.get("redirects", []):
            assert (DATA / "web" / host / redirect["target"].lstrip("/")).is_file()
            assert redirect["status"] in (301, 302)
        for broken in spec.get("broken_links", []):
            assert not (DATA / "web" / host / broken.lstrip("/")).exists()
    kinds = {k for spec in sites.values() for k in spec}
    assert {"redirects", "rate_limit", "login", "charsets", "gzip", "large_pages",
            "slow_pages", "broken_links"} <= kinds
    for path, charset in sites["news.example"]["charsets"].items():
        raw = (DATA / "web/news.example" / path.lstrip("/")).read_bytes()
        assert f'charset="{charset}"'.encode() in raw
        raw.decode(charset)
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")


def test_listings_are_paginated_with_microdata():
    """Can a crawler follow rel=next through every listings page and read microdata?"""
    page, seen = "page-1.html", 0
    while page:
        soup = BeautifulSoup((DATA / "web/bazaar.example/listings" / page).read_text("utf-8"),
                             "html.parser")
        offers = soup.select('[itemtype="https://schema.org/Offer"]')
        assert offers and all(o.select_one('[itemprop="price"]')["content"].isdigit()
                              for o in offers)
        seen += len(offers)
        nxt = soup.select_one('a[rel="next"]')
        page = nxt["href"].rsplit("/", 1)[1] if nxt else None
    assert seen >= 30
