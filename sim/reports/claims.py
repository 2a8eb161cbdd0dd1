"""The December 2024 press claims about flying from Russia to Africa without refuelling, judged by the
reach model under both readings of "without refuelling", with their sensitivities.

* **Readings.** ``one_way``: non-stop to the destination, which refuels the aircraft (the most carried
  is sim.flight.reach.max_nonstop_payload_t). ``round_trip``: non-stop there and back to the origin
  without refuelling at the destination, payload out and empty back (round_trip_payload_t).
* **Where from.** Every Russian base of the report (Belarus is not Russia); the best base counts.
* **Where to.** The airfields of ``sim/data/presence.yaml``: Libya's, and those of every other African
  country with a Russian military presence. Countries graded ``unconfirmed`` there do not count by
  default; counting them is a sensitivity.
* **Sensitivities**, one at a time from the base (the type's catalogue range reserve, the case's
  airspace): the range reserve at each of ``RESERVES_PCT``; each unconfirmed overflight assumption of
  ``sim/data/airspace.yaml`` closed in turn (a route that does not enter that country's airspace is
  kept as it is, so only the routes through it are routed again, and only when the verdict could turn
  on them); each unconfirmed presence counted.

A verdict is ``holds``, ``fails``, or ``depends on`` the factors that change it. Pure: returns records;
the report writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sim.data import catalog, countries, presence
from sim.data.catalog import AircraftType, Airfield
from sim.flight.reach import max_nonstop_payload_t, return_route, round_trip_payload_t
from sim.geo import airspace
from sim.geo.airspace import AirspacePolicy
from sim.geo.routing import MAX_ROUTE_KM, Route

LOADED_T = 20.0  # "can be flown to" with a load worth the flight: at least this payload
EMPTY_SHARE = 0.10  # "only if empty": the best payload is under this share of the type's maximum
RESERVES_PCT = (0.0, 5.0, 10.0)
RUSSIA = "RUS"
LIBYA = "LBY"
READINGS = {
    "one_way": "one-way, refuelled at the destination",
    "round_trip": "round trip, not refuelled at the destination",
}
Best = dict[str, tuple[float, str] | None]  # country -> (most payload t, "ORIG->DEST") or None: no route
Reaches = Callable[[Sequence[str], float], bool]  # (countries, t) -> does some base get t there


class AirspaceCase(Protocol):
    """One airspace situation (sim.reports.reach_report.Case)."""

    key: str
    title: str
    policy: AirspacePolicy


# --- the claims ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """A press claim and how the model reads it."""

    key: str
    source: str
    text: str
    reading: str

    def holds(self, reaches: Reaches, kind: AircraftType, counted: Sequence[str]) -> bool:
        """Whether the claim holds, given ``reaches(countries, t)``: some Russian base gets ``t`` tons to
        one of ``countries``."""
        raise NotImplementedError

    def holds_at(self, reaches: Reaches, kind: AircraftType, counted: Sequence[str], threshold_t: float) -> bool:
        """Whether the claim holds with its own threshold set to ``threshold_t`` tons (sim.reports.claims_uncertainty)."""
        raise NotImplementedError

    def evidence(self, best: Best, kind: AircraftType, counted: Sequence[str]) -> str:
        """The numbers behind the verdict, in a few words."""
        raise NotImplementedError


class OnlyLibya(Claim):
    """The Telegraph: Libya is the only African country with a Russian military presence in reach."""

    def holds(self, reaches, kind, counted):
        return self.holds_at(reaches, kind, counted, LOADED_T)

    def holds_at(self, reaches, kind, counted, threshold_t):
        return reaches([LIBYA], threshold_t) and not reaches([c for c in counted if c != LIBYA], threshold_t)

    def evidence(self, best, kind, counted):
        libya = best.get(LIBYA)
        others = sorted(((c, *best[c]) for c in counted if c != LIBYA and best.get(c) and best[c][0] >= LOADED_T),
                        key=lambda item: -item[1])
        head = "LBY: no route" if libya is None else f"LBY {_t(libya[0])} t ({libya[1]})"
        if libya is not None and libya[0] < LOADED_T:
            head += f", under {LOADED_T:g} t"
        if others:
            return head + f"; also >= {LOADED_T:g} t: " + ", ".join(f"{c} {_t(t)} ({where.split('->')[0]})"
                                                                    for c, t, where in others)
        return head + f"; no other country >= {LOADED_T:g} t"


class OnlyEmpty(Claim):
    """Rybar: only empty aircraft fly from Russia to Libya without refuelling."""

    def holds(self, reaches, kind, counted):
        return self.holds_at(reaches, kind, counted, EMPTY_SHARE * kind.max_payload_t)

    def holds_at(self, reaches, kind, counted, threshold_t):
        return not reaches([LIBYA], threshold_t)

    def evidence(self, best, kind, counted):
        libya = best.get(LIBYA)
        if libya is None:
            return "LBY: no route"
        return f"LBY {_t(libya[0])} t ({libya[1]}); empty means under {_t(EMPTY_SHARE * kind.max_payload_t)} t"


def _t(tons: float) -> str:
    return "none" if tons < 0 else f"{tons:.1f}" if tons < 100 else f"{tons:.0f}"


CLAIMS = (
    OnlyLibya(
        "telegraph", "The Telegraph, Dec 2024",
        "Libya is the only country in Africa with a Russian military presence that can be flown to direct from "
        "Russia without refuelling.",
        f"holds when some Russian base gets at least {LOADED_T:g} t to Libya and none gets {LOADED_T:g} t to any "
        "other African country with a Russian military presence (sim/data/presence.yaml)."),
    OnlyEmpty(
        "rybar", "Rybar, 9-10 Dec 2024",
        "Cargo aircraft can fly from Russia to Libya without refuelling only if they are empty.",
        f"holds when the best payload from a Russian base to any Libyan base is under {EMPTY_SHARE:.0%} of the "
        "type's maximum payload."),
)


# --- the outcomes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One claim judged for one type, airspace case, reading and variation of the base."""

    claim: str
    case: str
    type: str
    reading: str
    reserve_pct: float
    also_closed: str  # an unconfirmed overflight closed on top of the case ("" for none)
    also_counted: str  # an unconfirmed presence counted ("" for none)
    holds: bool
    evidence: str  # the numbers, for variations whose routes are all known ("" otherwise)

    def record(self) -> dict[str, object]:
        """The row of claims.csv."""
        return {"claim": self.claim, "case": self.case, "type": self.type, "reading": self.reading,
                "reserve_pct": self.reserve_pct, "also_closed": self.also_closed, "also_counted": self.also_counted,
                "holds": self.holds, "evidence": self.evidence}


