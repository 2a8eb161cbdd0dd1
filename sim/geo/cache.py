"""The on-disk route cache: each airspace situation's closed airspace and the routes found in it, kept
between processes in the user's cache folder, so a new process (a CLI run, a sweep worker) does not
build the airspace and search the routes again.

This module is the only place that touches those files; the router (sim.geo.routing,
sim.geo.obstacles) stays a set of pure functions, and sim.geo.airspace asks here before calling it.

* **Where** (``sim.data.storage``, shared with the derived data):
  ``platformdirs.user_cache_path("airlift-sim")/routes``; the environment variable ``AIRLIFT_CACHE_DIR``
  moves it, ``AIRLIFT_CACHE=off`` (or ``0``, ``no``, ``false``) switches it off.
* **Key:** one folder per situation, named by a hash of the closed country codes, the territorial
  width, the package version, and a digest of the polygon data and the routing code (so a changed
  router or polygon file never reads an old answer). In it one file per route, named by a hash of its
  endpoints and search bound; each file also holds its full key, checked on reading. The closed airspace
  is kept per group of countries (sim.geo.obstacles) as ``airspace.pkl`` (a ClosedAirspace) in the
  folder named like the situation of that group's codes, so situations that share a group share it.
* **Trust:** a file is unpickled only after its HMAC-SHA256 under this user's secret key (``.key``,
  mode 0600, made on first use) checks, so a file planted in the folder never runs code; the folder is
  made private (0700) and used only when this user owns it and nobody else may write to it.
* **Safety:** every file is written to a temporary file in the same folder and renamed into place
  (``os.replace``), so concurrent writers never leave a partial file; a file that cannot be read, or
  whose key does not match, is ignored (and rewritten on the next miss).
* **Equality:** a route read back is the pickled Route, floats bit for bit, so it equals a fresh search.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sim._version import __version__
from sim.data.storage import ENV_DIR, ENV_SWITCH, directory, forget_secrets, read_keyed, write_keyed  # noqa: F401 (API)
from sim.errors import AirliftError

FORMAT = 2  # bump when the layout of the files changes


@lru_cache(maxsize=1)
def _code_and_data_digest() -> str:
    """Digest of what a cached answer depends on besides its key: the polygon data, the airspace data and
    the routing code."""
    h = hashlib.sha256()
    h.update(f"format {FORMAT} version {__version__}".encode())
    for package, name in (("sim", "data/countries.json.gz"), ("sim", "data/airspace.yaml"), ("sim", "geo/routing.py"),
                          ("sim", "geo/obstacles.py"), ("sim", "geo/airspace.py"), ("sim", "data/countries.py")):
        h.update(resources.files(package).joinpath(name).read_bytes())
    return h.hexdigest()


def _situation_key(codes: frozenset[str], territorial_nm: float) -> tuple:
    return ("situation", _code_and_data_digest(), tuple(sorted(codes)), repr(float(territorial_nm)))


def _hash(key: tuple) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()[:24]


def _folder(codes: frozenset[str], territorial_nm: float) -> Path | None:
    root = directory()
    return None if root is None else _situation_folder(root, frozenset(codes), float(territorial_nm))


@lru_cache(maxsize=4096)
def _situation_folder(root: Path, codes: frozenset[str], territorial_nm: float) -> Path:
    return root / _hash(_situation_key(codes, territorial_nm))


def load_airspace(codes: frozenset[str], territorial_nm: float):
    """The stored ClosedAirspace of this situation, or None."""
    folder = _folder(codes, territorial_nm)
    if folder is None:
        return None
    path = folder / "airspace.pkl"
    # Asked for each group a search is about to build (and by stored_airspace): a missing file is one stat.
    return read_keyed(path, _situation_key(codes, territorial_nm)) if os.path.isfile(path) else None


_HELD: set[Path] = set()  # airspace files this process found or wrote (asked after every search)


def holds_airspace(codes: frozenset[str], territorial_nm: float) -> bool:
    """True when the cache folder has a file for this situation's airspace (or the cache is off)."""
    folder = _folder(codes, territorial_nm)
    if folder is None:
        return True
    path = folder / "airspace.pkl"
    if path not in _HELD and path.is_file():
        _HELD.add(path)
    return path in _HELD


def store_airspace(airspace) -> None:
    folder = _folder(airspace.codes, airspace.territorial_nm)
    if folder is not None:
        write_keyed(folder / "airspace.pkl", _situation_key(airspace.codes, airspace.territorial_nm), airspace)


def _route_key(codes: frozenset[str], territorial_nm: float, ends: tuple) -> tuple:
    return (*_situation_key(codes, territorial_nm), "route", tuple(repr(float(x)) for x in ends))


def load_route(codes: frozenset[str], territorial_nm: float, ends: tuple):
    """The stored route of this situation between ``ends`` (lon1, lat1, lon2, lat2, max_km), or None."""
    folder = _folder(codes, territorial_nm)
    if folder is None:
        return None
    key = _route_key(codes, territorial_nm, ends)
    return read_keyed(folder / f"r-{_hash(key)}.pkl", key)


def store_route(codes: frozenset[str], territorial_nm: float, ends: tuple, route) -> None:
    folder = _folder(codes, territorial_nm)
    if folder is not None:
        key = _route_key(codes, territorial_nm, ends)
        write_keyed(folder / f"r-{_hash(key)}.pkl", key, route)


@dataclass(frozen=True)
class CacheInfo:
    """What the cache folder holds."""

    path: Path | None  # None: switched off
    situations: int
    routes: int
    bytes: int
    derived: int = 0  # files of values derived from the data (sim.data.derived: catalogues, projected maps)


def info() -> CacheInfo:
    """Count the situations, routes, derived-data files and bytes in the cache folder."""
    root = directory()
    if root is None or not root.is_dir():
        return CacheInfo(root, 0, 0, 0)
    situations = routes = size = derived = 0
    for folder in root.iterdir():
        if not folder.is_dir():
            if folder.name.startswith("derived-"):
                derived += 1
                try:
                    size += folder.stat().st_size
                except OSError:
                    pass
            continue
        situations += 1
        for f in folder.iterdir():
            routes += f.name.startswith("r-")
            try:
                size += f.stat().st_size
            except OSError:
                pass
    return CacheInfo(root, situations, routes, size, derived)


def clear() -> CacheInfo:
    """Delete everything in the cache folder; returns what was there."""
    before = info()
    _HELD.clear()
    forget_secrets()
    if before.path is not None and before.path.is_dir():
        for folder in before.path.iterdir():
            try:
                if folder.is_dir():
                    shutil.rmtree(folder)
                else:
                    folder.unlink(missing_ok=True)
            except OSError as exc:
                raise AirliftError(f"cannot clear the cache: {exc.filename or folder}: {exc.strerror or exc}") from None
    return before
