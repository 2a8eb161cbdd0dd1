"""Maps in an azimuthal equidistant projection centred on the origin (pyproj; nothing downloaded).

Distances from the centre are true, so a range ring is an exact circle. Drawn: country outlines, closed
airspace shaded (hatched where it is closed only to some flights), range rings, legal routes and the
destinations (filled when reachable non-stop).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import shapely
from matplotlib.patches import Circle, PathPatch
from matplotlib.path import Path as MplPath
from pyproj import Proj

from sim.data import countries
from sim.data.catalog import Airfield
from sim.geo import geodesy as geo
from sim.geo.airspace import AirspacePolicy
from sim.geo.obstacles import closed_airspace
from sim.geo.routing import Route


@dataclass(frozen=True)
class Ring:
    """A range circle around the centre."""

    radius_km: float
    label: str


@dataclass(frozen=True)
class MapRoute:
    """A route to draw and whether its destination is reachable non-stop."""

    destination: Airfield
    route: Route
    reachable: bool
    origin: Airfield | None = None  # drawn and labelled when it is not the map's centre


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
    """Map of routes from ``origin`` under ``policy`` with range rings around the origin.

    ``centre`` (lon, lat) moves the projection's centre away from the origin (rings are then omitted);
    ``ax`` draws on existing Axes (one panel of several) instead of a new figure.
    """
    routes, rings = list(routes), list(rings)
    centre = (origin.lon, origin.lat) if centre is None else centre
    proj = Proj(f"+proj=aeqd +lat_0={centre[1]} +lon_0={centre[0]} +ellps=WGS84 +units=m")
    points = [(a.lon, a.lat) for r in routes for a in (r.destination, r.origin or origin)]
    lons, lats = np.array(points).T
    _, _, spread = geo.wgs84().inv(np.full(len(lons), centre[0]), np.full(len(lons), centre[1]), lons, lats)
    far = [float(np.max(spread)) / 1000.0] + [ring.radius_km for ring in rings]
    extent_m = 1000.0 * (extent_km or 1.15 * max(far + [1000.0]))
    disk = shapely.Point(0, 0).buffer(extent_m, quad_segs=32)

    def project(geom: shapely.Geometry) -> shapely.Geometry:
        moved = shapely.transform(shapely.segmentize(geom, 0.5), lambda xy: np.column_stack(proj(xy[:, 0], xy[:, 1])))
        return shapely.intersection(shapely.make_valid(moved), disk)

    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 9), constrained_layout=True)
    else:
        fig = ax.figure
    for country in countries.countries().values():
        if _beyond(centre, country.land, extent_m):
            continue
        _draw(ax, project(country.land), facecolor="0.93", edgecolor="0.55", linewidth=0.4, zorder=1)
    everyone = closed_airspace(policy.closed, policy.territorial_nm)
    if not everyone.empty:
        _draw(ax, project(everyone.union), facecolor="tab:red", alpha=0.25, edgecolor="tab:red", linewidth=0.5, zorder=2)
    for rule in policy.rules:
        some = closed_airspace(rule.closed, policy.territorial_nm)
        _draw(ax, project(some.union), facecolor="none", edgecolor="tab:red", hatch="///", linewidth=0.5, zorder=2)
    for k, ring in enumerate(rings):
        color = plt.get_cmap("tab10")(k % 10)
        ax.add_patch(Circle(proj(origin.lon, origin.lat), ring.radius_km * 1000.0, fill=False, color=color, linestyle="--",
                            linewidth=1.2, zorder=3, label=f"{ring.label}: {ring.radius_km:,.0f} km"))
    labelled: list[tuple[float, float, int]] = []
    for item in routes:
        x, y = proj(item.destination.lon, item.destination.lat)
        if item.route.legal:
            line = np.asarray(item.route.line(25.0).coords)
            px, py = proj(line[:, 0], line[:, 1])
            # Reachable routes on top: routes further on often share their first part.
            ax.plot(px, py, color="tab:blue" if item.reachable else "0.35", linewidth=1.1,
                    zorder=4.1 if item.reachable else 4)
        ax.plot(x, y, marker="o", markersize=6, zorder=5, color="tab:green" if item.reachable else "white",
                markeredgecolor="black")
        km = f"{item.route.length_km:,.0f} km" if item.route.legal else "no legal route"
        if item.origin is None:
            # Labels of airfields close together (a few hundred km) go on different sides of their dots.
            taken = {s for lx, ly, s in labelled if abs(lx - x) < 0.25 * extent_m and abs(ly - y) < 0.05 * extent_m}
            slot = next((s for s in range(3) if s not in taken), 0)
            labelled.append((x, y, slot))
            dx, dy, ha = ((4, 4, "left"), (-4, -10, "right"), (4, -10, "left"))[slot]
            ax.annotate(f"{item.destination.ident} {km}", (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha,
                        fontsize=7, zorder=6)
        else:
            ax.annotate(item.destination.ident, (x, y), xytext=(4, 4), textcoords="offset points", fontsize=8, zorder=6)
            if item.route.legal:  # label the leg at its middle
                mx, my = px[len(px) // 2], py[len(py) // 2]
                ax.annotate(f"{item.origin.ident}-{item.destination.ident} {km}", (mx, my), fontsize=7, zorder=6,
                            color="tab:blue", bbox={"boxstyle": "round", "fc": "white", "alpha": 0.7, "lw": 0})
    for start in {r.origin.ident: r.origin for r in routes if r.origin is not None}.values() or [origin]:
        sx, sy = proj(start.lon, start.lat)
        ax.plot(sx, sy, marker="*", markersize=14, color="black", zorder=6)
        ax.annotate(start.ident, (sx, sy), xytext=(6, -10), textcoords="offset points", fontsize=9, weight="bold")
    ax.set_xlim(-extent_m, extent_m)
    ax.set_ylim(-extent_m, extent_m)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)
    handles, labels = ax.get_legend_handles_labels()
    handles += [plt.Rectangle((0, 0), 1, 1, facecolor="tab:red", alpha=0.25),
                plt.Rectangle((0, 0), 1, 1, facecolor="none", edgecolor="tab:red", hatch="///")]
    some_flights = "; ".join(r.describe() for r in policy.rules)
    labels += ["closed airspace (land + territorial waters)",
               f"closed to some flights ({some_flights})" if policy.rules else "no flight-specific closures"]
    ax.legend(handles, labels, loc="lower left", fontsize=7, framealpha=0.9)
    ax.text(1.0, -0.01, "Azimuthal equidistant. Country polygons: Natural Earth (public domain). "
            "Filled dots: reachable non-stop.", transform=ax.transAxes, ha="right", va="top", fontsize=6, color="0.3")
    return fig


def _beyond(centre: tuple[float, float], land: shapely.Geometry, extent_m: float) -> bool:
    """True when every point of the land is far outside the map (the projection tears near the antipode)."""
    minx, miny, maxx, maxy = land.bounds
    corners = [(minx, miny), (minx, maxy), (maxx, miny), (maxx, maxy), ((minx + maxx) / 2, (miny + maxy) / 2)]
    lons, lats = np.array(corners).T
    _, _, d = geo.wgs84().inv(np.full(5, centre[0]), np.full(5, centre[1]), lons, lats)
    return bool(np.min(d) > extent_m + 3_000_000.0 and not land.contains(shapely.Point(centre))) or bool(
        np.min(d) > 15_000_000.0
    )


def _draw(ax: plt.Axes, geom: shapely.Geometry, **style) -> None:
    for polygon in shapely.get_parts(geom):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        rings = [np.asarray(polygon.exterior.coords)] + [np.asarray(r.coords) for r in polygon.interiors]
        vertices = np.concatenate(rings)
        codes = np.concatenate([[MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 2) + [MplPath.CLOSEPOLY] for r in rings])
        ax.add_patch(PathPatch(MplPath(vertices, codes), **style))


def routes_map(world, policy: AirspacePolicy | None = None) -> plt.Figure:
    """Map of the legal route of every requirement leg of a World: one panel per airspace phase (the
    starting airspace and after each airspace event), titled with its days; or under one ``policy``."""
    if policy is not None:
        panels = [(None, None, policy)]
    else:
        days = world.run.horizon_h / 24.0
        starts = [hour / 24.0 for hour, _ in world.phases]
        panels = [(starts[k], starts[k + 1] if k + 1 < len(starts) else days, p) for k, (_, p) in enumerate(world.phases)]
    count = len(panels)
    fig, axes = plt.subplots(1, count, figsize=(9 * count if count < 3 else 6 * count, 9 if count < 3 else 6.5),
                             constrained_layout=True, squeeze=False)
    for ax, (start, end, phase_policy) in zip(axes[0], panels, strict=True):
        items, seen = [], set()
        for req in world.requirements:
            if (req.from_, req.to) in seen:
                continue
            seen.add((req.from_, req.to))
            route = world.route(req.from_, req.to, phase_policy)
            items.append(MapRoute(world.airfields[req.to], route, route.legal, world.airfields[req.from_]))
        fields = {a.ident: a for item in items for a in (item.origin, item.destination)}
        when = "" if start is None else f"days {start:g}-{end:g}, "
        title = f"{world.run.name}: requirement legs, {when}airspace {phase_policy.label}"
        reach_map(items[0].origin, phase_policy, items, [], title, centre=_middle(list(fields.values())), ax=ax)
    return fig


def _middle(airfields: list[Airfield]) -> tuple[float, float]:
    """(lon, lat) of the mean direction of the airfields: a centre for the map."""
    lat, lon = np.radians([a.lat for a in airfields]), np.radians([a.lon for a in airfields])
    x, y, z = np.mean(np.cos(lat) * np.cos(lon)), np.mean(np.cos(lat) * np.sin(lon)), np.mean(np.sin(lat))
    return float(np.degrees(np.arctan2(y, x))), float(np.degrees(np.arctan2(z, np.hypot(x, y))))
