"""Trusted time: the classroom TSA signs a capture and `openssl ts -verify` checks the token."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from osintlab.evidence import open_case
from osintlab.evidence.timestamp import token_text
from osintlab.exceptions import EvidenceError
from osintlab.sandbox.tsa import ClassroomTSA

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")


@pytest.fixture(scope="module")
def tsa():
    with ClassroomTSA() as authority:
        yield authority


def openssl_verify(token, data, ca) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["openssl", "ts", "-verify", "-in", str(token), "-data", str(data), "-CAfile", str(ca)],
        capture_output=True, text=True,
    )


def test_capture_carries_a_token_that_openssl_verifies(tsa, tmp_path):
    """Does the token beside the item verify for the original, and fail for other bytes?"""
    case = open_case(tmp_path / "CASE-2024-017", investigator="A. Karimova",
                     tsa_url=tsa.url, tsa_ca=tsa.ca_file)
    source = tmp_path / "offer.html"
    source.write_text("<p>Documents to order, fictional</p>", encoding="utf-8")
    record = case.capture(source, note="offer page saved by the witness")
    folder = case.root / "items" / record["item"]
    assert record["timestamp"] == {"file": "timestamp.tsr", "tsa_url": tsa.url,
                                   "covers": "original/offer.html"}
    ca = case.root / "tsa" / "ca.pem"  # the case keeps the CA: checkable without the TSA
    good = openssl_verify(folder / "timestamp.tsr", folder / "original" / "offer.html", ca)
    assert good.returncode == 0 and "Verification: OK" in good.stdout, good.stderr
    forged = tmp_path / "forged.html"
    forged.write_text("<p>Something else</p>", encoding="utf-8")
    bad = openssl_verify(folder / "timestamp.tsr", forged, ca)
    assert bad.returncode != 0 and "Verification: FAILED" in bad.stdout
    text = token_text((folder / "timestamp.tsr").read_bytes())
    assert "Status: Granted." in text and "Hash Algorithm: sha256" in text
    assert case.verify()["status"] == "intact"  # the token is one of the item's hashed files
    assert "timestamp.tsr" in case.captures()[-1]["files"]


def test_unreachable_tsa_is_a_clear_error(tmp_path):
    """With a TSA address nobody answers, does capture say what to check and add nothing?"""
    case = open_case(tmp_path / "CASE-1", investigator="A. Karimova",
                     tsa_url="http://127.0.0.1:9/tsa")
    source = tmp_path / "a.txt"
    source.write_text("a\n")
    with pytest.raises(EvidenceError, match="did not answer") as error:
        case.capture(source)
    assert "http://127.0.0.1:9/tsa" in str(error.value)
    assert "Nothing was added" in str(error.value) and "tsa_url=" in str(error.value)
    assert case.captures() == [] and not list((case.root / "items").iterdir())


# -- the classroom TSA inside the sandbox: http://tsa.example/ -------------------------------
@pytest.fixture(scope="module")
def sandbox_server():
    from pathlib import Path

    from osintlab.sandbox.server import SandboxServer

    fixture = Path(__file__).resolve().parent / "fixtures" / "sandbox-web"
    running = SandboxServer(fixture).start()
    yield running
    running.stop()


def test_sandbox_tsa_stamps_a_capture_that_openssl_verifies(sandbox_server, tmp_path,
                                                             monkeypatch):
    """Inside a notebook (sandbox named by the environment, no session given), does
    tsa_url="http://tsa.example/" get a token through the sandbox that openssl accepts?"""
    monkeypatch.setenv("OSINTLAB_SANDBOX_URL", sandbox_server.url)
    case = open_case(tmp_path / "CASE-2024-017", investigator="A. Karimova",
                     tsa_url="http://tsa.example/", screenshots=False)
    source = tmp_path / "offer.html"
    source.write_text("<p>Documents to order, fictional</p>", encoding="utf-8")
    record = case.capture(source, note="offer page saved by the witness")
    folder = case.root / "items" / record["item"]
    assert record["timestamp"]["tsa_url"] == "http://tsa.example/"
    ca = case.root / "tsa" / "ca.pem"  # fetched from http://tsa.example/ca.pem and kept
    assert ca.read_bytes() == sandbox_server.tsa.ca_file.read_bytes()
    good = openssl_verify(folder / "timestamp.tsr", folder / "original" / "offer.html", ca)
    assert good.returncode == 0 and "Verification: OK" in good.stdout, good.stderr
    assert "Classroom Time-Stamping Authority" in token_text(
        (folder / "timestamp.tsr").read_bytes())
    assert case.verify()["status"] == "intact"


def test_sandbox_tsa_is_reached_through_the_session_and_its_ca_is_per_server(sandbox_server,
                                                                           tmp_path):
    """With the session passed (as the m02 notebooks do), is the web capture stamped, and
    does a token from this server fail under another server's CA?"""
    from osintlab import sandbox
    from osintlab.sandbox.server import SandboxServer

    web = sandbox.session(sandbox_server)
    case = open_case(tmp_path / "CASE-2024-018", investigator="A. Karimova",
                     tsa_url="http://tsa.example/", session=web, screenshots=False)
    record = case.capture("http://shop.example/robots.txt", note="robots")
    folder = case.root / "items" / record["item"]
    original = folder / record["file"]["original"]
    assert openssl_verify(folder / "timestamp.tsr", original,
                          case.root / "tsa" / "ca.pem").returncode == 0
    other = SandboxServer(sandbox_server.web)  # a second trainee's server: its own CA
    assert other.tsa.ca_file.read_bytes() != sandbox_server.tsa.ca_file.read_bytes()
    foreign = openssl_verify(folder / "timestamp.tsr", original, other.tsa.ca_file)
    assert foreign.returncode != 0


