"""The case folder: :func:`open_case` and the :class:`Case` it returns (capture, verify,
transfer, export, report), and :func:`verify_archive` for an exported case.

The folder's layout and a worked example are in :mod:`osintlab.evidence`.

Example:
    >>> from osintlab.evidence import open_case
    >>> open_case  # doctest: +ELLIPSIS
    <function open_case at ...>
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import hashlib
import io
import ipaddress
import json
import os
import platform
import re
import shutil
import socket
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from .._i18n import N_, _
from ..exceptions import (
    BadAnchor,
    CaptureFailed,
    CaseNotWritable,
    DiskFull,
    DuplicateCapture,
    EvidenceError,
    OutsideCase,
    TamperDetected,
)
from . import capture as _capture
from .custody_log import CustodyLog, check_chain, fsync_folder, write_atomic

__all__ = ["Case", "open_case", "verify_archive"]

FORMAT = "osintlab-case/1"
ITEM_ID = re.compile(r"^E(\d{4,})$")
PARTIAL = re.compile(r"^\.(E\d{4,})\.partial$")
CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
NOT_HASHED = {"working"}  # folders inside an item that may change (working copies)


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _file_sha256(path: str | Path, buffer: memoryview | None = None) -> str:
    """``sha256:<hex>`` of a file; with ``buffer`` (reused between files) read straight
    into it with no Python file object (``case.verify`` hashes thousands of small files)."""
    if buffer is None or not hasattr(os, "readv"):
        with open(path, "rb", buffering=0) as handle:
            return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
    digest = hashlib.sha256()
    descriptor = os.open(path, os.O_RDONLY)
    try:
        while size := os.readv(descriptor, (buffer,)):
            digest.update(buffer[:size])
    finally:
        os.close(descriptor)
    return "sha256:" + digest.hexdigest()


_datasync = getattr(os, "fdatasync", os.fsync)  # the data and size, not the access times


def _create(path: str | Path, data: bytes, sync: bool, mode: int = 0o644) -> None:
    """Create a new file holding ``data`` (one open, one write); with ``sync``, on disk.

    ``O_EXCL``: a capture never writes over an existing file. ``mode`` is set at creation,
    so the evidentiary original is read-only from its first byte (no later chmod).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        if sync:
            _datasync(descriptor)
    finally:
        os.close(descriptor)


def _files_below(folder: str) -> dict[str, str]:
    """Every file under an item folder (``relative/posix/name`` -> path), in one pass.

    The top-level folders in :data:`NOT_HASHED` (working copies) are not entered.
    """
    found: dict[str, str] = {}
    pending = [("", folder)]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as listing:
            for entry in listing:
                relative = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if prefix or entry.name not in NOT_HASHED:
                        pending.append((relative + "/", entry.path))
                elif entry.is_file():
                    found[relative] = entry.path
    return found


#: What an item is. Stored in record.json as these English words, whatever the case's language
#: (notebooks and tools compare them); the report translates them when it shows them.
KINDS = {"web_page": N_("web page"), "web_file": N_("web file"), "file": N_("file")}


def _texts() -> dict[str, str]:
    """The fixed sentences of a collection record, in the trainee's language."""
    key = (os.environ.get("OSINTLAB_LANG"), os.environ.get("OSINTLAB_SHOW_DRAFTS"),
           os.environ.get("OSINTLAB_LOCALEDIR"))
    if key not in _TEXTS:  # looked up once per language: a crawl captures many pages
        _TEXTS[key] = _texts_now()
    return _TEXTS[key]


_TEXTS: dict[tuple, dict[str, str]] = {}


def _texts_now() -> dict[str, str]:
    return {
        "web_changes": _(
            "The content was stored byte for byte as received. The site received one "
            "request from this machine (GET, with the User-Agent recorded in this record) and "
            "may have logged it."
        ),
        "response_changes": _(
            "The content was stored as the requests.Response given to capture() held it. "
            "The request was made by the notebook's own code (its headers are in this "
            "record); the site received it and may have logged it."
        ),
        "file_changes": _("None: the file was copied byte for byte and only read."),
        "shot_changes": _(
            "The screenshot was drawn from the captured bytes of the page; the images and "
            "styles it shows were requested again for the picture."
        ),
        "shot_off": _("no screenshot: switched off for this capture"),
        "method_get": _("HTTP GET, following redirects"),
        "method_response": _("a requests.Response given to capture()"),
        "method_copy": _("file copy"),
        "provenance_unknown": _(
            "Not stated at capture: who supplied the file, how and on what medium is unknown "
            "to this record. Add it to the protocol."
        ),
        "clock_unsynced": _(
            "This computer's clock was NOT synchronised with a time server when the item was "
            "collected: its times may be off. Compare the clock with a trusted time source, "
            "write down the difference in the protocol, and fix the time synchronisation."
        ),
        "clock_unknown": _(
            "Whether this computer's clock was synchronised could not be read here: compare it "
            "with a trusted time source and write down the difference in the protocol."
        ),
        "no_vpn_declared": _("none declared (an ordinary connection of this computer)"),
    }


