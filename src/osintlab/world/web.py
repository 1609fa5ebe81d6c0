"""The sandbox websites: every page as served, and ``sites.yml`` for the sandbox server.

Hosts (all under reserved names): ``bazaar.example`` (classifieds with paginated listings,
seller profiles and schema.org microdata), ``news.example`` (one article stored in
windows-1251), ``forum.example`` (member pages behind a login), ``social.example`` (profile
pages), ``shop7x3k.onion.example`` (the "dark web" shop), the shop's clearnet mirror
``dala-market.example``, and three innocent or service sites. ``sites.yml`` says what the
server must do beyond serving files: redirects, a rate limit, the login wall, the legacy
charset, gzip, a large page, a slow page and links that must 404.

Example:
    >>> from osintlab.world.web import files
    >>> "bazaar.example/robots.txt" in files()
    True
"""

from __future__ import annotations

from html import escape

import yaml

from . import SEED, accounts, rng
from .crypto import wallets
from .domains import IP
from .people import person
from .photos import draw

FORUM_LOGIN = {"user": "trainee", "password": "sandbox-2025"}
ARTICLE_1251 = "2024/11/moshenniki-telefony.html"
SELLERS = {  # bazaar username -> (cast id or None, display name, city, since, category)
    "dala_trade": ("P1", "Dala Trade", "Almaty", "2023-06", "phones"),
    "almaty_gadget": ("P5", "Almaty Gadget", "Almaty", "2024-09", "phones"),
    "dala_gulnara": ("B1", "Гульнара — ковры ручной работы", "Almaty", "2019-04", "carpets"),
}
FILLER = ["ermek_auto", "bishkek_books", "osh_fruit", "tash_textile", "aktobe_tools",
          "kyzyl_kids", "shymkent_shoes", "dushanbe_tea"]


def _page(title: str, body: str, lang: str = "ru", charset: str = "utf-8",
          head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="{charset}">\n'
            f"<title>{escape(title)}</title>\n"
            f'<link rel="stylesheet" href="/style.css">\n{head}</head>\n<body>\n{body}\n'
            "</body>\n</html>\n")


CSS = "body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse}\n" \
      "td,th{border:1px solid #999;padding:.2em .5em}.note{color:#555}\n"


def _listings(seed: int) -> list[dict]:
    r = rng("listings", seed)
    items = []
    goods = {"phones": ["iPhone 15 Pro 256GB", "Samsung S24", "Redmi Note 13", "iPhone 14"],
             "carpets": ["Ковёр шерсть 2x3", "Сырмак ручной работы", "Текемет 1.5x2"],
             "other": ["Велосипед детский", "Учебники 9 класс", "Сухофрукты 5 кг",
                       "Ткань атлас", "Набор инструментов", "Кроссовки 42", "Чай зелёный"]}
    for n in range(30):
        if n % 6 == 1:
            seller = "almaty_gadget"
        elif n % 6 == 3:
            seller = "dala_trade"
        elif n % 6 == 5:
            seller = "dala_gulnara"
        else:
            seller = FILLER[n % len(FILLER)]
        category = SELLERS[seller][4] if seller in SELLERS else "other"
        title = r.choice(goods[category])
        price = r.randint(20, 400) * 1000
        if seller == "almaty_gadget":
            price = r.randint(90, 140) * 1000  # too cheap for what it claims
        items.append({"id": 48100 + n * 13, "title": title, "seller": seller,
                      "price": price, "city": SELLERS.get(seller, (0, 0, "Almaty"))[2]})
    return items


