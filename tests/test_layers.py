"""The package's layers are a checked contract: no import cycle among its modules, counting every import
(at module level, inside functions and under TYPE_CHECKING), and lower layers never import higher ones
(the import-linter contract in pyproject.toml, also run by `make test`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def import_graph() -> grimp.ImportGraph:
    return grimp.build_graph("sim", exclude_type_checking_imports=False, cache_dir=None)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan's strongly connected
    components of more than one module, or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph.find_modules_directly_imported_by(module)):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1 or graph.direct_import_exists(importer=module, imported=module):
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_a_cycle_made_of_a_call_time_import():
    graph = import_graph()
    graph.add_import(importer="sim.data.catalog", imported="sim.model.world", line_number=1, line_contents="x")
    assert any("sim.data.catalog" in group and "sim.model.world" in group for group in cycles(graph))


def test_the_graph_counts_imports_inside_functions_and_under_type_checking():
    graph = import_graph()
    # sim.model.events imports the ramp only for its annotations, under TYPE_CHECKING
    assert graph.direct_import_exists(importer="sim.model.events", imported="sim.model.ramp")
    # sim.scenario.references imports the cargo packing inside functions
    assert graph.direct_import_exists(importer="sim.scenario.references", imported="sim.model.packing")


def test_the_layer_contract_is_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this tree's sim, not an installed one
    done = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 kept, 0 broken" in done.stdout
