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

import ast
import copy
import os
import shutil
from pathlib import Path

import nbformat
import polib

from .._i18n import DRAFTS_DOMAIN, DRAFTS_ENV, FALLBACK, _
from .._layout import REPOSITORY
from ..exceptions import TranslationError
from ._segments import render_code, render_markdown, split_code, split_markdown
from .catalog import check_language, load, translations

__all__ = [
    "MARKER",
    "build_language",
    "build_notebook",
    "code_shape",
    "compile_package",
    "localise_file",
    "localise_folder",
    "validate",
]

#: Ends every piece of text that is still English in a localised notebook.
MARKER = "⟨EN⟩"
#: Ends text a national cohort reads in Russian (its own translation is not finished yet).
RUSSIAN = "⟨RU⟩"
#: Ends a national draft a cohort reads knowingly (``show_drafts: true``): not yet reviewed.
DRAFT = "⟨draft⟩"
BUILD = Path("build") / "locale"


def _fallback(text: str, marker: str = MARKER) -> str:
    if text.rstrip().endswith("|"):  # a table row: the mark goes inside the last column
        head, _bar, tail = text.rstrip().rpartition("|")
        return f"{head.rstrip()} {marker} |{tail}"
    return f"{text} {marker}"


def found_for(root: Path, lang: str, module: str, notebook: str, *, drafts: bool = False
              ) -> dict[str, str]:
    """What a trainee of ``lang`` reads for each message of one notebook, marked by source.

    A finished translation as it is; for a national language (kk, ky, tg, tk, uz), a
    message not yet finished in it is the reviewed Russian, ending in ⟨RU⟩ (with ``drafts``,
    an unreviewed national draft first, ending in ⟨draft⟩); what is left stays English, with
    ⟨EN⟩ (added by ``build_notebook``).

    Example:
        >>> found = found_for(Path("."), "kk", "m00-getting-started", "01-jupyter.ipynb")
        >>> next(iter(found.values())).endswith(("⟨RU⟩", "⟨draft⟩")) or True
        True
    """
    own = catalogue_path(root, lang, module, notebook)
    found: dict[str, str] = {}
    if lang in FALLBACK:
        reviewed = translations(catalogue_path(root, FALLBACK[lang], module, notebook))
        found.update({k: _fallback(v, RUSSIAN) for k, v in reviewed.items()})
        if drafts:
            found.update({k: _fallback(v, DRAFT)
                          for k, v in translations(own, drafts=True).items()})
    found.update(translations(own))
    return found


def _drafts(drafts: bool | None) -> bool:
    return bool(os.environ.get(DRAFTS_ENV)) if drafts is None else drafts


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


class _TextBlanked(ast.NodeTransformer):
    """Every text literal and f-string made empty: what is left is the code itself."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.Constant("") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        # the {expressions} must stay, in any order (a translation may reorder them)
        kept = sorted(ast.dump(v) for v in node.values if isinstance(v, ast.FormattedValue))
        return ast.Constant("f:" + "|".join(kept))


def code_shape(source: str) -> str | None:
    """The cell's syntax tree with text and comments left out (``None`` if it is not Python).

    Two cells with the same shape run the same code; only what they say differs.

    Example:
        >>> code_shape('print("Hello")  # greet') == code_shape('print("Привет")')
        True
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None  # IPython magics: the masked comparison in ``validate`` still holds
    return ast.dump(_TextBlanked().visit(tree))


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
        if old.cell_type == "code" and (
            _masked(old.source, "code") != _masked(new.source, "code")
            or code_shape(old.source) != code_shape(new.source)
        ):
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
                  root: Path = REPOSITORY, *, drafts: bool | None = None) -> Path:
    """Write ``source`` (a notebook of ``module``) in ``lang`` to ``target``.

    Example:
        >>> localise_file(Path("notebooks/m00-getting-started/01-jupyter.ipynb"),
        ...               Path("/tmp/01.ipynb"), "ru", "m00-getting-started").name
        '01.ipynb'
    """
    check_language(lang)
    found = found_for(root, lang, module, Path(source).name, drafts=_drafts(drafts))
    return _build_file(Path(source), Path(target), found)


def localise_folder(folder: Path, lang: str, module: str, root: Path = REPOSITORY, *,
                    drafts: bool | None = None) -> list[Path]:
    """Translate, in place, every notebook of ``module`` in ``folder`` (a course's source).

    Example:
        >>> localise_folder(Path("course/source/m00-getting-started"), "ru",
        ...                 "m00-getting-started")  # doctest: +SKIP
    """
    check_language(lang)
    return [
        _build_file(path, path, found_for(root, lang, module, path.name, drafts=_drafts(drafts)))
        for path in sorted(Path(folder).glob("*.ipynb"))
    ]


def localise_mistake(root: Path, lang: str, module: str, exercise: str, target: Path, *,
                     drafts: bool | None = None) -> Path:
    """The typical-mistake hand-in of ``module`` in ``lang`` (translated like the exercise).

    Example:
        >>> localise_mistake(Path("."), "ru", "m00-getting-started", "04-exercise.ipynb",
        ...                  Path("/tmp/m00.ipynb"))  # doctest: +SKIP
    """
    source = Path(root) / "grading" / "mistakes" / f"{module}.ipynb"
    return _build_file(source, target,
                       found_for(root, lang, module, exercise, drafts=_drafts(drafts)))


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
    drafts = [e for e in catalogue.fuzzy_entries() if e.msgstr and not e.obsolete]
    draft_file = target.with_name(f"{DRAFTS_DOMAIN}.mo")
    if lang in FALLBACK and drafts:  # national drafts, read only where a cohort asks for them
        unreviewed = polib.POFile(wrapwidth=100)
        unreviewed.metadata = catalogue.metadata
        for entry in drafts:
            unreviewed.append(polib.POEntry(msgid=entry.msgid, msgstr=entry.msgstr))
        unreviewed.save_as_mofile(str(scratch))
        os.replace(scratch, draft_file)
    elif draft_file.exists():
        draft_file.unlink()
    return target


def build_language(root: Path, lang: str, out: Path | None = None, *,
                   drafts: bool | None = None) -> list[Path]:
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
            found = found_for(root, lang, module.id, entry["file"], drafts=_drafts(drafts))
            written.append(_build_file(path, target / entry["file"], found))
        if (root / "grading" / "mistakes" / f"{module.id}.ipynb").is_file() and module.exercise:
            mistake = out / "grading" / "mistakes" / f"{module.id}.ipynb"
            written.append(localise_mistake(root, lang, module.id, module.exercise, mistake,
                                            drafts=drafts))
    compiled = compile_package(root, lang)
    return [*written, *([compiled] if compiled else [])]
