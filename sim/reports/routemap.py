"""The briefing's route map: an inline SVG drawn from a run's routes collection (``sim.results.gis``), in
the azimuthal equidistant projection of ``routes.png`` (``sim.results.maps``). Nothing is fetched: the land,
the closed airspace, the legs and the airfields are paths in the page itself, so it opens on a laptop with
no network. Every layer is one ``<g data-layer="...">`` that the page's controls show or hide; each leg and
airfield carries a ``<title>`` (the browser shows it on hover) with its figures.

Coordinates in the SVG are kilometres east and south of the projection's centre (y down, as SVG draws).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from markupsafe import Markup, escape
from matplotlib.colors import to_hex

from sim.results import maps, style

LAND, COAST, WATER = to_hex(style.LAND_COLOR), to_hex(style.COAST_COLOR), to_hex(style.WATER_COLOR)
WIDTH_PX = 960  # the drawing's width in CSS pixels at zoom 1 (the page scales it to its column)
ASPECT = 1.45  # width / height


@dataclass
class _Pair:
    """The legs flown between two airfields, both ways, in one airspace phase."""

    ends: tuple[str, str]
    phase: int
    coords: list[list[float]]
    legs: float = 0.0
    tons: float = 0.0
    lines: list[str] = field(default_factory=list)


def route_map_svg(collection: dict[str, Any]) -> Markup:
    """The SVG map of a routes collection (``gis.routes_collection``): land, closed airspace per airspace
    phase, the legs flown (as wide as their legs, both ways together) and the airfields, labelled."""
    features = collection["features"]
    legs = [f for f in features if f["properties"].get("kind") == "leg flown"]
    fields = [f for f in features if f["properties"].get("kind") == "airfield"]
    areas = [f for f in features if f["geometry"]["type"] in ("Polygon", "MultiPolygon", "GeometryCollection")]
    points = np.array([f["geometry"]["coordinates"][:2] for f in fields] or [[0.0, 0.0]])
    proj_string = maps._proj_string(_middle(points))
    proj = maps._projection(proj_string)
    xs, ys = proj(points[:, 0], points[:, 1])
    xs, ys = list(xs), list(ys)
    for leg in legs:
        line = np.asarray(leg["geometry"]["coordinates"])
        lx, ly = proj(line[:, 0], line[:, 1])
        xs += list(lx)
        ys += list(ly)
    box = _box(xs, ys)
    phases = sorted({(f["properties"].get("from_day"), f["properties"].get("to_day")) for f in [*legs, *areas]},
                    key=lambda p: (p[0] is None, p[0] or 0.0))
    phase_of = {p: k for k, p in enumerate(phases)}
    parts = [_land(proj_string, box), _areas(proj_string, box, areas, phase_of),
             _legs(proj, legs, phase_of, box, _label_boxes(proj, fields, box)), _airfields(proj, fields, box)]
    x0, x1, y0, y1 = box
    view = f"{x0 / 1000:.1f} {-y1 / 1000:.1f} {(x1 - x0) / 1000:.1f} {(y1 - y0) / 1000:.1f}"
    svg = (f'<svg id="route-map" viewBox="{view}" data-home="{view}" '
           f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="route map">'
           f'<rect x="{x0 / 1000:.1f}" y="{-y1 / 1000:.1f}" width="{(x1 - x0) / 1000:.1f}" '
           f'height="{(y1 - y0) / 1000:.1f}" fill="{WATER}"/>' + "".join(parts) + "</svg>")
    return Markup(svg)


def map_phases(collection: dict[str, Any]) -> list[dict[str, Any]]:
    """The airspace phases the map draws, in order: index, days and airspace label (for its controls)."""
    seen: dict[tuple[Any, Any], str] = {}
    for f in collection["features"]:
        p = f["properties"]
        if "from_day" in p:
            seen.setdefault((p["from_day"], p["to_day"]), p.get("airspace", ""))
    ordered = sorted(seen, key=lambda k: (k[0] is None, k[0] or 0.0))
    return [{"index": k, "from_day": a, "to_day": b, "airspace": seen[(a, b)]} for k, (a, b) in enumerate(ordered)]


def _middle(lonlat: np.ndarray) -> tuple[float, float]:
    """(lon, lat) of the mean direction of the points: the projection's centre."""
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    x, y, z = np.mean(np.cos(lat) * np.cos(lon)), np.mean(np.cos(lat) * np.sin(lon)), np.mean(np.sin(lat))
    return float(np.degrees(np.arctan2(y, x))), float(np.degrees(np.arctan2(z, np.hypot(x, y))))


