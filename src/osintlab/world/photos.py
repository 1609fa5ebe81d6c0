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
    sub[0x9011] = meta["offset"]
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


def files(seed: int = SEED) -> dict[str, bytes]:
    """The ``photos`` dataset.

    Example:
        >>> len(files())
        7
    """
    return {name: draw(name, seed) for name in sorted(PHOTOS)}


CARD = """\
# photos: pictures with EXIF metadata

## What it is

Photos that turned up in the case: posted in the Telegram group, on social profiles and
in the shop. Module `m06-images-and-places` reads their EXIF (camera, time, time-zone
offset, GPS) and checks it against what the picture shows; `m07-messengers` and
`m10-capstone` match them to the posts they came from (the same file has the same SHA-256).

## Files and fields

JPEG files (480 x 320 pixels). EXIF tags present in most: `Make`, `Model`, `DateTime`,
`DateTimeOriginal`, `DateTimeDigitized`, `OffsetTimeOriginal`, and GPS (`GPSLatitude`,
`GPSLatitudeRef`, `GPSLongitude`, `GPSLongitudeRef`, degrees/minutes/seconds). Some have
no EXIF at all, some no GPS, and some were edited: look at `Software` and compare
`DateTime` with `DateTimeOriginal`. Do not trust a tag because it is there: compare it with
the picture.

## What is fictional

Every picture was drawn by a program (Pillow): simple shapes and a shop sign. No real
photograph, place or person is shown. The GPS positions are in real cities of the region,
so that maps make sense; the cameras are common models.
"""
