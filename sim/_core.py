"""The compiled core: the simulation's modules built to C extensions by mypyc, with the Python sources as
the fallback.

``make install`` (and so ``make run`` and ``make test``) runs ``scripts/build_core.py``, which compiles
``MODULES`` in place with mypyc when a C compiler and Python's headers are at hand, and records the
SHA-256 of each source it compiled in ``_compiled.json`` beside this file. Python imports an extension
module before a source of the same name, so a built core runs compiled; without a build it runs the
sources, with the same results (``tests/test_compiled_core.py`` checks they are identical).

A compiled module is used only while it matches its source: after an edit to one of the sources, or with
``AIRLIFT_PURE=1`` in the environment, every module of the core is imported from its source (``prefer_sources``;
checked when a process first imports the core, so an edit made after that runs in the next process, as
any edit to an imported module does). The project's own modules are all this touches.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

# The modules mypyc compiles: the event loop's hot path (the aircraft process, parking and working spots,
# crews, dispatch, trip planning, records, random draws) and the flight performance it calls per leg.
MODULES: tuple[str, ...] = (
    "sim.data.entries",
    "sim.flight.performance",
    "sim.model.aircraft",
    "sim.model.cargo",
    "sim.model.crews",
    "sim.model.dispatch",
    "sim.model.engine",
    "sim.model.instant",
    "sim.model.kernel",
    "sim.model.logbook",
    "sim.model.ramp",
    "sim.model.randomness",
    "sim.model.specs",
    "sim.model.trips",
    "sim.model.world",
)
GROUP = "sim._native"  # mypyc's shared library of the core: sim/_native__mypyc.*.so
ROOT = Path(__file__).resolve().parent.parent  # the folder that holds the ``sim`` package
STAMP = Path(__file__).with_name("_compiled.json")  # {module: SHA-256 of the source compiled}
PURE_ENV = "AIRLIFT_PURE"


def source_of(module: str, root: Path = ROOT) -> Path:
    """The source file of a core module."""
    return root.joinpath(*module.split(".")).with_suffix(".py")


def digests(modules: Sequence[str] = MODULES, root: Path = ROOT) -> dict[str, str]:
    """SHA-256 of each module's source, as the build records them."""
    return {m: hashlib.sha256(source_of(m, root).read_bytes()).hexdigest() for m in modules}


def stale(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """The modules whose source differs from the one compiled, or that one side lacks (the list changed)."""
    return sorted(m for m in recorded.keys() | current.keys() if recorded.get(m) != current.get(m))


def recorded() -> dict[str, str] | None:
    """The build record: {module: SHA-256 of the source compiled}; None when there is none or it is unreadable."""
    try:
        return dict(json.loads(STAMP.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def stamped() -> tuple[str, ...]:
    """The modules the last build compiled (none recorded: none)."""
    return tuple(recorded() or ())


def status() -> str:
    """``compiled``, or ``pure`` and why: no build, ``AIRLIFT_PURE`` set, or sources edited since the build."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return f"pure ({PURE_ENV} is set)"
    if not STAMP.exists():
        return "pure (the core is not built: make install builds it where a C compiler is at hand)"
    built = recorded()
    if built is None:
        return "pure (the build record is unreadable)"
    edited = stale(built, digests())
    if edited:
        return f"pure (edited since the build: {', '.join(edited)}; make install builds it again)"
    return "compiled"


class _Sources(importlib.abc.MetaPathFinder):
    """Imports a module of the package that has a compiled extension from its Python source instead,
    unless the compiled core is current (``status``) and the build compiled that module. The choice is made
    at the first such module a process imports, for the whole process: the core is compiled or not, never
    mixed. A compiled module whose source is gone is not imported at all."""

    def __init__(self, root: Path = ROOT) -> None:
        self.root = root  # the folder holding the package
        self.compiled: frozenset[str] | None = None  # the modules to run compiled, once chosen

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith("sim.") or fullname == GROUP + "__mypyc" or not extensions(fullname, self.root):
            return None
        source = source_of(fullname, self.root)
        if not source.exists():
            raise ModuleNotFoundError(f"No module named {fullname!r}: only a compiled one, left by an earlier build "
                                      "(make builds the core again)", name=fullname)
        if self.compiled is None:
            self.compiled = frozenset(stamped()) if status() == "compiled" else frozenset()
        return None if fullname in self.compiled else importlib.util.spec_from_file_location(fullname, source)


def extensions(module: str, root: Path = ROOT) -> list[Path]:
    """The compiled extension files of a core module present beside its source."""
    source = source_of(module, root)
    return [p for suffix in importlib.machinery.EXTENSION_SUFFIXES if (p := source.with_suffix(suffix)).exists()]


def prefer_sources() -> None:
    """Where compiled modules are present, have them imported only while they match their sources (see
    ``_Sources`` and the module docstring). Called by ``sim/__init__``, before any core module is imported;
    with no compiled module present it does nothing."""
    if any(isinstance(f, _Sources) for f in sys.meta_path) or not any(extensions(m) for m in MODULES + stamped()):
        return
    sys.meta_path.insert(0, _Sources())


def is_compiled(module: ModuleType) -> bool:
    """Was ``module`` loaded from a compiled extension?"""
    return isinstance(getattr(module, "__loader__", None), importlib.machinery.ExtensionFileLoader)
