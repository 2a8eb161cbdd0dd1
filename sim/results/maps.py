"""Maps in an azimuthal equidistant projection (pyproj; nothing downloaded).

Distances from the projection's centre are true, so a range ring is an exact circle; the scale bar is
true at the centre. Drawn: land and country borders, a graticule, closed airspace (filled where closed
to every flight; outlined in orange and hatched where closed only to some flights, whose routes may
cross it legally), routes, airfields with their names placed clear of each other, a scale bar and a
legend. The extent is fitted to what is drawn.

Geometries are projected once per projection and kept in memory (land is the same on every map of a
run), and drawn as one collection per style rather than one patch per polygon.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
import shapely
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch
from matplotlib.path import Path as MplPath
from pyproj import Proj

from sim.data import countries, derived
from sim.data.catalog import Airfield
from sim.geo import geodesy as geo
from sim.geo.airspace import AirspacePolicy
from sim.geo.routing import Route
from sim.results import style
from sim.results.gis import GEOMETRY_SOURCES, FlownLeg, FlownTally

HORIZON_M = 9_000_000.0  # land further than this from the centre is not drawn (the projection tears beyond)


@dataclass(frozen=True)
class Ring:
    """A range circle around the centre."""

    radius_km: float
    label: str


@dataclass(frozen=True)
class MapRoute:
    """A route to draw and whether its destination is reachable non-stop (``max_payload_t``: the most the
    type carries there non-stop, which colours the destination when given)."""

    destination: Airfield
    route: Route
    reachable: bool
    origin: Airfield | None = None  # drawn and labelled when it is not the map's centre
    max_payload_t: float | None = None


# --- projection and cached geometry ------------------------------------------------------------------


def _proj_string(centre: tuple[float, float]) -> str:
    return f"+proj=aeqd +lat_0={centre[1]:.3f} +lon_0={centre[0]:.3f} +ellps=WGS84 +units=m"


@lru_cache(maxsize=16)
def _projection(proj_string: str) -> Proj:
    return Proj(proj_string)


def _project(proj_string: str, geom: shapely.Geometry) -> shapely.Geometry:
    proj = _projection(proj_string)
    return shapely.transform(shapely.segmentize(geom, 0.5), lambda xy: np.column_stack(proj(xy[:, 0], xy[:, 1])))


def _centre_of(proj_string: str) -> tuple[float, float]:
    parts = dict(p.split("=") for p in proj_string.split() if "=" in p)
    return float(parts["+lon_0"]), float(parts["+lat_0"])


def _window(box: tuple[float, ...]) -> tuple[int, ...]:
    """A map's limits rounded outwards to 250 km: the key under which its projected geometry is cached."""
    step = 250_000.0
    return (int(math.floor(box[0] / step)), int(math.ceil(box[1] / step)), int(math.floor(box[2] / step)),
            int(math.ceil(box[3] / step)))


def _window_polygon(window: tuple[int, ...]) -> shapely.Geometry:
    step = 250_000.0
    return shapely.box(window[0] * step, window[2] * step, window[1] * step, window[3] * step).buffer(100_000.0)


def _lonlat_bounds(proj_string: str, window: tuple[int, ...]) -> tuple[float, float, float, float]:
    """Longitude and latitude bounds of a map window (the whole globe's longitudes if it holds a pole)."""
    proj = _projection(proj_string)
    x0, y0, x1, y1 = _window_polygon(window).bounds
    t = np.linspace(0, 1, 50)
    xs = np.concatenate([x0 + (x1 - x0) * t, np.full(50, x1), x1 - (x1 - x0) * t, np.full(50, x0)])
    ys = np.concatenate([np.full(50, y0), y0 + (y1 - y0) * t, np.full(50, y1), y1 - (y1 - y0) * t])
    lons, lats = proj(xs, ys, inverse=True)
    ok = np.isfinite(lons) & np.isfinite(lats) & (np.abs(lons) <= 180)
    lons, lats = lons[ok], lats[ok]
    px, py = proj(0.0, 90.0)
    sx, sy = proj(0.0, -90.0)
    north = x0 <= px <= x1 and y0 <= py <= y1
    south = x0 <= sx <= x1 and y0 <= sy <= y1
    if north or south or len(lons) == 0 or lons.max() - lons.min() > 180:
        return -180.0, -90.0 if south else float(lats.min()) - 1, 180.0, 90.0 if north else float(lats.max()) + 1
    return float(lons.min()) - 1, float(lats.min()) - 1, float(lons.max()) + 1, float(lats.max()) + 1


