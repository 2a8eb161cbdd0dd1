"""What a run logs, row by row, kept as columns.

Each kind of row is one NamedTuple below (LegRow, GroundRow, DeliveryRow): its fields are the columns,
in CSV order, with their units in their names; a column is added there and where the engine fills the
row. Rows are stored column by column, compactly, which keeps a 1000-aircraft, 90-day run small: hours, tons
and kilometres in ``array('d')`` columns (8 bytes a value rather than a float object each), whole numbers in
``array('q')``, and names, kinds and flags (a few distinct values each) in lists that become ``Codes`` (two
bytes a row instead of an eight-byte pointer) once a table passes COMPACT_ROWS rows: coding each value costs
some 50 ns, which a replication of a few thousand rows need not pay.

* legs (sorties.csv): one row per leg flown, with the fuel and masses at take-off and landing;
* deliveries: one row per offload at a requirement's destination;
* ground (ground.csv): one row per ground activity. ``arrive_h`` is when the aircraft asked for a working
  spot (or reached the ground), ``start_h`` when it got one, ``end_h`` when it left it; an activity still
  under way at the end of the run (a turn, a repair, a wait) is cut at the horizon and flagged
  ``in_progress``.
"""

from __future__ import annotations

import typing
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, overload

# What a leg was flown for. "diverted": its destination closed (or had every spot taken) while airborne, landed elsewhere;
# "emergency landing": no usable airfield in reach, landed anyway.
# "return": empty, back to the cargo's hub (or the base) after a delivery with no job waiting.
Purpose = Literal["cargo", "reposition", "ferry", "return", "diverted", "emergency landing"]
# Ground activities. onload, offload and fuel stop hold a working spot; the others do not. "crew rest": the
# aircraft waits for a crew allowed to fly its next hop; "parking hold": it waits where it is for a parking
# spot at its next destination.
Activity = Literal["onload", "offload", "fuel stop", "repair", "parked", "stranded", "crew rest", "parking hold"]
SPOT_ACTIVITIES = ("onload", "offload", "fuel stop")


class LegRow(NamedTuple):
    """One leg flown: a row of sorties.csv, its columns in this order."""

    aircraft: str  # its name, TYPE#N@BASE
    type: str
    origin: str
    destination: str  # where it landed (for a diversion, not where it was bound)
    depart_h: float
    arrive_h: float
    payload_t: float
    distance_km: float
    fuel_stop: bool  # landed to refuel on the way, cargo aboard
    purpose: Purpose
    requirement: int  # index of the requirement whose cargo is aboard, -1 for none (the CSV has its name)
    fuel_t: float  # burned on the leg
    fuel_takeoff_t: float
    fuel_landing_t: float
    takeoff_mass_t: float
    landing_mass_t: float
    crew: str  # the crew that flew it ("" when crews are not modelled)
    cargo_class: str  # the classes aboard, "+"-joined (bulk, oversize, outsize, passengers); "" when empty
    items: str  # the pieces aboard, "KIND xN; ..." ("" for none)
    passengers: int  # people aboard
    passenger_crews: str  # spare crews riding to where crews are staged, ";"-joined ("" for none)


class GroundRow(NamedTuple):
    """One ground activity: a row of ground.csv, its columns in this order."""

    aircraft: str
    type: str
    airfield: str
    arrive_h: float  # asked for a working spot (or reached the ground)
    start_h: float  # got the spot
    end_h: float  # left it
    activity: Activity
    payload_t: float
    requirement: int  # -1 for none
    in_progress: bool = False  # still under way at the end of the run: cut at the horizon (end_h)


class DeliveryRow(NamedTuple):
    """One offload at a requirement's destination."""

    time_h: float
    requirement: int
    origin: str
    destination: str
    type: str
    aircraft: str
    tons: float


# A row of Records.cargo_deliveries: what one delivery was, by class and item ("" for tons)
CARGO_DELIVERY_KINDS: dict[str, type] = {"time_h": float, "requirement": int, "type": str, "class": str, "item": str,
                                         "tons": float, "count": int}
LEG_COLUMNS = LegRow._fields
GROUND_COLUMNS = GroundRow._fields
DELIVERY_COLUMNS = DeliveryRow._fields
# Each row type's columns and their types (read once: typing.get_type_hints costs some 0.2 ms a call)
ROW_KINDS: dict[type, dict[str, Any]] = {row: typing.get_type_hints(row) for row in (LegRow, GroundRow, DeliveryRow)}
FLOAT_COLUMNS = frozenset(name for hints in ROW_KINDS.values() for name, kind in hints.items() if kind is float)


