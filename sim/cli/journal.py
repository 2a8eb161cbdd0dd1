"""The journal of a long command's runs (``airlift sweep``, ``airlift uncertainty``): a JSON-lines file in
the results folder, its header naming the plan (``{"sweep_id": ...}`` or ``{"study_id": ...}``), then one
finished run per line, so an interrupted command is completed with ``--resume``. A journal torn by a kill
(an empty file, a header or a row cut short) keeps what it holds whole; repeated interrupts resume."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer

from sim.cli.common import fail, progress_bar

R = TypeVar("R")
Rows = dict[tuple[int, int], dict[str, Any]]


def resume(partial: Path, key: str, plan_id: str, kind: str, changed: str, wanted: bool, force: bool) -> Rows:
    """Rows already finished by an interrupted run of this same plan (empty when starting afresh); ``key``
    names the plan's id in the header, ``kind`` the command's work (sweep, study), ``changed`` what makes
    another plan."""
    if not partial.exists():
        return {}
    if force and not wanted:
        partial.unlink()
        return {}
    if not wanted:
        raise fail([f"{partial} holds an interrupted {kind}: add --resume to complete it, or --force to start over"])
    lines = partial.read_text(encoding="utf-8", errors="replace").splitlines()
    try:
        header = json.loads(lines[0]) if lines else {}
    except json.JSONDecodeError:  # the header itself cut short: nothing was kept after it
        header = {}
    if not isinstance(header, dict) or key not in header:
        return {}  # empty or torn before the first run finished (kill -9): nothing to resume, start afresh
    if header.get(key) != plan_id:
        raise fail([f"{partial} is from a different {kind} ({changed}); use --force to start over"])
    done = {}
    for line in lines[1:]:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:  # a line cut short by the interruption
            continue
        if isinstance(row, dict) and "point" in row and "replication" in row:
            done[(row["point"], row["replication"])] = row
    return done


def start(partial: Path, key: str, plan_id: str, done: Rows) -> None:
    """Write the journal afresh, atomically: the header and the rows kept so far, each on a whole line
    (a line torn by an interruption is dropped, so the next row never joins it)."""
    from sim.results.writing import write_file_atomically

    def fill(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(json.dumps({key: plan_id}) + "\n")
            fh.writelines(json.dumps(row, allow_nan=False) + "\n" for row in done.values())
            fh.flush()
            os.fsync(fh.fileno())

    write_file_atomically(partial, fill, force=True)


def run_journalled(partial: Path, done: Rows, total: int, desc: str, command: str,
                   run: Callable[[Callable[[dict[str, Any]], None]], R]) -> R:
    """``run(on_row)`` with each finished row appended to the journal under a progress bar; on Ctrl-C, say
    how many runs are kept and how to resume (``command ... --resume``), and exit with code 130."""
    kept = [len(done)]
    with partial.open("a", encoding="utf-8") as log, progress_bar(
        total=total, initial=len(done), unit="run", desc=desc,
    ) as bar:

        def keep(row: dict[str, Any]) -> None:
            log.write(json.dumps(row, allow_nan=False) + "\n")
            log.flush()
            kept[0] += 1
            bar.update(1)

        try:
            return run(keep)
        except KeyboardInterrupt:
            bar.close()
            print(f"\ninterrupted: {kept[0]} of {total} runs kept in {partial}; "
                  f"complete them with: {command} ... --resume", file=sys.stderr)
            raise typer.Exit(code=130) from None
