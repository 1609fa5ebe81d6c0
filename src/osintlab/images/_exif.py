"""A photo's EXIF as one tidy record: decimal GPS, times with their offset, camera, flags."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from .._i18n import _
from ..exceptions import ImageError

#: Editing programs whose name in ``Software`` is a trace of editing. Any other value may be a
#: phone's system version ("17.1.2") or a camera's firmware ("Ver.1.10"): a flag to check,
#: never a conclusion (a defence would show an untouched camera original called "edited").
EDITORS = re.compile(
    r"photo ?shop|lightroom|gimp|snapseed|photo ?editor|picsart|pixelmator|affinity|"
    r"paint\.net|vsco|canva|facetune|meitu|capture one|luminar|photoscape|fotor|"
    r"\beditor\b", re.I)

#: The columns of a record, in the order a table shows them.
COLUMNS = ["file", "make", "model", "serial", "software", "taken_local", "offset",
           "taken_utc", "modified", "latitude", "longitude", "gps_refs", "width", "height",
           "sha256", "edited", "flags"]
SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".webp")


def find(photo: str | Path) -> Path:
    """The file of ``photo``: a path, or a name in the course's ``photos`` dataset."""
    if not isinstance(photo, (str, Path)) or not str(photo).strip():
        raise ImageError(_(
            "Give the photo as a file name or path, for example "
            "images.metadata(\"IMG_0233.jpg\"); got {given}.").format(given=repr(photo)[:80]),
            value=photo)
    path = Path(photo)
    if path.is_file():
        return path
    from .. import datasets

    try:
        here = datasets.path("photos")
    except Exception:  # no datasets folder at all: say what was looked for
        here = None
    if here is not None and (here / path.name).is_file() and path.parent == Path("."):
        return here / path.name
    near = sorted(p.name for p in here.iterdir()) if here is not None else []
    hint = [n for n in near if n.lower()[:6] == path.name.lower()[:6]] or near[:8]
    raise ImageError(_(
        "There is no photo {photo!r}: not as a path from this folder, nor in the photos "
        "dataset. Check the spelling; photos there include: {names}."
    ).format(photo=str(photo), names=", ".join(hint) or "-"), path=str(photo))


def _ratio(value: Any) -> float:
    return float(value.num) / float(value.den) if value.den else float("nan")


def _decimal(tags: dict, which: str) -> tuple[float | None, str | None]:
    """Degrees, minutes, seconds and the hemisphere letter -> signed decimal degrees."""
    dms = tags.get(f"GPS GPS{which}")
    if dms is None:
        return None, None
    parts = [_ratio(v) for v in dms.values] + [0.0, 0.0]
    value = parts[0] + parts[1] / 60 + parts[2] / 3600
    ref = str(tags.get(f"GPS GPS{which}Ref", "")).strip().upper()[:1] or None
    return (-value if ref in ("S", "W") else value), ref


def _time(text: str | None) -> pd.Timestamp | None:
    """EXIF's ``2024:11:09 18:12:04`` as a timestamp without a zone (None if unreadable)."""
    if not text or not text.strip(" \x00:0"):
        return None
    try:
        return pd.Timestamp(pd.to_datetime(text.strip(), format="%Y:%m:%d %H:%M:%S"))
    except (ValueError, TypeError):
        return None


def _offset(text: str | None) -> timedelta | None:
    if not text or len(text) < 6 or text[0] not in "+-":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    sign = -1 if text[0] == "-" else 1
    return sign * timedelta(hours=hours, minutes=minutes)


