"""Checking scenario data: the schema (pydantic) and the catalogue checks (``sim.scenario.references``) in one
pass, each problem placed at its file, line, column and field path.

The root model is passed in (``Scenario``), so ``sim.scenario.schema`` can validate with it
(``Scenario.with_``) and this module does not import the schema.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ValidationError

from sim.errors import InputError, Problem
from sim.scenario.references import (
    airfield_problem,
    clean_loc,
    format_path,
    reference_problems,
    resolve_airfield_names,
    suggest,
)
from sim.scenario.uncertain import declared_problems

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: dict[str, Any], tree: dict[tuple[Any, ...], tuple[int, int]] | None,
              filename: str) -> M:
    """Schema and catalogue checks of scenario data against ``model`` (``Scenario``); ``tree`` (each field
    path's line and column in the YAML file, None for data given as a dict) places each problem. Raises
    InputError listing every problem. Airfields written by name are first replaced by their idents."""
    data = resolve_airfield_names(data)
    try:
        scenario = model.model_validate(data)
    except ValidationError as exc:
        scenario = None
        errors = exc.errors()
        # A misspelt key also makes its intended key "missing": report it once, as the misspelling.
        meant = {(clean_loc(e["loc"])[:-1], m) for e in errors if e["type"] == "extra_forbidden"
                 for m in difflib.get_close_matches(str(e["loc"][-1]), _allowed_keys(model, clean_loc(e["loc"])[:-1]), 1, 0.6)}
        problems = [_problem_from_error(model, err, tree, filename) for err in errors
                    if not (err["type"] == "missing" and (clean_loc(err["loc"])[:-1], err["loc"][-1]) in meant)]
    else:
        problems = []
    # Reference checks read the plain data, so they run (and report) even when the schema check failed.
    reported = {p.path for p in problems}
    fields = {(f.alias or n) for n, f in model.model_fields.items()}
    problems += [problem for loc, msg in [*reference_problems(data, model), *declared_problems(data, fields)]
                 if (problem := _locate(tree, filename, loc, msg)).path not in reported]
    if problems:
        raise InputError(sorted(_dedupe(problems), key=lambda p: (p.line, p.column)))
    assert scenario is not None
    return scenario


def _locate(tree: dict[tuple[Any, ...], tuple[int, int]] | None, filename: str, loc: tuple[Any, ...],
            message: str) -> Problem:
    """Problem at the deepest field of ``loc`` that the YAML file has (line 0 when the input was not YAML)."""
    line, col = (1, 1) if tree is not None else (0, 0)
    if tree is not None:
        for depth in range(len(loc), 0, -1):
            if (where := tree.get(tuple(loc[:depth]))) is not None:
                line, col = where
                break
    return Problem(filename, line, col, format_path(loc), message)


def _problem_from_error(model: type[BaseModel], err: Any, tree: Any, filename: str) -> Problem:
    loc = clean_loc(err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        message = f"unknown key {loc[-1]!r}{suggest(str(loc[-1]), allowed)}"
        if allowed:
            message += f"; expected one of: {', '.join(allowed)}"
    elif err["type"] == "missing":
        message = "required field is missing"
    elif err["type"] == "string_pattern_mismatch":
        expected = _PATTERN_WORDS.get(err["ctx"]["pattern"], f"text matching {err['ctx']['pattern']}")
        message = f"expected {expected} (got {err['input']!r})"
        if err["ctx"]["pattern"] == r"^[A-Z0-9]{3,6}$":
            message = f"expected an airfield ICAO code or name, e.g. OSLK or Hmeimim: {airfield_problem(str(err['input']))}"
        if err["ctx"]["pattern"] == r"^[A-Z]{3}$":
            from sim.data import countries

            message += countries.suggest_country(str(err["input"]))
    elif err["type"] == "list_type" and loc and loc[-1] == "items":
        message = "expected a list of pieces, e.g. items: [{item: BTR-82A, count: 4}, {item: Tigr, count: 2}]"
    elif err["type"].startswith(("date_", "datetime_")):
        message = f"expected a date written YYYY-MM-DD, e.g. 2024-12-15 (got {err['input']!r})"
    elif "input" in err and not isinstance(err["input"], (dict, list)):
        message += f" (got {err['input']!r})"
    return _locate(tree, filename, loc, message)


_PATTERN_WORDS = {
    r"^[A-Za-z0-9_-]+$": "a plain folder name: letters, digits, - and _ only",
    r"^[A-Z0-9]{3,6}$": "an airfield ICAO code or catalogue ident in capitals, e.g. OSLK",
    r"^[A-Z]{3}$": "an ISO 3166-1 alpha-3 country code, e.g. LBY",
}


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: dict[str, Problem] = {}
    for p in problems:
        seen.setdefault(str(p), p)
    return list(seen.values())


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names (as written in YAML) of the model found at ``loc`` below ``model``."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = {(f.alias or n): f for n, f in annotation.model_fields.items()}
            if part not in fields:
                return []
            annotation = fields[part].annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(f.alias or n) for n, f in annotation.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional and Annotated wrappers."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation
