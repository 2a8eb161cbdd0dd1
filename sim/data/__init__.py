"""Sourced data (aircraft, airfields, countries) and the loaders that give every number its provenance."""
