"""Pickling for the frozen dataclasses of the compiled core.

A frozen dataclass that mypyc compiled cannot be unpickled the usual way: pickle sets its fields one by
one, and its ``__setattr__`` refuses. Each such class defines ``__reduce__`` as ``by_fields``: unpickling
calls the class with the fields, as the code made it. The same holds when the sources run.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def by_fields(obj: Any) -> tuple[Any, tuple[Any, ...]]:
    """``__reduce__`` of a frozen dataclass: its class, and the values of the fields it is made with, in
    order (a field the class fills itself, such as a cache, starts afresh)."""
    return type(obj), tuple(getattr(obj, f.name) for f in dataclasses.fields(obj) if f.init)
