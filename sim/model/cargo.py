"""The cargo ledger of one requirement, kept per place.

Tons move one way: generated (at the requirement's origin) -> waiting at a place (backlog) -> aboard
(in transit) -> delivered. Cargo is "in transit" from the start of an onload to the end of the offload.
Cargo offloaded anywhere but the destination (after a diversion, or at a fuel stop the aircraft could not
leave) waits *there*, and moving it on is a job like any other. Waiting cargo is kept as lots per place with
the hour it became ready, so the dispatcher serves the oldest first; tons promised to an aircraft on its
way are "reserved" but still count as waiting at their place.
"""

from __future__ import annotations

from collections import deque
from typing import Final

_EPS: Final = 1e-9  # Final: compiled in as a constant


class CargoLedger:
    """Tons of one requirement at each stage and place."""

    def __init__(self, origin: str = "") -> None:
        self.origin = origin
        self.generated_t = 0.0
        self.reserved_t = 0.0
        self.in_transit_t = 0.0
        self.delivered_t = 0.0
        self._lots: dict[str, deque[list[float]]] = {}  # place -> [ready_h, tons] not promised to any aircraft
        self._unassigned: dict[str, float] = {}  # the lots' totals, so the dispatcher's many reads are O(1)
        self._reserved_at: dict[str, float] = {}
        # The dispatcher asks for the figures below at every dispatch, of every ledger; they are worked
        # out when asked after a change to the lots (``_changed``), and kept until the next.
        self._total_t = 0.0
        self._total_known = False
        self._oldest_h: float | None = None
        self._oldest_known = False
        self._places: list[str] | None = None  # ``places()``, kept likewise

    @property
    def backlog_t(self) -> float:
        """Generated and not yet loaded (including tons reserved by an aircraft on its way)."""
        return self.generated_t - self.in_transit_t - self.delivered_t

    def waiting_at(self) -> dict[str, float]:
        """Backlog (t) per place, reserved tons included; places with nothing waiting are left out."""
        places = dict.fromkeys([*self._lots, *self._reserved_at])
        out = {p: self._unassigned.get(p, 0.0) + self._reserved_at.get(p, 0.0) for p in places}
        return {p: t for p, t in out.items() if t > 1e-6}

    @property
    def unassigned_t(self) -> float:
        """Waiting tons no aircraft has been sent for, at every place."""
        if not self._total_known:
            self._total_t, self._total_known = sum(self._unassigned.values()), True
        return self._total_t

    def unassigned_at(self, place: str) -> float:
        """Waiting tons at ``place`` no aircraft has been sent for."""
        return self._unassigned.get(place, 0.0) if self._lots.get(place) else 0.0

    def places(self) -> list[str]:
        """Places with unassigned tons, the origin first (a new list each call)."""
        if self._places is None:
            self._places = sorted((p for p, lots in self._lots.items() if lots), key=lambda p: (p != self.origin, p))
        return list(self._places)

    @property
    def oldest_ready_h(self) -> float | None:
        """Hour the oldest unassigned ton became ready, at any place."""
        if not self._oldest_known:
            heads = [lots[0][0] for lots in self._lots.values() if lots]
            self._oldest_h, self._oldest_known = min(heads) if heads else None, True
        return self._oldest_h

    def _changed(self) -> None:
        """The lots changed: ``unassigned_t``, ``oldest_ready_h`` and ``places`` are worked out again when next
        asked."""
        self._total_known = self._oldest_known = False
        self._places = None

    def add(self, ready_h: float, tons: float) -> None:
        """New cargo ready at the origin at ``ready_h``."""
        self.generated_t += tons
        self._append(self.origin, ready_h, tons, front=False)

    def reserve(self, tons: float, place: str | None = None) -> float:
        """Promise up to ``tons`` at ``place`` (default the origin) to an aircraft, oldest first; returns the
        hour the oldest of it was ready."""
        place = self.origin if place is None else place
        self._changed()
        lots = self._lots.get(place, deque())
        ready_h = lots[0][0] if lots else 0.0
        remaining = tons
        while remaining > _EPS and lots:
            lot = lots[0]
            take = min(lot[1], remaining)
            lot[1] -= take
            remaining -= take
            if lot[1] <= _EPS:
                lots.popleft()
        taken = tons - remaining
        self.reserved_t += taken
        self._reserved_at[place] = self._reserved_at.get(place, 0.0) + taken
        self._unassigned[place] = self._unassigned.get(place, 0.0) - taken if lots else 0.0
        return ready_h

    def unreserve(self, tons: float, ready_h: float, place: str | None = None) -> None:
        """An aircraft gave up its promise: the tons wait again at their place, at the front."""
        place = self.origin if place is None else place
        self.reserved_t -= tons
        self._reserved_at[place] -= tons
        self._append(place, ready_h, tons, front=True)

    def load(self, tons: float, place: str | None = None) -> None:
        """Reserved tons at ``place`` go aboard."""
        place = self.origin if place is None else place
        self.reserved_t -= tons
        self._reserved_at[place] -= tons
        self.in_transit_t += tons

    def unload(self, tons: float, ready_h: float, place: str) -> None:
        """Tons aboard are offloaded at ``place`` (not the destination) and wait there."""
        self.in_transit_t -= tons
        self._append(place, ready_h, tons, front=True)

    def deliver(self, tons: float) -> None:
        """Tons aboard are offloaded at the destination."""
        self.in_transit_t -= tons
        self.delivered_t += tons

    def _append(self, place: str, ready_h: float, tons: float, front: bool) -> None:
        self._changed()
        lots = self._lots.setdefault(place, deque())
        if front:
            lots.appendleft([ready_h, tons])
        else:
            lots.append([ready_h, tons])
        self._unassigned[place] = self._unassigned.get(place, 0.0) + tons
