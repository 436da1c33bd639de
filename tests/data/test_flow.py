"""The lattice-Boltzmann flow solver: Poiseuille flow, mass balance, Strouhal read-out, checks."""

import numpy as np
import pytest
import torch

from lambdalib.data.flow import (
    FlowConfig,
    equilibrium,
    lbm_channel,
    macroscopic,
    poiseuille_profile,
    simulate_flow,
    strouhal,
)


@pytest.fixture(scope="module")
def channel():
    """A channel without cylinder (10 fluid rows), started at rest, after 4000 steps at tau = 0.8."""
    torch.set_num_threads(1)
    ny, nx, u_max = 12, 40, 0.05
    solid = torch.zeros(ny, nx, dtype=torch.bool)
    solid[0], solid[-1] = True, True
    u_in = poiseuille_profile(ny, u_max).float()
    f0 = equilibrium(torch.ones(1, ny, nx), torch.zeros(1, ny, nx), torch.zeros(1, ny, nx))
    masses = []
    f = lbm_channel(torch.tensor([0.8]), solid, u_in, 4000, f0=f0, compile=False,
                    record=lambda step, f: masses.append(float(f[0, :, 1:-1].sum())) if step >= 3000 else None)
    return f, u_in, u_max, np.array(masses)


def test_poiseuille_profile_matches_parabola(channel):
    """The developed profile has the analytic parabola's shape (its scale differs from the inlet's
    by the small density change along the channel, a compressibility effect of lattice units)."""
    f, u_in, u_max, _ = channel
    _, ux, uy = macroscopic(f)
    mid = ux[0, 1:-1, f.shape[-1] // 2]
    parabola = u_in[1:-1]
    err = (mid / mid.mean() - parabola / parabola.mean()).abs().max()
    assert err < 0.005, f"mid-channel profile shape deviates from the parabola by {err:.3%}"
    assert (mid.mean() / parabola.mean() - 1).abs() < 0.03
    nx = f.shape[-1]
    assert uy[0, 1:-1, nx // 4:3 * nx // 4].abs().max() < 1e-3 * u_max   # developed flow between the ends


def test_mass_is_conserved(channel):
    """Steady state: the same mass flux crosses every column, and the fluid mass stops changing."""
    f, *_, masses = channel
    rho, ux, _ = macroscopic(f)
    flux = (rho * ux)[0, 1:-1, 1:-1].sum(0)                                 # (nx - 2,) interior columns
    assert (flux.max() - flux.min()) / flux.mean() < 1e-3
    drift = np.ptp(masses) / masses.mean()
    assert drift < 1e-5, f"fluid mass drifts by {drift:.2e} over the last 1000 steps"


def test_parabola_is_zero_on_walls_and_peaks_at_u_max():
    u = poiseuille_profile(12, 0.1)
    assert u[0] == 0 and u[-1] == 0
    assert abs(float(u.max()) - 0.1) < 0.01
    assert torch.allclose(u, u.flip(0))


def test_strouhal_recovers_a_sine_frequency():
    t = np.arange(4000)
    assert strouhal(np.sin(2 * np.pi * t / 137.0 + 0.3), 1.0) == pytest.approx(1 / 137.0, rel=1e-3)
    assert np.isnan(strouhal(np.zeros(100) + 1e-9 * t[:100], 1.0))


def test_simulate_flow_rejects_bad_input():
    with pytest.raises(ValueError, match="reynolds"):
        simulate_flow([], FlowConfig())
    with pytest.raises(ValueError, match="record_from"):
        simulate_flow([20], FlowConfig(steps=10, record_from=10))
    with pytest.raises(ValueError, match="seeds"):
        simulate_flow([20, 30], FlowConfig(), seeds=[0])


def test_short_run_gives_frames_of_the_configured_shape():
    cfg = FlowConfig(diameter=6, steps=40, record_from=20, frame_every=10, frame_shape=(8, 16))
    data = simulate_flow([30, 90], cfg, progress=False, compile=False)
    assert data.frames.shape == (2, 2, 8, 16)
    assert data.probe.shape == (2, 20)
    assert np.isfinite(data.frames).all()
