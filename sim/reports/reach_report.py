"""The reach report: non-stop reach from Russian and Belarusian bases to Libya and the Sahel.

For each origin, aircraft type, payload (0, 20, 40 t and the type's maximum) and airspace case, every
destination gets its legal route, whether it is reachable non-stop, the most the type carries there
non-stop (refuelled there) and the most it carries there and back without refuelling there. The
destinations are the airfields of every African country with a Russian military presence
(sim/data/presence.yaml). The two public claims of December 2024 are then judged from those numbers,
both readings, with their sensitivities (sim.reports.claims). Pure: returns rows and text; the library's
saving module writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from sim.data import catalog, countries, presence
from sim.data.catalog import Airfield
from sim.flight import performance
from sim.flight.reach import limiting, max_nonstop_payload_t, return_route, round_trip_payload_caps
from sim.geo import airspace
from sim.geo.airspace import AirspacePolicy
from sim.geo.routing import Route
from sim.reports import claims

ORIGINS = ("UUMU", "UWLW", "URMF", "UMLI")
DESTINATIONS = tuple(presence.airfields())  # every African country with a Russian military presence
PAYLOADS = ("0", "20", "40", "max")

COLUMNS = [
    "case", "origin", "origin_name", "type", "payload", "payload_t", "destination", "destination_name", "country",
    "great_circle_km", "route_km", "nonstop", "max_payload_t", "limited_by", "return_route_km",
    "round_trip_payload_t", "round_trip_limited_by", "overflies",
]


@dataclass(frozen=True)
class Case:
    """One airspace situation of the report."""

    key: str
    title: str
    policy: AirspacePolicy


def default_cases() -> list[Case]:
    """December 2024, then without Syrian overflight, without Turkey, and without both."""
    return [
        Case("dec2024", "December 2024 (Syria open; Turkey open except to flights to or from Syria)",
             airspace.make_policy(situation="dec2024")),
        Case("no_syria", "December 2024 without Syrian overflight", airspace.make_policy(situation="dec2024", closed=["SYR"])),
        Case("no_turkey", "December 2024 with Turkey closed to all", airspace.make_policy(situation="dec2024", closed=["TUR"])),
        Case("no_syria_no_turkey", "December 2024 without Syria and Turkey",
             airspace.make_policy(situation="dec2024", closed=["SYR", "TUR"])),
    ]


def reach_rows(
    origins=ORIGINS, destinations=DESTINATIONS, cases: list[Case] | None = None, types: list[str] | None = None,
    progress: Callable[[], None] | None = None,
) -> list[dict[str, object]]:
    """One row per case, origin, type, payload and destination (reach.csv)."""
    cases = default_cases() if cases is None else cases
    kinds = catalog.aircraft_catalog()
    names = list(kinds) if types is None else types
    rows = []
    for case in cases:
        for o in origins:
            origin = catalog.airfield(o)
            for d in destinations:
                dest = catalog.airfield(d)
                route = report_route(origin, dest, case)
                back = return_route(origin, dest, case.policy, route) if route.legal else route
                if progress:
                    progress()
                for name in names:
                    kind = kinds[name]
                    km, back_km = route.length_km, back.length_km  # None: no legal route
                    best = max_nonstop_payload_t(kind, origin, dest, km) if km is not None else None
                    best = None if best is None or best < 0 else best
                    limit = _limited_by(kind, origin, dest, km) if km is not None else "no legal route"
                    round_trip, round_limit = None, "no legal route"
                    if km is not None and back_km is not None:
                        caps = round_trip_payload_caps(kind, origin, dest, km, back_km)
                        round_trip, round_limit = min(caps.values()), limiting(caps)
                    for label in PAYLOADS:
                        payload = kind.max_payload_t if label == "max" else float(label)
                        rows.append({
                            "case": case.key, "origin": o, "origin_name": origin.name, "type": name,
                            "payload": label, "payload_t": payload, "destination": d, "destination_name": dest.name,
                            "country": dest.country, "great_circle_km": round(route.great_circle_km, 1),
                            "route_km": None if route.length_km is None else round(route.length_km, 1),
                            "nonstop": best is not None and best >= payload - 1e-9,
                            "max_payload_t": None if best is None else round(best, 1),
                            "limited_by": limit,
                            "return_route_km": None if back.length_km is None else round(back.length_km, 1),
                            "round_trip_payload_t": None if round_trip is None or round_trip < 0 else round(round_trip, 1),
                            "round_trip_limited_by": round_limit,
                            "overflies": " ".join(route.countries),
                        })
    return rows


@lru_cache(maxsize=1)
def _book() -> airspace.RouteBook:
    return airspace.RouteBook()


def report_route(origin: Airfield, destination: Airfield, case: Case) -> Route:
    """The legal route of the report for one pair and case. Computed once per process; a case that
    closes more than another keeps the other's route where it does not enter the extra airspace."""
    return _book().route(origin, destination, case.policy)


