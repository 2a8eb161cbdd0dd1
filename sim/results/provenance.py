"""run.json: where a results folder came from.

Every results folder (a run, a replicated run, a sweep, a comparison, the reach report) gets a run.json
with the package version and ``git describe`` of its source tree when it is a git checkout, the UTC time,
the command line of the process, the seeds and replications, the Python and dependency versions, and the
scenario: its hash and a full copy. Everything in it is a function of the inputs and the installed
software except the fields in ``VARIABLE_FIELDS`` (when and how it was written).
"""

from __future__ import annotations

import functools
import platform
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sim._version import __version__

VARIABLE_FIELDS = ("created_utc", "command")
DEPENDENCIES = ("simpy", "numpy", "scipy", "shapely", "pyproj", "matplotlib", "pandas", "pydantic", "ruamel.yaml",
                "airportsdata", "pycountry", "typer")


@functools.lru_cache(maxsize=1)
def git_describe() -> str | None:
    """``git describe --always --dirty --tags`` of the package's source tree, or None when it is not a git
    checkout (an installed wheel) or git is missing."""
    source = Path(__file__).resolve().parent.parent.parent
    if not (source / ".git").exists():
        return None
    try:
        done = subprocess.run(["git", "describe", "--always", "--dirty", "--tags"], cwd=source, capture_output=True,
                              text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


@functools.lru_cache(maxsize=1)
def dependency_versions() -> dict[str, str | None]:
    """Installed version of each runtime dependency (None if missing)."""
    found: dict[str, str | None] = {}
    for name in DEPENDENCIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def scenario_hash(scenario_data: dict[str, Any]) -> str:
    """The validated scenario's hash (``Scenario.scenario_hash``) of scenario data as saved."""
    from sim.scenario.schema import Scenario

    return Scenario.model_validate(scenario_data).scenario_hash()


def provenance(kind: str, scenarios: dict[str, dict[str, Any]] | None = None, *, seed: int | None = None,
               replications: int | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The run.json record of a results folder of ``kind`` ("run", "replicated run", "sweep",
    "comparison", "reach report"). ``scenarios`` maps a role ("scenario", or "a" and "b") to the scenario
    as plain data (scenario.json); each is copied with its hash."""
    record: dict[str, Any] = {
        "kind": kind,
        "package": "airlift-sim",
        "package_version": __version__,
        "git_describe": git_describe(),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": shlex.join(sys.argv),
        "seed": seed,
        "replications": replications,
        "python": platform.python_version(),
        "dependencies": dependency_versions(),
    }
    for role, data in (scenarios or {}).items():
        record[f"{role}_hash"] = scenario_hash(data)
        record[role] = data
    record.update(extra or {})
    return record


def without_variable_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A run.json record less the fields that change from one writing to the next."""
    return {k: v for k, v in record.items() if k not in VARIABLE_FIELDS}