def _box(xs: list[float], ys: list[float], pad: float = 0.08) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) in metres around the points, padded, ASPECT wide, at least 800 km across."""
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    w, h = max(x1 - x0, 800_000.0) * (1 + 2 * pad), max(y1 - y0, 800_000.0) * (1 + 2 * pad)
    if w / h < ASPECT:
        w = h * ASPECT
    else:
        h = w / ASPECT
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2


def _d(geom: shapely.Geometry) -> str:
    """SVG path data of the polygons of a projected geometry (km, y down)."""
    out = []
    for polygon in shapely.get_parts(geom):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = np.asarray(ring.coords)[:-1] / 1000.0
            if len(xy) < 3:
                continue
            out.append("M" + "L".join(f"{x:.1f} {-y:.1f}" for x, y in xy) + "Z")
    return "".join(out)


def _clip(geom: shapely.Geometry, box: tuple[float, float, float, float]) -> shapely.Geometry:
    """The projected geometry inside the box (widened by 5 %), simplified to a pixel or so."""
    x0, x1, y0, y1 = box
    m = 0.05 * (x1 - x0)
    tolerance = (x1 - x0) / (2 * WIDTH_PX)
    return shapely.simplify(shapely.clip_by_rect(shapely.make_valid(geom), x0 - m, y0 - m, x1 + m, y1 + m), tolerance)


def _land(proj_string: str, box: tuple[float, float, float, float]) -> str:
    polygons = []
    for path in maps._land_paths(proj_string, maps._window((box[0], box[1], box[2], box[3]))):
        rings, start = [], 0
        codes, vertices = np.asarray(path.codes), np.asarray(path.vertices)  # arrays already: _land_paths made them
        for k, code in enumerate(codes):
            if code == path.CLOSEPOLY:
                rings.append(vertices[start:k])
                start = k + 1
        rings = [r for r in rings if len(r) >= 3 and np.all(np.isfinite(r))]
        if rings:
            polygons.append(shapely.Polygon(rings[0], rings[1:]))
    d = _d(_clip(shapely.GeometryCollection(polygons), box)) if polygons else ""
    return (f'<g data-layer="land"><path d="{d}" fill="{LAND}" stroke="{COAST}" '
            'stroke-width="0.5" vector-effect="non-scaling-stroke" fill-rule="evenodd"/></g>')


def _areas(proj_string: str, box: tuple[float, float, float, float], areas: list[dict[str, Any]],
           phase_of: dict[tuple[Any, Any], int]) -> str:
    west, south, east, north = maps._lonlat_bounds(proj_string, maps._window((box[0], box[1], box[2], box[3])))
    out = ['<g data-layer="airspace">']
    for f in areas:
        p = f["properties"]
        geom = shapely.clip_by_rect(shapely.from_geojson(json.dumps(f["geometry"])), west - 5, south - 5, east + 5, north + 5)
        if geom.is_empty:
            continue
        d = _d(_clip(maps._project(proj_string, geom), box))
        everyone = p.get("kind") == "closed airspace"
        paint = (f'fill="{style.CLOSED_COLOR}" fill-opacity="0.22" stroke="{style.CLOSED_COLOR}"' if everyone else
                 f'fill="{style.SOME_FLIGHTS_COLOR}" fill-opacity="0.08" stroke="{style.SOME_FLIGHTS_COLOR}" '
                 'stroke-dasharray="4 3"')
        what = "closed to every flight" if everyone else f"closed only to some flights: {p.get('applies_to', '')}"
        phase = phase_of.get((p.get("from_day"), p.get("to_day")), 0)
        out.append(f'<path class="area phase-{phase}" data-phase="{phase}" data-kind="{escape(p.get("kind", ""))}" '
                   f'd="{d}" {paint} stroke-width="0.8" vector-effect="non-scaling-stroke" fill-rule="evenodd">'
                   f'<title>{escape(what)} ({escape(p.get("airspace", ""))})</title></path>')
    return "".join(out) + "</g>"


def _pairs(proj: Any, legs: list[dict[str, Any]], phase_of: dict[tuple[Any, Any], int]) -> list[_Pair]:
    """The legs flown, both directions of a pair in one phase together (drawn once, as wide as both)."""
    pairs: dict[tuple[tuple[str, str], int], _Pair] = {}
    for f in legs:
        p = f["properties"]
        ends = (p["origin"], p["destination"])
        key = (tuple(sorted(ends)), phase_of.get((p.get("from_day"), p.get("to_day")), 0))
        pair = pairs.get(key)
        if pair is None:
            pair = pairs[key] = _Pair(key[0], key[1], f["geometry"]["coordinates"])
        pair.legs += float(p["legs"])
        pair.tons += float(p.get("tons") or 0.0)
        km = "no legal route" if p.get("route_km") is None else f"{p['route_km']:,.0f} km"
        pair.lines.append(f"{p['origin']} → {p['destination']}: {_n(p['legs'])} legs, {float(p.get('tons') or 0):,.0f} t "
                          f"({p.get('counted', 'one run')}); {km} over {p.get('overflies', '')}")
    return sorted(pairs.values(), key=lambda q: q.legs)


def _n(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() or x >= 100 else f"{x:,.1f}"


def _label_boxes(proj: Any, fields: list[dict[str, Any]], box: tuple[float, float, float, float]
                 ) -> list[tuple[float, float, float, float]]:
    """Where the airfields' dots and names are drawn (SVG km): route numbers keep clear of them."""
    size = (box[1] - box[0]) / 1000.0 / WIDTH_PX
    places = []
    for f in fields:
        x, y = proj(*f["geometry"]["coordinates"][:2])
        places.append((x / 1000.0, -y / 1000.0, f"{f['properties']['ident']} {f['properties'].get('name', '')}"))
    font = 11 * size
    boxes = [(x - 6 * size, y - 6 * size, x + 6 * size, y + 6 * size) for x, y, _ in places]
    for x, y, text, anchor in _placed(places, size):
        width = 0.6 * font * len(text)
        left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
        boxes.append((left, y - font, left + width, y + 0.3 * font))
    return boxes