@lru_cache(maxsize=1)
def _geometry_digest() -> str:
    """Digest of what projected geometry depends on: the polygons, the airspace data and the code that
    builds, simplifies and projects them."""
    return derived.package_digest(*GEOMETRY_SOURCES, "results/maps.py")


@lru_cache(maxsize=16)
def _land_paths(proj_string: str, window: tuple[int, ...]) -> tuple[MplPath, ...]:
    """The land inside a map window, projected, as paths (cached per projection and window, in memory and
    in the cache folder: building and projecting the land takes 0.5 s)."""

    def build() -> list[tuple[np.ndarray, np.ndarray]]:
        centre = _centre_of(proj_string)
        west, south, east, north = _lonlat_bounds(proj_string, window)
        parts = []
        for country in countries.countries().values():
            minx, miny, maxx, maxy = country.bounds
            if maxx < west or minx > east or maxy < south or miny > north or _beyond(centre, country):
                continue
            # Not clipped: the Axes clip what lies outside the window, faster than intersecting polygons.
            for part in country.parts:  # drawn as given: merging them into one polygon changes nothing seen
                land = shapely.clip_by_rect(part, west - 5, south - 5, east + 5, north + 5)
                parts += _path_arrays(_project(proj_string, land))
        return parts

    parts = derived.remembered("map-land", (_geometry_digest(), proj_string, window), build)
    return tuple(MplPath(vertices, codes) for vertices, codes in parts)


@lru_cache(maxsize=64)
def _airspace_paths(proj_string: str, codes: frozenset[str], territorial_nm: float,
                    window: tuple[int, ...]) -> tuple[MplPath, ...]:
    """Closed airspace of ``codes`` inside a map window, projected, as paths (cached like the land). Only
    the airspace of the groups of countries (sim.geo.obstacles) that reach into the window is built."""
    from sim.geo.obstacles import airspace_groups
    from sim.results.gis import airspace_geometry

    if not codes:
        return ()

    def build() -> list[tuple[np.ndarray, np.ndarray]]:
        box = _lonlat_bounds(proj_string, window)
        box = (box[0] - 5, box[1] - 5, box[2] + 5, box[3] + 5)
        groups = airspace_groups(codes, territorial_nm)
        shown = groups.codes_of(groups.in_box(*box))
        return _path_arrays(_project(proj_string, shapely.clip_by_rect(airspace_geometry(shown, territorial_nm), *box))) \
            if shown else []

    key = (_geometry_digest(), proj_string, tuple(sorted(codes)), repr(float(territorial_nm)), window)
    return tuple(MplPath(vertices, kinds) for vertices, kinds in derived.remembered("map-airspace", key, build))


def _beyond(centre: tuple[float, float], country: countries.Country) -> bool:
    """True when every corner and the middle of the land's bounds are beyond the horizon."""
    minx, miny, maxx, maxy = country.bounds
    corners = [(minx, miny), (minx, maxy), (maxx, miny), (maxx, maxy), ((minx + maxx) / 2, (miny + maxy) / 2)]
    lons, lats = np.array(corners).T
    _, _, d = geo.wgs84().inv(np.full(5, centre[0]), np.full(5, centre[1]), lons, lats)
    return bool(np.min(d) > HORIZON_M and not any(part.contains(shapely.Point(centre)) for part in country.parts)) or bool(
        np.min(d) > 15_000_000.0)


def _path_arrays(geom: shapely.Geometry) -> list[tuple[np.ndarray, np.ndarray]]:
    """(vertices, codes) of a path per polygon of ``geom``, each ring closed."""
    paths = []
    for polygon in shapely.get_parts(geom):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        rings = [np.asarray(polygon.exterior.coords)] + [np.asarray(r.coords) for r in polygon.interiors]
        vertices = np.concatenate(rings)
        codes = np.concatenate([[MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 2) + [MplPath.CLOSEPOLY] for r in rings])
        paths.append((vertices, codes.astype(MplPath.code_type)))
    return paths


def _add_paths(ax: plt.Axes, paths: Iterable[MplPath], **kw) -> None:
    paths = list(paths)
    if paths:
        ax.add_collection(PathCollection(paths, **kw), autolim=False)


# --- pieces of a map ---------------------------------------------------------------------------------


