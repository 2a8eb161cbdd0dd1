"""GIS export: the legs flown, the airfields and the closed airspace as GeoJSON (RFC 7946) and KML.

* ``routes.geojson`` (every run): one LineString per airfield pair flown under each airspace phase (the
  legal route the aircraft took, from the router), with the legs flown, cargo tons, route km, countries
  overflown, fuel stops and diversions; one Point per airfield used, with its MOG, fuel and runway; one
  (Multi)Polygon per airspace phase of the closed airspace (land plus territorial waters), and one per
  flight-specific rule (closed only to some flights), each drawn where it lies within 10 degrees of the
  legs and airfields (by groups of neighbouring countries; ``drawn`` names them, ``closed`` all).
* ``reach.geojson`` (``airlift reach``, the reach report): the origin, every destination with its route
  km and most payload non-stop, the legal routes and the range circle.
* KML (Google Earth) of either collection: :func:`kml_document`.

A GIS reads a GeoJSON file as one layer of one geometry type, so collections are written one geometry type
per file (:func:`write_geojson_layers`): X.geojson the lines, X_airfields.geojson the points,
X_areas.geojson the polygons (as MultiPolygons). Of a replicated run the legs and tons of each pair are the
means per replication (``counted``: "per replication, mean of N"), with the sums beside them.

RFC 7946: coordinates are (longitude, latitude) in WGS84, polygons' outer rings counter-clockwise and
holes clockwise (the right-hand rule), no ``crs`` member. Geometries are simplified (2 km for airspace,
1 km for routes) and rounded to 5 decimals (about 1 m).
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, cast

import shapely

from sim.data import derived
from sim.geo.airspace import AirspacePolicy
from sim.geo.routing import Route

AIRSPACE_SIMPLIFY_DEG = 0.02
ROUTE_SIMPLIFY_DEG = 0.01
DECIMALS = 5


@dataclass
class FlownLeg:
    """Every leg flown between two airfields (in that direction) under one airspace phase."""

    origin: str
    destination: str
    phase: int  # index into world.phases
    route: Route
    legs: int = 0  # over all replications
    cargo_legs: int = 0
    tons: float = 0.0
    fuel_stop: bool = False  # ends at an en-route fuel stop, cargo aboard
    diverted: int = 0  # legs that landed here because their destination closed (or emergency landings)
    purposes: dict[str, int] = field(default_factory=dict)


def phase_index(phases: list[tuple[float, Any]], hour: float) -> int:
    """Index of the airspace phase in force at ``hour`` (phases: (start hour, policy), ascending)."""
    k = 0
    for i, (start_h, _) in enumerate(phases):
        if start_h <= hour + 1e-9:
            k = i
    return k


@dataclass(slots=True)
class PairTally:
    """The legs flown from one origin to one destination in one airspace phase."""

    legs: int = 0
    payloads_t: array = field(default_factory=lambda: array("d"))  # cargo payloads (t), in the order flown
    fuel_stop: bool = False
    diverted: int = 0
    purposes: dict[str, int] = field(default_factory=dict)  # legs by purpose


@dataclass
class FlownTally:
    """Legs flown counted by origin, destination and airspace phase at take-off, before any route is looked
    up: what a replication's worker sends back so that the routes map and routes.geojson of a replicated
    run count every replication's legs without their rows. Tallies added in replication order give the
    figures counting all the rows in that order gives (the cargo tons are summed payload by payload)."""

    pairs: dict[tuple[str, str, int], PairTally] = field(default_factory=dict)  # (origin, destination, phase)

    @classmethod
    def of(cls, phases: list[tuple[float, Any]], legs: Iterable[tuple[str, str, Any, str, Any, Any]]) -> FlownTally:
        """The tally of ``legs``: (origin, destination, depart_h, purpose, payload_t, fuel_stop) each, numbers as
        numbers or as the text sorties.csv holds, under the airspace ``phases`` ((start hour, policy) each)."""
        tally = cls()
        pairs = tally.pairs
        one_phase = len(phases) == 1  # phase_index is 0 at every hour
        for origin, destination, depart_h, purpose, payload_t, fuel_stop in legs:
            if origin == destination:
                continue
            key = (origin, destination, 0 if one_phase else phase_index(phases, float(depart_h)))
            pair = pairs.get(key)
            if pair is None:
                pair = pairs[key] = PairTally()
            pair.legs += 1
            purposes = pair.purposes
            purposes[purpose] = purposes.get(purpose, 0) + 1
            payload = float(payload_t)
            if payload > 0:
                pair.payloads_t.append(payload)
            if not pair.fuel_stop and fuel_stop in (True, "True"):
                pair.fuel_stop = True
            if purpose in ("diverted", "emergency landing"):
                pair.diverted += 1
        return tally

    @classmethod
    def of_rows(cls, phases: list[tuple[float, Any]], rows: Iterable[dict[str, Any]]) -> FlownTally:
        """The tally of sorties.csv rows (dicts with at least the six columns ``of`` reads)."""
        return cls.of(phases, ((r["origin"], r["destination"], r["depart_h"], r["purpose"], r["payload_t"],
                                r["fuel_stop"]) for r in rows))

    def add(self, other: FlownTally) -> None:
        """Count ``other``'s legs too, after these."""
        pairs = self.pairs
        for key, theirs in other.pairs.items():
            pair = pairs.get(key)
            if pair is None:
                pairs[key] = PairTally(theirs.legs, array("d", theirs.payloads_t), theirs.fuel_stop, theirs.diverted,
                                       dict(theirs.purposes))
                continue
            pair.legs += theirs.legs
            pair.payloads_t.extend(theirs.payloads_t)
            pair.fuel_stop = pair.fuel_stop or theirs.fuel_stop
            pair.diverted += theirs.diverted
            mine = pair.purposes
            for purpose, n in theirs.purposes.items():
                mine[purpose] = mine.get(purpose, 0) + n

    def flown_legs(self, world: Any) -> list[FlownLeg]:
        """The tallied legs with the legal route each was flown on. Most legs first."""
        phases = list(world.phases)
        found = []
        for (origin, destination, k), pair in self.pairs.items():
            tons = 0.0
            for payload in pair.payloads_t:  # one by one, in the order flown, as counting the rows adds them
                tons += payload
            found.append(FlownLeg(origin, destination, k, world.route(origin, destination, phases[k][1]), pair.legs,
                                  len(pair.payloads_t), tons, pair.fuel_stop, pair.diverted, dict(pair.purposes)))
        return sorted(found, key=lambda g: (-g.legs, g.origin, g.destination, g.phase))


