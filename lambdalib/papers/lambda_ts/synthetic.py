"""The synthetic-systems study of LaMbDA Table 2: runs over seeds, a tidy table, the claims.

Shared by the Lorenz and double-pendulum chapters; each cell of Table 2 is one
:func:`~lambdalib.papers.lambda_ts.experiment.run_pair` per seed and variant.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from lambdalib.book.claims import Claim, compare, threshold
from lambdalib.book.sweep import expand_grid, sweep
from lambdalib.core.metrics import plateau_ratio
from lambdalib.core.seed import resolve_device
from lambdalib.data.dynamics import PairedWindows, make_pair_dataset
from lambdalib.papers.lambda_ts.experiment import DIRECTIONS, PairResult, run_pair
from lambdalib.papers.lambda_ts.sizes import get_profile

__all__ = ["PAPER_TABLE2", "VARIANTS", "table2_task", "run_table2", "results_frame", "table2_claims",
           "data_fingerprint", "sampler_table", "sampler_claims", "variant_name", "latent_variance_ratio", "ddim_summary"]

# LaMbDA Table 2 (long paper; the same numbers in the short paper's Table 2): test MSE
# (w/o align, LaMbDA) per system and direction. Reference values only: ours are computed.
PAPER_TABLE2 = {
    ("lorenz", "X|Y"): (0.678, 0.425), ("lorenz", "Y|X"): (0.135, 0.004),
    ("pendulum_nonchaotic", "X|Y"): (2.5e-3, 2.5e-3), ("pendulum_nonchaotic", "Y|X"): (6.6e-3, 6.4e-3),
    ("pendulum_chaotic", "X|Y"): (0.042, 0.028), ("pendulum_chaotic", "Y|X"): (0.031, 0.021),
}

# The two columns of Table 2. Both keep mutual conditioning and the energy terms.
VARIANTS = {"w/o align": False, "LaMbDA": True}


def table2_task(system: str, profile: str, aligned: bool, seed: int, device: str = "auto",
                compare_samplers: bool = False) -> dict:
    """One Table 2 run, as a :func:`~lambdalib.book.sweep.sweep` task: ``{"result": PairResult}``."""
    result = run_pair(system, profile=get_profile(profile), aligned=aligned, seed=seed, device=device,
                      progress=False, ddim_fractions=(10, 20) if compare_samplers else ())
    return {"result": result}


def run_table2(system: str, profile: str, seeds: list[int], *, device: str = "auto",
               compare_samplers: bool = False, scheduler=None, cache_dir=None) -> list[PairResult]:
    """Train every (seed, variant) pair for ``system``; one :class:`PairResult` each, seed-major.

    Runs go through :func:`~lambdalib.book.sweep.sweep`: ``scheduler`` None starts one single-thread
    worker process per core, ``"serial"`` runs them here one after the other, and a Dask
    ``Client`` or scheduler address runs them on that cluster; the numbers are the same in every
    case. With ``cache_dir``, finished runs are kept and not run again (keyed by the config,
    the data fingerprint and the lambdalib version).
    """
    grid = {"seed": list(seeds), "aligned": list(VARIANTS.values())}
    fixed = {"system": system, "profile": profile, "device": device, "compare_samplers": compare_samplers}
    configs = [{**fixed, **c} for c in expand_grid(grid)]
    fingerprint = data_fingerprint(make_pair_dataset(system, get_profile(profile))) + json.dumps(
        get_profile(profile).to_dict(), sort_keys=True)
    table = sweep(table2_task, configs, client=scheduler, cache_dir=cache_dir, fingerprint=fingerprint,
                  gpu=resolve_device(device).type == "cuda")
    return list(table["result"])


def data_fingerprint(data: PairedWindows) -> str:
    """A short sha256 of every array of a dataset: the run cache's data version."""
    digest = hashlib.sha256()
    for arr in (data.x_train, data.y_train, data.x_test, data.y_test):
        digest.update(arr.tobytes())
    return digest.hexdigest()[:16]


