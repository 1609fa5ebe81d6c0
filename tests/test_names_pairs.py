"""A regression table of names across scripts: true pairs, cross pairs, variants, reverse forms.

Each true pair is a Cyrillic name and a Latin spelling of the kind seen in passports, visas,
registers and social-media profiles of the region. All are common given names and surnames of
Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan and Russia, not identifiable
people. A Cyrillic name set against the Latin spelling of another name (a cross pair) must never
be taken for the same person.
"""

from __future__ import annotations

import pytest

from osintlab import names

# (Cyrillic, Latin spelling seen in documents or online, language). One entry per name.
TRUE_PAIRS = [
    # Russian
    ("Александр Максимов", "Alexander Maximov", "ru"),  # informal: x for кс, English -er
    ("Алексей", "Alexey", "ru"),  # informal: x for кс
    ("Юлия", "Yulia", "ru"),
    ("Щербаков", "Scherbakov", "ru"),  # German-style sch for щ
    ("Дмитрий", "Dmitriy", "ru"),
    ("Сергей", "Sergey", "ru"),
    ("Наталья", "Natalia", "ru"),
    ("Екатерина", "Yekaterina", "ru"),
    ("Пётр", "Pyotr", "ru"),
    ("Ксения", "Xenia", "ru"),
    ("Михаил", "Mikhail", "ru"),
    ("Татьяна", "Tatiana", "ru"),
    ("Николай", "Nikolay", "ru"),
    ("Ольга", "Olga", "ru"),
    ("Андрей Кузнецов", "Andrei Kuznetsov", "ru"),
    ("Евгений", "Yevgeny", "ru"),
    ("Хабибуллин", "Habibullin", "ru"),
    ("Шамиль", "Shamil", "ru"),
    # Kazakh
    ("Ержан", "Yerjan", "kk"),
    ("Ғалым", "Ghalym", "kk"),
    ("Өмірзақ", "Ömirzaq", "kk"),
    ("Айгерім", "Aıgerim", "kk"),
    ("Нұрсұлтан", "Nursultan", "kk"),
    ("Жанар", "Zhanar", "kk"),
    ("Әсел", "Assel", "kk"),
    ("Бауыржан", "Bauyrzhan", "kk"),
    ("Қайрат", "Kairat", "kk"),
    ("Дәурен", "Dauren", "kk"),
    ("Ақерке", "Akerke", "kk"),
    ("Сәуле", "Saule", "kk"),
    ("Досжанов", "Doszhanov", "kk"),
    # Kyrgyz
    ("Чингиз", "Chyngyz", "ky"),
    ("Айбек Осмонов", "Aibek Osmonov", "ky"),
    ("Нургүл", "Nurgul", "ky"),
    ("Бакыт", "Bakyt", "ky"),
    ("Жылдыз", "Jyldyz", "ky"),
    ("Мээрим", "Meerim", "ky"),
    # Tajik
    ("Джамшед", "Djamshed", "tg"),
    ("Фарҳод", "Farhod", "tg"),
    ("Шаҳзода", "Shahzoda", "tg"),
    ("Рустам Раҳимов", "Rustam Rakhimov", "tg"),
    ("Ҷамила", "Jamila", "tg"),
    ("Манижа", "Manizha", "tg"),
    # Turkmen
    ("Мыратов", "Myratow", "tk"),
    ("Бегенч", "Begenç", "tk"),
    ("Язгүл", "Ýazgül", "tk"),
    ("Аннагелдиев", "Annageldiyev", "tk"),
    # Uzbek
    ("Шохрух", "Shohruh", "uz"),
    ("Дилшод", "Dilshod", "uz"),
    ("Ғайрат", "G'ayrat", "uz"),
    ("Хуршида", "Xurshida", "uz"),
    ("Йўлдошев", "Yo'ldoshev", "uz"),
    ("Абдураҳмонов", "Abdurakhmonov", "uz"),
    ("Жасур", "Jasur", "uz"),
]

