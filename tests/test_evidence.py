"""Capturing evidence: real HTTP on 127.0.0.1, real WARC and WACZ files, real Chromium."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import itertools
import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from chromium import needs_chromium
from conftest import ROOT
from evidence_site import Site
from PIL import Image

from osintlab.evidence import Case, open_case
from osintlab.evidence import capture as _capture
from osintlab.exceptions import CaptureFailed, DuplicateCapture, EvidenceError, OutsideCase

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def site():
    server = Site().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def captured(site, tmp_path_factory):
    """One case with the offer page captured through a redirect (screenshot on)."""
    case = open_case(tmp_path_factory.mktemp("ev") / "CASE-2024-017",
                     investigator="Inspector A. Karimova", persona="buyer_almaty_88")
    record = case.capture(site.url("/old-offer"), note="the offer")
    return case, record


def test_capture_keeps_the_bytes_and_records_what_the_protocol_asks(captured, site):
    """Is the original byte-identical and read-only, with every Berkeley Protocol field?"""
    case, record = captured
    body = site.pages["/offer/17"][1]
    original = case.root / "items" / "E0001" / record["file"]["original"]
    assert original.read_bytes() == body
    assert not original.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert record["source_url"] == site.url("/old-offer")
    assert record["final_url"] == site.url("/offer/17")
    assert record["redirects"] == [{"url": site.url("/old-offer"), "status": 301,
                                    "location": "/offer/17"}]
    assert record["http"]["status"] == 200
    assert ["Server", "BazarExample/1.0"] in record["http"]["headers"]
    assert record["hashes"]["sha256"] == "sha256:" + hashlib.sha256(body).hexdigest()
    assert record["hashes"]["md5"] == "md5:" + hashlib.md5(body).hexdigest()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["collected_at"])
    # the record says what the kernel says of the clock right now, and how it knows
    assert record["clock"]["synchronised"] == _capture.clock_synchronised()["synchronised"]
    assert record["clock"]["how"]
    assert record["collector"] == "Inspector A. Karimova"
    assert record["persona"] == "buyer_almaty_88"
    assert record["machine"]["ip"] == "127.0.0.1"
    assert record["tool"]["name"] == "osintlab" and record["tool"]["warcio"]
    assert record["html_source"] == record["file"]["original"]
    assert record["method"] == "HTTP GET, following redirects"
    assert "with the User-Agent recorded in this record" in record["changes"][0]
    # OPSEC: the site is told nothing about evidence or this tool, and the record says what it saw
    sent = dict(record["http"]["request"]["headers"])["User-Agent"]
    assert sent == _capture.USER_AGENT and "osintlab" not in sent.lower()
    assert "evidence" not in sent.lower()
    # the working copy is separate: changing it leaves the evidence intact
    working = case.root / "items" / "E0001" / record["file"]["working"]
    working.write_text("edited by the analyst")
    assert original.read_bytes() == body
    assert case.verify()["status"] == "intact"


def test_embedded_image_is_its_own_linked_item(captured, site):
    """Does the page's photo become its own item, linked to the page?"""
    case, _ = captured
    items = case.items.set_index("item")
    assert items.loc["E0002", "parent"] == "E0001"
    photo = case.record("E0002")
    assert photo["embedded_in"] == "E0001"
    original = case.root / "items" / "E0002" / photo["file"]["original"]
    assert original.read_bytes() == site.pages["/static/photo.png"][1]


@needs_chromium
def test_screenshot_is_full_page_and_stamped(captured):
    """Does the screenshot show the whole long page, under a band with URL and time?"""
    case, record = captured
    assert record["screenshot"]["file"] == "screenshot.png", record["screenshot"]
    image = Image.open(case.root / "items" / "E0001" / "screenshot.png").convert("RGB")
    assert image.height > 1800  # the page is longer than any window: captured beyond it
    assert image.getpixel((2, 2)) == (32, 32, 48)  # the stamp band
    assert image.getpixel((2, image.height - 5)) != (32, 32, 48)


