"""Which scenario fields name an airfield, a country or an aircraft type, declared once: on the schema's
types. ``AirfieldRef``, ``CountryRef`` and ``AircraftRef`` (in ``sim.scenario.schema``) carry a ``Ref``
marker in their ``Annotated`` metadata, and one walker finds every marked place:

* ``references(Scenario, data)`` walks scenario data (as read from YAML, valid or not, or a dumped
  scenario) and yields each reference with its location; it drives the catalogue checks
  (``sim.scenario.references``) and ``Scenario.airfield_idents``;
* ``ref_sites(Scenario)`` walks the model classes alone; it drives the editor schema (``sim.scenario.editor``).

A new field that names an airfield is typed ``AirfieldRef`` (or ``list[AirfieldRef]``, or a dict keyed by
it) and is checked, listed and offered in editors with nothing else to change. The root model is passed
in, so this module does not import the schema (which builds on it).
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel

RefKind = Literal["airfield", "country", "aircraft"]


@dataclass(frozen=True)
class Ref:
    """Marks a string that names something in a catalogue: an airfield ident, a country (code, name or,
    with ``groups``, a group such as EU) or an aircraft type."""

    kind: RefKind
    groups: bool = True


@dataclass(frozen=True)
class RefSite:
    """A marked field of a model class: ``model.key`` holds a reference (``shape`` "value"), a list of them
    ("items") or a mapping keyed by them ("keys")."""

    model: type[BaseModel]
    key: str  # the field's name as written in YAML (its alias)
    ref: Ref
    shape: Literal["value", "items", "keys"]


def _ref_of(metadata: typing.Iterable[Any]) -> Ref | None:
    return next((m for m in metadata if isinstance(m, Ref)), None)


def _fields(model: type[BaseModel]) -> Iterator[tuple[str, Any, Ref | None]]:
    """(YAML key, annotation, marker on the field itself) of each field. pydantic moves a field's own
    ``Annotated`` metadata to ``FieldInfo.metadata``; nested ones stay in the annotation."""
    for name, info in model.model_fields.items():
        yield info.alias or name, info.annotation, _ref_of(info.metadata)


def _arms(annotation: Any) -> list[Any]:
    """The non-None arms of a union (an Optional), or the annotation itself."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return inspect.isclass(annotation) and issubclass(annotation, BaseModel)


def references(model: type[BaseModel], data: Any) -> Iterator[tuple[tuple[Any, ...], Ref, Any]]:
    """(location, marker, value) of every reference in ``data`` (plain dicts and lists keyed as in YAML),
    in the order of the model's fields. Parts of the wrong shape are skipped (the schema check reports them)."""
    yield from _walk(model, data, ())


def _walk(annotation: Any, data: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Ref, Any]]:
    for arm in _arms(annotation):
        origin = typing.get_origin(arm)
        if origin is Annotated:
            base, *metadata = typing.get_args(arm)
            ref = _ref_of(metadata)
            if ref is not None:
                yield loc, ref, data
            else:
                yield from _walk(base, data, loc)
        elif origin is list and isinstance(data, list):
            (item,) = typing.get_args(arm)
            for i, value in enumerate(data):
                yield from _walk(item, value, (*loc, i))
        elif origin is dict and isinstance(data, dict):
            key_type, value_type = typing.get_args(arm)
            for key, value in data.items():
                yield from _walk(key_type, key, (*loc, key))
                yield from _walk(value_type, value, (*loc, key))
        elif _is_model(arm) and isinstance(data, dict):
            for key, field_type, ref in _fields(arm):
                if key not in data:
                    continue
                if ref is not None:
                    yield (*loc, key), ref, data[key]
                else:
                    yield from _walk(field_type, data[key], (*loc, key))


def ref_sites(model: type[BaseModel]) -> list[RefSite]:
    """Every marked field of ``model`` and of the models it holds, each model once."""
    sites: list[RefSite] = []
    seen: set[type[BaseModel]] = set()

    def visit(cls: type[BaseModel]) -> None:
        if cls in seen:
            return
        seen.add(cls)
        for key, field_type, ref in _fields(cls):
            if ref is not None:
                sites.append(RefSite(cls, key, ref, "value"))
                continue
            for arm in _arms(field_type):
                shape_ref = _shape(arm)
                if shape_ref is not None:
                    sites.append(RefSite(cls, key, shape_ref[1], shape_ref[0]))
            for inner in _models_in(field_type):
                visit(inner)

    visit(model)
    return sites


def _unannotated(annotation: Any) -> tuple[Any, Ref | None]:
    if typing.get_origin(annotation) is Annotated:
        base, *metadata = typing.get_args(annotation)
        return base, _ref_of(metadata)
    return annotation, None


def _shape(annotation: Any) -> tuple[Literal["value", "items", "keys"], Ref] | None:
    """How an annotation holds references: one, a list, or a mapping's keys (None: it holds none)."""
    base, ref = _unannotated(annotation)
    if ref is not None:
        return "value", ref
    origin = typing.get_origin(base)
    if origin is list:
        item_ref = _unannotated(typing.get_args(base)[0])[1]
        return ("items", item_ref) if item_ref is not None else None
    if origin is dict:
        key_ref = _unannotated(typing.get_args(base)[0])[1]
        return ("keys", key_ref) if key_ref is not None else None
    return None


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The model classes an annotation holds, at any depth."""
    if _is_model(annotation):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)
