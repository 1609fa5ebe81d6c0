"""Step 4: localised notebooks, and the package's compiled catalogue.

``build_notebook`` puts each message's translation back where the message came from: Markdown
keeps its structure, code keeps every character except comment text and the feedback strings
of the check helpers. Cell ids, cell types, nbgrader metadata and the solution and hidden-test
markers stay exactly as in the source, so nbgrader releases and grades a localised exercise
exactly like the English one (``validate`` proves it for each notebook built). Text without a
finished translation stays English and ends in ``⟨EN⟩``, so trainee and trainer both see it.

Example:
    >>> import nbformat
    >>> notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Setup")])
    >>> build_notebook(notebook, {"Setup": "Подготовка"}).cells[0].source
    '## Подготовка'
    >>> build_notebook(notebook, {}).cells[0].source
    '## Setup ⟨EN⟩'
"""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

import nbformat
import polib

from .._i18n import _
from .._layout import REPOSITORY
from ..exceptions import TranslationError
from ._segments import render_code, render_markdown, split_code, split_markdown
from .catalog import check_language, load, translations

__all__ = [
    "MARKER",
    "build_language",
    "build_notebook",
    "compile_package",
    "localise_file",
    "localise_folder",
    "validate",
]

#: Ends every piece of text that is still English in a localised notebook.
MARKER = "⟨EN⟩"
BUILD = Path("build") / "locale"


def _fallback(text: str) -> str:
    if text.rstrip().endswith("|"):  # a table row: the mark goes inside the last column
        head, _bar, tail = text.rstrip().rpartition("|")
        return f"{head.rstrip()} {MARKER} |{tail}"
    return f"{text} {MARKER}"


