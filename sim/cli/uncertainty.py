"""airlift uncertainty: which assumption decides the answer, and how sure it is."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import app, fail, load, out, progress_bar
from sim.experiments.uncertainty import OUTCOMES, UNCERTAINTY_FILES, StudyPlan, UncertaintyResult, plan_study, run_study

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
    plan = plan_study(scenario, method=method, samples=samples, replications=replications, seed=seed,
                      catalogue=True if catalogue else None, outcome=outcome, close_by_day=close_by)
    target = out_dir or Path("results") / f"{scenario.name}-uncertainty"
    partial = target / PARTIAL
    if (target / "sensitivity.csv").exists() and not force:
        raise fail([f"{target / 'sensitivity.csv'} already exists; add --force to replace it"])
    done = _resume(partial, plan.study_id, resume, force)
    target.mkdir(parents=True, exist_ok=True)
    result = _run_journalled(plan, partial, done, scenario.name, scenario_path, workers, dask)
    result.save(target, force=force)
    partial.unlink(missing_ok=True)
    if as_json:
        print(json.dumps(result.summary, indent=2, default=str))
    else:
        _print(result, target)
    if html:
        _briefing(target, scenario, as_json)


def _run_journalled(
    plan: StudyPlan, partial: Path, done: dict[tuple[int, int], dict[str, Any]], name: str, scenario_path: Path,
    workers: int | None, dask: str | None,
) -> UncertaintyResult:
    """Run the study's remaining runs, appending each finished row to the ``partial`` journal under a progress
    bar; on Ctrl-C, say how many runs are kept and how to resume, and exit with code 130."""
    with partial.open("a", encoding="utf-8") as log, progress_bar(
        total=plan.runs, initial=len(done), unit="run",
        desc=f"{name}: {len(plan.inputs)} inputs, {plan.method}",
    ) as bar:
        if not done:
            log.write(json.dumps({"study_id": plan.study_id}) + "\n")

        def keep(row: dict[str, Any]) -> None:
            log.write(json.dumps(row) + "\n")
            log.flush()
            bar.update(1)

        try:
            return run_study(plan, workers=workers, dask=dask, done=done, on_row=keep)
        except KeyboardInterrupt:
            bar.close()
            print(f"\ninterrupted: {len(_kept(partial))} of {plan.runs} runs kept in {partial}; "
                  f"complete them with: airlift uncertainty {scenario_path} ... --resume", file=sys.stderr)
            raise typer.Exit(code=130) from None


def _briefing(target: Path, scenario: Any, as_json: bool) -> None:
    """report.html in the study's folder; its path printed (on stderr under --json)."""
    from sim.reports import write_uncertainty_report

    report = write_uncertainty_report(target, scenario)
    if as_json:
        typer.echo(f"briefing: {report}", err=True)
    else:
        out.print(f"Briefing: [bold]{report}[/bold]")


def _kept(partial: Path) -> dict[tuple[int, int], dict[str, Any]]:
    done = {}
    for line in partial.read_text(encoding="utf-8").splitlines()[1:]:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:  # a line cut short by the interruption
            continue
        done[(row["point"], row["replication"])] = row
    return done


def _resume(partial: Path, study_id: str, resume: bool, force: bool) -> dict[tuple[int, int], dict[str, Any]]:
    """Runs already finished by an interrupted run of this same study (empty when starting afresh)."""
    if not partial.exists():
        return {}
    if force and not resume:
        partial.unlink()
        return {}
    if not resume:
        raise fail([f"{partial} holds an interrupted study: add --resume to complete it, or --force to start over"])
    lines = partial.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0]) if lines else {}
    if header.get("study_id") != study_id:
        raise fail([f"{partial} is from a different study (scenario, inputs, samples, method, replications or seed "
                     "changed); use --force to start over"])
    return _kept(partial)


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
