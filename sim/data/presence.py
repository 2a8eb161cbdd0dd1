"""Countries in Africa with a Russian military presence (``sim/data/presence.yaml``), with the grade and
source of each entry and the airfields the reach report flies to there."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sim.data.catalog import Grade, _read_data


@dataclass(frozen=True)
class Presence:
    """One country where Russia had a military presence (or may have had: ``grade`` unconfirmed)."""

    country: str  # ISO 3166-1 alpha-3
    grade: Grade
    source: str
    airfields: tuple[str, ...]  # idents the reach report flies to

    @property
    def confirmed(self) -> bool:
        """True when a source states the presence (the entry counts by default)."""
        return self.grade != "unconfirmed"


@lru_cache(maxsize=1)
def _document() -> dict:
    return _read_data("presence.yaml")


def russian_presence() -> dict[str, Presence]:
    """Every listed country by code, in file order."""
    return {code: Presence(code, entry["grade"], " ".join(str(entry["source"]).split()), tuple(entry["airfields"]))
            for code, entry in _document()["countries"].items()}


def as_of() -> str:
    """The month the list describes (YYYY-MM)."""
    return str(_document()["as_of"])


def airfields() -> list[str]:
    """The airfields of every listed country, in file order."""
    return [ident for p in russian_presence().values() for ident in p.airfields]
