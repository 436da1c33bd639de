"""One registry of experiment sizes: every chapter's ``profile`` resolves here.

A profile is one of :data:`PROFILE_NAMES`: ``quick`` (a laptop CPU, minutes) and ``paper`` (the
paper's sizes, meant for a GPU). Each paper's ``sizes`` module registers, for every experiment it
runs, one frozen dataclass of sizes per profile::

    register("conda.flow", {"quick": ConDASizes(...), "paper": ConDASizes(...)})

and chapters read them back with ``get_sizes("conda.flow", profile)``. So the only difference
between the book's run and a paper-scale run is the one name ``profile``, and there is no other
size system and no pseudo-profile.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any, Mapping

from lambdalib.core.checks import check_choice

__all__ = ["PROFILE_NAMES", "register", "get_sizes", "experiments", "profile_table"]

PROFILE_NAMES = ("quick", "paper")
_REGISTRY: dict[str, dict[str, Any]] = {}  # experiment -> profile name -> frozen dataclass


def register(experiment: str, sizes: Mapping[str, Any]) -> None:
    """Register ``experiment``'s sizes: one frozen dataclass instance per name of
    :data:`PROFILE_NAMES`, no more, no fewer. Registering a name twice is an error."""
    if experiment in _REGISTRY:
        raise ValueError(f"experiment {experiment!r} is already registered")
    if set(sizes) != set(PROFILE_NAMES):
        raise ValueError(f"sizes of {experiment!r} must have exactly the profiles {PROFILE_NAMES}, "
                         f"got {sorted(sizes)}")
    for name, value in sizes.items():
        if not is_dataclass(value) or isinstance(value, type):
            raise ValueError(f"sizes[{name!r}] of {experiment!r} must be a dataclass instance, got {value!r}")
    _REGISTRY[experiment] = dict(sizes)


def experiments() -> list[str]:
    """The registered experiment names (a paper's sizes register when its package is imported)."""
    return sorted(_REGISTRY)


def get_sizes(experiment: str, profile: str, **overrides: Any) -> Any:
    """The sizes of ``experiment`` at ``profile``, with any field replaced by ``overrides``
    (the dataclass checks them again); ValueError for an unknown experiment, profile or field."""
    check_choice("experiment", experiment, experiments())
    base = _REGISTRY[experiment][check_choice("profile", profile, PROFILE_NAMES)]
    allowed = [f.name for f in fields(base)]
    if unknown := sorted(set(overrides) - set(allowed)):
        raise ValueError(f"unknown fields {unknown} for {experiment!r}; allowed: {allowed}")
    return replace(base, **overrides)


def profile_table(experiment: str, *sizes: "str | Any", fields_: tuple[str, ...] | None = None):
    """A DataFrame of sizes side by side (rows: fields, columns: profiles). Each of ``sizes`` is
    a profile name of ``experiment`` or a sizes object (e.g. with overrides, named by its
    ``name`` field where it has one); default: every profile. ``fields_``: the rows (default all)."""
    import pandas as pd

    sizes = sizes or PROFILE_NAMES
    columns = {}
    for i, s in enumerate(sizes):
        obj = get_sizes(experiment, s) if isinstance(s, str) else s
        columns[s if isinstance(s, str) else getattr(obj, "name", f"sizes {i}")] = obj
    rows = fields_ or [f.name for f in fields(next(iter(columns.values()))) if f.name != "name"]
    return pd.DataFrame({name: [getattr(obj, f) for f in rows] for name, obj in columns.items()}, index=list(rows))
