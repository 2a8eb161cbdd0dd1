"""Scenario input: the schema, YAML loading with error locations, catalogue checks, and changes by path."""

from sim.scenario.loading import load_scenario, parse_scenario
from sim.scenario.schema import Scenario

__all__ = ["Scenario", "load_scenario", "parse_scenario"]