class Codes(Sequence[Any]):
    """A column of few distinct values (names, kinds, flags), read as a list of them: each row is the position
    of its value in ``values``, kept in an ``array('H')`` (two bytes a row instead of an eight-byte pointer;
    ``array('I')`` past 65,536 distinct values). Values that compare equal share a position, so a column holds
    values of one type (as each row type's hints say): True and 1 would both read back as the first seen."""

    __slots__ = ("codes", "values", "_index")

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self.codes = array("H")
        self.values: list[Any] = []
        self._index: dict[Any, int] = {}
        self.extend(items)

    def _code(self, value: Any) -> int:
        code = self._index.get(value)
        if code is None:
            code = self._index[value] = len(self.values)
            self.values.append(value)
            if code == 65536:
                self.codes = array("I", self.codes)
        return code

    def extend(self, items: Iterable[Any]) -> None:
        index = self._index
        items = items if isinstance(items, Sequence) else list(items)
        try:  # the values seen before: one look-up each
            codes = [index[v] for v in items]
        except KeyError:
            codes = [self._code(v) for v in items]
        self.codes.extend(codes)

    def append(self, value: Any) -> None:
        self.codes.append(self._code(value))

    def __len__(self) -> int:
        return len(self.codes)

    @overload
    def __getitem__(self, i: int) -> Any: ...
    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self.values[c] for c in self.codes[i]]
        return self.values[self.codes[i]]

    def __iter__(self) -> Iterator[Any]:
        return map(self.values.__getitem__, self.codes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, as a list

    def __repr__(self) -> str:
        return f"Codes({list(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return _codes, (self.codes, self.values)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        import numpy as np

        return np.asarray(list(self), dtype=dtype)


def _codes(codes: array, values: list[Any]) -> Codes:
    """A Codes column from its parts (unpickling)."""
    column = Codes()
    column.codes, column.values = codes, list(values)
    column._index = {v: i for i, v in enumerate(column.values)}
    return column


def column_for(kind: Any) -> Any:
    """An empty column for values of this type: ``array('d')`` for floats, ``array('q')`` for whole numbers,
    a list for the rest (``RowBuffer`` makes it ``Codes`` once the table is long)."""
    return array("d") if kind is float else array("q") if kind is int else []


COMPACT_ROWS = 65_536  # rows of a table past which its list columns become Codes


def compact(columns: dict[str, Any]) -> None:
    """Make the list columns of a long table ``Codes``, in place (the table keeps its identity)."""
    for name, column in columns.items():
        if type(column) is list:
            columns[name] = Codes(column)


def _columns(row: type[tuple]) -> dict[str, Any]:
    hints = ROW_KINDS[row]
    return {name: column_for(hints[name]) for name in row._fields}  # type: ignore[attr-defined]


class DictRows(Sequence[dict[str, Any]]):
    """Rows of the same keys, appended as dicts and read back as (new) dicts, kept as columns (``column_for``
    each key's type: a whole number in a float column reads back as a float). The engine fills the columns
    directly, a ``RowBuffer`` of tuples in the columns' order."""

    def __init__(self, kinds: dict[str, type]) -> None:
        self.columns: dict[str, Any] = {k: column_for(kind) for k, kind in kinds.items()}

    def append(self, row: dict[str, Any]) -> None:
        if row.keys() != self.columns.keys():
            raise ValueError(f"row keys {list(row)} differ from the columns {list(self.columns)}")
        for column, value in zip(self.columns.values(), row.values(), strict=True):
            column.append(value)
        if len(self) == COMPACT_ROWS:
            compact(self.columns)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return {k: column[i] for k, column in self.columns.items()}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        keys = list(self.columns)
        return (dict(zip(keys, values, strict=True)) for values in zip(*self.columns.values(), strict=True))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Records:
    """Everything a run logged, as columns."""

    legs: dict[str, Any] = field(default_factory=lambda: _columns(LegRow))
    deliveries: dict[str, Any] = field(default_factory=lambda: _columns(DeliveryRow))
    ground: dict[str, Any] = field(default_factory=lambda: _columns(GroundRow))
    closures: list[dict[str, Any]] = field(default_factory=list)  # airfield closures and outages as they happened
    stranded: list[dict[str, Any]] = field(default_factory=list)
    crews: list[dict[str, Any]] = field(default_factory=list)  # one row per crew at the end of the run
    parking_peaks: dict[str, int] = field(default_factory=dict)  # most spots held at once, by airfield
    airborne_at_end: list[dict[str, Any]] = field(default_factory=list)  # hops still in the air at the horizon
    # A run that ended gridlocked (no take-off in its last day, aircraft waiting for parking, cargo waiting)
    gridlock: list[dict[str, Any]] = field(default_factory=list)
    # What each delivery was, by class and item (CARGO_DELIVERY_KINDS)
    cargo_deliveries: DictRows = field(default_factory=lambda: DictRows(CARGO_DELIVERY_KINDS))
