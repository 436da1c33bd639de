"""Timing benchmarks for the foundation (a script, not a test): run `make bench`.

Prints
1. each chapter's execution time, as papermill recorded it in the committed notebook;
2. the pair trainer's step time with and without the LaMbDA alignment losses;
3. DDPM (all T steps) against DDIM at T/10 and T/20 steps on one trained Lorenz pair:
   sampling wall time and test MSE.
All at the quick profile, single-threaded torch (lambdalib.core.seed.set_seed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch

from lambdalib.book.profiles import get_sizes
from lambdalib.core.diffusion import GaussianDiffusion
from lambdalib.core.seed import set_seed
from lambdalib.data.dynamics import make_pair_dataset
from lambdalib.papers.lambda_ts.denoiser import ConditionalDenoiser, DenoiserConfig
from lambdalib.papers.lambda_ts.experiment import run_pair
from lambdalib.papers.lambda_ts.trainer import PairTrainer, TrainConfig

ROOT = Path(__file__).resolve().parents[1]


def chapter_times() -> None:
    print("== chapter execution time (papermill, committed notebooks)")
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        meta = json.loads(nb.read_text())["metadata"].get("papermill", {})
        duration = meta.get("duration")
        print(f"  {nb.stem:<12} {duration / 60:6.2f} min" if duration else f"  {nb.stem:<12} (not run by papermill)")


def step_times(steps: int) -> None:
    print(f"== trainer step time, quick profile, median of {steps} steps after 20 warm-up steps")
    P = get_sizes("lambda_ts.synthetic", "quick")
    data = make_pair_dataset("lorenz", P)
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    times = {}
    for align in (False, True):
        set_seed(0)
        trainer = PairTrainer(ConditionalDenoiser(DenoiserConfig.from_profile(P, 1, 1)),
                              ConditionalDenoiser(DenoiserConfig.from_profile(P, 1, 1)),
                              GaussianDiffusion(P.timesteps), TrainConfig.from_profile(P, align=align),
                              device="cpu")
        trainer.generator.manual_seed(0)
        for _ in range(20):
            trainer._step(x, y)
        samples = []
        for _ in range(steps):
            start = time.perf_counter()
            trainer._step(x, y)
            samples.append(time.perf_counter() - start)
        times[align] = statistics.median(samples)
        print(f"  align={align!s:<5} {1000 * times[align]:7.1f} ms/step")
    print(f"  alignment overhead: {100 * (times[True] / times[False] - 1):+.1f}%")


def sampler_times() -> None:
    print("== DDPM vs DDIM on one trained Lorenz pair (quick profile, w/o alignment, seed 0)")
    P = get_sizes("lambda_ts.synthetic", "quick")
    data = make_pair_dataset("lorenz", P)
    table = run_pair("lorenz", profile=P, variant="w/o align", align=False, seed=0, device="cpu", data=data, progress=False,
                     ddim_fractions=(10, 20)).samplers
    print(table.round(4).to_string(index=False))
    totals = table.groupby(["sampler", "steps"])[["seconds"]].sum()
    ddpm = totals.loc[("DDPM", P.timesteps), "seconds"]
    for (sampler, steps), row in totals.iterrows():
        print(f"  {sampler} {steps:>4} steps: {row.seconds:6.2f} s  speed-up over DDPM {ddpm / row.seconds:5.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="timed trainer steps per variant")
    args = parser.parse_args()
    chapter_times()
    step_times(args.steps)
    sampler_times()
