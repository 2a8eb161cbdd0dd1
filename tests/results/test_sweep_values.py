"""A sweep may vary a value that is a mapping or a list (``crews_at``, closed countries): its chart groups
the points by those values without hashing them."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from sim.results.plots import sweep_panels  # noqa: E402


def _row(count: int, crews_at: dict[str, int], t: float) -> dict[str, object]:
    row: dict[str, object] = {"fleet[0].count": count, "fleet[0].crews_at": crews_at, "p_closed": 0.0}
    for figure in ("mean_daily_t", "backlog_t", "in_transit_t"):
        row |= {f"{figure}_mean": t, f"{figure}_ci95_low": t, f"{figure}_ci95_high": t}
    return row


def test_a_swept_mapping_that_is_not_the_first_path_makes_one_line_per_value():
    rows = [_row(1, {"HLLB": 1}, 50.0), _row(2, {"HLLB": 1}, 100.0), _row(1, {"HLLB": 2}, 35.0),
            _row(2, {"HLLB": 2}, 100.0)]
    figure = sweep_panels(rows, ["fleet[0].count", "fleet[0].crews_at"], "sw", 1)
    labels = [line.get_gid() for line in figure.axes[0].lines]
    assert labels == ["mean_daily_t:fleet[0].crews_at={'HLLB': 1}", "mean_daily_t:fleet[0].crews_at={'HLLB': 2}"]
    assert list(figure.axes[0].lines[1].get_ydata()) == [35.0, 100.0]
