"""Airfield capacity: working spots (MOG), whose number can change while aircraft hold them, and parking
spots, booked as slots in time, with one line of aircraft waiting on the ground for their slots.

simpy's Resource has a fixed capacity, so MOG changes are modelled here directly: a FIFO of waiting
aircraft and a count of spots in use. Lowering the capacity never evicts an aircraft already on a spot;
it only delays the next grant until ``in_use < capacity``.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Sequence
from typing import Final

from sim.model import kernel
from sim.model.instant import trigger


class Ramp:
    """Working spots (MOG) of one airfield."""

    def __init__(self, env: kernel.Environment, capacity: int):
        self.env = env
        self.capacity = capacity
        self.in_use = 0
        self._waiting: deque[kernel.Event] = deque()

    def request(self) -> kernel.Event:
        """An event that fires when a spot is granted to the caller."""
        event = self.env.event()
        self._waiting.append(event)
        self._grant()
        return event

    def take(self) -> bool:
        """Take a spot now if one is free and no aircraft waits for one (what ``request`` grants at once,
        without an event to wait for); False otherwise (the caller then ``request``s one)."""
        if self._waiting or self.in_use >= self.capacity:
            return False
        self.in_use += 1
        return True

    def cancel(self, event: kernel.Event) -> None:
        """Withdraw the request ``event``: from the queue if still waiting, else give its spot back."""
        if event in self._waiting:
            self._waiting.remove(event)
        else:
            self.release()

    def release(self) -> None:
        """Give a spot back."""
        self.in_use -= 1
        self._grant()

    def set_capacity(self, capacity: int) -> None:
        """Change the MOG; aircraft already on spots keep them."""
        self.capacity = capacity
        self._grant()

    @property
    def queue_length(self) -> int:
        """Aircraft on the ground waiting for a spot."""
        return len(self._waiting)

    def _grant(self) -> None:
        while self._waiting and self.in_use < self.capacity:
            self.in_use += 1
            self._waiting.popleft().succeed()


# Assumed planning value (grade: assumed; low 0, high 1 h): the margin a parking slot keeps after the planned
# ground time, for a turn a little slow; 15 minutes, the tolerance commonly given to an airport slot. A slot
# runs from the estimated arrival (flight times are known) to the end of the planned ground time plus it.
SLOT_BUFFER_H: Final = 0.25
# An aircraft still on the ground just after its slot ended (its turn ran late, its crew rests, it waits
# for work) is found then, this long after the end, and holds its spot until it has a departure booked.
OVERSTAY_CHECK_H: Final = 1e-6
EPS_H: Final = 1e-9
# A spot freed by a take-off is given to an arrival no sooner than this after it (1 minute): the departure is
# then known to have happened, or not, before the arrival lands.
SLOT_GAP_H: Final = 1 / 60
INF: Final = math.inf  # (Final names are the compiled core's constants: no look-up in the module's dict)
_heappush: Final = heapq.heappush
_heappop: Final = heapq.heappop

# Spans (from h, to h) in the order of their starts, and the same as (to h, from h) in the order of their ends:
# what ``_crowded`` sweeps without sorting again.
Sorted = tuple[list[tuple[float, float]], list[tuple[float, float]]]


def _clipped(spans: Sequence[tuple[float, float]], start: float, end: float) -> tuple[list[float], list[float]]:
    """The starts and the ends of the ``spans`` overlapping [start, end) (touching ends do not overlap), cut to it."""
    lo, hi = start + EPS_H, end - EPS_H
    starts, ends = [], []
    for a, b in spans:
        if a < hi and b > lo:
            starts.append(a if a > start else start)
            ends.append(b if b < end else end)
    return starts, ends


def _reaches(starts: list[float], ends: list[float], count: float) -> bool:
    """Are ``count`` of the spans (their ``starts`` and ``ends``) held at one instant? At one instant an end
    comes before a start."""
    if count <= 0:
        return True
    starts.sort()
    ends.sort()
    held = j = 0
    last = len(ends)
    for a in starts:
        while j < last and ends[j] <= a:
            held -= 1
            j += 1
        held += 1
        if held >= count:
            return True
    return False


def room(held: Sequence[tuple[float, float]], start: float, end: float, capacity: int) -> bool:
    """Is a spot free through [start, end) beside the (from_h, to_h) spans ``held``: are fewer than
    ``capacity`` held at one instant of it? Fewer spans overlapping it than spots answer at once."""
    starts, ends = _clipped(held, start, end)
    return len(starts) < capacity or not _reaches(starts, ends, capacity)


def _crowded(by_start: list[tuple[float, float]], by_end: list[tuple[float, float]], start: float, end: float,
             count: int) -> bool:
    """``_reaches(*_clipped(spans, start, end), count)`` for spans kept sorted (``Sorted``): the same sweep over the
    same cut starts and ends, read in order from the two lists (cutting keeps the order) instead of sorted anew."""
    if count <= 0:
        return True
    lo, hi = start + EPS_H, end - EPS_H
    held = j = 0
    last = len(by_end)
    for a, b in by_start:
        if a >= hi:  # in the order of the starts: none after overlaps either
            break
        if b <= lo:
            continue
        cut = a if a > start else start
        while j < last:
            b2, a2 = by_end[j]
            if a2 < hi and b2 > lo:  # one that overlaps: its end, cut, before this start?
                if (b2 if b2 < end else end) > cut:
                    break
                held -= 1
            j += 1
        held += 1
        if held >= count:
            return True
    return False


def _crowded_beside(spans: Sorted, start: float, end: float, count: int) -> bool:
    """``_reaches(*_clipped([*spans, (start, end)], start, end), count)``: the slot [start, end) among sorted spans.
    Cut to itself, it starts first (with any cut to the same start) and ends after every start: the sweep
    meets its start first, ends nothing before it, and counts it in every later step."""
    if start < end - EPS_H and end > start + EPS_H:  # the slot overlaps itself (``_clipped``'s own test)
        return count <= 1 or _crowded(spans[0], spans[1], start, end, count - 1)
    return _crowded(spans[0], spans[1], start, end, count)


def _insert(spans: list[tuple[float, float]], first: float, second: float) -> None:
    """Put (first, second) into ``spans`` kept in the order of their first hour (the order among equal first
    hours does not matter to ``_crowded``)."""
    i = len(spans)
    while i > 0 and spans[i - 1][0] > first:
        i -= 1
    spans.insert(i, (first, second))


def earliest(number: int, now: float, slots: Sequence[tuple[Parking, float, float, bool]]) -> float:
    """The earliest take-off (h, not before ``now``) for which aircraft ``number`` can book every slot of
    ``slots`` (lot, from h, to h after the take-off, exempt); infinite if none fits while the spots are held by
    aircraft with no departure booked.

    The answer is the first of the candidate take-offs (now, and each time a spot held at one of the lots
    frees, less the slot's offset there) at which every slot fits. A lot that always has room (exempt, or
    fewer slots booked than spots) neither rejects one nor brings a candidate that matters: a lot's room
    opens only as a spot held there frees, so the first take-off that fits everywhere is now or a candidate
    of a lot that can be full. A lot where as many spots as it has are held open-ended since before now never
    fits (those are held through any slot after now); else one fits once the spots held for a time are free.
    Take-off now is tried first, by counting the spots held across each slot (fewer than the lot has: it
    fits); the spans are sorted (``Parking.sorted_held``) only when that fails, once for every candidate.
    """
    tight: list[tuple[Parking, float, float]] = []
    at_once = True
    for lot, a, b, exempt in slots:
        if exempt or not lot.tight_for(number):
            continue
        opened, across = lot.count_held(number, now, now + a, now + b)
        if opened >= lot.capacity:
            return INF
        at_once = at_once and across < lot.capacity
        tight.append((lot, a, b))
    if at_once:
        return now
    held = [_Tight(a, b, lot.capacity, lot.sorted_held(number)) for lot, a, b in tight]
    if _fit(held, now):
        return now
    if len(held) == 1:  # the common case: the candidates in the order of the ends, without sorting them
        one = held[0]
        last = now
        for end, _ in one.by_end:
            if end == INF:
                break
            depart = end - one.a
            if depart > last:
                if not _crowded(one.by_start, one.by_end, depart + one.a, depart + one.b, one.capacity):
                    return depart
                last = depart
        return INF
    candidates = sorted([end - each.a for each in held for end, _ in each.by_end if end < INF and end - each.a > now])
    last = now
    for depart in candidates:
        if depart > last:
            if _fit(held, depart):
                return depart
            last = depart
    return INF


def _stay_end(end: float, number: int, present: set[int], late: float) -> float:
    """When aircraft ``number``'s spot frees, its slot ending at ``end``: never while it is on the ground beyond
    it (``late``: now less EPS_H), else then. ``Parking.end_of``, and the spots held (plus ``SLOT_GAP_H``)."""
    return INF if end < late and number in present else end


class _Tight:
    """A slot of ``earliest`` at a lot where it may not fit: its offsets (h after the take-off), the lot's spots
    and the spots held there by the others, sorted (``Parking.sorted_held``)."""

    def __init__(self, a: float, b: float, capacity: int, held: Sorted) -> None:
        self.a, self.b, self.capacity = a, b, capacity
        self.by_start, self.by_end = held


def _fit(held: list[_Tight], depart: float) -> bool:
    """Does every slot of ``held`` fit for a take-off at ``depart``?"""
    for each in held:
        if _crowded(each.by_start, each.by_end, depart + each.a, depart + each.b, each.capacity):
            return False
    return True


class Parking:
    """Parking spots (parking MOG) of one airfield, held as slots in time.

    An aircraft on the ground here holds a spot from its landing until its take-off. A trip books a slot at
    each airfield it lands at for its arrival window: from the estimated arrival to the end of its planned
    ground time plus ``SLOT_BUFFER_H``, not from its take-off. Once landed, the
    slot's end is when the aircraft is expected to leave; an aircraft still here after it, with no
    departure booked, holds its spot open-ended, and bookings that no longer fit are cancelled (``settle``):
    the model calls back their aircraft, which book again; an aircraft in the air keeps its slot and turns
    away only if it finds every spot taken when it lands. An
    aircraft's own base always has room for it (``exempt``); one that lands where it had to (a diversion)
    parks beyond the capacity and books nothing.
    """

    def __init__(self, env: kernel.Environment, capacity: int, line: ParkingLine | None = None, ident: str = ""):
        self.env = env
        self.ident = ident
        self.capacity = capacity
        self.spans: dict[int, list[float]] = {}  # aircraft number -> [from_h, to_h]: its slot or its stay
        self.present: set[int] = set()  # on the ground here
        self.exempt: set[int] = set()  # slots booked at the aircraft's own base
        self.committed: set[int] = set()  # slots of aircraft in the air towards here
        self.losable: set[int] = set()  # slots ``settle`` may cancel: booked, not landed, nor exempt, nor committed
        self.peak = 0  # most aircraft on the ground at once
        self.line = line
        self.on_lost: Callable[[int, Parking], None] | None = None  # a booking cancelled: the model calls back
        # Overstay watches (see ``_watch``): (hour, aircraft, end of its stay) in time order, and the hours at
        # which a timer is set to look at them
        self._watches: list[tuple[float, int, float]] = []
        self._timers: list[float] = []
        self._rings: Callable[[kernel.Event], None] = self._ring  # one bound method for every timer

    def end_of(self, number: int) -> float:
        """When aircraft ``number``'s spot frees: its slot's end, or never while it stays beyond it."""
        return _stay_end(self.spans[number][1], number, self.present, self.env.now - EPS_H)

    def fits(self, number: int, start: float, end: float, exempt: bool = False) -> bool:
        """Can aircraft ``number`` book a slot from ``start`` to ``end`` (h)?"""
        held = None if exempt else self.held(number)
        return held is None or room(held, start, end, self.capacity)

    def held(self, number: int) -> list[tuple[float, float]] | None:
        """The (from h, to h) of the spots held by the others than aircraft ``number``: each from its slot's
        start until it may take an arrival (``end_of`` plus the gap); None when fewer are booked than there are
        spots (any slot fits)."""
        if not self.tight_for(number):
            return None
        present, late, gap = self.present, self.env.now - EPS_H, SLOT_GAP_H
        return [(a, _stay_end(b, n, present, late) + gap) for n, (a, b) in self.spans.items() if n != number]

    def tight_for(self, number: int) -> bool:
        """Are as many slots booked by the others than aircraft ``number`` as there are spots (``held`` not None)?"""
        spans = self.spans
        return len(spans) - (number in spans) >= self.capacity

    def count_held(self, number: int, now: float, start: float, end: float) -> tuple[int, int]:
        """Of the spots ``held`` for aircraft ``number``: how many are held open-ended since ``now`` or before,
        and how many overlap [start, end) (as ``_clipped`` tells), counted without building them."""
        present, late, gap = self.present, self.env.now - EPS_H, SLOT_GAP_H
        lo, hi = start + EPS_H, end - EPS_H
        opened = across = 0
        for n, span in self.spans.items():
            if n != number:
                a, b = span[0], _stay_end(span[1], n, present, late) + gap
                if b == INF and a <= now:
                    opened += 1
                if a < hi and b > lo:
                    across += 1
        return opened, across

    def sorted_held(self, number: int) -> Sorted:
        """The spots ``held`` for aircraft ``number``, sorted (``Sorted``)."""
        present, late, gap = self.present, self.env.now - EPS_H, SLOT_GAP_H
        by_start: list[tuple[float, float]] = []
        by_end: list[tuple[float, float]] = []
        for n, span in self.spans.items():
            if n != number:
                a, b = span[0], _stay_end(span[1], n, present, late) + gap
                _insert(by_start, a, b)
                _insert(by_end, b, a)
        return by_start, by_end

    def full_for(self, number: int) -> bool:
        """Would aircraft ``number`` landing now find every spot held by an aircraft on the ground?"""
        if len(self.present) < self.capacity:  # not even every aircraft on the ground holds a spot: no count
            return False
        return sum(1 for n in self.present if n != number and n in self.spans) >= self.capacity

    def book(self, number: int, start: float, end: float, exempt: bool = False) -> None:
        """Book a slot (callers check ``fits`` first)."""
        self.spans[number] = [start, end]
        if exempt:
            self.exempt.add(number)
        elif number not in self.present and number not in self.exempt and number not in self.committed:
            self.losable.add(number)
            self._arm()  # a slot that may be lost: the overstays from now on are looked at

    def commit(self, number: int) -> None:
        """The aircraft took off towards here: its slot goes before others' when the spots run short."""
        if number in self.spans:
            self.committed.add(number)
            self.losable.discard(number)

    def cancel(self, number: int) -> None:
        """A booked slot is given up (the aircraft will not come, or not then)."""
        if number in self.spans and number not in self.present:
            self._forget(number)

    def arrive(self, number: int, counted: bool = True) -> None:
        """Aircraft ``number`` landed here: it holds its spot until it leaves, expected at its slot's end (or
        open-ended without a slot). ``counted`` False: a diversion, parked beyond the capacity."""
        self.present.add(number)
        self.losable.discard(number)
        self.peak = max(self.peak, len(self.present))
        if not counted:
            self.cancel(number)
            return
        span = self.spans.get(number)
        self.spans[number] = [self.env.now, span[1] if span is not None else INF]
        self.committed.discard(number)
        self._watch(number)

    def leaving_at(self, number: int, hour: float) -> None:
        """The aircraft here booked its departure at ``hour``: its spot frees then."""
        span = self.spans.get(number)
        if span is None or number not in self.present:
            return
        before = self.end_of(number)
        span[1] = hour
        self._watch(number)
        if hour > before + EPS_H:
            self.settle()
        elif hour < before - EPS_H and self.line is not None:
            self.line.changed(self)

    def expect(self, number: int, hour: float) -> None:
        """The aircraft here will not leave before ``hour`` (its turn began late, or runs long): its spot is
        held until then at least, and the bookings after it that no longer fit are cancelled now."""
        span = self.spans.get(number)
        if span is not None and number in self.present and self.end_of(number) < hour - EPS_H:
            span[1] = hour
            self._watch(number)
            self.settle()

    def staying(self, number: int) -> None:
        """The aircraft here stays with no departure booked (a crew rest, a repair, a wait): it holds its spot
        open-ended."""
        span = self.spans.get(number)
        if span is not None and number in self.present and span[1] < INF:
            span[1] = INF
            self.settle()

    def leave(self, number: int) -> None:
        """The aircraft took off from here: its spot goes to others."""
        self.present.discard(number)
        if number in self.spans:
            self._forget(number)

    def settle(self) -> None:
        """Cancel the booked slots that no longer fit beside the aircraft on the ground, in the order of their
        start; the model calls their aircraft back. Slots of aircraft in the air are kept: one that finds every
        spot taken when it lands turns away then (see ``full_for``).

        Each slot is tried beside those kept (``_crowded_beside``: more than the spots held at one instant of
        it?), which stay sorted as they grow; with no more slots than spots, every one fits."""
        if not self._losable() or len(self.spans) <= self.capacity:
            return
        spans, present, capacity, gap, late = self.spans, self.present, self.capacity, SLOT_GAP_H, self.env.now - EPS_H
        # Held first: the aircraft on the ground, then the slots that cannot be lost (exempt, committed) ...
        by_start: list[tuple[float, float]] = []
        by_end: list[tuple[float, float]] = []
        losable: list[tuple[float, int]] = []
        for n, span in spans.items():
            a, b = span[0], span[1]
            if n in self.losable:
                losable.append((a, n))
                continue
            b = _stay_end(b, n, present, late) + gap  # ``end_of`` plus the gap
            _insert(by_start, a, b)
            _insert(by_end, b, a)
        losable.sort()
        lost = []
        for start, number in losable:  # ... then the others, by start
            end = spans[number][1]
            if _crowded_beside((by_start, by_end), start, end, capacity + 1):  # more than capacity held at once
                lost.append(number)
            else:
                _insert(by_start, start, end + gap)
                _insert(by_end, end + gap, start)
        for number in lost:
            del self.spans[number]
            self.committed.discard(number)
            self.losable.discard(number)
            if self.on_lost is not None:
                self.on_lost(number, self)

    def _forget(self, number: int) -> None:
        del self.spans[number]
        self.exempt.discard(number)
        self.committed.discard(number)
        self.losable.discard(number)
        if self.line is not None:
            self.line.changed(self)

    def _losable(self) -> bool:
        """Is a slot booked here that ``settle`` may cancel (not yet landed, nor exempt, nor committed)?"""
        return bool(self.losable)

    def _watch(self, number: int) -> None:
        """Look again just after the end of the stay of aircraft ``number``: if it is still here, it holds
        its spot open-ended and the bookings after it may no longer fit (``settle`` then).

        Lazily: the watches wait in time order, and a timer is set (one at a time, at the first watch) only
        while a slot that may be lost is booked here; without one, ``settle`` would change nothing. A booking
        that may be lost sets it (``book``), and then the watches already past are spent: the overstays they
        looked for show in ``end_of`` already, so that booking was made knowing them.
        """
        end = self.spans[number][1]
        if end == INF:
            return
        now, watches = self.env.now, self._watches
        _heappush(watches, (now + (max(0.0, end - now) + OVERSTAY_CHECK_H), number, end))
        if self._losable():
            self._arm()
        else:  # the watches past are spent (see ``_arm``): the list stays as short as the stays ahead
            while watches[0][0] < now - EPS_H:
                _heappop(watches)

    def _arm(self, settled: bool = False) -> None:
        """Set a timer at the first watch still ahead whose aircraft is here, unless one is set at or before it.
        (An aircraft gone has nothing to overstay: were it back, its landing set a watch of its own.) From a timer
        (``settled``), a watch whose aircraft has changed its stay since is dropped too: each change sets a
        watch of its own (or holds the spot open-ended); only a booking tried and undone within one instant
        (``ParkingLine.exchange``) puts a stay back as it was, and no timer rings inside one."""
        watches, now, present, spans = self._watches, self.env.now, self.present, self.spans
        while watches:
            hour, number, end = watches[0]
            span = spans.get(number) if settled else None
            if not (hour < now - EPS_H or number not in present or (settled and (span is None or span[1] != end))):
                break
            _heappop(watches)
        if not watches or (self._timers and self._timers[0] <= watches[0][0] + EPS_H):
            return
        hour = watches[0][0]
        _heappush(self._timers, hour)
        self.env.timeout(max(0.0, hour - now)).callbacks.append(self._rings)

    def _ring(self, _event: kernel.Event) -> None:
        """A timer: the watches of this instant whose aircraft are still here with the same stay settle the lot."""
        _heappop(self._timers)
        watches, now = self._watches, self.env.now
        overstay = False
        while watches and watches[0][0] <= now + EPS_H:
            hour, number, end = _heappop(watches)
            span = self.spans.get(number)
            overstay = overstay or (hour >= now - EPS_H and number in self.present and span is not None
                                    and span[1] == end)
        if overstay:
            self.settle()
        if self._losable():
            self._arm(settled=True)


