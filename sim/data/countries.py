"""Country land polygons (Natural Earth admin-0, shipped in sim/data) and airspace group names.

``countries.json.gz`` is built by ``scripts/build_countries.py``; ``airspace.yaml`` names groups of
countries (EU, NATO, ...) and situations (``dec2024``) with their sources.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import ruamel.yaml
import shapely
from ruamel.yaml import YAML
from shapely.geometry import shape

from sim.data import derived
from sim.data.catalog import Provenance


@dataclass(frozen=True)
class Country:
    """One Natural Earth admin-0 unit: land only, lon/lat degrees. The land polygon is built on first use
    (most runs read a few countries' land, or none when their routes come from the cache)."""

    code: str  # ISO 3166-1 alpha-3, or Natural Earth's code where ISO has none
    name: str
    _features: tuple[dict[str, Any], ...] = field(repr=False, compare=False)

    @cached_property
    def land(self) -> shapely.Geometry:
        if len(self._features) == 1 and self._features[0].get("merged"):
            return self.parts[0]  # stored merged (scripts/build_countries.py)
        return shapely.union_all(self.parts)

    @cached_property
    def parts(self) -> tuple[shapely.Geometry, ...]:
        """The land as the source's features give it, not merged: enough to draw it, and several times
        cheaper than ``land`` (whose union is what routing needs)."""
        return tuple(geometry_of(f["geometry"]) for f in self._features)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat) of the land, without building the polygon."""
        return _bounds()[self.code]


def geometry_of(geometry: dict[str, Any]) -> shapely.Geometry:
    """``shapely.geometry.shape(geometry)`` of a GeoJSON Polygon or MultiPolygon, the same geometry to the bit,
    made in a few vectorised calls: ``shape`` makes each ring and polygon in turn (a country of islands has
    thousands), some three times slower."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    rings = [ring for polygon in polygons for ring in polygon]
    try:
        xy = np.array([point for ring in rings for point in ring], dtype=float)
    except ValueError:  # points of different lengths
        xy = np.zeros((0, 0))
    if geometry["type"] not in ("Polygon", "MultiPolygon") or xy.ndim != 2 or xy.shape[1] != 2:
        return shape(geometry)  # another kind, no points, or points with a height
    made = shapely.linearrings(xy, indices=np.repeat(np.arange(len(rings)), [len(ring) for ring in rings]))
    shells_and_holes = shapely.polygons(made, indices=np.repeat(np.arange(len(polygons)), [len(p) for p in polygons]))
    return shells_and_holes[0] if geometry["type"] == "Polygon" else shapely.multipolygons(shells_and_holes)


@lru_cache(maxsize=1)
def _raw() -> bytes:
    return resources.files("sim").joinpath("data", "countries.json.gz").read_bytes()


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    return json.loads(gzip.decompress(_raw()))


@lru_cache(maxsize=1)
def _index() -> dict[str, Any]:
    """What the polygon file says besides the polygons: its source, and each feature's code and name, in
    file order (kept in the cache folder: decompressing and parsing the polygons takes 0.3 s)."""

    def read() -> dict[str, Any]:
        doc = _document()
        return {"source": {k: v for k, v in doc.items() if k != "features"},
                "features": [(f["iso3"], f["name"]) for f in doc["features"]]}

    return derived.remembered("countries-index", (derived.digest(_raw()),), read)


@lru_cache(maxsize=1)
def _bounds() -> dict[str, tuple[float, float, float, float]]:
    """(min lon, min lat, max lon, max lat) of each country's land: the box around its parts' boxes."""
    return {code: (float(extent.parts[:, 0].min()), float(extent.parts[:, 1].min()),
                   float(extent.parts[:, 2].max()), float(extent.parts[:, 3].max()))
            for code, extent in land_extents().items()}


OUTLINE_RUN = 32  # edges of a ring's outline per box of land_extents


