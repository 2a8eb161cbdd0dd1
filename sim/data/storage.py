"""The user's cache folder and the files kept in it, shared by the route cache (``sim.geo.cache``) and the
derived data (``sim.data.derived``): where the folder is, and pickles stored under a key, written atomically.

* **Where:** ``platformdirs.user_cache_path("airlift-sim")/routes``; the environment variable
  ``AIRLIFT_CACHE_DIR`` moves it, ``AIRLIFT_CACHE=off`` (or ``0``, ``no``, ``false``) switches it off.
* **Safety:** every file is written to a temporary file in the same folder and renamed into place
  (``os.replace``), so concurrent writers never leave a partial file; a file that cannot be read, or
  whose key does not match, is a miss.
"""

from __future__ import annotations

import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Any

from sim.data.atomic import staged_file

ENV_DIR = "AIRLIFT_CACHE_DIR"
ENV_SWITCH = "AIRLIFT_CACHE"
_OFF = {"0", "off", "no", "false"}


def directory() -> Path | None:
    """The cache folder, or None when the cache is switched off."""
    get = os.environ.get
    return _directory(get(ENV_SWITCH, ""), get(ENV_DIR, ""), get("XDG_CACHE_HOME", ""), get("HOME", ""),
                      get("LOCALAPPDATA", ""))


@lru_cache(maxsize=16)
def _directory(switch: str, where: str, *platform: str) -> Path | None:
    """The folder for these environment values (``platform``: those the user cache folder depends on); asked
    for at every route and airspace lookup, so worked out once."""
    if switch.strip().lower() in _OFF:
        return None
    if where:
        return Path(where)
    import platformdirs

    return platformdirs.user_cache_path("airlift-sim") / "routes"


def read_keyed(path: Path, key: tuple, default: Any = None) -> Any:
    """The value stored at ``path`` under ``key``; ``default`` when missing, unreadable or another key's."""
    try:
        with open(path, "rb") as f:
            stored_key, value = pickle.load(f)
    except Exception:  # missing, partial, corrupt or from an incompatible version: a miss
        return default
    return value if stored_key == key else default


def write_keyed(path: Path, key: tuple, value: Any) -> None:
    """Store atomically; a cache that cannot be written (read-only, full disk) is silently skipped."""
    try:
        with staged_file(path, suffix=".pkl") as tmp, open(tmp, "wb") as f:
            pickle.dump((key, value), f, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        pass