OUTCOME_COLUMNS = ["claim", "case", "type", "reading", "reserve_pct", "also_closed", "also_counted", "holds", "evidence"]


@dataclass
class _Routes:
    """Routes of one airspace case from the Russian bases to the claim airfields, and what-ifs of it."""

    case: AirspaceCase
    pairs: dict[str, list[tuple[Airfield, Airfield]]]  # country -> (origin, destination)
    route: Callable[[Airfield, Airfield, AirspacePolicy], Route] = airspace.legal_route
    base: dict[tuple[str, str], tuple[float | None, float | None]] = field(default_factory=dict)
    rerouted: int = 0  # what-if routes searched (for tests and timing)
    _lines: dict = field(default_factory=dict)
    _unchanged: dict = field(default_factory=dict)
    _exact: dict = field(default_factory=dict)  # (pair, closed) -> (out km, back km)
    _longer_than: dict = field(default_factory=dict)  # (pair, closed) -> no route up to this many km

    def __post_init__(self) -> None:
        for pairs in self.pairs.values():
            for o, d in pairs:
                out = self.route(o, d, self.case.policy)
                back = return_route(o, d, self.case.policy, out) if out.legal else out
                self.base[(o.ident, d.ident)] = (out.length_km, back.length_km)
                self._lines[(o.ident, d.ident)] = (out, back)

    def unchanged(self, o: Airfield, d: Airfield, closed: str) -> bool:
        """True when closing ``closed`` too leaves the pair's routes as they are."""
        key = (o.ident, d.ident, closed)
        if key not in self._unchanged:
            out, back = self._lines[(o.ident, d.ident)]
            nm = self.case.policy.territorial_nm
            self._unchanged[key] = not (airspace.route_enters(out, [closed], nm)
                                        or (back is not out and airspace.route_enters(back, [closed], nm)))
        return self._unchanged[key]

    def carries(self, kind: AircraftType, reading: str, o: Airfield, d: Airfield, closed: str, tons: float) -> bool:
        """Whether ``kind`` carries at least ``tons`` from o to d with ``closed`` closed on top of the case.

        A what-if route is searched only as far as the longest route that still carries ``tons``; what
        a search finds (or that nothing is that short) is kept for the next question.
        """
        pair = (o.ident, d.ident)
        if self.base[pair][0] is None:
            return False
        if not closed or self.unchanged(o, d, closed):
            return _payload(kind, reading, o, d, self.base[pair]) >= tons
        key = (pair, closed)
        if key not in self._exact:
            limit = _longest_km(kind, reading, o, d, tons, self.base[pair])
            if self._longer_than.get(key, -1.0) >= limit:
                return False
            policy = self.case.policy.closing([closed])
            out = airspace.legal_route(o, d, policy, max_km=limit)
            self.rerouted += 1
            if not out.legal:
                self._longer_than[key] = limit
                return False
            back = return_route(o, d, policy, out)
            self._exact[key] = (out.length_km, back.length_km)
        return _payload(kind, reading, o, d, self._exact[key]) >= tons