def _fit(ax: plt.Axes, xs: list[float], ys: list[float], pad: float = 0.12, aspect: float = 1.0) -> tuple[float, ...]:
    """Limits around the points, padded, with the width/height ratio ``aspect``, at least 800 km across."""
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    w, h = max(x1 - x0, 800_000.0), max(y1 - y0, 800_000.0)
    w, h = w * (1 + 2 * pad), h * (1 + 2 * pad)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    limits = (cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2)
    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    return limits


@lru_cache(maxsize=16)
def _graticule_lines(proj_string: str, step: int) -> tuple[tuple[np.ndarray, str, int], ...]:
    """Meridians and parallels every ``step`` degrees, projected: (x, y) points, "lon" or "lat", degrees
    (cached like the land: projecting them takes 0.1 s)."""

    def build() -> list[tuple[np.ndarray, str, int]]:
        proj = _projection(proj_string)
        segments = []
        fine = np.linspace(-180, 180, 721)
        for lon in range(-180, 180, step):
            lats = np.linspace(-80, 80, 321)
            segments.append((np.column_stack(proj(np.full_like(lats, lon), lats)), "lon", lon))
        for lat in range(-80, 81, step):
            segments.append((np.column_stack(proj(fine, np.full_like(fine, lat))), "lat", lat))
        return segments

    return tuple(derived.remembered("map-graticule", (_geometry_digest(), proj_string, step), build))


def _graticule(ax: plt.Axes, proj_string: str, limits: tuple[float, ...]) -> None:
    """Meridians and parallels every 5 or 10 degrees, labelled at the bottom and left edges."""
    x0, x1, y0, y1 = limits
    step = 5 if max(x1 - x0, y1 - y0) < 3_500_000 else 10
    labels = []
    lines = []
    for xy, kind, value in _graticule_lines(proj_string, step):
        inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1) & np.all(np.isfinite(xy), axis=1)
        if not inside.any():
            continue
        # Break the line where the projection jumps (beyond the horizon).
        jumps = np.hypot(*np.diff(xy, axis=0).T) > 1_000_000
        start = 0
        for k in [*np.nonzero(jumps)[0] + 1, len(xy)]:
            if k - start > 1:
                lines.append(xy[start:k])
            start = k
        pts = xy[inside]
        if kind == "lon":
            x, y = pts[np.argmin(pts[:, 1])]
            if not x0 + 0.04 * (x1 - x0) < x < x1 - 0.04 * (x1 - x0):
                continue
            labels.append((x, y0, f"{abs(value)}°{'E' if value >= 0 else 'W'}", "center", "bottom"))
        else:
            x, y = pts[np.argmin(pts[:, 0])]
            if not y0 + 0.04 * (y1 - y0) < y < y1 - 0.04 * (y1 - y0):
                continue
            labels.append((x0, y, f"{abs(value)}°{'N' if value >= 0 else 'S'}", "left", "center"))
    ax.add_collection(LineCollection(lines, colors="0.55", linewidths=0.4, alpha=0.6, zorder=1.5), autolim=False)
    for x, y, text, ha, va in labels:
        ax.text(x, y, text, fontsize=6, color="0.4", ha=ha, va=va, zorder=1.6, clip_on=True)


def _nice(length_m: float) -> float:
    """A round length (1, 2 or 5 x 10^k metres) at most ``length_m``."""
    k = 10 ** math.floor(math.log10(length_m))
    return max(m * k for m in (1, 2, 5) if m * k <= length_m)


def _scale_bar(ax: plt.Axes, limits: tuple[float, ...]) -> None:
    x0, x1, y0, y1 = limits
    length = _nice((x1 - x0) / 5)
    x, y = x1 - (x1 - x0) * 0.04 - length, y0 + (y1 - y0) * 0.05
    ax.plot([x, x + length], [y, y], color="black", linewidth=3, solid_capstyle="butt", zorder=7)
    ax.plot([x, x + length / 2], [y, y], color="white", linewidth=1.5, solid_capstyle="butt", zorder=7.1)
    ax.text(x + length / 2, y + (y1 - y0) * 0.012, f"{length / 1000:,.0f} km", ha="center", va="bottom", fontsize=7, zorder=7)


