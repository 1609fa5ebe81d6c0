"""Evidence that holds up in court: a case folder, captures, a tamper-evident log, custody.

``open_case`` makes (or opens) a plain folder a prosecutor can read without Python::

    CASE-2024-017/
        case.json            who opened the case, when, with which settings
        log.jsonl            the log: one line per event, each carrying the hash of the one before
        log.csv              the same log for a spreadsheet (written by export)
        README.txt           this layout in plain words
        items/E0001/
            original/<file>  the evidentiary copy, exactly as received, read-only
            working/<file>   a copy to work on (the original is never touched)
            record.json      what the Berkeley Protocol asks of each item (paras 153-155)
            capture.warc.gz  web captures: WARC request, response and metadata records
            screenshot.png   web pages: the full page, stamped with the URL and UTC time
            timestamp.tsr    a trusted timestamp (RFC 3161), when the case has a TSA

Each capture is written to a hidden folder first, synced, renamed into place, and only then
logged; a crash in between is found and repaired the next time the case is opened.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> note = folder / "note.txt"
    >>> _ = note.write_text("Seller 'kara_bekov' offers documents.", encoding="utf-8")
    >>> case = open_case(folder / "CASE-2024-017", investigator="Inspector A. Karimova")
    >>> case.capture(note, note="tip received by e-mail")["item"]
    'E0001'
    >>> case.verify()["status"]
    'intact'

The parts, one job each: ``case`` (the folder and its verbs), ``capture`` (fetching and WARC
records), ``custody_log`` (the hash-chained log and atomic writes), ``screenshot`` (Chromium's
picture of what was captured), ``timestamp`` (the RFC 3161 client), ``report`` (the HTML and
DOCX case report, templates in ``templates/report``), ``annex`` (the technical annex to the
protocol of inspection), ``scenarios`` (ready-made case folders exercises need).
"""

from __future__ import annotations

from .case import FORMAT, KINDS, Case, open_case, verify_archive
from .scenarios import returned_case

__all__ = ["FORMAT", "KINDS", "Case", "open_case", "returned_case", "verify_archive"]
