"""Airfields by name: one resolver (sim.data.names.resolve_airfield) for the command line, scenario files and
the catalogue search; did-you-mean on a miss; a warning for an airfield the events or the airfields block
name but nothing in the scenario uses (a one-letter code slip such as OSKL for OSLK)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.data import names
from sim.errors import InputError
from sim.scenario.loading import load_scenario
from sim.scenario.references import unused_airfield_warnings

runner = CliRunner()


@pytest.mark.parametrize(("text", "ident"), [
    ("OSLK", "OSLK"), ("oslk", "OSLK"),                 # codes in any case
    ("Hmeimim", "OSLK"), ("HMEIMIM", "OSLK"), ("hméimim", "OSLK"),  # case and accents folded
    ("al-Khadim", "HL59"), ("Al Khadim", "HL59"), ("alkhadim", "HL59"),  # punctuation and spaces folded
    ("Mozdok", "URMF"), ("mozdok", "URMF"),
    ("Benghazi", "HLLB"), ("Benina", "HLLB"),           # either part of "Benina (Benghazi)"
    ("Bangui", "FEFF"),                                 # the beginning of "Bangui M'Poko"
    ("Malabo", "FGSL"),                                 # airportsdata's "Malabo Airport", outside the catalogue
])
def test_a_code_or_a_name_resolves_to_its_ident(text, ident):
    assert names.resolve_airfield(text) == ident


@pytest.mark.parametrize(("text", "meant"), [("Hmeimm", "OSLK (Hmeimim)"), ("Mozdk", "URMF (Mozdok)"),
                                             ("al-Kadim", "HL59 (al-Khadim)")])
def test_a_misspelt_name_is_refused_with_the_nearest_airfield(text, meant):
    with pytest.raises(names.UnknownAirfieldError) as error:
        names.resolve_airfield(text)
    assert f"did you mean {meant}?" in str(error.value)


def test_a_name_shared_by_several_airfields_lists_them_and_asks_for_the_code():
    shared = next(k for k, v in names._airportsdata_index().items() if len(v) > 1 and k not in names._curated_index())
    with pytest.raises(names.UnknownAirfieldError, match="give the ICAO code"):
        names.resolve_airfield(shared)


def test_the_command_line_takes_names_for_from_and_to():
    result = runner.invoke(app, ["reach", "--type", "Il-76MD", "--from", "Mozdok", "--payload-t", "20",
                                 "--to", "Hmeimim, al-Khadim", "--closed", "", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["origin"] == "URMF"
    assert [a["icao"] for a in data["airfields"]] == ["OSLK", "HL59"]


def test_an_unknown_name_on_the_command_line_exits_2_with_a_suggestion():
    result = runner.invoke(app, ["reach", "--type", "Il-76MD", "--from", "Mozdk", "--payload-t", "20"])
    assert result.exit_code == 2
    assert "--from: unknown airfield 'Mozdk' (did you mean URMF (Mozdok)?)" in result.output


def test_the_catalogue_shows_name_and_country_in_the_table_and_the_json():
    table = runner.invoke(app, ["catalog", "airfields"])
    assert table.exit_code == 0
    assert any("hmeimim" in line.lower() and "OSLK" in line for line in table.output.splitlines())  # `| grep -i hmeimim`
    data = json.loads(runner.invoke(app, ["catalog", "airfields", "--json"]).stdout)
    assert data["OSLK"]["name"] == "Hmeimim" and data["OSLK"]["country"] == "SYR"
    assert data["HL59"]["name"] == "al-Khadim" and data["HL59"]["country"] == "LBY"
    assert data["OSLK"]["runway_m"]["grade"] == "sourced"  # the values keep their grade and source


@pytest.mark.parametrize(("text", "found"), [("hmeimim", {"OSLK"}), ("KHADIM", {"HL59"}), ("Syria", {"OSLK", "OSKL"}),
                                             ("malabo", {"FGSL"})])
def test_the_catalogue_search_finds_airfields_by_name_code_or_country(text, found):
    result = runner.invoke(app, ["catalog", "airfields", "--search", text, "--json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == found


def test_a_search_that_finds_nothing_suggests_the_nearest():
    result = runner.invoke(app, ["catalog", "airfields", "--search", "Hmeimm"])
    assert result.exit_code == 2
    assert "did you mean OSLK (Hmeimim)?" in result.output


SCENARIO = """\
name: by_name
start_date: 2024-12-15
days: 10
fleet:
  - {type: Il-76MD, count: 4, base: Chkalovsky}
