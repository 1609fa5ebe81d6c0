"""Maps that work with no internet, and distances between places.

The offline test is real: the map is saved, served from 127.0.0.1 and opened in Debian's
headless Chromium (driven by Playwright), with every request that leaves 127.0.0.1 aborted
and recorded; the page must ask for nothing outside and show its markers, borders and line.
The same is done for the map as a notebook shows it (folium's iframe with the page inside).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from chromium import fence, needs_chromium, playwright_chromium
from conftest import ROOT

from osintlab import images, maps
from osintlab.exceptions import ImageError

TRUTH = yaml.safe_load((ROOT / "grading" / "world" / "ground-truth.yml").read_text("utf-8"))


# -- Distance ----------------------------------------------------------------------------

def test_the_distance_between_the_claimed_place_and_the_gps_is_the_ground_truths():
    """Does maps.distance give the ground truth's km for the edited photo's two places?"""
    fact = TRUTH["photos"]["claimed_vs_gps"]
    photo = images.metadata(fact["file"])
    km = maps.distance((photo["latitude"], photo["longitude"]), fact["claimed_gps"])
    assert round(km, 1) == fact["distance_km"]


def test_known_distances():
    """A quarter of the equator, and a degree of latitude, are what geography says?"""
    assert maps.distance((0, 0), (0, 90)) == pytest.approx(10_007.5, abs=0.5)
    assert maps.distance((43, 77), (44, 77)) == pytest.approx(111.2, abs=0.1)
    assert maps.distance((1, 2), (1, 2)) == 0


def test_the_traps_change_the_answer():
    """Would a lost minus sign or swapped coordinates give a very different distance?"""
    lifted = TRUTH["photos"]["listing_gps"]["listing_04.jpg"]
    almaty = (43.2383, 76.9455)
    right = maps.distance(lifted, almaty)
    assert abs(maps.distance([abs(v) for v in lifted], almaty) - right) > 5000
    fact = TRUTH["photos"]["claimed_vs_gps"]
    swapped = maps.distance(fact["exif_gps"][::-1], fact["claimed_gps"])
    assert abs(swapped - fact["distance_km"]) > 1000


def test_a_point_is_a_list_of_two_numbers_as_m00_taught():
    """Do lists (m00), tuples and four plain numbers all give the same distance?"""
    fact = TRUTH["photos"]["claimed_vs_gps"]
    (lat1, lon1), (lat2, lon2) = fact["exif_gps"], fact["claimed_gps"]
    as_lists = maps.distance([lat1, lon1], [lat2, lon2])
    assert round(as_lists, 1) == fact["distance_km"]
    assert maps.distance((lat1, lon1), (lat2, lon2)) == as_lists
    assert maps.distance(lat1, lon1, lat2, lon2) == as_lists


def test_two_numbers_or_three_are_explained():
    """Is one point given as two numbers, or a point short of a number, explained?"""
    with pytest.raises(ImageError, match=r"that is one point.*\[latitude, longitude\]"):
        maps.distance(41.31, 69.28)
    with pytest.raises(ImageError, match="got three values"):
        maps.distance(41.31, 69.28, 42.87)
    with pytest.raises(ImageError, match=r"\[latitude, longitude\]: a list of two numbers"):
        maps.distance([41.31], [42.87, 74.57])


def test_a_map_takes_lists_for_points_and_lines():
    """Does show() take a dict of [lat, lon] lists and lines as lists of two labels?"""
    m = maps.show({"Photo GPS": [41.311081, 69.279736], "Claimed": [42.874722, 74.569722]},
                  lines=[["Photo GPS", "Claimed"]])
    assert "469.7 km" in m.get_root().render()


def test_a_point_far_from_central_asia_gets_a_note_that_names_the_traps(capsys):
    """Does a lost minus sign or a swap, shown on the map, print a note naming both traps?"""
    lifted = TRUTH["photos"]["listing_gps"]["listing_04.jpg"]
    maps.show({"lost minus": [abs(v) for v in lifted], "swapped": [76.945464, 43.238292]})
    said = capsys.readouterr().out
    assert said.count("Note:") == 2
    assert "check the order [latitude, longitude] and the minus signs" in said
    maps.show({"Almaty": [43.238292, 76.945464], "Osh": [40.528311, 72.798539]})
    assert capsys.readouterr().out == ""


def test_of_the_case_photos_only_the_lifted_one_is_outside_central_asia(capsys):
    """Does the note fall on listing_04.jpg (Buenos Aires) alone, not on the case's own photos?"""
    maps.show(images.folder())
    said = capsys.readouterr().out
    assert said.count("Note:") == 1 and "listing_04.jpg" in said


