"""The parking fast paths (issue 28) give what the plain computations give, on random lots.

The plain versions below are the model's first, straightforward ones: every candidate take-off built from every
spot's end at every airfield, each tried with every slot; the busiest instant found by sorting all the points.
"""

from __future__ import annotations

import copy
import math
from unittest import mock

import pytest
from helpers import BASE, records_and_steps
from helpers import scenario as micro
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim import run
from sim.model import kernel
from sim.model.aircraft import Flight
from sim.model.engine import AirliftModel
from sim.model.instant import trigger
from sim.model.ramp import (
    EPS_H,
    OVERSTAY_CHECK_H,
    SLOT_GAP_H,
    Parking,
    ParkingLine,
    _clipped,
    _crowded,
    _crowded_beside,
    _insert,
    _reaches,
    earliest,
    room,
)
from sim.model.randomness import Randomness
from sim.scenario.compile import build_world


def plain_busiest(spans, start, end):
    points = []
    for a, b in spans:
        if a < end - EPS_H and b > start + EPS_H:
            points += [(max(a, start), 1), (min(b, end), -1)]
    points.sort()  # at one instant an end (-1) comes before a start (+1)
    count = top = 0
    for _, step in points:
        count += step
        top = max(top, count)
    return top


def plain_fits(lot, number, start, end, exempt=False):
    if exempt or len(lot.spans) - (number in lot.spans) < lot.capacity:
        return True
    held = [(a, lot.end_of(n) + SLOT_GAP_H) for n, (a, _) in lot.spans.items() if n != number]
    return plain_busiest(held, start, end) < lot.capacity


def plain_earliest(number, now, slots):
    ends = [[end + SLOT_GAP_H for end in map(lot.end_of, lot.spans) if end < math.inf] for lot, _, _, _ in slots]
    candidates = sorted({now} | {end - a for (_, a, _, _), lot_ends in zip(slots, ends, strict=True)
                                 for end in lot_ends if end - a > now})
    for depart in candidates:
        if all(plain_fits(lot, number, depart + a, depart + b, exempt) for lot, a, b, exempt in slots):
            return depart
    return math.inf


def plain_settle(lot):
    booked = sorted((n for n in lot.spans if n not in lot.present),
                    key=lambda n: (n not in lot.exempt, n not in lot.committed, lot.spans[n][0], n))
    kept = [(lot.spans[n][0], lot.end_of(n) + SLOT_GAP_H) for n in lot.present if n in lot.spans]
    lost = []
    for number in booked:
        start, end = lot.spans[number]
        if (number in lot.exempt or number in lot.committed
                or plain_busiest([*kept, (start, end)], start, end) <= lot.capacity):
            kept.append((start, end + SLOT_GAP_H))
        else:
            lost.append(number)
    for number in lost:
        del lot.spans[number]
        lot.committed.discard(number)
        lot.losable.discard(number)
        if lot.on_lost is not None:
            lot.on_lost(number, lot)


# Hours on a coarse grid (quarter hours) so that ends and starts often touch, plus a few odd ones.
hours = st.one_of(st.integers(0, 48).map(lambda q: q / 4), st.floats(0, 12, allow_nan=False))
spans = st.lists(st.tuples(hours, hours), max_size=12)


@st.composite
def lots(draw, now):
    """A lot with random slots and stays (some past their end: open-ended), at ``now``."""
    env = kernel.Environment(initial_time=now)
    lot = Parking(env, draw(st.integers(1, 5)))
    for number in range(draw(st.integers(0, 9))):
        start, length = draw(hours), draw(st.one_of(hours, st.just(math.inf)))
        if draw(st.booleans()):  # on the ground, since some time before now
            lot.present.add(number)
            start = min(start, now)
        lot.spans[number] = [start, start + length]
        if number not in lot.present:  # booked: at the aircraft's base, by one in the air towards it, or neither
            kind = draw(st.sampled_from(["exempt", "committed", "losable"]))
            {"exempt": lot.exempt, "committed": lot.committed, "losable": lot.losable}[kind].add(number)
    return lot


