"""The case log: append-only JSON Lines, each entry carrying the hash of the one before.

Every entry has ``seq`` (1, 2, 3 ...), ``prev`` (the previous entry's hash, ``sha256:`` of
64 zeros for the first) and ``hash`` (SHA-256 of the entry's canonical JSON without
``hash``). Changing, removing, swapping or inserting a line breaks the chain at that line,
and :func:`check_chain` says which. Appends go to the end of the file with one ``write`` and
an ``fdatasync``; nothing already written is ever rewritten. Whole files beside the log
(``case.json``, ``record.json``) are written with :func:`write_atomic`: to a temporary file,
fsync, then rename into place.

Example:
    >>> import tempfile, pathlib
    >>> log = CustodyLog(pathlib.Path(tempfile.mkdtemp()) / "log.jsonl")
    >>> log.append({"action": "open", "time": "2024-05-01T08:00:00Z"})["seq"]
    1
    >>> check_chain(log.read())
    []
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .._i18n import _

try:
    import fcntl
except ImportError:  # Windows: one writer at a time is the user's care
    fcntl = None

GENESIS = "sha256:" + "0" * 64
_datasync = getattr(os, "fdatasync", os.fsync)


def canonical(data: Any) -> bytes:
    """The bytes an entry's hash is computed over: sorted keys, no spaces, UTF-8."""
    return _CANONICAL.encode(data).encode()


# made once: json.dumps with options makes a new encoder per call (a batch writes thousands)
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_LINE = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def entry_hash(entry: dict) -> str:
    """``sha256:<hex>`` of the entry without its own ``hash`` field."""
    body = {key: value for key, value in entry.items() if key != "hash"}
    return "sha256:" + hashlib.sha256(canonical(body)).hexdigest()


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` survive a power cut."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomic(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write ``data`` to ``path`` all or nothing: temporary file, fsync, rename."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if sync:
        fsync_folder(path.parent)


class CustodyLog:
    """One case's ``log.jsonl``: read it, append to it; never rewrite it."""

    def __init__(self, path: Path, *, sync: bool = True) -> None:
        self.path = Path(path)
        self.sync = sync
        self._last: dict | None = None
        self._size: int | None = None  # the log's size when _last was read or written

    def read(self) -> list[dict]:
        """Every entry as written; a line that is not JSON becomes ``{"unreadable": line}``."""
        if not self.path.exists():
            return []
        entries = []
        for number, line in enumerate(self.path.read_bytes().splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                if not isinstance(entry, dict):
                    raise ValueError
            except ValueError:
                entry = {"unreadable": line.decode("utf-8", "replace"), "line": number}
            entries.append(entry)
        return entries

    def last(self) -> dict | None:
        """The newest entry (cached after the first read)."""
        if self._last is None:
            entries = self.read()
            self._last = entries[-1] if entries else None
        return self._last

    def append(self, fields: dict) -> dict:
        """Add one entry at the end, chained to the last one, and return it as written.

        The file is locked while the entry is chained and written, and the cached last entry
        is used only while the file still has the size this object left it at: another
        writer (a second notebook, the command line) is chained to, never forked from.
        """
        return self.append_many([fields])[0]

    def append_many(self, many: list[dict]) -> list[dict]:
        """Add several entries, chained in order, with one write and one sync (a batch).

        All or nothing: a write that fails leaves the log as it was.

        Example:
            >>> import tempfile, pathlib
            >>> log = CustodyLog(pathlib.Path(tempfile.mkdtemp()) / "log.jsonl")
            >>> [e["seq"] for e in log.append_many([{"action": "open"}, {"action": "note"}])]
            [1, 2]
        """
        if not many:
            return []
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(descriptor, fcntl.LOCK_EX)  # released by close()
            size = os.fstat(descriptor).st_size
            if size != self._size:
                self._last = None
            last = self.last()
            written_entries, lines = [], []
            for fields in many:
                entry = {"seq": (last.get("seq", 0) + 1) if last else 1, **fields}
                entry["prev"] = last.get("hash", GENESIS) if last else GENESIS
                entry["hash"] = entry_hash(entry)
                lines.append(_LINE.encode(entry).encode() + b"\n")
                written_entries.append(entry)
                last = entry
            data = b"".join(lines)
            try:
                written = os.write(descriptor, data)
                if written != len(data):
                    raise OSError(28, os.strerror(28))
                if self.sync:
                    _datasync(descriptor)  # the new bytes and the new size
            except OSError:
                # A partial line would break the chain: cut back to what was there before.
                os.ftruncate(descriptor, size)
                raise
        finally:
            os.close(descriptor)
        self._last = last
        self._size = size + len(data)
        return written_entries


def check_chain(entries: list[dict]) -> list[str]:
    """Every break in the chain, one sentence each, naming the entry (by ``seq``).

    Order is checked by position, links by number: entry ``n`` must carry the hash of entry
    ``n - 1`` wherever that one stands, so a swap is reported once as a swap, not as a break.
    """
    findings: list[str] = []
    readable = [entry for entry in entries if "unreadable" not in entry]
    for entry in entries:
        if "unreadable" in entry:
            findings.append(
                _("log line {line} is not valid JSON: it was altered or cut").format(
                    line=entry["line"]
                )
            )
    seqs = [entry.get("seq") for entry in readable]
    present = {seq for seq in seqs if isinstance(seq, int)}
    by_seq: dict[int, dict] = {}
    expected = 1
    for entry in readable:
        seq = entry.get("seq")
        if not isinstance(seq, int):
            findings.append(_("a log entry has no number: it was added by hand"))
            continue
        if entry.get("hash") != entry_hash(entry):
            findings.append(
                _("log entry {seq} was altered: its content no longer matches its hash").format(
                    seq=seq
                )
            )
        if seq in by_seq:
            findings.append(
                _("log entry {seq} appears twice: an entry was copied or added").format(seq=seq)
            )
            continue
        by_seq[seq] = entry
        if seq < expected:
            findings.append(
                _("log entry {seq} is out of order (found after entry {before})").format(
                    seq=seq, before=expected - 1
                )
            )
            continue
        if seq > expected:
            gap = range(expected, seq)
            missing = [str(n) for n in gap if n not in present]
            if missing:
                findings.append(
                    _("log entry {missing} was removed (the log jumps to entry {seq})").format(
                        missing=", ".join(missing), seq=seq
                    )
                )
            if len(missing) < len(gap):
                findings.append(
                    _("log entry {seq} is out of order (it comes before entry {after})").format(
                        seq=seq, after=expected
                    )
                )
        expected = seq + 1
    for seq, entry in sorted(by_seq.items()):
        before = by_seq.get(seq - 1)
        wanted = GENESIS if seq == 1 else (before or {}).get("hash")
        if (seq == 1 or before) and entry.get("prev") != wanted:
            findings.append(
                _(
                    "the chain breaks at log entry {seq}: entry {before} was changed and "
                    "re-hashed, or entry {seq} was inserted"
                ).format(seq=seq, before=seq - 1)
            )
    return findings