def _legs(proj: Any, legs: list[dict[str, Any]], phase_of: dict[tuple[Any, Any], int],
          box: tuple[float, float, float, float], avoid: list[tuple[float, float, float, float]]) -> str:
    pairs = _pairs(proj, legs, phase_of)
    most = max([q.legs for q in pairs] + [1.0])
    size = (box[1] - box[0]) / 1000.0 / WIDTH_PX  # km per pixel at zoom 1
    taken = list(avoid)  # the numbers placed, and the airfields' dots and names
    numbers: list[str] = []
    out = ['<g data-layer="routes" fill="none" stroke-linecap="round">']
    for q in sorted(pairs, key=lambda q: -q.legs):  # the busiest routes get their numbers' best places
        line = np.asarray(q.coords)
        px, py = proj(line[:, 0], line[:, 1])
        xy = np.column_stack([px, -py]) / 1000.0
        d = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in xy)
        colour = style.PALETTE[0] if q.tons > 0 else "#737373"
        width = 1.0 + 6.0 * math.sqrt(q.legs / most)
        spot = _number_spot(xy, _n(q.legs), size, taken)
        if spot is not None:  # numbers over every route: drawn after them all
            numbers.append(f'<text x="{spot[0]:.1f}" y="{spot[1]:.1f}" data-phase="{q.phase}" font-size="{12 * size:.1f}" '
                           f'font-weight="bold" text-anchor="middle" dominant-baseline="central" class="leg-label" '
                           f'fill="{"#0b3d66" if q.tons > 0 else "#404040"}" stroke="white" '
                           f'stroke-width="{4 * size:.1f}" paint-order="stroke">{_n(q.legs)}</text>')
        out.append(f'<g class="leg phase-{q.phase}" data-phase="{q.phase}" data-legs="{q.legs:g}" '
                   f'data-ends="{escape("-".join(q.ends))}"><title>{escape(chr(10).join(q.lines))}</title>'
                   f'<path d="{d}" stroke="{colour}" stroke-width="{width:.1f}" stroke-opacity="0.85" '
                   f'vector-effect="non-scaling-stroke"/></g>')
    # Drawn least busy first: the busiest on top.
    return "".join(out[:1] + out[:0:-1]) + '<g class="route-numbers">' + "".join(numbers) + "</g></g>"


