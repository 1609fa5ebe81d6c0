"""Photos read as an investigator reads them: EXIF, copies, and the sun over the shadows.

The verbs of osintlab.images run on the committed photos of datasets/ and must give the
answers the world's ground truth (grading/world/ground-truth.yml, ``photos``) records; the
sun's position is checked against pysolar, a second implementation of other equations.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pandas as pd
import pytest
import yaml
from conftest import ROOT
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from osintlab import images
from osintlab.exceptions import ImageError

TRUTH = yaml.safe_load((ROOT / "grading" / "world" / "ground-truth.yml").read_text("utf-8"))
PHOTOS = TRUTH["photos"]
DATA = ROOT / "datasets" / "photos"


@pytest.fixture(scope="module")
def table():
    return images.folder()


def _photo(folder, name: str, lat: tuple, lat_ref: str | None, lon: tuple,
           lon_ref: str | None, **tags) -> str:
    """A small JPEG with GPS written as a phone writes it (degrees, minutes, seconds, letter)."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "TestCam", "Model 1"
    if "software" in tags:
        exif[0x0131] = tags["software"]
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = tags.get("original", "2024:11:01 12:00:00")
    if "offset" in tags:
        sub[0x9011] = tags["offset"]
    gps = exif.get_ifd(0x8825)
    gps[0] = b"\x02\x03\x00\x00"
    gps[2] = tuple(IFDRational(*(v if isinstance(v, tuple) else (v, 1))) for v in lat)
    gps[4] = tuple(IFDRational(*(v if isinstance(v, tuple) else (v, 1))) for v in lon)
    if lat_ref:
        gps[1] = lat_ref
    if lon_ref:
        gps[3] = lon_ref
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 200)).save(out, "JPEG", exif=exif.tobytes())
    path = folder / name
    path.write_bytes(out.getvalue())
    return str(path)


# -- Metadata ----------------------------------------------------------------------------

def test_the_listing_photos_give_their_decimal_coordinates_with_signs(table):
    """Are the listing photos' positions the ground truth's, south and west negative?"""
    rows = table.set_index("file")
    for name, (lat, lon) in PHOTOS["listing_gps"].items():
        assert rows.loc[name, "latitude"] == pytest.approx(lat, abs=1e-6), name
        assert rows.loc[name, "longitude"] == pytest.approx(lon, abs=1e-6), name
    assert rows.loc["listing_04.jpg", "gps_refs"] == "S/W"


@pytest.mark.parametrize(("lat_ref", "lon_ref", "signs"), [
    ("N", "E", (1, 1)), ("S", "W", (-1, -1)), ("N", "W", (1, -1)), ("S", "E", (-1, 1))])
def test_each_hemisphere_gives_its_sign(tmp_path, lat_ref, lon_ref, signs):
    """Does S or W make the decimal degrees negative, and only the one it belongs to?"""
    path = _photo(tmp_path, "x.jpg", (33, 52, (1234, 100)), lat_ref, (151, 12, (3600, 100)),
                  lon_ref)
    record = images.metadata(path)
    assert record["latitude"] == pytest.approx(signs[0] * (33 + 52 / 60 + 12.34 / 3600), abs=1e-6)
    assert record["longitude"] == pytest.approx(signs[1] * (151 + 12 / 60 + 36 / 3600), abs=1e-6)
    assert record["gps_refs"] == f"{lat_ref}/{lon_ref}"


def test_gps_without_its_letter_is_flagged(tmp_path):
    """Is a position without N/S or E/W read, and its sign said to be a guess?"""
    record = images.metadata(_photo(tmp_path, "noref.jpg", (10, 0, 0), None, (20, 0, 0), None))
    assert record["latitude"] == 10 and record["longitude"] == 20
    assert "sign is a guess" in record["flags"]


