"""Scenario input: the schema, YAML loading with error locations, and overrides."""
