"""What a run, a replicated run and a sweep write into a results folder: the one writer behind both
``result.save(folder)`` and the ``airlift`` command. Every set of files is written atomically."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.model.records import GROUND_COLUMNS, LEG_COLUMNS
from sim.results import drawers
from sim.results.integrity import seal
from sim.results.summary_types import Summary, replications_in
from sim.results.writing import write_csv, write_files, write_json, write_lines

if TYPE_CHECKING:
    from sim.results.gis import FlownTally

DAILY_COLUMNS = ["day", "date", "requirement", "origin", "destination", "delivered_t", "sorties"]
DAILY_CI_COLUMNS = ["day", "date", "requirement", "origin", "destination", "delivered_t", "delivered_t_ci95_low",
                    "delivered_t_ci95_high", "cumulative_t", "cumulative_t_ci95_low", "cumulative_t_ci95_high",
                    "cumulative_t_p10", "cumulative_t_p90"]
SORTIE_COLUMNS = list(LEG_COLUMNS)
GROUND_TABLE_COLUMNS = list(GROUND_COLUMNS)

RUN_FILES = ["run.json", "summary.json", "scenario.json", "daily.csv", "sorties.csv", "ground.csv", "throughput.png",
             "ground.png", "routes.png", "routes.geojson", "routes_airfields.geojson", "routes_areas.geojson"]
# cargo.png only when a scenario moves more than bulk tons (see run_files)
# closure.png only when some replication closes (see closes)
REPLICATED_FILES = [*RUN_FILES, "replications.csv", "closure.png"]
SWEEP_FILES = ["sweep.csv", "sweep_points.csv", "sweep.png", "sweep_run.json"]
COMPARISON_FILES = ["comparison.csv", "comparison.png", "summary_a.json", "summary_b.json", "run.json"]
REACH_REPORT_FILES = ["reach.md", "reach.csv", "reach.geojson", "reach_airfields.geojson", "reach_areas.geojson",
                      "run.json"]  # and map_<origin>_<case>.png
# Every file a run (or replicated run) may have written: a new run replaces them all, whichever it writes,
# so a folder never holds one run's summary beside another's replications.csv, closure.png or routes.kml.
RUN_OWNED = frozenset([*REPLICATED_FILES, "cargo.png", "routes.kml", "results.xlsx", "report.html"])


def run_files(summary: Summary) -> list[str]:
    """The files a run writes: RUN_FILES, and cargo.png when it moves equipment or people."""
    return [*RUN_FILES, "cargo.png"] if moves_more_than_bulk(summary) else RUN_FILES


def moves_more_than_bulk(summary: Summary) -> bool:
    """Does the run carry equipment, oversize or outsize cargo, or people? (cargo.png is drawn only then)"""
    classes = summary.get("cargo", {}).get("by_class", {})
    return any(name != "bulk" and entry.get("requested_t", 0) > 0 for name, entry in classes.items())


def closes(summary: Summary) -> bool:
    """True when at least one replication closed (delivered everything) within the run: closure.png is
    drawn only then (a flat line at 0 says nothing the summary does not)."""
    return bool(summary["replications"]["closure"]["p_closed"] > 0)


def _chart(name: str, *args: Any) -> None:
    """Draw one chart file with ``sim.results.plots.<name>`` (or this module's save_routes_map), imported
    where it runs."""
    if name == "save_routes_map":
        save_routes_map(*args)
        return
    from sim.results import plots

    getattr(plots, name)(*args)


def draw(here: Callable[[], None], groups: Sequence[Sequence[Callable[[], None]]]) -> None:
    """Run ``here`` (the tables) and the chart jobs. With the command's drawer (``sim.results.drawers``,
    forked as the command started, the charting code loaded while it simulated) each job in a fork of its
    own; without, the first group beside the rest (``run_beside``: in a forked child where the command
    allows it), so the first group should take about as long as the rest. Every job writes its own files;
    the files are the same either way.

    Without a drawer, the charts' modules (matplotlib: some 0.3 s) are imported first, once: a forked child
    inherits them, where otherwise both processes imported them after the fork."""
    if drawers.active():  # the groups' first jobs first (the longest charts: throughput, ground), then the others
        drawers.draw(here, [[job] for jobs in zip_longest(*groups) for job in jobs if job is not None])
        return
    from sim.results import maps, plots  # noqa: F401

    drawers.draw(here, groups)  # no drawer: the first group beside the rest


def save_run(folder: Path, scenario_data: dict[str, Any], world: Any, summary: Summary,
             daily: list[dict[str, Any]], sorties: list[dict[str, Any]], ground: list[dict[str, Any]],
             force: bool = False) -> Path:
    """Write RUN_FILES for one run."""

    def fill(tmp: Path) -> None:
        from sim.results.gis import routes_collection, write_geojson_layers
        from sim.results.provenance import provenance

        def tables() -> None:
            write_json(tmp / "run.json", provenance("run", {"scenario": scenario_data}, seed=summary["seed"],
                                                    replications=1))
            write_json(tmp / "summary.json", summary)
            write_json(tmp / "scenario.json", scenario_data)
            write_csv(tmp / "daily.csv", daily, DAILY_COLUMNS)
            write_csv(tmp / "sorties.csv", sorties, SORTIE_COLUMNS)
            write_csv(tmp / "ground.csv", ground, GROUND_TABLE_COLUMNS)
            write_geojson_layers(tmp / "routes.geojson", routes_collection(world, sorties))

        # The throughput chart and the map in the child; the tables and the ground chart here (measured, warm
        # peer shuttle: child 0.37-0.46 s, here 0.28-0.36 s; with the ground chart in the child instead, child
        # 0.45-0.60 s, here 0.21-0.31 s).
        ground_and_cargo = [partial(_chart, "save_ground", tmp / "ground.png", ground, world, sorties)]
        if moves_more_than_bulk(summary):
            ground_and_cargo.append(partial(_chart, "save_cargo", tmp / "cargo.png", summary))
        draw(tables, [[partial(_chart, "save_throughput", tmp / "throughput.png", summary, daily, scenario_data),
                       partial(_chart, "save_routes_map", tmp / "routes.png", world, sorties)], ground_and_cargo])
        seal(tmp, "run.json", run_files(summary))

    names = run_files(summary)
    return write_files(Path(folder), names, fill, force=force, drop=RUN_OWNED)


def save_replicated(folder: Path, scenario_data: dict[str, Any], world: Any, summary: Summary,
                    daily: list[dict[str, Any]], sorties_lines: list[bytes], ground_lines: list[bytes],
                    first_sorties: list[dict[str, Any]], first_ground: list[dict[str, Any]],
                    flown: FlownTally, replications: list[dict[str, Any]],
                    replication_columns: list[str], force: bool = False) -> Path:
    """Write REPLICATED_FILES: the mean summary, daily means with 95 % CI, the sorties and ground rows of
    the replications that keep their trace (with a ``replication`` column) and one row per replication.

    ``sorties_lines`` and ``ground_lines``: the lines of sorties.csv and ground.csv of each replication that
    keeps its trace, as ``sim.results.writing.csv_lines`` formats them (the replication first, no header);
    ``first_sorties`` and ``first_ground``: replication 0's rows (ground.png); ``flown``: every replication's
    legs tallied by route (the routes map and routes.geojson)."""

    count = summary["replications"]["replications"]
    traces = summary["replications"].get("traces", count)
    names = replicated_files(summary)

    def fill(tmp: Path) -> None:
        from sim.results.gis import routes_collection, write_geojson_layers
        from sim.results.provenance import provenance

        def tables() -> None:
            write_json(tmp / "run.json", provenance("replicated run", {"scenario": scenario_data},
                                                    seed=summary["seed"], replications=count,
                                                    extra={"traces": traces}))
            write_json(tmp / "summary.json", summary)
            write_json(tmp / "scenario.json", scenario_data)
            write_csv(tmp / "daily.csv", daily, DAILY_CI_COLUMNS)
            write_lines(tmp / "sorties.csv", ["replication", *SORTIE_COLUMNS], sorties_lines)
            write_lines(tmp / "ground.csv", ["replication", *GROUND_TABLE_COLUMNS], ground_lines)
            write_csv(tmp / "replications.csv", replications, replication_columns)
            write_geojson_layers(tmp / "routes.geojson", routes_collection(world, flown, count))

        throughput = [partial(_chart, "save_throughput", tmp / "throughput.png", summary, daily, scenario_data)]
        if closes(summary):
            throughput.append(partial(_chart, "save_closure", tmp / "closure.png", summary))
        ground_and_cargo = [partial(_chart, "save_ground", tmp / "ground.png", first_ground, world, first_sorties)]
        if moves_more_than_bulk(summary):
            ground_and_cargo.append(partial(_chart, "save_cargo", tmp / "cargo.png", summary))
        # Beside: throughput (and closure) and the routes map, some 0.5 s; here the tables and ground.png, as long.
        draw(tables, [[*throughput, partial(_chart, "save_routes_map", tmp / "routes.png", world, flown, count)],
                      ground_and_cargo])
        seal(tmp, "run.json", names)

    return write_files(Path(folder), names, fill, force=force, drop=RUN_OWNED)


def replicated_files(summary: Summary) -> list[str]:
    """The files a replicated run writes: REPLICATED_FILES, less closure.png when no replication closed, and
    cargo.png when the run moves equipment or people."""
    names = REPLICATED_FILES if closes(summary) else [n for n in REPLICATED_FILES if n != "closure.png"]
    return [*names, "cargo.png"] if moves_more_than_bulk(summary) else names


def save_sweep(folder: Path, runs: list[dict[str, Any]], run_columns: list[str], points: list[dict[str, Any]],
               paths: list[str], name: str, replications: int, x_label: str, force: bool = False,
               scenario: Any = None) -> Path:
    """Write SWEEP_FILES: one row per point and replication, mean and 95 % CI per point, the chart (with
    the demand when ``scenario`` is given) and the sweep's provenance (sweep_run.json, beside a run's
    run.json when both share a folder)."""

    def fill(tmp: Path) -> None:
        from sim.results.plots import demand_t_per_day
        from sim.results.plots import save_sweep as save_sweep_chart
        from sim.results.provenance import provenance

        data = None if scenario is None else scenario_as_data(scenario)
        sets = {p: list(dict.fromkeys(str(r[p]) for r in points)) for p in paths}
        write_json(tmp / "sweep_run.json", provenance(
            "sweep", None if data is None else {"scenario": data}, seed=None if data is None else data.get("seed"),
            replications=replications, extra={"swept": sets, "points": len(points)}))
        write_csv(tmp / "sweep.csv", runs, run_columns)
        write_csv(tmp / "sweep_points.csv", points, list(points[0]))
        demand = None if data is None else demand_t_per_day(data, int(data["days"]))
        save_sweep_chart(tmp / "sweep.png", points, paths, name, replications, x_label=x_label, demand_t_per_day=demand)
        seal(tmp, "sweep_run.json", SWEEP_FILES)

    return write_files(Path(folder), SWEEP_FILES, fill, force=force)


def scenario_as_data(scenario: Any) -> dict[str, Any]:
    """A Scenario (or its data) as scenario.json holds it."""
    if isinstance(scenario, dict):
        return scenario
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


def save_routes_map(path: Path, world: Any, sorties: Iterable[dict[str, Any]] | FlownTally | None = None,
                    replications: int = 1) -> None:
    """routes.png: the legs flown (sorties.csv rows, or a ``FlownTally`` of them), or without them the
    requirement legs; of ``replications`` replications, legs per replication."""
    from sim.results import style
    from sim.results.maps import routes_map

    style.save(routes_map(world, sortie_rows=sorties, replications=replications), path, dpi=100)


def save_comparison(folder: Path, rows: list[dict[str, Any]], columns: list[str],
                    runs: list[tuple[Summary, list[dict[str, Any]]]], plans: tuple[dict[str, Any], ...],
                    force: bool = False, scenarios: tuple[Any, Any] | None = None) -> Path:
    """Write COMPARISON_FILES: the table, the chart (cumulative deliveries and limits), both summaries and
    run.json (with copies of both scenarios when ``scenarios`` is given)."""

    def fill(tmp: Path) -> None:
        from sim.results.plots import save_comparison as save_comparison_chart
        from sim.results.provenance import provenance

        copies = None if scenarios is None else {"a": scenario_as_data(scenarios[0]), "b": scenario_as_data(scenarios[1])}
        reps = [replications_in(s) for s, _ in runs]
        write_json(tmp / "run.json", provenance("comparison", copies, extra={
            "seeds": [s["seed"] for s, _ in runs], "replications_each": reps}))
        write_csv(tmp / "comparison.csv", rows, columns)
        save_comparison_chart(tmp / "comparison.png", runs, list(plans))
        write_json(tmp / "summary_a.json", runs[0][0])
        write_json(tmp / "summary_b.json", runs[1][0])

    return write_files(Path(folder), COMPARISON_FILES, fill, force=force)
