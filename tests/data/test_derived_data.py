"""The shortcuts a new process takes to its data equal the long way: values kept in the cache folder
(sim.data.derived), one airportsdata row instead of the whole file, country bounds without shapely."""

from __future__ import annotations

import random

import airportsdata
import numpy as np
import pytest
import shapely
from ruamel.yaml import YAML
from shapely.geometry import shape

from sim.data import catalog, countries, derived


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRLIFT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("AIRLIFT_CACHE", raising=False)
    return tmp_path


def test_remembered_computes_once_then_reads_back(cache_dir):
    calls = []

    def compute():
        calls.append(1)
        return {"x": [1.5, 2.0]}

    assert derived.remembered("test", ("a",), compute) == {"x": [1.5, 2.0]}
    assert derived.remembered("test", ("a",), compute) == {"x": [1.5, 2.0]}
    assert len(calls) == 1
    assert derived.remembered("test", ("b",), lambda: "other") == "other"  # another key: computed
    assert len(list(cache_dir.glob("derived-test-*.pkl"))) == 2
    assert not list(cache_dir.glob(".tmp-*"))


def test_a_corrupt_file_is_a_miss_and_is_rewritten(cache_dir):
    derived.remembered("test", ("a",), lambda: 1)
    (path,) = cache_dir.glob("derived-test-*.pkl")
    path.write_bytes(b"not a pickle")
    assert derived.remembered("test", ("a",), lambda: 2) == 2
    assert derived.remembered("test", ("a",), lambda: 3) == 2


def test_switched_off_it_always_computes(cache_dir, monkeypatch):
    monkeypatch.setenv("AIRLIFT_CACHE", "off")
    assert derived.remembered("test", ("a",), lambda: 1) == 1
    assert derived.remembered("test", ("a",), lambda: 2) == 2
    assert not list(cache_dir.iterdir())


@pytest.mark.parametrize("filename", ["aircraft.yaml", "airfields.yaml", "equipment.yaml"])
def test_data_files_read_back_as_parsed(cache_dir, filename):
    from importlib import resources

    text = resources.files("sim").joinpath("data", filename).read_text(encoding="utf-8")
    fresh = YAML(typ="safe").load(text)
    assert catalog._read_data(filename) == fresh  # computed and stored
    assert catalog._read_data(filename) == fresh  # read back


def test_one_airportsdata_row_equals_the_loaded_table():
    table = airportsdata.load("ICAO")
    idents = [*catalog.curated_idents(), *random.Random(0).sample(sorted(table), 300), "ZZZZ9", "", "icao", "OSLK\""]
    for ident in idents:
        assert catalog._airportsdata_entry(ident) == table.get(ident), ident
        assert catalog.is_known_ident(ident) == (ident in catalog.known_idents()), ident


def test_country_bounds_equal_shapely_bounds():
    for country in countries.countries().values():
        xy = np.array([shapely.bounds(shape(f["geometry"])) for f in country._features])
        expected = (xy[:, 0].min(), xy[:, 1].min(), xy[:, 2].max(), xy[:, 3].max())
        assert country.bounds == tuple(float(v) for v in expected), country.code


def test_country_index_equals_the_document():
    doc = countries._document()
    assert countries.codes() == frozenset(f["iso3"] for f in doc["features"])
    assert countries.source() == {k: v for k, v in doc.items() if k != "features"}


def test_projected_land_and_airspace_read_back_equal_built(cache_dir):
    from sim.results import gis, maps

    proj_string = maps._proj_string((35.0, 40.0))
    window = (-8, 8, -8, 8)

    def fresh():
        for cached in (maps._land_paths, maps._airspace_paths, maps._graticule_lines, gis.airspace_geometry):
            cached.cache_clear()
        return (maps._land_paths(proj_string, window),
                maps._airspace_paths(proj_string, frozenset({"TUR", "SYR"}), 12.0, window),
                maps._graticule_lines(proj_string, 10))

    built = fresh()
    assert all(list(cache_dir.glob(f"derived-map-{kind}-*.pkl")) for kind in ("land", "airspace", "graticule"))
    read = fresh()
    for built_paths, read_paths in zip(built[:2], read[:2], strict=True):
        assert len(built_paths) == len(read_paths) > 0
        for a, b in zip(built_paths, read_paths, strict=True):
            assert np.array_equal(a.vertices, b.vertices) and np.array_equal(a.codes, b.codes)
    assert [(kind, value) for _, kind, value in built[2]] == [(kind, value) for _, kind, value in read[2]]
    assert all(np.array_equal(a, b, equal_nan=True) for (a, _, _), (b, _, _) in zip(built[2], read[2], strict=True))


def test_the_c_parser_reads_every_data_file_as_the_pure_python_parser_does():
    """The package's own YAML is read with ruamel's C parser (ruamel.yaml.clib), five times faster."""
    from importlib import resources

    from ruamel.yaml import YAML

    files = sorted(p for p in resources.files("sim").joinpath("data").iterdir() if p.name.endswith(".yaml"))
    assert len(files) >= 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert YAML(typ="safe").load(text) == YAML(typ="safe", pure=True).load(text), path.name
    assert YAML(typ="safe").Parser.__name__ == "CParser"  # ruamel.yaml.clib is installed and used
