"""Cross-modal transfer with contrastive and perfect alignment (PA section 3.2: CA, then CA+PA).

A classifier is trained on one modality's embeddings and tested on the other's. Layouts follow
:mod:`lambdalib.papers.perfect_alignment.solver`: a modality is ``X_m (d_m, n)``, one column per sample;
labels are ``(n,)``. The protocol (the paper's, on UTD-MHAD) splits the samples 40/40/10/10 into
labelled-source, paired-alignment, validation and test:

1. CA: linear encoders (:class:`~lambdalib.papers.perfect_alignment.contrastive.ContrastiveAligner`,
   symmetric InfoNCE) fitted on the alignment split;
2. a logistic regression fitted on the source modality's CA embeddings of the labelled split,
   its inverse regularisation ``C`` chosen on the target's validation embeddings, and tested on
   the target modality's CA embeddings of the test split;
3. CA+PA: :class:`~lambdalib.papers.perfect_alignment.solver.PerfectAligner` fitted on the CA embeddings of
   the alignment split and applied on top, then step 2 again.

- :func:`load_watch_pairs`  seglearn's smartwatch set as paired accelerometer / gyroscope windows
- :func:`window_features`  simple per-channel statistics of one window
- :func:`split_groups`  the 40/40/10/10 split, by recording and stratified by class
- :func:`transfer_trial` / :func:`run_transfer`  one trial of CA vs CA+PA (CMAE, NCMAE, top-1,
  top-3) / one per seed
- :func:`transfer_readings`  the numbers the chapter quotes

A trial takes about half a second, so the chapter runs its seeds in its own process rather than
through :func:`lambdalib.book.sweep.sweep`.
"""

from __future__ import annotations

import numpy as np

from lambdalib.papers.perfect_alignment.contrastive import ContrastiveAligner
from lambdalib.papers.perfect_alignment.sizes import TransferSizes
from lambdalib.papers.perfect_alignment.solver import (
    PerfectAligner,
    check_pair,
    cmae,
    ncmae,
)

__all__ = ["SPLITS", "FRACTIONS", "window_features", "load_watch_pairs", "split_groups", "transfer_trial",
           "run_transfer", "transfer_readings"]

SPLITS = ("labelled", "align", "val", "test")
FRACTIONS = (0.4, 0.4, 0.1, 0.1)  # the paper's split of UTD-MHAD (PA section 3.2)


def window_features(w: np.ndarray) -> np.ndarray:
    """Per-channel mean, standard deviation, min, max and mean absolute first difference of one
    window ``w (t, c)``: a vector ``(5 c,)``."""
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] < 2:
        raise ValueError(f"a window must be (t, c) with t >= 2, got shape {w.shape}")
    stats = [w.mean(0), w.std(0), w.min(0), w.max(0), np.abs(np.diff(w, axis=0)).mean(0)]
    return np.concatenate(stats)                                            # (5 c,)


def load_watch_pairs(*, width: int = 200, step: int = 100) -> dict:
    """seglearn's ``load_watch`` (140 recordings of 7 shoulder exercises by 10 subjects, a
    smartwatch's accelerometer ``ax ay az`` and gyroscope ``wx wy wz``; shipped with the package,
    no download) cut into windows of ``width`` samples every ``step``. Returns ``X1 (15, n)``
    (accelerometer features), ``X2 (15, n)`` (gyroscope features), ``y (n,)`` labels,
    ``group (n,)`` the recording of each window, ``group_y (r,)`` each recording's label and
    ``names`` the class names."""
    from seglearn.datasets import load_watch

    if not (isinstance(width, int) and isinstance(step, int) and width >= 2 and step >= 1):
        raise ValueError(f"width must be an int >= 2 and step an int >= 1, got {width!r}, {step!r}")
    data = load_watch()
    f1, f2, y, group = [], [], [], []
    for r, (rec, label) in enumerate(zip(data["X"], data["y"])):
        for start in range(0, rec.shape[0] - width + 1, step):             # rec (t, 6)
            w = rec[start:start + width]                                    # (width, 6)
            f1.append(window_features(w[:, :3]))
            f2.append(window_features(w[:, 3:]))
            y.append(label)
            group.append(r)
    return dict(X1=np.array(f1).T, X2=np.array(f2).T, y=np.array(y), group=np.array(group),
                group_y=np.asarray(data["y"]), names=list(data["y_labels"]))


def split_groups(group_y, rng: np.random.Generator, fractions=FRACTIONS) -> list[np.ndarray]:
    """Split the recordings ``0 .. r-1`` (labels ``group_y (r,)``) into ``len(fractions)`` parts,
    class by class, so every part holds about its fraction of each class. Returns the recording
    ids of each part. Windows of one recording stay together, so no part sees another's data."""
    group_y = np.asarray(group_y)
    fractions = np.asarray(fractions, dtype=float)
    if fractions.ndim != 1 or np.any(fractions <= 0) or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be positive and sum to 1, got {fractions.tolist()}")
    parts = [[] for _ in fractions]
    for c in np.unique(group_y):
        ids = rng.permutation(np.flatnonzero(group_y == c))
        cuts = np.round(np.cumsum(fractions)[:-1] * ids.size).astype(int)
        for part, chunk in zip(parts, np.split(ids, cuts)):
            part.extend(chunk.tolist())
    if any(len(p) == 0 for p in parts):
        raise ValueError(f"too few recordings ({group_y.size}) for fractions {fractions.tolist()}")
    return [np.sort(np.array(p)) for p in parts]


