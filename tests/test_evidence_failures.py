"""Bad days: a read-only folder, a full disk, a crash between the file and the log entry.

The disk and the read-only folder are real (a small tmpfs mounted for the test, which needs
root); the crash is a real SIGKILL of a child process between the two writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from osintlab.evidence import open_case
from osintlab.exceptions import CaseNotWritable, DiskFull

ROOT = Path(__file__).resolve().parents[1]
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="mounting a small tmpfs (a real full disk) needs root"
)


@pytest.fixture
def small_disk(tmp_path):
    """A real 256 KiB file system, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@needs_root
def test_full_disk_is_a_clear_error_and_loses_nothing(small_disk, tmp_path):
    """When the disk fills mid-capture, is the item removed, the log intact, the case usable?"""
    case = open_case(small_disk / "CASE-2024-017", investigator="A. Karimova")
    small = tmp_path / "tip.txt"
    small.write_text("tip: fictional\n")
    case.capture(small)
    log_before = (case.root / "log.jsonl").read_bytes()
    big = tmp_path / "video.bin"
    big.write_bytes(os.urandom(180 * 1024))  # fits once, not with its working copy
    with pytest.raises(DiskFull) as error:
        case.capture(big)
    assert "The disk is full" in str(error.value)
    assert "the log is unchanged" in str(error.value) and "capture again" in str(error.value)
    assert (case.root / "log.jsonl").read_bytes() == log_before
    assert sorted(p.name for p in (case.root / "items").iterdir()) == ["E0001"]
    assert case.verify()["items"] == 1
    second = tmp_path / "second.txt"
    second.write_text("second tip\n")
    assert case.capture(second)["item"] == "E0002"


@needs_root
def test_read_only_case_folder_says_so_and_still_verifies(small_disk, tmp_path):
    """On a read-only disk, is capture refused clearly while reading and verifying work?"""
    case = open_case(small_disk / "CASE-2024-017", investigator="A. Karimova")
    tip = tmp_path / "tip.txt"
    tip.write_text("tip\n")
    case.capture(tip)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    reopened = open_case(small_disk / "CASE-2024-017")
    other = tmp_path / "other.txt"
    other.write_text("other\n")
    with pytest.raises(CaseNotWritable) as error:
        reopened.capture(other)
    assert "is read-only" in str(error.value) and "verifying still work" in str(error.value)
    with pytest.raises(CaseNotWritable):
        reopened.transfer(to="Prosecutor", purpose="indictment")
    assert reopened.verify()["status"] == "intact"
    assert len(reopened.items) == 1


CRASH = textwrap.dedent("""
    import os, signal, sys
    from osintlab import evidence
    from osintlab.evidence import custody_log as _custody_log
    where = sys.argv[3]
    if where == "before-log":      # the item folder is in place, its log entry not yet
        original = _custody_log.CustodyLog.append
        def append(self, fields):
            if fields.get("action") == "capture":
                os.kill(os.getpid(), signal.SIGKILL)
            return original(self, fields)
        _custody_log.CustodyLog.append = append
    else:                          # the files are written, the folder not yet renamed
        def replace(source, target):
            os.kill(os.getpid(), signal.SIGKILL)
        os.replace = replace
    case = evidence.open_case(sys.argv[1])
    case.capture(sys.argv[2], note="interrupted")
""")


