"""The compiled World: runtime specs in hours, converted from the scenario's days exactly once."""

from __future__ import annotations

import ast
import typing

from helpers import ROOT, scenario

from sim.model.records import LEG_COLUMNS
from sim.model.specs import HOURS_PER_DAY
from sim.scenario.compile import build_world, day_of_hour

MODEL = ROOT / "sim" / "model"


def test_the_model_imports_neither_pydantic_nor_the_scenario_schema():
    for path in MODEL.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith(("pydantic", "sim.scenario")), f"{path.name} imports {name}"


def test_days_become_hours_as_the_engine_schedules_them():
    s = scenario(days=5, requirements=[{"from": "ORIG", "to": "DEST", "tons": 10, "day": 2.3}],
                 events=[{"day": 1.1, "mog": {"DEST": 3}}])
    world = build_world(s)
    assert world.run.horizon_h == 5 * HOURS_PER_DAY
    assert world.requirements[0].start_h == 2.3 * HOURS_PER_DAY
    assert world.events[0].at_h == 1.1 * HOURS_PER_DAY


def test_a_flow_releases_a_day_at_a_time_until_it_stops_part_way_through_a_day():
    s = scenario(days=10, requirements=[{"from": "ORIG", "to": "DEST", "tons_per_day": 100, "day": 1.5,
                                         "until_day": 4}])
    (req,) = build_world(s).requirements
    assert list(req.releases()) == [(36.0, 100.0), (60.0, 100.0), (84.0, 50.0)]


def test_a_flow_without_an_end_stops_at_the_horizon():
    s = scenario(days=3, requirements=[{"from": "ORIG", "to": "DEST", "tons_per_day": 20}])
    (req,) = build_world(s).requirements
    assert [tons for _, tons in req.releases()] == [20.0, 20.0, 20.0]


def test_reports_show_the_day_the_scenario_gave():
    for day in (0.0, 1.0, 2.3, 6.493210530739357, 0.1, 17.7):
        assert day_of_hour(day * HOURS_PER_DAY) * HOURS_PER_DAY == day * HOURS_PER_DAY
    assert day_of_hour(2.3 * HOURS_PER_DAY) == 2.3
    assert day_of_hour(0.1 * HOURS_PER_DAY) == 0.1


def test_stochastic_defaults_are_resolved_once():
    s = scenario(days=2, fleet=[{"type": "Il-76MD", "count": 1, "base": "ORIG"}],
                 stochastic={"break_per_sortie": 0.1, "outages": {"probability_per_day": 0.2}})
    spec = build_world(s).stochastic
    assert spec.maintenance_at == frozenset({"ORIG"})
    assert spec.outages.airfields == ("ORIG", "DEST")
    assert build_world(scenario()).stochastic is None


def test_every_event_kind_compiles_from_its_scenario_key_and_has_its_handlers():
    from sim.model import events
    from sim.scenario.schema import Event as ScenarioEvent

    kinds = typing.get_args(events.Event)
    actions = set(ScenarioEvent.model_fields) - {"day"}
    assert set(events.KINDS) == actions  # every scenario action has a runtime kind, and no kind is unreachable
    for kind in kinds:
        assert events.KINDS[kind.SCENARIO_KEY] is kind
        for method in ("apply", "update", "describe", "from_scenario"):
            assert callable(getattr(kind, method, None)), f"{kind.__name__} has no {method}"


def test_events_compile_to_hours_and_describe_themselves():
    s = scenario(days=5, events=[{"day": 1, "close": "DEST"}, {"day": 2, "reopen": "DEST"},
                                 {"day": 3, "mog": {"DEST": 3, "ORIG": 1}}, {"day": 4, "close_airspace": ["TUR", "IRN"]},
                                 {"day": 4, "open_airspace": ["TUR"]}])
    world = build_world(s)
    assert [e.describe() for e in world.events] == [
        "close DEST", "reopen DEST", "MOG DEST=3, ORIG=1", "close airspace TUR,IRN", "open airspace TUR"]
    assert [e.at_h for e in world.events] == [24.0, 48.0, 72.0, 96.0, 96.0]
    assert [h for h, _ in world.phases] == [0.0, 96.0, 96.0]
    assert world.phases[-1][1].label == "open skies + closed TUR,IRN + opened TUR"


