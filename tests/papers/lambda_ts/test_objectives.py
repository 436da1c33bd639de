"""The Table 3 comparison objectives against their formulas (slow loops) and on collapse cases."""

import math

import pytest
import torch

from lambdalib.papers.lambda_ts.losses import windowed_infonce
from lambdalib.papers.lambda_ts.objectives import (
    OBJECTIVES,
    barlow_twins,
    get_objective,
    mse_alignment,
    nt_xent,
    vicreg,
    window_embeddings,
)


def _pair(b=3, n=10, d=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(b, n, d, generator=g), torch.randn(b, n, d, generator=g)


def _loop_items(z, S, pool):
    """Items by explicit loops: sample-major windows, mean over time or flattened."""
    b, n, _ = z.shape
    out = []
    for i in range(b):
        for p in range(n // S):
            w = z[i, p * S:(p + 1) * S]
            out.append(w.mean(0) if pool == "mean" else w.flatten())
    return torch.stack(out)


@pytest.mark.parametrize("pool", ["mean", "flatten"])
def test_window_embeddings_match_loop_and_drop_remainder(pool):
    z, _ = _pair(n=11)                                   # 11 = 2 * 5 + 1: the last step is dropped
    u = window_embeddings(z, 5, pool)
    assert u.shape == ((6, 4) if pool == "mean" else (6, 20))
    assert torch.allclose(u, _loop_items(z, 5, pool))
    with pytest.raises(ValueError, match="pool"):
        window_embeddings(z, 5, "max")


@pytest.mark.parametrize("pool", ["mean", "flatten"])
def test_nt_xent_matches_eq_11_12_loop(pool):
    zx, zy = _pair()
    S, tau = 5, 0.3
    u = torch.cat([_loop_items(zx, S, pool), _loop_items(zy, S, pool)])
    m = u.shape[0] // 2

    def ell(i, j):                                       # eq. 11
        sim = [torch.cosine_similarity(u[i], u[k], dim=0) / tau for k in range(2 * m) if k != i]
        return -(torch.cosine_similarity(u[i], u[j], dim=0) / tau - torch.logsumexp(torch.stack(sim), 0))

    expected = sum(ell(r, r + m) + ell(r + m, r) for r in range(m)) / (2 * m)   # eq. 12
    assert torch.isclose(nt_xent(zx, zy, S=S, tau=tau, pool=pool), expected, atol=1e-5)


def test_nt_xent_differs_from_lambda_infonce_by_same_modality_negatives():
    """Flattened windows with the same pairs: NT-Xent has extra negatives, so it is not LaMbDA's eq. 4."""
    zx, zy = _pair()
    assert not torch.isclose(nt_xent(zx, zy, S=5, tau=0.2, pool="flatten"), windowed_infonce(zx, zy, 5, 0.2))


def test_nt_xent_lower_for_matched_than_shuffled_pairs():
    zx, _ = _pair(b=8, n=12, d=6)
    zy = zx + 0.1 * torch.randn(zx.shape, generator=torch.Generator().manual_seed(1))
    shuffled = zy[torch.randperm(8, generator=torch.Generator().manual_seed(2))]
    matched, mismatched = nt_xent(zx, zy, S=4), nt_xent(zx, shuffled, S=4)
    assert matched < 0.5 * mismatched
    with pytest.raises(ValueError, match="tau"):
        nt_xent(zx, zy, S=4, tau=0.0)


def test_barlow_twins_matches_eq_13_14_loop():
    zx, zy = _pair(b=4, n=12, d=3)
    S, lambd, eps = 3, 0.2, 1e-5
    ux, uy = _loop_items(zx, S, "mean"), _loop_items(zy, S, "mean")
    m, f = ux.shape

    def standardise(u):
        cols = []
        for j in range(f):
            mu = sum(u[r, j] for r in range(m)) / m
            var = sum((u[r, j] - mu) ** 2 for r in range(m)) / m
            cols.append([(u[r, j] - mu) / math.sqrt(var + eps) for r in range(m)])
        return cols                                       # cols[j][r]

    ax, ay = standardise(ux), standardise(uy)
    loss = 0.0
    for i in range(f):
        for j in range(f):
            c = sum(ax[i][r] * ay[j][r] for r in range(m)) / m                  # eq. 13
            loss += (1 - c) ** 2 if i == j else lambd * c ** 2                   # eq. 14
    assert torch.isclose(barlow_twins(zx, zy, S=S, lambd=lambd), torch.as_tensor(loss), atol=1e-5)
    # default lambda = 1 / f (Tsai et al. 2021)
    assert torch.isclose(barlow_twins(zx, zy, S=S), barlow_twins(zx, zy, S=S, lambd=1 / f))


def test_barlow_twins_collapse_and_identity():
    zx, _ = _pair(b=16, n=8, d=4)
    const = torch.ones_like(zx)
    # constant embeddings standardise to 0: C = 0, the on-diagonal term is f = d
    assert torch.isclose(barlow_twins(const, const, S=4), torch.tensor(4.0), atol=1e-4)
    # identical non-collapsed views: C_ii = 1 (up to eps), the loss is only the off-diagonal part
    same = barlow_twins(zx, zx, S=4, lambd=0.0)
    assert same < 1e-3
    assert barlow_twins(zx, zx, S=4) < barlow_twins(const, const, S=4)


def test_vicreg_matches_formula_loop():
    zx, zy = _pair(b=4, n=12, d=3)
    S, gamma, eps = 3, 1.0, 1e-4
    ux, uy = _loop_items(zx, S, "mean").double(), _loop_items(zy, S, "mean").double()
    m, f = ux.shape
    inv = sum(((ux[r] - uy[r]) ** 2).sum() for r in range(m)) / (m * f)

    def var_cov(u):
        mu = [sum(u[r, j] for r in range(m)) / m for j in range(f)]
        cov = [[sum((u[r, i] - mu[i]) * (u[r, j] - mu[j]) for r in range(m)) / (m - 1) for j in range(f)]
               for i in range(f)]
        v = sum(max(0.0, gamma - math.sqrt(cov[j][j] + eps)) for j in range(f)) / f
        c = sum(cov[i][j] ** 2 for i in range(f) for j in range(f) if i != j) / f
        return v, c

    (vx, cx), (vy, cy) = var_cov(ux), var_cov(uy)
    expected = 25 * inv + 25 * (vx + vy) / 2 + 1 * (cx + cy)
    assert torch.isclose(vicreg(zx, zy, S=S).double(), torch.as_tensor(expected, dtype=torch.float64), atol=1e-4)


def test_vicreg_collapse_and_invariance():
    zx, _ = _pair(b=16, n=8, d=4)
    const = torch.full_like(zx, 3.0)
    # collapsed identical latents: no invariance or covariance cost, the variance hinge is 25 (1 - sqrt(eps))
    assert torch.isclose(vicreg(const, const, S=4), torch.tensor(25 * (1 - 1e-2)), atol=1e-4)
    # identical, well-spread latents: invariance 0, variance hinge 0 (std > gamma)
    spread = 3.0 * zx
    assert vicreg(spread, spread, S=4, cov_weight=0.0) < 1e-6
    assert vicreg(spread, spread, S=4) < vicreg(const, const, S=4)
    # the invariance term sees a mismatch
    assert vicreg(spread, spread + 1.0, S=4, cov_weight=0.0) > 20.0


def test_mse_alignment_is_latent_mse_and_blind_to_collapse():
    zx, zy = _pair(n=11)
    assert torch.isclose(mse_alignment(zx, zy, S=5), ((zx[:, :10] - zy[:, :10]) ** 2).mean())
    const = torch.zeros_like(zx)
    assert mse_alignment(const, const, S=5).item() == 0.0                 # collapse costs nothing
    assert mse_alignment(zx, zx, S=5).item() == 0.0
    # ... while the anti-collapse objectives price the same collapse
    assert vicreg(const, const, S=5) > 20 and barlow_twins(const, const, S=5) > 3


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
def test_registry_signature_and_finite_gradients(name):
    zx, zy = _pair(b=4, n=12, d=5)
    zx.requires_grad_(True)
    zy.requires_grad_(True)
    loss = get_objective(name)(zx, zy, S=4)
    assert loss.dim() == 0 and torch.isfinite(loss)
    loss.backward()
    assert torch.isfinite(zx.grad).all() and torch.isfinite(zy.grad).all()
    assert zx.grad.abs().sum() > 0
    # collapsed latents too (standardisation / normalisation must not divide by zero)
    c = torch.ones(4, 12, 5, requires_grad=True)
    get_objective(name)(c, c.detach() + 0.0, S=4).backward()
    assert torch.isfinite(c.grad).all()


def test_get_objective_errors_and_options():
    with pytest.raises(ValueError, match="objective must be one of"):
        get_objective("byol")
    with pytest.raises(ValueError, match="option of 'simclr'"):
        get_objective("simclr", lambd=0.1)
    zx, zy = _pair()
    assert torch.isclose(get_objective("simclr", tau=0.5)(zx, zy, S=5), nt_xent(zx, zy, S=5, tau=0.5))
    with pytest.raises(ValueError, match="2 items"):
        vicreg(zx[:1], zy[:1], S=10)
    with pytest.raises(ValueError, match="one shape"):
        mse_alignment(zx, zy[:, :, :2], S=5)
