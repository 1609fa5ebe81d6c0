"""Names across scripts: the spellings an investigator searches, and who may be the same person.

The pairs are of the kind found in passports, visas and social-media profiles of the region.
All names are common given names and surnames, not identifiable people.
"""

from __future__ import annotations

import pytest

from osintlab import names
from osintlab.exceptions import NameScriptError, OsintLabError


def spellings(name: str, language: str) -> list[str]:
    return names.variants(name, language=language)["spelling"].tolist()


# --- Cyrillic to Latin -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cyrillic", "language", "expected"),
    [
        ("Юлия", "ru", ["Iuliia", "Yuliya"]),  # passport since 2013 / older passport
        ("Хабибуллаев", "ru", ["Khabibullaev", "Habibullaev", "Khabibullayev"]),
        ("Жанна", "ru", ["Zhanna", "Janna"]),
        ("Шерзод", "uz", ["Sherzod"]),
        ("Ғани", "kk", ["Ğani", "Gani"]),
        ("Әлия", "kk", ["Äliia", "Aliya"]),
        ("Ўткир", "uz", ["Oʻtkir", "O'tkir", "Utkir"]),
        ("Тоҷиддин", "tg", ["Tojiddin", "Todzhiddin"]),
        ("Мәмметгулыев", "tk", ["Mämmetgulyýew", "Mammetgulyev"]),
        ("Айгерим Өмүрбекова", "ky", ["Aigerim Omurbekova", "Aygerim Ömürbekova"]),
        ("Ергаш", "uz", ["Yergash", "Ergash"]),
        ("Бахтиёр", "uz", ["Baxtiyor", "Bakhtier", "Bakhtiyor"]),
    ],
)
def test_variants_give_the_spellings_seen_in_documents(cyrillic, language, expected):
    """Does the table list the passport, national and informal spellings of a name?"""
    found = spellings(cyrillic, language)
    missing = [s for s in expected if s not in found]
    assert missing == []


def test_variants_table_is_deduplicated_and_names_every_scheme():
    """One row per spelling; a spelling several schemes share lists them all."""
    table = names.variants("Нурлан Абдуллаев", language="kk")
    assert list(table.columns) == ["spelling", "scheme", "note"]
    assert table["spelling"].is_unique
    shared = table.loc[table["spelling"] == "Nurlan Abdullaev", "scheme"].item()
    assert "ICAO Doc 9303" in shared and "Kazakh Latin 2021" in shared
    assert "Nurlan Abdullayev" in table["spelling"].tolist()


def test_passport_spelling_comes_first():
    """A Russian name's current passport form (ICAO Doc 9303) leads the list."""
    assert spellings("Юлия Щеглова", "ru")[0] == "Iuliia Shcheglova"


def test_national_alphabet_leads_for_uzbek_and_turkmen():
    """Uzbek and Turkmen names lead with the official Latin alphabet of the country."""
    assert spellings("Дилноза Ғафурова", "uz")[0] == "Dilnoza Gʻafurova"
    assert spellings("Ёлбарс", "tk")[0] == "Ýolbars"


def test_kazakh_2021_capital_dotted_i():
    """Kazakh Latin 2021 writes И as İ and І as I (dotless ı in lower case)."""
    assert "İlias" in spellings("Ильяс", "kk")
    assert "Inkar" in spellings("Інкар", "kk")


def test_no_spelling_keeps_cyrillic_letters():
    """A scheme that cannot write a letter is left out, not shown half-converted."""
    for language in names.LANGUAGES:
        for spelling in spellings("Пётр Щукин", language):
            assert not any("\u0400" <= c <= "\u04ff" for c in spelling), spelling


