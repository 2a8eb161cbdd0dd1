"""Scenario files in: YAML read with positions (ruamel.yaml round-trip, YAML 1.2, so ``no`` stays a string
and ``1e3`` is a number), validated against the schema and the catalogue in one pass, every problem reported
as ``file:line:col: field.path: message`` in one InputError."""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from sim.errors import InputError, Problem
from sim.scenario.references import (
    airfield_problem,
    clean_loc,
    format_path,
    reference_problems,
    resolve_airfield_names,
    suggest,
)
from sim.scenario.schema import Scenario


def load_scenario(source: str | Path | dict[str, Any]) -> Scenario:
    """A validated scenario from a YAML file, or from the same content as a dict; InputError lists every
    problem (with file, line and field path)."""
    if isinstance(source, dict):
        return _validated(source, source, "<dict>")
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(str(path), 0, 0, "", f"cannot read the file: {exc.strerror}")]) from None
    return parse_scenario(text, str(path))


def parse_scenario(text: str, filename: str = "<scenario>") -> Scenario:
    """Parse and validate scenario text; InputError lists every problem."""
    try:
        tree = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise InputError([Problem(filename, line, col, "", f"YAML syntax error: {message}")]) from None
    except ReaderError as exc:  # a character YAML does not allow, e.g. a control character
        position = int(getattr(exc, "position", 0) or 0)
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        message = f"YAML error: character #x{exc.character:04x} is not allowed"
        raise InputError([Problem(filename, line, column, "", message)]) from None
    except YAMLError as exc:
        raise InputError([Problem(filename, 0, 0, "", f"YAML error: {exc}")]) from None
    if not isinstance(tree, dict):
        raise InputError([Problem(filename, 1, 1, "", "expected a mapping of scenario keys (name, days, fleet, ...)")])
    return _validated(_plain(tree), tree, filename)


def _validated(data: dict[str, Any], tree: Any, filename: str) -> Scenario:
    """Schema and catalogue checks of scenario data; ``tree`` (the YAML nodes) places each problem.
    Airfields written by name are first replaced by their idents."""
    data = resolve_airfield_names(data)
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
    return scenario


def _plain(node: Any) -> Any:
    """ruamel round-trip containers to plain dicts and lists (pydantic wants plain types)."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _locate(tree: Any, filename: str, loc: tuple[Any, ...], message: str) -> Problem:
    """Problem at the deepest node of ``loc`` that the YAML tree has (line 0 when the input was not YAML)."""
    line, col = (1, 1) if isinstance(tree, CommentedMap) else (0, 0)
    node = tree
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line, col = (node.lc.key(part)[0] + 1, node.lc.key(part)[1] + 1)
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line, col = (node.lc.item(part)[0] + 1, node.lc.item(part)[1] + 1)
            node = node[part]
        else:
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