def crash(case_root: Path, source: Path, where: str) -> None:
    result = subprocess.run([sys.executable, "-c", CRASH, str(case_root), str(source), where],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == -9, result.stderr


def test_crash_after_the_file_before_the_log_is_completed_on_open(tmp_path):
    """Killed between the item and its log entry: is the item checked and logged on open?"""
    case = open_case(tmp_path / "CASE-2024-017", investigator="A. Karimova")
    first = tmp_path / "first.txt"
    first.write_text("first\n")
    case.capture(first)
    log_before = (case.root / "log.jsonl").read_bytes()
    source = tmp_path / "second.txt"
    source.write_text("second, interrupted\n")
    crash(case.root, source, "before-log")
    assert (case.root / "items" / "E0002" / "record.json").exists()
    with pytest.warns(UserWarning, match="Item E0002 was written but not logged"):
        reopened = open_case(case.root)
    assert (case.root / "log.jsonl").read_bytes().startswith(log_before)  # nothing rewritten
    entry = reopened.captures()[-1]
    assert entry["item"] == "E0002" and entry["recovered"] is True
    assert reopened.verify() == {"case": "CASE-2024-017", "status": "intact", "items": 2,
                                 "entries": 5, "head": reopened.head()}


def test_crash_before_the_rename_moves_the_half_item_aside(tmp_path):
    """Killed while the item was still being written: is it moved aside and said so?"""
    case = open_case(tmp_path / "CASE-2024-017", investigator="A. Karimova")
    source = tmp_path / "doc.txt"
    source.write_text("a document\n")
    crash(case.root, source, "before-rename")
    assert (case.root / "items" / ".E0001.partial").is_dir()
    with pytest.warns(UserWarning, match=r"unfinished capture \(.E0001.partial\)"):
        reopened = open_case(case.root)
    assert not list((case.root / "items").iterdir())
    assert [p.name.split("-")[0] for p in (case.root / "recovered").iterdir()] == [
        "E0001.partial"
    ]
    assert reopened.verify()["status"] == "intact"
    assert reopened.capture(source)["item"] == "E0002"  # ids are never reused
    entries = [json.loads(line) for line in (case.root / "log.jsonl").read_text().splitlines()]
    assert [e["action"] for e in entries[1:3]] == ["intent", "note"]
    assert "moved aside" in entries[2]["text"]


def test_a_batch_of_captures_is_committed_once_and_verifies(tmp_path):
    """Inside case.batch(), are all captures logged in order at the end, intact, no partials?"""
    from osintlab.evidence import open_case

    case = open_case(tmp_path / "CASE-BATCH", investigator="A. Karimova", screenshots=False)
    sources = []
    for number in range(5):
        source = tmp_path / f"page-{number}.txt"
        source.write_text(f"page {number}")
        sources.append(source)
    with case.batch():
        records = [case.capture(source, provenance="test pages") for source in sources]
        assert case.captures() == []  # nothing is logged before the commit
    assert [r["item"] for r in records] == ["E0001", "E0002", "E0003", "E0004", "E0005"]
    assert [e["item"] for e in case.captures()] == [r["item"] for r in records]
    assert records == [case.record(r["item"]) for r in records]  # returned is what is on disk
    # a crawl makes no working copies; one is made when an item is worked on
    assert records[0]["file"]["working"] is None
    assert not (case.root / "items" / "E0001" / "working").exists()
    assert case.working_copy("E0001").read_text() == "page 0"
    actions = [e["action"] for e in case.entries()]
    assert actions == ["open"] + ["intent"] * 5 + ["capture"] * 5
    assert case.verify()["status"] == "intact"
    assert not list((case.root / "items").glob(".*"))


def test_an_error_inside_a_batch_leaves_the_case_as_it_was(tmp_path):
    """If the block fails, is nothing logged and nothing left in items/?"""
    from osintlab.evidence import open_case

    case = open_case(tmp_path / "CASE-BATCH", investigator="A. Karimova", screenshots=False)
    source = tmp_path / "page.txt"
    source.write_text("page")
    with pytest.raises(RuntimeError), case.batch():
        case.capture(source)
        raise RuntimeError("the crawl stopped")
    assert case.captures() == [] and not list((case.root / "items").iterdir())
    assert case.capture(source)["item"] == "E0001"  # the id was not used up
    assert case.verify()["status"] == "intact"


def test_a_crash_before_the_batch_commits_loses_only_that_batch_and_says_so(tmp_path):
    """Staged but never committed (the process died): does reopening move the unfinished
    captures aside, say so, and keep the log intact?"""
    from osintlab.evidence import open_case

    case = open_case(tmp_path / "CASE-BATCH", investigator="A. Karimova", screenshots=False)
    kept = tmp_path / "kept.txt"
    kept.write_text("collected before the batch")
    case.capture(kept)
    batch = case.batch()
    batch.__enter__()  # the process dies inside the block: __exit__ never runs
    for number in range(3):
        source = tmp_path / f"lost-{number}.txt"
        source.write_text(f"lost {number}")
        case.capture(source)
    reopened = open_case(case.root)
    assert len(reopened.recovered) == 3
    assert all("unfinished capture" in line for line in reopened.recovered)
    assert [e["item"] for e in reopened.captures()] == ["E0001"]
    assert reopened.verify()["status"] == "intact"