def _limited_by(kind, origin, dest, route_km: float) -> str:
    """What caps the non-stop payload: the range, the runways or the type's maximum payload."""
    by_range = performance.planned_payload_t(kind, route_km)
    by_runway = performance.runway_payload_t(kind, origin.runway_m, dest.runway_m)
    if by_runway < min(by_range, kind.max_payload_t):
        return "runway"
    return "range" if by_range < kind.max_payload_t else "max payload"


def _cell(row: dict[str, object], key: str = "max_payload_t", limit_key: str = "limited_by") -> str:
    if row["route_km"] is None:
        return "no route"
    if row[key] is None:
        return "-"
    return f"{row[key]:.0f}" + (" r" if "runway" in str(row[limit_key]) else "")


def claim_verdicts(cases: list[Case], unconfirmed: list[str] | None = None, types: list[str] | None = None,
                   progress: Callable[[], None] | None = None) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(claims.csv rows: every claim, type, case, reading and variation; claim_verdicts.csv rows: one per
    claim, type and case) for the report's Russian bases (sim.reports.claims)."""
    outcomes = claims.claim_outcomes(cases, ORIGINS, types=types, unconfirmed=unconfirmed, progress=progress,  # type: ignore[arg-type]
                                     route=_book().route)
    return [o.record() for o in outcomes], claims.verdicts(outcomes)


def claim_uncertainty(cases: list[Case], unconfirmed: list[str] | None = None, types: list[str] | None = None,
                      samples: int = 64, progress: Callable[[], None] | None = None) -> list[dict[str, object]]:
    """claim_uncertainty.csv rows: every claim, type, case and reading judged over the input ranges
    (sim.reports.claims_uncertainty), on the report's routes."""
    from sim.reports.claims_uncertainty import claim_uncertainty as judged

    return judged(cases, ORIGINS, types=types, samples=samples, unconfirmed=unconfirmed, route=_book().route,
                  progress=progress)


