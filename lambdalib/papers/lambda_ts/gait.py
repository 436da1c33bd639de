"""LaMbDA's gait data (LaMbDA-long section 4, A.6.1): modalities, pairs and leave-one-subject-out folds.

Sagittal joint angles of hip, knee and ankle, their joint moments, and the GRF (fore-aft and
vertical) of the right leg; windows of two strides (300 samples) with 50% overlap
(:func:`lambdalib.data.gait.stride_windows`), each channel z-scored with the training subjects'
statistics. The sizes are ``get_sizes("lambda_ts.gait", profile)``
(:class:`~lambdalib.papers.lambda_ts.sizes.GaitSizes`): the quick profile averages every 10
samples (windows of 30) and holds out 3 subjects, not 10. Training on the folds is
:mod:`lambdalib.papers.lambda_ts.gait_runs`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lambdalib.book.profiles import get_sizes
from lambdalib.core.checks import check_choice
from lambdalib.data.gait import GaitData, load_gait, stride_windows
from lambdalib.papers.lambda_ts.sizes import GaitSizes

__all__ = ["MODALITIES", "PAIRS", "UNITS", "RAW_WINDOW", "GaitFold", "gait_sizes", "cohort", "held_out_subjects",
           "make_fold"]

SIDE = "right"
# Channels of each modality (paths of lambdalib.data.gait.schema's layout), sagittal plane.
MODALITIES = {
    "angles": tuple(f"kinematics/jointangles/{SIDE}/{j}/x" for j in ("hip", "knee", "ankle")),
    "moments": tuple(f"kinetics/jointmoment/{SIDE}/{j}/x" for j in ("hip", "knee", "ankle")),
    "GRF": tuple(f"kinetics/forceplate/{SIDE}/force/{a}" for a in ("x", "z")),
}
UNITS = {"angles": "deg", "moments": "N mm / kg", "GRF": "N"}
# LaMbDA's three modality pairs, (X, Y): p(X|Y) generates X.
PAIRS = {"angles-moments": ("angles", "moments"), "angles-GRF": ("angles", "GRF"),
         "moments-GRF": ("moments", "GRF")}
RAW_WINDOW = 300  # two strides of 150 phase samples (LaMbDA-long section 4)


def gait_sizes(profile: str) -> GaitSizes:
    """``get_sizes("lambda_ts.gait", profile)``."""
    return get_sizes("lambda_ts.gait", profile)


@dataclass
class GaitFold:
    """One leave-subject-out fold of one modality pair, z-scored with the training statistics."""

    pair: str
    held_out: str
    x_train: np.ndarray          # (N, L, c_X) float32
    y_train: np.ndarray          # (N, L, c_Y)
    x_test: np.ndarray           # (M, L, c_X), the held-out subject
    y_test: np.ndarray           # (M, L, c_Y)
    labels_train: pd.DataFrame   # subject, task, speed, incline per training window
    labels_test: pd.DataFrame
    mean: np.ndarray             # (c_X + c_Y,) training means, data units
    std: np.ndarray              # (c_X + c_Y,) training standard deviations


@functools.lru_cache(maxsize=2)
def _cohort(source: str, data_seed: int, n_strides: int) -> GaitData:
    """The gait data, loaded once per process (workers reuse it across runs)."""
    if source == "simulated":
        return load_gait("simulated", seed=data_seed, n_strides=n_strides)
    return load_gait(source)


def cohort(profile: str, source: str = "simulated", data_seed: int = 0) -> GaitData:
    """The gait data of ``profile`` (its ``n_strides`` simulated strides per subject and task)."""
    return _cohort(source, data_seed, gait_sizes(profile).n_strides)


def held_out_subjects(profile: str, source: str = "simulated", data_seed: int = 0, n: int | None = None) -> list[str]:
    """The first ``n`` subjects (default the profile's ``n_folds``): each is one fold's test subject."""
    subjects = cohort(profile, source, data_seed).subject_names
    n = gait_sizes(profile).n_folds if n is None else n
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(subjects):
        raise ValueError(f"n (held-out subjects) must be an int in 1..{len(subjects)}, got {n!r}")
    return subjects[:n]


def make_fold(pair: str, held_out: str, profile: str, *, source: str = "simulated", data_seed: int = 0) -> GaitFold:
    """Windows of ``pair`` with ``held_out`` as the test subject (``(b, L, c)`` channel-last)."""
    x_name, y_name = PAIRS[check_choice("pair", pair, tuple(PAIRS))]
    sizes = gait_sizes(profile)
    data = cohort(profile, source, data_seed)
    check_choice("held_out", held_out, data.subject_names)
    channels = MODALITIES[x_name] + MODALITIES[y_name]
    windows, labels = stride_windows(data, channels, window=RAW_WINDOW, overlap=0.5)    # (B, 300, c)
    b, n, c = windows.shape
    k = sizes.subsample
    windows = windows[:, : n - n % k].reshape(b, n // k, k, c).mean(axis=2)            # (B, L, c)
    test = (labels["subject"] == held_out).to_numpy()
    mean, std = windows[~test].mean(axis=(0, 1)), windows[~test].std(axis=(0, 1))
    z = ((windows - mean) / std).astype(np.float32)
    cx = len(MODALITIES[x_name])
    return GaitFold(pair, held_out, z[~test, :, :cx], z[~test, :, cx:], z[test, :, :cx], z[test, :, cx:],
                    labels[~test].reset_index(drop=True), labels[test].reset_index(drop=True), mean, std)