def _os_error(error: OSError, where: Path) -> EvidenceError:
    """A teaching error for a failed write; any other OSError is raised again as it is."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DiskFull(
            _(
                "The disk is full: could not write {path}. The unfinished item was removed and "
                "the log is unchanged. Free some space (or move the case to a larger disk) and "
                "capture again."
            ).format(path=where),
            path=str(where),
        )
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return CaseNotWritable(
            _(
                "The case folder {path} is read-only, so nothing can be added to it. "
                "Reading and verifying still work. To add evidence, open a writable copy "
                "or ask for write access."
            ).format(path=where),
            path=str(where),
        )
    raise error


def _utc(moment: dt.datetime) -> str:
    """A moment as the records write it: ``2024-05-01T08:00:00Z`` (UTC, whole seconds).

    Example:
        >>> almaty = dt.timezone(dt.timedelta(hours=5))
        >>> _utc(dt.datetime(2024, 5, 1, 13, 0, 59, 999999, tzinfo=almaty))
        '2024-05-01T08:00:59Z'
    """
    at = moment.astimezone(dt.UTC)  # fields, not strftime: a crawl writes thousands
    return (f"{at.year:04d}-{at.month:02d}-{at.day:02d}"
            f"T{at.hour:02d}:{at.minute:02d}:{at.second:02d}Z")


class Case:
    """One case folder: capture evidence, verify it, record hand-overs, export, report.

    Made by :func:`open_case`; the hooks :meth:`now` and :meth:`warc_writer` can be
    overridden (in a subclass) to fix the clock and record ids, the warcio way.
    """

    sync = True  # fsync files and folders; benchmarks may switch it off to show its cost

    def __init__(
        self,
        root: Path,
        *,
        investigator: str | None = None,
        tsa_url: str | None = None,
        tsa_ca: Path | None = None,
        persona: str | None = None,
        screenshots: bool = True,
        session=None,
        user_agent: str | None = None,
        connection: str | None = None,
        address_service: str | None = None,
        timezone: str | None = None,
        _recover: bool = True,
    ) -> None:
        self.root = Path(root)
        self.log = CustodyLog(self.root / "log.jsonl", sync=self.sync)
        settings = json.loads((self.root / "case.json").read_text(encoding="utf-8"))
        self.id = settings["case"]
        self.investigator = investigator or settings.get("investigator")
        self.tsa_url = tsa_url or settings.get("tsa_url")
        self.tsa_ca = Path(tsa_ca) if tsa_ca else None
        self.persona = persona
        self.screenshots = screenshots
        #: the User-Agent of this case's own requests (recorded with each item's request)
        self.user_agent = user_agent or settings.get("user_agent") or _capture.USER_AGENT
        #: how this machine reaches the internet: a VPN, a proxy, or an ordinary connection
        self.connection = connection or settings.get("connection")
        #: the "what is my address" service asked for the public address sites see
        self.address_service = address_service or settings.get("address_service") or (
            "http://address.example/" if _is_sandbox(session) else None)
        self._public: tuple[float, dict] | None = None
        self._pending: list[dict] | None = None  # staged captures of an open batch()
        #: where the case is worked: forms show times in UTC and in this zone, with its offset
        self.timezone = timezone or settings.get("timezone") or "UTC"
        self.session = session
        self.recovered: list[str] = []
        self._by_hash: dict[str, list[str]] | None = None  # sha256 -> items, oldest first
        self._last_number: int | None = None  # the highest item number taken, once known
        self._items_ready = False  # items/ known to exist: no mkdir per capture
        if _recover:
            self._recover()

    def __repr__(self) -> str:
        return f"<Case {self.id} at {self.root}>"

    # -- hooks -----------------------------------------------------------------------
    def now(self) -> dt.datetime:
        """The capture clock (UTC). Override to fix it in a test."""
        return dt.datetime.now(dt.UTC)

    def warc_writer(self) -> _capture.EvidenceWARCWriter:
        """The WARC writer; override ``make_record_id`` on it for repeatable output."""
        return _capture.EvidenceWARCWriter()

    def _embedded_for_screenshot(self, url: str) -> tuple[int, list[tuple[str, str]], bytes]:
        """What a captured page embeds (an image, a style), fetched for its screenshot only.

        Through the case's own session (the sandbox in a classroom), never by the browser.
        """
        got = _capture.fetch(url, session=self.session, timeout=10,
                                 user_agent=self.user_agent)
        return got.status or 200, got.headers, got.body

    # -- reading ---------------------------------------------------------------------
    def entries(self) -> list[dict]:
        """Every log entry, oldest first."""
        return self.log.read()

    def captures(self) -> list[dict]:
        """The log's capture entries, oldest first."""
        return [e for e in self.entries() if e.get("action") == "capture"]

    def record(self, item: str) -> dict:
        """The Berkeley Protocol record of one item (its ``record.json``)."""
        path = self._item_folder(item) / "record.json"
        if not path.exists():
            raise EvidenceError(
                _("There is no item {item} in case {case}. See case.items for the ids.").format(
                    item=item, case=self.id
                ),
                item=item,
            )
        return json.loads(path.read_text(encoding="utf-8"))

    @property
    def items(self):
        """Every item as a table (pandas DataFrame): id, time, source, hashes, links."""
        import pandas as pd

        rows = []
        for entry in self.captures():
            try:
                record = self.record(entry["item"])
            except (EvidenceError, ValueError):
                record = {}
            rows.append({
                "item": entry["item"],
                "collected_at": entry.get("time"),
                "kind": record.get("kind"),
                "source": entry.get("source"),
                "final_url": record.get("final_url"),
                "http_status": (record.get("http") or {}).get("status"),
                "sha256": entry.get("sha256"),
                "md5": (record.get("hashes") or {}).get("md5"),
                "parent": record.get("embedded_in"),
                "note": record.get("note", ""),
                "collector": entry.get("by"),
            })
        columns = ["item", "collected_at", "kind", "source", "final_url", "http_status",
                   "sha256", "md5", "parent", "note", "collector"]
        return pd.DataFrame(rows, columns=columns)

    def path(self, *parts: str) -> Path:
        """A path inside the case folder; anything that leads outside it is refused."""
        target = (self.root / Path(*parts)).resolve()
        if not target.is_relative_to(self.root.resolve()):
            raise OutsideCase(
                _(
                    "{path} is outside the case folder {case}. Evidence files are read and "
                    "written only inside the case; use a path relative to the case folder."
                ).format(path=Path(*parts), case=self.root),
                path=str(Path(*parts)),
            )
        return target

    def _item_folder(self, item: str) -> Path:
        if not ITEM_ID.match(str(item)):
            raise OutsideCase(
                _("{item} is not an item id (like E0001); it cannot name a folder of the case.")
                .format(item=item),
                item=item,
            )
        return self.path("items", item)

    def working_copy(self, item: str) -> Path:
        """A fresh working copy of the item's original (the original is never changed)."""
        folder = self._item_folder(item)
        if not (folder / "original").is_dir():
            self.record(item)  # says there is no such item (or returns: the original is gone)
            raise EvidenceError(
                _("item {item}: {file} was removed").format(item=item, file="original/"),
                item=item,
            )
        originals = sorted((folder / "original").iterdir())
        working = folder / "working"
        working.mkdir(exist_ok=True)
        target = working / originals[0].name
        shutil.copyfile(originals[0], target)
        target.chmod(0o644)
        return target

    # -- writing ---------------------------------------------------------------------
    def _writable(self) -> None:
        probe = self.root / ".write-test"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise _os_error(error, self.root) from error

    def _append(self, fields: dict) -> dict:
        try:
            return self.log.append({"time": _utc(self.now()), "by": self.investigator, **fields})
        except OSError as error:
            raise _os_error(error, self.log.path) from error

    def _hash_index(self) -> dict[str, list[str]]:
        """Every item by its SHA-256, oldest first (one bytes may be several acts)."""
        if self._by_hash is None:
            self._by_hash = {}
            for entry in self.captures():
                self._by_hash.setdefault(entry.get("sha256"), []).append(entry["item"])
        return self._by_hash

    def _next_id(self) -> str:
        if self._last_number is not None:
            return f"E{self._last_number + 1:04d}"
        numbers = [0]
        for entry in self.captures():
            match = ITEM_ID.match(entry.get("item", ""))
            if match:
                numbers.append(int(match.group(1)))
        for folder in [self.root / "items", self.root / "recovered"]:
            if folder.exists():
                for child in folder.iterdir():
                    match = re.search(r"E(\d{4,})", child.name)
                    if match:
                        numbers.append(int(match.group(1)))
        self._last_number = max(numbers)
        return f"E{self._last_number + 1:04d}"

    def _same_collection(self, item: str, fetched: _capture.Fetched, note: str) -> dict | None:
        """The record of ``item`` if it holds what ``fetched`` would record (same source and
        note): a cell run again. Identical bytes from another source stay a separate act."""
        try:
            record = self.record(item)
        except (EvidenceError, ValueError):
            return None
        if (record.get("source_url"), record.get("source_path"), record.get("note")) != (
                fetched.url, fetched.source_path, note):
            return None
        return record

    def _warn_clock(self, message: str) -> None:
        """Say once per case session, aloud, what every record of the session also says."""
        if not getattr(self, "_clock_warned", False):
            self._clock_warned = True
            warnings.warn(message, stacklevel=_outside_osintlab())  # the trainee's cell

    def _connection(self) -> dict:
        """How sites saw this computer: its public address (asked of the case's address
        service at most every ten minutes) and the declared VPN or proxy."""
        now = time.monotonic()
        if self._public is None or now - self._public[0] > 600:
            self._public = (now, self._ask_public_address())
        return {**self._public[1],
                "vpn_or_proxy": self.connection or _texts()["no_vpn_declared"]}

    def _ask_public_address(self) -> dict:
        checked = _utc(self.now())
        if not self.address_service:
            return {"public_address": None, "checked_at": checked, "service": None,
                    "note": _("not checked: the case has no address service "
                              "(open_case(..., address_service=...))")}
        try:
            import requests

            getter = self.session or requests
            reply = getter.get(self.address_service, timeout=10,
                               headers={"User-Agent": self.user_agent})
            found = re.search(r"[0-9a-fA-F.:]{3,45}", reply.text or "")
            address = str(ipaddress.ip_address(found.group(0))) if found else None
            note = "" if address else _("the service's answer holds no address")
        except Exception as error:  # any failure is recorded, never raised
            address, note = None, _("the service could not be asked: {why}").format(
                why=type(error).__name__)
        return {"public_address": address, "checked_at": checked,
                "service": self.address_service, "note": note}

    def capture(
        self,
        source: Any,
        note: str = "",
        *,
        persona: str | None = None,
        again: bool = False,
        embedded: bool = True,
        screenshot: bool | None = None,
        provenance: str | None = None,
    ) -> dict:
        """Capture a URL, a ``requests.Response`` or a file; return its record (a dict).

        For a file, ``provenance`` says who supplied it, how and on what medium ("handed over
        by the victim on a USB stick, 2024-05-02"); without it the record says honestly that
        this was not stated. A web capture records the public address the site saw instead.

        The bytes are kept unchanged as the evidentiary copy, hashed (SHA-256 and MD5) at
        collection, and described as the Berkeley Protocol asks (URL and final URL, HTTP
        status and headers, UTC time and clock state, collector, machine IP, persona, method,
        tool and version, what collection changed). Web pages also get a WARC file and a
        stamped full-page screenshot; their images and media become their own linked items.
        Capturing the same bytes twice is refused unless ``again=True``.

        Example:
            >>> case.capture("http://shop.example/offer/17", note="the offer")  # doctest: +SKIP
        """
        started = self.now()  # the act begins with the request (or the file copy)
        fetched = self._fetch(source)
        if provenance is not None:
            if fetched.is_web:
                raise EvidenceError(_(
                    "provenance= is for files (who supplied the file, how, on what medium); a "
                    "web capture records its address and the connection instead. Put what you "
                    "want to say about this page in note=."
                ))
            fetched.provenance = str(provenance)
        record = self._store(fetched, note, persona=persona, again=again,
                             screenshot=screenshot, started=started)
        if embedded and fetched.is_web and fetched.is_html:
            self._capture_embedded(record, fetched, persona=persona)
        return record

    def _fetch(self, source: Any) -> _capture.Fetched:
        if hasattr(source, "status_code") and hasattr(source, "headers"):
            return _capture.from_response(source)
        text = str(source)
        if isinstance(source, str) and re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
            if not text.lower().startswith(("http://", "https://")):
                raise CaptureFailed(
                    _(
                        "Cannot capture {url}: only http:// and https:// addresses can be "
                        "captured as web pages. For a file on this computer, pass its path."
                    ).format(url=text),
                    url=text,
                )
            return _capture.fetch(text, session=self.session, user_agent=self.user_agent)
        path = Path(source)
        if not path.is_file():
            raise CaptureFailed(
                _(
                    "Cannot capture {source}: it is not a web address (http://...) and there "
                    "is no file with that name. Check the spelling, or give the full path."
                ).format(source=text),
                source=text,
            )
        if path.resolve().is_relative_to(self.root.resolve()):
            raise OutsideCase(
                _(
                    "{path} is already inside the case folder: evidence is captured from "
                    "outside the case. To work on an item use case.working_copy(item)."
                ).format(path=path),
                path=str(path),
            )
        return _capture.from_file(path)

    def _store(self, fetched, note, *, persona, again, screenshot,
               embedded_in: str | None = None, retried: bool = False,
               started: dt.datetime | None = None) -> dict:
        sha256 = _sha256(fetched.body)
        holding = self._hash_index().get(sha256, [])
        if holding and not again and embedded_in is None:
            for item in holding:  # any of them the same act (source and note): run again
                same = self._same_collection(item, fetched, note)
                if same is not None:  # nothing new was collected
                    print(_("{item} already holds these exact bytes from the same source "
                            "with the same note: nothing was added (the cell was run again).")
                          .format(item=item))
                    return same
        known = holding[0] if holding else None
        if known and not again:
            raise DuplicateCapture(
                _(
                    "These exact bytes are already item {item} of case {case} (same SHA-256). "
                    "Nothing was added. To record a deliberate second collection (for example "
                    "to show the page was unchanged a day later), capture with again=True."
                ).format(item=known, case=self.id),
                item=known,
            )
        moment = started or self.now()
        when = _utc(moment)  # one time for the act: record, log, report and annex show it
        if self._pending is not None:
            return self._stage(fetched, note, persona, screenshot, sha256, when, embedded_in)
        item = self._next_id()
        items = self.root / "items"
        partial = items / f".{item}.partial"
        final = items / item
        made = False  # only a folder this call made is ever removed
        try:
            if not self._items_ready:
                items.mkdir(exist_ok=True)
                self._items_ready = True
            partial.mkdir()  # a read-only case fails here, before anything is written
            made = True
            files, record = self._write_item(partial, item, fetched, note, when, persona,
                                             screenshot, sha256, embedded_in)
            # Write-ahead: the log announces the item before it is renamed into place, so
            # that after a crash only an announced item is adopted, never a planted folder.
            # (Announced after the files are written: a full disk leaves the log unchanged.)
            if final.exists():  # another writer took this id meanwhile: the next one, unlogged
                raise FileExistsError(errno.EEXIST, "item taken", str(final))
            self._append({"action": "intent", "item": item, "sha256": sha256, "time": when})
            os.replace(partial, final)
            self._last_number = int(item[1:])
            if self.sync:
                fsync_folder(items)  # the rename is on disk before the log names the item
        except OSError as error:
            if made:
                _remove_tree(partial)
            if error.errno in (errno.EEXIST, errno.ENOTEMPTY) and not retried:
                # Another Case object (a second notebook) took this id: take the next one.
                self._last_number = None
                return self._store(fetched, note, persona=persona, again=again,
                                   screenshot=screenshot, embedded_in=embedded_in,
                                   retried=True, started=moment)
            read_only = error.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
            raise _os_error(error, self.root if read_only else partial) from error
        except BaseException:
            if made:
                _remove_tree(partial)
            raise
        try:
            self._append({
                "action": "capture", "item": item, "sha256": sha256, "time": when,
                "source": fetched.final_url or fetched.url or fetched.source_path,
                "files": files, **({"embedded_in": embedded_in} if embedded_in else {}),
            })
        except EvidenceError:
            _remove_tree(final)  # never logged, so never evidence: take it back out
            raise
        self._hash_index().setdefault(sha256, []).append(item)
        return record  # exactly what record.json holds, without reading it back

    @contextlib.contextmanager
    def batch(self) -> Iterator[Case]:
        """Many captures, one durable commit: for a crawl of many pages at once.

        Inside the block each capture writes its files and returns its record as usual, but
        nothing is synced and nothing is logged yet. A crawl makes no working copies (a
        thousand pages would double the files; the record's ``file.working`` is None):
        ``case.working_copy(item)`` makes one when an item is worked on. When the block
        ends, everything is made durable at once (one file-system sync), announced in the log
        (one write), renamed into place (one folder sync) and logged (one write). A crash
        inside the block or before the commit ends loses only the captures of this batch:
        they are never half in the log; the next opening moves their unfinished folders
        aside and says so (an announced item whose files are whole is adopted). An error
        inside the block leaves the case as it was before the block.

        Example:
            >>> with case.batch():                                   # doctest: +SKIP
            ...     for response in responses:
            ...         case.capture(response, embedded=False)
        """
        if self._pending is not None:  # already in a batch: one commit, the outer one
            yield self
            return
        self._pending = []
        saved = self.sync
        self.sync = False
        try:
            yield self
        except BaseException:
            staged, self._pending = self._pending, None
            self.sync = saved
            for stage in staged:
                _remove_tree(stage["partial"])
            self._by_hash = None
            self._last_number = None
            raise
        staged, self._pending = self._pending, None
        self.sync = saved
        self._commit(staged)

    def _stage(self, fetched, note, persona, screenshot, sha256, when, embedded_in) -> dict:
        """A capture inside a batch: its files in a hidden folder, nothing synced or logged."""
        item = self._next_id()
        items = self.root / "items"
        if not self._items_ready:  # once per case, as a single capture does
            items.mkdir(exist_ok=True)
            self._items_ready = True
        partial = f"{items}/.{item}.partial"  # a string: a crawl makes thousands
        try:
            os.mkdir(partial)
            files, record = self._write_item(partial, item, fetched, note, when, persona,
                                             screenshot, sha256, embedded_in)
        except BaseException:
            _remove_tree(partial)
            raise
        self._last_number = int(item[1:])
        self._hash_index().setdefault(sha256, []).append(item)
        self._pending.append({
            "item": item, "partial": partial, "sha256": sha256, "time": when, "files": files,
            "source": fetched.final_url or fetched.url or fetched.source_path,
            "embedded_in": embedded_in})
        return record

    def _commit(self, staged: list[dict]) -> None:
        """Make a batch durable and logged, in the write-ahead order single captures use."""
        if not staged:
            return
        items = self.root / "items"
        try:
            if self.sync:
                _sync_file_system(self.root)  # every staged file, in one call
            self.log.append_many([{"action": "intent", "item": s["item"], "sha256": s["sha256"],
                                   "time": s["time"], "by": self.investigator}
                                  for s in staged])
            for stage in staged:
                os.replace(stage["partial"], f"{items}/{stage['item']}")
            if self.sync:
                fsync_folder(items)
            self.log.append_many([{
                "time": s["time"], "by": self.investigator, "action": "capture",
                "item": s["item"], "sha256": s["sha256"], "source": s["source"],
                "files": s["files"], **({"embedded_in": s["embedded_in"]}
                                        if s["embedded_in"] else {}),
            } for s in staged])
        except OSError as error:
            raise _os_error(error, self.root) from error

    def _write_item(self, folder, item, fetched, note, when, persona, screenshot, sha256,
                    embedded_in) -> tuple[dict[str, str], dict]:
        """Write one item's files into ``folder``; return the files' hashes and the record
        (built of what JSON reads back: lists, dicts, strings, numbers; nothing shared).

        Durability (``sync``): each evidentiary file (original, WARC, screenshot, token,
        record) is fdatasync'ed as it is written; the caller then renames the folder into
        place and fsyncs ``items/`` once, before the log entry is written. That one folder
        sync also makes the names inside the new item folder durable on the journaling file
        systems a case lives on (ext4, XFS: metadata is committed in order, and each
        fdatasync of a new file has already committed its name). The working copy is
        written from memory and not synced: it is not evidence, and ``working_copy()``
        makes a fresh one at any time. Inside a batch (a crawl) no working copy is made.
        """
        texts = _texts()
        base = os.fspath(folder)
        name = fetched.filename
        os.mkdir(f"{base}/original")  # "/" works on Windows too
        _create(f"{base}/original/{name}", fetched.body, self.sync, 0o444)
        working = None
        if self._pending is None:  # a crawl (batch) makes none: working_copy() when needed
            working = f"working/{name}"
            os.mkdir(f"{base}/working")
            _create(f"{base}/{working}", fetched.body, False)
        files = {f"original/{name}": sha256}
        web = fetched.is_web
        url = fetched.final_url or fetched.url
        if web:
            said = texts["web_changes" if fetched.requested_here else "response_changes"]
        else:
            said = texts["file_changes"]
        changes = [said, *fetched.changes]
        shot_note = None
        wants_shot = self.screenshots if screenshot is None else screenshot
        if web and fetched.is_html and wants_shot:
            from . import screenshot as _screenshot

            png, shot_note, shot_title = _screenshot.take(
                url, when, (fetched.status or 200, fetched.headers, fetched.body),
                fetch=self._embedded_for_screenshot,
            )
            if png is not None:
                _create(f"{base}/screenshot.png", png, self.sync)
                files["screenshot.png"] = _sha256(png)
                changes.append(texts["shot_changes"])
        elif web and fetched.is_html:
            shot_note = texts["shot_off"]
        timestamp = None
        if self.tsa_url:
            from . import timestamp as _tsa

            token = _tsa.request_token(self.tsa_url, fetched.body, session=self.session)
            if _tsa.is_classroom(self.tsa_url):
                self._keep_classroom_ca()
            ca = self.root / "tsa" / "ca.pem"
            problem = _tsa.token_problem(token, fetched.body, ca if ca.is_file() else None)
            if problem:
                raise EvidenceError(_(
                    "The time-stamping authority at {url} answered, but its reply cannot be "
                    "kept: {problem}. Nothing was added to the case. Ask whoever runs the "
                    "authority, or capture without tsa_url= and say so in the note."
                ).format(url=self.tsa_url, problem=problem), url=self.tsa_url)
            _create(f"{base}/timestamp.tsr", token, self.sync)
            files["timestamp.tsr"] = _sha256(token)
            timestamp = {"file": "timestamp.tsr", "tsa_url": self.tsa_url,
                         "covers": f"original/{fetched.filename}"}
        clock = _capture.clock_state()
        cautions = []
        if clock.get("synchronised") is not True:
            cautions.append(texts["clock_unsynced" if clock.get("synchronised") is False
                                  else "clock_unknown"])
            self._warn_clock(cautions[-1])
        record = {
            "item": item,
            "case": self.id,
            "kind": KINDS["web_page" if fetched.is_html else "web_file"] if web
            else KINDS["file"],
            "embedded_in": embedded_in,
            "note": note,
            "source_url": fetched.url,
            "final_url": fetched.final_url,
            "redirects": fetched.redirects,
            "source_path": fetched.source_path,
            "http": {
                "status": fetched.status, "reason": fetched.reason,
                # pairs as lists, as JSON reads them back: the record returned is record.json
                "version": fetched.http_version, "headers": [list(h) for h in fetched.headers],
                "request": {"method": fetched.method,
                            "headers": [list(h) for h in fetched.request_headers]},
            } if web else None,
            "file": {"name": fetched.filename, "size": len(fetched.body),
                     "media_type": fetched.media_type,
                     "original": f"original/{fetched.filename}",
                     "working": working},
            "html_source": f"original/{fetched.filename}" if fetched.is_html else None,
            "hashes": {"sha256": sha256,
                       "md5": "md5:" + hashlib.md5(fetched.body).hexdigest()},
            "collected_at": when,
            # the act's end: after the screenshot and the time-stamp, before it is logged
            "collection_ended_at": _utc(self.now()),
            "clock": clock,
            "collector": self.investigator,
            "machine": {"hostname": socket.gethostname(), "ip": _capture.machine_ip(url),
                        "os": f"{platform.system()} {platform.release()}"},
            # what the site saw: the public address (asked of an address service) and the
            # declared VPN or proxy; for a file copy, who supplied it, how and on what medium
            "connection": self._connection() if web else None,
            "provenance": None if web else (fetched.provenance or texts["provenance_unknown"]),
            "warnings": cautions,
            # the case's persona is recorded for what was collected through it (the web), never
            # on a file copy: it would disclose a covert method to whoever receives the file
            "persona": (persona or self.persona) if web else persona,
            "method": texts["method_copy"] if not web
            else texts["method_get" if fetched.requested_here else "method_response"],
            "tool": _tool(),
            "changes": changes,
            "screenshot": {"file": "screenshot.png", "note": shot_note, "title": shot_title}
            if "screenshot.png" in files else ({"file": None, "note": shot_note}
                                               if shot_note else None),
            "warc": None,
            "timestamp": timestamp,
        }
        if web:
            buffer = io.BytesIO()
            self.warc_writer().write(buffer, fetched, warc_date=when, metadata={
                key: record[key] for key in
                ("item", "case", "note", "collected_at", "collector", "persona", "hashes")
            })
            warc = buffer.getvalue()
            _create(f"{base}/capture.warc.gz", warc, self.sync)
            files["capture.warc.gz"] = _sha256(warc)
            record["warc"] = "capture.warc.gz"
        data = _readable_json(record)
        _create(f"{base}/record.json", data, self.sync)
        files["record.json"] = _sha256(data)
        return files, record

    def _keep_classroom_ca(self) -> None:
        """Keep the sandbox authority's CA in ``tsa/ca.pem`` so tokens verify offline.

        Each sandbox server has its own test CA; after a restart a new one is added to the
        file (``openssl ts -verify -CAfile`` accepts several certificates in one file).
        """
        from . import timestamp as _tsa

        pem = _tsa.classroom_ca(self.tsa_url, session=self.session)
        target = self.root / "tsa" / "ca.pem"
        known = target.read_bytes() if target.is_file() else b""
        if pem.strip() and pem.strip() not in known:
            target.parent.mkdir(exist_ok=True)
            joined = known + (b"" if not known or known.endswith(b"\n") else b"\n") + pem
            write_atomic(target, joined, sync=self.sync)

    def _capture_embedded(self, record: dict, fetched, *, persona) -> None:
        for url in _capture.embedded_urls(fetched.body, fetched.final_url or fetched.url):
            started = self.now()
            try:
                child = _capture.fetch(url, session=self.session, user_agent=self.user_agent)
            except CaptureFailed as error:
                why = error.why
            else:
                if child.status < 400:
                    if _sha256(child.body) not in self._hash_index():  # one image, one item
                        self._store(child, _("embedded in {item}").format(item=record["item"]),
                                    persona=persona, again=False, screenshot=False,
                                    embedded_in=record["item"], started=started)
                    continue
                why = f"HTTP {child.status} {child.reason}".strip()
            self._append({"action": "note", "item": record["item"], "text": _(
                "embedded file {url} could not be captured: {why}"
            ).format(url=url, why=why)})

    def transfer(
        self, to: str, purpose: str, questions: list[str] | None = None,
        items: list[str] | None = None,
    ) -> dict:
        """Record a hand-over (to an expert with questions, to the prosecutor) in the log.

        Example:
            >>> case.transfer(to="Expert B. Sadykov, forensic centre",
            ...               purpose="examination", questions=["Is E0001 edited?"],
            ...               )["action"]                                  # doctest: +SKIP
            'transfer'
        """
        items = self._transfer_items(items)
        questions = _question_list(questions)
        known = {e["item"] for e in self.captures()}
        unknown = [item for item in (items or []) if item not in known]
        if unknown:
            raise EvidenceError(
                _("Cannot transfer {items}: no such item in case {case}. "
                  "See case.items for the ids.").format(items=", ".join(unknown), case=self.id),
                items=unknown,
            )
        if not str(to).strip() or not str(purpose).strip():
            raise EvidenceError(
                _("A transfer needs both who receives the evidence (to=) and why (purpose=).")
            )
        self._writable()
        holders = self.holders()
        held_by = sorted({holders[item] for item in (items or holders)})
        if len(held_by) > 1:
            raise EvidenceError(
                _("These items are not all with the same person ({holders}): a hand-over is "
                  "from one holder. Transfer each holder's items separately, with "
                  "items=[...]; case.holders() says who has each item.").format(
                    holders="; ".join(held_by)), items=list(items or holders))
        holder = held_by[0] if held_by else self.investigator
        done = self._same_transfer(to, purpose, questions, items)
        if done is not None:  # the same cell run again: the hand-over is already in the log
            print(_("This hand-over to {to} is already entry {seq} of the log: nothing was "
                    "added (the cell was run again).").format(to=to, seq=done["seq"]))
            return {**done, "head": f"{done['seq']}:{done['hash']}"}
        if str(to).strip() == str(holder).strip():
            raise EvidenceError(_(
                "{to} already holds these items: a hand-over is to someone else. If this cell "
                "ran a second time, the hand-over is already in the log (case.custody())."
            ).format(to=to), to=to)
        entry = self._append({
            "action": "transfer", "from": holder, "to": to, "purpose": purpose,
            "questions": questions, "items": list(items) if items else "all",
        })
        head = f"{entry['seq']}:{entry['hash']}"
        self._stamp_head(head)
        # the head after this hand-over: the receiver writes it on the form and keeps it
        return {**entry, "head": head}

    def _same_transfer(self, to: str, purpose: str, questions: list[str],
                       items: list[str] | None) -> dict | None:
        """The last hand-over entry if it is exactly this one and its items are still with
        its receiver (a cell run again), else ``None``."""
        transfers = [e for e in self.entries() if e.get("action") == "transfer"]
        if not transfers:
            return None
        last = transfers[-1]
        same = (last.get("to"), last.get("purpose"), last.get("questions"),
                last.get("items")) == (to, purpose, questions, list(items) if items else "all")
        holders = self.holders()
        still = all(holders.get(item) == to for item in (items or holders))
        return last if same and still else None

    @staticmethod
    def _transfer_items(items: Any) -> list[str] | None:
        """``items=`` as a list of ids: one id alone, or the records capture() returned."""
        if items is None:
            return None
        if isinstance(items, str) and re.search(r"[,;\s]", items.strip()):
            raise EvidenceError(_(
                "items={value!r} is one text holding several ids; write each id in its own "
                "quotes, in a list: items=[\"E0001\", \"E0002\"]."
            ).format(value=items), items=[items])
        if isinstance(items, (str, dict)):
            items = [items]
        try:
            listed = list(items)
        except TypeError:
            listed = [items]
        ids = []
        for item in listed:
            if isinstance(item, dict) and isinstance(item.get("item"), str):
                ids.append(item["item"])  # the record case.capture(...) returned
            elif isinstance(item, str):
                ids.append(item)
            else:
                raise EvidenceError(_(
                    "items= takes the ids of the items to hand over, for example "
                    "items=[\"E0001\", \"E0002\"] or items=[page[\"item\"]]; {value!r} is "
                    "not an item id."
                ).format(value=item), items=[repr(item)])
        return ids

    def holders(self) -> dict[str, str]:
        """Who holds each item now: the receiver of its last hand-over (else the investigator).

        Example:
            >>> case.holders()                       # doctest: +SKIP
            {'E0001': 'Inspector A. Karimova', 'E0002': 'Expert B. Sadykov, forensic centre'}
        """
        holders: dict[str, str] = {}
        for entry in self.entries():  # in log order: "all" means the items captured so far
            if entry.get("action") == "capture" and isinstance(entry.get("item"), str):
                holders[entry["item"]] = entry.get("by") or self.investigator
            elif entry.get("action") == "transfer":
                handed = entry.get("items")
                for item in list(holders) if handed == "all" else (handed or []):
                    if item in holders:
                        holders[item] = entry.get("to")
        return holders

    def custody(self) -> list[dict]:
        """The chain of custody: who held the evidence, from when, for what."""
        entries = self.entries()
        rows = [{"time": entries[0].get("time"), "from": None,
                 "to": entries[0].get("by"), "purpose": _("case opened"),
                 "questions": [], "items": "all"}]
        for entry in entries:
            if entry.get("action") == "transfer":
                rows.append({key: entry.get(key) for key in
                             ("time", "from", "to", "purpose", "questions", "items")})
        return rows

    # -- verifying ---------------------------------------------------------------------
    def findings(self) -> list[str]:
        """Every problem verification finds, one sentence each (empty when intact)."""
        return self._findings(self.entries())

    def _findings(self, entries: list[dict]) -> list[str]:
        """The findings for ``entries`` (the log, parsed once): one pass over the folders."""
        findings = check_chain(entries)
        if not entries or entries[0].get("action") != "open":
            findings.append(_("the log does not start with the opening of the case"))
        else:
            expected = entries[0].get("case_json")
            if expected and _file_sha256(self.root / "case.json") != expected:
                findings.append(_("case.json was altered after the case was opened"))
        logged: dict[str, dict] = {}
        for entry in entries:
            if entry.get("action") == "capture" and isinstance(entry.get("item"), str):
                logged[entry["item"]] = entry
        try:
            with os.scandir(self.root / "items") as listing:
                present = {entry.name: entry for entry in listing}
        except (FileNotFoundError, NotADirectoryError):
            present = {}
        findings += self._head_token_findings(entries)
        buffer = memoryview(bytearray(1 << 20))  # one read buffer for every file
        for item, entry in logged.items():
            folder = present.get(item)
            if folder is None or not folder.is_dir():
                findings.append(_("item {item} was removed: its folder is missing").format(
                    item=item))
                continue
            found = _files_below(folder.path)
            for name, expected in (entry.get("files") or {}).items():
                path = found.pop(name, None)
                if path is None:
                    findings.append(_("item {item}: {file} was removed").format(
                        item=item, file=name))
                elif _file_sha256(path, buffer) != expected:
                    findings.append(_(
                        "item {item}: {file} was altered (its SHA-256 no longer matches the "
                        "log)").format(item=item, file=name))
            for relative in sorted(found):
                findings.append(_("item {item}: {file} was added after capture").format(
                    item=item, file=relative))
            findings += self._token_findings(item, folder.path, entry.get("files") or {})
        for name in sorted(present):
            if name in logged:
                continue
            match = PARTIAL.match(name)
            if match:
                findings.append(_("item {item}: an unfinished capture is left in {folder}")
                                .format(item=match.group(1), folder=name))
            else:
                findings.append(_("item {item} was added: it is not in the log").format(
                    item=name))
        return findings

    def _token_findings(self, item: str, folder: str, files: dict) -> list[str]:
        """An item's RFC 3161 token checked against its original (and the case's TSA CA).

        Re-hashing a changed original and rewriting the log makes the hashes agree again;
        the authority's signature over the original's hash does not follow.
        """
        originals = [name for name in files if name.startswith("original/")]
        if "timestamp.tsr" not in files or len(originals) != 1:
            return []
        token = Path(folder) / "timestamp.tsr"
        original = Path(folder) / originals[0]
        if not token.is_file() or not original.is_file():
            return []  # already reported as removed
        from . import timestamp as _tsa

        ca = self.root / "tsa" / "ca.pem"
        try:
            problem = _tsa.token_problem(token.read_bytes(), original.read_bytes(),
                                         ca if ca.is_file() else None)
        except EvidenceError as error:  # openssl missing: say so, do not pass it silently
            problem = str(error)
        if problem is None:
            return []
        return [_("item {item}: its RFC 3161 timestamp does not prove its original ({problem})")
                .format(item=item, problem=problem)]

    def _stamp_head(self, head: str) -> None:
        """With a TSA, have the authority sign the head (``SEQ:HASH``) of a hand-over or an
        export: the log as it stood then is fixed in time by someone outside the case. A
        token is kept in ``tsa/heads/SEQ.tsr`` and logged; an authority that cannot be
        reached is logged as a note (the hand-over itself stands)."""
        if not self.tsa_url:
            return
        from . import timestamp as _tsa

        seq = head.split(":", 1)[0]
        try:
            token = _tsa.request_token(self.tsa_url, head.encode(), session=self.session)
            ca = self.root / "tsa" / "ca.pem"
            problem = _tsa.token_problem(token, head.encode(), ca if ca.is_file() else None)
        except EvidenceError as error:
            token, problem = None, str(error)
        if token is None or problem:
            self._append({"action": "note", "text": _(
                "the head {head} could not be time-stamped: {problem}").format(
                head=head, problem=problem)})
            return
        folder = self.root / "tsa" / "heads"
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"{seq}.tsr", token, sync=self.sync)
        self._append({"action": "timestamp", "head": head, "token": f"tsa/heads/{seq}.tsr",
                      "sha256": _sha256(token), "tsa_url": self.tsa_url})

    def _head_token_findings(self, entries: list[dict]) -> list[str]:
        """Each time-stamped head must still be in the log, and its token must sign it."""
        from . import timestamp as _tsa

        findings: list[str] = []
        by_seq = {entry.get("seq"): entry for entry in entries}
        ca = self.root / "tsa" / "ca.pem"
        logged = {entry.get("token") for entry in entries if entry.get("action") == "timestamp"}
        for token in sorted((self.root / "tsa" / "heads").glob("*.tsr")):
            if f"tsa/heads/{token.name}" not in logged:
                findings.append(_("tsa/heads/{name} signs a head the log no longer mentions: "
                                  "entries were removed from the log").format(name=token.name))
        for entry in entries:
            if entry.get("action") != "timestamp":
                continue
            head = str(entry.get("head"))
            seq, _sep, digest = head.partition(":")
            stamped = by_seq.get(int(seq)) if seq.isdigit() else None
            if stamped is None or stamped.get("hash") != digest:
                findings.append(_("the time-stamped head {head} is not in the log any more: "
                                  "the log was rewritten after it was signed").format(head=head))
                continue
            token = self.root / str(entry.get("token"))
            if not token.is_file() or _file_sha256(token) != entry.get("sha256"):
                findings.append(_("the time-stamp token of head {head} was removed or altered")
                                .format(head=head))
                continue
            try:
                problem = _tsa.token_problem(token.read_bytes(), head.encode(),
                                             ca if ca.is_file() else None)
            except EvidenceError as error:
                problem = str(error)
            if problem:
                findings.append(_("the time-stamp of head {head} does not prove it ({problem})")
                                .format(head=head, problem=problem))
        return findings

    def head(self) -> str:
        """The log's last entry as ``SEQ:HASH``: the anchor to write down outside the case.

        A hash chain shows that no entry was changed, removed or inserted *before* the last
        one; only a head held elsewhere (on the protocol, the hand-over form, the report)
        shows that nothing was cut from the end. ``verify(head=...)`` checks against it.

        Example:
            >>> case.head()                                     # doctest: +SKIP
            '5:sha256:3f2a...'
        """
        last = self.log.last()
        return f"{last.get('seq')}:{last.get('hash')}" if last else ""

    def verify(self, head: str | None = None) -> dict:
        """Recompute every hash and the log's chain; raise :class:`TamperDetected` if broken.

        With ``head`` (``SEQ:HASH``, as written on a hand-over form or a report), the log must
        still hold that very entry: a log cut at its end, or rewritten from there, is named.

        Example:
            >>> case.verify()                                   # doctest: +SKIP
            {'case': 'CASE-2024-017', 'status': 'intact', 'items': 3, 'entries': 5,
             'head': '5:sha256:3f2a...'}
        """
        entries = self.entries()
        findings = self._findings(entries)
        if head is not None:
            findings += anchor_findings(entries, head)
        if findings:
            raise TamperDetected(
                _("Case {case} failed verification (problems found: {count}):\n{lines}").format(
                    case=self.id, count=len(findings),
                    lines="\n".join(f"- {line}" for line in findings)),
                findings=findings, case=self.id,
            )
        captures = sum(1 for entry in entries if entry.get("action") == "capture")
        return {"case": self.id, "status": "intact", "items": captures,
                "entries": len(entries), "head": _head_of(entries)}

    # -- recovery ----------------------------------------------------------------------
    def _recover(self) -> None:
        """Repair what a crash mid-capture can leave, and nothing else.

        A crash leaves an item the log announced (an ``intent`` entry) but never recorded as
        captured: renamed into place, or still a ``.E....partial`` folder. Any other folder the
        log never saw, a planted "next item" included, is not ours to explain: it stays where
        it is, and ``verify()`` reports it as added.
        """
        items = self.root / "items"
        if not items.is_dir() or not os.access(self.root, os.W_OK):
            return
        entries = self.entries()
        logged = {e.get("item") for e in entries if e.get("action") == "capture"}
        self._announced = {e.get("item"): e.get("sha256") for e in entries
                           if e.get("action") == "intent" and e.get("item") not in logged}
        for folder in sorted(items.iterdir()):
            if folder.name in logged:
                continue
            if folder.name not in self._announced and not PARTIAL.match(folder.name):
                self.recovered.append(_(
                    "items/{folder} is not in the case log and is not an interrupted capture: "
                    "it was left as it is, and verify() reports it. Find out who put it there."
                ).format(folder=folder.name))
                continue
            try:
                self._recover_one(folder)
            except (OSError, ValueError, KeyError, TypeError) as error:
                self.recovered.append(_("could not repair {folder}: {error}").format(
                    folder=folder.name, error=error))
        for message in self.recovered:
            warnings.warn(message, stacklevel=3)

    def _recover_one(self, folder: Path) -> None:
        if ITEM_ID.match(folder.name):
            record_path = folder / "record.json"
            record = json.loads(record_path.read_text(encoding="utf-8")) \
                if record_path.is_file() else {}
            original = folder / (record.get("file") or {}).get("original", "-")
            announced = getattr(self, "_announced", {}).get(folder.name)
            if record.get("item") == folder.name and original.is_file() \
                    and _file_sha256(original) == record["hashes"]["sha256"] == announced:
                files = {name: _file_sha256(path)
                         for name, path in sorted(_files_below(os.fspath(folder)).items())}
                self._append({
                    "action": "capture", "item": folder.name,
                    "sha256": record["hashes"]["sha256"],
                    **({"time": record["collected_at"]} if record.get("collected_at") else {}),
                    "source": record.get("final_url") or record.get("source_path"),
                    "files": files, "recovered": True,
                    **({"embedded_in": record["embedded_in"]} if record.get("embedded_in")
                       else {}),
                })
                self.recovered.append(_(
                    "Item {item} was written but not logged (the program stopped in between). "
                    "Its original matches its record, so it was logged now, marked "
                    "'recovered'."
                ).format(item=folder.name))
                return
            # In place but not what the log announced: not a crash to repair. Left as it is.
            self.recovered.append(_(
                "items/{folder} is in place but does not match what the log announced for it "
                "(its original or record differs): it was left as it is, and verify() reports "
                "it. Find out who changed it."
            ).format(folder=folder.name))
            return
        aside = self.root / "recovered"
        aside.mkdir(exist_ok=True)
        target = aside / f"{folder.name.strip('.')}-{self.now().strftime('%Y%m%dT%H%M%SZ')}"
        os.replace(folder, target)
        self._append({"action": "note", "text": f"unfinished capture moved aside: "
                                                f"items/{folder.name} -> recovered/{target.name}"})
        self.recovered.append(_(
            "An unfinished capture ({folder}) was found and moved to recovered/{target}; "
            "it is not evidence. Capture that source again."
        ).format(folder=folder.name, target=target.name))

    # -- export and report -------------------------------------------------------------
    def write_log_csv(self) -> Path:
        """Write the log as ``log.csv`` (UTF-8 with BOM, so spreadsheets show Cyrillic)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["seq", "time", "by", "action", "item", "source", "sha256", "to",
                         "purpose", "questions", "text", "hash", "prev"])
        for e in self.entries():
            writer.writerow([e.get("seq"), e.get("time"), e.get("by"), e.get("action"),
                             e.get("item", ""), e.get("source", ""), e.get("sha256", ""),
                             e.get("to", ""), e.get("purpose", ""),
                             "; ".join(e.get("questions") or []), e.get("text", ""),
                             e.get("hash"), e.get("prev")])
        path = self.root / "log.csv"
        write_atomic(path, out.getvalue().encode("utf-8-sig"), sync=self.sync)
        return path

    def package_wacz(self, target: Path | None = None) -> Path | None:
        """All web captures as one WACZ (opens in ReplayWeb.page); None without web captures."""
        warcs, pages = [], [{"format": "json-pages-1.0", "id": "pages", "title": self.id}]
        for entry in self.captures():
            if "capture.warc.gz" in (entry.get("files") or {}):
                warcs.append((entry["item"], self.root / "items" / entry["item"]
                              / "capture.warc.gz"))
                record = self.record(entry["item"])
                if record.get("html_source"):
                    pages.append({"id": entry["item"], "url": record["final_url"],
                                  "ts": record["collected_at"],
                                  "title": f"{entry['item']} {record.get('note') or ''}".strip()})
        if not warcs:
            return None
        import contextlib

        from wacz.main import main as wacz_main

        target = Path(target or self.root / "exports" / f"{self.id}.wacz")
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as folder:
            pages_file = Path(folder) / "pages.jsonl"
            pages_file.write_text("\n".join(json.dumps(p) for p in pages) + "\n")
            named = []  # the WACZ keeps base names: give each WARC its item's name
            for item, warc in warcs:
                named.append(str(Path(folder) / f"{item}.warc.gz"))
                os.symlink(warc.resolve(), named[-1])
            temporary = target.with_name(f".{target.name}.tmp")
            with contextlib.redirect_stdout(io.StringIO()):
                code = wacz_main(["create", "-o", str(temporary), "-p", str(pages_file),
                                  "--title", self.id, *named])
            if code:
                temporary.unlink(missing_ok=True)
                raise EvidenceError(_("The WACZ package could not be made (wacz exit {code}).")
                                    .format(code=code))
            os.replace(temporary, target)
        return target

    def export(self, target: Path | None = None, *, wacz: bool = True) -> Path:
        """Write ``log.csv`` and a self-contained zip with ``MANIFEST.sha256``; return the zip.

        The receiver unpacks it and runs ``sha256sum -c MANIFEST.sha256``, or runs
        ``osintlab evidence verify ARCHIVE`` on the zip itself.

        Example:
            >>> case.export()                                   # doctest: +SKIP
            PosixPath('CASE-2024-017/exports/CASE-2024-017-20240501T080000Z.zip')
        """
        self.write_log_csv()
        self._write_readme()
        packed = self.head()  # the head of the log inside the archive
        stamp = self.now().strftime("%Y%m%dT%H%M%SZ")
        target = Path(target or self.root / "exports" / f"{self.id}-{stamp}.zip")
        target.parent.mkdir(parents=True, exist_ok=True)
        members: list[tuple[str, Path]] = []
        for name in ("case.json", "log.jsonl", "log.csv", "README.txt"):
            members.append((f"{self.id}/{name}", self.root / name))
        reports = self.root / "report"  # the reports written so far travel with the evidence
        for path in sorted(reports.glob("*-*.*")) if reports.is_dir() else []:  # reports, annexes
            if path.suffix in (".html", ".docx"):
                members.append((f"{self.id}/report/{path.name}", path))
        for folder in ("items", "tsa"):
            base = self.root / folder
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    relative = path.relative_to(self.root)
                    if path.is_file() and "working" not in relative.parts[2:3] \
                            and not relative.parts[1].startswith("."):
                        members.append((f"{self.id}/{relative.as_posix()}", path))
        with tempfile.TemporaryDirectory() as folder:
            if wacz:
                package = self.package_wacz(Path(folder) / f"{self.id}.wacz")
                if package:
                    members.append((f"{self.id}/{self.id}.wacz", package))
            manifest = "".join(f"{_file_sha256(path)[7:]}  {name}\n" for name, path in members)
            temporary = target.with_name(f".{target.name}.tmp")
            try:
                with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
                    archive.writestr("MANIFEST.sha256", manifest)
                    for name, path in members:
                        archive.write(path, name)
                with open(temporary, "rb") as handle:
                    os.fsync(handle.fileno())
                os.replace(temporary, target)
            except OSError as error:
                temporary.unlink(missing_ok=True)
                raise _os_error(error, target) from error
        entry = self._append({"action": "export", "archive": target.name, "head": packed,
                              "manifest": _sha256(manifest.encode()),
                              "sha256": _file_sha256(target)})
        self._stamp_head(f"{entry['seq']}:{entry['hash']}")
        return target

    def report(self, language: str = "en", *, summary: str = "",
               findings: list | None = None, folder: Path | None = None,
               kind: str = "report") -> dict[str, Path]:
        """Write the case report as one self-contained HTML file and as DOCX.

        ``findings`` is a list of ``{"text": ..., "items": ["E0001"], "place": (lat, lon)}``
        (or plain strings). Returns ``{"html": path, "docx": path}``. With
        ``kind="annex"``, the technical annex to the protocol of inspection of an internet
        resource instead: every field the case knows filled, the others left as labelled
        blanks to complete by hand.

        Example:
            >>> case.report(language="ru", summary="Seller identified.")  # doctest: +SKIP
            >>> case.report(language="ru", kind="annex")                  # doctest: +SKIP
        """
        from .report import write_report

        if kind not in ("report", "annex"):
            raise EvidenceError(_(
                "kind={kind!r}: write kind=\"report\" (the case report) or kind=\"annex\" "
                "(the technical annex to the protocol of inspection)."
            ).format(kind=kind))
        if kind == "annex":
            from .annex import write_annex

            return write_annex(self, language=language, findings=findings or [], folder=folder)
        return write_report(self, language=language, summary=summary,
                            findings=findings or [], folder=folder)

    def _write_readme(self) -> None:
        path = self.root / "README.txt"
        if not path.exists():
            write_atomic(path, _readme_text(self.id).encode("utf-8"), sync=self.sync)


def _question_list(questions: Any) -> list[str]:
    """``questions=`` as a list of texts: one question alone counts as one, never as letters."""
    if questions is None:
        return []
    if isinstance(questions, str):
        questions = [questions]
    try:
        listed = list(questions)
    except TypeError:
        listed = [questions]
    wrong = [q for q in listed if not isinstance(q, str) or not q.strip()]
    if wrong:
        raise EvidenceError(_(
            "questions= takes the expert's questions as texts, for example "
            "questions=[\"Was E0002 edited after it was taken?\"]; {value!r} is not a question."
        ).format(value=wrong[0]))
    return [q.strip() for q in listed]


def _readme_text(case_id: str) -> str:
    return _(
        "Case {case}: evidence folder\n\n"
        "case.json      who opened the case, when, and its settings\n"
        "log.jsonl      the case log: one line per event (capture, transfer, export), each\n"
        "               line carries the hash of the line before, so a change shows\n"
        "log.csv        the same log for a spreadsheet\n"
        "items/E0001/   one folder per item of evidence:\n"
        "  original/    the evidentiary copy exactly as received (never change it)\n"
        "  working/     a copy to work on (a crawl makes none: case.working_copy(item))\n"
        "  record.json  how, when, by whom and from where it was collected, with its hashes\n"
        "  screenshot.png   web pages: the whole page with the URL and UTC time on top\n"
        "  capture.warc.gz  web pages: the HTTP exchange as a WARC file (web archive format)\n"
        "  timestamp.tsr    a trusted timestamp of the original, if the case uses one\n"
        "tsa/ca.pem     the certificate to check timestamps: openssl ts -verify\n"
        "exports/       archives made for hand-over, each with MANIFEST.sha256\n\n"
        "To check an exported archive: unzip it and run  sha256sum -c MANIFEST.sha256\n"
    ).format(case=case_id)


def _remove_tree(folder: str | Path) -> None:
    if not os.path.exists(folder):
        return

    def writable(function, path, _info):
        os.chmod(path, 0o755)
        function(path)

    shutil.rmtree(folder, onerror=writable)


_VERSIONS: dict[str, str] = {}
_TOOL: dict[str, str] = {}


def _tool() -> dict[str, str]:
    """The record's ``tool`` field: this package, Python and the libraries, looked up once."""
    if not _TOOL:
        from .. import __version__

        _TOOL.update({"name": "osintlab", "version": __version__,
                      "python": platform.python_version(), **_library_versions()})
    return dict(_TOOL)


