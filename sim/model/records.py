"""Column-wise records appended during a run (cheap: no object per event).

Hours, tons and kilometres are stored in ``array('d')`` columns: 8 bytes a value rather than a float
object each, which keeps a 1000-aircraft, 90-day run small.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

LEG_COLUMNS = (
    "aircraft", "type", "origin", "destination", "depart_h", "arrive_h", "payload_t", "distance_km",
    "fuel_stop", "purpose", "requirement", "fuel_t",
)
DELIVERY_COLUMNS = ("time_h", "requirement", "origin", "destination", "type", "aircraft", "tons")
TURN_COLUMNS = ("airfield", "aircraft", "type", "arrive_h", "start_h", "end_h", "activity")


FLOAT_COLUMNS = {"depart_h", "arrive_h", "payload_t", "distance_km", "fuel_t", "time_h", "tons", "start_h", "end_h"}


def _columns(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: array("d") if name in FLOAT_COLUMNS else [] for name in names}


@dataclass
class Records:
    """Everything a run logged, as columns."""

    legs: dict[str, list[Any]] = field(default_factory=lambda: _columns(LEG_COLUMNS))
    deliveries: dict[str, list[Any]] = field(default_factory=lambda: _columns(DELIVERY_COLUMNS))
    turns: dict[str, list[Any]] = field(default_factory=lambda: _columns(TURN_COLUMNS))

    @staticmethod
    def append(table: dict[str, list[Any]], *values: Any) -> None:
        """Append one row to a column table, in column order."""
        for column, value in zip(table.values(), values, strict=True):
            column.append(value)
