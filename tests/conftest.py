"""Shared fixtures: throwaway nbgrader courses built from grading/ and the real modules."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import nbformat
import pytest
import yaml

from osintlab.grading import Course, init_course

ROOT = Path(__file__).resolve().parents[1]


def build_course(folder: Path, module: str, **limits: int) -> Course:
    """A new course for one module, released, with the given limits in cohort.yml."""
    course = init_course(folder, "test-course", title="Тестовая группа")
    settings = yaml.safe_load((course.root / "cohort.yml").read_text(encoding="utf-8"))
    settings["limits"].update(limits)
    (course.root / "cohort.yml").write_text(yaml.safe_dump(settings, allow_unicode=True))
    course = Course(course.root)
    course.release(module)
    return course


def hand_in(course: Course, module: str, student: str, notebook, name: str | None = None) -> Path:
    """Put one trainee's notebook (a NotebookNode, a path, or raw text) where nbgrader looks."""
    exercise = course.module(module).exercise
    folder = course.root / "submitted" / student / module
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or exercise)
    if isinstance(notebook, Path):
        shutil.copy(notebook, target)
    elif isinstance(notebook, str):
        target.write_text(notebook, encoding="utf-8")
    else:
        nbformat.write(notebook, target)
    return target


@pytest.fixture
def repo_root() -> Path:
    return ROOT


def free_port() -> int:
    """A loopback port free right now (a server can bind it; a client finds it closed).

    Taken below the kernel's ephemeral range (32768 and up on Linux): the kernels and
    clients of tests running at the same time get their ports from that range, so a port
    chosen here is not taken by one of them before our server binds it.
    """
    import random

    for _ in range(200):
        port = random.randrange(20000, 32000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as probe:  # everything there busy: the system's choice
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def no_process_server(monkeypatch):
    """The test starts and ends without this process's own sandbox server (or a classroom's
    address in the environment): another test file in the same worker may have started one
    with the world's sites. Use with ``pytestmark = pytest.mark.usefixtures(...)``."""
    from osintlab import sandbox

    monkeypatch.delenv("OSINTLAB_SANDBOX_URL", raising=False)
    sandbox.stop()
    yield
    sandbox.stop()


def pytest_collection_finish(session: pytest.Session) -> None:
    """With ``--dist loadgroup``, stop at once if pytest-xdist did not group the tests.

    Each ``xdist_group`` keeps a module-scoped fixture (a course graded once, the classroom
    hub) on one worker. pytest-xdist marks a grouped test by adding ``@group`` to its id; when
    a pytest release stops honouring that, every group is silently split and each worker
    builds the same fixtures again (pyproject.toml pins pytest for this reason).
    """
    if not getattr(session.config.option, "loadgroup", False):
        return
    ungrouped = [item.nodeid for item in session.items
                 if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if ungrouped:
        raise pytest.UsageError(
            f"pytest-xdist did not group {len(ungrouped)} tests marked xdist_group (for example "
            f"{ungrouped[0]}): this pytest release is not one pytest-xdist supports; install "
            "the versions in requirements.lock (make test does)."
        )


def hidden_values(exercise: Path, calls: tuple[str, ...] = ("check.equal",),
                  every: bool = False) -> dict[str, object]:
    """The expected values an exercise's hidden checks embed, by the answer's ``name=``.

    Each ``check.equal(<answer>, <literal>, name=...)`` (or another of ``calls``) between
    ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` gives ``name -> literal`` (the last
    one); with ``every``, ``name -> [literal, ...]`` for every name, in order. The ground-truth
    tests derive each value again from grading/world/ground-truth.yml.
    """
    import ast
    import re

    values: dict[str, object] = {}
    for cell in nbformat.read(exercise, as_version=4).cells:
        hidden = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S)
        for node in ast.walk(ast.parse(hidden.group(1))) if hidden else ():
            if isinstance(node, ast.Call) and ast.unparse(node.func) in calls:
                name = next(k.value.value for k in node.keywords if k.arg == "name")
                value = ast.literal_eval(node.args[1])
                if every:
                    values.setdefault(name, []).append(value)
                else:
                    values[name] = value
    return values
