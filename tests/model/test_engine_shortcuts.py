"""The engine's shortcuts give what the plain computation gives: the crew search that stops early, the
30-day flight hours, the hops and great circles kept once computed, the rows batched into columns and the
random draws made in blocks."""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import random

import pytest
from helpers import records_and_steps, scenario
from hypothesis import given
from hypothesis import strategies as st

from sim.data.catalog import aircraft_catalog
from sim.geo import geodesy
from sim.geo.airspace import AirspacePolicy
from sim.model.aircraft import Aboard, Flight, Job
from sim.model.crews import Crew, CrewRoster
from sim.model.logbook import RowBuffer
from sim.model.packing import Load
from sim.model.randomness import BREAKS, GROUND, REPAIRS, Randomness
from sim.model.records import Records
from sim.model.trips import Trip, TripPlanner
from sim.scenario.compile import build_world
from sim.scenario.loading import load_scenario

IL76 = aircraft_catalog()["Il-76MD"]


def a_crew(name: str, rng: random.Random, now: float) -> Crew:
    """A crew somewhere in its duty cycle, with some flights in the last 30 days."""
    crew = Crew(name, IL76.name)
    t = now - rng.uniform(0.0, 800.0)
    while t < now - 2.0:
        if rng.random() < 0.3:
            t += rng.uniform(0.0, 30.0)  # a rest
            continue
        hop = rng.uniform(0.5, 6.0)
        crew.take_off(IL76, t)
        crew.land(IL76, t, min(t + hop, now))
        t += hop + rng.uniform(0.5, 4.0)
    return crew


def full_scan(own: Crew, pool: list[Crew], now: float, flight_h: float) -> tuple[Crew, float]:
    """CrewRoster.choose's answer, every crew of the pool tried."""
    best, best_t = own, own.earliest_takeoff(IL76, now, flight_h)
    if best_t > now:
        for crew in pool:
            t = crew.earliest_takeoff(IL76, now, flight_h)
            if t < best_t - 1e-9:
                best, best_t = crew, t
    return best, best_t


@given(st.integers(0, 10_000), st.integers(0, 8), st.floats(0.5, 8.0))
def test_the_crew_search_that_stops_early_chooses_as_a_full_scan(seed, staged, flight_h):
    rng = random.Random(seed)
    now = 1000.0
    own = a_crew("own", rng, now)
    roster = CrewRoster()
    pool = [a_crew(f"staged {i}", rng, now) for i in range(staged)]
    for crew in pool:
        roster.add(crew, "UUMU")
    expected_crew, expected_t = full_scan(own, list(pool), now, flight_h)
    crew, t = roster.choose(own, IL76, "UUMU", now, flight_h)
    assert crew is expected_crew and t == expected_t


@given(st.integers(0, 10_000), st.floats(-100.0, 1100.0))
def test_flight_hours_since_an_hour_sum_the_flights_as_written(seed, since):
    crew = a_crew("c", random.Random(seed), 1000.0)
    assert crew.flown_h(since) == sum(end - max(start, since) for start, end in crew.flights if end > since)


def plain_earliest_takeoff(crew: Crew, now: float, flight_h: float) -> float:
    """Crew.earliest_takeoff as written before ``flown_at_most``: every window summed."""
    limit = IL76.crew_flight_h_per_30d
    start = crew.duty_start_h
    if (start is not None and now < crew.off_duty_h + IL76.crew_rest_h
            and now + flight_h + IL76.crew_debrief_h - start <= IL76.crew_duty_h + 1e-9):
        takeoff = now
    else:
        takeoff = max(now, crew.off_duty_h + IL76.crew_rest_h + IL76.crew_show_h)
    if flight_h > limit or crew.kept_h + crew.prior_h + flight_h <= limit + 1e-9:
        return takeoff
    if crew.flown_h(takeoff + flight_h - 720.0) + flight_h <= limit + 1e-9:
        return takeoff
    low, high = takeoff, takeoff + 720.0
    for _ in range(40):
        mid = (low + high) / 2
        if crew.flown_h(mid + flight_h - 720.0) + flight_h <= limit + 1e-9:
            high = mid
        else:
            low = mid
    return high


