"""Investigator verbs for collecting: polite by default, never silent about what was missed.

Against the course's fictional internet (datasets/web) over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import pytest

from osintlab import datasets, evidence, extract, sandbox, web
from osintlab.exceptions import WebError
from osintlab.sandbox import SandboxServer

LISTING = "http://bazaar.example/listings/page-1.html"


@pytest.fixture(scope="module")
def server():
    running = SandboxServer(datasets.root() / "web", rate_window=1.0, tsa=False).start()
    yield running
    running.stop()


@pytest.fixture
def session(server):
    return sandbox.session(server)


@pytest.fixture
def quick(monkeypatch):
    """Short waits, so that tests which are not about waiting stay fast."""
    monkeypatch.setattr(web, "MINIMUM_WAIT", 0.0)


def test_follow_collects_every_page_and_waits_the_crawl_delay(session):
    """Does follow reach the last page, waiting robots.txt's 2 s before each request?"""
    pages = web.follow(LISTING, session=session)
    assert pages.urls == [f"http://bazaar.example/listings/page-{n}.html" for n in (1, 2, 3)]
    assert pages.complete
    assert "the last page has no \"next\" link" in pages.stopped
    assert all(page.waited >= 1.8 for page in pages)  # 2 s, measured from the last request
    assert list(pages.log["status"]) == [200, 200, 200]


def test_a_page_limit_is_said_never_silent(session, quick):
    """When max_pages cuts the listing short, is that said and the collection incomplete?"""
    pages = web.follow(LISTING, max_pages=2, wait=0, session=session)
    assert len(pages) == 2 and not pages.complete
    assert "page-3.html was NOT collected" in pages.stopped


def test_too_many_requests_are_waited_out_as_the_site_asks(session, quick):
    """Hammering (wait=0) gets 429; is Retry-After honoured and every page still collected?"""
    urls = [f"http://bazaar.example/item/{n}.html" for n in range(48100, 48100 + 13 * 13, 13)]
    pages = web.collect(urls, wait=0, session=session)
    assert [page.status for page in pages] == [200] * len(urls)
    waits = pages.log[pages.log["status"] == 429]
    assert len(waits) >= 1, "the site's rate limit (10 requests per window) was never reached"
    assert waits["note"].str.contains("too many requests").all()


def test_a_site_that_keeps_refusing_stops_the_crawl_and_says_so(session, quick, monkeypatch):
    """With no retries left, does follow stop, mark the crawl incomplete and name the 429?"""
    monkeypatch.setattr(web, "RETRIES", 0)
    for _ in range(12):  # use up the window
        session.get("http://bazaar.example/index.html")
    pages = web.follow(LISTING, wait=0, session=session)
    assert not pages.complete
    assert "429" in pages.stopped and "NOT collected" in pages.stopped


def test_robots_txt_is_read_and_honoured(session, quick):
    """Is a disallowed address left alone, logged and named, unless the trainee opts out?"""
    rules = web.robots("bazaar.example", session=session)
    assert rules.crawl_delay == 2
    assert not rules.allows("http://bazaar.example/admin/")
    pages = web.collect(["http://bazaar.example/admin/", LISTING], session=session)
    assert pages.urls == [LISTING] and not pages.complete
    assert "asks crawlers not to fetch http://bazaar.example/admin/" in pages.stopped


def test_collect_keeps_not_found_pages_and_found_drops_them(session, quick):
    """A 404 profile is shown with its status; does found() keep only 200s for extraction?"""
    pages = web.collect(["http://bazaar.example/seller/dala_trade.html",
                         "http://bazaar.example/seller/osh_fruit.html"], session=session)
    assert [page.status for page in pages] == [200, 404]
    assert [page.status for page in pages.found()] == [200]
    phones = extract.phones(pages)
    assert list(phones.columns[:2]) == ["page", "kind"]
    assert set(phones["normalized"]) == {"+77995550117"}
    assert set(phones["page"]) == {"http://bazaar.example/seller/dala_trade.html"}


