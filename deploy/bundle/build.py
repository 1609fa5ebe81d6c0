"""Build the offline install bundle for a classroom without internet (``make bundle``).

The bundle is one folder (and the same folder as a .tar.gz) that holds everything a classroom
server needs, so the install reads nothing from the network:

    osintlab-bundle/
        install-offline.sh    checks SHA256SUMS, then installs from this folder only
        README.md             what to do with it (a copy of deploy/bundle/README.md)
        BUNDLE.json           what it was built for: Python version, platform, versions, date
        requirements.lock     the exact versions, as in the repository
        wheels/               a wheel for every pin in requirements.lock, and osintlab's own wheel
                              (the Russian JupyterLab pack and the offline map assets are pins)
        proxy/                the hub's proxy: one `npm pack` tarball of the configurable-http-proxy
                              pinned in deploy/package-lock.json, its dependencies inside it
        course/               the curriculum: modules, notebooks, datasets, grading, locale, deploy
        SHA256SUMS            the SHA-256 of every file above (checked by `sha256sum -c`)

It uses only the standard library, pip and npm, because it also runs where osintlab is not
installed. Wheels are made for the Python that runs this script and its platform (the server
must match: BUNDLE.json says which); a pin with no wheel on the package index is built into one.

Example:
    $ python3 deploy/bundle/build.py                  # writes dist/osintlab-bundle(.tar.gz)
    $ python3 deploy/bundle/build.py --no-archive     # the folder only
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
NAME = "osintlab-bundle"
# The curriculum folders a classroom server needs beside the packages.
COURSE_FOLDERS = ("modules", "notebooks", "datasets", "grading", "locale", "deploy")
# Never copied into the bundle: built or installed things, caches, secrets of a running hub.
SKIP = {
    "node_modules", "__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache",
    "jupyterhub.sqlite", "jupyterhub_cookie_secret", "jupyterhub-proxy.pid",
}
# Used only when deploy/package-lock.json (the one-server hub's pin) is missing.
PROXY_PACKAGE = "configurable-http-proxy"
PROXY_FALLBACK_VERSION = "5.3.0"


class BundleError(Exception):
    """The bundle cannot be built; the message says what is wrong and what to do."""


def read_pins(lock: Path) -> list[str]:
    """The ``name==version`` lines of a pip-tools lock file, in order.

    Example:
        >>> import tempfile, pathlib
        >>> lock = pathlib.Path(tempfile.mkdtemp()) / "requirements.lock"
        >>> _ = lock.write_text("click==8.1.7\\n    # via osintlab\\nrich==13.9.4\\n")
        >>> read_pins(lock)
        ['click==8.1.7', 'rich==13.9.4']
    """
    pins = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            if not re.fullmatch(r"[A-Za-z0-9._\-\[\]]+==[^\s;]+(\s*;.*)?", line):
                raise BundleError(
                    f"{lock} has a line that is not an exact pin: {line!r}. "
                    "Re-pin with `make lock` so every package has one exact version."
                )
            pins.append(line)
    return pins


def proxy_version(repository: Path = REPOSITORY) -> str:
    """The configurable-http-proxy version pinned in deploy/package-lock.json.

    Example:
        >>> proxy_version()  # doctest: +SKIP
        '5.3.0'
    """
    lock = repository / "deploy" / "package-lock.json"
    if not lock.is_file():
        return PROXY_FALLBACK_VERSION
    packages = json.loads(lock.read_text(encoding="utf-8")).get("packages", {})
    entry = packages.get(f"node_modules/{PROXY_PACKAGE}")
    if not entry or "version" not in entry:
        raise BundleError(
            f"{lock} does not pin {PROXY_PACKAGE}. Run `npm install --prefix deploy "
            f"{PROXY_PACKAGE}@<version>` to pin it, then build the bundle again."
        )
    return entry["version"]


def _run(command: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    """Run one build step; on failure say which step and show the tool's last words."""
    print(f"bundle: {what}", flush=True)
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise BundleError(f"Could not {what}.\n$ {' '.join(command)}\n{tail}")
    return result


def _pip(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]


