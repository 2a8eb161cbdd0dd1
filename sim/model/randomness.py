"""Random draws of one replication.

Replication r of a scenario with seed s draws from ``SeedSequence(s, spawn_key=(r, subsystem, key))``:
one stream per subsystem (mission capability, breaks, repairs, ground times, outages) and per aircraft
or airfield. Draws therefore do not depend on worker count, completion order, or on how many other
aircraft a sweep point has, so sweep points share random numbers (common random numbers).
A World without a stochastic spec gets ``Randomness(None)``, which draws nothing.

Each stream draws a block of values at a time (numpy's generators give the same sequence drawn in blocks as
drawn one by one), which costs far less per draw than asking numpy for one value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.model.specs import StochasticSpec

MISSION_CAPABLE, BREAKS, REPAIRS, GROUND, OUTAGES = range(5)


class Draws:
    """Draws of one distribution from one generator, made in blocks: 8 values first, then twice as many each
    time up to 256 (a stream drawn a few times a run draws little ahead)."""

    def __init__(self, draw: Callable[[int], np.ndarray]):
        self._draw = draw  # n -> n values
        self._values: list[float] = []
        self._next = 0
        self._block = 8

    def __call__(self) -> float:
        if self._next == len(self._values):
            self._values, self._next = self._draw(self._block).tolist(), 0
            self._block = min(2 * self._block, 256)
        value = self._values[self._next]
        self._next += 1
        return value


@dataclass
class Randomness:
    """Streams of one replication; ``spec`` None means deterministic (no draws at all)."""

    spec: StochasticSpec | None
    seed: int = 0
    replication: int = 0
    _streams: dict[tuple[int, object], np.random.Generator] = field(default_factory=dict, repr=False)
    _draws: dict[tuple[int, object], Draws] = field(default_factory=dict, repr=False)

    def stream(self, subsystem: int, key: object) -> np.random.Generator:
        """The generator of one subsystem for one aircraft or airfield key."""
        if (subsystem, key) not in self._streams:
            words = [int(x) for x in (key if isinstance(key, tuple) else (key,))]
            sequence = np.random.SeedSequence(self.seed, spawn_key=(self.replication, subsystem, *words))
            self._streams[(subsystem, key)] = np.random.Generator(np.random.PCG64(sequence))  # default_rng's, quicker
        return self._streams[(subsystem, key)]

    def uniform(self, subsystem: int, key: object) -> float:
        """The next uniform draw in [0, 1) of one subsystem's stream for one aircraft or airfield key."""
        return self._uniform_draws(subsystem, key)()

    def _uniform_draws(self, subsystem: int, key: object) -> Draws:
        """The uniform draws of one subsystem's stream for one key (its generator made at the first draw)."""
        draws = self._draws.get((subsystem, key))
        if draws is None:
            draws = self._draws[(subsystem, key)] = Draws(lambda n: self.stream(subsystem, key).random(n))
        return draws

    def _gamma(self, subsystem: int, key: object, mean: float, cv: float) -> float:
        """The next ``gamma(mean, cv)`` draw of a stream that draws only that distribution."""
        if cv <= 0:
            return mean
        return self._gamma_draws(subsystem, key, mean, cv)()

    def _gamma_draws(self, subsystem: int, key: object, mean: float, cv: float) -> Draws:
        """The ``gamma(mean, cv)`` draws (cv > 0) of a stream that draws only that distribution."""
        draws = self._draws.get((subsystem, key))
        if draws is None:
            shape = 1.0 / (cv * cv)
            draws = self._draws[(subsystem, key)] = Draws(
                lambda n: self.stream(subsystem, key).gamma(shape, mean / shape, n))
        return draws

    def ground_factors(self, aircraft: tuple[int, int]) -> Callable[[], float]:
        """Multipliers (mean 1) of one aircraft's ground turns (onload/offload/refuel time), one a call: a
        function of nothing, its stream found once."""
        if self.spec is None or self.spec.ground_time_cv <= 0:
            return _one
        return self._gamma_draws(GROUND, aircraft, 1.0, self.spec.ground_time_cv)

    def breakage(self, aircraft: tuple[int, int]) -> Callable[[], bool]:
        """Does the leg just flown end with the aircraft broken? One answer a call, for one aircraft: a function
        of nothing, its stream found once."""
        if self.spec is None or self.spec.break_per_sortie <= 0:
            return _never
        draws, chance = self._uniform_draws(BREAKS, aircraft), self.spec.break_per_sortie
        return lambda: draws() < chance

    @property
    def active(self) -> bool:
        return self.spec is not None

    def starts_capable(self, aircraft: tuple[int, int]) -> bool:
        """Is this aircraft mission capable at the start?"""
        if self.spec is None or self.spec.mission_capable >= 1.0:
            return True
        return bool(self.stream(MISSION_CAPABLE, aircraft).random() < self.spec.mission_capable)

    def repair_h(self, aircraft: tuple[int, int], away: bool) -> float:
        """Repair time (h); longer away from a maintenance airfield."""
        assert self.spec is not None
        d = self.spec.repair_h
        return self._gamma(REPAIRS, aircraft, d.mean, d.cv) * (self.spec.repair_away_factor if away else 1.0)

    def outage(self, airfield_index: int) -> bool:
        """Is the airfield out of use on the day now starting?"""
        if self.spec is None or self.spec.outages is None:
            return False
        return self.uniform(OUTAGES, airfield_index) < self.spec.outages.probability_per_day


def _one() -> float:
    return 1.0


def _never() -> bool:
    return False
