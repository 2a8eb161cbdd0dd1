"""airlift reach: every airfield of the presence list appears (Malabo, FGSL, is in airportsdata only); a
--closed list replaces the December 2024 situation and says so on stderr; +CODE adds to it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sim.cli import app
from sim.data import presence

runner = CliRunner()
ARGS = ["reach", "--type", "Il-76MD", "--from", "UUMU", "--payload-t", "20", "--json"]


def _reach(*extra: str) -> tuple[dict, str]:
    result = runner.invoke(app, [*ARGS, *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_every_presence_airfield_is_reached_for_malabo_too():
    data, _ = _reach()
    listed = {a["icao"] for a in data["airfields"]}
    assert set(presence.airfields()) <= listed
    malabo = next(a for a in data["airfields"] if a["icao"] == "FGSL")
    assert malabo["country"] == "GNQ" and "Malabo" in malabo["name"]


def test_a_closed_list_without_plus_replaces_the_default_and_says_so():
    data, stderr = _reach("--closed", "IRN")
    assert "replaces the December 2024 situation" in stderr and "--closed +IRN" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert data["closed"] == ["IRN"]


def test_plus_adds_to_the_december_2024_situation():
    default, _ = _reach()
    added, stderr = _reach("--closed", "+IRN")
    assert "replaces" not in stderr
    assert "IRN closed as well" in added["airspace_note"] and "December 2024" in added["airspace_note"]
    assert added["closed"] == ["dec2024", "IRN"]
    # More airspace closed never shortens a route: every route is as long or longer (or gone).
    before = {a["icao"]: a["route_km"] for a in default["airfields"]}
    for a in added["airfields"]:
        if a["route_km"] is not None and before[a["icao"]] is not None:
            assert a["route_km"] >= before[a["icao"]] - 0.1
    assert any(a["route_km"] is None or before[a["icao"]] is None or a["route_km"] > before[a["icao"]] + 1
               for a in added["airfields"])  # closing Iran changes something


def test_naming_the_situation_itself_is_not_a_replacement():
    _, stderr = _reach("--closed", "dec2024,IRN")
    assert "replaces" not in stderr


def test_plus_with_a_situation_is_refused():
    result = runner.invoke(app, [*ARGS, "--closed", "+dec2024"])
    assert result.exit_code == 2 and "at most one situation, without +" in result.output


def test_the_map_and_geojson_paths_are_printed(tmp_path):
    png, geo = tmp_path / "reach.png", tmp_path / "reach.geojson"
    result = runner.invoke(app, [*ARGS[:-1], "--to", "HL59", "--map", str(png), "--geojson", str(geo)])
    assert result.exit_code == 0, result.output
    assert f"map: {png}" in result.stdout and f"geojson: {geo}" in result.stdout
    with_json = runner.invoke(app, [*ARGS, "--to", "HL59", "--geojson", str(tmp_path / "b.geojson")])
    assert json.loads(with_json.stdout)["origin"] == "UUMU"  # the path goes to stderr, JSON stays clean
    assert "geojson:" in with_json.stderr


def test_the_reach_map_has_no_blank_band_above_the_title(tmp_path):
    """The map beside its colour bar is lower than the old 9.5-inch figure, whose top inch was blank."""
    import numpy as np
    from PIL import Image

    png = tmp_path / "reach.png"
    assert runner.invoke(app, [*ARGS[:-1], "--map", str(png)]).exit_code == 0
    dark = np.asarray(Image.open(png).convert("L")) < 128
    first_ink = int(np.argmax(dark.any(axis=1)))  # the first row with any dark pixel: the title
    assert first_ink < 0.03 * dark.shape[0]
