"""Translate the course: notebooks and the package's own messages, the gettext way.

English is the source. Authors and translators work in five steps, each a module (nbgrader's
way: small steps, one job each), each behind an ``osintlab i18n`` command:

1. ``extract``  notebooks and package -> ``locale/templates/**/*.pot``
2. ``catalog``  templates -> ``locale/<lang>/**/*.po`` (msgmerge: fuzzy, never lost)
3. ``status``   per language and module: translated, fuzzy, untranslated, percent
4. ``build``    localised notebooks (same ids, valid nbgrader cells) and the compiled
                package catalogue ``src/osintlab/locale/<lang>/LC_MESSAGES/osintlab.mo``
5. ``checks``   placeholders, links, code, URLs, LaTeX survive; glossary; ``msgfmt --check``

Order matters: extract before update (update merges the templates extract wrote), update
before build (build reads the catalogues update keeps in step with the source).

Example:
    >>> from pathlib import Path
    >>> from osintlab import i18n
    >>> i18n.extract_all(Path("."))               # doctest: +SKIP
    >>> i18n.update_language(Path("."), "ru")     # doctest: +SKIP
    >>> i18n.language_status(Path("."))[0].percent  # doctest: +SKIP
    100.0
"""

from __future__ import annotations

from .build import MARKER, build_language, build_notebook, compile_package, localise_folder
from .catalog import LANGUAGES, update_language
from .checks import check_all
from .extract import extract_all
from .status import language_status

__all__ = [
    "LANGUAGES",
    "MARKER",
    "build_language",
    "build_notebook",
    "check_all",
    "compile_package",
    "extract_all",
    "language_status",
    "localise_folder",
    "update_language",
]
