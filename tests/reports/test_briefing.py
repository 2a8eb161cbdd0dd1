"""The one-page briefing (report.html): self-contained, with the run's own numbers, its charts, its route
map's layers, the grades of the assumed numbers and the provenance."""

from __future__ import annotations

import base64
import csv
import json

import numpy as np
import pytest
from helpers import ROOT, Page, remote_references
from typer.testing import CliRunner

from sim.cli import app
from sim.experiments.replications import replicate
from sim.experiments.runs import run
from sim.reports import render_report, write_run_report
from sim.reports.contexts import spread

STOCHASTIC = {"replications": 6, "mission_capable": 0.8, "break_per_sortie": 0.2, "repair_h": {"mean": 6, "cv": 0.5}}


@pytest.fixture(scope="module")
def one_run(tmp_path_factory):
    from helpers import scenario

    folder = tmp_path_factory.mktemp("run")
    result = run(scenario(days=3))
    result.save(folder, force=True)
    return folder, result, write_run_report(folder, result)


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    from helpers import scenario

    folder = tmp_path_factory.mktemp("replicated")
    result = replicate(scenario(days=4, stochastic=STOCHASTIC), workers=1)
    result.save(folder, force=True)
    return folder, result, write_run_report(folder, result)


def test_the_page_is_self_contained_nothing_is_fetched(one_run):
    _, _, path = one_run
    html = path.read_text(encoding="utf-8")
    assert remote_references(html) == []
    page = Page(html)
    assert not [a for t, a in page.tags if t == "script" and "src" in a]
    assert not [a for t, a in page.tags if t == "link"]
    images = [a["src"] for t, a in page.tags if t == "img"]
    assert images and all(src.startswith("data:image/png;base64,") for src in images)


def test_the_embedded_charts_are_the_folders_pngs(one_run):
    folder, _, path = one_run
    page = Page(path.read_text(encoding="utf-8"))
    for tag, a in page.tags:
        if tag == "img":
            png = base64.b64decode(a["src"].split(",", 1)[1])
            assert png == (folder / a["data-file"]).read_bytes()


def test_the_numbers_shown_are_summary_json_s(one_run):
    folder, _, path = one_run
    summary = json.loads((folder / "summary.json").read_text())
    figures = Page(path.read_text(encoding="utf-8")).figures
    for key in ("delivered_t", "requested_t", "backlog_t", "in_transit_t", "sorties"):
        value, text = figures[key]
        assert float(value) == pytest.approx(summary[key])
        assert text == f"{summary[key]:,.0f}"
    assert figures["mean_daily_t"][1] == f"{summary['mean_daily_t']:,.1f}"


def test_the_page_names_the_question_the_timeline_the_grades_and_the_provenance(one_run):
    folder, _, path = one_run
    html = path.read_text(encoding="utf-8")
    prov = json.loads((folder / "run.json").read_text())
    for section in ("question", "answer", "binds", "timeline", "map", "charts", "assumptions", "provenance"):
        assert f'id="{section}"' in html, section
    assert "3 days, 01 Jan 2025 (day 0) to 03 Jan 2025 (day 2)" in html
    assert "1 Il-76MD at ORIG" in html
    assert prov["scenario_hash"] in html and f"<dd>{prov['seed']}</dd>" in html
    assert 'class="grade grade-assumed"' in html  # every assumed catalogue number with its grade and source


def test_the_route_map_has_its_layers_and_one_leg_per_pair_flown(one_run):
    _, result, path = one_run
    page = Page(path.read_text(encoding="utf-8"))
    layers = [a["data-layer"] for t, a in page.tags if t == "g" and "data-layer" in a]
    assert layers == ["land", "airspace", "routes", "airfields", "labels"]
    pairs = {tuple(sorted((r["origin"], r["destination"]))) for r in result.sortie_rows}
    legs = [a for t, a in page.tags if t == "g" and "leg" in a.get("class", "").split()]
    assert sorted(tuple(a["data-ends"].split("-")) for a in legs) == sorted(pairs)
    assert sum(float(a["data-legs"]) for a in legs) == len(result.sortie_rows)
    assert {a["data-ident"] for t, a in page.tags if t == "g" and "data-ident" in a} == {"ORIG", "DEST"}


def test_a_replicated_page_gives_the_spread_of_the_replications_beside_the_mean(replicated):
    folder, _, path = replicated
    html = path.read_text(encoding="utf-8")
    summary = json.loads((folder / "summary.json").read_text())
    with (folder / "replications.csv").open() as f:
        delivered = [float(r["delivered_t"]) for r in csv.DictReader(f)]
    low, high = np.percentile(delivered, [10, 90])
    assert spread(delivered) == (pytest.approx(low), pytest.approx(high))
    assert f"80 % of runs between {low:,.0f} and {high:,.0f}" in html
    ci = summary["replications"]["delivered_t"]
    assert f"95 % CI of the mean {ci['ci95_low']:,.0f}-{ci['ci95_high']:,.0f}" in html
    assert Page(html).figures["delivered_t"][0] == str(summary["delivered_t"])
    assert "mean of 6" in html


def test_the_replicated_map_counts_legs_per_replication(replicated):
    _, result, path = replicated
    page = Page(path.read_text(encoding="utf-8"))
    legs = [float(a["data-legs"]) for t, a in page.tags if t == "g" and "leg" in a.get("class", "").split()]
    total = sum(pair.legs for pair in result.flown.pairs.values())
    assert sum(legs) == pytest.approx(total / 6, abs=0.01)


