"""Is every legal statement of the course backed by the law register, and does the check hold?

The register (``src/osintlab/law/register.yml``) holds each fact the course may state; Law
and Standard callouts cite it by id, and ``osintlab modules check`` refuses one that does not.
"""

from __future__ import annotations

import pytest

from osintlab import law
from osintlab.curriculum.callouts import _check_callouts
from osintlab.exceptions import LawFactUnknown


def test_every_fact_has_its_fields_a_known_kind_and_status_and_russian():
    """Does each fact say what it is, for where, from which source, in English and Russian?"""
    table = law.facts()
    assert table["id"].is_unique
    for fact_id in table["id"]:
        fact = law.fact(fact_id)
        assert set(law.FIELDS) <= set(fact), fact_id
        assert fact["kind"] in law.KINDS and fact["status"] in law.STATUSES, fact_id
        assert all(str(fact[field]).strip() for field in law.FIELDS), fact_id
        assert any("а" <= ch <= "я" for ch in fact["ru"].lower()), f"{fact_id}: no Russian"


def test_the_register_holds_the_corrected_facts():
    """Are the facts the legal review corrected held the corrected way?"""
    assert "no officer a power" in law.fact("budapest-32")["statement"]
    assert "may provide for renewal" in law.fact("budapest-16")["statement"]
    assert law.fact("budapest-kz")["status"] == "confirmed"
    assert law.fact("budapest-kg-tj-tm-uz")["status"] == "unconfirmed"
    assert law.fact("kg-cpc-draft")["status"] == "unconfirmed"
    assert law.fact("bp-scope")["kind"] == "standard"


def test_an_unknown_fact_is_a_clear_error_with_the_nearest_ids():
    """Does a misspelt id name the ids it was probably meant to be?"""
    with pytest.raises(LawFactUnknown, match="Did you mean kz-cpc-111"):
        law.fact("kz-cpc-11")


def _cell(source: str) -> dict:
    return {"cells": [{"cell_type": "markdown", "id": "law", "source": source}]}


@pytest.mark.parametrize(("source", "said"), [
    ("> **Law**\n> Evidence is lawfully obtained.", "names the register facts it states"),
    ("> **Law** `kz-cpc-11`\n> Art. 111.", "Did you mean kz-cpc-111"),
    ("> **Law** `bp-153-154`\n> Hash at collection.", "is a standard in the law register"),
    ("> **Standard** `kz-cpc-111`\n> Art. 111.", "is a law in the law register"),
    ("> **Law** `kg-cpc-draft`\n> Kyrgyzstan has digital evidence in its CPC.",
     "unconfirmed in the law register"),
])
def test_a_callout_that_breaks_the_register_is_refused(source, said):
    """Is a Law or Standard callout without ids, with a wrong id or kind, or stating an
    unconfirmed fact as fact, reported with what to do?"""
    problems = _check_callouts(_cell(source), "notebooks/m01/01.ipynb")
    assert len(problems) == 1 and said in problems[0].what, problems
    assert problems[0].where == "notebooks/m01/01.ipynb cell 'law'"


@pytest.mark.parametrize("source", [
    "> **Law** `kz-cpc-111`, `uz-digital-evidence-2024`\n> Art. 111; the 2024 law.",
    "> **Law** `kg-cpc-draft`\n> A draft was published; adoption is not confirmed: check your "
    "national law.",
    "> **Standard** `bp-153-154`\n> Hash at collection.",
    "> **Tip**\n> Not a legal callout.",
])
def test_a_callout_that_cites_the_register_passes(source):
    """Are correct callouts (and callouts of other kinds) accepted?"""
    assert _check_callouts(_cell(source), "notebooks/m01/01.ipynb") == []
