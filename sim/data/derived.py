"""Values derived from the package's data files, kept between processes in the cache folder: a new
``airlift`` process reads the parsed catalogues, the country codes and a map's projected land back in
milliseconds instead of parsing YAML with ruamel (pure Python), decompressing the country polygons or
projecting them again.

* **Where:** the route cache's folder (``sim.data.storage.directory()``: ``AIRLIFT_CACHE_DIR`` moves it,
  ``AIRLIFT_CACHE=off`` switches both off), as files ``derived-<kind>-<hash>.pkl`` beside the
  situations' folders; ``airlift cache clear`` removes them with the rest.
* **Key:** what the value depends on: the caller's key (e.g. a digest of the data file's bytes or a
  projection) plus the package version and FORMAT. Each file holds its full key, checked on reading.
* **Safety:** written to a temporary file and renamed into place; a file that cannot be read or holds
  another key is a miss (computed again and rewritten); a folder that cannot be written is skipped.
* **Equality:** a value read back is the pickled value, floats bit for bit, so it equals a fresh one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from sim._version import __version__

FORMAT = 1  # bump when the layout of the files changes
_MISS = object()
T = TypeVar("T")


def digest(*parts: bytes | str) -> str:
    """A short sha256 of some bytes or text (e.g. a data file's content)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:32]


def package_digest(*names: str) -> str:
    """Digest of files of the ``sim`` package (data or code), e.g. ``"data/countries.json.gz"``."""
    return digest(*(resources.files("sim").joinpath(name).read_bytes() for name in names))


def _path(kind: str, key: tuple[Any, ...]) -> Path | None:
    from sim.data.storage import directory

    root = directory()
    return None if root is None else root / f"derived-{kind}-{digest(repr(key))}.pkl"


def remembered(kind: str, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, or the value stored under (``kind``, ``key``) by an earlier call in any process."""
    full_key = (FORMAT, __version__, kind, *key)
    path = _path(kind, full_key)
    if path is None:
        return compute()
    from sim.data.storage import read_keyed, write_keyed

    value = read_keyed(path, full_key, _MISS)
    if value is _MISS:
        value = compute()
        write_keyed(path, full_key, value)
    return value