def _longest_km(kind: AircraftType, reading: str, o: Airfield, d: Airfield, tons: float,
                base: tuple[float | None, float | None]) -> float:
    """The longest route (km, the same both ways) on which ``kind`` still carries ``tons``: a bound for a
    what-if search. Unbounded (MAX_ROUTE_KM) when the case's own routes differ by direction."""
    if base[0] != base[1] and reading == "round_trip":
        return MAX_ROUTE_KM
    low, high = float(base[0]), MAX_ROUTE_KM  # type: ignore[arg-type]
    if _payload(kind, reading, o, d, (high, high)) >= tons:
        return high
    while high - low > 1.0:  # payload falls as the route grows: bisect to 1 km
        mid = (low + high) / 2.0
        if _payload(kind, reading, o, d, (mid, mid)) >= tons:
            low = mid
        else:
            high = mid
    return high


def _payload(kind: AircraftType, reading: str, o: Airfield, d: Airfield, km: tuple[float | None, float | None]) -> float:
    out_km, back_km = km
    if out_km is None:
        return float("-inf")
    if reading == "one_way":
        return max_nonstop_payload_t(kind, o, d, out_km)
    if back_km is None:
        return float("-inf")
    return round_trip_payload_t(kind, o, d, out_km, back_km)


def _best(routes: _Routes, kind: AircraftType, reading: str) -> Best:
    """Per country, the most any Russian base carries to any of its airfields, and from where to where."""
    out: Best = {}
    for country, pairs in routes.pairs.items():
        found = None
        for o, d in pairs:
            payload = _payload(kind, reading, o, d, routes.base[(o.ident, d.ident)])
            if routes.base[(o.ident, d.ident)][0] is not None and (found is None or payload > found[0]):
                found = (payload, f"{o.ident}->{d.ident}")
        out[country] = found
    return out


