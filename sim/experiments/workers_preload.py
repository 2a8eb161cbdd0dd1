"""Imported by the fork server of the worker pools (``sim.experiments.execution.start_context``, by name):
loads the model and the catalogues once, so every worker forked from it starts warm (a worker then only
builds its scenario's world)."""

import sim.experiments.replications  # noqa: F401  (the engine, the model, the results records)
from sim.data import catalog

catalog.aircraft_catalog()
catalog.known_idents()
