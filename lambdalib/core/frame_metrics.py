"""Frame similarity scores: PSNR and SSIM of predicted against true frames ``(N, h, w)``.

Both return one score per frame; ``data_range`` (the peak of PSNR and the scale of SSIM's
constants) is passed in, so frames of a whole data set are scored on one scale.
"""

from __future__ import annotations

import numpy as np

__all__ = ["psnr", "ssim"]


def psnr(pred: np.ndarray, true: np.ndarray, data_range: float) -> np.ndarray:
    """Peak signal-to-noise ratio per frame, 10 log10(range^2 / MSE): ``(N, h, w) x 2 -> (N,)``."""
    mse = ((np.asarray(pred, float) - np.asarray(true, float)) ** 2).reshape(len(pred), -1).mean(1)
    return 10 * np.log10(data_range ** 2 / np.maximum(mse, 1e-20))


def ssim(pred: np.ndarray, true: np.ndarray, data_range: float, *, sigma: float = 1.5, size: int = 11) -> np.ndarray:
    """Structural similarity per frame (Wang et al. 2004; Gaussian window ``size``, ``sigma``;
    K1 = 0.01, K2 = 0.03; valid windows only), ``(N, h, w) x 2 -> (N,)``."""
    from scipy.ndimage import correlate1d

    x, y = np.asarray(pred, float), np.asarray(true, float)
    g = np.exp(-((np.arange(size) - size // 2) ** 2) / (2 * sigma ** 2))
    g /= g.sum()
    h = size // 2

    def blur(a):                                                                # separable Gaussian
        return correlate1d(correlate1d(a, g, axis=1), g, axis=2)[:, h:-h, h:-h]
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx ** 2, blur(y * y) - my ** 2, blur(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx ** 2 + my ** 2 + c1) * (vx + vy + c2))
    return s.mean((1, 2))
