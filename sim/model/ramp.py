"""Airfield capacity: working spots (MOG), whose number can change while aircraft hold them, and parking.

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
    Aircraft that found no spot wait in line: a spot given back is handed to the first of them.
    """

    def __init__(self, env: simpy.Environment, capacity: int):
        self.env = env
        self.capacity = capacity
        self.holders: set[int] = set()  # aircraft numbers
        self.peak = 0
        self._line: deque[tuple[int, tuple[str, ...], simpy.Event]] = deque()  # first come, first served

    def has_room(self, number: int, exempt: bool = False) -> bool:
        """May aircraft ``number`` hold a spot here now (it may already hold one)?"""
        return exempt or number in self.holders or len(self.holders) < self.capacity

    def occupy(self, number: int) -> None:
        """Hold a spot (beyond the capacity if it must: callers check ``has_room`` first)."""
        self.holders.add(number)
        self.peak = max(self.peak, len(self.holders))

    def release(self, number: int) -> None:
        """The aircraft took off from here, or will not come: its spot goes to the first in line."""
        if number in self.holders:
            self.holders.discard(number)
            while self._line and len(self.holders) < self.capacity:
                waiter, _, handed = self._line.popleft()
                self.occupy(waiter)
                handed.succeed(True)

    def wait(self, number: int, needs: tuple[str, ...]) -> simpy.Event:
        """Aircraft ``number`` joins the line. The event fires with True when a spot is handed to it (it
        holds the spot from then on) or with False if ``recall`` calls it back because an airfield it
        ``needs`` for its trip became unusable."""
        handed = self.env.event()
        self._line.append((number, needs, handed))
        return handed

    def recall(self, usable: Callable[[str], bool]) -> None:
        """Call back, out of the line, the aircraft whose trips need an airfield no longer ``usable``."""
        if any(not all(map(usable, needs)) for _, needs, _ in self._line):
            line, self._line = self._line, deque()
            for entry in line:
                if all(map(usable, entry[1])):
                    self._line.append(entry)
                else:
                    entry[2].succeed(False)