def add_wheels(bundle: Path, repository: Path) -> None:
    """A wheel for every pin (downloaded, or built from its sdist) and osintlab's own wheel."""
    wheels = bundle / "wheels"
    wheels.mkdir()
    lock = repository / "requirements.lock"
    pins = read_pins(lock)
    # `pip wheel` saves the index's wheel where there is one and builds the sdist otherwise;
    # --prefer-binary keeps it from building a package that has any usable wheel.
    _run(_pip("wheel", "--no-deps", "--prefer-binary", "--wheel-dir", str(wheels),
              "--requirement", str(lock)),
         f"collect wheels for the {len(pins)} pins in requirements.lock")
    with tempfile.TemporaryDirectory(prefix="osintlab-wheel-") as scratch:
        # Build from a copy, so the checkout gets no build/ or egg-info from us.
        source = Path(scratch) / "osintlab"
        source.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(repository / name, source / name)
        shutil.copytree(repository / "src", source / "src",
                        ignore=shutil.ignore_patterns(*SKIP, "*.egg-info"))
        _run(_pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(wheels),
                  str(source)), "build osintlab's own wheel")
    missing = [pin for pin in pins if not _has_wheel(wheels, pin)]
    if missing:
        raise BundleError(
            "These pins have no wheel in the bundle: " + ", ".join(missing)
            + ". Check that the package index serves them for this Python and platform."
        )


def _has_wheel(wheels: Path, pin: str) -> bool:
    name, version = pin.split(";", 1)[0].strip().split("==")
    stem = re.sub(r"[-_.]+", "_", name).lower()
    return any(
        re.sub(r"[-_.]+", "_", found.name.split("-")[0]).lower() == stem
        and found.name.split("-")[1] == version
        for found in wheels.glob("*.whl")
    )


def add_proxy(bundle: Path, repository: Path) -> str:
    """The hub's proxy as one npm tarball that carries all its dependencies inside it.

    deploy/package.json and its lock pin configurable-http-proxy; here they become a small
    package that bundles it (npm's ``bundleDependencies``), installed with ``npm ci`` (the
    lock's integrity hashes are checked) and packed with ``npm pack``. ``npm install
    --offline`` of that tarball then needs no registry and no cache on the classroom server.
    """
    version = proxy_version(repository)
    proxy = bundle / "proxy"
    proxy.mkdir()
    manifest_file = repository / "deploy" / "package.json"
    manifest = (json.loads(manifest_file.read_text(encoding="utf-8"))
                if manifest_file.is_file() else {"dependencies": {PROXY_PACKAGE: version}})
    manifest.update(
        name="osintlab-classroom-proxy",
        version=version,
        bundleDependencies=[PROXY_PACKAGE],
        # npm links this into node_modules/.bin of the install folder.
        bin={PROXY_PACKAGE: f"node_modules/{PROXY_PACKAGE}/bin/{PROXY_PACKAGE}"},
    )
    manifest.setdefault("dependencies", {})[PROXY_PACKAGE] = version
    with tempfile.TemporaryDirectory(prefix="osintlab-npm-") as scratch:
        folder = Path(scratch) / "package"
        folder.mkdir()
        (folder / "package.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                             encoding="utf-8")
        lock = repository / "deploy" / "package-lock.json"
        if lock.is_file():
            shutil.copy2(lock, folder / "package-lock.json")
        npm = ["--no-audit", "--no-fund", "--cache", str(Path(scratch) / "cache")]
        _run(["npm", "ci" if lock.is_file() else "install", *npm],
             f"install {PROXY_PACKAGE} {version} with its dependencies", cwd=folder)
        _run(["npm", "pack", "--pack-destination", str(proxy), *npm],
             "pack the proxy with its dependencies", cwd=folder)
    for name in ("package.json", "package-lock.json"):
        if (repository / "deploy" / name).is_file():
            shutil.copy2(repository / "deploy" / name, proxy / name)
    return version


def add_course(bundle: Path, repository: Path) -> None:
    """The curriculum folders: in a git checkout the files git tracks or would track (so
    nothing ignored, such as node_modules or caches), elsewhere every file but ``SKIP``."""
    course = bundle / "course"
    course.mkdir()
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--",
         *COURSE_FOLDERS], cwd=repository, capture_output=True, text=True,
    ) if shutil.which("git") and (repository / ".git").exists() else None
    if listed is not None and listed.returncode == 0:
        for name in sorted(set(filter(None, listed.stdout.split("\0")))):
            source = repository / name
            if source.is_file() and not SKIP.intersection(Path(name).parts):
                (course / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, course / name)
    else:
        for folder in COURSE_FOLDERS:
            if (repository / folder).is_dir():
                shutil.copytree(repository / folder, course / folder,
                                ignore=shutil.ignore_patterns(*SKIP))
    for name in ("README.md", "pyproject.toml", "requirements.lock", "environment.yml"):
        if (repository / name).is_file():
            shutil.copy2(repository / name, course / name)


