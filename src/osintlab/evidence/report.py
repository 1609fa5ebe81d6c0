"""The case report: one self-contained HTML file and a DOCX for prosecutors who use Word.

Both hold the summary, the findings with references to evidence items, the timeline, the
evidence annex (item, time, source, hash), the custody history and, for each item, a
collection form with the collection data the Berkeley Protocol's para 155 lists. The HTML needs
no internet: styles, screenshots and the map (Leaflet from the ``xstatic-leaflet`` package,
markers only, no tile layer) are inside the file. Headings and fixed texts come from the
gettext catalogue of the chosen language.

Example:
    >>> gettext_for("en")("Evidence annex")
    'Evidence annex'
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from .. import _i18n
from ..exceptions import EvidenceError
from .custody_log import write_atomic


class Case(Protocol):
    """What the report reads from a case; :class:`osintlab.evidence.Case` has all of it.

    (A protocol, so that the report needs no import of the case module that calls it.)
    """

    id: str
    root: Path

    def entries(self) -> list[dict[str, Any]]: ...
    def record(self, item: str) -> dict[str, Any]: ...
    def custody(self) -> list[dict[str, Any]]: ...
    def findings(self) -> list[Any]: ...

    def head(self) -> str: ...

__all__ = ["gettext_for", "write_report"]


def gettext_for(language: str | None) -> Callable[[str], str]:
    """The package's message catalogue for ``language`` (English when there is none)."""
    return _i18n._translation(language or None, _i18n._localedir()).gettext


def _leaflet() -> tuple[str, str]:
    from xstatic.pkg import leaflet

    folder = Path(leaflet.BASE_DIR)
    script = (folder / "leaflet.js").read_text(encoding="utf-8")
    script = re.sub(r"//# sourceMappingURL=.*", "", script).replace("</script", "<\\/script")
    style = (folder / "leaflet.css").read_text(encoding="utf-8")
    style = re.sub(r"url\([^)]*\)", "none", style)  # no image files: nothing to fetch
    return script, style


def _findings(raw: list) -> list[dict]:
    out = []
    for finding in raw:
        if isinstance(finding, str):
            finding = {"text": finding}
        place = finding.get("place")
        out.append({"text": finding.get("text", ""), "items": list(finding.get("items") or []),
                    "place": tuple(place[:2]) if place else None,
                    "label": (place[2] if place and len(place) > 2 else finding.get("text", ""))})
    return out


def _event(entry: dict, _: Callable[[str], str]) -> str:
    action = entry.get("action")
    if action == "open":
        return _("case opened")
    if action == "capture":
        text = _("captured {item} from {source}").format(
            item=entry.get("item"), source=entry.get("source"))
        return text + (" " + _("(recovered after an interruption)")
                       if entry.get("recovered") else "")
    if action == "transfer":
        return _("handed over to {to}: {purpose}").format(
            to=entry.get("to"), purpose=entry.get("purpose"))
    if action == "timestamp":
        return _("the head {head} was time-stamped by {tsa}").format(
            head=entry.get("head"), tsa=entry.get("tsa_url"))
    if action == "export":
        return _("exported as {archive} (SHA-256 {sha256}, log head {head})").format(
            archive=entry.get("archive"), sha256=entry.get("sha256"), head=entry.get("head"))
    return entry.get("text") or str(action)


def _translated_kind(record: dict, _: Callable[[str], str]) -> str:
    """The item's kind in the report's language (record.json keeps the English word)."""
    kind = record.get("kind")
    return _(kind) if kind else ""


