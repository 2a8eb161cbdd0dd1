"""Confidence intervals of means over replications: kept importable here; the statistics live in
:mod:`sim.results.statistics`."""

from sim.results.statistics import RESAMPLES, SEED, bootstrap_mean_ci

__all__ = ["RESAMPLES", "SEED", "bootstrap_mean_ci"]
