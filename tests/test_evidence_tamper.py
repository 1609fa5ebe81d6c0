"""Tampering is caught and named: altered, removed, reordered, added — items and log entries.

Also: the export a receiver gets checks out with `sha256sum -c` and `osintlab evidence verify`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from osintlab.cli import main
from osintlab.evidence import open_case, verify_archive
from osintlab.exceptions import EvidenceError, TamperDetected


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A case with three file items, a transfer: 8 log entries (each capture announced)."""
    source = tmp_path_factory.mktemp("src")
    case = open_case(tmp_path_factory.mktemp("tpl") / "CASE-2024-017",
                     investigator="Inspector A. Karimova")
    for number, text in enumerate(["tip e-mail", "chat export", "bank statement"], 1):
        path = source / f"file{number}.txt"
        path.write_text(f"{text}: fictional content {number}\n", encoding="utf-8")
        case.capture(path, note=text)
    case.transfer(to="Expert B. Sadykov, forensic centre", purpose="examination",
                  questions=["Was E0002 edited after it was sent?"])
    return case.root


@pytest.fixture
def case(template, tmp_path):
    copy = tmp_path / "CASE-2024-017"
    shutil.copytree(template, copy)
    return open_case(copy)


def findings_of(case) -> list[str]:
    with pytest.raises(TamperDetected) as error:
        case.verify()
    assert str(error.value).startswith("Case CASE-2024-017 failed verification")
    return error.value.findings


def rewrite_log(case, change) -> None:
    lines = (case.root / "log.jsonl").read_text(encoding="utf-8").splitlines()
    (case.root / "log.jsonl").write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


def test_intact_case_verifies(case):
    """Does an untouched case verify, counting its items and entries?"""
    result = case.verify()
    assert result == {"case": "CASE-2024-017", "status": "intact", "items": 3, "entries": 8,
                      "head": case.head()}
    assert result["head"].startswith("8:sha256:")  # open, 3 x (intent, capture), transfer


def test_altered_item_is_named(case):
    """Is a changed byte in an original reported with its item and file?"""
    original = case.root / "items" / "E0002" / "original" / "file2.txt"
    original.chmod(0o644)
    original.write_text("chat export: changed\n", encoding="utf-8")
    assert findings_of(case) == [
        "item E0002: original/file2.txt was altered (its SHA-256 no longer matches the log)"
    ]


def test_altered_record_is_named(case):
    """Is a changed collection record (say, a new collector name) caught?"""
    path = case.root / "items" / "E0003" / "record.json"
    record = json.loads(path.read_text())
    record["collector"] = "Somebody Else"
    path.write_text(json.dumps(record))
    assert findings_of(case) == [
        "item E0003: record.json was altered (its SHA-256 no longer matches the log)"
    ]


def test_removed_item_is_named(case):
    """Is a deleted item folder reported by its id?"""
    shutil.rmtree(case.root / "items" / "E0001")
    assert findings_of(case) == ["item E0001 was removed: its folder is missing"]


def test_added_item_and_file_are_named(case):
    """Is an item folder the log never saw, or a file slipped into an item, reported?"""
    shutil.copytree(case.root / "items" / "E0003", case.root / "items" / "E0009")
    (case.root / "items" / "E0001" / "original" / "extra.jpg").write_bytes(b"\xff\xd8")
    assert findings_of(case) == [
        "item E0001: original/extra.jpg was added after capture",
        "item E0009 was added: it is not in the log",
    ]


def test_a_planted_item_is_not_absorbed_when_the_case_is_opened_again(case):
    """Does reopening a case leave a planted item for verify() to report, not log it?"""
    shutil.copytree(case.root / "items" / "E0002", case.root / "items" / "E0009")
    log_before = (case.root / "log.jsonl").read_bytes()
    with pytest.warns(UserWarning, match="items/E0009 is not in the case log"):
        reopened = open_case(case.root)
    assert (case.root / "log.jsonl").read_bytes() == log_before
    assert (case.root / "items" / "E0009").is_dir()
    assert findings_of(reopened) == ["item E0009 was added: it is not in the log"]


def test_altered_log_entry_is_named(case):
    """Is an edited log line (the transfer's recipient) reported as that entry?"""
    def change(lines):
        entry = json.loads(lines[7])
        entry["to"] = "Somebody Else"
        lines[7] = json.dumps(entry)
        return lines

    rewrite_log(case, change)
    assert findings_of(case) == [
        "log entry 8 was altered: its content no longer matches its hash"
    ]


def test_removed_log_entry_is_named(case):
    """Is a deleted log line reported by its number (and its item as unlogged)?"""
    rewrite_log(case, lambda lines: lines[:2] + lines[3:])
    assert findings_of(case) == [
        "log entry 3 was removed (the log jumps to entry 4)",
        "item E0001 was added: it is not in the log",
    ]


