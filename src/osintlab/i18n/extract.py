"""Step 1: notebooks and the package's own messages become PO templates (``.pot``).

One template per notebook, ``locale/templates/<module>/<NN-name>.pot``, and one for the
package, ``locale/templates/osintlab.pot``. Every message says where it comes from (notebook,
cell id, position) and, where the context is not obvious, what kind of text it is. Code is
never a message: only Markdown text, code comments and the feedback strings of the check
helpers are.

Example:
    >>> from pathlib import Path
    >>> messages = notebook_messages(Path("notebooks/m00-getting-started/04-exercise.ipynb"))
    >>> messages[0].msgid, messages[0].occurrences
    ('Exercise: questions from the head of unit', [('04-exercise.ipynb#intro', '1')])
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import polib

from .._i18n import _
from .._layout import REPOSITORY
from ..exceptions import TranslationError
from ._segments import KIND_NOTES, Unit, split_code, split_markdown

__all__ = ["extract_all", "notebook_messages", "package_messages", "write_template"]

TEMPLATES = Path("locale") / "templates"
PACKAGE_TEMPLATE = "osintlab.pot"
#: Marks a message for extraction without translating it where it is written.
KEYWORDS = {"_": None, "N_": None}


def _header(project: str) -> polib.POFile:
    template = polib.POFile(wrapwidth=100)
    template.metadata = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000"),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    return template


def _add(catalog: dict[str, polib.POEntry], text: str, where: str, position: int, kind: str):
    entry = catalog.get(text)
    if entry is None:
        entry = catalog[text] = polib.POEntry(msgid=text, msgstr="", comment=KIND_NOTES[kind])
    entry.occurrences.append((where, str(position)))


def notebook_messages(path: Path) -> list[polib.POEntry]:
    """Every message of one notebook, in reading order, identical texts merged.

    Example:
        >>> len(notebook_messages(Path("notebooks/m00-getting-started/01-jupyter.ipynb"))) > 50
        True
    """
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several kinds for a broken file
        raise TranslationError(
            _("{path} is not a notebook Jupyter can open ({error}); fix it, then extract again.")
            .format(path=path, error=str(error).splitlines()[0] if str(error) else error),
            path=str(path),
        ) from error
    catalog: dict[str, polib.POEntry] = {}
    for number, cell in enumerate(notebook.cells, 1):
        where = f"{path.name}#{cell.get('id') or number}"
        if cell.cell_type == "markdown":
            units = [p for p in split_markdown(cell.source) if isinstance(p, Unit)]
            for position, unit in enumerate(units, 1):
                _add(catalog, unit.text, where, position, unit.kind)
        elif cell.cell_type == "code":
            for unit in split_code(cell.source):
                _add(catalog, unit.text, where, unit.line, unit.kind)
    for entry in catalog.values():
        if not entry.comment:
            entry.comment = None
    return list(catalog.values())


def package_messages(package: Path | None = None) -> list[polib.POEntry]:
    """The messages marked with ``_()`` or ``N_()`` in the package's source, via Babel.

    Example:
        >>> any(e.msgid == "Hint:" for e in package_messages())
        True
    """
    from babel.messages.extract import extract_from_dir

    folder = Path(package or Path(__file__).resolve().parents[1])
    catalog: dict[str, polib.POEntry] = {}
    found = extract_from_dir(
        str(folder),
        method_map=[("**.py", "python"), ("**/templates/**.j2", "jinja2.ext:babel_extract")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, line, message, comments, _context in sorted(found, key=lambda f: (f[0], f[1])):
        if not isinstance(message, str) or not message:
            continue
        entry = catalog.get(message)
        if entry is None:
            entry = catalog[message] = polib.POEntry(msgid=message, msgstr="")
            if re.search(r"\{[A-Za-z_]\w*(?:[!:][^{}]*)?\}", message):
                entry.flags.append("python-brace-format")
            if comments:
                entry.comment = " ".join(comments)
        entry.occurrences.append((f"osintlab/{filename}", str(line)))
    return list(catalog.values())


def write_template(entries: list[polib.POEntry], target: Path, project: str) -> Path:
    """Write ``entries`` as a PO template; the file changes only when its messages do.

    Example:
        >>> write_template([polib.POEntry(msgid="Hello")], Path("/tmp/x.pot"), "demo")
        PosixPath('/tmp/x.pot')
    """
    template = _header(project)
    template.extend(entries)
    if target.exists():  # keep the old date when nothing else changed: quiet diffs
        old = polib.pofile(str(target), wrapwidth=100)
        template.metadata["POT-Creation-Date"] = old.metadata.get(
            "POT-Creation-Date", template.metadata["POT-Creation-Date"]
        )
        if str(old) == str(template):
            return target
        template.metadata["POT-Creation-Date"] = _header(project).metadata["POT-Creation-Date"]
    target.parent.mkdir(parents=True, exist_ok=True)
    template.save(str(target))
    return target


def extract_all(root: Path = REPOSITORY) -> list[Path]:
    """Write the templates of every module's notebooks and of the package; return them.

    Example:
        >>> [p.name for p in extract_all(Path("."))][-1]  # doctest: +SKIP
        'osintlab.pot'
    """
    from ..curriculum import find_modules

    root = Path(root)
    written: list[Path] = []
    for module in find_modules(root):
        for entry in module.notebooks:
            path = root / "notebooks" / module.id / entry["file"]
            target = root / TEMPLATES / module.id / Path(entry["file"]).with_suffix(".pot")
            written.append(write_template(notebook_messages(path), target, module.id))
    package = root / "src" / "osintlab"
    if package.is_dir():
        target = root / TEMPLATES / PACKAGE_TEMPLATE
        written.append(write_template(package_messages(package), target, "osintlab"))
    return written
