"""`airlift estimate`: a row may stand for several flights or a minimum ("at least"), and each load is
capped by the model's own trip rules (into a field without fuel, the fuel back is carried)."""

from __future__ import annotations

import pytest

from sim.data import catalog
from sim.experiments import estimate
from sim.flight.reach import round_trip_payload_t
from sim.geo import airspace


@pytest.mark.parametrize(("text", "expected"), [
    ("", (1, False)), ("3", (3, False)), ("3+", (3, True)), (">=3", (3, True)), ("at least 3", (3, True)),
    (">3", (4, True)), ("More than 3", (4, True)), ("three", None)])
def test_counts_read_exact_or_as_minimums(text, expected):
    assert estimate.parse_count(text) == expected


def test_a_minimum_count_makes_the_total_a_minimum_and_counts_multiply(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("date,type,origin,destination,count\n2024-12-09,Il-76MD,UMLI,HLLB,at least 3\n"
                    "2024-12-10,Il-76MD,UMLI,HLLB,2\n")
    flights = estimate.read_flights(path)
    assert [(f.count, f.at_least) for f in flights] == [(3, True), (2, False)]
    result = estimate.estimate(flights, airspace.make_policy(situation="dec2024"), draws=2000)
    assert result["total"]["flights"] == 5 and result["total"]["at_least"] is True
    one = result["flights"][1]["mean_t"] / 2
    assert result["flights"][0]["mean_t"] == pytest.approx(3 * one, rel=0.05)


def test_a_bad_count_is_one_clear_problem(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("date,type,origin,destination,count\n2024-12-09,Il-76MD,UMLI,HLLB,lots\n")
    with pytest.raises(estimate.FlightsError) as err:
        estimate.read_flights(path)
    assert "count" in str(err.value) and ":2:" in str(err.value)


def test_into_a_field_without_fuel_the_load_follows_the_models_round_trip_rule():
    policy = airspace.make_policy(situation="dec2024")
    flight = estimate.Flight("2024-12-14", "Il-76MD", "OSLK", "HL59")
    dry = estimate.estimate([flight], policy, draws=500, dry=frozenset({"HL59"}))["flights"][0]
    wet = estimate.estimate([flight], policy, draws=500)["flights"][0]
    kind = catalog.aircraft_catalog()["Il-76MD"]
    km = dry["route_km"]
    assert dry["cap_t"] == pytest.approx(round_trip_payload_t(kind, catalog.airfield("OSLK"), catalog.airfield("HL59"), km))
    assert dry["cap_t"] < 40 < wet["cap_t"] == 47.0
