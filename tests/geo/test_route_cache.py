"""The on-disk route cache (sim.geo.cache): a hit equals a fresh search byte for byte, a broken file is
ignored, concurrent writers never leave a partial file, and `airlift cache info|clear` work. Also: the
light commands do not import the heavy libraries."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app
from sim.data import catalog, storage
from sim.geo import airspace, cache, geodesy, obstacles, routing


def _route():
    # Chkalovsky -> Benina with Turkey and Greece closed: a real detour, a few corners.
    policy = airspace.make_policy(closed=["TUR", "GRC"])
    return airspace.legal_route(catalog.airfield("UUMU"), catalog.airfield("HLLB"), policy)


def test_a_cached_route_is_byte_identical_to_a_fresh_search(cache_dir, monkeypatch):
    fresh = _route()
    assert fresh.legal and len(fresh.waypoints) > 2
    assert len(list(cache_dir.glob("*/r-*.pkl"))) == 1
    airspace._legal_route.cache_clear()

    def no_search(*args, **kwargs):
        raise AssertionError("the route should come from the cache")

    monkeypatch.setattr(routing, "shortest_route", no_search)
    again = _route()
    assert again is not fresh
    assert again == fresh
    assert pickle.dumps(again) == pickle.dumps(fresh)


def test_a_diversion_from_a_point_in_the_air_is_searched_but_not_stored(cache_dir):
    policy = airspace.make_policy(closed=["TUR", "GRC"])
    end = catalog.airfield("HLLB")
    route = airspace.route_between(37.0, 50.0, "RUS", end.lon, end.lat, end.country, policy)  # over Ukraine
    codes = policy.closed_for("RUS", end.country)
    assert route == routing.shortest_route((37.0, 50.0), (end.lon, end.lat), codes, policy.territorial_nm)
    assert route.legal and not list(cache_dir.glob("*/r-*.pkl"))


def test_the_stored_airspace_equals_the_built_one(cache_dir):
    codes = frozenset({"CYP"})
    built = obstacles._build(codes, 12.0)
    cache.store_airspace(built)
    loaded = cache.load_airspace(codes, 12.0)
    assert loaded is not None and loaded is not built
    assert all(a.equals_exact(b, 0.0) for a, b in zip(loaded.pieces, built.pieces, strict=True))
    assert (loaded.corners == built.corners).all() and (loaded.corner_next == built.corner_next).all()
    (stored,) = cache_dir.glob("*/airspace.pkl")
    stored.write_bytes(stored.read_bytes()[:100])  # a partial file
    assert cache.load_airspace(codes, 12.0) is None


def test_a_corrupt_or_partial_cache_file_is_ignored_and_rewritten(cache_dir):
    fresh = _route()
    (route_file,) = cache_dir.glob("*/r-*.pkl")
    for garbage in (b"", b"not a pickle", pickle.dumps(("another key", fresh))[:-3], pickle.dumps(("another key", 1))):
        route_file.write_bytes(garbage)
        airspace._legal_route.cache_clear()
        routing._shortest_route.cache_clear()
        assert pickle.dumps(_route()) == pickle.dumps(fresh)
        key, value = pickle.loads(route_file.read_bytes()[len(storage._MAGIC) + 32:])  # after the signature
        assert pickle.dumps(value) == pickle.dumps(fresh)


def test_a_cache_that_is_switched_off_writes_nothing(cache_dir, monkeypatch):
    monkeypatch.setenv("AIRLIFT_CACHE", "off")
    assert cache.directory() is None
    _route()
    assert not cache_dir.exists()


def _hammer(args: tuple[str, int]) -> int:
    """Write one key many times (values of different sizes) and read it back as often; count bad reads."""
    folder, worker = args
    import os

    os.environ["AIRLIFT_CACHE_DIR"] = folder
    codes, ends = frozenset({"XXA"}), (1.0, 2.0, 3.0, 4.0, 5.0)
    bad = 0
    for i in range(150):
        value = [worker] * (1 + (i * 7919 + worker * 104729) % 20000)
        cache.store_route(codes, 12.0, ends, value)
        got = cache.load_route(codes, 12.0, ends)
        if got is None or len(set(got)) != 1 or not got:
            bad += 1
    return bad


def test_concurrent_writers_never_leave_a_partial_file(tmp_path):
    with ProcessPoolExecutor(4) as pool:
        assert sum(pool.map(_hammer, [(str(tmp_path), w) for w in range(4)])) == 0
    assert not list(tmp_path.glob("*/.tmp-*"))  # no temporary file left behind


def test_cache_info_and_clear_commands(cache_dir):
    _route()
    runner = CliRunner()
    shown = runner.invoke(app, ["cache", "info", "--json"])
    assert shown.exit_code == 0, shown.output
    record = json.loads(shown.output)
    assert record["path"] == str(cache_dir) and record["situations"] >= 1 and record["routes"] == 1 and record["bytes"] > 0
    assert str(cache_dir) in runner.invoke(app, ["cache", "info"]).output
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and "cleared" in cleared.output
    assert cache.info().routes == 0 and not list(cache_dir.iterdir())


@pytest.mark.slow
@pytest.mark.parametrize("argv", [["--help"], ["schema"], ["validate", "scenarios/lose_hmeimim.yaml"], ["cache", "info"]])
def test_light_commands_do_not_import_the_heavy_libraries(argv):
    code = ("import sys\n"
            "from sim.cli import app\n"
            f"sys.argv = ['airlift', *{argv!r}]\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('matplotlib', 'scipy', 'dask', 'pandas') if m in sys.modules), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


@settings(max_examples=25)
@given(st.floats(10.0, 40.0), st.floats(28.0, 45.0), st.sampled_from(["HLLB", "HL59", "OSLK", "HLGN", "UUMU"]))
def test_a_route_from_a_point_in_the_air_is_no_shorter_than_its_great_circle(lon, lat, ident):
    """What the diversion's search skips on (AirliftModel.diversion): from a point in the air, no legal route to
    an airfield is shorter than the WGS84 great circle from the point, less the point's rounding
    (POINT_ROUNDING_KM), so an airfield out of reach by the great circle is out of reach."""
    policy = airspace.make_policy(closed=["TUR", "GRC", "CYP"])
    end = catalog.airfield(ident)
    route = airspace.route_between(lon, lat, "LBY", end.lon, end.lat, end.country, policy)
    great_circle_km = geodesy.geodesic_km(lat, lon, end.lat, end.lon)
    assert route.length_km is None or route.length_km >= great_circle_km - airspace.POINT_ROUNDING_KM


def test_a_search_reads_from_the_cache_the_airspace_it_would_build(cache_dir, monkeypatch):
    policy = airspace.make_policy(closed=["TUR", "GRC"])
    end = catalog.airfield("HLLB")
    codes = policy.closed_for("RUS", end.country)
    airspace.stored_airspace(codes, policy.territorial_nm)  # every group of the situation, on disk
    fresh = routing.shortest_route((37.0, 50.0), (end.lon, end.lat), codes, policy.territorial_nm)
    monkeypatch.setattr(obstacles, "_GROUPS", {})  # a new process: nothing built
    monkeypatch.setattr(obstacles, "_KNOWN", {})

    def no_build(*args):
        raise AssertionError("the airspace should come from the cache")

    monkeypatch.setattr(obstacles, "_build", no_build)
    monkeypatch.setattr(obstacles, "_countries_airspace", no_build)
    airspace._point_route.cache_clear()
    routing._shortest_route.cache_clear()
    route = airspace.route_between(37.0, 50.0, "RUS", end.lon, end.lat, end.country, policy)
    assert pickle.dumps(route) == pickle.dumps(fresh)


def test_a_search_that_builds_nothing_does_not_look_in_the_cache(cache_dir, monkeypatch):
    """The airborne aircraft's diversions: a new point each, in airspace the process holds."""
    policy = airspace.make_policy(closed=["TUR", "GRC"])
    end = catalog.airfield("HLLB")
    airspace.route_between(30.0, 34.0, "RUS", end.lon, end.lat, end.country, policy)

    def no_look(*args):
        raise AssertionError("nothing to read")

    monkeypatch.setattr(cache, "load_airspace", no_look)
    monkeypatch.setattr(cache, "holds_airspace", no_look)
    for lon in (30.5, 31.0, 31.5):
        assert airspace.route_between(lon, 34.0, "RUS", end.lon, end.lat, end.country, policy).legal


def test_a_search_asks_for_the_groups_it_is_about_to_build_and_no_others(monkeypatch):
    policy = airspace.make_policy(closed=["TUR", "GRC", "USA"])
    a, b = catalog.airfield("UUMU"), catalog.airfield("HLLB")
    codes = policy.closed_for(a.country, b.country)
    monkeypatch.setattr(obstacles, "_GROUPS", {})
    monkeypatch.setattr(obstacles, "_KNOWN", {})
    asked: list[frozenset[str]] = []
    search = routing._shortest_route.__wrapped__
    assert search((a.lon, a.lat), (b.lon, b.lat), codes, 12.0, routing.MAX_ROUTE_KM, lambda groups, _: asked.extend(groups))
    groups = obstacles.airspace_groups(codes, 12.0).groups
    assert asked and sorted(map(sorted, asked)) == sorted(sorted(g) for g in groups if obstacles.is_built(g, 12.0))
    assert not any("USA" in group for group in asked)  # beyond the search: neither read nor built
    asked.clear()
    assert search((a.lon + 1, a.lat), (b.lon, b.lat), codes, 12.0, routing.MAX_ROUTE_KM, lambda groups, _: asked.extend(groups))
    assert asked == []
