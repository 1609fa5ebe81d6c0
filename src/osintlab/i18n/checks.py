"""Step 5: translations that would break something, found before a trainee sees them.

- ``kept_tokens``: placeholders (``{count}``, ``%s``), Markdown links, inline code, URLs,
  LaTeX, HTML tags and table columns must come through a translation unchanged;
- ``glossary_problems``: a Russian message whose English uses a glossary term must use the
  term's Russian (``locale/glossary.csv``), so the course says one thing one way;
- ``msgfmt_problems``: every catalogue passes GNU gettext's ``msgfmt --check``;
- ``built_message_problems``: a check message in a notebook is a fixed text, never built at
  run time (an f-string, ``%`` or ``.format``), or it could never match its translation.

Example:
    >>> entry = polib.POEntry(msgid="Run `len(x)` for {count} cases", msgstr="Запустите len(x)")
    >>> for problem in token_problems(entry, "x.po"):
    ...     print(problem)
    x.po: inline code `len(x)` is missing or changed in: 'Run `len(x)` for {count} cases'
    x.po: placeholder {count} is missing or changed in: 'Run `len(x)` for {count} cases'
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polib

from .._i18n import _
from .._layout import REPOSITORY
from ..exceptions import TranslationError
from .catalog import load

__all__ = [
    "GLOSSARY",
    "Report",
    "check_all",
    "glossary_problems",
    "load_glossary",
    "msgfmt_problems",
    "token_problems",
]

GLOSSARY = Path("locale") / "glossary.csv"
#: A translator comment that allows a message's inline code to change (e.g. quoted output).
CODE_TRANSLATED = "osintlab: translated-code"
GLOSSARY_COLUMNS = ["en", "ru", "kk", "ky", "tg", "tk", "uz", "notes"]

#: What must survive a translation, by the name a translator reads in the problem.
_TOKENS = {
    "inline code": re.compile(r"`[^`\n]+`"),
    "link target": re.compile(r"\]\(([^)\s]+)\)"),
    "URL": re.compile(r"(?<![(`])\bhttps?://[^\s)`>\]]+"),
    "LaTeX": re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S),
    "placeholder": re.compile(
        r"\{[A-Za-z_][A-Za-z0-9_]*(?:[!:][^{}]*)?\}|\{\}|%(?:\([A-Za-z_]+\))?[sdifr]"
    ),
    "HTML tag": re.compile(r"<[^>\s][^>]*>"),
}


def _found(kind: str, text: str) -> Counter[str]:
    pattern = _TOKENS[kind]
    if kind == "placeholder":  # braces inside inline code are code, not placeholders
        text = _TOKENS["inline code"].sub("", text)
    return Counter(pattern.findall(text))


def token_problems(entry: polib.POEntry, where: str) -> list[str]:
    """Placeholders, links, code, URLs, LaTeX, tags or table columns a translation broke.

    Example:
        >>> token_problems(polib.POEntry(msgid="See [the law](https://a.example)",
        ...                              msgstr="См. [закон](https://a.example)"), "x.po")
        []
    """
    if not entry.msgstr or entry.obsolete:
        return []
    short = entry.msgid if len(entry.msgid) <= 60 else entry.msgid[:57] + "..."
    problems: list[str] = []
    for kind in _TOKENS:
        if kind == "inline code" and CODE_TRANSLATED in (entry.tcomment or ""):
            continue  # the translator says this code is itself text to translate
        source, target = _found(kind, entry.msgid), _found(kind, entry.msgstr)
        for token in sorted((source - target) + (target - source)):
            problems.append(
                f"{where}: "
                + _("{kind} {token} is missing or changed in: {message}").format(
                    kind=_(kind), token=token, message=repr(short)
                )
            )
    if entry.msgid.lstrip().startswith("|") and entry.msgid.count("|") != entry.msgstr.count("|"):
        problems.append(
            f"{where}: "
            + _("the table row has {source} '|' in English but {target} in: {message}").format(
                source=entry.msgid.count("|"), target=entry.msgstr.count("|"), message=repr(short)
            )
        )
    return problems


def load_glossary(path: Path) -> list[dict[str, str]]:
    """The glossary's rows (``en,ru,kk,ky,tg,tk,uz,notes``), or a clear error.

    Example:
        >>> load_glossary(Path("locale/glossary.csv"))[0]["en"]  # doctest: +SKIP
        'electronic evidence'
    """
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("en", "ru") if c not in (reader.fieldnames or [])]
        if missing:
            raise TranslationError(
                _(
                    "{path} has no column {missing}; its first line must be: {columns}."
                ).format(path=path, missing=", ".join(missing), columns=",".join(GLOSSARY_COLUMNS)),
                path=str(path),
            )
        return [row for row in reader if (row.get("en") or "").strip()]


def _stem(word: str) -> str:
    """The unchanging start of a Russian word, so that case endings still match (имя/имён)."""
    return word[:2] if len(word) <= 4 else word[: max(4, len(word) - 3)]


def _uses(text: str, russian: str) -> bool:
    """Does ``text`` use one of the forms in ``russian`` ("учётная запись (аккаунт); ...")?"""
    words = re.findall(r"\w+", text.lower().replace("ё", "е"))
    for form in re.split(r"[;/,()]", russian.lower().replace("ё", "е")):
        stems = [_stem(w) for w in re.findall(r"\w+", form.lower())]
        if stems and all(any(w.startswith(s) for w in words) for s in stems):
            return True
    return False


def alternatives(row: dict[str, str], lang: str = "ru") -> list[str]:
    """Other wordings the glossary's notes accept for a term (``ru also: сбор; собранное``).

    Where the glossary's term does not fit a sentence, its notes may name the accepted
    alternatives for a language, so the check stops forcing the term.

    Example:
        >>> alternatives({"notes": "ru also: сбор; собранное. Keep it short."})
        ['сбор', 'собранное']
    """
    found = re.search(rf"\b{re.escape(lang)} also:\s*([^.|]+)", row.get("notes") or "")
    return [w.strip() for w in found.group(1).split(";") if w.strip()] if found else []


def glossary_problems(catalogue: Path, rows: list[dict[str, str]], lang: str = "ru") -> list[str]:
    """Messages whose English uses a glossary term but whose translation lacks the term's word.

    Example:
        >>> rows = [{"en": "trainee", "ru": "слушатель"}]
        >>> po = polib.POFile()
        >>> po.append(polib.POEntry(msgid="Ask the trainee", msgstr="Спросите обучаемого"))
        >>> po.save("/tmp/g.po")
        >>> len(glossary_problems(Path("/tmp/g.po"), rows))
        1
    """
    problems: list[str] = []
    for entry in load(catalogue):
        if not entry.msgstr or entry.obsolete or "fuzzy" in entry.flags:
            continue
        english = _TOKENS["URL"].sub("", _TOKENS["inline code"].sub("", entry.msgid))
        english = re.sub(r"\b\w*_\w*\b", "", english)  # identifiers (case_id) are code
        for row in rows:
            term, wanted = row["en"].strip(), (row.get(lang) or "").strip()
            if not wanted:
                continue
            accepted = ";".join([wanted, *alternatives(row, lang)])
            said = re.search(rf"\b{re.escape(term)}(?:s|es)?\b", english, re.I)
            kept = term.lower() in entry.msgstr.lower()  # kept in English: a name, e.g. `usernames`
            if said and not kept and not _uses(entry.msgstr, accepted):
                problems.append(
                    f"{catalogue}: "
                    + _("'{term}' should be translated as '{wanted}' (glossary) in: {message}")
                    .format(term=term, wanted=wanted, message=entry.msgstr[:80])
                )
    return problems


def msgfmt_problems(catalogue: Path) -> list[str]:
    """What ``msgfmt --check`` says about one catalogue; ``[]`` when it passes.

    Example:
        >>> msgfmt_problems(Path("locale/ru/osintlab.po"))  # doctest: +SKIP
        []
    """
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        raise TranslationError(
            _(
                "GNU gettext's msgfmt is not installed, and every catalogue must pass "
                "`msgfmt --check`. Install gettext (Debian/Ubuntu: `apt-get install gettext`; "
                "`make test` does it as root)."
            )
        )
    result = subprocess.run(
        [msgfmt, "--check", "--output-file=/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
    )
    if result.returncode == 0:
        return []
    return [line for line in result.stderr.strip().splitlines() if line.strip()] or [
        f"{catalogue}: msgfmt --check failed"
    ]


@dataclass
class Report:
    """What ``osintlab i18n check`` found: problems to fix, and checks that could not run."""

    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def built_message_problems(notebook: Path, where: str) -> list[str]:
    """Check messages of ``notebook`` that are built at run time instead of written out.

    Example:
        >>> import json, tempfile
        >>> cell = {"cell_type": "code", "id": "c", "metadata": {}, "outputs": [],
        ...         "execution_count": None, "source": 'check.that(ok, f"x is {x}")'}
        >>> path = Path(tempfile.mkdtemp()) / "n.ipynb"
        >>> _ = path.write_text(json.dumps({"cells": [cell], "metadata": {},
        ...                                 "nbformat": 4, "nbformat_minor": 5}))
        >>> built_message_problems(path, "n.ipynb")[0][:60]
        "n.ipynb cell 'c': a check message is built at run time (an f"
    """
    import ast
    import json

    from ._segments import message_arguments

    problems = []
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", []))
        try:
            tree = ast.parse(source.replace("### ", "# "))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for value, _role in message_arguments(node):
                if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    problems.append(_(
                        "{where} cell '{cell}': a check message is built at run time (an "
                        "f-string, % or .format), so its translation can never be found. Write "
                        "it as a fixed text with {{placeholders}} and pass the values: "
                        "check.that(ok, \"`x` is {{found!r}}\", name=\"x\", found=x)."
                    ).format(where=where, cell=cell.get("id")))
    return problems


def check_all(root: Path = REPOSITORY, glossary: Path | None = None) -> Report:
    """Every translation check on every catalogue under ``locale/``.

    Example:
        >>> check_all(Path(".")).problems  # doctest: +SKIP
        []
    """
    root = Path(root)
    report = Report()
    catalogues = sorted((root / "locale").glob("*/**/*.po"))
    glossary = Path(glossary) if glossary else root / GLOSSARY
    rows: list[dict[str, str]] | None = None
    if glossary.is_file():
        rows = load_glossary(glossary)
    else:
        report.skipped.append(
            _(
                "The glossary check was skipped: {path} does not exist yet. Add it (columns "
                "{columns}) and run the check again."
            ).format(path=glossary, columns=",".join(GLOSSARY_COLUMNS))
        )
    for notebook in sorted((root / "notebooks").glob("*/*.ipynb")):
        report.problems.extend(built_message_problems(notebook, str(notebook.relative_to(root))))
    for catalogue in catalogues:
        shown = catalogue.relative_to(root)
        report.problems.extend(msgfmt_problems(catalogue))
        for entry in load(catalogue):
            report.problems.extend(token_problems(entry, str(shown)))
        lang = catalogue.relative_to(root / "locale").parts[0]
        if rows is not None and lang == "ru":
            report.problems.extend(glossary_problems(catalogue, rows, lang))
    return report
