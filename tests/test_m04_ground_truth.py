"""The m04 exercise's hidden checks hold the world's truth, so they cannot drift from it.

A graded kernel cannot read grading/, so the hidden checks of
notebooks/m04-people-and-accounts/06-exercise.ipynb embed their expected values. This test
reads them from the notebook and derives each one again from grading/world/ground-truth.yml,
the platforms' manifest and the register (read from disk, no server); they must agree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import hidden_values

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "notebooks" / "m04-people-and-accounts" / "06-exercise.ipynb"
TRUTH = yaml.safe_load((ROOT / "grading" / "world" / "ground-truth.yml").read_text("utf-8"))
MANIFEST = json.loads((ROOT / "datasets" / "web" / "platforms.json").read_text("utf-8"))
REGISTER = pd.read_csv(ROOT / "datasets" / "people" / "register.csv", dtype=str)
ORGANISATIONS = pd.read_csv(ROOT / "datasets" / "people" / "organisations.csv", dtype=str)
PERSONS = {person["id"]: person for person in TRUTH["persons"]}


@pytest.fixture(scope="module")
def hidden():
    return hidden_values(EXERCISE)


def _platforms_of(account: str, person: str = "P1") -> list[str]:
    """The manifest's platforms where the ground truth gives ``person`` this account."""
    owned = PERSONS[person]["accounts"]
    return sorted(site["name"] for site in MANIFEST["sites"]
                  if owned.get(site["name"].split(".")[0]) == account)


def test_hidden_checks_cover_every_task(hidden):
    assert set(hidden) == {"seller_found", "seller_hits", "phone", "email", "pivot_hits", "born",
                           "candidates", "register_id", "full_name", "links", "lookalike_owner"}


def test_the_seller_is_found_where_the_truth_gives_p1_the_handle(hidden):
    assert hidden["seller_found"] == _platforms_of("dala_trade")
    assert hidden["seller_hits"] == sorted(site["name"] for site in MANIFEST["sites"])


def test_the_contacts_are_p1s(hidden):
    assert hidden["phone"] == PERSONS["P1"]["phone"]
    assert hidden["email"] == PERSONS["P1"]["email"]


def test_the_pivot_finds_the_accounts_named_like_the_email(hidden):
    name_part = PERSONS["P1"]["email"].split("@")[0]
    assert hidden["pivot_hits"] == _platforms_of(name_part)
    assert hidden["born"] == PERSONS["P1"]["born"]


def test_the_candidates_are_every_register_row_of_the_name(hidden):
    surname, given = PERSONS["P1"]["name"].split()[:2]
    rows = REGISTER[(REGISTER["surname"] == surname) & (REGISTER["given_name"] == given)]
    assert hidden["candidates"] == sorted(rows["register_id"])
    namesakes = {p["born"] for p in TRUTH["persons"] if p["name"].split()[:2] == [surname, given]}
    assert len(rows) == len(namesakes) == 2


def test_the_person_is_the_row_born_on_p1s_day(hidden):
    row = REGISTER[REGISTER["register_id"] == hidden["register_id"]].iloc[0]
    assert row["born"] == PERSONS["P1"]["born"]
    assert hidden["full_name"] == PERSONS["P1"]["name"]
    assert " ".join([row["surname"], row["given_name"], row["patronymic"]]) == hidden["full_name"]


def test_the_two_links_are_the_evidence_of_l13(hidden):
    """The operator's record of the phone and the e-mail's profile, both in the ground truth."""
    link = next(item for item in TRUTH["links"] if item["id"] == "L13")
    files = {evidence["file"] for evidence in link["evidence"]}
    assert "steppe-mobile/1-subscriber.csv" in files  # the phone's subscriber record
    assert "social.example/u/daniyar.m91.html" in files  # the e-mail's profile
    values = {evidence["value"] for evidence in link["evidence"]}
    assert "Daniyar.M91+tube@Mail.example" in values
    assert sorted(hidden["links"]) == ["email", "phone"]


def test_the_lookalike_belongs_to_the_organisation_of_f07(hidden):
    lead = next(item for item in TRUTH["false_leads"] if item["id"] == "F07")
    owner = next(e["value"] for e in lead["refuted_by"] if e["file"] == "organisations.csv")
    assert hidden["lookalike_owner"] == owner
    assert ORGANISATIONS.set_index("id").loc[owner, "domain"] == "dalamarket.example"