def record(photo: str | Path) -> dict[str, Any]:
    """The metadata of one photo as a plain dict (the columns of :data:`COLUMNS`)."""
    import exifread
    from PIL import Image, UnidentifiedImageError

    path = find(photo)
    raw = path.read_bytes()
    try:
        with Image.open(io.BytesIO(raw)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError) as error:
        raise ImageError(_(
            "{file} is not a picture this library can open ({error}). Is it a photo, or a "
            "page or archive saved with a picture's name?").format(file=path.name, error=error),
            path=str(path)) from error
    tags = exifread.process_file(io.BytesIO(raw), details=False)

    def tag(name: str) -> str | None:
        value = tags.get(name)
        text = str(value).strip() if value is not None else ""
        return text or None

    latitude, lat_ref = _decimal(tags, "Latitude")
    longitude, lon_ref = _decimal(tags, "Longitude")
    original_text = tag("EXIF DateTimeOriginal")
    original, modified = _time(original_text), _time(tag("Image DateTime"))
    offset_text = tag("EXIF OffsetTimeOriginal")
    offset = _offset(offset_text)
    software = tag("Image Software")
    flags: list[str] = []
    edited = False
    if not tags:
        flags.append(_("no EXIF: stripped (platforms and messengers remove it when they "
                       "re-post a photo)"))
    else:
        if latitude is None or longitude is None:
            flags.append(_("no GPS position"))
        elif lat_ref is None or lon_ref is None:
            flags.append(_("GPS without its N/S or E/W letter: the sign is a guess (taken "
                           "as N and E)"))
        if original is None:
            flags.append(_("no DateTimeOriginal: when it was taken is unknown"))
        elif offset is None:
            flags.append(_("no OffsetTimeOriginal: DateTimeOriginal is a local time in an "
                           "unknown time zone"))
        if software and EDITORS.search(software):
            edited = True
            flags.append(_("edited: Software is {software!r} (an editing program wrote the "
                           "file after the camera)").format(software=software))
        elif software:  # phones write their system version here, cameras their firmware
            flags.append(_("Software is {software!r}: phones and cameras write their system "
                           "or firmware version here too, so this alone is no sign of editing; "
                           "find out which program it is").format(software=software))
        if original is not None and modified is not None and modified > original:
            edited = True
            flags.append(_("edited: DateTime {modified} is after DateTimeOriginal {original} "
                           "(the file was saved again later)").format(
                               modified=modified, original=original))
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        flags.append(_("GPS out of range: latitude {lat}, longitude {lon}").format(
            lat=latitude, lon=longitude))
    taken_utc = (pd.Timestamp(original - offset, tz="UTC")
                 if original is not None and offset is not None else None)
    return {
        "file": path.name, "make": tag("Image Make"), "model": tag("Image Model"),
        "serial": tag("EXIF BodySerialNumber") or tag("MakerNote SerialNumber"),
        "software": software, "taken_local": original, "offset": offset_text,
        "taken_utc": taken_utc, "modified": modified,
        "latitude": None if latitude is None else round(latitude, 6),
        "longitude": None if longitude is None else round(longitude, 6),
        "gps_refs": f"{lat_ref or '?'}/{lon_ref or '?'}" if latitude is not None else None,
        "width": width, "height": height,
        "sha256": "sha256:" + hashlib.sha256(raw).hexdigest(),
        "edited": edited, "flags": "; ".join(flags),
    }


def files_of(where: str | Path | list | tuple | None) -> list[Path]:
    """The photos of a folder (default: the photos dataset), or of a list of names/paths."""
    if isinstance(where, pd.DataFrame):
        # images.groups(photos): the setup's table given where a folder or names are meant
        raise ImageError(_(
            "This is a table, not a folder or a list of photos. For the whole folder give "
            "nothing, as in images.groups(); for some photos give a list of their names, "
            "like [\"listing_01.jpg\", \"offer_33.jpg\"]."))
    if isinstance(where, pd.Series):
        where = list(where)
    if isinstance(where, (list, tuple)):
        return [find(p) for p in where]
    if where is None:
        from .. import datasets

        folder = datasets.path("photos")
    else:
        folder = Path(where)
        if not folder.is_dir():
            from .. import datasets

            try:
                folder = datasets.path(str(where))
            except Exception:
                raise ImageError(_(
                    "{where!r} is not a folder. Give a folder of photos (for example "
                    "images.folder(\"photos\") for the course's dataset) or a list of "
                    "files.").format(where=str(where)), path=str(where)) from None
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    if not found:
        raise ImageError(_(
            "The folder {folder} holds no photos (files ending in {suffixes}).").format(
                folder=folder, suffixes=", ".join(SUFFIXES)), path=str(folder))
    return found
