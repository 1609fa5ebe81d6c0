"""Collecting from websites the way an investigator thinks: one call per task, polite by default.

Four verbs, each one line in a notebook:

- :func:`robots` reads what a site asks of crawlers (its ``robots.txt``): the crawl delay, and
  whether an address is asked to be left alone.
- :func:`follow` collects every page of a listing by following its "next" links;
  :func:`collect` collects a list of addresses. Both wait between requests as long as the site
  asks (its ``Crawl-delay``, at least one second), wait and retry when it answers 429 "too many
  requests", skip what robots.txt asks crawlers to leave alone, and always *say* why they
  stopped: a collection cut short is never silent. With ``case=``, every page is captured into
  the case as it was received (the evidentiary copy, hashed and logged).
- :func:`table` turns the repeated blocks of pages (rows of a listing) into one table, by
  naming a CSS selector for the rows and one per column.

All of them reach only the course's fictional internet (:mod:`osintlab.sandbox`). What they do
is ordinary ``requests`` and BeautifulSoup; lesson 02 and 03 of m03 show it once by hand.

Example:
    >>> from osintlab import web
    >>> pages = web.follow("http://bazaar.example/listings/page-1.html")   # doctest: +SKIP
    >>> pages.stopped                                                       # doctest: +SKIP
    'Stopped after 3 pages: the last page has no "next" link (the listing is complete).'
    >>> listings = web.table(pages, rows="#listings tr[itemscope]",
    ...     columns={"item_url": "a[itemprop=url] @href", "seller": "a.seller"})  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from .._i18n import _
from ..exceptions import WebError

__all__ = ["Page", "Pages", "Robots", "collect", "follow", "iso_date", "robots", "table"]

#: Seconds to wait between two requests to one site when its robots.txt names no delay.
MINIMUM_WAIT = 1.0
#: How long a 429 answer's Retry-After is honoured at most, and how often it is retried.
MAXIMUM_RETRY_AFTER = 60.0
RETRIES = 3

_DATE_ORDERS = {
    "day.month.year": ("day", "month", "year"),
    "month.day.year": ("month", "day", "year"),
    "year.month.day": ("year", "month", "day"),
}


@dataclass
class Page:
    """One page as it was received: address, status, text, time and (if captured) its item.

    Example:
        >>> page = Page(url="http://bazaar.example/", final_url="http://bazaar.example/",
        ...             status=200, text="<h1>Bazaar</h1>", fetched_at="2026-01-05T10:00:00Z")
        >>> page.soup.h1.get_text()
        'Bazaar'
    """

    url: str
    final_url: str
    status: int
    text: str
    fetched_at: str
    waited: float = 0.0
    item: str | None = None
    response: Any = field(default=None, repr=False)

    @property
    def soup(self) -> Any:
        """The page parsed by BeautifulSoup (``html.parser``)."""
        from bs4 import BeautifulSoup

        return BeautifulSoup(self.text, "html.parser")


class Pages(list):
    """The pages of one collection, in order, with the log of requests and why it stopped.

    Shown in a notebook as a table (one row per request) and the sentence ``stopped``.
    ``complete`` is False when the collection was cut short (429, an error, the page limit).

    Example:
        >>> pages = Pages([], stopped="Nothing to collect.", complete=True)
        >>> pages.complete, len(pages)
        (True, 0)
    """

    def __init__(self, pages: Iterable[Page] = (), *, stopped: str = "", complete: bool = True,
                 log: list[dict[str, Any]] | None = None) -> None:
        super().__init__(pages)
        self.stopped = stopped
        self.complete = complete
        self._log = log or []

    @property
    def urls(self) -> list[str]:
        """The address of every page, in order."""
        return [page.url for page in self]

    @property
    def log(self) -> Any:
        """Every request as a table: time (UTC), address, status, seconds waited, item, note."""
        import pandas as pd

        columns = ["time", "url", "status", "waited_s", "item", "note"]
        return pd.DataFrame(self._log, columns=columns)

    def found(self) -> Pages:
        """Only the pages the site answered with 200 (found); a 404 page has nothing to find.

        Example:
            >>> len(Pages([Page("u", "u", 404, "", "t")]).found())
            0
        """
        return Pages([page for page in self if page.status == 200], stopped=self.stopped,
                     complete=self.complete, log=self._log)

    def __repr__(self) -> str:
        return f"{self.log.to_string(index=False)}\n{self.stopped}"

    def _repr_html_(self) -> str:
        import html

        return self.log.to_html(index=False) + f"<p><b>{html.escape(self.stopped)}</b></p>"


@dataclass
class Robots:
    """What a site's robots.txt asks of crawlers (a courtesy, not the test of what is lawful).

    Example:
        >>> rules = Robots.parse("http://bazaar.example/robots.txt",
        ...                      "User-agent: *\\nDisallow: /admin/\\nCrawl-delay: 2")
        >>> rules.crawl_delay, rules.allows("http://bazaar.example/admin/")
        (2, False)
    """

    url: str
    text: str
    crawl_delay: int | float | None
    _parser: Any = field(repr=False, default=None)

    @classmethod
    def parse(cls, url: str, text: str) -> Robots:
        """Read robots.txt ``text`` found at ``url``."""
        parser = RobotFileParser(url)
        parser.parse(text.splitlines())
        delay = parser.crawl_delay("*")
        if isinstance(delay, float) and delay.is_integer():
            delay = int(delay)
        return cls(url=url, text=text, crawl_delay=delay, _parser=parser)

    def allows(self, url: str) -> bool:
        """Does robots.txt let any crawler ("*") fetch ``url``?"""
        return bool(self._parser.can_fetch("*", url))

    def __str__(self) -> str:
        return self.text


def _session(session: Any) -> Any:
    if session is not None:
        return session
    from .. import sandbox

    return sandbox.session()


def _site(url: str) -> str:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    return f"{parts.scheme}://{parts.netloc}"


def robots(site: str, *, session: Any = None) -> Robots:
    """Read a site's robots.txt: its crawl delay and what it asks crawlers to leave alone.

    ``site`` is an address on the site or just its name (``"bazaar.example"``). A site
    without robots.txt (404) asks for nothing: the rules allow everything.

    Example:
        >>> rules = robots("bazaar.example")            # doctest: +SKIP
        >>> rules.crawl_delay                            # doctest: +SKIP
        2
    """
    url = _site(site) + "/robots.txt"
    web = _session(session)
    for _attempt in range(RETRIES + 1):
        response = web.get(url, timeout=30)
        if response.status_code != 429:
            break
        time.sleep(_retry_after(response))
    if response.status_code == 200:
        return Robots.parse(url, response.text)
    if 400 <= response.status_code < 500 and response.status_code != 429:
        return Robots.parse(url, "")  # no robots.txt: the site asks nothing of crawlers
    raise WebError(_(
        "{url} answered {status}, so what the site asks of crawlers is unknown; nothing was "
        "collected. Try again later."
    ).format(url=url, status=response.status_code))


def _retry_after(response: Any) -> float:
    """The seconds a 429 answer asks to wait (5 if it does not say), at most a minute."""
    asked = response.headers.get("Retry-After", "")
    seconds = float(asked) if asked.replace(".", "", 1).isdigit() else 5.0
    return min(seconds, MAXIMUM_RETRY_AFTER)


class _Polite:
    """One collector's manners: a wait per site, robots.txt read once per site, 429 honoured."""

    def __init__(self, session: Any, wait: float | None, obey_robots: bool) -> None:
        self.session = _session(session)
        self.wait = wait
        self.obey_robots = obey_robots
        self.rules: dict[str, Robots] = {}
        self.last: dict[str, float] = {}
        self.log: list[dict[str, Any]] = []

    def _rules(self, site: str) -> Robots:
        if site not in self.rules:
            self.rules[site] = robots(site, session=self.session)
            self.last[site] = time.monotonic()
        return self.rules[site]

    def _pause(self, site: str) -> float:
        delay = self.wait if self.wait is not None else self._rules(site).crawl_delay
        delay = max(float(delay or 0), MINIMUM_WAIT)
        due = self.last.get(site, 0.0) + delay
        pause = max(0.0, due - time.monotonic())
        if pause:
            time.sleep(pause)
        return pause

    def _note(self, url: str, status: int | str, waited: float, item: str | None,
              note: str) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        self.log.append({"time": now, "url": url, "status": status,
                         "waited_s": round(waited, 1), "item": item, "note": note})

    def get(self, url: str, case: Any, note: str, redirects: bool = True) -> Page | str:
        """The page, or the sentence that says why it was not collected.

        ``redirects=False`` keeps a redirect as the answer (an account checker reads it).
        """
        site = _site(url)
        try:
            rules = self._rules(site)
        except WebError as error:  # robots.txt unreadable: stop, keep what was collected
            self._note(url, "-", 0.0, None, _("not requested: robots.txt could not be read"))
            return str(error).rstrip(". ")
        if self.obey_robots and not rules.allows(url):
            self._note(url, "-", 0.0, None, _("not requested: robots.txt asks crawlers to "
                                              "leave it alone"))
            return _("robots.txt of {site} asks crawlers not to fetch {url}; it was not "
                     "requested (pass robots=False only if your unit's policy allows it)").format(
                site=site, url=url)
        waited = self._pause(site)
        for attempt in range(RETRIES + 1):
            fetched_at = dt.datetime.now(dt.UTC)
            try:
                response = self.session.get(url, timeout=30, allow_redirects=redirects)
            except Exception as error:
                self.last[site] = time.monotonic()
                self._note(url, "-", waited, None, type(error).__name__)
                return _("{url} could not be fetched: {error}").format(url=url, error=error)
            self.last[site] = time.monotonic()
            if response.status_code != 429:
                break
            pause = _retry_after(response)
            self._note(url, 429, waited, None,
                       _("too many requests: waiting {seconds} s as the site asks").format(
                           seconds=round(pause, 1)))
            if attempt == RETRIES:
                return _("{site} kept answering 429 (too many requests) for {url}").format(
                    site=site, url=url)
            time.sleep(pause)
            waited = pause
        item = None
        if case is not None:
            record = case.capture(response, note=note or _("collected page {url}").format(
                url=url), embedded=False, again=True)
            item = record["item"]
        self._note(url, response.status_code, waited, item, "")
        print(_("{status} {url} (waited {seconds} s){item}").format(
            status=response.status_code, url=url, seconds=round(waited, 1),
            item=_(", captured as {item}").format(item=item) if item else "") + "\n",
            end="", flush=True)  # one write: lines of checks made at the same time stay whole
        return Page(url=url, final_url=response.url, status=response.status_code,
                    text=response.text,
                    fetched_at=fetched_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
                    waited=round(waited, 1), item=item, response=response)


