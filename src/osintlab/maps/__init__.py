"""Places on a map that works offline, and the distance between two of them.

- :func:`show` puts points (a table from ``images.folder()``, a dict of name → [lat, lon], or
  a list of points) on a map of Central Asia, and draws lines between pairs of them, each
  labelled with its length.
- :func:`distance` is the great-circle distance in kilometres (the haversine formula, mean
  Earth radius 6371.0088 km): how far apart a claimed place and a photo's GPS are.
- :func:`region` is the empty map, for adding your own folium layers; :func:`save` writes a
  map to one HTML file that opens anywhere.

The maps load nothing from the internet: Leaflet and jQuery come from the xstatic packages
and are written into the page, and instead of tiles from a tile server the basemap is drawn
from ``central-asia.geojson`` shipped here: the five Central Asian states' outlines from
Natural Earth's 1:110m Admin 0 countries (public domain; as in pyogrio's test fixture
``naturalearth_lowres``, rounded to 0.001°) and nine cities' approximate centres. It is a
sketch for orientation, not a street map: positions are judged by their coordinates.

A point is [latitude, longitude] in decimal degrees, south and west negative: a list of two
numbers, as module m00 teaches (a tuple works too). :func:`distance` also takes the four
numbers one after the other.

Example:
    >>> from osintlab import maps
    >>> round(maps.distance([43.2383, 76.9455], [42.8747, 74.5698]))
    197
    >>> round(maps.distance(43.2383, 76.9455, 42.8747, 74.5698))
    197
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from .._i18n import N_, _
from ..exceptions import ImageError

__all__ = ["distance", "region", "save", "show"]

#: Mean Earth radius (IUGG), km.
EARTH_KM = 6371.0088
#: Where :func:`region` looks by default: the middle of Central Asia.
CENTRE = (43.0, 66.0)


def _point(value: Any, what: str = N_("point")) -> tuple[float, float]:
    """(latitude, longitude) from a list or pair, checked, with a hint when they look swapped."""
    try:
        lat, lon = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ImageError(_(
            "A {what} is [latitude, longitude]: a list of two numbers in decimal degrees, for "
            "example [43.2383, 76.9455]; got {given!r}.").format(what=_(what), given=value),
            value=value) from None
    if math.isnan(lat) or math.isnan(lon):
        raise ImageError(_("The {what} {given!r} has no position (NaN): the photo may have no "
                           "GPS.").format(what=_(what), given=value), value=value)
    if not -90 <= lat <= 90:
        hint = (_(" It looks like a longitude: are latitude and longitude swapped?")
                if -90 <= lon <= 90 else "")
        raise ImageError(_(
            "Latitude {lat} is outside -90..90 (north positive, south negative).").format(
                lat=lat) + hint, value=value)
    if not -180 <= lon <= 180:
        raise ImageError(_(
            "Longitude {lon} is outside -180..180 (east positive, west negative).").format(
                lon=lon), value=value)
    return lat, lon


def distance(a: Any, b: Any, c: Any = None, d: Any = None) -> float:
    """Kilometres between two points along the Earth's surface.

    Give two points, each [latitude, longitude] (a list, or a pair), or the four numbers
    latitude, longitude of the first, latitude, longitude of the second.

    Example:
        >>> round(distance([43.238292, 76.945464], [51.128208, 71.430411]), 1)
        970.6
        >>> round(distance(43.238292, 76.945464, 51.128208, 71.430411), 1)
        970.6
    """
    if c is not None or d is not None:
        if c is None or d is None:
            raise ImageError(_(
                "distance() takes two points, each [latitude, longitude], or four numbers "
                "(latitude, longitude of the first, then of the second); got three values: "
                "{a!r}, {b!r}, {c!r}.").format(a=a, b=b, c=c if c is not None else d),
                value=(a, b, c, d))
        a, b = [a, b], [c, d]
    elif isinstance(a, (int, float)) or isinstance(b, (int, float)):
        raise ImageError(_(
            "distance() got two numbers, {a!r} and {b!r}: that is one point. Give two points, "
            "each [latitude, longitude], for example distance([43.2383, 76.9455], "
            "[51.1282, 71.4304]).").format(a=a, b=b), value=(a, b))
    (lat1, lon1), (lat2, lon2) = _point(a), _point(b)
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def region(center: tuple[float, float] = CENTRE, zoom: int = 5) -> Any:
    """An empty offline map of Central Asia (a ``folium.Map``) to add your own layers to.

    Example:
        >>> m = region()
        >>> "cdn." in m.get_root().render()
        False
    """
    from ._offline import new_map

    return new_map(_point(center, N_("centre")), zoom)


def _points(points: Any) -> list[tuple[str, float, float]]:
    """(label, lat, lon) from a table, a dict or a list; rows without a position skipped."""
    import pandas as pd

    found: list[tuple[str, float, float]] = []
    if isinstance(points, pd.DataFrame):
        if not {"latitude", "longitude"} <= set(points.columns):
            raise ImageError(_(
                "The table needs columns 'latitude' and 'longitude' (images.folder() gives "
                "them); it has: {columns}.").format(columns=", ".join(map(str, points.columns))),
                value=list(points.columns))
        label = next((c for c in ("label", "file", "name") if c in points.columns), None)
        for index, row in points.iterrows():
            if pd.notna(row["latitude"]) and pd.notna(row["longitude"]):
                lat, lon = _point((row["latitude"], row["longitude"]))
                found.append((str(row[label]) if label else str(index), lat, lon))
    elif isinstance(points, dict):
        found = [(str(k), *_point(v)) for k, v in points.items()]
    elif isinstance(points, (list, tuple)):
        for number, item in enumerate(points, start=1):
            if isinstance(item, (list, tuple)) and len(item) == 3:
                found.append((str(item[2]), *_point(item[:2])))
            else:
                found.append((str(number), *_point(item)))
    else:
        raise ImageError(_(
            "show() takes the points as a table with latitude and longitude (images.folder()), "
            "a dict {{name: [lat, lon]}} or a list of [lat, lon]; got {kind}.").format(
                kind=type(points).__name__), value=points)
    if not found:
        raise ImageError(_("None of the points has a position: nothing to show (are these "
                           "photos without GPS?)."), value=points)
    return found


def _inside(lat: float, lon: float, ring: list[list[float]]) -> bool:
    """Is the point inside the polygon ring ([lon, lat] corners)? Ray casting."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _far_notes(places: list[tuple[str, float, float]]) -> list[str]:
    """A note for each point outside the five countries: a swap or a lost minus sign?"""
    from ._offline import _basemap

    features = _basemap()["features"]
    rings = [f["geometry"]["coordinates"][0] for f in features
             if f["properties"].get("kind") == "country"]
    cities = [(f["properties"]["name"], f["geometry"]["coordinates"][1],
               f["geometry"]["coordinates"][0])
              for f in features if f["properties"].get("kind") == "city"]
    notes = []
    for label, lat, lon in places:
        if any(_inside(lat, lon, ring) for ring in rings):
            continue
        km, city = min((distance([lat, lon], [clat, clon]), name) for name, clat, clon in cities)
        notes.append(_(
            "Note: {label} at [{lat}, {lon}] is outside the five Central Asian countries of "
            "this map, {km:.0f} km from its nearest city ({city}). If you meant a place in "
            "Central Asia, check the order [latitude, longitude] and the minus signs (S and W "
            "are negative).").format(label=label, lat=lat, lon=lon, km=km, city=city))
    return notes