requirements:
  - {from: chkalovsky, to: Hmeimim, tons_per_day: 40, label: Syria}
events:
  - {day: 7, close: CLOSED}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


def test_scenario_airfields_may_be_written_by_name(tmp_path):
    s = load_scenario(_write(tmp_path, SCENARIO.replace("CLOSED", "Hmeimim")))
    assert s.fleet[0].base == "UUMU" and s.requirements[0].to == "OSLK" and s.events[0].close == "OSLK"
    same = load_scenario(_write(tmp_path, SCENARIO.replace("CLOSED", "OSLK").replace("Chkalovsky", "UUMU")
                                .replace("chkalovsky", "UUMU").replace("Hmeimim", "OSLK")))
    assert s.scenario_hash() == same.scenario_hash()  # a name is only another way to write the code


def test_a_misspelt_airfield_name_in_a_scenario_names_the_line_and_the_nearest(tmp_path):
    with pytest.raises(InputError) as error:
        load_scenario(_write(tmp_path, SCENARIO.replace("CLOSED", "OSLK").replace("to: Hmeimim", "to: Hmeimm")))
    text = str(error.value)
    assert ":7:" in text and "requirements[0].to" in text and "did you mean OSLK (Hmeimim)?" in text


def test_a_closure_of_an_airfield_nothing_uses_is_warned_with_the_likely_code(tmp_path):
    slip = load_scenario(_write(tmp_path, SCENARIO.replace("CLOSED", "OSKL")))  # Qamishli for Hmeimim
    warnings = unused_airfield_warnings(slip)
    assert len(warnings) == 1
    assert "OSKL (Qamishli)" in warnings[0] and "did you mean OSLK (Hmeimim)?" in warnings[0]
    assert slip.warnings() == warnings  # the same from the scenario itself
    assert unused_airfield_warnings(load_scenario(_write(tmp_path, SCENARIO.replace("CLOSED", "OSLK")))) == []


def test_validate_and_run_print_the_warning(tmp_path):
    path = _write(tmp_path, SCENARIO.replace("CLOSED", "OSKL").replace("days: 10", "days: 1").replace("day: 7", "day: 0.5"))
    for args in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "out")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "warning:" in result.output and "did you mean OSLK (Hmeimim)?" in result.output


def test_settings_for_an_airfield_nothing_uses_are_warned(tmp_path):
    text = SCENARIO.replace("CLOSED", "OSLK") + "airfields:\n  HL59: {mog: 2, fuel: false}\n"  # no fuel stop
    (warning,) = unused_airfield_warnings(load_scenario(_write(tmp_path, text)))
    assert warning.startswith("airfields.HL59: HL59 (al-Khadim) is used by nothing")


def test_closing_a_distant_catalogue_fuel_stop_on_purpose_is_not_warned(tmp_path):
    # Denying a fuel stop is a reason to close an airfield the scenario does not fly to; without a used
    # airfield of a near code or name, it is taken as meant.
    s = load_scenario(_write(tmp_path, SCENARIO.replace("CLOSED", "HLLB")))
    assert unused_airfield_warnings(s) == []


def test_observed_flights_may_name_their_airfields(tmp_path):
    from sim.experiments import estimate

    path = tmp_path / "flights.csv"
    path.write_text("date,type,origin,destination\n2024-12-14,Il-76MD,Hmeimim,al-Khadim\n"
                    "2024-12-15,Il-76MD,OSLK,Benghazi\n2024-12-16,Il-76MD,Hmeimm,HL59\n")
    with pytest.raises(estimate.FlightsError) as error:
        estimate.read_flights(path)
    (problem,) = error.value.problems
    assert problem.line == 4 and "did you mean OSLK (Hmeimim)?" in problem.message
    path.write_text("\n".join(path.read_text().splitlines()[:3]) + "\n")
    flights = estimate.read_flights(path)
    assert [(f.origin, f.destination) for f in flights] == [("OSLK", "HL59"), ("OSLK", "HLLB")]