def _next_link(page: Page) -> str | None:
    link = page.soup.find("a", rel="next") or page.soup.find("link", rel="next")
    if link is None or not link.get("href"):
        return None
    return urljoin(page.final_url, link["href"])


def follow(start: str, *, max_pages: int = 20, case: Any = None, wait: float | None = None,
           robots: bool = True, session: Any = None) -> Pages:
    """Collect every page of a listing by following its "next" links, politely.

    Stops when a page has no "next" link (complete), after ``max_pages`` pages, or when the
    site refuses (429 after retries, an error, a page that is not found): ``stopped`` says
    which, and ``complete`` is False when pages may be missing. With ``case``, each page is
    captured into the case as received.

    Example:
        >>> pages = follow("http://bazaar.example/listings/page-1.html")   # doctest: +SKIP
        >>> len(pages), pages.complete                                      # doctest: +SKIP
        (3, True)
    """
    from ..evidence.case import given_case

    given_case(case)
    if not isinstance(start, str) or not start.startswith(("http://", "https://")):
        raise WebError(_(
            "follow needs the address of the first page, as text starting with http://, for "
            "example follow(\"http://bazaar.example/listings/page-1.html\"); it got {given!r}."
        ).format(given=start))
    polite = _Polite(session, wait, robots)
    pages: list[Page] = []
    url: str | None = start
    seen: set[str] = set()
    stopped, complete = "", True
    while url:
        if len(pages) >= max_pages:
            stopped = _("Stopped after {count} pages: the limit max_pages={limit} was reached, "
                        "and the listing goes on ({url} was NOT collected). Raise max_pages if "
                        "you need every page.").format(count=len(pages), limit=max_pages, url=url)
            complete = False
            break
        if url in seen:
            stopped = _("Stopped after {count} pages: the \"next\" link leads back to {url}, "
                        "a page already collected.").format(count=len(pages), url=url)
            break
        seen.add(url)
        got = polite.get(url, case, "")
        if isinstance(got, str):
            stopped = _("Stopped after {count} pages: {why}. The pages after it were NOT "
                        "collected; try again later.").format(count=len(pages), why=got)
            complete = False
            break
        pages.append(got)
        if got.status != 200:
            stopped = _("Stopped after {count} pages: {url} answered {status}, so its \"next\" "
                        "link could not be read. Pages after it were NOT collected.").format(
                count=len(pages), url=url, status=got.status)
            complete = False
            break
        url = _next_link(got)
    if not stopped:
        stopped = _("Stopped after {count} pages: the last page has no \"next\" link (the "
                    "listing is complete).").format(count=len(pages))
    print(stopped)
    return Pages(pages, stopped=stopped, complete=complete, log=polite.log)


