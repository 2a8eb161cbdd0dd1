"""Imported by the fork server of the worker pools (``sim.experiments.execution.start_context``): loads
the model and the catalogues once, so every worker forked from it starts warm; and ignores Ctrl-C before
the server records its signal handlers, so every worker forked from it ignores Ctrl-C from its first
instruction (the parent alone handles it; a worker killed by it broke the pool before)."""

import signal

from sim.experiments.workers import preload

signal.signal(signal.SIGINT, signal.SIG_IGN)
preload()
