"""The mass model's fit: the loop over reserves, with what no reserve changes worked out once, picks the
numbers the plain search picks."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from sim.data import catalog
from sim.data.mass_fit import fit_mass_model


def plain_fit(points, mtow_t, oew_t, capacity_t):
    """The search as first written: numpy's reserves, every mass and log worked out for every reserve."""
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


@pytest.mark.parametrize("name", sorted(catalog.aircraft_catalog()))
def test_the_fit_is_the_plain_searchs_to_the_bit_for_each_type_and_its_varied_masses(name):
    kind = catalog.aircraft_catalog()[name]
    rng = random.Random(name)
    cases = [(kind.mtow_t, kind.oew_t, kind.fuel_capacity_t)]
    cases += [tuple(x * rng.uniform(0.85, 1.15) for x in cases[0]) for _ in range(12)]
    for mtow_t, oew_t, capacity_t in cases:
        try:
            expected = plain_fit(kind.payload_range, mtow_t, oew_t, capacity_t)
        except ValueError:
            with pytest.raises(ValueError):
                fit_mass_model.__wrapped__(kind.payload_range, mtow_t, oew_t, capacity_t)
            continue
        got = fit_mass_model.__wrapped__(kind.payload_range, mtow_t, oew_t, capacity_t)
        assert got == expected and all(type(x) is float for x in got)