def _number_spot(xy: np.ndarray, text: str, size: float, taken: list[tuple[float, float, float, float]]
                 ) -> tuple[float, float] | None:
    """Where along a route (SVG km) its number goes: the first of a few points along it whose box overlaps
    no number placed (``taken``, appended to); None for a route under 60 pixels long, whose number would
    sit on its airfields (its hover text gives it)."""
    steps = np.hypot(*np.diff(xy, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    if along[-1] / size < 60:
        return None
    half_w, half_h = 0.35 * 12 * size * len(text) + 2 * size, 0.7 * 12 * size
    spots = []
    for fraction in (0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8, 0.14, 0.86):
        k = int(np.searchsorted(along, fraction * along[-1]))
        x, y = xy[min(k, len(xy) - 1)]
        spots.append((x, y, (x - half_w, y - half_h, x + half_w, y + half_h)))
    x, y, boxed = next((s for s in spots if not any(_overlap(s[2], t) for t in taken)), spots[0])
    taken.append(boxed)
    return float(x), float(y)


def _airfields(proj: Any, fields: list[dict[str, Any]], box: tuple[float, float, float, float]) -> str:
    size = (box[1] - box[0]) / 1000.0 / WIDTH_PX
    dots, labels = ['<g data-layer="airfields">'], ['<g data-layer="labels">']
    places = []
    for f in fields:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][:2]
        x, y = proj(lon, lat)
        x, y = x / 1000.0, -y / 1000.0
        places.append((x, y, f"{p['ident']} {p.get('name', '')}"))
        facts = [f"{p['ident']} {p.get('name', '')} ({p.get('country', '')})", f"MOG {p.get('mog')}",
                 "fuel" if p.get("fuel") else "no fuel", f"runway {p.get('runway_m') or 0:,.0f} m"]
        if p.get("fuel_stop"):
            facts.append("en-route fuel stop")
        if p.get("diversion"):
            facts.append("diversion or emergency landing")
        fill = "#d62728" if p.get("diversion") else "black"  # red: a diversion or emergency landing ended here
        shape = (f'<rect x="{x - 4 * size:.1f}" y="{y - 4 * size:.1f}" width="{8 * size:.1f}" height="{8 * size:.1f}" '
                 'fill="gold"' if p.get("fuel_stop") else f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{4 * size:.1f}" fill="{fill}"')
        dots.append(f'<g class="airfield" data-ident="{escape(p["ident"])}"><title>{escape(", ".join(facts))}</title>'
                    f'{shape} stroke="white" stroke-width="1" vector-effect="non-scaling-stroke"/></g>')
    for x, y, text, anchor in _placed(places, size):
        labels.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{11 * size:.1f}" text-anchor="{anchor}" '
                      f'stroke="white" stroke-width="{3 * size:.1f}" paint-order="stroke">{escape(text)}</text>')
    return "".join(dots) + "</g>" + "".join(labels) + "</g>"


def _placed(places: list[tuple[float, float, str]], size: float) -> list[tuple[float, float, str, str]]:
    """Each airfield's label beside its dot, at the first of six positions whose box overlaps no label
    placed and no dot (the first position when none is free). ``size``: km per pixel."""
    font = 11 * size
    dots = [(x - 5 * size, y - 5 * size, x + 5 * size, y + 5 * size) for x, y, _ in places]
    boxes: list[tuple[float, float, float, float]] = []
    out = []
    for x, y, text in sorted(places, key=lambda q: (q[1], q[0])):
        width, height = 0.6 * font * len(text), 1.2 * font
        choice = None
        for dx, dy, anchor in ((6, -5, "start"), (6, 13, "start"), (-6, -5, "end"), (-6, 13, "end"), (0, -9, "middle"),
                               (0, 20, "middle")):
            lx, ly = x + dx * size, y + dy * size
            left = lx if anchor == "start" else lx - width if anchor == "end" else lx - width / 2
            candidate = (left, ly - height * 0.8, left + width, ly + height * 0.2)
            if not any(_overlap(candidate, b) for b in boxes + dots):
                choice = (lx, ly, anchor, candidate)
                break
        if choice is None:
            lx, ly = x + 6 * size, y - 5 * size
            choice = (lx, ly, "start", (lx, ly - height * 0.8, lx + width, ly + height * 0.2))
        boxes.append(choice[3])
        out.append((choice[0], choice[1], text, choice[2]))
    return out


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
