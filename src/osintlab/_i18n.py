"""The package's own messages in the trainee's language (GNU gettext, domain ``osintlab``).

The language comes from ``OSINTLAB_LANG``, else ``LANGUAGE``/``LC_ALL``/``LANG`` as gettext
reads them; compiled catalogues live in ``locale/<lang>/LC_MESSAGES/osintlab.mo`` inside the
package (or the folder named by ``OSINTLAB_LOCALEDIR``). A national cohort (kk, ky, tg, tk,
uz) reads a message its language has not finished in the reviewed Russian, marked ⟨RU⟩ (with
``OSINTLAB_SHOW_DRAFTS=1``, an unreviewed national draft first, marked ⟨draft⟩). A missing
catalogue falls back to English, never to an error.

Example:
    >>> from osintlab._i18n import _
    >>> _("the visible checks passed")
    'the visible checks passed'
"""

from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

DOMAIN = "osintlab"


_PACKAGE_LOCALES = str(Path(__file__).with_name("locale"))


def _localedir() -> str:
    return os.environ.get("OSINTLAB_LOCALEDIR") or _PACKAGE_LOCALES


#: The reviewed language a national cohort reads where its own is not finished: every officer
#: in these academies reads Russian (kk, ky, tg, tk, uz -> ru -> English).
FALLBACK = {"kk": "ru", "ky": "ru", "tg": "ru", "tk": "ru", "uz": "ru"}
#: Set (to 1) where a cohort reads the national drafts knowingly (``show_drafts: true``).
DRAFTS_ENV = "OSINTLAB_SHOW_DRAFTS"
DRAFTS_DOMAIN = "osintlab-drafts"  # the unreviewed (fuzzy) national drafts, compiled apart


class _Marked(gettext.NullTranslations):
    """A fallback catalogue whose sentences say where they come from (``⟨RU⟩``, ``⟨draft⟩``)."""

    def __init__(self, inner: gettext.NullTranslations, marker: str) -> None:
        super().__init__()
        self._inner = inner
        self._marker = marker

    def gettext(self, message: str) -> str:
        found = self._inner.gettext(message)
        if found != message:
            sentence = found.rstrip().endswith((".", "!", "?", ":", ")"))
            return f"{found} {self._marker}" if sentence else found
        return self._fallback.gettext(message) if self._fallback else message


@lru_cache(maxsize=16)
def _translation(lang: str | None, localedir: str, drafts: bool = False
                 ) -> gettext.NullTranslations:
    languages = [lang] if lang else None
    chain = gettext.translation(DOMAIN, localedir, languages=languages, fallback=True)
    if lang in FALLBACK:
        if drafts:
            draft = gettext.translation(DRAFTS_DOMAIN, localedir, languages=[lang],
                                        fallback=True)
            chain.add_fallback(_Marked(draft, "⟨draft⟩"))
        reviewed = gettext.translation(DOMAIN, localedir, languages=[FALLBACK[lang]],
                                       fallback=True)
        chain.add_fallback(_Marked(reviewed, "⟨RU⟩"))
    return chain


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is written; ``_()`` translates it later.

    Example:
        >>> N_("items")
        'items'
    """
    return message


def _(message: str) -> str:
    """Translate one package message into the trainee's language (English if none)."""
    lang = os.environ.get("OSINTLAB_LANG") or None
    drafts = bool(os.environ.get(DRAFTS_ENV))
    return _translation(lang, _localedir(), drafts).gettext(message)
