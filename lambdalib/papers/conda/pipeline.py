"""ConDA on the simulated flow, one seed at a time (ConDA section 3, Algorithm B.3).

:func:`run_flow_seed` runs the whole pipeline on a Reynolds sweep for one seed:

1. the conditional latent diffusion model (:mod:`~lambdalib.papers.conda.latent_diffusion`) on
   the known frames, and DDIM inversion of every frame to ``x_T``;
2. the DDIM round trip against the autoencoder's own ceiling (memorisation diagnostic);
3. CEBRA on the known frames' ``x_T`` (:mod:`~lambdalib.papers.conda.embedding`) and the kNN lift;
4. traversals (:mod:`~lambdalib.papers.conda.traversal`) in ``x_T`` and in the embedding, with
   controls, on the held-out block and sparse frames;
5. the ConDA Table 2 ablation (3-d PCA and beta-VAE codes);
6. the orthogonality of the time and Re directions (ConDA appendix C.4) and the steady vs
   unsteady SVM folds (ConDA Table 3; :mod:`~lambdalib.papers.conda.readouts`);
7. the class traversal between the steady and unsteady KDE peaks (ConDA eq. 8).

:func:`flow_seed` is the same run as a :func:`lambdalib.book.sweep.sweep` task (scalar config,
seeds itself, returns a dict of tables and arrays); :func:`run_flow` sweeps it over seeds.
"""

from __future__ import annotations

import functools
import time

import numpy as np
import pandas as pd
import torch
from sklearn.decomposition import PCA

from lambdalib.book.profiles import get_sizes
from lambdalib.book.sweep import sweep
from lambdalib.core.metrics import psnr, ssim
from lambdalib.core.seed import resolve_device, set_seed
from lambdalib.data.flow import FlowData
from lambdalib.papers.conda.autoencoders import BetaVAE
from lambdalib.papers.conda.embedding import KNNLift, embed_segments, fit_cebra, kde_peaks, segments
from lambdalib.papers.conda.flow_sweep import flow_conditions, holdout, simulate
from lambdalib.papers.conda.latent_diffusion import LatentDiffusion
from lambdalib.papers.conda.readouts import direction_cosine, pair_folds, random_cosine, svm_accuracy
from lambdalib.papers.conda.sizes import FLOW, FlowSizes, sizes_fingerprint
from lambdalib.papers.conda.traversal import METHODS, LSTMForecaster, impute, lerp

__all__ = ["CONDA_METHOD", "run_flow_seed", "svm_folds", "flow_seed", "run_flow"]

CONDA_METHOD = "ConDA (CEBRA + kNN lift + DDIM)"  # the ablation table's row for ConDA itself


def _scores(pred: np.ndarray, truth: np.ndarray, data_range: float) -> dict:
    """Mean PSNR and SSIM of predicted frames ``(N, h, w)`` against the truth."""
    return {"psnr": float(psnr(pred, truth, data_range).mean()), "ssim": float(ssim(pred, truth, data_range).mean())}


def _lstm(sequences, steps, seed):
    return LSTMForecaster(sequences[0].shape[1]).fit(sequences, steps=steps,
                                                     generator=torch.Generator().manual_seed(seed))


