"""Scenario files in: YAML read with positions (ruamel.yaml round-trip, YAML 1.2, so ``no`` stays a string
and ``1e3`` is a number), validated against the schema and the catalogue in one pass, every problem reported
as ``file:line:col: field.path: message`` in one InputError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from sim.errors import InputError, Problem
from sim.scenario.schema import Scenario
from sim.scenario.validation import validated


def load_scenario(source: str | Path | dict[str, Any]) -> Scenario:
    """A validated scenario from a YAML file, or from the same content as a dict; InputError lists every
    problem (with file, line and field path)."""
    if isinstance(source, dict):
        return validated(Scenario, source, source, "<dict>")
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
    return validated(Scenario, _plain(tree), tree, filename)


def _plain(node: Any) -> Any:
    """ruamel round-trip containers to plain dicts and lists (pydantic wants plain types)."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node
