"""The Reynolds sweep's hold-out protocol and wake read-out."""

import numpy as np
import pytest

from lambdalib.book.profiles import get_sizes
from lambdalib.papers.conda.flow_sweep import holdout, wake_asymmetry


def test_wake_asymmetry_separates_mirror_symmetry():
    f = np.random.default_rng(4).standard_normal((2, 8, 16))
    anti = f - f[:, ::-1]
    assert np.allclose(wake_asymmetry(anti), 0.0)
    assert (wake_asymmetry(f) > 0.5).all()


def test_holdout_protocol():
    held = holdout(100, get_sizes("conda.flow", "quick"))
    assert not set(held["block"]) & set(held["sparse"])
    assert np.all(np.diff(held["block"]) == 1)
    gaps = np.abs(held["sparse"][:, None] - held["block"][None]).min(1)
    assert (gaps >= 4).all()
    with pytest.raises(ValueError, match="profile"):
        get_sizes("conda.flow", "huge")
