"""LaMbDA's loss terms on tiny hand-checkable examples."""

import math

import pytest
import torch

from lambdalib.papers.lambda_ts.losses import (
    AlignmentWeight,
    covariance_alignment_loss,
    energy,
    energy_loss,
    info_nce,
    split_windows,
    window_variance,
    windowed_infonce,
)


def test_split_windows_drops_remainder():
    z = torch.arange(2 * 7 * 3, dtype=torch.float32).reshape(2, 7, 3)
    w = split_windows(z, 3)
    assert w.shape == (2, 2, 3, 3)
    assert torch.equal(w[1, 1], z[1, 3:6])


def test_info_nce_hand_example():
    a = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    b = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    tau = 0.5
    s = torch.tensor([[1.0, 1 / math.sqrt(2)], [0.0, 1 / math.sqrt(2)]]) / tau  # cosine / tau
    expected = -0.5 * (torch.log_softmax(s, 1)[0, 0] + torch.log_softmax(s, 1)[1, 1])
    assert torch.isclose(info_nce(a, b, tau), expected, atol=1e-6)
    sym = 0.5 * (expected - 0.5 * (torch.log_softmax(s.T, 1)[0, 0] + torch.log_softmax(s.T, 1)[1, 1]))
    assert torch.isclose(info_nce(a, b, tau, symmetric=True), sym, atol=1e-6)


def test_windowed_infonce_matches_loop():
    """Vectorised eq. 4 equals a slow loop over anchors with all b * P windows as candidates."""
    torch.manual_seed(0)
    zx, zy = torch.randn(3, 10, 4), torch.randn(3, 10, 4)
    S, tau = 5, 0.2
    wx = [zx[i, p * S:(p + 1) * S].flatten() for i in range(3) for p in range(2)]
    wy = [zy[i, p * S:(p + 1) * S].flatten() for i in range(3) for p in range(2)]
    total = 0.0
    for i, a in enumerate(wx):
        sims = torch.stack([torch.cosine_similarity(a, b, dim=0) for b in wy]) / tau
        total += -(sims[i] - torch.logsumexp(sims, 0))
    assert torch.isclose(windowed_infonce(zx, zy, S, tau), total / len(wx), atol=1e-5)


def test_windowed_infonce_rewards_matched_windows():
    torch.manual_seed(0)
    z = torch.randn(4, 12, 6)
    assert windowed_infonce(z, z, 4, 0.1) < windowed_infonce(z, torch.randn(4, 12, 6), 4, 0.1)


def test_covariance_loss_zero_for_identical_and_hand_value():
    torch.manual_seed(0)
    z = torch.randn(2, 8, 3)
    assert covariance_alignment_loss(z, z, 4).item() == 0.0
    assert covariance_alignment_loss(z, z + 5.0, 4).item() < 1e-10   # a shift leaves covariance unchanged
    # one window, one channel: cov = sample variance; loss = (var_x - var_y)^2
    x = torch.tensor([1.0, 2.0, 3.0]).reshape(1, 3, 1)
    y = torch.tensor([0.0, 0.0, 3.0]).reshape(1, 3, 1)
    assert torch.isclose(covariance_alignment_loss(x, y, 3), torch.tensor((1.0 - 3.0) ** 2))
    with pytest.raises(ValueError, match="S >= 2"):
        covariance_alignment_loss(x, y, 1)


def test_energy_against_finite_differences():
    t = torch.linspace(0, 1, 101)
    x = torch.sin(2 * math.pi * t).reshape(1, -1, 1)
    e = energy(x)
    manual = 0.5 * (x[:, 1:] - x[:, :-1]) ** 2
    assert torch.allclose(e, manual)
    # the derivative picture: E / dt^2 ~ 1/2 (dx/dt)^2 at the interval midpoints
    mid = 0.5 * (t[1:] + t[:-1])
    assert torch.allclose(e[0, :, 0] / 0.01 ** 2, 0.5 * (2 * math.pi * torch.cos(2 * math.pi * mid)) ** 2, atol=0.05)
    assert energy_loss(x, x).item() == 0.0
    assert energy_loss(2 * x, x) > 0


def test_alignment_weight_modes():
    w = AlignmentWeight("learned")
    loss = torch.tensor(2.0)
    assert torch.isclose(w(loss), torch.tensor(1.0))        # s = 0: 0.5 * 2 + 0
    opt = torch.optim.SGD(w.parameters(), lr=0.1)
    for _ in range(500):                                    # s -> log L, alpha -> 0.5 / L
        opt.zero_grad(); w(loss).backward(); opt.step()
    assert abs(w.alpha - 0.25) < 0.01
    fixed = AlignmentWeight("fixed", alpha=0.3)
    assert torch.isclose(fixed(loss), torch.tensor(0.6)) and fixed.alpha == pytest.approx(0.3)
    literal = AlignmentWeight("literal", alpha=1.0)                # the papers as written: alpha * L
    assert torch.isclose(literal(loss), torch.tensor(2.0))
    opt = torch.optim.SGD(literal.parameters(), lr=0.1)
    for _ in range(10):                                     # d(alpha L)/d alpha = L > 0: alpha only falls
        opt.zero_grad(); literal(loss).backward(); opt.step()
    assert literal.alpha == pytest.approx(1.0 - 10 * 0.1 * 2.0)    # and it crosses zero
    with pytest.raises(ValueError, match="weighting"):
        AlignmentWeight("adaptive")


def test_window_variance_is_the_mean_within_window_variance():
    z = torch.randn(4, 10, 3, generator=torch.Generator().manual_seed(0)) * 2 + 1
    loop = torch.stack([z[i, p * 5:(p + 1) * 5, k].var() for i in range(4) for p in range(2) for k in range(3)])
    torch.testing.assert_close(window_variance(z, 5), loop.mean())
    constant = z[:, ::5].repeat_interleave(5, dim=1)                     # latents flat inside each window
    assert window_variance(constant, 5).item() < 1e-10
