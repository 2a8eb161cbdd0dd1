"""airlift uncertainty: which assumption decides the answer, and how sure it is."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli import journal
from sim.cli.common import app, fail, load, out
from sim.experiments.execution import start_early
from sim.experiments.uncertainty import OUTCOMES, UNCERTAINTY_FILES, import_for_analysis, plan_study, run_study

PARTIAL = ".uncertainty-partial.jsonl"


@app.command("uncertainty")
def uncertainty_command(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="scenario YAML file")],
    samples: Annotated[int, typer.Option(min=2, help="base samples: Sobol N (runs N(k+2)), Morris trajectories "
                                                     "(N(k+1)), Latin hypercube points (N)")] = 64,
    replications: Annotated[int | None, typer.Option(min=1, help="replications per point (same seeds at every point)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores; 1 = serial)")] = None,
    dask: Annotated[str | None, typer.Option("--dask", help="Dask scheduler address, or 'local'")] = None,
    outcome: Annotated[str, typer.Option(help="delivered_t, closure_day or mean_daily_t")] = "delivered_t",
    method: Annotated[str, typer.Option(help="sobol, morris, lhs, or auto (Sobol up to 12 inputs, Morris beyond)")] = "auto",
    close_by: Annotated[int | None, typer.Option("--close-by", help="deadline day for the share that closes "
                                                                    "(default: the last day of the run)")] = None,
    catalogue: Annotated[bool, typer.Option("--catalogue", help="also vary the catalogue ranges beside an "
                                                                "uncertainty: block")] = False,
    seed: Annotated[int | None, typer.Option(help="seed of the sampled points (default: the scenario's)")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="results folder (default results/<name>-uncertainty/)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    force: Annotated[bool, typer.Option("--force", help="replace an existing study, or start an interrupted one over")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="complete an interrupted study")] = False,
    html: Annotated[bool, typer.Option("--html", help="also write report.html: a one-page briefing, self-contained")] = False,
) -> None:
    """Vary the uncertain inputs together (the scenario's uncertainty: block, or the catalogue ranges of
    every assumed or derived number it uses) and rank them by how much they move the outcome. Writes
    uncertainty.csv (one row per sample), sensitivity.csv (one row per input, by rank), uncertainty.json,
    tornado.png and distribution.png (and with --html report.html, a one-page briefing)."""
    scenario = load(scenario_path)
    if outcome not in OUTCOMES:
        raise fail([f"--outcome {outcome!r}: expected one of {', '.join(OUTCOMES)}"])
    start_early(workers, dask)  # the workers' fork server loads the model while the plan is made
    plan = plan_study(scenario, method=method, samples=samples, replications=replications, seed=seed,
                      catalogue=True if catalogue else None, outcome=outcome, close_by_day=close_by)
    target = out_dir or Path("results") / f"{scenario.name}-uncertainty"
    partial = target / PARTIAL
    if (target / "sensitivity.csv").exists() and not force:
        raise fail([f"{target / 'sensitivity.csv'} already exists; add --force to replace it"])
    done = journal.resume(partial, "study_id", plan.study_id, "study",
                          "scenario, inputs, samples, method, replications or seed changed", resume, force)
    target.mkdir(parents=True, exist_ok=True)
    journal.start(partial, "study_id", plan.study_id, done)
    result = journal.run_journalled(
        partial, done, plan.runs, f"{scenario.name}: {len(plan.inputs)} inputs, {plan.method}",
        f"airlift uncertainty {scenario_path}",
        lambda on_row: run_study(plan, workers=workers, dask=dask, done=done,
                                 on_row=importing_after_first(on_row, plan.method)))
    result.save(target, force=force)
    partial.unlink(missing_ok=True)
    if as_json:
        print(json.dumps(result.summary, indent=2, default=str))
    else:
        _print(result, target)
    if html:
        _briefing(target, scenario, as_json)


def importing_after_first(on_row: Callable[[dict[str, Any]], None], method: str) -> Callable[[dict[str, Any]], None]:
    """``on_row``, and once the first run is in: import the analysis and the charts (``import_for_analysis``)
    while the workers run the others."""
    imported: list[bool] = []

    def keep(row: dict[str, Any]) -> None:
        on_row(row)
        if not imported:
            imported.append(True)
            import_for_analysis(method)

    return keep


def _briefing(target: Path, scenario: Any, as_json: bool) -> None:
    """report.html in the study's folder; its path printed (on stderr under --json)."""
    from sim.reports import write_uncertainty_report

    report = write_uncertainty_report(target, scenario)
    if as_json:
        typer.echo(f"briefing: {report}", err=True)
    else:
        out.print(f"Briefing: [bold]{report}[/bold]")


def _print(result: Any, target: Path) -> None:
    from sim.experiments.uncertainty_charts import spread_words

    s = result.summary
    unit = s["unit"]
    out.print(f"[bold]{s['scenario']}[/bold]: {s['outcome']} over {s['samples']} samples of {len(s['inputs'])} "
              f"inputs ({s['method']}, {s['replications']} replication(s) each, {s['runs']} runs)")
    out.print(f"  {spread_words(result)}; every input at its value: {s['base']:,.1f}")
    if s["share_closed"] is not None:
        out.print(f"  {s['share_closed']:.0%} of the runs deliver every requested ton by day {s['close_by_day']}")
    table = Table(title="inputs by influence (rank 1 matters most)")
    index = {"sobol": ("ST", "ST_conf", "S1"), "morris": ("mu_star", None, "sigma"), "lhs": ("S1", "S1_conf", None)}[s["method"]]
    for column in ("rank", "input", "low", "high", "grade", f"swing ({unit})", *[c for c in index if c]):
        table.add_column(column, justify="left" if column in ("input", "grade") else "right")
    for i in s["inputs"]:
        cells = [str(i["rank"]), i["path"], json.dumps(i["low"]), json.dumps(i["high"]), i["grade"], f"{i['swing']:,.1f}"]
        cells += [("-" if i[c] is None else f"{i[c]:.3f}") for c in index if c]
        table.add_row(*cells)
    out.print(table)
    out.print(f"\nResults in [bold]{target}/[/bold]: {', '.join(UNCERTAINTY_FILES)}")
