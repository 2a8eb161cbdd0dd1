"""The benchmark's definitions (bench/bench.py): what it times is what its figures say. No timing is asserted."""

from __future__ import annotations

import importlib.util

import pytest
from helpers import ROOT

from sim.scenario.loading import load_scenario


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "bench" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_peer_shuttle_is_twenty_il76_for_30_days_crews_off_refuelling_in_sequence(bench):
    s = load_scenario(bench.PEER_SHUTTLE)
    assert [(f.type, f.count) for f in s.fleet] == [("Il-76MD", 20)] and s.days == 30
    assert s.operations.crews is False and s.aircraft["Il-76MD"].refuel_sequential is True


def test_each_line_gives_the_figure_its_units_and_its_goal(bench):
    assert bench.line("uncertainty_500_s", 30.0, 1.5) == "uncertainty_500_s=30.00  # 20.0 units; goal <= 12 s, <= 25 units"
    assert bench.line("peak_mb_1000_aircraft", 183.04) == "peak_mb_1000_aircraft=183.0  # goal <= 300 MB"
    assert bench.line("dask_samples_per_s_2", 12.3456) == "dask_samples_per_s_2=12.346"
    assert set(bench.GOALS) < set(bench.ONLY) | {"cold_run_ratio"}


def test_the_bare_loop_flies_the_legs_asked_for(bench, monkeypatch):
    import simpy

    timeouts = []
    original = simpy.Environment.timeout
    monkeypatch.setattr(simpy.Environment, "timeout", lambda env, delay, value=None: (
        timeouts.append(delay), original(env, delay, value))[1])
    bench.bare_legs(7, 100)
    assert timeouts.count(1.2) == 100 and timeouts.count(3.25) == 100


def test_the_study_timed_is_a_latin_hypercube_of_one_replication_a_point(bench, tmp_path):
    args = bench.study_args(tmp_path, 500)
    assert args[:2] == ["uncertainty", bench.SWEEP]
    assert args[args.index("--samples") + 1] == "500" and args[args.index("--replications") + 1] == "1"
    assert args[args.index("--method") + 1] == "lhs"
