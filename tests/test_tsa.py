"""Trusted time: the classroom TSA signs a capture and `openssl ts -verify` checks the token."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from osintlab._tsa import ClassroomTSA, token_text
from osintlab.evidence import open_case
from osintlab.exceptions import EvidenceError

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
    assert case.captures() == [] and not list((case.root / "items").iterdir())
