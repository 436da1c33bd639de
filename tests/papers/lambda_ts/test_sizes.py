"""LaMbDA's sizes and the seeding helpers: bad input is refused with a clear message."""

import pytest
import torch

from lambdalib.core.seed import resolve_device, set_seed
from lambdalib.papers.lambda_ts.sizes import get_profile


def test_known_profiles_and_overrides():
    assert get_profile("paper").d_model == 128 and get_profile("paper").n_enc_layers == 4
    assert get_profile("quick", steps=5).steps == 5


@pytest.mark.parametrize("kwargs, match", [
    (dict(name="fast"), r"profile must be one of \('quick', 'paper'\)"),
    (dict(name="quick", stepz=3), "unknown fields"),
    (dict(name="quick", steps=0), "steps must be a positive int"),
    (dict(name="quick", schedule="sigmoid"), "schedule must be one of"),
    (dict(name="quick", align_window=100), "align_window"),
    (dict(name="quick", n_heads=3), "divisible by n_heads"),
])
def test_bad_profile_values(kwargs, match):
    name = kwargs.pop("name")
    with pytest.raises(ValueError, match=match):
        get_profile(name, **kwargs)


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
