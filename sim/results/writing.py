"""Writing a run's results folder atomically.

Everything is written into a temporary sibling folder, then moved into place with one rename, so a
crash or a bad input never leaves a half-written folder. An existing folder is replaced only with
``force=True``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sim.data.atomic import publish, staged_file, staged_folder
from sim.errors import ResultsExistError


def write_atomically(out_dir: Path, fill: Callable[[Path], None], force: bool = False) -> Path:
    """Create ``out_dir`` with the files ``fill(tmp_dir)`` writes; all or nothing."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not force:
        raise ResultsExistError(f"{out_dir} already exists; replace it with --force (force=True in Python)")
    with staged_folder(out_dir) as tmp:
        fill(tmp)
    return out_dir


def write_files(folder: Path, names: list[str], fill: Callable[[Path], None], force: bool = False) -> Path:
    """Write the files ``names`` into ``folder`` (created if needed), as ``fill(tmp_dir)`` writes them.

    Nothing is replaced unless every file was written: ``fill`` writes into a hidden temporary folder
    inside ``folder``, then each file is renamed into place. Other files in ``folder`` are left alone.
    An existing file among ``names`` is replaced only with ``force=True``.
    """
    folder = Path(folder)
    existing = [n for n in names if (folder / n).exists()]
    if existing and not force:
        raise ResultsExistError(f"{folder / existing[0]} already exists; replace it with --force (force=True in Python)")
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder))
    try:
        fill(tmp)
        missing = [n for n in names if not (tmp / n).exists()]
        assert not missing, f"not written: {missing}"
        for name in names:
            publish(tmp / name, folder / name)
    except BaseException:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def write_file_atomically(path: Path, fill: Callable[[Path], None], force: bool = False) -> Path:
    """Create one file with what ``fill(tmp_path)`` writes; all or nothing."""
    path = Path(path)
    if path.exists() and not force:
        raise ResultsExistError(f"{path} already exists; replace it with --force (force=True in Python)")
    with staged_file(path) as tmp:
        fill(tmp)
    return path


def _clean(value: Any) -> Any:
    """Round floats for people; keep JSON strict (no NaN)."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Pretty JSON with rounded floats."""
    path.write_text(json.dumps(_clean(data), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: Iterable[dict[str, Any]], columns: list[str]) -> None:
    """CSV with a header row; floats rounded to 4 decimals (``csv_lines`` formats it column by column)."""
    rows = list(rows)
    write_lines(path, columns, [csv_lines([[row.get(c) for row in rows] for c in columns])])


def write_lines(path: Path, columns: list[str], lines: Iterable[bytes]) -> None:
    """A CSV file of ``columns`` whose rows are ``lines`` already formatted (see ``csv_lines``)."""
    with path.open("wb") as fh:
        fh.write(csv_header(columns))
        fh.writelines(lines)


def csv_header(columns: list[str]) -> bytes:
    """The header line write_csv writes for ``columns``, as UTF-8."""
    return csv_lines([[c] for c in columns])


def csv_lines(columns: Sequence[Sequence[Any]]) -> bytes:
    """CSV lines for rows given column by column (each column's values in row order; floats rounded to 4
    decimals, NaN empty), as UTF-8, without the header. A ``array('d')`` column is known to hold floats
    only, so it is rounded without a check of each value's type."""
    text = io.StringIO(newline="")
    csv.writer(text).writerows(zip(*[_clean_column(values) for values in columns], strict=True))
    return text.getvalue().encode("utf-8")


def _clean_column(values: Sequence[Any]) -> Sequence[Any]:
    """One column as write_csv writes its values: floats rounded (as text), NaN empty."""
    if isinstance(values, array) and values.typecode == "d":
        return _rounded_texts(values)
    if not set(map(type, values)) <= _PLAIN_TYPES:
        return [_clean(v) for v in values]
    return values


_PLAIN_TYPES = {str, int, bool, type(None)}  # written as they are
_TRAILING_ZEROS = re.compile(r"0+\n")


def _rounded_texts(values: array) -> list[str | None]:
    """``repr(round(x, 4))`` of each float (None for NaN), as write_csv writes it.

    When every value is finite and below 1e11 in size, each is printed with 4 decimals and its trailing zeros
    dropped (one kept after the point): the same text, in a third of the time. ``round(x, 4)`` takes the
    correctly rounded 4-decimal number that ``"%.4f"`` prints, and with at most 15 significant digits that
    number is the shortest text of the float nearest to it, which ``repr`` prints (without an exponent,
    as nonzero values are at least 0.0001)."""
    import numpy as np

    if not values:
        return []
    magnitudes = np.abs(np.frombuffer(values, dtype=np.float64))
    if not bool((magnitudes < 1e11).all()):  # NaN is not below anything
        return [None if x != x else repr(round(x, 4)) for x in values]
    text = _TRAILING_ZEROS.sub("\n", "\n".join(map("%.4f".__mod__, values)) + "\n").replace(".\n", ".0\n")
    return [*text.split("\n")[:-1]]


def run_beside(here: Callable[[], None], beside: Callable[[], None]) -> None:
    """Run ``here`` and ``beside``, two jobs that write different files and change nothing else.

    When the ``airlift`` command asks for it (it sets ``AIRLIFT_DRAW_BESIDE=1``), on Linux, when no other
    thread runs, ``beside`` runs in a forked child process while this process runs ``here``: a run's
    charts are drawn on two cores (each file is what running the jobs in turn writes). Otherwise (the
    library called from a user's program, a process with threads such as a notebook kernel or a Dask
    client, where forking is unsafe) they run in turn. If the child fails, ``beside`` runs again here, so
    its error is raised in this process."""
    if not (os.environ.get("AIRLIFT_DRAW_BESIDE") == "1" and sys.platform.startswith("linux")
            and hasattr(os, "fork") and threading.active_count() == 1):
        here()
        beside()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: the one job, then leave at once (no atexit handlers, no flushing of inherited buffers)
        status = 1
        try:
            beside()
            status = 0
        except BaseException:  # reported by running the job again in the parent
            pass
        finally:
            os._exit(status)
    try:
        here()
    except BaseException:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        raise
    _, status = os.waitpid(pid, 0)
    if status != 0:
        beside()
