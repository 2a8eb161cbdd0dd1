"""Payload-range envelope, runway limits and flight time."""

from hypothesis import given
from hypothesis import strategies as st

from sim import performance
from sim.catalog import aircraft_catalog

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


def test_reserve_stretches_the_leg():
    md = CATALOG["Il-76MD"]  # 10 % reserve: a 4,000 km leg is planned as 4,400 km -> 40 t
    assert abs(performance.planned_payload_t(md, 4000) - 40) < 1e-9
    assert abs(performance.planned_range_km(md, 40) - 4000) < 1e-9


@given(st.sampled_from(sorted(CATALOG)), st.floats(0, 20000), st.floats(0, 20000))
def test_payload_never_rises_with_distance(name, d1, d2):
    kind = CATALOG[name]
    near, far = sorted((d1, d2))
    assert performance.envelope_payload_t(kind, far) <= performance.envelope_payload_t(kind, near)


def test_runway_limit_between_minimum_and_full_load():
    an124 = CATALOG["An-124-100"]  # full load from 3,000 m, nothing below 2,500 m
    assert performance.runway_payload_t(an124, 3200) == 120
    assert performance.runway_payload_t(an124, 2600) == 120 * 100 / 500  # Bangui
    assert performance.runway_payload_t(an124, 2400) < 0
    assert performance.runway_payload_t(an124, None) == 120


def test_flight_time_is_cruise_plus_allowance():
    md = CATALOG["Il-76MD"]
    assert performance.flight_h(md, 3900) == 3900 / 780 + 0.5


def test_every_catalogue_number_has_a_grade_and_source():
    for kind in CATALOG.values():
        for field, prov in kind.provenance.items():
            assert prov.grade in {"sourced", "derived", "assumed"}, (kind.name, field)
            assert prov.source.strip(), (kind.name, field)
