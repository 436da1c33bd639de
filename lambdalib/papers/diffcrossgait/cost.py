"""Training and inference cost of DiffCrossGait against Base (DiffCrossGait section 4.3 and Tab. 4:
the branch costs training time only; inference runs Base's graph).

Two measures: counted floating-point operations (``torch.utils.flop_counter``), exact and
independent of the machine's load, and wall-time ratios, which a shared machine makes noisy.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import torch

from lambdalib.core.seed import set_seed
from lambdalib.data.gait.render import RenderedGait
from lambdalib.papers.diffcrossgait.branch import DiffConfig, variant_config
from lambdalib.papers.diffcrossgait.evaluation import encode_split
from lambdalib.papers.diffcrossgait.recognition import GaitBase, GaitConfig, PairSampler
from lambdalib.papers.diffcrossgait.sizes import Sizes
from lambdalib.papers.diffcrossgait.train import build, training_loss

__all__ = ["flops", "counted_flops", "flop_ratios", "inference_ratio", "timing_ratios"]


def flops(train_data: RenderedGait, test_data: RenderedGait, sizes: Sizes, config: DiffConfig, *,
          seed: int = 0) -> dict[str, float]:
    """Counted FLOPs (``torch.utils.flop_counter``) of the first training step of ``seed``
    (forward + backward) and of encoding one test sequence in each modality: the cost that
    timings on a shared machine measure noisily."""
    from torch.utils.flop_counter import FlopCounterMode

    gen_torch = set_seed(seed, threads=torch.get_num_threads())
    base, gen, diffusion, bounds = build(train_data.sil.shape[0], sizes, config)
    batch = PairSampler(train_data.sil, train_data.rng, sizes.P, sizes.K, sizes.frames).sample(np.random.default_rng(seed))
    with FlopCounterMode(display=False) as train_count:
        training_loss(base, gen, diffusion, bounds, batch, gen_torch)[0].backward()
    base.eval()
    with FlopCounterMode(display=False) as infer_count, torch.no_grad():
        for m, arr in (("2d", test_data.sil), ("3d", test_data.rng)):
            base.encode(torch.from_numpy(arr[:1, 0]), m)
    return {"train_step": float(train_count.get_total_flops()), "inference": float(infer_count.get_total_flops())}


def counted_flops(train_data: RenderedGait, test_data: RenderedGait, sizes: Sizes, seeds: list[int], *,
                  variants: tuple[str, ...] = ("base", "full")) -> pd.DataFrame:
    """:func:`flops` of every variant on every seed: columns ``variant, seed, train_step, inference``."""
    return pd.DataFrame([{"variant": v, "seed": s, **flops(train_data, test_data, sizes, variant_config(v), seed=s)}
                         for v in variants for s in seeds])


def flop_ratios(counted: pd.DataFrame, treatment: str = "full", baseline: str = "base") -> pd.DataFrame:
    """Per seed (index), ``treatment`` / ``baseline`` of the :func:`counted_flops` columns
    ``train_step`` and ``inference``."""
    cols = ["train_step", "inference"]
    return (counted[counted.variant == treatment].set_index("seed")[cols]
            / counted[counted.variant == baseline].set_index("seed")[cols])


@torch.no_grad()
def inference_ratio(state_base: dict, state_full: dict, sizes: Sizes, test: RenderedGait, *, repeats: int = 5) -> float:
    """Full / Base wall time of encoding the test set, the two timed alternately in this
    process (best of ``repeats`` each). Both are :class:`GaitBase` models: Full's inference is
    Base's graph with other weights."""
    models = []
    for state in (state_base, state_full):
        m = GaitBase(GaitConfig(n_classes=state["classifier"].shape[-1], channels=sizes.channels, d=sizes.d))
        m.load_state_dict(state)
        models.append(m.eval())
    best = [math.inf, math.inf]
    for _ in range(repeats):
        for i, m in enumerate(models):
            start = time.perf_counter()
            encode_split(m, test)
            best[i] = min(best[i], time.perf_counter() - start)
    return best[1] / best[0]


def timing_ratios(results: list[dict], sizes: Sizes, test: RenderedGait) -> pd.DataFrame:
    """Per seed that ran both Full and Base (index): Full / Base median training-step wall time,
    and of encoding the test set (:func:`inference_ratio`)."""
    by = {(r["variant"], r["seed"]): r for r in results}
    seeds = [s for v, s in by if v == "full" and ("base", s) in by]
    return pd.DataFrame({
        "training step, Full / Base": [by[("full", s)]["step_sec"] / by[("base", s)]["step_sec"] for s in seeds],
        "inference, Full / Base": [inference_ratio(by[("base", s)]["state"], by[("full", s)]["state"], sizes, test)
                                   for s in seeds]}, index=pd.Index(seeds, name="seed"))
