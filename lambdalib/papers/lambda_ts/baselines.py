"""Trivial cross-modal predictors: the floor any generative model must beat.

Each maps condition windows to target windows, both ``(b, n, c)`` z-scored with training
statistics, and is fitted (where it is fitted at all) on the training windows only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV

from lambdalib.core.metrics import mse

__all__ = ["baseline_predictions", "baseline_table"]


def baseline_predictions(cond_train: np.ndarray, target_train: np.ndarray, cond_test: np.ndarray,
                         target_channels: int) -> dict[str, np.ndarray]:
    """Predictions ``(b, n, c_target)`` of four trivial predictors for the test conditions.

    - ``zero``: 0 everywhere (the training mean, since data are z-scored).
    - ``mean``: the training set's mean target window (its average shape over the window).
    - ``copy``: the condition itself (only when the two modalities have the same channel count).
    - ``ridge``: ridge regression from the flattened condition window to the flattened target
      window (scikit-learn ``RidgeCV``): the best *linear* cross-modal map.
    """
    b, n, _ = cond_test.shape
    shape = (b, n, target_channels)
    preds = {"zero": np.zeros(shape), "mean": np.broadcast_to(target_train.mean(0), shape).copy()}
    if cond_test.shape[-1] == target_channels:
        preds["copy"] = cond_test.astype(np.float64)
    ridge = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(cond_train.reshape(len(cond_train), -1),
                                                        target_train.reshape(len(target_train), -1))
    preds["ridge"] = ridge.predict(cond_test.reshape(b, -1)).reshape(shape)
    return preds


def baseline_table(data, idx: np.ndarray) -> pd.DataFrame:
    """Test MSE of every trivial predictor in both directions on test windows ``idx``.

    ``data`` is a :class:`~lambdalib.data.dynamics.PairedWindows`. Columns: direction,
    predictor, mse.
    """
    rows = []
    for direction, cond_tr, tgt_tr, cond_te, tgt_te in (
            ("X|Y", data.y_train, data.x_train, data.y_test[idx], data.x_test[idx]),
            ("Y|X", data.x_train, data.y_train, data.x_test[idx], data.y_test[idx])):
        for name, pred in baseline_predictions(cond_tr, tgt_tr, cond_te, tgt_te.shape[-1]).items():
            rows.append({"direction": direction, "predictor": name, "mse": mse(pred, tgt_te)})
    return pd.DataFrame(rows)
