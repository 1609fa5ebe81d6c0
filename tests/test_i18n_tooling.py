"""The translation tooling: extract, update, status, build and the checks, on real files.

Catalogues are merged by real GNU msgmerge and checked by real msgfmt; notebooks are the real
m00 notebooks, or small fixture notebooks named after what they test.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import polib
import pytest
from click.testing import CliRunner
from conftest import ROOT

from osintlab.cli import main
from osintlab.exceptions import TranslationError
from osintlab.i18n import build_notebook, extract_all, update_language
from osintlab.i18n.build import MARKER, localise_file, validate
from osintlab.i18n.catalog import translations
from osintlab.i18n.checks import check_all, glossary_problems, msgfmt_problems, token_problems
from osintlab.i18n.extract import notebook_messages
from osintlab.lab import interface_settings

M00 = ROOT / "notebooks" / "m00-getting-started"
MODULE_YML = (ROOT / "modules" / "m00-getting-started" / "module.yml").read_text("utf-8")


def _code_lines(notebook: nbformat.NotebookNode) -> set[str]:
    lines = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            lines |= {x.strip() for x in cell.source.splitlines() if x.strip()}
    return {x for x in lines if not x.startswith("#")}


@pytest.mark.parametrize("path", sorted(M00.glob("*.ipynb")), ids=lambda p: p.name)
def test_extract_never_makes_code_a_message_and_says_where_each_came_from(path):
    """Is every message prose (never a line of code), placed by notebook, cell id and position?"""
    notebook = nbformat.read(path, as_version=4)
    ids = {cell.id for cell in notebook.cells}
    code = _code_lines(notebook)
    entries = notebook_messages(path)
    assert len(entries) > 30
    for entry in entries:
        assert entry.msgid.strip() not in code, entry.msgid
        assert "### BEGIN" not in entry.msgid and "import " not in entry.msgid.split("\n")[0]
        for where, position in entry.occurrences:
            name, _hash, cell = where.partition("#")
            assert name == path.name and cell in ids and int(position) >= 1


def test_extract_takes_comments_check_feedback_and_hints_from_code():
    """Do the code-cell comments and the check helpers' messages reach the translator?"""
    entries = {e.msgid: e for e in notebook_messages(M00 / "04-exercise.ipynb")}
    assert "Load pandas, the course's data finder, and the case register" in entries
    hint = "Sort by `loss_kzt` with ascending=False, so the largest loss comes first."
    assert "hint" in entries[hint].comment.lower()
    feedback = "Each username in `usernames` should be text in quotes."
    assert "feedback" in entries[feedback].comment.lower()
    assert "usernames" not in entries  # the name= argument is a variable name, not text


def _small_repo(tmp_path: Path, paragraphs: list[str]) -> Path:
    """A repository with one module whose one lesson has the given paragraphs."""
    root = tmp_path / "repo"
    (root / "modules" / "m00-getting-started").mkdir(parents=True)
    (root / "modules" / "m00-getting-started" / "module.yml").write_text(MODULE_YML, "utf-8")
    folder = root / "notebooks" / "m00-getting-started"
    folder.mkdir(parents=True)
    cells = [nbformat.v4.new_markdown_cell(p, id=f"c{i}") for i, p in enumerate(paragraphs)]
    for entry in ("01-jupyter", "02-python-basics", "03-tables-with-pandas", "04-exercise"):
        nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / f"{entry}.ipynb")
    return root


def test_update_keeps_translations_fuzzies_changes_and_obsoletes_removals(tmp_path):
    """When the English changes, is every translation kept (as is, as fuzzy, or obsolete)?"""
    root = _small_repo(tmp_path, ["Save the notebook.", "Ask your neighbour.", "Raise your hand."])
    extract_all(root)
    (po_path,) = [p for p in update_language(root, "ru") if p.name == "01-jupyter.po"]
    catalogue = polib.pofile(str(po_path))
    russian = {
        "Save the notebook.": "Сохраните блокнот.",
        "Ask your neighbour.": "Спросите соседа.",
        "Raise your hand.": "Поднимите руку.",
    }
    for entry in catalogue:
        entry.msgstr = russian[entry.msgid]
    catalogue.save()
    notebook = root / "notebooks" / "m00-getting-started" / "01-jupyter.ipynb"
    changed = ["Save the notebook.", "Ask your neighbour first."]  # changed one, removed one
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell(p, id=f"c{i}") for i, p in enumerate(changed)]
        ),
        notebook,
    )
    extract_all(root)
    update_language(root, "ru")
    after = {e.msgid: e for e in polib.pofile(str(po_path))}
    assert after["Save the notebook."].msgstr == "Сохраните блокнот."
    assert "fuzzy" not in after["Save the notebook."].flags
    fuzzy = after["Ask your neighbour first."]
    assert "fuzzy" in fuzzy.flags and fuzzy.msgstr == "Спросите соседа."
    assert fuzzy.previous_msgid == "Ask your neighbour."
    gone = after["Raise your hand."]
    assert gone.obsolete and gone.msgstr == "Поднимите руку."
    # nothing a translator wrote is lost
    assert set(russian.values()) <= {e.msgstr for e in after.values()}
    assert "Ask your neighbour first." not in translations(po_path)  # fuzzy is not finished