def test_table_turns_repeated_blocks_into_rows_with_full_addresses(session, quick):
    """Do a rows selector and column selectors give one row per listing, links made absolute?"""
    pages = web.follow(LISTING, wait=0, session=session)
    listings = web.table(pages, rows="#listings tr[itemscope]",
                         columns={"item_url": "a[itemprop=url] @href", "seller": "a.seller"})
    assert len(listings) == 30
    assert list(listings.columns) == ["item_url", "seller", "page"]
    assert listings["item_url"].str.startswith("http://bazaar.example/item/").all()
    assert "almaty_gadget" in set(listings["seller"])


def test_table_dates_are_turned_into_iso_form(session, quick):
    """Is a day.month.year birth date read as year-month-day?"""
    pages = web.collect(["http://social.example/u/daniyar.m91.html"], session=session)
    people = web.table(pages, rows="[itemscope]", columns={"born": "[itemprop=birthDate]"},
                       dates={"born": "day.month.year"})
    assert list(people["born"]) == ["1991-04-17"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: web.table(p, rows="#listing tr", columns={"s": "a.seller"}),
         "selects nothing on the 1 pages"),
        (lambda p: web.table(p, rows="#listings tr[itemscope]", columns={"s": "a.sellr"}),
         "is empty in all 10 rows"),
        (lambda p: web.table(p, rows="#listings tr[itemscope]", columns=["a.seller"]),
         "columns needs a dictionary"),
        (lambda p: web.table("page-1.html", rows="tr", columns={"s": "a"}),
         "table needs the pages you collected"),
        (lambda p: web.table(p, rows="#listings tr[itemscope", columns={"s": "a.seller"}),
         "The rows selector '#listings tr\\[itemscope' is not valid CSS"),
        (lambda p: web.table(p, rows="#listings tr[itemscope]",
                             columns={"u": "a[itemprop=url]['href']"}),
         "write an attribute as @href after the CSS, not as \\['href'\\]"),
        (lambda p: web.table(p, rows="#listings tr[itemscope]", columns={"u": "a.seller @hrf"}),
         "it has no attribute 'hrf'"),
        (lambda p: web.table(p, rows="#listings tr[itemscope]", columns=["a"]),
         'columns=\\{"seller"'),
    ],
)
def test_table_mistakes_get_a_message_that_says_what_to_do(session, quick, call, message):
    """Does a wrong selector or argument say what is wrong and what to try?"""
    pages = web.collect([LISTING], session=session)
    with pytest.raises(WebError, match=message):
        call(pages)


def test_bad_addresses_and_dates_are_refused_plainly():
    """Is a bare name or a wrong date order refused with the right form shown?"""
    with pytest.raises(WebError, match="starting with http://"):
        web.follow("bazaar.example/listings/page-1.html")
    with pytest.raises(WebError, match="starting with http://"):
        web.collect(42)
    with pytest.raises(WebError, match="is not a date written day.month.year"):
        web.iso_date("1991-04-17")
    assert web.iso_date("04/17/1991", "month.day.year") == "1991-04-17"


def test_collected_pages_are_captured_into_the_case_as_received(session, quick, tmp_path):
    """With case=, is each page an item whose stored bytes are the page's bytes?"""
    case = evidence.open_case(tmp_path / "CASE-1", investigator="Trainee", screenshots=False,
                              session=session)
    pages = web.follow(LISTING, max_pages=2, wait=0, case=case, session=session)
    assert [page.item for page in pages] == ["E0001", "E0002"]
    assert list(pages.log["item"]) == ["E0001", "E0002"]
    for page in pages:
        record = case.record(page.item)
        assert record["source_url"] == page.url
        original = case.path("items", page.item, record["file"]["original"])
        assert original.read_bytes() == page.response.content
    assert case.verify()["status"] == "intact"


def test_a_pages_answer_leaves_a_graded_kernel_with_what_checks_read(session, quick, tmp_path):
    """Graded answers travel as plain data: does a Pages keep its addresses, completeness, log?"""
    from osintlab.grading.plain import dumps, loads

    case = evidence.open_case(tmp_path / "CASE-1", investigator="Trainee", screenshots=False,
                              session=session)
    pages = web.follow(LISTING, max_pages=2, wait=0, case=case, session=session)
    answer = loads(dumps({"pages": pages}, ["pages"]))["pages"]
    assert answer.snapshot_of == "osintlab.web.Pages"
    assert answer.urls == pages.urls and answer.complete is False
    assert answer.stopped == pages.stopped
    assert list(answer.log["item"]) == ["E0001", "E0002"]
