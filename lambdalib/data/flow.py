"""Simulated flow past a cylinder in a channel: a batched D2Q9 lattice-Boltzmann solver.

Stands in for ConDA's FEniCS fluid data set (ConDA appendix A.1), which is not available. The
geometry is the 2D benchmark of Schäfer & Turek (1996) in lattice units: cylinder diameter
``D`` cells, channel ``4.1 D`` high and ``22 D`` long, cylinder centre ``2 D`` from the inlet and
``2 D`` above the lower wall (0.05 D below the channel axis, which seeds the instability), no-slip
walls, a parabolic inflow of peak ``u_max`` and a constant-pressure outflow (the benchmark's
do-nothing condition). The Reynolds number is
``Re = U_mean D / nu`` with ``U_mean = 2 u_max / 3``, as in the benchmark.

Numerics (all in lattice units, dx = dt = 1): relaxation time ``tau = 3 nu + 1/2``;
full-way bounce-back on walls and cylinder; Zou & He (1997) velocity inlet; an equilibrium
outlet at rho = 1; collision with two relaxation times (TRT); see :func:`_step`. A batch of
Reynolds numbers runs at once: populations ``f`` have shape ``(b, 9, ny, nx)``, ``tau`` ``(b,)``.

Outputs are vorticity frames ``omega D / U_mean`` of the wake behind the cylinder, resampled, a
transverse-velocity probe in the wake, and from it the shedding amplitude and Strouhal number
``St = f D / U_mean`` (Schäfer & Turek's definition; their 2D-2 case, Re = 100, gives
0.2950 <= St <= 0.3050).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from lambdalib.core.progress import progress_bar

__all__ = ["FlowConfig", "FlowData", "simulate_flow", "strouhal", "poiseuille_profile", "lbm_channel", "equilibrium",
           "macroscopic", "vorticity",
           "SCHAEFER_TUREK_ST"]

# Schäfer & Turek (1996), benchmark 2D-2 (Re = 100): the reference Strouhal number's interval.
SCHAEFER_TUREK_ST = (0.2950, 0.3050)

# D2Q9 lattice: velocities c_i, weights w_i and the opposite direction of each.
C = torch.tensor([(0, 0), (1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, 1), (-1, -1), (1, -1)])
W = torch.tensor([4 / 9] + [1 / 9] * 4 + [1 / 36] * 4, dtype=torch.float64)
OPP = [0, 3, 4, 1, 2, 7, 8, 5, 6]
SHIFTS = [(int(cy), int(cx)) for cx, cy in C.tolist()]  # streaming shift of each direction (rows, cols)


@dataclass(frozen=True)
class FlowConfig:
    diameter: int = 10          # D in cells (Schäfer-Turek geometry scales with it)
    u_max: float = 0.1          # peak inflow velocity in lattice units (Mach ~ 0.17)
    steps: int = 6000           # LBM time steps in all
    record_from: int = 3000     # first recorded step (earlier ones are the transient)
    frame_every: int = 30       # steps between saved frames
    frame_shape: tuple = (32, 64)  # (height, width) of the resampled vorticity frames
    wake_start: float = 0.6     # crop from this many D downstream of the cylinder centre (behind it)
    wake_length: float = 8.2    # ... over this many D (twice the channel height: frames are 1:2)
    perturbation: float = 1e-3  # amplitude of the seeded random initial transverse velocity

    @property
    def shape(self) -> tuple[int, int]:
        """(ny, nx): 4.1 D fluid rows plus one solid wall row on each side, 22 D columns."""
        return round(4.1 * self.diameter) + 2, 22 * self.diameter

    @property
    def u_mean(self) -> float:
        return 2.0 * self.u_max / 3.0


@dataclass
class FlowData:
    """A Reynolds sweep. ``frames (r, f, h, w)`` vorticity in units of U_mean / D; ``time (f,)``
    in convective units t U_mean / D; ``probe (r, s)`` wake transverse velocity / U_mean at every
    recorded step; ``amplitude (r,)`` its peak-to-peak range; ``strouhal (r,)`` NaN when steady."""

    reynolds: np.ndarray
    frames: np.ndarray
    time: np.ndarray
    probe: np.ndarray
    amplitude: np.ndarray
    strouhal: np.ndarray
    config: FlowConfig


def equilibrium(rho: torch.Tensor, ux: torch.Tensor, uy: torch.Tensor) -> torch.Tensor:
    """BGK equilibrium ``rho, ux, uy (b, ny, nx) -> (b, 9, ny, nx)``."""
    cx, cy = (C[:, k].to(ux)[None, :, None, None] for k in (0, 1))
    cu = cx * ux[:, None] + cy * uy[:, None]                               # (b, 9, ny, nx)
    usq = (ux ** 2 + uy ** 2)[:, None]                                     # (b, 1, ny, nx)
    return W.to(ux)[None, :, None, None] * rho[:, None] * (1 + 3 * cu + 4.5 * cu ** 2 - 1.5 * usq)


def macroscopic(f: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Density and velocity ``(b, 9, ny, nx) -> 3 x (b, ny, nx)``."""
    rho = f.sum(1)
    ux = (f[:, 1] + f[:, 5] + f[:, 8] - f[:, 3] - f[:, 6] - f[:, 7]) / rho
    uy = (f[:, 2] + f[:, 5] + f[:, 6] - f[:, 4] - f[:, 7] - f[:, 8]) / rho
    return rho, ux, uy


