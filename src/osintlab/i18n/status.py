"""Step 3: how far each language is, per module: translated, fuzzy, untranslated, percent,
and what a trainee of that language actually reads: their own language (reviewed), Russian
(a national language's fallback, marked ⟨RU⟩) or English (marked ⟨EN⟩).

The package's own catalogue counts as the module ``osintlab``. Obsolete messages (text that
left the source) are kept in the files but not counted.

Example:
    >>> rows = language_status(Path("."))
    >>> rows[0].lang, rows[0].module  # doctest: +SKIP
    ('kk', 'm00-getting-started')
"""

from __future__ import annotations

import csv
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from .._i18n import FALLBACK
from .._layout import REPOSITORY
from .catalog import LANGUAGES, load

__all__ = ["Status", "language_status", "totals", "write_csv"]


@dataclass
class Status:
    """The counts of one language in one module (or ``*`` for the whole language)."""

    lang: str
    module: str
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    # what a trainee of this language reads: its own (reviewed) text, Russian, or English
    reads_own: int = 0
    reads_russian: int = 0
    reads_english: int = 0

    @property
    def total(self) -> int:
        """Every current message (obsolete ones left out).

        Example:
            >>> Status("ru", "m00", 3, 1, 0).total
            4
        """
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        """Translated messages in percent, one decimal; 0 when there are no messages.

        Example:
            >>> Status("ru", "m00", 3, 1, 0).percent
            75.0
        """
        return round(100 * self.translated / self.total, 1) if self.total else 0.0

    def add(self, other: Status) -> None:
        """Add another row's counts to this one."""
        for name in ("translated", "fuzzy", "untranslated", "reads_own", "reads_russian",
                     "reads_english"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _finished(entry) -> bool:
    return bool(entry.msgstr) and "fuzzy" not in entry.flags and not entry.obsolete


def _count(path: Path, lang: str, module: str, reviewed: Path | None = None) -> Status:
    """Counts of one catalogue; ``reviewed`` is the Russian one a national cohort falls back to."""
    catalogue = load(path)
    current = [e for e in catalogue if not e.obsolete]
    fuzzy = sum("fuzzy" in e.flags for e in current)
    translated = sum(_finished(e) for e in current)
    russian: set[str] = set()
    if reviewed is not None and reviewed.is_file():
        russian = {e.msgid for e in load(reviewed) if _finished(e)}
    by_russian = sum(not _finished(e) and e.msgid in russian for e in current)
    return Status(lang, module, translated, fuzzy, len(current) - fuzzy - translated,
                  translated, by_russian, len(current) - translated - by_russian)


def language_status(root: Path = REPOSITORY, languages: list[str] | None = None) -> list[Status]:
    """One row per language and module that has catalogues, sorted.

    Example:
        >>> [s.module for s in language_status(Path("."), ["ru"])][-1]  # doctest: +SKIP
        'osintlab'
    """
    rows: dict[tuple[str, str], Status] = {}
    for lang in languages or list(LANGUAGES):
        folder = Path(root) / "locale" / lang
        for path in sorted(folder.rglob("*.po")) if folder.is_dir() else []:
            relative = path.relative_to(folder)
            module = relative.parts[0] if len(relative.parts) > 1 else path.stem
            row = rows.setdefault((lang, module), Status(lang, module))
            fallback = FALLBACK.get(lang)
            reviewed = Path(root) / "locale" / fallback / relative if fallback else None
            row.add(_count(path, lang, module, reviewed))
    return [rows[key] for key in sorted(rows, key=lambda k: (k[0], k[1] == "osintlab", k[1]))]


def totals(rows: list[Status]) -> dict[str, Status]:
    """Each language's counts over all its modules.

    Example:
        >>> totals([Status("ru", "a", 1, 0, 1), Status("ru", "b", 2, 0, 0)])["ru"].percent
        75.0
    """
    found: dict[str, Status] = {}
    for row in rows:
        found.setdefault(row.lang, Status(row.lang, "*")).add(row)
    return found


def write_csv(rows: list[Status], target: Path) -> Path:
    """Write the rows as CSV (UTF-8, opens in a spreadsheet).

    Example:
        >>> write_csv([Status("ru", "m00", 1, 0, 0)], Path("/tmp/status.csv")).name
        'status.csv'
    """
    with Path(target).open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([f.name for f in fields(Status)] + ["total", "percent"])
        for row in rows:
            writer.writerow([*astuple(row), row.total, f"{row.percent:g}"])
    return Path(target)
