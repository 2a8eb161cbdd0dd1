"""Writing a run's results folder atomically.

Everything is written into a temporary sibling folder (``.<name>.tmp-<pid>-*``), then swapped into
place as a whole, so a crash or a bad input never leaves a half-written folder or one mixing two runs;
what a killed process left is removed by the next write. An existing folder is replaced only with
``force=True``.
"""

from __future__ import annotations

import csv
import glob
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
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from sim.data.atomic import staged_file
from sim.errors import AirliftError, ResultsExistError


def write_atomically(out_dir: Path, fill: Callable[[Path], None], force: bool = False) -> Path:
    """Create ``out_dir`` with the files ``fill(tmp_dir)`` writes, replacing the whole folder; all or nothing."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not force:
        raise ResultsExistError(f"{out_dir} already exists; replace it with --force (force=True in Python)")
    return _replace_folder(out_dir, fill, keep=lambda _name: False)


def write_files(folder: Path, names: list[str], fill: Callable[[Path], None], force: bool = False,
                drop: Iterable[str] = ()) -> Path:
    """Write the files ``names`` into ``folder`` (created if needed), as ``fill(tmp_dir)`` writes them.

    The folder is replaced as a whole: ``fill`` writes into a new sibling folder, the folder's other
    files (a sweep's beside a run's) are linked into it, less ``drop`` (charts this write makes stale),
    and the two folders are swapped by rename, so no reader ever sees files of two runs mixed, and a
    crash at any moment leaves the old folder or the new one. An existing file among ``names`` is
    replaced only with ``force=True``.
    """
    folder = Path(folder)
    existing = [n for n in names if (folder / n).exists()]
    if existing and not force:
        raise ResultsExistError(f"{folder / existing[0]} already exists; replace it with --force (force=True in Python)")
    replaced = set(names) | set(drop)
    return _replace_folder(folder, fill, keep=lambda name: name not in replaced, expect=names)


def check_writable(folder: Path) -> None:
    """Fail now, not after a long simulation, when ``folder`` cannot be written: a file where the folder
    should be, or a parent that cannot be created or written to (one line, as an AirliftError)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise AirliftError(f"{folder} is a file, not a folder: give --out a folder")
    for above in folder.parents:
        if above.exists():
            if not above.is_dir():
                raise AirliftError(f"{above} is a file, not a folder: cannot write {folder} under it")
            break
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=f".{folder.name}.tmp-{os.getpid()}-", dir=parent)
        os.rmdir(probe)
    except OSError as exc:
        raise AirliftError(f"cannot write the results beside {folder}: {exc.filename or parent}: "
                           f"{exc.strerror or exc}") from None


def _replace_folder(folder: Path, fill: Callable[[Path], None], keep: Callable[[str], bool],
                    expect: Sequence[str] = ()) -> Path:
    """Fill a new sibling folder (with the entries of ``folder`` that ``keep`` names), then swap it in."""
    check_writable(folder)
    remove_leftovers(folder)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-{os.getpid()}-", dir=folder.parent))
    try:
        fill(tmp)
        missing = [n for n in expect if not (tmp / n).exists()]
        assert not missing, f"not written: {missing}"
        for name in expect:
            os.chmod(tmp / name, 0o666 & ~_umask())
        if folder.is_dir():
            for entry in folder.iterdir():
                if keep(entry.name) and not _is_leftover(entry.name) and not (tmp / entry.name).exists():
                    _link_or_copy(entry, tmp / entry.name)
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; results are for everyone
        _swap_in(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _link_or_copy(source: Path, target: Path) -> None:
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, copy_function=_link_file, symlinks=True)
    else:
        _link_file(source, target)


def _link_file(source: Any, target: Any) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _swap_in(new: Path, folder: Path) -> None:
    """Put ``new`` where ``folder`` is: one atomic exchange where the system has it (Linux renameat2),
    else two renames (the old folder moved aside first, so the new one is never merged into it)."""
    if not folder.exists():
        os.replace(new, folder)
        return
    if _exchange(new, folder):
        shutil.rmtree(new, ignore_errors=True)  # new now holds the old folder
        return
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-{os.getpid()}-", dir=folder.parent))
    os.replace(folder, old / "previous")
    os.replace(new, folder)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (renameat2 RENAME_EXCHANGE); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0


_LEFTOVER = re.compile(r"^\.(?P<name>.*)\.(?:tmp|old)-(?P<pid>[0-9]+)-")


def _is_leftover(name: str) -> bool:
    return bool(_LEFTOVER.match(name)) or name.startswith(".tmp-")


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete what an interrupted write of ``folder`` left (a hidden ``.<name>.tmp-<pid>-*`` or
    ``.<name>.old-<pid>-*`` beside it whose process has ended; ``.tmp-*`` inside it from older versions).
    Returns what was removed."""
    removed = []
    candidates = []
    if folder.parent.is_dir():
        candidates += [p for p in folder.parent.glob(f".{glob.escape(folder.name)}.*-*")]
    if folder.is_dir():
        candidates += [p for p in folder.glob(".tmp-*")]
    for path in candidates:
        match = _LEFTOVER.match(path.name)
        if match and (match["name"] != folder.name or _pid_alive(int(match["pid"]))):
            continue
        if not match and not path.name.startswith(".tmp-"):
            continue
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def write_file_atomically(path: Path, fill: Callable[[Path], object], force: bool = False) -> Path:
    """Create one file with what ``fill(tmp_path)`` writes; all or nothing."""
    path = Path(path)
    if path.exists() and not force:
        raise ResultsExistError(f"{path} already exists; replace it with --force (force=True in Python)")
    if path.is_dir():
        raise AirliftError(f"{path} is a folder, not a file")
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(path)
    with staged_file(path) as tmp:  # named .<name>.tmp-<pid>-*: a crash's leftover is removed next time
        fill(tmp)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def strict_json(value: Any) -> Any:
    """``value`` with every float that JSON cannot hold (NaN, infinities) as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    return value


def _clean(value: Any) -> Any:
    """Round floats for people; NaN as null (an empty CSV cell)."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Pretty JSON with rounded floats."""
    path.write_text(json.dumps(_clean(strict_json(data)), indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


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
    types = set(map(type, values))
    if types <= _PLAIN_TYPES:
        return values
    if types == {float}:  # a list of floats only (rows as dicts: sorties.csv, ground.csv): as an array('d') is
        return _rounded_texts(array("d", values))
    return [_clean(v) for v in values]


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
    return cast("list[str | None]", text.split("\n")[:-1])  # a fresh list of str: safe as list[str | None]


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
