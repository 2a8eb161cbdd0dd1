"""Cargo classes, equipment lists and the packing of a sortie: loads computed by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from sim.data.catalog import aircraft_catalog
from sim.model.packing import Piece, fit_problem, hold_of, pack

LAUNCHER = Piece("launcher", 41.0, 13.0, 3.05, 3.9, "outsize")
BTR = Piece("btr", 16.0, 7.65, 2.9, 2.8, "oversize")
PIECES = {p.name: p for p in (LAUNCHER, BTR)}
AN124 = hold_of(aircraft_catalog()["An-124-100"])
IL76 = hold_of(aircraft_catalog()["Il-76MD"])


def test_an_an124_takes_two_launchers_side_by_side_and_a_third_would_pass_its_120_t():
    # floor((6.4 + 0.3) / (3.05 + 0.3)) = 2 abreast: one 13 m row; 3 x 41 t = 123 t > 120 t.
    load = pack(AN124, 120.0, {"launcher": 3}, PIECES)
    assert load.pieces == (("launcher", 2),)
    assert load.mass_t == 82.0 and load.floor_m == 13.0


def test_the_launcher_does_not_fit_the_il76_hold_and_says_why():
    assert fit_problem(LAUNCHER, IL76) == "3.9 m high exceeds the Il-76MD hold height 3.4 m"
    assert pack(IL76, 47.0, {"launcher": 1}, PIECES).empty


def test_narrow_vehicles_stand_two_abreast_in_the_an124_and_the_mass_limit_binds():
    # floor((6.4 + 0.3) / (2.9 + 0.3)) = 2 abreast; 120 t // 16 t = 7 carriers, in 4 rows of 7.65 m (30.6 m).
    load = pack(AN124, 120.0, {"btr": 10}, PIECES)
    assert load.pieces == (("btr", 7),)
    assert load.floor_m == pytest.approx(4 * 7.65)


def test_an_il76_takes_two_carriers_then_troops_fill_the_floor_left_and_the_ramp_takes_bulk():
    # 2 x 16 t = 32 t (a third would make 48 t) on 2 x 7.65 = 15.3 m of the 20 m floor. Each of the 145 troop
    # seats stands in the hold and takes 20/145 m: the 4.7 m left seat 34 (4.69 m). Bulk takes 20/47 m a ton;
    # the 0.01 m of floor left takes 0.024 t and the 4.5 m ramp its 2 t limit.
    load = pack(IL76, 47.0, {"btr": 5}, PIECES, passengers=300, passenger_mass_t=0.1, bulk_t=10.0)
    assert load.pieces == (("btr", 2),)
    assert load.passengers == 34
    floor_left = 20.0 - 15.3 - 34 * 20.0 / 145
    assert load.bulk_t == pytest.approx(floor_left * 47.0 / 20.0 + 2.0)
    assert load.mass_t == pytest.approx(32.0 + 3.4 + load.bulk_t)
    assert load.floor_m == pytest.approx(20.0 + 2.0 * 20.0 / 47.0)
    assert load.classes == ("oversize", "passengers", "bulk")


def test_a_piece_too_wide_to_pair_with_the_gap_takes_its_whole_length_and_a_lone_narrow_one_too():
    wide = Piece("wide", 20.0, 13.11, 3.15, 3.8, "outsize")  # 2 x 3.15 + 0.3 = 6.6 m > 6.4 m: single file
    narrow = Piece("narrow", 21.0, 10.0, 2.55, 3.6, "outsize")  # pairs, but there is only one
    load = pack(AN124, 120.0, {"wide": 2, "narrow": 1}, {"wide": wide, "narrow": narrow})
    assert load.pieces == (("wide", 2),) and load.floor_m == pytest.approx(26.22)  # 26.22 + 10 m > 36 m


def test_a_full_il76_troop_load_fills_the_floor_and_an_an124_seats_people_on_its_upper_deck():
    troops = pack(IL76, 47.0, {"btr": 1}, PIECES, passengers=145, passenger_mass_t=0.1)
    assert troops.pieces == (("btr", 1),) and troops.passengers == 89  # 20 - 7.65 = 12.35 m: 89 seats of 20/145 m
    alone = pack(IL76, 47.0, {}, PIECES, passengers=300, passenger_mass_t=0.1)
    assert alone.passengers == 145 and alone.floor_m == pytest.approx(20.0)
    upper = pack(AN124, 120.0, {"btr": 7}, PIECES, passengers=300, passenger_mass_t=0.1)
    assert upper.pieces == (("btr", 7),) and upper.passengers == 80  # 120 - 112 t = 8 t: 80 of the 88 seats
    assert upper.floor_m == pytest.approx(4 * 7.65)


def test_bulk_alone_is_limited_by_mass_only_as_before_cargo_classes():
    assert pack(IL76, 47.0, {}, PIECES, bulk_t=100.0).bulk_t == pytest.approx(47.0)
    assert pack(AN124, 120.0, {}, PIECES, bulk_t=500.0).bulk_t == pytest.approx(120.0)


def test_a_piece_light_enough_rides_the_il76_ramp_when_the_floor_is_full():
    quad = Piece("quad", 0.6, 1.5, 1.2, 1.3, "oversize")
    catalogue = PIECES | {"quad": quad}
    load = pack(IL76, 47.0, {"btr": 2, "quad": 10}, catalogue)
    # 2 carriers take 15.3 m of the floor. floor((3.46 + 0.3) / (1.2 + 0.3)) = 2 quads abreast, rows of 1.5 m:
    # the 4.7 m of floor left take 3 rows, 6 quads; the ramp takes 3 rows by length but 2 t // 0.6 t = 3 quads
    # by its limit: 9 quads.
    assert load.pieces == (("btr", 2), ("quad", 9))
    heavy = pack(IL76, 47.0, {"btr": 2, "tigr": 1}, PIECES | {"tigr": Piece("tigr", 7.2, 5.7, 2.4, 2.4)})
    assert heavy.pieces == (("btr", 2),)  # 5.7 m do not fit the 4.7 m of floor, and 7.2 t exceed the ramp's 2 t


def test_longest_first_then_what_still_fits():
    # An-124, 120 t: launchers first (13 m long): 2 use 13 m two abreast and 82 t; then carriers: 38 t left -> 2.
    load = pack(AN124, 120.0, {"launcher": 2, "btr": 4}, PIECES)
    assert load.pieces == (("launcher", 2), ("btr", 2))
    assert load.mass_t == 114.0


SCENARIO = """\
name: hand_packed
start_date: 2024-12-10
days: 10
fleet:
  - {{type: An-124-100, count: 1, base: OSLK}}
  - {{type: Il-76MD, count: 1, base: OSLK}}
