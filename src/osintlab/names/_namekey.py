"""Folding a name into comparison keys, for :func:`osintlab.names.match` (private).

A word in either script becomes a few coarse Latin keys: ``Хабибуллаев``, ``Khabibullaev``,
``Habibullayev`` and ``Xabibullaev`` all fold to ``habibulaev``. Each rule that changed a word
carries a short label (``kh/h``), so the matcher can say which differences it forgave.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import product

# Cyrillic of all six languages to a coarse Latin (й i, ы i: the folding forgives y/i anyway).
_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i", "ӣ": "i", "ӯ": "u", "ҳ": "h", "ҷ": "j", "ў": "u", "җ": "j",
}  # fmt: skip

# National Latin letters to the same coarse Latin, with the label a reason names.
_LAT = {
    "ä": ("a", "ä/a"), "á": ("a", "á/a"), "ğ": ("g", "ğ/g"), "ǵ": ("g", "ǵ/g"),
    "ñ": ("n", "ñ/n"), "ń": ("n", "ń/n"), "ň": ("n", "ň/n"), "ŋ": ("n", "ŋ/n"),
    "ö": ("o", "ö/o"), "ó": ("o", "ó/o"), "ş": ("sh", "ş/sh"), "ș": ("sh", "ş/sh"),
    "ç": ("ch", "ç/ch"), "ū": ("u", "ū/u"), "ü": ("u", "ü/u"), "ú": ("u", "ú/u"),
    "ı": ("i", "ı/i"), "ī": ("i", "ī/i"), "ž": ("zh", "ž/zh"), "é": ("e", "é/e"),
}  # fmt: skip

_APOSTROPHES = "ʻʼ'`’‘ʹʺ"

# Ordered rewrite rules on the coarse Latin word: (pattern, replacement, label).
# Order matters: digraphs before single letters; y -> i before the ye/ie rules.
_RULES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(p), r, label)
    for p, r, label in [
        (r"shch|sch", "sh", "shch/sh"),
        (r"dzh|dj", "j", "dzh/j"),
        (r"zh", "j", "zh/j"),
        (r"kh", "h", "kh/h"),
        (r"x", "h", "x/kh"),
        (r"gh", "g", "gh/g"),
        (r"q", "k", "q/k"),
        (r"w", "v", "w/v"),
        (r"ph", "f", "ph/f"),
        (r"c(?!h)", "ts", "c/ts"),
        (r"tz", "ts", "c/ts"),
        (r"y", "i", "y/i"),
        (r"^ie", "e", "ye/e"),
        (r"(?<=[aeiou])ie", "e", "ye/e"),
        (r"of+$", "ov", "-off/-ov"),
        (r"ef+$", "ev", "-eff/-ev"),
        (r"(.)\1+", r"\1", "double letters"),
    ]
]

# Optional rules: each gives a second key beside the first (small, bounded sets of keys).
_OPTIONAL_ANY = [
    (re.compile(r"(?<=[^aeiou])i(?=e)"), "", "ie/e"),  # Vasiliev/Vasilev, Gulyev/Guliev
]
_OPTIONAL_LATIN = [
    (re.compile(r"^j(?=[aeiou])"), "i", "j/y"),  # Julia = Yulia (German and Polish j)
    (re.compile(r"ý"), "u", "ý/u"),  # Kazakh 2018 ý is у; Turkmen ý is й (i, below)
    (re.compile(r"[yiý]o"), "e", "yo/e"),  # Bakhtiyor = Bakhtier (ё as е)
    (re.compile(r"(?<=[hj])ov"), "ev", "yo/e"),  # Pugachov = Pugachev
    (re.compile(r"o'"), "u", "oʻ/u"),  # Uzbek oʻ as у in Russian spelling (Oʻtkir/Utkir)
    (re.compile(r"x"), "ks", "x/ks"),  # informal x for кс: Alexey, Maximov (else x is х)
    (re.compile(r"(?<=[dt])er$"), "r", "-er/-r"),  # Alexander = Aleksandr, Peter = Petr
]
_MAX_KEYS = 16


@dataclass
class Word:
    """One word of a name with its comparison keys (each with the rules that made it)."""

    text: str
    cyrillic: bool
    keys: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def initial(self) -> bool:
        return len(self.text.rstrip(".")) == 1


def _coarse(word: str) -> tuple[str, bool, set[str]]:
    word = unicodedata.normalize("NFC", word.casefold()).replace("i\u0307", "i")
    labels: set[str] = set()
    if any("\u0400" <= c <= "\u04ff" for c in word):
        if "ё" in word:
            labels.add("ё/е")
        return "".join(_CYR.get(c, c) for c in word), True, labels
    out = []
    for c in word:
        if c in _LAT:
            rep, label = _LAT[c]
            out.append(rep)
            labels.add(label)
        elif c in _APOSTROPHES:
            out.append("'")
        else:
            out.append(c)
    text = "".join(out).replace("ý", "\x00")  # kept apart: ý is у in Kazakh, й in Turkmen
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return text.replace("\x00", "ý"), False, labels


def _fold(text: str, labels: set[str]) -> str:
    for pattern, replacement, label in _RULES:
        new = pattern.sub(replacement, text)
        if new != text:
            labels.add(label)
            text = new
    return text


def word(text: str) -> Word:
    """Fold one word (``"Хабибуллаев"``, ``"Habibullayev"``) into its keys."""
    coarse, cyrillic, base = _coarse(text)
    options = list(_OPTIONAL_ANY) if cyrillic else _OPTIONAL_LATIN + _OPTIONAL_ANY
    starts: dict[str, frozenset[str]] = {coarse: frozenset(base)}
    for pattern, replacement, label in options:
        for start, labels in list(starts.items()):
            if len(starts) >= _MAX_KEYS:
                break
            if pattern.search(start):
                starts.setdefault(pattern.sub(replacement, start), labels | {label})
    keys: dict[str, frozenset[str]] = {}
    for start, labels in starts.items():
        found = set(labels)
        plain = start.replace("'", "").replace("ý", "y")
        key = _fold(plain, found)
        if key not in keys or len(found) < len(keys[key]):
            keys[key] = frozenset(found)
    return Word(text=text, cyrillic=cyrillic, keys=keys)


def compare(a: Word, b: Word) -> tuple[float, set[str]]:
    """How alike two words are (1.0: the same key) and the differences that were forgiven."""
    shared = a.keys.keys() & b.keys.keys()
    if shared:
        best = min(shared, key=lambda k: len(a.keys[k] ^ b.keys[k]))
        return 1.0, set(a.keys[best] ^ b.keys[best]) - {"double letters"}
    if a.initial or b.initial:
        first_a = {k[:1] for k in a.keys}
        first_b = {k[:1] for k in b.keys}
        return (0.9, {"initial"}) if first_a & first_b else (0.0, set())
    return max(_ratio(x, y) for x, y in product(a.keys, b.keys)), set()


def _ratio(x: str, y: str) -> float:
    """Levenshtein similarity: 1 - distance / longer length."""
    if not x or not y:
        return 0.0
    previous = list(range(len(y) + 1))
    for i, cx in enumerate(x, 1):
        current = [i]
        for j, cy in enumerate(y, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (cx != cy)))
        previous = current
    return 1 - previous[-1] / max(len(x), len(y))