def markdown(rows: list[dict[str, object]], cases: list[Case], version: str, countries_source: str,
             verdict_rows: list[dict[str, object]] | None = None, unconfirmed: list[str] | None = None,
             uncertainty_rows: list[dict[str, object]] | None = None) -> str:
    """The report: the verdicts on the two claims, then per case the payload and route tables."""
    types = list(dict.fromkeys(r["type"] for r in rows))
    origins = list(dict.fromkeys(r["origin"] for r in rows))
    dests = list(dict.fromkeys(r["destination"] for r in rows))
    zero = [r for r in rows if r["payload"] == "0"]
    by = {(r["case"], r["origin"], r["type"], r["destination"]): r for r in zero}
    listed = presence.russian_presence()
    where = "; ".join(f"{c}{'' if p.confirmed else ' (unconfirmed)'}: {', '.join(p.airfields)}" for c, p in listed.items())
    lines = [
        "# Non-stop reach from Russia and Belarus to Libya and the Sahel",
        "",
        f"`airlift report reach`, airlift-sim {version}. Routes are the shortest legal routes on the WGS84 ellipsoid "
        "around closed airspace (land plus 12 NM). Payload is the type's fuel-and-mass model "
        "(fitted to the published payload-range points) less its range reserve "
        "(see `airlift payload-range`), capped by the runways at both ends. Full table: `reach.csv`; maps: `map_*.png`.",
        f"Country polygons: {countries_source}.",
        f"Destinations: the airfields of every African country with a Russian military presence in {presence.as_of()} "
        f"(`sim/data/presence.yaml`, with sources): {where}.",
        "",
        "Airspace cases: " + "; ".join(f"`{c.key}`: {c.title}" for c in cases) + ".",
        "",
    ]
    if verdict_rows is not None:
        lines += _claims_section(verdict_rows, cases, unconfirmed)
    if uncertainty_rows:
        lines += _uncertainty_section(uncertainty_rows, cases)
    lines += ["## Maximum payload (t) on the legal route, one-way and round trip", "",
              "One-way: non-stop to the destination, refuelled there (`max_payload_t`). Round trip: there and back to "
              "the origin without refuelling at the destination, payload out and empty back (`round_trip_payload_t`; "
              "what a shuttle into an airfield without fuel, such as al-Khadim HL59, carries). "
              "`-`: not even empty; `no route`: no legal route exists; `r`: capped by a runway at either end "
              "(assumed linear rule; runways in `airlift catalog airfields`), not by range. "
              "Reachable with payload P when the number is at least P.", ""]
    for case in cases:
        lines += [f"### {case.title}", ""]
        for title, key, limit_key in (("One-way, refuelled at the destination", "max_payload_t", "limited_by"),
                                      ("Round trip, not refuelled at the destination", "round_trip_payload_t",
                                       "round_trip_limited_by")):
            lines += [f"{title}:", "", "| origin | type | " + " | ".join(dests) + " |", "|---|---|" + "---:|" * len(dests)]  # type: ignore[arg-type]
            for o in origins:
                for t in types:
                    cells = [_cell(by[(case.key, o, t, d)], key, limit_key) for d in dests]
                    lines.append(f"| {o} | {t} | " + " | ".join(cells) + " |")
            lines.append("")
        lines += ["Route km (great circle km):", "", "| origin | " + " | ".join(dests) + " |", "|---|" + "---:|" * len(dests)]  # type: ignore[arg-type]
        for o in origins:
            cells = []
            for d in dests:
                r = by[(case.key, o, types[0], d)]
                cells.append(("none" if r["route_km"] is None else f"{r['route_km']:,.0f}") + f" ({r['great_circle_km']:,.0f})")
            lines.append(f"| {o} | " + " | ".join(cells) + " |")
        lines += ["", "Countries overflown:", ""]
        for o in origins:
            via = [f"{d}: {by[(case.key, o, types[0], d)]['overflies'] or 'no route'}" for d in dests]
            lines.append(f"- {o}: " + "; ".join(via))
        lines.append("")
    return "\n".join(lines) + "\n"


