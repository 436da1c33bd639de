import numpy as np

from lambdalib.papers.lambda_ts.baselines import baseline_predictions


def test_baselines_on_a_linear_pair():
    rng = np.random.default_rng(0)
    cond = rng.normal(size=(200, 6, 1))
    target = -2.0 * cond + 0.01 * rng.normal(size=cond.shape)     # a linear, sign-flipping map
    preds = baseline_predictions(cond[:150], target[:150], cond[150:], 1)
    err = {k: np.mean((v - target[150:]) ** 2) for k, v in preds.items()}
    assert set(preds) == {"zero", "mean", "copy", "ridge"}
    assert err["ridge"] < 0.01 < err["zero"] < err["copy"]        # copying the sign-flipped input is worst
    assert np.allclose(preds["mean"][0], target[:150].mean(0))
    assert "copy" not in baseline_predictions(cond, np.repeat(target, 2, -1), cond, 2)
