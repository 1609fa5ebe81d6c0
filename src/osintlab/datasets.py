"""Find the fictional world's files wherever the course runs.

The same notebook runs in an author's checkout (``make lab``), in a trainee's home folder on
a hub, and in a grading folder. ``path()`` looks, in order, in the folder named by
``OSINTLAB_DATASETS``, in the checkout this package was installed from, and in a
``datasets/`` folder in the current folder or any folder above it.

Example:
    >>> from osintlab import datasets
    >>> datasets.path("case-records", "cases.csv").name
    'cases.csv'
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ._i18n import _
from ._layout import REPOSITORY
from .exceptions import DatasetMissing

__all__ = ["Verification", "path", "root", "verify"]

ENV = "OSINTLAB_DATASETS"


def _candidates() -> list[Path]:
    found: list[Path] = []
    if os.environ.get(ENV):
        found.append(Path(os.environ[ENV]))
    found.append(REPOSITORY / "datasets")
    here = Path.cwd().resolve()
    found.extend(folder / "datasets" for folder in (here, *here.parents))
    return found


def root() -> Path:
    """The ``datasets/`` folder in use.

    Example:
        >>> root().name
        'datasets'
    """
    for candidate in _candidates():
        if candidate.is_dir():
            return candidate
    raise DatasetMissing(
        _(
            "No `datasets` folder was found. Start JupyterLab with `make lab` from the course "
            "folder, or ask your trainer to set {env} to the course's datasets folder."
        ).format(env=ENV),
        path=None,
    )


def path(name: str, file: str | None = None) -> Path:
    """The folder of dataset ``name``, or one ``file`` in it; a clear error if it is missing.

    Example:
        >>> path("case-records").name
        'case-records'
    """
    folder = root() / name
    if not folder.is_dir():
        known = sorted(p.name for p in root().iterdir() if p.is_dir())
        raise DatasetMissing(
            _("There is no dataset '{name}'. The datasets here are: {known}.").format(
                name=name, known=", ".join(known) or "-"
            ),
            path=str(folder),
        )
    if file is None:
        return folder
    target = folder / file
    if not target.is_file():
        files = ", ".join(sorted(p.name for p in folder.iterdir()))
        raise DatasetMissing(
            _(
                "The dataset '{name}' has no file '{file}'. Check the spelling; "
                "its files are: {files}."
            ).format(name=name, file=file, files=files),
            path=str(target),
        )
    return target


_find_root = root


@dataclass
class Verification:
    """What ``verify`` found: files changed, added (in no MANIFEST) or missing, by name.

    Example:
        >>> Verification().ok
        True
    """

    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.added or self.missing)

    def lines(self) -> list[str]:
        """One line per finding, as ``osintlab datasets verify`` prints them."""
        return [
            *(_("changed: {file} (its SHA-256 differs from the MANIFEST)").format(file=f)
              for f in self.changed),
            *(_("added: {file} (not listed in its MANIFEST)").format(file=f)
              for f in self.added),
            *(_("missing: {file} (listed in its MANIFEST, not on disk)").format(file=f)
              for f in self.missing),
        ]


def _read_manifest(manifest: Path) -> dict[str, str]:
    listed: dict[str, str] = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            raise DatasetMissing(
                _("Line {number} of {manifest} is not '<sha256>  <file>'. Rebuild the "
                  "datasets with `osintlab datasets build` or restore the file from git.").format(
                    number=number, manifest=manifest),
                path=str(manifest))
        listed[name.removeprefix("*")] = digest
    return listed


def verify(root: Path | str | None = None) -> Verification:
    """Check every dataset folder's files against its MANIFEST (SHA-256, ``sha256sum`` format).

    A file whose hash differs is *changed*, a file no MANIFEST lists is *added*, a listed
    file that is not there is *missing*; names are relative to the datasets folder.

    Example:
        >>> verify().ok
        True
    """
    base = Path(root) if root is not None else _find_root()
    if not base.is_dir():
        raise DatasetMissing(
            _("There is no datasets folder at '{root}'. Give the folder that holds "
              "case-records/, web/ and the other datasets.").format(root=base),
            path=str(base))
    result = Verification()
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        manifest = folder / "MANIFEST"
        listed = _read_manifest(manifest) if manifest.is_file() else {}
        present = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                         if p.is_file() and p != manifest)
        for name in present:
            if name not in listed:
                result.added.append(f"{folder.name}/{name}")
            elif hashlib.sha256((folder / name).read_bytes()).hexdigest() != listed[name]:
                result.changed.append(f"{folder.name}/{name}")
        result.missing.extend(f"{folder.name}/{name}" for name in sorted(set(listed)
                                                                         - set(present)))
    return result
