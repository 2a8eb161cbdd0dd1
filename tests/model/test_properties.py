"""Invariants over random scenarios (with airspace and airspace events): cargo is conserved, runs are reproducible,
every trace obeys the rules, also in a small world of tight parking and bursts of closures."""

from __future__ import annotations

import pytest
from helpers import BASE
from helpers import scenario as micro
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim import run
from sim.results.checks import check_result
from sim.scenario.schema import Scenario

pytestmark = pytest.mark.slow  # about 100 random scenarios per run

FIELDS = ["OSLK", "HL59", "HLLB", "UUMU", "URMF", "GABS", "FEFF"]
TYPES = ["An-124-100", "Il-76MD", "Il-76MD-90A", "Il-76TD"]


@st.composite
def scenarios(draw):
    days = draw(st.integers(1, 12))
    fleet = [
        {"type": draw(st.sampled_from(TYPES)), "count": draw(st.integers(1, 4)), "base": draw(st.sampled_from(FIELDS))}
        for _ in range(draw(st.integers(1, 3)))
    ]
    requirements = []
    for _ in range(draw(st.integers(1, 3))):
        a, b = draw(st.lists(st.sampled_from(FIELDS), min_size=2, max_size=2, unique=True))
        day = draw(st.floats(0, days - 0.01))
        if draw(st.booleans()):
            requirements.append({"from": a, "to": b, "tons": draw(st.floats(1, 3000)), "day": day})
        else:
            requirements.append({"from": a, "to": b, "tons_per_day": draw(st.floats(1, 500)), "day": day})
    events = []
    for _ in range(draw(st.integers(0, 3))):
        day = draw(st.floats(0, days))
        ident = draw(st.sampled_from(FIELDS))
        kind = draw(st.sampled_from(["close", "reopen", "mog"]))
        events.append({"day": day, "mog": {ident: draw(st.integers(0, 3))}} if kind == "mog" else {"day": day, kind: ident})
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["close_airspace", "open_airspace"]))
        events.append({"day": draw(st.floats(0, days)), kind: [draw(st.sampled_from(["TUR", "SYR", "IRN", "LBY"]))]})
    airfields = {f: {"mog": draw(st.integers(1, 4)), "fuel": draw(st.booleans())} for f in FIELDS if draw(st.booleans())}
    return Scenario.model_validate({
        "name": "random", "start_date": "2024-12-08", "days": days, "seed": draw(st.integers(0, 10)),
        "fleet": fleet, "requirements": requirements, "events": events, "airfields": airfields,
        "airspace": draw(st.sampled_from([None, {"situation": "dec2024"}])),
        "catalogue_fuel_stops": draw(st.booleans()),
        "stochastic": draw(st.sampled_from([None, {
            "mission_capable": 0.7, "break_per_sortie": 0.1, "repair_h": {"mean": 12, "cv": 0.7},
            "ground_time_cv": 0.3, "outages": {"probability_per_day": 0.2, "duration_h": 10},
        }])),
    })


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_cargo_is_conserved(scenario):
    s = run(scenario).summary
    assert abs(s["requested_t"] - (s["delivered_t"] + s["in_transit_t"] + s["backlog_t"])) < 1e-6
    for r in s["by_requirement"]:
        assert abs(r["requested_t"] - (r["delivered_t"] + r["in_transit_t"] + r["backlog_t"])) < 1e-6
        assert r["delivered_t"] >= -1e-9 and r["in_transit_t"] >= -1e-9 and r["backlog_t"] >= -1e-9
    assert s["delivered_t"] <= s["requested_t"] + 1e-6
    # ... and per place: what waits at each airfield adds up to the backlog
    for r in s["by_requirement"]:
        assert abs(sum(r["waiting_at_t"].values()) - r["backlog_t"]) < 1e-6


