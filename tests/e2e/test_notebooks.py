"""The notebooks run from top to bottom and draw their charts; the copies in the repository show them.

Each notebook is executed in a temporary copy, with the notebooks folder as the working directory (as
Jupyter would run it). ``CHARTS`` is the number of charts each one draws: a cell that silently stops
drawing (the check nbmake made passed even then) fails here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import ROOT

NOTEBOOKS = ROOT / "notebooks"
CHARTS = {
    "throughput_curves.ipynb": 6,  # route map, fleet-size knee, P(closure), baseline vs lose Hmeimim, tornado, distribution
    "reach_and_claims.ipynb": 3,  # payload-range of the Il-76MD and the An-124-100, reach map
}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def outputs(notebook) -> list[dict]:
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def images(notebook) -> int:
    return sum(1 for o in outputs(notebook) if "image/png" in o.get("data", {}))


def errors(notebook) -> list[str]:
    return [f"{o['ename']}: {o['evalue']}" for o in outputs(notebook) if o["output_type"] == "error"]


def test_every_notebook_is_checked():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(CHARTS)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_the_stored_notebook_shows_its_charts_and_nothing_of_this_machine(name):
    """What a reader sees on GitHub: executed, every chart there, no errors, no progress-bar escape codes,
    no absolute paths."""
    import nbformat

    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert images(notebook) >= CHARTS[name]
    assert errors(notebook) == []
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs(notebook))
    assert not ANSI.search(text)
    assert str(Path.home()) not in text and str(NOTEBOOKS.parent) not in text
    assert not [o for o in outputs(notebook) if o.get("name") == "stderr"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CHARTS))
def test_the_notebook_runs_and_draws_its_charts(name, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    copy = tmp_path / name
    shutil.copy(NOTEBOOKS / name, copy)
    notebook = nbformat.read(copy, as_version=4)
    for cell in notebook.cells:  # start from a notebook without outputs
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    assert errors(notebook) == []
    assert images(notebook) >= CHARTS[name], f"{name}: {images(notebook)} charts, expected {CHARTS[name]}"