def flown_legs(world: Any, sortie_rows: Iterable[dict[str, Any]] | FlownTally) -> list[FlownLeg]:
    """The sorties.csv rows of a run (or of every replication) grouped by origin, destination and the
    airspace phase at take-off, each with the legal route it was flown on. Most legs first. ``sortie_rows``
    may be those rows already tallied (a replicated run's legs, see ``FlownTally``)."""
    tally = sortie_rows if isinstance(sortie_rows, FlownTally) else FlownTally.of_rows(list(world.phases), sortie_rows)
    return tally.flown_legs(world)


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.set_precision(geom, 10.0 ** -DECIMALS)


def geometry(geom: shapely.Geometry) -> dict[str, Any]:
    """A shapely geometry in lon/lat as an RFC 7946 geometry object (polygons with the right-hand rule)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    return json.loads(shapely.to_geojson(geom))


def _phase_days(world: Any) -> list[tuple[float, float]]:
    days = world.run.horizon_h / 24.0
    starts = [h / 24.0 for h, _ in world.phases]
    return [(s, starts[k + 1] if k + 1 < len(starts) else days) for k, s in enumerate(starts)]


@lru_cache(maxsize=32)
def airspace_geometry(codes: frozenset[str], territorial_nm: float) -> shapely.Geometry:
    """Closed airspace of ``codes`` in lon/lat, simplified for export and maps (cached)."""
    from sim.geo.airspace import stored_airspace

    if not codes:
        return shapely.Polygon()

    def build() -> shapely.Geometry:
        union = stored_airspace(codes, territorial_nm).union
        return _round(shapely.make_valid(shapely.simplify(union, AIRSPACE_SIMPLIFY_DEG)))

    # Kept in the cache folder as well: simplifying and repairing the union takes 0.1 s. A pickle keeps the
    # coordinates but not the precision model _round set, and later operations round to it (segmentize
    # does: the maps' projected airspace moved by up to 0.6 m): it is given back, moving no coordinate.
    key = (_geometry_digest(), tuple(sorted(codes)), repr(float(territorial_nm)))
    found = derived.remembered("airspace-geometry", key, build)
    grid = 10.0 ** -DECIMALS
    return found if shapely.get_precision(found) == grid else shapely.set_precision(found, grid, mode="pointwise")


# What geometry derived from the polygons depends on: the polygons, the airspace data and the code.
GEOMETRY_SOURCES = ("data/countries.json.gz", "data/airspace.yaml", "data/countries.py", "geo/airspace.py",
                    "geo/obstacles.py", "geo/routing.py", "results/gis.py")


@lru_cache(maxsize=1)
def _geometry_digest() -> str:
    return derived.package_digest(*GEOMETRY_SOURCES)


def airspace_features(policy: AirspacePolicy, extra: dict[str, Any],
                      box: tuple[float, float, float, float] | None = None) -> list[dict[str, Any]]:
    """Features of one airspace: the airspace closed to every flight, and one per flight-specific rule.
    With a lon/lat ``box`` (west, south, east, north), only the groups of countries whose airspace reaches
    into it are drawn (``drawn`` lists them); ``closed`` lists every country closed."""
    features = []
    for kind, applies_to, codes in [("closed airspace", "every flight", policy.closed),
                                    *(("closed to some flights", rule.describe(), rule.closed) for rule in policy.rules)]:
        if not codes and kind == "closed airspace":
            continue
        drawn = _near(codes, policy.territorial_nm, box)
        features.append(_feature(airspace_geometry(drawn, policy.territorial_nm), {
            "kind": kind, "applies_to": applies_to, "closed": " ".join(sorted(codes)),
            "drawn": " ".join(sorted(drawn)), "airspace": policy.label, **extra}))
    return features


def _near(codes: frozenset[str], territorial_nm: float, box: tuple[float, float, float, float] | None) -> frozenset[str]:
    """The countries of ``codes`` in groups whose airspace may reach into ``box`` (all without one)."""
    if box is None or not codes:
        return codes
    from sim.geo.obstacles import airspace_groups

    groups = airspace_groups(codes, territorial_nm)
    return groups.codes_of(groups.in_box(*box))


AIRSPACE_MARGIN_DEG = 10.0  # closed airspace is exported this far around the legs flown and the airfields


def _around(lines: list[shapely.Geometry], points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """A lon/lat box around the legs and the airfields, widened by AIRSPACE_MARGIN_DEG (the whole world
    when there is neither)."""
    if not lines and not points:
        return -180.0, -90.0, 180.0, 90.0
    west, south, east, north = shapely.GeometryCollection([*lines, shapely.MultiPoint(points)]).bounds
    m = AIRSPACE_MARGIN_DEG
    return max(-180.0, west - m), max(-90.0, south - m), min(180.0, east + m), min(90.0, north + m)


def _feature(geom: shapely.Geometry, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry(geom), "properties": properties}


def _line(route: Route) -> shapely.Geometry:
    return _round(shapely.simplify(route.line(25.0), ROUTE_SIMPLIFY_DEG))


def routes_collection(world: Any, sortie_rows: Iterable[dict[str, Any]] | FlownTally, replications: int = 1) -> dict[str, Any]:
    """routes.geojson of a run: legs flown, airfields, closed airspace per phase (see the module doc).
    ``replications``: how many replications ``sortie_rows`` hold (``sortie_rows`` may be a ``FlownTally`` of
    them). Of several, ``legs``, ``cargo_legs``, ``tons``, ``diverted`` and ``purposes`` are the means per
    replication (``counted`` says "per replication, mean of N"), and ``*_total`` the sums over all of them."""
    legs = flown_legs(world, sortie_rows)
    days = _phase_days(world)
    features = []
    lines = []
    for leg in legs:
        route = leg.route
        geom = _line(route) if route.legal else shapely.LineString(
            [(world.airfields[leg.origin].lon, world.airfields[leg.origin].lat),
             (world.airfields[leg.destination].lon, world.airfields[leg.destination].lat)])
        lines.append(geom)
        features.append(_feature(geom, {
            "kind": "leg flown", "origin": leg.origin, "destination": leg.destination,
            "from_day": days[leg.phase][0], "to_day": days[leg.phase][1], "airspace": world.phases[leg.phase][1].label,
            **_counts(leg, replications),
            "route_km": None if route.length_km is None else round(route.length_km, 1),
            "great_circle_km": round(route.great_circle_km, 1), "overflies": " ".join(route.countries),
            "fuel_stop": leg.fuel_stop, "legal_route": route.legal,
        }))
    used = dict.fromkeys([*world.named_airfields, *(i for g in legs for i in (g.origin, g.destination))])
    stops = {g.destination for g in legs if g.fuel_stop}
    diverted_to = {g.destination for g in legs if g.diverted}
    for ident in used:
        a = world.airfields[ident]
        features.append(_feature(shapely.Point(round(a.lon, DECIMALS), round(a.lat, DECIMALS)), {
            "kind": "airfield", "ident": ident, "name": a.name, "country": a.country, "mog": a.mog, "fuel": a.fuel,
            "runway_m": a.runway_m, "fuel_stop": ident in stops, "diversion": ident in diverted_to,
        }))
    # Closed airspace far from every leg and airfield (North America, for a bridge to Libya) is left out.
    box = _around(lines, [(world.airfields[i].lon, world.airfields[i].lat) for i in used])
    for k, (_, policy) in enumerate(world.phases):
        features += airspace_features(policy, {"from_day": days[k][0], "to_day": days[k][1]}, box)
    name = f"{world.run.name} routes" + ("" if replications == 1 else f" ({counted(replications)})")
    return {"type": "FeatureCollection", "name": name, "features": features}


def counted(replications: int) -> str:
    """How the figures of a run's legs are counted: "one run", or "per replication, mean of N"."""
    return "one run" if replications == 1 else f"per replication, mean of {replications:,}"


