"""summary.json has exactly the keys that sim/results/summary_types.py declares, section by section, with
values of the declared types: in one run and in a replicated one. The declaration cannot drift from what
``summarise`` and ``replicated_summary`` write."""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest
from helpers import ROOT, equator, scenario

from sim import load_scenario, replicate, run
from sim.experiments.runs import run_checked
from sim.results import summary_types
from sim.results.summary_types import HeadlineSummary, RequirementRow, Spreads, Summary
from sim.scenario.schema import Scenario

STOCHASTIC = {"replications": 3, "mission_capable": 0.8, "break_per_sortie": 0.1, "repair_h": {"mean": 6, "cv": 0.5}}
DECLARED = {name for name, value in vars(summary_types).items() if is_typeddict(value)}
# Declared as parts of Summary, AircraftTypeFigures and FigureStats (which the checker meets instead)
PARTS = {"Headline", "Flying", "Waits", "Strandings", "ClosureFigures", "Breakdowns", "Context", "Spreads", "CrewFigures",
         "MeanAndSpread"}


def problems(value: Any, hint: Any, path: str, seen: set[str]) -> list[str]:
    """Where ``value`` differs from the type ``hint``: missing or undeclared keys, values of another type.
    ``seen`` collects the TypedDicts met, and "<TypedDict>.<key>" for each optional key met."""
    if hint is Any:
        return []
    if get_origin(hint) in (Union, types.UnionType):
        found = [problems(value, arm, path, seen) for arm in get_args(hint)]
        return [] if any(not p for p in found) else min(found, key=len)
    if is_typeddict(hint):
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, expected {hint.__name__}"]
        seen.add(hint.__name__)
        seen.update(f"{hint.__name__}.{key}" for key in value.keys() & hint.__optional_keys__)
        out = [f"{path}.{key}: missing" for key in sorted(hint.__required_keys__ - value.keys())]
        out += [f"{path}.{key}: not declared in {hint.__name__}" for key in sorted(value.keys() - hint.__annotations__.keys())]
        hints = get_type_hints(hint)
        return out + [p for key in value.keys() & hints.keys() for p in problems(value[key], hints[key], f"{path}.{key}", seen)]
    origin = get_origin(hint)
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, expected a list"]
        return [p for k, item in enumerate(value) for p in problems(item, get_args(hint)[0], f"{path}[{k}]", seen)]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, expected a dict"]
        return [p for key, item in value.items() for p in problems(item, get_args(hint)[1], f"{path}[{key!r}]", seen)]
    if hint is float:  # a whole count in one run is a float mean in a replicated summary
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint is type(None):
        ok = value is None
    else:
        ok = isinstance(value, hint)
    return [] if ok else [f"{path}: {value!r} is not {getattr(hint, '__name__', hint)}"]


def check(summary: Any, seen: set[str] | None = None) -> list[str]:
    return problems(summary, Summary, "summary", set() if seen is None else seen)


def _airspace_scenario(**changes: Any) -> Scenario:
    # Chkalovsky to Benina with the December 2024 airspace (as tests/geo/test_airspace_scenarios.py)
    data = {"name": "air", "start_date": "2024-12-08", "days": 6, "aircraft": {"Il-76MD": {"planning_load_t": 40}},
            "fleet": [{"type": "Il-76MD", "count": 1, "base": "UUMU"}], "airfields": {"HLLB": {"fuel": True}},
            "requirements": [{"from": "UUMU", "to": "HLLB", "tons": 400}], "airspace": {"situation": "dec2024"},
            "catalogue_fuel_stops": False, **changes}
    return Scenario.model_validate(data)


def _stranding() -> Scenario:
    # tests/flight/test_flyable.py: DEST closes when the aircraft is past its point of no return; it
    # diverts to DRY, which has no fuel, and is stranded there
    closes_h = 3 + 0.9 * (6000 / 780 + 0.5)
    return scenario(days=2, airfields=equator(ORIG=(0, True), DEST=(6000, True), DRY=(5500, False)), legs=[],
                    requirements=[{"from": "ORIG", "to": "DEST", "tons": 20}], events=[{"day": closes_h / 24, "close": "DEST"}])


