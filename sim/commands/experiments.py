"""airlift sweep and compare."""

from __future__ import annotations