def _counts(leg: FlownLeg, replications: int) -> dict[str, Any]:
    """The figures of a pair flown: of one run as counted; of several replications, the mean per
    replication, the totals beside them."""
    n = replications

    def mean(x: float) -> float:
        return round(x / n, 3)

    figures = {"counted": counted(n), "replications": n, "legs": mean(leg.legs) if n > 1 else leg.legs,
               "cargo_legs": mean(leg.cargo_legs) if n > 1 else leg.cargo_legs, "tons": mean(leg.tons),
               "legs_per_replication": mean(leg.legs), "tons_per_replication": mean(leg.tons),
               "diverted": mean(leg.diverted) if n > 1 else leg.diverted,
               "purposes": "; ".join(f"{p} {mean(k) if n > 1 else k:g}" for p, k in sorted(leg.purposes.items()))}
    if n > 1:
        figures.update({"legs_total": leg.legs, "cargo_legs_total": leg.cargo_legs, "tons_total": round(leg.tons, 3)})
    return figures


def reach_collection(result: Any) -> dict[str, Any]:
    """reach.geojson of a reach result (``sim.flight.reach.reach``): the origin, each destination with its
    route km, whether it is reachable with the payload and the most payload non-stop, the legal routes, the
    range circle (great-circle distance from the origin; routes around closed airspace reach less far) and
    the closed airspace."""
    from sim.geo import geodesy

    origin, kind = result.origin, result.aircraft
    features = [_feature(shapely.Point(round(origin.lon, DECIMALS), round(origin.lat, DECIMALS)), {
        "kind": "origin", "ident": origin.ident, "name": origin.name, "country": origin.country,
        "type": kind.name, "payload_t": result.payload_t, "max_range_km": round(result.max_range_km, 1)})]
    for row in result.rows:
        a = row.airfield
        props = {"ident": a.ident, "name": a.name, "country": a.country, "reachable": row.reachable,
                 "max_payload_t": None if row.max_payload_t is None else round(max(row.max_payload_t, 0.0), 1),
                 "route_km": None if row.route.length_km is None else round(row.route.length_km, 1),
                 "great_circle_km": round(row.route.great_circle_km, 1), "overflies": " ".join(row.route.countries)}
        features.append(_feature(shapely.Point(round(a.lon, DECIMALS), round(a.lat, DECIMALS)),
                                 {"kind": "destination", **props}))
        if row.route.legal:
            features.append(_feature(_line(row.route), {"kind": "route", "origin": origin.ident, **props}))
    geod = geodesy.wgs84()
    azimuths = [360.0 * k / 180 for k in range(180)]
    lons, lats, _ = geod.fwd([origin.lon] * 180, [origin.lat] * 180, azimuths, [result.max_range_km * 1000.0] * 180)
    ring = list(zip(lons, lats, strict=True))
    if max(lons) - min(lons) < 180:  # a circle across the antimeridian would need splitting: left out
        features.append(_feature(_round(shapely.Polygon(ring)), {
            "kind": "range circle", "type": kind.name, "payload_t": result.payload_t,
            "radius_km": round(result.max_range_km, 1),
            "note": "great-circle distance from the origin; legal routes around closed airspace reach less far"}))
    features += airspace_features(result.policy, {})
    return {"type": "FeatureCollection", "name": f"{kind.name} reach from {origin.ident}", "features": features}


