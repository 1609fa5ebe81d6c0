"""Perceptual hashes: the same picture re-posted (recompressed, resized) found by its looks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .._i18n import _
from ..exceptions import ImageError

#: Hash kinds compare() shows, each as imagehash names it.
KINDS = ("ahash", "phash", "dhash", "whash")
#: At most this many of 64 bits apart (phash) counts as the same picture.
SAME = 8


def _open(path: Path) -> Any:
    from PIL import Image

    with Image.open(path) as image:
        return image.convert("RGB")


def _hash(image: Any, kind: str = "phash") -> Any:
    import imagehash

    functions = {"ahash": imagehash.average_hash, "phash": imagehash.phash,
                 "dhash": imagehash.dhash, "whash": imagehash.whash}
    if kind not in functions:
        raise ImageError(_("Unknown hash {kind!r}: choose one of {kinds}.").format(
            kind=kind, kinds=", ".join(KINDS)), value=kind)
    return functions[kind](image)


def cluster(paths: list[Path], max_distance: int = SAME) -> pd.DataFrame:
    """Group photos whose phash differ by at most ``max_distance`` bits (single linkage)."""
    if not isinstance(max_distance, int) or not 0 <= max_distance <= 64:
        raise ImageError(_(
            "max_distance counts differing bits of a 64-bit hash: give a whole number from 0 "
            "to 64 (about 8 finds re-posts; 0 only identical looks); got {given!r}.").format(
                given=max_distance), value=max_distance)
    hashes, sizes = [], []
    for path in paths:
        image = _open(path)
        hashes.append(_hash(image))
        sizes.append(image.size)
    parent = list(range(len(paths)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(paths)):
        for j in range(i + 1, len(paths)):
            if hashes[i] - hashes[j] <= max_distance:
                parent[root(j)] = root(i)
    members: dict[int, list[int]] = {}
    for i in range(len(paths)):
        members.setdefault(root(i), []).append(i)
    # groups with copies first (largest first), then the photos alone; by file name within
    ordered = sorted(members.values(), key=lambda m: (-len(m), paths[m[0]].name))
    rows = []
    for number, group in enumerate(ordered, start=1):
        first = group[0]
        for i in group:
            rows.append({"group": number, "file": paths[i].name, "copies": len(group),
                         "phash": str(hashes[i]), "distance": int(hashes[i] - hashes[first]),
                         "width": sizes[i][0], "height": sizes[i][1],
                         "kb": round(paths[i].stat().st_size / 1024, 1)})
    return pd.DataFrame(rows, columns=["group", "file", "copies", "phash", "distance",
                                       "width", "height", "kb"])


def compare(a: Path, b: Path) -> pd.DataFrame:
    """Each hash kind's distance between two photos, and for the second turned or mirrored."""
    from PIL import Image

    first, second = _open(a), _open(b)
    variants = [(_("as it is"), second),
                (_("turned 90° left"), second.transpose(Image.Transpose.ROTATE_90)),
                (_("turned 90° right"), second.transpose(Image.Transpose.ROTATE_270)),
                (_("turned 180°"), second.transpose(Image.Transpose.ROTATE_180)),
                (_("mirrored"), second.transpose(Image.Transpose.FLIP_LEFT_RIGHT))]
    rows = []
    for label, image in variants:
        row: dict[str, Any] = {"second_photo": label}
        for kind in KINDS:
            row[kind] = int(_hash(first, kind) - _hash(image, kind))
        row["same_picture"] = row["phash"] <= SAME
        rows.append(row)
    return pd.DataFrame(rows, columns=["second_photo", *KINDS, "same_picture"])
