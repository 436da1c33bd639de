"""The pair trainer: it learns, it resumes exactly, it stops on NaN; the model's shapes."""

import math

import pytest
import torch

from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.core.seed import set_seed
from lambdalib.papers.lambda_ts.denoiser import ConditionalDenoiser, DenoiserConfig
from lambdalib.papers.lambda_ts.trainer import PairTrainer, TrainConfig

TINY = dict(d_model=16, n_heads=2, n_enc_layers=1, n_dec_layers=1, dim_feedforward=32)


def make_trainer(tmp_path=None, **overrides):
    set_seed(0)
    mx = ConditionalDenoiser(DenoiserConfig(x_channels=2, cond_channels=1, **TINY))
    my = ConditionalDenoiser(DenoiserConfig(x_channels=1, cond_channels=2, **TINY))
    config = TrainConfig(**{"steps": 20, "batch_size": 4, "align_window": 4, **overrides})
    path = tmp_path / "ckpt.pt" if tmp_path is not None else None
    return PairTrainer(mx, my, GaussianDiffusion(20), config, device="cpu", checkpoint_path=path)


def tiny_data(n=8, length=12):
    g = torch.Generator().manual_seed(1)
    phase = torch.rand(n, 1, 1, generator=g) * 6.28
    t = torch.linspace(0, 6.28, length).reshape(1, length, 1)
    x = torch.cat([torch.sin(t + phase), torch.cos(t + phase)], dim=-1)     # (n, L, 2)
    return x, torch.sin(2 * (t + phase))                                     # (n, L, 1)


def test_model_shapes():
    m = ConditionalDenoiser(DenoiserConfig(x_channels=3, cond_channels=2, **TINY))
    x0_hat, z = m(torch.randn(5, 11, 3), torch.randint(0, 10, (5,)), torch.randn(5, 11, 2))
    assert x0_hat.shape == (5, 11, 3) and z.shape == (5, 11, 16)


def test_overfits_one_tiny_batch():
    trainer = make_trainer(steps=600, batch_size=8, lr=1e-2, align=False, energy=False)
    x, y = tiny_data()
    history = trainer.fit(x, y, seed=0, progress=False)
    first, last = history["den_x"].iloc[:20].mean(), history["den_x"].iloc[-20:].mean()
    assert last < 0.3 * first, (first, last)
    assert set(history.columns) >= {"step", "loss", "den_x", "den_y", "z_var_x", "z_var_y"}
    with torch.no_grad():  # at the least noisy step the memorised batch comes back almost exactly
        t = torch.zeros(8, dtype=torch.long)
        x_t = trainer.diffusion.q_sample(x, t, torch.randn_like(x))
        assert torch.mean((trainer.model_x(x_t, t, y)[0] - x) ** 2) < 0.05


def test_alignment_terms_are_logged_only_when_on():
    x, y = tiny_data()
    on = make_trainer(steps=3).fit(x, y, seed=0, progress=False)
    off = make_trainer(steps=3, align=False).fit(x, y, seed=0, progress=False)
    assert {"con", "cov"} <= set(on.columns) and not {"con", "cov"} & set(off.columns)
    assert (on["alpha"] > 0).all() and (off["alpha"] == 0).all()


def test_resume_gives_identical_weights(tmp_path, monkeypatch):
    x, y = tiny_data()
    reference = make_trainer(steps=20)
    reference.fit(x, y, seed=3, progress=False)

    killed = make_trainer(tmp_path, steps=20, checkpoint_every=5)
    original = PairTrainer._step

    def dying_step(self, *args):
        if self.step == 12:
            raise KeyboardInterrupt("killed mid-run")
        return original(self, *args)

    monkeypatch.setattr(PairTrainer, "_step", dying_step)
    with pytest.raises(KeyboardInterrupt):
        killed.fit(x, y, seed=3, progress=False)
    monkeypatch.setattr(PairTrainer, "_step", original)

    resumed = make_trainer(tmp_path, steps=20, checkpoint_every=5)   # a fresh process would do this
    history = resumed.fit(x, y, seed=3, progress=False)
    assert resumed.step == 20 and len(history) == 20
    for a, b in zip(reference.state_dict()["model_x"].values(), resumed.state_dict()["model_x"].values()):
        assert torch.equal(a, b)
    for a, b in zip(reference.ema_y.parameters(), resumed.ema_y.parameters()):
        assert torch.equal(a, b)
    assert reference.history == resumed.history


def test_checkpoint_from_another_config_is_refused(tmp_path):
    x, y = tiny_data()
    make_trainer(tmp_path, steps=2).fit(x, y, seed=0, progress=False)
    with pytest.raises(ValueError, match="another TrainConfig"):
        make_trainer(tmp_path, steps=2, tau=0.5).fit(x, y, seed=0, progress=False)


def test_non_finite_loss_names_step_and_term():
    trainer = make_trainer(steps=5)
    x, y = tiny_data()
    y[0, 0, 0] = math.nan
    trainer.config = TrainConfig(steps=5, batch_size=8, align_window=4)      # every batch holds the NaN
    with pytest.raises(FloatingPointError, match=r"step 0: term 'den_x'"):
        trainer.fit(x, y, seed=0, progress=False)


