"""The compiled World: runtime specs in hours, converted from the scenario's days exactly once."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import scenario

from sim.model.specs import HOURS_PER_DAY
from sim.scenario.compile import build_world, day_of_hour

MODEL = Path(__file__).resolve().parents[1] / "sim" / "model"


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
