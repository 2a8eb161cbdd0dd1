"""One declaration per fact. Which scenario fields name an airfield, a country or an aircraft type is said
once, by their types (AirfieldRef, CountryRef, AircraftRef); the catalogue checks, the airfield list and
the editor schema all follow it. Names the scenario offers come from the registries they name."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from sim.model import events as runtime_events
from sim.model.dispatch import RULES
from sim.model.packing import CARGO_CLASSES
from sim.scenario.editor import editor_schema
from sim.scenario.fields import Ref, ref_sites, references
from sim.scenario.references import reference_problems
from sim.scenario.schema import AirfieldRef, CountryRef, Event, Scenario, json_schema


class Toy(BaseModel):
    """A model that only declares its references by type."""

    home: AirfieldRef
    stops: list[AirfieldRef] = []
    spots: dict[AirfieldRef, int] = {}
    closed: list[CountryRef] | None = None
    note: str = ""


def test_a_field_typed_as_a_reference_is_found_wherever_it_sits():
    data = {"home": "UUMU", "stops": ["OSLK", "HLGN"], "spots": {"LTAF": 2}, "closed": ["TUR"], "note": "UUEE"}
    found = [(loc, ref.kind, value) for loc, ref, value in references(Toy, data)]
    assert found == [(("home",), "airfield", "UUMU"), (("stops", 0), "airfield", "OSLK"),
                     (("stops", 1), "airfield", "HLGN"), (("spots", "LTAF"), "airfield", "LTAF"),
                     (("closed", 0), "country", "TUR")]


def test_the_sites_of_a_model_say_how_each_holds_its_references():
    sites = {(s.key, s.ref.kind, s.shape) for s in ref_sites(Toy)}
    assert sites == {("home", "airfield", "value"), ("stops", "airfield", "items"), ("spots", "airfield", "keys"),
                     ("closed", "country", "items")}


def test_data_of_the_wrong_shape_is_skipped_not_an_error():
    assert list(references(Toy, {"home": 7, "stops": "OSLK", "spots": ["x"]})) == [(("home",), Ref("airfield"), 7)]


def test_an_unknown_airfield_is_reported_at_every_airfield_field_of_the_scenario():
    sites = [s for s in ref_sites(Scenario) if s.ref.kind == "airfield"]
    assert {(s.model.__name__, s.key) for s in sites} >= {
        ("FleetEntry", "base"), ("FleetEntry", "crews_at"), ("Requirement", "from"), ("Requirement", "to"),
        ("Event", "close"), ("Event", "reopen"), ("Event", "mog"), ("LegOverride", "from"), ("LegOverride", "to"),
        ("Scenario", "fuel_stops"), ("Scenario", "airfields"), ("StochasticSpec", "maintenance_at"),
        ("Outages", "airfields")}
    data = {"days": 10, "fleet": [{"type": "Il-76MD", "count": 2, "base": "XXXA", "crews_at": {"XXXB": 1}}],
            "requirements": [{"from": "XXXC", "to": "XXXD", "tons": 10}],
            "events": [{"day": 1, "close": "XXXE"}, {"day": 2, "reopen": "XXXF"}, {"day": 3, "mog": {"XXXG": 1}}],
            "legs": [{"from": "XXXH", "to": "XXXI", "distance_km": 100}], "fuel_stops": ["XXXJ"],
            "airfields": {"XXXK": {"mog": 2}},
            "stochastic": {"maintenance_at": ["XXXL"], "outages": {"probability_per_day": 0.1, "airfields": ["XXXM"]}}}
    unknown = sorted(message.split("'")[1] for _, message in reference_problems(data, Scenario)
                     if message.startswith("unknown airfield"))
    assert unknown == [f"XXX{c}" for c in "ABCDEFGHIJKLM"]


def test_the_airfield_list_is_every_airfield_reference_in_first_mention_order():
    scenario = Scenario.model_validate({
        "name": "t", "start_date": "2024-12-01", "days": 10,
        "fleet": [{"type": "Il-76MD", "count": 2, "base": "UUMU"}],
        "requirements": [{"from": "UUMU", "to": "OSLK", "tons": 10}],
        "events": [{"day": 1, "close": "HLGN"}], "fuel_stops": ["LTAF"]})
    assert scenario.airfield_idents() == ["UUMU", "OSLK", "HLGN", "LTAF"]


def test_the_editor_offers_the_catalogue_at_every_reference_the_schema_declares():
    schema = editor_schema()
    for site in ref_sites(Scenario):
        props = schema["properties"] if site.model is Scenario else schema["$defs"][site.model.__name__]["properties"]
        text = str(props[site.key])
        if site.shape == "keys":
            assert site.ref.kind != "aircraft" or "propertyNames" in props[site.key]
        elif site.ref.kind == "airfield":
            assert "'enum'" in text and "UUMU" in text, site
        elif site.ref.kind == "country":
            assert "'enum'" in text and "TUR" in text, site
        else:
            assert "Il-76MD" in text, site


def _enum(definition: dict) -> list[str]:
    return definition["enum"] if "enum" in definition else definition["anyOf"][0]["enum"]


def test_dispatch_rule_names_are_the_registry_of_rules():
    assert list(typing.get_args(typing.get_type_hints(Scenario)["dispatch"].model_fields["rule"].annotation)) \
        == list(RULES)
    assert _enum(json_schema()["$defs"]["Dispatch"]["properties"]["rule"]) == list(RULES)


def test_cargo_classes_are_the_registry_of_classes_less_passengers_who_are_counted_by_head():
    expected = [c for c in CARGO_CLASSES if c != "passengers"]
    defs = json_schema()["$defs"]
    assert _enum(defs["Requirement"]["properties"]["cargo_class"]) == expected
    assert _enum(defs["ItemSpec"]["properties"]["class"]) == expected


def test_every_scenario_event_action_has_one_runtime_kind_and_back():
    actions = [name for name in Event.model_fields if name != "day"]
    assert sorted(actions) == sorted(runtime_events.KINDS)