def _lazy_reaches(routes: _Routes, kind: AircraftType, reading: str, closed: str) -> Reaches:
    """reaches(countries, t) with ``closed`` closed on top of the case, routing again only the routes that
    cross it and could still decide the answer: a route only gets longer when more is closed, so a pair
    that falls short of ``t`` already is skipped, and the routes that stay as they are are tried first."""

    def reaches(wanted: Sequence[str], tons: float) -> bool:
        candidates = []
        for country in wanted:
            for o, d in routes.pairs[country]:
                if _payload(kind, reading, o, d, routes.base[(o.ident, d.ident)]) >= tons:
                    candidates.append((not routes.unchanged(o, d, closed), routes.base[(o.ident, d.ident)][0], o, d))
        return any(routes.carries(kind, reading, o, d, closed, tons)
                   for _, _, o, d in sorted(candidates, key=lambda c: (c[0], c[1])))

    return reaches


def claim_outcomes(
    cases: Sequence[AirspaceCase], origins: Iterable[str], types: Sequence[str] | None = None,
    reserves_pct: Sequence[float] = RESERVES_PCT, unconfirmed: Sequence[str] | None = None,
    claims: Sequence[Claim] = CLAIMS, progress: Callable[[], None] | None = None,
    route: Callable[[Airfield, Airfield, AirspacePolicy], Route] = airspace.legal_route,
) -> list[Outcome]:
    """Every claim for every type and airspace case, both readings: at each range reserve, with each
    unconfirmed overflight closed (``unconfirmed``: codes, default every country graded unconfirmed in
    sim/data/airspace.yaml) and with each unconfirmed presence counted.

    ``origins``: candidate bases; only the Russian ones are used. ``progress`` is called once per case
    and type. ``route(origin, destination, policy)`` gives each case's routes (the report passes its
    RouteBook, so they are the routes of its tables).
    """
    kinds = catalog.aircraft_catalog()
    names = list(kinds) if types is None else list(types)
    toggles = countries.unconfirmed_overflight() if unconfirmed is None else list(unconfirmed)
    listed = presence.russian_presence()
    counted = [c for c, p in listed.items() if p.confirmed]
    maybe = [c for c, p in listed.items() if not p.confirmed]
    russian = [catalog.airfield(o) for o in origins if catalog.airfield(o).country == RUSSIA]
    pairs = {c: [(o, catalog.airfield(d)) for o in russian for d in p.airfields] for c, p in listed.items()}
    out: list[Outcome] = []
    for case in cases:
        routes = _Routes(case, pairs, route)
        for name in names:
            base_kind = kinds[name]
            for reading in READINGS:
                base_pct = _pct(base_kind)
                for pct in dict.fromkeys([*(round(float(p), 6) for p in reserves_pct), base_pct]):
                    kind = base_kind if pct == base_pct else base_kind.with_overrides({"range_reserve_frac": pct / 100.0})
                    best = _best(routes, kind, reading)

                    def reaches(wanted: Sequence[str], tons: float, best: Best = best) -> bool:
                        return any(best.get(c) is not None and best[c][0] >= tons for c in wanted)  # type: ignore[index]

                    is_base = pct == base_pct
                    for claim in claims:
                        out.append(Outcome(claim.key, case.key, name, reading, pct, "", "",
                                           claim.holds(reaches, kind, counted), claim.evidence(best, kind, counted)))
                        if is_base:
                            for extra in maybe:
                                more = [*counted, extra]
                                out.append(Outcome(claim.key, case.key, name, reading, pct, "", extra,
                                                   claim.holds(reaches, kind, more), claim.evidence(best, kind, more)))
                for closed in toggles:
                    lazy = _lazy_reaches(routes, base_kind, reading, closed)
                    for claim in claims:
                        out.append(Outcome(claim.key, case.key, name, reading, _pct(base_kind), closed, "",
                                           claim.holds(lazy, base_kind, counted), ""))
            if progress:
                progress()
    return out


def _pct(kind: AircraftType) -> float:
    """The type's range reserve in % (rounded, so 0.1 gives exactly 10.0)."""
    return round(kind.range_reserve_frac * 100.0, 6)


