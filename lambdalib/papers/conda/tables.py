"""The chapter's tables, built from the per-seed results of :func:`~lambdalib.papers.conda.pipeline.run_flow`
and :func:`~lambdalib.papers.conda.motions.run_motions` (one dict per seed, with its ``seed``).

Every table keeps the seeds apart where a claim needs per-seed values (:func:`per_seed`,
:func:`seed_columns`); the claims helper reads the same tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdalib.core.metrics import plateau_ratio

__all__ = ["stack", "timing_table", "convergence_table", "roundtrip_table", "traversal_table", "per_seed",
           "svm_table", "svm_by_pair", "ablation_table", "ortho_table", "seed_columns", "by_seed"]


def stack(results: list[dict], key: str) -> pd.DataFrame:
    """The ``key`` table of every seed, one below the other, with a ``seed`` column."""
    return pd.concat([r[key].assign(seed=r["seed"]) for r in results])


def timing_table(results: list[dict]) -> pd.DataFrame:
    """Seconds per stage (rows) and seed (columns)."""
    return pd.DataFrame({r["seed"]: r["timing"] for r in results})


def convergence_table(results: list[dict]) -> pd.DataFrame:
    """:func:`~lambdalib.core.metrics.plateau_ratio` of every trained model (columns) per seed (rows)."""
    def ratio(loss):
        return plateau_ratio(loss if isinstance(loss, pd.DataFrame) else pd.DataFrame({"loss": loss}), "loss")
    return pd.DataFrame({
        "denoiser": [ratio(r["denoiser_loss"]) for r in results],
        "CEBRA": [ratio(r["cebra_loss"]) for r in results],
        **{f"LSTM ({space})": [ratio(r["lstm_loss"][space]) for r in results] for space in ("raw x_T", "embedding")},
        "beta-VAE": [ratio(r["vae_loss"]) for r in results],
    }, index=[f"seed {r['seed']}" for r in results])


def roundtrip_table(results: list[dict]) -> pd.DataFrame:
    """Mean DDIM round trip PSNR / SSIM, autoencoder ceiling and x_T spread per (seed, split)."""
    return stack(results, "roundtrip").groupby(["seed", "split"])[["psnr", "ssim", "ae_psnr", "x_T_std"]].mean()


def traversal_table(results: list[dict]) -> pd.DataFrame:
    """Mean PSNR, SSIM and nRMSE over seeds per (protocol, space, method), in run order."""
    trav = stack(results, "traversal")
    return trav.groupby(["protocol", "space", "method"], sort=False)[["psnr", "ssim", "nrmse"]].mean()


def per_seed(results: list[dict], protocol: str, space: str, method: str, col: str = "psnr") -> np.ndarray:
    """One traversal score per seed (seed order) for one (protocol, space, method)."""
    trav = stack(results, "traversal")
    sel = trav[(trav.protocol == protocol) & (trav.space == space) & (trav.method == method)]
    return sel.sort_values("seed")[col].to_numpy()


def svm_table(results: list[dict], sort: bool = True) -> pd.DataFrame:
    """Mean SVM accuracy over folds per seed (rows) and (kernel, space) (columns)."""
    svm = stack(results, "svm")
    return svm.groupby(["seed", "kernel", "space"], sort=sort).accuracy.mean().unstack(["kernel", "space"])


def svm_by_pair(results: list[dict]) -> pd.DataFrame:
    """Mean SVM accuracy over seeds per held-out Re pair (rows) and (kernel, space) (columns)."""
    svm = stack(results, "svm")
    return svm.groupby(["held_out_re", "kernel", "space"]).accuracy.mean().unstack(["kernel", "space"])


def ablation_table(results: list[dict]) -> pd.DataFrame:
    """Mean and sd over seeds of the block prediction PSNR / SSIM per code (ConDA Table 2)."""
    return stack(results, "ablation").groupby("method", sort=False)[["psnr", "ssim"]].agg(["mean", "std"])


def ortho_table(results: list[dict]) -> pd.DataFrame:
    """Mean |cos| of the time and Re directions and its chance level per space (ConDA Table 6)."""
    return stack(results, "ortho").groupby(["space", "dim"], sort=False)[["cos", "random_median"]].mean()


def seed_columns(table: pd.DataFrame) -> dict:
    """``{column: per-seed values}`` of a table with one row per seed."""
    return {k: table[k].to_numpy() for k in table.columns}


def by_seed(results: list[dict], key: str, group: str, col: str) -> dict:
    """``{group value: per-seed values of col}`` from the ``key`` table (one row per seed and group)."""
    return {g: sub.sort_values("seed")[col].to_numpy() for g, sub in stack(results, key).groupby(group)}
