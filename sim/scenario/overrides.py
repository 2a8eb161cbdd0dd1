"""Changes to a scenario by path, as ``--set``, sweeps and ``Scenario.with_`` write them.

A path names a field of the scenario as YAML data: ``fleet[0].count``, ``events[1].day``,
``aircraft.Il-76MD.onload_h``. Values given as text read like YAML: ``4:20:2`` is a range, ``5,10,20``
a list, ``[TUR],[SYR]`` a list of lists.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from sim.errors import OverrideError

PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_values(spec: str | list[Any]) -> list[Any]:
    """``"4:20:2"`` -> 4, 6, ..., 20 (inclusive); ``"5,10,20"`` -> 5, 10, 20; ``"[TUR],[SYR]"`` -> two
    lists; a list stays a list."""
    if isinstance(spec, list):
        return spec
    yaml = YAML(typ="safe")
    text = str(spec).strip()
    if ":" in text and "," not in text:
        parts = [yaml.load(p) for p in text.split(":")]
        if len(parts) not in (2, 3) or not all(isinstance(p, int | float) for p in parts):
            raise OverrideError(f"expected start:stop[:step] numbers, got {text!r}")
        start, stop = parts[0], parts[1]
        step = parts[2] if len(parts) == 3 else 1
        if step <= 0 or stop < start:
            raise OverrideError(f"expected start <= stop and a positive step, got {text!r}")
        count = int(math.floor((stop - start) / step + 1e-9)) + 1
        values = [start + k * step for k in range(count)]
        return [int(v) if all(isinstance(p, int) for p in parts) else round(v, 10) for v in values]
    try:  # a YAML flow sequence, so lists work too: "[TUR],[SYR],[TUR,SYR]"
        values = yaml.load(f"[{text}]")
    except YAMLError:
        raise OverrideError(f"cannot read the values {text!r}; expected a,b,c or start:stop:step") from None
    if not values:
        raise OverrideError(f"no values in {text!r}")
    return values


def parse_set(option: str) -> tuple[str, list[Any]]:
    """``"fleet[0].count=4:20:2"`` -> ("fleet[0].count", [4, 6, ..., 20])."""
    path, sep, spec = option.partition("=")
    if not sep or not path.strip():
        raise OverrideError(f"--set {option!r}: expected PATH=VALUES, e.g. fleet[0].count=4:20:2")
    return path.strip(), parse_values(spec)


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a path such as ``fleet[0].count`` or ``aircraft.Il-76MD.onload_h`` in plain data.

    The path must exist up to its parent; the last key may be new only inside a mapping.
    """
    tokens = [name if name else int(index) for name, index in PATH_TOKEN.findall(path)]
    if not tokens:
        raise OverrideError(f"--set {path!r}: empty path")
    node: Any = data
    for depth, token in enumerate(tokens[:-1]):
        node = _step(node, token, path, tokens[: depth + 1])
    last = tokens[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or not 0 <= last < len(node):
            raise OverrideError(f"--set {path!r}: no item [{last}] there")
        node[last] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise OverrideError(f"--set {path!r}: {_show(tokens[:-1])} is not a mapping")


def _step(node: Any, token: str | int, path: str, so_far: list[Any]) -> Any:
    if isinstance(token, int):
        if isinstance(node, list) and 0 <= token < len(node):
            return node[token]
    elif isinstance(node, dict):
        if node.get(token) is None:
            node[token] = {}
        return node[token]
    raise OverrideError(f"--set {path!r}: {_show(so_far)} does not exist in the scenario")


def _show(tokens: list[Any]) -> str:
    return "".join(f"[{t}]" if isinstance(t, int) else f".{t}" for t in tokens).lstrip(".") or "the scenario"


def describe_path(scenario: Any, path: str) -> str:
    """A path in words: ``fleet[1].count`` -> "Il-76MD aircraft at UUMU"; other paths as they are.
    ``scenario`` is a ``Scenario`` (typed loosely: the schema builds on this module)."""
    tokens = PATH_TOKEN.findall(path)
    if len(tokens) == 3 and tokens[0][0] == "fleet" and tokens[1][1] and tokens[2][0] == "count":
        index = int(tokens[1][1])
        if index < len(scenario.fleet):
            entry = scenario.fleet[index]
            return f"{entry.type} aircraft at {entry.base}"
    return path


def axis_label(scenario: Any, path: str) -> str:
    """The swept path in words for a chart axis: "number of Il-76MD aircraft at UUMU (fleet[1].count)"."""
    words = describe_path(scenario, path)
    return f"number of {words} ({path})" if words != path else path
