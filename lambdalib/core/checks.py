"""Argument checks shared by every layer: a bad value gets a ValueError naming the parameter
and the allowed values."""

from __future__ import annotations

from typing import Any, Iterable

__all__ = ["check_choice"]

def check_choice(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise a ValueError naming both."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value
