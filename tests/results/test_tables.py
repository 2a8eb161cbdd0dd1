"""sim.results.tables on its own: the closure day of a run's deliveries."""

from __future__ import annotations

from array import array

from sim.results.tables import closure_day


def test_the_closure_day_reads_the_delivery_columns_as_they_are_kept_and_as_lists():
    times_h, tons = array("d", [50.0, 10.0, 30.0]), array("d", [4.0, 3.0, 3.0])  # a run's columns: not in time order
    assert closure_day(times_h, tons, 6.0) == 1  # 3 t at 10 h, 3 t more at 30 h: day 1
    assert closure_day(list(times_h), list(tons), 6.0) == 1
    assert closure_day(times_h, tons, 10.0) == 2
    assert closure_day(times_h, tons, 10.5) is None  # never delivered
    assert closure_day(array("d"), array("d"), 0.0) is None  # nothing requested: no closure to report
