"""Editors validate and complete scenarios from the shipped JSON Schema; it must accept every shipped
scenario and offer the catalogue's values."""

from __future__ import annotations

import json

import pytest
from helpers import ROOT
from ruamel.yaml import YAML

from sim.scenario.editor import editor_schema

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted((ROOT / "scenarios" / "validation").glob("*.yaml"))


def test_the_shipped_schema_is_what_airlift_schema_prints():
    shipped = json.loads((ROOT / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert shipped == editor_schema(), "regenerate with: airlift schema > scenarios/scenario.schema.json"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_shipped_scenario_names_the_schema_and_validates_against_it(path):
    import jsonschema

    first = path.read_text(encoding="utf-8").splitlines()[0]
    schema_path = (path.parent / first.split("$schema=")[1]).resolve()
    assert first.startswith("# yaml-language-server: $schema=") and schema_path == ROOT / "scenarios" / "scenario.schema.json"
    data = json.loads(json.dumps(YAML(typ="safe").load(path), default=str))  # dates as written
    jsonschema.validate(data, json.loads(schema_path.read_text(encoding="utf-8")))


def test_the_schema_offers_types_airfields_and_countries_and_rejects_a_misspelt_type():
    import jsonschema

    schema = editor_schema()
    fleet = schema["$defs"]["FleetEntry"]["properties"]
    assert "Il-76MD" in fleet["type"]["enum"]
    offered = fleet["base"]["anyOf"][0]
    assert "UUMU" in offered["enum"] and "Chkalovsky" in offered["markdownEnumDescriptions"][offered["enum"].index("UUMU")]
    closed = schema["$defs"]["AirspaceSpec"]["properties"]["closed"]["items"]["anyOf"][0]["enum"]
    assert {"TUR", "SYR", "NATO", "EU"} <= set(closed)
    bad = {"name": "x", "start_date": "2025-01-01", "days": 1, "fleet": [{"type": "Il-76M", "count": 1, "base": "UUMU"}],
           "requirements": [{"from": "UUMU", "to": "HLLB", "tons": 1}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    jsonschema.validate({**bad, "fleet": [{"type": "Il-76MD", "count": 1, "base": "UUMU"}]}, schema)