def place_labels(ax: plt.Axes, items: list[tuple[float, float, str, float]], avoid: list[tuple[float, float]],
                 fontsize: float = 7.0) -> list[tuple[float, float, float, float]]:
    """Label points without overlaps: each (x, y, text, importance) tries eight positions around its point,
    most important first, and takes the first whose box overlaps no label placed and no point in
    ``avoid``; when none is free it moves outwards (with a thin leader line). Returns the boxes used."""
    fig = ax.figure
    engine = fig.get_layout_engine()
    if engine is not None:  # the Axes' final size, without drawing the figure
        engine.execute(fig)  # type: ignore[arg-type]
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bbox = ax.get_window_extent()
    per_pt_x = (x1 - x0) / (bbox.width * 72.0 / fig.dpi)  # data units per typographic point
    per_pt_y = (y1 - y0) / (bbox.height * 72.0 / fig.dpi)
    placed: list[tuple[float, float, float, float]] = []
    dot = 4.0  # points around an airfield's marker kept clear
    blocks = [(x - dot * per_pt_x, y - dot * per_pt_y, x + dot * per_pt_x, y + dot * per_pt_y) for x, y in avoid]
    directions = [(1, 0.3), (1, -1), (-1, 0.3), (-1, -1), (0, 1), (0, -1.6), (1, 1), (-1, 1)]
    for x, y, text, _ in sorted(items, key=lambda t: -t[3]):
        width = 0.55 * fontsize * max(len(line) for line in text.split("\n")) * per_pt_x
        height = 1.25 * fontsize * (text.count("\n") + 1) * per_pt_y
        choice = None
        for radius in (5, 14, 26, 40):
            for dx, dy in directions:
                ox, oy = x + dx * radius * per_pt_x, y + dy * radius * per_pt_y
                left = ox if dx > 0 else ox - width if dx < 0 else ox - width / 2
                bottom = oy if dy >= 0 else oy - height
                box = (left, bottom, left + width, bottom + height)
                if box[0] < x0 or box[2] > x1 or box[1] < y0 or box[3] > y1:
                    continue
                if not any(_overlap(box, other) for other in placed + blocks):
                    choice = (box, radius)
                    break
            if choice:
                break
        if choice is None:  # crowded: the first position, however it overlaps
            width_box = (x + 5 * per_pt_x, y, x + 5 * per_pt_x + width, y + height)
            choice = (width_box, 5)
        box, radius = choice
        placed.append(box)
        ax.text(box[0], box[1], text, fontsize=fontsize, ha="left", va="bottom", zorder=8, linespacing=1.05,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75})
        if radius > 5:
            cx = min(max(x, box[0]), box[2])
            cy = min(max(y, box[1]), box[3])
            ax.plot([x, cx], [y, cy], color="0.4", linewidth=0.5, zorder=7.5)
    return placed


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _airspace(ax: plt.Axes, proj_string: str, policy: AirspacePolicy, box: tuple[float, ...]) -> list[tuple[Patch, str]]:
    legend = []
    window = _window(box)
    everyone = _airspace_paths(proj_string, policy.closed, policy.territorial_nm, window)
    if everyone:
        _add_paths(ax, everyone, facecolor=style.CLOSED_COLOR, alpha=0.22, edgecolor=style.CLOSED_COLOR, linewidth=0.5,
                   zorder=2)
        legend.append((Patch(facecolor=style.CLOSED_COLOR, alpha=0.22, edgecolor=style.CLOSED_COLOR),
                       "closed to every flight (land + territorial waters)"))
    for rule in policy.rules:
        _add_paths(ax, _airspace_paths(proj_string, rule.closed, policy.territorial_nm, window), facecolor="none",
                   edgecolor=style.SOME_FLIGHTS_COLOR, hatch="...", linewidth=0.9, linestyle="--", zorder=2)
        legend.append((Patch(facecolor="none", edgecolor=style.SOME_FLIGHTS_COLOR, hatch="...", linestyle="--"),
                       f"closed only to some flights: {rule.describe()}\n(other flights may cross it)"))
    return legend


def _base(ax: plt.Axes, proj_string: str, box: tuple[float, ...]) -> None:
    ax.set_facecolor(style.WATER_COLOR)
    _add_paths(ax, _land_paths(proj_string, _window(box)), facecolor=style.LAND_COLOR, edgecolor=style.COAST_COLOR,
               linewidth=0.35, zorder=1)


def _finish(ax: plt.Axes, title: str, legend: list[tuple[object, str]], note: str) -> None:
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("0.5")
    ax.set_title(title, fontsize=10)
    if legend:
        handles, labels = zip(*legend, strict=True)
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.035), fontsize=6.5, framealpha=0.92,
                  ncols=2, borderaxespad=0.0)
    ax.text(1.0, -0.005, note, transform=ax.transAxes, ha="right", va="top", fontsize=5.5, color="0.3")