requirements:
  - from: OSLK
    to: UUMU
    items:
{items}
"""


def _scenario(tmp_path: Path, items: str, fleet: str | None = None) -> Path:
    text = SCENARIO.format(items=items)
    if fleet is not None:
        text = text.replace("  - {type: An-124-100, count: 1, base: OSLK}\n", fleet)
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


def test_three_launchers_and_two_carriers_fly_as_packed_by_hand(tmp_path):
    import sim

    # The An-124 (first come) takes 2 launchers in single file (2 x 13.11 m; 3.15 m wide, no pair fits the
    # 6.4 m with the 0.3 m gap) and the 2 carriers abreast behind them (7.65 m: 33.87 m of 36 m, 116.3 t);
    # the Il-76MD cannot take a launcher; the An-124 comes back for the third launcher.
    path = _scenario(tmp_path, "      - {item: 5P85SM2, count: 3}\n      - {item: BTR-82A, count: 2}")
    result = sim.run(sim.load_scenario(path))
    items = result.summary["cargo"]["by_item"]
    assert items["5P85SM2"]["sorties_by_type"] == {"An-124-100": 2}
    assert items["BTR-82A"]["delivered"] == 2
    cargo = result.sorties[result.sorties["purpose"] == "cargo"]
    assert set(cargo["type"]) == {"An-124-100"}
    assert list(cargo["items"]) == ["5P85SM2 x2; BTR-82A x2", "5P85SM2 x1"]
    assert (cargo["payload_t"] <= 120.0).all()


def test_the_trace_checker_finds_a_piece_flown_by_a_type_it_does_not_fit(tmp_path):
    import sim
    from sim.results.checks import check_trace

    path = _scenario(tmp_path, "      - {item: 5P85SM2, count: 3}\n      - {item: BTR-82A, count: 2}")
    result = sim.run(sim.load_scenario(path))
    rows = result.sortie_rows
    args = (result.ground_rows, result.summary["closures"], result.summary["stranded"], result.world.run.horizon_h,
            result.summary["airborne_at_end"])
    assert check_trace(result.world, rows, *args) == []
    first = next(i for i, r in enumerate(rows) if r["items"])
    forged = [dict(r) for r in rows]
    forged[first]["type"] = "Il-76MD"  # the launchers on the Il-76MD: too high for its hold
    forged[first]["payload_t"] = 40.0  # and heavier than the payload the leg shows
    problems = [p for p in check_trace(result.world, forged, *args) if "5P85SM2" in p or "weigh" in p]
    assert any("hold height" in p for p in problems) and any("weigh" in p for p in problems)


def test_the_trace_checker_finds_troops_standing_where_the_vehicles_are(tmp_path):
    import sim
    from sim.results.checks import check_trace

    path = _scenario(tmp_path, "      - {item: BTR-82A, count: 2}", fleet="")  # Il-76MD only: 2 carriers, 15.3 m
    result = sim.run(sim.load_scenario(path))
    rows = result.sortie_rows
    args = (result.ground_rows, result.summary["closures"], result.summary["stranded"], result.world.run.horizon_h,
            result.summary["airborne_at_end"])
    assert check_trace(result.world, rows, *args) == []
    forged = [dict(r) for r in rows]
    first = next(i for i, r in enumerate(rows) if r["items"])
    forged[first]["passengers"] = 40  # 40 seats of 20/145 m = 5.5 m, beside 15.3 m of carriers: over 20 m
    problems = check_trace(result.world, forged, *args)
    assert any("passengers use 20.82 m of the 20 m floor" in p for p in problems)


def test_the_trace_checker_finds_bulk_beyond_the_floor_heavier_than_the_ramp_bears(tmp_path):
    import sim
    from sim.results.checks import check_trace

    path = _scenario(tmp_path, "      - {item: BTR-82A, count: 2}", fleet="")  # Il-76MD only
    result = sim.run(sim.load_scenario(path))
    rows = result.sortie_rows
    args = (result.ground_rows, result.summary["closures"], result.summary["stranded"], result.world.run.horizon_h,
            result.summary["airborne_at_end"])
    forged = [dict(r) for r in rows]
    first = next(i for i, r in enumerate(rows) if r["items"])
    # 2 carriers (15.3 m) + 34 troops (4.69 m) fill the 20 m floor; 10 t of bulk (4.26 m at 20/47 m a ton)
    # must ride the ramp, which bears 2 t.
    forged[first].update(passengers=34, payload_t=45.4, cargo_class="oversize+passengers+bulk")
    problems = check_trace(result.world, forged, *args)
    assert any("ride the ramp, at least 10.0 t against its 2 t limit" in p for p in problems)


def test_the_trace_checker_finds_an_offload_at_an_airfield_an_event_closed(tmp_path):
    import sim
    from sim.results.checks import check_trace

    result = sim.run(sim.load_scenario(_scenario(tmp_path, "      - {item: BTR-82A, count: 2}")))
    first = min((r for r in result.ground_rows if r["activity"] == "offload"), key=lambda r: r["start_h"])
    args = (result.sortie_rows, result.ground_rows)
    tail = (result.summary["stranded"], result.world.run.horizon_h, result.summary["airborne_at_end"])
    # A closure of that airfield an hour before the offload began, by an event: no offload starts there
    # (aircraft on the ground at a closing airfield leave with what is aboard).
    shut = [{"airfield": first["airfield"], "from_h": first["start_h"] - 1.0, "to_h": None, "cause": "closed"}]
    message = f"offloads at {first['airfield']} at {first['start_h']:.2f} h while it is closed"
    assert any(message in p for p in check_trace(result.world, *args, shut, *tail))
    # A random outage only holds aircraft on the ground; it is not this rule.
    outage = [dict(shut[0], cause="outage")]
    assert not any("offloads at" in p for p in check_trace(result.world, *args, outage, *tail))


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], capture_output=True, text=True)


def test_an_item_no_aircraft_of_the_fleet_can_carry_exits_2_with_the_reason(tmp_path):
    path = _scenario(tmp_path, "      - {item: 5P85SM2, count: 1}", fleet="")
    done = _validate(path)
    assert done.returncode == 2
    assert ("requirements[0].items[0]: 5P85SM2 (S-400 launcher on MAZ-543M): 3.8 m high exceeds the Il-76MD "
            "hold height 3.4 m; the fleet has no An-124") in done.stderr + done.stdout


def test_an_unknown_item_gets_the_nearest_key(tmp_path):
    done = _validate(_scenario(tmp_path, "      - {item: BTR82A, count: 1}"))
    assert done.returncode == 2
    assert "requirements[0].items[0].item: unknown item 'BTR82A' (did you mean 'BTR-82A'?)" in done.stderr + done.stdout
    lower = _validate(_scenario(tmp_path, "      - {item: btr-82a, count: 1}"))
    assert "unknown item 'btr-82a' (did you mean 'BTR-82A'?)" in lower.stderr + lower.stdout


def test_a_piece_heavier_than_every_payload_exits_2_with_each_types_reason(tmp_path):
    done = _validate(_scenario(tmp_path, "      - {name: bridge, mass_t: 130, length_m: 20, width_m: 3, height_m: 3}"))
    assert done.returncode == 2
    assert ("requirements[0].items[0]: bridge: 130 t exceeds the An-124-100 maximum payload 120 t; "
            "130 t exceeds the Il-76MD maximum payload 47 t") in done.stderr


def test_items_written_as_a_mapping_or_a_piece_without_its_size_get_the_form_expected(tmp_path):
    path = _scenario(tmp_path, "")
    path.write_text(path.read_text().replace("    items:\n", "    items: {BTR-82A: 4}\n"))
    mapping = _validate(path)
    assert mapping.returncode == 2
    assert "requirements[0].items: expected a list of pieces, e.g. items: [{item: BTR-82A, count: 4}" in mapping.stderr
    piece = _validate(_scenario(tmp_path, "      - {name: generator, mass_t: 3, length_m: 4}"))
    assert piece.returncode == 2 and "missing: width_m, height_m" in piece.stderr


def test_every_equipment_number_has_a_grade_and_a_source_and_its_class_matches_the_il76_hold():
    from sim.data.catalog import equipment_catalog

    for item in equipment_catalog().values():
        for prov in item.provenance.values():
            assert prov.grade in ("sourced", "derived", "assumed") and prov.source
        piece = Piece(item.key, item.mass_t, item.length_m, item.width_m, item.height_m, "oversize")
        too_big = fit_problem(piece, IL76) is not None
        assert too_big == (item.cargo_class == "outsize"), item.key


def test_a_run_with_equipment_draws_its_cargo_by_class_and_a_bulk_run_does_not(tmp_path):
    import matplotlib.pyplot as plt

    import sim
    from sim.results.plots import cargo_figure

    path = _scenario(tmp_path, "      - {item: 5P85SM2, count: 3}\n      - {item: BTR-82A, count: 2}")
    result = sim.run(sim.load_scenario(path))
    folder = result.save(tmp_path / "out")
    assert (folder / "cargo.png").exists()
    ax = cargo_figure(result.summary)
    bars = [p for p in ax.patches if p.get_gid() == "delivered_t"]
    classes = result.summary["cargo"]["by_class"]
    assert [b.get_width() for b in bars] == [c["delivered_t"] for c in classes.values()]
    plt.close(ax.figure)
    bulk = sim.run(sim.load_scenario("scenarios/belarus_bridge.yaml").with_({"days": 2}))
    assert not (bulk.save(tmp_path / "bulk") / "cargo.png").exists()


def test_replicated_cargo_figures_are_means_over_every_replication():
    from sim.experiments.replications import merged_cargo

    one = {"by_class": {"outsize": {"requested_t": 82.0, "delivered_t": 82.0}},
           "by_item": {"L": {"class": "outsize", "mass_t": 41.0, "requested": 2, "delivered": 2,
                             "sorties_by_type": {"An-124-100": 1}}}}
    two = {"by_class": {"outsize": {"requested_t": 82.0, "delivered_t": 41.0}},
           "by_item": {"L": {"class": "outsize", "mass_t": 41.0, "requested": 2, "delivered": 1,
                             "sorties_by_type": {"An-124-100M-150": 1}}}}
    merged = merged_cargo([one, two])
    assert merged["by_class"]["outsize"] == {"requested_t": 82.0, "delivered_t": 61.5}
    item = merged["by_item"]["L"]
    assert item["delivered"] == 1.5 and item["class"] == "outsize" and item["mass_t"] == 41.0
    assert item["sorties_by_type"] == {"An-124-100": 0.5, "An-124-100M-150": 0.5}


def test_a_stochastic_evacuation_reports_its_items_averaged_over_replications(tmp_path):
    import sim

    text = SCENARIO.format(items="      - {item: 5P85SM2, count: 3}\n      - {item: BTR-82A, count: 4}")
    text += "stochastic: {replications: 4, break_per_sortie: 0.3, repair_h: {mean: 30, cv: 0.5}}\n"
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("days: 10", "days: 3"))
    result = sim.replicate(sim.load_scenario(path), workers=1)
    items = result.summary["cargo"]["by_item"]
    delivered = result.summary["cargo"]["by_class"]["outsize"]["delivered_t"]
    assert delivered == pytest.approx(items["5P85SM2"]["mass_t"] * items["5P85SM2"]["delivered"])
    assert 0 < items["5P85SM2"]["delivered"] <= 3 and items["5P85SM2"]["requested"] == 3
    assert result.summary["delivered_t"] == pytest.approx(
        sum(c["delivered_t"] for c in result.summary["cargo"]["by_class"].values()))
    assert (result.save(tmp_path / "out") / "cargo.png").exists()


def test_a_sweep_gives_each_requirements_closure_day_as_separate_runs_do(tmp_path):
    import sim

    text = SCENARIO.format(items="      - {item: 5P85SM2, count: 6}")
    text += "  - {from: OSLK, to: UUMU, label: stores, tons: 400}\n"
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("requirements:\n  - from: OSLK", "requirements:\n  - label: launchers\n    from: OSLK"))
    scenario = sim.load_scenario(path)
    result = sim.sweep(scenario, {"fleet[0].count": [1, 2, 3]}, workers=1)
    points = {p["fleet[0].count"]: p for p in result.point_rows}
    for count, point in points.items():
        run = sim.run(scenario.with_({"fleet[0].count": count})).summary["by_requirement"]
        assert [point["launchers: closure_day_median"], point["stores: closure_day_median"]] == \
            [r["closure_day"] for r in run]
        assert point["launchers: p_closed"] == 1.0
    assert points[3]["launchers: closure_day_median"] < points[1]["launchers: closure_day_median"]
    assert set(result.by_requirement["requirement"]) == {"launchers", "stores"}
    assert "closure_day" in result.by_requirement.columns
    from sim.results.plots import plot_knee

    ax = plot_knee(result)  # the per-requirement closure columns are not swept paths: one line, named as the run
    assert [line.get_label() for line in ax.get_lines() if line.get_marker() == "o"] == ["hand_packed"]


def test_the_an124_takes_the_outsize_only_it_can_carry_before_bulk_an_il76_can_take(tmp_path):
    import sim

    # Both requirements are ready at 0 h with the same priority; the stores are listed first and are the
    # bigger backlog (first come would give them the An-124, the lowest-numbered aircraft, and leave the
    # launcher to wait for its return).
    text = SCENARIO.format(items="      - {item: 5P85SM2, count: 1}")
    text = text.replace("requirements:\n", "requirements:\n  - {from: OSLK, to: UUMU, label: stores, tons: 60}\n")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    result = sim.run(sim.load_scenario(path))
    cargo = result.sorties[result.sorties["purpose"] == "cargo"].sort_values("depart_h")
    first = cargo.groupby("type").first()
    assert first.loc["An-124-100", "items"] == "5P85SM2 x1"
    assert first.loc["Il-76MD", "requirement"] == "stores"
    catalogue = aircraft_catalog()
    for kind in ("An-124-100", "Il-76MD"):  # each leaves after its first onload: nobody waited for a return
        assert first.loc[kind, "depart_h"] == pytest.approx(catalogue[kind].onload_h)


def test_the_shipped_evacuation_gets_the_equipment_out_in_96_hours_with_two_an124s_and_not_with_one():
    import sim

    shipped = sim.load_scenario(ROOT / "scenarios" / "syria_evacuation.yaml")
    scenario = shipped.model_copy(update={"stochastic": None})  # every aircraft serviceable
    two = sim.run(scenario)
    items = two.summary["cargo"]["by_item"]
    assert all(item["undelivered"] == 0 for item in items.values())  # every piece and every person is out
    assert items["5P85SM2"]["sorties_by_type"] == {"An-124-100": 4}  # two a sortie, in single file
    assert items["Mi-8"]["sorties_by_type"] == {"An-124-100": 4}  # one a sortie: its 4.5 m gear track
    ground = two.ground
    work = ground[(ground["airfield"] == "OSLK") & ground["activity"].isin(["onload", "offload"])]
    assert (work["start_h"] <= 96.0).all()  # no cargo work starts at Hmeimim after it closes at 00:00 on day 4
    one = sim.run(scenario.with_({"fleet[0].count": 1})).summary
    left = {k: v["undelivered"] for k, v in one["cargo"]["by_item"].items() if v["undelivered"]}
    assert left == {"Pantsir-S1": 3, "Ka-52": 4, "Mi-8": 4}



def test_loads_fill_one_aircraft_after_another_until_nothing_it_can_take_is_left():
    from sim.experiments.loads import loads

    # An-124 at 120 t: 2 launchers + 2 carriers (114 t), then the third launcher; Il-76MD: both carriers
    # in one (32 t), the launchers never.
    an124 = loads(AN124, 120.0, {"launcher": 3, "btr": 2}, PIECES)
    assert [load.pieces for load in an124] == [(("launcher", 2), ("btr", 2)), (("launcher", 1),)]
    assert [load.pieces for load in loads(IL76, 47.0, {"launcher": 3, "btr": 2}, PIECES)] == [(("btr", 2),)]
    troops = loads(IL76, 47.0, {}, PIECES, passengers=300, passenger_mass_t=0.1)
    assert [load.passengers for load in troops] == [145, 145, 10]


def test_the_load_plan_counts_the_sorties_only_the_an124_can_fly(tmp_path):
    import json

    path = _scenario(tmp_path, "      - {item: 5P85SM2, count: 3}\n      - {item: BTR-82A, count: 2}")
    done = subprocess.run([sys.executable, "-m", "sim", "loads", str(path), "--format", "json"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    rows = {r["type"]: r for r in json.loads(done.stdout)}
    # The 3 launchers fly two a sortie on the An-124 in single file (84.3 t), the two carriers abreast behind the first two.
    assert rows["An-124-100"]["sorties_alone"] == 2 and rows["An-124-100"]["sorties_only_it"] == 2
    assert rows["Il-76MD"]["sorties_alone"] == 1 and rows["Il-76MD"]["sorties_only_it"] == 0
    assert "5P85SM2: 3.8 m high exceeds the Il-76MD hold height" in rows["Il-76MD"]["cannot_carry"]
    assert rows["Il-76MD"]["first_load"] == "BTR-82A x2 (32.0 t)"
