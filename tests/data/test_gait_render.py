"""Tests for lambdalib.data.gait.render: the capsule walker and its two sensors."""

import numpy as np
import pytest

from lambdalib.data.gait.render import (
    CONDITIONS,
    RenderConfig,
    Walker,
    _camera,
    body_capsules,
    elbow_angle,
    render_gait,
    render_view,
    sample_walkers,
    shoulder_angle,
)

SMALL = RenderConfig(n_identities=6, n_frames=6)


@pytest.fixture(scope="module")
def small():
    return render_gait(SMALL, seed=3)


def test_render_is_deterministic_and_seed_dependent(small):
    again = render_gait(SMALL, seed=3)
    np.testing.assert_array_equal(small.sil, again.sil)
    np.testing.assert_array_equal(small.rng, again.rng)
    other = render_gait(SMALL, seed=4)
    assert not np.array_equal(small.sil, other.sil)


def test_shapes_and_values(small):
    assert small.sil.shape == small.rng.shape == (6, 8, 6, 32, 24)
    assert set(np.unique(small.sil)) == {0.0, 1.0}
    # the silhouette is cropped to the body: its top and bottom rows are touched in every frame
    rows = small.sil.max(-1)
    assert rows[..., 0].all() and rows[..., -1].all()
    # range values: 0 where no return, else inside (0, 1) for sensors 4-8 m away
    hit = small.rng[small.rng > 0]
    assert hit.size > 0 and hit.max() < 1.0


def test_feet_on_the_ground():
    w = Walker()
    phase = np.linspace(0, 1, 40, endpoint=False)
    a, b, r = body_capsules(w, 1.0, phase)
    # legs come first: thigh, shank, foot per side; the lowest point of the body touches z = 0
    bottom = np.minimum(a[..., 2] - r, b[..., 2] - r).min(1)
    np.testing.assert_allclose(bottom, bottom.min(), atol=0.03)
    assert abs(bottom.min()) < 0.03
    # the head is near the walker's height
    top = np.maximum(a[..., 2] + r, b[..., 2] + r).max(1)
    assert np.all(np.abs(top - w.height) < 0.15 * w.height)


def test_arms_swing_against_the_legs():
    phase = np.array([0.0, 0.5])
    np.testing.assert_allclose(shoulder_angle(phase, 20.0), [-20.0, 20.0])
    assert elbow_angle(np.array([0.5]), 20.0, 15.0)[0] == pytest.approx(25.0)


def test_conditions_add_capsules_and_bad_condition_raises():
    w, phase = Walker(), np.zeros(2)
    n = {c: body_capsules(w, 1.0, phase, c)[2].size for c in CONDITIONS}
    assert n["normal"] == 12 and all(n[c] == 13 for c in ("coat", "bag", "box"))
    with pytest.raises(ValueError, match="conditions"):
        RenderConfig(conditions=("normal", "umbrella"))


def test_orthographic_sphere_is_a_disc():
    # one sphere of radius 0.5 at the origin seen along +y: a disc of radius 0.5, depth -0.5 at the centre
    a = b = np.zeros((1, 1, 3))
    h, v = np.meshgrid(np.linspace(-1, 1, 21), np.linspace(-1, 1, 21))
    depth = render_view(a, b, np.array([0.5]), _camera(0.0, 0.0), h[None], v[None])[0]
    rho2 = h ** 2 + v ** 2
    assert np.isfinite(depth[rho2 < 0.24]).all() and np.isinf(depth[rho2 > 0.26]).all()
    assert depth[10, 10] == pytest.approx(-0.5)


def test_identity_is_separable_by_a_trivial_feature():
    # nearest neighbour on the range view's gait energy image (mean over frames) finds the
    # walker far above chance: identity is in the data (normal sequences only, 20 walkers)
    data = render_gait(RenderConfig(n_identities=20, n_frames=10, conditions=("normal",) * 3), seed=0)
    gei = (data.rng > 0).mean(2).reshape(20, 3, -1)
    probe, gallery = gei[:, 1:].reshape(40, -1), gei[:, 0]
    nearest = ((probe[:, None] - gallery[None]) ** 2).sum(-1).argmin(1)
    acc = float((nearest == np.repeat(np.arange(20), 2)).mean())
    assert acc > 0.5  # chance is 0.05


def test_walkers_vary():
    ws = sample_walkers(50, np.random.default_rng(0))
    heights = np.array([w.height for w in ws])
    assert 0.05 < heights.std() < 0.15 and heights.min() >= 1.5
