"""Every error the library raises for a user to fix derives from AirliftError; the CLI catches it once.

InputError carries one Problem per mistake, each with file, line, column and field path.
"""

from __future__ import annotations

from dataclasses import dataclass


class AirliftError(Exception):
    """Something the user can fix: bad input, an existing result, a missing optional extra."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input. ``line`` and ``column`` are 1-based; 0 when unknown."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class InputError(AirliftError):
    """Bad input: carries every problem found, so the user can fix them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class OverrideError(AirliftError, ValueError):
    """A change to a scenario (``Scenario.with_``, ``--set``, a sweep) that cannot be applied; the message names it."""


class ResultsExistError(AirliftError):
    """The results exist and overwriting was not asked for."""


class MissingExtraError(AirliftError):
    """An optional dependency is needed: the message says which extra to install."""
