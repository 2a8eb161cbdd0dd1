"""What every command shares: the Typer app, the console, failing with exit code 2, loading a scenario."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from sim.errors import AirliftError, InputError
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario


class _App(typer.Typer):
    """A Typer app whose commands turn the library's errors (AirliftError) into a message on stderr and
    exit code 2, in this one place."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
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

            register(guarded)
            return fn

        return decorator


app = _App(add_completion=False, no_args_is_help=True, help="Strategic airlift simulator.")
out = Console(soft_wrap=True)


def fail(messages: list[str]) -> typer.Exit:
    """Print each message on stderr; the Exit to raise (code 2: bad input)."""
    for message in messages:
        print(message, file=sys.stderr)
    return typer.Exit(code=2)


def load(path: Path) -> Scenario:
    """A validated scenario (an InputError lists every problem, and the command exits 2)."""
    return load_scenario(path)


def save_figure(path: Path, fig: Any, force: bool) -> None:
    """Write one figure file atomically (exit 2 if it exists without --force)."""
    import matplotlib.pyplot as plt

    from sim.results.writing import write_file_atomically

    try:
        write_file_atomically(path, lambda tmp: fig.savefig(tmp, dpi=110, format=path.suffix.lstrip(".") or "png"), force=force)
    finally:
        plt.close(fig)


DEFAULT_SITUATION = "dec2024"


def airspace_policy(closed: str | None) -> tuple[Any, list[str], str | None]:
    """(policy, codes as given, note) for a --closed value: None = the December 2024 situation."""
    from sim.data import countries
    from sim.geo import airspace

    if closed is None:
        spec = countries.situations()[DEFAULT_SITUATION]
        note = f"no --closed given: the December 2024 situation ({DEFAULT_SITUATION}: {' '.join(spec['description'].split())})"
        return airspace.make_policy(situation=DEFAULT_SITUATION), [DEFAULT_SITUATION], note
    tokens = [t.strip() for t in closed.split(",") if t.strip()]
    if tokens in ([], ["none"]):
        return airspace.OPEN_SKIES, [], "open skies: no airspace closed"
    situations = [t for t in tokens if t in countries.situations()]
    others = [t for t in tokens if t not in situations]
    codes = [countries.resolve(t) for t in others]
    bad = [t for t, code in zip(others, codes, strict=True) if code is None]
    if bad or len(situations) > 1:
        messages = [f"--closed: unknown country code or group {t!r}{countries.suggest_country(t)}" for t in bad]
        if len(situations) > 1:
            messages.append(f"--closed: name at most one situation (got {', '.join(situations)})")
        raise fail(messages)
    policy = airspace.make_policy(closed=[c for c in codes if c], situation=situations[0] if situations else None)
    return policy, tokens, None
