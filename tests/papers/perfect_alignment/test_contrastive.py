"""The contrastive baseline (lambdalib.papers.perfect_alignment.contrastive): it trains, it is seeded."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lambdalib.papers.perfect_alignment.contrastive import ContrastiveAligner
from lambdalib.papers.perfect_alignment.solver import ncmae
from lambdalib.papers.perfect_alignment.synthetic import gmm_latents, make_modalities


def pair(n=400, d_m=2, seed=0):
    rng = np.random.default_rng(seed)
    Z, _ = gmm_latents(n, rng)
    X1, X2, _ = make_modalities(Z, d_m, rng)
    return X1, X2


def test_contrastive_baseline_aligns_directions():
    torch.set_num_threads(1)
    X1, X2 = pair()
    c = ContrastiveAligner(2, steps=60, batch_size=64, seed=0).fit(X1, X2)
    Z1, Z2 = c.transform(X1, X2)
    assert Z1.shape == Z2.shape == (2, 400) and len(c.losses_) == 60
    assert c.losses_[-1] < c.losses_[0]
    rng = np.random.default_rng(5)
    assert ncmae(Z1, Z2) < ncmae(rng.standard_normal((2, 400)), rng.standard_normal((2, 400)))


def test_same_seed_same_maps():
    X1, X2 = pair(n=100)
    a, b = (ContrastiveAligner(2, steps=5, batch_size=16, seed=3).fit(X1, X2) for _ in range(2))
    np.testing.assert_array_equal(a.A1_, b.A1_)
    np.testing.assert_array_equal(a.A2_, b.A2_)


@pytest.mark.parametrize("call, match", [
    (lambda X1, X2: ContrastiveAligner(2, batch_size=1).fit(X1, X2), "batch_size must be >= 2"),
    (lambda X1, X2: ContrastiveAligner(5).fit(X1, X2), "k must be"),
    (lambda X1, X2: ContrastiveAligner(2).transform(X1, X2), "not fitted"),
])
def test_bad_inputs_raise(call, match):
    X1, X2 = pair(n=20)
    with pytest.raises(ValueError, match=match):
        call(X1, X2)