# --- the verdict table ---------------------------------------------------------------------------------


VERDICT_COLUMNS = [
    "claim", "type", "case", "one_way_holds", "one_way_evidence", "round_trip_holds", "round_trip_evidence",
    "one_way_by_reserve", "round_trip_by_reserve", "flips_if_closed", "flips_if_counted", "verdict",
]


def verdicts(outcomes: Sequence[Outcome]) -> list[dict[str, object]]:
    """One row per claim, type and airspace case (claim_verdicts.csv and the report's tables).

    ``*_by_reserve``: "holds"/"fails" at each reserve, e.g. "0 %: fails; 5 %: holds; 10 %: holds";
    ``flips_if_closed`` / ``flips_if_counted``: the unconfirmed countries whose closure (or counting)
    changes the base answer, with the reading; ``verdict``: holds, fails, or depends on the factors.
    """
    groups: dict[tuple[str, str, str], list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault((o.claim, o.type, o.case), []).append(o)
    rows = []
    for (claim, kind_name, case), items in groups.items():
        base_pct = _pct(catalog.aircraft_catalog()[kind_name])
        base = {r: next(o for o in items if o.reading == r and o.reserve_pct == base_pct and not o.also_closed
                        and not o.also_counted) for r in READINGS}
        by_reserve: dict[str, Any] = {}
        factors: dict[str, Any] = {}
        for r in READINGS:
            plain = sorted((o for o in items if o.reading == r and not o.also_closed and not o.also_counted),
                           key=lambda o: o.reserve_pct)
            by_reserve[r] = "; ".join(f"{o.reserve_pct:g} %: {_word(o.holds)}" for o in plain)
            if any(o.holds != base[r].holds for o in plain):
                factors.setdefault("the range reserve", None)
        if base["one_way"].holds != base["round_trip"].holds:
            reading = (f"the reading (one-way {_word(base['one_way'].holds)}, "
                       f"round trip {_word(base['round_trip'].holds)})")
            factors = {reading: None, **factors}
        flips_closed = _flips(items, base, "also_closed")
        flips_counted = _flips(items, base, "also_counted")
        for code in dict.fromkeys(c for c, _ in flips_closed):
            factors[f"{_name(code)} overflight"] = None
        for code in dict.fromkeys(c for c, _ in flips_counted):
            factors[f"counting {_name(code)}"] = None
        if factors:
            verdict = "depends on " + ", ".join(factors)
        else:
            verdict = _word(base["one_way"].holds)
        rows.append({
            "claim": claim, "type": kind_name, "case": case,
            "one_way_holds": base["one_way"].holds, "one_way_evidence": base["one_way"].evidence,
            "round_trip_holds": base["round_trip"].holds, "round_trip_evidence": base["round_trip"].evidence,
            "one_way_by_reserve": by_reserve["one_way"], "round_trip_by_reserve": by_reserve["round_trip"],
            "flips_if_closed": _describe_flips(flips_closed), "flips_if_counted": _describe_flips(flips_counted),
            "verdict": verdict,
        })
    return rows


def _word(holds: bool) -> str:
    return "holds" if holds else "fails"


def _name(code: str) -> str:
    country = countries.countries().get(code)
    return country.name if country else code


def _flips(items: Sequence[Outcome], base: dict[str, Outcome], attribute: str) -> list[tuple[str, str]]:
    """(code, reading) for every variation of ``attribute`` whose answer differs from the base."""
    return [(getattr(o, attribute), o.reading) for o in items
            if getattr(o, attribute) and o.holds != base[o.reading].holds]


def _describe_flips(flips: list[tuple[str, str]]) -> str:
    by_code: dict[str, list[str]] = {}
    for code, reading in flips:
        by_code.setdefault(code, []).append("one-way" if reading == "one_way" else "round trip")
    return "; ".join(f"{code} ({', '.join(readings)})" for code, readings in by_code.items())
