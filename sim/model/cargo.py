"""The cargo ledger of one requirement.

Tons move one way: generated -> waiting (backlog) -> aboard (in transit) -> delivered. Cargo becomes
"in transit" when onload starts and "delivered" when offload ends. Waiting cargo is kept as lots with the
hour they became ready, so the dispatcher can serve the oldest first; tons promised to an aircraft on
its way are "reserved" but still count as backlog.
"""

from __future__ import annotations

from collections import deque

_EPS = 1e-9


class CargoLedger:
    """Tons of one requirement at each stage."""

    def __init__(self) -> None:
        self.generated_t = 0.0
        self.reserved_t = 0.0
        self.in_transit_t = 0.0
        self.delivered_t = 0.0
        self._lots: deque[list[float]] = deque()  # [ready_h, tons] not yet promised to any aircraft
        self._unassigned_t = 0.0  # the lots' total, kept so the dispatcher's many reads are O(1)

    @property
    def backlog_t(self) -> float:
        """Generated and not yet loaded (including tons reserved by an aircraft on its way)."""
        return self.generated_t - self.in_transit_t - self.delivered_t

    @property
    def unassigned_t(self) -> float:
        """Waiting tons no aircraft has been sent for."""
        return self._unassigned_t if self._lots else 0.0

    @property
    def oldest_ready_h(self) -> float | None:
        """Hour the oldest unassigned ton became ready."""
        return self._lots[0][0] if self._lots else None

    def add(self, ready_h: float, tons: float) -> None:
        """New cargo ready at ``ready_h``."""
        self.generated_t += tons
        self._lots.append([ready_h, tons])
        self._unassigned_t += tons

    def reserve(self, tons: float) -> float:
        """Promise up to ``tons`` to an aircraft, oldest first; returns the hour the oldest of it was ready."""
        ready_h = self._lots[0][0] if self._lots else 0.0
        remaining = tons
        while remaining > _EPS and self._lots:
            lot = self._lots[0]
            take = min(lot[1], remaining)
            lot[1] -= take
            remaining -= take
            if lot[1] <= _EPS:
                self._lots.popleft()
        self.reserved_t += tons - remaining
        self._unassigned_t = self._unassigned_t - (tons - remaining) if self._lots else 0.0
        return ready_h

    def unreserve(self, tons: float, ready_h: float) -> None:
        """An aircraft gave up its promise: the tons wait again, at the front."""
        self.reserved_t -= tons
        self._wait_again(tons, ready_h)

    def load(self, tons: float) -> None:
        """Reserved tons go aboard."""
        self.reserved_t -= tons
        self.in_transit_t += tons

    def unload_back(self, tons: float, ready_h: float) -> None:
        """Tons aboard come back to the backlog (flight abandoned or turned back)."""
        self.in_transit_t -= tons
        self._wait_again(tons, ready_h)

    def _wait_again(self, tons: float, ready_h: float) -> None:
        """Tons back at the front of the queue, keeping their original ready hour."""
        self._lots.appendleft([ready_h, tons])
        self._unassigned_t += tons

    def deliver(self, tons: float) -> None:
        """Tons aboard are offloaded at the destination."""
        self.in_transit_t -= tons
        self.delivered_t += tons
