"""The fictional world: one seeded, deterministic generator for every dataset of the course.

One seed (``SEED``) and one reference clock (``REFERENCE``) drive every module, so building
twice gives byte-identical files. Each module makes one source type and returns its files
as ``{relative path: bytes}``; ``build`` writes them with a data card and a MANIFEST.

Example:
    >>> from osintlab.world import rng
    >>> rng("crypto").random() == rng("crypto").random()
    True
"""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime

__all__ = ["REFERENCE", "SEED", "csv_bytes", "rng"]

#: The one seed of the world. Changing it changes wallets, ids and times everywhere.
SEED = 4041
#: The world's "now": the day the case reached the unit (no build ever reads the real clock).
REFERENCE = datetime(2025, 1, 20, 9, 0, tzinfo=UTC)


def rng(topic: str, seed: int = SEED) -> random.Random:
    """A random generator for one topic, fixed by the seed (string seeds hash stably)."""
    return random.Random(f"{seed}:{topic}")


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    """Rows as UTF-8 CSV with a header and Unix line ends, the same bytes on every machine.

    Example:
        >>> csv_bytes([{"id": "P1", "name": "Бекова"}]).decode().splitlines()
        ['id,name', 'P1,Бекова']
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
