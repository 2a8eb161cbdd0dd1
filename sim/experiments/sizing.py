"""Sizing: the smallest value of an integer scenario path (a fleet count) that closes by a given day.

``size(scenario, "fleet[1].count", close_by_day=44, confidence=0.9)`` searches the values for the
smallest one whose probability of closing by the end of ``close_by_day`` (every requested ton
delivered) is at least ``confidence``; a deterministic scenario closes or does not (probability 1 or 0).
The search assumes that more of the varied thing never makes closure less likely, and evaluates as few
values as it can: it starts at the scenario's own value, steps down (or up) by 1, 2, 4, ... until the
answer changes, then bisects. Every value runs the same replications 0..N-1, so values share random
numbers (a fleet entry's aircraft keep their random streams when aircraft are added), and the
probabilities of two values differ by the fleet, not by the draws. Pure: the executor is passed in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from sim.errors import OverrideError
from sim.experiments import replications as experiments
from sim.experiments.execution import SerialExecutor, run_tasks
from sim.experiments.sweeps import sweep_points
from sim.results.statistics import Z95, verdict, wilson_interval
from sim.scenario.overrides import PATH_TOKEN, describe_path
from sim.scenario.schema import Scenario

DEFAULT_CONFIDENCE = 0.9


class SizingError(ValueError):
    """A sizing request that cannot be answered as asked; the message says why."""


@dataclass(frozen=True)
class SizingPoint:
    """One evaluated value: its replications' closure by the day, and mean outcomes."""

    value: int
    p_close: float
    p_close_ci95: tuple[float, float]
    replications: int
    closed_by_day: int  # replications that closed by close_by_day
    closure_day_median: int | None  # the first day by which at least half the replications had closed
    delivered_t: float
    in_transit_t: float
    backlog_t: float
    mean_daily_t: float


