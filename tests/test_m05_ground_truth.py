"""The m05 exercise's hidden checks hold the world's truth, so they cannot drift from it.

A graded kernel cannot read grading/, so the hidden checks of
notebooks/m05-domains-and-infrastructure/06-exercise.ipynb embed their expected values. This
test reads them from the notebook and derives each one again from grading/world/ground-truth.yml
and the domains dataset (read from disk, no server); they must agree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import hidden_values

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "notebooks" / "m05-domains-and-infrastructure" / "06-exercise.ipynb"
TRUTH = yaml.safe_load((ROOT / "grading" / "world" / "ground-truth.yml").read_text("utf-8"))
KEY = TRUTH["m05-domains-and-infrastructure"]
DOMAINS = ROOT / "datasets" / "domains"
PDNS = [json.loads(line) for line in (DOMAINS / "passive-dns.jsonl").read_text("utf-8").splitlines()
        if line.strip()]
SHOP = "dala-market.example"


@pytest.fixture(scope="module")
def hidden():
    return hidden_values(EXERCISE)


def _lead(lead_id: str) -> dict:
    return next(item for item in TRUTH["false_leads"] if item["id"] == lead_id)


def _link(link_id: str) -> dict:
    return next(item for item in TRUTH["links"] if item["id"] == link_id)


def test_hidden_checks_cover_every_task(hidden):
    assert set(hidden) == {"registrar", "hosting_provider", "shop_addresses", "together",
                           "cert_names", "set_up", "lookalike_registrant"}


def test_the_requests_go_to_the_registrar_and_the_hosting_provider_of_l15(hidden):
    assert hidden["registrar"] == KEY["registrar"]
    assert hidden["hosting_provider"] == KEY["hosting_provider"]
    values = {evidence["value"] for evidence in _link("L15")["evidence"]}
    assert {KEY["registrar"], KEY["hosting_provider"]} <= values
    rdap = json.loads((DOMAINS / "rdap" / f"{SHOP}.json").read_text("utf-8"))
    assert KEY["registrar"] in json.dumps(rdap) and "PrivacyGuard" not in KEY["registrar"]


def test_the_shops_addresses_are_its_a_records_in_passive_dns(hidden):
    own = sorted({row["rdata"] for row in PDNS if row["rrname"] == SHOP and row["rrtype"] == "A"})
    assert hidden["shop_addresses"] == own


def test_together_is_the_answer_key_and_never_the_trap_of_f04(hidden):
    assert hidden["together"] == KEY["shared_at_the_same_time"]
    assert not set(hidden["together"]) & set(KEY["shared_never_at_the_same_time"])
    bait = _lead("F04")["bait"][0]["row"]["rrname"]
    assert bait in KEY["shared_never_at_the_same_time"]
    # the windows in the data: the answer is exactly the names that overlap the shop on one
    # of its addresses (none left out, none added)
    overlapping = {
        theirs["rrname"] for mine in PDNS if mine["rrname"] == SHOP and mine["rrtype"] == "A"
        for theirs in PDNS if theirs["rrtype"] == "A" and theirs["rrname"] != SHOP
        and theirs["rdata"] == mine["rdata"]
        and theirs["time_first"] < mine["time_last"] and mine["time_first"] < theirs["time_last"]}
    assert sorted(hidden["together"]) == sorted(overlapping)


def test_the_certificate_names_are_those_of_l14(hidden):
    assert hidden["cert_names"] == KEY["certificate_names"]
    crtsh = json.loads((DOMAINS / "ct" / "crtsh.json").read_text("utf-8"))
    names = {n for entry in crtsh if entry["common_name"] == SHOP
             for n in entry["name_value"].split("\n")}
    assert sorted(names) == hidden["cert_names"]
    assert any(e["value"] in hidden["cert_names"] for e in _link("L14")["evidence"])


def test_set_up_is_the_registration_not_the_not_before_of_f08(hidden):
    assert hidden["set_up"] == KEY["set_up"]
    rdap = json.loads((DOMAINS / "rdap" / f"{SHOP}.json").read_text("utf-8"))
    created = next(e["eventDate"] for e in rdap["events"] if e["eventAction"] == "registration")
    assert created.startswith(hidden["set_up"])
    assert not str(_lead("F08")["bait"][0]["value"]).startswith(hidden["set_up"])


def test_the_look_alike_is_the_registrant_of_f03(hidden):
    assert hidden["lookalike_registrant"] == KEY["look_alike_registrant"]
    rdap = json.loads((DOMAINS / "rdap" / "dalamarket.example.json").read_text("utf-8"))
    assert hidden["lookalike_registrant"] in json.dumps(rdap)
    assert _lead("F03")["bait"][0]["value"] == "dalamarket.example"
