"""The cargo ledger keeps the figures the dispatcher asks for at every dispatch (the unassigned tons, the hour the
oldest of them became ready, the places where they wait) between changes: what it answers is what the lots as
they stand give."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sim.model.cargo import CargoLedger

PLACES = ("ORIG", "STOP", "DEST")

operations = st.lists(st.tuples(st.sampled_from(("add", "reserve", "unreserve", "unload", "ask")),
                                st.floats(0.0, 60.0), st.floats(0.0, 500.0), st.sampled_from(PLACES)),
                      max_size=60)


def plain_unassigned_t(ledger: CargoLedger) -> float:
    """``unassigned_t`` summed afresh from the lots' totals."""
    return sum(ledger._unassigned.values())


def plain_places(ledger: CargoLedger) -> list[str]:
    """``places()`` found afresh: the places with lots, the origin first."""
    return sorted((p for p, lots in ledger._lots.items() if lots), key=lambda p: (p != ledger.origin, p))


def plain_oldest_ready_h(ledger: CargoLedger) -> float | None:
    """``oldest_ready_h`` found afresh from the heads of the lots."""
    heads = [lots[0][0] for lots in ledger._lots.values() if lots]
    return min(heads) if heads else None


@given(operations)
def test_the_figures_kept_between_changes_are_those_of_the_lots_as_they_stand(steps):
    ledger = CargoLedger("ORIG")
    promised: list[tuple[float, float, str]] = []  # (tons, ready h, place) reserved and not yet given back
    for kind, tons, hour, place in steps:
        if kind == "add":
            ledger.add(hour, tons)
        elif kind == "reserve":
            ready_h = ledger.reserve(tons, place)
            promised.append((tons, ready_h, place))
        elif kind == "unreserve" and promised:
            ledger.unreserve(*promised.pop())
        elif kind == "unload":
            ledger.in_transit_t += tons  # as if loaded elsewhere
            ledger.unload(tons, hour, place)
        # "ask" changes nothing: the figures read below are the ones kept since the last change
        assert ledger.unassigned_t == plain_unassigned_t(ledger)
        assert ledger.oldest_ready_h == plain_oldest_ready_h(ledger)
        assert ledger.places() == plain_places(ledger)