def test_reordered_log_entries_are_named(case):
    """Are two swapped log lines reported as out of order, and nothing else?"""
    rewrite_log(case, lambda lines: [*lines[:2], lines[3], lines[2], *lines[4:]])
    assert findings_of(case) == [
        "log entry 4 is out of order (it comes before entry 3)",
        "log entry 3 is out of order (found after entry 4)",
    ]


def test_inserted_log_entry_is_named(case):
    """Is a forged entry slipped into the middle of the log caught, with its place?"""
    from osintlab.evidence.custody_log import entry_hash

    def change(lines):
        second = json.loads(lines[1])
        forged = {"seq": 3, "action": "transfer", "to": "Unknown", "purpose": "none",
                  "time": second["time"], "prev": second["hash"]}
        forged["hash"] = entry_hash(forged)
        return lines[:2] + [json.dumps(forged)] + lines[2:]

    rewrite_log(case, change)
    found = findings_of(case)
    assert "log entry 3 appears twice: an entry was copied or added" in found


def test_export_checks_out_with_sha256sum_and_the_cli(case, tmp_path):
    """Can the receiver check the archive with sha256sum -c and `osintlab evidence verify`?"""
    archive = case.export()
    assert (case.root / "log.csv").read_text(encoding="utf-8-sig").startswith("seq,time,by")
    unpacked = tmp_path / "received"
    with zipfile.ZipFile(archive) as handle:
        handle.extractall(unpacked)
        names = handle.namelist()
    assert not [name for name in names if "/working/" in name]
    check = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=unpacked,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "CASE-2024-017/items/E0001/original/file1.txt: OK" in check.stdout
    result = CliRunner().invoke(main, ["evidence", "verify", str(archive)])
    assert result.exit_code == 0, result.output
    assert "CASE-2024-017: intact (3 items" in result.output
    assert verify_archive(unpacked)["status"] == "intact"