def _addresses(urls: Any) -> list[str]:
    if isinstance(urls, str):
        urls = [urls]
    try:
        addresses = list(dict.fromkeys(str(url) for url in urls))
    except TypeError:
        addresses = []
    if not addresses or not all(a.startswith(("http://", "https://")) for a in addresses):
        raise WebError(_(
            "collect needs one address or a list (or table column) of addresses, each "
            "starting with http://, for example collect([\"http://bazaar.example/seller/"
            "dala_trade.html\"]); it got {given}."
        ).format(given=repr(urls)[:120]))
    return addresses


def collect(urls: Any, *, case: Any = None, wait: float | None = None, robots: bool = True,
            session: Any = None) -> Pages:
    """Collect each address of a list (or a table column), politely; repeats are fetched once.

    Every address gets a row in the log: a page that is not found (404) is kept with its
    status, so you can see it; ``pages.found()`` keeps only the pages that were found.

    Example:
        >>> pages = collect(["http://bazaar.example/seller/dala_trade.html"])  # doctest: +SKIP
        >>> pages[0].status                                                   # doctest: +SKIP
        200
    """
    from ..evidence.case import given_case

    given_case(case)
    addresses = _addresses(urls)
    polite = _Polite(session, wait, robots)
    pages: list[Page] = []
    refused: list[str] = []
    for url in addresses:
        got = polite.get(url, case, "")
        if isinstance(got, str):
            refused.append(got)
        else:
            pages.append(got)
    missing = sum(1 for page in pages if page.status != 200)
    stopped = _("Collected {count} of {total} addresses; {missing} answered with an error "
                "status (see the status column).").format(
        count=len(pages), total=len(addresses), missing=missing)
    if refused:
        stopped += " " + _("NOT collected: {why}.").format(why="; ".join(refused))
    print(stopped)
    return Pages(pages, stopped=stopped, complete=not refused, log=polite.log)


