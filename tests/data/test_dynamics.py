"""Tests for lambdalib.data.dynamics: RK4, the A.2 vector fields, and the paired windows."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lambdalib.book.profiles import get_sizes
from lambdalib.data.dynamics import (
    SYSTEMS,
    double_pendulum_rhs,
    lorenz_rhs,
    make_pair_dataset,
    rk4,
    simulate,
    sliding_windows,
)
from lambdalib.papers.lambda_ts import sizes as _sizes  # noqa: F401  (registers LaMbDA's sizes)


def double_pendulum_energy(states: np.ndarray, m1: float = 1.0, m2: float = 1.0, l1: float = 1.0,
                           l2: float = 1.0, g: float = 9.81) -> np.ndarray:
    """The check behind the RK4 test: total energy T + V of double-pendulum states ``(..., 4)`` -> ``(...)``, V = 0 hanging at rest."""
    th1, th2, w1, w2 = np.moveaxis(np.asarray(states, dtype=np.float64), -1, 0)
    kinetic = (0.5 * (m1 + m2) * l1**2 * w1**2 + 0.5 * m2 * l2**2 * w2**2
               + m2 * l1 * l2 * w1 * w2 * np.cos(th1 - th2))
    potential = (m1 + m2) * g * l1 * (1.0 - np.cos(th1)) + m2 * g * l2 * (1.0 - np.cos(th2))
    return kinetic + potential


def test_lorenz_rhs_matches_eq9_by_hand():
    # [1, 2, 3]: sigma (2 - 1) = 10, 1 (28 - 3) - 2 = 23, 1 * 2 - 8/3 * 3 = -6
    np.testing.assert_allclose(lorenz_rhs(np.array([1.0, 2.0, 3.0])), [10.0, 23.0, -6.0])


@pytest.mark.parametrize("system", ["lorenz", "pendulum_chaotic"])
@pytest.mark.parametrize("dt, atol", [(1e-3, 1e-6), (1e-2, 2e-3)])
def test_rk4_matches_dop853(system, dt, atol):
    # dt = 1e-3 checks the implementation tightly; dt = 1e-2 (the paper's step) bounds the
    # truncation error RK4 really makes on 2 s of Lorenz (about 4.5e-4).
    spec, n_steps = SYSTEMS[system], 200
    ours = rk4(spec.rhs, spec.y0, dt, n_steps)
    t = np.arange(n_steps + 1) * dt
    ref = solve_ivp(lambda _, u: spec.rhs(u), (0.0, t[-1]), spec.y0, method="DOP853",
                    rtol=1e-12, atol=1e-12, t_eval=t).y.T
    assert ours.shape == ref.shape == (n_steps + 1, len(spec.y0))
    np.testing.assert_allclose(ours, ref, rtol=0, atol=atol)


def test_rk4_is_fourth_order_on_harmonic_oscillator():
    f = lambda u: np.array([u[1], -u[0]])  # y'' = -y, y(t) = cos t
    errors = []
    for dt in (0.1, 0.05):
        end = rk4(f, [1.0, 0.0], dt, int(round(2.0 / dt)))[-1]
        errors.append(np.abs(end - [np.cos(2.0), -np.sin(2.0)]).max())
    assert 10.0 < errors[0] / errors[1] < 22.0


@pytest.mark.parametrize("system, max_drift", [("pendulum_nonchaotic", 1e-5), ("pendulum_chaotic", 1e-3)])
def test_double_pendulum_conserves_energy(system, max_drift):
    # A wrong vector field (e.g. m2 = 1.1 in the rhs only) drifts by ~3e-2.
    states, _, _ = simulate(system)
    energy = double_pendulum_energy(states)
    assert energy[0] > 0
    assert np.abs(energy - energy[0]).max() / energy[0] < max_drift


def test_energy_function_is_the_double_pendulum_lagrangian():
    # Both rods horizontal, at rest: V = (m1 + m2) g l1 + m2 g l2 = 3 g; hanging still: no motion.
    assert double_pendulum_energy(np.array([np.pi / 2, np.pi / 2, 0, 0])) == pytest.approx(3 * 9.81)
    assert double_pendulum_rhs(np.zeros(4)) == pytest.approx(np.zeros(4))


@pytest.mark.parametrize("system, y0", [("lorenz", [5.0, 5.0, 5.0]),
                                        ("pendulum_nonchaotic", [0.2, 0.18, 0.0, 0.0]),
                                        ("pendulum_chaotic", [2.1, -0.1, 0.0, 0.0])])
def test_initial_states_are_the_appendix_ones(system, y0):  # LaMbDA A.2.1, A.2.2
    states, _, _ = simulate(system, n_steps=1)
    np.testing.assert_array_equal(states[0], y0)


def test_simulate_modalities_are_the_named_state_entries():
    states, x, y = simulate("lorenz")
    assert states.shape == (10001, 3) and x.shape == y.shape == (10001, 1)
    np.testing.assert_array_equal(x[:, 0], states[:, 0])  # x(t)
    np.testing.assert_array_equal(y[:, 0], states[:, 2])  # z(t)
    states[:] = 0.0  # the cache hands out copies
    assert simulate("lorenz")[0][0, 0] == 5.0
    states, w1, w2 = simulate("pendulum_chaotic", n_steps=10)
    np.testing.assert_array_equal(np.c_[w1, w2], states[:, 2:])  # omega1(t), omega2(t)


def test_sliding_windows_matches_loop():
    a = np.arange(20.0).reshape(10, 2)
    w = sliding_windows(a, window=4, stride=3)
    assert w.shape == (3, 4, 2)
    for i, s in enumerate(range(0, 10 - 4 + 1, 3)):
        np.testing.assert_array_equal(w[i], a[s:s + 4])
    assert not np.shares_memory(w, a)


def test_make_pair_dataset_shapes_split_and_normalisation():
    profile = get_sizes("lambda_ts.synthetic", "quick")
    data = make_pair_dataset("lorenz", profile)
    L = profile.window
    for arr in (data.x_train, data.y_train, data.x_test, data.y_test):
        assert arr.dtype == np.float32 and arr.ndim == 3 and arr.shape[1:] == (L, 1)
    assert data.x_train.shape == data.y_train.shape and data.x_test.shape == data.y_test.shape
    assert len(data.train_starts) == len(data.x_train) and len(data.test_starts) == len(data.x_test)
    assert len(data.x_test) >= profile.n_eval
    assert data.dt == pytest.approx(0.01 * profile.subsample)
    # Split in time: every test window starts >= one window after the last training sample.
    last_train_sample = data.train_starts.max() + L - 1
    assert data.test_starts.min() - last_train_sample > L
    # Windows really are the subsampled series, z-scored with the *training* statistics.
    _, x, y = simulate("lorenz")
    xs, ys = x[:: profile.subsample, 0], y[:: profile.subsample, 0]
    n_train = int(np.floor((1 - profile.test_fraction) * len(xs)))  # documented split rule
    assert data.x_mean == pytest.approx(xs[:n_train].mean()) and data.x_std == pytest.approx(xs[:n_train].std())
    assert data.y_mean == pytest.approx(ys[:n_train].mean()) and data.y_std == pytest.approx(ys[:n_train].std())
    for arr, starts, series, m in ((data.x_test, data.test_starts, xs, "x"),
                                   (data.y_train, data.train_starts, ys, "y")):
        for i in (0, len(starts) - 1):
            np.testing.assert_allclose(data.denormalise(arr[i, :, 0], m),
                                       series[starts[i]:starts[i] + L], rtol=1e-5, atol=1e-4)
    for arr in (data.x_train, data.y_train):
        assert abs(arr.mean()) < 0.05 and abs(arr.std() - 1.0) < 0.05
    test_stats = np.array([[a.mean(), a.std()] for a in (data.x_test, data.y_test)])
    assert np.abs(test_stats - [0.0, 1.0]).max() > 1e-2  # not re-fitted on the test part
    xs_test = xs[data.test_starts.min():]
    assert abs(data.x_mean - xs_test.mean()) > 1e-3 or abs(data.x_std - xs_test.std()) > 1e-3


def test_denormalise_round_trip_and_modality_check():
    data = make_pair_dataset("pendulum_nonchaotic", get_sizes("lambda_ts.synthetic", "quick"))
    z = data.y_test[:3]
    back = data.denormalise(z, "y")
    np.testing.assert_allclose((back - data.y_mean) / data.y_std, z, atol=1e-6)
    with pytest.raises(ValueError, match="modality"):
        data.denormalise(z, "z")


def test_unknown_system_and_short_test_segment_raise():
    with pytest.raises(ValueError, match="pendulum_chaotic"):
        simulate("rossler")
    with pytest.raises(ValueError, match="lorenz"):
        make_pair_dataset("Lorenz", get_sizes("lambda_ts.synthetic", "quick"))
    with pytest.raises(ValueError, match="test_fraction"):
        make_pair_dataset("lorenz", get_sizes("lambda_ts.synthetic", "quick", test_fraction=0.02))
