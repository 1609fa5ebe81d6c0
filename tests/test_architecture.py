"""Does the package keep its walls: one room per concern, each with a face, and no import cycle?

The import graph is read from the source with ``ast``, every import counted: at the top of a
module, inside a function (a lazy import is still a dependency) and under
``if TYPE_CHECKING:`` (a type is one too). Importing ``osintlab.a.b`` runs ``osintlab/a``'s
``__init__.py`` first, so an import of a module is also an edge to each package above it
that the importer is not itself inside.
"""

from __future__ import annotations

import ast
import graphlib
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "src" / "osintlab"


def module_names(package: Path) -> dict[str, Path]:
    """Every module of the package by its dotted name (a package is named by its folder)."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = [package.name, *path.relative_to(package).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: -(node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def import_graph(package: Path) -> dict[str, set[str]]:
    """For each module of the package, the modules of the package that importing it runs."""
    modules = module_names(package)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for importer, path in modules.items():
        is_package = path.name == "__init__.py"
        targets: list[str] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node, importer, is_package)
                targets.append(base)
                targets += [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            if target not in modules:
                continue  # another library, or a name inside a module
            parts = target.split(".")
            for depth in range(1, len(parts) + 1):
                step = ".".join(parts[:depth])
                inside = importer == step or importer.startswith(step + ".")
                if step != importer and not inside and step in modules:
                    graph[importer].add(step)
    return graph


def find_cycle(package: Path) -> list[str] | None:
    """One import cycle of the package (``[a, b, a]``), or None when there is none."""
    try:
        graphlib.TopologicalSorter(import_graph(package)).prepare()
    except graphlib.CycleError as error:
        return list(reversed(error.args[1]))
    return None


def test_the_package_has_no_import_cycle():
    """Can every module of osintlab be imported without coming back to one being imported?"""
    cycle = find_cycle(PACKAGE)
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_a_planted_cycle_is_found_and_named(tmp_path):
    """Does the cycle check fail, naming the modules, when the report imports the case back?"""
    copy = tmp_path / "osintlab"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    report = copy / "evidence" / "report.py"
    report.write_text(report.read_text(encoding="utf-8") + "\nfrom .case import Case as _C\n",
                      encoding="utf-8")
    cycle = find_cycle(copy)
    assert cycle is not None
    assert cycle[0] == cycle[-1]
    assert {"osintlab.evidence.case", "osintlab.evidence.report"} <= set(cycle)


def test_a_lazy_import_inside_a_function_counts(tmp_path):
    """Is an import inside a function (the sandbox asking evidence for something) a dependency?"""
    copy = tmp_path / "osintlab"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    server = copy / "sandbox" / "server.py"
    server.write_text(server.read_text(encoding="utf-8")
                      + "\n\ndef _later():\n    from ..evidence import timestamp\n",
                      encoding="utf-8")
    cycle = find_cycle(copy)
    assert cycle is not None and "osintlab.sandbox.server" in cycle


def test_the_top_level_stays_small():
    """Does the top of the package hold at most about twelve modules, the rest in rooms?"""
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, f"{len(top)} modules at the top of osintlab: {top}"


ROOMS = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))


@pytest.mark.parametrize("room", ROOMS)
def test_every_room_says_what_it_is_for_and_what_it_exports(room):
    """Does each subpackage's __init__.py have a docstring and an explicit __all__?"""
    tree = ast.parse((PACKAGE / room / "__init__.py").read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"osintlab/{room}/__init__.py has no docstring"
    exported = [node for node in tree.body if isinstance(node, ast.Assign)
                and any(getattr(t, "id", "") == "__all__" for t in node.targets)]
    assert exported, f"osintlab/{room}/__init__.py has no __all__"


def test_the_trainees_imports_still_work():
    """Do the imports that lessons, README and trainer guides show still give the same verbs?"""
    from osintlab import check, datasets, evidence, extract, names, sandbox

    assert callable(evidence.open_case) and callable(sandbox.session)
    assert callable(check.equal) and callable(datasets.path)
    assert callable(extract.entities) and callable(names.match)


@pytest.mark.parametrize("room", ROOMS)
def test_no_verb_of_a_room_is_hidden_by_one_of_its_modules(room):
    """Is no name a room exports also one of its modules (importing that module replaces it)?

    ``osintlab.sandbox.session()`` is the trainee's verb: a module ``sandbox/session.py``
    would overwrite it on the package the moment anything imported that module.
    """
    import importlib

    face = importlib.import_module(f"osintlab.{room}")
    parts = {p.stem for p in (PACKAGE / room).glob("*.py")} | {
        p.parent.name for p in (PACKAGE / room).glob("*/__init__.py")}
    assert not set(face.__all__) & parts, f"osintlab.{room} exports names of its own modules"


def test_a_course_folder_made_before_the_regroup_gets_the_new_names(tmp_path):
    """Does opening a cohort's course from before the regroup point nbgrader at the new rooms?

    Its nbgrader_config.py names the feedback preprocessor and the templates by their old
    places; left so, nbgrader could not import the preprocessor and no feedback would be written.
    """
    from osintlab.grading import init_course, open_course

    course = init_course(tmp_path / "course", "old-cohort")
    config = course.root / "nbgrader_config.py"
    text = config.read_text(encoding="utf-8")
    old = (text.replace("osintlab.grading.HideHiddenTests", "osintlab._feedback.HideHiddenTests")
           .replace("import osintlab.grading  #", "import osintlab  #")
           .replace("str(osintlab.grading.FEEDBACK_TEMPLATES)",
                    'os.path.join(os.path.dirname(osintlab.__file__), "templates")'))
    assert old != text
    config.write_text(old, encoding="utf-8")
    open_course(course.root)
    upgraded = config.read_text(encoding="utf-8")
    assert "osintlab._feedback" not in upgraded and "osintlab.__file__" not in upgraded
    assert upgraded == text.replace("import osintlab.grading  #", "import osintlab  #")
    namespace = {"get_config": lambda: __import__("traitlets.config").config.Config()}
    exec(compile(upgraded, str(config), "exec"), namespace)  # the file nbgrader will load
    settings = namespace["c"]
    assert "osintlab.grading.HideHiddenTests" in settings.GenerateFeedback.preprocessors
    from osintlab.grading import FEEDBACK_TEMPLATES
    assert str(FEEDBACK_TEMPLATES) in settings.HTMLExporter.extra_template_basedirs
    assert (FEEDBACK_TEMPLATES / "base" / "mathjax.html.j2").is_file()