def test_tampered_archive_fails_with_one_line_per_finding(case, tmp_path):
    """Does a changed file inside the zip make the CLI exit 1 naming it?"""
    archive = case.export()
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(tampered, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.endswith("E0002/original/file2.txt"):
                data = b"chat export: rewritten\n"
            target.writestr(member, data)
        target.writestr("../../outside.txt", b"zip slip")
    result = CliRunner().invoke(main, ["evidence", "verify", str(tampered)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert "CASE-2024-017/items/E0002/original/file2.txt does not match MANIFEST.sha256 " \
           "(altered)" in lines
    assert "../../outside.txt points outside the archive: not unpacked" in lines
    assert "item E0002: original/file2.txt was altered (its SHA-256 no longer matches the " \
           "log)" in lines
    assert not (tmp_path.parent / "outside.txt").exists()


def test_custody_history_lists_the_hand_over(case):
    """Does the custody history show who received what, why, with which questions?"""
    history = case.custody()
    assert [row["to"] for row in history] == ["Inspector A. Karimova",
                                              "Expert B. Sadykov, forensic centre"]
    assert history[1]["from"] == "Inspector A. Karimova"
    assert history[1]["questions"] == ["Was E0002 edited after it was sent?"]
    with pytest.raises(EvidenceError, match="no such item in case CASE-2024-017"):
        case.transfer(to="Prosecutor", purpose="indictment", items=["E0042"])


def test_cli_report_and_export(case):
    """Do `osintlab evidence report` and `export` write their files?"""
    runner = CliRunner()
    result = runner.invoke(main, ["evidence", "report", str(case.root)])
    assert result.exit_code == 0, result.output
    assert Path(result.output.splitlines()[0]).name == "report-en.html"
    result = runner.invoke(main, ["evidence", "export", str(case.root)])
    assert result.exit_code == 0, result.output
    archive, said_head = result.output.strip().splitlines()
    assert Path(archive).suffix == ".zip"
    inside = verify_archive(archive)["head"]
    assert said_head == f"head of the log in the archive (write it on the hand-over form): {inside}"
    assert verify_archive(archive, head=inside)["status"] == "intact"


def test_a_cut_tail_passes_the_chain_but_not_the_anchored_head(case):
    """The chain alone cannot see the last entries removed; does the head written down
    elsewhere (hand-over form, report) catch it, and name what is missing?"""
    anchor = case.head()
    rewrite_log(case, lambda lines: lines[:-1])  # the last hand-over is cut away
    assert case.verify()["status"] == "intact"  # what a hash chain alone can prove
    with pytest.raises(TamperDetected) as error:
        case.verify(head=anchor)
    assert error.value.findings == [
        "the log ends at entry 7, but the anchored head is entry 8: entries were removed "
        "from its end"
    ]


def test_a_rewritten_tail_is_named_against_the_head(case):
    """Is a last entry replaced and re-hashed (a valid chain) caught by the anchored head?"""
    from osintlab.evidence.custody_log import entry_hash

    anchor = case.head()

    def forge(lines):
        last = json.loads(lines[-1])
        last["to"] = "Somebody else"
        last["hash"] = entry_hash(last)
        return [*lines[:-1], json.dumps(last, ensure_ascii=False)]

    rewrite_log(case, forge)
    assert case.verify()["status"] == "intact"
    findings = findings_with_head(case, anchor)
    assert findings == [f"log entry 8 is not the anchored one ({anchor}): the log was "
                        "rewritten from there on"]


def findings_with_head(case, anchor: str) -> list[str]:
    with pytest.raises(TamperDetected) as error:
        case.verify(head=anchor)
    return error.value.findings


def test_a_head_not_written_seq_hash_is_explained(case):
    """Is a mistyped anchor an error that shows the right form, not a tamper finding?"""
    from osintlab.exceptions import BadAnchor

    with pytest.raises(BadAnchor, match="is not written SEQ:HASH, for example 7:sha256:"):
        case.verify(head="5:3f2a")


def test_the_command_line_prints_the_head_and_checks_it(case):
    """Does `osintlab evidence verify` print the head, and fail with --head on a cut log?"""
    from click.testing import CliRunner

    from osintlab.cli import main

    anchor = case.head()
    good = CliRunner().invoke(main, ["evidence", "verify", str(case.root)])
    assert good.exit_code == 0 and f"head of the log: {anchor}" in good.output
    rewrite_log(case, lambda lines: lines[:-1])
    cut = CliRunner().invoke(main, ["evidence", "verify", str(case.root), "--head", anchor])
    assert cut.exit_code == 1
    assert "entries were removed from its end" in cut.output


def test_a_transfer_gives_the_head_to_write_on_the_form(case):
    """Does a hand-over return the head as it stands after it, which verify then accepts?"""
    handed = case.transfer("Prosecutor N. Omarov", "for the indictment")
    assert handed["head"] == case.head() == f"{handed['seq']}:{handed['hash']}"
    assert case.verify(head=handed["head"])["status"] == "intact"


@pytest.mark.parametrize("cut, warned", [
    (1, "does not match what the log announced"),  # the capture line dropped, its intent kept
    (2, "is not in the case log"),  # the intent dropped too
])
def test_a_forged_last_item_is_not_adopted_on_reopening(tmp_path, cut, warned):
    """The last item forged (original and record), its log lines dropped: is it left for
    verify() to report, never logged as 'recovered'?"""
    case = open_case(tmp_path / "CASE-2024-017", investigator="Inspector A. Karimova")
    for number in (1, 2):
        source = tmp_path / f"f{number}.txt"
        source.write_text(f"fictional statement {number}\n", encoding="utf-8")
        case.capture(source)
    folder = case.root / "items" / "E0002"
    original = folder / "original" / "f2.txt"
    original.chmod(0o644)
    original.write_text("a forged statement\n", encoding="utf-8")
    record = json.loads((folder / "record.json").read_text(encoding="utf-8"))
    record["hashes"]["sha256"] = "sha256:" + hashlib.sha256(original.read_bytes()).hexdigest()
    (folder / "record.json").write_text(json.dumps(record), encoding="utf-8")
    rewrite_log(case, lambda lines: lines[:-cut])
    log_before = (case.root / "log.jsonl").read_bytes()
    with pytest.warns(UserWarning, match=warned):
        reopened = open_case(case.root)
    assert (case.root / "log.jsonl").read_bytes() == log_before  # nothing adopted
    assert findings_of(reopened) == ["item E0002 was added: it is not in the log"]


def test_a_duplicated_log_entry_is_named(case):
    """Is a log line copied in twice reported as appearing twice?"""
    rewrite_log(case, lambda lines: [*lines[:4], lines[3], *lines[4:]])
    assert "log entry 4 appears twice: an entry was copied or added" in findings_of(case)


def test_swapped_originals_are_named_for_both_items(case):
    """Are two items' originals swapped (each file in the other's folder) both named?"""
    first = case.root / "items" / "E0001" / "original" / "file1.txt"
    second = case.root / "items" / "E0002" / "original" / "file2.txt"
    for path in (first, second):
        path.chmod(0o644)
    one, two = first.read_bytes(), second.read_bytes()
    first.write_bytes(two)
    second.write_bytes(one)
    found = findings_of(case)
    assert any(line.startswith("item E0001: original/file1.txt was altered") for line in found)
    assert any(line.startswith("item E0002: original/file2.txt was altered") for line in found)


def test_a_changed_modification_time_alone_is_not_tampering(case):
    """Copying, backing up or touching files changes their times: is that left alone?"""
    import os

    for path in (case.root / "items").rglob("*"):
        if path.is_file():
            os.utime(path, (0, 0))  # 1970: as far from the capture as it gets
    os.utime(case.root / "log.jsonl", (0, 0))
    assert case.verify()["status"] == "intact"
