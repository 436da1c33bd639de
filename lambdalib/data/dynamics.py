"""The synthetic benchmarks of LaMbDA-long appendix A.2: Lorenz and the double pendulum.

Each system is integrated with classic RK4 (dt = 0.01, 10000 steps, float64), observed through
two scalar modalities X and Y, cut into overlapping windows and split in time into a training
part and a later, contiguous test part separated by a gap of one window (no temporal leakage).

    states, x, y = simulate("lorenz")                       # (10001, 3), (10001, 1), (10001, 1)
    data = make_pair_dataset("lorenz", get_sizes("lambda_ts.synthetic", "quick"))  # data.x_train: (b, L, 1) float32
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, NamedTuple

import numpy as np

from lambdalib.core.checks import check_choice

__all__ = ["rk4", "lorenz_rhs", "double_pendulum_rhs", "System",
           "SYSTEMS", "DT", "N_STEPS", "simulate", "window_starts", "sliding_windows",
           "PairedWindows", "make_pair_dataset"]

DT = 0.01        # RK4 time step (LaMbDA-long A.2.1, A.2.2)
N_STEPS = 10000  # RK4 steps per trajectory (LaMbDA-long A.2.1, A.2.2)


def rk4(f: Callable[[np.ndarray], np.ndarray], y0, dt: float, n_steps: int) -> np.ndarray:
    """Classic 4th-order Runge-Kutta for the autonomous ODE y' = f(y), in float64.

    Returns the trajectory ``(n_steps + 1, dim)``; row k is the state at time ``k * dt``.
    """
    if n_steps < 0 or dt <= 0:
        raise ValueError(f"n_steps must be >= 0 and dt > 0, got n_steps={n_steps!r}, dt={dt!r}")
    y = np.asarray(y0, dtype=np.float64).copy()
    out = np.empty((n_steps + 1, y.size))  # (n_steps + 1, dim)
    out[0] = y
    for k in range(n_steps):
        k1 = f(y)
        k2 = f(y + 0.5 * dt * k1)
        k3 = f(y + 0.5 * dt * k2)
        k4 = f(y + dt * k3)
        y = y + (dt / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        out[k + 1] = y
    return out


def lorenz_rhs(y: np.ndarray, sigma: float = 10.0, rho: float = 28.0, beta: float = 8.0 / 3.0) -> np.ndarray:
    """LaMbDA-long eq. 9, the Lorenz system: d[x, y, z]/dt for state ``y = [x, y, z]`` (3,)."""
    x, yy, z = y
    return np.array([sigma * (yy - x), x * (rho - z) - yy, x * yy - beta * z])


def double_pendulum_rhs(y: np.ndarray, m1: float = 1.0, m2: float = 1.0, l1: float = 1.0,
                        l2: float = 1.0, g: float = 9.81) -> np.ndarray:
    """LaMbDA-long A.2.2: d[theta1, theta2, omega1, omega2]/dt of the planar double pendulum.

    Point masses m1, m2 on massless rods l1, l2, angles from the downward vertical. The
    Euler-Lagrange equations solved for the angular accelerations (form of E. Neumann,
    myPhysicsLab "Double Pendulum"), with d = theta1 - theta2, D = 2 m1 + m2 - m2 cos(2 d):

        omega1' = [-g (2 m1 + m2) sin th1 - m2 g sin(th1 - 2 th2)
                   - 2 sin d m2 (omega2^2 l2 + omega1^2 l1 cos d)] / (l1 D)
        omega2' = [2 sin d (omega1^2 l1 (m1 + m2) + g (m1 + m2) cos th1
                   + omega2^2 l2 m2 cos d)] / (l2 D)
    """
    th1, th2, w1, w2 = y
    d = th1 - th2
    den = 2.0 * m1 + m2 - m2 * np.cos(2.0 * d)
    a1 = (-g * (2.0 * m1 + m2) * np.sin(th1) - m2 * g * np.sin(th1 - 2.0 * th2)
          - 2.0 * np.sin(d) * m2 * (w2**2 * l2 + w1**2 * l1 * np.cos(d))) / (l1 * den)
    a2 = (2.0 * np.sin(d) * (w1**2 * l1 * (m1 + m2) + g * (m1 + m2) * np.cos(th1)
                             + w2**2 * l2 * m2 * np.cos(d))) / (l2 * den)
    return np.array([w1, w2, a1, a2])


class System(NamedTuple):
    """One benchmark: its vector field, initial state, and which state entries are X and Y."""

    rhs: Callable[[np.ndarray], np.ndarray]
    y0: tuple
    x_index: int  # state entry observed as modality X (modality 1)
    y_index: int  # state entry observed as modality Y (modality 2)


SYSTEMS = {
    # A.2.1: X = x(t), Y = z(t), from [5, 5, 5].
    "lorenz": System(lorenz_rhs, (5.0, 5.0, 5.0), x_index=0, y_index=2),
    # A.2.2: X = omega1(t), Y = omega2(t); state [theta1, theta2, omega1, omega2].
    "pendulum_nonchaotic": System(double_pendulum_rhs, (0.2, 0.18, 0.0, 0.0), x_index=2, y_index=3),
    "pendulum_chaotic": System(double_pendulum_rhs, (2.1, -0.1, 0.0, 0.0), x_index=2, y_index=3),
}


@lru_cache(maxsize=16)
def _trajectory(system: str, n_steps: int, dt: float) -> np.ndarray:
    """Cached RK4 trajectory, read-only so the cache cannot be mutated by a caller."""
    spec = SYSTEMS[system]
    states = rk4(spec.rhs, spec.y0, dt, n_steps)
    states.flags.writeable = False
    return states


def simulate(system: str, n_steps: int = N_STEPS, dt: float = DT):
    """Integrate ``system`` with RK4 from its A.2 initial state.

    Returns fresh float64 copies ``states (n_steps + 1, dim)``, ``x (n_steps + 1, 1)`` and
    ``y (n_steps + 1, 1)`` (modalities X and Y as one-channel series).
    """
    check_choice("system", system, tuple(SYSTEMS))
    states = _trajectory(system, int(n_steps), float(dt)).copy()
    spec = SYSTEMS[system]
    return states, states[:, [spec.x_index]], states[:, [spec.y_index]]


def window_starts(n: int, window: int, stride: int) -> np.ndarray:
    """Start indices ``(b,)`` of every full window of ``window`` samples, ``stride`` apart, in ``n``."""
    if window < 1 or stride < 1:
        raise ValueError(f"window and stride must be >= 1, got window={window!r}, stride={stride!r}")
    if n < window:
        raise ValueError(f"a series of {n} samples is shorter than one window ({window})")
    return np.arange(0, n - window + 1, stride)


def sliding_windows(a: np.ndarray, window: int, stride: int) -> np.ndarray:
    """Cut a series ``(N, c)`` into overlapping windows ``(b, window, c)`` (a new array)."""
    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"a must be 2-D (N, c), got shape {a.shape}")
    starts = window_starts(len(a), window, stride)  # (b,)
    return a[starts[:, None] + np.arange(window)]   # fancy indexing copies: (b, window, c)


@dataclass
class PairedWindows:
    """Windows of modalities X and Y, z-scored with training-part statistics.

    Arrays are float32 ``(b, L, 1)``; ``train_starts`` / ``test_starts`` ``(b,)`` are the start
    indices of the windows in the subsampled series, whose sample spacing is ``dt``.
    """

    system: str
    dt: float
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    x_mean: float
    x_std: float
    y_mean: float
    y_std: float
    train_starts: np.ndarray
    test_starts: np.ndarray

    def denormalise(self, arr, modality: str):
        """Map z-scored ``arr`` (numpy or torch, any shape) of ``modality`` ("x" or "y") back."""
        check_choice("modality", modality, ("x", "y"))
        mean, std = (self.x_mean, self.x_std) if modality == "x" else (self.y_mean, self.y_std)
        return arr * std + mean


def make_pair_dataset(system: str, profile, *, n_steps: int = N_STEPS,
                      dt: float = DT) -> PairedWindows:
    """Simulate ``system``, subsample, split in time, window and z-score (LaMbDA-long A.2, A.6.3).

    ``profile``: any sizes object with ``subsample``, ``window``, ``stride`` and ``test_fraction``
    (LaMbDA's :class:`~lambdalib.papers.lambda_ts.sizes.Profile`); data imports no paper.

    Of the ``n`` subsampled samples, the first ``floor((1 - test_fraction) n)`` are training;
    the next ``profile.window`` are dropped as a gap; the rest is the test segment.
    """
    _, x, y = simulate(system, n_steps, dt)
    x, y = x[:: profile.subsample], y[:: profile.subsample]  # (n, 1) each
    n, L = len(x), profile.window
    n_train = int(np.floor((1.0 - profile.test_fraction) * n))
    test_begin = n_train + L  # one window of gap
    if n_train < L or n - test_begin < L:
        raise ValueError(
            f"test_fraction={profile.test_fraction} with window={L} leaves {n_train} training and "
            f"{n - test_begin} test samples of {n} (after a {L}-sample gap); both need >= window")
    stats = {}
    for name, s in (("x", x), ("y", y)):
        stats[name] = (float(s[:n_train].mean()), float(s[:n_train].std()))
    norm = {k: ((s - stats[k][0]) / stats[k][1]).astype(np.float32) for k, s in (("x", x), ("y", y))}
    train_starts = window_starts(n_train, L, profile.stride)
    test_starts = test_begin + window_starts(n - test_begin, L, profile.stride)
    return PairedWindows(
        system=system, dt=dt * profile.subsample,
        x_train=sliding_windows(norm["x"][:n_train], L, profile.stride),
        y_train=sliding_windows(norm["y"][:n_train], L, profile.stride),
        x_test=sliding_windows(norm["x"][test_begin:], L, profile.stride),
        y_test=sliding_windows(norm["y"][test_begin:], L, profile.stride),
        x_mean=stats["x"][0], x_std=stats["x"][1], y_mean=stats["y"][0], y_std=stats["y"][1],
        train_starts=train_starts, test_starts=test_starts,
    )