def iso_date(text: Any, order: str = "day.month.year") -> str:
    """A date written as on the page (``17.04.1991``) in the form ``1991-04-17`` (ISO 8601).

    ``order`` says how the page writes it: ``"day.month.year"`` (Central Asia, Russia),
    ``"month.day.year"`` (USA) or ``"year.month.day"``; any separator works.

    Example:
        >>> iso_date("17.04.1991")
        '1991-04-17'
    """
    if order not in _DATE_ORDERS:
        raise WebError(_("order must be one of {orders}; it is {order!r}.").format(
            orders=", ".join(repr(o) for o in _DATE_ORDERS), order=order))
    parts = re.findall(r"\d+", str(text))
    values = dict(zip(_DATE_ORDERS[order], parts, strict=False))
    try:
        if len(parts) != 3 or len(values["year"]) != 4:
            raise ValueError
        day = dt.date(int(values["year"]), int(values["month"]), int(values["day"]))
    except ValueError:
        raise WebError(_(
            "{text!r} is not a date written {order}; check the order the page uses."
        ).format(text=str(text), order=order)) from None
    return day.isoformat()


def _select(soup: Any, selector: str, what: str, one: bool = False) -> Any:
    """``soup.select(selector)`` (or ``select_one``), with a broken selector explained in
    one line instead of the CSS parser's traceback."""
    from soupsieve import SelectorSyntaxError

    try:
        return soup.select_one(selector) if one else soup.select(selector)
    except SelectorSyntaxError as error:
        raise WebError(_(
            "The {what} selector {selector!r} is not valid CSS (the problem is near "
            "position {position}): check that every [ has its ], and write an attribute as "
            "@href after the CSS, not as ['href'] (that form is Python, for BeautifulSoup)."
        ).format(what=what, selector=selector, position=getattr(error, "col", "?"))) from None