# --- Latin to Cyrillic -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latin", "language", "expected"),
    [
        ("Nurlan Abdullaev", "ru", "Нурлан Абдуллаев"),
        ("Iuliia", "ru", "Юлия"),
        ("Yuliya", "ru", "Юлия"),
        ("Zhanna", "ru", "Жанна"),
        ("Andrei", "ru", "Андрей"),
        ("Habibullaev", "ru", "Хабибуллаев"),
        ("Oʻtkir Xabibullayev", "uz", "Ўткир Хабибуллаев"),
        ("Baxtiyor", "uz", "Бахтиёр"),
        ("Äliia", "kk", "Әлия"),
        ("Ğani", "kk", "Ғани"),
        ("Tojiddin", "tg", "Тоҷиддин"),
        ("Mämmetgulyýew", "tk", "Мәмметгулыев"),
    ],
)
def test_to_cyrillic_puts_the_right_form_first(latin, language, expected):
    """Does the likeliest Cyrillic form come first?"""
    assert names.to_cyrillic(latin, language=language)[0] == expected


def test_round_trip_through_every_scheme():
    """Every spelling variants() gives leads back to the Cyrillic name among the top forms."""
    for spelling in spellings("Фарход Каримов", "tg")[:6]:
        assert "Фарход Каримов" in names.to_cyrillic(spelling, language="tg"), spelling


# --- matching ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Юлия", "Yuliya"),
        ("Юлия", "Iuliia"),
        ("Юлия", "Julia"),
        ("Хабибуллаев", "Khabibullaev"),
        ("Хабибуллаев", "Habibullayev"),
        ("Хабибуллаев", "XABIBULLAYEV"),
        ("Жанна", "Zhanna"),
        ("Жанна", "Janna"),
        ("Шерзод", "Sherzod"),
        ("Ғани", "Gani"),
        ("Ғани", "Ğani"),
        ("Әлия", "Aliya"),
        ("Әлия", "Älia"),
        ("Ўткир", "O'tkir"),
        ("Ўткир", "Utkir"),
        ("Тоҷиддин", "Tojiddin"),
        ("Тоҷиддин", "Todzhiddin"),
        ("Мәмметгулыев", "Mämmetgulyýew"),
        ("Мәмметгулыев", "Mammetguliev"),
        ("Бахтиёр", "Bakhtiyor"),
        ("Бахтиёр", "Bakhtier"),
        ("Пугачёв", "Pugachov"),
        ("Абдуллов", "Abdulloff"),
        ("Абдулазиз", "Abdul-Aziz"),
        ("Мухаммад Каримов", "MUHAMMAD KARIMOV"),
        ("Гульнара", "Gul'nara"),
        ("Нурлан", "Nýrlan"),  # Kazakh Latin 2018: ý for у
        ("Азамат Нурланов", "Azamat Nurlanov"),
        ("Farkhod", "Farhod"),
    ],
)
def test_true_pairs_match(first, second):
    """Spellings of one name in two scripts or schemes are accepted as the same."""
    result = names.match(first, second)
    assert result.same, result
    assert result.score >= 0.9


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Азамат", "Азат"),
        ("Алиев", "Алимов"),
        ("Азамат Алиев", "Azat Aliev"),
        ("Дилноза", "Дилфуза"),
        ("Фарход Каримов", "Фарход Карим"),
        ("Бахтиёр", "Бахтияр Bakhtiyar"),
    ],
)
def test_near_spellings_of_different_names_are_rejected(first, second):
    """Names a letter or two apart are different people, and the reason says which part."""
    result = names.match(first, second)
    assert not result.same, result
    assert result.score < 0.8


def test_reason_names_the_scheme_and_the_swap():
    """The reason tells the trainee in plain words why two spellings match."""
    result = names.match("Абдуллаев Нурлан", "Nurlan Abdullayev")
    assert result.same
    assert result.reason.startswith("same name in ")
    assert "word order differs" in result.reason
    uzbek = names.match("Ўткир Хабибуллаев", "Oʻtkir Xabibullayev")
    assert uzbek.reason.startswith("same name in Uzbek Latin")