# --- the maps ----------------------------------------------------------------------------------------


def reach_map(
    origin: Airfield,
    policy: AirspacePolicy,
    routes: Iterable[MapRoute],
    rings: Iterable[Ring],
    title: str,
    extent_km: float | None = None,
    centre: tuple[float, float] | None = None,
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """Map of routes from ``origin`` under ``policy`` with range rings around the origin. Destinations
    with ``max_payload_t`` are coloured by it (the most the type carries there non-stop on the legal
    route; hollow: none); otherwise filled when reachable.

    ``extent_km`` draws at least that far from the centre; ``centre`` (lon, lat) moves the projection's
    centre away from the origin; ``ax`` draws on existing Axes (one panel of several).
    """
    routes, rings = list(routes), list(rings)
    centre = (origin.lon, origin.lat) if centre is None else centre
    proj_string = _proj_string(centre)
    proj = _projection(proj_string)
    with style.briefing():
        if ax is None:
            # The map is 1.1 times wider than high: beside a colour bar it is narrower, so the figure is
            # lower (a 9.5-inch-high figure left a blank band of almost an inch above the title).
            with_bar = any(i.max_payload_t is not None for i in routes)
            fig, ax = plt.subplots(figsize=(9, 8.7 if with_bar else 9.5), constrained_layout=True)
        else:
            fig = ax.figure  # type: ignore[assignment]
        ox, oy = proj(origin.lon, origin.lat)
        xs, ys, lines = _reach_lines(proj, routes, ox, oy)
        if extent_km is not None:  # at least this far around the origin, and every destination as well
            reach_m = 1000.0 * extent_km * 0.6
            xs, ys = [*xs, ox - reach_m, ox + reach_m], [*ys, oy]
        box = _fit(ax, xs, ys, aspect=1.1)
        _base(ax, proj_string, box)
        _graticule(ax, proj_string, box)
        legend = _airspace(ax, proj_string, policy, box)
        _draw_rings(ax, rings, ox, oy, legend)
        _draw_reach_lines(ax, lines, legend)
        labels, points, coloured = _draw_destinations(ax, fig, proj, routes, ox, oy)
        ax.plot(ox, oy, marker="*", markersize=14, color="black", zorder=7)
        labels.append((ox, oy, f"{origin.ident} {origin.name}", 2.0))
        cmap = plt.get_cmap("viridis")  # the destination's legend dot, in the colour of a well-loaded one
        legend += [(Line2D([], [], marker="*", color="black", linestyle="none", markersize=10), "origin"),  # type: ignore[list-item]
                   (Line2D([], [], marker="o", color="tab:green" if not coloured else cmap(0.8), markeredgecolor="black",  # type: ignore[list-item]
                           linestyle="none"), "destination" + (", reachable non-stop" if not coloured else ""))]
        _scale_bar(ax, box)
        _finish(ax, title, legend, "Azimuthal equidistant centred on the origin; scale true at the centre. "  # type: ignore[arg-type]
                "Country polygons: Natural Earth (public domain).")
        place_labels(ax, labels, points)
    return fig


def _reach_lines(proj: Proj, routes: list[MapRoute], ox: float, oy: float
                 ) -> tuple[list[float], list[float], list[tuple[np.ndarray, bool]]]:
    """Projected points to fit the map to (the origin and every destination) and each legal route's projected
    line with whether its destination is reachable non-stop."""
    xs, ys = [ox], [oy]
    lines = []
    for item in routes:
        x, y = proj(item.destination.lon, item.destination.lat)
        xs.append(x)
        ys.append(y)
        if item.route.legal:
            line = np.asarray(item.route.line(25.0).coords)
            px, py = proj(line[:, 0], line[:, 1])
            lines.append((np.column_stack([px, py]), item.reachable))
    return xs, ys, lines


def _draw_rings(ax: plt.Axes, rings: list[Ring], ox: float, oy: float, legend: list[tuple[Patch, str]]) -> None:
    """Range rings, dashed circles around the origin, each with its legend entry."""
    for k, ring in enumerate(rings):
        color = plt.get_cmap("tab10")(k % 10)
        ax.add_patch(Circle((ox, oy), ring.radius_km * 1000.0, fill=False, color=color, linestyle="--", linewidth=1.1,
                            zorder=3))
        legend.append((Line2D([], [], color=color, linestyle="--"),  # type: ignore[arg-type]
                       f"{ring.label}: {ring.radius_km:,.0f} km (great circle)"))


def _draw_reach_lines(ax: plt.Axes, lines: list[tuple[np.ndarray, bool]], legend: list[tuple[Patch, str]]) -> None:
    """Legal routes, blue to a destination reachable non-stop and grey otherwise, with their legend entries."""
    reach_lines = [xy for xy, ok in lines if ok]
    other_lines = [xy for xy, ok in lines if not ok]
    ax.add_collection(LineCollection(other_lines, colors="0.45", linewidths=0.8, zorder=4), autolim=False)
    ax.add_collection(LineCollection(reach_lines, colors=style.PALETTE[0], linewidths=1.1, zorder=4.1), autolim=False)
    if reach_lines:
        legend.append((Line2D([], [], color=style.PALETTE[0]), "legal route, reachable non-stop"))  # type: ignore[arg-type]
    if other_lines:
        legend.append((Line2D([], [], color="0.45"), "legal route, not reachable non-stop"))  # type: ignore[arg-type]


def _draw_destinations(ax: plt.Axes, fig: plt.Figure, proj: Proj, routes: list[MapRoute], ox: float, oy: float
                       ) -> tuple[list[tuple[float, float, str, float]], list[tuple[float, float]], bool]:
    """Destinations as dots, coloured by the most payload carried there non-stop (with a colour bar) when
    given, else filled when reachable. Returns their labels, the points (origin first) and whether coloured."""
    payloads = [i.max_payload_t for i in routes if i.max_payload_t is not None]
    coloured = bool(payloads)
    if coloured:
        top = max(max(payloads), 1.0)
        cmap = plt.get_cmap("viridis")
        norm = plt.Normalize(0, top)
    labels, points, faces = [], [(ox, oy)], []
    for item in routes:
        x, y = proj(item.destination.lon, item.destination.lat)
        points.append((x, y))
        if coloured:
            faces.append(cmap(norm(item.max_payload_t)) if item.max_payload_t is not None and item.max_payload_t >= 0
                         else "white")
        else:
            faces.append("tab:green" if item.reachable else "white")
        km = f"{item.route.length_km:,.0f} km" if item.route.legal else "no legal route"
        load = "" if item.max_payload_t is None or item.max_payload_t < 0 else f", {item.max_payload_t:,.0f} t"
        labels.append((x, y, f"{item.destination.ident} {km}{load}", 1.0 if item.reachable else 0.5))
    if faces:  # every destination in one collection (a dot 6 points across)
        ax.scatter([p[0] for p in points[1:]], [p[1] for p in points[1:]], s=6.0**2, marker="o", facecolors=faces,
                   edgecolors="black", linewidths=0.7, zorder=6)
    if coloured:
        bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, pad=0.01)
        bar.set_label("most payload non-stop on the legal route (t); hollow: none")
    return labels, points, coloured


