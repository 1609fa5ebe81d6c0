"""Building the world twice gives the same bytes, and `datasets verify` names every change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from osintlab import datasets
from osintlab.cli import main
from osintlab.exceptions import DatasetMissing
from osintlab.world.build import DATASETS, build


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    build(out)
    return out


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_a_rebuild_gives_byte_identical_manifests(rebuilt, name):
    """Does building into an empty folder reproduce the committed MANIFEST byte for byte?"""
    committed = (ROOT / "datasets" / name / "MANIFEST").read_bytes()
    assert (rebuilt / name / "MANIFEST").read_bytes() == committed


def test_the_rebuilt_tree_verifies_and_has_the_committed_files(rebuilt):
    """Is the fresh build complete (every committed file, nothing else) and self-consistent?"""
    assert datasets.verify(rebuilt).ok
    for name in DATASETS:
        ours = sorted(p.relative_to(rebuilt).as_posix() for p in (rebuilt / name).rglob("*"))
        theirs = sorted(p.relative_to(ROOT / "datasets").as_posix()
                        for p in (ROOT / "datasets" / name).rglob("*"))
        assert ours == theirs
    assert (rebuilt / "README.md").read_bytes() == (ROOT / "datasets/README.md").read_bytes()


def test_built_folders_are_readable_by_every_account(rebuilt):
    """Can a trainee's own account on a classroom server read what the build wrote?"""
    for name in DATASETS:
        for path in [rebuilt / name, *(rebuilt / name).rglob("*")]:
            assert path.stat().st_mode & 0o004, f"{path} is not readable by others"
            if path.is_dir():
                assert path.stat().st_mode & 0o001, f"{path} cannot be entered by others"


def test_the_committed_datasets_verify_and_case_records_stay_untouched():
    """Do the committed datasets (m00's case register included) match their MANIFESTs?"""
    result = CliRunner().invoke(main, ["datasets", "verify", "--root", str(ROOT / "datasets")])
    assert result.exit_code == 0, result.output
    assert "matches its MANIFEST" in result.output


def test_verify_names_a_changed_an_added_and_a_missing_file(tmp_path):
    """Does `osintlab datasets verify` exit 1 with one line per changed, added, missing file?"""
    copy = tmp_path / "datasets"
    shutil.copytree(ROOT / "datasets", copy)
    (copy / "crypto" / "labels.csv").write_text("chain,address,label\n", encoding="utf-8")
    (copy / "photos" / "extra.jpg").write_bytes(b"\xff\xd8not really")
    (copy / "web" / "news.example" / "robots.txt").unlink()
    result = CliRunner().invoke(main, ["datasets", "verify", "--root", str(copy)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "changed: crypto/labels.csv (its SHA-256 differs from the MANIFEST)" in lines
    assert "added: photos/extra.jpg (not listed in its MANIFEST)" in lines
    assert "missing: web/news.example/robots.txt (listed in its MANIFEST, not on disk)" in lines
    assert "3 file(s) differ from their MANIFEST" in result.output


def test_build_into_a_file_says_to_give_a_folder(tmp_path):
    """Does `datasets build --out` on a file explain that a folder is needed?"""
    target = tmp_path / "world.txt"
    target.write_text("x")
    with pytest.raises(DatasetMissing, match="it is a file, not a folder. Give --out a folder"):
        build(target)
    result = CliRunner().invoke(main, ["datasets", "build", "--out", str(target)])
    assert result.exit_code == 2 and "is a file" in result.output


def test_build_replaces_only_its_own_folders(tmp_path):
    """Does a rebuild keep a folder it does not own (like case-records) and drop stale files?"""
    (tmp_path / "case-records").mkdir()
    (tmp_path / "case-records" / "cases.csv").write_text("case_id\n")
    (tmp_path / "crypto").mkdir()
    (tmp_path / "crypto" / "stale.csv").write_text("old\n")
    result = CliRunner().invoke(main, ["datasets", "build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "case-records" / "cases.csv").read_text() == "case_id\n"
    assert not (tmp_path / "crypto" / "stale.csv").exists()
    assert not (tmp_path / "grading").exists()


def test_a_broken_manifest_line_says_how_to_repair_it(tmp_path):
    """Does a mangled MANIFEST give a clear error instead of a traceback?"""
    (tmp_path / "crypto").mkdir()
    (tmp_path / "crypto" / "MANIFEST").write_text("not a manifest line\n")
    result = CliRunner().invoke(main, ["datasets", "verify", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "Line 1 of" in result.output and "osintlab datasets build" in result.output
