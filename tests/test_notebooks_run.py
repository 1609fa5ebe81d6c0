"""Every lesson and every exercise's solution runs top to bottom on a fresh kernel.

Run in parallel by pytest-xdist (one notebook per test). A failure names the notebook, the
cell and the error, so an author knows where to look.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from osintlab.curriculum import find_modules

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [
    ROOT / "notebooks" / module.id / entry["file"]
    for module in find_modules(ROOT)
    for entry in module.notebooks
]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[f"{p.parent.name}/{p.name}" for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path):
    """Does this notebook run without an error on a new kernel, as a trainee would run it?"""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()
    except CellExecutionError as error:
        index = next(
            (i for i, c in enumerate(notebook.cells) if any(o.get("output_type") == "error" for o in c.get("outputs", []))),
            None,
        )
        cell = notebook.cells[index] if index is not None else None
        where = f"cell {cell.get('id')!r} (#{index})" if cell else "a cell"
        pytest.fail(f"{path.relative_to(ROOT)}: {where} failed:\n{str(error)[-1500:]}", pytrace=False)
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            shown = "".join(o.get("text", "") for o in cell.outputs)
            assert "visible checks passed" in shown, f"test cell {cell.get('id')!r} printed {shown!r}"
