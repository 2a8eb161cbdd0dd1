"""History matching, predicted out of sample: keep the inputs consistent with one observed window, then
predict a window not used, and say whether the prediction holds.

1. **Sample** the uncertain inputs (``sim.scenario.uncertain.Input``: scenario paths with ranges or
   choices, as an uncertainty study declares them) jointly, by the study's Latin hypercube
   (``sim.experiments.uncertainty.unit_samples``, ``scipy.stats.qmc``); each point is the scenario with
   those values, run ``replications`` times on the sweep executors (serial, processes, Dask), with common
   random numbers (replication r draws the same streams at every point).
2. **Count** each run's cargo flights per route and window, as the sources report them: by the origin's
   country (reports say "from Moscow or Minsk") and the destination airfield, dated by the departure from
   the origin (a trip with a fuel stop counts once).
3. **Match** on the first window: the implausibility of a point x against an observed count z is
   ``|E[f(x)] - z| / sqrt(Var_obs + Var_model + Var_disc)`` (Craig et al. 1997; Vernon et al. 2010) and a
   point is kept when its largest implausibility over the routes is at most 3. Counts reported as minimums
   ("at least three flights", the default) rule out only points that fly *fewer*: the implausibility of a
   point flying more is 0.
4. **Predict** the second window from the kept points: the 10-90 % range of each route's count and of the
   total, against what was observed. A minimum observed inside or below the predicted range is consistent;
   a range wholly below it is a **miss**: the model flies fewer flights than were seen.

Var_obs = z (a Poisson count); Var_model = the variance of the count over a point's replications;
Var_disc = (0.1 z)^2 + 1 (the model's discrepancy: 10 % of the count and one flight, an assumption).
Pure, but for ``read_observation_file`` (the file edge); the executor runs the points.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments.execution import executor, run_tasks
from sim.experiments.replications import Task, run_task
from sim.experiments.uncertainty import checked, sampled_values, study_data, unit_samples
from sim.scenario.schema import Scenario
from sim.scenario.uncertain import Input, catalogue_inputs, declared_input, declared_inputs

CUTOFF = 3.0  # implausibility above which a point is ruled out (Pukelsheim's three-sigma rule)
DISCREPANCY_SHARE = 0.1
QUANTILES = (0.1, 0.5, 0.9)
# The numbers a December 2024 scenario leaves most uncertain (shared/reference/uncertainty.md section 1):
# by default their catalogue ranges (sim.scenario.uncertain.catalogue_inputs) for the types flown and the
# airfields used, when the scenario has no uncertainty: block.
HISTORY_FIELDS = ("crews_per_aircraft", "crew_flight_h_per_30d", "onload_h", "offload_h", "parking_mog")
# A choice no catalogue range holds: whether al-Khadim sells fuel (declared where the scenario uses HL59).
DEFAULT_CHOICES: dict[str, list[Any]] = {"airfields.HL59.fuel": [False, True]}
DEMAND_RANGE = (0.5, 2.0)  # each requirement's tons_per_day or tons, times its scenario value: sized to the reports


@dataclass(frozen=True)
class Observation:
    """One reported flight."""

    day: date
    type: str
    origin: str
    destination: str
    source: str = ""


@dataclass
class HistoryMatch:
    """The answer of :func:`history_match`; ``to_dict`` is what ``airlift history --json`` prints."""

    scenario: str
    counts: str  # "minimum" or "exact"
    split: date
    windows: dict[str, tuple[str, str]]  # "match" and "predict": first and last day (ISO dates)
    inputs: list[Input]
    samples: list[dict[str, Any]]  # per point: its input values, implausibility, kept
    match: list[dict[str, Any]]  # per route: observed in the first window, simulated range over all points
    predictions: list[dict[str, Any]]  # per route and the total: observed, predicted range, verdict
    ignored: list[dict[str, Any]] = field(default_factory=list)  # observations outside the run or its routes

    def rows(self) -> list[dict[str, Any]]:
        """history.csv: one row per sampled point: its inputs, implausibility, kept, and its mean flights
        per route in each window (``"match: BLR -> HLLB"``, ``"predict: BLR -> HLLB"``)."""
        return [{"point": k, **s["inputs"], "implausibility": s["implausibility"], "kept": s["kept"],
                 **{f"{w}: {r}": n for w, counts in s["flights"].items() for r, n in counts.items()}}
                for k, s in enumerate(self.samples)]

    @property
    def kept(self) -> int:
        return sum(1 for s in self.samples if s["kept"])

    def to_dict(self) -> dict[str, Any]:
        kept = [s for s in self.samples if s["kept"]]
        return {
            "scenario": self.scenario, "counts": self.counts, "split": self.split.isoformat(),
            "windows": {k: list(v) for k, v in self.windows.items()}, "samples": len(self.samples),
            "kept": self.kept, "cutoff": CUTOFF,
            "inputs": [_input_record(i, kept) for i in self.inputs],
            "match": self.match, "predictions": self.predictions, "ignored": self.ignored,
            "points": self.samples,
        }


def _input_record(spec: Input, kept: list[dict[str, Any]]) -> dict[str, Any]:
    """An input's range (or choices), grade and source, and the values of the points kept."""
    values = [s["inputs"][spec.path] for s in kept]
    record: dict[str, Any] = {"path": spec.path, "range": list(spec.choices) if spec.kind == "choice" else
                              [spec.low, spec.high], "grade": spec.grade, "source": spec.source}
    if spec.kind == "choice":
        record["kept_values"] = {str(k): v for k, v in Counter(map(str, values)).items()}
    elif values:
        record["kept_low"], record["kept_high"] = float(min(values)), float(max(values))
    return record