def _form(record: dict, entry: dict, _: Callable[[str], str], zone: str = "UTC"
          ) -> list[tuple[str, str]]:
    from .capture import local_time

    http = record.get("http") or {}
    clock = record.get("clock") or {}
    synced = {True: _("yes"), False: _("no"), None: _("unknown")}[clock.get("synchronised")]
    shot = record.get("screenshot") or {}
    stamp = record.get("timestamp") or {}
    redirects = " → ".join(
        f"{step['url']} ({step['status']})" for step in record.get("redirects") or []
    )
    rows = [
        (_("Item"), record.get("item")),
        (_("Case"), record.get("case")),
        (_("Kind"), _translated_kind(record, _)),
        (_("Embedded in"), record.get("embedded_in")),
        (_("Note"), _note(record.get("note"), _)),
        (_("URL"), record.get("source_url")),
        (_("Final URL (after redirects)"), record.get("final_url")),
        (_("Redirects"), redirects),
        (_("HTTP status"), f"{http.get('status')} {http.get('reason', '')}".strip()
         if http else ""),
        (_("File (evidentiary copy)"), (record.get("file") or {}).get("original")),
        (_("Size (bytes)"), str((record.get("file") or {}).get("size", ""))),
        (_("HTML source"), record.get("html_source")),
        (_("SHA-256 at collection"), (record.get("hashes") or {}).get("sha256")),
        (_("MD5 at collection"), (record.get("hashes") or {}).get("md5")),
        (_("Collected (UTC, ISO 8601)"), record.get("collected_at")),
        (_("Collected (local time, with its offset)"),
         local_time(record.get("collected_at"), zone)),
        (_("Collection ended (UTC, ISO 8601)"), record.get("collection_ended_at")),
        (_("Collection ended (local time, with its offset)"),
         local_time(record.get("collection_ended_at"), zone)),
        (_("Clock synchronised"), f"{synced} ({_recorded(clock.get('how'), _) or ''})"),
        (_("Warnings"), " ".join(_recorded(w, _) for w in record.get("warnings") or [])),
        (_("Collector"), record.get("collector")),
        (_("Collecting machine (name, IP)"),
         f"{(record.get('machine') or {}).get('hostname') or _('unknown')}, "
         f"{(record.get('machine') or {}).get('ip') or _('unknown')}"),
        (_("Public address the site saw (checked at, service)"), _public(record, _)),
        (_("VPN or proxy"), _recorded((record.get("connection") or {}).get("vpn_or_proxy"), _)),
        (_("Persona used"), record.get("persona") or _("none")),
        (_("Provenance (who supplied the file, how, on what medium)"),
         _recorded(record.get("provenance"), _)),
        # texts recorded in the capture's language: an English one is shown translated
        (_("Method"), _recorded(record.get("method"), _)),
        (_("Tool and version"), _tools(record.get("tool") or {}, _)),
        (_("What the collection changed"),
         " ".join(_recorded(c, _) for c in record.get("changes") or [])),
        (_("Screenshot"), shot.get("file") or shot.get("note") or ""),
        (_("WARC file"), record.get("warc")),
        (_("Trusted timestamp"), f"{stamp.get('file')} ({stamp.get('tsa_url')})"
         if stamp else _("none")),
        (_("Logged as entry"), str(entry.get("seq"))),
    ]
    return [(label, str(value)) for label, value in rows if value not in (None, "")]


def _recorded(text: str | None, _: Callable[[str], str]) -> str | None:
    """A text a record holds in its capture's language, in the report's language if it was
    recorded in English (a text in another language is shown as recorded)."""
    return _(text) if text else text


def _tools(tool: dict, _: Callable[[str], str]) -> str:
    """"osintlab 0.1.0, python 3.11.7, warcio 1.8.1, chromium 120.0": names and versions."""
    shown = dict(tool)
    name, version = shown.pop("name", None), shown.pop("version", None)
    parts = [f"{name} {version}"] if name else []
    parts += [f"{key} {_recorded(value, _)}" for key, value in shown.items()]
    return ", ".join(parts)


def _note(note: str | None, _: Callable[[str], str]) -> str | None:
    """The item's note; the note the case itself wrote for an embedded file, translated."""
    found = re.fullmatch(r"embedded in (E\d+)", note or "")
    return _("embedded in {item}").format(item=found.group(1)) if found else note


def _public(record: dict, _: Callable[[str], str]) -> str:
    """The public address a web capture's site saw, when and from which service."""
    connection = record.get("connection")
    if not connection:
        return ""
    address = connection.get("public_address") or _recorded(connection.get("note"), _) or _(
        "unknown")
    service = connection.get("service")
    return f"{address} ({connection.get('checked_at')}, {service})" if service else address