def _traversal_table(ld, lift, frames, cond, x_T, spaces, lstms, known, held, gen, data_range) -> pd.DataFrame:
    """Every operator in both spaces, then the controls, per hold-out protocol (block, sparse)."""
    rows, tk = [], np.flatnonzero(known)
    r = frames.shape[0]
    for protocol, q in held.items():
        truth, qc = frames[:, q].reshape(-1, *frames.shape[2:]), cond[:, q].reshape(-1, 2)

        def score(space, method, pred_frames, nrmse=np.nan):
            rows.append({"protocol": protocol, "space": space, "method": method,
                         **_scores(pred_frames, truth, data_range), "nrmse": float(nrmse)})

        for space, (z, z_true) in spaces.items():
            spread = np.sqrt(z[:, known].reshape(-1, z.shape[-1]).var(0).mean())   # per-coordinate sd
            for method in METHODS:
                pred = np.concatenate([impute(z[i, tk], tk, q, method, lstm=lstms[space]) for i in range(r)])
                rmse = np.sqrt(((pred - z_true[:, q].reshape(len(pred), -1)) ** 2).mean())
                latent = pred if space == "raw x_T" else lift.predict(pred)[0]
                score(space, method, ld.generate(latent, qc), rmse / spread)
        prev = np.array([tk[tk < i][-1] for i in q])
        score("control", "copy previous frame", frames[:, prev].reshape(truth.shape))
        score("control", "pixel lerp", np.concatenate([impute(frames[i, tk].reshape(len(tk), -1), tk, q, "lerp")
                                                        for i in range(r)]).reshape(truth.shape))
        score("control", "time-averaged frame", np.repeat(frames[:, known].mean(1), len(q), 0))
        e_oracle = spaces["embedding"][1]
        score("control", "oracle lift", ld.generate(lift.predict(e_oracle[:, q].reshape(-1, 3))[0], qc))
        score("control", "condition only (x_T ~ N(0, I))",
              ld.generate(torch.randn(len(qc), x_T.shape[-1], generator=gen).numpy(), qc))
        score("control", "round trip (true x_T)", ld.generate(x_T[:, q].reshape(len(qc), -1), qc))
    return pd.DataFrame(rows)


def _ablation_table(frames, known, block, sizes: FlowSizes, gen, data_range) -> tuple[list[dict], list]:
    """ConDA Table 2: the spline through the block in a 3-d PCA and a beta-VAE code, own decoders.
    Returns the rows and the beta-VAE's loss per step."""
    shape = frames.shape[2:]
    train_frames = frames[:, known].reshape(-1, *shape)
    pca3 = PCA(3).fit(train_frames.reshape(len(train_frames), -1))
    vae = BetaVAE(int(np.prod(shape))).fit(train_frames, steps=sizes.vae_steps, generator=gen)
    truth = frames[:, block].reshape(-1, *shape)
    rows = []
    for name, enc, dec in (("PCA", lambda x: pca3.transform(x.reshape(len(x), -1)),
                            lambda z: pca3.inverse_transform(z).reshape(len(z), *shape)),
                           ("beta-VAE", vae.encode, lambda z: vae.decode(z, shape))):
        pred = np.concatenate([dec(impute(enc(frames[i, known]), np.flatnonzero(known), block, "spline"))
                               for i in range(frames.shape[0])])
        rows.append({"method": name, **_scores(pred, truth, data_range)})
    return rows, vae.history_