def test_update_creates_catalogues_for_a_national_language(tmp_path):
    """Can a translator start Kazakh: does update create every kk catalogue, all untranslated?"""
    root = _small_repo(tmp_path, ["Save the notebook."])
    extract_all(root)
    written = update_language(root, "kk")
    assert {p.name for p in written} >= {"01-jupyter.po", "04-exercise.po"}
    catalogue = polib.pofile(str(written[0]))
    assert catalogue.metadata["Language"] == "kk" and catalogue.percent_translated() == 0
    assert msgfmt_problems(written[0]) == []


def test_an_unknown_language_gets_a_teaching_error(tmp_path):
    """Does a typo in the language name say which languages exist?"""
    with pytest.raises(TranslationError, match="There is no course language 'rus'.*ru, kk"):
        update_language(_small_repo(tmp_path, ["x"]), "rus")


def test_status_counts_and_require_exit_codes(tmp_path):
    """Does status count translated/fuzzy/untranslated, write CSV, and fail --require?"""
    root = _small_repo(tmp_path, ["One.", "Two.", "Three.", "Four."])
    extract_all(root)
    update_language(root, "ru")
    path = root / "locale" / "ru" / "m00-getting-started" / "01-jupyter.po"
    catalogue = polib.pofile(str(path))
    catalogue[0].msgstr, catalogue[1].msgstr = "Один.", "Два."
    catalogue[1].flags.append("fuzzy")
    catalogue.save()
    runner = CliRunner()
    table = root / "status.csv"
    result = runner.invoke(main, ["i18n", "status", "--root", str(root), "--csv", str(table)])
    assert result.exit_code == 0, result.output
    rows = {r["module"]: r for r in csv.DictReader(table.open(encoding="utf-8"))}
    module = rows["m00-getting-started"]
    # four notebooks share the same four messages: 1 translated, 1 fuzzy, 14 untranslated
    assert (module["translated"], module["fuzzy"], module["untranslated"]) == ("1", "1", "14")
    assert module["percent"] == "6.2"
    failed = runner.invoke(main, ["i18n", "status", "--root", str(root), "--require", "ru=100"])
    assert failed.exit_code == 1 and "ru is 6.2% translated; 100% is required" in failed.output
    passed = runner.invoke(main, ["i18n", "status", "--root", str(root), "--require", "ru=5"])
    assert passed.exit_code == 0
    bad = runner.invoke(main, ["i18n", "status", "--root", str(root), "--require", "ru"])
    assert bad.exit_code == 2 and "write it like ru=100" in bad.output


def test_committed_russian_is_complete_for_every_module_and_the_package():
    """Is every module and the package's own catalogue 100 % Russian, nothing fuzzy?"""
    from osintlab.i18n.status import language_status

    rows = {r.module: r for r in language_status(ROOT, ["ru"])}
    modules = sorted(p.name for p in (ROOT / "modules").iterdir() if (p / "module.yml").exists())
    assert set(modules) | {"osintlab"} <= set(rows), "a module has no Russian catalogue yet"
    incomplete = {name: (r.percent, r.fuzzy, r.untranslated) for name, r in rows.items()
                  if (r.percent, r.fuzzy, r.untranslated) != (100.0, 0, 0)}
    assert incomplete == {}


def _template_ids(path: Path) -> set[str]:
    return {e.msgid for e in polib.pofile(str(path)) if not e.obsolete}


