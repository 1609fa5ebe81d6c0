"""The sun's position (astral) and the shadow it casts, for a place and a moment.

astral (NOAA's solar equations, pure Python, no dependencies, no download) is used rather
than pysolar (which needs numpy) or skyfield (which downloads an ephemeris): the two agree
within 0.02°, far below what a shadow in a photo can be measured to. Elevation includes
atmospheric refraction, as the shadow one sees does.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from .._i18n import _
from ..exceptions import ImageError


def _coordinates(latitude: Any, longitude: Any) -> tuple[float, float]:
    if isinstance(latitude, (pd.Series, pd.DataFrame)) or isinstance(
            longitude, (pd.Series, pd.DataFrame)):
        raise ImageError(_(
            "Latitude and longitude must be one number each, but a column of a table was "
            "given: a row filtered from a table is still a table. Take the photo's own "
            "record, photo = images.metadata(\"name.jpg\"), and give photo[\"latitude\"] "
            "and photo[\"longitude\"]."), value=(latitude, longitude))
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise ImageError(_(
            "Latitude and longitude are decimal degrees (numbers), for example 43.2383, "
            "76.9455; got {lat!r}, {lon!r}.").format(lat=latitude, lon=longitude),
            value=(latitude, longitude)) from None
    if not -90 <= lat <= 90:
        hint = (_(" It looks like a longitude: are latitude and longitude swapped?")
                if -180 <= lat <= 180 and -90 <= lon <= 90 else "")
        raise ImageError(_(
            "Latitude {lat} is outside -90..90 (north positive, south negative).").format(
                lat=lat) + hint, value=(latitude, longitude))
    if not -180 <= lon <= 180:
        raise ImageError(_(
            "Longitude {lon} is outside -180..180 (east positive, west negative).").format(
                lon=lon), value=(latitude, longitude))
    return lat, lon


def _without_date(text: str) -> bool:
    """Does ``text`` give a time but no date? Read twice with two different default days: a
    text that names its day reads the same both times ("14:10:05+0600" does not).

    Example:
        >>> _without_date("14:10:05+0600"), _without_date("2024-11-07 14:10:05+0600")
        (True, False)
    """
    from dateutil import parser

    try:
        one = parser.parse(text, default=datetime(1900, 1, 1))
        two = parser.parse(text, default=datetime(1901, 2, 2))
    except (ValueError, OverflowError):
        return False  # not a time at all: said below
    return one.date() != two.date()


def utc(when: Any) -> datetime:
    """``when`` (text with an offset, a datetime or Timestamp with a zone) as UTC."""
    if isinstance(when, str) and _without_date(when):
        # pandas reads a time alone ("08:10:05") as that time today: the sun of the wrong day
        raise ImageError(_(
            "{when!r} has no date: a time alone would be read as today, and the sun is "
            "computed for the wrong day. Write the date too, with the offset, for example "
            "\"2024-11-07T14:10:05+06:00\", or give a photo's images.metadata(...)[\"taken_utc\"]."
        ).format(when=when), value=when)
    try:
        stamp = pd.Timestamp(when)
    except (TypeError, ValueError):
        stamp = None
    if stamp is None or pd.isna(stamp):
        raise ImageError(_(
            "{when!r} is not a time. Write it with its offset, for example "
            "\"2024-11-07T14:10:05+06:00\", or in UTC with a Z: \"2024-11-07T08:10:05Z\"."
        ).format(when=when), value=when)
    if stamp.tzinfo is None:
        raise ImageError(_(
            "{when} has no time zone, so the sun's position cannot be known: the same clock "
            "time is hours apart in Almaty (+05:00) and Bishkek (+06:00). Add the offset, "
            "for example \"{example}+06:00\" (a photo's OffsetTimeOriginal), or give UTC with "
            "a Z (images.metadata(...)[\"taken_utc\"])."
        ).format(when=stamp, example=stamp.strftime("%Y-%m-%dT%H:%M:%S")), value=when)
    return stamp.tz_convert("UTC").to_pydatetime()


def _position(lat: float, lon: float, moment: datetime) -> tuple[float, float]:
    from astral import Observer
    from astral.sun import azimuth, elevation

    observer = Observer(latitude=lat, longitude=lon)
    return elevation(observer, moment, with_refraction=True), azimuth(observer, moment)


def _height(height: Any) -> float:
    try:
        value = float(height)
    except (TypeError, ValueError):
        value = float("nan")
    if not value > 0:
        raise ImageError(_(
            "The height of the object casting the shadow is in metres and above 0, for "
            "example height=3.0; got {given!r}.").format(given=height), value=height)
    return value


def position(latitude: Any, longitude: Any, when: Any, height: Any = 1.0) -> pd.Series:
    """The sun and the shadow of an upright object ``height`` metres tall."""
    lat, lon = _coordinates(latitude, longitude)
    moment, tall = utc(when), _height(height)
    elevation, azimuth = _position(lat, lon, moment)
    up = elevation > 0
    length = tall / math.tan(math.radians(elevation)) if up else float("inf")
    return pd.Series({
        "when_utc": pd.Timestamp(moment), "latitude": lat, "longitude": lon,
        "elevation": round(elevation, 2), "azimuth": round(azimuth, 2),
        "shadow_bearing": round((azimuth + 180) % 360, 2) if up else float("nan"),
        "height": tall, "shadow_length": round(length, 2) if up else float("inf"),
        "note": "" if up else _("the sun is below the horizon: no shadow from the sun"),
    }, name="sun")


def _angle(a: float, b: float) -> float:
    return abs((a - b + 180) % 360 - 180)


def check(latitude: Any, longitude: Any, when: Any, height: Any, length: Any,
          bearing: Any, bearing_tolerance: float = 10.0, length_tolerance: float = 0.15
          ) -> pd.Series:
    """Does a measured shadow fit the claimed time? And which time of that day does it fit?"""
    lat, lon = _coordinates(latitude, longitude)
    tall = _height(height)
    try:
        seen_length, seen_bearing = float(length), float(bearing) % 360
    except (TypeError, ValueError):
        raise ImageError(_(
            "The measured shadow is a length in metres and a bearing in degrees from north "
            "(clockwise); got length={length!r}, bearing={bearing!r}.").format(
                length=length, bearing=bearing), value=(length, bearing)) from None
    claimed = position(lat, lon, when, tall)
    moment = utc(when)
    # the local day around the claim: every minute from 12 hours before to 12 after
    best, best_score = None, float("inf")
    start = moment - timedelta(hours=12)
    for minute in range(0, 24 * 60):
        at = start + timedelta(minutes=minute)
        elevation, azimuth = _position(lat, lon, at)
        if elevation <= 0.5:
            continue
        expected = tall / math.tan(math.radians(elevation))
        score = ((_angle((azimuth + 180) % 360, seen_bearing) / bearing_tolerance) ** 2
                 + ((expected - seen_length) / (seen_length * length_tolerance)) ** 2)
        if score < best_score:
            best, best_score = at, score
    bearing_off = (_angle(claimed["shadow_bearing"], seen_bearing)
                   if not math.isnan(claimed["shadow_bearing"]) else 180.0)
    length_off = (abs(claimed["shadow_length"] - seen_length) / seen_length
                  if math.isfinite(claimed["shadow_length"]) else float("inf"))
    fits = bearing_off <= bearing_tolerance and length_off <= length_tolerance
    fit_position = position(lat, lon, best, tall) if best is not None else None
    return pd.Series({
        "claimed_utc": pd.Timestamp(moment), "sun_azimuth": claimed["azimuth"],
        "sun_elevation": claimed["elevation"],
        "expected_bearing": claimed["shadow_bearing"],
        "expected_length": claimed["shadow_length"],
        "measured_bearing": round(seen_bearing, 2), "measured_length": round(seen_length, 2),
        "bearing_off": round(bearing_off, 1),
        "length_off_percent": round(100 * length_off, 1) if math.isfinite(length_off)
        else float("inf"),
        "fits": bool(fits),
        "fits_utc": pd.Timestamp(best).floor("min") if best is not None else pd.NaT,
        "sun_azimuth_then": fit_position["azimuth"] if fit_position is not None
        else float("nan"),
    }, name="shadow")


def measure(base: Any, tip: Any, pixels_per_metre: Any) -> pd.Series:
    """Length (m) and bearing (° from north) of a shadow in a picture taken straight down,
    north up, from the pixel of the object's foot (``base``) to the shadow's end (``tip``)."""
    try:
        (bx, by), (tx, ty) = ((float(v) for v in base), (float(v) for v in tip))
        scale = float(pixels_per_metre)
    except (TypeError, ValueError):
        raise ImageError(_(
            "base and tip are pixels [x, y] as a picture counts them, x to the right and y "
            "down: each a list of two numbers, for example base=[330, 230], tip=[195, 117]; "
            "pixels_per_metre is a number. Got base={base!r}, tip={tip!r}.").format(
                base=base, tip=tip), value=(base, tip)) from None
    if not scale > 0:
        raise ImageError(_("pixels_per_metre must be above 0; got {scale}.").format(
            scale=pixels_per_metre), value=pixels_per_metre)
    dx, dy = tx - bx, ty - by
    bearing = math.degrees(math.atan2(dx, -dy)) % 360  # y grows downwards: north is -y
    return pd.Series({"length": round(math.hypot(dx, dy) / scale, 2),
                      "bearing": round(bearing, 1)}, name="shadow")