def write_sums(bundle: Path) -> int:
    """Write SHA256SUMS (``sha256sum -c`` format) for every file in the bundle; return the count.

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.txt").write_text("evidence")
        >>> write_sums(folder)
        1
        >>> (folder / "SHA256SUMS").read_text().split()[1]
        'a.txt'
    """
    lines = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and path.name != "SHA256SUMS":
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.relative_to(bundle).as_posix()}\n")
    (bundle / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
    return len(lines)


def _osintlab_version(repository: Path) -> str:
    text = (repository / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    return match.group(1) if match else "unknown"


def build(output: Path, repository: Path = REPOSITORY, archive: bool = True) -> Path:
    """Build the bundle folder ``output/osintlab-bundle`` (and its .tar.gz); return the folder.

    The folder is built beside its final place and renamed in only when complete, so a
    failed build never leaves a bundle that looks whole.

    Example:
        >>> build(Path("dist"))  # doctest: +SKIP
        PosixPath('dist/osintlab-bundle')
    """
    for tool in ("npm",):
        if shutil.which(tool) is None:
            raise BundleError(f"`{tool}` is not installed: install Node.js and npm to build "
                              "the bundle (Debian/Ubuntu: apt-get install nodejs npm).")
    output.mkdir(parents=True, exist_ok=True)
    final = output / NAME
    work = Path(tempfile.mkdtemp(prefix=f".{NAME}-", dir=output))
    work.chmod(0o755)  # mkdtemp makes it private; the installed bundle is read by others
    try:
        add_wheels(work, repository)
        proxy = add_proxy(work, repository)
        add_course(work, repository)
        here = Path(__file__).resolve().parent
        shutil.copy2(here / "install-offline.sh", work / "install-offline.sh")
        (work / "install-offline.sh").chmod(0o755)
        shutil.copy2(here / "README.md", work / "README.md")
        shutil.copy2(repository / "requirements.lock", work / "requirements.lock")
        info = {
            "osintlab": _osintlab_version(repository),
            "python": f"{sys.version_info.major}.{sys.version_info.minor}",
            "platform": f"{platform.system().lower()}-{platform.machine()}",
            "proxy": f"{PROXY_PACKAGE}@{proxy}",
            "built": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        (work / "BUNDLE.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        count = write_sums(work)
        print(f"bundle: {count} files listed in SHA256SUMS", flush=True)
        if final.exists():
            shutil.rmtree(final)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if archive:
        target = output / f"{NAME}.tar.gz"
        partial = target.with_name(target.name + ".part")
        print(f"bundle: write {target}", flush=True)
        # Wheels are compressed already: the fastest gzip level costs little in size.
        with tarfile.open(partial, "w:gz", compresslevel=1) as tar:
            tar.add(final, arcname=NAME)
        os.replace(partial, target)
    return final


def main(argv: list[str] | None = None) -> int:
    """Command line: ``build.py [--output dist] [--no-archive]``."""
    parser = argparse.ArgumentParser(
        description="Build the offline install bundle (wheels, proxy, curriculum).",
        epilog="Example: python3 deploy/bundle/build.py --output dist",
    )
    parser.add_argument("--output", type=Path, default=REPOSITORY / "dist",
                        help="folder that receives osintlab-bundle/ and osintlab-bundle.tar.gz")
    parser.add_argument("--no-archive", action="store_true",
                        help="write the folder only, not the .tar.gz")
    options = parser.parse_args(argv)
    try:
        folder = build(options.output, archive=not options.no_archive)
    except BundleError as error:
        print(f"bundle: {error}", file=sys.stderr)
        return 1
    print(f"bundle: ready in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
