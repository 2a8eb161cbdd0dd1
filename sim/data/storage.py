"""The user's cache folder and the files kept in it, shared by the route cache (``sim.geo.cache``) and the
derived data (``sim.data.derived``): where the folder is, and pickles stored under a key, written atomically.

* **Where:** ``platformdirs.user_cache_path("airlift-sim")/routes``; the environment variable
  ``AIRLIFT_CACHE_DIR`` moves it, ``AIRLIFT_CACHE=off`` (or ``0``, ``no``, ``false``) switches it off.
* **Trust:** a file is unpickled only after its HMAC-SHA256 under this user's secret key (``.key``,
  mode 0600, made on first use) checks, so a file planted in the folder never runs code; the folder is
  made private (0700) and used only when this user owns it and nobody else may write to it.
* **Safety:** every file is written to a temporary file in the same folder and renamed into place
  (``os.replace``), so concurrent writers never leave a partial file; a file that cannot be read, or
  whose key does not match, is a miss.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from sim.data.atomic import staged_file

logger = logging.getLogger(__name__)
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


_MAGIC = b"airlift-cache-v2\n"  # then the HMAC-SHA256 of the pickle under the user's key, then the pickle
_KEY_FILE = ".key"


def read_keyed(path: Path, key: tuple, default: Any = None) -> Any:
    """The value stored at ``path`` under ``key``; ``default`` when missing, unreadable, another key's, or
    not signed with this user's secret. Nothing is unpickled before its signature checks: a file planted
    in the folder (by another user, or copied from elsewhere) is never run, only ignored."""
    secret = _secret()
    if secret is None:
        return default
    try:
        with open(path, "rb") as f:
            data = f.read()
        if not data.startswith(_MAGIC):
            return default
        signature, payload = data[len(_MAGIC):len(_MAGIC) + 32], data[len(_MAGIC) + 32:]
        if not hmac.compare_digest(signature, hmac.new(secret, payload, hashlib.sha256).digest()):
            return default
        stored_key, value = pickle.loads(payload)
    except Exception:  # missing, partial, corrupt or from an incompatible version: a miss
        return default
    return value if stored_key == key else default


def write_keyed(path: Path, key: tuple, value: Any) -> None:
    """Store atomically, signed; a cache that cannot be written (read-only, full disk, not this user's) is
    silently skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        secret = _secret()
        if secret is None:
            return
        payload = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        with staged_file(path, suffix=".pkl") as tmp:
            tmp.write_bytes(_MAGIC + hmac.new(secret, payload, hashlib.sha256).digest() + payload)
    except OSError:
        pass


def _secret() -> bytes | None:
    """This user's signing key (``.key`` in the cache folder, readable by this user only), made on first
    use; None when the folder is not safe to trust: owned by another user, or writable by others."""
    root = directory()
    if root is None:
        return None
    return _root_secret(root)


@lru_cache(maxsize=4)
def _root_secret(root: Path) -> bytes | None:
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(root):
            logger.warning("route cache %s is not private to this user (owner or permissions): not used", root)
            return None
        path = root / _KEY_FILE
        if not path.exists():
            # Written whole under a temporary name, then linked into place (link fails if another process
            # linked its key first): a reader never sees a key file half written.
            fd, tmp = tempfile.mkstemp(prefix=".key.tmp-", dir=root)  # mode 0600
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(secrets.token_bytes(32))
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        if not _private(path):
            return None
        secret = path.read_bytes()
        return secret if len(secret) >= 32 else None
    except OSError:
        return None


def _private(path: Path) -> bool:
    """Owned by this user and not writable by anyone else (always true where there are no owners)."""
    if not hasattr(os, "getuid"):
        return True
    info = os.stat(path)
    return info.st_uid == os.getuid() and not info.st_mode & 0o022




def forget_secrets() -> None:
    """Drop the signing keys read so far (the cache folder was cleared: its ``.key`` goes with it)."""
    _root_secret.cache_clear()
