"""The m03 exercise's hidden checks hold the world's truth, so they cannot drift from it.

A graded kernel cannot read grading/, so the hidden checks of
notebooks/m03-web-collection/06-exercise.ipynb embed their expected values. This test reads
those values from the notebook and derives each one again from grading/world/ground-truth.yml
and the site files of datasets/web (parsed from disk, no server), and they must agree.
"""

from __future__ import annotations

from pathlib import Path
from urllib.robotparser import RobotFileParser

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import hidden_values

from osintlab import extract

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "datasets" / "web"
EXERCISE = ROOT / "notebooks" / "m03-web-collection" / "06-exercise.ipynb"


@pytest.fixture(scope="module")
def hidden():
    return hidden_values(EXERCISE, ("check.equal", "check.rows"))


@pytest.fixture(scope="module")
def truth():
    data = yaml.safe_load((ROOT / "grading" / "world" / "ground-truth.yml").read_text("utf-8"))
    return {person["id"]: person for person in data["persons"]}, data


def _soup(relative: str) -> BeautifulSoup:
    return BeautifulSoup((WEB / relative).read_text(encoding="utf-8"), "html.parser")


def _listing_pages() -> list[str]:
    pages, path = [], "/listings/page-1.html"
    while path:
        pages.append(path)
        link = _soup("bazaar.example" + path).find("a", rel="next")
        path = link["href"] if link else None
    return pages


def test_hidden_checks_cover_every_task(hidden):
    """Does every graded answer have an embedded expected value to compare against?"""
    assert set(hidden) == {
        "crawl_delay",
        "admin_allowed",
        "listing_pages",
        "listings",
        "sellers in listings",
        "seller pages in listings",
        "seller_phones",
        "seller pages collected",
        "item pages collected",
        "usdt_address",
        "profiles",
        "subscriber_born",
        "suspect_profile",
        "the page of suspect_item",
    }


def test_crawl_delay_and_admin_are_what_robots_txt_says(hidden):
    """Is task 1's answer the Crawl-delay of bazaar.example's robots.txt, and /admin/ refused?"""
    robots = RobotFileParser()
    robots.parse((WEB / "bazaar.example" / "robots.txt").read_text("utf-8").splitlines())
    assert hidden["crawl_delay"] == robots.crawl_delay("*")
    assert hidden["admin_allowed"] == robots.can_fetch("*", "http://bazaar.example/admin/")


def test_listing_pages_and_listings_are_what_the_site_holds(hidden):
    """Are tasks 2 and 3 the pages reached by rel=next, their rows and their sellers?"""
    pages = _listing_pages()
    assert hidden["listing_pages"] == ["http://bazaar.example" + path for path in pages]
    rows = [
        row
        for path in pages
        for row in _soup("bazaar.example" + path).select("#listings tr[itemscope]")
    ]
    assert hidden["listings"] == len(rows)
    sellers = sorted({row.find("a", class_="seller").get_text(strip=True) for row in rows})
    assert hidden["sellers in listings"] == sellers
    seller_pages = sorted({"http://bazaar.example" + row.find("a", class_="seller")["href"]
                           for row in rows})
    assert hidden["seller pages in listings"] == seller_pages
    assert hidden["seller pages collected"] == seller_pages  # task 4: every seller, 404s too


def test_seller_phones_are_the_ground_truth_owners_phones(hidden, truth):
    """Is task 4 each bazaar account's owner's phone, for exactly the sellers with a page?"""
    persons, _ = truth
    owners = {
        p["accounts"]["bazaar"]: p["phone"]
        for p in persons.values()
        if "bazaar" in p.get("accounts", {})
    }
    with_pages = {path.stem for path in (WEB / "bazaar.example" / "seller").glob("*.html")}
    assert set(owners) == with_pages
    pages = {f"http://bazaar.example/seller/{seller}.html": p for seller, p in owners.items()}
    assert hidden["seller_phones"] == sorted(pages.items())
    for seller, phone in owners.items():  # and the page itself shows that phone
        page = (WEB / "bazaar.example" / "seller" / f"{seller}.html").read_text("utf-8")
        assert phone in extract.phones(page)["normalized"].tolist()


def test_usdt_address_is_the_fraud_sellers_wallet(hidden, truth):
    """Is task 5 the valid TRON address on almaty_gadget's items, the one L10 follows?"""
    _, data = truth
    link = next(item for item in data["links"] if item["id"] == "L10")
    senders = {
        e["row"]["from_address"] for e in link["evidence"] if "from_address" in e.get("row", {})
    }
    items = [
        path for path in (WEB / "bazaar.example" / "item").glob("*.html")
        if "/seller/almaty_gadget.html" in path.read_text("utf-8")
    ]  # fmt: skip
    listed = sorted(  # the item pages the task collects: the seller's rows of the listings
        "http://bazaar.example" + row.find("a", itemprop="url")["href"]
        for path in _listing_pages()
        for row in _soup("bazaar.example" + path).select("#listings tr[itemscope]")
        if row.find("a", class_="seller").get_text(strip=True) == "almaty_gadget"
    )
    assert hidden["item pages collected"] == listed
    assert sorted(f"http://bazaar.example/item/{path.name}" for path in items) == listed
    found = set()
    for path in items:
        table = extract.crypto(path.read_text("utf-8"))
        found |= set(table[table["valid"] & (table["network"] == "tron")]["normalized"])
    assert found == {hidden["usdt_address"]}
    assert hidden["usdt_address"] in senders


def test_suspect_profile_is_the_suspect_not_the_namesake(hidden, truth):
    """Is task 6 P1's social account, whose birth date matches dala_trade's phone subscriber?"""
    persons, _ = truth
    assert hidden["suspect_profile"] == persons["P1"]["accounts"]["social"]
    assert hidden["the page of suspect_item"] == (  # task 7: the item of that profile page
        f"http://social.example/u/{hidden['suspect_profile']}.html")
    births = {}
    for handle in (persons["P1"]["accounts"]["social"], persons["N1"]["accounts"]["social"]):
        text = _soup(f"social.example/u/{handle}.html").find(itemprop="birthDate").get_text()
        day, month, year = text.strip().split(".")
        births[handle] = f"{year}-{month}-{day}"
    assert hidden["profiles"] == sorted(births.items())
    assert persons["N1"]["role"] == "namesake"
    assert hidden["suspect_profile"] != persons["N1"]["accounts"]["social"]
    subscribers = pd.read_csv(
        ROOT / "datasets" / "providers" / "steppe-mobile" / "1-subscriber.csv", dtype=str
    )
    born = subscribers[subscribers["msisdn"] == persons["P1"]["phone"]]["born"].iloc[0]
    assert hidden["subscriber_born"] == born  # task 6, step 2: the record of dala_trade's phone
    page = _soup(f"social.example/u/{hidden['suspect_profile']}.html")
    day, month, year = page.find(itemprop="birthDate").get_text(strip=True).split(".")
    assert f"{year}-{month}-{day}" == born == persons["P1"]["born"]
