"""The law register: every legal fact and standard the course may state, with its source.

A trainee can rely on what the course says about the law only if every statement rests on a
source. The register (``register.yml`` beside this file) holds each fact once: its id, whether
it is a binding norm (``law``), guidance (``standard``) or a provider's own rule (``policy``),
for which country, the instrument and article, the statement in plain words (English and
Russian), whether it is ``confirmed`` and where it was found. What is ``unconfirmed`` was
looked for and not confirmed: the course says "check your national law" about it.

Lessons cite facts by id in their **Law** and **Standard** callouts, and ``osintlab modules
check`` refuses a callout whose ids are unknown, of the wrong kind, or unconfirmed without
"check your national law" beside them.

Example:
    >>> from osintlab import law
    >>> law.fact("kz-cpc-111")["article"]
    'Art. 111'
    >>> law.fact("budapest-32")["kind"], law.fact("bp-155")["kind"]
    ('law', 'standard')
    >>> sorted(law.facts(where="KZ")["id"])[:2]
    ['budapest-kz', 'cis-2018']
"""

from __future__ import annotations

import difflib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .._i18n import _
from ..exceptions import LawFactUnknown

__all__ = ["KINDS", "REGISTER", "STATUSES", "fact", "facts"]

REGISTER = Path(__file__).with_name("register.yml")
KINDS = ("law", "standard", "policy")
STATUSES = ("confirmed", "unconfirmed")
FIELDS = ("id", "kind", "where", "instrument", "article", "statement", "ru", "status", "source")


@lru_cache(maxsize=1)
def _register() -> dict[str, dict[str, Any]]:
    entries = yaml.safe_load(REGISTER.read_text(encoding="utf-8"))["facts"]
    return {entry["id"]: entry for entry in entries}


def fact(fact_id: str) -> dict[str, Any]:
    """One fact of the register by its id, or an error that names the nearest ids.

    Example:
        >>> fact("budapest-16")["statement"][:22]
        'Expedited preservation'
    """
    register = _register()
    if fact_id not in register:
        near = difflib.get_close_matches(str(fact_id), register, n=3)
        hint = _(" Did you mean {names}?").format(names=", ".join(near)) if near else ""
        raise LawFactUnknown(
            _("The law register has no fact '{id}'.{hint} The ids are in {file}.").format(
                id=fact_id, hint=hint, file=REGISTER.name),
            fact=str(fact_id))
    return dict(register[fact_id])


def facts(*, where: str | None = None, kind: str | None = None):
    """The register as a table (one row per fact), optionally for one country or kind.

    The ``statement`` column is in the trainee's language where the register has it
    (Russian), else English.

    Example:
        >>> table = facts(kind="standard")
        >>> "bp-153-154" in set(table["id"])
        True
    """
    import pandas as pd

    rows = list(_register().values())
    if where is not None:
        rows = [row for row in rows if row["where"] == where]
    if kind is not None:
        rows = [row for row in rows if row["kind"] == kind]
    russian = (os.environ.get("OSINTLAB_LANG") or "").startswith("ru")
    table = pd.DataFrame(
        [{**row, "statement": row["ru"] if russian else row["statement"]} for row in rows],
        columns=list(FIELDS))
    return table.drop(columns=["ru"])
