"""Inputs that stand for the big ones: many events run and chart quickly (20,000 ran 37 s on a loaded
machine; 2,000 here), and `estimate` keeps memory independent of flights x draws, its normal interval
for many flights matching the Monte Carlo one."""

from __future__ import annotations

import pytest
from helpers import scenario

from sim import run
from sim.experiments import estimate
from sim.geo.airspace import make_policy
from sim.results import style


def test_two_thousand_mog_events_run_and_chart(tmp_path):
    events = [{"day": round(i * 3 / 2000, 5), "mog": {"DEST": 1 + i % 3}} for i in range(2000)]
    result = run(scenario(days=3, events=events, requirements=[{"from": "ORIG", "to": "DEST", "tons_per_day": 200}]))
    assert len(result.summary["events"]) == 2000
    result.save(tmp_path / "out")
    assert (tmp_path / "out" / "throughput.png").stat().st_size > 0


def test_many_events_are_ticked_not_numbered():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    note = style.mark_events([ax], [(float(i), f"event {i}") for i in range(style.MAX_EVENT_MARKS + 1)])
    assert len(ax.texts) == 0 and note.startswith("Events: 31,")
    plt.close(fig)


@pytest.fixture(scope="module")
def flights():
    return estimate.read_flights("scenarios/observations/dec2024_flights.csv")


def test_the_normal_interval_of_many_flights_matches_monte_carlo(flights, monkeypatch):
    many = flights * 20
    policy = make_policy(situation="dec2024")
    exact = estimate.estimate(many, policy, draws=4000, seed=3)["total"]
    monkeypatch.setattr(estimate, "EXACT_BUDGET", 0)
    normal = estimate.estimate(many, policy, draws=4000, seed=3)
    assert normal["method"].startswith("normal approximation")
    for key in ("mean_t", "p05_t", "p95_t"):
        assert normal["total"][key] == pytest.approx(exact[key], rel=0.005)


def test_capped_triangle_moments_match_a_sample():
    import numpy as np

    draws = np.minimum(np.random.default_rng(1).triangular(10, 40, 56, size=400_000), 45.0)
    mean, variance, p05, p95 = estimate.capped_triangle_moments(10, 40, 56, 45.0)
    assert mean == pytest.approx(draws.mean(), rel=2e-3) and variance == pytest.approx(draws.var(), rel=1e-2)
    assert p05 == pytest.approx(np.percentile(draws, 5), rel=5e-3) and p95 == pytest.approx(np.percentile(draws, 95), rel=5e-3)


def test_progress_is_reported_to_the_last_flight(flights):
    seen = []
    estimate.estimate(flights, make_policy(situation="dec2024"), draws=200, progress=seen.append)
    assert seen[-1] == len(flights)