def test_times_with_and_without_an_offset(table):
    """Is taken_utc DateTimeOriginal minus OffsetTimeOriginal, and absent without an offset?"""
    rows = table.set_index("file")
    assert rows.loc["IMG_20241107_141005.jpg", "taken_local"] == pd.Timestamp("2024-11-07 14:10:05")
    assert rows.loc["IMG_20241107_141005.jpg", "taken_utc"] == pd.Timestamp(
        "2024-11-07 08:10:05", tz="UTC")
    assert rows.loc["IMG_0233.jpg", "taken_utc"] == pd.Timestamp("2024-10-27 07:05:44", tz="UTC")
    lifted = rows.loc["listing_04.jpg"]
    assert pd.isna(lifted["taken_utc"]) and pd.isna(lifted["offset"])
    assert "no OffsetTimeOriginal" in lifted["flags"]
    assert lifted["serial"] == "382051004417" and lifted["model"] == "Canon EOS 80D"


@pytest.mark.parametrize("software, edited", [
    ("17.1.2", False),              # an iPhone writes its iOS version
    ("Ver.1.10", False),            # a camera its firmware
    ("Adobe Photoshop 25.0 (Windows)", True),
    ("Snapseed 2.0", True),
])
def test_only_an_editing_program_in_software_makes_a_photo_edited(tmp_path, software, edited):
    """Is an untouched phone or camera original never called "edited" for its own version
    number, while an editing program's name still is?"""
    path = _photo(tmp_path, "one.jpg", (43, 15, 0), "N", (76, 55, 0), "E", software=software)
    record = images.metadata(path)
    assert bool(record["edited"]) is edited
    assert software in record["flags"]
    if not edited:
        assert "no sign of editing" in record["flags"]


def test_only_the_edited_photo_is_flagged_edited_and_the_flags_say_why(table):
    """Is the one edit found, with both reasons, and no other photo called edited?"""
    edited = table[table["edited"]]
    assert edited["file"].tolist() == [PHOTOS["edited"]["file"]]
    flags = edited["flags"].item()
    assert "Software is 'PhotoEditor Pro 3.2'" in flags
    assert "DateTime 2024-11-12 22:40:51 is after DateTimeOriginal 2024-11-09 18:12:04" in flags


def test_re_posted_copies_are_stripped(table):
    """Do the copies saved from platforms carry no EXIF, and say so?"""
    copies = {n for group in PHOTOS["same_picture"] for n in group
              if not n.startswith("listing_")}
    flags = table.set_index("file").loc[sorted(copies), "flags"]
    assert all(f.startswith("no EXIF: stripped") for f in flags)


def test_a_missing_photo_names_the_photos_there():
    """Does a misspelt name say that it is not there and list photos that are?"""
    with pytest.raises(ImageError, match=r"There is no photo 'listing_1.jpg'.*listing_01.jpg"):
        images.metadata("listing_1.jpg")


def test_a_file_that_is_no_picture_says_so(tmp_path):
    """Does a page saved with a .jpg name give a teaching error, not a PIL traceback?"""
    fake = tmp_path / "page.jpg"
    fake.write_text("<html>not a photo</html>")
    with pytest.raises(ImageError, match="is not a picture this library can open"):
        images.metadata(fake)


# -- Copies ------------------------------------------------------------------------------

def test_groups_find_the_re_posted_copies_and_nothing_else(table):
    """Are recompressed and resized copies grouped, and every other photo alone?"""
    found = images.groups()
    together = sorted(sorted(g["file"]) for _, g in found.groupby("group") if len(g) > 1)
    assert together == PHOTOS["same_picture"]
    assert len(found) == len(table)


def test_a_crop_and_a_turn_are_not_found_by_the_hash_and_compare_shows_the_turn():
    """Do the crop and the rotated copy stay alone, and does turning back recover the turn?"""
    alone = images.groups().set_index("file")["copies"]
    for name, what in PHOTOS["copies_a_hash_misses"].items():
        assert alone[name] == 1, name
        assert alone[what["of"]] <= 2
    turned = next(n for n, w in PHOTOS["copies_a_hash_misses"].items() if w["how"] == "rotate")
    table = images.compare(PHOTOS["copies_a_hash_misses"][turned]["of"], turned)
    assert not table.loc[0, "same_picture"]
    assert table["same_picture"].sum() == 1 and table["phash"].min() <= 2


