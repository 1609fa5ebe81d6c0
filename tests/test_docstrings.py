"""The examples in the package's docstrings run and print what they show (doctest).

Examples that need a course folder or a running grader are marked ``+SKIP`` in the docstring
itself; every other example is run here.
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil

import pytest
from conftest import ROOT

import osintlab

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(osintlab.__path__, prefix="osintlab.")
    if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", ["osintlab", *MODULES])
def test_docstring_examples_run(name: str, monkeypatch):
    """Does every example in this module's docstrings give the output it shows?"""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("OSINTLAB_GRADING", raising=False)
    saved = dict(os.environ)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    os.environ.clear()
    os.environ.update(saved)
    assert result.failed == 0