def test_sandbox_tsa_explains_a_request_that_is_not_a_timestamp_query(sandbox_server):
    """Does a POST that is not an RFC 3161 query get a 415 that says what to send?"""
    from osintlab import sandbox

    web = sandbox.session(sandbox_server)
    answer = web.post("http://tsa.example/", data=b"hello",
                      headers={"Content-Type": "text/plain"})
    assert answer.status_code == 415
    assert "application/timestamp-query" in answer.text and "openssl ts -query" in answer.text
    assert web.get("http://tsa.example/ca.pem").text.startswith("-----BEGIN CERTIFICATE-----")


def test_a_fully_rehashed_forgery_is_caught_by_its_token(tsa, tmp_path):
    """Original changed, record and every log hash recomputed (the chain is whole again):
    does verify still name the item, because the authority's token does not follow?"""
    import hashlib
    import json

    from osintlab.evidence.custody_log import GENESIS, entry_hash
    from osintlab.exceptions import TamperDetected

    case = open_case(tmp_path / "CASE-2024-017", investigator="A. Karimova",
                     tsa_url=tsa.url, tsa_ca=tsa.ca_file)
    source = tmp_path / "offer.html"
    source.write_text("<p>Documents to order, 1500 USDT</p>", encoding="utf-8")
    item = case.capture(source, note="offer")["item"]
    folder = case.root / "items" / item
    original = folder / "original" / "offer.html"
    original.chmod(0o644)
    original.write_text("<p>Documents to order, 15 USDT</p>", encoding="utf-8")
    digest = "sha256:" + hashlib.sha256(original.read_bytes()).hexdigest()
    record = json.loads((folder / "record.json").read_text(encoding="utf-8"))
    record["hashes"]["sha256"] = digest
    record["hashes"]["md5"] = "md5:" + hashlib.md5(original.read_bytes()).hexdigest()
    (folder / "record.json").write_text(json.dumps(record), encoding="utf-8")
    lines = (case.root / "log.jsonl").read_text(encoding="utf-8").splitlines()
    entries, previous = [], GENESIS
    for line in lines:
        entry = json.loads(line)
        if entry.get("item") == item:
            entry["sha256"] = digest
        if entry.get("item") == item and entry["action"] == "capture":
            entry["files"]["original/offer.html"] = digest
            entry["files"]["record.json"] = "sha256:" + hashlib.sha256(
                (folder / "record.json").read_bytes()).hexdigest()
        entry["prev"] = previous
        entry["hash"] = previous = entry_hash(entry)
        entries.append(json.dumps(entry, ensure_ascii=False))
    (case.root / "log.jsonl").write_text("\n".join(entries) + "\n", encoding="utf-8")
    with pytest.raises(TamperDetected) as error:
        open_case(case.root).verify()
    assert error.value.findings == [
        f"item {item}: its RFC 3161 timestamp does not prove its original (it stamps other "
        "bytes than the ones captured)"
    ]