def routes_map(world, policy: AirspacePolicy | None = None, sortie_rows: Iterable[dict] | FlownTally | None = None,
               replications: int = 1) -> plt.Figure:
    """Map of a run: one panel per airspace phase (the starting airspace and after each airspace event),
    titled with its days. With ``sortie_rows`` (sorties.csv rows) it draws the legs actually flown, on the
    legal route each took, as wide as their number of legs, fuel stops and diversions marked; without,
    the legal route of every requirement leg. ``policy`` draws one panel under that airspace instead.
    ``replications``: how many replications ``sortie_rows`` hold; the numbers drawn are then legs per
    replication (the mean over them), and the title and legend say so."""
    from sim.results.gis import flown_legs

    days = world.run.horizon_h / 24.0
    if policy is not None:
        panels = [(None, None, policy, 0)]
    else:
        starts = [hour / 24.0 for hour, _ in world.phases]
        panels = [(starts[k], starts[k + 1] if k + 1 < len(starts) else days, p, k) for k, (_, p) in enumerate(world.phases)]
    legs = flown_legs(world, sortie_rows) if sortie_rows is not None else None
    fields = {world.airfields[i] for i in world.named_airfields}
    if legs:
        fields |= {world.airfields[i] for g in legs for i in (g.origin, g.destination)}
    centre = _middle(sorted(fields, key=lambda a: a.ident))
    proj_string = _proj_string(centre)
    count = len(panels)
    with style.briefing():
        fig, axes = plt.subplots(1, count, figsize=(8.5 * count if count < 3 else 6.5 * count, 9.5 if count < 3 else 8),
                                 constrained_layout=True, squeeze=False)
        for ax, (start, end, phase_policy, k) in zip(axes[0], panels, strict=True):
            when = "" if start is None else f"days {start:g}-{end:g}, "
            if legs is None:
                items: list[_Leg] | list[FlownLeg] = _requirement_legs(world, phase_policy)
                title = f"{world.run.name}: requirement legs, {when}airspace {phase_policy.label}"
            else:
                items = [g for g in legs if policy is not None or g.phase == k]
                flown = "legs flown" if replications == 1 else f"legs flown per replication (mean of {replications:,})"
                title = f"{world.run.name}: {flown}, {when}airspace {phase_policy.label}"
            _run_panel(ax, world, proj_string, phase_policy, items, title, fields, replications)
    return fig


