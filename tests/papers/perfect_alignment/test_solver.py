"""Perfect alignment (lambdalib.papers.perfect_alignment.solver): exactness, optimality, streaming, metrics."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.linalg import subspace_angles

from lambdalib.papers.perfect_alignment import solver as pa
from lambdalib.papers.perfect_alignment.synthetic import gmm_latents, make_modalities


def noiseless(seed=0, n=500, d_m=3, k=2):
    rng = np.random.default_rng(seed)
    Z, _ = gmm_latents(n, rng, k=k)
    X1, X2, S = make_modalities(Z, d_m, rng)
    return Z, X1, X2, S


def noisy(seed=1, n=300, d1=4, d2=3):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((d1, n)) * 3.0, rng.standard_normal((d2, n))


def test_exact_alignment_on_noiseless_data():
    _, X1, X2, _ = noiseless()
    a = pa.PerfectAligner(2).fit(X1, X2)
    Z1, Z2 = a.transform(X1, X2)
    assert Z1.shape == Z2.shape == (2, 500)
    assert a.null_dim_ == 4 and a.null_dim_ >= 2                              # d - k = 6 - 2
    assert pa.cmae(Z1, Z2) < 1e-10
    assert pa.ncmae(Z1, Z2) < 1e-10
    np.testing.assert_allclose(np.hstack([a.A1_, a.A2_]) @ np.hstack([a.A1_, a.A2_]).T, np.eye(2), atol=1e-12)


def test_fewer_samples_than_dimensions_is_exact_even_with_noise():
    X1, X2 = noisy(n=3, d1=4, d2=3)                                           # d = 7 > n = 3
    a = pa.perfect_alignment(X1, X2, 4)                                       # null space dim 4
    assert a.exact and a.null_dim == 4
    assert np.all(a.singular_values == 0.0)
    assert pa.cmae(a.A1 @ X1, a.A2 @ X2) < 1e-10


def test_least_squares_is_optimal_against_brute_force():
    """d = 3, k = 1: the smallest ||a^T X|| over a fine grid of unit vectors is never below ours."""
    X1, X2 = noisy(n=40, d1=2, d2=1)
    a = pa.perfect_alignment(X1, X2, 1)
    X = np.vstack([X1, -X2])
    ours = np.linalg.norm(np.hstack([a.A1, a.A2]) @ X) ** 2
    assert not a.exact
    np.testing.assert_allclose(ours, np.sum(a.singular_values ** 2), rtol=1e-12)
    theta, phi = np.meshgrid(np.linspace(0, np.pi, 400), np.linspace(0, 2 * np.pi, 800))
    U = np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)]).reshape(3, -1)
    brute = np.min(np.sum((U.T @ X) ** 2, axis=1))
    assert ours <= brute + 1e-9
    assert brute <= ours * 1.01                                               # the grid finds the optimum


def test_least_squares_k2_beats_random_orthonormal_frames():
    X1, X2 = noisy(n=50, d1=2, d2=2)
    a = pa.perfect_alignment(X1, X2, 2)
    X = np.vstack([X1, -X2])
    ours = np.linalg.norm(np.hstack([a.A1, a.A2]) @ X) ** 2
    rng = np.random.default_rng(0)
    for _ in range(2000):
        Q, _ = np.linalg.qr(rng.standard_normal((4, 2)))                      # random 2-frame in R^4
        assert ours <= np.linalg.norm(Q.T @ X) ** 2 + 1e-9


@pytest.mark.parametrize("sizes", [(100, 100, 100), (37, 1, 200, 62), (1, 299), (300,)])
def test_streaming_equals_dense_on_uneven_chunks(sizes):
    X1, X2 = noisy(n=300)
    edges = np.cumsum((0,) + sizes)
    chunks = [(X1[:, a:b], X2[:, a:b]) for a, b in itertools.pairwise(edges)]
    dense = pa.perfect_alignment(X1, X2, 3)
    stream = pa.streaming_perfect_alignment(iter(chunks), 3)
    angles = subspace_angles(np.hstack([dense.A1, dense.A2]).T, np.hstack([stream.A1, stream.A2]).T)
    assert np.max(angles) < 1e-6
    np.testing.assert_allclose(stream.singular_values, dense.singular_values, rtol=1e-8)
    assert stream.null_dim == dense.null_dim == 0


def test_streaming_dask_equals_dense_and_finds_the_null_space():
    da = pytest.importorskip("dask.array")
    _, X1, X2, _ = noiseless(n=1000)
    stream = pa.streaming_perfect_alignment((da.from_array(X1, chunks=(3, 170)),
                                             da.from_array(X2, chunks=(3, 333))), 2)
    # the null space (dim 4) holds many 2-d solutions: stream's must lie inside dense's null space
    dense = pa.perfect_alignment(X1, X2, 4)
    angles = subspace_angles(np.hstack([dense.A1, dense.A2]).T, np.hstack([stream.A1, stream.A2]).T)
    assert angles.shape == (2,) and np.max(angles) < 1e-6
    assert stream.exact and stream.null_dim == dense.null_dim == 4
    # the Gram route loses about half the digits: residual ~ sqrt(eps) * s_max, not eps * s_max
    assert pa.cmae(stream.A1 @ X1, stream.A2 @ X2) < 1e-5


def test_metrics_on_hand_examples():
    Z1 = np.array([[0.0, 3.0], [0.0, 0.0]])                                  # columns (0,0), (3,0)
    Z2 = np.array([[3.0, 3.0], [4.0, 1.0]])                                  # columns (3,4), (3,1)
    assert pa.cmae(Z1, Z2) == pytest.approx((5.0 + 1.0) / 2)
    assert pa.mlre(Z2, Z1) == pytest.approx(3.0)
    assert pa.cmae(Z1, Z1) == 0.0
    # unit columns: (0,0) stays 0 (norm clipped), (1,0); (0.6,0.8), (0.949,0.316)
    u = np.array([[3.0, 3.0], [4.0, 1.0]]) / np.array([5.0, np.sqrt(10.0)])
    expected = (1.0 + np.linalg.norm(np.array([1.0, 0.0]) - u[:, 1])) / 2
    assert pa.ncmae(Z1, Z2) == pytest.approx(expected)
    assert pa.ncmae(2.0 * Z2, 7.0 * Z2) == pytest.approx(0.0, abs=1e-15)      # scale-free
    assert pa.ncmae(np.array([[1.0], [0.0]]), np.array([[-1.0], [0.0]])) == pytest.approx(2.0)


def test_pseudo_inverse_recovers_the_latents():
    Z, X1, _, S = noiseless()
    assert pa.mlre(Z, np.linalg.pinv(S[0]) @ X1) < 1e-10


@pytest.mark.parametrize("call, match", [
    (lambda: pa.perfect_alignment(np.ones((2, 5)), np.ones((2, 6)), 1), "same n"),
    (lambda: pa.perfect_alignment(np.ones((2, 5)), np.ones((2, 5)), 5), "k must be"),
    (lambda: pa.perfect_alignment(np.ones((2, 5)), np.ones((2, 5)), 0), "k must be"),
    (lambda: pa.perfect_alignment(np.ones((2, 5)), np.ones((2, 5)), 1.5), "k must be"),
    (lambda: pa.perfect_alignment(np.full((2, 5), np.nan), np.ones((2, 5)), 1), "non-finite"),
    (lambda: pa.perfect_alignment(np.ones((2, 5)), np.full((2, 5), np.inf), 1), "non-finite"),
    (lambda: pa.perfect_alignment(np.ones(5), np.ones((2, 5)), 1), "2-d"),
    (lambda: pa.streaming_perfect_alignment([], 1), "no chunks"),
    (lambda: pa.streaming_perfect_alignment([(np.ones((2, 3)), np.ones((2, 3))),
                                             (np.ones((3, 3)), np.ones((2, 3)))], 1), "chunk 1"),
    (lambda: pa.streaming_perfect_alignment([(np.ones((2, 3)), np.ones((2, 3)))], 9), "k must be"),
    (lambda: pa.PerfectAligner(1).transform(np.ones((2, 3)), np.ones((2, 3))), "not fitted"),
    (lambda: pa.cmae(np.ones((2, 3)), np.ones((2, 4))), "one shape"),
    (lambda: pa.PerfectAligner(1).fit(np.ones((2, 3)), np.ones((2, 3))).transform(np.ones((3, 3)),
                                                                      np.ones((2, 3))), "fitted on"),
])
def test_bad_inputs_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
