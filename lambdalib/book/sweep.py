"""Run one function over a grid of configs (seeds, folds, variants) with Dask, with a run cache.

>>> df = sweep(run_seed, {"aligned": [False, True], "seed": [0, 1, 2]}, cache_dir="runs/t2")  # doctest: +SKIP

``df`` has one row per config in grid order: the config's keys, then the keys of the dict that
``run_seed(**config)`` returned. ``run_seed`` must be a module-level function that the workers
can import (lambdalib installed on them), and it must seed itself from its config
(``set_seed(seed)``): sweep adds nothing random, so the table does not depend on the number of
workers or on the order in which tasks finish. ``client="serial"`` runs the same sweep in this
process in grid order: use it to debug, and as the reference the parallel table must equal.

Where it runs is the ``client`` argument; the call is otherwise the same everywhere:

- None (default): a ``LocalCluster`` of single-thread worker processes, one per core.
- SLURM, with dask-jobqueue: one single-thread worker per job (GPU lines for ``gpu=True``)::

      cluster = SLURMCluster(cores=1, processes=1, memory="8GB", walltime="02:00:00",
                             job_extra_directives=["--gres=gpu:1"],
                             worker_extra_args=["--resources", "GPU=1"])
      cluster.scale(jobs=32)
      df = sweep(run_seed, grid, client=Client(cluster), gpu=True, cache_dir="runs/t2")

- Kubernetes, with dask-kubernetes: ``cluster = KubeCluster(name="lambdabook", image=IMAGE)``
  (an image with lambdalib installed), ``cluster.scale(32)``, then ``client=Client(cluster)``.
- A running scheduler's address, ``client="tcp://host:8786"``.

On a cluster of your own, start the workers without ``MALLOC_TRIM_THRESHOLD_`` in their
environment (Dask sets it by default, see ``_connect``; it slowed torch training 2.2x here):
``dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})``
before the cluster is created.

``gpu=True`` asks one ``GPU`` resource per task: only workers started with ``--resources GPU=1``
run them (the default LocalCluster gives each worker one; they share the machine's GPUs, so
choose ``n_workers``). A worker that dies mid-task is replaced and its task rerun elsewhere
(Dask's ``distributed.scheduler.allowed-failures``, 3 by default); a task that raises is retried
``retries`` times.

Run cache: with ``cache_dir``, each result is pickled as it arrives, by this process (not the
workers, so any cluster works), to ``cache_dir/<config_key>.pkl``; configs with a file there are
not run again. The key covers the function's name, the config, ``fingerprint`` (name the data
version there), ``lambdalib.__version__`` and a content hash of the ``lambdalib`` source the
function can run (:func:`source_hash`: its module and everything it imports), so a change to
that code never serves a stale run.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import itertools
import json
import logging
import math
import os
import pickle
import tempfile
import uuid
from pathlib import Path
from typing import Any, Callable

import dask
import pandas as pd
import torch

import lambdalib
from lambdalib.book.timing import count_runs
from lambdalib.core.progress import progress_bar, stderr_to_terminal

__all__ = ["expand_grid", "source_hash", "config_key", "default_cache_dir", "sweep", "SweepError"]

log = logging.getLogger(__name__)
SCALARS = (bool, int, float, str, type(None))


class SweepError(RuntimeError):
    """Some configs raised. ``failures``: [(config, exception)] in grid order; ``table``: the rest."""

    def __init__(self, message: str, failures: list, table: pd.DataFrame):
        super().__init__(message)
        self.failures, self.table = failures, table


def _check_config(config: dict) -> dict:
    if not isinstance(config, dict):
        raise ValueError(f"a config must be a dict, got {config!r}")
    for key, value in config.items():
        if not isinstance(key, str):
            raise ValueError(f"config keys must be str, got {key!r}")
        if not isinstance(value, SCALARS) or (isinstance(value, float) and not math.isfinite(value)):
            raise ValueError(f"config[{key!r}] must be a finite int/float, str, bool or None, got {value!r}")
    return config


def expand_grid(grid: dict[str, list] | list[dict]) -> list[dict]:
    """All configs of ``grid``: a dict of lists gives their Cartesian product, the first key
    varying slowest (``{"a": [0, 1], "b": [5, 6]}`` -> a0b5, a0b6, a1b5, a1b6); a list of dicts
    is returned as it is. Values must be JSON scalars (ValueError naming the key otherwise)."""
    if isinstance(grid, dict):
        for key, values in grid.items():
            if not isinstance(values, (list, tuple, range)):
                raise ValueError(f"grid[{key!r}] must be a list of values, got {values!r}")
        configs = [dict(zip(grid, combo)) for combo in itertools.product(*grid.values())]
    elif isinstance(grid, (list, tuple)):
        configs = [dict(config) if isinstance(config, dict) else config for config in grid]
    else:
        raise ValueError(f"grid must be a dict of lists or a list of dicts, got {type(grid).__name__}")
    return [_check_config(config) for config in configs]


def _fn_name(fn: Callable) -> str:
    module, qualname = getattr(fn, "__module__", None), getattr(fn, "__qualname__", None)
    if module is None or qualname is None or "<" in qualname:
        raise ValueError(f"fn must be a module-level function (put its arguments in the grid), got {fn!r}")
    return f"{module}.{qualname}"


LIB_ROOT = Path(lambdalib.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    """The ``lambdalib`` modules (dotted names) that the file ``path`` imports, read with ``ast``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return {name for name in found if name.split(".")[0] == "lambdalib"}