def test_a_bad_max_distance_is_explained():
    """Is max_distance outside 0..64 refused with what it means?"""
    with pytest.raises(ImageError, match="differing bits of a 64-bit hash"):
        images.groups(max_distance=100)


# -- The sun and the shadows -------------------------------------------------------------

@pytest.mark.parametrize("when", ["2024-03-20T06:00:00Z", "2024-06-21T08:00:00Z",
                                  "2024-11-07T03:40:00Z", "2024-12-21T10:30:00Z"])
def test_the_sun_agrees_with_pysolar_at_almaty(when):
    """Do astral (used here) and pysolar (other equations) agree within 0.1° at Almaty?"""
    from pysolar.solar import get_altitude, get_azimuth

    lat, lon = 43.2383, 76.9455
    at = datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(UTC)
    ours = images.sun(lat, lon, when)
    assert ours["elevation"] == pytest.approx(get_altitude(lat, lon, at), abs=0.1)
    assert ours["azimuth"] == pytest.approx(get_azimuth(lat, lon, at), abs=0.1)


def test_the_shadow_points_away_from_the_sun_and_its_length_follows_the_elevation():
    """Is the shadow's bearing the azimuth + 180° and its length h / tan(elevation)?"""
    import math

    s = images.sun(42.868734, 74.60442, "2024-11-07T14:10:05+06:00", height=3.0)
    assert s["shadow_bearing"] == pytest.approx((s["azimuth"] + 180) % 360, abs=0.01)
    assert s["shadow_length"] == pytest.approx(3 / math.tan(math.radians(s["elevation"])),
                                               abs=0.02)
    night = images.sun(42.868734, 74.60442, "2024-11-07T23:00:00+06:00")
    assert night["elevation"] < 0 and math.isinf(night["shadow_length"])


@pytest.mark.parametrize("name", sorted(PHOTOS["shadows"]))
def test_each_shadow_is_measured_and_judged_as_the_ground_truth_says(table, name):
    """From the photo's own EXIF and the drawn shadow, is the claim judged right?"""
    fact = PHOTOS["shadows"][name]
    measured = images.measure_shadow(fact["base_px"], fact["tip_px"], fact["pixels_per_metre"])
    assert measured["length"] == pytest.approx(fact["length_m"], abs=0.01)
    assert measured["bearing"] == pytest.approx(fact["bearing"], abs=0.1)
    photo = table.set_index("file").loc[name]
    verdict = images.check_shadow(photo["latitude"], photo["longitude"], photo["taken_utc"],
                                  fact["pole_m"], measured["length"], measured["bearing"])
    assert verdict["fits"] is fact["fits_claim"]
    assert verdict["sun_azimuth"] == pytest.approx(fact["sun_azimuth_at_claim"], abs=0.1)
    drawn = pd.Timestamp(fact["drawn_for_utc"])
    assert abs(verdict["fits_utc"] - drawn) <= pd.Timedelta(minutes=15)


def test_the_contradicting_photo_is_the_only_one_and_its_trap_bites():
    """Is one shadow photo out, and would its shadow bearing be wrong as the sun's azimuth?"""
    out = [n for n, f in PHOTOS["shadows"].items() if not f["fits_claim"]]
    assert out == [PHOTOS["shadow_contradicts"]]
    fact = PHOTOS["shadows"][out[0]]
    assert abs(fact["shadow_bearing_at_claim"] - fact["sun_azimuth_at_claim"]) == pytest.approx(180)