def _bazaar(seed: int) -> dict[str, str | bytes]:
    w = wallets(seed)
    items = _listings(seed)
    out: dict[str, str | bytes] = {
        "robots.txt": "User-agent: *\nDisallow: /admin/\nCrawl-delay: 2\n",
        "style.css": CSS,
        "index.html": _page("Bazaar — объявления", (
            "<h1>Bazaar</h1>\n<p>Объявления Центральной Азии.</p>\n<ul>\n"
            '<li><a href="/listings/page-1.html">Все объявления</a></li>\n'
            '<li><a href="/listings/all.html">Архив (одной страницей)</a></li>\n'
            '<li><a href="/help/faq.html">Помощь</a></li>\n</ul>')),
    }
    pages = [items[i:i + 10] for i in range(0, len(items), 10)]
    for number, chunk in enumerate(pages, 1):
        rows = "\n".join(
            f'<tr itemscope itemtype="https://schema.org/Offer">'
            f'<td><a itemprop="url" href="/item/{it["id"]}.html">'
            f'<span itemprop="name">{escape(it["title"])}</span></a></td>'
            f'<td><span itemprop="price" content="{it["price"]}">{it["price"]:,}'
            f'</span> <span itemprop="priceCurrency" content="KZT">₸</span></td>'
            f'<td>{it["city"]}</td>'
            f'<td><a class="seller" href="/seller/{it["seller"]}.html">{it["seller"]}</a></td>'
            "</tr>" for it in chunk)
        nav = []
        if number > 1:
            nav.append(f'<a rel="prev" href="/listings/page-{number - 1}.html">← назад</a>')
        if number < len(pages):
            nav.append(f'<a rel="next" href="/listings/page-{number + 1}.html">далее →</a>')
        out[f"listings/page-{number}.html"] = _page(f"Объявления — страница {number}", (
            f"<h1>Объявления, страница {number} из {len(pages)}</h1>\n<table id=\"listings\">\n"
            "<tr><th>Товар</th><th>Цена</th><th>Город</th><th>Продавец</th></tr>\n"
            f"{rows}\n</table>\n<nav>{' '.join(nav)}</nav>"))
    for it in items:
        extra = ""
        if it["seller"] == "almaty_gadget":
            extra = ("<p>Оплата только USDT (TRC-20) на адрес "
                     f'<code class="wallet">{w.tron_fraud}</code>. Доставка 1 день.</p>')
        out[f"item/{it['id']}.html"] = _page(it["title"], (
            f'<article itemscope itemtype="https://schema.org/Product">\n'
            f'<h1 itemprop="name">{escape(it["title"])}</h1>\n'
            f'<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
            f'<span itemprop="price" content="{it["price"]}">{it["price"]:,}</span> '
            f'<meta itemprop="priceCurrency" content="KZT">₸</div>\n'
            f'<p>Продавец: <a href="/seller/{it["seller"]}.html">{it["seller"]}</a></p>\n'
            f"{extra}\n</article>"))
    for name, (cast_id, display, city, since, _cat) in SELLERS.items():
        who = person(cast_id)
        lines = ['<div itemscope itemtype="https://schema.org/Person" id="seller">',
                 f'<h1 itemprop="name">{escape(display)}</h1>',
                 f'<p>Город: <span itemprop="address">{city}</span></p>',
                 f"<p>На сайте с {since}</p>",
                 f'<p>Телефон: <a itemprop="telephone" href="tel:{who.phone}">{who.phone}</a>'
                 "</p>"]
        comment = ""
        if name == "dala_trade":
            lines.append('<p class="contact">Telegram: <span class="tg">@dala_market_kz'
                         "</span></p>")
            comment = "<!-- moderation 2023-06-14: seller verified by SMS, ok -->\n"
        elif name == "almaty_gadget":
            lines.append("<p>Оплата: USDT TRC-20</p>")
            comment = "<!-- listings imported from feed http://dala-market.example/feed.xml -->\n"
        else:
            lines.append("<p>Оплата: только наличными при получении</p>")
            lines.append('<p>Сайт: <a href="http://kilim-carpets.example/">kilim-carpets'
                         ".example</a></p>")
        lines.append("</div>")
        mine = [it for it in items if it["seller"] == name]
        lines.append("<h2>Объявления</h2><ul>" + "".join(
            f'<li><a href="/item/{it["id"]}.html">{escape(it["title"])}</a></li>'
            for it in mine) + "</ul>")
        out[f"seller/{name}.html"] = _page(display, comment + "\n".join(lines))
    r = rng("archive", seed)
    rows = "\n".join(f"<tr><td>{40000 + i}</td><td>{r.choice(FILLER)}</td>"
                     f"<td>{r.randint(1, 900) * 100}</td><td>архив 2022</td></tr>"
                     for i in range(2500))
    out["listings/all.html"] = _page("Архив объявлений", (
        "<h1>Архив объявлений (одной страницей)</h1>\n<table>\n"
        "<tr><th>№</th><th>Продавец</th><th>Цена</th><th>Статус</th></tr>\n"
        f"{rows}\n</table>"))
    return out