def poiseuille_profile(ny: int, u_max: float) -> torch.Tensor:
    """Parabolic inflow over rows 1..ny-2 (walls halfway into rows 0 and ny-1), zero on walls."""
    y = torch.arange(ny, dtype=torch.float64) - 0.5
    h = ny - 2.0
    return (4 * u_max * y * (h - y) / h ** 2).clamp(min=0) * (torch.arange(ny) > 0) * (torch.arange(ny) < ny - 1)


def _step(f: torch.Tensor, omega_p: torch.Tensor, omega_m: torch.Tensor, solid: torch.Tensor,
          fluid_in: torch.Tensor, ux_in: torch.Tensor) -> torch.Tensor:
    """One LBM step on ``f (b, 9, ny, nx)``: outlet, Zou-He velocity inlet, TRT collision,
    bounce-back, streaming. The outlet's incoming populations are set to equilibrium at rho = 1
    with the velocity of the column before it (a do-nothing-like condition that keeps the mean
    density fixed; copying populations instead lets mass pile up).
    ``omega_p, omega_m (b, 1, 1, 1)`` relaxation rates, ``fluid_in (ny,)`` the inlet's fluid rows,
    ``ux_in (m,)`` their inflow velocity."""
    f = f.clone()
    _, ux, uy = macroscopic(f[:, :, :, -2])                                # (b, ny) next to the outlet
    feq = equilibrium(torch.ones_like(ux)[..., None], ux[..., None], uy[..., None])[..., 0]    # (b, 9, ny)
    f[:, [3, 6, 7], :, -1] = feq[:, [3, 6, 7]]                             # outlet: rho = 1, du/dx = 0
    fi = f[:, :, fluid_in, 0]                                              # (b, 9, m) inlet column
    rho_in = (fi[:, 0] + fi[:, 2] + fi[:, 4] + 2 * (fi[:, 3] + fi[:, 6] + fi[:, 7])) / (1 - ux_in)
    fi[:, 1] = fi[:, 3] + 2 / 3 * rho_in * ux_in                         # Zou & He (1997), u_y = 0
    fi[:, 5] = fi[:, 7] - 0.5 * (fi[:, 2] - fi[:, 4]) + rho_in * ux_in / 6
    fi[:, 8] = fi[:, 6] + 0.5 * (fi[:, 2] - fi[:, 4]) + rho_in * ux_in / 6
    f[:, :, fluid_in, 0] = fi
    neq = f - equilibrium(*macroscopic(f))                                # (b, 9, ny, nx)
    neq_opp = neq[:, OPP]
    post = f - omega_p * 0.5 * (neq + neq_opp) - omega_m * 0.5 * (neq - neq_opp)   # TRT collision
    post = torch.where(solid, f[:, OPP], post)                             # full-way bounce-back
    return torch.stack([torch.roll(post[:, q], shifts=SHIFTS[q], dims=(1, 2))
                        for q in range(9)], dim=1)                          # streaming


def lbm_channel(tau: torch.Tensor, solid: torch.Tensor, u_in: torch.Tensor, steps: int, *, f0: torch.Tensor,
                record=None, progress: bool = False, compile: bool | None = None) -> torch.Tensor:
    """Run ``steps`` LBM steps of channel flow; returns the final populations ``(b, 9, ny, nx)``.

    ``tau (b,)`` relaxation times, ``solid (ny, nx)`` bounce-back nodes (walls and obstacle),
    ``u_in (ny,)`` the inlet x-velocity, ``f0`` the initial populations. ``record(step, f)`` is
    called after every step when given. ``compile`` fuses the step with ``torch.compile``
    (several times faster on CPU; needs a C++ compiler); None compiles when one is on the PATH.

    The collision has two relaxation times (Ginzburg 2008, magic parameter 1/4): the symmetric
    part relaxes at 1/tau (the viscosity), the antisymmetric part at the rate that keeps BGK's
    accuracy; it stays stable closer to tau = 1/2, where plain BGK blows up at D = 10.
    """
    f = f0.clone()
    fluid_in = u_in > 0
    ux_in = u_in[fluid_in].to(f)                                           # (m,)
    tau = tau.to(f)
    omega_p = (1 / tau)[:, None, None, None]
    omega_m = (1 / (0.5 + 0.25 / (tau - 0.5)))[:, None, None, None]
    if compile is None:
        compile = shutil.which("c++") is not None or f.device.type == "cuda"
    step_fn = torch.compile(_step, dynamic=False) if compile else _step
    for step in progress_bar(range(steps), desc="LBM", disable=not progress, mininterval=2.0):
        f = step_fn(f, omega_p, omega_m, solid, fluid_in, ux_in)
        if record is not None:
            record(step, f)
    if not torch.isfinite(f).all():
        raise FloatingPointError(f"LBM diverged (non-finite populations) within {steps} steps; "
                                 f"lower u_max or Re, or raise the diameter")
    return f


