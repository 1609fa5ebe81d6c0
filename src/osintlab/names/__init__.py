"""A person's name across Cyrillic and Latin scripts: what to search for, and who may match.

A name written ``Абдуллаев`` in a case file appears as ``Abdullaev`` in a passport,
``Abdullayev`` on a visa, ``Abdullaeva`` for his sister and ``Абдуллаев`` again in a Telegram
export. Three functions cover the everyday work:

* :func:`variants` lists the Latin spellings to search for a Cyrillic name;
* :func:`to_cyrillic` goes the other way, from a Latin spelling to plausible Cyrillic forms;
* :func:`match` says whether two spellings can be the same person, with a score and a reason;
* :func:`search` finds every row of a table (a register extract) whose name may be a spelling.

Languages: ``ru`` Russian, ``kk`` Kazakh, ``ky`` Kyrgyz, ``tg`` Tajik, ``tk`` Turkmen,
``uz`` Uzbek. Russian schemes come from the ``iuliia`` library; the national tables are in
``osintlab.names._translit`` with their sources.

Example:
    >>> from osintlab import names
    >>> names.match("Абдуллаев Нурлан", "Nurlan Abdullayev").same
    True
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pandas as pd

from .._i18n import N_, _
from ..exceptions import NameScriptError
from . import _namekey, _translit
from .lookup import search

__all__ = ["LANGUAGES", "Match", "match", "search", "to_cyrillic", "variants"]

LANGUAGES = _translit.LANGUAGES

_RUSSIAN = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_EXTRA = {
    "ru": "",
    "kk": "әғқңөұүһі",
    "ky": "ңөү",
    "tg": "ғӣқӯҳҷ",
    "tk": "әңөүҗ",
    "uz": "ўғқҳ",
}
_PATRONYMIC_ENDINGS = re.compile(r"(ovich|evich|ovna|evna|ichna|vich|vna|ich|ovych|ivna)$")
_PATRONYMIC_WORDS = {
    "uly", "ulu", "uuly", "uulu", "kyzy", "kizi", "qizi", "qyzy", "ogly", "ogli", "ugli",
    "ули", "ұлы", "улы", "уулу", "кызы", "қызы", "кизи", "қизи", "оглы", "ўғли", "угли",
    "o'g'li", "oʻgʻli", "gyzy", "гызы", "оглу",
}  # fmt: skip
_WORD = re.compile(r"[^\s,;]+")


def _check_language(language: str) -> str:
    if not isinstance(language, str) or language.lower() not in LANGUAGES:
        hint = _translit.LANGUAGE_ALIASES.get(str(language).lower())
        message = _("language must be one of {codes}; you passed {value!r}.").format(
            codes=", ".join(LANGUAGES), value=language
        )
        if hint:
            message += " " + _("Did you mean {code!r}? ({code} is the language code.)").format(
                code=hint
            )
        raise NameScriptError(message, language=language)
    return language.lower()


def _check_text(name: object, example: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise NameScriptError(
            _("The name is empty. Pass a person's name as text, for example {example!r}.").format(
                example=example
            ),
            name=name,
        )
    return " ".join(name.split())


def _check_letters(name: str, language: str) -> None:
    allowed = _RUSSIAN | set(_EXTRA[language])
    foreign = sorted({c for c in name.lower() if "\u0400" <= c <= "\u04ff"} - allowed)
    if foreign:
        fits = [code for code in LANGUAGES if set(foreign) <= _RUSSIAN | set(_EXTRA[code])] or list(
            LANGUAGES
        )
        raise NameScriptError(
            _(
                "{name!r} has letters that {language} does not use ({letters}). "
                "Pass language={fits} instead."
            ).format(
                name=name,
                language=_(_translit.LANGUAGE_NAMES[language]),
                letters=", ".join(foreign),
                fits=" or ".join(repr(code) for code in fits),
            ),
            name=name,
            language=language,
        )


def variants(name: str, language: str = "ru") -> pd.DataFrame:
    """The Latin spellings of a Cyrillic name that an investigator should search.

    One row per distinct spelling (columns ``spelling``, ``scheme``, ``note``), the forms
    most common in passports and posts first. ``scheme`` names every scheme that gives that
    spelling. Russian schemes come from ``iuliia``; a national name is also given in its
    usual Russian spelling, because many documents were issued in Russian.

    Example:
        >>> from osintlab import names
        >>> table = names.variants("Хабибуллаев", language="uz")
        >>> table["spelling"].tolist()[:4]
        ['Xabibullayev', 'Khabibullaev', 'Habibullaev', 'Khabibullayev']
    """
    language = _check_language(language)
    name = _check_text(name, "Нурлан Абдуллаев")
    if _translit.has_latin(name) or not _translit.has_cyrillic(name):
        raise NameScriptError(
            _(
                "{name!r} is not in Cyrillic letters. variants() turns a Cyrillic name into "
                "Latin spellings, for example variants('Нурлан Абдуллаев'); for a Latin "
                "spelling use to_cyrillic({name!r})."
            ).format(name=name),
            name=name,
        )
    _check_letters(name, language)
    rows: dict[str, dict[str, str]] = {}
    for scheme in _translit.schemes(language):
        spelling = scheme.translate(name)
        if _translit.has_cyrillic(spelling):
            continue  # a scheme that cannot write every letter of this name
        row = rows.get(spelling)
        if row is None:
            rows[spelling] = {"spelling": spelling, "scheme": scheme.title, "note": scheme.note}
        else:
            row["scheme"] += "; " + scheme.title
    return pd.DataFrame(list(rows.values()), columns=["spelling", "scheme", "note"])


# --- Latin to Cyrillic ---------------------------------------------------------------------
# Latin letter groups and their Cyrillic readings, most likely first. Shared by every
# language; each language adds its own letters. Kazakh ı is і in the 2021 alphabet but и or й
# in the 2018 one (Aıgerim); ng is also ңг, the г dropped (Chyngyz for Чыңгыз); dj is the
# French-style дж of Russian-era documents (Djamshed).
_REVERSE_COMMON: dict[str, list[str]] = {
    "shch": ["щ"], "sch": ["щ"], "dzh": ["дж"], "dj": ["дж"], "zh": ["ж"], "kh": ["х"],
    "ts": ["ц", "тс"], "ch": ["ч"], "sh": ["ш"], "yu": ["ю"], "iu": ["ю", "иу"], "ya": ["я"],
    "ia": ["я", "ия"],
    "yo": ["ё", "йо"], "ye": ["е"], "ie": ["ье", "ие"], "iy": ["ий"], "yy": ["ый", "ыйы"],
    "a": ["а"], "b": ["б"], "c": ["ц", "к"], "d": ["д"], "e": ["е", "э"], "f": ["ф"],
    "g": ["г"], "h": ["х"], "i": ["и", "й"], "j": ["ж", "й"], "k": ["к"], "l": ["л"],
    "m": ["м"], "n": ["н"], "o": ["о"], "p": ["п"], "q": ["к"], "r": ["р"], "s": ["с"],
    "t": ["т"], "u": ["у"], "v": ["в"], "w": ["в"], "x": ["х", "кс"], "y": ["й", "ы"],
    "z": ["з"],
}  # fmt: skip
_REVERSE_EXTRA: dict[str, dict[str, list[str]]] = {
    "ru": {},
    "kk": {
        "ä": ["ә"], "á": ["ә"], "ğ": ["ғ"], "ǵ": ["ғ"], "q": ["қ"], "ñ": ["ң"], "ń": ["ң"],
        "ö": ["ө"], "ó": ["ө"], "ū": ["ұ"], "ü": ["ү"], "ú": ["ү"], "ı": ["і", "и", "й"],
        "ş": ["ш"], "ý": ["у"], "i": ["и", "і", "й"], "u": ["у", "ұ", "ү"], "o": ["о", "ө"],
        "a": ["а", "ә"], "g": ["г", "ғ"], "k": ["к", "қ"], "j": ["ж"], "h": ["х", "һ"],
        "gh": ["ғ"], "ng": ["ң", "ңг", "нг"], "ia": ["я", "ия"], "iu": ["ю"],
    },
    "ky": {
        "ö": ["ө"], "ü": ["ү"], "ng": ["ң", "ңг", "нг"], "o": ["о", "ө"], "u": ["у", "ү"],
        "j": ["ж"],
    },
    "tg": {
        "gh": ["ғ"], "ğ": ["ғ"], "q": ["қ"], "ī": ["ӣ"], "ū": ["ӯ"], "h": ["ҳ", "х"],
        "j": ["ҷ", "ж"], "dzh": ["ҷ", "дж"], "dj": ["дж", "ҷ"], "i": ["и", "ӣ", "й"],
        "u": ["у", "ӯ"],
        "g": ["г", "ғ"], "k": ["к", "қ"],
    },
    "tk": {
        "ä": ["ә"], "ç": ["ч"], "ž": ["ж"], "j": ["җ", "ж"], "ň": ["ң"], "ö": ["ө"],
        "ş": ["ш"], "ü": ["ү"], "w": ["в"], "y": ["ы", "й"], "ý": ["й"], "ýa": ["я"],
        "ýe": ["е"], "ýo": ["ё"], "ýu": ["ю"], "o": ["о", "ө"], "u": ["у", "ү"],
        "a": ["а", "ә"],
    },
    "uz": {
        "o'": ["ў"], "oʻ": ["ў"], "o‘": ["ў"], "g'": ["ғ"], "gʻ": ["ғ"], "g‘": ["ғ"],
        "q": ["қ"], "x": ["х"], "h": ["ҳ", "х"], "j": ["ж"], "y": ["й"], "u": ["у", "ў"],
        "o": ["о", "ў"], "k": ["к", "қ"], "g": ["г", "ғ"], "i": ["и", "й"],
    },
}  # fmt: skip
_BEAM = 40
_CYR_VOWELS = "аеёиоуыэюяәөұүіӣӯў"
# Latin consonant digraphs that are read as one letter: reading them as two letters (sh as сх,
# ch as цх, dj as дҷ) is possible but unusual, and costs that much more.
_DIGRAPHS = ("shch", "sch", "dzh", "dj", "zh", "kh", "ch", "sh", "gh")
_SPLIT_COST = 2.0
_RUSSIFY_COST = 0.5


def _spell_word(word: str, table: dict[str, list[str]]) -> list[tuple[float, str]]:
    """Cyrillic readings of one Latin word, cheapest first (a small beam search)."""
    lower = word.lower()
    longest = max(len(k) for k in table)
    beams: dict[int, list[tuple[float, str]]] = {0: [(0.0, "")]}
    for pos in range(len(lower)):
        digraph = max(
            (len(d) for d in _DIGRAPHS if lower.startswith(d, pos) and d in table), default=0
        )
        for cost, text in beams.pop(pos, []):
            for size in range(longest, 0, -1):
                chunk = lower[pos : pos + size]
                if len(chunk) < size or chunk not in table:
                    continue
                for rank, cyr in enumerate(table[chunk]):
                    extra = rank + (0.0 if size > 1 else 0.1 * (longest > 1))
                    if size < digraph:
                        extra += _SPLIT_COST  # Shohruh is Шохрух, not Сҳоҳруҳ
                    after_vowel = bool(text) and text[-1] in _CYR_VOWELS
                    before_vowel = lower[pos + size : pos + size + 1] in tuple("aeiouy")
                    if cyr == "й" and after_vowel and not before_vowel:
                        extra = 0.0  # Andrei -> Андрей, Aigerim -> Айгерим
                    elif cyr in ("й", "ий") and not after_vowel:
                        extra += 1.5 if before_vowel else 3.0  # й follows a vowel (Чыңгыз)
                    elif cyr == "і" and after_vowel:
                        extra += 1.0  # Kazakh і never follows a vowel: Aıgerim is Айгерім
                    beams.setdefault(pos + size, []).append((cost + extra, text + cyr))
        for key in beams:
            beams[key] = sorted(set(beams[key]))[:_BEAM]
    done = beams.get(len(lower), [])
    out = []
    for cost, text in done:
        if word[:1].isupper():
            text = text[:1].upper() + text[1:]
        out.append((cost, text))
    return out


def to_cyrillic(name: str, language: str = "ru", limit: int = 5) -> list[str]:
    """Plausible Cyrillic forms of a Latin spelling, the likeliest first.

    Forms that some transliteration scheme turns back into exactly this spelling come first,
    with the usual Russian spelling of such a national form (Шоҳруҳ, Шохрух); the rest follow
    by how usual their letters are.

    Example:
        >>> from osintlab import names
        >>> names.to_cyrillic("Nurlan Abdullaev")[0]
        'Нурлан Абдуллаев'
        >>> names.to_cyrillic("Oʻtkir Xabibullayev", language="uz")[0]
        'Ўткир Хабибуллаев'
    """
    language = _check_language(language)
    name = _check_text(name, "Nurlan Abdullaev")
    if _translit.has_cyrillic(name) or not _translit.has_latin(name):
        raise NameScriptError(
            _(
                "{name!r} is not in Latin letters. to_cyrillic() turns a Latin spelling into "
                "Cyrillic, for example to_cyrillic('Nurlan Abdullaev'); for a Cyrillic name "
                "use variants({name!r})."
            ).format(name=name),
            name=name,
        )
    table = {**_REVERSE_COMMON, **_REVERSE_EXTRA[language]}
    words = name.replace("-", " - ").split()
    keep = max(4, int(400 ** (1 / len(words))))  # readings per word: 40 for one, 7 for three
    per_word = [_spell_word(w, table)[:keep] if w != "-" else [(0.0, "-")] for w in words]
    scored: dict[str, float] = {}
    national: dict[str, tuple[float, str]] = {}  # Russian spelling -> cheapest national form
    for combo in itertools.product(*per_word):
        text = " ".join(t for _c, t in combo).replace(" - ", "-")
        cost = sum(c for c, _t in combo)
        scored[text] = min(scored.get(text, 99.0), cost)
        # The usual Russian spelling of a national name (Шоҳруҳ -> Шохрух), as variants() gives
        # it: documents issued in Russian write the name so.
        russian = _translit.russify(text, language)
        if russian != text:
            scored[russian] = min(scored.get(russian, 99.0), cost + _RUSSIFY_COST)
            national[russian] = min(national.get(russian, (99.0, "")), (cost, text))
    wanted = name.casefold()
    tiers: dict[str, int] = {}

    def tier(text: str) -> int:
        """0: a scheme spells it back exactly so; 1: it does not; 2: not a name of the language."""
        if text not in tiers:
            try:
                back = variants(text, language=language)["spelling"].str.casefold().tolist()
            except NameScriptError:
                tiers[text] = 2
            else:
                tiers[text] = 0 if wanted in back else 1
        return tiers[text]

    def rank(item: tuple[str, float]) -> tuple[int, float]:
        text, cost = item
        found = tier(text)
        if found and text in national:  # the Russian spelling of a form spelt back exactly
            found = min(found, tier(national[text][1]))
        return (found, cost)

    best = sorted(scored.items(), key=lambda item: item[1])[: max(limit * 4, 12)]
    return [text for text, _cost in sorted(best, key=rank)[:limit]]


# --- matching ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """Whether two spellings can be the same person.

    ``score`` runs from 0 (nothing alike) to 1 (the same name); ``same`` is True when every
    part of the name agrees once spelling conventions are allowed for; ``reason`` says why
    in plain words.
    """

    score: float
    same: bool
    reason: str

    def __bool__(self) -> bool:
        return self.same


@dataclass
class _Part:
    word: _namekey.Word
    patronymic: bool
    stem: _namekey.Word | None = None


def _parts(name: str) -> list[_Part]:
    raw = _WORD.findall(name.replace("-", ""))  # Abdul-Aziz = Abdulaziz
    parts: list[_Part] = []
    for token in raw:
        if token.casefold() in _PATRONYMIC_WORDS and parts:
            # "Serik uly", "Azamat uulu": the father's name with a particle
            previous = parts.pop()
            parts.append(
                _Part(_namekey.word(previous.word.text + " " + token), True, previous.word)
            )
            continue
        word = _namekey.word(token)
        key = next(iter(word.keys))
        ending = _PATRONYMIC_ENDINGS.search(key)
        if ending and len(key) - len(ending.group()) >= 3:
            stem = _namekey.word(token[: len(token) - _ending_length(token)])
            parts.append(_Part(word, True, stem))
        else:
            parts.append(_Part(word, False))
    return parts


def _ending_length(token: str) -> int:
    lower = token.casefold()
    for ending in ("овна", "евна", "ович", "евич", "ична", "ич",
                   "ovna", "evna", "ovich", "evich", "ichna", "ich"):  # fmt: skip
        if lower.endswith(ending):
            return len(ending)
    return 0


_LABEL_WORDS = {
    "kh/h": N_("kh or h"),
    "x/kh": N_("x or kh"),
    "zh/j": N_("zh or j"),
    "dzh/j": N_("dzh or j"),
    "y/i": N_("y or i"),
    "ye/e": N_("ye or e"),
    "ie/e": N_("-iev or -ev"),
    "j/y": N_("j or y"),
    "yo/e": N_("yo or e for ё"),
    "ё/е": N_("ё or е"),
    "-off/-ov": N_("-off or -ov"),
    "oʻ/u": N_("oʻ or u for ў"),
    "ý/u": N_("ý or u for у"),
    "w/v": N_("w or v"),
    "q/k": N_("q or k"),
    "initial": N_("an initial for a name"),
}


def _label(label: str) -> str:
    return _(_LABEL_WORDS.get(label, label))


def _schemes_of(cyr: str, latin: str) -> list[str]:
    """Every scheme (in any language) that spells ``cyr`` exactly as ``latin``."""
    target = latin.casefold()
    found: list[str] = []
    for language in LANGUAGES:
        try:
            table = variants(cyr, language=language)
        except NameScriptError:
            continue
        for titles in table.loc[table["spelling"].str.casefold() == target, "scheme"]:
            found += [t for t in str(titles).split("; ") if t not in found]
    return found


def match(first: str, second: str) -> Match:
    """Can these two spellings be the same person? A score, a yes/no and the reason.

    Word order, case, hyphens, diacritics, ё/е, initials, a missing patronymic and the usual
    transliteration differences (kh/h/x, zh/j, ya/ia, yu/iu, y/i, -yev/-ev, -off/-ov, Uzbek
    oʻ and gʻ, Kazakh and Turkmen letters) are allowed for. A different patronymic means a
    namesake: the score drops and ``same`` is False.

    Example:
        >>> from osintlab import names
        >>> names.match("Абдуллаев Нурлан", "Nurlan Abdullayev")  # doctest: +ELLIPSIS
        Match(score=1.0, same=True, reason='same name ...; word order differs')
        >>> names.match("Азамат Алиев", "Азат Алиев").same
        False
    """
    first = _check_text(first, "Нурлан Абдуллаев")
    second = _check_text(second, "Nurlan Abdullaev")
    a, b = _parts(first), _parts(second)
    core_a = [p for p in a if not p.patronymic]
    core_b = [p for p in b if not p.patronymic]
    pat_a = [p for p in a if p.patronymic]
    pat_b = [p for p in b if p.patronymic]
    if not core_a or not core_b:
        core_a, core_b, pat_a, pat_b = a, b, [], []

    short, long_, flipped = (core_a, core_b, False)
    if len(core_a) > len(core_b):
        short, long_, flipped = core_b, core_a, True
    best: tuple[float, tuple[int, ...], list[tuple[float, set[str]]]] | None = None
    for order in itertools.permutations(range(len(long_)), len(short)):
        results = [_namekey.compare(short[i].word, long_[j].word) for i, j in enumerate(order)]
        score = 1.0
        for value, _labels in results:
            score *= value**2 if value < 1 else 1.0
        if best is None or score > best[0] or (score == best[0] and order == tuple(sorted(order))):
            best = (score, order, results)
    assert best is not None
    score, order, results = best
    reasons: list[str] = []
    # Only an exact match after folding (or an initial) counts: one letter can be another name.
    same = all(value == 1.0 or labels == {"initial"} for value, labels in results)

    pairs = [(short[i], long_[j]) for i, j in enumerate(order)]
    if flipped:
        pairs = [(x, y) for y, x in pairs]
    forgiven: list[str] = []
    for (value, labels), (x, y) in zip(results, pairs, strict=True):
        exact = value == 1.0 or labels == {"initial"}
        if not exact and _female_form(x, y):
            reasons.append(
                _(
                    "{a} / {b}: one is the female form of the other surname (a relative, "
                    "not the same person)"
                ).format(a=x.word.text, b=y.word.text)
            )
        elif not exact and value >= 0.85:
            reasons.append(
                _(
                    "{a} and {b} differ by a letter: a typo or another name; check the documents"
                ).format(a=x.word.text, b=y.word.text)
            )
        elif not exact:
            reasons.append(
                _("{a} and {b} are different names").format(a=x.word.text, b=y.word.text)
            )
        for label in sorted(labels):
            if _label(label) not in forgiven:
                forgiven.append(_label(label))

    common: list[str] | None = None
    for x, y in pairs:
        cyr, lat = (x.word, y.word) if x.word.cyrillic else (y.word, x.word)
        if cyr.cyrillic and not lat.cyrillic and same:
            found = _schemes_of(cyr.text, lat.text)
            common = found if common is None else [t for t in common if t in found]
    if same:
        if common:
            reasons.insert(0, _("same name in {scheme}").format(scheme=common[0]))
        elif forgiven:
            reasons.insert(
                0, _("same name, spelt differently ({how})").format(how=", ".join(forgiven))
            )
        else:
            reasons.insert(0, _("same name"))
    if len(set(order)) > 1 and list(order) != sorted(order):
        reasons.append(_("word order differs"))
    extra = len(long_) - len(short)
    if extra:
        score *= 0.9
        reasons.append(_("one spelling has {n} more name part(s)").format(n=extra))

    if pat_a and pat_b:
        pat_score, _labels = _namekey.compare(
            pat_a[0].stem or pat_a[0].word, pat_b[0].stem or pat_b[0].word
        )
        if pat_score < 0.9:
            score *= 0.6
            same = False
            reasons.append(
                _("patronymics differ ({a} / {b}): probably namesakes, not the same person").format(
                    a=pat_a[0].word.text, b=pat_b[0].word.text
                )
            )
        else:
            reasons.append(_("same patronymic"))
    elif pat_a or pat_b:
        score *= 0.95
        reasons.append(_("patronymic given in one spelling only"))
    return Match(score=round(score, 3), same=same, reason="; ".join(reasons))


def _female_form(x: _Part, y: _Part) -> bool:
    """Is one word the other surname with the female ending (Abdullaeva / Abdullaev)?"""
    for kx, ky in itertools.product(x.word.keys, y.word.keys):
        for female, male in ((kx, ky), (ky, kx)):
            if female.endswith(("ova", "eva", "ina")) and female[:-1] == male:
                return True
    return False