@dataclass
class _Leg:
    origin: str
    destination: str
    route: Route
    legs: int = 0
    tons: float = 0.0
    fuel_stop: bool = False
    diverted: int = 0


def _requirement_legs(world, policy: AirspacePolicy) -> list[_Leg]:
    seen, items = set(), []
    for req in world.requirements:
        if (req.from_, req.to) not in seen:
            seen.add((req.from_, req.to))
            items.append(_Leg(req.from_, req.to, world.route(req.from_, req.to, policy)))
    return items


def _run_panel(ax: plt.Axes, world, proj_string: str, policy: AirspacePolicy, items: list, title: str,
               fields: set[Airfield], replications: int = 1) -> None:
    """One panel of a run's map: the legal routes of the legs flown (as wide as the legs flown both ways,
    numbered), the airfields used (fuel stops, diversions and scenario airfields marked), and the legend."""
    proj = _projection(proj_string)
    points = {a.ident: proj(a.lon, a.lat) for a in fields}
    xs, ys, drawn = _panel_lines(proj, items, points)
    box = _fit(ax, xs, ys, aspect=1.05)
    _base(ax, proj_string, box)
    _graticule(ax, proj_string, box)
    legend = _airspace(ax, proj_string, policy, box)
    most = max([i.legs for i in items] + [1])
    flown = any(i.legs for i in items)
    _draw_pairs(ax, drawn, flown, most, replications)
    stops = {i.destination for i in items if i.fuel_stop}
    diverted_to = {i.destination for i in items if i.diverted}
    labels, used = _draw_panel_airfields(ax, world, proj, points, items, stops, diverted_to)
    _panel_legend(legend, flown, most, replications, stops, diverted_to)
    _scale_bar(ax, box)
    numbers = "legs flown" if replications == 1 else f"legs flown per replication, mean of {replications:,}"
    _finish(ax, title, legend, f"Azimuthal equidistant; scale true at the centre. Numbers on routes: {numbers}. "  # type: ignore[arg-type]
            "Country polygons: Natural Earth (public domain).")
    place_labels(ax, labels, [points.get(i, proj(world.airfields[i].lon, world.airfields[i].lat)) for i in used])