def _standardise(X: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``X (d, n)`` with each row centred and scaled by its statistics over the columns ``mask``."""
    mu, sd = X[:, mask].mean(1, keepdims=True), X[:, mask].std(1, keepdims=True)
    return (X - mu) / np.where(sd > 0, sd, 1.0)


def _topk(proba: np.ndarray, classes: np.ndarray, y: np.ndarray, k: int) -> float:
    """Top-``k`` accuracy of class probabilities ``proba (n, C)``."""
    best = classes[np.argsort(-proba, axis=1)[:, :k]]                      # (n, k)
    return float(np.mean(np.any(best == y[:, None], axis=1)))


def _transfer_accuracy(S_lab, y_lab, T_val, y_val, T_test, y_test, Cs) -> dict:
    """Logistic regression on source embeddings ``S_lab (k, n_lab)``; ``C`` chosen by top-1 on the
    target's ``T_val``; top-1 and top-3 on the target's ``T_test``."""
    from sklearn.linear_model import LogisticRegression

    best = None
    for C in Cs:
        clf = LogisticRegression(C=C, max_iter=2000).fit(S_lab.T, y_lab)
        val = float(np.mean(clf.predict(T_val.T) == y_val))
        if best is None or val > best[0]:
            best = (val, C, clf)
    _, C, clf = best
    proba = clf.predict_proba(T_test.T)                                     # (n_test, C)
    return dict(top1=_topk(proba, clf.classes_, y_test, 1), top3=_topk(proba, clf.classes_, y_test, 3),
                C=C)


def transfer_trial(X1, X2, y, group, group_y, *, seed: int, k: int = 8, steps: int = 400,
                   batch_size: int = 128, Cs=(0.1, 1.0, 10.0), fractions=FRACTIONS) -> dict:
    """One trial of cross-modal transfer from modality 1 (source) to modality 2 (target).

    ``X1 (d1, n)``, ``X2 (d2, n)`` paired features, ``y (n,)`` labels, ``group (n,)`` the recording
    of each sample and ``group_y (r,)`` each recording's label. ``seed`` draws the split
    (:func:`split_groups`) and the CA initialisation. ``k`` is the CA embedding width; PA keeps
    it (``A1, A2`` are ``k x k``). Features are standardised on the labelled and alignment
    splits. CMAE and NCMAE are measured on the test split. Returns a flat dict: ``ca_*`` and
    ``pa_*`` (CA+PA) for ``cmae``, ``ncmae``, ``top1``, ``top3``, and the split sizes.
    """
    X1, X2 = check_pair(X1, X2)
    y, group = np.asarray(y), np.asarray(group)
    if y.shape != (X1.shape[1],) or group.shape != y.shape:
        raise ValueError(f"y and group must be (n,) with n = {X1.shape[1]}, got {y.shape}, {group.shape}")
    rng = np.random.default_rng(seed)
    parts = split_groups(group_y, rng, fractions)
    m = {name: np.isin(group, ids) for name, ids in zip(SPLITS, parts)}    # (n,) masks
    fit_mask = m["labelled"] | m["align"]
    X1, X2 = _standardise(X1, fit_mask), _standardise(X2, fit_mask)
    ca = ContrastiveAligner(k, steps=steps, batch_size=min(batch_size, int(m["align"].sum())),
                            seed=seed).fit(X1[:, m["align"]], X2[:, m["align"]])
    Z1, Z2 = ca.transform(X1, X2)                                           # (k, n) each
    pa = PerfectAligner(k).fit(Z1[:, m["align"]], Z2[:, m["align"]])
    P1, P2 = pa.transform(Z1, Z2)                                           # (k, n) each
    out = dict(seed=seed, **{f"n_{s}": int(m[s].sum()) for s in SPLITS})
    for name, (S, T) in (("ca", (Z1, Z2)), ("pa", (P1, P2))):
        acc = _transfer_accuracy(S[:, m["labelled"]], y[m["labelled"]], T[:, m["val"]], y[m["val"]],
                                 T[:, m["test"]], y[m["test"]], Cs)
        out.update({f"{name}_cmae": cmae(S[:, m["test"]], T[:, m["test"]]),
                    f"{name}_ncmae": ncmae(S[:, m["test"]], T[:, m["test"]]),
                    f"{name}_top1": acc["top1"], f"{name}_top3": acc["top3"]})
    return out


def run_transfer(watch: dict, sizes: TransferSizes, seeds):
    """:func:`transfer_trial` on ``watch`` (a :func:`load_watch_pairs` dict) for every seed at
    ``sizes``, as a DataFrame (one row a trial)."""
    import pandas as pd

    return pd.DataFrame([transfer_trial(watch["X1"], watch["X2"], watch["y"], watch["group"], watch["group_y"],
                                        seed=s, k=sizes.k, steps=sizes.steps, batch_size=sizes.batch_size)
                         for s in seeds])


def transfer_readings(trials, watch: dict, sizes: TransferSizes) -> dict:
    """The transfer runs' numbers quoted in the chapter's text (prefixed ``tr_``): the window
    sizes, the number of windows, the mean test split, and CA+PA's CMAE as a fraction of CA's."""
    return dict(tr_width=sizes.width, tr_step=sizes.step, tr_k=sizes.k, tr_windows=watch["y"].size,
                tr_n_test=int(trials["n_test"].mean()),
                tr_cmae_ratio=float((trials["pa_cmae"] / trials["ca_cmae"]).mean()))
