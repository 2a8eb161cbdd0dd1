"""Build the compiled core (sim/_core.py): mypyc compiles the core's modules to C extensions in place.

    python scripts/build_core.py           # what `make install` runs; a no-op when the build is current
    python scripts/build_core.py --clean   # remove the compiled modules: the sources run

Without a C compiler or Python's headers it says so and exits 0: the project runs its Python sources, with
the same results, only slower. A failed build leaves no compiled module behind.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import sysconfig
import tempfile
import time
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim import _core  # noqa: E402 - the tree's own list of modules


def toolchain() -> str | None:
    """Why the core cannot be compiled here, or None when it can."""
    if shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None:
        return "no C compiler (cc or gcc)"
    include = sysconfig.get_paths().get("include", "")
    if not Path(include, "Python.h").exists():
        return f"no Python headers ({include}/Python.h)"
    try:
        import mypyc.build  # noqa: F401
        import setuptools  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed"
    return None


def compiled_files() -> list[Path]:
    """Every compiled extension in the package (it ships none but the core's, so an earlier build's
    modules go too)."""
    return sorted({p for suffix in EXTENSION_SUFFIXES for p in (ROOT / "sim").rglob("*" + suffix)})


def clean() -> None:
    _core.STAMP.unlink(missing_ok=True)  # first: a process starting meanwhile runs the sources, not half a build
    for path in compiled_files():
        path.unlink()


def build() -> None:
    """mypyc in a scratch folder (its C sources and objects), the extensions copied into the tree."""
    from mypyc.build import mypycify
    from setuptools import Distribution

    sources = [str(_core.source_of(m, ROOT).relative_to(ROOT)) for m in _core.MODULES]
    with tempfile.TemporaryDirectory(prefix="airlift-core-") as scratch:
        os.chdir(ROOT)  # mypyc names modules by their paths from here
        extensions = mypycify(sources, opt_level="3", group_name=_core.GROUP, target_dir=str(Path(scratch, "c")))
        dist = Distribution({"name": "airlift-core", "ext_modules": extensions})
        command = dist.get_command_obj("build_ext")
        command.build_temp = str(Path(scratch, "temp"))
        command.build_lib = str(Path(scratch, "lib"))
        dist.run_command("build_ext")
        for built in Path(scratch, "lib").rglob("*"):
            if built.is_file():
                shutil.copy2(built, ROOT / built.relative_to(Path(scratch, "lib")))


def current() -> bool:
    """Was the core built from today's sources, with every module's extension present? (``AIRLIFT_PURE``,
    which only chooses what runs, does not count.)"""
    built = _core.recorded()
    return (built is not None and not _core.stale(built, _core.digests(root=ROOT))
            and all(_core.extensions(m, ROOT) for m in _core.MODULES))


def record() -> None:
    """The build record (``_core.STAMP``), written whole or not at all."""
    partial = _core.STAMP.with_suffix(".partial")
    partial.write_text(json.dumps(_core.digests(root=ROOT), indent=1) + "\n")
    os.replace(partial, _core.STAMP)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules")
    args = parser.parse_args()
    if args.clean:
        clean()
        print("build_core: compiled core removed; the sources run")
        return 0
    if current():
        print("build_core: the compiled core is current")
        return 0
    clean()
    reason = toolchain()
    if reason is not None:
        print(f"build_core: not compiled ({reason}); the Python sources run, with the same results")
        return 0
    start = time.perf_counter()
    try:
        build()
    except BaseException as exc:  # a compiler error: the sources run; nothing half-built stays
        clean()
        if not isinstance(exc, Exception):  # Ctrl-C: stop, with nothing half-built left
            raise
        print(f"build_core: the build failed ({type(exc).__name__}: {exc}); the Python sources run", file=sys.stderr)
        return 0
    record()
    print(f"build_core: {len(_core.MODULES)} modules compiled with mypyc in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
