"""The route cache never runs what it reads: a file is unpickled only once its signature under this
user's secret checks, and a folder another user could write to is not used at all."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest

from sim.data import storage
from sim.geo import cache


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch PLANTED_RAN",))


def test_a_planted_pickle_is_ignored_and_never_run(cache_dir, tmp_path, monkeypatch):
    key = ("k", 1)
    path = cache_dir / "situation" / "r-x.pkl"
    cache.write_keyed(path, key, "a value")
    assert cache.read_keyed(path, key) == "a value"
    monkeypatch.chdir(tmp_path)
    for planted in (pickle.dumps((key, _Boom())), storage._MAGIC + b"\0" * 32 + pickle.dumps((key, _Boom()))):
        path.write_bytes(planted)
        assert cache.read_keyed(path, key, "miss") == "miss"
    assert not (tmp_path / "PLANTED_RAN").exists()


def test_a_file_signed_with_another_users_key_is_a_miss(cache_dir):
    key = ("k", 2)
    path = cache_dir / "s" / "r-y.pkl"
    cache.write_keyed(path, key, 42)
    (cache_dir / ".key").write_bytes(b"x" * 32)  # another secret: the stored signature no longer checks
    storage._root_secret.cache_clear()
    assert cache.read_keyed(path, key, "miss") == "miss"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes are POSIX")
def test_a_cache_folder_others_may_write_to_is_not_used(cache_dir):
    cache_dir.mkdir(parents=True)
    os.chmod(cache_dir, 0o777)
    key = ("k", 3)
    cache.write_keyed(cache_dir / "s" / "r-z.pkl", key, 1)
    assert not (cache_dir / "s" / "r-z.pkl").exists()
    assert cache.read_keyed(cache_dir / "s" / "r-z.pkl", key, "miss") == "miss"


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0, reason="root may write anywhere")
def test_clearing_a_read_only_cache_is_one_line_and_exit_2(cache_dir):
    cache.write_keyed(cache_dir / "s" / "r-w.pkl", ("k",), 1)
    os.chmod(cache_dir / "s", 0o500)
    try:
        done = subprocess.run([sys.executable, "-m", "sim", "cache", "clear"], capture_output=True, text=True,
                              env={**os.environ, "AIRLIFT_CACHE_DIR": str(cache_dir)})
    finally:
        os.chmod(cache_dir / "s", 0o700)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_cache_that_cannot_be_cleared_is_one_line_and_exit_2(cache_dir, monkeypatch):
    from typer.testing import CliRunner

    from sim.cli import app

    cache.write_keyed(cache_dir / "s" / "r-v.pkl", ("k",), 1)

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(cache.shutil, "rmtree", refuse)
    done = CliRunner().invoke(app, ["cache", "clear"])
    assert done.exit_code == 2
    assert done.output.strip().splitlines() == [f"cannot clear the cache: {cache_dir / 's'}: Permission denied"]