def test_reason_names_different_parts():
    result = names.match("Азамат Алиев", "Азат Алиев")
    assert "Азамат and Азат are different names" in result.reason


def test_namesake_with_another_patronymic_scores_lower():
    """Same given name and surname, another father: a namesake, and the reason says so."""
    same = names.match("Абдуллаев Нурлан Серикович", "Nurlan Abdullaev Serikovich")
    namesake = names.match("Абдуллаев Нурлан Серикович", "Nurlan Abdullaev Bolatovich")
    assert same.same and not namesake.same
    assert namesake.score < same.score
    assert namesake.score < 0.8
    assert "patronymics differ" in namesake.reason
    assert "namesakes" in namesake.reason


def test_patronymic_in_kazakh_form_is_the_same_father():
    """Серикович and 'Serik uly' both name the father Serik."""
    result = names.match("Абдуллаев Нурлан Серикович", "Nurlan Abdullaev Serik uly")
    assert result.same
    assert "same patronymic" in result.reason


def test_missing_patronymic_and_initials_still_match():
    """A profile without the patronymic, or an initial for the given name, can be the same."""
    missing = names.match("Каримова Дилноза Бахтиёровна", "Dilnoza Karimova")
    assert missing.same
    assert "patronymic given in one spelling only" in missing.reason
    initial = names.match("Н. Абдуллаев", "Nurlan Abdullaev")
    assert initial.same
    assert "initial" in initial.reason


def test_one_letter_apart_is_flagged_not_accepted():
    """A single differing letter may be a typo or another person: the trainee must check."""
    result = names.match("Абдурахманов", "Abdurakhmonov")
    assert not result.same
    assert "differ by a letter" in result.reason
    assert 0.5 < result.score < 0.9


def test_female_form_of_the_surname_is_a_relative():
    """Abdullaeva is not Abdullaev: the matcher says it is the female form."""
    result = names.match("Гульнара Абдуллаева", "Gulnara Abdullaev")
    assert not result.same
    assert "female form" in result.reason


def test_match_is_symmetric():
    """Which spelling comes first does not change the verdict or the score."""
    one = names.match("Дилноза Ғафурова", "Gafurova Dilnoza")
    two = names.match("Gafurova Dilnoza", "Дилноза Ғафурова")
    assert one.same and two.same
    assert one.score == two.score


# --- errors that teach ---------------------------------------------------------------------


def test_latin_given_to_variants():
    with pytest.raises(NameScriptError) as caught:
        names.variants("Nurlan Abdullaev")
    message = str(caught.value)
    assert "is not in Cyrillic letters" in message
    assert "to_cyrillic('Nurlan Abdullaev')" in message


def test_cyrillic_given_to_to_cyrillic():
    with pytest.raises(NameScriptError) as caught:
        names.to_cyrillic("Нурлан")
    assert "is not in Latin letters" in str(caught.value)
    assert "variants('Нурлан')" in str(caught.value)


def test_unknown_language_lists_the_codes_and_suggests_one():
    with pytest.raises(NameScriptError) as caught:
        names.variants("Нурлан", language="kz")
    message = str(caught.value)
    assert "language must be one of ru, kk, ky, tg, tk, uz" in message
    assert "Did you mean 'kk'?" in message


def test_letters_of_another_language_are_named():
    with pytest.raises(NameScriptError) as caught:
        names.variants("Әлия", language="ru")
    message = str(caught.value)
    assert "ә" in message
    assert "language='kk' or 'tk'" in message


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_empty_input(empty):
    with pytest.raises(NameScriptError) as caught:
        names.match("Нурлан", empty)
    assert "The name is empty" in str(caught.value)


def test_errors_are_value_errors_and_osintlab_errors():
    """Code that catches ValueError keeps working; the error carries the bad value."""
    with pytest.raises(ValueError) as caught:
        names.to_cyrillic("", language="uz")
    assert isinstance(caught.value, OsintLabError)
    assert caught.value.context == {"name": ""}
