"""A chapter's closing timing line, which says how much of the chapter was training and how much
came from the run cache.

:func:`lambdalib.book.sweep.sweep` counts, per process, the runs it read from the cache and the
runs it executed (:func:`count_runs`); a chapter calls :func:`chapter_timing` at its end::

    chapter_start = time.perf_counter()   # first cell
    ...
    glue("chapter_time", chapter_timing(chapter_start), display=False)   # "4.8 minutes; all 18 ..."
"""

from __future__ import annotations

import time

__all__ = ["count_runs", "run_counts", "chapter_timing"]

_RUNS = {"cached": 0, "executed": 0}  # this process's sweeps so far (a kernel runs one chapter)


def count_runs(cached: int, executed: int) -> None:
    """Add one sweep's runs read from the run cache (``cached``) and run (``executed``)."""
    if cached < 0 or executed < 0:
        raise ValueError(f"cached and executed must be >= 0, got {cached!r} and {executed!r}")
    _RUNS["cached"] += int(cached)
    _RUNS["executed"] += int(executed)


def run_counts() -> dict[str, int]:
    """The runs this process's sweeps read from the run cache and executed, so far."""
    return dict(_RUNS)


def chapter_timing(start: float, now: float | None = None) -> str:
    """"<minutes> minutes" since ``start`` (a ``time.perf_counter()`` value), and where its runs
    came from: "; all 18 training runs were read from the run cache", "; 6 of 18 ...", or
    "; all 18 training runs ran"; nothing more for a chapter without sweeps."""
    minutes = ((time.perf_counter() if now is None else now) - start) / 60
    cached, executed = _RUNS["cached"], _RUNS["executed"]
    total = cached + executed
    if total == 0:
        return f"{minutes:.1f} minutes"
    if cached == total:
        where = f"all {total} training runs were read from the run cache, so this is mostly evaluation time"
    elif cached:
        where = f"{cached} of its {total} training runs were read from the run cache"
    else:
        where = f"all {total} training runs ran"
    return f"{minutes:.1f} minutes ({where})"
