"""Imported by the fork server of the worker pools (``sim.experiments.execution.start_context``, by name):
loads the model and the catalogues once, so every worker forked from it starts warm (a worker then only
builds its scenario's world); and ignores Ctrl-C before the server records its signal handlers, so every
worker forked from it ignores Ctrl-C from its first instruction (the parent alone handles it; a worker
killed by it broke the pool before)."""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)

import sim.experiments.replications  # noqa: E402, F401  (the engine, the model, the results records)
from sim.data import catalog  # noqa: E402

catalog.aircraft_catalog()
catalog.known_idents()
