"""The translation glossary (locale/glossary.csv) is complete and in the right scripts."""

from __future__ import annotations

import csv
import re

import pytest
from conftest import ROOT

GLOSSARY = ROOT / "locale" / "glossary.csv"
LANGUAGES = ["ru", "kk", "ky", "tg", "tk", "uz"]
CYRILLIC_COLUMNS = ["ru", "kk", "ky", "tg"]
LATIN_COLUMNS = ["tk", "uz"]
# Names that stay in Latin letters inside a Cyrillic term: acronyms and brands.
KEPT_LATIN = re.compile(r"\b(?:[A-Z]{2,}|Telegram)\b")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with GLOSSARY.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["en", "ru", "kk", "ky", "tg", "tk", "uz", "notes"]
        return list(reader)


def test_glossary_has_the_core_terms(rows):
    """Does the glossary hold at least the 50 core terms, each English term once?"""
    english = [row["en"].strip().casefold() for row in rows]
    assert len(rows) >= 50
    duplicates = sorted({term for term in english if english.count(term) > 1})
    assert duplicates == []
    for term in ("electronic evidence", "chain of custody", "operational-search activity",
                 "preservation request", "subscriber data", "traffic data"):  # fmt: skip
        assert term in english


def test_every_language_cell_is_filled(rows):
    """Can a translator rely on a term in every language for every row?"""
    empty = [
        (row["en"], lang) for row in rows for lang in ["en", *LANGUAGES] if not row[lang].strip()
    ]
    assert empty == []


@pytest.mark.parametrize("column", CYRILLIC_COLUMNS)
def test_cyrillic_languages_are_written_in_cyrillic(rows, column):
    """Russian, Kazakh, Kyrgyz and Tajik terms use Cyrillic (acronyms like IP may stay)."""
    wrong = [
        row[column]
        for row in rows
        if LATIN.search(KEPT_LATIN.sub("", row[column])) or not CYRILLIC.search(row[column])
    ]
    assert wrong == []


@pytest.mark.parametrize("column", LATIN_COLUMNS)
def test_latin_languages_are_written_in_latin(rows, column):
    """Turkmen and Uzbek terms use their official Latin alphabets, never Cyrillic."""
    wrong = [row[column] for row in rows if CYRILLIC.search(row[column])]
    assert wrong == []


def test_uzbek_uses_the_official_apostrophe_letters(rows):
    """Uzbek oʻ and gʻ take U+02BB, as the 1995 spelling rules say, not a typewriter quote."""
    wrong = [row["uz"] for row in rows if re.search(r"[og]['‘’`]", row["uz"])]
    assert wrong == []


def test_russian_uses_the_standard_legal_terms(rows):
    """Are the Russian terms the ones of Russian procedural law and the Budapest Convention?"""
    russian = {row["en"]: row["ru"] for row in rows}
    assert russian["electronic evidence"] == "электронные доказательства"
    assert russian["operational-search activity"] == "оперативно-розыскная деятельность"
    assert "сохранении компьютерных данных" in russian["preservation request"]
    assert russian["subscriber data"] == "сведения об абоненте"
    assert russian["traffic data"] == "данные о трафике"
