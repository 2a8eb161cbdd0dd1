"""A working-MOG pool whose capacity can change while aircraft hold spots.

simpy's Resource has a fixed capacity, so MOG changes are modelled here directly: a FIFO of waiting
aircraft and a count of spots in use. Lowering the capacity never evicts an aircraft already on a spot;
it only delays the next grant until ``in_use < capacity``.
"""

from __future__ import annotations

from collections import deque

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
