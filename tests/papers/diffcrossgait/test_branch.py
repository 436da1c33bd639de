"""lambdalib.papers.diffcrossgait.branch: the generative branch and tri-phase losses (DiffCrossGait eq. 6-17)."""

from dataclasses import replace

import pytest
import torch

from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.papers.diffcrossgait.branch import (
    SENSITIVITY,
    VARIANTS,
    DiffConfig,
    GenerativeBranch,
    phase_bounds,
    tri_phase_losses,
    variant_config,
)
from lambdalib.papers.diffcrossgait.recognition import GaitBase, GaitConfig


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
    gen = GenerativeBranch(16, config)
    fmaps = {m: torch.randn(b, 16, 8, 6) for m in ("2d", "3d")}
    y = torch.tensor([0, 0, 1, 1, 2, 2])
    diffusion = RecordingDiffusion(config.timesteps, config.schedule)
    return base, gen, fmaps, y, diffusion


@pytest.mark.parametrize("shared", [True, False])
def test_shared_noise_is_the_same_tensor(shared):
    config = replace(VARIANTS["full"], shared_noise=shared)
    base, gen, fmaps, y, diffusion = branch_inputs(config)
    tri_phase_losses(base, gen, diffusion, fmaps, y, phase_bounds(diffusion, 0.95, 0.5))
    pairs = list(zip(diffusion.calls[0::2], diffusion.calls[1::2]))   # (2d, 3d) per phase
    assert len(pairs) == 3
    for (t2, n2), (t3, n3) in pairs:
        assert torch.equal(t2, t3)
        assert (n2 is n3) == shared
        if not shared:
            assert not torch.allclose(n2, n3)


@pytest.mark.parametrize("phases", [(1,), (2,), (3,), (1, 3), (1, 2, 3)])
def test_each_phase_acts_only_in_its_noise_range(phases):
    config = replace(VARIANTS["full"], phases=phases)
    base, gen, fmaps, y, diffusion = branch_inputs(config)
    t1, t2 = phase_bounds(diffusion, config.gamma1, config.gamma2)
    abar = diffusion.alphas_cumprod
    assert abar[t1 - 1] >= 0.95 > abar[t1] and abar[t2 - 1] >= 0.5 > abar[t2]
    ranges = {1: (0, t1), 2: (t1, t2), 3: (t2, config.timesteps)}
    for rep in range(5):
        diffusion.calls.clear()
        terms = tri_phase_losses(base, gen, diffusion, fmaps, y, (t1, t2), torch.Generator().manual_seed(rep))
        for k, ((t, _), _) in zip(phases, zip(diffusion.calls[0::2], diffusion.calls[1::2])):
            lo, hi = ranges[k]
            assert int(t.min()) >= lo and int(t.max()) < hi
    names = {1: {"diff1", "id1"}, 2: {"diff2", "eps_cons2", "bridge2", "rec2"}, 3: {"diff3", "eps_cons3", "bridge3", "rec3"}}
    assert set(terms) == set().union(*(names[k] for k in phases))
    assert all(torch.isfinite(v) for v in terms.values())


def test_phase_bounds_reject_empty_phases():
    d = GaussianDiffusion(100)
    with pytest.raises(ValueError, match="empty phase"):
        phase_bounds(d, 0.9999, 0.99985)
    with pytest.raises(ValueError, match="gamma2 < gamma1"):
        DiffConfig(gamma1=0.5, gamma2=0.9)


def test_latent_is_normalised():
    gen = GenerativeBranch(16, VARIANTS["full"])
    z = gen.latent(5.0 + 0.01 * torch.randn(3, 16, 8, 6), "2d")
    torch.testing.assert_close(z.mean(dim=(1, 2, 3)), torch.zeros(3), atol=1e-5, rtol=0)
    torch.testing.assert_close(z.pow(2).mean(dim=(1, 2, 3)), torch.ones(3), atol=1e-3, rtol=0)


def test_independent_denoisers_are_distinct_modules():
    shared = GenerativeBranch(16, VARIANTS["full"])
    indep = GenerativeBranch(16, VARIANTS["independent_denoiser"])
    assert shared.denoisers["2d"] is shared.denoisers["3d"]
    assert indep.denoisers["2d"] is not indep.denoisers["3d"]


def test_variant_config_names_variants_and_sensitivity_settings():
    assert variant_config("full") is VARIANTS["full"] and variant_config("T=50") is SENSITIVITY["T=50"]
    with pytest.raises(ValueError, match="variant"):
        variant_config("p4")
    with pytest.raises(ValueError, match="phases"):
        DiffConfig(phases=(4,))
    # each sensitivity setting changes exactly one field of Full
    full = VARIANTS["full"].__dict__
    for name, config in SENSITIVITY.items():
        changed = {k for k, v in config.__dict__.items() if v != full[k]}
        assert len(changed) == 1 and name.startswith(changed.pop().replace("timesteps", "T"))