def read_observation_file(path: Path, scenario: Scenario) -> list[Observation]:
    """Observations from a CSV file (header date,type,origin,destination[,source]): the file edge of this
    module. Raises FlightsError with one problem per bad cell (an airfield neither the catalogue nor the
    scenario knows, a date not YYYY-MM-DD)."""
    import csv

    from sim.data import catalog
    from sim.errors import Problem
    from sim.experiments.estimate import COLUMNS, FlightsError

    name = str(path)
    try:
        rows = list(csv.reader(Path(path).read_text(encoding="utf-8").splitlines()))
    except OSError as exc:
        raise FlightsError([Problem(name, 0, 0, "", f"cannot read the file: {exc.strerror}")]) from None
    if not rows or [c.strip() for c in rows[0][:4]] != list(COLUMNS):
        raise FlightsError([Problem(name, 1, 1, "", f"expected the header {','.join(COLUMNS)}[,source]")])
    header = [c.strip() for c in rows[0]]
    known = set(catalog.known_idents()) | set(scenario.airfields or {})
    out, problems = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(header, (c.strip() for c in row), strict=False))
        bad = [Problem(name, line, 0, key, f"unknown airfield {record.get(key)!r}")
               for key in ("origin", "destination") if record.get(key) not in known]
        try:
            day = date.fromisoformat(record.get("date", ""))
        except ValueError:
            bad.append(Problem(name, line, 0, "date", f"expected YYYY-MM-DD (got {record.get('date')!r})"))
        problems += bad
        if not bad:
            out.append(Observation(day, record.get("type", ""), record["origin"], record["destination"],
                                   record.get("source", "")))
    if problems:
        raise FlightsError(problems)
    return out


