"""Atomic writes, the one helper behind every writer (results folders, single files, the cache's pickles):
a file or folder is written under a temporary name beside its target, then renamed into place with
``os.replace``, so a reader, a crash or a concurrent writer never sees it half written.

    with staged_file(path) as tmp:
        tmp.write_text("...")          # path appears (or is replaced) only when the block ends normally
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged_file(path: Path, suffix: str = "") -> Iterator[Path]:
    """A temporary file beside ``path`` to write; renamed onto ``path`` when the block ends normally,
    deleted when it raises."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.tmp-{os.getpid()}-", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        publish(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def publish(tmp: Path, target: Path) -> None:
    """Rename a finished temporary file or folder onto ``target`` with the permissions a plain write would
    give (``mkstemp`` and ``mkdtemp`` make them private). An existing folder is moved aside first and
    deleted after: ``os.replace`` cannot replace a folder that has files."""
    os.chmod(tmp, (0o777 if tmp.is_dir() else 0o666) & ~_umask())
    if tmp.is_dir() and target.is_dir():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
        os.replace(target, old / "previous")
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
