"""Our numbers beside the paper's: the PA chapter's claims and comparison tables.

Paper numbers come from :mod:`lambdalib.papers.perfect_alignment.paper_values`; claims are built
with :func:`lambdalib.book.claims.compare` / :func:`~lambdalib.book.claims.threshold` from the
per-seed frames of :mod:`~lambdalib.papers.perfect_alignment.synthetic` and
:mod:`~lambdalib.papers.perfect_alignment.transfer`.

- :func:`synthetic_claims`  the GMM, uniform-latent and PA Figure 4 sweep claims
- :func:`transfer_claims`  CA -> CA+PA, paired over the transfer trials
- :func:`gmm_table`, :func:`pinv_table`, :func:`transfer_table`  mean ± sd over seeds beside the paper
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdalib.book.claims import compare, format_sig, mean_sd_text, threshold
from lambdalib.papers.perfect_alignment import paper_values as pv
from lambdalib.papers.perfect_alignment.synthetic import FLOOR

__all__ = ["synthetic_claims", "transfer_claims", "gmm_table", "pinv_table", "transfer_table"]

GMM_METRICS = ("mlre1", "mlre2", "cmae", "ncmae")
TRANSFER_METRICS = (("CMAE", "cmae", "lower", 1.0), ("NCMAE", "ncmae", "lower", 1.0),
                    ("top-1 %", "top1", "higher", 100.0), ("top-3 %", "top3", "higher", 100.0))


def _per_seed(frame, column: str, reduce: str = "mean"):
    """``column`` reduced per seed (rows in seed order), as a numpy array."""
    return frame.groupby("seed")[column].agg(reduce).sort_index().to_numpy()


def synthetic_claims(chapter: str, gmm, uniform, sweeps) -> list:
    """The claims of the GMM study and the uniform-latent study (:func:`run_study` frames) and of
    the sweeps (:func:`run_sweep` frame). Paper values: PA Figure 3 (GMM), PA Table 2
    (pseudo-inverse), PA appendix 6.5 (uniform); the sweep trends are read from the text of PA
    section 3.1 (the paper prints no numbers for them), so their claims have no paper value."""
    gmm, uniform = gmm.sort_values("seed"), uniform.sort_values("seed")
    perfect, contrastive = pv.GMM["perfect"], pv.GMM["contrastive"]
    pa_mlre = 0.5 * (gmm["pa_mlre1"] + gmm["pa_mlre2"])
    clean, noisy = sweeps[sweeps["noise"] == 0.0], sweeps[sweeps["noise"] > 0.0]
    exact_clean = clean[clean["k"] <= clean["d_m"]]
    k_clean, ns, ds = clean[clean["sweep"] == "k"], noisy[noisy["sweep"] == "n"], noisy[noisy["sweep"] == "d_m"]
    ks = k_clean["k"]
    d_small, d_big = ds[ds["d_m"] == ds["d_m"].min()], ds[ds["d_m"] == ds["d_m"].max()]
    n_exact = ns[ns["n"] <= 2 * ns["d_m"] - ns["k"]]                        # tall enough: null space >= k
    n_big = ns[ns["n"] == ns["n"].max()]
    return [
        threshold(chapter, "GMM: perfect alignment CMAE < 1e-10", gmm["pa_cmae"], reference=1e-10,
                  direction="lower", paper=perfect["cmae"]),
        threshold(chapter, "GMM: perfect alignment NCMAE < 1e-10", gmm["pa_ncmae"], reference=1e-10,
                  direction="lower", paper=perfect["ncmae"]),
        threshold(chapter, "GMM: MLRE stays large (> 1), latents not identified", pa_mlre, reference=1.0,
                  direction="higher", paper=0.5 * (perfect["mlre1"] + perfect["mlre2"])),
        compare(chapter, "GMM: CMAE, contrastive -> perfect", gmm["ca_cmae"], gmm["pa_cmae"],
                direction="lower", paper_baseline=contrastive["cmae"], paper_treatment=perfect["cmae"]),
        compare(chapter, "GMM: NCMAE, contrastive -> perfect", gmm["ca_ncmae"], gmm["pa_ncmae"],
                direction="lower", paper_baseline=contrastive["ncmae"], paper_treatment=perfect["ncmae"]),
        threshold(chapter, "GMM: pseudo-inverse S^+ MLRE < 1e-10 (worse modality)",
                  np.maximum(gmm["pinv_mlre1"], gmm["pinv_mlre2"]), reference=1e-10, direction="lower",
                  paper=max(pv.PINV_MLRE)),
        threshold(chapter, "uniform latents: CMAE < 1e-10", uniform["pa_cmae"], reference=1e-10,
                  direction="lower", paper=pv.UNIFORM["cmae"]),
        threshold(chapter, "uniform latents: MLRE stays large (> 1)",
                  0.5 * (uniform["pa_mlre1"] + uniform["pa_mlre2"]), reference=1.0, direction="higher",
                  paper=pv.UNIFORM["mlre"]),
        threshold(chapter, "sweeps, clean, k <= d_m: worst CMAE < 1e-10", _per_seed(exact_clean, "cmae", "max"),
                  reference=1e-10, direction="lower"),
        compare(chapter, f"sweeps, clean: CMAE, k <= d_m -> k = {ks.max()}",
                _per_seed(k_clean[k_clean["k"] <= k_clean["d_m"]], "cmae", "max"),
                _per_seed(k_clean[ks == ks.max()], "cmae"), direction="higher"),
        compare(chapter, f"sweeps, clean: MLRE, k = {ks.min()} -> k = {ks.max()}",
                _per_seed(k_clean[ks == ks.min()], "mlre"), _per_seed(k_clean[ks == ks.max()], "mlre"),
                direction="higher"),
        compare(chapter, f"sweeps, noise: log10 CMAE, n <= d - k -> n = {ns['n'].max()}",
                np.log10(np.maximum(_per_seed(n_exact, "cmae", "max"), FLOOR)),
                np.log10(_per_seed(n_big, "cmae")), direction="higher"),
        compare(chapter, "sweeps, noise: CMAE, smallest -> largest d_m", _per_seed(d_small, "cmae"),
                _per_seed(d_big, "cmae"), direction="lower"),
    ]


def transfer_claims(chapter: str, trials) -> list:
    """Claims of CA+PA against CA, paired over the trials of ``trials`` (a DataFrame of
    :func:`transfer_trial` rows): CMAE and NCMAE lower, top-1 and top-3 accuracy (in %) higher.
    The paper column holds PA Table 1 (:data:`paper_values.UTD_MHAD`), measured on another data
    set; the paper gives no NCMAE there."""
    t = trials.sort_values("seed")
    out = []
    for label, key, direction, scale in TRANSFER_METRICS:
        paper = [pv.UTD_MHAD[method].get(key, (None,))[0] for method in ("CA", "CA+PA")]
        out.append(compare(chapter, f"transfer, watch acc -> gyro: {label}, CA -> CA+PA",
                           scale * t[f"ca_{key}"].to_numpy(), scale * t[f"pa_{key}"].to_numpy(),
                           direction=direction, paper_baseline=paper[0], paper_treatment=paper[1]))
    return out


def gmm_table(gmm) -> pd.DataFrame:
    """Our GMM study (mean ± sd over seeds) beside the paper's single run (PA Figure 3's table):
    rows perfect / contrastive, ours / paper; columns MLRE1, MLRE2, CMAE, NCMAE."""
    rows = {f"{name} (ours)": [mean_sd_text(gmm[f"{prefix}_{m}"]) for m in GMM_METRICS]
            for name, prefix in (("perfect", "pa"), ("contrastive", "ca"))}
    rows |= {f"{name} (paper)": [format_sig(pv.GMM[name][m]) for m in GMM_METRICS]
             for name in ("perfect", "contrastive")}
    return pd.DataFrame(rows, index=[m.upper() for m in GMM_METRICS]).T


def pinv_table(gmm) -> pd.DataFrame:
    """The pseudo-inverse check (PA Table 2): our worst seed beside the paper, per modality."""
    return pd.DataFrame({"ours, worst seed": [format_sig(gmm[f"pinv_mlre{m}"].max()) for m in (1, 2)],
                         "paper": [format_sig(v) for v in pv.PINV_MLRE]},
                        index=["MLRE, S1^+ x1", "MLRE, S2^+ x2"])


def transfer_table(trials) -> pd.DataFrame:
    """Our transfer trials (mean ± sd over seeds, watch data) beside PA Table 1 (UTD-MHAD)."""
    columns = {"cmae": "CMAE", "ncmae": "NCMAE", "top1": "top-1 (%)", "top3": "top-3 (%)"}
    scale = {"top1": 100.0, "top3": 100.0}
    rows = {f"{name} (ours, watch)": [mean_sd_text(scale.get(c, 1.0) * trials[f"{prefix}_{c}"]) for c in columns]
            for name, prefix in (("CA", "ca"), ("CA+PA", "pa"))}
    for method, values in pv.UTD_MHAD.items():
        rows[f"{method} (paper, UTD-MHAD)"] = [" ± ".join(map(format_sig, values[c])) if c in values else ""
                                               for c in columns]
    return pd.DataFrame(rows, index=list(columns.values())).T