def vorticity(ux: torch.Tensor, uy: torch.Tensor) -> torch.Tensor:
    """omega = dv/dx - du/dy by central differences, ``(b, ny, nx) -> (b, ny, nx)``."""
    return torch.gradient(uy, dim=2)[0] - torch.gradient(ux, dim=1)[0]


def strouhal(signal: np.ndarray, dt: float) -> float:
    """Shedding frequency from the mean spacing of upward zero crossings (linearly interpolated)
    of the mean-removed ``signal (s,)`` sampled every ``dt``; NaN with fewer than 3 crossings."""
    x = np.asarray(signal, dtype=float) - np.mean(signal)
    i = np.flatnonzero((x[:-1] < 0) & (x[1:] >= 0))
    if i.size < 3:
        return float("nan")
    crossings = i + x[i] / (x[i] - x[i + 1])                                # fractional indices
    return float(1.0 / (np.diff(crossings).mean() * dt))


def simulate_flow(reynolds, config: FlowConfig = FlowConfig(), *, seeds=None, device: str | torch.device = "cpu",
                  progress: bool = True, compile: bool | None = None) -> FlowData:
    """Run one LBM per Reynolds number (batched) and return their wake frames and probes.

    ``seeds`` (one int per Reynolds number, default 0) seed each run's initial perturbation, so a
    Reynolds number can be repeated with different initial conditions.
    """
    re = np.asarray(reynolds, dtype=float)
    if re.ndim != 1 or re.size == 0 or np.any(re <= 0):
        raise ValueError(f"reynolds must be a non-empty 1-d list of positive numbers, got {reynolds!r}")
    if not 0 <= config.record_from < config.steps:
        raise ValueError(f"record_from must be in [0, steps={config.steps}), got {config.record_from}")
    seeds = [0] * re.size if seeds is None else list(seeds)
    if len(seeds) != re.size:
        raise ValueError(f"seeds must have one entry per Reynolds number ({re.size}), got {len(seeds)}")
    ny, nx = config.shape
    d = config.diameter
    nu = config.u_mean * d / re
    tau = torch.tensor(3 * nu + 0.5, dtype=torch.float32, device=device)
    yy, xx = torch.meshgrid(torch.arange(ny, dtype=torch.float64), torch.arange(nx, dtype=torch.float64),
                            indexing="ij")
    cx, cy = 2 * d, 2 * d + 0.5                                             # 2 D from inlet and lower wall
    solid = ((xx - cx) ** 2 + (yy - cy) ** 2 <= (d / 2) ** 2)
    solid[0], solid[-1] = True, True
    solid = solid.to(device)
    u_in = poiseuille_profile(ny, config.u_max).to(device)
    ux0 = u_in.cpu()[None, :, None].expand(re.size, ny, nx).clone()
    uy0 = torch.stack([config.perturbation * config.u_max
                       * torch.randn(ny, nx, generator=torch.Generator().manual_seed(int(s)), dtype=torch.float64)
                       for s in seeds])
    ux0[:, solid.cpu()], uy0[:, solid.cpu()] = 0.0, 0.0
    f0 = equilibrium(torch.ones_like(ux0), ux0, uy0).float().to(device)

    x0 = int(round(cx + config.wake_start * d))
    x1 = x0 + int(round(config.wake_length * d))
    probe_at = (int(round(cy)), int(cx + 3 * d))
    frames, probe = [], []

    def record(step, f):
        if step < config.record_from:
            return
        fp = f[:, :, probe_at[0], probe_at[1]]                              # (b, 9)
        probe.append((fp @ C[:, 1].to(f)) / fp.sum(1))
        if (step - config.record_from) % config.frame_every == 0:
            _, ux, uy = macroscopic(f[:, :, 1:-1, x0:x1])
            inside = solid[1:-1, x0:x1]                                      # no flow in the cylinder
            w = vorticity(ux.masked_fill(inside, 0.0), uy.masked_fill(inside, 0.0)) * d / config.u_mean                         # (b, 4.1 D, crop)
            frames.append(F.interpolate(w[:, None], size=config.frame_shape, mode="bilinear",
                                        antialias=True, align_corners=False)[:, 0])

    lbm_channel(tau, solid, u_in, config.steps, f0=f0, record=record, progress=progress, compile=compile)
    probe = (torch.stack(probe, 1) / config.u_mean).cpu().numpy().astype(float)   # (r, s)
    frames = torch.stack(frames, 1).cpu().numpy()                         # (r, f, h, w)
    time = np.arange(frames.shape[1]) * config.frame_every * config.u_mean / d
    amplitude = probe.max(1) - probe.min(1)
    st = np.array([strouhal(p, 1.0) * d / config.u_mean for p in probe])
    return FlowData(reynolds=re, frames=frames, time=time, probe=probe, amplitude=amplitude,
                    strouhal=st, config=config)
