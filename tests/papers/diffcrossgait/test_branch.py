"""Tests for lambdalib.papers.diffcrossgait.recognition (Base) and lambdalib.papers.diffcrossgait.branch (the generative branch)."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.data.gait.render import RenderConfig, render_gait
from lambdalib.papers.diffcrossgait import branch as dcg
from lambdalib.papers.diffcrossgait.recognition import (
    GaitBase,
    GaitConfig,
    cross_modal_triplet,
    hpp,
    rank_k,
)

TINY = dcg.Sizes(render=RenderConfig(n_identities=8, n_frames=4), n_train=5, channels=(8, 16, 16), d=8,
                 steps=3, P=4, K=2, frames=3, lr=1e-3, weight_decay=0.0)


@pytest.fixture(scope="module")
def split():
    return dcg.split_data(render_gait(TINY.render, seed=0), TINY.n_train)


class RecordingDiffusion(GaussianDiffusion):
    """Records every (t, noise) that q_sample receives."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.calls = []

    def q_sample(self, x0, t, noise):
        self.calls.append((t.clone(), noise))
        return super().q_sample(x0, t, noise)


def branch_inputs(config, b=6, seed=0):
    torch.manual_seed(seed)
    base = GaitBase(GaitConfig(n_classes=3, channels=(8, 16, 16), d=8))
    gen = dcg.GenerativeBranch(16, config)
    fmaps = {m: torch.randn(b, 16, 8, 6) for m in ("2d", "3d")}
    y = torch.tensor([0, 0, 1, 1, 2, 2])
    diffusion = RecordingDiffusion(config.timesteps, config.schedule)
    return base, gen, fmaps, y, diffusion


@pytest.mark.parametrize("shared", [True, False])
def test_shared_noise_is_the_same_tensor(shared):
    config = replace(dcg.VARIANTS["full"], shared_noise=shared)
    base, gen, fmaps, y, diffusion = branch_inputs(config)
    dcg.tri_phase_losses(base, gen, diffusion, fmaps, y, dcg.phase_bounds(diffusion, 0.95, 0.5))
    pairs = list(zip(diffusion.calls[0::2], diffusion.calls[1::2]))   # (2d, 3d) per phase
    assert len(pairs) == 3
    for (t2, n2), (t3, n3) in pairs:
        assert torch.equal(t2, t3)
        assert (n2 is n3) == shared
        if not shared:
            assert not torch.allclose(n2, n3)


@pytest.mark.parametrize("phases", [(1,), (2,), (3,), (1, 3), (1, 2, 3)])
def test_each_phase_acts_only_in_its_noise_range(phases):
    config = replace(dcg.VARIANTS["full"], phases=phases)
    base, gen, fmaps, y, diffusion = branch_inputs(config)
    t1, t2 = dcg.phase_bounds(diffusion, config.gamma1, config.gamma2)
    abar = diffusion.alphas_cumprod
    assert abar[t1 - 1] >= 0.95 > abar[t1] and abar[t2 - 1] >= 0.5 > abar[t2]
    ranges = {1: (0, t1), 2: (t1, t2), 3: (t2, config.timesteps)}
    for rep in range(5):
        diffusion.calls.clear()
        terms = dcg.tri_phase_losses(base, gen, diffusion, fmaps, y, (t1, t2), torch.Generator().manual_seed(rep))
        for k, ((t, _), _) in zip(phases, zip(diffusion.calls[0::2], diffusion.calls[1::2])):
            lo, hi = ranges[k]
            assert int(t.min()) >= lo and int(t.max()) < hi
    names = {1: {"diff1", "id1"}, 2: {"diff2", "eps_cons2", "bridge2", "rec2"}, 3: {"diff3", "eps_cons3", "bridge3", "rec3"}}
    assert set(terms) == set().union(*(names[k] for k in phases))
    assert all(torch.isfinite(v) for v in terms.values())


def test_phase_bounds_reject_empty_phases():
    d = GaussianDiffusion(100)
    with pytest.raises(ValueError, match="empty phase"):
        dcg.phase_bounds(d, 0.9999, 0.99985)
    with pytest.raises(ValueError, match="gamma2 < gamma1"):
        dcg.DiffConfig(gamma1=0.5, gamma2=0.9)


