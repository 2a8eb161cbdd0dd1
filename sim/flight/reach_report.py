"""The reach report: non-stop reach from Russian and Belarusian bases to Libya and the Sahel.

For each origin, aircraft type, payload (0, 20, 40 t and the type's maximum) and airspace case, every
destination gets its legal route, whether it is reachable non-stop and the most the type carries there
non-stop. The two public claims of December 2024 are then answered from those numbers. Pure: returns
rows, text and figures; the CLI writes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.data import catalog
from sim.flight import performance
from sim.flight.reach import max_nonstop_payload_t
from sim.geo import airspace
from sim.geo.airspace import AirspacePolicy

ORIGINS = ("UUMU", "UWLW", "URMF", "UMLI")
DESTINATIONS = ("HL59", "HLLB", "HL69", "GABS", "FEFF", "HSPN", "DFFD", "DRRN")
PAYLOADS = ("0", "20", "40", "max")
RUSSIAN = "RUS"
LIBYA = "LBY"
EMPTY_SHARE = 0.10  # "only if empty": the best payload is under this share of the type's maximum

COLUMNS = [
    "case", "origin", "origin_name", "type", "payload", "payload_t", "destination", "destination_name", "country",
    "great_circle_km", "route_km", "nonstop", "max_payload_t", "limited_by", "overflies",
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
                route = airspace.legal_route(origin, dest, case.policy)
                if progress:
                    progress()
                for name in names:
                    kind = kinds[name]
                    best = max_nonstop_payload_t(kind, origin, dest, route.length_km) if route.legal else None
                    best = None if best is None or best < 0 else best
                    limit = _limited_by(kind, origin, dest, route.length_km) if route.legal else "no legal route"
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
                            "overflies": " ".join(route.countries),
                        })
    return rows


def _limited_by(kind, origin, dest, route_km: float) -> str:
    """What caps the non-stop payload: the range, the runways or the type's maximum payload."""
    by_range = performance.planned_payload_t(kind, route_km)
    by_runway = performance.runway_payload_t(kind, origin.runway_m, dest.runway_m)
    if by_runway < min(by_range, kind.max_payload_t):
        return "runway"
    return "range" if by_range < kind.max_payload_t else "max payload"


def _cell(row: dict[str, object]) -> str:
    if row["route_km"] is None:
        return "no route"
    if row["max_payload_t"] is None:
        return "-"
    return f"{row['max_payload_t']:.0f}" + (" r" if row["limited_by"] == "runway" else "")


def markdown(rows: list[dict[str, object]], cases: list[Case], version: str, countries_source: str) -> str:
    """The report: answers to the two claims, then per case the payload and route tables."""
    kinds = catalog.aircraft_catalog()
    types = list(dict.fromkeys(r["type"] for r in rows))
    origins = list(dict.fromkeys(r["origin"] for r in rows))
    dests = list(dict.fromkeys(r["destination"] for r in rows))
    zero = [r for r in rows if r["payload"] == "0"]
    by = {(r["case"], r["origin"], r["type"], r["destination"]): r for r in zero}
    lines = [
        "# Non-stop reach from Russia and Belarus to Libya and the Sahel",
        "",
        f"`airlift report reach`, airlift-sim {version}. Routes are the shortest legal routes on the WGS84 ellipsoid "
        "around closed airspace (land plus 12 NM). Payload is the type's fuel-and-mass model "
        "(fitted to the published payload-range points) less its range reserve "
        "(see `airlift payload-range`), capped by the runways at both ends. Full table: `reach.csv`; maps: `map_*.png`.",
        f"Country polygons: {countries_source}.",
        "",
        "## The claims",
        "",
    ]
    lines += _claim_only_libya(zero, cases, types)
    lines += [""]
    lines += _claim_only_empty(zero, cases, types, kinds)
    lines += ["", "## Maximum non-stop payload (t) on the legal route", "",
              "`-`: not even empty; `no route`: no legal route exists; `r`: capped by a runway at either end "
              "(assumed linear rule; runways in `airlift catalog airfields`), not by range. "
              "Reachable with payload P when the number is at least P.", ""]
    for case in cases:
        lines += [f"### {case.title}", "", "| origin | type | " + " | ".join(dests) + " |",
                  "|---|---|" + "---:|" * len(dests)]
        for o in origins:
            for t in types:
                cells = [_cell(by[(case.key, o, t, d)]) for d in dests]
                lines.append(f"| {o} | {t} | " + " | ".join(cells) + " |")
        lines += ["", "Route km (great circle km):", "", "| origin | " + " | ".join(dests) + " |", "|---|" + "---:|" * len(dests)]
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


