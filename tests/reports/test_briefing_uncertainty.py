"""The briefing page of an uncertainty study (``airlift uncertainty --html``): self-contained, with the
study's own numbers (uncertainty.json's quantiles, share closed and swings), its inputs ranked with their
grade and the catalogue's source, both charts embedded, the method and the provenance. In headless
Chromium too, when there is one (a screenshot kept in results/browser-test/uncertainty.png)."""

from __future__ import annotations

import base64
import csv
import json
import shutil

import pytest
from helpers import PARKING, ROOT, Page, parking_scenario, remote_references, screenshot
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments.runs import run
from sim.experiments.uncertainty import uncertainty
from sim.reports import write_run_report

runner = CliRunner()


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """A Sobol study of a scenario whose declared parking range decides the tons, written with --html."""
    folder = tmp_path_factory.mktemp("uncertainty")
    path = folder / "s.json"
    data = parking_scenario(uncertainty=PARKING).model_dump(mode="json", by_alias=True, exclude_none=True)
    path.write_text(json.dumps(data))
    done = runner.invoke(app, ["uncertainty", str(path), "--samples", "8", "--method", "sobol", "--workers", "1",
                               "--out", str(folder / "micro-uncertainty"), "--html"])
    assert done.exit_code == 0, done.output
    return folder / "micro-uncertainty", done.output


def test_the_command_writes_the_page_and_prints_its_path(study):
    out, output = study
    assert (out / "report.html").exists()
    assert f"Briefing: {out / 'report.html'}" in " ".join(output.split())


def test_the_page_is_self_contained_and_embeds_both_charts(study):
    out, _ = study
    html = (out / "report.html").read_text()
    assert remote_references(html) == []
    page = Page(html)
    images = {a["data-file"]: a["src"] for tag, a in page.tags if tag == "img"}
    assert set(images) == {"tornado.png", "distribution.png"}
    for name, src in images.items():
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]) == (out / name).read_bytes()


def test_the_distribution_shown_is_the_studys(study):
    out, _ = study
    s = json.loads((out / "uncertainty.json").read_text())
    page = Page((out / "report.html").read_text())
    for key in ("p10", "p50", "p90"):
        value, text = page.figures[f"quantiles.{key}"]
        assert float(value) == s["quantiles"][key] and text == f"{s['quantiles'][key]:,.0f}"
    assert float(page.figures["base"][0]) == s["base"]
    assert float(page.figures["share_closed"][0]) == pytest.approx(100 * s["share_closed"])
    assert int(page.figures["samples"][0]) == s["samples"] and int(page.figures["runs"][0]) == s["runs"]
    html = (out / "report.html").read_text()
    q = s["quantiles"]
    assert f"80 % of samples between {q['p10']:,.0f} t and {q['p90']:,.0f} t" in html
    assert f"{s['share_closed']:.0%} of the runs deliver every requested ton by day {s['close_by_day']}" in html
    assert f"{s['runs']} runs in all" in html and "Sobol indices" in html


def test_the_inputs_are_ranked_with_their_swing_grade_and_source(study):
    out, _ = study
    s = json.loads((out / "uncertainty.json").read_text())
    with (out / "sensitivity.csv").open() as f:
        sources = {r["path"]: r["source"] for r in csv.DictReader(f)}
    page = Page((out / "report.html").read_text())
    rows = [a for tag, a in page.tags if tag == "tr" and "data-path" in a]
    assert [(r["data-path"], int(r["data-rank"])) for r in rows] == [(i["path"], i["rank"]) for i in s["inputs"]]
    assert rows[0]["data-path"] == "airfields.DEST.mog"
    swings = [float(a["data-value"]) for tag, a in page.tags if tag == "td" and a.get("class") == "swing"]
    assert swings == [i["swing"] for i in s["inputs"]] and swings[0] > 100
    html = (out / "report.html").read_text()
    offload = sources["aircraft.Il-76MD.offload_h"]
    assert "AFPAM" in offload and offload in html  # the catalogue's reason for the range, as the CSV has it
    assert 'class="grade grade-assumed"' in html and 'class="grade grade-scenario"' in html