def write_geojson(path: Path, collection: dict[str, Any]) -> None:
    """Write a FeatureCollection as it is (compact: one feature per line). The result files are written
    with :func:`write_geojson_layers`: one geometry type per file."""
    head = {k: v for k, v in collection.items() if k != "features"}
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n' + ",\n".join(lines) + "\n]}\n"
    Path(path).write_text(text, encoding="utf-8")


# One geometry type per file: a GIS (QGIS, ogr2ogr) reads a file as one layer of one geometry type, and
# asks which sub-layer to open when points, lines and polygons share a file.
LAYERS = {"lines": "", "points": "_airfields", "areas": "_areas"}  # file name suffix of each layer
_LAYER_OF = {"LineString": "lines", "MultiLineString": "lines", "Point": "points", "MultiPoint": "points",
             "Polygon": "areas", "MultiPolygon": "areas", "GeometryCollection": "areas"}


def layer_paths(path: Path) -> dict[str, Path]:
    """The files :func:`write_geojson_layers` writes for ``path`` (X.geojson): the lines (legs, routes) in
    X.geojson, the airfields in X_airfields.geojson, the areas (closed airspace, range circle) in
    X_areas.geojson."""
    path = Path(path)
    return {layer: path.with_name(f"{path.stem}{suffix}{path.suffix}") for layer, suffix in LAYERS.items()}


