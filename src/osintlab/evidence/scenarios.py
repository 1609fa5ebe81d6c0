"""Training scenarios: case folders an exercise needs ready-made, prepared out of sight.

An exercise that asks "which item was changed?" cannot show the change in its own setup cell:
the trainee would read the answer there. The scenario is built here instead, from the
fictional world's files, and handed over as an ordinary case folder.

Example:
    >>> import tempfile, pathlib
    >>> received = returned_case(pathlib.Path(tempfile.mkdtemp()))   # doctest: +SKIP
    >>> received.id                                                   # doctest: +SKIP
    'CASE-2024-009'
"""

from __future__ import annotations

import warnings
from pathlib import Path

from .case import Case, open_case

__all__ = ["returned_case"]

#: What a colleague's case folder holds: the mobile operator's answer, four files.
_PROVIDER_FILES = ("0-letter.txt", "1-subscriber.csv", "2-traffic.csv", "3-content.csv")


def returned_case(folder: Path) -> Case:
    """The case CASE-2024-009 a colleague sent back, in ``folder``: Steppe Mobile's four files,
    collected properly, in which somebody later changed one evidentiary copy by hand.

    Example:
        >>> returned_case(Path("work")).items[["item", "source"]]   # doctest: +SKIP
    """
    from .. import datasets

    with warnings.catch_warnings():  # the colleague's clock is not the trainee's concern here
        warnings.simplefilter("ignore")
        case = open_case(Path(folder) / "CASE-2024-009", investigator="Sergeant R. Nurlanova",
                         screenshots=False)
        for name in _PROVIDER_FILES:
            case.capture(datasets.path("providers", "steppe-mobile/" + name),
                         note="Steppe Mobile answer: " + name)
    for original in sorted(case.root.glob("items/*/original/*")):
        text = original.read_text(encoding="utf-8")
        if "15:47" in text:  # after collection, one call time moved by an hour
            original.chmod(0o644)
            original.write_text(text.replace("15:47", "16:47"), encoding="utf-8")
            original.chmod(0o444)
    return open_case(case.root)
