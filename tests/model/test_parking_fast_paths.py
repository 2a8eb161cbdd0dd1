"""The parking fast paths (issue 28) give what the plain computations give, on random lots.

The plain versions below are the model's first, straightforward ones: every candidate take-off built from every
spot's end at every airfield, each tried with every slot; the busiest instant found by sorting all the points.
"""

from __future__ import annotations

import math

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.ramp import EPS_H, SLOT_GAP_H, Parking, busiest, earliest, room


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


# Hours on a coarse grid (quarter hours) so that ends and starts often touch, plus a few odd ones.
hours = st.one_of(st.integers(0, 48).map(lambda q: q / 4), st.floats(0, 12, allow_nan=False))
spans = st.lists(st.tuples(hours, hours), max_size=12)


@st.composite
def lots(draw, now):
    """A lot with random slots and stays (some past their end: open-ended), at ``now``."""
    env = simpy.Environment(initial_time=now)
    lot = Parking(env, draw(st.integers(1, 5)))
    for number in range(draw(st.integers(0, 9))):
        start, length = draw(hours), draw(st.one_of(hours, st.just(math.inf)))
        if draw(st.booleans()):  # on the ground, since some time before now
            lot.present.add(number)
            start = min(start, now)
        lot.spans[number] = [start, start + length]
    return lot


@settings(max_examples=400, deadline=None)
@given(spans, hours, hours)
def test_the_busiest_instant_is_the_plain_sweeps(held, start, length):
    assert busiest(held, start, start + length) == plain_busiest(held, start, start + length)


@settings(max_examples=300, deadline=None)
@given(spans, hours, hours, st.integers(1, 6))
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
