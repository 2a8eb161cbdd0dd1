"""Scenario files in: YAML read with positions (``sim.scenario.yamlread``: libyaml, linear time, bounded;
YAML 1.2 core schema, so ``no`` stays a string and ``1e3`` is a number), validated against the schema
and the catalogue in one pass, every problem reported
as ``file:line:col: field.path: message`` in one InputError."""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError

from sim.errors import InputError, Problem
from sim.scenario.references import clean_loc, format_path, reference_problems, suggest
from sim.scenario.schema import Scenario
from sim.scenario.yamlread import MAX_BYTES, Positions, YamlProblem, read_yaml


def load_scenario(source: str | Path | dict[str, Any]) -> Scenario:
    """A validated scenario from a YAML file, or from the same content as a dict; InputError lists every
    problem (with file, line and field path)."""
    if isinstance(source, dict):
        return _validated(source, None, "<dict>")
    path = Path(source)
    return parse_scenario(read_text_file(path, MAX_BYTES), str(path))


def read_text_file(path: Path, max_bytes: int) -> str:
    """A UTF-8 text file's content (a BOM allowed); InputError, one line, when it cannot be read, is not
    UTF-8 (with the line and column of the first bad byte) or is larger than ``max_bytes``."""
    def problem(message: str, line: int = 0, column: int = 0) -> InputError:
        return InputError([Problem(str(path), line, column, "", message)])

    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise problem(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise problem(f"the file is larger than {max_bytes:,} bytes, the most this reads")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise problem(f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded; save the file as UTF-8",
                      line, column) from None


def parse_scenario(text: str, filename: str = "<scenario>") -> Scenario:
    """Parse and validate scenario text; InputError lists every problem."""
    try:
        tree, positions = read_yaml(text)
    except YamlProblem as exc:
        raise InputError([Problem(filename, exc.line, exc.column, "", exc.message)]) from None
    if not isinstance(tree, dict):
        raise InputError([Problem(filename, 1, 1, "", "expected a mapping of scenario keys (name, days, fleet, ...)")])
    return _validated(tree, positions, filename)


def _validated(data: dict[str, Any], tree: Positions | None, filename: str) -> Scenario:
    """Schema and catalogue checks of scenario data; ``tree`` (each field path's line and column in the
    YAML file, None for data given as a dict) places each problem."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        scenario = None
        errors = exc.errors()
        # A misspelt key also makes its intended key "missing": report it once, as the misspelling.
        meant = {(clean_loc(e["loc"])[:-1], m) for e in errors if e["type"] == "extra_forbidden"
                 for m in difflib.get_close_matches(str(e["loc"][-1]), _allowed_keys(clean_loc(e["loc"])[:-1]), 1, 0.6)}
        problems = [_problem_from_error(err, tree, filename) for err in errors
                    if not (err["type"] == "missing" and (clean_loc(err["loc"])[:-1], err["loc"][-1]) in meant)]
    else:
        problems = []
    # Reference checks read the plain data, so they run (and report) even when the schema check failed.
    reported = {p.path for p in problems}
    problems += [problem for loc, msg in reference_problems(data)
                 if (problem := _locate(tree, filename, loc, msg)).path not in reported]
    if problems:
        raise InputError(sorted(_dedupe(problems), key=lambda p: (p.line, p.column)))
    assert scenario is not None
    scenario._checked_hash = scenario.scenario_hash()
    return scenario


def _locate(tree: Positions | None, filename: str, loc: tuple[Any, ...], message: str) -> Problem:
    """Problem at the deepest field of ``loc`` that the YAML file has (line 0 when the input was not YAML)."""
    line, col = (1, 1) if tree is not None else (0, 0)
    if tree is not None:
        for depth in range(len(loc), 0, -1):
            if (where := tree.get(tuple(loc[:depth]))) is not None:
                line, col = where
                break
    return Problem(filename, line, col, format_path(loc), message)


def _problem_from_error(err: Any, tree: Any, filename: str) -> Problem:
    loc = clean_loc(err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        message = f"unknown key {loc[-1]!r}{suggest(str(loc[-1]), allowed)}"
        if allowed:
            message += f"; expected one of: {', '.join(allowed)}"
    elif err["type"] == "missing":
        message = "required field is missing"
    elif err["type"] == "string_pattern_mismatch":
        expected = _PATTERN_WORDS.get(err["ctx"]["pattern"], f"text matching {err['ctx']['pattern']}")
        message = f"expected {expected} (got {err['input']!r})"
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


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """Field names (as written in YAML) of the model found at ``loc``."""
    annotation: Any = Scenario
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
