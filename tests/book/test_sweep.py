"""sweep: grid order, parallel == serial, a killed worker, the run cache, failures, one torch thread.

The functions the sweeps run are defined at module level here. Dask spawns its worker processes
with multiprocessing, which gives them this process's ``sys.path``; pytest has put ``tests/`` on
it, so the workers import these functions as ``test_sweep.<name>`` (nothing is uploaded).
"""

import os
import shutil
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
import torch
from distributed import Client, LocalCluster
from pandas.testing import assert_frame_equal

import lambdalib
from lambdalib.book import sweep as sweep_module
from lambdalib.book.sweep import SweepError, config_key, expand_grid, sweep

# --- the functions the sweeps run (module level, so that workers can import them) ---

def log_call(log_dir, seed):
    """Leave one file in ``log_dir`` per call (the calls are counted by :func:`calls`)."""
    Path(log_dir, f"{seed}-{uuid.uuid4().hex}").touch()


def calls(log_dir):
    """Seeds that ran, one entry per call, sorted."""
    return sorted(int(p.name.split("-")[0]) for p in Path(log_dir).iterdir())


def noisy_mean(seed, n, log_dir, pause=0.2):
    """Deterministic from its config, and slow enough for both workers to take part."""
    log_call(log_dir, seed)
    time.sleep(pause)
    draws = np.random.default_rng(seed).normal(size=n)
    return {"mean": float(draws.mean()), "draws": draws}


def dies_once(seed, n, log_dir, marker):
    """Like noisy_mean, but seed 1 kills its worker process the first time (no ``marker`` yet)."""
    if seed == 1 and not os.path.exists(marker):
        Path(marker).touch()
        os._exit(1)
    return noisy_mean(seed, n, log_dir)


def fails_while(seed, n, log_dir, broken):
    """Like noisy_mean, but seed 2 raises while the file ``broken`` exists (deleting it 'fixes' it)."""
    if seed == 2 and os.path.exists(broken):
        log_call(log_dir, seed)
        raise ValueError(f"seed {seed} is broken")
    return noisy_mean(seed, n, log_dir, pause=0.05)


def torch_threads(seed=0):
    return {"threads": torch.get_num_threads()}


