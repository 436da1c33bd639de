"""The forward process, the samplers and DDIM inversion."""

import pytest
import torch

from lambdalib.core.diffusion import (
    GaussianDiffusion,
    cosine_beta_schedule,
    linear_beta_schedule,
)


def gaussian_denoiser(diffusion, var):
    """The exact x0-predictor for data x0 ~ N(0, var I): E[x0 | x_t] = sqrt(ab) var / (ab var + 1 - ab) x_t."""
    def model_fn(x_t, t):
        ab = diffusion.alphas_cumprod[t].reshape(-1, 1, 1)
        return ab.sqrt() * var / (ab * var + 1 - ab) * x_t
    return model_fn


@pytest.mark.parametrize("schedule", [linear_beta_schedule, cosine_beta_schedule])
def test_schedules_are_valid(schedule):
    betas = schedule(100)
    assert betas.dtype == torch.float64 and betas.shape == (100,)
    assert (betas > 0).all() and (betas < 1).all()
    abar = torch.cumprod(1 - betas, 0)
    assert abar[0] > 0.98 and abar[-1] < 0.01  # nearly clean at t=0, nearly pure noise at T


def test_closed_form_matches_step_by_step_chain():
    """q(x_t | x_0) in closed form (LaMbDA-short eq. 1) equals T applications of q(x_t | x_{t-1})."""
    torch.manual_seed(0)
    d = GaussianDiffusion(50)
    x0 = torch.tensor([1.5, -0.7]).reshape(1, 1, 2).expand(20000, 1, 2)
    t_check = 29
    x = x0.clone()
    for t in range(t_check + 1):  # x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps
        x = (1 - d.betas[t]).sqrt() * x + d.betas[t].sqrt() * torch.randn_like(x)
    closed = d.q_sample(x0, torch.full((20000,), t_check), torch.randn_like(x0))
    for sample in (x, closed):
        mean_expected = d.sqrt_alphas_cumprod[t_check] * x0[0]
        assert torch.allclose(sample.mean(0), mean_expected, atol=0.03)
        assert torch.allclose(sample.var(0), 1 - d.alphas_cumprod[t_check].expand(1, 2), atol=0.03)
    assert torch.allclose(x.mean(0), closed.mean(0), atol=0.04)


def test_posterior_recovers_previous_step_mean():
    d = GaussianDiffusion(40)
    x0 = torch.randn(4, 3, 1)
    t = torch.full((4,), 5)
    x_t = d.q_sample(x0, t, torch.randn_like(x0))
    mean, var = d.q_posterior(x0, x_t, t)
    assert mean.shape == x0.shape and (var > 0).all() and (var < d.betas[5] + 1e-7).all()


def test_ddim_inversion_round_trip():
    torch.manual_seed(0)
    d = GaussianDiffusion(1000)
    f = gaussian_denoiser(d, 0.5)
    x0 = torch.randn(64, 20, 2) * 0.5 ** 0.5
    errors = []
    for steps in (100, 1000):
        x_T = d.ddim_invert(f, x0, steps=steps)
        recon = d.ddim_sample(f, x0.shape, steps=steps, x_T=x_T)
        errors.append((recon - x0).abs().max().item())
    assert errors[1] < 0.02 and errors[1] < errors[0]           # first order: more steps, less error
    assert abs(x_T.std().item() - 1.0) < 0.05                   # x_T is ~N(0, I)


def test_samplers_reach_the_data_distribution():
    """With the exact denoiser, DDPM samples have the data variance; DDIM (a first-order ODE
    solver) shrinks it at few steps and converges to it as the step count grows."""
    d = GaussianDiffusion(100)
    f = gaussian_denoiser(d, 0.25)
    ddpm = d.ddpm_sample(f, (4000, 1, 1), generator=torch.Generator().manual_seed(0))
    assert abs(ddpm.var().item() - 0.25) < 0.03
    ddim = [d.ddim_sample(f, (4000, 1, 1), steps=s, generator=torch.Generator().manual_seed(0)).var().item()
            for s in (10, 50, 100)]
    assert ddim[0] < ddim[1] < ddim[2] and abs(ddim[2] - 0.25) < 0.03


