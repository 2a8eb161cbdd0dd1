"""Part loads: a cargo sortie leaves only with at least ``dispatch.min_load_frac`` of its planned load,
unless no more of the requirement's cargo is to come."""

from __future__ import annotations

from helpers import scenario

from sim import run


def _cargo_loads(result) -> list[float]:
    return [r["payload_t"] for r in result.sortie_rows if r["purpose"] == "cargo"]


def test_a_small_daily_flow_waits_for_half_a_load():
    # 10 t a day, planning load 30 t: with the default (half a load, 15 t) the first sortie waits for the
    # second day's release and leaves with 20 t; with 0 it leaves each day with 10 t.
    flow = [{"from": "ORIG", "to": "DEST", "tons_per_day": 10}]
    waits = _cargo_loads(run(scenario(days=6, requirements=flow)))
    eager = _cargo_loads(run(scenario(days=6, requirements=flow, dispatch={"min_load_frac": 0})))
    assert min(waits) >= 15.0 - 1e-9 and len(waits) < len(eager)
    assert eager[0] == 10.0


def test_the_last_of_a_requirement_leaves_even_when_small():
    # A 40 t lump: one full 30 t load, then the 10 t left goes, as nothing more is to come.
    loads = _cargo_loads(run(scenario(days=2, requirements=[{"from": "ORIG", "to": "DEST", "tons": 40}])))
    assert sorted(loads) == [10.0, 30.0]