@pytest.mark.parametrize(
    "notebook", sorted((ROOT / "notebooks").glob("*/*.ipynb")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_committed_templates_match_the_notebooks(notebook):
    """Does each template hold exactly the notebook's current text (else run `osintlab i18n extract`)?"""
    template = ROOT / "locale" / "templates" / notebook.parent.name / f"{notebook.stem}.pot"
    assert template.exists(), f"no template for {notebook.name}: run `osintlab i18n extract`"
    current = {e.msgid for e in notebook_messages(notebook)}
    assert _template_ids(template) == current, "stale template: run `osintlab i18n extract`"


def test_package_template_matches_the_package_source():
    """Does osintlab.pot hold exactly the package's marked messages (else re-extract)?"""
    from osintlab.i18n.extract import package_messages

    current = {e.msgid for e in package_messages()}
    assert _template_ids(ROOT / "locale" / "templates" / "osintlab.pot") == current


@pytest.mark.parametrize("path", sorted(M00.glob("*.ipynb")), ids=lambda p: p.name)
def test_build_keeps_ids_nbgrader_metadata_and_code(path, tmp_path):
    """Is the Russian notebook the same notebook (ids, nbgrader cells, code), text aside?"""
    built = localise_file(path, tmp_path / path.name, "ru", "m00-getting-started", ROOT)
    source, russian = nbformat.read(path, as_version=4), nbformat.read(built, as_version=4)
    assert validate(source, russian) == []
    assert [c.id for c in source.cells] == [c.id for c in russian.cells]
    assert [c.metadata.get("nbgrader") for c in source.cells] == [
        c.metadata.get("nbgrader") for c in russian.cells
    ]
    text = "\n".join(c.source for c in russian.cells)
    assert MARKER not in text  # Russian is complete
    assert "Вопросы" in text or "Упражнение" in text


def test_build_marks_untranslated_text_and_validate_catches_changed_code():
    """Is English left over visibly marked, and is a build that alters code refused?"""
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("## Setup\n\n| a | b |\n|---|---|\n| c | d |", id="m"),
            nbformat.v4.new_code_cell("# Load it\nx = 1", id="k"),
        ]
    )
    built = build_notebook(notebook, {"Setup": "Подготовка"})
    assert built.cells[0].source == f"## Подготовка\n\n| a | b {MARKER} |\n|---|---|\n| c | d {MARKER} |"
    assert built.cells[1].source == f"# Load it {MARKER}\nx = 1"
    assert validate(notebook, built) == []
    built.cells[1].source = "# Загрузка\nx = 2"
    assert any("more than its text changed" in p for p in validate(notebook, built))


def _entry(msgid: str, msgstr: str) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr)


@pytest.mark.parametrize(
    ("msgid", "broken", "kind"),
    [
        ("{count} cases", "дел: {число}", "placeholder {count}"),
        ("%s cases", "дела", "placeholder %s"),
        ("See [the law](law.md).", "См. [закон](zakon.md).", "link target"),
        ("Run `len(x)`.", "Выполните `длина(x)`.", "inline code `len(x)`"),
        ("Read https://court.example/a now", "Читайте https://court.example/b", "URL"),
        ("The sum $a+b$ is", "Сумма a+b равна", "LaTeX $a+b$"),
        ("<details><summary>Solution</summary>", "Решение", "HTML tag <details>"),
        ("| a | b |", "| а б |", "table row has 3 '|'"),
    ],
)
def test_token_check_flags_each_kind_of_breakage(msgid, broken, kind):
    """Does the check name what a translation dropped or altered, kind by kind?"""
    problems = token_problems(_entry(msgid, broken), "fixture.po")
    assert problems and any(kind in p for p in problems), problems
    good = {"{count} cases": "дел: {count}", "%s cases": "%s дел"}.get(msgid)
    if good:
        assert token_problems(_entry(msgid, good), "fixture.po") == []


def test_glossary_check_flags_english_term_without_its_russian(tmp_path):
    """Does a Russian message that says 'обучаемый' for 'trainee' get flagged, not 'слушатель'?"""
    glossary = [{"en": "trainee", "ru": "слушатель"},
                {"en": "electronic evidence", "ru": "электронные доказательства"}]
    catalogue = polib.POFile()
    catalogue.append(_entry("Ask the trainee.", "Спросите обучаемого."))
    catalogue.append(_entry("Ask the trainees.", "Спросите слушателей."))
    catalogue.append(_entry("Keep electronic evidence safe.", "Храните электронные доказательства."))
    catalogue.append(_entry("Electronic evidence is fragile.", "Цифровые улики хрупки."))
    path = tmp_path / "fixture.po"
    catalogue.save(str(path))
    problems = glossary_problems(path, glossary)
    assert len(problems) == 2
    assert "'trainee' should be translated as 'слушатель'" in problems[0]
    assert "'electronic evidence'" in problems[1]


