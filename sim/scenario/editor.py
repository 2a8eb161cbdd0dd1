"""The scenario JSON Schema for editors: the validation schema with the catalogue's values offered.

Editors (VS Code with the YAML extension, any yaml-language-server client) complete and check values
from ``enum``s: here the aircraft types, the catalogue's airfield idents (their names as descriptions),
ISO 3166-1 alpha-3 codes with the groups, and the airspace situations. An airfield named by any other
ICAO code or by its name, or defined under ``airfields:`` with lat and lon, and a country given by name stay valid:
those fields accept the listed values *or* any string of the right form.
"""

from __future__ import annotations

import copy
from typing import Any

from sim.scenario.schema import json_schema

SCHEMA_FILE = "scenario.schema.json"


def _choices() -> dict[str, dict[str, Any]]:
    from sim.data import catalog, countries

    kinds = list(catalog.aircraft_catalog())
    idents = catalog.curated_idents()
    airfield = {"anyOf": [
        {"enum": idents, "markdownEnumDescriptions": [f"{catalog.airfield(i).name} ({catalog.airfield(i).country})"
                                                       for i in idents]},
        {"type": "string", "pattern": "^[A-Z0-9]{4}$", "description": "any ICAO code, or an airfield under airfields:"},
        {"type": "string", "pattern": "[a-z]", "description": "an airfield's name, e.g. Hmeimim or al-Khadim "
                                                              "(`airlift catalog airfields --search TEXT`)"},
    ]}
    codes = sorted(countries.codes())
    groups = countries.groups()
    names: dict[str, str] = {}
    for name, code in countries.names().items():  # the first (Natural Earth's) name of each code
        names.setdefault(code, name)
    country = {"anyOf": [
        {"enum": [*codes, *sorted(groups)],
         "markdownEnumDescriptions": [names.get(c, c) for c in codes] + [f"group: {' '.join(groups[g])}"
                                                                          for g in sorted(groups)]},
        {"type": "string", "description": "a country's name or common spelling (Turkey, Russia...)"},
    ]}
    return {
        "type": {"type": "string", "enum": kinds, "description": "aircraft type (`airlift catalog aircraft`)"},
        "airfield": airfield,
        "country": country,
        "situation": {"type": "string", "enum": sorted(countries.situations())},
    }


def editor_schema() -> dict[str, Any]:
    """``json_schema()`` with enums for aircraft types, airfield idents, country codes and groups."""
    schema = copy.deepcopy(json_schema())
    c = _choices()
    defs = schema["$defs"]

    def put(props: dict[str, Any], key: str, choice: dict[str, Any], array: bool = False) -> None:
        if key not in props:
            return
        keep = {k: v for k, v in props[key].items() if k in ("description", "default", "title")}
        value = {"type": "array", "items": choice} if array else choice
        nullable = "anyOf" in props[key] and any(x.get("type") == "null" for x in props[key]["anyOf"])
        props[key] = {**keep, **({"anyOf": [value, {"type": "null"}]} if nullable else value)}

    fleet, req, event, legs = (defs[n]["properties"] for n in ("FleetEntry", "Requirement", "Event", "LegOverride"))
    put(fleet, "type", c["type"])
    put(fleet, "base", c["airfield"])
    for props in (req, legs):
        put(props, "from", c["airfield"])
        put(props, "to", c["airfield"])
    put(req, "aircraft", c["type"], array=True)
    put(event, "close", c["airfield"])
    put(event, "reopen", c["airfield"])
    put(event, "close_airspace", c["country"], array=True)
    put(event, "open_airspace", c["country"], array=True)
    for name in ("AirspaceSpec", "AirspaceRuleSpec"):
        props = defs[name]["properties"]
        for key in ("closed", "open", "flights_to", "flights_from"):
            put(props, key, c["country"], array=True)
    put(defs["AirspaceSpec"]["properties"], "situation", c["situation"])
    put(defs["AirfieldSettings"]["properties"], "country", c["country"])
    put(defs["StochasticSpec"]["properties"], "maintenance_at", c["airfield"], array=True)
    put(defs["Outages"]["properties"], "airfields", c["airfield"], array=True)
    top = schema["properties"]
    put(top, "fuel_stops", c["airfield"], array=True)
    if "aircraft" in top:
        top["aircraft"]["propertyNames"] = c["type"]
    return schema