def test_missing_chromium_is_recorded_not_silent(site, tmp_path, monkeypatch):
    """Without Chromium, does the capture still succeed and say why there is no picture?"""
    monkeypatch.setattr("osintlab.evidence.screenshot.chromium_binary", lambda: None)
    case = open_case(tmp_path / "C1", investigator="A. Karimova")
    record = case.capture(site.url("/offer/17"), embedded=False)
    assert record["screenshot"] == {"file": None,
                                    "note": "no screenshot: Chromium not installed"}
    assert not (case.root / "items" / "E0001" / "screenshot.png").exists()


def test_warc_passes_warcio_check_and_holds_the_exchange(captured, site):
    """Is the WARC valid for warcio and does its response hold the exact bytes?"""
    from warcio.archiveiterator import ArchiveIterator

    case, _ = captured
    warc = case.root / "items" / "E0001" / "capture.warc.gz"
    check = subprocess.run([str(BIN / "warcio"), "check", "-v", str(warc)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 3
    with open(warc, "rb") as handle:
        records = {r.rec_type: (r, r.content_stream().read()) for r in ArchiveIterator(handle)}
    assert set(records) == {"request", "response", "metadata"}
    response, payload = records["response"]
    assert payload == site.pages["/offer/17"][1]
    assert response.rec_headers.get_header("WARC-Target-URI") == site.url("/offer/17")
    assert json.loads(records["metadata"][1])["item"] == "E0001"
    request = records["request"][0]
    assert request.http_headers.to_str().splitlines()[0] == "GET /offer/17 HTTP/1.1"
    assert request.http_headers.get_header("Host") == site.url("/").split("/")[2]
    assert records["metadata"][0].rec_headers.get_header("WARC-Target-URI") == \
        "urn:osintlab:record:" + site.url("/offer/17")


def test_case_packages_as_a_valid_wacz(captured, site):
    """Does the wacz package's own validator accept the case, with the page listed?"""
    import zipfile

    case, _ = captured
    package = case.package_wacz()
    check = subprocess.run([str(BIN / "wacz"), "validate", "-f", str(package)],
                           capture_output=True, text=True)
    assert check.returncode == 0 and "is valid" in check.stdout, check.stdout + check.stderr
    with zipfile.ZipFile(package) as archive:
        pages = [json.loads(line) for line in archive.read("pages/pages.jsonl").splitlines()]
        package_json = json.loads(archive.read("datapackage.json"))
    assert site.url("/offer/17") in [page.get("url") for page in pages]
    assert all(res["hash"].startswith("sha256:") for res in package_json["resources"])


def test_an_embedded_file_that_fails_is_noted_with_its_reason(site, tmp_path):
    """Does a missing or unreachable picture on a page leave a log note saying why?"""
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    site.pages["/gallery"] = ("text/html; charset=utf-8", (
        f'<img src="/static/missing.png"><img src="http://127.0.0.1:{port}/x.png">'
    ).encode())
    case = open_case(tmp_path / "C6", investigator="A. Karimova", screenshots=False)
    case.capture(site.url("/gallery"))
    notes = [e["text"] for e in case.entries() if e["action"] == "note"]
    assert notes == [
        f"embedded file {site.url('/static/missing.png')} could not be captured: "
        "HTTP 404 Not Found",
        f"embedded file http://127.0.0.1:{port}/x.png could not be captured: "
        "the connection was refused (no server answers there)",
    ]
    assert len(case.captures()) == 1


def test_not_found_page_is_captured_with_its_status(site, tmp_path):
    """Is a 404 kept as evidence (a removed page matters), with the status recorded?"""
    case = open_case(tmp_path / "C2", investigator="A. Karimova", screenshots=False)
    record = case.capture(site.url("/offer/99"), note="offer removed?")
    assert record["http"]["status"] == 404


def test_unreachable_url_is_a_clear_error_and_adds_nothing(tmp_path):
    """Does an address nobody answers on fail with a message that says what to do?"""
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    case = open_case(tmp_path / "C3", investigator="A. Karimova")
    before = case.entries()
    with pytest.raises(CaptureFailed) as error:
        case.capture(f"http://127.0.0.1:{port}/offer/17")
    assert "Could not capture http://127.0.0.1:" in str(error.value)
    assert "refused" in str(error.value) and "Nothing was added" in str(error.value)
    assert case.entries() == before and not list((case.root / "items").iterdir())
    with pytest.raises(CaptureFailed, match="not a web address"):
        case.capture("shop.example/offer/17")


def test_duplicate_capture_names_the_item_and_how_to_repeat(captured, site):
    """Is the same page twice refused, naming the item, unless asked for deliberately?"""
    case, _ = captured
    with pytest.raises(DuplicateCapture) as error:
        case.capture(site.url("/offer/17"), screenshot=False)
    assert error.value.item == "E0001"
    assert "already item E0001" in str(error.value) and "again=True" in str(error.value)
    again = case.capture(site.url("/offer/17"), screenshot=False, again=True, embedded=False)
    assert again["item"] != "E0001"
    assert again["hashes"] == case.record("E0001")["hashes"]


def test_paths_outside_the_case_are_refused(captured, tmp_path):
    """Can a path lead out of the case folder, or evidence be captured from inside it?"""
    case, _ = captured
    with pytest.raises(OutsideCase, match="outside the case folder"):
        case.path("..", "..", "etc", "passwd")
    with pytest.raises(OutsideCase):
        case.record("../../E0001")
    with pytest.raises(OutsideCase, match="already inside the case folder"):
        case.capture(case.root / "case.json")


def test_file_capture_and_response_capture(site, tmp_path):
    """Can a file on disk and a Response a trainee already has be captured too?"""
    export = tmp_path / "chat-export.json"
    export.write_text('{"messages": []}', encoding="utf-8")
    case = open_case(tmp_path / "C4", investigator="A. Karimova", screenshots=False)
    record = case.capture(export, note="Telegram export from the witness")
    assert record["kind"] == "file" and record["source_path"] == str(export.resolve())
    response = requests.get(site.url("/files/price-list.txt"), timeout=10)
    record = case.capture(response, note="price list")
    assert record["http"]["status"] == 200 and record["final_url"].endswith("price-list.txt")
    # the notebook made this request, not capture(): the record must not claim otherwise
    assert record["method"] == "a requests.Response given to capture()"
    assert "notebook's own code" in record["changes"][0]
    assert (case.root / "items" / record["item"] / "capture.warc.gz").exists()
    assert list(case.items["item"]) == ["E0001", "E0002"]
    assert record == case.record("E0002")  # what capture returns is what record.json holds
    folder = case.root / "items" / "E0002"  # original read-only, working copy made, editable
    original = folder / record["file"]["original"]
    assert not original.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert (folder / record["file"]["working"]).read_bytes() == original.read_bytes()
    assert (folder / record["file"]["working"]).stat().st_mode & stat.S_IWUSR



def test_a_russian_case_keeps_the_item_kind_a_notebook_compares(tmp_path, monkeypatch):
    """In a Russian classroom, is `kind` still the stable word that checks compare with?"""
    monkeypatch.setenv("OSINTLAB_LANG", "ru")
    export = tmp_path / "chat-export.json"
    export.write_text('{"messages": []}', encoding="utf-8")
    case = open_case(tmp_path / "C5", investigator="А. Каримова", screenshots=False)
    record = case.capture(export, note="выгрузка чата")
    assert record["kind"] == "file"
    written = " ".join(record["changes"])  # the record's sentences are in the case's language
    assert re.search("[а-яё]", written, re.IGNORECASE), written

class FixedCase(Case):
    """A case with a fixed clock and numbered record ids, as warcio's FixedTestRecordMixin."""

    def now(self):
        return dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC)

    def warc_writer(self):
        writer = _capture.EvidenceWARCWriter()
        counter = itertools.count(1)
        writer.make_record_id = lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(counter):012d}>"
        return writer