def test_glossary_notes_can_accept_an_alternative_wording(tmp_path):
    """Does 'ru also:' in the notes let a fitting alternative pass, and nothing else?"""
    glossary = [{"en": "collection", "ru": "сбор информации",
                 "notes": "ru also: собранные материалы; сбор. Keep it plain."}]
    catalogue = polib.POFile()
    catalogue.append(_entry("Hash the collection.", "Вычислите хеш собранных материалов."))
    catalogue.append(_entry("Plan the collection.", "Спланируйте добычу."))
    path = tmp_path / "fixture.po"
    catalogue.save(str(path))
    problems = glossary_problems(path, glossary)
    assert len(problems) == 1 and "добычу" in problems[0]


def test_check_skips_the_glossary_only_when_the_file_is_missing(tmp_path):
    """Without locale/glossary.csv, does the check say so clearly and still run the rest?"""
    root = _small_repo(tmp_path, ["Run `len(x)`."])
    extract_all(root)
    update_language(root, "ru")
    path = root / "locale" / "ru" / "m00-getting-started" / "01-jupyter.po"
    catalogue = polib.pofile(str(path))
    catalogue[0].msgstr = "Выполните len(x)."
    catalogue.save()
    report = check_all(root)
    assert any("glossary check was skipped" in s and "glossary.csv" in s for s in report.skipped)
    assert any("inline code `len(x)`" in p for p in report.problems)
    (root / "locale" / "glossary.csv").write_text("term,russian\nx,y\n", "utf-8")
    with pytest.raises(TranslationError, match="has no column en, ru"):
        check_all(root)


def test_i18n_check_passes_on_the_committed_catalogues():
    """Do all committed catalogues pass every translation check (msgfmt included)?"""
    result = CliRunner().invoke(main, ["i18n", "check", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "path", sorted((ROOT / "locale").glob("*/**/*.po")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_committed_catalogue_passes_msgfmt_check(path):
    """Does GNU gettext accept each catalogue (`msgfmt --check`)?"""
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_compiled_catalogue_matches_its_po():
    """Is the package's compiled Russian catalogue up to date with locale/ru/osintlab.po?"""
    compiled = ROOT / "src" / "osintlab" / "locale" / "ru" / "LC_MESSAGES" / "osintlab.mo"
    assert compiled.is_file(), "run `osintlab i18n build ru`"
    inside = {e.msgid: e.msgstr for e in polib.mofile(str(compiled)) if e.msgid}
    assert inside == translations(ROOT / "locale" / "ru" / "osintlab.po"), (
        "stale: run `osintlab i18n build ru` and commit the .mo"
    )


def _package_says(lang: str, code: str) -> list[str]:
    """What ``code`` prints in a fresh Python whose trainee reads ``lang``."""
    env = {**os.environ, "OSINTLAB_LANG": lang}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True).stdout.splitlines()


def test_package_speaks_russian_with_osintlab_lang():
    """With OSINTLAB_LANG=ru, are a failed check and a missing dataset explained in Russian?"""
    code = (
        "from osintlab import check, datasets\n"
        "try:\n    check.length(['a'], 3, name='suspects')\n"
        "except AssertionError as e:\n    print(e)\n"
        "try:\n    datasets.path('no-such-data')\n"
        "except FileNotFoundError as e:\n    print(e)\n"
    )
    out = _package_says("ru", code)
    assert out[0] == "`suspects`: элементов — 1, а должно быть 3."
    assert out[1].startswith("Набора данных 'no-such-data' нет. Здесь есть наборы:")


def test_lab_switches_the_interface_to_the_russian_pack(tmp_path):
    """Does `osintlab lab --lang` write the setting that turns on JupyterLab's Russian pack?"""
    import json

    for lang in ("ru", "kk"):  # national languages fall back to the Russian interface
        folder = interface_settings(tmp_path / lang, lang)
        plugin = folder / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
        assert json.loads(plugin.read_text("utf-8")) == {"locale": "ru_RU"}
    import jupyterlab_language_pack_ru_RU  # noqa: F401  (the pack the setting names)


def test_cli_build_writes_russian_notebooks(tmp_path):
    """Does `osintlab i18n build ru --out` write every module's notebooks and mistake hand-in?"""
    result = CliRunner().invoke(
        main, ["i18n", "build", "ru", "--root", str(ROOT), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "notebooks" / "m00-getting-started" / "04-exercise.ipynb").is_file()
    mistake = tmp_path / "grading" / "mistakes" / "m00-getting-started.ipynb"
    assert "Задание 1" in mistake.read_text("utf-8")
    shutil.rmtree(tmp_path)


def test_a_check_message_built_at_run_time_is_refused_and_a_fixed_one_passes(tmp_path):
    """Does `osintlab i18n check` refuse an f-string, % or .format check message (it can
    never match its translation), and accept a fixed text with {placeholders}?"""
    from nbformat.v4 import new_code_cell, new_notebook

    from osintlab.i18n.checks import built_message_problems

    cells = [
        new_code_cell('check.that(ok, f"`x` is {x!r}", name="x")'),
        new_code_cell('check.that(ok, "`x` is %r" % x, name="x")'),
        new_code_cell('check.equal(x, 3, name="x", hint="Count {n}".format(n=3))'),
        new_code_cell('check.that(ok, "`x` is {found!r}", name="x", found=x)'),
    ]
    path = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    problems = built_message_problems(path, "n.ipynb")
    assert [p.split("'")[1] for p in problems] == [c.id for c in cells[:3]]


# ---- display text in code, and what a national cohort reads --------------------------------


def test_display_text_in_code_is_a_message_and_code_text_is_not():
    """Are print texts, f-strings, notes and questions extracted, and keys, URLs, names not?"""
    from osintlab.i18n._segments import split_code

    source = (
        'print("Case CASE-2024-001 was opened in Tashkent")\n'
        'print(f"{name:14} opened on {day}")\n'
        'case.transfer("E0002", to="Expert", questions=["Was the photo edited?"],\n'
        '              note="handed over in person")\n'
        'web.get("http://bazaar.example/seller/dala_trade.html")\n'
        'cases[cases["city"] == "Almaty"]\n'
    )
    shown = {unit.text: unit for unit in split_code(source)}
    assert set(shown) == {"Case CASE-2024-001 was opened in Tashkent",
                          "{name:14} opened on {day}", "Was the photo edited?",
                          "handed over in person"}
    assert shown["{name:14} opened on {day}"].prefix == "f"


def test_a_translated_display_text_keeps_the_code_and_a_changed_expression_is_refused():
    """Does a Russian f-string run the same code, and is a renamed {expression} caught?"""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'day = "2024-01-05"\nprint(f"Opened on {day}")', id="k")])
    built = build_notebook(notebook, {"Opened on {day}": "{day}: дело заведено"})
    assert built.cells[0].source == 'day = "2024-01-05"\nprint(f"{day}: дело заведено")'
    assert validate(notebook, built) == []
    namespace: dict = {}
    exec(built.cells[0].source, namespace)
    renamed = build_notebook(notebook, {"Opened on {day}": "Заведено {date}"})
    assert any("more than its text changed" in p for p in validate(notebook, renamed))


