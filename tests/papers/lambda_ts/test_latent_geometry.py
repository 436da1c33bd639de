"""Latent geometry: matched vs canonical correlation, and a deterministic UMAP."""

import numpy as np
import pytest
from scipy.stats import ortho_group

from lambdalib.papers.lambda_ts.latent_geometry import (
    canonical_correlations,
    matched_correlation,
    umap_embedding,
)


def latents(seed=0, b=40, n=6, d=5):
    return np.random.default_rng(seed).standard_normal((b, n, d))


def test_matched_correlation_of_identical_and_independent_latents():
    z = latents()
    assert matched_correlation(z, z) == pytest.approx(1.0)
    assert matched_correlation(z, -z) == pytest.approx(-1.0)
    assert abs(matched_correlation(z, latents(seed=1))) < 0.1


def test_a_rotated_copy_is_found_by_cca_not_by_matched_coordinates():
    z = latents(b=200)
    rotated = z @ ortho_group.rvs(5, random_state=3)
    assert abs(matched_correlation(z, rotated)) < 0.6
    np.testing.assert_allclose(canonical_correlations(z, rotated), 1.0, atol=1e-5)
    independent = canonical_correlations(z, latents(seed=1, b=200))
    assert independent.max() < 0.2 and np.all(np.diff(independent) <= 1e-12)  # sorted, largest first


def test_constant_coordinate_counts_as_uncorrelated():
    z = latents()
    flat = z.copy()
    flat[..., 0] = 1.0
    assert matched_correlation(z, flat) == pytest.approx(0.8, abs=1e-9)  # 4 of 5 coordinates identical
    assert np.isfinite(canonical_correlations(z, flat)).all()


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="same shape"):
        matched_correlation(latents(d=5), latents(d=4))


def test_umap_is_seeded():
    z_x, z_y = latents(b=30), latents(seed=1, b=30)
    e1, e2 = umap_embedding(z_x, z_y, seed=0, n_neighbors=5), umap_embedding(z_x, z_y, seed=0, n_neighbors=5)
    assert e1.shape == (60, 2)
    np.testing.assert_array_equal(e1, e2)


def test_a_shared_position_code_alone_is_not_correlation():
    rng = np.random.default_rng(0)
    position = 5.0 * rng.standard_normal((1, 6, 5))                       # same for every window
    z_x, z_y = position + latents(seed=1, b=200), position + latents(seed=2, b=200)
    assert abs(matched_correlation(z_x, z_y)) < 0.05
    assert canonical_correlations(z_x, z_y).max() < 0.2
