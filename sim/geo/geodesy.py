"""Distances on the WGS84 ellipsoid (pyproj.Geod)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Geod


@lru_cache(maxsize=1)
def wgs84() -> Geod:
    """The WGS84 ellipsoid; cached because constructing a Geod is not free."""
    return Geod(ellps="WGS84")


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance (km) between two points given in degrees."""
    _, _, metres = wgs84().inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0


SPHERE_RADIUS_KM = 6371.0  # the mean Earth radius: the sphere of quick great-circle bounds


def unit_vectors(lonlat: np.ndarray) -> np.ndarray:
    """(n, 3) unit vectors of (n, 2) lon/lat points in degrees, taken as spherical coordinates."""
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def angles(units: np.ndarray, lon: float, lat: float) -> np.ndarray:
    """Angles (radians, on the sphere) between (lon, lat) and the points of (n, 3) unit vectors.

    The cosines are products and sums element by element, not a matrix product: a product this thin gains
    nothing from BLAS, whose threads would then spin on every core (taking it from another process), and a
    row's value is the same bits whatever rows come with it."""
    x, y, z = unit_vectors(np.array([[lon, lat]], dtype=float))[0].tolist()
    cosine = units[:, 0] * x + units[:, 1] * y + units[:, 2] * z
    return np.arccos(np.clip(cosine, -1.0, 1.0))


def sphere_km(units: np.ndarray, lon: float, lat: float) -> np.ndarray:
    """Great-circle distances (km, sphere of SPHERE_RADIUS_KM) from (lon, lat) to the points of (n, 3) unit
    vectors: within 1 % of the WGS84 geodesic."""
    return angles(units, lon, lat) * SPHERE_RADIUS_KM
