"""Finding the fictional world's files: a missing dataset or file says what is there."""

from pathlib import Path

import pytest

from osintlab import datasets
from osintlab.exceptions import DatasetMissing

ROOT = Path(__file__).resolve().parents[1]


def test_a_dataset_is_found_from_the_checkout():
    """Does a lesson find the case register wherever the course runs from?"""
    assert datasets.path("case-records", "cases.csv") == ROOT / "datasets" / "case-records" / "cases.csv"


def test_the_environment_names_the_datasets_folder_on_a_hub(tmp_path, monkeypatch):
    """Does OSINTLAB_DATASETS (set by a hub or the grader) win over the checkout?"""
    (tmp_path / "case-records").mkdir()
    (tmp_path / "case-records" / "cases.csv").write_text("case_id\n")
    monkeypatch.setenv("OSINTLAB_DATASETS", str(tmp_path))
    assert datasets.path("case-records", "cases.csv") == tmp_path / "case-records" / "cases.csv"


def test_a_misspelt_dataset_lists_the_datasets_there():
    """Does a wrong dataset name say which datasets exist, as a FileNotFoundError?"""
    with pytest.raises(DatasetMissing, match="There is no dataset 'case-record'.*case-records") as error:
        datasets.path("case-record")
    assert isinstance(error.value, FileNotFoundError)


def test_a_misspelt_file_lists_the_files_of_the_dataset():
    """Does a wrong file name say to check the spelling and list the files?"""
    with pytest.raises(DatasetMissing, match="has no file 'case.csv'. Check the spelling; its files are: .*cases.csv"):
        datasets.path("case-records", "case.csv")