def _value(row: Any, selector: str, base: str) -> str | None:
    css, _sep, attribute = selector.partition("@")
    css, attribute = css.strip(), attribute.strip()
    element = _select(row, css, "column", one=True) if css else row
    if element is None:
        return None
    if not attribute:
        return element.get_text(" ", strip=True)
    value = element.get(attribute)
    if isinstance(value, list):
        value = " ".join(value)
    if value is not None and attribute in ("href", "src"):
        value = urljoin(base, value)
    return value


def table(pages: Any, *, rows: str, columns: dict[str, str],
          dates: dict[str, str] | None = None) -> Any:
    """One row per block of the pages that ``rows`` selects, one column per selector.

    A column's selector is CSS inside the row (``"a.seller"``: its text) and, after ``@``,
    an attribute (``"a[itemprop=url] @href"``: the link's full address). ``"@content"`` alone
    reads the row's own attribute. ``dates`` turns date columns into ISO form
    (``{"born": "day.month.year"}``). A ``page`` column names the page of each row. Only pages
    that were found (200) are read.

    Example:
        >>> page = Page("http://x.example/", "http://x.example/", 200,
        ...             '<ul><li><a href="/a">A</a></li><li><a href="/b">B</a></li></ul>', "t")
        >>> rows = table([page], rows="li", columns={"name": "a", "link": "a @href"})
        >>> rows[["name", "link"]].values.tolist()
        [['A', 'http://x.example/a'], ['B', 'http://x.example/b']]
    """
    import pandas as pd

    if isinstance(pages, Page):
        pages = [pages]
    if not isinstance(pages, list) or not all(isinstance(p, Page) for p in pages):
        raise WebError(_(
            "table needs the pages you collected (the result of web.follow or web.collect); "
            "it got {kind}."
        ).format(kind=type(pages).__name__))
    if not isinstance(columns, dict) or not columns:
        raise WebError(_(
            "columns needs a dictionary of column name and CSS selector, for example "
            "columns={{\"seller\": \"a.seller\", \"item_url\": \"a[itemprop=url] @href\"}}."
        ).format())
    found = [page for page in pages if page.status == 200]
    records: list[dict[str, Any]] = []
    for page in found:
        soup = page.soup
        for row in _select(soup, rows, "rows"):
            record = {name: _value(row, selector, page.final_url)
                      for name, selector in columns.items()}
            record["page"] = page.url
            records.append(record)
    if not records:
        raise WebError(_(
            "rows={rows!r} selects nothing on the {count} pages that were found. Open one page "
            "in the browser's inspector and copy the selector of one repeated block (for "
            "example \"#listings tr[itemscope]\")."
        ).format(rows=rows, count=len(found)))
    result = pd.DataFrame(records, columns=[*columns, "page"])
    for name in columns:
        attribute = columns[name].partition("@")[2].strip()
        if result[name].isna().all() and attribute:
            raise WebError(_(
                "The column {name!r} is empty in all {count} rows: the element is found, but "
                "it has no attribute {attribute!r}. Check its spelling (href, src, content) in "
                "the inspector."
            ).format(name=name, count=len(result), attribute=attribute))
        if result[name].isna().all():
            raise WebError(_(
                "The column {name!r} is empty in all {count} rows: its selector {selector!r} "
                "finds nothing inside a row. Check it against one row in the inspector."
            ).format(name=name, count=len(result), selector=columns[name]))
    for name, order in (dates or {}).items():
        if name not in result:
            raise WebError(_("dates names the column {name!r}, which is not in columns.")
                           .format(name=name))
        result[name] = [iso_date(v, order) if v is not None else None for v in result[name]]
    return result