@settings(max_examples=300, deadline=None)
@given(spans, hours, hours, st.integers(0, 6))
def test_room_is_fewer_than_the_spots_at_the_busiest_instant(held, start, length, capacity):
    assert room(held, start, start + length, capacity) == (plain_busiest(held, start, start + length) < capacity)


@settings(max_examples=300, deadline=None)
@given(st.data(), hours)
def test_a_slot_fits_as_the_plain_check_says(data, now):
    lot = data.draw(lots(now))
    number = data.draw(st.integers(0, 10))
    start = data.draw(hours)
    end = start + data.draw(hours)
    exempt = data.draw(st.booleans())
    assert lot.fits(number, start, end, exempt) == plain_fits(lot, number, start, end, exempt)


@settings(max_examples=500, deadline=None)
@given(st.data(), hours)
def test_the_earliest_take_off_is_the_plain_searchs(data, now):
    # Up to three airfields on the trip, each with its slot's offset from the take-off (the later ones after
    # the earlier), some exempt (the aircraft's base).
    count = data.draw(st.integers(1, 3))
    shared = [data.draw(lots(now)) for _ in range(count)]
    number = data.draw(st.integers(0, 10))
    slots, at = [], 0.0
    for lot in shared:
        at += data.draw(st.integers(1, 24).map(lambda q: q / 4))
        length = data.draw(st.integers(1, 24).map(lambda q: q / 4))
        slots.append((lot, at, at + length, data.draw(st.booleans()) and data.draw(st.booleans())))
        at += length
    assert earliest(number, now, slots) == plain_earliest(number, now, slots)


@pytest.mark.pure_core
@settings(max_examples=400, deadline=None)
@given(st.data(), hours)
def test_settle_cancels_the_slots_the_plain_greedy_pass_cancels(data, now):
    fast, plain = data.draw(lots(now)), None
    plain = copy.deepcopy(fast)
    lost_fast, lost_plain = [], []
    fast.on_lost = lambda number, _lot: lost_fast.append(number)
    plain.on_lost = lambda number, _lot: lost_plain.append(number)
    fast.settle()
    plain_settle(plain)
    assert lost_fast == lost_plain
    assert fast.spans == plain.spans and fast.losable == plain.losable


# --- the lazy overstay watch --------------------------------------------------------------------------


def plain_watch(lot, number):
    """One timer per stay: just after its end, if the aircraft is still here with that stay, settle."""
    end = lot.spans[number][1]
    if end == math.inf:
        return

    def check(_event):
        span = lot.spans.get(number)
        if number in lot.present and span is not None and span[1] == end:
            lot.settle()

    lot.env.timeout(max(0.0, end - lot.env.now) + OVERSTAY_CHECK_H).callbacks.append(check)


def plain_changed(line, lot):
    """Every waiter looked at, blocked or not."""
    if line._trying:
        return
    for waiter in list(line._waiters.values()):
        if waiter.blocked and lot in waiter.lots:
            line._end(waiter, True)


def plain_diverting_from(model, flight, flown_km):
    """Where the diverting aircraft is, and its great circles to the airfields, worked out afresh each time."""
    lon, lat = model.world.point_along(flight.origin, flight.destination, flight.policy, flown_km)
    return lon, lat, {k: model.world.great_circle_from(lat, lon, k) for k in model.world.airfields}


def plain_run(scenario, replication):
    """The run with a timer for every stay, a ``settle`` that always looks at every slot, a parking line that
    looks at every waiter and diversions that keep nothing."""
    with (mock.patch.object(Parking, "_watch", plain_watch), mock.patch.object(Parking, "_losable", lambda lot: True),
          mock.patch.object(ParkingLine, "changed", plain_changed),
          mock.patch.object(AirliftModel, "_diverting_from", plain_diverting_from)):
        return run(scenario, replication=replication)


BREAKS = {"break_per_sortie": 0.2, "repair_h": {"mean": 5, "cv": 0.5}, "ground_time_cv": 0.3}
BOTH_WAYS = [{"from": "ORIG", "to": "DEST", "tons": 100_000}, {"from": "DEST", "to": "ORIG", "tons": 100_000}]


