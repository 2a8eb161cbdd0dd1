"""A run's records are kept as compact columns that read back as the lists of values put in."""

from __future__ import annotations

import pickle
from array import array

import numpy as np
import pytest

from sim.model.logbook import RowBuffer
from sim.model.records import CARGO_DELIVERY_KINDS, Codes, DictRows, GroundRow, Records


def test_codes_read_back_the_values_put_in():
    values = ["onload", "offload", "onload", "parked", "offload"]
    column = Codes(values[:2])
    column.extend(values[2:4])
    column.append(values[4])
    assert list(column) == values and len(column) == 5
    assert column[0] == "onload" and column[-1] == "offload" and column[1:3] == values[1:3]
    assert column == values and column != values[:4]
    assert column.values == ["onload", "offload", "parked"]  # each distinct value stored once
    assert column.codes.itemsize == 2


def test_codes_pickle_and_numpy_as_a_list_does():
    column = Codes([True, False, True])
    assert pickle.loads(pickle.dumps(column)) == [True, False, True]
    assert np.asarray(column).dtype == np.asarray([True, False, True]).dtype
    names = Codes(["a", "bb"])
    assert np.asarray(names).tolist() == ["a", "bb"]
    again = pickle.loads(pickle.dumps(names))
    again.append("a")
    assert again == ["a", "bb", "a"] and again.values == ["a", "bb"]


def test_codes_widen_past_65536_distinct_values():
    column = Codes(str(i) for i in range(70_000))
    assert column.codes.typecode == "I" and column[65_536] == "65536" and len(column) == 70_000


def test_records_columns_by_type():
    records = Records()
    assert isinstance(records.ground["arrive_h"], array) and records.ground["arrive_h"].typecode == "d"
    assert isinstance(records.ground["requirement"], array) and records.ground["requirement"].typecode == "q"
    assert records.ground["activity"] == [] and records.ground["in_progress"] == []


GROUND_ROWS = [GroundRow("A#1", "Il-76MD", "UUMU", 1.0, 1.5, 4.0, "onload", 35.0, 0),
               GroundRow("A#2", "Il-76MD", "HL59", 2.0, 2.0, 5.0, "offload", 0.0, -1, True),
               GroundRow("A#1", "Il-76MD", "UUMU", 6.0, 6.0, 9.0, "onload", 35.0, 1)]


@pytest.mark.parametrize("compact_rows", [1, 2, 4, 100])
def test_row_buffer_fills_the_columns_with_the_rows_values_coded_once_the_table_is_long(compact_rows):
    records = Records()
    buffer = RowBuffer(records.ground, batch=2, compact_rows=compact_rows)
    for row in GROUND_ROWS:
        buffer.add(row)
    buffer.flush()
    assert [tuple(values) for values in zip(*records.ground.values(), strict=True)] == GROUND_ROWS
    assert isinstance(records.ground["activity"], Codes) == (compact_rows <= 3)


def test_cargo_deliveries_read_back_as_dicts():
    rows = DictRows(CARGO_DELIVERY_KINDS)
    first = {"time_h": 12.5, "requirement": 0, "type": "Il-76MD", "class": "bulk", "item": "", "tons": 35.0, "count": 0}
    second = {**first, "time_h": 20.0, "class": "passengers", "tons": 9.6, "count": 96}
    rows.append(first)
    rows.append(second)
    assert list(rows) == [first, second] and rows[1] == second and len(rows) == 2
    assert pickle.loads(pickle.dumps(rows)) == [first, second]
    with pytest.raises(ValueError):
        rows.append({"time_h": 1.0})


@pytest.mark.pure_core
def test_cargo_deliveries_are_coded_once_long(monkeypatch):
    import sim.model.records as records

    monkeypatch.setattr(records, "COMPACT_ROWS", 3)
    rows = DictRows(CARGO_DELIVERY_KINDS)
    made = [{"time_h": float(k), "requirement": k % 2, "type": "Il-76MD", "class": "bulk", "item": "", "tons": 35.0,
             "count": 0} for k in range(5)]
    for row in made:
        rows.append(row)
    assert isinstance(rows.columns["type"], Codes) and list(rows) == made


@pytest.mark.parametrize("row", [GROUND_ROWS[0][:-1], (*GROUND_ROWS[0], 1.0)])  # one value short, one too many
def test_a_row_of_the_wrong_length_is_refused_when_the_buffer_flushes(row):
    buffer = RowBuffer(Records().ground, batch=10)
    buffer.add(row)  # a plain tuple, as the engine adds them
    with pytest.raises(ValueError):
        buffer.flush()
