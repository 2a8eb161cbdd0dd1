"""Imported by the fork server of the worker pools (``sim.experiments.execution.start_context``): loads
the model and the catalogues once, so every worker forked from it starts warm."""

from sim.experiments.workers import preload

preload()