def _russian_origins(rows) -> list[str]:
    return [o for o in dict.fromkeys(r["origin"] for r in rows) if catalog.airfield(o).country == RUSSIAN]


def _claim_only_libya(rows, cases, types) -> list[str]:
    """The Telegraph: Libya is the only African country with a Russian military presence reachable non-stop."""
    lines = ["**Claim 1 (The Telegraph, Dec 2024):** Libya is the only country in Africa with a Russian military presence "
             "that can be flown to direct from Russia without refuelling.", ""]
    for case in cases:
        lines.append(f"- *{case.title}*, from Russian bases, countries reachable non-stop with 20 t (and empty):")
        holds_for, fails_for = [], []
        for t in types:
            loaded, empty = set(), set()
            for o in _russian_origins(rows):
                for r in rows:
                    if r["case"] == case.key and r["origin"] == o and r["type"] == t and r["max_payload_t"] is not None:
                        empty.add(r["country"])
                        if r["max_payload_t"] >= 20:
                            loaded.add(r["country"])
            others = sorted(loaded - {LIBYA})
            lines.append(f"  - {t}: {', '.join(sorted(loaded)) or 'none'} (empty: {', '.join(sorted(empty)) or 'none'})")
            (fails_for if others else holds_for).append(t)
        verdict = (f"holds for {', '.join(holds_for)}" if holds_for else "holds for no type") + (
            f"; fails for {', '.join(fails_for)}, which also reach other African countries with 20 t" if fails_for else "")
        lines.append(f"  - Verdict: {verdict}.")
    return lines


def _claim_only_empty(rows, cases, types, kinds) -> list[str]:
    """Rybar: cargo aircraft fly Russia -> Libya non-stop only if empty."""
    lines = ["**Claim 2 (Rybar, 9-10 Dec 2024):** cargo aircraft can fly from Russia to Libya without refuelling only if they "
             f"are empty. Read as: the best non-stop payload to any Libyan base is under {EMPTY_SHARE:.0%} of the type's "
             "maximum payload.", ""]
    for case in cases:
        parts, empty_types = [], []
        for t in types:
            best, where = None, None
            for r in rows:
                if (r["case"] == case.key and r["type"] == t and r["country"] == LIBYA
                        and r["origin"] in _russian_origins(rows) and r["max_payload_t"] is not None):
                    if best is None or r["max_payload_t"] > best:
                        best, where = r["max_payload_t"], f"{r['origin']}->{r['destination']}, {r['route_km']:,.0f} km"
            if best is None or best < EMPTY_SHARE * kinds[t].max_payload_t:
                empty_types.append(t)
            parts.append(f"{t} {'cannot' if best is None else f'{best:.0f} t'}" + (f" ({where})" if where else ""))
        verdict = (f"holds for {', '.join(empty_types)}" if empty_types else "does not hold for any type")
        lines.append(f"- *{case.title}*: best non-stop payload to Libya: {'; '.join(parts)}. Verdict: {verdict}.")
    return lines


def ring_label(kind_name: str, payload_t: float) -> tuple[float, str]:
    """(planned range km, label) of one type at one payload, for map rings."""
    kind = catalog.aircraft_catalog()[kind_name]
    return performance.planned_range_km(kind, payload_t), f"{kind_name} {payload_t:g} t"
