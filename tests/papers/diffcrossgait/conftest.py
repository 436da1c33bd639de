"""Shared fixtures of the DiffCrossGait tests: tiny sizes, their rendered split, fabricated runs."""

import pandas as pd
import pytest

from lambdalib.data.gait.render import RenderConfig
from lambdalib.papers.diffcrossgait.sizes import Sizes
from lambdalib.papers.diffcrossgait.train import rendered_split

TINY = Sizes(render=RenderConfig(n_identities=8, n_frames=4), n_train=5, channels=(8, 16, 16), d=8,
             steps=3, P=4, K=2, frames=3, lr=1e-3, weight_decay=0.0,
             every_seed=("base", "full"), first_seed=("p1",), sensitivity=("T=50",), diagnosed=("full", "p1"))


@pytest.fixture(scope="session")
def tiny():
    return TINY


@pytest.fixture(scope="session")
def split():
    return rendered_split(TINY.render, TINY.n_train, 0)


def fake_run(variant: str, seed: int, value: float) -> dict:
    """A run whose cross-modal rank-1 is ``value``: 2d->3d = value - 1, 3d->2d = value + 1."""
    metrics = pd.DataFrame({"direction": ["2d->3d", "3d->2d", "2d->2d", "3d->3d"], "condition": "all",
                            "rank1": [value - 1, value + 1, 99.0, 98.0], "rank5": [value, value, 100.0, 100.0]})
    return {"variant": variant, "seed": seed, "metrics": metrics}


@pytest.fixture
def fake_results():
    """``fake_results({"full": [30, 32, 28], ...})``: one fabricated run per (variant, seed)."""
    return lambda values: [fake_run(v, s, x) for v, per_seed in values.items() for s, x in enumerate(per_seed)]