def _gridlock() -> Scenario:
    # tests/model/test_parking_and_closures.py: three aircraft, each needing the one spot the next stands on
    airfields = {k: {"lat": 0.0, "lon": km / 111.319, "country": "XXA", "mog": 1, "parking_mog": 1, "fuel": True}
                 for k, km in (("AAA", 0), ("BBB", 780), ("CCC", 1560))}
    fleet = [{"type": "Il-76MD", "count": 1, "base": base, "serves": [name]}
             for base, name in (("AAA", "AAA->BBB"), ("BBB", "BBB->CCC"), ("CCC", "CCC->AAA"))]
    requirements = [{"from": x, "to": y, "tons": 1000, "label": f"{x}->{y}"} for x, y in (("AAA", "BBB"), ("BBB", "CCC"),
                                                                                         ("CCC", "AAA"))]
    return scenario(days=3, airfields=airfields, legs=[], fleet=fleet, requirements=requirements,
                    operations={"crews": False, "parking_holds": True})


def test_one_run_has_exactly_the_required_keys_and_none_of_a_replicated_run():
    for s in (scenario(days=2), _stranding(), _gridlock()):  # routed legs, a stranding, a gridlock
        summary = run(s).summary
        assert check(summary) == []
        assert not summary.keys() & Spreads.__annotations__.keys()
        for row in summary["by_requirement"]:
            assert row.keys() == RequirementRow.__required_keys__
        for key in ("stranded", "airborne_at_end", "gridlock", "closures"):
            assert all("replication" not in row for row in summary[key])


def test_a_replicated_run_has_every_key_of_its_spreads_and_each_row_its_replication():
    summary = replicate(scenario(days=3, stochastic=STOCHASTIC), workers=1).summary
    assert check(summary) == []
    assert summary.keys() == Summary.__required_keys__ | Summary.__optional_keys__
    for row in summary["by_requirement"]:
        assert row.keys() == RequirementRow.__required_keys__ | RequirementRow.__optional_keys__
    assert summary["replications"].keys() == summary_types.ReplicationStats.__annotations__.keys()


def test_the_summary_is_exactly_its_parts_in_order():
    parts = [summary_types.Headline, summary_types.Flying, summary_types.Waits, summary_types.Strandings,
             summary_types.ClosureFigures, summary_types.Breakdowns, summary_types.Context, Spreads]
    assert list(Summary.__annotations__) == [key for part in parts for key in part.__annotations__]
    summary = run(scenario(days=2)).summary
    assert list(summary) == [key for key in Summary.__annotations__ if key in Summary.__required_keys__]


def test_the_checker_finds_a_missing_an_undeclared_and_a_mistyped_key():
    summary = run(scenario(days=2)).summary
    broken: dict[str, Any] = {**summary, "surprise": 1, "sorties": "many"}
    del broken["seed"]
    broken["by_requirement"] = [{**summary["by_requirement"][0], "waiting_at_t": {"ORIG": "lots"}}]
    assert sorted(check(broken)) == ["summary.by_requirement[0].waiting_at_t['ORIG']: 'lots' is not float",
                                     "summary.seed: missing", "summary.sorties: 'many' is not float",
                                     "summary.surprise: not declared in Summary"]


@pytest.mark.slow
def test_every_declared_section_is_met_in_real_summaries():
    # Shipped scenarios bring cargo items, passengers, closures and hops airborne at the end; micro ones a
    # stranding, a gridlock and routed legs; Libya closed on day 2 an unroutable and an infeasible leg.
    seen: set[str] = set()
    evacuation = load_scenario(ROOT / "scenarios" / "syria_evacuation.yaml")
    summaries = [run(evacuation).summary, replicate(evacuation, 3, workers=1).summary,
                 run(load_scenario(ROOT / "scenarios" / "lose_hmeimim.yaml")).summary,
                 replicate(scenario(days=3, stochastic=STOCHASTIC), workers=1).summary,
                 run(_airspace_scenario(events=[{"day": 2, "close_airspace": ["LBY"]}])).summary,
                 run(scenario(days=2)).summary, run(_stranding()).summary, run(_gridlock()).summary]
    for summary in summaries:
        assert check(summary, seen) == []
    assert problems(run_checked(evacuation, brief=True).summary, HeadlineSummary, "brief", seen) == []
    assert DECLARED - PARTS - seen == set()  # every TypedDict checked against a real value
    optional = {f"{name}.{key}" for name in DECLARED - PARTS for key in getattr(summary_types, name).__optional_keys__}
    assert optional - seen == {"StrandedRow.replication", "GridlockRow.replication"}  # no replicated stranding or gridlock


def test_a_workers_brief_summary_is_exactly_its_declared_parts_of_the_full_one():
    evacuation = load_scenario(ROOT / "scenarios" / "syria_evacuation.yaml")
    brief, full = run_checked(evacuation, brief=True).summary, run_checked(evacuation).summary
    assert problems(brief, HeadlineSummary, "brief", set()) == []
    assert set(brief) == set(HeadlineSummary.__annotations__)
    assert {key: full[key] for key in brief} == brief
