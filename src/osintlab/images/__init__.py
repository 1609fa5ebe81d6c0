"""Images and places: what a photo's metadata says, which photos are the same, where the sun was.

One call per question, pandas out:

- :func:`metadata` reads one photo's EXIF into a tidy record: camera (make, model, serial),
  the program that saved it, when it was taken (``taken_local`` is EXIF's
  ``DateTimeOriginal``, a clock time; with ``OffsetTimeOriginal`` it becomes ``taken_utc``),
  when the file was saved (``DateTime``), the GPS position in signed decimal degrees (south
  and west negative), and ``flags`` that say, with reasons, what does not hold together
  (stripped, no GPS, no offset, edited).
- :func:`folder` does the same for every photo of a folder: one row each.
- :func:`groups` finds the same picture re-posted: a perceptual hash (imagehash's phash)
  survives recompression and resizing, so copies land in one group; a crop or a turn
  changes what the hash sees, and :func:`compare` shows by how much.
- :func:`sun` gives the sun's elevation and azimuth for a place and a moment, and the
  shadow an upright object casts: it points away from the sun (bearing = azimuth + 180°)
  and is ``height / tan(elevation)`` long. :func:`check_shadow` says whether a measured
  shadow fits the time a photo claims, and which time of that day it does fit;
  :func:`measure_shadow` reads a shadow's length and bearing off a picture taken from above.

Example:
    >>> from osintlab import images
    >>> photo = images.metadata("IMG_0233.jpg")
    >>> photo["latitude"], photo["longitude"], photo["offset"]
    (43.238292, 76.945464, '+05:00')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from . import _exif, _hashes, _sun

__all__ = ["check_shadow", "compare", "folder", "groups", "measure_shadow", "metadata", "sun"]


def metadata(photo: str | Path) -> pd.Series:
    """One photo's metadata as a record (a pandas Series): camera, times, GPS, flags.

    ``photo`` is a path, or the name of a photo in the course's ``photos`` dataset.

    Example:
        >>> record = metadata("IMG_0233.jpg")
        >>> record["model"], bool(record["edited"])
        ('iPhone 13', False)
    """
    return pd.Series(_exif.record(photo), name=Path(str(photo)).name)


def folder(where: str | Path | list | None = None) -> pd.DataFrame:
    """The metadata of every photo in a folder (default: the ``photos`` dataset), one row each.

    ``where`` is a folder, a dataset's name, or a list of photos.

    Example:
        >>> table = folder()
        >>> table.loc[table["file"] == "product_07.jpg", "flags"].item()[:8]
        'no EXIF:'
    """
    rows = [_exif.record(path) for path in _exif.files_of(where)]
    return pd.DataFrame(rows, columns=_exif.COLUMNS)


def groups(where: str | Path | list | None = None, max_distance: int = _hashes.SAME
           ) -> pd.DataFrame:
    """The photos grouped by their looks: one row per photo, copies of a picture share ``group``.

    Two photos are one picture when their 64-bit perceptual hashes (phash) differ in at most
    ``max_distance`` bits; ``distance`` is each photo's from the first of its group. Groups
    with copies come first; ``copies`` is 1 for a photo alone.

    Example:
        >>> table = groups(["IMG_0233.jpg", "DSC_0101.jpg"])
        >>> table["copies"].tolist()
        [1, 1]
    """
    return _hashes.cluster(_exif.files_of(where), max_distance)


def compare(first: str | Path, second: str | Path) -> pd.DataFrame:
    """How far apart two photos are for each hash (ahash, phash, dhash, whash).

    The second photo is also tried turned and mirrored: a rotated copy is far apart as it
    is, and near once turned back.

    Example:
        >>> compare("IMG_0233.jpg", "IMG_0233.jpg").loc[0, "phash"]
        np.int64(0)
    """
    return _hashes.compare(_exif.find(first), _exif.find(second))


def sun(latitude: float, longitude: float, when: Any, height: float = 1.0) -> pd.Series:
    """The sun at a place and moment, and the shadow of an upright object ``height`` m tall.

    ``when`` must carry its time zone: ``"2024-11-06T11:30:05+06:00"``, a UTC time with
    ``Z``, or a photo's ``taken_utc``. ``azimuth`` is where the sun is (degrees from north,
    clockwise); ``shadow_bearing`` is where the shadow points, the opposite way.

    Example:
        >>> s = sun(42.8687, 74.6044, "2024-11-06T11:30:05+06:00", height=3.0)
        >>> round(s["elevation"]), round(s["azimuth"]), round(s["shadow_bearing"])
        (29, 159, 339)
    """
    return _sun.position(latitude, longitude, when, height)


def check_shadow(latitude: float, longitude: float, when: Any, height: float, length: float,
                 bearing: float) -> pd.Series:
    """Does a shadow measured in a photo fit the time the photo claims?

    ``length`` (m) and ``bearing`` (° from north) are the shadow's as measured; ``fits`` says
    whether the claimed time gives that shadow (within 10° and 15 %), ``fits_utc`` the time of
    that day that gives it best, and ``sun_azimuth`` the sun's azimuth at the claimed time.

    Example:
        >>> s = sun(43.2383, 76.9455, "2024-06-21T13:00:00+05:00", height=3.0)
        >>> check_shadow(43.2383, 76.9455, "2024-06-21T13:00:00+05:00", 3.0,
        ...              s["shadow_length"], s["shadow_bearing"])["fits"]
        True
    """
    return _sun.check(latitude, longitude, when, height, length, bearing)


def measure_shadow(base: Any, tip: Any, pixels_per_metre: float) -> pd.Series:
    """A shadow's length (m) and bearing (°) in a picture taken from above with north up.

    ``base`` is the pixel [x, y] where the object stands, ``tip`` where its shadow ends:
    each a list of two numbers (a tuple works too).

    Example:
        >>> measure_shadow([100, 100], [100, 40], 20).tolist()
        [3.0, 0.0]
    """
    return _sun.measure(base, tip, pixels_per_metre)