def _news() -> dict[str, str | bytes]:
    article = _page("Жители Алматы потеряли деньги, покупая телефоны онлайн", (
        "<article>\n<h1>Жители Алматы потеряли деньги, покупая телефоны онлайн</h1>\n"
        '<p class="meta">18 ноября 2024, отдел происшествий</p>\n'
        "<p>Несколько покупателей рассказали нашей редакции, что оплатили смартфоны продавцу "
        "«almaty_gadget» с сайта объявлений bazaar.example, но так и не получили товар.</p>\n"
        "<p>Продавец просил оплату только в USDT. «Цена была почти вдвое ниже, чем в "
        "магазинах», — говорит одна из пострадавших.</p>\n"
        "<p>Полиция напоминает: не переводите деньги незнакомым продавцам.</p>\n</article>"),
        charset="windows-1251")
    return {
        "robots.txt": "User-agent: *\nDisallow: /drafts/\n",
        "style.css": CSS,
        "index.html": _page("News — новости региона", (
            "<h1>Новости</h1>\n<ul>\n"
            f'<li><a href="/{ARTICLE_1251}">Жители Алматы потеряли деньги, покупая '
            "телефоны онлайн</a></li>\n"
            '<li><a href="/2024/10/olympiad.html">Astana teacher\'s pupils win physics '
            "olympiad</a></li>\n"
            '<li><a href="/2024/11/archive.html">Архив</a></li>\n'
            '<li><a href="/2023/01/deleted-story.html">Удалённый материал</a></li>\n</ul>')),
        ARTICLE_1251: article.encode("cp1251"),
        "2024/10/olympiad.html": _page("Astana teacher's pupils win physics olympiad", (
            "<article>\n<h1>Astana teacher's pupils win physics olympiad</h1>\n"
            '<p class="meta">15 October 2024</p>\n'
            '<p>Three pupils of school No. 58 in Astana, taught by <span class="person">'
            "Daniyar Mukhametov</span> (39), won the regional physics olympiad.</p>\n"
            "</article>"), lang="en"),
        "2024/11/archive.html": _page("Архив", "<h1>Архив новостей</h1>\n<p>2022–2024.</p>"),
    }


