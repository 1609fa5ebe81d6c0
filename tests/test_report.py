"""The case report: DOCX (python-docx) and HTML (BeautifulSoup) match the log; the HTML
renders offline in real headless Chromium, which requests nothing from outside."""

from __future__ import annotations

import base64
import json
import platform
import re
import socket
import tempfile
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from chromium import BINARY, needs_chromium
from docx import Document
from evidence_site import Site

from osintlab.evidence import open_case
from osintlab.evidence import screenshot as _screenshot
from osintlab.exceptions import EvidenceError

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
FINDINGS = [
    {"text": "Seller kara_bekov offers forged passports for USDT.", "items": ["E0001", "E0002"],
     "place": (43.2380, 76.9450, "Pickup point named in the offer")},
    "The price list matches the offer.",
]


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    site = Site().start()
    try:
        case = open_case(tmp_path_factory.mktemp("rep") / "CASE-2024-017",
                         investigator="Inspector A. Karimova")
        case.capture(site.url("/old-offer"), note="the offer")
        case.capture(site.url("/files/price-list.txt"), note="price list", screenshot=False)
    finally:
        site.stop()
    case.transfer(to="Expert B. Sadykov, forensic centre", purpose="examination",
                  questions=["Was the photo E0002 edited?", "Who made the page?"])
    case.transfer(to="Prosecutor D. Omarova", purpose="indictment")
    paths = case.report(summary="A fictional seller offers forged documents.",
                        findings=FINDINGS)
    return case, paths


def annex_from_log(case) -> list[list[str]]:
    return [[e["item"], e["time"], e["source"], e["sha256"]] for e in case.captures()]


def test_docx_annex_and_custody_match_the_log(reported):
    """Does the Word report's evidence annex list exactly the logged items and hashes?"""
    case, paths = reported
    document = Document(str(paths["docx"]))
    tables = {tuple(c.text for c in t.rows[0].cells): t for t in document.tables}
    annex = tables[("Item", "Collected (UTC)", "Source", "SHA-256")]
    rows = [[cell.text for cell in row.cells] for row in annex.rows[1:]]
    assert rows == annex_from_log(case)
    custody = tables[("Time (UTC)", "From", "To", "Purpose", "Questions")]
    rows = [[cell.text for cell in row.cells] for row in custody.rows[1:]]
    assert [row[2] for row in rows] == ["Inspector A. Karimova",
                                        "Expert B. Sadykov, forensic centre",
                                        "Prosecutor D. Omarova"]
    assert rows[1][4] == "Was the photo E0002 edited?\nWho made the page?"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for section in ("Summary", "Findings", "Timeline", "Evidence annex", "Chain of custody",
                    "Collection forms", "Collection form: E0001"):
        assert section in headings
    forms = [t for t in document.tables if t.rows[0].cells[0].text == "Field"]
    assert len(forms) == len(case.captures())
    fields = {row.cells[0].text: row.cells[1].text for row in forms[0].rows[1:]}
    assert fields["SHA-256 at collection"] == case.record("E0001")["hashes"]["sha256"]
    assert fields["Final URL (after redirects)"].endswith("/offer/17")
    assert len(document.inline_shapes) >= 1  # the page's screenshot


def test_html_annex_matches_the_log_and_is_self_contained(reported):
    """Is the HTML annex the log's, with nothing loaded from another file or server?"""
    case, paths = reported
    soup = BeautifulSoup(paths["html"].read_text(encoding="utf-8"), "lxml")
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in soup.select("table.annex tr")[1:]]
    assert rows == annex_from_log(case)
    assert not soup.find("link") and not soup.select("script[src]")
    assert all(img["src"].startswith("data:") for img in soup.find_all("img"))
    assert soup.find(id="E0001") and soup.find("a", href="#E0002")
    assert "Seller kara_bekov offers forged passports for USDT." in soup.get_text()
    places = [json.loads(line.split("=", 1)[1].strip().rstrip(";"))
              for script in soup.find_all("script") for line in script.string.splitlines()
              if line.startswith("var places")]
    assert places == [[{"lat": 43.238, "lon": 76.945,
                        "label": "Pickup point named in the offer"}]]


