"""Law and Standard callouts cite the law register.

A lesson's legal statements sit in callouts: ``> **Law**`` for a binding norm of a named
country or a treaty, ``> **Standard**`` for guidance such as the Berkeley Protocol. The first
line names the register facts the callout states, in backticks::

    > **Law** `kz-cpc-111`
    > Kazakhstan's Criminal Procedure Code, Art. 111: evidence is lawfully obtained factual data.

Each id must be in the register (:mod:`osintlab.law`) and of the callout's kind; a fact the
register holds as unconfirmed may be named only where the callout says "check your national
law".

Example:
    >>> cell = {"cell_type": "markdown", "id": "c1", "source": "> **Law**\\n> Art. 111."}
    >>> [p.what[:40] for p in _check_callouts({"cells": [cell]}, "nb.ipynb")]
    ['a Law callout names the register facts i']
"""

from __future__ import annotations

import re
from typing import Any

from .._i18n import _
from ..exceptions import LawFactUnknown
from .module import Problem
from .notebooks import _cell_label, _source

_HEADING = re.compile(r"^>\s*\*\*(Law|Standard)\*\*(.*)$")
_ID = re.compile(r"`([^`]+)`")
_UNCONFIRMED_OK = "check your national law"
_EXAMPLES = {"law": "kz-cpc-111", "standard": "bp-153-154"}


def _callouts(source: str) -> list[tuple[str, list[str], str]]:
    """Each callout in a cell: its kind, the ids on its first line, and its whole text."""
    lines = source.splitlines()
    found = []
    for number, line in enumerate(lines):
        heading = _HEADING.match(line.strip())
        if not heading:
            continue
        body = [line]
        for following in lines[number + 1:]:
            if not following.lstrip().startswith(">") or _HEADING.match(following.strip()):
                break
            body.append(following)
        found.append((heading[1], _ID.findall(heading[2]), "\n".join(body)))
    return found


def _check_callouts(raw: dict[str, Any], rel: str) -> list[Problem]:
    """Every Law and Standard callout of a notebook cites known facts of its own kind."""
    from .. import law

    problems: list[Problem] = []
    for number, cell in enumerate(raw.get("cells") or [], 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        where = f"{rel} {_cell_label(cell, number)}"
        for kind, ids, text in _callouts(_source(cell)):
            expected = kind.lower()
            if not ids:
                problems.append(Problem(where, _(
                    "a {kind} callout names the register facts it states, in backticks on its "
                    "first line, for example '> **{kind}** `{example}`' (the ids are in "
                    "src/osintlab/law/register.yml)."
                ).format(kind=kind, example=_EXAMPLES[expected])))
                continue
            for fact_id in ids:
                try:
                    fact = law.fact(fact_id)
                except LawFactUnknown as error:
                    problems.append(Problem(where, str(error)))
                    continue
                if fact["kind"] != expected:
                    problems.append(Problem(where, _(
                        "'{id}' is a {actual} in the law register, not a {expected}: put it in "
                        "a callout of its own kind (Law for a binding norm, Standard for "
                        "guidance)."
                    ).format(id=fact_id, actual=fact["kind"], expected=expected)))
                if fact["status"] != "confirmed" and _UNCONFIRMED_OK not in text.lower():
                    problems.append(Problem(where, _(
                        "'{id}' is unconfirmed in the law register: say so in the callout "
                        "('not confirmed: check your national law'), or cite a confirmed fact."
                    ).format(id=fact_id)))
    return problems
