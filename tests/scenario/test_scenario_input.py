"""Scenario input: every mistake in one pass, dates, country names, fleet entries of zero aircraft."""

from __future__ import annotations

import pytest
from helpers import scenario
from typer.testing import CliRunner

from sim import run
from sim.cli import app
from sim.errors import InputError
from sim.scenario.loading import parse_scenario

runner = CliRunner()

FIVE_MISTAKES = """\
name: five
start_date: 15.12.2024
days: 30
fleet:
  - {type: Il-76MD, cont: 4, base: UUMU}
  - {type: An-124-100, count: 2, base: XXQQ}
requirements:
  - {from: UUMU, to: HLGN, tons_per_day: -3}
airspace:
  situation: dec2024
  closed: [Turky]
"""


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_scenario(text, "s.yaml")
    return [str(p) for p in caught.value.problems]


def test_five_different_mistakes_are_reported_together():
    found = problems(FIVE_MISTAKES)
    expected = [
        ("s.yaml:2:1: start_date:", "YYYY-MM-DD"),                       # date in another format
        ("s.yaml:5:21: fleet[0].cont:", "did you mean 'count'"),          # misspelt key (not also "count missing")
        ("s.yaml:6:34: fleet[1].base:", "unknown airfield 'XXQQ'"),        # reference error
        ("s.yaml:8:28: requirements[0].tons_per_day:", "greater than 0"),  # schema error
        ("s.yaml:11:12: airspace.closed[0]:", "did you mean 'Turkey' (TUR)"),  # unknown country, suggested by name
    ]
    assert len(found) == len(expected), found
    for line, (where, what) in zip(found, expected, strict=True):
        assert line.startswith(where) and what in line, line


def test_reference_errors_alone_are_still_located():
    text = FIVE_MISTAKES.replace("15.12.2024", "2024-12-15").replace("cont:", "count:").replace("-3", "3")
    found = problems(text)
    assert [line.split(": ", 2)[1] for line in found] == ["fleet[1].base", "airspace.closed[0]"]


@pytest.mark.parametrize("name", ["Turkey", "Türkiye", "turkey", "TUR", "tur"])
def test_country_names_and_spellings_are_accepted_as_codes(name):
    text = FIVE_MISTAKES.replace("15.12.2024", "2024-12-15").replace("cont:", "count:").replace("-3", "3")
    text = text.replace("XXQQ", "URMF").replace("[Turky]", f"[{name}]")
    text += f"events:\n  - {{day: 5, close_airspace: [{name}, Iran]}}\n"
    loaded = parse_scenario(text, "s.yaml")
    assert loaded.airspace.closed == ["TUR"]
    assert loaded.events[0].close_airspace == ["TUR", "IRN"]


@pytest.mark.slow
def test_closed_option_takes_country_names():
    result = runner.invoke(app, ["reach", "--type", "Il-76MD", "--from", "UUMU", "--payload-t", "40",
                                 "--closed", "dec2024,Turkey", "--json"])
    assert result.exit_code == 0, result.output
    assert "TUR" in result.output.split('"closed": [', 2)[2].split("]")[0]  # the airspace's closed list
    wrong = runner.invoke(app, ["reach", "--type", "Il-76MD", "--from", "UUMU", "--payload-t", "40", "--closed", "Turky"])
    assert wrong.exit_code == 2 and "did you mean 'Turkey' (TUR)" in wrong.output


def test_a_fleet_entry_of_zero_aircraft_is_the_same_as_no_entry():
    without = scenario(days=3)
    extra = [*without.model_dump(by_alias=True)["fleet"], {"type": "An-124-100", "count": 0, "base": "ORIG"}]
    with_zero = scenario(days=3, fleet=extra)
    a, b = run(without).summary, run(with_zero).summary
    assert a["delivered_t"] == b["delivered_t"] > 0 and a["sorties"] == b["sorties"]
    assert b["by_aircraft_type"]["An-124-100"]["aircraft"] == 0


def test_no_aircraft_at_all_delivers_nothing_and_the_closed_form_says_why():
    from sim.experiments import analytic
    from sim.scenario.compile import build_world

    empty = scenario(days=2, fleet=[{"type": "Il-76MD", "count": 0, "base": "ORIG"}])
    assert run(empty).summary["delivered_t"] == 0
    (factors,) = analytic.factors(build_world(empty))
    assert factors.binding.t_per_day == 0 and "no aircraft" in factors.binding.name