@pytest.fixture(scope="module")
def client():
    """Two single-thread worker processes, shared by the parallel tests. 2 threads in the env on
    purpose (Dask's default is 1): torch in the workers then starts with 2 threads, so the thread
    test can fail. torch reads MKL_NUM_THREADS over OMP_NUM_THREADS."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      env={"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}) as cluster, Client(cluster) as client:
        yield client


@pytest.fixture
def log_dir(tmp_path):
    path = tmp_path / "calls"
    path.mkdir()
    return str(path)


def test_expand_grid_order_and_validation():
    assert expand_grid({"a": [0, 1], "b": ["x", "y"]}) == [
        {"a": 0, "b": "x"}, {"a": 0, "b": "y"}, {"a": 1, "b": "x"}, {"a": 1, "b": "y"}]
    configs = [{"seed": 2, "lr": 0.1}, {"seed": 0, "lr": None}]
    assert expand_grid(configs) == configs
    with pytest.raises(ValueError, match="'lr'"):
        expand_grid({"seed": [0, 1], "lr": [[0.1, 0.2]]})
    with pytest.raises(ValueError, match="'seed'"):
        expand_grid({"seed": 3})
    with pytest.raises(ValueError, match="'seed'"):
        expand_grid([{"seed": np.int64(3)}])


def test_config_key_changes_with_what_changes_the_result(monkeypatch):
    key = config_key(noisy_mean, {"seed": 0, "n": 3}, fingerprint="data-v1")
    assert key == config_key(noisy_mean, {"n": 3, "seed": 0}, fingerprint="data-v1")
    assert key != config_key(noisy_mean, {"seed": 1, "n": 3}, fingerprint="data-v1")
    assert key != config_key(noisy_mean, {"seed": 0, "n": 3}, fingerprint="data-v2")
    assert key != config_key(dies_once, {"seed": 0, "n": 3}, fingerprint="data-v1")
    monkeypatch.setattr(lambdalib, "__version__", "99.0")
    assert key != config_key(noisy_mean, {"seed": 0, "n": 3}, fingerprint="data-v1")


def test_a_library_source_change_changes_the_key(tmp_path, monkeypatch):
    lib = Path(lambdalib.__file__).parent
    copy = tmp_path / "lambdalib"
    shutil.copytree(lib, copy, ignore=shutil.ignore_patterns("__pycache__"))
    uncached = sweep_module.source_hash.__wrapped__
    module = "lambdalib.papers.lambda_ts.synthetic"
    assert uncached(module, copy) == uncached(module, lib)
    key = config_key(noisy_mean, {"seed": 0, "n": 3})
    target = copy / "core" / "metrics.py"                    # imported by synthetic, not by this test
    target.write_text(target.read_text() + "\n# an edit\n")
    edited = uncached(module, copy)
    assert edited != uncached(module, lib)
    monkeypatch.setattr(sweep_module, "source_hash", lambda name: edited)
    assert key != config_key(noisy_mean, {"seed": 0, "n": 3})


def test_the_hash_covers_what_a_run_imports_and_nothing_else(tmp_path):
    lib = Path(lambdalib.__file__).parent
    copy = tmp_path / "lambdalib"
    shutil.copytree(lib, copy, ignore=shutil.ignore_patterns("__pycache__"))
    uncached = sweep_module.source_hash.__wrapped__
    module = "lambdalib.papers.lambda_ts.synthetic"
    before = uncached(module, copy)
    other = copy / "papers" / "conda" / "pipeline.py"      # another paper: never imported by LaMbDA
    other.write_text(other.read_text() + "\n# an edit\n")
    assert uncached(module, copy) == before
    for deep in ("papers/lambda_ts/trainer.py", "core/diffusion.py", "papers/lambda_ts/__init__.py"):
        path = copy / deep                                   # imported through experiment, or a package
        path.write_text(path.read_text() + "\n# an edit\n")
        assert uncached(module, copy) != before, deep
        before = uncached(module, copy)


def test_serial_sweep_keeps_grid_order_and_runs_duplicates_once(log_dir):
    grid = [{"seed": 3, "n": 4, "log_dir": log_dir}, {"seed": 1, "n": 4, "log_dir": log_dir},
            {"seed": 3, "n": 4, "log_dir": log_dir}]
    df = sweep(noisy_mean, grid, client="serial", progress=False)
    assert list(df.columns) == ["seed", "n", "log_dir", "mean", "draws"]
    assert df["seed"].tolist() == [3, 1, 3]
    assert df["mean"][0] == np.random.default_rng(3).normal(size=4).mean()
    assert calls(log_dir) == [1, 3] and df.attrs == {"cached": 0, "executed": 2}


def test_parallel_sweep_equals_serial_in_grid_order(client, log_dir):
    # Uneven pauses: the short tasks finish first, so completion order is not grid order.
    grid = {"seed": [2, 1, 0], "n": [10], "log_dir": [log_dir], "pause": [0.4, 0.05]}
    parallel = sweep(noisy_mean, grid, client=client, progress=False)
    serial = sweep(noisy_mean, grid, client="serial", progress=False)
    assert parallel["seed"].tolist() == [2, 2, 1, 1, 0, 0]
    assert_frame_equal(parallel, serial)
    assert calls(log_dir) == sorted(4 * [0, 1, 2])
    assert client.status == "running"  # the user's own client is left open


def test_a_killed_worker_is_replaced_and_the_table_is_unchanged(client, log_dir, tmp_path):
    marker = tmp_path / "killed"
    grid = {"seed": [0, 1, 2, 3], "n": [10], "log_dir": [log_dir], "marker": [str(marker)]}
    marker.touch()  # the serial reference must not kill this process
    serial = sweep(dies_once, grid, client="serial", progress=False)
    marker.unlink()
    parallel = sweep(dies_once, grid, client=client, progress=False)
    assert marker.exists()  # seed 1 did kill its worker once
    assert_frame_equal(parallel, serial)


def test_rerun_with_the_cache_executes_nothing(client, log_dir, tmp_path):
    grid = {"seed": [0, 1, 2, 3], "n": [10], "log_dir": [log_dir]}
    cache = tmp_path / "cache"
    first = sweep(noisy_mean, grid, client=client.scheduler.address, cache_dir=cache, progress=False)
    assert first.attrs == {"cached": 0, "executed": 4} and len(list(cache.glob("*.pkl"))) == 4
    again = sweep(noisy_mean, grid, client=client, cache_dir=cache, progress=False)
    assert again.attrs == {"cached": 4, "executed": 0} and calls(log_dir) == [0, 1, 2, 3]
    assert_frame_equal(again, first)
    new_data = sweep(noisy_mean, grid, client="serial", cache_dir=cache, fingerprint="v2", progress=False)
    assert new_data.attrs == {"cached": 0, "executed": 4} and calls(log_dir) == sorted(2 * [0, 1, 2, 3])


def test_failed_config_is_named_others_are_cached_and_rerun_alone(client, log_dir, tmp_path):
    broken, cache = tmp_path / "broken", tmp_path / "cache"
    broken.touch()
    grid = {"seed": [0, 1, 2, 3], "n": [10], "log_dir": [log_dir], "broken": [str(broken)]}
    with pytest.raises(SweepError, match=r"'seed': 2.*ValueError: seed 2 is broken") as info:
        sweep(fails_while, grid, client=client, cache_dir=cache, retries=1, progress=False)
    assert calls(log_dir) == [0, 1, 2, 2, 3]  # seed 2: the first try and one retry
    assert info.value.table["seed"].tolist() == [0, 1, 3]
    assert len(list(cache.glob("*.pkl"))) == 3
    broken.unlink()  # the "fix"
    fixed = sweep(fails_while, grid, client=client, cache_dir=cache, progress=False)
    assert fixed.attrs == {"cached": 3, "executed": 1} and calls(log_dir) == [0, 1, 2, 2, 2, 3]
    assert_frame_equal(fixed, sweep(fails_while, grid, client="serial", progress=False))


def test_tasks_run_on_one_torch_thread(client):
    assert set(client.run(torch.get_num_threads).values()) == {2}  # the workers' own setting
    assert sweep(torch_threads, {"seed": [0, 1]}, client=client, progress=False)["threads"].tolist() == [1, 1]
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        assert sweep(torch_threads, {"seed": [0]}, client="serial", progress=False)["threads"].tolist() == [1]
        assert torch.get_num_threads() == 2  # restored after the serial run
    finally:
        torch.set_num_threads(before)


def worker_malloc_env(seed):
    import os
    return {"trim": os.environ.get("MALLOC_TRIM_THRESHOLD_", "unset")}


def test_default_cluster_leaves_malloc_trim_unset():
    """Dask's default MALLOC_TRIM_THRESHOLD_ slows small-tensor torch training ~2x; the default
    LocalCluster of sweep must not set it."""
    table = sweep(worker_malloc_env, {"seed": [0]}, n_workers=1, progress=False)
    assert table["trim"].tolist() == ["unset"]
