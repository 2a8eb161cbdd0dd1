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

from sim.scenario.fields import ref_sites
from sim.scenario.schema import Scenario, json_schema

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
    """``json_schema()`` with enums for aircraft types, airfield idents, country codes and groups, at every
    field the schema types as a reference (``sim.scenario.fields.ref_sites``), and for the situation."""
    schema = copy.deepcopy(json_schema())
    c = _choices()
    defs = schema["$defs"]
    choice = {"airfield": c["airfield"], "country": c["country"], "aircraft": c["type"]}

    def put(props: dict[str, Any], key: str, choice: dict[str, Any], array: bool = False) -> None:
        if key not in props:
            return
        keep = {k: v for k, v in props[key].items() if k in ("description", "default", "title")}
        value = {"type": "array", "items": choice} if array else choice
        nullable = "anyOf" in props[key] and any(x.get("type") == "null" for x in props[key]["anyOf"])
        props[key] = {**keep, **({"anyOf": [value, {"type": "null"}]} if nullable else value)}

    for site in ref_sites(Scenario):
        props = schema["properties"] if site.model is Scenario else defs[site.model.__name__]["properties"]
        if site.shape != "keys":
            put(props, site.key, choice[site.ref.kind], array=site.shape == "items")
        elif site.ref.kind == "aircraft" and site.key in props:  # an airfield key may define a new airfield
            props[site.key]["propertyNames"] = choice["aircraft"]
    put(defs["AirspaceSpec"]["properties"], "situation", c["situation"])
    return schema