def default_inputs(scenario: Scenario) -> list[Input]:
    """The scenario's uncertainty: block; without one, the catalogue ranges of HISTORY_FIELDS the scenario
    uses, DEFAULT_CHOICES of the airfields its requirements name, and each requirement's tons_per_day (a
    flow) or tons (a lump) over DEMAND_RANGE times its value."""
    declared = declared_inputs(scenario)
    if declared:
        return declared
    data = study_data(scenario)
    out = [i for i in catalogue_inputs(scenario) if i.path.rsplit(".", 1)[-1] in HISTORY_FIELDS]
    places = {x for r in scenario.requirements for x in (r.from_, r.to)}
    out += [declared_input(scenario, data, path, spec, "history default")
            for path, spec in DEFAULT_CHOICES.items() if path.split(".")[1] in places]
    for k, req in enumerate(data["requirements"]):
        for key in ("tons_per_day", "tons"):
            if req.get(key):
                value = float(req[key])
                out.append(declared_input(scenario, data, f"requirements[{k}].{key}",
                                          [DEMAND_RANGE[0] * value, DEMAND_RANGE[1] * value],
                                          f"history default: x{DEMAND_RANGE[0]:g}-{DEMAND_RANGE[1]:g} the scenario's"))
    return out


def sample_points(inputs: Sequence[Input], samples: int, seed: int) -> list[dict[str, Any]]:
    """``samples`` Latin-hypercube points over the inputs, ``{path: value}`` (an uncertainty study's
    sampling: scrambled, seeded, the same every time); one empty point without inputs."""
    if not inputs:
        return [{}]
    return sampled_values(list(inputs), unit_samples("lhs", len(inputs), samples, seed))


# --- counting flights --------------------------------------------------------------------------------


class Places:
    """Where a flight is counted: the origin by its country, the destination by its airfield."""

    def __init__(self, scenario: Scenario) -> None:
        from sim.scenario.compile import build_world

        self._airfields = build_world(scenario).airfields
        self._countries: dict[str, str] = {}

    def country(self, ident: str) -> str:
        if ident not in self._countries:
            from sim.data import catalog

            found = self._airfields.get(ident)
            try:
                self._countries[ident] = found.country if found is not None else catalog.airfield(ident).country
            except KeyError:
                self._countries[ident] = ident
        return self._countries[ident]

    def route(self, origin: str, destination: str) -> str:
        return f"{self.country(origin)} -> {destination}"


def trips(legs: Mapping[str, Sequence[Any]]) -> list[tuple[float, str, str]]:
    """(departure hour from the origin, origin, destination) of each cargo trip in a run's legs: a leg into
    a fuel stop and the leg on from it are one trip."""
    order = sorted(range(len(legs["aircraft"])), key=lambda k: (legs["aircraft"][k], legs["depart_h"][k]))
    pending: dict[str, tuple[str, float]] = {}
    out = []
    for k in order:
        aircraft = legs["aircraft"][k]
        if legs["purpose"][k] != "cargo":
            pending.pop(aircraft, None)
            continue
        origin, depart = pending.pop(aircraft, (legs["origin"][k], legs["depart_h"][k]))
        if legs["fuel_stop"][k]:
            pending[aircraft] = (origin, depart)
            continue
        out.append((depart, origin, legs["destination"][k]))
    return out


def count_trips(legs: Mapping[str, Sequence[Any]], places: Places, start: date, windows: Mapping[str, tuple[date, date]],
                routes: Sequence[str]) -> dict[str, dict[str, int]]:
    """Cargo trips per window and route (departure day within the window's first and last day)."""
    out = {w: dict.fromkeys(routes, 0) for w in windows}
    for depart_h, origin, destination in trips(legs):
        day = start + timedelta(days=math.floor(depart_h / 24.0 + 1e-12))
        route = places.route(origin, destination)
        for name, (first, last) in windows.items():
            if first <= day <= last and route in out[name]:
                out[name][route] += 1
    return out


# --- matching ----------------------------------------------------------------------------------------


