"""The PA chapter's sizes (lambdalib.papers.perfect_alignment.sizes): registered, checked."""

from __future__ import annotations

import pytest

from lambdalib.book.profiles import PROFILE_NAMES, experiments, get_sizes
from lambdalib.papers.perfect_alignment.sizes import SyntheticSizes, TransferSizes


def test_both_experiments_registered_at_every_profile():
    assert {"perfect_alignment.synthetic", "perfect_alignment.transfer"} <= set(experiments())
    for profile in PROFILE_NAMES:
        assert isinstance(get_sizes("perfect_alignment.synthetic", profile), SyntheticSizes)
        assert isinstance(get_sizes("perfect_alignment.transfer", profile), TransferSizes)
    assert get_sizes("perfect_alignment.synthetic", "quick").n == 2000          # PA section 3.1


@pytest.mark.parametrize("experiment, overrides, match", [
    ("perfect_alignment.synthetic", dict(), r"profile must be one of \('quick', 'paper'\)"),
    ("perfect_alignment.synthetic", dict(n=0), "SyntheticSizes.n must be a positive int"),
    ("perfect_alignment.synthetic", dict(sweep_k=()), "SyntheticSizes.sweep_k"),
    ("perfect_alignment.synthetic", dict(sweep_d=(2, 1.5)), "SyntheticSizes.sweep_d"),
    ("perfect_alignment.transfer", dict(steps=True), "TransferSizes.steps"),
])
def test_bad_sizes_raise(experiment, overrides, match):
    profile = "huge" if not overrides else "quick"
    with pytest.raises(ValueError, match=match):
        get_sizes(experiment, profile, **overrides)
