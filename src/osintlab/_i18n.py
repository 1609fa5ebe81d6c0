"""The package's own messages in the trainee's language (GNU gettext, domain ``osintlab``).

The language comes from ``OSINTLAB_LANG``, else ``LANGUAGE``/``LC_ALL``/``LANG`` as gettext
reads them; compiled catalogues live in ``locale/<lang>/LC_MESSAGES/osintlab.mo`` inside the
package (or the folder named by ``OSINTLAB_LOCALEDIR``). A missing catalogue falls back to
English, never to an error.

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


def _localedir() -> str:
    return os.environ.get("OSINTLAB_LOCALEDIR", str(Path(__file__).with_name("locale")))


@lru_cache(maxsize=8)
def _translation(lang: str | None, localedir: str) -> gettext.NullTranslations:
    languages = [lang] if lang else None
    return gettext.translation(DOMAIN, localedir, languages=languages, fallback=True)


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is written; ``_()`` translates it later.

    Example:
        >>> N_("items")
        'items'
    """
    return message


def _(message: str) -> str:
    """Translate one package message into the trainee's language (English if none)."""
    return _translation(os.environ.get("OSINTLAB_LANG") or None, _localedir()).gettext(message)