def test_any_kind_renders_from_a_context_of_plain_data():
    html = render_report("uncertainty", {
        "title": "a study", "answer": {"headline": "it depends", "figures": [
            {"key": "p", "label": "P(met)", "value": 0.5, "text": "0.50", "unit": "", "spread": ""}], "notes": []},
        "assumptions": [{"what": "onload_h", "value": 3, "grade": "assumed", "source": "a guess", "range": "2-4",
                         "reason": ""}]})
    assert "<title>a study</title>" in html and 'data-key="p" data-value="0.5"' in html
    assert "grade-assumed" in html and "it depends" in html
    assert "<script" in html and remote_references(html) == []


def test_text_from_the_scenario_is_escaped():
    html = render_report("run", {"title": "<script>alert(1)</script>", "subtitle": "a & b"})
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html


@pytest.mark.slow
def test_run_html_writes_report_html_and_prints_its_path(tmp_path):
    (tmp_path / "s.yaml").write_text("""\
name: tiny
start_date: 2024-12-08
days: 2
fleet:
  - {type: Il-76MD, count: 2, base: HLLB}
requirements:
  - {from: HLLB, to: HL69, tons: 200}
""")
    out = tmp_path / "res"
    result = CliRunner().invoke(app, ["run", str(tmp_path / "s.yaml"), "--out", str(out), "--html"])
    assert result.exit_code == 0, result.output
    assert f"briefing: {out / 'report.html'}" in result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert remote_references(html) == [] and "HLLB" in html and "HL69" in html


def test_a_template_ships_with_the_package():
    from importlib import resources

    names = {p.name for p in resources.files("sim.reports").joinpath("templates").iterdir()}
    assert {"base.html.j2", "briefing.html.j2", "briefing.css", "briefing.js"} <= names
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "reports/templates/*" in pyproject and "jinja2" in pyproject


def test_a_sweep_page_gives_each_point_its_mean_and_spread(tmp_path):
    from helpers import scenario

    from sim.experiments.sweeps import plan_sweep, run_sweep
    from sim.reports import write_sweep_report

    plan = plan_sweep(scenario(days=3, stochastic=STOCHASTIC), {"fleet[0].count": [1, 2]}, replications=3)
    run_sweep(plan, workers=1).save(tmp_path, force=True)
    page = write_sweep_report(tmp_path)
    assert page.name == "sweep_report.html"  # beside a run's report.html in results/<name>/, never over it
    html = page.read_text(encoding="utf-8")
    with (tmp_path / "sweep.csv").open() as f:
        rows = list(csv.DictReader(f))
    for count in ("1", "2"):
        delivered = [float(r["delivered_t"]) for r in rows if r["fleet[0].count"] == count]
        low, high = np.percentile(delivered, [10, 90])
        assert f"<td>{count}</td><td>3</td><td>{np.mean(delivered):,.0f} ({low:,.0f}-{high:,.0f})</td>" in html
    assert remote_references(html) == [] and "data:image/png;base64," in html


def test_a_sizing_page_names_the_answer_and_every_value_evaluated(tmp_path):
    from helpers import scenario

    from sim.experiments import sizing
    from sim.reports import write_sizing_report

    s = scenario(days=2, requirements=[{"from": "ORIG", "to": "DEST", "tons": 90}])
    answer = sizing.size(s, "fleet[0].count", close_by_day=1)
    html = write_sizing_report(tmp_path / "size.html", answer, s).read_text(encoding="utf-8")
    assert f"{answer.value} is the smallest number of" in html
    assert Page(html).figures["value"] == (str(answer.value), str(answer.value))
    assert all(f"<td>{p.value}</td>" in html for p in answer.evaluated)


def test_a_comparison_page_gives_both_deliveries_and_the_difference(tmp_path):
    from helpers import scenario

    from sim.experiments.compare import compare_results
    from sim.reports import write_comparison_report

    a = run(scenario(days=3))
    b = run(scenario(days=3, fleet=[{"type": "Il-76MD", "count": 2, "base": "ORIG"}]))
    compare_results(a, b).save(tmp_path, force=True)
    figures = Page(write_comparison_report(tmp_path).read_text(encoding="utf-8")).figures
    assert float(figures["delivered_t_a"][0]) == a.summary["delivered_t"]
    assert float(figures["delivered_t_b"][0]) == b.summary["delivered_t"]
    assert float(figures["difference_t"][0]) == pytest.approx(b.summary["delivered_t"] - a.summary["delivered_t"])


def test_the_reach_report_page_sets_out_each_claim_s_verdicts_by_airspace_case(tmp_path, one_run):
    from sim.reports import write_reach_report

    folder, _, _ = one_run
    (tmp_path / "run.json").write_text(json.dumps({"kind": "reach report", "origins": ["UUMU"], "destinations": ["HL59"],
                                                   "cases": {"dec2024": {"label": "dec2024", "rules": []}}}))
    (tmp_path / "claim_verdicts.csv").write_text("claim,type,case,verdict\ntelegraph,Il-76MD,dec2024,fails\n"
                                                 "telegraph,Il-76MD,no_syria,depends on Iran overflight\n"
                                                 "rybar,Il-76MD,dec2024,holds\n")
    (tmp_path / "map_UUMU_dec2024.png").write_bytes((folder / "throughput.png").read_bytes())
    html = write_reach_report(tmp_path).read_text(encoding="utf-8")
    assert "claim telegraph: holds in 0, fails in 1, depends on an assumption in 1 of 2" in html
    assert "<td>telegraph</td><td>Il-76MD</td><td>fails</td><td>depends on Iran overflight</td>" in html
    assert 'data-file="map_UUMU_dec2024.png"' in html
