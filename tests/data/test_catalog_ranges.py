"""Every assumed or derived catalogue number carries the range an uncertainty study varies it over."""

from __future__ import annotations

import json

import pytest

from sim.data import catalog

# Re-graded with their ranges by another change (issue 24): the crew fields and al-Khadim (HL59).
CREW_FIELDS = {"crews_per_aircraft", "crew_duty_h", "crew_rest_h", "crew_show_h", "crew_debrief_h", "crew_flight_h_per_30d"}


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def test_every_assumed_or_derived_aircraft_number_has_a_range_that_holds_its_value():
    missing = []
    for name, kind in catalog.aircraft_catalog().items():
        for key, p in kind.provenance.items():
            if key in CREW_FIELDS or key in catalog.DERIVED_AIRCRAFT_FIELDS or not _is_number(p.value):
                continue
            if p.grade in ("assumed", "derived"):
                if p.low is None:
                    missing.append(f"{name}.{key}")
                else:
                    assert p.low <= p.value <= p.high, f"{name}.{key}"
                    assert "range:" in p.source, f"{name}.{key}: the source gives the reason for the range"
    assert missing == []


def test_every_assumed_curated_airfield_number_has_a_range_except_al_khadim():
    missing = [f"{i}.{k}" for i in catalog.curated_idents() if i != "HL59"
               for k, p in catalog.airfield(i).provenance.items()
               if p.grade in ("assumed", "derived") and _is_number(p.value) and p.low is None]
    assert missing == []
    oslk = catalog.airfield("OSLK").provenance["parking_mog"]
    assert (oslk.low, oslk.value, oslk.high) == (6, 12, 16)


def test_equipment_numbers_carry_ranges_too():
    for key, item in catalog.equipment_catalog().items():
        for field, p in item.provenance.items():
            if p.grade in ("assumed", "derived"):
                assert p.low is not None and p.low <= p.value <= p.high, f"{key}.{field}"


def test_the_disputed_il76_range_point_carries_both_sources():
    points = catalog.aircraft_catalog()["Il-76MD"].provenance["payload_range_points"].value
    forty = next(p for p in points if p["payload_t"] == 40)
    assert (forty["low"], forty["range_km"], forty["high"]) == (4200, 4400, 4400)


@pytest.mark.parametrize("low, value, high", [(5, 4, 6), (1, 2, None), (1, "x", 3)])
def test_a_range_that_does_not_hold_its_value_is_refused(low, value, high):
    with pytest.raises(catalog.CatalogError, match="aircraft.yaml: X.onload_h"):
        catalog.checked_range(value, low, high, "aircraft.yaml: X.onload_h")


def test_a_range_on_a_crew_field_is_accepted_when_it_arrives():
    entry = {"value": 3.0, "low": 1.5, "high": 3.0, "grade": "assumed", "source": "range: no Russian figure"}
    p = catalog._provenance(entry, "aircraft.yaml: Il-76MD.crews_per_aircraft")
    assert (p.low, p.high, p.ranged) == (1.5, 3.0, True)


def test_catalog_command_shows_the_ranges(capsys):
    from sim.cli import app

    with pytest.raises(SystemExit) as done:
        app(["catalog", "airfields", "--json"], standalone_mode=True)
    assert done.value.code in (0, None)
    data = json.loads(capsys.readouterr().out)
    assert data["HLLB"]["parking_mog"]["low"] == 3 and data["HLLB"]["parking_mog"]["high"] == 9
