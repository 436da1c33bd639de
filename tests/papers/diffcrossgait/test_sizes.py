"""lambdalib.papers.diffcrossgait.sizes: both experiments in the one sizes registry, no pseudo-profile."""

from dataclasses import replace

import pytest

from lambdalib.book.profiles import PROFILE_NAMES, experiments, get_sizes
from lambdalib.data.gait.render import RenderConfig
from lambdalib.papers.diffcrossgait.branch import SENSITIVITY
from lambdalib.papers.diffcrossgait.sizes import Sizes

RUNS = dict(every_seed=(), first_seed=(), sensitivity=(), diagnosed=())


def test_both_experiments_registered_at_both_profiles():
    assert {"diffcrossgait.main", "diffcrossgait.ablations"} <= set(experiments())
    for experiment in ("diffcrossgait.main", "diffcrossgait.ablations"):
        for profile in PROFILE_NAMES:
            assert isinstance(get_sizes(experiment, profile), Sizes)
        with pytest.raises(ValueError, match="profile"):
            get_sizes(experiment, "ablation")


def test_ablation_sizes_and_runs():
    main, abl = get_sizes("diffcrossgait.main", "quick"), get_sizes("diffcrossgait.ablations", "quick")
    assert replace(abl, steps=main.steps, **RUNS) == replace(main, **RUNS) and abl.steps < main.steps
    assert replace(get_sizes("diffcrossgait.ablations", "paper"), **RUNS) == replace(
        get_sizes("diffcrossgait.main", "paper"), **RUNS)
    assert abl.every_seed == ("full", "independent_noise", "independent_denoiser") and not abl.first_seed
    assert abl.sensitivity == tuple(SENSITIVITY) and not abl.diagnosed
    assert main.every_seed == ("base", "full", "p1") and main.first_seed == ("independent_denoiser",)


def test_sizes_reject_unknown_runs_and_splits():
    with pytest.raises(ValueError, match="every_seed"):
        Sizes(render=RenderConfig(n_identities=8), n_train=5, channels=(8, 8, 8), d=8, steps=1, P=2, K=2,
              frames=2, lr=1e-3, weight_decay=0.0, every_seed=("p4",))
    with pytest.raises(ValueError, match="n_train"):
        Sizes(render=RenderConfig(n_identities=8), n_train=8, channels=(8, 8, 8), d=8, steps=1, P=2, K=2,
              frames=2, lr=1e-3, weight_decay=0.0)
