"""The m06 exercise's hidden checks hold the world's truth, so they cannot drift from it.

A graded kernel cannot read grading/, so the hidden checks of
notebooks/m06-images-and-places/06-exercise.ipynb embed their expected values. This test
reads them from the notebook and derives each one again from the ``photos:`` section of
grading/world/ground-truth.yml and from the photos themselves; they must agree.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import hidden_values

from osintlab import images, maps

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "notebooks" / "m06-images-and-places" / "06-exercise.ipynb"
TRUTH = yaml.safe_load((ROOT / "grading" / "world" / "ground-truth.yml").read_text("utf-8"))
PHOTOS = TRUTH["photos"]


@pytest.fixture(scope="module")
def hidden():
    return hidden_values(EXERCISE, ("check.equal", "check.approx"), every=True)


def test_hidden_checks_cover_every_task(hidden):
    assert set(hidden) == {"listing_03", "listing_04", "reposted", "turned", "turned_how", "shadow",
                           "verdict", "sun_azimuth", "shadow_fits", "edited_file",
                           "edited_taken", "edited_signs", "gps_point", "claim_km"}


def test_the_listing_points_are_the_truths_signed_decimals(hidden):
    """listing_04 south and west: both numbers negative, as the truth writes them."""
    assert hidden["listing_03"] == PHOTOS["listing_gps"]["listing_03.jpg"]
    assert hidden["listing_04"] == PHOTOS["listing_gps"]["listing_04.jpg"]
    assert all(value < 0 for value in hidden["listing_04"])


def test_the_reposts_are_the_truths_same_pictures_and_leave_out_the_missed_copies(hidden):
    (groups,) = hidden["reposted"]
    assert groups == sorted(sorted(group) for group in PHOTOS["same_picture"])
    found = {name for group in groups for name in group}
    assert not found & set(PHOTOS["copies_a_hash_misses"])
    table = images.groups()
    reposted = table[table["copies"] > 1]
    assert sorted(sorted(reposted[reposted["group"] == g]["file"])
                  for g in set(reposted["group"])) == groups


def test_the_turned_copy_is_the_truths_rotation(hidden):
    turned = next(name for name, fact in PHOTOS["copies_a_hash_misses"].items()
                  if fact["how"] == "rotate")
    original = PHOTOS["copies_a_hash_misses"][turned]["of"]
    table = images.compare(original, turned)
    assert hidden["turned"] == [list(table["phash"])]
    (row,) = hidden["turned_how"]  # the row's index, the same in every language
    assert list(table["same_picture"]).index(True) == row
    assert table["second_photo"][row] == "turned 90° right"


def test_the_shadow_and_the_sun_are_the_truths_contradicting_photo(hidden):
    fact = PHOTOS["shadows"][PHOTOS["shadow_contradicts"]]
    assert hidden["shadow"] == [fact["length_m"], fact["bearing"]]
    assert [pd.Timestamp(v) for v in hidden["verdict"]] == [pd.Timestamp(fact["claimed_utc"])]
    assert hidden["sun_azimuth"] == [fact["sun_azimuth_at_claim"]]
    assert hidden["shadow_fits"] == [fact["fits_claim"]] == [False]
    assert abs(fact["shadow_bearing_at_claim"] - fact["sun_azimuth_at_claim"]) == pytest.approx(180)


def test_the_edited_photo_is_the_truths_with_its_two_signs(hidden):
    edited = PHOTOS["edited"]
    assert hidden["edited_file"] == [edited["file"]]
    original = next(b for b in edited["because"] if b.startswith("DateTime "))
    taken = re.search(r"DateTimeOriginal (\S+ \S+)", original).group(1)
    assert hidden["edited_taken"] == [taken.replace(":", "-", 2)]
    # each reason of the truth names an EXIF tag; the answer names the table's column for it
    column = {"Software": "software", "DateTime": "modified"}
    signs = sorted(column[reason.split()[0].rstrip(":")] for reason in edited["because"])
    assert hidden["edited_signs"] == [signs]


def test_the_distance_is_the_truths_from_the_claim_to_the_gps(hidden):
    fact = PHOTOS["claimed_vs_gps"]
    assert fact["file"] == PHOTOS["edited"]["file"]
    assert hidden["gps_point"] == fact["exif_gps"]
    assert hidden["claim_km"] == [fact["distance_km"]]
    assert round(maps.distance(fact["claimed_gps"], hidden["gps_point"]), 1) == fact["distance_km"]