def a_busy_crew(rng: random.Random, now: float, prior_h: float) -> Crew:
    """A crew near its 30-day limit: short rests, long hops, prior hours."""
    crew = Crew("busy", IL76.name, prior_h=prior_h)
    t = now - rng.uniform(0.0, 1500.0)
    while t < now - 2.0:
        hop = rng.uniform(0.5, 9.0)
        crew.take_off(IL76, t)
        crew.land(IL76, t, min(t + hop, now))
        t += hop + rng.uniform(0.0, 12.0 if rng.random() < 0.9 else 60.0)
    return crew


@given(st.integers(0, 10_000), st.floats(-1000.0, 1100.0), st.floats(0.0, 90.0))
def test_the_bounds_on_flight_hours_hold_the_hours_summed(seed, since, prior_h):
    rng = random.Random(seed)
    crew = a_busy_crew(rng, 1000.0, prior_h) if seed % 2 else a_crew("c", rng, 1000.0)
    assert crew.window_h == sum(crew.lengths[crew.first:], 0.0)  # kept as flown_h sums: oldest first
    assert crew._landed_after(since) == bisect.bisect_right(crew.landings, since, crew.first)
    assert crew.flown_at_most(since) >= crew.flown_h(since)
    low, high = crew.flown_bounds(since)
    assert low <= crew.flown_h(since) <= high
    assert crew.sums == list(itertools.accumulate(crew.lengths, initial=0.0))[1:]  # added in turn


@given(st.integers(0, 10_000), st.floats(-400.0, 1100.0), st.floats(0.5, 12.0), st.floats(0.0, 90.0))
def test_the_earliest_take_off_with_the_bound_is_the_one_every_window_summed_gives(seed, now, flight_h, prior_h):
    rng = random.Random(seed)
    crew = a_busy_crew(rng, now, prior_h) if seed % 3 else a_crew("c", rng, now)
    assert crew.earliest_takeoff(IL76, now, flight_h) == plain_earliest_takeoff(crew, now, flight_h)


# A value for each field of Job, Aboard and Flight, each its own (a field set from another would show)
SAMPLES = {"kind": "cargo", "destination": "DEST", "origin": "ORIG", "pickup": "HUB", "trip": Trip((), 1.5, 2.5, 0.0),
           "reposition": Trip((), 3.5, 4.5, 0.0), "requirement": 7, "tons": 11.5, "ready_h": 12.5,
           "load": Load(bulk_t=13.25), "depart_h": 14.5, "distance_km": 15.5, "flight_h": 16.5, "fuel_takeoff_t": 17.5,
           "takeoff_mass_t": 18.5, "policy": AirspacePolicy(label="test")}


@pytest.mark.parametrize("cls", [Job, Aboard, Flight])
def test_the_written_out_constructors_set_every_field_as_the_dataclass_would(cls):
    fields = dataclasses.fields(cls)
    values = {f.name: SAMPLES[f.name] for f in fields}  # by keyword
    made = cls(**values)
    assert {f.name: getattr(made, f.name) for f in fields} == values
    assert cls(*values.values()) == made  # positionally, in the fields' order
    required = [f.name for f in fields if f.default is dataclasses.MISSING]
    bare = cls(*(values[name] for name in required))  # the rest take the dataclass's defaults
    assert {f.name: getattr(bare, f.name) for f in fields if f.name not in required} == {
        f.name: f.default for f in fields if f.name not in required}


