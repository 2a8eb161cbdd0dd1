"""A replicated run's sorties.csv and ground.csv lines are formatted where each replication runs: they are
the bytes write_csv writes for the same rows, and the rows the API gives are those of each replication's run."""

from __future__ import annotations

import math
from array import array

from conftest import scenario

from sim import replicate, run
from sim.results.saving import GROUND_TABLE_COLUMNS, SORTIE_COLUMNS
from sim.results.writing import csv_header, csv_lines, write_csv


def test_csv_lines_are_the_bytes_write_csv_writes(tmp_path):
    floats = array("d", [0.0, -0.0, 1 / 3, 2.00005, 1e-7, 123456.789012345, math.nan, math.inf, 0.12345])
    texts = ["a", "", "b,c", 'say "hi"', "x\ny", "é", "KIND x2; OTHER x1", "-", "+"]
    others = [True, False, None, 7, -1, 2.5, math.nan, "t", 0]
    columns = ["f", "t", "o"]
    write_csv(tmp_path / "rows.csv", [dict(zip(columns, r, strict=True)) for r in zip(floats, texts, others, strict=True)],
              columns)
    assert csv_header(columns) + csv_lines([floats, texts, others]) == (tmp_path / "rows.csv").read_bytes()


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