def _thumbnail(path: Path, width: int = 900) -> bytes | None:
    if not path.is_file():
        return None
    from PIL import Image

    image = Image.open(path).convert("RGB")
    if image.width > width:
        image = image.resize((width, max(1, image.height * width // image.width)))
    image = image.crop((0, 0, image.width, min(image.height, 2400)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return out.getvalue()


def collect(case: Case, language: str, summary: str, findings: list) -> dict:
    """Everything the report shows, as plain data (used by both the HTML and the DOCX)."""
    _ = gettext_for(language)
    entries = case.entries()
    captures = [e for e in entries if e.get("action") == "capture"]
    forms = []
    for entry in captures:
        try:
            record = case.record(entry["item"])
        except (EvidenceError, ValueError):  # removed or damaged: "problems" says so
            record = {"item": entry["item"], "case": case.id}
        image = _thumbnail(case.root / "items" / entry["item"] / "screenshot.png")
        zone = getattr(case, "timezone", "UTC")
        forms.append({"item": entry["item"], "fields": _form(record, entry, _, zone),
                      "image_bytes": image,
                      "image": base64.b64encode(image).decode() if image else None})
    custody = case.custody()
    custody[0] = {**custody[0], "purpose": _("case opened")}  # in the report's language
    found = _findings(findings)
    places = [{"lat": f["place"][0], "lon": f["place"][1], "label": f["label"]}
              for f in found if f["place"]]
    return {
        "language": language,
        "case": case,
        "written": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "problems": case.findings(),
        "head": case.head(),
        "summary": summary,
        "findings": found,
        "places": places,
        "timeline": sorted(({"time": e.get("time"), "event": _event(e, _), "by": e.get("by")}
                            for e in entries if e.get("action") != "intent"),
                           key=lambda row: row["time"] or ""),
        "annex": [{"item": e["item"], "time": e.get("time"), "source": e.get("source"),
                   "sha256": e.get("sha256")} for e in captures],
        "custody": custody,
        "forms": forms,
        "_": _,
    }


def render_html(data: dict) -> str:
    """The report as one HTML document with everything inline."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("osintlab.evidence", "templates/report"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
    )
    script, style = _leaflet() if data["places"] else ("", "")
    places = json.dumps(data["places"], ensure_ascii=False).replace("</", "<\\/")
    return environment.get_template("case.html.j2").render(
        **data, leaflet_js=script, leaflet_css=style, places_json=places
    )


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it shows the page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def page_furniture(document: Any, *, case: Any, title: str, header: str, language: str,
                   written: dt.datetime, _: Callable[[str], str]) -> None:
    """Core properties (author, title, dates), a header, and a footer with 'page N of M' and
    a line for the signature on every page: what makes a DOCX a document one can file."""
    from .. import __version__

    properties = document.core_properties
    properties.author = properties.last_modified_by = str(case.investigator or "")
    properties.title = title
    properties.subject = case.id
    properties.created = properties.modified = written
    properties.revision = 1
    properties.language = language
    properties.keywords = _("case report; electronic evidence")
    properties.comments = _("Written by osintlab {version} from the case folder; log head "
                            "{head}.").format(version=__version__, head=case.head())
    properties.category = ""
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    footer = section.footer.paragraphs[0]
    before, _sep, rest = _("Page {page} of {pages}").partition("{page}")
    middle, _sep, after = rest.partition("{pages}")
    footer.add_run(before)
    _field(footer, "PAGE")
    footer.add_run(middle)
    _field(footer, "NUMPAGES")
    footer.add_run(after + "    " + _("Signature:") + " ____________________")


def _signatures(document: Any, data: dict) -> None:
    """Who wrote the report and who received it: name, signature and date, by hand."""
    _ = data["_"]
    document.add_heading(_("Signatures"), level=1)
    grid = document.add_table(rows=3, cols=4)
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, [_("Role"), _("Name"), _("Signature"), _("Date")],
                          strict=True):
        cell.text = text
    blank = "____________________"
    rows = [[_("Report written by"), str(data["case"].investigator or blank), blank, blank],
            [_("Report received by"), blank, blank, blank]]
    for row, texts in zip(grid.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text


def render_docx(data: dict, target: Path) -> None:
    """The report as a Word document (python-docx), same sections as the HTML."""
    from docx import Document
    from docx.shared import Cm, Pt

    _ = data["_"]
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    case = data["case"]
    written = dt.datetime.strptime(data["written"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    page_furniture(document, case=case, title=_("Case report") + f": {case.id}",
                   header=_("Case report") + f": {case.id} — {data['head']}",
                   language=data["language"], written=written, _=_)
    document.add_heading(_("Case report") + f": {data['case'].id}", level=0)

    def table(header: list[str], rows: list[list[str]], style: str = "Table Grid"):
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = style
        for cell, text in zip(grid.rows[0].cells, header, strict=False):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row, strict=False):
                cell.text = "" if text is None else str(text)
        return grid

    table([_("Investigator"), _("Report written (UTC)"), _("Integrity check"),
           _("Head of the log (SEQ:HASH)")],
          [[data["case"].investigator, data["written"],
            _("all hashes and the log chain match") if not data["problems"]
            else _("problems found"), data["head"]]])
    for problem in data["problems"]:
        document.add_paragraph(problem, style="List Bullet")
    document.add_heading(_("Summary"), level=1)
    document.add_paragraph(data["summary"] or _("No summary was written."))
    document.add_heading(_("Findings"), level=1)
    if not data["findings"]:
        document.add_paragraph(_("No findings were recorded."))
    for finding in data["findings"]:
        text = finding["text"]
        if finding["items"]:
            text += " (" + _("evidence") + f": {', '.join(finding['items'])})"
        if finding["place"]:
            text += " — {:.5f}, {:.5f}".format(*finding["place"])
        document.add_paragraph(text, style="List Number")
    document.add_heading(_("Timeline"), level=1)
    table([_("Time (UTC)"), _("Event"), _("By")],
          [[r["time"], r["event"], r["by"]] for r in data["timeline"]])
    document.add_heading(_("Evidence annex"), level=1)
    table([_("Item"), _("Collected (UTC)"), _("Source"), _("SHA-256")],
          [[r["item"], r["time"], r["source"], r["sha256"]] for r in data["annex"]])
    document.add_heading(_("Chain of custody"), level=1)
    table([_("Time (UTC)"), _("From"), _("To"), _("Purpose"), _("Questions")],
          [[r["time"], r["from"] or "—", r["to"], r["purpose"], "\n".join(r["questions"])]
           for r in data["custody"]])
    document.add_heading(_("Collection forms"), level=1)
    for form in data["forms"]:
        document.add_heading(_("Collection form") + f": {form['item']}", level=2)
        table([_("Field"), _("Value")], [[label, value] for label, value in form["fields"]])
        if form["image_bytes"]:
            document.add_picture(io.BytesIO(form["image_bytes"]), width=Cm(15))
    _signatures(document, data)
    document.save(str(target))


def checked_language(language: str) -> str:
    """``language`` if it is a language code (``en``, ``ru``, ``kk``), else a clear error.

    Example:
        >>> checked_language("ru")
        'ru'
    """
    if not re.match(r"^[a-z]{2,3}(_[A-Z]{2})?$", language or ""):
        _ = _i18n._  # the trainee's language: the report's is what is wrong
        raise EvidenceError(
            _("{language!r} is not a language code: use e.g. 'en' or 'ru'.").format(
                language=language), language=language)
    return language


def write_report(
    case: Case, *, language: str = "en", summary: str = "", findings: list | None = None,
    folder: Path | None = None,
) -> dict[str, Path]:
    """Write ``report-<lang>.html`` and ``report-<lang>.docx`` into the case's ``report/``.

    Example:
        >>> write_report(case, language="ru")          # doctest: +SKIP
        {'html': PosixPath('CASE-2024-017/report/report-ru.html'), 'docx': ...}
    """
    checked_language(language)
    data = collect(case, language, summary, findings or [])
    return write_pair(Path(folder or case.root / "report"), f"report-{language}",
                      render_html(data), lambda target: render_docx(data, target))


def write_pair(folder: Path, stem: str, page: str, docx: Callable[[Path], None]
               ) -> dict[str, Path]:
    """``<stem>.html`` and ``<stem>.docx`` in ``folder``, each written whole or not at all.

    Example:
        >>> write_pair(Path("report"), "report-en", "<p>x</p>", render)   # doctest: +SKIP
        {'html': PosixPath('report/report-en.html'), 'docx': PosixPath('report/report-en.docx')}
    """
    folder.mkdir(parents=True, exist_ok=True)
    html = folder / f"{stem}.html"
    write_atomic(html, page.encode("utf-8"))
    target = folder / f"{stem}.docx"
    temporary = folder / f".{stem}.docx.tmp"
    docx(temporary)
    temporary.replace(target)
    return {"html": html, "docx": target}
