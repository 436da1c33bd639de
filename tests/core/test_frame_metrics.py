"""PSNR and SSIM per frame."""

import numpy as np

from lambdalib.core.metrics import psnr, ssim


def test_psnr_and_ssim():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 16, 16))
    np.testing.assert_allclose(ssim(x, x, 8.0), 1.0)
    y = x + 0.1
    np.testing.assert_allclose(psnr(y, x, 1.0), 20.0)
    assert (ssim(x + rng.standard_normal(x.shape), x, 8.0) < 0.9).all()
