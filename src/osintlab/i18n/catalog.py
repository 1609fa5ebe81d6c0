"""Step 2: templates are merged into each language's catalogues, and nothing is lost.

``locale/<lang>/<module>/<NN-name>.po`` and ``locale/<lang>/osintlab.po`` follow their
templates with GNU gettext's ``msgmerge`` (the tool every PO editor expects):

- a message whose English did not change keeps its translation;
- a message whose English changed becomes *fuzzy*: the old translation stays as a suggestion
  and the old English is kept beside it (``#| msgid``), so the translator sees what changed;
- a message that left the source becomes *obsolete* (``#~``): kept at the end of the file,
  never deleted, and brought back if the text returns.

A language without catalogues yet gets new ones, every message untranslated.

Example:
    >>> update_language(Path("."), "kk")  # doctest: +SKIP
    [PosixPath('locale/kk/m00-getting-started/01-jupyter.po'), ...]
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib

from .._i18n import _
from .._layout import REPOSITORY
from ..exceptions import TranslationError
from .extract import TEMPLATES

__all__ = ["LANGUAGES", "catalogue_for", "load", "translations", "update_language"]

#: The course's languages, with the plural rule each PO header needs (CLDR, as gettext uses).
LANGUAGES = {
    "ru": ("Russian", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                      "(n%100<10 || n%100>=20) ? 1 : 2);"),
    "kk": ("Kazakh", "nplurals=2; plural=(n != 1);"),
    "ky": ("Kyrgyz", "nplurals=2; plural=(n != 1);"),
    "tg": ("Tajik", "nplurals=2; plural=(n != 1);"),
    "tk": ("Turkmen", "nplurals=2; plural=(n != 1);"),
    "uz": ("Uzbek", "nplurals=2; plural=(n != 1);"),
}


def check_language(lang: str) -> str:
    """``lang`` if the course has it, else an error that lists the languages.

    Example:
        >>> check_language("ru")
        'ru'
    """
    if lang not in LANGUAGES:
        raise TranslationError(
            _("There is no course language '{lang}'. Use one of: {known}.").format(
                lang=lang, known=", ".join(LANGUAGES)
            ),
            lang=lang,
        )
    return lang


def catalogue_for(template: Path, lang: str, root: Path = REPOSITORY) -> Path:
    """Where the ``lang`` catalogue of a template lives.

    Example:
        >>> catalogue_for(Path("locale/templates/m00-getting-started/01-jupyter.pot"), "ru",
        ...               Path("."))
        PosixPath('locale/ru/m00-getting-started/01-jupyter.po')
    """
    relative = Path(template).relative_to(Path(root) / TEMPLATES)
    return Path(root) / "locale" / lang / relative.with_suffix(".po")


def load(path: Path) -> polib.POFile:
    """Read a PO file, or say clearly why it cannot be read.

    Example:
        >>> load(Path("locale/ru/osintlab.po")).metadata["Language"]  # doctest: +SKIP
        'ru'
    """
    try:
        return polib.pofile(str(path), wrapwidth=100)
    except (OSError, ValueError) as error:
        raise TranslationError(
            _(
                "{path} cannot be read as a PO catalogue ({error}). Open it in Poedit to see "
                "the broken line, or restore it from git and translate again."
            ).format(path=path, error=error),
            path=str(path),
        ) from error


def translations(path: Path, *, drafts: bool = False) -> dict[str, str]:
    """The finished translations of a catalogue (fuzzy and empty ones left out).

    With ``drafts``, only the fuzzy ones (the drafts a native reviewer has not confirmed).

    Example:
        >>> translations(Path("missing.po"))
        {}
    """
    if not Path(path).is_file():
        return {}
    return {
        e.msgid: e.msgstr
        for e in load(path)
        if e.msgstr and not e.obsolete and ("fuzzy" in e.flags) == drafts
    }


def _new_catalogue(template: Path, target: Path, lang: str) -> None:
    catalogue = polib.pofile(str(template), wrapwidth=100)
    name, plural = LANGUAGES[lang]
    catalogue.metadata.update(
        {
            "PO-Revision-Date": catalogue.metadata.get("POT-Creation-Date", ""),
            "Last-Translator": "",
            "Language-Team": name,
            "Language": lang,
            "Plural-Forms": plural,
        }
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(target))


def _msgmerge() -> str:
    found = shutil.which("msgmerge")
    if not found:
        raise TranslationError(
            _(
                "GNU gettext's msgmerge is not installed, and catalogues are merged with it. "
                "Install gettext (Debian/Ubuntu: `apt-get install gettext`; `make test` does it "
                "as root), then run the command again."
            )
        )
    return found


def merge(template: Path, target: Path, lang: str) -> Path:
    """Bring one catalogue up to date with its template (msgmerge: fuzzy, previous, obsolete).

    Example:
        >>> merge(Path("a.pot"), Path("locale/ru/a.po"), "ru")  # doctest: +SKIP
    """
    if not target.exists():
        _new_catalogue(template, target, lang)
        return target
    load(target)  # a broken file is reported before msgmerge touches it
    result = subprocess.run(
        [_msgmerge(), "--quiet", "--previous", "--update", "--backup=none", "--width=100",
         f"--lang={lang}", str(target), str(template)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise TranslationError(
            _("msgmerge could not update {path}: {error}").format(
                path=target, error=result.stderr.strip()
            ),
            path=str(target),
        )
    return target


def update_language(root: Path, lang: str) -> list[Path]:
    """Merge every template into the ``lang`` catalogues (creating missing ones).

    Example:
        >>> update_language(Path("."), "ru")  # doctest: +SKIP
        [PosixPath('locale/ru/m00-getting-started/01-jupyter.po'), ...]
    """
    check_language(lang)
    root = Path(root)
    templates = sorted((root / TEMPLATES).rglob("*.pot"))
    if not templates:
        raise TranslationError(
            _("There are no templates in {folder}; run `osintlab i18n extract` first.").format(
                folder=root / TEMPLATES
            )
        )
    return [merge(t, catalogue_for(t, lang, root), lang) for t in templates]
