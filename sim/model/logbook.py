"""The run's log on its way into the column tables of ``sim.model.records``, compiled with the core.

A row is a plain tuple of the values of ``LegRow``, ``GroundRow`` or ``DeliveryRow`` (records.py declares
the columns and their order): a tuple is made in the compiled code, where a named tuple would be a call
into Python for every leg and ground activity. ``flush`` checks each row has every column (``strict``).
"""

from __future__ import annotations

import struct
from array import array
from typing import Any

from sim.model.records import COMPACT_ROWS, compact


class RowBuffer:
    """Rows on their way into a column table, a batch at a time: appending one tuple to a list costs far
    less than appending each of its values to its column. ``flush`` moves the rows held into the columns;
    until then the table lacks them (the engine flushes when the run finishes)."""

    def __init__(self, table: dict[str, Any], batch: int = 1024, compact_rows: int = COMPACT_ROWS):
        self.table = table
        self.rows: list[tuple[Any, ...]] = []
        self.batch = batch  # rows held at most: some 100 kB, whatever the run's length
        self.compact_rows = compact_rows

    def add(self, row: tuple[Any, ...]) -> None:
        """Append one row (its values in column order)."""
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Move the rows held into the table's columns."""
        rows = self.rows
        if rows:
            width = len(self.table)
            for row in rows:
                if len(row) != width:
                    raise ValueError(f"a row of {len(row)} values for a table of {width} columns: {row!r}")
            for j, column in enumerate(self.table.values()):
                values = [row[j] for row in rows]  # column j: cheaper than zip(*rows), an iterator per row
                if isinstance(column, array):  # packed at once: array.extend converts value by value, slowly
                    column.frombytes(struct.pack(f"{len(values)}{column.typecode}", *values))
                else:
                    column.extend(values)
            rows.clear()
            if len(next(iter(self.table.values()))) >= self.compact_rows:
                compact(self.table)