class _Waiter:
    """An aircraft waiting on the ground for parking slots: for the time of a slot it booked (``blocked``
    False), or for a change at the airfields it needs (``blocked``: no slot fits at any time yet)."""

    __slots__ = ("number", "here", "lots", "needs", "event", "blocked", "try_book", "since", "line")

    def __init__(self, number: int, here: Parking, lots: tuple[Parking, ...], needs: tuple[str, ...],
                 event: kernel.Event, try_book: Callable[[], bool] | None, since: float, line: ParkingLine):
        self.number, self.here, self.lots, self.needs, self.event = number, here, lots, needs, event
        self.blocked, self.try_book, self.since, self.line = try_book is not None, try_book, since, line

    def __call__(self, _event: kernel.Event) -> None:
        """The timer of a wait for the time of a slot: the wait ends, its event processed at once when the kernel
        would process it next (``instant.trigger``)."""
        self.line._end(self, True, at_once=True)


class ParkingLine:
    """Aircraft waiting on the ground for parking slots ahead, in the order their waits began.

    One with a slot booked for later waits until its time. One for which no slot fits at any time (the
    spots are held by aircraft with no departure booked) waits for a change at the airfields it needs:
    then every waiter there, first come first, books again. Two such aircraft, each standing where the
    other needs a spot, exchange them: both take off (``exchange``).
    """

    def __init__(self, env: kernel.Environment):
        self.env = env
        self._waiters: dict[int, _Waiter] = {}  # by aircraft number, in the order the waits began
        self._trying = False  # an exchange is being tried: its bookings and cancellations wake nobody
        self._stuck = 0  # waiters no slot fits for (``blocked``): without any, a change wakes nobody

    def wait(self, number: int, here: Parking, lots: tuple[Parking, ...], needs: tuple[str, ...],
             until_h: float | None = None, try_book: Callable[[], bool] | None = None) -> kernel.Event:
        """Aircraft ``number``, on the ground at ``here``, waits: until ``until_h`` (its slot's time), or, when
        ``try_book`` is given (it books the aircraft's slots now if they fit), for a change at ``lots``. The
        event fires with True then, or with False if ``recall`` calls it back (an airfield it ``needs``
        became unusable) or its slots are lost (``wake``)."""
        waiter = _Waiter(number, here, lots, needs, self.env.event(), try_book, self.env.now, self)
        before = self._waiters.get(number)
        self._stuck += waiter.blocked - (before is not None and before.blocked)
        self._waiters[number] = waiter
        if until_h is not None:
            self.env.timeout(max(0.0, until_h - self.env.now)).callbacks.append(waiter)
        return waiter.event

    def changed(self, lot: Parking) -> None:
        """A spot of ``lot`` frees earlier than planned: the blocked waiters needing it try again."""
        if self._trying or not self._stuck:
            return
        for waiter in list(self._waiters.values()):
            if waiter.blocked and lot in waiter.lots:
                self._end(waiter, True)

    def wake(self, number: int) -> None:
        """Aircraft ``number``'s wait ends now (its slots were lost: it books again)."""
        waiter = self._waiters.get(number)
        if waiter is not None:
            self._end(waiter, False)

    def exchange(self, number: int, here: Parking, lots: tuple[Parking, ...], try_book: Callable[[], bool],
                 drop: Callable[[], None]) -> bool:
        """Aircraft ``number`` at ``here``, needing ``lots`` where no slot fits, exchanges spots with a blocked
        waiter standing at one of ``lots`` and needing ``here``: both leave now. True if one was found (both
        hold their slots then; ``try_book`` books the caller's slots now if they fit, ``drop`` gives them up)."""
        if not self._stuck:
            return False
        now = self.env.now
        for other in list(self._waiters.values()):
            if not other.blocked or other.here not in lots or here not in other.lots or other.try_book is None:
                continue
            mine, theirs = here.spans.get(number), other.here.spans.get(other.number)
            if mine is None or theirs is None:
                continue
            ends = mine[1], theirs[1]
            mine[1] = theirs[1] = now  # both leave now
            self._trying = True
            try:
                if try_book():
                    if other.try_book():
                        self._end(other, True)
                        return True
                    drop()
            finally:
                self._trying = False
            mine[1], theirs[1] = ends
        return False

    def blocked(self) -> list[tuple[int, float, tuple[str, ...]]]:
        """(aircraft, since h, airfields needed) of the waiters no slot fits for."""
        return [(w.number, w.since, w.needs) for w in self._waiters.values() if w.blocked]

    def recall(self, usable: Callable[[str], bool]) -> None:
        """Call back, out of the line, the aircraft whose trips need an airfield no longer ``usable``."""
        for waiter in list(self._waiters.values()):
            if not all(map(usable, waiter.needs)):
                self._end(waiter, False)

    def _end(self, waiter: _Waiter, value: bool, at_once: bool = False) -> None:
        if self._waiters.get(waiter.number) is waiter:
            del self._waiters[waiter.number]
            self._stuck -= waiter.blocked
            if at_once:
                trigger(self.env, waiter.event, value)
            else:
                waiter.event.succeed(value)