def _module_file(name: str, root: Path) -> Path | None:
    """The source file of the dotted module ``name`` under ``root`` (the lambdalib folder), if any."""
    parts = name.split(".")[1:]
    if not parts:
        return root / "__init__.py"
    rel = Path(*parts)
    for candidate in (root / rel.with_suffix(".py"), root / rel / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@functools.lru_cache(maxsize=64)
def source_hash(module: str, root: str | os.PathLike = LIB_ROOT) -> str:
    """sha256 (first 16 hex digits) of the source of ``module`` and of every lambdalib module it
    imports, directly or not (with their packages' ``__init__``), each as its path and bytes.

    This is the code a run of a function defined in ``module`` can execute: a change to any of
    it changes the run cache key, while a change to code the run never imports (another paper's
    package, which ``tests/test_layout.py`` keeps out of every paper's imports) does not.
    """
    root = Path(root)
    todo, files = [module, "lambdalib"], set()
    while todo:
        name = todo.pop()
        path = _module_file(name, root)
        if path is None or path in files:
            continue
        files.add(path)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]        # the packages' __init__
        todo += sorted(_imported_modules(path))
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def config_key(fn: Callable, config: dict, *, fingerprint: str = "") -> str:
    """The run cache key: sha256 (first 20 hex digits) of the canonical JSON of
    {fn's module.qualname, the config, ``fingerprint``, ``lambdalib.__version__``,
    :func:`source_hash` of fn's module}."""
    payload = {"fn": _fn_name(fn), "config": _check_config(config), "fingerprint": str(fingerprint),
               "version": lambdalib.__version__, "source": source_hash(fn.__module__)}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def default_cache_dir() -> str:
    """The book's run cache, where chapters share trained runs: ``$LAMBDABOOK_RUN_CACHE``, else
    ``$XDG_CACHE_HOME/lambdabook/runs`` (the Makefile points XDG_CACHE_HOME into ``_build/``),
    else ``~/.cache/lambdabook/runs``. Never in the repository's tracked files."""
    if os.environ.get("LAMBDABOOK_RUN_CACHE"):
        return os.environ["LAMBDABOOK_RUN_CACHE"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "lambdabook", "runs")


def _run_one(fn: Callable, config: dict) -> dict:
    """One task: ``fn(**config)`` on one torch thread (restored after); the result must be a dict."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        result = fn(**config)
    finally:
        torch.set_num_threads(threads)
    if not isinstance(result, dict):
        raise TypeError(f"{_fn_name(fn)} must return a dict, got {type(result).__name__}")
    if clash := sorted(set(result) & set(config)):
        raise ValueError(f"{_fn_name(fn)} returned keys {clash} that are already config keys")
    return result


def _outcome(call: Callable, *args) -> Any:
    """``call(*args)``, or the exception it raised (reported with its config in SweepError)."""
    try:
        return call(*args)
    except Exception as exc:
        return exc


def _save(path: Path, payload: dict) -> None:
    """Pickle ``payload`` to ``path`` atomically (a temporary file, then os.replace)."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@contextlib.contextmanager
