"""lambdalib.papers.diffcrossgait.recognition: Base (DiffCrossGait eq. 1-5) and retrieval."""

import numpy as np
import pytest
import torch

from lambdalib.papers.diffcrossgait.recognition import GaitBase, GaitConfig, cross_modal_triplet, hpp, rank_k


def test_joint_batch_bnneck_keeps_the_modality_gap():
    torch.manual_seed(0)
    model = GaitBase(GaitConfig(n_classes=3, channels=(8, 16, 16), d=8)).train()
    e2 = torch.randn(10, model.config.parts, 8)
    e3 = e2 + 3.0                                                      # a pure modality offset
    model.logits(e2, e3)
    joint = torch.cat([e2, e3]).reshape(20, -1)
    # running mean moved toward the joint batch's mean (momentum 0.1 from 0)
    torch.testing.assert_close(model.bnneck.running_mean, 0.1 * joint.mean(0))
    # normalising over the joint batch leaves the two modalities apart; per-modality BN would not
    g = model.bnneck(joint).reshape(2, 10, -1)
    assert (g[1].mean(0) - g[0].mean(0)).abs().min() > 1.0


def test_triplet_matches_a_slow_loop():
    torch.manual_seed(1)
    fa, fb = torch.randn(6, 2, 3), torch.randn(6, 2, 3)
    y = torch.tensor([0, 0, 1, 1, 2, 2])
    got = cross_modal_triplet(fa, fb, y, 0.3)
    losses = []
    for p in range(2):
        for a_set, b_set in ((fa, fb), (fb, fa)):
            for i in range(6):
                for j in range(6):
                    for k in range(6):
                        if y[i] == y[j] and y[i] != y[k]:
                            l = 0.3 + (a_set[i, p] - b_set[j, p]).norm() - (a_set[i, p] - b_set[k, p]).norm()
                            losses.append(max(float(l), 0.0))
    active = [l for l in losses if l > 0]
    assert float(got) == pytest.approx(np.mean(active), rel=1e-5)


def test_hpp_shapes_and_rank_k_by_hand():
    assert hpp(torch.randn(2, 5, 8, 6), (1, 2, 4)).shape == (2, 7, 5)
    gallery = torch.tensor([[[0.0]], [[1.0]], [[5.0]]])                  # ids 0, 1, 2
    probe = torch.tensor([[[0.9]], [[4.0]]])                              # nearest: id 1, then id 2
    hits = rank_k(probe, np.array([0, 2]), gallery, np.array([0, 1, 2]), ks=(1, 2))
    assert hits["rank1"].tolist() == [False, True] and hits["rank2"].tolist() == [True, True]
