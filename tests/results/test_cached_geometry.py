"""Geometry kept in the cache folder is the geometry computed: the closed airspace that routes.geojson and
the maps draw, read back from the cache folder, is the same to the bit and with the same precision model
(later operations round to it), so a run draws the same files whatever the cache folder held."""

from __future__ import annotations

import shapely

from sim.data import countries
from sim.results import gis


def test_the_airspace_read_back_from_the_cache_is_the_airspace_computed(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRLIFT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("AIRLIFT_CACHE", raising=False)
    codes = countries.expand(["TUR", "GRC", "CYP"])
    computed = gis.airspace_geometry.__wrapped__(codes, 12.0)  # computed, and stored
    assert list((tmp_path / "cache").glob("derived-airspace-geometry-*"))
    read_back = gis.airspace_geometry.__wrapped__(codes, 12.0)  # read back from the cache folder
    assert read_back is not computed
    assert shapely.to_wkb(read_back) == shapely.to_wkb(computed)
    assert shapely.get_precision(read_back) == shapely.get_precision(computed) == 10.0 ** -gis.DECIMALS
    for box in ((20.0, 30.0, 40.0, 45.0), (25.0, 34.0, 36.0, 42.0)):  # as a map clips and segmentizes it
        drawn = [shapely.segmentize(shapely.clip_by_rect(g, *box), 0.5) for g in (computed, read_back)]
        assert shapely.to_wkb(drawn[0]) == shapely.to_wkb(drawn[1])