def test_a_latitude_out_of_range_suggests_the_swap():
    """Does (76.9, 143.2) say that latitude and longitude look swapped?"""
    with pytest.raises(ImageError, match="swapped"):
        maps.distance((120.0, 43.2), (43.2, 76.9))


def test_a_point_without_gps_says_so():
    """Is a NaN position (a photo without GPS) named as such?"""
    with pytest.raises(ImageError, match="no GPS"):
        maps.distance((float("nan"), 1.0), (43.2, 76.9))


def test_show_refuses_a_table_without_coordinates():
    """Is a table without latitude/longitude refused, naming the columns it has?"""
    import pandas as pd

    with pytest.raises(ImageError, match="it has: file, x"):
        maps.show(pd.DataFrame({"file": ["a"], "x": [1]}))


def test_save_wants_an_html_name(tmp_path):
    """Does saving as .png say that a map is a web page?"""
    with pytest.raises(ImageError, match="ending in .html"):
        maps.save(maps.region(), tmp_path / "map.png")


# -- Offline -----------------------------------------------------------------------------

def test_the_page_links_nothing_outside():
    """Is there no <script src> or stylesheet link, and no tile layer, in the rendered page?"""
    page = maps.show(images.folder()).get_root().render()
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert "L.tileLayer(" not in page and "{z}" not in page


def test_the_basemap_is_central_asia_from_natural_earth():
    """Does the shipped GeoJSON hold the five states and say where the outlines come from?"""
    data = json.loads(Path(maps.__file__).with_name("central-asia.geojson").read_text())
    countries = {f["properties"]["iso_a3"] for f in data["features"]
                 if f["properties"]["kind"] == "country"}
    assert countries == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    assert "Natural Earth 1:110m" in data["source"] and "public domain" in data["source"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A folder on 127.0.0.1 (port 0) holding the saved map and a notebook-like page."""
    folder = tmp_path_factory.mktemp("maps")
    table = images.folder()
    with_gps = table.dropna(subset=["latitude"])
    fact = TRUTH["photos"]["claimed_vs_gps"]
    m = maps.show(with_gps, lines=[(fact["file"], fact["claimed_gps"])])
    maps.save(m, folder / "map.html")
    (folder / "notebook.html").write_text(
        "<html><body><h1>Notebook</h1>" + m._repr_html_() + "</body></html>", encoding="utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", with_gps
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright_chromium() as chromium:
        yield chromium


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    outside: list[str] = []
    requested: list[str] = []
    fence(context, outside)
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="load")
    return context, page, outside, requested, errors


@needs_chromium
@pytest.mark.slow
def test_the_saved_map_renders_offline_with_its_markers(served, browser):
    """In Chromium with the outside blocked: markers, borders and the line, nothing asked outside?"""
    base, with_gps = served
    context, page, outside, requested, errors = _open(browser, f"{base}/map.html")
    try:
        page.wait_for_selector(".leaflet-marker-icon", timeout=15_000)
        markers = page.locator(".leaflet-marker-icon")
        assert markers.count() == len(with_gps)
        assert all(src.startswith("data:image/png") for src in
                   markers.evaluate_all("els => els.map(e => e.getAttribute('src'))"))
        assert page.locator("path.leaflet-interactive").count() >= 5 + 1  # borders, the line
        assert page.evaluate("typeof L") == "object" and page.evaluate("typeof jQuery") == "function"
        markers.first.hover()
        assert page.locator(".leaflet-tooltip").count() >= 1
    finally:
        context.close()
    assert outside == [], f"the map asked outside 127.0.0.1: {outside}"
    assert errors == [], errors
    assert all(u.startswith((base, "data:")) for u in requested), requested


@needs_chromium
@pytest.mark.slow
def test_the_map_as_a_notebook_shows_it_renders_offline(served, browser):
    """folium's notebook view (an iframe with the page inside): markers, and nothing outside?"""
    base, with_gps = served
    context, page, outside, requested, errors = _open(browser, f"{base}/notebook.html")
    try:
        frame = page.frame_locator("iframe").first
        frame.locator(".leaflet-marker-icon").first.wait_for(timeout=15_000)
        assert frame.locator(".leaflet-marker-icon").count() == len(with_gps)
    finally:
        context.close()
    assert outside == [], f"the map asked outside 127.0.0.1: {outside}"
    assert errors == [], errors