def _env_without(name: str):
    """Remove ``name`` from os.environ inside the block; put back what was there after."""
    saved = os.environ.pop(name, None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ[name] = saved


@contextlib.contextmanager
def _connect(client: Any, n_workers: int | None, gpu: bool):
    """Yield a ``distributed.Client``: the user's own, one to an address, or a new LocalCluster's.
    Only what is opened here is closed here."""
    from distributed import Client, LocalCluster

    if isinstance(client, Client):
        yield client
    elif isinstance(client, str):
        with Client(client) as own:
            yield own
    elif client is None:
        # Dask sets MALLOC_TRIM_THRESHOLD_=65536 in every worker it spawns, to hand memory back to
        # the OS. Any explicit value switches off glibc's adaptive mmap threshold, and torch's many
        # small tensors then go through mmap/munmap: a LaMbDA training step ran 2.2x slower in a
        # worker than in a plain process here (43 vs 98 ms). Leave glibc's default alone.
        # (Dask also copies it into this process's os.environ, so take it out of there too
        # while the workers are spawned.) The workers inherit this process's stderr: in a notebook
        # that is the notebook, so they get the terminal's (stderr_to_terminal) for their logs and
        # warnings. The scheduler's HTTP server takes a free port: with 8787 taken (another
        # chapter running) it would warn into the notebook. Dask's own loggers write to this
        # process's stderr as it was when they were set up (the notebook): only errors reach them
        # (a worker killed at shutdown on a busy machine is a warning).
        with stderr_to_terminal(), \
                dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}), \
                _env_without("MALLOC_TRIM_THRESHOLD_"), \
                LocalCluster(n_workers=n_workers or os.cpu_count(), threads_per_worker=1, processes=True,
                             dashboard_address=":0", silence_logs=logging.ERROR,
                             resources={"GPU": 1} if gpu else None,
                             env={"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}) as cluster, \
                Client(cluster) as own:
            yield own
    else:
        raise ValueError(f"client must be None, 'serial', a scheduler address or a distributed.Client, got {client!r}")


def _run_dask(client, fn, todo: dict, gpu: bool, retries: int, on_result: Callable) -> None:
    """Submit every (key, config) of ``todo`` to ``client``; ``on_result(key, result_or_exception)``."""
    from distributed import as_completed

    resources = {"GPU": 1} if gpu else None
    name = getattr(fn, "__name__", "sweep")
    futures = {client.submit(_run_one, fn, config, key=f"{name}-{key}-{uuid.uuid4().hex[:8]}",
                             resources=resources, retries=retries): key for key, config in todo.items()}
    for future in as_completed(futures):
        on_result(futures[future], _outcome(future.result))
        future.release()


def sweep(fn: Callable[..., dict], grid: dict[str, list] | list[dict], *, client: Any = None,
          cache_dir: str | os.PathLike | None = None, fingerprint: str = "", n_workers: int | None = None,
          gpu: bool = False, retries: int = 2, progress: bool = True) -> pd.DataFrame:
    """Run ``fn(**config)`` for every config of ``grid`` (see :func:`expand_grid`) and tabulate.

    ``fn`` is a module-level function returning a dict (any picklable values: arrays and
    DataFrames become object columns) and seeds itself from its config. ``client``: None (a
    LocalCluster of ``n_workers`` single-thread processes, default one per core), a
    ``distributed.Client`` (left open), a scheduler address, or ``"serial"`` (in this process,
    grid order, no retries). Returns one row per config in grid order, config keys then result
    keys; ``df.attrs["cached"]`` / ``["executed"]`` count configs read from ``cache_dir`` / run.
    If some configs raise, the others still finish (and are cached), then SweepError names each.
    """
    if retries < 0:
        raise ValueError(f"retries must be >= 0, got {retries!r}")
    configs = expand_grid(grid)
    keys = [config_key(fn, config, fingerprint=fingerprint) for config in configs]
    cache = Path(cache_dir) if cache_dir is not None else None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    results, todo = {}, {}
    for key, config in zip(keys, configs):
        if cache is not None and (cache / f"{key}.pkl").exists():
            with open(cache / f"{key}.pkl", "rb") as f:
                results[key] = pickle.load(f)["result"]
        else:
            todo[key] = config
    n_cached = len(results)
    count_runs(n_cached, len(todo))
    log.info("sweep %s: %d configs, %d from the cache, %d to run", _fn_name(fn), len(set(keys)), n_cached, len(todo))
    failures = {}  # key -> exception
    bar = progress_bar(total=len(todo), desc=getattr(fn, "__name__", "sweep"), disable=not progress or not todo)

    def on_result(key: str, outcome: Any) -> None:
        bar.update()
        if isinstance(outcome, BaseException):
            failures[key] = outcome
            return
        results[key] = outcome
        if cache is not None:
            _save(cache / f"{key}.pkl", {"fn": _fn_name(fn), "config": todo[key], "fingerprint": fingerprint,
                                         "version": lambdalib.__version__, "result": outcome})

    with bar:
        if client == "serial":
            for key, config in todo.items():
                on_result(key, _outcome(_run_one, fn, config))
        elif todo:
            with _connect(client, n_workers, gpu) as dask_client:
                _run_dask(dask_client, fn, todo, gpu, retries, on_result)

    rows = [{**config, **results[key]} for key, config in zip(keys, configs) if key in results]
    table = pd.DataFrame(rows)
    table.attrs.update(cached=n_cached, executed=len(todo))
    if failures:
        failed = [(todo[key], failures[key]) for key in todo if key in failures]  # grid order
        lines = [f"  {config}: {type(exc).__name__}: {exc}" for config, exc in failed]
        raise SweepError(f"{len(failed)} of {len(todo)} configs failed (the others are kept"
                         f"{' in ' + str(cache) if cache else ''}):\n" + "\n".join(lines), failed, table)
    return table