def test_latent_is_normalised():
    gen = dcg.GenerativeBranch(16, dcg.VARIANTS["full"])
    z = gen.latent(5.0 + 0.01 * torch.randn(3, 16, 8, 6), "2d")
    torch.testing.assert_close(z.mean(dim=(1, 2, 3)), torch.zeros(3), atol=1e-5, rtol=0)
    torch.testing.assert_close(z.pow(2).mean(dim=(1, 2, 3)), torch.ones(3), atol=1e-3, rtol=0)


def test_independent_denoisers_are_distinct_modules():
    shared = dcg.GenerativeBranch(16, dcg.VARIANTS["full"])
    indep = dcg.GenerativeBranch(16, dcg.VARIANTS["independent_denoiser"])
    assert shared.denoisers["2d"] is shared.denoisers["3d"]
    assert indep.denoisers["2d"] is not indep.denoisers["3d"]


def test_joint_batch_bnneck_keeps_the_modality_gap():
    torch.manual_seed(0)
    model = GaitBase(GaitConfig(n_classes=3, channels=(8, 16, 16), d=8)).train()
    e2 = torch.randn(10, model.config.parts, 8)
    e3 = e2 + 3.0                                                      # a pure modality offset
    model.logits(e2, e3)
    joint = torch.cat([e2, e3]).reshape(20, -1)
    # running mean moved toward the joint batch's mean (momentum 0.1 from 0)
    torch.testing.assert_close(model.bnneck.running_mean, 0.1 * joint.mean(0))
    # normalising over the joint batch leaves the two modalities apart; per-modality BN would not
    g = model.bnneck(joint).reshape(2, 10, -1)
    assert (g[1].mean(0) - g[0].mean(0)).abs().min() > 1.0


def test_triplet_matches_a_slow_loop():
    torch.manual_seed(1)
    fa, fb = torch.randn(6, 2, 3), torch.randn(6, 2, 3)
    y = torch.tensor([0, 0, 1, 1, 2, 2])
    got = cross_modal_triplet(fa, fb, y, 0.3)
    losses = []
    for p in range(2):
        for a_set, b_set in ((fa, fb), (fb, fa)):
            for i in range(6):
                for j in range(6):
                    for k in range(6):
                        if y[i] == y[j] and y[i] != y[k]:
                            l = 0.3 + (a_set[i, p] - b_set[j, p]).norm() - (a_set[i, p] - b_set[k, p]).norm()
                            losses.append(max(float(l), 0.0))
    active = [l for l in losses if l > 0]
    assert float(got) == pytest.approx(np.mean(active), rel=1e-5)


def test_hpp_shapes_and_rank_k_by_hand():
    assert hpp(torch.randn(2, 5, 8, 6), (1, 2, 4)).shape == (2, 7, 5)
    gallery = torch.tensor([[[0.0]], [[1.0]], [[5.0]]])                  # ids 0, 1, 2
    probe = torch.tensor([[[0.9]], [[4.0]]])                              # nearest: id 1, then id 2
    hits = rank_k(probe, np.array([0, 2]), gallery, np.array([0, 1, 2]), ks=(1, 2))
    assert hits["rank1"].tolist() == [False, True] and hits["rank2"].tolist() == [True, True]


def test_inference_graph_of_full_equals_base(split):
    train, test = split
    res = {v: dcg.run_variant(v, 0, TINY, train_data=train, test_data=test) for v in ("base", "full")}
    assert res["full"]["params_infer"] == res["base"]["params_infer"] < res["full"]["params_train"]
    assert res["full"]["state"].keys() == res["base"]["state"].keys()
    # encode never touches the generative branch
    base, gen, _ = dcg.train(train, TINY, dcg.VARIANTS["full"], seed=0, progress=False)
    called = []
    for mod in gen.modules():
        mod.register_forward_hook(lambda *a: called.append(1))
    dcg.encode_split(base, test)
    assert not called


def test_runs_are_deterministic(split):
    train, test = split
    a = dcg.run_variant("p1", 1, TINY, train_data=train, test_data=test, diagnostic=True)
    b = dcg.run_variant("p1", 1, TINY, train_data=train, test_data=test, diagnostic=True)
    assert a["metrics"].equals(b["metrics"])
    assert a["history"].drop(columns="sec").equals(b["history"].drop(columns="sec"))
    assert a["trajectory"].equals(b["trajectory"])
    assert set(a["trajectory"].columns) == {"t", "abar", "gap", "rank1_x0"}