def test_warc_output_is_repeatable_with_a_fixed_clock_and_ids(site, tmp_path, monkeypatch):
    """With the clock and ids fixed, are two captures of one response identical WARCs?"""
    monkeypatch.setattr(_capture, "machine_ip", lambda url: "192.0.2.10")
    response = requests.get(site.url("/files/price-list.txt"), timeout=10)
    warcs = []
    for run in ("first", "second"):
        folder = tmp_path / run / "CASE-2024-017"
        open_case(folder, investigator="A. Karimova")
        FixedCase(folder, screenshots=False).capture(response)
        warcs.append((folder / "items" / "E0001" / "capture.warc.gz").read_bytes())
    assert warcs[0] == warcs[1]
    assert b"WARC-Date: 2024-05-01T08:00:00Z" in gzip.decompress(warcs[0])


def _warcio_writes(fetched, ids: list[str], warc_date: str, metadata: dict) -> bytes:
    """The same three records written by warcio's own WARCWriter, which computes the digests
    itself (the reference the case's writer must equal byte for byte)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    url = fetched.final_url
    target = f"urn:osintlab:record:{url}"
    meta = json.dumps(metadata, ensure_ascii=False, sort_keys=True).encode()
    asked = [("Host", url.split("/")[2])] + [h for h in fetched.request_headers
                                              if h[0].lower() != "host"]

    def fields(kind, uri, record_id, *more):
        return StatusAndHeaders("", [("WARC-Type", kind), ("WARC-Record-ID", record_id),
                                     ("WARC-Target-URI", uri), ("WARC-Date", warc_date),
                                     *more], protocol="WARC/1.0")

    for record in (
        writer.create_warc_record(
            url, "response", payload=io.BytesIO(fetched.body), length=len(fetched.body),
            http_headers=StatusAndHeaders(f"{fetched.status} {fetched.reason}",
                                          list(fetched.headers), protocol="HTTP/1.1"),
            warc_headers=fields("response", url, ids[0])),
        writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), length=0,
            http_headers=StatusAndHeaders("GET /offer/17 HTTP/1.1", asked, protocol=""),
            warc_headers=fields("request", url, ids[1], ("WARC-Concurrent-To", ids[0]))),
        writer.create_warc_record(
            target, "metadata", payload=io.BytesIO(meta), length=len(meta),
            warc_content_type="application/json",
            warc_headers=fields("metadata", target, ids[2], ("WARC-Concurrent-To", ids[0]),
                                ("WARC-Refers-To", ids[0]))),
    ):
        writer.write_record(record)
    return out.getvalue()


def test_the_warc_is_what_warcio_itself_writes(site):
    """Are the capture's WARC records byte for byte what warcio's WARCWriter writes for the
    same exchange, digests included (and a non-ASCII header percent-encoded as warcio does)?"""
    import io

    response = requests.get(site.url("/offer/17"), timeout=10)
    response.headers["Content-Disposition"] = "inline; filename*=прайс.html"
    fetched = _capture.from_response(response)
    writer = _capture.EvidenceWARCWriter()
    counter = itertools.count(1)
    ids = [f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>" for n in (1, 2, 3)]
    writer.make_record_id = lambda: ids[next(counter) - 1]
    metadata = {"item": "E0001", "case": "CASE-1", "note": "объявление", "hashes": {}}
    ours = io.BytesIO()
    writer.write(ours, fetched, warc_date="2024-05-01T08:00:00Z", metadata=metadata)
    expected = _warcio_writes(fetched, ids, "2024-05-01T08:00:00Z", metadata)
    assert gzip.decompress(ours.getvalue()) == gzip.decompress(expected)
    assert ours.getvalue() == expected  # the same gzip members too


def test_record_json_is_one_field_per_line_as_json_writes_each_value():
    """Is record.json one field per line, each value exactly as json.dumps writes it (the fast
    encoder must never write other text), and read back as the same record?"""
    from osintlab.evidence.case import _readable_json

    record = {"item": "E0001", "note": "объявление \"17\"\n", "size": 2875, "ratio": 0.5,
              "working": None, "ok": True, "headers": [["Server", "x"]], "hashes": {},
              "changes": ["a", "б"]}
    lines = _readable_json(record).decode().splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert lines[1:-1] == [f"  {json.dumps(k, ensure_ascii=False)}: "
                           f"{json.dumps(v, ensure_ascii=False)}" + ("," if n < 8 else "")
                           for n, (k, v) in enumerate(record.items())]
    assert json.loads(_readable_json(record)) == record


def test_a_new_case_needs_an_investigator(tmp_path):
    """Does opening a new case without a name say what to write?"""
    with pytest.raises(EvidenceError, match="investigator='Your Name'"):
        open_case(tmp_path / "CASE-9")
    with pytest.raises(EvidenceError, match="cannot be a case id"):
        open_case(tmp_path / "case 9?", investigator="A. Karimova")


@needs_chromium
def test_the_screenshot_shows_the_captured_bytes_not_a_new_load(site, tmp_path):
    """Is the picture rendered from the bytes that were hashed, the page never fetched again?"""
    case = open_case(tmp_path / "C3", investigator="A. Karimova")
    before = len(site.requests)
    record = case.capture(site.url("/about"), embedded=False)
    assert record["screenshot"]["title"] == "About"
    assert "from the captured bytes" in record["screenshot"]["note"]
    assert "fetched again for the picture" in record["screenshot"]["note"]  # the images: true
    asked = site.requests[before:]
    assert asked.count("/about") == 1, asked  # the capture's own GET, nothing else
    assert "/favicon.ico" not in asked  # the browser asks for nothing the page does not show


@needs_chromium
def test_a_fictional_page_is_shown_though_chromium_resolves_nothing(tmp_path):
    """A page captured through the sandbox: is the screenshot that page, never Chromium's
    "This site can't be reached" error page recorded as success?"""
    from osintlab import sandbox
    from osintlab.sandbox.server import SandboxServer

    server = SandboxServer(ROOT / "tests" / "fixtures" / "sandbox-web").start()
    try:
        case = open_case(tmp_path / "C2", investigator="A. Karimova",
                         session=sandbox.session(server))
        record = case.capture("http://shop.example/", embedded=False)
    finally:
        server.stop()
    assert record["screenshot"]["file"] == "screenshot.png", record["screenshot"]
    assert record["screenshot"]["title"] == "Fixture marketplace"


def test_a_page_chromium_cannot_show_is_a_failed_screenshot(monkeypatch):
    """When Chromium reports the navigation failed, is there no picture and a reason?"""
    from osintlab.evidence import screenshot

    def fails(url, binary, answer):
        raise screenshot.NotRendered("net::ERR_NAME_NOT_RESOLVED")

    monkeypatch.setattr(screenshot, "chromium_binary", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(screenshot, "capture_png", fails)
    png, note, title = screenshot.take("http://bazaar.example/", "2024-11-25T04:18:33Z",
                                       (200, [], b"<html></html>"))
    assert (png, title) == (None, None)
    assert note == "no screenshot: the page could not be shown (net::ERR_NAME_NOT_RESOLVED)"


def test_a_body_past_the_limit_is_refused_and_nothing_added(site, tmp_path, monkeypatch):
    """Is a web page larger than the limit refused with what to do, instead of filling memory?"""
    monkeypatch.setattr(_capture, "MAX_BODY", 400)  # the offer page is longer, the about page shorter
    case = open_case(tmp_path / "C4", investigator="A. Karimova", screenshots=False)
    with pytest.raises(CaptureFailed, match="larger than 0 MB") as error:
        case.capture(site.url("/offer/17"))
    assert "Nothing was added" in str(error.value) and "case.capture(path)" in str(error.value)
    assert case.captures() == []
    assert case.capture(site.url("/about"), embedded=False)["item"] == "E0001"  # small: kept


def test_one_act_has_one_time_everywhere(captured):
    """Do the record, the log, the report's timeline and its annex give the same UTC time
    for a capture, with the act's end recorded beside it?"""
    from osintlab.evidence.report import collect

    case, record = captured
    entry = next(e for e in case.captures() if e["item"] == record["item"])
    assert entry["time"] == record["collected_at"]
    assert record["collection_ended_at"] >= record["collected_at"]
    data = collect(case, "en", "", [])
    [annexed] = [row for row in data["annex"] if row["item"] == record["item"]]
    assert annexed["time"] == record["collected_at"]
    captured_rows = [row for row in data["timeline"] if record["item"] in row["event"]
                     and row["event"].startswith("captured")]
    assert [row["time"] for row in captured_rows] == [record["collected_at"]]