def test_bad_arguments():
    with pytest.raises(ValueError, match="schedule"):
        GaussianDiffusion(10, "quadratic")
    with pytest.raises(ValueError, match="steps"):
        GaussianDiffusion(30).ddim_timesteps(31)
    with pytest.raises(ValueError, match="timesteps"):
        GaussianDiffusion(10)  # the linear schedule's beta_T = 20 / T would exceed 1


def test_predict_start_from_noise_inverts_q_sample():
    d = GaussianDiffusion(100)
    x0, eps = torch.randn(4, 3, 2, 2), torch.randn(4, 3, 2, 2)
    t = torch.tensor([0, 10, 50, 99])
    torch.testing.assert_close(d.predict_start_from_noise(d.q_sample(x0, t, eps), t, eps), x0, atol=2e-3, rtol=1e-3)


@pytest.mark.parametrize("schedule", ["linear", "cosine"])
def test_posterior_mean_coefficients_match_ddpm_eq7(schedule):
    """DDPM eq. 7: mu~_t(x_t, x_0) = beta_t sqrt(abar_{t-1}) / (1 - abar_t) x_0
    + (1 - abar_{t-1}) sqrt(alpha_t) / (1 - abar_t) x_t, with abar_{-1} = 1 (0-based t). Checked
    against the closed form from the schedule in float64, and against the Gaussian conditioning it
    comes from (x_{t-1} | x_0 ~ N(sqrt(abar_{t-1}) x_0, 1 - abar_{t-1}); x_t | x_{t-1} ~
    N(sqrt(alpha_t) x_{t-1}, beta_t)): a coefficient swapped, or abar_t in place of abar_{t-1}, fails."""
    T = 50
    d = GaussianDiffusion(T, schedule)
    betas = (linear_beta_schedule if schedule == "linear" else cosine_beta_schedule)(T)
    alphas = 1 - betas
    abar = torch.cumprod(alphas, 0)
    abar_prev = torch.cat([torch.ones(1, dtype=torch.float64), abar[:-1]])
    coef1 = betas * abar_prev.sqrt() / (1 - abar)
    coef2 = (1 - abar_prev) * alphas.sqrt() / (1 - abar)
    torch.testing.assert_close(d.posterior_mean_coef1.double(), coef1, rtol=1e-6, atol=1e-7)
    torch.testing.assert_close(d.posterior_mean_coef2.double(), coef2, rtol=1e-6, atol=1e-7)
    # Gaussian conditioning, t >= 1: precision = 1 / (1 - abar_{t-1}) + alpha_t / beta_t
    var = 1 / (1 / (1 - abar_prev[1:]) + alphas[1:] / betas[1:])
    torch.testing.assert_close(d.posterior_mean_coef1.double()[1:], var * abar_prev[1:].sqrt() / (1 - abar_prev[1:]),
                               rtol=1e-5, atol=1e-7)
    torch.testing.assert_close(d.posterior_mean_coef2.double()[1:], var * alphas[1:].sqrt() / betas[1:],
                               rtol=1e-5, atol=1e-7)
    torch.testing.assert_close(d.posterior_variance.double()[1:], var, rtol=1e-5, atol=1e-9)
    # at t = 0 the posterior mean is x_0 itself
    assert d.posterior_mean_coef1[0].item() == pytest.approx(1.0) and d.posterior_mean_coef2[0].item() == pytest.approx(0.0)
    # and q_posterior applies them to (x_0, x_t) in that order
    x0, x_t, t = torch.randn(3, 4, 2), torch.randn(3, 4, 2), torch.tensor([0, 7, T - 1])
    mean, _ = d.q_posterior(x0, x_t, t)
    expected = (coef1[t].reshape(-1, 1, 1) * x0.double() + coef2[t].reshape(-1, 1, 1) * x_t.double())
    torch.testing.assert_close(mean.double(), expected, rtol=1e-5, atol=1e-6)
