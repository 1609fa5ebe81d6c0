"""The docs stay honest: every command has help with an example and is in the README."""

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from osintlab.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _commands(group: click.Group, prefix: str = "osintlab"):
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


COMMANDS = sorted(_commands(main), key=lambda item: item[0])


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_help_ending_in_an_example(path, command):
    """Does `--help` of each command show a real invocation under 'Example:'?"""
    args = path.split()[1:] + ["--help"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    example = result.output.split("Example:", 1)[1]
    assert "osintlab " in example


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_is_in_the_readme(path, command):
    """Is each command documented where trainers and authors look first?"""
    assert f"`{path}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_states_each_module_with_its_honest_time():
    """Does the README's module table list every module with the time its module.yml says?"""
    from osintlab.curriculum import find_modules

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for module in find_modules(ROOT):
        teaching, exercises = module.duration["teaching"], module.duration["exercises"]
        total = teaching + exercises
        stated = f"{total // 60} h {total % 60:02d} ({teaching} + {exercises} min)"
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{module.id}`")),
                   None)
        assert row, f"README.md's module table has no row for {module.id}"
        assert stated in row, f"README.md should state {stated!r} for {module.id}: {row}"
        lessons = sum(e["minutes"] for e in module.notebooks if e["kind"] == "lesson")
        assert lessons == teaching, f"{module.id}: lessons take {lessons} min, not {teaching}"