def _claims_section(verdict_rows: list[dict[str, object]], cases: list[Case], unconfirmed: list[str] | None) -> list[str]:
    """The verdict table of each claim: rows by type and airspace case."""
    toggles = countries.unconfirmed_overflight() if unconfirmed is None else unconfirmed
    names = countries.countries()
    maybe = [c for c, p in presence.russian_presence().items() if not p.confirmed]
    russian = [o for o in ORIGINS if catalog.airfield(o).country == claims.RUSSIA]
    reserve = sorted({catalog.aircraft_catalog()[str(r["type"])].range_reserve_frac for r in verdict_rows})
    lines = [
        "## The claims",
        "",
        "Two readings of \"without refuelling\": **one-way**, non-stop to the destination, which refuels the aircraft; "
        "**round trip**, non-stop there and back to the origin without refuelling at the destination (payload out, "
        f"empty back). From the Russian bases ({', '.join(russian)}; Belarus is not Russia); the best base counts. "
        f"Each answer is at the type's range reserve ({', '.join(f'{r:.0%}' for r in reserve)}) and in the case's "
        "airspace; then one thing is changed at a time: the range reserve (0, 5, 10 %); each overflight that no "
        "source confirms, closed (" + ", ".join(f"{c} {names[c].name if c in names else c}" for c in toggles) + "; "
        "`sim/data/airspace.yaml`, `overflight_assumptions`)"
        + (f"; each presence no source confirms, counted ({', '.join(maybe)})" if maybe else "") + ". "
        "**Verdict**: holds, fails, or depends on what changes it. Every variation: `claims.csv`; these tables: "
        "`claim_verdicts.csv`.",
        "",
    ]
    for number, claim in enumerate(claims.CLAIMS, 1):
        lines += [f"### Claim {number} ({claim.source})", "", f"\"{claim.text}\" Read as: the claim {claim.reading}", "",
                  "| type | airspace | one-way, refuelled | round trip, not refuelled | range reserve 0 / 5 / 10 % "
                  "| changed by an unconfirmed country | verdict |",
                  "|---|---|---|---|---|---|---|"]
        mine = [r for r in verdict_rows if r["claim"] == claim.key]
        order = {c.key: i for i, c in enumerate(cases)}
        for r in sorted(mine, key=lambda r: (list(catalog.aircraft_catalog()).index(r["type"]), order.get(r["case"], 99))):  # type: ignore[arg-type,call-overload]
            flips = "; ".join(x for x in (str(r["flips_if_closed"]) and f"closed: {r['flips_if_closed']}",
                                         str(r["flips_if_counted"]) and f"counted: {r['flips_if_counted']}") if x) or "none"
            lines.append(
                f"| {r['type']} | {r['case']} | {_word(r['one_way_holds'])}: {r['one_way_evidence']} "
                f"| {_word(r['round_trip_holds'])}: {r['round_trip_evidence']} "
                f"| {_by_reserve(r)} | {flips} | **{r['verdict']}** |")
        lines.append("")
    return lines


def _uncertainty_section(rows: list[dict[str, object]], cases: list[Case]) -> list[str]:
    """The claims judged over the input ranges: P(holds) and the inputs that decide each verdict."""
    samples = rows[0]["samples"]
    lines = ["### The claims over the input ranges", "",
             f"Each verdict again over {samples} sampled combinations of the inputs it rests on (a Latin hypercube): "
             "the type's range reserve, fuel capacity and payload-range points over their catalogue ranges "
             "(`airlift catalog aircraft`), the claim's own threshold, and none or one of the unconfirmed overflights "
             "closed. **holds** or **fails** at every sample, otherwise **indeterminate within the input ranges**, with "
             "the share of samples where it holds and the inputs that decide it. Every row: `claim_uncertainty.csv`.",
             "", "| claim | type | airspace | reading | P(holds) | verdict | decided by |", "|---|---|---|---|---:|---|---|"]
    order = {c.key: i for i, c in enumerate(cases)}
    kinds = list(catalog.aircraft_catalog())
    for r in sorted(rows, key=lambda r: (str(r["claim"]), kinds.index(str(r["type"])), order.get(str(r["case"]), 99),
                                         str(r["reading"]))):
        reading = "one-way" if r["reading"] == "one_way" else "round trip"
        lines.append(f"| {r['claim']} | {r['type']} | {r['case']} | {reading} | {float(r['p_holds']):.0%} "  # type: ignore[arg-type]
                     f"| {r['verdict']} | {r['decided_by'] or '-'} |")
    return [*lines, ""]


def _word(holds: object) -> str:
    return "holds" if holds else "fails"


def _by_reserve(row: dict[str, object]) -> str:
    """'one-way: fails at all; round trip: holds, holds, fails' (0, 5, 10 %)."""
    parts = []
    for key, label in (("one_way_by_reserve", "one-way"), ("round_trip_by_reserve", "round trip")):
        words = [item.split(": ")[1] for item in str(row[key]).split("; ")]
        parts.append(f"{label}: {words[0]} at all" if len(set(words)) == 1 else f"{label}: {', '.join(words)}")
    return "; ".join(parts)


def ring_label(kind_name: str, payload_t: float) -> tuple[float, str]:
    """(planned range km, label) of one type at one payload, for map rings."""
    kind = catalog.aircraft_catalog()[kind_name]
    return performance.planned_range_km(kind, payload_t), f"{kind_name} {payload_t:g} t"