def test_the_case_persona_is_not_written_on_a_file_copy(site, tmp_path):
    """Does a file copy say no persona (a covert method is not disclosed with it), while a
    web capture made through the persona records it?"""
    case = open_case(tmp_path / "C5", investigator="A. Karimova", persona="buyer_almaty_88",
                     screenshots=False)
    statement = tmp_path / "statement.txt"
    statement.write_text("witness statement, fictional\n", encoding="utf-8")
    assert case.capture(statement)["persona"] is None
    assert case.capture(site.url("/about"), embedded=False)["persona"] == "buyer_almaty_88"


def test_a_case_can_name_its_own_user_agent_and_records_it(tmp_path, site):
    """Is a case's chosen User-Agent sent, kept in case.json and recorded with each item?"""
    chosen = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    case = open_case(tmp_path / "CASE-UA", investigator="A. Karimova",
                              screenshots=False, user_agent=chosen)
    record = case.capture(site.url("/offer/17"), embedded=False)
    assert dict(record["http"]["request"]["headers"])["User-Agent"] == chosen
    assert site.user_agents[-1] == chosen
    reopened = open_case(tmp_path / "CASE-UA")
    assert reopened.user_agent == chosen


def test_a_web_capture_records_the_public_address_the_site_saw_and_the_vpn(tmp_path):
    """Is the address service's answer (what para 155 asks) and the declared VPN recorded?"""
    from osintlab import datasets, sandbox
    from osintlab.sandbox import SandboxServer

    server = SandboxServer(datasets.root() / "web", tsa=False, public_address="203.0.113.77")
    server.start()
    try:
        case = open_case(tmp_path / "CASE-IP", investigator="A. Karimova", screenshots=False,
                         session=sandbox.session(server), connection="the unit's VPN, exit Almaty")
        record = case.capture("http://bazaar.example/robots.txt")
    finally:
        server.stop()
    connection = record["connection"]
    assert connection["public_address"] == "203.0.113.77"
    assert connection["service"] == "http://address.example/"
    assert connection["vpn_or_proxy"] == "the unit's VPN, exit Almaty"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", connection["checked_at"])
    assert open_case(tmp_path / "CASE-IP").connection == "the unit's VPN, exit Almaty"