def implausibility(observed: float, simulated: Sequence[float] | np.ndarray, counts: str = "minimum") -> float:
    """|E[f] - z| / sqrt(Var_obs + Var_model + Var_disc) of one count; for a minimum (``counts="minimum"``)
    only a shortfall counts."""
    x = np.asarray(simulated, dtype=float)
    mean = float(x.mean())
    var_model = float(x.var(ddof=1)) if len(x) > 1 else 0.0
    var_obs = max(observed, 1.0)
    var_disc = (DISCREPANCY_SHARE * observed) ** 2 + 1.0
    gap = max(0.0, observed - mean) if counts == "minimum" else abs(observed - mean)
    return gap / math.sqrt(var_obs + var_model + var_disc)


def _quantiles(values: Sequence[float]) -> dict[str, float]:
    q = np.quantile(np.asarray(values, dtype=float), QUANTILES)
    return {"p10": float(q[0]), "p50": float(q[1]), "p90": float(q[2])}


def _prediction(route: str, observed: int, values: Sequence[float], counts: str) -> dict[str, Any]:
    """One predicted count against the observation: its range over the kept runs and the verdict (hit
    when the observation is plausible for the kept ensemble, implausibility <= 3; else miss)."""
    score = implausibility(observed, values, counts)
    share = float(np.mean(np.asarray(values) >= observed))
    verdict = "hit" if score <= CUTOFF else "miss"
    mean = float(np.mean(values))
    if verdict == "miss":
        why = "fewer flights than were seen" if mean < observed else "more flights than were seen"
    else:
        why = "the observation lies within what the kept inputs predict"
    return {"route": route, "observed": observed, **_quantiles(values), "mean": mean,
            "p_at_least_observed": share, "implausibility": score, "verdict": verdict, "reason": why}


