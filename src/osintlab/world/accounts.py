"""Accounts of the cast on the fictional platforms, and the manifest account checkers read.

Two platforms join the sites of :mod:`osintlab.world.web`, each answering a look-up the way
real platforms do, so that trainees learn how a checker decides:

* ``photos.example/<account>``: a photo-sharing site that answers **200 for every name**: an
  unknown account gets a page that says so (a *soft 404*); only the page's text tells;
* ``tube.example/c/<account>``: a video site that **redirects** an unknown channel (302) to
  its front page.

``bazaar.example`` and ``social.example`` answer 404 for an unknown name;
``forum.example`` hides its members behind a login and asks crawlers to leave them alone.

``platforms.json`` describes all five in the WhatsMyName format (``uri_check``, ``e_code`` and
``e_string`` for an existing account, ``m_code`` and ``m_string`` for a missing one), the
method behind Sherlock and WhatsMyName. ``mailboxes`` says which fictional mail providers
ignore dots or take ``+tags``.

Example:
    >>> from osintlab.world.accounts import platforms
    >>> [site["name"] for site in platforms()["sites"]][:2]
    ['bazaar.example', 'forum.example']
"""

from __future__ import annotations

import json
from html import escape

from .people import person

#: A soft 404's own words (photos.example answers 200 with this text for an unknown name).
PHOTOS_MISSING = "Такого пользователя нет"
#: Where tube.example sends a look-up of a channel that does not exist.
TUBE_MISSING = "/?error=channel-not-found"

#: photos.example accounts: name -> (cast or organisation id, display name, bio, links)
PHOTOS = {
    "daniyar.m91": ("P1", "Daniyar M.", "Телефоны • ремонт • Алматы", ""),
    "dalatrade": ("O1", "Dala Gulder | цветы", "Букеты с доставкой по Алматы",
                  "dalamarket.example"),
    "gulnara.kilim": ("B1", "Gulnara Saparova", "Ковры ручной работы", "kilim-carpets.example"),
    "nastya_vl": ("P5", "Nastya V.", "Almaty", ""),
}
#: tube.example channels: name -> (cast id, title, about text with the contacts as written)
TUBE = {
    "dala_trade": ("P1", "Dala Trade", "Обзоры телефонов и аксессуаров. Алматы. "
                   "Связь: 8 (799) 555-01-17, {email}"),
    "almaty_gadget": ("P5", "Almaty Gadget", "Гаджеты дешево. Almaty."),
}
#: How each fictional mail provider treats an address (RFC 5233 sub-addressing, dots).
MAILBOXES = {
    "mail.example": {"plus_tags": True, "ignores_dots": False},
    "inbox.example": {"plus_tags": True, "ignores_dots": True},
    "post.example": {"plus_tags": False, "ignores_dots": False},
}


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _as_typed(email: str, tag: str) -> str:
    """An address as a person types it on a page: capitals and a +tag (same mailbox).

    Example:
        >>> _as_typed("daniyar.m91@mail.example", tag="tube")
        'Daniyar.M91+tube@Mail.example'
    """
    local, _at, domain = email.partition("@")
    return (".".join(part.capitalize() for part in local.split(".")) + f"+{tag}@"
            + domain[:1].upper() + domain[1:])


def photos_site() -> dict[str, str]:
    """``photos.example``: one page per account, and the soft-404 page for any other name.

    Example:
        >>> "not-found.html" in photos_site()
        True
    """
    out = {"robots.txt": "User-agent: *\nAllow: /\n",
           "index.html": _page("Photos", "<h1>Photos</h1>\n<p>Делитесь фотографиями.</p>"),
           "not-found.html": _page("Photos", (
               f'<h1>Photos</h1>\n<p class="empty">{PHOTOS_MISSING}. Возможно, ссылка '
               'устарела.</p>\n<p><a href="/">На главную</a></p>'))}
    for name, (_owner, shown, bio, link) in PHOTOS.items():
        site = f'<p>Сайт: <a class="link" href="http://{link}/">{link}</a></p>' if link else ""
        out[f"{name}.html"] = _page(f"{shown} (@{name})", (
            f'<div class="profile-header">\n<h1>{escape(shown)}</h1>\n'
            f'<p>@<span class="handle">{name}</span></p>\n<p class="bio">{escape(bio)}</p>\n'
            f"{site}\n</div>"))
    return out


def tube_site() -> dict[str, str]:
    """``tube.example``: a page per channel under ``/c/``; unknown channels are redirected.

    Example:
        >>> sorted(tube_site())[:2]
        ['c/almaty_gadget.html', 'c/dala_trade.html']
    """
    out = {"robots.txt": "User-agent: *\nAllow: /\n",
           "index.html": _page("Tube", "<h1>Tube</h1>\n<p>Видео.</p>")}
    for name, (owner, title, about) in TUBE.items():
        email = _as_typed(person(owner).email, tag="tube")
        out[f"c/{name}.html"] = _page(title, (
            f'<div class="channel">\n<h1>{escape(title)}</h1>\n'
            f'<p class="about">{escape(about.format(email=email))}</p>\n</div>'))
    return out


def platforms() -> dict:
    """The WhatsMyName-style manifest of the fictional platforms (``platforms.json``).

    Example:
        >>> platforms()["sites"][-1]["m_code"]
        302
    """
    missing_404 = {"m_code": 404, "m_string": "<title>404"}
    sites = [
        {"name": "bazaar.example", "uri_check": "http://bazaar.example/seller/{account}.html",
         "e_code": 200, "e_string": 'id="seller"', **missing_404,
         "known": ["dala_trade", "almaty_gadget"], "cat": "shopping"},
        {"name": "forum.example", "uri_check": "http://forum.example/members/{account}.html",
         "e_code": 200, "e_string": 'class="profile"', **missing_404,
         "known": ["dmukh91"], "cat": "social"},
        {"name": "photos.example", "uri_check": "http://photos.example/{account}",
         "e_code": 200, "e_string": 'class="profile-header"', "m_code": 200,
         "m_string": PHOTOS_MISSING, "known": ["gulnara.kilim"], "cat": "images"},
        {"name": "social.example", "uri_check": "http://social.example/u/{account}.html",
         "e_code": 200, "e_string": 'class="handle"', **missing_404,
         "known": ["daniyar.m91", "aibek.zh"], "cat": "social"},
        {"name": "tube.example", "uri_check": "http://tube.example/c/{account}",
         "e_code": 200, "e_string": 'class="channel"', "m_code": 302, "m_string": "",
         "known": ["almaty_gadget"], "cat": "video"},
    ]
    return {
        "license": ["Fictional platforms of the OSINT Investigations Lab (training data)."],
        "authors": ["osintlab world generator"],
        "categories": sorted({site["cat"] for site in sites}),
        "sites": sites,
        "mailboxes": MAILBOXES,
    }


def platforms_json() -> str:
    """``platforms.json`` as written into the web dataset (sorted keys, two-space indent)."""
    return json.dumps(platforms(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


#: What the sandbox does for a look-up of an unknown account, per host (into sites.yml).
PROFILES = {
    "photos.example": {"prefix": "/", "missing": "soft404", "page": "/not-found.html"},
    "tube.example": {"prefix": "/c/", "missing": "redirect", "target": TUBE_MISSING},
}
