"""LaMbDA's sizes and the seeding helpers: bad input is refused with a clear message."""

import pytest
import torch

from lambdalib.book.profiles import get_sizes
from lambdalib.core.seed import resolve_device, set_seed
from lambdalib.papers.lambda_ts.sizes import GaitSizes, Profile, run_sizes


def get_profile(name, **overrides):
    return get_sizes("lambda_ts.synthetic", name, **overrides)


def test_known_profiles_and_overrides():
    assert get_sizes("lambda_ts.synthetic", "paper").d_model == 128
    assert get_sizes("lambda_ts.synthetic", "paper").n_enc_layers == 4
    assert get_sizes("lambda_ts.synthetic", "quick", steps=5).steps == 5


def test_gait_sizes_are_the_synthetic_ones_with_the_gait_changes():
    for profile, changed in (("quick", {"subsample", "window", "align_window", "steps"}),
                             ("paper", set())):                  # the paper uses L = 300, S = 30 for both
        gait, synthetic = get_sizes("lambda_ts.gait", profile), get_sizes("lambda_ts.synthetic", profile)
        assert isinstance(gait, GaitSizes) and isinstance(gait, Profile)
        differ = {k for k, v in run_sizes(gait).items() if getattr(synthetic, k) != v}
        assert differ == changed
        assert set(run_sizes(gait)) == set(synthetic.to_dict())     # fold counts are not run sizes
    quick = get_sizes("lambda_ts.gait", "quick")
    assert (quick.n_folds, quick.n_probe_folds, quick.n_strides) == (3, 3, 12)   # >= 3: a t-interval
    assert get_sizes("lambda_ts.gait_data", "quick").n_strides == 20


@pytest.mark.parametrize("experiment, name, kwargs, match", [
    ("lambda_ts.synthetic", "fast", {}, r"profile must be one of \('quick', 'paper'\)"),
    ("lambda_ts.synthetic", "quick", dict(stepz=3), "unknown fields"),
    ("lambda_ts.synthetic", "quick", dict(steps=0), "steps must be a positive int"),
    ("lambda_ts.synthetic", "quick", dict(schedule="sigmoid"), "schedule must be one of"),
    ("lambda_ts.synthetic", "quick", dict(align_window=100), "align_window"),
    ("lambda_ts.synthetic", "quick", dict(n_heads=3), "divisible by n_heads"),
    ("lambda_ts.gait", "quick", dict(n_folds=0), "n_folds must be a positive int"),
    ("lambda_ts.gait", "quick", dict(n_probe_folds=4), "n_probe_folds"),
])
def test_bad_profile_values(experiment, name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        get_sizes(experiment, name, **kwargs)


def test_seed_and_device():
    g = set_seed(5)
    a = torch.rand(3)
    set_seed(5)
    assert torch.equal(a, torch.rand(3)) and torch.get_num_threads() == 1
    assert isinstance(g, torch.Generator)
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in {"cpu", "cuda"}
    with pytest.raises(ValueError, match="device must be one of"):
        resolve_device("tpu")
    with pytest.raises(ValueError, match="seed must be"):
        set_seed(-1)