def _library_versions() -> dict[str, str]:
    if not _VERSIONS:
        from importlib.metadata import PackageNotFoundError, version

        for name in ("requests", "warcio"):
            try:
                _VERSIONS[name] = version(name)
            except PackageNotFoundError:
                _VERSIONS[name] = N_("not installed")
        from .screenshot import chromium_binary

        _VERSIONS["chromium"] = _chromium_version(chromium_binary())
    return dict(_VERSIONS)


def _chromium_version(binary: str | None) -> str:
    """What ``chromium --version`` says ("Chromium 120.0.6099.224"), or "not installed"."""
    if not binary:
        return N_("not installed")
    import subprocess

    try:
        said = subprocess.run([binary, "--version"], capture_output=True, text=True,
                              timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        said = ""
    found = re.search(r"\d+(\.\d+)+", said)
    return found.group(0) if found else N_("installed (version unknown)")


def _readable_json(record: dict) -> bytes:
    """A record as JSON with one field per line (a reader follows it in any text editor);
    each field's value is encoded by the C encoder, which ``indent=`` would not use.

    Example:
        >>> _readable_json({"item": "E0001", "hashes": {"sha256": "sha256:ab"}}).splitlines()
        [b'{', b'  "item": "E0001",', b'  "hashes": {"sha256": "sha256:ab"}', b'}']
    """
    string, value = _json_string, _json_value
    fields = ",\n".join(  # most fields are strings: the C string encoder alone for those
        f"  {string(name)}: {string(field) if type(field) is str else value(field)}"
        for name, field in record.items())
    return ("{\n" + fields + "\n}\n").encode()


def _c_json_encoder() -> Callable[[Any], str]:
    """One value as ``json.dumps(value, ensure_ascii=False)`` writes it, by one encoder made
    once (``json.dumps`` makes a new one per call: a record has thirty fields)."""
    from json import encoder

    plain = json.JSONEncoder(ensure_ascii=False)
    sample = {"a": [1, 2.5, None, True, "é\n"], "b": {}}
    try:  # CPython's C encoder, called as JSONEncoder.iterencode calls it
        chunks = encoder.c_make_encoder(None, plain.default, encoder.encode_basestring, None,
                                        ": ", ", ", False, False, True)
        fast = lambda value: "".join(chunks(value, 0))  # noqa: E731
        if fast(sample) == plain.encode(sample):
            return fast
    except TypeError:  # no C accelerator (None), or another Python's signature
        pass
    return plain.encode  # the same text, more slowly


_json_value = _c_json_encoder()
_json_string = json.encoder.encode_basestring


def _sync_file_system(folder: Path) -> None:
    """Flush every written file of the file system ``folder`` is on (Linux ``syncfs``; else
    ``os.sync``): one call for a whole batch instead of one per file."""
    import ctypes

    descriptor = os.open(folder, os.O_RDONLY)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if getattr(libc, "syncfs", None) is None or libc.syncfs(descriptor) != 0:
            os.sync()
    except OSError:
        os.sync()
    finally:
        os.close(descriptor)


def _is_sandbox(session: Any) -> bool:
    """Is ``session`` the course's fictional internet (which has an address service)?"""
    return type(session).__name__ == "SandboxSession"


def given_case(case: Any) -> Any:
    """``case`` as a verb's ``case=`` received it: None, or a case that can capture; anything
    else (most often the word in quotes, ``case="case"``) gets the sentence that shows the form.

    Example:
        >>> given_case(None) is None
        True
    """
    if case is not None and not callable(getattr(case, "capture", None)):
        raise EvidenceError(_(
            "case= takes the case opened in the setup cell: write case=case, the word case "
            "without quotes. It got {given}."
        ).format(given=repr(case)[:80]), value=case)
    return case


def open_case(
    case: str | Path,
    investigator: str | None = None,
    *,
    tsa_url: str | None = None,
    tsa_ca: str | Path | None = None,
    persona: str | None = None,
    screenshots: bool = True,
    session=None,
    user_agent: str | None = None,
    connection: str | None = None,
    address_service: str | None = None,
    timezone: str | None = None,
) -> Case:
    """Create or open the case folder ``case`` (a case id like ``CASE-2024-017``, or a path).

    A new case needs the investigator's name. ``tsa_url`` (with ``tsa_ca``, the authority's
    CA certificate) makes every capture carry an RFC 3161 timestamp from that authority.
    ``user_agent`` is what the case's requests call themselves (default: an ordinary desktop
    browser, :data:`~osintlab.evidence.capture.USER_AGENT`, so that a site is not told that
    evidence is being captured); it is kept in case.json and recorded with every item.
    ``connection`` declares a VPN or proxy ("the unit's VPN, exit in Almaty");
    ``address_service`` is the "what is my address" service whose answer, the public address
    sites see, each web capture records (the fictional internet has one; elsewhere name the
    one your unit uses). Both are kept in case.json. ``timezone`` (an IANA name such as
    ``"Asia/Almaty"``) is where the case is worked: records keep UTC, and the report's forms
    also show each time there, with its UTC offset (as a protocol needs it).

    Example:
        >>> case = open_case("CASE-2024-017", investigator="A. Karimova")  # doctest: +SKIP
    """
    root = Path(case)
    if not CASE_ID.match(root.name):
        raise EvidenceError(
            _("{name!r} cannot be a case id: use letters, digits, '-', '_' or '.', "
              "like CASE-2024-017.").format(name=root.name),
            case=str(case),
        )
    if (root / "case.json").is_file():
        opened_by = json.loads((root / "case.json").read_text(encoding="utf-8")).get(
            "investigator")
        if investigator and opened_by and str(investigator).strip() != str(opened_by).strip():
            print(_("Case {case} was opened by {first}; you are working in it as {now}. The log "
                    "keeps both names as written: if one is a typo, say so in a note.").format(
                case=root.name, first=opened_by, now=investigator))
        return Case(root, investigator=investigator, tsa_url=tsa_url, tsa_ca=tsa_ca,
                    persona=persona, screenshots=screenshots, session=session,
                    user_agent=user_agent, connection=connection,
                    address_service=address_service, timezone=timezone)
    if not investigator or not str(investigator).strip():
        raise EvidenceError(
            _("A new case needs the investigator's name: add investigator='Your Name' to "
              "your open_case(...) call, keeping the folder as you wrote it ({case}).").format(
                case=case),
            case=str(case),
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / "items").mkdir(exist_ok=True)
        settings = {
            "format": FORMAT, "case": root.name, "investigator": investigator,
            "created": _utc(dt.datetime.now(dt.UTC)), "tsa_url": tsa_url,
        }
        if timezone:
            _capture.zone(timezone)  # an unknown zone is refused before the case exists
        for key, value in (("user_agent", user_agent), ("connection", connection),
                           ("address_service", address_service), ("timezone", timezone)):
            if value:
                settings[key] = value
        if tsa_ca:
            (root / "tsa").mkdir(exist_ok=True)
            shutil.copyfile(tsa_ca, root / "tsa" / "ca.pem")
            settings["tsa_ca"] = "tsa/ca.pem"
        data = json.dumps(settings, ensure_ascii=False, indent=2).encode() + b"\n"
        write_atomic(root / "case.json", data, sync=Case.sync)
        write_atomic(root / "README.txt", _readme_text(root.name).encode(), sync=Case.sync)
        opened = Case(root, investigator=investigator, tsa_url=tsa_url,
                      tsa_ca=root / "tsa" / "ca.pem" if tsa_ca else None, persona=persona,
                      screenshots=screenshots, session=session, user_agent=user_agent,
                      connection=connection, address_service=address_service,
                      timezone=timezone, _recover=False)
        opened._append({"action": "open", "case": root.name, "case_json": _sha256(data)})
    except OSError as error:
        raise _os_error(error, root) from error
    return opened


HEAD = re.compile(r"^(\d+):(sha256:[0-9a-f]{64})$")


def _head_of(entries: list[dict]) -> str:
    return f"{entries[-1].get('seq')}:{entries[-1].get('hash')}" if entries else ""


def anchor_findings(entries: list[dict], head: str) -> list[str]:
    """What differs between the log and an anchored head (``SEQ:HASH``); empty when it holds.

    Example:
        >>> anchor_findings([], "x")
        Traceback (most recent call last):
        ...
        osintlab.exceptions.BadAnchor: The head 'x' is not written SEQ:HASH, ...
    """
    found = HEAD.match(str(head).strip())
    if not found:
        raise BadAnchor(_(
            "The head {head!r} is not written SEQ:HASH, for example 7:sha256: followed by 64 "
            "hexadecimal digits. Copy it exactly from the hand-over form, the report or the "
            "output of `osintlab evidence verify`."
        ).format(head=head), head=str(head))
    seq, digest = int(found.group(1)), found.group(2)
    same = [entry for entry in entries if entry.get("seq") == seq]
    if not same:
        last = entries[-1].get("seq") if entries else 0
        return [_("the log ends at entry {last}, but the anchored head is entry {seq}: entries "
                  "were removed from its end").format(last=last, seq=seq)]
    if same[0].get("hash") != digest:
        return [_("log entry {seq} is not the anchored one ({head}): the log was rewritten "
                  "from there on").format(seq=seq, head=head.strip())]
    return []


def verify_archive(path: str | Path, head: str | None = None) -> dict:
    """Verify an exported zip (or an unpacked folder, or a case folder) without changing it.

    Checks every line of ``MANIFEST.sha256``, then the case inside: every hash and the log's
    chain. Raises :class:`TamperDetected` listing each problem.

    Example:
        >>> verify_archive("CASE-2024-017-20240501T080000Z.zip")   # doctest: +SKIP
        {'case': 'CASE-2024-017', 'status': 'intact', 'items': 3, 'entries': 6, 'files': 21}
    """
    path = Path(path)
    if not path.exists():
        raise EvidenceError(_("There is no archive or folder at {path}.").format(path=path),
                            path=str(path))
    with tempfile.TemporaryDirectory(prefix="osintlab-verify-") as scratch:
        findings: list[str] = []
        if path.is_file():
            folder = Path(scratch)
            try:
                with zipfile.ZipFile(path) as archive:
                    for member in archive.infolist():
                        name = PurePosixPath(member.filename)
                        if name.is_absolute() or ".." in name.parts:
                            findings.append(_("{name} points outside the archive: not unpacked")
                                            .format(name=member.filename))
                            continue
                        archive.extract(member, folder)
            except zipfile.BadZipFile as error:
                raise EvidenceError(
                    _("{path} is not a zip archive (or it is damaged): {error}").format(
                        path=path, error=error), path=str(path)) from error
        else:
            folder = path
        manifest = folder / "MANIFEST.sha256"
        files = 0
        if manifest.is_file():
            listed = set()
            for line in manifest.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                digest, _sep, name = line.partition("  ")
                listed.add(name)
                target = (folder / name).resolve()
                if not target.is_relative_to(folder.resolve()):
                    findings.append(_("{name} points outside the archive").format(name=name))
                elif not target.is_file():
                    findings.append(_("{name} is listed in MANIFEST.sha256 but missing").format(
                        name=name))
                elif _file_sha256(target)[7:] != digest:
                    findings.append(_("{name} does not match MANIFEST.sha256 (altered)").format(
                        name=name))
                files += 1
            for extra in sorted(folder.rglob("*")):
                relative = extra.relative_to(folder).as_posix()
                if extra.is_file() and relative != "MANIFEST.sha256" and relative not in listed:
                    findings.append(_("{name} is not in MANIFEST.sha256 (added)").format(
                        name=relative))
            cases = sorted(p.parent for p in folder.glob("*/case.json"))
        else:
            cases = [folder] if (folder / "case.json").is_file() else []
        if not cases:
            raise EvidenceError(
                _("{path} holds no case: expected case.json (a case folder) or "
                  "MANIFEST.sha256 (an exported archive).").format(path=path), path=str(path))
        case = Case(cases[0], _recover=False)
        entries = case.entries()
        findings.extend(case._findings(entries))
        if head is not None:
            findings.extend(anchor_findings(entries, head))
        if findings:
            raise TamperDetected(
                _("{path} failed verification (problems found: {count}):\n{lines}").format(
                    path=path.name, count=len(findings),
                    lines="\n".join(f"- {line}" for line in findings)),
                findings=findings, path=str(path),
            )
        return {"case": case.id, "status": "intact", "items": len(case.captures()),
                "entries": len(entries), "files": files, "head": _head_of(entries)}


def _outside_osintlab() -> int:
    """The stacklevel of the first caller outside osintlab: where a warning should point.

    Example:
        >>> _outside_osintlab() >= 2
        True
    """
    import sys

    level, frame = 1, sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("osintlab"):
        level += 1
        frame = frame.f_back
    return level
