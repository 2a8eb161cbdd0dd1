"""Scenario YAML read in linear time with every key's line and column, bounded against hostile input.

libyaml (PyYAML's C parser) composes the node graph; this module builds plain dicts and lists from it
with YAML 1.2 core-schema scalars (``no`` stays a string, ``1e3`` is a number, ``.inf`` is a float that
the schema then refuses), and a map from each field path to its position. The bounds:

- the file is at most ``MAX_BYTES``;
- no list or mapping has more than ``MAX_ITEMS`` entries;
- aliases (``*name``) are expanded at most ``ALIAS_BUDGET`` nodes in all: an alias "bomb" of a few
  hundred bytes that would expand to billions of nodes is refused at once;
- only the core tags (``!!str``, ``!!int``, ``!!float``, ``!!bool``, ``!!null``, ``!!map``, ``!!seq``):
  nothing can build a Python object.

The round-trip loader of ruamel.yaml used before took time quadratic in the file's size (9 s for 4 MB).
"""

from __future__ import annotations

import gc
import re
from typing import Any

import yaml

MAX_BYTES = 16 * 1024 * 1024
MAX_ITEMS = 100_000
ALIAS_BUDGET = 10_000

Positions = dict[tuple[Any, ...], tuple[int, int]]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9_]+$")
_OCT = re.compile(r"^0o[0-7_]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F_]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null")}


_PLAIN = "?plain"  # an untagged plain scalar: its type comes from its text


class _Resolver(yaml.resolver.BaseResolver):
    """Tags an untagged plain scalar ``_PLAIN`` (typed here by the 1.2 core schema), quoted ones str."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)


try:
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    CParser = None

if CParser is not None:
    class _Loader(CParser, yaml.constructor.BaseConstructor, _Resolver):
        def __init__(self, stream: Any) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.BaseConstructor.__init__(self)
            _Resolver.__init__(self)
else:  # pragma: no cover - libyaml missing: the pure-Python parser (slower, same result)
    class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,  # type: ignore[no-redef]
                  yaml.constructor.BaseConstructor, _Resolver):
        def __init__(self, stream: Any) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.BaseConstructor.__init__(self)
            _Resolver.__init__(self)


class YamlProblem(Exception):
    """A document this reader refuses: ``line`` and ``column`` 1-based (0 when unknown)."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def read_yaml(text: str) -> tuple[Any, Positions]:
    """(plain data, positions) of one YAML document; positions maps a field path (keys and list
    indices) to the (line, column) where its key or item starts. YamlProblem on anything refused."""
    if len(text) > MAX_BYTES:
        raise YamlProblem(0, 0, f"the file is {len(text):,} characters; a scenario may have at most {MAX_BYTES:,}")
    enabled = gc.isenabled()
    gc.disable()  # millions of young objects: the collector's passes made loading superlinear
    try:
        try:
            node = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
            message = " ".join(str(x) for x in (exc.context, exc.problem) if x)
            raise YamlProblem(line, col, f"YAML syntax error: {message}") from None
        except yaml.YAMLError as exc:
            raise YamlProblem(0, 0, f"YAML error: {' '.join(str(exc).split())}") from None
        if node is None:
            return None, {}
        builder = _Builder()
        return builder.build(node, ()), builder.positions
    finally:
        if enabled:
            gc.enable()


class _Builder:
    """Plain values from the node graph, counting every node built twice (an alias's expansion)."""

    def __init__(self) -> None:
        self.positions: Positions = {}
        self.built: set[int] = set()
        self.expanded = 0

    def build(self, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        if id(node) in self.built:
            self.expanded += 1
            if self.expanded > ALIAS_BUDGET:
                raise YamlProblem(*_where(node), f"aliases expand to more than {ALIAS_BUDGET:,} values; "
                                  "write the values out (a scenario needs no alias bomb)")
        else:
            self.built.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            _check_tag(node, "seq")
            _check_size(node)
            out = []
            for i, item in enumerate(node.value):
                self.positions.setdefault((*path, i), _where(item))
                out.append(self.build(item, (*path, i)))
            return out
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        raise YamlProblem(*_where(node), "unexpected YAML node")

    def _mapping(self, node: yaml.MappingNode, path: tuple[Any, ...]) -> dict[Any, Any]:
        _check_tag(node, "map")
        _check_size(node)
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<" and key_node.tag == _PLAIN:
                for source in (value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]):
                    part = self.build(source, path)
                    if not isinstance(part, dict):
                        raise YamlProblem(*_where(source), "a merge (<<) takes a mapping or a list of mappings")
                    merged = {**part, **merged}
                continue
            key = self.build(key_node, path)
            if isinstance(key, (dict, list)):
                raise YamlProblem(*_where(key_node), "a key must be a plain value, not a mapping or list")
            if key in out:
                raise YamlProblem(*_where(key_node), f"duplicate key {key!r}")
            self.positions[(*path, key)] = _where(key_node)
            out[key] = self.build(value_node, (*path, key))
        return {**merged, **out} if merged else out


def _where(node: yaml.Node) -> tuple[int, int]:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _check_tag(node: yaml.Node, kind: str) -> None:
    if node.tag not in (f"{_CORE}{kind}", None):
        raise YamlProblem(*_where(node), f"tag {node.tag!r} is not allowed in a scenario")


def _check_size(node: yaml.Node) -> None:
    if len(node.value) > MAX_ITEMS:
        raise YamlProblem(*_where(node), f"{len(node.value):,} entries; a list or mapping may have at most {MAX_ITEMS:,}")


def _scalar(node: yaml.ScalarNode) -> Any:
    """A YAML 1.2 core-schema value: plain scalars may be null, bool, int or float; quoted ones are text."""
    if node.tag == _PLAIN:
        return _plain(node.value)
    if node.tag not in _SCALAR_TAGS:
        raise YamlProblem(*_where(node), f"tag {node.tag!r} is not allowed in a scenario")
    return _typed(node, node.tag)


def _plain(value: str) -> Any:
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value) and any(c.isdigit() for c in value):
        return int(value.replace("_", ""))
    if _OCT.match(value):
        return int(value[2:].replace("_", ""), 8)
    if _HEX.match(value):
        return int(value[2:].replace("_", ""), 16)
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        return float(value.replace("_", ""))
    if _INF.match(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.match(value):
        return float("nan")
    return value


def _typed(node: yaml.ScalarNode, tag: str | None) -> Any:
    """A scalar with an explicit core tag (``!!int 3``)."""
    value = node.value
    if tag == f"{_CORE}str":
        return value
    assert tag is not None  # _typed is only called for a tag in _SCALAR_TAGS
    parsed = _plain(value)
    kinds: dict[str, tuple[type[Any], ...]] = {f"{_CORE}int": (int,), f"{_CORE}float": (float, int),
                                               f"{_CORE}bool": (bool,), f"{_CORE}null": (type(None),)}
    if not isinstance(parsed, kinds[tag]) or (tag == f"{_CORE}int" and isinstance(parsed, bool)):
        raise YamlProblem(*_where(node), f"{value!r} is not a valid {tag.removeprefix(_CORE)}")
    return float(parsed) if tag == f"{_CORE}float" else parsed