def _panel_lines(proj: Proj, items: list, points: dict[str, tuple[float, float]]
                 ) -> tuple[list[float], list[float], list[tuple[object, np.ndarray]]]:
    """Points to fit the panel to (every airfield and a sample of each route's points) and each legal route
    with its projected line."""
    xs = [p[0] for p in points.values()]
    ys = [p[1] for p in points.values()]
    drawn = []
    for item in items:
        if item.route.legal:
            line = np.asarray(item.route.line(25.0).coords)
            px, py = proj(line[:, 0], line[:, 1])
            drawn.append((item, np.column_stack([px, py])))
            xs += list(px[:: max(1, len(px) // 20)])
            ys += list(py[:: max(1, len(py) // 20)])
    return xs, ys, drawn


def _draw_pairs(ax: plt.Axes, drawn: list, flown: bool, most: int, replications: int) -> None:
    """Each pair of airfields once, as wide as the legs flown both ways, dotted when a leg was diverted,
    grey when only empty legs flew it, numbered with its legs (per replication) when legs were flown."""
    # Pairs flown both ways share one route: draw A-B once, as wide as the legs both ways.
    pairs: dict[tuple[str, str], list] = {}
    for item, xy in drawn:
        key = tuple(sorted((item.origin, item.destination)))
        if key in pairs:
            pairs[key][0] += item.legs
            pairs[key][2] += item.tons
            pairs[key][3] = pairs[key][3] or item.diverted > 0
        else:
            pairs[key] = [item.legs, xy, item.tons, item.diverted > 0]
    for _pair, (n, xy, tons, diverted) in sorted(pairs.items(), key=lambda kv: kv[1][0]):
        width = 1.2 if not flown else 0.6 + 4.0 * math.sqrt(n / most)
        color = style.PALETTE[0] if tons > 0 or not flown else "0.45"
        ax.plot(xy[:, 0], xy[:, 1], color=color, linewidth=width, linestyle=":" if diverted else "-", zorder=4,
                solid_capstyle="round", alpha=0.85)
        if flown:
            mid = xy[len(xy) // 2]
            ax.text(mid[0], mid[1], _legs_text(n, replications), fontsize=6, color=color, ha="center", va="center", zorder=5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": color, "lw": 0.4, "alpha": 0.85})


def _draw_panel_airfields(ax: plt.Axes, world, proj: Proj, points: dict[str, tuple[float, float]], items: list,
                          stops: set[str], diverted_to: set[str]) -> tuple[list[tuple[float, float, str, float]], set[str]]:
    """Every airfield used or named by the scenario, marked by its role; returns their labels and idents."""
    named = set(world.named_airfields)
    used = {i.origin for i in items} | {i.destination for i in items} | named
    labels = []
    for ident in sorted(used):
        a = world.airfields[ident]
        x, y = points[ident] if ident in points else proj(a.lon, a.lat)
        if ident in diverted_to:
            marker, face, size = "X", "tab:red", 8
        elif ident in stops:
            marker, face, size = "s", "gold", 7
        elif ident in named:
            marker, face, size = "o", "black", 6
        else:
            marker, face, size = "o", "white", 5
        ax.plot(x, y, marker=marker, color=face, markeredgecolor="black", markersize=size, linestyle="none", zorder=6)
        labels.append((x, y, f"{ident} {a.name}" + (f"\nMOG {a.mog}" + ("" if a.fuel else ", no fuel") if ident in named else ""),
                       2.0 if ident in named else 1.0))
    return labels, used


def _panel_legend(legend: list[tuple[Patch, str]], flown: bool, most: int, replications: int, stops: set[str],
                  diverted_to: set[str]) -> None:
    """Legend entries for the route widths (or the legal routes when nothing flew) and the airfield markers."""
    if flown:
        each = "" if replications == 1 else f" per replication (mean of {replications:,})"
        for n in sorted({max(1, most // 10), max(1, most // 3), most}):
            legend.append((Line2D([], [], color=style.PALETTE[0], linewidth=0.6 + 4.0 * math.sqrt(n / most)),  # type: ignore[arg-type]
                           f"{_legs_text(n, replications)} legs flown{each} (both ways)"))
        legend.append((Line2D([], [], color="0.45", linewidth=1.5), "empty legs only (repositioning, ferry)"))  # type: ignore[arg-type]
        if diverted_to:
            legend.append((Line2D([], [], color=style.PALETTE[0], linestyle=":"), "leg with a diversion"))  # type: ignore[arg-type]
    else:
        legend.append((Line2D([], [], color=style.PALETTE[0], linewidth=1.2), "legal route of a requirement leg"))  # type: ignore[arg-type]
    legend.append((Line2D([], [], marker="o", color="black", linestyle="none"), "scenario airfield (MOG; fuel)"))  # type: ignore[arg-type]
    if stops:
        legend.append((Line2D([], [], marker="s", color="gold", markeredgecolor="black", linestyle="none"),  # type: ignore[arg-type]
                       "en-route fuel stop"))
    if diverted_to:
        legend.append((Line2D([], [], marker="X", color="tab:red", markeredgecolor="black", linestyle="none"),  # type: ignore[arg-type]
                       "diversion or emergency landing"))


def _legs_text(legs: int, replications: int) -> str:
    """Legs counted over ``replications`` as a map shows them: the count of one run, else the mean per
    replication (one decimal below 100)."""
    if replications == 1:
        return f"{legs:,}"
    mean = legs / replications
    return f"{mean:,.1f}" if mean < 100 else f"{mean:,.0f}"


def _middle(airfields: list[Airfield]) -> tuple[float, float]:
    """(lon, lat) of the mean direction of the airfields: a centre for the map."""
    lat, lon = np.radians([a.lat for a in airfields]), np.radians([a.lon for a in airfields])
    x, y, z = np.mean(np.cos(lat) * np.cos(lon)), np.mean(np.cos(lat) * np.sin(lon)), np.mean(np.sin(lat))
    return float(np.degrees(np.arctan2(y, x))), float(np.degrees(np.arctan2(z, np.hypot(x, y))))