def _forum(seed: int) -> dict[str, str | bytes]:
    w = wallets(seed)
    members = {
        "dmukh91": ("P1", "Almaty", "2021-02-03"),
        "f_nazar": ("P4", "Dushanbe", "2020-07-19"),
        "kripto_hunter": (None, "-", "2024-11-06"),
    }
    out: dict[str, str | bytes] = {
        "robots.txt": "User-agent: *\nDisallow: /members/\n",
        "style.css": CSS,
        "index.html": _page("Forum", (
            "<h1>Форум</h1>\n<ul>\n<li><a href=\"/threads/101.html\">Dala Market — кто "
            "заказывал?</a></li>\n<li><a href=\"/threads/102.html\">Делаю сайты под ключ"
            "</a></li>\n</ul>\n<p><a href=\"/login\">Войти</a></p>")),
        "login.html": _page("Вход", (
            '<h1>Вход</h1>\n<form method="post" action="/login">\n'
            '<label>Логин <input name="user"></label>\n'
            '<label>Пароль <input name="password" type="password"></label>\n'
            '<button type="submit">Войти</button>\n</form>')),
    }

    def post(author: str, text: str) -> str:
        return (f'<div class="post"><a class="author" href="/members/{author}.html">{author}'
                f'</a><div class="body">{text}</div></div>')

    out["threads/101.html"] = _page("Dala Market — кто заказывал?", "\n".join([
        "<h1>Dala Market — кто заказывал?</h1>",
        post("kripto_hunter", "Вот настоящий кошелёк магазина, проверено: "
             f'<code class="wallet">{w.tron_fake}</code>'),
        post("dmukh91", "Не слушайте, у магазина кошельки только в закрепе канала."),
        post("f_nazar", "Сайт у них нормальный, сам видел как сделан 😉"),
    ]))
    out["threads/102.html"] = _page("Делаю сайты под ключ", post(
        "f_nazar", "Делаю сайты и магазины, в том числе для тор. Пишите в личку."))
    for name, (cast_id, city, joined) in members.items():
        who = person(cast_id) if cast_id else None
        email = who.email if who else "no e-mail shown"
        out[f"members/{name}.html"] = _page(f"Профиль {name}", (
            f'<h1>{name}</h1>\n<table class="profile">\n'
            f"<tr><th>Город</th><td>{city}</td></tr>\n"
            f"<tr><th>Зарегистрирован</th><td>{joined}</td></tr>\n"
            f'<tr><th>E-mail</th><td class="email">{email}</td></tr>\n</table>'))
    return out


def _social() -> dict[str, str | bytes]:
    profiles = {
        "daniyar.m91": ("P1", "17.04.1991", "IMG_0233.jpg", "Телефоны, ремонт, торговля."),
        "d.mukhametov": ("N1", "02.09.1985", "DSC_0101.jpg", "Учитель физики. Школа №58."),
        "aibek.zh": ("P2", "02.08.1998", None, "Bishkek. Доставка."),
        "gulnara.kilim": ("B1", "11.01.1979", None, "Ковры ручной работы, kilim-carpets."),
    }
    out: dict[str, str | bytes] = {"robots.txt": "User-agent: *\nAllow: /\n", "style.css": CSS}
    for handle, (cast_id, born, photo, about) in profiles.items():
        who = person(cast_id)
        picture = (f'<img class="post" src="/img/{photo}" alt="photo" width="480" '
                   'height="320">') if photo else ""
        out[f"u/{handle}.html"] = _page(who.informal, (
            '<div class="profile" itemscope itemtype="https://schema.org/Person">\n'
            f'<h1 itemprop="name">{who.informal}</h1>\n'
            f'<p>@<span class="handle">{handle}</span></p>\n'
            f'<p>Город: <span itemprop="homeLocation">{who.city}</span></p>\n'
            f'<p>Дата рождения: <span itemprop="birthDate">{born}</span></p>\n'
            f"<p>{escape(about)}</p>\n{picture}\n</div>"))
        if photo:
            out[f"img/{photo}"] = draw(photo)
    return out


def _onion(seed: int) -> dict[str, str | bytes]:
    w = wallets(seed)
    return {
        "robots.txt": "User-agent: *\nDisallow: /\n",
        "style.css": CSS,
        "index.html": _page("Dala Market — onion", (
            "<h1>Dala Market</h1>\n<p>Каталог обновляется ежедневно. Заказ: "
            '<a href="/pay.html">оплата</a>.</p>\n'
            '<img src="/img/product_07.jpg" alt="product" width="480" height="320">\n'
            '<p><a href="/admin/">admin</a></p>')),
        "pay.html": _page("Оплата", (
            "<h1>Оплата</h1>\n<table>\n"
            f'<tr><th>BTC</th><td class="wallet">{w.btc_shop}</td></tr>\n'
            f'<tr><th>USDT TRC-20</th><td class="wallet">{w.tron_shop}</td></tr>\n</table>\n'
            "<p>После оплаты пришлите чек боту @dala_pay_bot.</p>")),
        "server-status.html": (
            "<!-- deploy: f_nazar, build 2024-02-19 -->\n"
            + _page("Server status", (
                "<h1>Server status</h1>\n<pre>\n"
                f"Server address: {IP['network_now']}\nServer version: nginx/1.24.0\n"
                "Uptime: 61 days\n</pre>"), lang="en")),
        "img/product_07.jpg": draw("product_07.jpg", seed),
    }


