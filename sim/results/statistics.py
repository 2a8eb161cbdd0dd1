"""Statistics over replications and samples, in one place: the interval of a mean, the spread of outcomes,
the interval of a probability, and the words that keep them apart.

Two different questions, two different ranges:

* **the spread of outcomes** (:func:`spread`): the 10th and 90th percentiles of the outcomes themselves.
  "80 % of runs between 13,700 and 14,900 t": what a planner should expect one campaign to deliver. It does
  not shrink with more replications.
* **the confidence interval of the mean** (:func:`mean_ci`, :func:`bootstrap_mean_ci`): where the *mean*
  outcome lies. "mean within 14,000-14,570 t (95 % CI)": it shrinks as 1/sqrt(n) and says how well the
  replications pin the average down, not how much one campaign varies.

A probability estimated from n runs has its own interval (:func:`wilson_interval`); an answer whose
interval straddles the target is "borderline" (:func:`verdict`), not "met". Pure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

CONFIDENCE = 0.95
Z95 = 1.959963984540054
SPREAD = (0.1, 0.9)  # the spread of outcomes reported: 80 % of runs between the 10th and 90th percentiles
RESAMPLES = 2000
SEED = 20241208


def mean_ci(values: Sequence[float] | np.ndarray, level: float = CONFIDENCE) -> tuple[float, float, float]:
    """Mean and the two ends of its Student-t confidence interval (a point interval for one value)."""
    x = np.asarray(values, dtype=float)
    mean = float(x.mean())
    if len(x) < 2:
        return mean, mean, mean
    half = float(t_quantile(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return mean, mean - half, mean + half


@lru_cache(maxsize=64)
def t_quantile(p: float, dof: int) -> float:
    """Student-t quantile (cached: daily.csv asks the same one for every day and requirement). The function
    ``scipy.stats.t.ppf`` calls, without the second it takes to import scipy.stats."""
    from scipy import special

    return float(special.stdtrit(dof, p))


def bootstrap_mean_ci(values: Sequence[float] | np.ndarray, level: float = CONFIDENCE, resamples: int = RESAMPLES,
                      seed: int = SEED) -> tuple[float, float, float]:
    """(mean, low, high): the mean and the percentile-bootstrap ``level`` interval of the mean (a point
    interval for one value or identical values). Never outside [min, max] of ``values``: every figure
    averaged here (tons, sorties, hours) is never negative, and a Student-t interval of a backlog that is 0
    in most replications reaches below zero. Seeded: the same values always give the same interval."""
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


def spread(values: Sequence[float] | np.ndarray, quantiles: tuple[float, float] = SPREAD) -> tuple[float, float]:
    """(p10, p90): the range that holds the middle 80 % of the outcomes (linear interpolation between order
    statistics; one value gives a point)."""
    x = np.asarray(values, dtype=float)
    low, high = np.quantile(x, list(quantiles))
    return float(low), float(high)


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion (95 % by default)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def verdict(interval: tuple[float, float], target: float) -> str:
    """"met" when the interval of a probability lies at or above ``target``, "not met" when it lies below,
    "borderline" when it straddles it (more runs would tell)."""
    low, high = interval
    if low >= target - 1e-12:
        return "met"
    if high < target - 1e-12:
        return "not met"
    return "borderline"


def closure_probability(closure_days: list[int | None], days: int) -> list[float]:
    """P(closure <= d) for d = 0 .. days-1: the share of replications that closed by the end of day d."""
    n = len(closure_days)
    closed = np.array([d for d in closure_days if d is not None], dtype=int)
    return [float(np.count_nonzero(closed <= d)) / n for d in range(days)]


def closure_quantile(closure_days: list[int | None], q: float) -> int | None:
    """The closure day by which a share ``q`` of the replications had closed (None: fewer than that closed)."""
    n = len(closure_days)
    closed = sorted(d for d in closure_days if d is not None)
    needed = max(1, math.ceil(q * n - 1e-9))
    return closed[needed - 1] if len(closed) >= needed else None


def spread_words(low: float, high: float, unit: str = "t", digits: int = 0) -> str:
    """The spread of outcomes in words: "80 % of runs between 13,700 and 14,900 t"."""
    return f"80 % of runs between {low:,.{digits}f} and {high:,.{digits}f}{_unit(unit)}"


def ci_words(low: float, high: float, unit: str = "t", digits: int = 0) -> str:
    """The interval of the mean in words: "mean within 14,000-14,570 t (95 % CI)"."""
    return f"mean within {low:,.{digits}f}-{high:,.{digits}f}{_unit(unit)} (95 % CI)"


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""