def test_hops_kept_by_the_planner_equal_hops_computed_afresh():
    world = build_world(load_scenario("scenarios/lose_hmeimim_sweep.yaml"))
    planner = TripPlanner(world, lambda _ident: True)
    pairs = [(a, b) for a in world.named_airfields for b in world.named_airfields if a != b]
    for fuel in (None, 20.0):
        for a, b in pairs:
            for trip in (None, (a, b)):
                first = planner.hop(IL76, a, b, fuel, trip)
                assert first is planner.hop(IL76, a, b, fuel, trip)  # kept, for each fuel aboard
                assert first == planner._hop(IL76, a, b, fuel, trip)
                if fuel is not None:  # another fuel aboard is another hop
                    assert planner.hop(IL76, a, b, fuel + 5.0, trip) == planner._hop(IL76, a, b, fuel + 5.0, trip)
    closed = TripPlanner(world, lambda ident: ident != "OSLK")
    closed._hops.update(planner._hops)
    closed.invalidate()  # an airfield opened or closed: nothing kept survives
    assert not closed._hops


def test_great_circles_and_stops_kept_by_the_world_equal_those_computed_afresh():
    world = build_world(load_scenario("scenarios/lose_hmeimim_sweep.yaml"))
    here = world.named_airfields[0]
    for ident in world.stop_candidates:
        x, y = world.airfields[here], world.airfields[ident]
        assert world.great_circle_km(here, ident) == geodesy.geodesic_km(x.lat, x.lon, y.lat, y.lon)
    by_distance = world.stops_by_distance(here)
    assert [s for s, _ in by_distance] == sorted(world.stop_candidates, key=lambda s: world.great_circle_km(here, s))
    assert world.stops_by_distance(here) is by_distance
    for b in world.named_airfields[1:]:
        limit = 1.4 * world.great_circle_km(here, b) + 300.0
        assert list(world.stops_near(here, b)) == [
            s for s in world.stop_candidates
            if s not in (here, b) and world.great_circle_km(here, s) + world.great_circle_km(s, b) <= limit]


def test_rows_batched_into_columns_equal_rows_appended_one_by_one():
    from sim.experiments.runs import run

    legs = run(scenario(days=3)).output.records.legs
    rows = list(zip(*legs.values(), strict=True))
    assert rows
    one_by_one, batched = Records(), Records()
    buffer = RowBuffer(batched.legs, batch=2)  # flushes on the way, then at the end
    for row in rows:
        for column, value in zip(one_by_one.legs.values(), row, strict=True):  # each value onto its column
            column.append(value)
        buffer.add(row)
    assert len(buffer.rows) == len(rows) % 2
    buffer.flush()
    assert batched.legs == one_by_one.legs


@given(st.integers(0, 2**32 - 1), st.floats(0.05, 2.0), st.floats(0.1, 50.0))
def test_draws_made_in_blocks_are_the_draws_made_one_at_a_time(seed, cv, mean):
    spec = build_world(scenario(stochastic={"break_per_sortie": 0.5, "repair_h": {"mean": mean, "cv": cv}})).stochastic
    blocks = Randomness(spec, seed, replication=3)
    shape = 1.0 / (cv * cv)
    one_by_one = Randomness(spec, seed, replication=3)
    breaks = blocks.breakage((0, 1))
    for _ in range(300):  # across several blocks
        assert blocks.repair_h((0, 1), away=False) == float(one_by_one.stream(REPAIRS, (0, 1)).gamma(shape, mean / shape))
        assert breaks() == bool(one_by_one.stream(BREAKS, (0, 1)).random() < 0.5)


def every_option_plan(planner: TripPlanner, aircraft, origin: str, destination: str, want_t: float, fuel):  # noqa: ANN001
    """The trip the planner documents, from every option: the direct hop and each open stop near the route."""
    options = []
    direct = planner.hop(aircraft, origin, destination, fuel)
    if direct is not None:
        options.append(Trip((direct,), direct.payload_cap_t, direct.flight_h, 0.0))
    for stop in planner.world.stops_near(origin, destination):
        first = planner.hop(aircraft, origin, stop, fuel, (origin, destination)) if planner.is_open(stop) else None
        second = planner.hop(aircraft, stop, destination, None, (origin, destination)) if first else None
        if second is not None:
            options.append(Trip((first, second), min(first.payload_cap_t, second.payload_cap_t),
                                first.flight_h + second.flight_h, aircraft.enroute_stop_h))
    if want_t <= 0:
        return min(options, key=lambda t: (t.duration_h, len(t.hops)), default=None)
    carrying = [t for t in options if min(want_t, t.payload_cap_t) > 0]
    handling_h = aircraft.onload_h + aircraft.offload_h
    return max(carrying, default=None, key=lambda t: (
        round(min(want_t, t.payload_cap_t) / (handling_h + t.duration_h), 9), -t.duration_h, -len(t.hops)))


