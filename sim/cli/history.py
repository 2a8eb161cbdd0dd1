"""airlift history: keep the inputs consistent with one observed window, predict the next."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import app, fail, load, out, progress_bar


@app.command("history")
def history_command(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="scenario YAML file")],
    flights: Annotated[Path, typer.Argument(metavar="OBSERVATIONS.csv",
                                            help="observed flights: date,type,origin,destination[,source]")],
    split: Annotated[str | None, typer.Option(
        "--split", metavar="DATE", help="first day of the predicted window (default: the date halving the observations)")] = None,
    samples: Annotated[int, typer.Option(min=2, help="Latin-hypercube points over the uncertain inputs")] = 64,
    replications: Annotated[int | None, typer.Option(min=1, help="replications per point (default: the scenario's)")] = None,
    ranges: Annotated[list[str] | None, typer.Option(
        "--range", metavar="PATH=LOW,HIGH", help="an uncertain input and its range (or options a,b,c); repeat it; "
        "default: the scenario's uncertainty: block, else the catalogue ranges of crews, parking and ground times, "
        "al-Khadim fuel, each requirement's tons x0.5-2")] = None,
    counts: Annotated[str, typer.Option(help="'minimum' (reported as 'at least', default) or 'exact'")] = "minimum",
    seed: Annotated[int, typer.Option(min=0, help="seed of the Latin hypercube")] = 0,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores; 1 = serial)")] = None,
    dask: Annotated[str | None, typer.Option("--dask", help="Dask scheduler address, or 'local'")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="also write history.csv (one row per point) and "
                                                 "history.png (predicted against observed) into this folder")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace existing history.csv and history.png")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON on stdout")] = False,
) -> None:
    """History matching: sample the uncertain inputs, keep the points whose flights before --split are
    plausible against the observed ones (implausibility <= 3), predict the flights from --split on from the
    points kept, and say whether each prediction holds against what was observed."""
    from sim.errors import OverrideError
    from sim.experiments import estimate, history

    scenario = load(scenario_path)
    clash = [n for n in ("history.csv", "history.png") if out_dir is not None and (out_dir / n).exists()]
    if out_dir is not None and clash and not force:
        raise fail([f"{out_dir / clash[0]} already exists; add --force to replace it"])
    try:
        observed = history.read_observation_file(flights, scenario)
    except estimate.FlightsError as exc:
        raise fail([str(p) for p in exc.problems]) from None
    inputs = _inputs(ranges) if ranges else None
    when = _date(split) if split else None
    if counts not in ("minimum", "exact"):
        raise fail([f"--counts: expected 'minimum' or 'exact' (got {counts!r})"])
    count = replications or (scenario.stochastic.replications if scenario.stochastic else 1)
    with progress_bar(total=samples * count, unit="run", desc=f"history matching {scenario.name}", leave=False) as bar:
        try:
            result = history.history_match(scenario, observed, split=when, samples=samples, replications=replications,
                                           inputs=inputs, counts=counts, seed=seed, workers=workers, dask=dask,
                                           on_result=lambda _i, _r: bar.update(1))
        except (OverrideError, ValueError) as exc:
            raise fail([str(exc)]) from None
    record = result.to_dict()
    if out_dir is not None:
        _save(out_dir, result, record, force)
    if as_json:
        print(json.dumps(record, indent=2, default=str))
        return
    _print(record)


def _save(folder: Path, result: Any, record: dict[str, Any], force: bool) -> None:
    """history.csv and history.png."""
    from sim.cli.common import save_figure
    from sim.results.plots import history_figure
    from sim.results.writing import write_csv

    folder.mkdir(parents=True, exist_ok=True)
    rows = result.rows()
    write_csv(folder / "history.csv", rows, list(rows[0]))
    save_figure(folder / "history.png", history_figure(record), force)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise fail([f"--split: expected a date YYYY-MM-DD (got {text!r})"]) from None


def _inputs(options: list[str]) -> dict[str, list[Any]]:
    """``{PATH: [LOW, HIGH] or [A, B, ...]}`` of the --range options, as an uncertainty: block takes them."""
    from sim.scenario.overrides import parse_values

    out_ = {}
    for option in options:
        path, sep, spec = option.partition("=")
        values = parse_values(spec) if sep else []
        if not path.strip() or len(values) < 2:
            raise fail([f"--range {option!r}: expected PATH=LOW,HIGH (numbers) or PATH=A,B,... (options)"])
        out_[path.strip()] = list(values)
    return out_


def _print(r: dict[str, Any]) -> None:
    (m0, m1), (p0, p1) = r["windows"]["match"], r["windows"]["predict"]
    kind = "at least (minimums)" if r["counts"] == "minimum" else "exact"
    out.print(f"[bold]{r['scenario']}[/bold]: matched on {m0} to {m1}, predicting {p0} to {p1}; observed counts "
              f"read as {kind}; {r['samples']} sampled points, {r['kept']} kept (implausibility <= {r['cutoff']:g})")
    match = Table(title="the match window: cargo flights observed and simulated (10-90 % of runs)")
    for column in ("route", "observed", "all points", "kept points"):
        match.add_column(column, justify="left" if column == "route" else "right")
    for m in r["match"]:
        match.add_row(m["route"], str(m["observed"]), _range(m["all_points"]), _range(m["kept_points"]))
    out.print(match)
    inputs = Table(title="inputs: sampled range and the values kept")
    for column in ("input", "range", "kept"):
        inputs.add_column(column)
    for i in r["inputs"]:
        kept = (", ".join(f"{k} x{v}" for k, v in i["kept_values"].items()) if "kept_values" in i
                else f"{_num(i['kept_low'])}-{_num(i['kept_high'])}" if "kept_low" in i else "-")
        joiner = ", " if "kept_values" in i else " to "
        inputs.add_row(i["path"], joiner.join(_num(v) if isinstance(v, float) else str(v) for v in i["range"]), kept)
    out.print(inputs)
    if r["kept"] == 0:
        out.print("[red]no sampled point is consistent with the match window: the predictions below use every "
                  "point, and the model or its ranges cannot reproduce what was observed[/red]")
    predict = Table(title=f"predicted {p0} to {p1} (cargo flights; 80 % of the kept runs between p10 and p90)")
    for column in ("route", "observed", "predicted p10-p90", "median", "implausibility", "verdict"):
        predict.add_column(column, justify="left" if column in ("route", "verdict") else "right")
    for p in r["predictions"]:
        verdict = "[green]hit[/green]" if p["verdict"] == "hit" else f"[red]MISS: {p['reason']}[/red]"
        predict.add_row(p["route"], str(p["observed"]), _range(p), f"{p['p50']:g}", f"{p['implausibility']:.1f}", verdict)
    out.print(predict)
    for line in _plainly(r):
        out.print(line)


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _range(q: dict[str, float]) -> str:
    return f"{q['p10']:g}-{q['p90']:g}"


def _plainly(r: dict[str, Any]) -> list[str]:
    """The findings in words."""
    lines = []
    misses = [p for p in r["predictions"] if p["verdict"] == "miss"]
    if misses:
        lines.append("The prediction misses: " + "; ".join(
            f"{p['route']}: observed {p['observed']}, predicted {_range(p)} ({p['reason']})" for p in misses) + ".")
    else:
        lines.append("Every prediction holds against what was observed.")
    if r["counts"] == "minimum":
        lines.append("The counts are minimums: a prediction above them is consistent but not tested; only a "
                     "prediction below what was seen can miss.")
        if r["kept"] == r["samples"]:
            lines.append("The match ruled out no point: every sampled input flies at least as many flights as "
                         "were reported, so the first window constrains none of the inputs.")
    if r["ignored"]:
        lines.append(f"{len(r['ignored'])} observation(s) left out: " + "; ".join(
            sorted({f"{i['route']} ({i['reason']})" for i in r["ignored"]})))
    return lines
