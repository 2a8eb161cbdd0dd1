"""The compiled core (sim/_core.py, scripts/build_core.py): where it is built it runs, it gives the same runs
as the Python sources, and an edited source runs instead of its stale compiled module."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT

from sim import _core

BUILT = _core.STAMP.exists()
needs_build = pytest.mark.skipif(not BUILT, reason="the compiled core is not built here (make core)")

# A run's legs and ground activities, hashed, in a new process: the compiled core or (AIRLIFT_PURE=1) the sources.
DIGEST = """
import hashlib, sys
import sim
from sim import _core
from sim.model import aircraft
name, replication = sys.argv[1], int(sys.argv[2])
result = sim.run(sim.load_scenario(f"scenarios/{name}.yaml"), replication=replication)
rows = repr((result.sortie_rows, result.ground_rows, result.daily_rows)).encode()
print(_core.is_compiled(aircraft), len(result.sortie_rows), hashlib.sha256(rows).hexdigest())
"""


def digest(name: str, replication: int, pure: bool) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(_core.PURE_ENV, None)
    if pure:
        env[_core.PURE_ENV] = "1"
    done = subprocess.run([sys.executable, "-c", DIGEST, name, str(replication)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout.split()


@needs_build
@pytest.mark.skipif(_core.status() != "compiled", reason="the sources run here: AIRLIFT_PURE is set or one was edited")
def test_every_module_of_a_current_build_runs_compiled():
    import importlib

    assert [m for m in _core.MODULES if not _core.is_compiled(importlib.import_module(m))] == []


@needs_build
@pytest.mark.skipif(_core.status() != "compiled", reason="the sources run here: AIRLIFT_PURE is set or one was edited")
@pytest.mark.slow
@pytest.mark.parametrize(("name", "replication"), [("lose_hmeimim_sweep", 2), ("russia_libya_staged_crews", 0),
                                                   ("syria_evacuation", 1), ("tobruk_hub", 3)])
def test_the_compiled_core_flies_the_sources_legs(name, replication):
    # Every leg, ground activity and day of the run, to the last bit: mypyc compiles the same float operations
    # in the same order.
    compiled, pure = digest(name, replication, pure=False), digest(name, replication, pure=True)
    assert (compiled[0], pure[0]) == ("True", "False")
    assert int(pure[1]) > 0
    assert compiled[1:] == pure[1:]


def test_a_module_edited_or_added_since_the_build_is_stale():
    built = {"sim.model.ramp": "aa", "sim.model.crews": "bb"}
    assert _core.stale(built, dict(built)) == []
    assert _core.stale(built, {"sim.model.ramp": "aa", "sim.model.crews": "cc"}) == ["sim.model.crews"]
    assert _core.stale(built, {**built, "sim.model.world": "dd"}) == ["sim.model.world"]
    assert _core.stale(built, {"sim.model.ramp": "aa"}) == ["sim.model.crews"]
    assert _core.stale({}, built) == ["sim.model.crews", "sim.model.ramp"]


@needs_build
def test_an_edited_source_runs_instead_of_its_compiled_module(tmp_path):
    # The build record says another source was compiled: the sources run, whatever the extensions say (the
    # choice is made at the first import of the core, by the record read then).
    recorded = json.loads(_core.STAMP.read_text())
    edited = {**recorded, "sim.model.ramp": "0" * 64}
    code = ("import json, sys; from sim import _core; _core.STAMP = __import__('pathlib').Path(sys.argv[1]);"
            "from sim.model import ramp, aircraft;"
            "print(_core.status().split()[0], _core.is_compiled(ramp), _core.is_compiled(aircraft))")
    stamp = tmp_path / "compiled.json"
    stamp.write_text(json.dumps(edited))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(_core.PURE_ENV, None)
    done = subprocess.run([sys.executable, "-c", code, str(stamp)], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ["pure", "False", "False"]


def test_a_compiled_module_without_its_source_is_not_imported(tmp_path):
    # A source removed (or renamed) since a build: its leftover extension must not run in its place.
    from importlib.machinery import EXTENSION_SUFFIXES

    (tmp_path / "sim" / "model").mkdir(parents=True)
    (tmp_path / "sim" / "model" / f"gone{EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    finder = _core._Sources(tmp_path)
    with pytest.raises(ModuleNotFoundError, match="only a compiled one, left by an earlier build"):
        finder.find_spec("sim.model.gone")
    assert finder.find_spec("sim.model.never_built") is None  # no extension: the usual finders look
