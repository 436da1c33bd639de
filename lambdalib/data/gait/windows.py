"""Windows cut from gait strides or recordings, channel-last ``(b, n, c)``, and the
leave-one-subject-out folds (LaMbDA-long section 4 and A.6.3)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lambdalib.core.checks import check_choice
from lambdalib.data.gait.schema import MOMENT_JOINTS, N_PHASE, RATE_HZ, SIDES, GaitData, parse_task

__all__ = ["stride_windows", "resample_stride", "continuous_windows", "recording_windows", "leave_subject_out",
           "stride_summary"]


def _window_starts(n: int, window: int, overlap: float) -> np.ndarray:
    """Starts of the windows of ``window`` samples, ``overlap`` shared, that fit in ``n`` samples."""
    if not 0.0 <= overlap < 1.0:
        raise ValueError(f"overlap must be in [0, 1), got {overlap!r}")
    return np.arange(0, n - window + 1, max(1, int(round(window * (1 - overlap)))))


def _cut_windows(sequences, window: int, overlap: float) -> tuple[np.ndarray, pd.DataFrame]:
    """Cut each ``(subject, task, seq (n, c))`` into windows; returns ``(b, window, c)`` and labels."""
    out, rows = [], []
    for s, t, seq in sequences:
        starts = _window_starts(len(seq), window, overlap)
        out.append(seq[starts[:, None] + np.arange(window)])                        # (k, window, c)
        rows += [{"subject": s, "task": t, "speed": parse_task(t)[0], "incline": parse_task(t)[1]}] * len(starts)
    if not rows:
        raise ValueError(f"no (subject, task) holds a full window of {window} samples")
    return np.concatenate(out, axis=0), pd.DataFrame(rows)


def stride_windows(data: "GaitData", modalities, subjects=None, *, window: int = 2 * N_PHASE,
                   overlap: float = 0.5) -> tuple[np.ndarray, pd.DataFrame]:
    """LaMbDA's windows (LaMbDA-long A.6.3): each (subject, task)'s strides joined into one sequence, cut into
    windows of ``window`` samples with ``overlap``; 300 samples = two gait cycles of 150.

    Returns ``(windows (b, window, c), labels)`` with one channel per modality in the order
    given, and a DataFrame of ``subject``, ``task``, ``speed``, ``incline`` per window (the task
    is the 27-way label of the probing chapters).
    """
    _window_starts(0, window, overlap)  # checks overlap
    seqs = ((s, t, np.stack([data.get(s, t, m).reshape(-1) for m in modalities], axis=-1))  # (n_strides * 150, c)
            for s in (data.subject_names if subjects is None else list(subjects)) for t in data.strides[s])
    return _cut_windows(seqs, window, overlap)


def resample_stride(x: np.ndarray, n: int) -> np.ndarray:
    """One stride ``(150, c)`` sampled at phases k/150, linearly interpolated (periodically, as
    ``np.interp(..., period=1)``) to ``n`` samples at phases j/n: ``(n, c)``."""
    pos = np.arange(n) * (x.shape[0] / n)                                   # (n,) in units of samples
    i = np.floor(pos).astype(int)
    frac = (pos - i)[:, None]
    return (1 - frac) * x[i] + frac * x[(i + 1) % x.shape[0]]


def continuous_windows(data: "GaitData", modalities, subjects=None, *, rate_hz: float = RATE_HZ,
                       window: int = 300, overlap: float = 0.5) -> tuple[np.ndarray, pd.DataFrame]:
    """The issue's continuous windows: each stride put back on a ``rate_hz`` time axis, i.e.
    resampled from 150 phase samples to ``round(duration * rate_hz)`` samples
    (:func:`resample_stride`; a 1.1 s stride gives 110), the strides of each (subject, task)
    joined, and the sequence cut into windows of ``window`` samples with ``overlap``.

    Same output as :func:`stride_windows`: ``(windows (b, window, c), labels)``; at 100 Hz a window
    of 300 is 3 s, about 2.7 strides at 1 m/s. Needs ``data.stride_seconds`` (ValueError naming
    the subject and task where a duration is missing).
    """
    if not rate_hz > 0:
        raise ValueError(f"rate_hz must be > 0, got {rate_hz!r}")
    _window_starts(0, window, overlap)  # checks overlap

    def sequences():
        for s in data.subject_names if subjects is None else list(subjects):
            for t in data.strides[s]:
                seconds = np.asarray(data.stride_seconds.get(s, {}).get(t, []), dtype=np.float64)
                x = np.stack([data.get(s, t, m) for m in modalities], axis=-1)  # (n_strides, 150, c)
                if len(seconds) != len(x) or not np.all(seconds > 0):
                    raise ValueError(
                        f"{data.source}: subject {s!r}, task {t!r} has no stride durations (stride_seconds); "
                        "a real file gives them in Gaitcycle/<ABxx>/<trial>/cycles/<side>/time or frame")
                n = np.round(seconds * rate_hz).astype(int)                    # samples per stride
                yield s, t, np.concatenate([resample_stride(xi, ni) for xi, ni in zip(x, n)])  # (sum n, c)

    return _cut_windows(sequences(), window, overlap)


def leave_subject_out(subjects) -> list[tuple[list[str], str]]:
    """Leave-one-subject-out folds: ``[(training subjects, held-out subject), ...]``."""
    subjects = list(subjects)
    if len(subjects) < 2:
        raise ValueError(f"leave-subject-out needs at least 2 subjects, got {subjects}")
    return [([s for s in subjects if s != held_out], held_out) for held_out in subjects]


def recording_windows(recordings: dict, *, window: int = 300, overlap: float = 0.5) -> tuple[np.ndarray, pd.DataFrame]:
    """Windows of ``window`` samples with ``overlap`` cut from :func:`read_continuous`'s
    recordings, labelled as by :func:`stride_windows`; windows holding a NaN (gaps in a
    recording) are left out."""
    _window_starts(0, window, overlap)  # checks overlap
    w, labels = _cut_windows(((s, t, x) for s, tasks in recordings.items() for t, x in tasks.items()), window, overlap)
    keep = np.isfinite(w).all(axis=(1, 2))
    return w[keep], labels[keep].reset_index(drop=True)


def stride_summary(data: GaitData, task: str, *, side: str = "right", g: float = 9.81) -> pd.DataFrame:
    """Per subject, the usual able-bodied norms of one task, from the subject's mean stride:
    sagittal (``x``) ranges of motion of hip, knee and ankle (deg), peak ankle plantarflexion
    moment (N m / kg, the negative of the lowest dorsiflexion-positive moment, the simulator's
    convention), the two peaks of the vertical GRF (``force/z``, body weights: before and after
    mid-stance, split at half of stance), and the stance fraction (share of samples with
    ``force/z > 0``, over all strides). Needs ``mass_kg`` in ``data.subjects`` for the GRF."""
    check_choice("side", side, SIDES)
    rows = []
    for s in data.subject_names:
        get = lambda m: data.get(s, task, m.format(side=side))  # noqa: E731
        row = {"subject": s}
        for j in MOMENT_JOINTS:
            row[f"{j}_rom_deg"] = float(np.ptp(get(f"kinematics/jointangles/{{side}}/{j}/x").mean(axis=0)))
        ankle = get("kinetics/jointmoment/{side}/ankle/x").mean(axis=0)      # (150,) N mm / kg
        row["ankle_pf_moment_Nm_per_kg"] = float(-ankle.min() / 1000.0)
        fz = get("kinetics/forceplate/{side}/force/z")                       # (strides, 150)
        stance = (fz > 0).mean(axis=1)                                        # (strides,)
        mean = fz.mean(axis=0) / (data.subjects.loc[s, "mass_kg"] * g)     # (150,)
        half = int(round(stance.mean() * N_PHASE / 2))
        row["grf_peak1_bw"], row["grf_peak2_bw"] = float(mean[:half].max()), float(mean[half:].max())
        row["stance_fraction"] = float(stance.mean())
        rows.append(row)
    return pd.DataFrame(rows).set_index("subject")
