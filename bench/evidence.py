"""Evidence capture and verification against their bare baselines, measured in one run.

- capture: 1,000 prepared HTTP responses (same bytes on both sides, screenshots and embedded
  files off) captured into one case, against raw warcio writing the same 1,000 responses
  into one WARC file. Measured twice: as shipped (every file and folder fsynced, so a power
  cut loses nothing logged) and with fsync switched off, to show what durability costs.
- verify: ``case.verify()`` (every file hash and the log chain) against plain SHA-256 over
  the same files' bytes.

Run alone: ``python bench/evidence.py`` (prints JSON). Nothing is asserted.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

PAGES = int(os.environ.get("BENCH_EVIDENCE_PAGES", "1000"))
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _responses(count: int) -> list:
    import requests
    from requests.structures import CaseInsensitiveDict

    responses = []
    for number in range(count):
        body = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>Offer {number}</title>"
            f"</head><body><h1>Offer {number}</h1><p>Seller user_{number:04d} (fictional), "
            f"contact +7 700 555 {number % 10000:04d}.</p>" + "<p>lorem ipsum</p>" * 150
            + "</body></html>"
        ).encode()
        response = requests.Response()
        response.status_code = 200
        response.reason = "OK"
        response._content = body
        response.url = f"http://bazar.example/offer/{number}"
        response.headers = CaseInsensitiveDict({
            "Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body)),
            "Server": "BazarExample/1.0",
        })
        request = requests.Request("GET", response.url,
                                   headers={"User-Agent": "osintlab/bench"}).prepare()
        response.request = request
        responses.append(response)
    return responses


def _raw_warcio(responses, target: Path) -> float:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    start = time.perf_counter()
    with open(target, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for response in responses:
            headers = StatusAndHeaders("200 OK", list(response.headers.items()),
                                       protocol="HTTP/1.1")
            record = writer.create_warc_record(
                response.url, "response", payload=io.BytesIO(response.content),
                length=len(response.content), http_headers=headers,
            )
            writer.write_record(record)
    return time.perf_counter() - start


def _capture(responses, folder: Path, sync: bool) -> tuple[float, Path]:
    from osintlab.evidence import Case, open_case

    Case.sync = sync
    try:
        case = open_case(folder / "CASE-BENCH", investigator="Bench Runner",
                         screenshots=False)
        start = time.perf_counter()
        for response in responses:
            case.capture(response, embedded=False, screenshot=False)
        return time.perf_counter() - start, case.root
    finally:
        Case.sync = True


def _plain_sha256(root: Path) -> float:
    files = [root / "log.jsonl", root / "case.json"]
    for path in sorted((root / "items").rglob("*")):
        if path.is_file() and "working" not in path.parts:
            files.append(path)
    start = time.perf_counter()
    for path in files:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda handle=handle: handle.read(1 << 20), b""):
                digest.update(block)
        digest.hexdigest()
    return time.perf_counter() - start


def _figure(what: str, ours: float, base: float, aim: str) -> dict:
    return {"what": what, "value_s": round(ours, 4), "baseline_s": round(base, 4),
            "ratio": round(ours / base, 3), "aim": aim}


def run() -> dict:
    """Measure and return the figures (seconds and ratios)."""
    from osintlab.evidence import open_case

    responses = _responses(PAGES)
    work = Path(tempfile.mkdtemp(prefix="bench-evidence-"))
    try:
        raw = _raw_warcio(responses, work / "raw.warc.gz")
        durable, root = _capture(responses, work / "durable", sync=True)
        quick, _ = _capture(responses, work / "nosync", sync=False)
        case = open_case(root)
        start = time.perf_counter()
        case.verify()
        verify = time.perf_counter() - start
        plain = _plain_sha256(root)
        return {
            "capture": _figure(
                f"case.capture of {PAGES} prepared responses (fsync on, as shipped) vs raw "
                "warcio writing the same responses to one WARC", durable, raw, "ratio <= 1.5"),
            "capture_without_fsync": _figure(
                f"the same {PAGES} captures with fsync off (shows the cost of durability)",
                quick, raw, "ratio <= 1.5"),
            "verify": _figure(
                f"case.verify() of the {PAGES}-item case vs plain SHA-256 over the same files",
                verify, plain, "ratio <= 1.2"),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
