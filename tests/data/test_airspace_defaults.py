"""The December 2024 airspace follows sim/data/airspace.yaml's evidence: Georgia and Azerbaijan closed to
Russian state flights unless a scenario opens them; Armenia open. And al-Khadim's catalogue fuel follows
the EMERCOM flight on to Bamako."""

from __future__ import annotations

import pytest

from sim.data import catalog, countries
from sim.geo import airspace


def _route(a: str, b: str, policy: airspace.AirspacePolicy):
    return airspace.legal_route(catalog.airfield(a), catalog.airfield(b), policy)


def test_georgia_and_azerbaijan_are_closed_in_december_2024_and_armenia_open():
    policy = airspace.make_policy(situation="dec2024")
    assert {"GEO", "AZE"} <= policy.closed and "ARM" not in policy.closed
    graded = countries.overflight_assumptions()
    assert graded["GEO"].grade == graded["AZE"].grade == "assumed"
    assert graded["ARM"].value is True


@pytest.mark.slow
def test_routes_from_russia_go_round_georgia_and_azerbaijan_unless_opened():
    closed = airspace.make_policy(situation="dec2024")
    opened = airspace.make_policy(situation="dec2024", opened=["GEO", "AZE"])
    hmeimim = _route("UUMU", "OSLK", closed)
    assert not {"GEO", "AZE"} & set(hmeimim.countries) and "IRN" in hmeimim.countries
    assert hmeimim.length_km == pytest.approx(3492.0, abs=1.0)
    assert _route("UUMU", "OSLK", opened).length_km == pytest.approx(3027.3, abs=1.0)
    khadim = _route("URMF", "HL59", closed)
    assert "GEO" not in khadim.countries and khadim.length_km == pytest.approx(2494.6, abs=1.0)
    assert _route("URMF", "HL59", opened).length_km == pytest.approx(2430.6, abs=1.0)


def test_al_khadim_has_fuel_derived_from_the_emercom_flight():
    khadim = catalog._curated_airfields()["HL59"]
    assert catalog.airfield("HL59").fuel is True
    assert khadim["fuel"]["grade"] == "derived" and "EMERCOM" in khadim["fuel"]["source"]
    assert (khadim["fuel"]["low"], khadim["fuel"]["high"]) == (False, True)
    assert (khadim["parking_mog"]["low"], khadim["parking_mog"]["high"]) == (2, 8)
