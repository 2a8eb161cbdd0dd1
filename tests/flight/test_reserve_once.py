"""The fixed reserve is counted once on a round trip and on a tankering leg into a dry field: the outbound
hop lands with the fuel the empty return burns (planned with the range reserve) plus one fixed reserve,
which the return still holds when it lands home."""

from __future__ import annotations

import math

import pytest
from helpers import equator, scenario

from sim import run
from sim.data import catalog
from sim.flight import performance
from sim.flight.reach import round_trip_payload_caps, round_trip_payload_t
from sim.results.checks import check_result

IL76 = catalog.aircraft_catalog()["Il-76MD"]


def _hand(out_km: float) -> dict[str, float]:
    """The Il-76MD round trip by hand: OEW 92 t, MTOW 190 t, MLM 151.5 t, tanks 87 t, range reserve 10 %."""
    k, reserve = IL76.range_factor_km, IL76.reserve_fuel_t
    growth = math.exp(out_km * 1.1 / k)  # take-off / landing mass, planned
    landed = (92 + reserve) * (growth - 1) + reserve  # return burn (planned) + the reserve, once
    return {"tanks": (87 - landed) / (growth - 1) - 92 - landed, "MTOW": 190 / growth - 92 - landed,
            "MLM": 151.5 / math.exp(0.1 * out_km / k) - 92 - landed, "landed": landed}


def test_the_fitted_il76_numbers_the_hand_answers_use():
    assert IL76.range_factor_km == pytest.approx(14_106, abs=1)
    assert IL76.reserve_fuel_t == pytest.approx(7.8)


def test_chkalovsky_to_al_khadim_round_trip_carries_about_16_t_not_0_7():
    # 3,364.5 km by Turkey each way: growth 1.300; the return burns 99.8 x 0.300 = 29.9 t and lands with
    # 7.8 t, so the outbound lands with 37.7 t (not 45.5 t). MTOW: 190 / 1.300 - 92 - 37.7 = 16.4 t binds.
    hand = _hand(3364.5)
    assert hand["landed"] == pytest.approx(37.74, abs=0.01)
    assert hand["MTOW"] == pytest.approx(16.41, abs=0.01)
    origin, dest = catalog.airfield("UUMU"), catalog.airfield("HL59")
    caps = round_trip_payload_caps(IL76, origin, dest, 3364.5)
    assert caps["MTOW"] == pytest.approx(hand["MTOW"], abs=1e-6)
    assert caps["fuel capacity"] == pytest.approx(hand["tanks"], abs=1e-6)
    assert round_trip_payload_t(IL76, origin, dest, 3364.5) == pytest.approx(16.4, abs=0.05)


def test_mozdok_to_al_khadim_round_trip_carries_about_28_t_not_20_5():
    # 2,430.6 km: growth 1.2087; the outbound lands with 20.8 + 7.8 = 28.6 t; landing mass binds:
    # 151.5 / exp(0.1 x 2,430.6 / 14,106) - 92 - 28.6 = 28.3 t.
    hand = _hand(2430.6)
    assert hand["MLM"] == pytest.approx(28.28, abs=0.01)
    origin, dest = catalog.airfield("URMF"), catalog.airfield("HL59")
    caps = round_trip_payload_caps(IL76, origin, dest, 2430.6)
    assert "return runway" not in caps
    assert min(caps.values()) == pytest.approx(hand["MLM"], abs=1e-6)


def test_an_empty_round_trip_at_the_limit_of_the_tanks_is_still_flyable():
    # The farthest empty round trip: the return fuel exactly fills the tanks' allowance; 0 t, not -inf.
    origin, dest = catalog.airfield("URMF"), catalog.airfield("HL59")
    km = 3000.0
    low, high = 0.0, 20_000.0
    for _ in range(60):
        km = (low + high) / 2
        low, high = (km, high) if round_trip_payload_t(IL76, origin, dest, km) > 0 else (low, km)
    assert round_trip_payload_t(IL76, origin, dest, low) == pytest.approx(0.0, abs=1e-3)


def test_the_return_fuel_keeps_one_reserve():
    assert performance.return_fuel_t(IL76, 2000) + IL76.reserve_fuel_t == pytest.approx(
        performance.required_fuel_t(IL76, 2000, 0.0))


def test_a_shuttle_into_a_dry_field_lands_with_the_return_fuel_and_one_reserve():
    # ORIG (fuel) -> DRY (no fuel) 2,400 km on the equator; the aircraft shuttles cargo and flies home empty.
    airfields = equator(ORIG=(0, True), DRY=(2400, False))
    result = run(scenario(days=2, airfields=airfields, legs=[],
                          requirements=[{"from": "ORIG", "to": "DRY", "tons": 200}], aircraft={"Il-76MD": {
                              "planning_load_t": 47, "onload_h": 3, "offload_h": 1}}))
    kind = result.output.world.aircraft["Il-76MD"]
    rows = result.sortie_rows
    out = next(r for r in rows if r["destination"] == "DRY")
    back = next(r for r in rows if r["origin"] == "DRY")
    km = out["distance_km"]
    # Planned to land with the return's planned burn and the reserve once; flown without the range
    # reserve, it lands with that plus what the unflown 10 % would have burned.
    planned_landing = performance.return_fuel_t(kind, km) + kind.reserve_fuel_t
    assert out["fuel_takeoff_t"] == pytest.approx(
        performance.required_fuel_t(kind, km, out["payload_t"], performance.return_fuel_t(kind, km)))
    assert planned_landing < out["fuel_landing_t"] < planned_landing + 0.1 * out["fuel_takeoff_t"]
    assert out["payload_t"] == pytest.approx(min(47.0, performance.hop_payload_t(
        kind, km, performance.return_fuel_t(kind, km))), abs=1e-6)
    # The return lands home with at least the fixed reserve.
    assert back["fuel_landing_t"] >= kind.reserve_fuel_t - 1e-9
    assert check_result(result) == []
