"""Find the fictional world's files wherever the course runs.

The same notebook runs in an author's checkout (``make lab``), in a trainee's home folder on
a hub, and in a grading folder. ``path()`` looks, in order, in the folder named by
``OSINTLAB_DATASETS``, in the checkout this package was installed from, and in a
``datasets/`` folder in the current folder or any folder above it.

Example:
    >>> from osintlab import datasets
    >>> datasets.path("case-records", "cases.csv").name
    'cases.csv'
"""

from __future__ import annotations

import os
from pathlib import Path

from ._i18n import _
from ._layout import REPOSITORY
from .exceptions import DatasetMissing

__all__ = ["path", "root"]

ENV = "OSINTLAB_DATASETS"


def _candidates() -> list[Path]:
    found: list[Path] = []
    if os.environ.get(ENV):
        found.append(Path(os.environ[ENV]))
    found.append(REPOSITORY / "datasets")
    here = Path.cwd().resolve()
    found.extend(folder / "datasets" for folder in (here, *here.parents))
    return found


def root() -> Path:
    """The ``datasets/`` folder in use.

    Example:
        >>> root().name
        'datasets'
    """
    for candidate in _candidates():
        if candidate.is_dir():
            return candidate
    raise DatasetMissing(
        _(
            "No `datasets` folder was found. Start JupyterLab with `make lab` from the course "
            "folder, or ask your trainer to set {env} to the course's datasets folder."
        ).format(env=ENV),
        path=None,
    )


def path(name: str, file: str | None = None) -> Path:
    """The folder of dataset ``name``, or one ``file`` in it; a clear error if it is missing.

    Example:
        >>> path("case-records").name
        'case-records'
    """
    folder = root() / name
    if not folder.is_dir():
        known = sorted(p.name for p in root().iterdir() if p.is_dir())
        raise DatasetMissing(
            _("There is no dataset '{name}'. The datasets here are: {known}.").format(
                name=name, known=", ".join(known) or "-"
            ),
            path=str(folder),
        )
    if file is None:
        return folder
    target = folder / file
    if not target.is_file():
        files = ", ".join(sorted(p.name for p in folder.iterdir()))
        raise DatasetMissing(
            _(
                "The dataset '{name}' has no file '{file}'. Check the spelling; "
                "its files are: {files}."
            ).format(name=name, file=file, files=files),
            path=str(target),
        )
    return target
