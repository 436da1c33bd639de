"""The sizes registry: every experiment has both profiles; bad names and fields are refused."""

from dataclasses import dataclass

import pytest

import lambdalib.papers.lambda_ts.sizes  # noqa: F401  (registers LaMbDA's sizes)
from lambdalib.book.profiles import (
    PROFILE_NAMES,
    experiments,
    get_sizes,
    profile_table,
    register,
)


@dataclass(frozen=True)
class _Toy:
    name: str
    n: int = 1


def test_register_and_read_back():
    register("test.toy", {"quick": _Toy("quick"), "paper": _Toy("paper", n=5)})
    assert "test.toy" in experiments()
    assert get_sizes("test.toy", "paper").n == 5 and get_sizes("test.toy", "quick", n=3).n == 3
    assert list(profile_table("test.toy").columns) == list(PROFILE_NAMES)
    with pytest.raises(ValueError, match="already registered"):
        register("test.toy", {"quick": _Toy("quick"), "paper": _Toy("paper")})


@pytest.mark.parametrize("sizes, match", [
    ({"quick": _Toy("quick")}, "exactly the profiles"),
    ({"quick": _Toy("quick"), "paper": _Toy("paper"), "ablation": _Toy("ablation")}, "exactly the profiles"),
    ({"quick": _Toy("quick"), "paper": {"n": 1}}, "dataclass instance"),
])
def test_register_refuses_pseudo_profiles_and_non_dataclasses(sizes, match):
    with pytest.raises(ValueError, match=match):
        register("test.bad", sizes)


@pytest.mark.parametrize("args, kwargs, match", [
    (("lambda_ts.synthetic", "fast"), {}, r"profile must be one of \('quick', 'paper'\)"),
    (("no_such_experiment", "quick"), {}, "experiment must be one of"),
    (("lambda_ts.synthetic", "quick"), {"stepz": 3}, "unknown fields"),
])
def test_get_sizes_refuses_bad_names(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        get_sizes(*args, **kwargs)
