"""Who in a table may carry a name: every row whose name matches a spelling, in any script.

Example:
    >>> import pandas as pd
    >>> from osintlab.names.lookup import search
    >>> people = pd.DataFrame({"name": ["Мухаметов Данияр", "Жумабаев Айбек"]})
    >>> search(people, "Daniyar Mukhametov", column="name")["name"].tolist()
    ['Мухаметов Данияр']
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .._i18n import _
from ..exceptions import NameScriptError

#: The columns a register's name is made of, when the table has no single name column.
_PARTS = ("surname", "given_name", "patronymic")


def _names_of(table: pd.DataFrame, column: str | None) -> pd.Series:
    if column is not None:
        if column not in table.columns:
            raise NameScriptError(
                _("The table has no column {column!r}. Its columns are: {columns}.").format(
                    column=column, columns=", ".join(map(str, table.columns))
                ),
                name=column,
            )
        return table[column].fillna("").astype(str)
    if all(part in table.columns for part in _PARTS[:2]):
        present = [part for part in _PARTS if part in table.columns]
        return table[present].fillna("").astype(str).agg(" ".join, axis=1).str.strip()
    raise NameScriptError(
        _(
            'Say which column holds the names, for example search(people, "Daniyar Mukhametov", '
            'column="name"). The table\'s columns are: {columns}.'
        ).format(columns=", ".join(map(str, table.columns))),
        name=None,
    )


def search(table: Any, name: str, column: str | None = None) -> pd.DataFrame:
    """The rows of ``table`` whose name may be ``name``, in any script, best first.

    The names are read from ``column``, or from ``surname``, ``given_name`` and
    ``patronymic`` when the table has them (a register extract). Two columns come first:
    ``score`` (0 to 1) and ``reason`` (why the spellings can be the same name). Every row
    that may be the same name is kept: a name alone never tells namesakes apart.

    Example:
        >>> people = pd.DataFrame({"surname": ["Мухаметов"], "given_name": ["Данияр"]})
        >>> search(people, "Daniyar Mukhametov")["score"].tolist()
        [1.0]
    """
    from . import match

    if not isinstance(table, pd.DataFrame):
        raise NameScriptError(
            _(
                "search looks in a table (a DataFrame, for example the register read with "
                "pd.read_csv); it got {given}."
            ).format(given=type(table).__name__),
            name=name,
        )
    found = []
    for index, written in _names_of(table, column).items():
        if not written:
            continue
        result = match(name, written)
        if result.same:
            found.append((index, result.score, result.reason))
    rows = table.loc[[index for index, _score, _reason in found]].copy()
    rows.insert(0, "reason", [reason for _index, _score, reason in found])
    rows.insert(0, "score", [score for _index, score, _reason in found])
    return rows.sort_values("score", ascending=False, kind="stable")