def _simple(title: str, body: str, lang: str = "ru") -> dict[str, str | bytes]:
    return {"robots.txt": "User-agent: *\nAllow: /\n", "style.css": CSS,
            "index.html": _page(title, body, lang=lang)}


SITES = {
    "bazaar.example": {
        "what": "classifieds marketplace: paginated listings, item pages, seller profiles",
        "gzip": True,
        "rate_limit": {"requests": 10, "window_seconds": 10, "retry_after_seconds": 5},
        "redirects": [
            {"path": "/sellers/dala_trade", "target": "/seller/dala_trade.html", "status": 301},
            {"path": "/latest", "target": "/listings/page-1.html", "status": 302},
        ],
        "large_pages": ["/listings/all.html"],
        "broken_links": ["/help/faq.html"],
    },
    "news.example": {
        "what": "regional news site, Russian and English articles",
        "charsets": {f"/{ARTICLE_1251}": "windows-1251"},
        "slow_pages": [{"path": "/2024/11/archive.html", "delay_seconds": 3}],
        "broken_links": ["/2023/01/deleted-story.html"],
        "redirects": [{"path": "/old/fraud", "target": f"/{ARTICLE_1251}", "status": 301}],
    },
    "forum.example": {
        "what": "forum; member pages only after logging in",
        "login": {"path": "/login", "method": "POST", "page": "/login.html",
                  "fields": {"user": "user", "password": "password"},
                  "credentials": dict(FORUM_LOGIN), "cookie": "forum_session",
                  "protected": ["/members/"], "redirect_after_login": "/index.html"},
    },
    "social.example": {"what": "social network profile pages (/u/<handle>.html)"},
    "shop7x3k.onion.example": {"what": "the \"dark web\" shop (stands for an onion service)",
                               "broken_links": ["/admin/"]},
    "dala-market.example": {"what": "the shop's clearnet mirror"},
    "dalamarket.example": {"what": "an innocent flower shop with a look-alike name"},
    "kilim-carpets.example": {"what": "an innocent carpet seller's site"},
    "koinbridge.example": {"what": "the invented cryptocurrency exchange"},
    "photos.example": {"what": "photo sharing; an unknown account gets a 200 page that says so "
                       "(a soft 404)", "profiles": accounts.PROFILES["photos.example"]},
    "tube.example": {"what": "video channels at /c/<name>; an unknown channel is redirected "
                     "to the front page", "profiles": accounts.PROFILES["tube.example"]},
}