def test_report_language_must_be_a_code(reported):
    """Does a wrong language argument say what to write?"""
    case, _ = reported
    with pytest.raises(EvidenceError, match="not a language code: use e.g. 'en' or 'ru'"):
        case.report(language="Russian")


def test_a_wrong_report_language_is_explained_in_the_trainees_language(reported, monkeypatch):
    """A Russian-speaking trainee who writes language="русский" gets the error in Russian."""
    case, _ = reported
    monkeypatch.setenv("OSINTLAB_LANG", "ru")
    with pytest.raises(EvidenceError) as error:
        case.report(language="русский")
    assert str(error.value) == _russian(
        "{language!r} is not a language code: use e.g. 'en' or 'ru'.").format(
        language="русский")


@pytest.mark.slow
@needs_chromium
def test_html_renders_offline_in_chromium_with_no_outside_request(reported):
    """In a browser without network, do the page and the map render, asking for nothing?"""
    _case, paths = reported
    requested: list[str] = []
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        process, browser = _screenshot._start(
            BINARY, profile,
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        )
        try:
            page = _screenshot._DevTools(_screenshot._page_socket(browser))
            page.call("Network.enable")
            page.call("Page.enable")
            page.socket.send(json.dumps({"id": 999, "method": "Page.navigate",
                                         "params": {"url": paths["html"].as_uri()}}))
            deadline = time.monotonic() + 20
            loaded = False
            while time.monotonic() < deadline:
                page.socket.settimeout(1)
                try:
                    message = json.loads(page.socket.recv())
                except Exception:  # a quiet second after the load: done
                    if loaded:
                        break
                    continue
                if message.get("method") == "Network.requestWillBeSent":
                    requested.append(message["params"]["request"]["url"])
                loaded = loaded or message.get("method") == "Page.loadEventFired"
            markers = page.call("Runtime.evaluate", expression=(
                "document.querySelectorAll('#map .leaflet-interactive').length"))
            tooltip = page.call("Runtime.evaluate", expression=(
                "document.querySelector('.leaflet-tooltip').textContent"))
            shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            page.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "evidence-report.png").write_bytes(base64.b64decode(shot["data"]))
    assert loaded
    assert requested and all(url.startswith(("file:", "data:")) for url in requested), requested
    assert markers["result"]["value"] == 1
    assert tooltip["result"]["value"] == "Pickup point named in the offer"


def _russian(message: str) -> str:
    import polib

    catalogue = polib.pofile(str(ROOT / "locale" / "ru" / "osintlab.po"))
    entry = catalogue.find(message)
    assert entry and entry.msgstr and "fuzzy" not in entry.flags, (
        f"{message!r} has no reviewed Russian translation in locale/ru/osintlab.po")
    return entry.msgstr


def test_russian_report_has_russian_headings_and_the_same_annex(reported):
    """Does a prosecutor who reads Russian get the headings and forms in Russian, with the same annex?"""
    case, _ = reported
    paths = case.report(language="ru", summary="Вымышленный продавец.", findings=FINDINGS)
    soup = BeautifulSoup(paths["html"].read_text(encoding="utf-8"), "lxml")
    headings = [h.get_text(strip=True) for h in soup.find_all("h2")]
    words = " ".join(p.text for p in Document(paths["docx"]).paragraphs)
    for message in ("Evidence annex", "Chain of custody", "Collection forms", "Timeline"):
        russian = _russian(message)
        assert russian != message
        assert russian in headings, f"HTML heading {russian!r} missing: {headings}"
        assert russian in words, f"DOCX heading {russian!r} missing"
    assert "Evidence annex" not in headings
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in soup.select("table.annex tr")[1:]]
    assert rows == annex_from_log(case)
    opened = soup.select("table.custody tr")[1].find_all("td")[3].get_text(strip=True)
    assert opened == _russian("case opened")  # in the report's language, not the session's


