"""airlift cache info | clear: the on-disk route cache (sim.geo.cache)."""

from __future__ import annotations

from typing import Annotated

import typer

from sim.cli.common import _App, app

cache_app = _App(help="The on-disk cache of closed airspace and routes (rebuilt on demand; safe to clear).",
                        no_args_is_help=True)
app.add_typer(cache_app, name="cache")


def _describe(what) -> str:
    if what.path is None:
        return "the route cache is switched off (AIRLIFT_CACHE=off or --no-cache)"
    return (f"{what.path}: {what.situations} airspace situation(s), {what.routes} route(s), "
            f"{what.derived} derived-data file(s), {what.bytes / 1e6:.1f} MB")


@cache_app.command("info")
def info_command(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON on stdout")] = False,
) -> None:
    """Where the cache is and what it holds (AIRLIFT_CACHE_DIR moves it, AIRLIFT_CACHE=off switches it off)."""
    from sim.geo import cache

    what = cache.info()
    if as_json:
        import json

        print(json.dumps({"path": None if what.path is None else str(what.path), "situations": what.situations,
                          "routes": what.routes, "derived": what.derived, "bytes": what.bytes}))
        return
    print(_describe(what))


@cache_app.command("clear")
def clear_command() -> None:
    """Delete every cached airspace and route; the next run builds them again."""
    from sim.geo import cache

    what = cache.clear()
    print("cleared " + _describe(what) if what.path is not None else _describe(what))
