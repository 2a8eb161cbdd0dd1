"""Cargo classes and the packing of one aircraft load: pure functions, computable by hand.

Classes (``CARGO_CLASSES``), as a planner uses them:

* ``bulk``: palletised or loose cargo, limited by mass only;
* ``oversize``: single pieces bigger than a pallet that still fit the Il-76's hold (vehicles, shelters);
* ``outsize``: pieces too big for the Il-76's hold (3.46 m wide, 3.4 m high), An-124 only;
* ``passengers``: people, a head count, limited by the seats (or troop places) of the type.

A type carries the classes its catalogue entry lists (``cargo_classes``); a piece must also fit its hold:
length at most the usable floor length, width and height at most the hold's.

Everything aboard takes floor, so one rule shares the hold between pieces, people and bulk:

* pieces of one kind stand in rows across the hold, as many abreast as fit with a gap between them
  (``lane_gap_m``, 0.3 m assumed: tie-downs and a way through), ``lanes = floor((hold width + gap) /
  (piece width + gap))`` (at least 1); each row takes one piece length of floor, so a lone narrow piece
  takes its whole length;
* a passenger takes ``floor length / seats`` when the type's seats are in the cargo hold (``seats_on_floor``:
  the Il-76's 145 troop seats, so a full troop load fills the floor) and none otherwise (the An-124's 88
  seats are on the upper deck);
* bulk takes ``floor length / max payload`` per ton: it stows at the density at which a full payload
  fills the floor, so a load of bulk alone is limited by mass only.

The ramp (``ramp_length_m``, at most ``ramp_load_t`` on it) extends the floor for what is light enough:
pieces of at most the ramp limit each, and bulk, within the ramp limit in all. People do not ride the ramp.

The packing rule for one aircraft (``pack``), **first fit decreasing by floor length under the mass limit**:

1. Pieces are taken longest first (then heaviest, then by name). A piece goes aboard if its class is
   carried, it fits the hold's cross-section and floor length, and the mass and the floor left take it
   (the ramp if the floor does not and the piece is light enough); otherwise the next kind is tried.
2. Then passengers, up to the seats, the mass left and the floor left.
3. Then bulk tons, up to the mass left and the floor and ramp left.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CARGO_CLASSES = ("bulk", "oversize", "outsize", "passengers")
_EPS = 1e-9


@dataclass(frozen=True)
class Piece:
    """One kind of item: mass and dimensions of one piece as it is loaded."""

    name: str
    mass_t: float
    length_m: float
    width_m: float
    height_m: float
    cargo_class: str = "oversize"


@dataclass(frozen=True)
class Hold:
    """What one aircraft type can take: the hold's usable floor and cross-section, its seats, its classes."""

    type: str
    floor_length_m: float
    width_m: float
    height_m: float
    seats: int
    classes: tuple[str, ...]
    max_payload_t: float = math.inf  # sets the floor one ton of bulk takes
    seats_on_floor: bool = False  # the seats stand in the cargo hold
    ramp_length_m: float = 0.0
    ramp_load_t: float = 0.0
    lane_gap_m: float = 0.0  # clearance between pieces side by side

    @property
    def seat_floor_m(self) -> float:
        """Floor length one seated passenger takes."""
        if not (self.seats_on_floor and self.seats > 0 and math.isfinite(self.floor_length_m)):
            return 0.0
        return self.floor_length_m / self.seats

    @property
    def bulk_floor_m_per_t(self) -> float:
        """Floor length one ton of bulk takes: a full payload fills the floor."""
        finite = math.isfinite(self.max_payload_t) and math.isfinite(self.floor_length_m)
        return self.floor_length_m / self.max_payload_t if finite else 0.0