def run_flow_seed(data: FlowData, sizes: FlowSizes, seed: int, *, device="cpu", progress: bool = True) -> dict:
    """The whole ConDA pipeline on the flow sweep ``data`` for one seed: a dict of tables
    (``roundtrip``, ``traversal``, ``ablation``, ``ortho``, ``svm``, ``timing``), training
    curves, the embedding ``e_known (r, f, 3)`` (NaN on held-out frames), the mask ``known (f,)``
    and the decoded class traversal ``class_path (kde_points, h, w)``."""
    gen = set_seed(seed)
    clock = [("start", time.perf_counter())]

    def lap(name):
        clock.append((name, time.perf_counter()))
    frames, cond = data.frames, flow_conditions(data)                          # (r, f, h, w), (r, f, 2)
    r, nf = frames.shape[:2]
    held = holdout(nf, sizes)
    known = np.ones(nf, bool)
    known[np.concatenate(list(held.values()))] = False
    data_range = float(np.ptp(frames))
    ld = LatentDiffusion(n_components=sizes.n_components, autoencoder=sizes.autoencoder, ae_steps=sizes.ae_steps,
                         width=sizes.width, depth=sizes.depth, timesteps=sizes.timesteps,
                         ddim_steps=sizes.ddim_steps, steps=sizes.diffusion_steps, device=device)
    ld.fit(frames[:, known].reshape(-1, *frames.shape[2:]), cond[:, known].reshape(-1, 2), generator=gen,
           progress=progress)
    flat_f, flat_c = frames.reshape(r * nf, *frames.shape[2:]), cond.reshape(r * nf, 2)
    x_T = ld.invert(flat_f, flat_c).reshape(r, nf, -1)                          # (r, f, c)
    lap("latent diffusion + inversion")

    # DDIM round trip and the autoencoder's own ceiling.
    rec = ld.generate(x_T.reshape(r * nf, -1), flat_c)
    split = np.broadcast_to(np.where(known, "train", "held-out"), (r, nf)).ravel()
    roundtrip = pd.DataFrame({"split": split, "psnr": psnr(rec, flat_f, data_range),
                              "ssim": ssim(rec, flat_f, data_range),
                              "ae_psnr": psnr(ld.decode(ld.encode(flat_f)), flat_f, data_range),
                              "x_T_std": x_T.reshape(r * nf, -1).std(1)})

    # Contrastive embedding of the known frames (one sequence per Re, gaps included).
    model = fit_cebra(x_T[:, known].reshape(-1, x_T.shape[-1]), cond[:, known].reshape(-1, 2),
                      iterations=sizes.cebra_iterations, batch_size=sizes.cebra_batch, seed=seed, device="cpu")
    e_known = np.stack([embed_segments(model, x_T[i], known) for i in range(r)])  # (r, f, 3), NaN held out
    e_oracle = np.stack([model.transform(x_T[i].astype(np.float32)) for i in range(r)])
    lift = KNNLift(sizes.n_neighbors).fit(e_known[:, known].reshape(-1, 3), x_T[:, known].reshape(-1, x_T.shape[-1]),
                                          cond[:, known].reshape(-1, 2))
    lap("CEBRA")
    spaces = {"raw x_T": (x_T, x_T), "embedding": (e_known, e_oracle)}
    lstms = {name: _lstm([z[i][seg] for i in range(r) for seg in segments(known)], sizes.lstm_steps, seed)
             for name, (z, _) in spaces.items()}
    traversal = _traversal_table(ld, lift, frames, cond, x_T, spaces, lstms, known, held, gen, data_range)
    lap("traversals")

    ablation, vae_loss = _ablation_table(frames, known, held["block"], sizes, gen, data_range)
    lap("ablation")
    conda_row = traversal.query("protocol == 'block' and space == 'embedding' and method == 'spline'").iloc[0]
    ablation.append({"method": CONDA_METHOD, "psnr": conda_row.psnr, "ssim": conda_row.ssim})

    # Orthogonality of the time and Re regression directions (ConDA appendix C.4).
    tc, rc = cond[:, known, 0].ravel(), cond[:, known, 1].ravel()
    rng = np.random.default_rng(seed)
    ortho = pd.DataFrame({"space": ["raw x_T", "embedding"], "dim": [x_T.shape[-1], 3],
                          "cos": [direction_cosine(x_T[:, known].reshape(-1, x_T.shape[-1]), tc, rc),
                                  direction_cosine(e_known[:, known].reshape(-1, 3), tc, rc)],
                          "random_median": [random_cosine(x_T.shape[-1], rng=rng), random_cosine(3, rng=rng)]})
    svm = svm_folds(x_T, cond, data.reynolds, sizes, seed)
    lap("SVM folds")
    timing = pd.Series({name: t - clock[i][1] for i, (name, t) in enumerate(clock[1:])}, name="seconds")
    class_path = _class_traversal(ld, lift, e_known[:, known].reshape(-1, 3),
                                  np.repeat(np.isin(data.reynolds, sizes.unsteady), known.sum()), sizes.kde_points)
    return {"roundtrip": roundtrip, "traversal": traversal, "ablation": pd.DataFrame(ablation), "ortho": ortho,
            "svm": svm, "timing": timing, "denoiser_loss": ld.history_,
            "cebra_loss": np.asarray(model.state_dict_["loss"], dtype=float),
            "lstm_loss": {k: v.history_ for k, v in lstms.items()}, "vae_loss": vae_loss,
            "e_known": e_known, "known": known, "class_path": class_path}