def test_without_an_address_service_the_record_says_it_was_not_checked(tmp_path, site):
    """Off the fictional internet with no service named, is 'not checked' said, not invented?"""
    case = open_case(tmp_path / "CASE-NOIP", investigator="A. Karimova", screenshots=False)
    record = case.capture(site.url("/offer/17"), embedded=False)
    assert record["connection"]["public_address"] is None
    assert "not checked" in record["connection"]["note"]
    assert record["connection"]["vpn_or_proxy"].startswith("none declared")


def test_a_file_says_who_supplied_it_and_unknown_honestly_when_not_said(tmp_path, site):
    """Does a file copy carry its provenance, 'not stated' without it, and no connection?"""
    case = open_case(tmp_path / "CASE-FILE", investigator="A. Karimova", screenshots=False)
    first, second = tmp_path / "statement.txt", tmp_path / "photo.txt"
    first.write_text("statement")
    second.write_text("photo")
    given = case.capture(first, provenance="handed over by the victim on a USB stick")
    unknown = case.capture(second)
    assert given["provenance"] == "handed over by the victim on a USB stick"
    assert unknown["provenance"].startswith("Not stated at capture")
    assert given["connection"] is None
    with pytest.raises(EvidenceError, match="provenance= is for files"):
        case.capture(requests.get(site.url("/about"), timeout=10), provenance="x")