def test_same_seed_same_numbers():
    x, y = tiny_data()
    a = make_trainer(steps=5).fit(x, y, seed=7, progress=False)
    b = make_trainer(steps=5).fit(x, y, seed=7, progress=False)
    c = make_trainer(steps=5).fit(x, y, seed=8, progress=False)
    assert a.equals(b) and not a.equals(c)


class _RecordSteps(torch.nn.Module):
    """A stand-in denoiser that records the diffusion steps it is called with."""

    def __init__(self, inner):
        super().__init__()
        self.inner, self.seen = inner, []

    def forward(self, x_t, t, cond):
        self.seen.append(t.clone())
        return self.inner(x_t, t, cond)


@pytest.mark.parametrize("rule", ["per_batch", "per_sample"])
def test_one_diffusion_step_per_minibatch_shared_by_both_models(rule):
    trainer = make_trainer(steps=6, batch_size=8, t_sampling=rule)
    trainer.model_x, trainer.model_y = _RecordSteps(trainer.model_x), _RecordSteps(trainer.model_y)
    x, y = tiny_data()
    trainer.fit(x, y, seed=0, progress=False)
    for tx, ty in zip(trainer.model_x.seen, trainer.model_y.seen):
        assert tx.shape == (8,) and torch.equal(tx, ty)                    # the same t for X and Y
    distinct = [len(t.unique()) for t in trainer.model_x.seen]
    if rule == "per_batch":
        assert distinct == [1] * 6                                         # the papers: one t per batch
        assert len({int(t[0]) for t in trainer.model_x.seen}) > 1          # and a new one each step
    else:
        assert max(distinct) > 1


def test_default_is_the_papers_rule_and_bad_options_are_refused():
    assert TrainConfig().t_sampling == "per_batch"
    with pytest.raises(ValueError, match="t_sampling must be one of"):
        TrainConfig(t_sampling="per_window")
    with pytest.raises(ValueError, match="weighting must be one of"):
        TrainConfig(weighting="adaptive")


def test_literal_weight_trains_alpha_down():
    x, y = tiny_data()
    history = make_trainer(steps=20, weighting="literal", lr=1e-2).fit(x, y, seed=0, progress=False)
    assert history["alpha"].iloc[0] < 1.0 and history["alpha"].is_monotonic_decreasing


def test_mismatched_pair_is_refused():
    x, y = tiny_data()
    with pytest.raises(ValueError, match="pair up"):
        make_trainer().fit(x, y[:4], seed=0, progress=False)


@pytest.mark.parametrize("objective", ["simclr", "barlow", "vicreg", "mse"])
def test_baseline_objective_replaces_lambda_terms(objective):
    trainer = make_trainer(objective=objective, steps=3)
    history = trainer.fit(*tiny_data(), seed=0, progress=False)
    assert "align" in history and "con" not in history and "cov" not in history
    assert history["align"].notna().all() and (history["alpha"] > 0).all()


def test_unknown_objective_is_refused():
    trainer = make_trainer(objective="byol", steps=2)
    with pytest.raises(ValueError, match="objective"):
        trainer.fit(*tiny_data(), seed=0, progress=False)


def test_shared_parameters_are_optimised_once():
    set_seed(0)
    mx = ConditionalDenoiser(DenoiserConfig(x_channels=2, cond_channels=1, **TINY))
    my = ConditionalDenoiser(DenoiserConfig(x_channels=1, cond_channels=2, **TINY))
    my.encoder = mx.encoder
    trainer = PairTrainer(mx, my, GaussianDiffusion(20), TrainConfig(steps=2, batch_size=4, align_window=4),
                          device="cpu")
    optimised = [p for group in trainer.opt.param_groups for p in group["params"]]
    assert len({id(p) for p in optimised}) == len(optimised)
    assert any(p is q for p in mx.encoder.parameters() for q in optimised)


def test_ema_equals_torch_averaged_model_bit_for_bit():
    """The cached-list EMA is torch's EMA AveragedModel, to the last bit, and differs from the raw weights."""
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    from lambdalib.papers.lambda_ts.trainer import EMA

    set_seed(0)
    model = ConditionalDenoiser(DenoiserConfig(x_channels=2, cond_channels=1, **TINY))
    ours = EMA(model, 0.9)
    reference = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.9), use_buffers=True)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(5):
        x0_hat, _ = model(torch.randn(3, 6, 2), torch.randint(0, 10, (3,)), torch.randn(3, 6, 1))
        opt.zero_grad()
        x0_hat.pow(2).mean().backward()
        opt.step()
        ours.update_parameters(model)
        reference.update_parameters(model)
    for (name, a), b, p in zip(ours.module.state_dict().items(), reference.module.state_dict().values(),
                               model.state_dict().values()):
        assert torch.equal(a, b), name
    assert any(not torch.equal(a, p) for a, p in zip(ours.module.parameters(), model.parameters()))
    assert int(ours.n_averaged) == int(reference.n_averaged) == 5