def files(seed: int = SEED) -> dict[str, bytes]:
    """The ``web`` dataset: ``<host>/<path>`` for each site, and ``sites.yml``.

    Example:
        >>> files()["news.example/2024/11/moshenniki-telefony.html"].count(b"charset=")
        1
    """
    hosts: dict[str, dict[str, str | bytes]] = {
        "bazaar.example": _bazaar(seed),
        "news.example": _news(),
        "forum.example": _forum(seed),
        "social.example": _social(),
        "shop7x3k.onion.example": _onion(seed),
        "dala-market.example": _simple("Dala Market", (
            "<h1>Dala Market</h1>\n<p>Заказы: @dala_pay_bot. Зеркало: "
            "shop7x3k.onion.example</p>\n<!-- feed: /feed.xml (bazaar import) -->")),
        "dalamarket.example": _simple("Dala Gulder — цветы", (
            "<h1>Dala Gulder</h1>\n<p>Цветы и букеты с доставкой по Алматы с 2021 года. "
            "ТОО «Dala Gulder».</p>")),
        "kilim-carpets.example": _simple("Kilim — ковры", (
            "<h1>Ковры ручной работы</h1>\n<p>Гульнара Сапарова, Алматы. Оплата при "
            "получении.</p>")),
        "koinbridge.example": _simple("KoinBridge", (
            "<h1>KoinBridge</h1>\n<p>Exchange BTC, USDT (TRC-20) and tenge.</p>\n"
            "<p>Law-enforcement requests: lawenforcement@koinbridge.example</p>"), lang="en"),
        "photos.example": accounts.photos_site(),
        "tube.example": accounts.tube_site(),
    }
    out = {f"{host}/{path}": (data if isinstance(data, bytes) else data.encode("utf-8"))
           for host, pages in hosts.items() for path, data in pages.items()}
    described = {"hosts": {host: {**SITES[host], "root": host} for host in hosts}}
    out["platforms.json"] = accounts.platforms_json().encode("utf-8")
    out["sites.yml"] = ("# What the sandbox server does beyond serving the files.\n"
                        + yaml.safe_dump(described, sort_keys=True, allow_unicode=True,
                                         width=100)).encode("utf-8")
    return dict(sorted(out.items()))


CARD = """\
# web: the sandbox websites

## What it is

The websites of the fictional internet, each as its server delivers it: HTML pages,
`robots.txt`, style sheets and pictures, one folder per host. The sandbox server serves
them on the trainee's machine. Module `m03-web-collection` crawls and parses them;
`m04`, `m05`, `m08` and `m10` find traces of the case in them.

## Hosts

- `bazaar.example`: classifieds site: `/listings/page-N.html` (paginated, `rel="next"`),
  `/item/<id>.html`, `/seller/<name>.html` (schema.org microdata such as
  `itemprop="telephone"` and `price`), and a large one-page archive;
- `news.example`: news site; one article is stored in windows-1251 and says so in its
  `<meta charset>`;
- `forum.example`: forum; the `/members/` pages need a login (see `sites.yml`);
- `social.example`: social-network profiles at `/u/<handle>.html`;
- `shop7x3k.onion.example`: the "dark web" shop (it stands for an onion service);
- `photos.example`: photo sharing at `/<account>`; an unknown account gets a page with
  status 200 that says "Такого пользователя нет" (a soft 404);
- `tube.example`: video channels at `/c/<account>`; an unknown channel is redirected (302)
  to the front page;
- `dala-market.example`, `dalamarket.example`, `kilim-carpets.example`,
  `koinbridge.example`: other sites that come up in the case.

## sites.yml

For each host: `root` (its folder), and where they apply `redirects` (`path`, `target`,
`status` 301/302), `rate_limit` (`requests` per `window_seconds`, then 429 with
`Retry-After: retry_after_seconds`), `login` (form `path`, field names, the trainees'
test `credentials`, the session `cookie`, the `protected` path prefixes), `charsets` (pages
stored in a legacy encoding), `gzip`, `large_pages`, `slow_pages` (`delay_seconds`) and
`broken_links` (linked, but must answer 404), and `profiles` (account pages under `prefix`:
for an unknown account the site answers `missing` = `soft404`, the `page` with status 200, or
`redirect`, 302 to `target`; without it, 404).

## platforms.json

The account-checking manifest of the five platforms with accounts (`bazaar.example`,
`forum.example`, `photos.example`, `social.example`, `tube.example`) in the WhatsMyName
format: `uri_check` (the address with `{account}`), `e_code`/`e_string` (the status and a text
of the page of an existing account), `m_code`/`m_string` (the same for a missing one), `known`
(accounts that exist, for testing a checker), `cat`. `mailboxes` says, per fictional mail
domain, whether it takes `+tags` (RFC 5233 sub-addressing) and whether it ignores dots.

## What is fictional

All hosts are under `.example` (RFC 2606); there are no links to real sites and nothing
loads from the internet. People, shops, phone numbers and wallets are invented. HTML
comments, like on real sites, sometimes say more than the page: read the source.
"""