CROSS_PAIRS = [
    (cyr, other_latin)
    for i, (cyr, _latin, _language) in enumerate(TRUE_PAIRS)
    for j, (_other, other_latin, _other_language) in enumerate(TRUE_PAIRS)
    if i != j
]


def test_the_table_is_large_and_holds_each_name_once():
    """At least 47 true pairs, no name twice (else a cross pair would be a true pair)."""
    assert len(TRUE_PAIRS) >= 47
    cyrillic = [cyr.casefold().replace("ё", "е") for cyr, _latin, _language in TRUE_PAIRS]
    assert len(set(cyrillic)) == len(cyrillic)


@pytest.mark.parametrize(("cyrillic", "latin", "language"), TRUE_PAIRS)
def test_true_pair_matches(cyrillic, latin, language):
    """A Cyrillic name and a Latin spelling of it are accepted as the same, either way round."""
    assert names.match(cyrillic, latin).same, names.match(cyrillic, latin)
    assert names.match(latin, cyrillic).same


def test_cross_pairs_of_different_names_never_match():
    """No Cyrillic name is taken for the Latin spelling of another name in the table."""
    wrong = [(a, b) for a, b in CROSS_PAIRS if names.match(a, b).same]
    print(f"{len(CROSS_PAIRS)} cross pairs, {len(wrong)} false positives")
    assert wrong == []


# (Cyrillic, language, a spelling variants() must list, words its scheme or note must hold)
VARIANTS = [
    ("Ержан", "kk", "Yerjan", "ye at the start of a word"),
    ("Ғалым", "kk", "Ghalym", "gh for ғ"),
    ("Галым", "kk", "Galym", "ICAO"),
    ("Өмірзақ", "kk", "Ömirzaq", "i for і"),
    ("Алексей", "ru", "Alexey", "x for кс"),
    ("Юлия", "ru", "Yulia", "-ia for -ия"),
    ("Щербаков", "ru", "Scherbakov", "German-style sch for щ"),
    ("Чыңгыз", "ky", "Chyngyz", "ICAO"),
    ("Чингиз", "ky", "Chingiz", "ICAO"),
]


@pytest.mark.parametrize(("cyrillic", "language", "spelling", "source"), VARIANTS)
def test_variants_list_the_common_spelling_and_say_where_it_comes_from(
    cyrillic, language, spelling, source
):
    """The spelling is listed, and its scheme or note names the convention that gives it."""
    table = names.variants(cyrillic, language=language)
    rows = table.loc[table["spelling"] == spelling]
    assert len(rows) == 1, table["spelling"].tolist()
    said = rows["scheme"].item() + " | " + rows["note"].item()
    assert source in said, said


# (Latin spelling, language, the Cyrillic forms that count as right, how high it must come)
REVERSE = [
    ("Aıgerim", "kk", {"Айгерим", "Айгерім"}, 1),
    ("Aıgerim", "kk", {"Айгерим"}, 5),
    ("Omirzak", "kk", {"Өмірзақ", "Омирзак"}, 1),
    ("Shohruh", "uz", {"Шохрух"}, 5),
    ("Dilshod", "uz", {"Дилшод"}, 1),
    ("Chyngyz", "ky", {"Чыңгыз"}, 5),
    ("Djamshed", "tg", {"Джамшед"}, 1),
    ("Alexey", "ru", {"Алексей"}, 1),
    ("Scherbakov", "ru", {"Щербаков"}, 1),
    ("Yerjan", "kk", {"Ержан"}, 5),
    ("Ghalym", "kk", {"Ғалым", "Галым"}, 1),
]


@pytest.mark.parametrize(("latin", "language", "right", "within"), REVERSE)
def test_to_cyrillic_gives_the_right_form_near_the_top(latin, language, right, within):
    """The usual Cyrillic form is among the first forms to_cyrillic() returns."""
    found = names.to_cyrillic(latin, language=language)
    assert right & set(found[:within]), found
