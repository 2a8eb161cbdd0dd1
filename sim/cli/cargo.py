"""airlift loads: sorties per type for a requirement's equipment and people, packed by hand's rule."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import Format, FormatOption, app, load, out, print_rows


@app.command("loads")
def loads_command(
    scenario_path: Annotated[Path, typer.Argument(metavar="SCENARIO", help="scenario YAML file")],
    fmt: FormatOption = Format.table,
) -> None:
    """Sorties each fleet type needs for each requirement's equipment and people, without simulating:
    if it flew everything it can carry alone, and for the pieces only it can carry; its first load and what
    it cannot carry (the packing rule of the README, at the payload of its loaded trip)."""
    from sim.experiments.loads import LOAD_PLAN_COLUMNS, load_plan

    plan = load_plan(load(scenario_path))
    if plan.empty:
        out.print("No requirement lists items or passengers: every ton is bulk, limited by mass only.")
        return
    rows = [[None if v != v else v for v in row] for row in plan[LOAD_PLAN_COLUMNS].itertuples(index=False)]
    print_rows(LOAD_PLAN_COLUMNS, rows, fmt, title="sorties per type: alone, and for what only it can carry")
