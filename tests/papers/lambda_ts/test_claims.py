"""The claims helpers of the latent-geometry and gait-data chapters (the others are tested with
the modules whose frames they read: test_experiment, test_gait_probing)."""

import numpy as np
import pandas as pd
import pytest

from lambdalib.papers.lambda_ts.claims import geometry_claims, norm_claims


def test_geometry_claims_pair_the_variants_by_run():
    rows = [{"pair": p, "variant": v, "held_out": s, "seed": 0, "t": t,
             "matched": (0.5 if v == "LaMbDA" else 0.1) + 0.01 * i + 0.001 * t}
            for p in ("a", "b") for i, s in enumerate(("S1", "S2")) for v in ("w/o align", "LaMbDA") for t in (0, 10)]
    probes = pd.DataFrame([{"pair": p, "variant": v, "held_out": s, "seed": 0, "model": m,
                            "accuracy": 0.3 if v == "w/o align" else 0.25 + 0.01 * len(m)}
                           for p in ("a",) for s in ("S1", "S2", "S3") for v in ("w/o align", "LaMbDA")
                           for m in ("X|Y", "Y|X (long)")])
    head, corr, probe = geometry_claims("latent_geometry", pd.DataFrame(rows), probes)
    np.testing.assert_allclose(corr.values, 0.4)                     # per held-out subject, LaMbDA - w/o align
    assert corr.n == 2 and probe.n == 3 and corr.verdict == "reproduced"   # units: subjects, not runs or models
    assert probe.ours_effect == pytest.approx((0.315 - 0.3) / 0.3)
    assert head.level == "headline" and head.unit == "held-out subject"
    assert head.count == (2 * 2 + 3, 2 * 2 + 3 * 2)              # correlation cells up; probes: Y|X up, X|Y down


def test_norm_claims_measure_the_distance_from_the_centre():
    summary = pd.DataFrame({"stance": [0.60, 0.62, 0.64]})
    (claim,) = norm_claims("gait_data", summary, {"stance": (0.6, 0.65, "Perry 1992")})
    np.testing.assert_allclose(claim.values, [0.025, 0.005, 0.015])
    assert (claim.kind, claim.exact, claim.verdict) == ("check", True, "not reproduced")  # 0.60 is on the edge
    assert claim.reference == pytest.approx(0.025) and claim.paper_text == "< 0.025 (Perry 1992)"