def test_non_finite_loss_names_the_step(split):
    train, _ = split
    bad = replace(train, sil=np.full_like(train.sil, np.nan))
    with pytest.raises(FloatingPointError, match="at step 0"):
        dcg.train(bad, TINY, dcg.VARIANTS["base"], seed=0, progress=False)


def test_bad_choices_raise():
    with pytest.raises(ValueError, match="variant"):
        dcg.run_variant("p4", 0, TINY)
    with pytest.raises(ValueError, match="profile"):
        dcg.get_sizes("huge")
    with pytest.raises(ValueError, match="phases"):
        dcg.DiffConfig(phases=(4,))


def test_ablation_plan_and_size():
    sizes = dcg.ablation_sizes("quick")
    assert sizes == replace(dcg.SIZES["quick"], steps=sizes.steps) and sizes.steps < dcg.SIZES["quick"].steps
    assert dcg.ablation_sizes("paper") is dcg.SIZES["paper"]
    with pytest.raises(ValueError, match="profile"):
        dcg.ablation_sizes("ablation")
    jobs = dcg.plan_jobs("ablations", [3, 4, 5], sizes)
    per_seed = {(j["variant"], j["seed"]) for j in jobs if "config" not in j}
    assert per_seed == {(v, s) for v in ("full", "independent_noise", "independent_denoiser") for s in (3, 4, 5)}
    sens = [j for j in jobs if "config" in j]
    assert [j["variant"] for j in sens] == list(dcg.SENSITIVITY) and {j["seed"] for j in sens} == {3}
    assert all(j["sizes"] is sizes and not j.get("diagnostic") for j in jobs)
    # each sensitivity setting changes exactly one field of Full
    full = dcg.VARIANTS["full"].__dict__
    for j in sens:
        changed = {k for k, v in j["config"].__dict__.items() if v != full[k]}
        assert len(changed) == 1 and j["variant"].startswith(changed.pop().replace("timesteps", "T"))


def fake_results(values: dict[str, list[float]]) -> list[dict]:
    """Results whose cross-modal rank-1 is the given value per (variant, seed): 2d->3d = v - 1, 3d->2d = v + 1."""
    import pandas as pd
    out = []
    for variant, per_seed in values.items():
        for seed, v in enumerate(per_seed):
            metrics = pd.DataFrame({"direction": ["2d->3d", "3d->2d", "2d->2d"], "condition": "all",
                                    "rank1": [v - 1, v + 1, 99.0], "rank5": [0.0, 0.0, 0.0]})
            out.append({"variant": variant, "seed": seed, "metrics": metrics})
    return out


def test_paired_differences_and_sensitivity_table():
    res = fake_results({"full": [30.0, 32.0, 28.0], "independent_noise": [29.0, 30.0, 28.0], "T=50": [26.0]})
    p = dcg.paired_differences(res, "full", ("independent_noise",))
    assert p.loc[["0", "1", "2"], "full - independent_noise"].tolist() == [1.0, 2.0, 0.0]
    assert p.loc["mean", "full - independent_noise"] == pytest.approx(1.0)
    assert p.loc["sd", "full"] == pytest.approx(2.0)
    s = dcg.sensitivity_table(res)
    assert s.index.tolist() == ["T=50"]
    row = s.loc["T=50"]
    assert row["difference"] == pytest.approx(-4.0)
    assert row["difference / (sqrt2 sd)"] == pytest.approx(-4.0 / (np.sqrt(2) * 2.0))


def test_convergence_table_reads_each_run():
    ce = np.r_[np.full(80, 2.0), np.full(10, 1.0), np.full(10, 0.5)]     # last 10% = half the 10% before
    runs = [{"variant": v, "seed": s, "history": pd.DataFrame({"ce": ce}), "train_sec": 3.0,
             "train_cpu_sec": 2.5, "step_sec": 0.01} for v in ("base", "full") for s in (0, 1)]
    table = dcg.convergence_table(runs)
    assert list(table["variant"]) == ["base", "base", "full", "full"] and list(table["seed"]) == [0, 1, 0, 1]
    np.testing.assert_allclose(table["CE plateau ratio"], 0.5)
    np.testing.assert_allclose(table["final CE"], 0.5)
    assert table["train CPU (s)"].eq(2.5).all() and table["median step (s)"].eq(0.01).all()
