"""Where a number came from: its grade and source, and for an assumed or derived one its range.

Kept apart from the catalogue's entries (``sim.data.entries``), which the compiled core builds: a
``Provenance`` stays a plain Python dataclass, read with ``vars`` by the tables and the catalogue commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

# unconfirmed: an assumption no source confirms either way, which reports test by changing it.
Grade = Literal["sourced", "derived", "assumed", "unconfirmed", "scenario"]


@dataclass(frozen=True)
class Provenance:
    """Where one number came from, and for an assumed or derived one the range it may lie in (``low`` <=
    ``value`` <= ``high``, same units; the source text gives the reason for the range). None: no range."""

    value: Any
    grade: Grade
    source: str
    low: Any = None
    high: Any = None

    @property
    def ranged(self) -> bool:
        """True when the number has a range wider than a point: an uncertainty study may vary it."""
        return self.low is not None and self.high is not None and self.high > self.low


def scenario_provenance(values: dict[str, Any]) -> dict[str, Provenance]:
    """Provenance of values a scenario file set."""
    return {key: Provenance(value, "scenario", "scenario file") for key, value in values.items()}
