"""What a run, a replicated run and a sweep write into a results folder: the one writer behind both
``result.save(folder)`` and the ``airlift`` command. Every set of files is written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.model.records import GROUND_COLUMNS, LEG_COLUMNS
from sim.results.writing import write_atomically, write_csv, write_files, write_json

DAILY_COLUMNS = ["day", "date", "requirement", "origin", "destination", "delivered_t", "sorties"]
DAILY_CI_COLUMNS = ["day", "date", "requirement", "origin", "destination", "delivered_t", "delivered_t_ci95_low",
                    "delivered_t_ci95_high", "cumulative_t", "cumulative_t_ci95_low", "cumulative_t_ci95_high"]
SORTIE_COLUMNS = list(LEG_COLUMNS)
GROUND_TABLE_COLUMNS = list(GROUND_COLUMNS)

RUN_FILES = ["summary.json", "scenario.json", "daily.csv", "sorties.csv", "ground.csv", "throughput.png",
             "ground.png", "routes.png"]
REPLICATED_FILES = [*RUN_FILES, "replications.csv", "closure.png"]
SWEEP_FILES = ["sweep.csv", "sweep_points.csv", "sweep.png"]
COMPARISON_FILES = ["comparison.csv", "comparison.png", "summary_a.json", "summary_b.json"]


def save_run(folder: Path, scenario_data: dict[str, Any], world: Any, summary: dict[str, Any],
             daily: list[dict[str, Any]], sorties: list[dict[str, Any]], ground: list[dict[str, Any]],
             force: bool = False) -> Path:
    """Write RUN_FILES for one run."""

    def fill(tmp: Path) -> None:
        from sim.results.plots import save_ground, save_throughput

        write_json(tmp / "summary.json", summary)
        write_json(tmp / "scenario.json", scenario_data)
        write_csv(tmp / "daily.csv", daily, DAILY_COLUMNS)
        write_csv(tmp / "sorties.csv", sorties, SORTIE_COLUMNS)
        write_csv(tmp / "ground.csv", ground, GROUND_TABLE_COLUMNS)
        save_throughput(tmp / "throughput.png", summary, daily)
        save_ground(tmp / "ground.png", ground, world)
        save_routes_map(tmp / "routes.png", world)

    return write_files(Path(folder), RUN_FILES, fill, force=force)


def save_replicated(folder: Path, scenario_data: dict[str, Any], world: Any, summary: dict[str, Any],
                    daily: list[dict[str, Any]], sorties: list[dict[str, Any]], ground: list[dict[str, Any]],
                    replications: list[dict[str, Any]], replication_columns: list[str], force: bool = False) -> Path:
    """Write REPLICATED_FILES: the mean summary, daily means with 95 % CI, every replication's sorties and
    ground rows (with a ``replication`` column) and one row per replication."""

    def fill(tmp: Path) -> None:
        from sim.results.plots import save_closure, save_ground, save_throughput

        write_json(tmp / "summary.json", summary)
        write_json(tmp / "scenario.json", scenario_data)
        write_csv(tmp / "daily.csv", daily, DAILY_CI_COLUMNS)
        write_csv(tmp / "sorties.csv", sorties, ["replication", *SORTIE_COLUMNS])
        write_csv(tmp / "ground.csv", ground, ["replication", *GROUND_TABLE_COLUMNS])
        save_ground(tmp / "ground.png", [row for row in ground if row["replication"] == 0], world)
        write_csv(tmp / "replications.csv", replications, replication_columns)
        save_throughput(tmp / "throughput.png", summary, daily)
        save_closure(tmp / "closure.png", summary)
        save_routes_map(tmp / "routes.png", world)

    return write_files(Path(folder), REPLICATED_FILES, fill, force=force)


def save_sweep(folder: Path, runs: list[dict[str, Any]], run_columns: list[str], points: list[dict[str, Any]],
               paths: list[str], name: str, replications: int, x_label: str, force: bool = False) -> Path:
    """Write SWEEP_FILES: one row per point and replication, mean and 95 % CI per point, and the chart."""

    def fill(tmp: Path) -> None:
        from sim.results.plots import save_sweep as save_sweep_chart

        write_csv(tmp / "sweep.csv", runs, run_columns)
        write_csv(tmp / "sweep_points.csv", points, list(points[0]))
        save_sweep_chart(tmp / "sweep.png", points, paths, name, replications, x_label=x_label)

    return write_files(Path(folder), SWEEP_FILES, fill, force=force)


def save_routes_map(path: Path, world: Any) -> None:
    """routes.png: the airfields and routes of a run."""
    import matplotlib.pyplot as plt

    from sim.results.maps import routes_map

    fig = routes_map(world)
    try:
        fig.savefig(path, dpi=100)
    finally:
        plt.close(fig)


def save_comparison(folder: Path, rows: list[dict[str, Any]], columns: list[str],
                    runs: list[tuple[dict[str, Any], list[dict[str, Any]]]], plans: tuple[dict[str, Any], ...],
                    force: bool = False) -> Path:
    """Write COMPARISON_FILES: the table, the chart (cumulative deliveries and limits) and both summaries."""

    def fill(tmp: Path) -> None:
        from sim.results.plots import save_comparison as save_comparison_chart

        write_csv(tmp / "comparison.csv", rows, columns)
        save_comparison_chart(tmp / "comparison.png", runs, list(plans))
        write_json(tmp / "summary_a.json", runs[0][0])
        write_json(tmp / "summary_b.json", runs[1][0])

    return write_files(Path(folder), COMPARISON_FILES, fill, force=force)


REACH_FILES = ["reach.md", "reach.csv", "claims.csv", "claim_verdicts.csv"]  # and map_<origin>_<case>.png


def save_reach_report(folder: Path, rows: list[dict[str, Any]], cases: list[Any], text: str, force: bool = False,
                      claim_rows: list[dict[str, Any]] | None = None,
                      verdict_rows: list[dict[str, Any]] | None = None) -> Path:
    """Write the reach report folder: reach.csv, reach.md, the claim tables (claims.csv: every claim, type,
    case, reading and variation; claim_verdicts.csv: one verdict per claim, type and case) and a map per
    origin and airspace case."""
    from sim.flight import claims
    from sim.flight import reach_report as report

    def fill(tmp: Path) -> None:
        import matplotlib.pyplot as plt

        from sim.data import catalog
        from sim.results import maps

        write_csv(tmp / "reach.csv", rows, report.COLUMNS)
        (tmp / "reach.md").write_text(text, encoding="utf-8")
        if claim_rows is not None:
            write_csv(tmp / "claims.csv", claim_rows, claims.OUTCOME_COLUMNS)
        if verdict_rows is not None:
            write_csv(tmp / "claim_verdicts.csv", verdict_rows, claims.VERDICT_COLUMNS)
        kinds = list(catalog.aircraft_catalog())
        for case in cases:
            for o in report.ORIGINS:
                origin = catalog.airfield(o)
                items = []
                for d in report.DESTINATIONS:
                    dest = catalog.airfield(d)
                    route = report.report_route(origin, dest, case)
                    loaded = [r for r in rows if r["case"] == case.key and r["origin"] == o and r["destination"] == d
                              and r["type"] == "Il-76MD" and r["payload"] == "40"]
                    items.append(maps.MapRoute(dest, route, bool(loaded and loaded[0]["nonstop"])))
                rings = [maps.Ring(*report.ring_label(k, 40.0)) for k in kinds]
                fig = maps.reach_map(origin, case.policy, items, rings,
                                     f"From {o} ({origin.name}): {case.title}\nfilled dots: Il-76MD reaches non-stop with 40 t",
                                     extent_km=6500.0)
                try:
                    fig.savefig(tmp / f"map_{o}_{case.key}.png", dpi=100)
                finally:
                    plt.close(fig)

    return write_atomically(Path(folder), fill, force=force)
