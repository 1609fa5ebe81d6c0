"""The technical annex to a protocol of inspection of an internet resource.

CIS procedure codes require a protocol for an inspection; their articles differ by country, so
the course teaches the fields practice expects, not articles (check your national code). This
annex fills each field the case knows (case number, times in local time with the offset and in
UTC, who collected, equipment and versions, the connection and public address, the clock, the
sequence of actions, files with SHA-256, the archive and the log head) and leaves the others as
labelled blanks to complete by hand (legal basis, position and procedural status, specialist,
attesting witnesses or video recording, the medium and its seal, statements). Every page carries
"page N of M" and a signature line. It supports the protocol; it does not replace it.

Example:
    >>> paths = write_annex(case, language="ru")      # doctest: +SKIP
    >>> sorted(paths)                                  # doctest: +SKIP
    ['docx', 'html']
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .capture import local_time
from .report import (
    _findings,
    _recorded,
    _tools,
    checked_language,
    gettext_for,
    page_furniture,
    write_pair,
)

__all__ = ["write_annex"]

#: A field the case cannot know: the person completing the protocol writes it by hand.
BLANK = "________________________________"


def _blank(_: Callable[[str], str], what: str) -> str:
    return f"{BLANK} ({what})"


def _when(utc: str | None, zone: str, _: Callable[[str], str]) -> str:
    if not utc:
        return _blank(_, _("not recorded: complete by hand"))
    return f"{local_time(utc, zone)}; UTC {utc}"


def sections(case: Any, language: str, findings: list | None = None) -> dict[str, Any]:
    """The annex as data: a title and a list of (heading, rows of (label, value))."""
    _ = gettext_for(language)
    zone = getattr(case, "timezone", "UTC") or "UTC"
    entries = case.entries()
    captures = [e for e in entries if e.get("action") == "capture"]
    records = []
    for entry in captures:
        try:
            records.append(case.record(entry["item"]))
        except Exception:  # a damaged item is listed by verify, not here
            records.append({"item": entry["item"]})
    web = [r for r in records if r.get("http")]
    first = min((r.get("collected_at") for r in records if r.get("collected_at")), default=None)
    last = max((r.get("collection_ended_at") or r.get("collected_at") for r in records
                if r.get("collected_at")), default=None)
    tool = (records[-1].get("tool") if records else None) or {}
    clock = (records[-1].get("clock") if records else None) or {}
    synced = {True: _("yes"), False: _("no"), None: _("unknown")}[clock.get("synchronised")]
    connections = [r["connection"] for r in web if r.get("connection")]
    addresses = sorted({c.get("public_address") for c in connections if c.get("public_address")})
    vpn = sorted({_recorded(c.get("vpn_or_proxy"), _) for c in connections
                  if c.get("vpn_or_proxy")})
    agents = sorted({dict(r["http"]["request"].get("headers") or []).get("User-Agent", "")
                     for r in web if (r.get("http") or {}).get("request")} - {""})
    exports = [e for e in entries if e.get("action") == "export"]
    warnings = sorted({_recorded(w, _) for r in records for w in r.get("warnings") or []})
    hand = _("complete by hand")
    general = [
        (_("Case number"), case.id),
        (_("Legal basis and instruction"), _blank(_, hand)),
        (_("Place of the inspection"), _blank(_, hand)),
        (_("Time zone of the times below"), zone),
        (_("Started"), _when(first, zone, _)),
        (_("Ended"), _when(last, zone, _)),
    ]
    people = [
        (_("Conducted by (name)"), str(case.investigator or _blank(_, hand))),
        (_("Position and procedural status"), _blank(_, hand)),
        (_("Specialist (name, position)"), _blank(_, _("or: none took part"))),
        (_("Attesting witnesses or video recording, where the law allows"),
         _blank(_, hand)),
        (_("Technical means used"), _("a computer with the software named below")),
    ]
    equipment = [
        (_("Computer (name)"),
         str(((records[-1].get("machine") or {}).get("hostname") if records else None)
             or _blank(_, hand))),
        (_("Operating system"),
         str(((records[-1].get("machine") or {}).get("os") if records else None)
             or _blank(_, hand))),
        (_("Software and versions"), _tools(tool, _) or _blank(_, hand)),
        (_("User-Agent sent to the sites"), "; ".join(agents) or _("no web page collected")),
        (_("Connection: VPN or proxy"), "; ".join(vpn) or _blank(_, hand)),
        (_("Public address the sites saw"), ", ".join(addresses) or _blank(_, hand)),
        (_("Time source and clock check"),
         _("clock synchronised: {synced} ({how}); compared with a trusted time source at "
           "{blank}, difference {blank}").format(synced=synced,
                                                 how=_recorded(clock.get("how"), _) or "",
                                                 blank="________")),
        *[(_("Warning"), w) for w in warnings],
    ]
    preparation = [
        (_("Preparatory steps"), _(
            "case folder {case} opened by the software; its log records every action with "
            "its time and a hash chain").format(case=case.id)),
        (_("Further preparatory steps"), _blank(_, hand)),
    ]
    actions = []
    for entry in entries:
        action = entry.get("action")
        if action == "intent":
            continue
        if action == "capture":
            what = _("{item} collected from {source}").format(item=entry.get("item"),
                                                             source=entry.get("source"))
        elif action == "open":
            what = _("case folder opened")
        elif action == "transfer":
            what = _("handed over to {to}: {purpose}").format(to=entry.get("to"),
                                                              purpose=entry.get("purpose"))
        elif action == "export":
            what = _("copied into the archive {archive}").format(archive=entry.get("archive"))
        else:
            what = str(action)
        actions.append((_when(entry.get("time"), zone, _), what))
    found = [(str(n), f["text"] + (f" ({_('evidence')}: {', '.join(f['items'])})"
                                     if f["items"] else ""))
             for n, f in enumerate(_findings(findings or []), 1)]
    if not found:
        found = [("1", _blank(_, hand))]
    files = []
    for record in records:
        original = (record.get("file") or {}).get("original")
        files.append((f"{record.get('item')}: {original}",
                      (record.get("hashes") or {}).get("sha256") or _("unknown")))
    medium = [
        (_("Archive written"), ", ".join(f"{e.get('archive')} (SHA-256 {e.get('sha256')})"
                                         for e in exports) or _blank(_, hand)),
        (_("Medium the copy was written to"), _blank(_, hand)),
        (_("Packing and seal"), _blank(_, hand)),
        (_("Head of the log (SEQ:HASH)"), case.head()),
    ]
    closing = [
        (_("Statements of the participants"), _blank(_, hand)),
        (_("Annexes"), _("the case report; the archive named above") if exports
         else _("the case report")),
    ]
    return {
        "title": _("Technical annex to the protocol of inspection of an internet resource"),
        "note": _("This annex supports the protocol; it does not replace it. Fields marked "
                  "with a line are completed by hand. Check the articles of your national "
                  "criminal procedure code."),
        "sections": [
            (_("General"), general),
            (_("Participants"), people),
            (_("Equipment, software and connection"), equipment),
            (_("Preparation"), preparation),
            (_("Sequence of actions (local time; UTC)"), actions),
            (_("What was found"), found),
            (_("Files made, with SHA-256"), files),
            (_("Copy, medium and seal"), medium),
            (_("Statements and annexes"), closing),
        ],
        "_": _,
        "case": case,
        "language": language,
    }


def render_html(data: dict) -> str:
    """The annex as one printable HTML page (no script, no outside resource)."""
    _ = data["_"]
    parts = [f"<!doctype html><html lang=\"{html.escape(data['language'])}\"><head>"
             "<meta charset=\"utf-8\"><title>" + html.escape(data["title"]) + "</title>"
             "<style>body{font-family:serif;max-width:60em;margin:2em auto}"
             "table{border-collapse:collapse;width:100%}td{border:1px solid #444;"
             "padding:.3em;vertical-align:top}td:first-child{width:35%}</style></head><body>",
             f"<h1>{html.escape(data['title'])}</h1>",
             f"<p><b>{html.escape(_('Case'))}:</b> {html.escape(data['case'].id)}</p>",
             f"<p><i>{html.escape(data['note'])}</i></p>"]
    for heading, rows in data["sections"]:
        parts.append(f"<h2>{html.escape(heading)}</h2><table>")
        parts += [f"<tr><td>{html.escape(str(label))}</td><td>{html.escape(str(value))}</td>"
                  "</tr>" for label, value in rows]
        parts.append("</table>")
    parts.append(f"<p>{html.escape(_('Signature:'))} {BLANK}</p></body></html>")
    return "".join(parts)


def render_docx(data: dict, target: Path) -> None:
    """The annex as DOCX: core properties, header, 'page N of M' and a signature per page."""
    import datetime as dt

    from docx import Document
    from docx.shared import Pt

    _ = data["_"]
    case = data["case"]
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    page_furniture(document, case=case, title=data["title"],
                   header=f"{data['title']}: {case.id}", language=data["language"],
                   written=dt.datetime.now(dt.UTC).replace(microsecond=0), _=_)
    document.add_heading(data["title"], level=0)
    document.add_paragraph(f"{_('Case')}: {case.id}")
    document.add_paragraph(data["note"]).runs[0].italic = True
    for heading, rows in data["sections"]:
        document.add_heading(heading, level=1)
        grid = document.add_table(rows=0, cols=2)
        grid.style = "Table Grid"
        for label, value in rows:
            cells = grid.add_row().cells
            cells[0].text, cells[1].text = str(label), str(value)
    document.save(str(target))


def write_annex(case: Any, *, language: str = "en", findings: list | None = None,
                folder: Path | None = None) -> dict[str, Path]:
    """Write ``annex-<lang>.html`` and ``annex-<lang>.docx`` into the case's ``report/``.

    Example:
        >>> write_annex(case, language="ru")["docx"].name      # doctest: +SKIP
        'annex-ru.docx'
    """
    data = sections(case, checked_language(language), findings)
    return write_pair(Path(folder or case.root / "report"), f"annex-{language}",
                      render_html(data), lambda target: render_docx(data, target))
