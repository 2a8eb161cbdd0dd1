"""Results as an Excel workbook (openpyxl) for planners used to planning-factor spreadsheets.

A run or replicated run: ``summary`` (headline figures, per requirement and per aircraft type), ``daily``
(daily.csv) and ``sorties`` (sorties.csv), and for replications ``replications`` (one row per replication).
A sweep: ``points`` (long: point, swept values, requirement, figure, value), ``points_wide``
(sweep_points.csv), ``runs`` (sweep.csv) and ``about``. A comparison: ``comparison`` and both summaries.
A sizing: ``sizing`` (each value evaluated) and ``about``. A folder read back with ``sim.load_results``:
one sheet per table it holds. Tons are metric tons (t) with short tons (ST, 2,000 lb) beside them, and
kilometres with nautical miles (NM) beside them, as US planning factors (AFPAM 10-1403) are written.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.results.summary_types import Summary

SHORT_TONS_PER_T = 1000.0 / 907.18474  # 1 short ton = 2,000 lb = 907.18474 kg
NM_PER_KM = 1.0 / 1.852


def _with_imperial(row: dict[str, Any]) -> dict[str, Any]:
    """The row with a ``<name>_st`` column after each ``*_t`` column and ``<name>_nm`` after each ``*_km``."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        out[key] = value
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if key.endswith("_t") and number:
            out[key[:-2] + "_st"] = round(value * SHORT_TONS_PER_T, 3)
        elif key.endswith("_km") and number:
            out[key[:-3] + "_nm"] = round(value * NM_PER_KM, 1)
    return out


def _sheet(book: Any, title: str, rows: list[dict[str, Any]]) -> None:
    sheet = book.create_sheet(title)
    rows = [_with_imperial(r) for r in rows]
    columns = list(dict.fromkeys(k for r in rows for k in r))
    sheet.append(columns)
    for r in rows:
        sheet.append([r.get(c) if not isinstance(r.get(c), list | dict) else str(r.get(c)) for c in columns])
    sheet.freeze_panes = "A2"
    for k, c in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, k).column_letter].width = max(10, min(40, len(c) + 2))


def summary_rows(summary: Summary) -> list[dict[str, Any]]:
    """The summary as (figure, value) rows: headline figures, then per requirement and per type."""
    figures: Mapping[str, Any] = summary  # read by key name
    rows = [{"figure": k, "value": figures[k]} for k in (
        "scenario", "start_date", "days", "seed", "requested_t", "delivered_t", "in_transit_t", "backlog_t",
        "mean_daily_t", "sorties", "legs_flown", "flight_h", "fuel_t", "closure_day", "closure_date") if k in summary]
    requirements: list[Mapping[str, Any]] = list(summary["by_requirement"])
    for r in requirements:
        for k in ("requested_t", "delivered_t", "in_transit_t", "backlog_t", "sorties", "closure_day"):
            rows.append({"figure": f"{r['requirement']}: {k}", "value": r[k]})
    types: Mapping[str, Mapping[str, Any]] = summary["by_aircraft_type"]
    for name, t in types.items():
        for k in ("aircraft", "sorties", "delivered_t", "mean_payload_t", "flight_h", "flight_h_per_aircraft_day"):
            rows.append({"figure": f"{name}: {k}", "value": t[k]})
    out = []
    for row in rows:  # short tons beside every figure in tons
        out.append(row)
        if row["figure"].endswith("_t") and isinstance(row["value"], int | float):
            out.append({"figure": row["figure"][:-2] + "_st", "value": round(row["value"] * SHORT_TONS_PER_T, 3)})
    return out


def write_sheets(path: Path, sheets: list[tuple[str, list[dict[str, Any]]]]) -> None:
    """Write a workbook with one sheet per (title, rows) to ``path``."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        _sheet(book, title[:31], rows)
    book.save(path)


def _frame_rows(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame's rows with missing values as empty cells and timestamps as dates."""
    import pandas as pd

    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{k: (v.date() if isinstance(v, pd.Timestamp) else v) for k, v in r.items()} for r in rows]


def _about(pairs: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"figure": k, "value": v if not isinstance(v, list | dict) else str(v)} for k, v in pairs.items()]


def workbook_sheets(result: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    """The sheets of ``result``'s workbook: ``sim.run``, ``sim.replicate``, ``sim.sweep``, ``sim.compare``,
    ``sim.size`` or ``sim.load_results``. TypeError for anything else. The experiments' results are told
    apart by their fields (this layer sits below sim.experiments and does not import it)."""
    from sim.results.reading import Results

    if hasattr(result, "run_rows") and hasattr(result, "point_rows"):  # a SweepResult
        return [("points", _frame_rows(result.points)), ("points_wide", result.point_rows),
                ("runs", result.run_rows),
                ("about", _about({"scenario": result.name, "swept": result.paths, "points": len(result.point_rows),
                                  "replications_per_point": result.plan.replications,
                                  "demand_t_per_day": round(result.demand_t_per_day, 3)}))]
    if hasattr(result, "rows") and hasattr(result, "a") and hasattr(result, "b"):  # a Comparison
        return [("comparison", result.rows), ("summary A", summary_rows(result.a.summary)),
                ("summary B", summary_rows(result.b.summary))]
    if hasattr(result, "to_dict") and hasattr(result, "evaluated"):  # a SizingResult
        answer = {k: v for k, v in result.to_dict().items() if not isinstance(v, list)}
        return [("sizing", [dict(p) for p in result.to_dict()["evaluated"]]), ("about", _about(answer))]
    if isinstance(result, Results):
        tables = {"daily": result.daily, "sorties": result.sorties, "ground": result.ground,
                  "replications": result.replications, "points": result.sweep_points,
                  "points_wide": result.sweep_points_wide, "runs": result.sweep}
        sheets = [("summary", summary_rows(result.summary))] if result.summary else []
        return sheets + [(t, _frame_rows(f)) for t, f in tables.items() if f is not None]
    if hasattr(result, "summary") and hasattr(result, "daily_rows"):
        sheets = [("summary", summary_rows(result.summary)), ("daily", result.daily_rows),
                  ("sorties", result.sortie_rows)]
        if hasattr(result, "replication_rows"):
            sheets.append(("replications", result.replication_rows))
        return sheets
    raise TypeError(f"save_xlsx: expected a run, replications, sweep, comparison, sizing or load_results "
                    f"result (got {type(result).__name__})")


def save_xlsx(path: Path | str, result: Any, force: bool = False) -> Path:
    """Write ``result``'s workbook (any result kind: see ``workbook_sheets``) atomically; an existing file
    is replaced only with ``force``. Returns the path."""
    from sim.results.writing import write_file_atomically

    sheets = workbook_sheets(result)
    return write_file_atomically(Path(path), lambda tmp: write_sheets(tmp, sheets), force=force)