def svm_folds(x_T: np.ndarray, cond: np.ndarray, reynolds: np.ndarray, sizes: FlowSizes, seed: int) -> pd.DataFrame:
    """Steady vs unsteady (ConDA Table 3), leaving one (steady, unsteady) Re pair out per fold;
    CEBRA is refitted on the training Reynolds numbers of each fold, so no held-out frame shapes
    the embedding. ``x_T (r, f, c)``, ``cond (r, f, 2)``, ``reynolds (r,)``."""
    r, nf, c = x_T.shape
    groups = np.repeat(reynolds, nf)
    y = np.isin(groups, sizes.unsteady).astype(int)
    x = x_T.reshape(-1, c)
    rows = []
    for fold, (tr, te) in enumerate(pair_folds(groups, list(sizes.steady), list(sizes.unsteady))):
        model = fit_cebra(x[tr], cond.reshape(-1, 2)[tr], iterations=sizes.fold_iterations,
                          batch_size=sizes.cebra_batch, seed=seed + 1000 * (fold + 1))
        e = np.concatenate([model.transform(x_T[i].astype(np.float32)) for i in range(r)])
        for kernel in ("linear", "rbf"):
            for space, feats in (("raw x_T", x), ("embedding", e)):
                rows.append({"fold": fold, "held_out_re": f"{sizes.steady[fold]}, {sizes.unsteady[fold]}",
                             "kernel": kernel, "space": space,
                             "accuracy": svm_accuracy(feats[tr], y[tr], feats[te], y[te], kernel)})
    return pd.DataFrame(rows)


def _class_traversal(ld: LatentDiffusion, lift: KNNLift, e: np.ndarray, unsteady: np.ndarray, n: int) -> np.ndarray:
    """Decoded frames ``(n, h, w)`` along the line between the steady and unsteady KDE peaks of
    the known frames' embedding ``e (N, 3)`` (ConDA eq. 8); conditions are lifted too."""
    peaks = kde_peaks(e, unsteady)
    path = lerp(np.repeat(peaks[False][None], n, 0), np.repeat(peaks[True][None], n, 0), np.linspace(0, 1, n))
    x_T, cond = lift.predict(path)
    return ld.generate(x_T, cond)


@functools.lru_cache(maxsize=1)
def _simulated_sweep(profile: str, data_seed: int, device: str) -> FlowData:
    """The Reynolds sweep a flow run trains on, simulated once per process (a sweep worker runs
    several seeds), under the chapter's settings (set_seed: one thread, deterministic)."""
    set_seed(data_seed)
    return simulate(get_sizes(FLOW, profile), [data_seed], device=resolve_device(device), progress=False)[0]


def flow_seed(seed: int, data_seed: int, profile: str, device: str = "auto") -> dict:
    """One seed of the flow experiment as a sweep task: the sweep simulated with ``data_seed``
    (the chapter's first seed), then :func:`run_flow_seed` seeded with ``seed``."""
    data = _simulated_sweep(profile, data_seed, device)
    return run_flow_seed(data, get_sizes(FLOW, profile), seed, device=resolve_device(device), progress=False)


def run_flow(profile: str, seeds: list[int], *, device: str = "auto", scheduler=None, cache_dir=None) -> list[dict]:
    """:func:`flow_seed` for every seed through :func:`lambdalib.book.sweep.sweep`: one dict per
    seed (its config keys included), in seed order. ``scheduler``: None (one single-thread worker
    per core), ``"serial"`` or a Dask address; ``cache_dir`` keeps finished runs."""
    configs = [{"seed": s, "data_seed": seeds[0], "profile": profile, "device": device} for s in seeds]
    table = sweep(flow_seed, configs, client=scheduler, cache_dir=cache_dir,
                  fingerprint=sizes_fingerprint(FLOW, profile), gpu=resolve_device(device).type == "cuda",
                  progress=False)
    return table.to_dict("records")