def layers(collection: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A FeatureCollection split into one collection per geometry type: ``lines`` (LineString), ``points``
    (Point) and ``areas`` (every polygon as a MultiPolygon; the polygons of a GeometryCollection too),
    each named after the collection and its layer (an empty collection when it has none)."""
    out: dict[str, dict[str, Any]] = {}
    for layer in LAYERS:
        head = {k: v for k, v in collection.items() if k != "features"}
        head["name"] = f"{collection.get('name', 'airlift-sim')}: {_LAYER_NAMES[layer]}"
        out[layer] = {**head, "features": []}
    for feature in collection["features"]:
        geom = feature["geometry"]
        layer = _LAYER_OF[geom["type"]]
        if layer == "areas":
            feature = {**feature, "geometry": _multipolygon(geom)}
        out[layer]["features"].append(feature)
    return out


_LAYER_NAMES = {"lines": "routes", "points": "airfields", "areas": "closed airspace and other areas"}


def _multipolygon(geom: dict[str, Any]) -> dict[str, Any]:
    """A Polygon, MultiPolygon or GeometryCollection as one MultiPolygon (lines and points of a
    collection, left by repairing a polygon, dropped)."""
    if geom["type"] == "MultiPolygon":
        return geom
    if geom["type"] == "Polygon":
        return {"type": "MultiPolygon", "coordinates": [geom["coordinates"]] if geom["coordinates"] else []}
    polygons = [_multipolygon(g)["coordinates"] for g in geom.get("geometries", []) if g["type"] in ("Polygon", "MultiPolygon")]
    return {"type": "MultiPolygon", "coordinates": [p for parts in polygons for p in parts]}


def write_geojson_layers(path: Path, collection: dict[str, Any]) -> list[Path]:
    """Write a FeatureCollection as one GeoJSON file per geometry type (:func:`layer_paths`); every file is
    written, an empty collection where the layer has no feature. Returns the paths written."""
    paths = layer_paths(path)
    for layer, part in layers(collection).items():
        write_geojson(paths[layer], part)
    return list(paths.values())


# --- KML -------------------------------------------------------------------------------------------------

_KML_COLOURS = {  # aabbggrr
    "leg flown": "ffb4771f", "route": "ffb4771f", "closed airspace": "5a2827d6", "closed to some flights": "400e7fff",
    "range circle": "30a02c2c",
}


def kml_document(collection: dict[str, Any]) -> str:
    """A GeoJSON FeatureCollection (as written here) as a KML document for Google Earth: one folder per
    kind of feature, each placemark with its properties as extended data; lines wider with more legs."""
    ns = "http://www.opengis.net/kml/2.2"
    ET.register_namespace("", ns)
    kml = ET.Element(f"{{{ns}}}kml")
    doc = ET.SubElement(kml, f"{{{ns}}}Document")
    ET.SubElement(doc, f"{{{ns}}}name").text = collection.get("name", "airlift-sim")
    folders: dict[str, ET.Element] = {}
    for feature in collection["features"]:
        props = feature["properties"]
        kind = props.get("kind", "feature")
        if kind not in folders:
            folders[kind] = ET.SubElement(doc, f"{{{ns}}}Folder")
            ET.SubElement(folders[kind], f"{{{ns}}}name").text = kind
        mark = ET.SubElement(folders[kind], f"{{{ns}}}Placemark")
        ET.SubElement(mark, f"{{{ns}}}name").text = _kml_name(props)
        style = ET.SubElement(mark, f"{{{ns}}}Style")
        colour = _KML_COLOURS.get(kind, "ff000000")
        if feature["geometry"]["type"].endswith("LineString"):
            line = ET.SubElement(style, f"{{{ns}}}LineStyle")
            ET.SubElement(line, f"{{{ns}}}color").text = colour
            ET.SubElement(line, f"{{{ns}}}width").text = f"{1.5 + 1.5 * math.log10(1 + props.get('legs', 1)):.1f}"
        elif feature["geometry"]["type"].endswith("Polygon"):
            poly = ET.SubElement(style, f"{{{ns}}}PolyStyle")
            ET.SubElement(poly, f"{{{ns}}}color").text = colour
            line = ET.SubElement(style, f"{{{ns}}}LineStyle")
            ET.SubElement(line, f"{{{ns}}}color").text = "ff" + colour[2:]
        data = ET.SubElement(mark, f"{{{ns}}}ExtendedData")
        for key, value in props.items():
            item = ET.SubElement(data, f"{{{ns}}}Data", name=key)
            ET.SubElement(item, f"{{{ns}}}value").text = "" if value is None else str(value)
        _kml_geometry(mark, feature["geometry"], ns)
    ET.indent(kml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode") + "\n"


def _kml_name(props: dict[str, Any]) -> str:
    if "origin" in props and "destination" in props:
        return f"{props['origin']} - {props['destination']}" + (f" ({props['legs']} legs)" if "legs" in props else "")
    if "ident" in props:
        return f"{props['ident']} {props.get('name', '')}".strip()
    return str(props.get("kind", "")) + (f" ({props['airspace']})" if props.get("airspace") else "")


def _coords(points: list[list[float]]) -> str:
    return " ".join(f"{lon},{lat},0" for lon, lat, *_ in points)


def _kml_geometry(parent: ET.Element, geom: dict[str, Any], ns: str) -> None:
    kind, coords = geom["type"], geom.get("coordinates")  # None only for a GeometryCollection
    coords = cast(Any, coords)
    if kind == "Point":
        ET.SubElement(ET.SubElement(parent, f"{{{ns}}}Point"), f"{{{ns}}}coordinates").text = _coords([coords])
    elif kind == "LineString":
        line = ET.SubElement(parent, f"{{{ns}}}LineString")
        ET.SubElement(line, f"{{{ns}}}tessellate").text = "1"
        ET.SubElement(line, f"{{{ns}}}coordinates").text = _coords(coords)
    elif kind == "Polygon":
        poly = ET.SubElement(parent, f"{{{ns}}}Polygon")
        ET.SubElement(poly, f"{{{ns}}}tessellate").text = "1"
        for k, ring in enumerate(coords):
            boundary = ET.SubElement(poly, f"{{{ns}}}{'outerBoundaryIs' if k == 0 else 'innerBoundaryIs'}")
            ET.SubElement(ET.SubElement(boundary, f"{{{ns}}}LinearRing"), f"{{{ns}}}coordinates").text = _coords(ring)
    elif kind.startswith("Multi") or kind == "GeometryCollection":
        multi = ET.SubElement(parent, f"{{{ns}}}MultiGeometry")
        parts = geom["geometries"] if kind == "GeometryCollection" else [
            {"type": kind.removeprefix("Multi"), "coordinates": c} for c in coords]
        for part in parts:
            _kml_geometry(multi, part, ns)


def write_kml(path: Path, collection: dict[str, Any]) -> None:
    """Write the KML of a FeatureCollection."""
    Path(path).write_text(kml_document(collection), encoding="utf-8")


def report_collection(rows: list[dict[str, Any]], cases: list[Any], routes: dict[tuple[str, str, str], Route],
                      airfields: dict[str, Any]) -> dict[str, Any]:
    """reach.geojson of the reach report: per airspace case and origin, the legal route to each
    destination with its km and each type's most payload non-stop (``max_payload_t:<type>``), the airfields,
    and each case's closed airspace. ``routes`` maps (case, origin, destination) to the route."""
    features = []
    best: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        if r["payload"] == "0":
            best.setdefault((r["case"], r["origin"], r["destination"]), {})[f"max_payload_t:{r['type']}"] = r["max_payload_t"]
    for (case, o, d), route in routes.items():
        props = {"kind": "route", "case": case, "origin": o, "destination": d,
                 "route_km": None if route.length_km is None else round(route.length_km, 1),
                 "great_circle_km": round(route.great_circle_km, 1), "overflies": " ".join(route.countries),
                 **best.get((case, o, d), {})}
        if route.legal:
            features.append(_feature(_line(route), props))
    for ident, a in airfields.items():
        features.append(_feature(shapely.Point(round(a.lon, DECIMALS), round(a.lat, DECIMALS)), {
            "kind": "airfield", "ident": ident, "name": a.name, "country": a.country, "fuel": a.fuel,
            "runway_m": a.runway_m}))
    for case in cases:
        features += airspace_features(case.policy, {"case": case.key})
    return {"type": "FeatureCollection", "name": "reach report", "features": features}


def save_collection(path: Path, collection: dict[str, Any], force: bool = False) -> list[Path]:
    """Write a FeatureCollection to ``path`` atomically: KML (one file, a folder per kind) when the name ends
    in .kml, else GeoJSON, one file per geometry type (:func:`layer_paths`). An existing file is replaced
    only with ``force``. Returns the paths written."""
    from sim.errors import ResultsExistError
    from sim.results.writing import write_file_atomically

    path = Path(path)
    if path.suffix.lower() == ".kml":
        return [write_file_atomically(path, lambda tmp: write_kml(tmp, collection), force=force)]
    paths = layer_paths(path)
    clash = [p for p in paths.values() if p.exists()]
    if clash and not force:
        raise ResultsExistError(f"{clash[0]} already exists; replace it with --force (force=True in Python)")
    parts = layers(collection)
    return [write_file_atomically(paths[k], partial(write_geojson, collection=parts[k]), force=force) for k in paths]
