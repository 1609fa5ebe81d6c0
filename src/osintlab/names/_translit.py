"""Transliteration tables behind :mod:`osintlab.names` (private).

Russian schemes come from the maintained ``iuliia`` library (ICAO Doc 9303, MVD 310, BGN/PCGN,
Wikipedia, GOST 7.79, Telegram). The national schemes no library covers are written here as
``iuliia`` schema objects, so one engine (with its rules for the letter before and after)
runs every table. Each table names its source. Where a table records observed practice rather
than a published standard, the comment says so.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import iuliia
from iuliia.schema import TranslitSchema

from .._i18n import N_

LANGUAGES = ("ru", "kk", "ky", "tg", "tk", "uz")

LANGUAGE_NAMES = {
    "ru": N_("Russian"),
    "kk": N_("Kazakh"),
    "ky": N_("Kyrgyz"),
    "tg": N_("Tajik"),
    "tk": N_("Turkmen"),
    "uz": N_("Uzbek"),
}

#: Country codes people type instead of language codes.
LANGUAGE_ALIASES = {"kz": "kk", "kg": "ky", "kgz": "ky", "tj": "tg", "tm": "tk", "rus": "ru"}

VOWELS = "аәеёиоөуұүыіэюяӣӯў"

# --- national letters reduced to the Russian alphabet -------------------------------------
# How a name from a national-language document is usually spelt in a Russian-language one
# (civil registry extracts, older passports). Observed practice, not a standard.
RUSSIFY = {
    "kk": {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
    },
    "ky": {"ң": "н", "ө": "о", "ү": "у"},
    "tg": {"ғ": "г", "ӣ": "и", "қ": "к", "ӯ": "у", "ҳ": "х", "ҷ": "дж"},
    "tk": {"ә": "а", "ң": "н", "ө": "о", "ү": "у", "җ": "дж"},
    "uz": {"ў": "у", "ғ": "г", "қ": "к", "ҳ": "х"},
    "ru": {},
}

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
# Marks a search engine ignores: BGN's middle dot, primes, GOST's backtick, typographic quotes.
_SEARCH_NOISE = re.compile("[\u00b7\u2019\u02b9\u02ba`]")


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(text))


def russify(text: str, language: str) -> str:
    table = RUSSIFY[language]
    out = []
    for char in text:
        low = char.lower()
        if low in table:
            rep = table[low]
            out.append(rep.capitalize() if char != low else rep)
        else:
            out.append(char)
    return "".join(out)


def _schema(name: str, mapping: dict[str, str], **rules: dict[str, str]) -> TranslitSchema:
    return TranslitSchema(name=name, mapping=mapping, **rules)


def _after_vowels(letter: str, value: str) -> dict[str, str]:
    """``letter`` at the start of a word and after a vowel or a sign (the 'ye' rule)."""
    rules = {letter: value}
    rules.update({v + letter: value for v in VOWELS + "ъь"})
    return rules


# --- Kazakh Latin, 2021 --------------------------------------------------------------------
# The improved Kazakh Latin alphabet (31 letters) presented by the National Commission for
# the transition of the Kazakh alphabet to Latin script on 28 January 2021, following
# Presidential Decree No. 569 of 26 October 2017. Letters: A Ä B D E F G Ğ H I İ J K L M N Ñ O
# Ö P Q R S Ş T U Ū Ü V Y Z. И and Й are İ i, І is I ı. Letters used only in Russian loans
# (ё, ц, ч, щ, ю, я) follow the commission's examples: io, ts, ch, şş, iu, ia.
_KK_2021 = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e",
    "ё": "io", "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "ş", "щ": "şş", "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip

# --- Kazakh Latin, 2018 --------------------------------------------------------------------
# Presidential Decree No. 637 of 19 February 2018 (amending Decree No. 569): the acute-accent
# alphabet (Á Ǵ Ń Ó Ú Ý, I ı for и/й, digraphs sh and ch), still on signs and in many
# documents made between 2018 and 2021.
_KK_2018 = {
    "а": "a", "ә": "á", "б": "b", "в": "v", "г": "g", "ғ": "ǵ", "д": "d", "е": "e",
    "ё": "ıo", "ж": "j", "з": "z", "и": "ı", "й": "ı", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "ń", "о": "o", "ө": "ó", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "ý", "ұ": "u", "ү": "ú", "ф": "f", "х": "h", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "ıý", "я": "ıa",
}  # fmt: skip

# --- Kazakh, BGN/PCGN 1979 -----------------------------------------------------------------
# BGN/PCGN romanization of Kazakh Cyrillic (1979), as in Unicode CLDR's Kazakh-Latin-BGN
# transform: ғ gh, қ q, ң ng, ә ä, ө ö, ұ u, ү ü, і i, и ī, у ū, ж zh, х kh, э ė. It is the
# source of the gh spellings (Ghalym) on maps, sanctions lists and in English-language text.
_KK_BGN = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "gh", "д": "d", "е": "e",
    "ё": "yo", "ж": "zh", "з": "z", "и": "ī", "й": "y", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "ū", "ұ": "u", "ү": "ü", "ф": "f", "х": "kh", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "ė",
    "ю": "yu", "я": "ya",
}  # fmt: skip

# --- Kyrgyz, BGN/PCGN 1979 -----------------------------------------------------------------
# BGN/PCGN romanization of Kirghiz Cyrillic (1979), as in Unicode CLDR's Kirghiz-Latin-BGN
# transform: ж j, ң ng, ө ö, ү ü; the rest as BGN/PCGN Russian.
_KY_BGN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "ng",
    "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "ü",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

# --- Tajik, BGN/PCGN 1994 ------------------------------------------------------------------
# BGN/PCGN romanization of Tajik Cyrillic (1994): ғ gh, ӣ ī, қ q, ӯ ū, ҳ h, ҷ j; е is ye at the
# start of a word and after a vowel. Needs review by a Tajik-speaking author.
_TG_BGN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "gh", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "ӣ": "ī", "й": "y", "к": "k", "қ": "q", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ӯ": "ū", "ф": "f", "х": "kh", "ҳ": "h", "ц": "ts", "ч": "ch", "ҷ": "j", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

# --- Turkmen Latin, 1993 (letter forms of 1999) ---------------------------------------------
# The Turkmen Latin alphabet adopted by the Law of Turkmenistan of 12 April 1993, in the
# letter forms used since 1999/2000: A B Ç D E Ä F G H I J Ž K L M N Ň O Ö P R S Ş T U Ü W Y Ý Z.
# в w, й ý, җ j, ж ž; е, ё, ю, я are ýe, ýo, ýu, ýa at the start of a word and after a vowel.
_TK_1999 = {
    "а": "a", "ә": "ä", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ё": "ýo",
    "ж": "ž", "җ": "j", "з": "z", "и": "i", "й": "ý", "к": "k", "л": "l", "м": "m",
    "н": "n", "ң": "ň", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ү": "ü", "ф": "f", "х": "h", "ц": "s", "ч": "ç", "ш": "ş", "щ": "şç",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ýu", "я": "ýa",
}  # fmt: skip


# --- Uzbek Latin, 1995 ---------------------------------------------------------------------
# Law of the Republic of Uzbekistan of 2 September 1993 "On introducing the Uzbek alphabet
# based on Latin script" as amended 6 May 1995, and the spelling rules of Cabinet of Ministers
# Resolution No. 339 of 24 August 1995. The letter table is iuliia's ``uz`` schema; the rules
# it lacks are added here: е is ye at the start of a word and after a vowel, ц is ts after a
# vowel, ь is dropped. Apostrophe letters use U+02BB (oʻ, gʻ) as the rules prescribe.
def _uz_mapping() -> dict[str, str]:
    path = Path(iuliia.__file__).with_name("schemas") / "uz.json"
    mapping = dict(json.loads(path.read_text(encoding="utf-8"))["mapping"])
    mapping.update({"ь": "", "ъ": "ʼ"})
    return mapping


# --- Russian, informal ----------------------------------------------------------------------
# Not a standard: the habits of people who write their own name in Latin letters (profiles,
# e-mail addresses, business cards), on top of the Wikipedia (everyday English) scheme: x for
# кс (Alexey, Maxim), -ia for a final -ия (Yulia, Maria), and the German-style sch for щ
# (Scherbakov). Observed practice.
def _ru_informal() -> TranslitSchema:
    path = Path(iuliia.__file__).with_name("schemas") / "wikipedia.json"
    base = json.loads(path.read_text(encoding="utf-8"))
    return TranslitSchema(
        name="ru_informal",
        mapping={**base["mapping"], "щ": "sch"},
        prev_mapping={**base["prev_mapping"], "кс": ""},
        next_mapping={**base["next_mapping"], "кс": "x"},
        ending_mapping={**base["ending_mapping"], "ия": "ia"},
    )


def _ascii_apostrophe(text: str) -> str:
    return text.replace("ʻ", "'").replace("ʼ", "'")


def _strip_marks(text: str) -> str:
    """Latin letters without diacritics, as machine-readable passport zones and ASCII keyboards
    write them (Ä -> A, Ş -> S, Ý -> Y)."""
    text = text.replace("ı", "i").replace("İ", "I")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _informal_tk(text: str) -> str:
    """Turkmen Latin as typed on a Russian-era keyboard: ç ch, ş sh, ž zh, ň n, ý y."""
    for a, b in (("ç", "ch"), ("Ç", "Ch"), ("ş", "sh"), ("Ş", "Sh"), ("ž", "zh"), ("Ž", "Zh")):
        text = text.replace(a, b)
    return _strip_marks(text)


def _informal_kk(text: str) -> str:
    """Kazakh Latin 2021 as typed without special letters (ş sh, ğ g, ñ n, ū u)."""
    for a, b in (("ş", "sh"), ("Ş", "Sh")):
        text = text.replace(a, b)
    return _strip_marks(text)


def _dotted_i(text: str) -> str:
    """Kazakh Latin 2021 typed where the keyboard has no dotless ı: ı as i, İ as I."""
    return text.replace("ı", "i").replace("İ", "I")


@dataclass(frozen=True)
class Scheme:
    """One way of writing a Cyrillic name in Latin letters."""

    key: str
    title: str
    note: str
    translate: Callable[[str], str]


def _iuliia(schema: object) -> Callable[[str], str]:
    return lambda text: _SEARCH_NOISE.sub("", schema.translate(text))  # type: ignore[attr-defined]


def _through_russian(language: str, schema: object) -> Callable[[str], str]:
    inner = _iuliia(schema)
    return lambda text: inner(russify(text, language))


def _fix_capitals(schema: TranslitSchema, capitals: dict[str, str]) -> TranslitSchema:
    """Capitals that ``str.capitalize`` gets wrong (Kazakh 2021: и -> i, И -> İ)."""
    schema.map.update(capitals)
    return schema


@lru_cache(maxsize=1)
def _national() -> dict[str, TranslitSchema]:
    uz = _uz_mapping()
    uz_rules = {
        "prev_mapping": {
            **_after_vowels("е", "ye"),
            **{v + "ц": "ts" for v in VOWELS},
        }
    }
    tk_prev: dict[str, str] = {}
    for letter, value in (("е", "ýe"), ("ё", "ýo"), ("ю", "ýu"), ("я", "ýa")):
        tk_prev.update(_after_vowels(letter, value))
    tg_prev = _after_vowels("е", "ye")
    return {
        "kk2021": _fix_capitals(_schema("kk2021", _KK_2021), {"И": "İ", "Й": "İ"}),
        "kk2018": _schema("kk2018", _KK_2018),
        "kk_bgn": _schema("kk_bgn", _KK_BGN),
        "kk_ye": _schema("kk_ye", _KK_2021, prev_mapping=_after_vowels("е", "ye")),
        "ky_bgn": _schema("ky_bgn", _KY_BGN),
        "tg_bgn": _schema("tg_bgn", _TG_BGN, prev_mapping=tg_prev),
        "tk1999": _schema("tk1999", _TK_1999, prev_mapping=tk_prev),
        "uz1995": _schema("uz1995", uz, **uz_rules),
    }


# The Russian-language schemes (key, title, what marks them, iuliia schema), commonest first.
_RUSSIAN_SCHEMES = [
    ("icao", "ICAO Doc 9303 (passports since 2013)", "й i, ю iu, я ia, х kh", iuliia.ICAO_DOC_9303),
    ("mvd310", "older passports (MVD 310, 1997-2010)", "й y, ю yu, я ya", iuliia.MVD_310),
    ("telegram", "informal (social media)", "h for х, c for ц", iuliia.TELEGRAM),
    ("wikipedia", "everyday English (Wikipedia)", "ye after a vowel, -y for -ий", iuliia.WIKIPEDIA),
    (
        "informal_x",
        "informal (own spelling in profiles and e-mail)",
        "x for кс, -ia for -ия, German-style sch for щ; ye at the start of a word",
        _ru_informal(),
    ),
    ("mvd782", "older passports (MVD 782, 2000s)", "ye after a vowel, yo for ё", iuliia.MVD_782),
    ("bgn", "BGN/PCGN (maps, sanctions lists)", "ye after a vowel, marks dropped", iuliia.BGN_PCGN),
    ("gost_b", "GOST 7.79-2000 system B", "x for х, c for ц", iuliia.GOST_779_ALT),
    ("gost_a", "GOST 7.79-2000 system A (ISO 9)", "library catalogues: ž, č, š", iuliia.GOST_779),
]


def _russian_schemes(language: str) -> list[Scheme]:
    """Russian-language schemes; a national name goes through its usual Russian spelling."""
    return [
        Scheme(key, title, note, _through_russian(language, schema))
        for key, title, note, schema in _RUSSIAN_SCHEMES
    ]


def schemes(language: str) -> list[Scheme]:
    """The schemes for a language, most common in real documents and posts first.

    The order is a judgement from practice (passport forms, then the official national Latin,
    then informal and reference forms), not a measured frequency.
    """
    nat = _national()
    russian = _russian_schemes(language)
    icao, mvd310, telegram, *rest = russian

    def own(schema: TranslitSchema) -> Callable[[str], str]:
        return lambda text: schema.translate(text)

    national: list[Scheme] = []
    if language == "kk":
        national = [
            Scheme("kk2021", "Kazakh Latin 2021", "ä ğ ñ ö ş ū ü ı, İ for и/й", own(nat["kk2021"])),
            Scheme(
                "kk2021_plain",
                "Kazakh Latin 2021 without special letters",
                "as typed on a plain keyboard",
                lambda t: _informal_kk(nat["kk2021"].translate(t)),
            ),
            Scheme(
                "kk2021_i",
                "Kazakh Latin 2021 typed with i for ı",
                "ä ğ ñ ö ş ū ü kept, i for і (no dotless ı on the keyboard)",
                lambda t: _dotted_i(nat["kk2021"].translate(t)),
            ),
            Scheme("kk2018", "Kazakh Latin 2018", "á ǵ ń ó ú ý, ı for и/й", own(nat["kk2018"])),
            Scheme(
                "kk_bgn",
                "Kazakh BGN/PCGN 1979 (maps, sanctions lists)",
                "gh for ғ, q for қ, ng for ң, i for і, ī ū for и у",
                lambda t: _SEARCH_NOISE.sub("", nat["kk_bgn"].translate(t)),
            ),
            Scheme(
                "kk_informal",
                "Kazakh, informal",
                "ye at the start of a word and after a vowel, j for ж, q for қ, no special letters",
                lambda t: _informal_kk(nat["kk_ye"].translate(t)),
            ),
        ]
        icao = Scheme("icao", "ICAO Doc 9303 (Kazakh passports)", icao.note, icao.translate)
    elif language == "ky":
        national = [
            Scheme("ky_bgn", "Kyrgyz BGN/PCGN 1979", "j for ж, ng for ң, ö, ü", own(nat["ky_bgn"])),
            Scheme(
                "ky_plain",
                "Kyrgyz, informal",
                "j for ж, o for ө, u for ү",
                lambda t: _strip_marks(nat["ky_bgn"].translate(t)),
            ),
        ]
        icao = Scheme("icao", "ICAO Doc 9303 (Kyrgyz passports)", icao.note, icao.translate)
    elif language == "tg":
        national = [
            Scheme(
                "tg_bgn", "Tajik BGN/PCGN 1994", "j for ҷ, gh for ғ, q for қ", own(nat["tg_bgn"])
            ),
            Scheme(
                "tg_plain",
                "Tajik, informal",
                "j for ҷ, i for ӣ, u for ӯ",
                lambda t: _strip_marks(nat["tg_bgn"].translate(t)),
            ),
        ]
        icao = Scheme("icao", "ICAO Doc 9303 (Tajik passports)", icao.note, icao.translate)
    elif language == "tk":
        national = [
            Scheme(
                "tk1999", "Turkmen Latin (official)", "ä ç ž ň ö ş ü ý, w for в", own(nat["tk1999"])
            ),
            Scheme(
                "tk_mrz",
                "Turkmen Latin without marks (passport machine zone)",
                "ä a, ç c, ş s, ý y",
                lambda t: _strip_marks(nat["tk1999"].translate(t)),
            ),
            Scheme(
                "tk_plain",
                "Turkmen Latin, informal",
                "ch, sh, zh for ç, ş, ž",
                lambda t: _informal_tk(nat["tk1999"].translate(t)),
            ),
        ]
    elif language == "uz":
        national = [
            Scheme(
                "uz1995",
                "Uzbek Latin (official)",
                "oʻ gʻ, x for х, y for й, ye",
                own(nat["uz1995"]),
            ),
            Scheme(
                "uz_ascii",
                "Uzbek Latin with a plain apostrophe",
                "o' and g' as typed",
                lambda t: _ascii_apostrophe(nat["uz1995"].translate(t)),
            ),
            Scheme(
                "uz_plain",
                "Uzbek Latin without apostrophes",
                "o for oʻ, g for gʻ",
                lambda t: nat["uz1995"].translate(t).replace("ʻ", "").replace("ʼ", ""),
            ),
        ]
    if language == "ru":
        return [icao, mvd310, telegram, *rest]
    if language in ("kk", "ky", "tg"):
        return [icao, *national, mvd310, telegram, *rest]
    return [*national, icao, mvd310, telegram, *rest]
