"""Rows -> pandas DataFrames, one way for results fresh from a run and results read back from a folder."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from sim.results.tables import REQUIREMENT_SEPARATOR

DATE_COLUMNS = ("date",)


def frame(rows: Iterable[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns``, in order; calendar dates parsed; empty text (a leg that serves no
    requirement) missing, as it reads back from CSV."""
    table = pd.DataFrame.from_records(list(rows), columns=columns)
    for column in table.columns:
        if pd.api.types.is_object_dtype(table[column]) or pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].mask(table[column] == "")
    return parse_dates(table)


def parse_dates(table: pd.DataFrame) -> pd.DataFrame:
    """Date columns (ISO text) as datetime64."""
    for column in DATE_COLUMNS:
        if column in table.columns:
            table[column] = pd.to_datetime(table[column])
    return table


def split_requirements(table: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the table without its ``"<requirement>: <figure>"`` columns, those columns in long form: ``keys``,
    requirement, one column per figure)."""
    wide = [c for c in table.columns if REQUIREMENT_SEPARATOR in c]
    flat = table.drop(columns=wide)
    if not wide:
        return flat, pd.DataFrame(columns=[*keys, "requirement"])
    long = table[keys + wide].melt(id_vars=keys, var_name="column", value_name="value")
    parts = long["column"].str.rsplit(REQUIREMENT_SEPARATOR, n=1, expand=True)
    long = long.assign(requirement=parts[0], figure=parts[1]).drop(columns="column")
    order = list(dict.fromkeys(c.rsplit(REQUIREMENT_SEPARATOR, 1)[0] for c in wide))
    tidy = long.pivot_table(index=[*keys, "requirement"], columns="figure", values="value", sort=False).reset_index()
    tidy.columns.name = None
    tidy["requirement"] = pd.Categorical(tidy["requirement"], categories=order, ordered=True)
    tidy = tidy.sort_values([*keys, "requirement"], kind="stable").reset_index(drop=True)
    tidy["requirement"] = tidy["requirement"].astype(str)
    return flat, tidy


OVERALL = "all"  # the requirement column of a figure of the whole run in a long table


def long_points(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """A sweep's points table in long form: ``keys`` (point and the swept paths), requirement ("all" for a
    figure of the whole run), figure (e.g. delivered_t_mean, p_closed) and value; one row per point,
    requirement and figure, in the order of the wide table's columns."""
    figures = [c for c in table.columns if c not in keys]
    long = table[keys + figures].melt(id_vars=keys, var_name="column", value_name="value")
    split = [c.rsplit(REQUIREMENT_SEPARATOR, 1) if REQUIREMENT_SEPARATOR in c else [OVERALL, c] for c in figures]
    by_column = dict(zip(figures, split, strict=True))
    long["requirement"] = [by_column[c][0] for c in long["column"]]
    long["figure"] = [by_column[c][1] for c in long["column"]]
    long["value"] = pd.to_numeric(long["value"], errors="coerce")
    order = {c: k for k, c in enumerate(figures)}
    long["_order"] = long["column"].map(order)
    long = long.sort_values([*keys[:1], "_order"], kind="stable").drop(columns=["column", "_order"])
    return long[[*keys, "requirement", "figure", "value"]].reset_index(drop=True)