def test_docx_says_who_wrote_it_when_with_page_numbers_and_signature_lines(reported):
    """Does the Word file carry its author, title and date, 'page N of M' and signatures?"""
    case, paths = reported
    document = Document(str(paths["docx"]))
    properties = document.core_properties
    assert properties.author == "Inspector A. Karimova" != "python-docx"
    assert properties.title == "Case report: CASE-2024-017"
    written = properties.created
    assert written.year >= 2025 and written == properties.modified
    assert case.head() in properties.comments
    section = document.sections[0]
    assert section.header.paragraphs[0].text == f"Case report: CASE-2024-017 — {case.head()}"
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert "Signature:" in section.footer.paragraphs[0].text
    signatures = next(t for t in document.tables if t.rows[0].cells[0].text == "Role")
    assert [c.text for c in signatures.rows[1].cells][:2] == ["Report written by",
                                                               "Inspector A. Karimova"]


# Words a Russian report may show in Latin letters: names of protocols, formats, tools and
# fields that are the same in every language, and the fictional world's names and addresses.
LATIN_ALLOWED = {
    "url", "http", "https", "get", "sha", "md", "utc", "iso", "warc", "html", "id", "ip", "vpn",
    "tsa", "rfc", "chromium", "osintlab", "warcio", "python", "requests", "ok", "png", "txt",
    "jpeg", "case", "inspector", "karimova", "expert", "sadykov", "prosecutor", "omarova",
    "kara", "bekov", "usdt", "seller", "kara_bekov", "dns", "adjtimex", "e", "utf",
    "forensic", "centre", "docx", "the", "price", "list", "offer", "linux", "asia", "almaty",
}


