"""Atomic file writes, the one helper behind every file writer (single files, the cache's pickles; whole results
folders are swapped in by sim.results.writing):
a file is written under a temporary name beside its target, then renamed into place with
``os.replace``, so a reader, a crash or a concurrent writer never sees it half written.

    with staged_file(path) as tmp:
        tmp.write_text("...")          # path appears (or is replaced) only when the block ends normally
"""

from __future__ import annotations

import os
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
    """Rename a finished temporary file onto ``target`` with the permissions a plain write would give
    (``mkstemp`` makes it private). Whole results folders are swapped in by ``sim.results.writing``."""
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
