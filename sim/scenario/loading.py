"""Scenario files in: YAML read with positions (``sim.scenario.yamlread``: libyaml, linear time, bounded;
YAML 1.2 core schema, so ``no`` stays a string and ``1e3`` is a number), validated against the schema and
the catalogue in one pass, every problem reported as ``file:line:col: field.path: message`` in one
InputError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.errors import InputError, Problem
from sim.scenario.schema import Scenario
from sim.scenario.validation import validated
from sim.scenario.yamlread import MAX_BYTES, YamlProblem, read_yaml


def load_scenario(source: str | Path | dict[str, Any]) -> Scenario:
    """A validated scenario from a YAML file, or from the same content as a dict; InputError lists every
    problem (with file, line and field path)."""
    if isinstance(source, dict):
        return _trusted(validated(Scenario, source, None, "<dict>"))
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
    return _trusted(validated(Scenario, tree, positions, filename))


def _trusted(scenario: Scenario) -> Scenario:
    """Mark a scenario the catalogue checks passed: ``sim.run`` trusts it while it is unchanged."""
    scenario._checked_hash = scenario.scenario_hash()
    return scenario