def build_notebook(
    notebook: nbformat.NotebookNode, found: dict[str, str], mark: bool = True
) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with every message translated (or marked as still English).

    Example:
        >>> cell = nbformat.v4.new_code_cell("# Load it\\nx = 1")
        >>> build_notebook(nbformat.v4.new_notebook(cells=[cell]), {"Load it": "Загрузка"}
        ...                ).cells[0].source
        '# Загрузка\\nx = 1'
    """

    def translate(unit) -> str:
        if unit.text in found:
            return found[unit.text]
        return _fallback(unit.text) if mark else unit.text

    result = copy.deepcopy(notebook)
    for cell in result.cells:
        if cell.cell_type == "markdown":
            cell.source = render_markdown(split_markdown(cell.source), translate)
        elif cell.cell_type == "code":
            cell.source = render_code(cell.source, split_code(cell.source), translate)
    return result


def _masked(source: str, kind: str) -> str:
    if kind == "code":
        return render_code(source, split_code(source), lambda unit: "")
    return render_markdown(split_markdown(source), lambda unit: "")  # for a Markdown cell


def validate(source: nbformat.NotebookNode, built: nbformat.NotebookNode) -> list[str]:
    """What a localised notebook changed beyond its text; ``[]`` when it is sound.

    Checks the notebook format, then that cells, ids, kinds, nbgrader metadata and all code
    (comments and messages aside) are those of the source.

    Example:
        >>> notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
        >>> validate(notebook, build_notebook(notebook, {}))
        []
    """
    problems: list[str] = []
    try:
        nbformat.validate(built)
    except nbformat.ValidationError as error:
        problems.append(_("not a valid notebook: {error}").format(error=error.message))
    if len(source.cells) != len(built.cells):
        return [*problems, _("the number of cells changed")]
    for number, (old, new) in enumerate(zip(source.cells, built.cells, strict=True), 1):
        where = f"cell {number} '{old.get('id')}'"
        if old.get("id") != new.get("id") or old.cell_type != new.cell_type:
            problems.append(_("{where}: its id or kind changed").format(where=where))
        if old.metadata.get("nbgrader") != new.metadata.get("nbgrader"):
            problems.append(_("{where}: its nbgrader metadata changed").format(where=where))
        # code must stay code; Markdown may change shape (a translation can join lines)
        if old.cell_type == "code" and _masked(old.source, "code") != _masked(new.source, "code"):
            problems.append(
                _("{where}: more than its text changed (code or structure)").format(where=where)
            )
    return problems


def catalogue_path(root: Path, lang: str, module: str, notebook: str) -> Path:
    """The catalogue that translates one notebook.

    Example:
        >>> catalogue_path(Path("."), "ru", "m00-getting-started", "04-exercise.ipynb")
        PosixPath('locale/ru/m00-getting-started/04-exercise.po')
    """
    return Path(root) / "locale" / lang / module / Path(notebook).with_suffix(".po")


def _build_file(source: Path, target: Path, found: dict[str, str]) -> Path:
    notebook = nbformat.read(source, as_version=4)
    built = build_notebook(notebook, found)
    problems = validate(notebook, built)
    if problems:
        raise TranslationError(
            _(
                "The localised {name} would not grade like the source, so it was not written:"
                "\n  {problems}\nFix the translation named in the problem (keep code and "
                "markers as they are)."
            ).format(name=source.name, problems="\n  ".join(problems)),
            path=str(source),
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(built, target)
    return target


def localise_file(source: Path, target: Path, lang: str, module: str,
                  root: Path = REPOSITORY) -> Path:
    """Write ``source`` (a notebook of ``module``) in ``lang`` to ``target``.

    Example:
        >>> localise_file(Path("notebooks/m00-getting-started/01-jupyter.ipynb"),
        ...               Path("/tmp/01.ipynb"), "ru", "m00-getting-started").name
        '01.ipynb'
    """
    check_language(lang)
    found = translations(catalogue_path(root, lang, module, Path(source).name))
    return _build_file(Path(source), Path(target), found)


def localise_folder(folder: Path, lang: str, module: str, root: Path = REPOSITORY) -> list[Path]:
    """Translate, in place, every notebook of ``module`` in ``folder`` (a course's source).

    Example:
        >>> localise_folder(Path("course/source/m00-getting-started"), "ru",
        ...                 "m00-getting-started")  # doctest: +SKIP
    """
    check_language(lang)
    return [
        _build_file(path, path, translations(catalogue_path(root, lang, module, path.name)))
        for path in sorted(Path(folder).glob("*.ipynb"))
    ]


def localise_mistake(root: Path, lang: str, module: str, exercise: str, target: Path) -> Path:
    """The typical-mistake hand-in of ``module`` in ``lang`` (translated like the exercise).

    Example:
        >>> localise_mistake(Path("."), "ru", "m00-getting-started", "04-exercise.ipynb",
        ...                  Path("/tmp/m00.ipynb"))  # doctest: +SKIP
    """
    source = Path(root) / "grading" / "mistakes" / f"{module}.ipynb"
    return _build_file(source, target, translations(catalogue_path(root, lang, module, exercise)))


def compile_package(root: Path, lang: str) -> Path | None:
    """Compile ``locale/<lang>/osintlab.po`` into the package (``None`` if there is none).

    Only finished translations go in (fuzzy ones stay English), as msgfmt does.

    Example:
        >>> compile_package(Path("."), "ru")  # doctest: +SKIP
        PosixPath('src/osintlab/locale/ru/LC_MESSAGES/osintlab.mo')
    """
    source = Path(root) / "locale" / lang / "osintlab.po"
    if not source.is_file():
        return None
    target = Path(root) / "src" / "osintlab" / "locale" / lang / "LC_MESSAGES" / "osintlab.mo"
    target.parent.mkdir(parents=True, exist_ok=True)
    catalogue = load(source)
    finished = polib.POFile(wrapwidth=100)
    finished.metadata = catalogue.metadata
    finished.extend(e for e in catalogue.translated_entries() if not e.obsolete)
    scratch = target.with_suffix(".tmp")
    finished.save_as_mofile(str(scratch))
    os.replace(scratch, target)
    return target


def build_language(root: Path, lang: str, out: Path | None = None) -> list[Path]:
    """Localised notebooks of every module (and mistake hand-ins), plus the package catalogue.

    Writes ``<out>/notebooks/<module>/*.ipynb`` and ``<out>/grading/mistakes/<module>.ipynb``
    (``out`` defaults to ``build/locale/<lang>``) and compiles the package's messages.

    Example:
        >>> build_language(Path("."), "ru")  # doctest: +SKIP
        [PosixPath('build/locale/ru/notebooks/m00-getting-started/01-jupyter.ipynb'), ...]
    """
    from ..curriculum import find_modules

    check_language(lang)
    root = Path(root)
    out = Path(out) if out else root / BUILD / lang
    written: list[Path] = []
    for module in find_modules(root):
        target = out / "notebooks" / module.id
        if target.exists():
            shutil.rmtree(target)
        for entry in module.notebooks:
            path = root / "notebooks" / module.id / entry["file"]
            found = translations(catalogue_path(root, lang, module.id, entry["file"]))
            written.append(_build_file(path, target / entry["file"], found))
        if (root / "grading" / "mistakes" / f"{module.id}.ipynb").is_file() and module.exercise:
            mistake = out / "grading" / "mistakes" / f"{module.id}.ipynb"
            written.append(localise_mistake(root, lang, module.id, module.exercise, mistake))
    compiled = compile_package(root, lang)
    return [*written, *([compiled] if compiled else [])]
