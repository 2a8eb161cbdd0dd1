"""Scenario events as a tagged union: one small frozen class per kind, at hour ``at_h``.

Each kind holds, in one place, everything the project does with it:

* ``apply(model)``: what the run does when it happens (the engine then replans, sends idle aircraft
  away from airfields that became unusable, and dispatches, whatever the kind);
* ``update(conditions)``: what it changes for the closed-form planning factors and the airspace phases;
* ``describe()``: its label in tables and charts;
* ``SCENARIO_KEY`` and ``from_scenario``: the action key of a scenario event that compiles into it.

A new kind is a new class here, added to ``Event``, plus its key in the scenario schema.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from sim.geo.airspace import AirspacePolicy

if TYPE_CHECKING:
    from sim.model.ramp import Ramp


class PolicyHolder(Protocol):
    """What an airspace event needs of the trip planner (``sim.model.trips.TripPlanner``): the world builds
    on this module and the planner on the world, so the planner is seen through this view."""

    def set_policy(self, policy: AirspacePolicy) -> None: ...


class EventTarget(Protocol):
    """The running model, as much of it as an event changes."""

    open: dict[str, bool]  # airfields open for landings (not closed by an event)
    policy: AirspacePolicy  # the airspace in force for new take-offs
    ramps: dict[str, Ramp]

    @property
    def planner(self) -> PolicyHolder: ...

    def note_closure(self, ident: str, cause: str) -> None: ...

    def note_reopening(self, ident: str, cause: str) -> None: ...

    def divert_from(self, ident: str) -> None: ...


@dataclass(frozen=True)
class Conditions:
    """What the planning factors need to know of a stretch of the run: the airspace in force, the
    working MOG of each airfield and the airfields closed."""

    policy: AirspacePolicy
    mogs: Mapping[str, int]
    closed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CloseAirfield:
    """The airfield closes: aircraft bound for it divert, none lands or loads there."""

    SCENARIO_KEY: ClassVar[str] = "close"
    at_h: float
    airfield: str

    @classmethod
    def from_scenario(cls, at_h: float, value: Any) -> CloseAirfield:
        return cls(at_h, value)

    def apply(self, model: EventTarget) -> None:
        model.open[self.airfield] = False
        model.note_closure(self.airfield, "closed")
        model.divert_from(self.airfield)

    def update(self, conditions: Conditions) -> Conditions:
        return dataclasses.replace(conditions, closed=conditions.closed | {self.airfield})

    def describe(self) -> str:
        return f"close {self.airfield}"


@dataclass(frozen=True)
class ReopenAirfield:
    """A closed airfield opens again."""

    SCENARIO_KEY: ClassVar[str] = "reopen"
    at_h: float
    airfield: str

    @classmethod
    def from_scenario(cls, at_h: float, value: Any) -> ReopenAirfield:
        return cls(at_h, value)

    def apply(self, model: EventTarget) -> None:
        model.open[self.airfield] = True
        model.note_reopening(self.airfield, "closed")

    def update(self, conditions: Conditions) -> Conditions:
        return dataclasses.replace(conditions, closed=conditions.closed - {self.airfield})

    def describe(self) -> str:
        return f"reopen {self.airfield}"


@dataclass(frozen=True)
class SetMog:
    """New working MOGs; aircraft already on a spot keep it."""

    SCENARIO_KEY: ClassVar[str] = "mog"
    at_h: float
    mog: tuple[tuple[str, int], ...]  # (airfield, spots), in the scenario's order

    @classmethod
    def from_scenario(cls, at_h: float, value: Any) -> SetMog:
        return cls(at_h, tuple(value.items()))

    def apply(self, model: EventTarget) -> None:
        for ident, mog in self.mog:
            model.ramps[ident].set_capacity(mog)

    def update(self, conditions: Conditions) -> Conditions:
        return dataclasses.replace(conditions, mogs={**conditions.mogs, **dict(self.mog)})

    def describe(self) -> str:
        return "MOG " + ", ".join(f"{k}={v}" for k, v in self.mog)


@dataclass(frozen=True)
class CloseAirspace:
    """Countries close to every flight."""

    SCENARIO_KEY: ClassVar[str] = "close_airspace"
    at_h: float
    countries: tuple[str, ...]

    @classmethod
    def from_scenario(cls, at_h: float, value: Any) -> CloseAirspace:
        return cls(at_h, tuple(value))

    def apply(self, model: EventTarget) -> None:
        # Aircraft already airborne keep the clearance they took off with.
        model.policy = model.policy.closing(list(self.countries))
        model.planner.set_policy(model.policy)

    def update(self, conditions: Conditions) -> Conditions:
        return dataclasses.replace(conditions, policy=conditions.policy.closing(list(self.countries)))

    def describe(self) -> str:
        return "close airspace " + ",".join(self.countries)


@dataclass(frozen=True)
class OpenAirspace:
    """Countries open to every flight, their flight rules included."""

    SCENARIO_KEY: ClassVar[str] = "open_airspace"
    at_h: float
    countries: tuple[str, ...]

    @classmethod
    def from_scenario(cls, at_h: float, value: Any) -> OpenAirspace:
        return cls(at_h, tuple(value))

    def apply(self, model: EventTarget) -> None:
        # Aircraft already airborne keep the clearance they took off with.
        model.policy = model.policy.opening(list(self.countries))
        model.planner.set_policy(model.policy)

    def update(self, conditions: Conditions) -> Conditions:
        return dataclasses.replace(conditions, policy=conditions.policy.opening(list(self.countries)))

    def describe(self) -> str:
        return "open airspace " + ",".join(self.countries)


Event = CloseAirfield | ReopenAirfield | SetMog | CloseAirspace | OpenAirspace

# Scenario action key -> the kind it compiles into.
KINDS: dict[str, type[Event]] = {kind.SCENARIO_KEY: kind for kind in typing.get_args(Event)}


def from_scenario(at_h: float, action: str, value: Any) -> Event:
    """The runtime event of a scenario event whose one action is ``action: value``, at ``at_h``."""
    return KINDS[action].from_scenario(at_h, value)
