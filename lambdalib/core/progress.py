"""Progress bars that show in the terminal running a chapter, never in a notebook's outputs.

In a Jupyter kernel (papermill, nbval, JupyterLab) ``sys.stderr`` is the notebook's output
stream, and ipykernel also redirects file descriptor 2 into it, so a tqdm bar, a warning or a
worker process's log would be stored in the committed ``.ipynb``. :func:`progress_bar` writes to
the terminal that started the kernel instead (the one running ``papermill``, ``make
run-<chapter>`` or ``jupyter lab``), and :func:`stderr_to_terminal` gives processes started
inside it (Dask workers) that terminal as their stderr. Outside a kernel both use plain stderr.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterable, Iterator
from typing import IO

from tqdm import TqdmWarning
from tqdm.std import tqdm

__all__ = ["progress_bar", "terminal", "stderr_to_terminal"]

# tqdm.auto (umap imports it) warns "IProgress not found" into the notebook once when ipywidgets
# is not installed, then draws plain bars anyway; the book draws its bars with progress_bar.
warnings.filterwarnings("ignore", message="IProgress not found", category=TqdmWarning)


def _terminal_fd() -> int | None:
    """The file descriptor of the stderr this process started with. In a kernel, ipykernel's
    stream keeps a copy of the original fd 2 and returns it as its ``fileno()``; elsewhere
    ``sys.stderr.fileno()`` is 2 itself (or fails under pytest's capture: then fd 2)."""
    try:
        return sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return sys.__stderr__.fileno() if sys.__stderr__ is not None else None


def terminal() -> IO[str] | None:
    """A text stream to the stderr this process started with (None if it has none)."""
    fd = _terminal_fd()
    if fd is None:
        return None
    if sys.__stderr__ is not None and fd == sys.__stderr__.fileno():
        return sys.__stderr__
    return open(fd, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)


def progress_bar(iterable: Iterable | None = None, **kwargs) -> tqdm:
    """``tqdm(iterable, **kwargs)`` drawn on :func:`terminal`, not into the notebook."""
    out = None if kwargs.get("disable") else terminal()
    return tqdm(iterable, file=out, **{**kwargs, "disable": out is None})


@contextlib.contextmanager
def stderr_to_terminal() -> Iterator[None]:
    """Inside the block file descriptor 2 is :func:`terminal`, so a process started there (a
    Dask worker) logs and warns to the terminal instead of the notebook; restored on exit."""
    fd = _terminal_fd()
    if fd is None or fd == 2:
        yield
        return
    saved = os.dup(2)
    os.dup2(fd, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
