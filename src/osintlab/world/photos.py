"""Photos: JPEGs drawn with Pillow (a street, a shop sign) carrying EXIF like a phone's.

No real photograph is used. Each picture is a simple street scene with a shop sign in
Latin letters, drawn with Pillow's built-in font so the bytes do not depend on the fonts
installed. EXIF (camera, times, offset, GPS) is written with Pillow's Exif API. Some
pictures are stripped, one has edited metadata (a ``Software`` tag and a ``DateTime``
after ``DateTimeOriginal``), and one has GPS that contradicts its own sign.

Example:
    >>> from osintlab.world.photos import PHOTOS
    >>> PHOTOS["IMG_20241109_181204.jpg"]["sign"]
    'BISHKEK - OSH BAZAAR'
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont
from PIL.TiffImagePlugin import IFDRational

from . import SEED, rng

#: Each photo: who took it, the sign it shows, its EXIF (None = stripped).
PHOTOS: dict[str, dict] = {
    "IMG_20241103_142210.jpg": {
        "taken_by": "P2", "sign": "ALA-TOO KIOSK 24/7", "city": "Bishkek",
        "exif": {"make": "Xiaomi", "model": "Redmi Note 12", "original": "2024:11:03 14:22:10",
                 "offset": "+06:00", "gps": (42.874621, 74.612180)},
    },
    "IMG_20241105_093015.jpg": {
        "taken_by": "P2", "sign": "OSH - JAYMA BAZAAR", "city": "Osh",
        "exif": {"make": "Xiaomi", "model": "Redmi Note 12", "original": "2024:11:05 09:30:15",
                 "offset": "+06:00", "gps": (40.528312, 72.798540)},
    },
    "IMG_20241109_181204.jpg": {
        "taken_by": "P2", "sign": "BISHKEK - OSH BAZAAR", "city": "Bishkek",
        "exif": {"make": "Xiaomi", "model": "Redmi Note 12", "original": "2024:11:09 18:12:04",
                 "offset": "+05:00", "gps": (41.311081, 69.279737),
                 "software": "PhotoEditor Pro 3.2", "modified": "2024:11:12 22:40:51"},
    },
    "IMG_0233.jpg": {
        "taken_by": "P1", "sign": "ABAI AVE - PHONE REPAIR", "city": "Almaty",
        "exif": {"make": "Apple", "model": "iPhone 13", "original": "2024:10:27 12:05:44",
                 "offset": "+05:00", "gps": (43.238293, 76.945465)},
    },
    "DSC_0101.jpg": {
        "taken_by": "N1", "sign": "SCHOOL No. 58 ASTANA", "city": "Astana",
        "exif": {"make": "NIKON CORPORATION", "model": "NIKON D3500",
                 "original": "2024:10:14 08:45:00", "offset": "+05:00",
                 "gps": (51.128207, 71.430411)},
    },
    "product_07.jpg": {"taken_by": "P4", "sign": "DALA MARKET", "city": "", "exif": None},
    "IMG_20241020_170342.jpg": {
        "taken_by": "P4", "sign": "DUSHANBE - RUDAKI 44", "city": "Dushanbe",
        "exif": {"make": "samsung", "model": "Galaxy A54", "original": "2024:10:20 17:03:42",
                 "offset": "+05:00", "gps": None},
    },
}

#: The courtyard in Bishkek where the courier leaves parcels: a lamp pole 3.0 m tall,
#: photographed from a window above (north up, 16 pixels to the metre).
YARD = {"gps": (42.868734, 74.60442), "pole_m": 3.0, "pixels_per_metre": 16,
        "base": (300, 200)}
#: The places the case's messages and signs claim, for comparing with a photo's GPS.
PLACES = {"Bishkek, Osh Bazaar": (42.874722, 74.569722)}

_ALMATY_FLAT = (43.256712, 76.928533)
PHOTOS.update({
    # The seller dala_trade's listing photos (bazaar.example), as taken: P1's phone in Almaty,
    # and one lifted from elsewhere (another camera, another continent, five years earlier).
    "listing_01.jpg": {
        "taken_by": "P1", "kind": "listing", "sign": "IPHONE 14 PRO 256GB",
        "exif": {"make": "Apple", "model": "iPhone 13", "original": "2024:10:30 19:05:12",
                 "offset": "+05:00", "gps": _ALMATY_FLAT}},
    "listing_02.jpg": {
        "taken_by": "P1", "kind": "listing", "sign": "GALAXY S23 ULTRA",
        "exif": {"make": "Apple", "model": "iPhone 13", "original": "2024:10:30 19:06:40",
                 "offset": "+05:00", "gps": (43.256698, 76.928561)}},
    "listing_03.jpg": {
        "taken_by": "P1", "kind": "listing", "sign": "AIRPODS PRO 2",
        "exif": {"make": "Apple", "model": "iPhone 13", "original": "2024:11:01 13:15:09",
                 "offset": "+05:00", "gps": (43.222015, 76.85124)}},
    "listing_04.jpg": {
        "taken_by": "stock", "kind": "listing", "sign": "PIXEL 8 PRO NEW",
        "exif": {"make": "Canon", "model": "Canon EOS 80D", "original": "2019:06:14 11:20:31",
                 "offset": None, "serial": "382051004417",
                 "gps": (-34.603722, -58.381592)}},
    # The same pictures re-posted: platforms strip EXIF, recompress and resize.
    "bazaar_7731.jpg": {"taken_by": "P1", "copy_of": "listing_01.jpg",
                        "transform": ("recompress", 50)},
    "photo_2024-11-06_12-44-09.jpg": {"taken_by": "P1", "copy_of": "listing_01.jpg",
                                      "transform": ("resize", (320, 213), 75)},
    "bazaar_7745.jpg": {"taken_by": "P1", "copy_of": "listing_02.jpg",
                        "transform": ("resize", (360, 240), 60)},
    "offer_33.jpg": {"taken_by": "P1", "copy_of": "listing_04.jpg",
                     "transform": ("resize", (400, 267), 70)},
    # ... and two copies a perceptual hash does not see: a tight crop and a turn.
    "story_0291.jpg": {"taken_by": "P1", "copy_of": "listing_02.jpg",
                       "transform": ("crop", (150, 90, 390, 250), 80)},
    "photo_2024-11-08_09-02-51.jpg": {"taken_by": "P1", "copy_of": "listing_03.jpg",
                                      "transform": ("rotate", 90, 80)},
    # The courier's courtyard: the pole's shadow is drawn for `shadow_at` (UTC); the third
    # photo's clock says 14:10 but its shadow is the morning's (no tag shows the change).
    "IMG_20241106_113005.jpg": {
        "taken_by": "P2", "kind": "shadow", "sign": "POLE 3.0 M", "shadow_at":
        "2024-11-06T05:30:05Z",
        "exif": {"make": "Xiaomi", "model": "Redmi Note 12", "original": "2024:11:06 11:30:05",
                 "offset": "+06:00", "gps": YARD["gps"]}},
    "IMG_20241106_133512.jpg": {
        "taken_by": "P2", "kind": "shadow", "sign": "POLE 3.0 M", "shadow_at":
        "2024-11-06T07:35:12Z",
        "exif": {"make": "Xiaomi", "model": "Redmi Note 12", "original": "2024:11:06 13:35:12",
                 "offset": "+06:00", "gps": YARD["gps"]}},
    "IMG_20241107_141005.jpg": {
        "taken_by": "P2", "kind": "shadow", "sign": "POLE 3.0 M", "shadow_at":
        "2024-11-07T03:40:00Z",
        "exif": {"make": "Xiaomi", "model": "Redmi Note 12", "original": "2024:11:07 14:10:05",
                 "offset": "+06:00", "gps": YARD["gps"]}},
})


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return IFDRational(degrees), IFDRational(minutes), IFDRational(seconds, 100)


def _exif(meta: dict) -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = meta["make"], meta["model"]
    exif[0x0132] = meta.get("modified", meta["original"])
    if "software" in meta:
        exif[0x0131] = meta["software"]
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = sub[0x9004] = meta["original"]
    if meta.get("offset"):
        sub[0x9011] = meta["offset"]
    if meta.get("serial"):
        sub[0xA431] = meta["serial"]
    if meta["gps"]:
        lat, lon = meta["gps"]
        gps = exif.get_ifd(0x8825)
        gps[0] = b"\x02\x03\x00\x00"
        gps[1], gps[2] = ("N" if lat >= 0 else "S"), _dms(lat)
        gps[3], gps[4] = ("E" if lon >= 0 else "W"), _dms(lon)
    return exif.tobytes()


def draw(name: str, seed: int = SEED) -> bytes:
    """One photo as JPEG bytes: a street scene with the sign, and its EXIF.

    Example:
        >>> draw("product_07.jpg")[:2] == b"\\xff\\xd8"
        True
    """
    spec, r = PHOTOS[name], rng(f"photo:{name}", seed)
    if "copy_of" in spec:
        return _copy(spec)
    if spec.get("kind") == "listing":
        return _save(_listing(spec, r), spec)
    if spec.get("kind") == "shadow":
        return _save(_shadow(spec), spec)
    image = Image.new("RGB", (480, 320), (r.randint(120, 170), r.randint(160, 200), 225))
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 230, 480, 320), fill=(90, 90, 95))  # the street
    x = 0
    while x < 480:  # buildings
        width, height = r.randint(60, 120), r.randint(90, 200)
        shade = r.randint(150, 220)
        pen.rectangle((x, 230 - height, x + width, 230), fill=(shade, shade - 20, shade - 40))
        for wy in range(240 - height, 220, 28):
            for wx in range(x + 8, x + width - 14, 22):
                pen.rectangle((wx, wy, wx + 10, wy + 14), fill=(60, 80, 110))
        x += width + r.randint(2, 10)
    for _ in range(3):  # cars
        cx = r.randint(0, 420)
        pen.rounded_rectangle((cx, 262, cx + 60, 290), 8, fill=tuple(r.randint(0, 255)
                                                                     for _ in range(3)))
    font = ImageFont.load_default(size=22)
    pen.rectangle((30, 28, 450, 74), fill=(250, 245, 230), outline=(40, 40, 40), width=3)
    pen.text((240, 51), spec["sign"], font=font, fill=(180, 20, 20), anchor="mm")
    out = io.BytesIO()
    extra = {"exif": _exif(spec["exif"])} if spec["exif"] else {}
    image.save(out, "JPEG", quality=82, optimize=False, progressive=False, **extra)
    return out.getvalue()


def _save(image: Image.Image, spec: dict, quality: int = 82) -> bytes:
    out = io.BytesIO()
    extra = {"exif": _exif(spec["exif"])} if spec.get("exif") else {}
    image.save(out, "JPEG", quality=quality, optimize=False, progressive=False, **extra)
    return out.getvalue()


def _listing(spec: dict, r) -> Image.Image:
    """A product on a table: a tilted backdrop, the gadget, its box, a price card."""
    image = Image.new("RGB", (480, 320), tuple(r.randint(60, 230) for _ in range(3)))
    pen = ImageDraw.Draw(image)
    for _ in range(6):  # the things around it, which make each picture its own
        x, y = r.randint(-60, 440), r.randint(-60, 280)
        w, h = r.randint(60, 200), r.randint(40, 160)
        pen.ellipse((x, y, x + w, y + h), fill=tuple(r.randint(0, 255) for _ in range(3)))
    left = r.randint(40, 260)
    pen.rounded_rectangle((left, 70, left + 110, 290), 16, fill=(25, 25, 30))  # the gadget
    pen.rounded_rectangle((left + 8, 82, left + 102, 278), 10,
                          fill=tuple(r.randint(40, 220) for _ in range(3)))
    box = (left + 140, 150) if r.randint(0, 1) else (max(left - 170, 5), 150)
    pen.rectangle((*box, box[0] + 130, 300), fill=(240, 240, 235), outline=(30, 30, 30))
    font = ImageFont.load_default(size=20)
    pen.rectangle((10, 10, 300, 44), fill=(255, 230, 60))
    pen.text((155, 27), spec["sign"], font=font, fill=(20, 20, 20), anchor="mm")
    return image


def _shadow(spec: dict) -> Image.Image:
    """The courtyard from above: 1 m paving, a north arrow, the pole and its shadow."""
    scale, (bx, by) = YARD["pixels_per_metre"], YARD["base"]
    image = Image.new("RGB", (480, 320), (196, 190, 178))
    pen = ImageDraw.Draw(image)
    for x in range(bx % scale, 480, scale):
        pen.line((x, 0, x, 320), fill=(170, 165, 155))
    for y in range(by % scale, 320, scale):
        pen.line((0, y, 480, y), fill=(170, 165, 155))
    pen.rectangle((0, 0, 480, 24), fill=(120, 70, 50))  # the north wall
    pen.polygon([(24, 64), (14, 92), (34, 92)], fill=(200, 20, 20))  # north arrow
    font = ImageFont.load_default(size=18)
    pen.text((24, 104), "N", font=font, fill=(200, 20, 20), anchor="mm")
    pen.rectangle((340, 290, 340 + scale, 296), fill=(20, 20, 20))
    pen.text((362, 293), "1 m", font=font, fill=(20, 20, 20), anchor="lm")
    tip = _shadow_tip(spec)
    pen.line((bx, by, *tip), fill=(70, 66, 60), width=6)
    pen.ellipse((bx - 5, by - 5, bx + 5, by + 5), fill=(30, 30, 30))
    pen.text((bx + 10, by + 14), spec["sign"], font=font, fill=(20, 20, 20))
    return image


def _shadow_tip(spec: dict) -> tuple[int, int]:
    """The pixel where the pole's shadow ends at ``spec["shadow_at"]`` (astral, refraction)."""
    import math

    up, azimuth = sun_at(spec["shadow_at"])
    towards = (azimuth + 180) % 360
    pixels = YARD["pole_m"] / math.tan(math.radians(up)) * YARD["pixels_per_metre"]
    bx, by = YARD["base"]
    tip = (round(bx + pixels * math.sin(math.radians(towards))),
           round(by - pixels * math.cos(math.radians(towards))))
    assert 0 <= tip[0] < 480 and 24 <= tip[1] < 320, f"the shadow leaves the picture: {tip}"
    return tip


