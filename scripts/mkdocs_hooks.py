"""mkdocs hook: the reference pages generated from the code, so they cannot drift from it.

A page holds a marker comment, replaced at build time:

* ``<!-- generated: cli -->``: every ``airlift`` command, its arguments and options, from the typer app;
* ``<!-- generated: scenario -->``: every scenario key, its type, default and description, from the JSON Schema;
* ``<!-- generated: columns -->``: the columns of sorties.csv, ground.csv and daily.csv, from the row types;
* ``<!-- generated: summary -->``: every key of summary.json, section by section, from ``sim/results/summary_types.py``.
"""

from __future__ import annotations

import ast
import inspect
import re
from typing import Any

MARKERS = ("cli", "scenario", "columns", "summary")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    for name in MARKERS:
        marker = f"<!-- generated: {name} -->"
        if marker in markdown:
            markdown = markdown.replace(marker, GENERATORS[name]())
    return markdown


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


# --- the CLI, from the typer app ---------------------------------------------------------------------------

def cli_reference() -> str:
    import typer.main

    from sim.cli import app

    root = typer.main.get_command(app)
    lines: list[str] = []
    _command(root, "airlift", lines, top=True)
    return "\n".join(lines)


def _command(command: Any, path: str, lines: list[str], top: bool = False) -> None:
    if not top:
        lines += [f"## `{path}`", ""]
    if command.help:
        lines += [inspect.cleandoc(command.help).split("\f")[0], ""]
    params = [p for p in command.params if p.name != "help" and not getattr(p, "hidden", False)]
    if params:
        lines += ["| argument or option | type | default | what it does |", "|---|---|---|---|"]
        for p in params:
            option = p.param_type_name == "option"
            names = ", ".join(f"`{o}`" for o in (*p.opts, *p.secondary_opts)) if option \
                else f"`{(p.metavar or p.name).upper()}`"
            kind = "flag" if getattr(p, "is_flag", False) else _cell(_display_type(p))
            default = getattr(p.default, "value", p.default)
            shown = "required" if p.required else ("" if default in (None, False, ()) or callable(default)
                                                   else f"`{_cell(default)}`")
            lines.append(f"| {names} | {kind} | {shown} | {_cell(getattr(p, 'help', '') or '')} |")
        lines.append("")
    for name in sorted(getattr(command, "commands", {}) or {}):
        sub = command.commands[name]
        if not getattr(sub, "hidden", False):
            _command(sub, f"{path} {name}", lines)


def _display_type(param: Any) -> str:
    try:
        return str(param.display_type()).lower()
    except Exception:  # a parameter type typer cannot name
        return ""


# --- the scenario format, from the JSON Schema ------------------------------------------------------------

def scenario_reference() -> str:
    from sim.scenario.schema import json_schema

    schema = json_schema()
    defs = schema.get("$defs", {})
    lines = ["## Scenario (the top level)", ""] + _properties(schema, defs)
    for name in sorted(defs):
        definition = defs[name]
        if "properties" not in definition:
            continue
        lines += [f"## {name}", "", _cell(definition.get("description", "")), ""] + _properties(definition, defs)
    return "\n".join(lines)


def _type(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in spec:
        return " or ".join(_type(s) for s in spec["anyOf"])
    if "enum" in spec:
        return " \\| ".join(f"`{v}`" for v in spec["enum"])
    if "const" in spec:
        return f"`{spec['const']}`"
    kind = spec.get("type", "any")
    if kind == "array":
        return f"list of {_type(spec.get('items', {}))}"
    if kind == "object":
        return f"mapping to {_type(spec['additionalProperties'])}" if isinstance(spec.get("additionalProperties"), dict) \
            else "mapping"
    bounds = [f"{word} {spec[key]}" for key, word in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="),
                                                      ("exclusiveMaximum", "<")) if key in spec]
    pattern = f" matching `{spec['pattern']}`" if "pattern" in spec else ""
    return f"{kind}{pattern}" + (f" ({', '.join(bounds)})" if bounds else "")


def _default(spec: dict[str, Any]) -> str:
    if "default" not in spec or spec["default"] is None:
        return ""
    value = spec["default"]
    return f"`{_cell(value)}`" if value not in ("", [], {}) else f"`{value!r}`"