@dataclass(frozen=True)
class Load:
    """What one sortie carries: pieces by kind, passengers and bulk tons."""

    pieces: tuple[tuple[str, int], ...] = ()  # (kind, count), in loading order
    passengers: int = 0
    bulk_t: float = 0.0
    mass_t: float = 0.0
    floor_m: float = 0.0  # floor length used by pieces, passengers and bulk, the ramp included
    classes: tuple[str, ...] = field(default=())  # the classes aboard

    @property
    def empty(self) -> bool:
        return not self.pieces and self.passengers == 0 and self.bulk_t <= _EPS

    def describe(self) -> str:
        """The pieces as written in sorties.csv: ``5P85SM2 x2; 92N6 x1``."""
        return "; ".join(f"{name} x{count}" for name, count in self.pieces)


def fit_problem(piece: Piece, hold: Hold) -> str | None:
    """Why ``piece`` cannot fly in this hold (one sentence), or None if it fits."""
    if piece.height_m > hold.height_m + _EPS:
        return f"{piece.height_m:g} m high exceeds the {hold.type} hold height {hold.height_m:g} m"
    if piece.width_m > hold.width_m + _EPS:
        return f"{piece.width_m:g} m wide exceeds the {hold.type} hold width {hold.width_m:g} m"
    if piece.length_m > hold.floor_length_m + _EPS:
        return f"{piece.length_m:g} m long exceeds the {hold.type} floor length {hold.floor_length_m:g} m"
    if piece.cargo_class not in hold.classes:
        return f"{piece.cargo_class} cargo is not carried by the {hold.type}"
    return None


def carry_problem(piece: Piece, hold: Hold) -> str | None:
    """Why this type can never carry ``piece`` (it does not fit the hold, or it outweighs the type's
    maximum payload), or None."""
    why = fit_problem(piece, hold)
    if why is None and piece.mass_t > hold.max_payload_t + _EPS:
        why = f"{piece.mass_t:g} t exceeds the {hold.type} maximum payload {hold.max_payload_t:g} t"
    return why


def seats_people(hold: Hold) -> bool:
    """Does this type carry passengers?"""
    return "passengers" in hold.classes and hold.seats > 0


def lanes(piece: Piece, hold: Hold) -> int:
    """Pieces of this kind that stand side by side across the hold, with the gap between them."""
    gap = hold.lane_gap_m
    if piece.width_m <= 0 or not math.isfinite(hold.width_m):
        return 1
    return max(1, math.floor((hold.width_m + gap) / (piece.width_m + gap) + _EPS))


def floor_used_m(piece: Piece, hold: Hold, count: int = 1) -> float:
    """Floor length ``count`` pieces of one kind use: a row of ``lanes`` abreast per piece length, so a
    lone narrow piece takes its whole length."""
    return math.ceil(count / lanes(piece, hold)) * piece.length_m if count > 0 else 0.0


def pack(hold: Hold, mass_cap_t: float, pieces: Mapping[str, int], catalogue: Mapping[str, Piece],
         passengers: int = 0, passenger_mass_t: float = 0.1, bulk_t: float = 0.0) -> Load:
    """The load of one aircraft with this ``hold`` and at most ``mass_cap_t``, from what waits: ``pieces``
    (kind -> count), ``passengers`` and ``bulk_t`` (first fit decreasing by floor length; see the module)."""
    mass_left = mass_cap_t
    floor_left = hold.floor_length_m
    ramp_left, ramp_mass_left = hold.ramp_length_m, hold.ramp_load_t
    order = sorted((k for k, n in pieces.items() if n > 0),
                   key=lambda k: (-catalogue[k].length_m, -catalogue[k].mass_t, k))
    taken: dict[str, int] = {}
    classes: list[str] = []
    for kind in order:
        piece = catalogue[kind]
        if fit_problem(piece, hold) is not None:
            continue
        across = lanes(piece, hold)
        row_left = {"floor": 0, "ramp": 0}  # places left in the row of this kind last started there
        for _ in range(pieces[kind]):
            if piece.mass_t > mass_left + _EPS:
                break
            if row_left["floor"] > 0:
                row_left["floor"] -= 1  # beside the one before it
            elif piece.length_m <= floor_left + _EPS:
                floor_left -= piece.length_m
                row_left["floor"] = across - 1
            elif piece.mass_t > ramp_mass_left + _EPS:
                break
            elif row_left["ramp"] > 0:
                row_left["ramp"] -= 1
                ramp_mass_left -= piece.mass_t
            elif piece.length_m <= ramp_left + _EPS:
                ramp_left -= piece.length_m
                ramp_mass_left -= piece.mass_t
                row_left["ramp"] = across - 1
            else:
                break
            taken[kind] = taken.get(kind, 0) + 1
            mass_left -= piece.mass_t
        if kind in taken and piece.cargo_class not in classes:
            classes.append(piece.cargo_class)
    people = 0
    if passengers > 0 and seats_people(hold) and passenger_mass_t > 0:
        people = min(passengers, hold.seats, math.floor(max(mass_left, 0.0) / passenger_mass_t + _EPS))
        if hold.seat_floor_m > 0:
            people = min(people, math.floor(max(floor_left, 0.0) / hold.seat_floor_m + _EPS))
        mass_left -= people * passenger_mass_t
        floor_left -= people * hold.seat_floor_m
        if people:
            classes.append("passengers")
    bulk = 0.0
    if bulk_t > _EPS and "bulk" in hold.classes:
        bulk = min(bulk_t, max(mass_left, 0.0), _bulk_room_t(hold, floor_left, ramp_left, ramp_mass_left))
        mass_left -= bulk
        if bulk > _EPS:
            classes.append("bulk")
    mass = mass_cap_t - mass_left
    return Load(tuple(taken.items()), people, bulk, mass, floor_needed_m(hold, tuple(taken.items()), catalogue,
                                                                          people, bulk), tuple(classes))


