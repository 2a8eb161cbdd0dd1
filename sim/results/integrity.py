"""A results folder's seal: run.json (or sweep_run.json) records each file's sha256 and, for a CSV, its
row count; ``verify`` names every file that is missing or no longer what the run wrote (a row deleted,
a line cut in half, a number edited), so damage is found before any check or chart trusts the files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

PROVENANCE = ("run.json", "sweep_run.json")


def describe(path: Path) -> dict[str, Any]:
    """{"sha256", "bytes"} of a file, and "rows" (records after the header) of a CSV."""
    data = path.read_bytes()
    entry: dict[str, Any] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if path.suffix == ".csv":
        entry["rows"] = csv_rows(data)
    return entry


def csv_rows(data: bytes) -> int:
    """Records after the header (a quoted field may hold a line break)."""
    if b'"' not in data:
        return max(data.count(b"\n") - 1, 0) + (0 if data.endswith(b"\n") or not data else 1)
    return max(sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8", "replace"), newline=""))) - 1, 0)


def seal(folder: Path, provenance: str, names: list[str]) -> None:
    """Add ``files``: the description of each of ``names`` (those present) to the provenance file."""
    path = folder / provenance
    record = json.loads(path.read_text(encoding="utf-8"))
    record["files"] = {name: describe(folder / name) for name in sorted(names)
                       if name != provenance and (folder / name).is_file()}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


def verify(folder: Path) -> list[str]:
    """One line per file of ``folder`` that its provenance files list and that is missing or changed;
    [] when every file is as written (or the folder predates the seal)."""
    problems = []
    for provenance in PROVENANCE:
        path = folder / provenance
        if not path.is_file():
            continue
        try:
            files = json.loads(path.read_text(encoding="utf-8")).get("files") or {}
        except (ValueError, UnicodeDecodeError):
            problems.append(f"{path}: damaged: not valid JSON")
            continue
        for name, expected in files.items():
            problems += _compare(folder / name, expected, provenance)
    return problems


def _compare(path: Path, expected: dict[str, Any], provenance: str) -> list[str]:
    if not path.is_file():
        return [f"{path}: damaged: missing (listed in {provenance})"]
    found = describe(path)
    if found["sha256"] == expected.get("sha256"):
        return []
    detail = "its content differs from what the run wrote (sha256)"
    if "rows" in expected and found.get("rows") != expected["rows"]:
        detail = f"{found.get('rows'):,} rows where the run wrote {expected['rows']:,}"
    elif found["bytes"] != expected.get("bytes"):
        detail = f"{found['bytes']:,} bytes where the run wrote {expected.get('bytes', 0):,}"
    return [f"{path}: damaged: {detail}"]
