"""Reach and payload-range: the planning rule, the CLI's JSON shape, bad input, the reach report."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app
from sim.data import catalog
from sim.data.catalog import Airfield
from sim.flight import performance
from sim.flight.reach import reach, round_trip_payload_caps, round_trip_payload_t
from sim.geo import airspace
from sim.reports import reach_report as report

runner = CliRunner()
TYPES = list(catalog.aircraft_catalog())


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@given(kind=st.sampled_from(TYPES), d1=st.floats(0, 15_000), d2=st.floats(0, 15_000))
def test_max_payload_falls_as_distance_grows(kind, d1, d2):
    aircraft = catalog.aircraft_catalog()[kind]
    near, far = sorted((d1, d2))
    assert performance.planned_payload_t(aircraft, far) <= performance.planned_payload_t(aircraft, near)


def test_reach_rows_agree_with_the_range():
    kind = catalog.aircraft_catalog()["Il-76MD"]
    origin = catalog.airfield("UUMU")
    dests = [catalog.airfield(i) for i in ("HLLB", "HL69", "GABS", "HSPN", "URMF")]
    result = reach(kind, origin, 40.0, airspace.make_policy(situation="dec2024"), dests)
    # 40 t -> 4,400 km published; the mass model fitted to the envelope gives 4,328 km (-1.6 %), and
    # 3,934 km planned with the 10 % reserve.
    assert result.envelope_range_km == pytest.approx(4400.0)
    assert result.max_range_km == pytest.approx(performance.mass_model_range_km(kind, 40) / 1.1)
    assert result.max_range_km == pytest.approx(4000.0, rel=0.05)
    for row in result.rows:
        assert row.reachable == (row.route.length_km <= result.max_range_km + 1e-6)
    by_km = sorted((r for r in result.rows if r.max_payload_t is not None), key=lambda r: r.route.length_km)
    payloads = [r.max_payload_t for r in by_km]
    assert payloads == sorted(payloads, reverse=True)


def test_reach_json_marks_bamako_unreachable_for_a_loaded_il76():
    result = invoke("reach", "--type", "Il-76MD", "--from", "UUMU", "--payload-t", "40", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"type", "origin", "payload_t", "closed", "max_range_km", "airfields"} <= set(data)
    assert data["type"] == "Il-76MD" and data["origin"] == "UUMU" and data["payload_t"] == 40
    assert "December 2024" in data["airspace_note"]
    fields = {a["icao"]: a for a in data["airfields"]}
    from sim.data import presence

    assert set(fields) == (set(catalog.curated_idents()) | set(presence.airfields())) - {"UUMU"}  # Malabo too
    for a in fields.values():
        assert {"icao", "name", "country", "great_circle_km", "route_km", "reachable", "max_payload_t"} <= set(a)
        if a["route_km"] is not None:
            assert a["route_km"] >= a["great_circle_km"] - 0.1
    assert fields["GABS"]["reachable"] is False
    assert fields["HLLB"]["reachable"] is True
    assert fields["GABS"]["route_km"] > data["max_range_km"]


def test_reach_with_open_skies_uses_great_circles(tmp_path):
    result = invoke("reach", "--type", "An-124-100", "--from", "UMLI", "--payload-t", "0", "--closed", "", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["closed"] == []
    for a in data["airfields"]:
        assert a["route_km"] == pytest.approx(a["great_circle_km"], rel=0.005)


@pytest.mark.slow
def test_reach_with_codes_and_a_map(tmp_path):
    png = tmp_path / "reach.png"
    result = invoke("reach", "--type", "Il-76MD", "--from", "URMF", "--payload-t", "20", "--closed", "EU,UKR,TUR",
                    "--map", png)
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert invoke("reach", "--type", "Il-76MD", "--from", "URMF", "--payload-t", "20", "--map", png).exit_code == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--type", "Il-76XX", "--from", "UUMU", "--payload-t", "10"], "unknown aircraft type"),
    (["--type", "Il-76MD", "--from", "ZZZZ", "--payload-t", "10"], "unknown airfield"),
    (["--type", "Il-76MD", "--from", "UUMU", "--payload-t", "-5"], "0 or more"),
    (["--type", "Il-76MD", "--from", "UUMU", "--payload-t", "48"], "maximum payload of 47"),
    (["--type", "Il-76MD", "--from", "UUMU", "--payload-t", "10", "--closed", "EU,XYZ"], "unknown country code"),
])
def test_reach_bad_input_exits_2_with_a_message(args, message):
    result = invoke("reach", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_payload_range_table_and_chart(tmp_path):
    png = tmp_path / "pr.png"
    result = invoke("payload-range", "--type", "Il-76MD-90A", "--json", "--png", png)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    published = {r["payload_t"]: r["range_km"] for r in data["rows"] if r["published"]}
    assert published == {60.0: 4000.0, 52.0: 5000.0, 48.0: 5500.0, 40.0: 6500.0, 0.0: 9700.0}
    ranges = [r["range_km"] for r in data["rows"]]
    assert ranges == sorted(ranges)  # rows run from heaviest to lightest
    assert png.stat().st_size > 10_000
    assert invoke("payload-range", "--type", "Nope").exit_code == 2


def test_report_rows_and_tables():
    cases = report.default_cases()[:1]
    rows = report.reach_rows(origins=("UUMU",), destinations=("HLLB", "GABS"), cases=cases, types=["Il-76MD"])
    assert len(rows) == 2 * len(report.PAYLOADS)
    by = {(r["destination"], r["payload"]): r for r in rows}
    assert by[("HLLB", "40")]["nonstop"] and not by[("GABS", "40")]["nonstop"]
    assert by[("HLLB", "max")]["payload_t"] == 47
    assert set(report.COLUMNS) == set(rows[0])
    # Benina round trip from Chkalovsky (the fixed reserve counted once): 14.9 t.
    assert by[("HLLB", "0")]["round_trip_payload_t"] == pytest.approx(14.9, abs=0.05)
    assert by[("HLLB", "0")]["round_trip_limited_by"] == "MTOW"
    assert by[("HLLB", "0")]["return_route_km"] == by[("HLLB", "0")]["route_km"]
    text = report.markdown(rows, cases, "test", "Natural Earth")
    assert "| UUMU | Il-76MD |" in text and "Round trip, not refuelled at the destination:" in text


def test_report_destinations_are_the_countries_with_a_russian_military_presence():
    from sim.data import presence

    listed = presence.russian_presence()
    assert report.DESTINATIONS == tuple(i for p in listed.values() for i in p.airfields)
    assert {catalog.airfield(i).country for i in report.DESTINATIONS} == set(listed)


# --- round trip: there and back without refuelling at the destination ----------------------------------

IL76 = catalog.aircraft_catalog()["Il-76MD"]
MOSCOW = Airfield("AAAA", "origin", "RUS", 55.0, 38.0, None, 4, True)
DRY = Airfield("BBBB", "destination without fuel", "LBY", 32.0, 21.0, None, 2, False)


def test_round_trip_payload_worked_by_hand():
    # Il-76MD over 3,364.5 km each way (Chkalovsky -> al-Khadim by Turkey), no runway limits. The return is
    # planned like any hop: 10 % range reserve, landing with the fixed reserve; its fuel (that reserve
    # included, once) is what the outbound hop lands with.
    a, d = IL76, 3364.5
    growth = math.exp(d * 1.1 / a.range_factor_km)  # take-off over landing mass of a planned hop
    back_fuel = (a.oew_t + a.reserve_fuel_t) * (growth - 1) + a.reserve_fuel_t
    keep = back_fuel  # aboard on landing at the destination: the return's fuel, its reserve included
    by_tanks = (a.fuel_capacity_t - keep) / (growth - 1) - a.oew_t - keep
    by_mtow = a.mtow_t / growth - a.oew_t - keep
    by_landing = a.max_landing_mass_t * math.exp(d / a.range_factor_km) / growth - a.oew_t - keep
    assert round_trip_payload_t(a, MOSCOW, DRY, d) == pytest.approx(min(by_tanks, by_mtow, by_landing, a.max_payload_t))
    # With the catalogue's numbers: MTOW binds at 16.4 t; the 87 t tanks would allow 34.5 t.
    assert by_tanks == pytest.approx(34.45, abs=0.01) and by_mtow == pytest.approx(16.41, abs=0.01)
    caps = round_trip_payload_caps(a, MOSCOW, DRY, d)
    assert min(caps, key=caps.get) == "MTOW"
    # One-way (refuelled at the destination) the same hop carries 46.4 t.
    assert performance.hop_payload_t(a, d) == pytest.approx(46.35, abs=0.01)


def test_round_trip_is_what_the_model_carries_into_an_airfield_without_fuel(micro):
    # The simulation's trip planner tankers the fuel for the empty hop back: the same number.
    from sim.model.trips import TripPlanner
    from sim.scenario.compile import build_world

    s = micro(airfields={"ORIG": {"lat": 10.0, "lon": 10.0, "country": "XXA", "mog": 10, "fuel": True},
                         "DEST": {"lat": 10.0, "lon": 17.0, "country": "XXB", "mog": 10, "fuel": False}},
              aircraft={}, legs=[{"from": "ORIG", "to": "DEST", "distance_km": 2400}])
    world = build_world(s)
    kind = world.aircraft["Il-76MD"]
    hop = TripPlanner(world, lambda _ident: True).hop(kind, "ORIG", "DEST", None)
    assert hop.payload_cap_t == pytest.approx(round_trip_payload_t(kind, world.airfields["ORIG"],
                                                                   world.airfields["DEST"], 2400.0))


@given(kind=st.sampled_from(TYPES), d=st.floats(0, 9000), back=st.floats(0, 9000))
def test_round_trip_never_carries_more_than_one_way_and_falls_with_the_way_back(kind, d, back):
    a = catalog.aircraft_catalog()[kind]
    one_way = performance.hop_payload_t(a, d)
    assert round_trip_payload_t(a, MOSCOW, DRY, d, back) <= one_way + 1e-9
    assert round_trip_payload_t(a, MOSCOW, DRY, d, back + 100.0) <= round_trip_payload_t(a, MOSCOW, DRY, d, back) + 1e-9


def test_reach_json_has_the_round_trip_payload_and_the_reserve_can_be_changed():
    def fields(*extra):
        result = invoke("reach", "--type", "Il-76MD", "--from", "UUMU", "--payload-t", "0", "--json", *extra)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        return data, {a["icao"]: a for a in data["airfields"]}

    data, by = fields()
    for a in by.values():
        assert {"round_trip_payload_t", "round_trip_limited_by", "return_route_km"} <= set(a)
        if a["round_trip_payload_t"] is not None:
            assert a["round_trip_payload_t"] <= a["max_payload_t"]
    assert by["HL59"]["fuel_at_destination"] is True  # derived from the EMERCOM flight on to Bamako (issue 24)
    assert by["HL59"]["round_trip_payload_t"] == pytest.approx(16.4, abs=0.05)  # MTOW: see the worked example
    assert by["HL59"]["round_trip_limited_by"] == "MTOW"
    assert by["HL59"]["return_route_km"] == by["HL59"]["route_km"]
    assert by["URMF"]["round_trip_payload_t"] > 30  # Mozdok, 1,423 km away
    no_reserve, by0 = fields("--reserve-pct", "0")
    assert no_reserve["range_reserve_frac"] == 0
    assert by0["HL59"]["round_trip_payload_t"] > by["HL59"]["round_trip_payload_t"] + 5  # 23.0 t against 16.4 t
    assert by0["HL59"]["max_payload_t"] >= by["HL59"]["max_payload_t"]
    bad = invoke("reach", "--type", "Il-76MD", "--from", "UUMU", "--payload-t", "0", "--reserve-pct", "-1")
    assert bad.exit_code == 2 and "--reserve-pct" in bad.output