def test_an_unsynchronised_clock_is_a_warning_in_the_record(tmp_path, site, monkeypatch):
    """When the clock is not synchronised, does the record (and the trainee) get a warning?"""
    monkeypatch.setattr(_capture, "clock_state",
                        lambda: {"synchronised": False, "how": "the operating system's clock status (adjtimex)"})
    case = open_case(tmp_path / "CASE-CLOCK", investigator="A. Karimova", screenshots=False)
    with pytest.warns(UserWarning, match="NOT synchronised"):
        record = case.capture(site.url("/offer/17"), embedded=False)
    assert any("NOT synchronised" in w for w in record["warnings"])
    monkeypatch.setattr(_capture, "clock_state",
                        lambda: {"synchronised": True, "how": "the operating system's clock status (adjtimex)"})
    assert case.capture(site.url("/about"), embedded=False)["warnings"] == []


def test_a_cell_run_again_returns_the_same_item_and_adds_nothing(tmp_path, site, capsys):
    """Re-running the same capture (same source, same note): same record, no new item or line?"""
    case = open_case(tmp_path / "CASE-RERUN", investigator="A. Karimova", screenshots=False)
    first = case.capture(site.url("/offer/17"), note="the offer", embedded=False)
    lines = len(case.entries())
    again = case.capture(site.url("/offer/17"), note="the offer", embedded=False)
    assert again == first and len(case.entries()) == lines
    assert "nothing was added (the cell was run again)" in capsys.readouterr().out
    with pytest.raises(DuplicateCapture):  # the same bytes as another act stay refused
        case.capture(site.url("/offer/17"), note="the offer, seen again", embedded=False)
    source = tmp_path / "copy.txt"
    source.write_bytes(b"same words")
    twin = tmp_path / "twin.txt"
    twin.write_bytes(b"same words")
    case.capture(source, provenance="handed over by the victim")
    with pytest.raises(DuplicateCapture):  # identical bytes from another file: a new act
        case.capture(twin)


def test_items_written_as_one_text_are_refused_with_the_list_form(tmp_path, site):
    """Is items="E0001, E0002" refused with the list written out, not 'no such item'?"""
    case = open_case(tmp_path / "CASE-ITEMS", investigator="A. Karimova", screenshots=False)
    case.capture(site.url("/offer/17"), embedded=False)
    case.capture(site.url("/about"), embedded=False)
    with pytest.raises(EvidenceError, match=r'items=\["E0001", "E0002"\]'):
        case.transfer(to="Expert", purpose="examination", items="E0001, E0002")


def test_an_osintlab_error_shows_its_message_not_a_traceback_wall():
    """In Jupyter, is an osintlab error one red line with its name and message?"""
    import nbformat
    from nbclient import NotebookClient

    cells = ["from osintlab import datasets\ndatasets.path('no-such-data')"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=120, allow_errors=True).execute()
    error = notebook.cells[0].outputs[0]
    assert error["ename"] == "DatasetMissing" and len(error["traceback"]) == 1
    assert "no-such-data" in error["traceback"][0]