def _bulk_room_t(hold: Hold, floor_left_m: float, ramp_left_m: float, ramp_mass_left_t: float) -> float:
    """Bulk tons the floor left and the ramp left take."""
    per_t = hold.bulk_floor_m_per_t
    if per_t <= 0:
        return math.inf
    return max(floor_left_m, 0.0) / per_t + min(max(ramp_mass_left_t, 0.0), max(ramp_left_m, 0.0) / per_t)


def floor_needed_m(hold: Hold, pieces: Iterable[tuple[str, int]], catalogue: Mapping[str, Piece], passengers: int,
                   bulk_t: float) -> float:
    """Floor length, the ramp included, that these pieces, passengers and bulk tons take in ``hold``."""
    return (sum(floor_used_m(catalogue[k], hold, n) for k, n in pieces) + passengers * hold.seat_floor_m
            + bulk_t * hold.bulk_floor_m_per_t)


def load_mass_t(load_pieces: Iterable[tuple[str, int]], catalogue: Mapping[str, Piece], passengers: int,
                passenger_mass_t: float, bulk_t: float) -> float:
    """Mass of a load from its parts."""
    return sum(catalogue[k].mass_t * n for k, n in load_pieces) + passengers * passenger_mass_t + bulk_t


def shed(load: Load, mass_cap_t: float, catalogue: Mapping[str, Piece], passenger_mass_t: float,
         hold: Hold) -> tuple[Load, Load]:
    """Split ``load`` into what stays aboard under ``mass_cap_t`` and what is offloaded: bulk first, then
    passengers, then pieces, the last loaded first."""
    excess = load.mass_t - mass_cap_t
    if excess <= _EPS:
        return load, Load()
    bulk_off = min(load.bulk_t, excess)
    excess -= bulk_off
    people_off = min(load.passengers, math.ceil(max(excess, 0.0) / passenger_mass_t - _EPS)) if excess > _EPS else 0
    excess -= people_off * passenger_mass_t
    kept = dict(load.pieces)
    off: dict[str, int] = {}
    for kind, _ in reversed(load.pieces):
        while excess > _EPS and kept.get(kind, 0) > 0:
            kept[kind] -= 1
            off[kind] = off.get(kind, 0) + 1
            excess -= catalogue[kind].mass_t
    stay_pieces = tuple((k, n) for k, n in kept.items() if n > 0)
    return (_made(stay_pieces, load.passengers - people_off, load.bulk_t - bulk_off, catalogue, passenger_mass_t, hold),
            _made(tuple(off.items()), people_off, bulk_off, catalogue, passenger_mass_t, hold))


