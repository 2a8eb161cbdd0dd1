"""Every sortie flyable: tiny scenarios with hand-computed answers, and the trace checker on every
shipped scenario and on random ones."""

from __future__ import annotations

import math

import pytest
from helpers import BASE, ROOT, equator, scenario

from sim import load_scenario, run
from sim.flight import performance
from sim.results.checks import check_result, check_trace
from sim.results.tables import ground_table

SHIPPED = sorted([*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scenarios/validation/*.yaml")])



def test_an_aircraft_beyond_its_point_of_no_return_diverts_to_a_dry_field_and_is_reported_stranded():
    # ORIG -> DEST 6,000 km; DRY (no fuel) 500 km short of DEST. DEST closes 90 % of the way: the aircraft
    # cannot turn back 5,400 km, diverts to DRY (about 100 km away), and cannot leave it: no fuel there,
    # ORIG 5,500 km away and DEST closed. It is counted as stranded, not left silently idle.
    airfields = equator(ORIG=(0, True), DEST=(6000, True), DRY=(5500, False))
    closes_h = 3 + 0.9 * (6000 / 780 + 0.5)  # onload 3 h, then 90 % of the block time
    result = run(scenario(days=2, airfields=airfields, legs=[], requirements=[{"from": "ORIG", "to": "DEST", "tons": 20}],
                          events=[{"day": closes_h / 24, "close": "DEST"}]))
    diverted = [r for r in result.sortie_rows if r["purpose"] == "diverted"]
    assert [r["destination"] for r in diverted] == ["DRY"]
    assert diverted[0]["distance_km"] == pytest.approx(5400 + 100, rel=1e-3)  # flown, then on to DRY
    assert diverted[0]["fuel_landing_t"] > 0
    s = result.summary
    assert s["stranded_at_end"] == 1 and s["stranded"][0]["airfield"] == "DRY"
    payload = diverted[0]["payload_t"]  # 6,000 km limits the load below 20 t; the rest is still at ORIG
    assert s["by_requirement"][0]["waiting_at_t"] == {"DRY": pytest.approx(payload), "ORIG": pytest.approx(20 - payload)}
    assert check_result(result) == []


def test_runway_limits_the_take_off_mass_at_the_origin():
    # An-124 from a 2,600 m runway (Bangui): take-off at most 402 t * sqrt(2,600 / 3,000) = 374.2 t.
    # 6,000 km to a long runway with 120 t wanted: the runway, not the fuel, sets the payload.
    airfields = equator(ORIG=(0, True), DEST=(6000, True))
    airfields["ORIG"]["runway_m"] = 2600
    airfields["DEST"]["runway_m"] = 3600
    result = run(scenario(days=2, airfields=airfields, legs=[], fleet=[{"type": "An-124-100", "count": 1, "base": "ORIG"}],
                          aircraft={"An-124-100": {"planning_load_t": 120}}))
    first = result.sortie_rows[0]
    assert first["takeoff_mass_t"] == pytest.approx(402 * math.sqrt(2600 / 3000), abs=1e-6)
    kind = result.output.world.aircraft["An-124-100"]
    km = first["distance_km"]
    assert km == pytest.approx(6000, rel=1e-3)
    assert first["payload_t"] == pytest.approx(performance.hop_payload_t(kind, km, 0, 2600, 3600))
    assert first["payload_t"] < performance.hop_payload_t(kind, km, 0, 3600, 3600)
    assert check_result(result) == []


def test_cargo_offloaded_at_a_fuel_stop_waits_there_and_is_moved_on_from_there():
    # ORIG -> MIDL -> DEST, 3,900 km each (too far direct). The loaded aircraft lands at MIDL at 8.5 h;
    # DEST closes at 9 h, during its 2.25 h fuel stop, so it offloads its 30 t at MIDL (10.75-11.75 h).
    # DEST reopens at 24 h: the aircraft, still at MIDL, loads those 30 t there (24-27 h), flies on
    # (5.5 h) and delivers at 33.5 h. The cargo never goes back to ORIG.
    airfields = equator(ORIG=(0, True), MIDL=(3900, True), DEST=(7800, True))
    result = run(scenario(days=2, airfields=airfields, legs=[], catalogue_fuel_stops=False,
                          events=[{"day": 9 / 24, "close": "DEST"}, {"day": 1, "reopen": "DEST"}]))
    ground = ground_table(result.output)
    at_midl = [(g["activity"], g["start_h"], g["end_h"], g["payload_t"]) for g in ground if g["airfield"] == "MIDL"]
    # (the equator geodesic is 3,900.08 km, hence the tolerance of a few seconds)
    rounded = [(a, round(b, 3), round(c, 3), p) for a, b, c, p in at_midl]
    assert ("offload", 10.75, 11.75, 30) in rounded and ("onload", 24.0, 27.0, 30) in rounded
    deliveries = result.output.records.deliveries
    assert list(deliveries["time_h"]) == [pytest.approx(33.5, abs=1e-3)] and list(deliveries["tons"]) == [30]
    assert check_result(result) == []


def test_refuelling_is_part_of_the_planning_ground_time_unless_sequential():
    plain = run(scenario(days=1, aircraft={"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "refuel_h": 1}}))
    sequential = run(scenario(days=1, aircraft={"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "refuel_h": 1,
                                                             "refuel_sequential": True}}))
    onload = [g for g in ground_table(plain.output) if g["activity"] == "onload"][0]
    assert onload["end_h"] - onload["start_h"] == 3  # onload_h, refuelling included
    onload = [g for g in ground_table(sequential.output) if g["activity"] == "onload"][0]
    assert onload["end_h"] - onload["start_h"] == 4  # onload_h + refuel_h


def test_the_checker_finds_what_breaks_the_rules():
    result = run(scenario(days=2))
    world, ground = result.output.world, ground_table(result.output)
    horizon = result.output.horizon_h

    def problems(sorties, rows=ground):
        return check_trace(world, sorties, rows, [], [], horizon)

    assert problems(result.sortie_rows) == []
    heavy = [dict(r) for r in result.sortie_rows]
    heavy[0]["payload_t"] += 60  # overweight, and more than was loaded
    heavy[0]["takeoff_mass_t"] += 60
    found = problems(heavy)
    assert any("take-off mass" in p for p in found) and any("carries" in p for p in found)
    dry = [dict(r) for r in result.sortie_rows]
    dry[0]["fuel_takeoff_t"] = 1.0
    dry[0]["takeoff_mass_t"] = world.aircraft["Il-76MD"].oew_t + dry[0]["payload_t"] + 1.0
    assert any("needs" in p for p in problems(dry))
    jump = [dict(r) for r in result.sortie_rows]
    jump[1]["origin"] = "ORIG"
    assert any("next leg leaves" in p for p in problems(jump))
    crowded = [dict(g) for g in ground]
    for g in crowded:
        g["start_h"], g["end_h"] = 0.0, 100.0  # every turn at once: 11 spots held on a 10-spot ramp
    crowded += [dict(crowded[0], aircraft=f"extra#{k}@ORIG") for k in range(10)]
    assert any("spot granted" in p for p in problems(result.sortie_rows, crowded))
    closed = check_trace(world, result.sortie_rows, ground, [{"airfield": "DEST", "from_h": 0.0, "to_h": None}], [], horizon)
    assert any("while it is closed" in p for p in closed)


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_scenario_passes_the_checker(path):
    s = load_scenario(path)
    for replication in range(1 if s.stochastic is None else 2):
        result = run(s, replication=replication)
        assert check_result(result) == [], (path.stem, replication)
        summary = result.summary
        assert summary["stranded_at_end"] == 0


def test_aircraft_names_are_unique_when_two_fleet_entries_share_type_and_base():
    s = scenario(days=1, fleet=[{"type": "Il-76MD", "count": 1, "base": "ORIG"}, {"type": "Il-76MD", "count": 2, "base": "ORIG"}])
    result = run(s)
    names = {row["aircraft"] for row in result.sortie_rows}
    assert names == {"Il-76MD#1@ORIG", "Il-76MD#2@ORIG", "Il-76MD#3@ORIG"}
    assert check_result(result) == []


@pytest.mark.slow
def test_the_library_leaves_the_matplotlib_backend_alone():
    # Notebooks keep their inline charts only if importing the plotting modules changes nothing global.
    import os
    import subprocess
    import sys

    code = "import matplotlib; import sim.results.plots, sim.results.maps, sim.results.reading; print(matplotlib.get_backend())"
    env = {**os.environ, "MPLBACKEND": "svg"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "svg"
