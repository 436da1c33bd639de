"""lambdalib.papers.diffcrossgait.train: training (DiffCrossGait eq. 18), the per-seed run and its sweep."""

from dataclasses import replace

import numpy as np
import pytest
import torch

from lambdalib.papers.diffcrossgait import train
from lambdalib.papers.diffcrossgait.branch import VARIANTS
from lambdalib.papers.diffcrossgait.evaluation import encode_split


def test_inference_graph_of_full_equals_base(split, tiny):
    trn, tst = split
    res = {v: train.run_variant(v, 0, tiny, trn, tst) for v in ("base", "full")}
    assert res["full"]["params_infer"] == res["base"]["params_infer"] < res["full"]["params_train"]
    assert res["full"]["state"].keys() == res["base"]["state"].keys()
    # encode never touches the generative branch
    base, gen, _ = train.train(trn, tiny, VARIANTS["full"], seed=0)
    called = []
    for mod in gen.modules():
        mod.register_forward_hook(lambda *a: called.append(1))
    encode_split(base, tst)
    assert not called


def test_runs_are_deterministic(split, tiny):
    trn, tst = split
    a = train.run_variant("p1", 1, tiny, trn, tst, diagnostic=True)
    b = train.run_variant("p1", 1, tiny, trn, tst, diagnostic=True)
    assert a["metrics"].equals(b["metrics"])
    assert a["history"].drop(columns="sec").equals(b["history"].drop(columns="sec"))
    assert a["trajectory"].equals(b["trajectory"])
    assert set(a["trajectory"].columns) == {"t", "abar", "gap", "rank1_x0"}
    assert list(a["history"].step) == list(range(tiny.steps)) and (a["history"].sec > 0).all()


def test_non_finite_loss_names_the_step(split, tiny):
    trn, _ = split
    bad = replace(trn, sil=np.full_like(trn.sil, np.nan))
    with pytest.raises(FloatingPointError, match="at step 0"):
        train.train(bad, tiny, VARIANTS["base"], seed=0)


def test_bad_choices_raise(split, tiny):
    trn, tst = split
    with pytest.raises(ValueError, match="variant"):
        train.run_variant("p4", 0, tiny, trn, tst)
    with pytest.raises(ValueError, match="n_train"):
        train.split_data(train.render_gait(tiny.render), 8)


def test_run_grid_orders_the_runs(monkeypatch, tiny):
    monkeypatch.setattr(train, "get_sizes", lambda experiment, profile: tiny)
    grid = train.run_grid("x", "quick", [3, 4], data_seed=7)
    assert [(c["variant"], c["seed"], c["diagnostic"]) for c in grid] == [
        ("base", 3, False), ("full", 3, True), ("base", 4, False), ("full", 4, True), ("p1", 3, True),
        ("T=50", 3, False)]
    assert {c["data_seed"] for c in grid} == {7}
    with pytest.raises(ValueError, match="seeds"):
        train.run_grid("x", "quick", [], data_seed=0)


def test_run_plan_equals_run_variant_and_caches(monkeypatch, tmp_path, split, tiny):
    """The sweep path (serial here) gives the runs of run_variant, in grid order; a rerun reads the cache."""
    monkeypatch.setattr(train, "get_sizes", lambda experiment, profile: replace(tiny, sensitivity=()))
    runs = train.run_plan("x", "quick", [0], data_seed=0, scheduler="serial", cache_dir=tmp_path)
    assert [r["variant"] for r in runs] == ["base", "full", "p1"]
    direct = train.run_variant("full", 0, tiny, *split, diagnostic=True)
    assert runs[1]["metrics"].equals(direct["metrics"]) and runs[1]["trajectory"].equals(direct["trajectory"])
    assert all(torch.equal(runs[1]["state"][k], v) for k, v in direct["state"].items())
    assert len(list(tmp_path.glob("*.pkl"))) == 3
    monkeypatch.setattr(train, "run_variant", lambda *a, **k: pytest.fail("not read from the cache"))
    again = train.run_plan("x", "quick", [0], data_seed=0, scheduler="serial", cache_dir=tmp_path)
    assert [r["metrics"].equals(s["metrics"]) for r, s in zip(again, runs)] == [True] * 3
