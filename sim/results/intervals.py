"""Confidence intervals of means over replications.

Every figure averaged over replications here (tons, sorties, hours) is never negative, so its interval
must not be either: a Student-t interval of a backlog that is 0 in most replications reaches below zero
(-195 t in a sweep of lose_hmeimim_sweep). :func:`bootstrap_mean_ci` is a percentile bootstrap of the
mean: its ends are means of resamples of the data, so they lie between the smallest and largest value
observed. It is seeded, so the same values always give the same interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

RESAMPLES = 2000
SEED = 20241208


def bootstrap_mean_ci(values: Sequence[float] | np.ndarray, level: float = 0.95, resamples: int = RESAMPLES,
                      seed: int = SEED) -> tuple[float, float, float]:
    """(mean, low, high): the mean and the percentile-bootstrap ``level`` interval of the mean (a point
    interval for one value or identical values). Never outside [min, max] of ``values``."""
    x = np.asarray(values, dtype=float)
    mean = float(x.mean())
    if len(x) < 2 or np.all(x == x[0]):
        return mean, mean, mean
    means = x[_resample_indices(len(x), resamples, seed)].mean(axis=1)
    low, high = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return mean, float(min(low, mean)), float(max(high, mean))


@lru_cache(maxsize=4)
def _resample_indices(count: int, resamples: int, seed: int) -> np.ndarray:
    """The indices of every resample (one row each) of ``count`` values: the same for every figure of one
    set of replications, so drawn once (read-only, as the cache shares it)."""
    indices = np.random.default_rng(seed).integers(0, count, size=(resamples, count))
    indices.flags.writeable = False
    return indices