def test_a_national_cohort_reads_russian_where_its_own_is_not_finished(tmp_path):
    """kk without drafts: Russian (⟨RU⟩) where kk is unfinished; with drafts: ⟨draft⟩ first."""
    from osintlab.i18n.build import DRAFT, RUSSIAN

    lesson = M00 / "01-jupyter.ipynb"
    plain = nbformat.read(localise_file(lesson, tmp_path / "kk.ipynb", "kk",
                                        "m00-getting-started", drafts=False), as_version=4)
    text = "\n".join(cell.source for cell in plain.cells)
    assert RUSSIAN in text and DRAFT not in text
    reviewed = translations(ROOT / "locale" / "ru" / "m00-getting-started" / "01-jupyter.po")
    heading = next(iter(reviewed))
    assert f"{reviewed[heading]} {RUSSIAN}" in text
    drafted = nbformat.read(localise_file(lesson, tmp_path / "kk-d.ipynb", "kk",
                                          "m00-getting-started", drafts=True), as_version=4)
    assert DRAFT in "\n".join(cell.source for cell in drafted.cells)


def test_package_messages_fall_back_to_marked_russian_for_a_national_cohort():
    """With OSINTLAB_LANG=kk, is an unfinished package message the Russian one, marked?"""
    code = "from osintlab import check\ntry:\n    check.length(['a'], 3, name='x')\n" \
           "except AssertionError as e:\n    print(e)\n"
    assert _package_says("kk", code) == ["`x`: элементов — 1, а должно быть 3. ⟨RU⟩"]


def test_status_shows_what_a_national_trainee_reads(tmp_path):
    """Does status count a kk message as read in Russian when only Russian is finished?"""
    from osintlab.i18n.status import language_status

    rows = {(r.lang, r.module): r for r in language_status(ROOT, ["kk", "ru"])}
    kk, ru = rows[("kk", "osintlab")], rows[("ru", "osintlab")]
    assert kk.reads_own == kk.translated
    assert kk.reads_russian == ru.translated - kk.translated or kk.reads_russian > 0
    assert kk.reads_own + kk.reads_russian + kk.reads_english == kk.total