def windows_for(scenario: Scenario, observations: Sequence[Observation], places: Places, split: date | None
                ) -> tuple[dict[str, tuple[date, date]], date, list[str], list[dict[str, Any]]]:
    """The match and predict windows, the split, the routes compared and the observations left out (before
    or after the run, or on a route no requirement of the scenario flies)."""
    start = scenario.start_date
    end = start + timedelta(days=scenario.days - 1)
    modelled = {places.route(r.from_, r.to) for r in scenario.requirements}
    used, ignored = [], []
    for o in observations:
        route = places.route(o.origin, o.destination)
        if not start <= o.day <= end:
            ignored.append({"date": o.day.isoformat(), "route": route, "reason": "outside the run's days"})
        elif route not in modelled:
            ignored.append({"date": o.day.isoformat(), "route": route, "reason": "no requirement flies this route"})
        else:
            used.append(o)
    if not used:
        raise ValueError("no observation falls on a route the scenario flies within its days")
    days = sorted(o.day for o in used)
    split = split or days[len(days) // 2]
    if not start < split <= days[-1]:
        raise ValueError(f"--split {split.isoformat()}: expected a date after the run's first day "
                         f"({start.isoformat()}) and at most the last observation's ({days[-1].isoformat()})")
    windows = {"match": (start, split - timedelta(days=1)), "predict": (split, days[-1])}
    routes = sorted({places.route(o.origin, o.destination) for o in used})
    return windows, split, routes, ignored


def observed_counts(observations: Sequence[Observation], places: Places, windows: Mapping[str, tuple[date, date]],
                    routes: Sequence[str]) -> dict[str, dict[str, int]]:
    """Observed flights per window and route."""
    out = {w: dict.fromkeys(routes, 0) for w in windows}
    for o in observations:
        route = places.route(o.origin, o.destination)
        for name, (first, last) in windows.items():
            if first <= o.day <= last and route in out[name]:
                out[name][route] += 1
    return out


def history_match(scenario: Scenario, observations: Sequence[Observation], *, split: date | None = None,
                  samples: int = 64, replications: int | None = None,
                  inputs: Mapping[str, Sequence[Any]] | Sequence[Input] | None = None,
                  counts: str = "minimum", seed: int = 0, workers: int | None = None, dask: str | None = None,
                  on_result: Callable[[int, Any], None] | None = None) -> HistoryMatch:
    """Sample the ``inputs`` (``sim.scenario.uncertain.Input``, or ``{PATH: [LOW, HIGH] or [CHOICE, ...]}``
    as an uncertainty: block takes them; default: :func:`default_inputs`), keep the points whose flights in the first
    window are plausible against the observations, and predict the second window from them.

    ``split``: the first day of the predicted window (default: the date that halves the observations
    used). ``counts``: "minimum" (reported as "at least", the default) or "exact". Each point runs
    ``replications`` times (default: the scenario's, 1 when deterministic) on the sweep executors.
    Raises OverrideError for an input path the scenario does not have, ValueError for observations the
    scenario cannot be compared with.
    """
    if counts not in ("minimum", "exact"):
        raise ValueError(f"counts: expected 'minimum' or 'exact' (got {counts!r})")
    if isinstance(inputs, Mapping):
        as_data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
        inputs = [declared_input(scenario, as_data, path, list(spec), "--range") for path, spec in inputs.items()]
    inputs = list(inputs) if inputs is not None else default_inputs(scenario)
    places = Places(scenario)
    windows, split, routes, ignored = windows_for(scenario, observations, places, split)
    observed = observed_counts(observations, places, windows, routes)
    count = replications or (scenario.stochastic.replications if scenario.stochastic else 1)
    points = sample_points(inputs, samples, seed)
    base = study_data(scenario)
    data = [checked(base, values) for values in points]  # each validated: OverrideError names a bad value
    tasks = [Task(d, r, point=i, trace=True) for i, d in enumerate(data) for r in range(count)]
    with executor(1 if len(tasks) == 1 else workers, dask) as pool:
        records = run_tasks(pool, run_task, tasks, on_result=on_result)
    simulated: list[list[dict[str, dict[str, int]]]] = [[] for _ in points]  # point -> replications -> counts
    for record in records:
        legs = record["trace"].legs
        simulated[record["point"]].append(count_trips(legs, places, scenario.start_date, windows, routes))
    return _assemble(scenario, counts, split, windows, inputs, points, simulated, observed, routes, ignored)


def _assemble(scenario: Scenario, counts: str, split: date, windows: Mapping[str, tuple[date, date]],
              inputs: list[Input], points: list[dict[str, Any]], simulated: list[list[dict[str, dict[str, int]]]],
              observed: dict[str, dict[str, int]], routes: list[str], ignored: list[dict[str, Any]]) -> HistoryMatch:
    """Implausibility of every point on the match window; predictions of the kept points."""
    samples = []
    for values, runs in zip(points, simulated, strict=True):
        scores = {r: implausibility(observed["match"][r], [c["match"][r] for c in runs], counts) for r in routes}
        worst = max(scores.values())
        means = {w: {r: float(np.mean([c[w][r] for c in runs])) for r in routes} for w in ("match", "predict")}
        samples.append({"inputs": values, "implausibility": worst, "by_route": scores, "kept": worst <= CUTOFF,
                        "flights": means})
    kept = [i for i, s in enumerate(samples) if s["kept"]] or list(range(len(samples)))
    match = []
    for r in routes:
        everywhere = [c["match"][r] for runs in simulated for c in runs]
        match.append({"route": r, "observed": observed["match"][r], "all_points": _quantiles(everywhere),
                      "kept_points": _quantiles([c["match"][r] for i in kept for c in simulated[i]])})
    predictions = [_prediction(r, observed["predict"][r], [c["predict"][r] for i in kept for c in simulated[i]], counts)
                   for r in routes]
    totals = [sum(c["predict"].values()) for i in kept for c in simulated[i]]
    predictions.append(_prediction("all routes", sum(observed["predict"].values()), totals, counts))
    iso = {k: (a.isoformat(), b.isoformat()) for k, (a, b) in windows.items()}
    return HistoryMatch(scenario.name, counts, split, iso, inputs, samples, match, predictions, ignored)
