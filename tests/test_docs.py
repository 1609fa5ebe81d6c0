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
