"""Airfields by name: the one place that turns what a planner types ("Hmeimim", "al-Khadim", "mozdok",
"OSLK") into a catalogue ident, searches the catalogue, and suggests the nearest airfield on a miss.

Names compare folded: case, accents and punctuation ignored ("Bangui M'Poko" = "bangui mpoko",
"Sénou" = "senou"). The hand-curated catalogue (sim/data/airfields.yaml) is searched first, by its name and
by each part of it ("Benina (Benghazi)" answers to "Benina" and "Benghazi"); then airportsdata's 28,000
airfields, by name with or without words such as "Airport" or "Air Base".
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

from sim.data import catalog
from sim.errors import AirliftError

# Words left out of an airportsdata name to give the short name a planner types ("Malabo Airport" -> "Malabo").
_GENERIC_WORDS = re.compile(r"\b(international|intl|airport|airfield|aerodrome|air base|airbase|air force base|"
                            r"military|regional|domestic|national)\b", re.IGNORECASE)


class UnknownAirfieldError(AirliftError, KeyError):
    """A code or name that names no airfield (or more than one); the message says which were meant."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def fold(text: str) -> str:
    """``text`` as names are compared: accents, case, spaces and punctuation dropped ("al-Khadim" -> "alkhadim")."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in plain.casefold() if c.isalnum())


def _aliases(name: str) -> list[str]:
    """A name and its parts: "Benina (Benghazi)" -> "Benina (Benghazi)", "Benina", "Benghazi"."""
    parts = [name, *re.split(r"[()]", name)]
    short = _GENERIC_WORDS.sub(" ", name)
    return [p for p in dict.fromkeys([*parts, short]) if fold(p)]


@lru_cache(maxsize=1)
def _curated_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for ident in catalog.curated_idents():
        for alias in _aliases(catalog.airfield(ident).name):
            index.setdefault(fold(alias), []).append(ident)
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


@lru_cache(maxsize=1)
def _airportsdata_index() -> dict[str, tuple[str, ...]]:
    """Folded airportsdata names (full and short) to ICAO codes (loads all 28,000 rows: 0.3 s, once)."""
    index: dict[str, list[str]] = {}
    for ident, row in catalog._airportsdata().items():
        for alias in (row["name"], _GENERIC_WORDS.sub(" ", row["name"])):
            if fold(alias):
                index.setdefault(fold(alias), []).append(ident)
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


@lru_cache(maxsize=1)
def _curated_prefix() -> dict[str, tuple[str, ...]]:
    """Folded beginnings (4 letters or more) of curated names: "Bangui" for "Bangui M'Poko", "Port Sudan"
    for "Port Sudan New International"."""
    index: dict[str, list[str]] = {}
    for ident in catalog.curated_idents():
        name = fold(catalog.airfield(ident).name)
        for end in range(4, len(name)):
            index.setdefault(name[:end], []).append(ident)
    return {k: tuple(dict.fromkeys(v)) for k, v in index.items()}


def label(ident: str) -> str:
    """``OSLK (Hmeimim)``: the ident with its name, or the ident alone when no catalogue knows it."""
    try:
        return f"{ident} ({catalog.airfield(ident).name})"
    except KeyError:
        return ident


def resolve_airfield(text: str) -> str:
    """The ident that a code or a name stands for: "OSLK", "oslk", "Hmeimim", "hméimim", "Mozdok",
    "al-Khadim", "Malabo". Raises UnknownAirfieldError saying why, with the nearest airfields."""
    typed = text.strip()
    if typed and typed == typed.upper() and catalog.is_known_ident(typed):
        return typed
    key = fold(typed)
    for lookup in (_curated_index, _curated_prefix, _airportsdata_index):
        idents = lookup().get(key, ()) if key else ()
        if len(idents) == 1:
            return idents[0]
        if len(idents) > 1:
            listed = ", ".join(f"{i} ({catalog.airfield(i).name}, {catalog.airfield(i).country})" for i in idents[:8])
            more = f" and {len(idents) - 8} more" if len(idents) > 8 else ""
            raise UnknownAirfieldError(f"{typed!r} names {len(idents)} airfields: {listed}{more}; give the ICAO code")
    if typed and catalog.is_known_ident(typed.upper()):
        return typed.upper()
    raise UnknownAirfieldError(f"unknown airfield {typed!r}{suggest_airfield(typed)}")


def suggest_airfield(text: str, among: list[str] | None = None) -> str:
    """A hint naming the nearest airfield by code or name, e.g. " (did you mean OSLK (Hmeimim)?)", or ""
    when none is close. ``among``: the idents to choose from (default: the curated catalogue)."""
    idents = among if among is not None else catalog.curated_idents()
    best = nearest_airfields(text, idents, n=1)
    return f" (did you mean {label(best[0])}?)" if best else ""


def nearest_airfields(text: str | list[str], idents: list[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` of ``idents`` whose code or name (or a part of the name) is closest to ``text`` (or to
    any of several texts, e.g. a code and its name): difflib ratio on folded text, at least ``cutoff``,
    nearest first."""
    keys = [k for k in (fold(t) for t in ([text] if isinstance(text, str) else text)) if k]
    if not keys:
        return []
    scores: dict[str, float] = {}
    for ident in idents:
        names = [ident]
        try:
            names += _aliases(catalog.airfield(ident).name)
        except KeyError:
            pass
        scores[ident] = max(difflib.SequenceMatcher(None, k, fold(a)).ratio() for a in names for k in keys)
    ranked = sorted(((-s, i, ident) for i, (ident, s) in enumerate(scores.items()) if s >= cutoff))
    return [ident for _, _, ident in ranked][:n]


def search_airfields(text: str, limit: int = 50) -> list[str]:
    """Idents whose code, name, country code or country name contains ``text`` (folded): the curated
    catalogue first; airportsdata (code, name, city) only when the curated catalogue has none."""
    from sim.data import countries

    key = fold(text)
    code = countries.resolve(text.strip()) if text.strip() else None
    hits = []
    for ident in catalog.curated_idents():
        a = catalog.airfield(ident)
        if key in fold(ident) or key in fold(a.name) or a.country == code or key == fold(a.country):
            hits.append(ident)
    if hits:
        return hits[:limit]
    for ident, row in catalog._airportsdata().items():
        if key and (key in fold(ident) or key in fold(row["name"]) or key in fold(row["city"])):
            hits.append(ident)
            if len(hits) >= limit:
                break
    return hits
