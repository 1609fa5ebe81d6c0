"""Set-up files agree: pyproject.toml, requirements.lock and environment.yml."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _conda_names() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for item in env["dependencies"]:
        if isinstance(item, dict):
            names |= {_name(p) for p in item["pip"] if not p.startswith("-")}
        else:
            names.add(_name(item))
    return names - {"python", "pip"}


def test_environment_yml_lists_exactly_the_runtime_dependencies():
    """Would a conda/Binder user get the same libraries as a pip user?"""
    runtime = {_name(r) for r in _project()["dependencies"]}
    conda = _conda_names()
    assert conda == runtime, (
        f"only in pyproject.toml: {sorted(runtime - conda)}; "
        f"only in environment.yml: {sorted(conda - runtime)}"
    )


def test_lock_pins_every_declared_dependency():
    """Does requirements.lock pin an exact version of every dependency (runtime and test)?"""
    pinned = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pinned[_name(name)] = version.split()[0]
    project = _project()
    declared = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    missing = sorted(_name(r) for r in declared if _name(r) not in pinned)
    assert not missing, f"not pinned in requirements.lock (run `make lock`): {missing}"


def test_lock_names_no_machine_or_index():
    """Is the lock free of local paths and index addresses (installable anywhere)?"""
    text = (ROOT / "requirements.lock").read_text()
    assert "file://" not in text and "--index-url" not in text and "--find-links" not in text
    assert not re.search(r"(^|\s)/[A-Za-z]", text, re.MULTILINE), "an absolute path in the lock"


def test_make_bench_installs_what_its_topics_need_as_make_test_does():
    """On a fresh checkout, would `make bench` install the hub's proxy, Chromium and gettext?"""
    import subprocess

    def planned(target: str) -> str:
        return subprocess.run(["make", "--dry-run", "--always-make", "--no-print-directory",
                               target], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout

    bench, test = planned("bench"), planned("test")
    for step in ("npm ci --prefix deploy", "chromium", "gettext"):
        assert step in test, f"make test no longer installs {step!r}: update this test"
        assert step in bench, f"make bench does not install {step!r}, which its topics need"