def test_the_russian_report_has_no_english_left(tmp_path):
    """Reading every visible string of the Russian HTML and DOCX: is any English word left?

    The case is worked in an English session (so its records hold English texts) by a
    Russian-speaking investigator who writes notes and questions in Russian.
    """
    site = Site().start()
    try:
        case = open_case(tmp_path / "CASE-2024-017", investigator="Инспектор А. Каримова")
        case.capture(site.url("/old-offer"), note="предложение продавца")
        case.capture(site.url("/files/price-list.txt"), note="прайс-лист", screenshot=False)
        source = tmp_path / "statement.txt"
        source.write_text("заявление")
        case.capture(source, note="заявление потерпевшего")
    finally:
        site.stop()
    case.transfer(to="Эксперт Б. Садыков", purpose="экспертиза", items="E0002",
                  questions=["Редактировалось ли фото?"])
    case.export(wacz=False)
    paths = case.report(language="ru", summary="Вымышленный продавец.", findings=[
        {"text": "Продавец предлагает поддельные паспорта.", "items": ["E0001"]}])
    soup = BeautifulSoup(paths["html"].read_text(encoding="utf-8"), "lxml")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    document = Document(str(paths["docx"]))
    texts = [soup.get_text(" ")]
    texts += [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    texts += [document.sections[0].header.paragraphs[0].text,
              document.sections[0].footer.paragraphs[0].text]
    assert not _english_in(texts), f"English left in the Russian report: {_english_in(texts)}"


def _english_in(texts: list[str]) -> list[str]:
    """Latin-letter words outside the allow-list (names, formats, addresses, hashes, code)."""
    from osintlab.evidence.capture import USER_AGENT

    english = set()
    for text in texts:
        text = text.replace(socket.gethostname(), " ")  # the machine's name is a name
        text = text.replace(USER_AGENT, " ").replace(platform.release(), " ")
        text = re.sub(r"(https?|urn)://\S+|[\w.+-]+@[\w.-]+|\S+/\S+|sha256:[0-9a-f]+|"
                      r"md5:[0-9a-f]+|\b[0-9a-f]{16,}\b|\bE\d{4}\b|CASE-[\d-]+|"
                      r"\S+\.(zip|gz|png|txt|html|docx|tsr|pem)\b|\w+\(|\w*_\w*|"
                      r"User-Agent|SEQ:HASH", " ", text)
        for word in re.findall(r"[A-Za-z][A-Za-z'-]+", text):
            if word.lower().rstrip("-") not in LATIN_ALLOWED:
                english.add(word)
    return sorted(english)[:40]


def test_the_export_carries_the_reports_and_the_timeline_names_its_hash(reported):
    """Does the archive hold the reports (hashed in its manifest), and the next report its hash?"""
    import zipfile

    case, _ = reported
    archive = case.export(wacz=False)
    with zipfile.ZipFile(archive) as packed:
        names = packed.namelist()
        manifest = packed.read("MANIFEST.sha256").decode()
    assert "CASE-2024-017/report/report-en.docx" in names
    assert "CASE-2024-017/report/report-en.html" in manifest
    logged = case.entries()[-1]
    paths = case.report()
    text = paths["html"].read_text(encoding="utf-8")
    assert f"exported as {archive.name} (SHA-256 {logged['sha256']}" in text


def test_forms_show_each_time_in_utc_and_in_the_case_zone_with_its_offset(tmp_path):
    """Does a case worked in Almaty show the form's times there, with the 2024 offset (+05)?"""
    from osintlab.evidence import capture as _capture

    assert _capture.local_time("2024-02-28T20:00:00Z", "Asia/Almaty").endswith(
        "UTC+06:00 (Asia/Almaty)")  # before 1 March 2024 Kazakhstan's east was UTC+6
    assert _capture.local_time("2024-03-02T20:00:00Z", "Asia/Almaty") == \
        "2024-03-03 01:00:00 UTC+05:00 (Asia/Almaty)"
    site = Site().start()
    try:
        case = open_case(tmp_path / "CASE-TZ", investigator="A. Karimova", screenshots=False,
                         timezone="Asia/Almaty")
        record = case.capture(site.url("/offer/17"), embedded=False)
    finally:
        site.stop()
    document = Document(str(case.report()["docx"]))
    form = next(t for t in document.tables if t.rows[0].cells[0].text == "Field")
    fields = {row.cells[0].text: row.cells[1].text for row in form.rows[1:]}
    assert fields["Collected (UTC, ISO 8601)"] == record["collected_at"]
    assert fields["Collected (local time, with its offset)"] == _capture.local_time(
        record["collected_at"], "Asia/Almaty")
    assert open_case(tmp_path / "CASE-TZ").timezone == "Asia/Almaty"
    with pytest.raises(EvidenceError, match="not a time zone name"):
        open_case(tmp_path / "CASE-BAD", investigator="A. Karimova", timezone="Almaty")


def test_the_technical_annex_fills_what_the_case_knows_and_leaves_labelled_blanks(tmp_path):
    """Does the annex for the inspection protocol carry times (local and UTC), equipment,
    connection, actions and hashes, blanks to fill by hand, and no English in Russian?"""
    site = Site().start()
    try:
        case = open_case(tmp_path / "CASE-2024-017", investigator="Инспектор А. Каримова",
                         timezone="Asia/Almaty", connection="VPN подразделения")
        record = case.capture(site.url("/old-offer"), note="предложение продавца")
    finally:
        site.stop()
    archive = case.export(wacz=False)
    paths = case.report(language="ru", kind="annex",
                        findings=[{"text": "Продавец предлагает паспорта.", "items": ["E0001"]}])
    assert {p.name for p in paths.values()} == {"annex-ru.html", "annex-ru.docx"}
    document = Document(str(paths["docx"]))
    rows = {row.cells[0].text: row.cells[1].text
            for table in document.tables for row in table.rows}
    assert rows["Номер дела"] == "CASE-2024-017"
    started = rows["Начало"]
    assert "UTC+05:00 (Asia/Almaty)" in started and record["collected_at"] in started
    assert rows["Подключение: VPN или прокси"] == "VPN подразделения"
    assert rows["E0001: " + record["file"]["original"]] == record["hashes"]["sha256"]
    assert archive.name in rows["Созданный архив"]
    assert rows["Вершина журнала (SEQ:HASH)"] == case.head()
    assert rows["Правовое основание и поручение"].startswith("_____")  # by hand
    assert rows["Носитель, на который записана копия"].startswith("_____")
    footer = document.sections[0].footer.paragraphs[0]
    assert 'w:instr="NUMPAGES"' in footer._p.xml and "Подпись:" in footer.text
    assert document.core_properties.author == "Инспектор А. Каримова"
    soup = BeautifulSoup(paths["html"].read_text(encoding="utf-8"), "lxml")
    texts = [soup.get_text(" "), *rows, *rows.values(), footer.text,
             document.sections[0].header.paragraphs[0].text]
    assert not _english_in(texts), f"English left in the Russian annex: {_english_in(texts)}"
    with pytest.raises(EvidenceError, match="kind="):
        case.report(kind="protocol")
