"""Every word a trainee sees is in their language: Russian complete, national cohorts in Russian.

For every notebook of every module (and every typical-mistake hand-in), the localised notebook
is built as a cohort receives it, and every visible string is read: Markdown text, code comments,
display text in code (what ``print`` shows, notes and questions a case records) and the check
messages. A Russian notebook must hold no text still marked English (⟨EN⟩) and no English
sentence; a Kazakh cohort without drafts must read Russian (⟨RU⟩) wherever Kazakh is not
reviewed, never English.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from osintlab.curriculum import find_modules
from osintlab.i18n._segments import Unit, split_code, split_markdown
from osintlab.i18n.build import MARKER, build_notebook, found_for

NOTEBOOKS = [(module.id, entry["file"]) for module in find_modules(ROOT)
             for entry in module.notebooks]
# Words that make a text an English sentence when three or more of them are in it. Names of
# people and places, code, addresses and file names never trip it.
_ENGLISH = {"the", "and", "of", "to", "is", "in", "for", "with", "this", "that", "you",
            "your", "are", "was", "not", "from", "by", "on", "it", "be", "as", "at", "or",
            "an", "if", "has", "have", "what", "which", "when", "then", "each", "every"}
_CODE = re.compile(r"`[^`]*`|https?://\S+|[\w.+-]+@[\w.-]+|\{[^}]*\}|\w+\.\w+|\w*_\w*")


def _visible(notebook: nbformat.NotebookNode) -> list[str]:
    texts: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            texts += [p.text for p in split_markdown(cell.source) if isinstance(p, Unit)]
        elif cell.cell_type == "code":
            texts += [unit.text for unit in split_code(cell.source)]
    return texts


def _english(text: str) -> bool:
    words = re.findall(r"[A-Za-z']+", _CODE.sub(" ", text))
    return sum(word.lower() in _ENGLISH for word in words) >= 3


def _built(module: str, file: str, lang: str) -> nbformat.NotebookNode:
    source = nbformat.read(ROOT / "notebooks" / module / file, as_version=4)
    return build_notebook(source, found_for(ROOT, lang, module, file, drafts=False))


@pytest.mark.parametrize(("module", "file"), NOTEBOOKS, ids=[f"{m}/{f}" for m, f in NOTEBOOKS])
def test_a_russian_trainee_reads_no_english(module: str, file: str):
    """Does the Russian notebook hold no untranslated text and no English sentence?"""
    texts = _visible(_built(module, file, "ru"))
    left = [t for t in texts if MARKER in t or _english(t)]
    assert not left, f"{module}/{file}: English a Russian trainee would read:\n" + "\n".join(
        f"  - {t[:120]}" for t in left[:15])


@pytest.mark.parametrize(("module", "file"), NOTEBOOKS, ids=[f"{m}/{f}" for m, f in NOTEBOOKS])
def test_a_kazakh_cohort_without_drafts_reads_russian_not_english(module: str, file: str):
    """Where Kazakh is not reviewed, is the text the Russian one (⟨RU⟩), never English?"""
    texts = _visible(_built(module, file, "kk"))
    left = [t for t in texts if MARKER in t]
    assert not left, f"{module}/{file}: English a Kazakh trainee would read:\n" + "\n".join(
        f"  - {t[:120]}" for t in left[:15])
    assert any("⟨RU⟩" in t for t in texts) or not texts


def test_the_english_detector_catches_a_sentence_and_spares_names_and_code():
    """Does the check flag an English sentence but not a name, a URL or code?"""
    assert _english("Open the page and read the seller's phone.")
    assert not _english("Откройте `case.capture(url)` для http://bazaar.example/seller/x.html")
    assert not _english("Даниyar Mukhametov, Almaty, CASE-2024-001")
    assert not _english("{name:14} январь: {january}")


def test_the_package_speaks_russian_for_the_check_messages(tmp_path: Path):
    """Is every check message in a Russian exercise Russian (its catalogue translated)?"""
    for module in find_modules(ROOT):
        built = _built(module.id, module.exercise, "ru")
        for cell in built.cells:
            if cell.cell_type != "code":
                continue
            for unit in split_code(cell.source):
                if unit.kind in ("feedback", "hint"):
                    assert MARKER not in unit.text and not _english(unit.text), (
                        f"{module.id}: check message still English: {unit.text[:100]}")