def test_a_reply_for_other_bytes_is_refused_at_capture(tsa, tmp_path, monkeypatch):
    """A reply that stamps other bytes (a wrong or hostile authority): is nothing added?"""
    from osintlab.evidence import timestamp

    real = timestamp.request_token
    monkeypatch.setattr(timestamp, "request_token",
                        lambda url, data, **kw: real(url, b"other bytes", **kw))
    case = open_case(tmp_path / "CASE-1", investigator="A. Karimova",
                     tsa_url=tsa.url, tsa_ca=tsa.ca_file)
    source = tmp_path / "a.txt"
    source.write_text("a\n")
    with pytest.raises(EvidenceError, match="stamps other bytes than the ones captured"):
        case.capture(source)
    assert case.captures() == [] and not list((case.root / "items").iterdir())


def test_hand_overs_and_exports_time_stamp_the_head_and_verify_holds_the_log_to_it(tsa, tmp_path):
    """With a TSA, is each hand-over's head signed, and is a log cut or rewritten behind it named?"""
    from osintlab.evidence.custody_log import GENESIS, entry_hash
    from osintlab.exceptions import TamperDetected

    case = open_case(tmp_path / "CASE-HEAD", investigator="A. Karimova",
                     tsa_url=tsa.url, tsa_ca=tsa.ca_file)
    source = tmp_path / "photo.txt"
    source.write_text("photo of the offer")
    case.capture(source, provenance="handed over by the victim")
    handed = case.transfer(to="Expert B. Sadykov", purpose="examination", items="E0001")
    stamp = case.entries()[-1]
    assert stamp["action"] == "timestamp" and stamp["head"] == handed["head"]
    token = case.root / stamp["token"]
    head_file = tmp_path / "head.txt"
    head_file.write_bytes(handed["head"].encode())
    assert openssl_verify(token, head_file, case.root / "tsa" / "ca.pem").returncode == 0
    assert case.verify()["status"] == "intact"
    lines = (case.root / "log.jsonl").read_text(encoding="utf-8").splitlines()
    # cut the hand-over and its stamp from the end: the signed token is left over
    (case.root / "log.jsonl").write_text("\n".join(lines[:-2]) + "\n", encoding="utf-8")
    with pytest.raises(TamperDetected, match="signs a head the log no longer mentions"):
        open_case(case.root).verify()
    # rewrite the hand-over's purpose and recompute the whole chain: the signed head is gone
    entries, previous = [], GENESIS
    for line in lines:
        entry = json.loads(line)
        if entry.get("action") == "transfer":
            entry["purpose"] = "returned to the victim"
        entry["prev"] = previous
        entry["hash"] = previous = entry_hash(entry)
        entries.append(json.dumps(entry, ensure_ascii=False))
    (case.root / "log.jsonl").write_text("\n".join(entries) + "\n", encoding="utf-8")
    with pytest.raises(TamperDetected, match="is not in the log any more"):
        open_case(case.root).verify()
