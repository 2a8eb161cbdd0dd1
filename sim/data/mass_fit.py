"""The mass model's fit to published payload-range points: the catalogue derives ``range_factor_km`` and
``reserve_fuel_t`` with it. A leaf (numpy only), so the catalogue needs nothing from ``sim.flight``;
``sim.flight.performance`` re-exports it beside the model that uses the fitted values."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=256)
def fit_mass_model(points: tuple[tuple[float, float], ...], mtow_t: float, oew_t: float,
                   capacity_t: float) -> tuple[float, float]:
    """(range_factor_km, reserve_fuel_t) that reproduce the published (payload_t, range_km) points best.

    For each candidate reserve (0 to 15 % of the tank, 0.1 t steps) the best K in log space is the
    geometric mean of range / log(take-off / landing mass); the pair with the least squared log error wins.
    """
    best = (math.inf, 0.0, 0.0)
    for reserve in np.arange(0.0, 0.15 * capacity_t, 0.1):
        logs = []
        for payload, range_km in points:
            takeoff = min(mtow_t, oew_t + payload + capacity_t)
            landing = oew_t + payload + reserve
            if takeoff <= landing:
                break
            logs.append(math.log(range_km) - math.log(math.log(takeoff / landing)))
        else:
            k = math.exp(sum(logs) / len(logs))
            error = sum((x - math.log(k)) ** 2 for x in logs)
            if error < best[0] - 1e-12:
                best = (error, k, float(reserve))
    if not math.isfinite(best[0]):
        raise ValueError("payload-range points cannot be met with this MTOW, OEW and fuel capacity")
    return best[1], round(best[2], 1)
