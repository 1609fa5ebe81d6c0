r"""The curriculum contract: what a module is, and a check that every module keeps it.

A module is one nbgrader assignment, spread over four places in the repository::

    modules/<id>/module.yml     what it teaches (checked against schema/module.schema.json)
    modules/<id>/README.md      the trainer guide
    notebooks/<id>/*.ipynb      lessons, then one graded exercise (nbgrader's source folder)
    datasets/<name>/            the fictional data it reads, with README.md and MANIFEST

``load_module`` reads one module.yml, ``find_modules`` all of them in teaching order, and
``check_all`` (behind ``osintlab modules check``) lists every place where the repository
breaks the contract, each as a :class:`Problem` that says where, what is wrong and what to do.
The nbgrader rules are checked here without starting nbgrader, by the same logic as its
``CheckCellMetadata``, ``ClearSolutions`` and ``ClearHiddenTests`` steps, so an author
learns about a broken exercise before a trainer's release fails.

Example:
    >>> from pathlib import Path
    >>> from osintlab import curriculum
    >>> problems = curriculum.check_all(Path("."))   # from the repository's top folder
    >>> print("\n".join(map(str, problems)) or "every module keeps the contract")
    every module keeps the contract

The parts, split by what they check: ``module`` (module.yml and its schema, in
``schema/``), ``contents`` (the module's guide, notebook list and datasets), ``notebooks``
(every notebook's form, and the lesson form), ``exercise`` (the nbgrader source notebook),
``cells`` (nbgrader's cell markers, shared with the grading engine) and ``checks`` (the order
in which they run).
"""

from __future__ import annotations

from .checks import check_all, check_module
from .module import Module, Problem, find_modules, load_module

__all__ = [
    "Module",
    "Problem",
    "check_all",
    "check_module",
    "find_modules",
    "load_module",
]