def variant_name(result: PairResult) -> str:
    """The Table 2 column a run belongs to: "w/o align" or "LaMbDA"."""
    return next(name for name, aligned in VARIANTS.items() if aligned == result.aligned)


def results_frame(results: list[PairResult]) -> pd.DataFrame:
    """One row per (system, variant, seed, direction): test MSE, convergence ratio, train time."""
    rows = []
    for r in results:
        for direction, column in zip(DIRECTIONS, ("den_x", "den_y")):
            rows.append({"system": r.system, "variant": variant_name(r), "seed": r.seed, "direction": direction,
                         "mse": r.mse[direction], "plateau": plateau_ratio(r.history, column),
                         "train_s": r.train_seconds})
    return pd.DataFrame(rows)


def table2_claims(chapter: str, frame: pd.DataFrame, label: str) -> list[Claim]:
    """One claim per (system, direction): "LaMbDA lowers the test MSE", paired over seeds."""
    claims = []
    for (system, direction), cell in frame.groupby(["system", "direction"], sort=False):
        by_variant = cell.pivot(index="seed", columns="variant", values="mse")
        paper_without, paper_with = PAPER_TABLE2[(system, direction)]
        claims.append(compare(chapter, f"{label} {direction}: LaMbDA lowers test MSE",
                              by_variant["w/o align"].to_numpy(), by_variant["LaMbDA"].to_numpy(),
                              direction="lower", paper_baseline=paper_without, paper_treatment=paper_with))
    return claims


def sampler_table(results: list[PairResult]) -> pd.DataFrame:
    """Every run's DDPM-vs-DDIM rows (:func:`~lambdalib.papers.lambda_ts.experiment.sampler_comparison`), with
    the run's seed and variant."""
    return pd.concat([r.samplers.assign(seed=r.seed, variant=variant_name(r)) for r in results],
                     ignore_index=True)


def sampler_claims(chapter: str, comparison: pd.DataFrame, fraction: int = 20) -> list[Claim]:
    """The foundation's accuracy target for DDIM at T/``fraction`` steps: an MSE within 5% of
    the full DDPM chain (ratio <= 1.05), per (seed, variant, direction) of a :func:`sampler_table`.

    The speed target (>= 15x faster) is reported by :func:`ddim_summary` and the benchmarks, not
    as a claim: wall times change from run to run, and a claims table must not.
    """
    key = ["seed", "variant", "direction"]
    ddpm = comparison[comparison.sampler == "DDPM"].set_index(key)
    steps = ddpm["steps"].iloc[0] // fraction
    ddim = comparison[(comparison.sampler == "DDIM") & (comparison.steps == steps)].set_index(key).loc[ddpm.index]
    return [threshold(chapter, f"DDIM at T/{fraction} steps: MSE / DDPM MSE <= 1.05",
                      (ddim["mse"] / ddpm["mse"]).to_numpy(), reference=1.05, direction="lower",
                      paper_text="target <= 1.05")]


def latent_variance_ratio(results: list[PairResult], column: str = "z_var_y", fraction: float = 0.1) -> float:
    """Within-window latent variance over the last ``fraction`` of training, LaMbDA over
    w/o align (summed over seeds). Far below 1: the alignment terms collapsed the latents."""
    def final(variant):
        return sum(r.history[column].iloc[-max(1, int(len(r.history) * fraction)):].mean()
                   for r in results if variant_name(r) == variant)
    return float(final("LaMbDA") / final("w/o align"))


def ddim_summary(comparison: pd.DataFrame, timesteps: int, fraction: int = 20) -> tuple[float, float]:
    """(speed-up, MSE ratio) of DDIM at T/``fraction`` steps over DDPM, from mean times and MSEs."""
    means = comparison.groupby(["sampler", "steps"])[["seconds", "mse"]].mean()
    ddpm, ddim = means.loc[("DDPM", timesteps)], means.loc[("DDIM", timesteps // fraction)]
    return float(ddpm["seconds"] / ddim["seconds"]), float(ddim["mse"] / ddpm["mse"])