def crowded_micro(parking, ute_h, fleet, crews, stochastic):
    """The micro world (ORIG <-> DEST, 1.5 h legs) carrying both ways with ``parking`` spots (ORIG, DEST), a
    flying-hour budget (UTE: it keeps an aircraft on the ground past its slot unannounced, an overstay) and
    aircraft based at each end (``fleet``)."""
    ends = ("ORIG", "DEST")
    airfields = {k: {**BASE["airfields"][k], "mog": 2, "parking_mog": spots} for k, spots in zip(ends, parking, strict=True)}
    aircraft = {"Il-76MD": {**BASE["aircraft"]["Il-76MD"], "ute_h_per_day": ute_h}}
    return micro(days=3, airfields=airfields, aircraft=aircraft, stochastic=stochastic, requirements=BOTH_WAYS,
                 fleet=[{"type": "Il-76MD", "count": n, "base": base} for n, base in zip(fleet, ends, strict=True) if n],
                 operations={"crews": crews, "parking_holds": True})


@st.composite
def crowded(draw):
    return crowded_micro((draw(st.integers(1, 3)), draw(st.integers(1, 3))), draw(st.sampled_from([None, 3, 6])),
                         (draw(st.integers(0, 4)), draw(st.integers(1, 4))), draw(st.booleans()),
                         draw(st.sampled_from([None, BREAKS])))


@pytest.mark.pure_core
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded(), st.integers(0, 3))
@example(crowded_micro((2, 3), 3, (1, 4), True, BREAKS), 0)  # an overstay found by its watch cancels a slot
@example(crowded_micro((1, 1), None, (0, 4), True, BREAKS), 0)  # six aircraft turned away where one was before
def test_the_lazy_overstay_watch_and_the_kept_diversion_points_give_the_plain_runs(scenario, replication):
    # Timers only while a slot that may be lost is booked, one at a time per airfield, and the end of a hop kept
    # for the next aircraft turned away there: the same sorties and ground rows as a timer after every stay and
    # each diversion worked out afresh.
    fast, plain = run(scenario, replication=replication), plain_run(scenario, replication)
    assert fast.sortie_rows == plain.sortie_rows
    assert fast.ground.equals(plain.ground)


def test_the_end_of_a_whole_hop_is_kept_for_the_next_diversion_and_a_point_within_it_is_not():
    world = build_world(micro(airfields={**BASE["airfields"], "ALT": {"lat": 12.0, "lon": 14.0, "country": "XXB",
                                                                        "mog": 2, "fuel": True}}))
    model = AirliftModel(world, Randomness(world.stochastic, world.run.seed, 0))
    distance_km = world.distance("ORIG", "DEST", model.policy)
    flight = Flight("ORIG", "DEST", 0.0, distance_km, 1.5, 20.0, 150.0, model.policy)
    for km in (distance_km, distance_km / 3, distance_km):  # the whole hop twice: worked out, then kept
        assert model._diverting_from(flight, km) == plain_diverting_from(model, flight, km)
    assert list(model._hop_ends) == [("ORIG", "DEST", model.policy, distance_km)]


# --- the sorted sweeps (``earliest``, ``settle``) ---------------------------------------------------------

# Any spans, an end before its start too: the sweep over sorted spans is the sweep over the cut lists sorted anew.
any_spans = st.lists(st.tuples(hours, st.one_of(hours, st.just(math.inf))), max_size=12)


def sorted_spans(spans):
    by_start, by_end = [], []
    for a, b in spans:
        _insert(by_start, a, b)
        _insert(by_end, b, a)
    return by_start, by_end


@settings(max_examples=400, deadline=None)
@given(any_spans, hours, hours, st.integers(-1, 6))
def test_the_sweep_over_sorted_spans_counts_as_the_sweep_over_the_cut_spans(spans, start, length, count):
    by_start, by_end = sorted_spans(spans)
    assert [a for a, _ in by_start] == sorted(a for a, _ in spans)
    assert [b for b, _ in by_end] == sorted(b for _, b in spans)
    assert _crowded(by_start, by_end, start, start + length, count) == _reaches(*_clipped(spans, start, start + length), count)