def test_conditions_follow_the_events():
    from sim.model.events import CloseAirfield, Conditions, ReopenAirfield, SetMog

    start = Conditions(build_world(scenario()).policy, {"DEST": 10})
    after = SetMog(1.0, (("DEST", 2),)).update(CloseAirfield(0.0, "ORIG").update(start))
    assert after.closed == {"ORIG"} and after.mogs == {"DEST": 2} and after.policy is start.policy
    assert ReopenAirfield(2.0, "ORIG").update(after).closed == frozenset()


def test_the_row_types_give_the_csv_columns_in_their_order():
    from sim.model.records import FLOAT_COLUMNS, GROUND_COLUMNS, LEG_COLUMNS, GroundRow, LegRow

    assert LEG_COLUMNS == LegRow._fields == (
        "aircraft", "type", "origin", "destination", "depart_h", "arrive_h", "payload_t", "distance_km",
        "fuel_stop", "purpose", "requirement", "fuel_t", "fuel_takeoff_t", "fuel_landing_t", "takeoff_mass_t",
        "landing_mass_t", "crew", "cargo_class", "items", "passengers", "passenger_crews")
    assert GROUND_COLUMNS == GroundRow._fields == (
        "aircraft", "type", "airfield", "arrive_h", "start_h", "end_h", "activity", "payload_t", "requirement",
        "in_progress")
    assert {"depart_h", "fuel_t", "time_h", "tons", "end_h"} <= FLOAT_COLUMNS
    assert not {"aircraft", "requirement", "fuel_stop", "activity"} & FLOAT_COLUMNS


def test_a_run_writes_its_rows_under_the_row_types_columns():
    from sim import run

    result = run(scenario(days=1, requirements=[{"from": "ORIG", "to": "DEST", "tons": 30}]))
    assert list(result.sortie_rows[0]) == list(LEG_COLUMNS) == list(result.sorties.columns)
    assert result.sortie_rows[0]["requirement"] == "ORIG->DEST" and result.sortie_rows[0]["purpose"] == "cargo"


def test_may_serve_follows_the_requirements_list_of_allowed_types():
    from sim.model.specs import may_serve

    s = scenario(fleet=[{"type": "Il-76MD", "count": 1, "base": "ORIG"}, {"type": "Il-76TD", "count": 1, "base": "ORIG"}],
                 requirements=[{"from": "ORIG", "to": "DEST", "tons": 10, "aircraft": ["Il-76TD"]},
                               {"from": "ORIG", "to": "DEST", "tons": 10}])
    only_td, anyone = build_world(s).requirements
    assert [may_serve(t, only_td) for t in ("Il-76MD", "Il-76TD")] == [False, True]
    assert all(may_serve(t, anyone) for t in ("Il-76MD", "Il-76TD", "An-124-100"))


def test_the_engine_dispatches_by_the_rule_it_is_given():
    from sim.model.dispatch import FirstCome
    from sim.model.engine import AirliftModel, simulate
    from sim.model.randomness import Randomness

    world = build_world(scenario(days=1, requirements=[{"from": "ORIG", "to": "DEST", "tons": 30}]))
    assert isinstance(AirliftModel(world, Randomness(None)).rule, FirstCome)

    class Never:
        def choose(self, state):
            return None

    idle = AirliftModel(world, Randomness(None), Never())
    idle.env.run(until=world.run.horizon_h)
    assert len(idle.records.legs["aircraft"]) == 0
    assert len(simulate(world, Randomness(None)).records.legs["aircraft"]) > 0


def test_aircraft_do_not_import_the_engine():
    tree = ast.parse((MODEL / "aircraft.py").read_text(encoding="utf-8"))
    assert "sim.model.engine" not in {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}


def test_the_engine_offers_what_aircraft_events_and_dispatch_rules_use_of_it():
    from sim.model.aircraft import RunningModel
    from sim.model.dispatch import DispatchState
    from sim.model.engine import AirliftModel
    from sim.model.events import EventTarget
    from sim.model.randomness import Randomness

    model = AirliftModel(build_world(scenario()), Randomness(None))
    for protocol in (RunningModel, EventTarget, DispatchState):
        members = set(protocol.__annotations__) | {k for k, v in vars(protocol).items()
                                                   if callable(v) and not k.startswith("_")}
        assert members, protocol
        missing = {name for name in members if not hasattr(model, name)}
        assert not missing, f"{protocol.__name__}: {missing}"
