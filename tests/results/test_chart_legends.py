"""Charts a planner reads without a key to the codes: ground.png has one legend and names its airfields;
throughput.png's legend has the stockpile's target line and stays off the plot with 200 requirements."""

from __future__ import annotations

from datetime import date

import matplotlib
import pytest

from sim.results import plots

matplotlib.use("Agg")


def _ground(fields: list[str]) -> list[dict]:
    rows = []
    for k, ident in enumerate(fields):
        for n in range(5 - k):
            start = 10.0 * n
            rows.append({"airfield": ident, "activity": "onload", "arrive_h": start, "start_h": start + 1.0,
                         "end_h": start + 4.0})
    return rows


def test_ground_chart_has_one_legend_and_names_each_airfield():
    fields = ["OSLK", "HL59", "UUMU", "HLGN"]
    fig = plots.ground_figure(_ground(fields), {i: 2 for i in fields}, horizon_h=72.0, start_date=date(2024, 12, 8),
                              stays={i: [(0.0, 30.0)] for i in fields}, parking={i: 4 for i in fields},
                              names={"OSLK": "Hmeimim", "HL59": "al-Khadim", "UUMU": "Chkalovsky",
                                     "HLGN": "Tobruk (Gamal Abdel Nasser)"})
    assert len(fig.legends) == 1 and not any(ax.get_legend() for ax in fig.axes)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["OSLK Hmeimim", "HL59 al-Khadim", "UUMU Chkalovsky", "HLGN Tobruk (Gamal Abdel Nasser)"]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "working MOG at start" in labels and "parking spots" in labels
    notes = [t.get_text() for t in fig.axes[0].texts]
    assert "working MOG 2" in notes and "parking spots 4" in notes  # each panel's own figures on its lines
    matplotlib.pyplot.close(fig)


def _throughput(requirements: int) -> tuple[dict, list[dict], dict]:
    days = 10
    summary = {"scenario": "t", "start_date": "2024-12-08", "days": days, "delivered_t": 1.0, "requested_t": 2.0,
               "mean_daily_t": 0.1, "events": []}
    daily, reqs = [], [{"from": "OSLK", "to": "HL59", "tons": 4000, "label": "stockpile"}]
    for d in range(days):
        daily.append({"day": d, "requirement": "stockpile", "origin": "OSLK", "destination": "HL59",
                      "delivered_t": 400.0})
    for k in range(requirements - 1):
        reqs.append({"from": "UUMU", "to": "HL59", "tons_per_day": 10 + k, "label": f"flow {k}"})
        for d in range(days):
            daily.append({"day": d, "requirement": f"flow {k}", "origin": "UUMU", "destination": "HL59",
                          "delivered_t": float(10 + k)})
    return summary, daily, {"requirements": reqs}


def test_the_stockpile_target_line_is_in_the_throughput_legend():
    fig = plots.throughput_figure(*_throughput(2))
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "requested, stockpile (4,000 t)" in labels
    assert "demand, flow 0 (10 t/day)" in labels
    assert not any(label.startswith("requested, flow") for label in labels)  # the flow's demand entry stands for it
    matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("requirements", [200])
def test_a_legend_of_many_requirements_is_condensed_below_the_charts(requirements):
    fig = plots.throughput_figure(*_throughput(requirements))
    fig.canvas.draw()
    (legend,) = fig.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert len(labels) <= plots.LEGEND_REQUIREMENTS + 2
    assert labels[-1] == f"and {requirements - plots.LEGEND_REQUIREMENTS} more (daily.csv)"
    assert "flow 198 (UUMU -> HL59)" in labels  # the largest are named
    box = legend.get_window_extent()
    for ax in fig.axes:
        assert box.y1 <= ax.get_window_extent().y0 + 1  # below every plot, never over it
    assert box.x0 >= 0 and box.x1 <= fig.bbox.x1 + 1  # and not cut off at the sides
    matplotlib.pyplot.close(fig)