# A daily generation whose clock hour, accumulated day by day, differs in the last bit from day * 24.
FOUND_ROUNDING = Scenario.model_validate({
    "name": "random", "start_date": "2024-12-08", "days": 9, "fleet": [{"type": "An-124-100", "count": 3, "base": "OSLK"}],
    "requirements": [{"from": "OSLK", "to": "HL59", "tons_per_day": 1.0, "day": 6.493210530739357}],
})


# An airspace event at the last hour of the run, which never takes effect: the check of stranded aircraft
# must judge reach under the airspace in force before it.
EVENT_AT_THE_HORIZON = Scenario.model_validate({
    "name": "random", "start_date": "2024-12-08", "days": 1, "fleet": [{"type": "An-124-100", "count": 1, "base": "OSLK"}],
    "requirements": [{"from": "OSLK", "to": "HL59", "tons_per_day": 1.0, "day": 0.0}],
    "events": [{"day": 1.0, "close_airspace": ["SYR"]}],
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
@example(FOUND_ROUNDING)
@example(EVENT_AT_THE_HORIZON)
def test_every_random_run_passes_the_trace_checker(scenario):
    # Closures while airborne, MOG changes (to 0 too), outages, breaks at fuel stops, airspace events:
    # the records obey every rule of sim.results.checks (fuel, mass, runways, MOG, closures, cargo per place).
    result = run(scenario)
    assert check_result(result) == []
    delivered = sum(result.output.records.deliveries["tons"])
    assert abs(delivered - result.summary["delivered_t"]) < 1e-6


@settings(max_examples=15, deadline=None)
@given(scenarios(), st.integers(0, 5))
def test_reproducible(scenario, replication):
    assert run(scenario, replication=replication).sortie_rows == run(scenario, replication=replication).sortie_rows


@st.composite
def crowded_micro_scenarios(draw):
    """The micro world (ORIG -> DEST, 1.5 h legs) with one to three parking spots an airfield, up to six
    aircraft, and closures and reopenings minutes apart (an aircraft may divert, and its first destination
    close again while it does), with or without crews, outages and breakdowns."""
    airfields = {k: {**v, "mog": draw(st.integers(1, 2)), "parking_mog": draw(st.integers(1, 3))}
                 for k, v in BASE["airfields"].items()}
    events = []
    for _ in range(draw(st.integers(0, 4))):
        day = draw(st.floats(0.05, 3.0))
        ident = draw(st.sampled_from(sorted(airfields)))
        events.append({"day": day, "close": ident})
        if draw(st.booleans()):
            events.append({"day": day + draw(st.floats(0.005, 0.3)), "reopen": ident})
    stochastic = draw(st.sampled_from([None, {"break_per_sortie": 0.1, "repair_h": {"mean": 5, "cv": 0.5},
                                              "outages": {"airfields": ["DEST"], "probability_per_day": 0.4,
                                                          "duration_h": 6}}]))
    return micro(days=4, airfields=airfields, events=events, stochastic=stochastic,
                 fleet=[{"type": "Il-76MD", "count": draw(st.integers(2, 6)), "base": draw(st.sampled_from(["ORIG", "DEST"]))}],
                 requirements=[{"from": "ORIG", "to": "DEST", "tons": 100_000}],
                 operations={"crews": draw(st.booleans()), "parking_holds": True})


CLOSED_AGAIN_WHILE_DIVERTING = micro(  # the first destination closes again while an aircraft diverts from it
    days=1, events=[{"day": 0.75, "close": "DEST"}, {"day": 0.7583, "reopen": "DEST"}, {"day": 0.7667, "close": "DEST"}])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_micro_scenarios())
@example(CLOSED_AGAIN_WHILE_DIVERTING)
def test_every_run_with_crowded_parking_and_bursts_of_closures_passes_the_trace_checker(scenario):
    # Spots handed in the parking line, recalls, crew rests with spots held, diversions: every rule holds.
    assert check_result(run(scenario)) == []