@dataclass(frozen=True)
class LandExtent:
    """Where a country's land is, without building its polygon: boxes (min lon, min lat, max lon, max lat)."""

    parts: np.ndarray  # (n, 4): the bounds of each polygon
    outline: np.ndarray  # (m, 4): the bounds of runs of at most OUTLINE_RUN edges along every ring (holes too)


@lru_cache(maxsize=1)
def land_extents() -> dict[str, LandExtent]:
    """Each country's LandExtent by code (kept in the cache folder)."""

    def read() -> dict[str, LandExtent]:
        parts: dict[str, list[np.ndarray]] = {}
        runs: dict[str, list[np.ndarray]] = {}
        for feature in _document()["features"]:
            geometry = feature["geometry"]
            polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            rings = [np.asarray(ring, dtype=float)[:, :2] for polygon in polygons for ring in polygon]
            shells = np.cumsum([0] + [len(polygon) for polygon in polygons[:-1]])  # each polygon's first ring
            ring_boxes, run_boxes = outline_boxes(rings)
            parts.setdefault(feature["iso3"], []).append(ring_boxes[shells])
            runs.setdefault(feature["iso3"], []).append(run_boxes)
        return {code: LandExtent(np.concatenate(parts[code]), np.concatenate(runs[code])) for code in parts}

    return derived.remembered("countries-land-extents", (derived.digest(_raw()), OUTLINE_RUN), read)


