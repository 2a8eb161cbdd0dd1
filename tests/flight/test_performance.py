"""Payload-range envelope, the fuel-and-mass model, runway limits and flight time."""

import pytest

from sim.data.catalog import aircraft_catalog
from sim.flight import performance

CATALOG = aircraft_catalog()


def test_published_points_are_reproduced_exactly():
    md90a = CATALOG["Il-76MD-90A"]
    for payload, range_km in [(60, 4000), (52, 5000), (48, 5500), (40, 6500), (0, 9700)]:
        assert performance.envelope_payload_t(md90a, range_km) == payload
        assert performance.max_range_km(md90a, payload) == range_km


def test_interpolates_between_points_and_caps_at_max_payload():
    md = CATALOG["Il-76MD"]
    assert performance.envelope_payload_t(md, 4000) == 43.5  # halfway between (47, 3600) and (40, 4400)
    assert performance.envelope_payload_t(md, 1000) == 47
    assert performance.envelope_payload_t(md, 8300) == float("-inf")


def test_mass_model_reproduces_the_published_points_within_5_percent():
    # The envelope is the reference; the fuel-and-mass model every sortie obeys is fitted to it.
    # Where it cannot (documented in README "Aircraft performance"): the An-124-100M-150's ferry point is
    # 5.0 % short, because its 150 t / 3,000 km point (RIA) and 0 t / 16,000 km (Volga-Dnepr) pull K apart.
    known = {("An-124-100M-150", 0.0): 0.051}
    for kind in CATALOG.values():
        for payload, range_km, error in performance.mass_model_fit_error(kind):
            limit = known.get((kind.name, payload), 0.05)
            assert abs(error) <= limit + 1e-9, (kind.name, payload, range_km, f"{error:+.1%}")


def test_required_fuel_covers_the_stretched_hop_and_lands_with_reserve_and_onward_fuel():
    md = CATALOG["Il-76MD"]
    fuel = performance.required_fuel_t(md, 3000, 35, onward_fuel_t=10)
    takeoff = md.oew_t + 35 + fuel
    # Flying 3,300 km (10 % reserve) from that mass leaves exactly the reserve plus the onward fuel.
    assert performance.burn_t(md, 3300, takeoff) == pytest.approx(fuel - md.reserve_fuel_t - 10)
    # Breguet: mass falls by exp(-d / K); burning to a landing mass and from a take-off mass agree.
    landing = takeoff - performance.burn_t(md, 3000, takeoff)
    assert performance.fuel_to_reach_t(md, 3000, landing) == pytest.approx(takeoff - landing)


def test_hop_payload_respects_every_limit_at_its_maximum():
    md = CATALOG["Il-76MD"]
    for km in (500, 2000, 4000, 6000):
        for onward in (0, 20):
            p = performance.hop_payload_t(md, km, onward)
            if p < 0:
                continue
            fuel = performance.required_fuel_t(md, km, min(p, md.max_payload_t), onward)
            takeoff = md.oew_t + p + fuel
            landing = takeoff - performance.burn_t(md, km, takeoff)
            assert p <= md.max_payload_t + 1e-9
            assert fuel <= md.fuel_capacity_t + 1e-9
            assert takeoff <= md.mtow_t + 1e-9
            assert landing <= md.max_landing_mass_t + 1e-9
            # ... and one of them binds (it is the maximum, not just a feasible payload)
            slack = min(md.max_payload_t - p, md.fuel_capacity_t - fuel, md.mtow_t - takeoff,
                        md.max_landing_mass_t - landing)
            assert slack == pytest.approx(0, abs=1e-6), (km, onward)


def test_tankering_costs_payload_through_the_mass_budget():
    # The reported bug: 35 t payload + 83 t fuel on a 98 t (MTOW - OEW) budget. Never again.
    md = CATALOG["Il-76MD"]
    onward = performance.required_fuel_t(md, 3800, 0)  # fuel for the empty way home, carried there
    p = performance.hop_payload_t(md, 3800, onward)
    assert p + performance.required_fuel_t(md, 3800, p, onward) <= md.mtow_t - md.oew_t + 1e-9
    assert p < performance.hop_payload_t(md, 3800, 0)


def test_planned_range_inverts_planned_payload():
    for kind in CATALOG.values():
        for payload in (0, kind.planning_load_t, kind.max_payload_t * 0.9):
            km = performance.planned_range_km(kind, payload)
            assert performance.planned_payload_t(kind, km) == pytest.approx(payload, abs=1e-6) or \
                performance.planned_payload_t(kind, km) >= payload  # a flat cap (MLM) can hold it higher


def test_runway_limits_take_off_at_the_origin_and_landing_at_the_destination():
    an124 = CATALOG["An-124-100"]  # MTOW needs 3,000 m; take-off distance grows with mass squared
    assert performance.takeoff_limit_t(an124, 3200) == an124.mtow_t
    assert performance.takeoff_limit_t(an124, 2600) == pytest.approx(402 * (2600 / 3000) ** 0.5)  # Bangui: 374 t
    assert performance.takeoff_limit_t(an124, 2400) == float("-inf")  # below the shortest runway it uses
    assert performance.takeoff_limit_t(an124, None) == an124.mtow_t
    # Landing: an An-124 lands full on 2,500 m (Port Sudan), so the runway does not limit its landing mass.
    assert performance.landing_limit_t(an124, 2500) == an124.max_landing_mass_t
    full = an124.oew_t + an124.planning_load_t + an124.reserve_fuel_t
    assert performance.hop_payload_t(an124, 1000, 0, 3600, 2500) >= an124.planning_load_t
    assert full <= performance.landing_limit_t(an124, 2500)
    # Taking off from a short runway limits the payload more than landing on it.
    assert performance.hop_payload_t(an124, 4000, 0, 2600, 3600) < performance.hop_payload_t(an124, 4000, 0, 3600, 2600)


def test_flight_time_is_cruise_plus_allowance():
    md = CATALOG["Il-76MD"]
    assert performance.flight_h(md, 3900) == 3900 / 780 + 0.5


def test_every_catalogue_number_has_a_grade_and_source():
    for kind in CATALOG.values():
        for field, prov in kind.provenance.items():
            assert prov.grade in {"sourced", "derived", "assumed"}, (kind.name, field)
            assert prov.source.strip(), (kind.name, field)
