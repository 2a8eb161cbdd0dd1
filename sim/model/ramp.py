"""Airfield capacity: working spots (MOG), whose number can change while aircraft hold them, and parking
spots, with one line of aircraft waiting for the parking spots of whole trips.

simpy's Resource has a fixed capacity, so MOG changes are modelled here directly: a FIFO of waiting
aircraft and a count of spots in use. Lowering the capacity never evicts an aircraft already on a spot;
it only delays the next grant until ``in_use < capacity``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import simpy


class Ramp:
    """Working spots (MOG) of one airfield."""

    def __init__(self, env: simpy.Environment, capacity: int):
        self.env = env
        self.capacity = capacity
        self.in_use = 0
        self._waiting: deque[simpy.Event] = deque()

    def request(self) -> simpy.Event:
        """An event that fires when a spot is granted to the caller."""
        event = self.env.event()
        self._waiting.append(event)
        self._grant()
        return event

    def cancel(self, event: simpy.Event) -> None:
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


class Parking:
    """Parking spots (parking MOG) of one airfield: every aircraft on the ground there, or flying there
    with a spot held for it, holds one.

    A trip holds a spot at each airfield it will land at from its take-off (the slot a planner books
    before launching an aircraft) until the take-off from there. An aircraft's own base always has room
    for it; an aircraft that lands where it had to (a diversion) takes a spot even beyond the capacity.
    A spot given back goes to the aircraft waiting in the model's ``ParkingLine``, if one can use it.
    """

    def __init__(self, capacity: int, line: ParkingLine | None = None):
        self.capacity = capacity
        self.holders: set[int] = set()  # aircraft numbers
        self.peak = 0
        self.line = line

    def has_room(self, number: int, exempt: bool = False) -> bool:
        """May aircraft ``number`` hold a spot here now (it may already hold one)?"""
        return exempt or number in self.holders or len(self.holders) < self.capacity

    def occupy(self, number: int) -> None:
        """Hold a spot (beyond the capacity if it must: callers check ``has_room`` first)."""
        self.holders.add(number)
        self.peak = max(self.peak, len(self.holders))

    def release(self, number: int) -> None:
        """The aircraft took off from here, or will not come: its spot goes to the line."""
        if number in self.holders:
            self.holders.discard(number)
            if self.line is not None:
                self.line.freed(self)


class _Waiter:
    """An aircraft in the parking line: the spots its trip needs, each with its exemption (its own base)."""

    __slots__ = ("number", "lots", "needs", "open_needed", "event", "done")

    def __init__(self, number: int, lots: tuple[tuple[Parking, bool], ...], needs: tuple[str, ...],
                 open_needed: tuple[str, ...], event: simpy.Event):
        self.number, self.lots, self.needs, self.open_needed = number, lots, needs, open_needed
        self.event, self.done = event, False

    def fits(self) -> bool:
        return all(lot.has_room(self.number, exempt) for lot, exempt in self.lots)


class ParkingLine:
    """Aircraft waiting for the parking spots of a whole trip, first come, first served.

    A spot given back goes to the first aircraft in line whose trip then finds a spot at every airfield it
    lands at; it is handed them all at once. Aircraft ahead of it whose trips still lack a spot elsewhere
    keep their place. So no aircraft holds one spot while it waits for another (two aircraft each holding
    the spot the other needs would wait for ever), and none gives a spot back to queue again elsewhere.
    """

    def __init__(self, env: simpy.Environment):
        self.env = env
        self._lines: dict[Parking, deque[_Waiter]] = {}  # per lot, in the order the waits began

    def wait(self, number: int, lots: tuple[tuple[Parking, bool], ...], needs: tuple[str, ...],
             open_needed: tuple[str, ...] = ()) -> simpy.Event:
        """Aircraft ``number`` joins the line for ``lots`` (each with its exemption). The event fires with True
        when it is handed a spot at every lot (it holds them from then on) or with False if ``recall`` calls it
        back: an airfield it ``needs`` for its trip became unusable, or one of ``open_needed`` closed (where
        the cargo aboard was loaded: nothing loaded at an airfield leaves it closed, while a passing
        outage costs it no place)."""
        waiter = _Waiter(number, lots, needs, open_needed, self.env.event())
        for lot, exempt in lots:
            if not exempt:
                self._lines.setdefault(lot, deque()).append(waiter)
        return waiter.event

    def freed(self, lot: Parking) -> None:
        """A spot of ``lot`` came free: hand it to the first waiter whose trip now fits everywhere."""
        line = self._lines.get(lot)
        if not line:
            return
        for waiter in list(line):
            if len(lot.holders) >= lot.capacity:
                break
            if not waiter.done and waiter.fits():
                for held, _ in waiter.lots:
                    held.occupy(waiter.number)
                self._leave(waiter, True)

    def recall(self, usable: Callable[[str], bool], is_open: Callable[[str], bool]) -> None:
        """Call back, out of the line, the aircraft whose trips need an airfield no longer ``usable``, or whose
        cargo was loaded at an airfield no longer open."""
        for line in list(self._lines.values()):
            for waiter in list(line):
                if not waiter.done and not (all(map(usable, waiter.needs)) and all(map(is_open, waiter.open_needed))):
                    self._leave(waiter, False)

    def _leave(self, waiter: _Waiter, handed: bool) -> None:
        waiter.done = True
        for lot, exempt in waiter.lots:
            if not exempt:
                self._lines[lot].remove(waiter)
        waiter.event.succeed(handed)