@settings(max_examples=400, deadline=None)
@given(any_spans, hours, hours, st.integers(-1, 6))
def test_a_slot_tried_beside_sorted_spans_counts_as_the_slot_added_to_them(spans, start, length, count):
    # ``settle``'s test of one slot, zero long ones too, without adding it to the spans it keeps sorted.
    end = start + length
    assert _crowded_beside(sorted_spans(spans), start, end, count) == _reaches(*_clipped([*spans, (start, end)], start, end),
                                                                               count)


@settings(max_examples=300, deadline=None)
@given(st.data(), hours)
def test_the_spots_held_counted_and_sorted_are_the_spots_held(data, now):
    lot = data.draw(lots(now))
    number = data.draw(st.integers(0, 10))
    start = data.draw(hours)
    end = start + data.draw(hours)
    held = lot.held(number)
    assert lot.tight_for(number) == (held is not None)
    if held is not None:
        opened, across = lot.count_held(number, now, start, end)
        assert opened == sum(1 for a, b in held if b == math.inf and a <= now)
        assert across == len(_clipped(held, start, end)[0])
        by_start, by_end = lot.sorted_held(number)
        assert sorted(by_start) == sorted(held) and sorted(by_end) == sorted((b, a) for a, b in held)


# --- a wait for the time of a slot ---------------------------------------------------------------------------


def trigger_history(delays, waits, at_once):
    """Timers at ``delays`` (h) log as they ring; each of ``waits`` (h) is a process waiting for an event that a
    timer then triggers, processed at once when nothing comes first (``at_once``) or queued by ``succeed``."""
    env, log = kernel.Environment(), []
    for k, delay in enumerate(delays):
        env.timeout(delay).callbacks.append(lambda _e, k=k: log.append(("timer", k, env.now)))

    def waiter(k, wait_h):
        event = env.event()
        if at_once:
            env.timeout(wait_h).callbacks.append(lambda _e: trigger(env, event, k))
        else:
            env.timeout(wait_h).callbacks.append(lambda _e: event.succeed(k))
        value = yield event
        log.append(("waited", value, env.now))
        yield env.timeout(delays[k % len(delays)] if delays else 0.0)
        log.append(("after", value, env.now))

    for k, wait_h in enumerate(waits):
        env.process(waiter(k, wait_h))
    env.run()
    return log, env._ids


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 4).map(float), max_size=6), st.lists(st.integers(0, 4).map(float), min_size=1, max_size=4))
def test_an_event_triggered_at_once_by_a_timer_runs_as_one_queued_by_succeed(delays, waits):
    # Hours on a grid of whole hours: timers and waits often ring at one instant, where the order of the ids decides.
    assert trigger_history(delays, waits, at_once=True) == trigger_history(delays, waits, at_once=False)


@pytest.mark.parametrize(("name", "replication"), [("lose_hmeimim_sweep", 3), ("russia_libya_staged_crews", 0)])
@pytest.mark.pure_core
def test_a_wait_for_a_slot_ended_at_once_runs_as_its_event_queued(name, replication, monkeypatch):
    # The plain computation: the end of every wait for the time of a slot is an event the kernel processes.
    fast, fast_steps = records_and_steps(name, replication)
    monkeypatch.setattr("sim.model.ramp.trigger", lambda env, event, value: event.succeed(value))
    plain, plain_steps = records_and_steps(name, replication)
    assert fast == plain
    assert fast_steps < plain_steps


@settings(max_examples=300, deadline=None)
@given(st.data(), hours)
def test_a_lot_is_full_for_a_landing_aircraft_as_the_count_of_the_spots_held_on_the_ground_says(data, now):
    """``full_for`` answers at once when fewer aircraft stand on the lot than it has spots."""
    lot = data.draw(lots(now))
    number = data.draw(st.integers(0, 10))
    held_on_the_ground = sum(1 for n in lot.present if n != number and n in lot.spans)
    assert lot.full_for(number) == (held_on_the_ground >= lot.capacity)