@dataclass(frozen=True)
class SizingResult:
    """The answer of :func:`size`. ``value`` is None when no value up to ``highest`` closes in time."""

    path: str
    label: str  # the path in words, e.g. "Il-76MD aircraft at UUMU"
    close_by_day: int
    confidence: float
    stochastic: bool
    lowest: int
    highest: int
    value: int | None
    evaluated: list[SizingPoint]  # in the order they were run
    limits_at_highest: list[dict[str, Any]] = field(default_factory=list)  # when value is None: what binds

    def point(self, value: int | None) -> SizingPoint | None:
        """The evaluated point of ``value``, if it was evaluated."""
        return next((p for p in self.evaluated if p.value == value), None)

    @property
    def answer(self) -> SizingPoint | None:
        return self.point(self.value)

    @property
    def declines(self) -> list[tuple[SizingPoint, SizingPoint]]:
        """Pairs (lower value, higher value) where the higher closes less: its 95 % interval of P lies wholly
        below that of a lower value run (the one whose interval's low end is highest). The search assumes
        there are none; where there are, it may have stepped over a value that closes. (Deterministic, the
        search runs every failing value below every closing one, so no decline can show.)"""
        out: list[tuple[SizingPoint, SizingPoint]] = []
        if not self.stochastic:
            return out
        best: SizingPoint | None = None
        for point in sorted(self.evaluated, key=lambda p: p.value):
            if best is not None and point.p_close_ci95[1] < best.p_close_ci95[0]:
                out.append((best, point))
            if best is None or point.p_close_ci95[0] > best.p_close_ci95[0]:
                best = point
        return out

    @property
    def below(self) -> SizingPoint | None:
        """The value one below the answer (evaluated unless the answer is the lowest allowed)."""
        return None if self.value is None else self.point(self.value - 1)

    @property
    def verdict(self) -> str:
        """"met" when the answer's 95 % interval of P lies at or above the confidence asked, "borderline"
        when it straddles it (the answer closes often enough in these replications, but so few that the
        true P may be below the target; or no value closes often enough, yet the highest might), "not met"
        when no value closes. A deterministic scenario is met or not met."""
        if not self.stochastic:
            return "met" if self.value is not None else "not met"
        point = self.answer or self.point(self.highest)
        if point is None:
            return "not met"
        return verdict(point.p_close_ci95, self.confidence)

    @property
    def replications_to_tell(self) -> int:
        """The fewest replications in which every one closing gives a 95 % interval of P wholly at or above
        the confidence asked: fewer can never show "met" (20 at P >= 0.9 cannot; 35 can)."""
        c = min(self.confidence, 1 - 1e-9)
        return math.ceil(c * Z95 * Z95 / (1 - c) - 1e-9)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: path, value, verdict, p_close, p_close_ci95, evaluated (sorted by value) and the rest."""
        best = self.answer
        return {
            "path": self.path, "label": self.label, "value": self.value, "verdict": self.verdict,
            "replications_to_tell": self.replications_to_tell if self.stochastic else None,
            "p_close": None if best is None else best.p_close,
            "p_close_ci95": None if best is None else list(best.p_close_ci95),
            "close_by_day": self.close_by_day, "confidence": self.confidence, "stochastic": self.stochastic,
            "lowest": self.lowest, "highest": self.highest,
            "evaluated": [{**asdict(p), "p_close_ci95": list(p.p_close_ci95)}
                          for p in sorted(self.evaluated, key=lambda p: p.value)],
            "evaluation_order": [p.value for p in self.evaluated],
            "limits_at_highest": self.limits_at_highest,
            "declines": [{"from_value": low.value, "to_value": high.value, "p_close_from": low.p_close,
                          "p_close_to": high.p_close} for low, high in self.declines],
        }


def path_value(scenario: Scenario, path: str) -> Any:
    """The value at a scenario path such as ``fleet[1].count`` (SizingError if there is none)."""
    node: Any = scenario.model_dump(mode="json", by_alias=True)
    for name, index in PATH_TOKEN.findall(path):
        key: Any = name if name else int(index)
        if isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node):
            node = node[key]
        elif isinstance(key, str) and isinstance(node, dict) and key in node:
            node = node[key]
        else:
            raise SizingError(f"--vary {path!r}: the scenario has no such value")
    return node


def evaluate(scenario: Scenario, path: str, value: int, close_by_day: int, replications: int,
             pool: Executor) -> SizingPoint:
    """Run replications 0..N-1 of the scenario with ``value`` at ``path``; P(closed by the end of the day)."""
    try:
        (point,) = sweep_points(scenario, {path: [value]})
    except OverrideError as exc:
        raise SizingError(str(exc)) from None
    tasks = [experiments.Task(point.scenario, r, point=value) for r in range(replications)]
    records = run_tasks(pool, experiments.run_task, tasks)
    closure = [r["closure_day"] for r in records]
    closed = sum(1 for d in closure if d is not None and d <= close_by_day)
    n = len(records)
    stochastic = scenario.stochastic is not None
    p = closed / n
    median = experiments.closure_quantile(closure, 0.5)
    return SizingPoint(
        value=value, p_close=p, p_close_ci95=wilson_interval(closed, n) if stochastic else (p, p),
        replications=n, closed_by_day=closed, closure_day_median=median,
        **{key: float(np.mean([r[key] for r in records])) for key in ("delivered_t", "in_transit_t", "backlog_t",
                                                                     "mean_daily_t")},
    )


def smallest_closing(closes: Callable[[int], bool], start: int, lowest: int, highest: int) -> int | None:
    """The smallest value in [lowest, highest] that closes, asking ``closes`` as few times as it can: from
    ``start``, step down (or up) by 1, 2, 4, ... until the answer changes, then bisect. None if even the
    highest fails. Assumes a larger value never closes less."""
    good: int | None
    if closes(start):  # step down 1, 2, 4, ... until a value fails or the lowest is reached
        good, bad, step = start, lowest - 1, 1
        while good > lowest:
            trial = max(good - step, lowest)
            if closes(trial):
                good, step = trial, step * 2
            else:
                bad = trial
                break
    else:  # step up 1, 2, 4, ... until a value closes or the highest fails
        good, bad, step = None, start, 1
        while bad < highest:
            trial = min(bad + step, highest)
            if closes(trial):
                good = trial
                break
            bad, step = trial, step * 2
    if good is not None:
        while good - bad > 1:  # bisect: bad fails (or is below the range), good closes
            middle = (good + bad) // 2
            if closes(middle):
                good = middle
            else:
                bad = middle
    return good


def size(
    scenario: Scenario,
    path: str,
    close_by_day: int,
    confidence: float = DEFAULT_CONFIDENCE,
    replications: int | None = None,
    lowest: int = 0,
    highest: int | None = None,
    pool: Executor | None = None,
    on_point: Callable[[SizingPoint], None] | None = None,
) -> SizingResult:
    """The smallest integer at ``path`` in [lowest, highest] for which the scenario closes by the end of day
    ``close_by_day`` (0 = the first day, as closure days are printed) with probability >= ``confidence``.

    ``replications`` defaults to the scenario's ``stochastic.replications`` (1 for a deterministic
    scenario); ``highest`` to max(4 x the scenario's value, 32). ``pool`` runs the replications of each
    value (serial by default); ``on_point`` sees each value as it is evaluated. Raises SizingError for a
    path that holds no integer, a day outside the run, or a confidence outside (0, 1].
    """
    current = path_value(scenario, path)
    if not isinstance(current, int) or isinstance(current, bool):
        raise SizingError(f"--vary {path!r}: holds {current!r}, not a whole number (vary a count)")
    if not 0 <= close_by_day <= scenario.days - 1:
        raise SizingError(f"--close-by {close_by_day}: the run has days 0 to {scenario.days - 1} "
                          f"(days: {scenario.days}); closing on day {scenario.days - 1} means by the end of the run")
    if not 0 < confidence <= 1:
        raise SizingError(f"--confidence {confidence:g}: expected a probability above 0, at most 1")
    stochastic = scenario.stochastic is not None
    if replications is not None and not stochastic and replications > 1:
        raise SizingError("--replications: the scenario has no stochastic: block, so every replication would be identical")
    count = (replications or scenario.stochastic.replications) if scenario.stochastic is not None else 1
    highest = max(4 * current, 32) if highest is None else highest
    if lowest < 0 or highest < lowest:
        raise SizingError(f"expected 0 <= lowest <= highest (got {lowest} and {highest})")
    pool = pool or SerialExecutor()
    points: dict[int, SizingPoint] = {}
    order: list[SizingPoint] = []

    def closes(value: int) -> bool:
        if value not in points:
            points[value] = evaluate(scenario, path, value, close_by_day, count, pool)
            order.append(points[value])
            if on_point is not None:
                on_point(points[value])
        return points[value].p_close >= confidence - 1e-12

    good = smallest_closing(closes, min(max(current, lowest), highest), lowest, highest)
    limits = [] if good is not None else limits_at(scenario, path, highest)
    return SizingResult(path, describe_path(scenario, path), close_by_day, confidence, stochastic, lowest, highest,
                        good, order, limits)


def limits_at(scenario: Scenario, path: str, value: int) -> list[dict[str, Any]]:
    """The closed-form binding limit of each requirement in each phase, with ``value`` at ``path``: what
    keeps the scenario from closing when more of the varied thing does not help."""
    from sim.experiments import analytic
    from sim.scenario.compile import build_world

    (point,) = sweep_points(scenario, {path: [value]})
    varied = Scenario.model_validate(point.scenario).model_copy(update={"stochastic": None})
    rows = []
    for phase in analytic.phases(build_world(varied)):
        for f in phase.requirements:
            demand = next((limit.t_per_day for limit in f.limits if limit.name == "demand"), None)
            lead = min((c.ground_on_h + c.rtft_h / 2 + c.ground_off_h for c in f.cycles), default=None)
            rows.append({"from_day": phase.from_day, "to_day": phase.to_day, "requirement": f.requirement,
                         "binding": f.binding.name, "binding_t_per_day": f.binding.t_per_day,
                         "demand_t_per_day": demand, "lead_h": lead})
    return rows
