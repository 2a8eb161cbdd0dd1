"""The one-page briefing (``report.html``): what a commander reads in two minutes, in one self-contained
HTML file (charts as data URIs, the route map as inline SVG, style and script inline: nothing fetched).

``render_report(kind, context)`` renders any kind of result from a context of plain data, with the
Jinja2 templates in ``sim/reports/templates/`` (``<kind>.html.j2`` when there is one, else
``briefing.html.j2``). A context has these keys, every one optional but ``title``:

* ``title``, ``subtitle``: the page's heading.
* ``question``: ``{"text": str, "facts": [[label, text], ...]}``, the scenario in words.
* ``answer``: ``{"headline": str, "figures": [figure, ...], "notes": [str]}``; a figure is
  ``{"key", "label", "value", "text", "unit", "spread"}``: ``value`` is the number (the page carries it in
  ``data-value``), ``text`` how it is shown, ``spread`` its spread in words.
* ``tables``: ``[{"title", "columns", "rows", "note"}]``.
* ``binds``: ``{"text": str, "table": table}``, what limits the answer.
* ``timeline``: ``[{"day", "date", "what"}]``.
* ``charts``: ``[{"title", "src", "caption"}]`` (``src``: a data URI, see :func:`data_uri`).
* ``map``: ``{"svg": Markup, "phases": [...], "caption": str, "layers": [[key, label], ...]}``.
* ``assumptions``: ``[{"what", "value", "grade", "source", "range"}]`` (``"rank"``, ``"swing"`` when a study
  ranks them); ``assumptions_note``: which study ranked them, or that none does yet.
* ``inputs``: an uncertainty study's ranked inputs (``sim.reports.studies.uncertainty_context``).
* ``provenance``: ``[[label, text], ...]``.

Builders of contexts per kind of result live in :mod:`sim.reports.contexts`.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

KINDS = ("run", "replicated run", "sweep", "size", "compare", "reach report", "uncertainty")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the shipped templates (HTML escaped, undefined names are errors)."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("sim.reports", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = number
    return env


def number(value: Any, decimals: int = 0) -> str:
    """A number with thousands separators (``-`` for None)."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:,.{decimals}f}"


def render_report(kind: str, context: dict[str, Any]) -> str:
    """The briefing page of a result of ``kind`` (one of KINDS, or any other name) from its ``context``
    (see the module doc): ``templates/<kind>.html.j2`` when it exists, else the general page."""
    env = environment()
    name = kind.replace(" ", "_") + ".html.j2"
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound:
        template = env.get_template("briefing.html.j2")
    page = {"subtitle": "", "question": None, "answer": None, "tables": [], "binds": None, "timeline": [],
            "charts": [], "map": None, "assumptions": [], "assumptions_note": "", "inputs": None, "provenance": [],
            "kind": kind, **context}
    return template.render(**page)


def data_uri(path: Path, mime: str = "image/png") -> str:
    """A file as a data URI (base64), to embed a chart in the page."""
    return f"data:{mime};base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def write_report(path: Path, html: str, force: bool = True) -> Path:
    """Write the page atomically; returns its path."""
    from sim.results.writing import write_file_atomically

    return write_file_atomically(Path(path), lambda tmp: Path(tmp).write_text(html, encoding="utf-8"), force=force)