def _copy(spec: dict) -> bytes:
    """A re-posted copy: the original decoded and saved again without EXIF, as platforms do."""
    with Image.open(io.BytesIO(draw(spec["copy_of"]))) as original:
        image = original.convert("RGB")
    how, *args = spec["transform"]
    if how == "resize":
        image = image.resize(args[0], Image.Resampling.LANCZOS)
    elif how == "crop":
        image = image.crop(args[0])
    elif how == "rotate":
        image = image.rotate(args[0], expand=True)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=args[-1], optimize=False, progressive=False)
    return out.getvalue()


def files(seed: int = SEED) -> dict[str, bytes]:
    """The ``photos`` dataset.

    Example:
        >>> len(files())
        20
    """
    return {name: draw(name, seed) for name in sorted(PHOTOS)}


CARD = """\
# photos: pictures with EXIF metadata

## What it is

Photos that turned up in the case: posted in the Telegram group, on social profiles, in the
shop and in the seller's listings on bazaar.example. Module `m06-images-and-places` reads their
EXIF (camera, time, time-zone offset, GPS), finds the same picture re-posted, checks shadows
against the sun, and checks all of it against what the picture shows; `m07-messengers` and
`m10-capstone` match them to the posts they came from (the same file has the same SHA-256).

- `listing_01.jpg` ... `listing_04.jpg`: the seller dala_trade's listing photos as uploaded.
- `bazaar_*.jpg`, `offer_*.jpg`, `story_*.jpg`, `photo_<date>.jpg`: pictures saved from the
  platforms and messengers (they remove EXIF, recompress, resize; some are cropped or turned).
- `IMG_20241106_*.jpg`, `IMG_20241107_*.jpg`: a courtyard photographed from a window straight
  above, north up (the red arrow), paving in 1 m squares (16 pixels to the metre); the lamp
  pole is 3.0 m tall and its shadow lies on the paving.

## Files and fields

JPEG files (480 x 320 pixels, smaller where a platform resized them). EXIF tags present in
most: `Make`, `Model`, `DateTime`, `DateTimeOriginal`, `DateTimeDigitized`,
`OffsetTimeOriginal`, sometimes `BodySerialNumber`, and GPS (`GPSLatitude`,
`GPSLatitudeRef`, `GPSLongitude`, `GPSLongitudeRef`, degrees/minutes/seconds; the letter
gives the sign: S and W are negative). Some have no EXIF at all, some no GPS or no offset,
and some were edited: look at `Software` and compare `DateTime` with `DateTimeOriginal`.
Do not trust a tag because it is there: compare it with the picture, its sign and its
shadows.

## What is fictional

Every picture was drawn by a program (Pillow): simple shapes, a shop sign, a price card, a
pole and its shadow (drawn where the sun puts it, computed with astral). No real photograph,
place or person is shown. The GPS positions are in real cities of the region so that maps
make sense, and one is on another continent; the cameras are common models, the signs and
serial numbers invented.
"""


def exif_decimal(value: float) -> float:
    """A coordinate as the EXIF written here gives it back in decimal degrees (6 places)."""
    d, m, s = (float(part) for part in _dms(value))
    return round((d + m / 60 + s / 3600) * (-1 if value < 0 else 1), 6)


def sun_at(when: str) -> tuple[float, float]:
    """(elevation, azimuth) of the sun over the courtyard at ``when`` (ISO, with zone)."""
    from datetime import datetime

    from astral import Observer
    from astral.sun import azimuth, elevation

    at = datetime.fromisoformat(when.replace("Z", "+00:00"))
    observer = Observer(*YARD["gps"])
    return elevation(observer, at), azimuth(observer, at)
