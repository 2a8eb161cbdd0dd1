"""The frozen dataclasses of the compiled core pickle (a run's result travels to a process or a file),
compiled or not."""

from __future__ import annotations

import pickle

from helpers import ROOT

import sim
from sim.data import catalog


def test_a_run_result_pickles_and_comes_back_equal():
    result = sim.run(sim.load_scenario(ROOT / "scenarios" / "lose_hmeimim.yaml"))
    back = pickle.loads(pickle.dumps(result))
    assert back.world.run == result.world.run and back.world.aircraft == result.world.aircraft
    assert back.world.airfields == result.world.airfields and back.world.requirements == result.world.requirements
    assert back.world.route("UUMU", "HL59") == result.world.route("UUMU", "HL59")  # its caches are made again
    assert back.summary == result.summary


def test_a_catalogue_entry_pickles_with_its_provenance():
    kind = catalog.aircraft_catalog()["Il-76MD"]
    back = pickle.loads(pickle.dumps(kind))
    assert back == kind and back.provenance == kind.provenance
    assert pickle.loads(pickle.dumps(catalog.airfield("HLLB"))) == catalog.airfield("HLLB")
