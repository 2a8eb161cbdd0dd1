"""A replicated run's sorties.csv and ground.csv lines are formatted where each replication runs: they are
the bytes write_csv writes for the same rows, and the rows the API gives are those of each replication's run."""

from __future__ import annotations

import csv
import math
import random
from array import array

import pytest
from helpers import scenario

from sim import replicate, run
from sim.results.saving import GROUND_TABLE_COLUMNS, SORTIE_COLUMNS
from sim.results.writing import csv_header, csv_lines, write_csv


def test_csv_lines_are_the_bytes_write_csv_writes(tmp_path):
    floats = array("d", [0.0, -0.0, 1 / 3, 2.00005, 1e-7, 123456.789012345, math.nan, math.inf, 0.12345])
    texts = ["a", "", "b,c", 'say "hi"', "x\ny", "é", "KIND x2; OTHER x1", "-", "+"]
    others = [True, False, None, 7, -1, 2.5, math.nan, "t", 0]
    columns = ["f", "t", "o"]
    rows = [dict(zip(columns, r, strict=True)) for r in zip(floats, texts, others, strict=True)]
    write_csv(tmp_path / "rows.csv", rows, columns)
    assert csv_header(columns) + csv_lines([floats, texts, others]) == (tmp_path / "rows.csv").read_bytes()
    # The format every earlier result has: row by row, floats rounded to 4 decimals, NaN empty.
    with (tmp_path / "reference.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows({k: (None if v != v else round(v, 4)) if isinstance(v, float) else v for k, v in row.items()}
                         for row in rows)
    assert (tmp_path / "rows.csv").read_bytes() == (tmp_path / "reference.csv").read_bytes()


def test_a_replications_trace_is_its_runs_rows_and_lines(tmp_path):
    s = scenario(days=6, requirements=[{"from": "ORIG", "to": "DEST", "tons": 1e6}],
                 stochastic={"break_per_sortie": 0.2, "repair_h": {"mean": 10, "cv": 0.5}, "replications": 3})
    reps = replicate(s, workers=2)
    runs = [run(s, replication=r) for r in range(3)]
    assert reps.sortie_rows == [{"replication": r, **row} for r, one in enumerate(runs) for row in one.sortie_rows]
    assert reps.ground_rows == [{"replication": r, **row} for r, one in enumerate(runs) for row in one.ground_rows]
    folder = reps.save(tmp_path / "out")
    write_csv(tmp_path / "sorties.csv", reps.sortie_rows, ["replication", *SORTIE_COLUMNS])
    write_csv(tmp_path / "ground.csv", reps.ground_rows, ["replication", *GROUND_TABLE_COLUMNS])
    for name in ("sorties.csv", "ground.csv"):
        assert (folder / name).read_bytes() == (tmp_path / name).read_bytes()
    serial = replicate(s, workers=1).save(tmp_path / "serial")
    for name in ("sorties.csv", "ground.csv", "routes.geojson", "daily.csv", "summary.json"):
        assert (folder / name).read_bytes() == (serial / name).read_bytes()


def test_floats_are_written_as_round_to_4_decimals_prints_them():
    rng = random.Random(7)
    values = [rng.uniform(-1e4, 1e4) for _ in range(20000)] + [rng.uniform(-1, 1) * 10 ** rng.randint(-6, 10)
                                                               for _ in range(20000)]
    values += [k / 2e4 for k in range(-2000, 2000)]  # ties at the fifth decimal, as near as floats get
    values += [0.0, -0.0, 1e-4, 5e-5, -5e-5, 99999999999.99995, 123.45675, 0.00015, 2.5, 1e10 + 0.5]
    assert csv_lines([array("d", values)]) == "".join(f"{round(x, 4)!r}\r\n" for x in values).encode()
    beyond = array("d", [1e11, -3e15, 1e300, math.inf, -math.inf, math.nan, 0.5])
    assert csv_lines([beyond]) == b"100000000000.0\r\n-3000000000000000.0\r\n1e+300\r\ninf\r\n-inf\r\n\"\"\r\n0.5\r\n"


def test_a_list_of_floats_is_written_as_the_same_floats_in_an_array_and_a_mixed_list_value_by_value():
    rng = random.Random(11)
    values = [rng.uniform(-1e4, 1e4) for _ in range(5000)] + [0.0, -0.0, -4e-5, math.nan, math.inf, 1e300, 2.5]
    assert csv_lines([values]) == csv_lines([array("d", values)])
    assert csv_lines([values]).endswith(b'\r\n""\r\ninf\r\n1e+300\r\n2.5\r\n')
    mixed = [1, 2.5, None, 0.00004, True, "x"]  # an int stays an int ("1", not "1.0"), None empty
    assert csv_lines([mixed]) == b'1\r\n2.5\r\n""\r\n0.0\r\nTrue\r\nx\r\n'

@pytest.mark.slow
def test_a_replicated_run_on_dask_gives_the_same_traces(tmp_path):
    s = scenario(days=4, requirements=[{"from": "ORIG", "to": "DEST", "tons": 1e6}],
                 stochastic={"break_per_sortie": 0.2, "repair_h": {"mean": 10, "cv": 0.5}, "replications": 2})
    dask, serial = replicate(s, workers=2, dask="local"), replicate(s, workers=1)
    assert [r["trace"] for r in dask.records] == [r["trace"] for r in serial.records]
    assert dask.save(tmp_path / "dask").joinpath("ground.csv").read_bytes() == \
        serial.save(tmp_path / "serial").joinpath("ground.csv").read_bytes()
