"""Dispatch groups idle aircraft as they come and go (``IdleAircraft``): its choice of one aircraft per
interchangeable group is the plain computation over the whole idle list, at every dispatch of a run and
for any order of arrivals and departures."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
from helpers import scenario

from sim import run
from sim.model import dispatch
from sim.model.dispatch import IdleAircraft, by_flight_h, by_number, interchangeable_plain


def _aircraft(number: int, rng: random.Random) -> SimpleNamespace:
    return SimpleNamespace(number=number, type=SimpleNamespace(name=rng.choice(["Il-76MD", "An-124-100"])),
                           location=rng.choice(["ORIG", "DEST", "MID"]), fuel_state=rng.choice([None, 20.0]),
                           serves=rng.choice([None, frozenset({0})]), flight_h=rng.choice([0.0, 3.5, 7.0]))


@pytest.mark.pure_core
@pytest.mark.parametrize("seed", range(20))
def test_the_groups_kept_as_aircraft_come_and_go_are_the_plain_grouping(seed):
    rng = random.Random(seed)
    fleet = [_aircraft(n, rng) for n in range(40)]
    idle, plain = IdleAircraft(), []
    for _ in range(300):
        away = [a for a in fleet if a not in plain]
        if plain and (not away or rng.random() < 0.5):
            leaving = rng.choice(plain)
            idle.remove(leaving)
            plain.remove(leaving)
        else:
            arriving = rng.choice(away)
            idle.append(arriving)
            plain.append(arriving)
        assert list(idle) == plain
        for preference in (by_number, by_flight_h):
            assert idle.chosen(preference) == interchangeable_plain(plain, preference)


@pytest.mark.pure_core
def test_every_dispatch_of_a_run_chooses_among_the_aircraft_the_plain_computation_offers(monkeypatch):
    calls = []
    fast = IdleAircraft.chosen

    def checked(self, preference, dynamic=False):
        got = fast(self, preference, dynamic)
        assert got == interchangeable_plain(list(self), preference)
        calls.append(len(got))
        return got

    monkeypatch.setattr(IdleAircraft, "chosen", checked)
    fleet = [{"type": "Il-76MD", "count": 12, "base": "ORIG"}, {"type": "Il-76MD", "count": 3, "base": "DEST"}]
    for rule in ("first_come", "soonest_delivery"):
        run(scenario(days=3, fleet=fleet, requirements=[{"from": "ORIG", "to": "DEST", "tons_per_day": 200}],
                     dispatch={"rule": rule}))
    assert len(calls) > 50


@pytest.mark.pure_core
def test_an_idle_list_changes_only_by_append_and_remove():
    idle = IdleAircraft()
    idle.append(_aircraft(1, random.Random(0)))
    with pytest.raises(TypeError):
        idle[0] = None
    assert dispatch.interchangeable(SimpleNamespace(idle=idle), by_number) == list(idle)


def plain_choice(rule, state):  # noqa: ANN001, ANN201 - a rule and the running model
    """The rule's choice as a full scan: every (place, aircraft) job's delay or score worked out and compared,
    the first best kept (what ``choose`` did before one offer was taken unscored)."""
    scored = isinstance(rule, dispatch._Scored)
    if scored:
        candidates = dispatch.preferred(state, by_flight_h,
                                        lambda a: (round(state.crew_wait_h(a), 9), a.flight_h, a.number))
    else:
        candidates = dispatch.preferred(state, by_number, lambda a: (round(state.crew_wait_h(a), 9), a.number))
    for index in dispatch.first_come_order(state):
        best = None
        for rank, place in enumerate(state.ledgers[index].places()):
            for aircraft in candidates:
                job = state.cargo_job(aircraft, index, place)
                if job is None:
                    continue
                wait = dispatch.crew_delay_h(state, aircraft, job)
                key = ((round(rule.score(aircraft, job, wait), 9), aircraft.flight_h, aircraft.number) if scored else
                       ((job.reposition.duration_h if job.reposition else 0.0) + wait, rank, aircraft.number))
                if best is None or key < best[0]:
                    best = (key, aircraft, job)
        if best is not None:
            return dispatch.Assignment(best[1], best[2])
    return None


@pytest.mark.pure_core
@pytest.mark.parametrize("rule", ["first_come", "soonest_delivery", "most_ton_km"])
def test_every_choice_of_a_run_is_the_full_scan_s(rule, monkeypatch):
    choices = []
    for kind in (dispatch.FirstCome, dispatch._Scored):
        fast = kind.choose

        def checked(self, state, fast=fast):  # noqa: ANN001, ANN202
            got = fast(self, state)
            assert got == plain_choice(self, state)
            choices.append(got)
            return got

        monkeypatch.setattr(kind, "choose", checked)
    fleet = [{"type": "Il-76MD", "count": 6, "base": "ORIG"}, {"type": "Il-76MD", "count": 3, "base": "DEST"}]
    run(scenario(days=4, fleet=fleet, requirements=[{"from": "ORIG", "to": "DEST", "tons_per_day": 300},
                                                    {"from": "DEST", "to": "ORIG", "tons_per_day": 100}],
                 dispatch={"rule": rule}, operations={"crews": True, "parking_holds": False}))
    assert sum(c is not None for c in choices) > 20
