"""A folium map that needs nothing from the internet: Leaflet and jQuery inlined, no tiles.

folium's own map links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs and draws tiles
from a tile server; offline it stays blank. This map writes the Leaflet and jQuery files of
the xstatic packages into the page itself (its marker pictures as ``data:`` addresses), asks
for none of the rest, and draws its basemap from ``central-asia.geojson`` beside this file.
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from pathlib import Path
from typing import ClassVar

import folium
from branca.element import Element, Figure

BASEMAP = Path(__file__).with_name("central-asia.geojson")


@cache
def assets() -> str:
    """The ``<style>`` and ``<script>`` elements a Leaflet map needs, inlined."""
    import xstatic.pkg.jquery as jquery
    import xstatic.pkg.leaflet as leaflet

    base = Path(leaflet.BASE_DIR)

    def data_url(name: str) -> str:
        encoded = base64.b64encode((base / "images" / name).read_bytes()).decode("ascii")
        return f"data:image/png;base64,{encoded}"

    css = (base / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(r"url\(images/([\w-]+\.png)\)", lambda m: f"url({data_url(m[1])})", css)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=.*", "", js)
    jq = (Path(jquery.BASE_DIR) / "jquery.min.js").read_text(encoding="utf-8")
    jq = re.sub(r"//# sourceMappingURL=.*", "", jq)
    icons = {"iconUrl": data_url("marker-icon.png"),
             "iconRetinaUrl": data_url("marker-icon-2x.png"),
             "shadowUrl": data_url("marker-shadow.png")}
    fix = ("L.Icon.Default.imagePath = '';\n"
           f"L.Icon.Default.mergeOptions({json.dumps(icons)});")
    return (f"<style>{css}</style>\n<script>{js}</script>\n<script>{jq}</script>\n"
            f"<script>{fix}</script>")


class OfflineMap(folium.Map):
    """A ``folium.Map`` whose page loads nothing from outside (no CDN, no tiles)."""

    default_js: ClassVar[list] = []  # no CDN scripts: assets() inlines what is needed
    default_css: ClassVar[list] = []

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if isinstance(figure, Figure) and "osintlab_offline" not in figure.header._children:
            figure.header.add_child(Element(assets()), name="osintlab_offline", index=0)
        super().render(**kwargs)


@cache
def _basemap() -> dict:
    return json.loads(BASEMAP.read_text(encoding="utf-8"))


def new_map(center: tuple[float, float], zoom: int) -> OfflineMap:
    """An offline map with the region's country outlines and main cities drawn on it."""
    m = OfflineMap(location=list(center), zoom_start=zoom, tiles=None,
                   control_scale=True, prefer_canvas=False)
    data = _basemap()
    countries = {"type": "FeatureCollection",
                 "features": [f for f in data["features"] if f["properties"]["kind"] == "country"]}
    folium.GeoJson(
        countries, name="borders",
        style_function=lambda _: {"color": "#6b6b6b", "weight": 1, "fillColor": "#f1ede4",
                                  "fillOpacity": 1},
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(m)
    for feature in data["features"]:
        if feature["properties"]["kind"] == "city":
            lon, lat = feature["geometry"]["coordinates"]
            folium.CircleMarker([lat, lon], radius=2, color="#555555", fill=True,
                                fill_opacity=1, tooltip=feature["properties"]["name"]).add_to(m)
    return m