def test_a_shadow_is_measured_from_lists_as_from_tuples():
    """Do base and tip as lists of two numbers (what m00 taught) measure the same shadow?"""
    fact = PHOTOS["shadows"][PHOTOS["shadow_contradicts"]]
    as_lists = images.measure_shadow(list(fact["base_px"]), list(fact["tip_px"]), 16)
    as_tuples = images.measure_shadow(tuple(fact["base_px"]), tuple(fact["tip_px"]), 16)
    assert as_lists.tolist() == as_tuples.tolist() == [fact["length_m"], fact["bearing"]]


def test_a_pixel_that_is_not_two_numbers_is_explained():
    """Does a base given as one number say that a pixel is a list [x, y]?"""
    with pytest.raises(ImageError, match=r"a list of two numbers.*base=300"):
        images.measure_shadow(300, [187, 93], 16)


def test_a_time_without_a_zone_is_refused_with_the_reason():
    """Does a clock time without an offset say why the sun cannot be placed, and how to fix it?"""
    with pytest.raises(ImageError, match=r"has no time zone.*\+06:00"):
        images.sun(42.87, 74.6, "2024-11-07 14:10:05")


def test_a_time_without_a_date_is_refused_not_read_as_today():
    """Does a clock time alone ("08:10:05", even with its offset) stop, instead of the sun of today?"""
    for when in ["08:10:05", "14:10:05+06:00", "08:10:05Z", "14:10:05+0600"]:
        with pytest.raises(ImageError, match="has no date"):
            images.sun(42.87, 74.6, when)
        with pytest.raises(ImageError, match="has no date"):
            images.check_shadow(42.87, 74.6, when, 3.0, 9.73, 313.4)
    for when in ["2024-11-07 14:10:05+0600", "07.11.2024 14:10:05+06:00"]:  # dated: accepted
        assert images.sun(42.87, 74.6, when)["elevation"] > 0


def test_the_setup_table_given_to_groups_is_explained():
    """Does images.groups(photos) say to give nothing or a list of names (not a TypeError)?"""
    photos = images.folder()
    with pytest.raises(ImageError, match="a table, not a folder"):
        images.groups(photos)
    two = images.groups(photos[photos["file"].isin(["listing_04.jpg", "offer_33.jpg"])]["file"])
    assert two["copies"].tolist() == [2, 2]


def test_swapped_coordinates_are_named():
    """Does a longitude given as the latitude suggest the swap?"""
    with pytest.raises(ImageError, match="swapped"):
        images.sun(120.5, 30.1, "2024-11-07T08:00:00Z")


def test_a_column_of_a_filtered_table_as_the_place_is_explained():
    """Does a place taken from a filtered table (a column, not a number) point to images.metadata?"""
    photos = images.folder()
    row = photos[photos["file"] == "IMG_20241107_141005.jpg"]
    with pytest.raises(ImageError, match=r"a column of a table.*images.metadata"):
        images.check_shadow(row["latitude"], row["longitude"], "2024-11-07T08:10:05Z", 3.0, 9.73, 313.4)


def test_a_bad_height_is_refused():
    """Is a pole of no height refused with an example?"""
    with pytest.raises(ImageError, match="height=3.0"):
        images.sun(42.87, 74.6, "2024-11-07T08:00:00Z", height=0)


def test_a_wrong_offset_makes_a_true_photo_look_false():
    """Would Almaty's +05:00 for a Bishkek photo (+06:00) wrongly refute a shadow that fits?"""
    name, fact = next((n, f) for n, f in sorted(PHOTOS["shadows"].items()) if f["fits_claim"])
    measured = images.measure_shadow(fact["base_px"], fact["tip_px"], fact["pixels_per_metre"])
    local = pd.Timestamp(fact["claimed_local"].replace(":", "-", 2)).isoformat()
    lat, lon = images.metadata(name)[["latitude", "longitude"]]
    right = images.check_shadow(lat, lon, local + fact["offset"], fact["pole_m"],
                                measured["length"], measured["bearing"])
    wrong = images.check_shadow(lat, lon, local + "+05:00", fact["pole_m"],
                                measured["length"], measured["bearing"])
    assert right["fits"] and not wrong["fits"]
