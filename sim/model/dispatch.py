"""The dispatch rule, stated once.

Requirements are served by priority (higher first), then in order of their oldest waiting ton (first
come, first served); ties go to the biggest unassigned backlog, then to scenario order. Each requirement
in turn gets the idle aircraft, of the types it allows, that can start loading soonest (shortest
repositioning trip; ties to the lowest aircraft number).
"""

from __future__ import annotations

from sim.model.cargo import CargoLedger


def requirement_priority(index: int, ledger: CargoLedger, priority: int = 0) -> tuple[int, float, float, int]:
    """Sort key: smaller is served first."""
    oldest = ledger.oldest_ready_h
    return (-priority, oldest if oldest is not None else float("inf"), -ledger.unassigned_t, index)
