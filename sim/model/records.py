"""Column-wise records appended during a run (cheap: no object per event).

Hours, tons and kilometres are stored in ``array('d')`` columns: 8 bytes a value rather than a float
object each, which keeps a 1000-aircraft, 90-day run small.

* legs (sorties.csv): one row per leg flown, with the fuel and masses at take-off and landing;
* deliveries: one row per offload at a requirement's destination;
* ground (ground.csv): one row per ground activity. ``arrive_h`` is when the aircraft asked for a working
  spot (or reached the ground), ``start_h`` when it got one, ``end_h`` when it left it.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any, Literal

LEG_COLUMNS = (
    "aircraft", "type", "origin", "destination", "depart_h", "arrive_h", "payload_t", "distance_km",
    "fuel_stop", "purpose", "requirement", "fuel_t", "fuel_takeoff_t", "fuel_landing_t", "takeoff_mass_t",
    "landing_mass_t",
)
DELIVERY_COLUMNS = ("time_h", "requirement", "origin", "destination", "type", "aircraft", "tons")
GROUND_COLUMNS = ("aircraft", "type", "airfield", "arrive_h", "start_h", "end_h", "activity", "payload_t",
                  "requirement")

# What a leg was flown for. "diverted": its destination closed while airborne, landed elsewhere.
Purpose = Literal["cargo", "reposition", "ferry", "diverted"]
# Ground activities. onload, offload and fuel stop hold a working spot; the others do not.
Activity = Literal["onload", "offload", "fuel stop", "repair", "parked", "stranded"]
SPOT_ACTIVITIES = ("onload", "offload", "fuel stop")

FLOAT_COLUMNS = {"depart_h", "arrive_h", "payload_t", "distance_km", "fuel_t", "time_h", "tons", "start_h", "end_h",
                 "fuel_takeoff_t", "fuel_landing_t", "takeoff_mass_t", "landing_mass_t"}


def _columns(names: tuple[str, ...]) -> dict[str, Any]:
    return {name: array("d") if name in FLOAT_COLUMNS else [] for name in names}


@dataclass
class Records:
    """Everything a run logged, as columns."""

    legs: dict[str, list[Any]] = field(default_factory=lambda: _columns(LEG_COLUMNS))
    deliveries: dict[str, list[Any]] = field(default_factory=lambda: _columns(DELIVERY_COLUMNS))
    ground: dict[str, list[Any]] = field(default_factory=lambda: _columns(GROUND_COLUMNS))
    closures: list[dict[str, Any]] = field(default_factory=list)  # airfield closures and outages as they happened
    stranded: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def append(table: dict[str, list[Any]], *values: Any) -> None:
        """Append one row to a column table, in column order."""
        for column, value in zip(table.values(), values, strict=True):
            column.append(value)