def test_the_provenance_names_the_scenario_and_the_seed(study):
    out, _ = study
    html = (out / "report.html").read_text()
    data = json.loads((out.parent / "s.json").read_text())
    from sim.scenario.schema import Scenario

    assert Scenario.model_validate(data).scenario_hash() in html
    assert "<dt>seed</dt><dd>0</dd>" in html


def test_a_run_beside_a_study_of_its_scenario_ranks_its_assumptions_by_it(study):
    out, _ = study
    s = json.loads((out / "uncertainty.json").read_text())
    result = run(parking_scenario())  # named "micro", as the study's scenario: results/micro/ beside micro-uncertainty/
    result.save(out.parent / "micro", force=True)
    html = write_run_report(out.parent / "micro", result).read_text()
    assert f"Ranked by the uncertainty study in {out} (sobol, {s['samples']} samples, outcome delivered_t)" in html
    ranks = [int(a["data-rank"]) for tag, a in Page(html).tags if tag == "tr" and "data-rank" in a]
    assert ranks == [i["rank"] for i in s["inputs"]]  # every input of the study, in rank order, first
    offload = next(i for i in s["inputs"] if i["path"] == "aircraft.Il-76MD.offload_h")
    assert f"<td>{offload['swing']:,.0f} t</td>" in html
    rows = [a for tag, a in Page(html).tags if tag == "tr"]
    assert "data-rank" not in rows[-1] and "<td>Il-76MD crew_duty_h</td>" in html  # the rest follow, unranked
    assert "No uncertainty study ranks these yet" not in html


def test_a_run_without_a_study_says_none_ranks_its_assumptions_and_how_to_get_one(tmp_path):
    result = run(parking_scenario())
    result.save(tmp_path / "micro", force=True)
    html = write_run_report(tmp_path / "micro", result).read_text()
    assert "No uncertainty study ranks these yet: `airlift uncertainty " in html
    assert not [a for tag, a in Page(html).tags if tag == "tr" and "data-rank" in a]
    assert "grade-assumed" in html  # today's list, unranked


def test_a_study_of_another_scenario_does_not_rank_a_run(study, tmp_path):
    out, _ = study
    result = run(parking_scenario(name="other"))
    result.save(tmp_path / "other", force=True)
    html = write_run_report(tmp_path / "other", result, study=out).read_text()
    assert "No uncertainty study ranks these yet" in html


def test_the_page_renders_in_chromium(browser, study, tmp_path):
    from selenium.webdriver.common.by import By

    out, _ = study
    s = json.loads((out / "uncertainty.json").read_text())
    browser.get((out / "report.html").as_uri())
    assert browser.title == "micro: uncertainty briefing"
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")] == []
    rows = browser.find_elements(By.CSS_SELECTOR, "#ranked-inputs tbody tr")
    assert [r.get_attribute("data-path") for r in rows] == [i["path"] for i in s["inputs"]]
    assert all(r.is_displayed() for r in rows)
    for img in browser.find_elements(By.CSS_SELECTOR, "#charts img"):
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) > 100
    shown = browser.find_element(By.CSS_SELECTOR, '.value[data-key="quantiles.p90"]').text
    assert shown == f"{s['quantiles']['p90']:,.0f}"
    kept = ROOT / "results" / "browser-test" / "uncertainty.png"
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(screenshot(browser, tmp_path / "uncertainty.png"), kept)
    print(f"\nscreenshot of the uncertainty briefing: {kept}")


def test_a_catalogue_number_a_study_ranks_keeps_its_name_and_grade_on_the_run_page(tmp_path):
    s = parking_scenario(name="cat")
    study = uncertainty(s, {"aircraft.Il-76MD.range_reserve_frac": [0.05, 0.1], "airfields.DEST.parking_mog": [1, 6]},
                        samples=4, method="lhs", workers=1)
    study.save(tmp_path / "cat-uncertainty", force=True)
    result = run(s)
    result.save(tmp_path / "cat", force=True)
    html = write_run_report(tmp_path / "cat", result).read_text()
    reserve = next(i for i in study.summary["inputs"] if i["path"] == "aircraft.Il-76MD.range_reserve_frac")
    row = f'<tr data-rank="{reserve["rank"]}"><td>{reserve["rank"]}</td><td>Il-76MD range_reserve_frac</td>'
    assert row in html  # the run's own entry (its name, value, grade), ranked: not a second row for the path
    assert html.count("range_reserve_frac</td>") == 1
