"""airlift uncertainty imports its analysis while the workers run, once, after the first run is in."""

from __future__ import annotations

import importlib
import sys

import pytest

from sim.cli import uncertainty as command
from sim.experiments.uncertainty import ANALYSES, METHODS


def test_the_analysis_is_imported_once_after_the_first_run_and_every_row_is_kept(monkeypatch):
    events: list[object] = []
    monkeypatch.setattr(command, "import_for_analysis", lambda method: events.append(f"import {method}"))
    keep = command.importing_after_first(events.append, "lhs")
    for row in ({"point": 0}, {"point": 1}, {"point": 2}):
        keep(row)
    assert events == [{"point": 0}, "import lhs", {"point": 1}, {"point": 2}]


@pytest.mark.parametrize("method", METHODS)
def test_each_method_imports_the_module_its_indices_use(method):
    assert set(ANALYSES) == set(METHODS)
    command.import_for_analysis(method)
    assert ANALYSES[method] in sys.modules and "matplotlib.pyplot" in sys.modules
    assert importlib.import_module(ANALYSES[method]).analyze  # what indices calls
