"""Review findings on the evidence toolkit and the case report, each pinned by a test."""

from __future__ import annotations

import tempfile

import pytest
from bs4 import BeautifulSoup
from chromium import BINARY, needs_chromium

from osintlab.evidence import open_case
from osintlab.evidence import screenshot as _screenshot
from osintlab.evidence.case import _remove_tree
from osintlab.exceptions import EvidenceError


def _file(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_two_case_objects_on_one_folder_keep_the_log_intact(tmp_path):
    """Two notebooks (or a notebook and the CLI) on one case: no false tampering, no clash."""
    source = tmp_path / "src"
    source.mkdir()
    first = open_case(tmp_path / "CASE-2024-017", investigator="Inspector A. Karimova")
    second = open_case(tmp_path / "CASE-2024-017")
    one = first.capture(_file(source, "a.txt", "tip e-mail\n"), note="a")
    two = second.capture(_file(source, "b.txt", "chat export\n"), note="b")
    three = first.capture(_file(source, "c.txt", "bank statement\n"), note="c")
    second.transfer(to="Expert B. Sadykov", purpose="examination")
    assert [one["item"], two["item"], three["item"]] == ["E0001", "E0002", "E0003"]
    assert [e["seq"] for e in first.entries()] == list(range(1, 9))  # 3 x (intent, capture)
    assert first.verify()["status"] == "intact"


def test_report_of_a_case_with_a_removed_item_lists_the_problem(tmp_path):
    """The report exists to show problems: a removed item must not stop it being written."""
    source = tmp_path / "src"
    source.mkdir()
    case = open_case(tmp_path / "CASE-2024-017", investigator="Inspector A. Karimova")
    case.capture(_file(source, "a.txt", "tip e-mail\n"), note="a")
    case.capture(_file(source, "b.txt", "chat export\n"), note="b")
    _remove_tree(case.root / "items" / "E0002")
    paths = case.report()
    soup = BeautifulSoup(paths["html"].read_text(encoding="utf-8"), "lxml")
    assert "item E0002 was removed: its folder is missing" in soup.get_text()
    annex = [row.find("td").get_text() for row in soup.select("table.annex tr")[1:]]
    assert annex == ["E0001", "E0002"]  # the annex still follows the log


def test_working_copy_of_an_unknown_item_is_a_clear_error(tmp_path):
    case = open_case(tmp_path / "CASE-2024-017", investigator="Inspector A. Karimova")
    with pytest.raises(EvidenceError, match="There is no item E0009 in case CASE-2024-017"):
        case.working_copy("E0009")


@pytest.mark.slow
@needs_chromium
def test_map_label_is_shown_as_text_not_run_as_html(tmp_path):
    """A label copied from a hostile page must not become markup (or reach a host)."""
    case = open_case(tmp_path / "CASE-2024-017", investigator="Inspector A. Karimova")
    label = '<img src="http://outside.invalid/x.png">Pickup point'
    paths = case.report(findings=[{"text": "met here", "place": (43.238, 76.945, label)}])
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        process, browser = _screenshot._start(
            BINARY, profile, "--host-resolver-rules=MAP * ~NOTFOUND")
        try:
            page = _screenshot._DevTools(_screenshot._page_socket(browser))
            page.call("Page.enable")
            page.call("Page.navigate", url=paths["html"].as_uri())
            page.wait_for("Page.loadEventFired", timeout=20)
            result = page.call("Runtime.evaluate", expression=(
                "[document.querySelector('.leaflet-tooltip').textContent,"
                " document.querySelectorAll('.leaflet-tooltip img').length].join('|')"))
            page.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert result["result"]["value"] == label + "|0"