def show(points: Any, lines: list | None = None, zoom: int | None = None) -> Any:
    """A map with a marker per point and a line per pair, each line with its length in km.

    ``lines`` is a list of lines, each a list of two points, given by their labels or as
    [latitude, longitude]. A point outside the five Central Asian countries gets a printed
    note: a swapped pair or a lost minus sign puts a place elsewhere, and it is still valid.

    Example:
        >>> m = show({"Almaty": [43.238292, 76.945464], "Astana": [51.128208, 71.430411]},
        ...          lines=[["Almaty", "Astana"]])
        >>> "970.6 km" in m.get_root().render()
        True
    """
    import folium

    places = _points(points)
    for note in _far_notes(places):
        print(note)
    named = {label: (lat, lon) for label, lat, lon in places}
    lats, lons = [p[1] for p in places], [p[2] for p in places]
    centre = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    m = region(centre, zoom or 6)
    for label, lat, lon in places:
        folium.Marker([lat, lon], tooltip=f"{label}: {lat:.6f}, {lon:.6f}",
                      popup=folium.Popup(f"{label}<br>{lat:.6f}, {lon:.6f}")).add_to(m)
    for pair in lines or []:
        try:
            a, b = pair
        except (TypeError, ValueError):
            raise ImageError(_("Each line is a list of two points, for example "
                               "[\"Photo GPS\", \"Claimed\"]; got {given!r}.").format(
                                   given=pair), value=pair) from None
        ends = [named[end] if isinstance(end, str) and end in named else _point(end, N_("line end"))
                for end in (a, b)]
        km = distance(*ends)
        folium.PolyLine(ends, color="#c0392b", weight=3,
                        tooltip=_("{km:.1f} km").format(km=km)).add_to(m)
    if zoom is None and len(places) > 1:
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30))
    return m


def save(m: Any, path: str | Path) -> Path:
    """Write the map to one HTML file that needs nothing else (open it in any browser).

    Example:
        >>> import tempfile, pathlib
        >>> target = save(region(), pathlib.Path(tempfile.mkdtemp()) / "map.html")
        >>> target.stat().st_size > 100_000
        True
    """
    target = Path(path)
    if target.suffix.lower() not in (".html", ".htm"):
        raise ImageError(_("A map is saved as a web page: give a name ending in .html, for "
                           "example save(m, \"places.html\"); got {path!r}.").format(
                               path=str(path)), path=str(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    m.save(str(target))
    return target