def outline_boxes(rings: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The (min lon, min lat, max lon, max lat) boxes of each ring (non-empty, (n, 2) lon/lat), and of each
    run of OUTLINE_RUN edges along them, ring after ring: the boxes of ``ring[i: i + OUTLINE_RUN + 1]`` for i
    in ``range(0, max(len(ring) - 1, 1), OUTLINE_RUN)``. In a few numpy calls for all the rings (a country
    of islands has thousands), where box by box took most of a first run's 0.1 s of land extents."""
    xy = np.concatenate(rings)
    lengths = np.array([len(ring) for ring in rings])
    ends = np.cumsum(lengths)
    begins = ends - lengths
    ring_boxes = np.hstack([np.minimum.reduceat(xy, begins), np.maximum.reduceat(xy, begins)])
    per_ring = -(-np.maximum(lengths - 1, 1) // OUTLINE_RUN)
    ring = np.repeat(np.arange(len(rings)), per_ring)
    starts = begins[ring] + OUTLINE_RUN * (np.arange(len(ring)) - np.repeat(np.cumsum(per_ring) - per_ring, per_ring))
    # reduceat spans each run up to the next run's start (its ring's end for its last run); a run that is
    # not its ring's last also holds the point where the next one starts.
    low, high = np.minimum.reduceat(xy, starts), np.maximum.reduceat(xy, starts)
    shared = np.flatnonzero(ring[:-1] == ring[1:])
    low[shared] = np.minimum(low[shared], xy[starts[shared + 1]])
    high[shared] = np.maximum(high[shared], xy[starts[shared + 1]])
    return ring_boxes, np.hstack([low, high])


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every country by code; features sharing a code are merged."""
    parts: dict[str, list[dict[str, Any]]] = {}
    for feature in _document()["features"]:
        parts.setdefault(feature["iso3"], []).append(feature)
    return {code: Country(code, features[0]["name"], tuple(features)) for code, features in parts.items()}


def source() -> dict[str, Any]:
    """Where the polygons come from (for summaries and reports)."""
    return dict(_index()["source"])


@lru_cache(maxsize=1)
def _airspace_data() -> dict[str, Any]:
    text = resources.files("sim").joinpath("data", "airspace.yaml").read_text(encoding="utf-8")
    return derived.remembered("yaml", ("airspace.yaml", derived.digest(text), ruamel.yaml.__version__),
                              lambda: YAML(typ="safe").load(text))


def groups() -> dict[str, list[str]]:
    """Named groups of country codes (EU, NATO, ...)."""
    return {name: list(g["members"]) for name, g in _airspace_data()["groups"].items()}


def situations() -> dict[str, dict[str, Any]]:
    """Named airspace situations (``dec2024``) as written in airspace.yaml."""
    return dict(_airspace_data()["situations"])


def overflight_assumptions() -> dict[str, Provenance]:
    """Countries whose treatment of Russian state aircraft no source confirms: code -> Provenance whose
    value is True when the ``dec2024`` situation assumes the country open (airspace.yaml)."""
    return {code: Provenance(bool(entry["open"]), entry["grade"], entry["source"])
            for code, entry in _airspace_data()["overflight_assumptions"].items()}


def unconfirmed_overflight() -> list[str]:
    """Codes of the overflight assumptions graded unconfirmed, in file order."""
    return [code for code, p in overflight_assumptions().items() if p.grade == "unconfirmed"]


def situation_closed(name: str) -> list[str]:
    """Codes and groups a named situation closes to every flight: its own list, plus the countries its
    overflight assumptions take to be closed. KeyError for an unknown situation."""
    spec = situations()[name]
    closed = list(spec.get("closed", []))
    if spec.get("overflight_assumptions"):
        closed += [code for code, p in overflight_assumptions().items() if not p.value]
    return closed


def territorial_nm() -> Provenance:
    """Width of territorial airspace beyond the coast (NM), with its source."""
    entry = _airspace_data()["territorial_nm"]
    return Provenance(entry["value"], entry["grade"], entry["source"])


@lru_cache(maxsize=1)
def codes() -> frozenset[str]:
    """Every country code of the polygons (read without building the polygons)."""
    return frozenset(code for code, _name in _index()["features"])


_all_codes = codes  # for functions whose argument is called ``codes``


# Common spellings that neither Natural Earth nor ISO 3166 uses as a name.
_ALIASES = {
    "turkey": "TUR", "turkiye": "TUR", "russia": "RUS", "iran": "IRN", "persia": "IRN", "syria": "SYR",
    "belorussia": "BLR", "byelorussia": "BLR", "uk": "GBR", "great britain": "GBR", "britain": "GBR",
    "us": "USA", "united states": "USA", "america": "USA", "moldova": "MDA", "czechia": "CZE",
    "czech republic": "CZE", "north macedonia": "MKD", "macedonia": "MKD", "south korea": "KOR",
    "north korea": "PRK", "ivory coast": "CIV", "cote d ivoire": "CIV", "congo kinshasa": "COD", "drc": "COD",
    "congo brazzaville": "COG", "vietnam": "VNM", "laos": "LAO", "libya": "LBY", "bosnia": "BIH",
    "the netherlands": "NLD", "holland": "NLD", "emirates": "ARE", "uae": "ARE",
}


def _key(name: str) -> str:
    """A name folded for lookup: no accents, no case, no punctuation."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


@lru_cache(maxsize=1)
def names() -> dict[str, str]:
    """Country names as written (Natural Earth, ISO 3166 names and common spellings) -> code."""
    import pycountry

    known = codes()
    out: dict[str, str] = {}
    for code, name in _index()["features"]:
        out.setdefault(name, code)
    for entry in pycountry.countries:
        if entry.alpha_3 not in known:
            continue
        for attr in ("common_name", "name", "official_name"):
            value = getattr(entry, attr, None)
            if value:
                out.setdefault(value, entry.alpha_3)
    for alias, code in _ALIASES.items():
        out.setdefault(alias.title() if len(alias) > 3 else alias.upper(), code)
    return out


def country_name(code: str) -> str:
    """A country's name for people ("Syria" for SYR): Natural Earth's, else ISO 3166's, else the code."""
    for known, name in _index()["features"]:
        if known == code:
            return str(name)
    import pycountry

    entry = pycountry.countries.get(alpha_3=code)
    return str(getattr(entry, "common_name", None) or entry.name) if entry else code


@lru_cache(maxsize=1)
def _folded_names() -> dict[str, str]:
    return {_key(name): code for name, code in names().items()}


def resolve(token: str) -> str | None:
    """The code or group a token names: a code or group in any case, or a country name or common
    spelling ("Turkey", "Türkiye", "Russia"); None when it names nothing known."""
    text = token.strip()
    for candidate in (text, text.upper()):
        if candidate in codes() or candidate in groups():
            return candidate
    return _folded_names().get(_key(text))


def suggest_country(token: str) -> str:
    """A hint naming the closest code, group or country name, e.g. " (did you mean 'Turkey' (TUR)?)"."""
    import difflib

    folded = _key(token)
    choices = {c.lower(): c for c in (*groups(), *codes())}
    choices.update({_key(name): f"{name}' ({code})" for name, code in names().items()})
    close = difflib.get_close_matches(folded, list(choices), n=1, cutoff=0.75 if len(folded) > 3 else 0.6)
    if not close:
        return ""
    shown = choices[close[0]]
    return f" (did you mean '{shown}?)" if shown.endswith(")") else f" (did you mean {shown!r}?)"


def expand(codes: list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    """Country codes for a list of codes and group names, with each country's territories.

    Raises KeyError naming the first unknown code.
    """
    table = _all_codes()
    named = groups()
    out: set[str] = set()
    for code in codes:
        if code in named:
            out.update(named[code])
        elif code in table:
            out.add(code)
        else:
            raise KeyError(code)
    territories = _airspace_data()["territories"]["of"]
    for code in list(out):
        out.update(territories.get(code, []))
    return frozenset(c for c in out if c in table)


@lru_cache(maxsize=1)
def _bounds_index() -> tuple[shapely.STRtree, list[str]]:
    """An STRtree of every country's bounds: an STRtree is built from envelopes alone, so this one answers
    a query with the candidates, in the same order, that a tree of the land polygons would, without
    building them."""
    codes = list(countries())
    bounds = _bounds()
    return shapely.STRtree(shapely.box(*np.asarray([bounds[c] for c in codes]).T)), codes


@lru_cache(maxsize=512)
def _part_boxes(code: str) -> np.ndarray:
    return shapely.box(*land_extents()[code].parts.T)


def _meeting(geom: shapely.Geometry) -> list[str]:
    """Codes of the countries whose land ``geom`` (lon/lat) meets, in the order an STRtree of the land
    polygons answers: only the land of the countries with a part whose bounds ``geom`` meets is built."""
    tree, codes = _bounds_index()
    table = countries()
    return [codes[i] for i in tree.query(geom).tolist()
            if shapely.intersects(_part_boxes(codes[i]), geom).any() and table[codes[i]].land.intersects(geom)]


def countries_along(line: shapely.LineString) -> list[str]:
    """Codes of the countries whose land ``line`` (lon/lat) crosses, in the order it meets them."""
    table = countries()
    first = {}
    for code in _meeting(line):
        piece = shapely.intersection(line, table[code].land)
        points = shapely.get_coordinates(piece)
        if len(points):
            first[code] = float(np.min(line.project(shapely.points(points))))
    return sorted(first, key=first.get)  # type: ignore[arg-type]


def near(point: tuple[float, float], codes: frozenset[str], margin_deg: float) -> list[str]:
    """Those of ``codes`` whose land lies within ``margin_deg`` (lon/lat degrees) of the (lon, lat) point."""
    table = countries()
    probe = shapely.Point(point).buffer(margin_deg)
    return [c for c in sorted(codes) if c in table and shapely.intersects(_part_boxes(c), probe).any()
            and table[c].land.intersects(probe)]


def country_at(lon: float, lat: float) -> str | None:
    """Code of the country whose land holds the point, if any."""
    hits = _meeting(shapely.Point(lon, lat))
    return hits[0] if hits else None