@pytest.mark.parametrize("name", ["lose_hmeimim", "russia_libya_turkey_closed", "sahel_onward"])
def test_the_planner_skips_only_stops_that_cannot_win(name):
    world = build_world(load_scenario(f"scenarios/{name}.yaml"))
    shut = set(world.named_airfields[-1:])  # one airfield out of use: stops and onward fuel change
    for is_open in (lambda _ident: True, lambda ident: ident not in shut):
        planner = TripPlanner(world, is_open)
        for kind in world.aircraft.values():
            for a in world.named_airfields:
                for b in world.named_airfields:
                    for want in (0.0, kind.planning_load_t, kind.max_payload_t):
                        for fuel in (None, 0.5 * kind.fuel_capacity_t):
                            if a != b:
                                assert planner._plan(kind, a, b, want, fuel) == every_option_plan(planner, kind, a, b, want, fuel)


@pytest.mark.parametrize(("name", "replication"), [("lose_hmeimim_sweep", 3), ("lose_hmeimim", 0),
                                                   ("russia_libya_staged_crews", 0)])
@pytest.mark.pure_core
def test_going_on_at_once_runs_as_waiting_for_the_event_of_the_instant(name, replication, monkeypatch):
    # The plain computation: every working spot granted and every job given at once is an event the kernel processes.
    fast, fast_steps = records_and_steps(name, replication)
    monkeypatch.setattr("sim.model.aircraft.due_first", lambda env, eid: False)
    plain, plain_steps = records_and_steps(name, replication)
    assert fast == plain
    assert fast_steps < plain_steps


def test_an_event_fired_in_a_reserved_place_is_queued_as_succeed_would_have_queued_it():
    from sim.model import kernel
    from sim.model.instant import due_first, fire, reserve

    env = kernel.Environment()
    order: list[str] = []
    env.timeout(0).callbacks.append(lambda _: order.append("queued before"))
    eid = reserve(env)  # an event of this instant, triggered now
    assert not due_first(env, eid)  # the event already queued for this instant comes first
    env.timeout(0).callbacks.append(lambda _: order.append("queued after"))
    fire(env, "job", eid).callbacks.append(lambda event: order.append(event.value))
    env.run()
    assert order == ["queued before", "job", "queued after"]
    later = kernel.Environment()
    later.timeout(1.0)
    assert due_first(later, reserve(later))  # nothing else at this instant: it would be next
    urgent = kernel.Environment()
    eid = reserve(urgent)
    urgent.schedule(urgent.event(), kernel.URGENT)  # e.g. an interrupt, queued after the reservation
    assert not due_first(urgent, eid)  # it comes first


@given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.05, 0.3]), st.sampled_from([0.0, 0.05, 0.5]))
def test_an_aircraft_s_draw_functions_draw_from_its_own_streams(seed, cv, chance):
    spec = build_world(scenario(stochastic={"break_per_sortie": chance, "ground_time_cv": cv})).stochastic
    functions, plain = Randomness(spec, seed, replication=2), Randomness(spec, seed, replication=2)
    breaks, ground_factor = functions.breakage((0, 1)), functions.ground_factors((0, 1))
    shape = 1.0 / (cv * cv) if cv > 0 else 0.0
    for _ in range(300):  # across several blocks; no draw at all where the chance or the spread is nil
        assert breaks() == (chance > 0 and bool(plain.stream(BREAKS, (0, 1)).random() < chance))
        assert ground_factor() == (float(plain.stream(GROUND, (0, 1)).gamma(shape, 1.0 / shape)) if cv > 0 else 1.0)