def _made(pieces: tuple[tuple[str, int], ...], passengers: int, bulk_t: float, catalogue: Mapping[str, Piece],
          passenger_mass_t: float, hold: Hold) -> Load:
    classes = list(dict.fromkeys(catalogue[k].cargo_class for k, _ in pieces))
    if passengers:
        classes.append("passengers")
    if bulk_t > _EPS:
        classes.append("bulk")
    return Load(pieces, passengers, bulk_t, load_mass_t(pieces, catalogue, passengers, passenger_mass_t, bulk_t),
                floor_needed_m(hold, pieces, catalogue, passengers, bulk_t), tuple(classes))


def hold_of(kind, lane_gap_m: float | None = None) -> Hold:  # noqa: ANN001 - a sim.data.catalog.AircraftType
    """The hold of an aircraft type, as its catalogue entry gives it (the gap between pieces side by side
    from sim/data/equipment.yaml unless given)."""
    if lane_gap_m is None:
        from sim.data.catalog import lane_gap

        lane_gap_m = float(lane_gap().value)
    return Hold(kind.name, kind.hold_floor_length_m, kind.hold_width_m, kind.hold_height_m, kind.seats,
                tuple(kind.cargo_classes), kind.max_payload_t, kind.seats_on_floor, kind.ramp_length_m or 0.0,
                kind.ramp_load_t or 0.0, lane_gap_m)


class Manifest:
    """Where the pieces, passengers and bulk tons of one manifest requirement are: waiting per place (those
    promised to an aircraft already taken out) and delivered. The tons themselves are kept by the
    requirement's CargoLedger; this keeps what they are."""

    def __init__(self, origin: str, pieces: Iterable[tuple[Piece, int]], passengers: int, passenger_mass_t: float,
                 bulk_t: float) -> None:
        self.origin = origin
        self.kinds: dict[str, Piece] = {p.name: p for p, _ in pieces}
        self.requested = Load(tuple((p.name, n) for p, n in pieces), passengers, bulk_t)
        self.passenger_mass_t = passenger_mass_t
        self.waiting: dict[str, dict[str, float]] = {}  # place -> kind | "passengers" | "bulk_t" -> count or t
        self.delivered: dict[str, float] = {}

    def release(self) -> None:
        """Everything becomes ready at the origin."""
        self._add(self.origin, self.requested)

    def pack(self, hold: Hold, mass_cap_t: float, place: str) -> Load:
        """The load one aircraft with ``hold`` takes from what waits at ``place``, at most ``mass_cap_t``."""
        here = self.waiting.get(place, {})
        pieces = {k: int(n) for k, n in here.items() if k in self.kinds and n > 0}
        return pack(hold, mass_cap_t, pieces, self.kinds, int(here.get("passengers", 0)), self.passenger_mass_t,
                    here.get("bulk_t", 0.0))

    def take(self, place: str, load: Load) -> None:
        """``load`` is promised to an aircraft: no longer waiting at ``place``."""
        here = self.waiting[place]
        for k, n in load.pieces:
            here[k] -= n
        here["passengers"] = here.get("passengers", 0) - load.passengers
        here["bulk_t"] = here.get("bulk_t", 0.0) - load.bulk_t

    def put(self, place: str, load: Load) -> None:
        """``load`` waits at ``place`` again (given back, or offloaded short of its destination)."""
        self._add(place, load)

    def deliver(self, load: Load) -> None:
        for k, n in load.pieces:
            self.delivered[k] = self.delivered.get(k, 0) + n
        self.delivered["passengers"] = self.delivered.get("passengers", 0) + load.passengers
        self.delivered["bulk_t"] = self.delivered.get("bulk_t", 0.0) + load.bulk_t

    def _add(self, place: str, load: Load) -> None:
        here = self.waiting.setdefault(place, {})
        for k, n in load.pieces:
            here[k] = here.get(k, 0) + n
        here["passengers"] = here.get("passengers", 0) + load.passengers
        here["bulk_t"] = here.get("bulk_t", 0.0) + load.bulk_t