def _properties(definition: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    required = set(definition.get("required", []))
    lines = ["| key | type | default | description |", "|---|---|---|---|"]
    for key, spec in definition.get("properties", {}).items():
        default = "required" if key in required else _default(spec)
        lines.append(f"| `{key}` | {_cell(_type(spec))} | {default} | {_cell(spec.get('description', ''))} |")
    return [*lines, ""]


# --- the output columns, from the row types ---------------------------------------------------------------

def columns_reference() -> str:
    from sim.model import records
    from sim.results.saving import DAILY_CI_COLUMNS, DAILY_COLUMNS

    comments = _field_comments(inspect.getsource(records))
    lines: list[str] = []
    for title, row in (("sorties.csv (`LegRow`: one row per leg flown)", records.LegRow),
                       ("ground.csv (`GroundRow`: one row per onload, offload, fuel stop, repair, wait)", records.GroundRow),
                       ("deliveries (`DeliveryRow`, summed into daily.csv)", records.DeliveryRow)):
        hints = row.__annotations__
        lines += [f"## {title}", "", _cell(inspect.getdoc(row) or ""), "", "| column | type | meaning |",
                  "|---|---|---|"]
        for name in row._fields:
            hint = hints.get(name, "")
            hint = getattr(hint, "__forward_arg__", hint)  # annotations are strings (postponed evaluation)
            lines.append(f"| `{name}` | `{_cell(hint)}` | {_cell(comments.get((row.__name__, name), ''))} |")
        lines.append("")
    lines += ["## daily.csv", "", "One row per day and requirement: " + ", ".join(f"`{c}`" for c in DAILY_COLUMNS)
              + ". A replicated run's daily.csv has the mean and 95 % interval: "
              + ", ".join(f"`{c}`" for c in DAILY_CI_COLUMNS) + ".", ""]
    return "\n".join(lines)


def _field_comments(source: str) -> dict[tuple[str, str], str]:
    """(class, field) -> the comment at the end of the field's line."""
    lines = source.splitlines()
    out: dict[tuple[str, str], str] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    text = lines[item.lineno - 1]
                    if "#" in text:
                        out[(node.name, item.target.id)] = text.split("#", 1)[1].strip()
    return out


# --- summary.json, from its TypedDicts ---------------------------------------------------------------------

def summary_reference() -> str:
    from sim.results import summary_types

    source = inspect.getsource(summary_types)
    sections = _typed_dicts(source)
    names = {name for name, _, _, _ in sections}
    lines: list[str] = []
    for name, bases, doc, fields in sorted(sections, key=lambda section: section[0] != "Summary"):
        lines += [f"## {name}", "", _cell(doc or inspect.getdoc(getattr(summary_types, name)) or ""), ""]
        if bases:
            linked = [f"[{b}](#{b.lower()})" for b in bases]
            lines += [f"These keys and those of {', '.join(linked)}." if fields
                      else f"The keys of {', then '.join(linked)}.", ""]
        if fields:
            lines += ["| key | type | present | meaning |", "|---|---|---|---|"]
            optional_keys = getattr(summary_types, name).__optional_keys__
            for key, annotation, comment in fields:
                optional = key in optional_keys
                shown = annotation.removeprefix("NotRequired[")[:-1] if annotation.startswith("NotRequired[") else annotation
                for other in sorted(names, key=len, reverse=True):
                    shown = re.sub(rf"\b{other}\b", f"[{other}](#{other.lower()})", shown)
                lines.append(f"| `{key}` | {_cell(shown)} | {'not always' if optional else 'always'} | {_cell(comment)} |")
            lines.append("")
    return "\n".join(lines)


def _typed_dicts(source: str) -> list[tuple[str, list[str], str | None, list[tuple[str, str, str]]]]:
    """(name, TypedDict bases, docstring, [(key, annotation, comment)]) of each TypedDict in ``source``,
    class syntax or functional, in the order declared."""
    lines = source.splitlines()

    def comment(node: ast.AST) -> str:
        text = lines[node.lineno - 1]
        return text.split("#", 1)[1].strip() if "#" in text else ""

    out = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            bases = [ast.unparse(b) for b in node.bases if ast.unparse(b) != "TypedDict"]
            fields = [(item.target.id, ast.unparse(item.annotation), comment(item)) for item in node.body
                      if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)]
            out.append((node.name, bases, ast.get_docstring(node), fields))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and ast.unparse(node.value.func) == "TypedDict":
            table = node.value.args[1]
            assert isinstance(table, ast.Dict)
            fields = [(ast.literal_eval(k), ast.unparse(v), comment(v)) for k, v in zip(table.keys, table.values, strict=True)
                      if k is not None]
            out.append((ast.unparse(node.targets[0]), [], None, fields))
    return out


GENERATORS = {"cli": cli_reference, "scenario": scenario_reference, "columns": columns_reference,
              "summary": summary_reference}
