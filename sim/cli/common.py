"""What every command shares: the Typer app and its global options (--version, -v/-q), the console,
tables in the chosen format, failing with exit code 2, loading a scenario."""

from __future__ import annotations

import csv
import enum
import functools
import json
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from sim.errors import AirliftError, InputError
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario


class _App(typer.Typer):
    """A Typer app whose commands turn the library's errors (AirliftError) into a message on stderr and
    exit code 2, in this one place."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:  # type: ignore[override]
        register = super().command(*args, **kwargs)

        def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(fn)
            def guarded(*a: Any, **k: Any) -> Any:
                try:
                    return fn(*a, **k)
                except InputError as exc:
                    raise fail([str(p) for p in exc.problems]) from None
                except AirliftError as exc:
                    raise fail([str(exc)]) from None
                except KeyboardInterrupt:
                    INTERRUPTED.set()
                    print("interrupted", file=sys.stderr)
                    raise typer.Exit(code=130) from None
                except Exception as exc:
                    if INTERRUPTED.is_set():  # a worker hit by the same Ctrl-C broke the pool first
                        print("interrupted", file=sys.stderr)
                        raise typer.Exit(code=130) from None
                    if isinstance(exc, OSError):  # disk full, permissions, a file where a folder should be...
                        raise fail([os_error_line(exc)]) from None
                    if isinstance(exc, UnicodeError):  # a file in another encoding than UTF-8
                        raise fail([f"cannot read a file as UTF-8 text: {exc}"]) from None
                    raise

            register(guarded)
            return fn

        return decorator


INTERRUPTED = threading.Event()  # set by Ctrl-C (and SIGTERM, SIGHUP) in the command's process


def os_error_line(exc: OSError) -> str:
    """An OS error as one line: the file or folder, then what is wrong with it."""
    where = " -> ".join(str(f) for f in (exc.filename, exc.filename2) if f)
    what = exc.strerror or str(exc) or type(exc).__name__
    return f"{where}: {what}" if where else f"{what}"


app = _App(add_completion=True, no_args_is_help=True, help="Strategic airlift simulator.")


def _console() -> Console:
    """The console for results on stdout: on a terminal, rich tables as wide as the terminal; piped or
    redirected, plain text that is never wrapped or cut to 80 columns."""
    console = Console(soft_wrap=True)
    return console if console.is_terminal else Console(soft_wrap=True, width=100_000, no_color=True, highlight=False)


out = _console()


class Format(str, enum.Enum):
    """How a command prints its table: aligned columns, CSV or JSON."""

    table = "table"
    csv = "csv"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="table (default), csv or json on stdout")]


def table(title: str | None = None) -> Table:
    """A rich table: boxed on a terminal, plain columns when piped."""
    return Table(title=title, box=box.HEAVY_HEAD if out.is_terminal else None, pad_edge=False)


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: Format = Format.table,
               title: str | None = None) -> None:
    """Rows under their column names, as a table, CSV or a JSON list of objects."""
    if fmt is Format.json:
        print(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=2, default=str))
    elif fmt is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        t = table(title)
        for c in columns:
            t.add_column(c, justify="left" if not rows or isinstance(rows[0][list(columns).index(c)], str) else "right")
        for r in rows:
            t.add_row(*[_cell(v) for v in r])
        out.print(t)


def _cell(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.1f}"
    return str(v)


def _version(value: bool) -> None:
    if value:
        from sim._version import __version__

        print(f"airlift-sim {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="print the version and exit")] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="more log messages on stderr (-vv: debug)")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="only errors on stderr")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="neither read nor write the on-disk route cache "
                                           "(same as AIRLIFT_CACHE=off; see `airlift cache info`)")] = False,
) -> None:
    """Strategic airlift simulator."""
    if no_cache:
        import os

        os.environ["AIRLIFT_CACHE"] = "off"  # the command's own process and the workers it starts
    level = logging.ERROR if quiet else max(logging.DEBUG, logging.WARNING - 10 * verbose)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr, force=True)


def progress_bar(**options: Any) -> Any:
    """A tqdm progress bar on stderr, shown only on a terminal, without tqdm's monitor thread: a process
    with another thread running draws a run's charts in turn instead of in a forked child
    (sim.results.writing.run_beside)."""
    return _quiet_tqdm()(file=sys.stderr, disable=None, **options)


@functools.lru_cache(maxsize=1)
def _quiet_tqdm() -> type:
    from tqdm import tqdm

    class Bar(tqdm):
        monitor_interval = 0  # tqdm starts the thread for every bar, even a hidden one, and never stops it

    return Bar


def fail(messages: list[str]) -> typer.Exit:
    """Print each message on stderr; the Exit to raise (code 2: bad input)."""
    for message in messages:
        print(message, file=sys.stderr)
    return typer.Exit(code=2)


def load(path: Path) -> Scenario:
    """A validated scenario (an InputError lists every problem, and the command exits 2); warnings on stderr
    (not with -q) for airfields the events or the airfields block name but nothing in the scenario uses."""
    scenario = load_scenario(path)
    if logging.getLogger().getEffectiveLevel() <= logging.WARNING:
        for line in scenario.warnings():
            print(f"warning: {path}: {line}", file=sys.stderr)
    return scenario


def wrote(what: str, path: Path | str, machine: bool = False) -> None:
    """Say where a file or folder was written ("map: results/reach.png"): with the table on stdout, or on
    stderr (not with -q) when stdout carries JSON or CSV for a program to read; call it after that output."""
    if machine:
        if logging.getLogger().getEffectiveLevel() <= logging.WARNING:
            print(f"{what}: {path}", file=sys.stderr)
    else:
        out.print(f"{what}: {path}", highlight=False)


def save_figure(path: Path, fig: Any, force: bool) -> None:
    """Write one figure file atomically (exit 2 if it exists without --force)."""
    import matplotlib.pyplot as plt

    from sim.results import style
    from sim.results.writing import write_file_atomically

    try:
        write_file_atomically(path, lambda tmp: style.save(fig, tmp, dpi=110, fmt=path.suffix.lstrip(".") or "png"),
                              force=force)
    finally:
        plt.close(fig)


DEFAULT_SITUATION = "dec2024"


def airspace_policy(closed: str | None) -> tuple[Any, list[str], str | None]:
    """(policy, codes as given, note) for a --closed value. Left out: the December 2024 situation.
    ``+IRN`` (every token with a +) adds to that situation; a list without + replaces it, and says so on
    stderr; '' or none: open skies."""
    from sim.data import countries
    from sim.geo import airspace

    default = countries.situations()[DEFAULT_SITUATION]
    in_words = f"the December 2024 situation ({DEFAULT_SITUATION}: {' '.join(default['description'].split())})"
    if closed is None:
        return airspace.make_policy(situation=DEFAULT_SITUATION), [DEFAULT_SITUATION], f"no --closed given: {in_words}"
    tokens = [t.strip() for t in closed.split(",") if t.strip()]
    if tokens in ([], ["none"]):
        return airspace.OPEN_SKIES, [], "open skies: no airspace closed"
    adding = any(t.startswith("+") for t in tokens)
    tokens = [t.lstrip("+").strip() for t in tokens]
    situations = [t for t in tokens if t in countries.situations()]
    others = [t for t in tokens if t not in situations]
    codes = [countries.resolve(t) for t in others]
    bad = [t for t, code in zip(others, codes, strict=True) if code is None]
    if bad or len(situations) > 1 or (adding and situations):
        messages = [f"--closed: unknown country code or group {t!r}{countries.suggest_country(t)}" for t in bad]
        if len(situations) > 1 or (adding and situations):
            messages.append(f"--closed: name at most one situation, without + (got {', '.join(situations)})")
        raise fail(messages)
    closed_codes = [c for c in codes if c]
    if adding:
        policy = airspace.make_policy(closed=closed_codes, situation=DEFAULT_SITUATION)
        note = f"{in_words}, and {', '.join(others)} closed as well (--closed {closed})"
        return policy, [DEFAULT_SITUATION, *others], note
    if not situations:
        print(f"--closed {closed}: replaces the December 2024 situation ({DEFAULT_SITUATION}); only "
              f"{', '.join(others)} closed. Write --closed +{',+'.join(others)} to add to it", file=sys.stderr)
    policy = airspace.make_policy(closed=closed_codes, situation=situations[0] if situations else None)
    return policy, tokens, None
