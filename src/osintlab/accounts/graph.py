"""Identifiers and the evidence joining them, as a small graph drawn without the internet.

An investigator writes each link as one line, ``graph.add(one, other, evidence)``; the graph
(``networkx``) shows itself in the notebook as a drawing (SVG made here from networkx's layout,
so nothing loads from elsewhere), and :meth:`Links.independent` counts the paths between two
identifiers that share no link: "same person" needs at least two.

Example:
    >>> from osintlab.accounts import links
    >>> graph = links()
    >>> graph.add("bazaar: dala_trade", "+77995550117", "phone on the seller page")
    >>> graph.add("+77995550117", "R-1075", "operator's subscriber record")
    >>> graph.independent("bazaar: dala_trade", "R-1075")
    1
"""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd

from .._i18n import _
from ..exceptions import AccountError

__all__ = ["Links", "links"]

_WIDTH, _HEIGHT, _MARGIN = 760, 440, 90


class Links:
    """A graph of identifiers (usernames, phones, e-mails, register ids) and their evidence."""

    def __init__(self) -> None:
        import networkx

        self.graph = networkx.MultiGraph()

    def add(self, one: str, other: str, evidence: str) -> None:
        """Join two identifiers by one piece of evidence (say where it is: the item id).

        The same evidence added twice between the same two is one link, not two.

        Example:
            >>> graph = links()
            >>> graph.add("tube: dala_trade", "daniyar.m91@mail.example", "e-mail, E0004")
            >>> len(graph.table)
            1
        """
        for value, what in ((one, "one"), (other, "other"), (evidence, "evidence")):
            if not isinstance(value, str) or not value.strip():
                raise AccountError(_(
                    "add needs three texts: two identifiers and the evidence joining them, for "
                    "example graph.add(\"bazaar: dala_trade\", \"+77995550117\", \"phone on the "
                    "seller page, E0001\"); {what} is {given}."
                ).format(what=what, given=repr(value)[:60]), value=value)
        if one.strip() == other.strip():
            raise AccountError(_(
                "{one!r} is joined to itself: a link needs two different identifiers."
            ).format(one=one), value=one)
        one, other, evidence = one.strip(), other.strip(), evidence.strip()
        known = self.graph.get_edge_data(one, other, default={})
        if any(data["evidence"] == evidence for data in known.values()):
            return  # the same evidence added again is still one link
        self.graph.add_edge(one, other, evidence=evidence)

    @property
    def table(self) -> pd.DataFrame:
        """Every link as a row: ``one``, ``other``, ``evidence``."""
        rows = [{"one": a, "other": b, "evidence": data["evidence"]}
                for a, b, data in self.graph.edges(data=True)]
        return pd.DataFrame(rows, columns=["one", "other", "evidence"])

    def _known(self, name: str) -> None:
        if name not in self.graph:
            raise AccountError(_(
                "{name!r} is not in the graph. Its identifiers are: {known}."
            ).format(name=name, known=", ".join(map(repr, self.graph.nodes)) or "-"), value=name)

    def independent(self, one: str, other: str) -> int:
        """How many paths join two identifiers without sharing a single link.

        Example:
            >>> graph = links()
            >>> graph.add("a", "b", "x"); graph.add("b", "c", "y"); graph.add("a", "c", "z")
            >>> graph.independent("a", "c")
            2
        """
        import networkx

        self._known(one)
        self._known(other)
        simple = networkx.Graph()
        for a, b in self.graph.edges():
            capacity = simple.get_edge_data(a, b, {}).get("capacity", 0) + 1
            simple.add_edge(a, b, capacity=capacity)
        return int(networkx.maximum_flow_value(simple, one, other))

    def _repr_svg_(self) -> str:
        import networkx

        if not self.graph:
            return ""
        layout = networkx.spring_layout(networkx.Graph(self.graph), seed=7)
        xs = [p[0] for p in layout.values()]
        ys = [p[1] for p in layout.values()]

        def place(point: Any) -> tuple[float, float]:
            span_x = (max(xs) - min(xs)) or 1.0
            span_y = (max(ys) - min(ys)) or 1.0
            return (_MARGIN + (point[0] - min(xs)) / span_x * (_WIDTH - 2 * _MARGIN),
                    _MARGIN / 2 + (point[1] - min(ys)) / span_y * (_HEIGHT - _MARGIN))

        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" '
                 'font-family="sans-serif" font-size="12">']
        for a, b, key, data in self.graph.edges(keys=True, data=True):
            (x1, y1), (x2, y2) = place(layout[a]), place(layout[b])
            y1, y2 = y1 + 6 * key, y2 + 6 * key  # links between the same two: side by side
            parts.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
                         'stroke="#888"/>')
            parts.append(f'<text x="{(x1 + x2) / 2:.0f}" y="{(y1 + y2) / 2 - 4 + 10 * key:.0f}" '
                         f'fill="#555" text-anchor="middle">{escape(data["evidence"])}</text>')
        for node, point in layout.items():
            x, y = place(point)
            parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="6" fill="#1f6fb2"/>')
            parts.append(f'<text x="{x:.0f}" y="{y + 20:.0f}" text-anchor="middle" '
                         f'font-weight="bold">{escape(node)}</text>')
        return "".join(parts) + "</svg>"

    def __repr__(self) -> str:
        return self.table.to_string(index=False)


def links(table: Any = None) -> Links:
    """A graph of identifiers: empty, or from a table with columns ``one``, ``other``, ``evidence``.

    Example:
        >>> links().table.columns.tolist()
        ['one', 'other', 'evidence']
    """
    graph = Links()
    if table is None:
        return graph
    if not isinstance(table, pd.DataFrame) or not {"one", "other", "evidence"} <= set(
            table.columns):
        raise AccountError(_(
            "links takes nothing (an empty graph to add to) or a table with the columns one, "
            "other and evidence; it got {given}."
        ).format(given=type(table).__name__), value=type(table).__name__)
    for row in table.to_dict("records"):
        graph.add(str(row["one"]), str(row["other"]), str(row["evidence"]))
    return graph
