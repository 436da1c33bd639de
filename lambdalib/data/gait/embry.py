"""The reader of the Embry et al. (2018) incline-walking file (LaMbDA-long's gait data).

Embry, Villarreal, Macaluso & Gregg (2018), "Modeling the kinematics of human locomotion over
continuously varying speeds and inclines", IEEE TNSRE 26(12), published the treadmill strides
of 10 able-bodied subjects (AB01..AB10) at 27 tasks (3 speeds x 9 inclines) as the MATLAB v7.3
(HDF5) file ``InclineExperiment.mat``. Its strides, each resampled to 150 points of gait phase,
are laid out as::

    Gaitcycle/<ABxx>/<trial>/kinematics/jointangles/{left,right}/{hip,knee,ankle,pelvis,foot}/{x,y,z}
    Gaitcycle/<ABxx>/<trial>/kinetics/jointmoment/{left,right}/{hip,knee,ankle}/{x,y,z}
    Gaitcycle/<ABxx>/<trial>/kinetics/forceplate/{left,right}/{force,moment}[/{x,y,z}]

with ``<trial>`` = speed x incline, e.g. ``s1x2i7x5`` = 1.2 m/s, +7.5 deg (``x`` is the decimal
point, ``d`` down, ``i`` up). Angles are in degrees, joint moments in N mm / kg. Public scripts that
read the file with h5py index these arrays as ``[stride, phase]`` (h5py shape ``(n_strides, 150)``);
the loader takes that orientation, or the transposed one, whichever has 150 columns. Each trial's
``cycles/{left,right}/time`` (the time of each of a stride's 150 samples, s) or ``.../frame``
(heel-strike frames of the 100 Hz recording) give the strides' durations, which
:func:`continuous_windows` needs to put the strides back on a 100 Hz time axis. The file's own
100 Hz recordings, ``Continuous/<ABxx>/<trial>/...`` (channels as ``(3, n)`` datasets, rows x, y,
z, as public scripts read them), are read by :func:`read_continuous`.

:func:`lambdalib.data.gait.load_gait` reads that file (``load_gait("InclineExperiment.mat")``) or simulates
stand-in data with the same structure (``load_gait("simulated")``, see
:mod:`lambdalib.data.gait.simulated`); both give a :class:`GaitData`::

    data = load_gait("simulated")
    data.get("AB01", "s1i0", "kinematics/jointangles/right/knee/x")  # (n_strides, 150), degrees
    data.windows(["kinematics/jointangles/right/knee/x", "kinetics/jointmoment/right/knee/x"])
    # -> (b, 150, 2): strides of every subject and task, channel-last
    stride_windows(data, mods)       # LaMbDA's windows: 300 phase samples = two strides
    continuous_windows(data, mods)   # 300 samples at 100 Hz = 3 s, strides at their own durations
    recording_windows(read_continuous("InclineExperiment.mat", mods))  # the file's own 100 Hz recordings

A stride holding a NaN, or all zeros in a channel that is not all zeros for the whole trial
(how missing strides are filled in the file), is dropped, and so is a stride the authors flagged
as an outlier in the trial's ``stepsout``; ``data.dropped`` counts them per trial. The file's
MATLAB cell arrays (``Gaitcycle/<ABxx>/subjectdetails``, ``Gaitcycle/<ABxx>/<trial>/description``)
are cells of (name, value) rows: the loader takes each subject's height and mass from the first and
checks the trial name against the speed and incline of the second.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from lambdalib.core.checks import check_choice
from lambdalib.data.gait.matlab import GaitFileError, read_matrix, read_name_value_cell, read_value
from lambdalib.data.gait.schema import (
    _TASK_RE,
    AXES,
    N_PHASE,
    RATE_HZ,
    REQUIRED,
    ROOT_GROUP,
    GaitData,
    parse_task,
)

__all__ = ["read_incline_experiment", "read_continuous"]


def _bad_strides(leaves: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per stride (row): a NaN in any channel; all zeros in a channel that is not all zeros for
    the whole trial (and no NaN). Two bool arrays ``(n_strides,)``."""
    arrays = list(leaves.values())
    nan = np.zeros(len(arrays[0]), dtype=bool)
    zero = np.zeros_like(nan)
    for x in arrays:
        nan |= np.isnan(x).any(axis=1)
        row_zero = (x == 0).all(axis=1)
        if not row_zero.all():  # a channel the file never fills is kept as it is
            zero |= row_zero
    return nan, zero & ~nan


def _number(pairs: dict, keys, where: str) -> float:
    """The number under the first name containing one of ``keys`` (NaN if no name does)."""
    for name, value in pairs.items():
        if any(k in name for k in keys):
            if isinstance(value, str) or np.size(value) != 1:
                raise GaitFileError(f"{where}: {name!r} is {value!r}, expected one number")
            return float(np.ravel(value)[0])
    return np.nan


def _subject_details(subject_group, where: str) -> tuple[float, float]:
    """``(height_m, mass_kg)`` from the subject's ``subjectdetails`` cell (NaN for what is absent).

    Mass is the row named "weight" (or "mass"), in kg. The unit of "height" is read from its size
    (the file gives leg lengths in mm): above 300 it is mm, above 3 cm, else m."""
    if "subjectdetails" not in subject_group:
        return np.nan, np.nan
    where = f"{where}/subjectdetails"
    pairs = read_name_value_cell(subject_group["subjectdetails"], where)
    height, mass = _number(pairs, ("height",), where), _number(pairs, ("weight", "mass"), where)
    return height / (1000.0 if height > 300 else 100.0 if height > 3 else 1.0), mass


def _check_description(trial, task: str, where: str) -> None:
    """Raise if the trial's ``description`` cell (speed m/s, incline deg) disagrees with its name."""
    if "description" not in trial:
        return
    where = f"{where}/description"
    pairs = read_name_value_cell(trial["description"], where)
    got = (_number(pairs, ("speed",), where), _number(pairs, ("incline",), where))
    if np.isnan(got).any():
        raise GaitFileError(f"{where}: no 'speed' and 'incline' rows (found {sorted(pairs)})")
    if not np.allclose(got, parse_task(task)):
        raise GaitFileError(f"{where}: speed {got[0]:g} m/s and incline {got[1]:g} deg disagree with "
                            f"the trial name {task!r} ({parse_task(task)[0]:g} m/s, {parse_task(task)[1]:g} deg)")


def _outlier_strides(trial, n_strides: int, where: str) -> np.ndarray:
    """The strides (a bool per stride) that the trial's ``stepsout`` flags as outliers.

    The file's documentation does not say how ``stepsout`` is laid out, so both readings are
    accepted: a 0/1 flag per stride (``n_strides`` values, all 0 or 1), or else a list of the
    flagged strides' 1-based (MATLAB) numbers. No ``stepsout``, or an empty one, flags none."""
    out = np.zeros(n_strides, dtype=bool)
    if "stepsout" not in trial:
        return out
    x = read_value(trial["stepsout"], f"{where}/stepsout")
    if isinstance(x, str):
        raise GaitFileError(f"{where}/stepsout: text, expected stride flags or numbers")
    x = np.ravel(x)
    if len(x) == n_strides and np.isin(x, (0, 1)).all():
        return x == 1
    if not (np.all(x == np.round(x)) and np.all((x >= 1) & (x <= n_strides))):
        raise GaitFileError(f"{where}/stepsout: {x.tolist()[:10]} is neither a 0/1 flag per stride "
                            f"nor 1-based stride numbers in 1..{n_strides}")
    out[x.astype(int) - 1] = True
    return out


def _stride_seconds(trial, n_strides: int, where: str) -> np.ndarray:
    """Durations (s) of a trial's ``n_strides`` strides from ``cycles/<side>/time`` (each stride's
    150 sample times, taken at phases k/150: duration = (t_149 - t_0) * 150 / 149) or else
    ``cycles/<side>/frame`` (``n_strides + 1`` heel-strike frames at 100 Hz, or each sample's
    frame like ``time``), right side first. NaN when the trial has neither (they are optional)."""
    for side in ("right", "left"):
        for name in ("time", "frame"):
            key = f"cycles/{side}/{name}"
            if key not in trial:
                continue
            scale, ds = (1.0 if name == "time" else 1.0 / RATE_HZ), trial[key]
            if N_PHASE in ds.shape and min(ds.shape) > 1:                        # a stride's 150 times (frames)
                x = read_matrix(ds, f"{where}/{key}", N_PHASE)                           # (n_strides, 150)
                seconds = (x[:, -1] - x[:, 0]) * N_PHASE / (N_PHASE - 1) * scale
            elif name == "frame" and ds.size == n_strides + 1:                    # heel strikes
                seconds = np.diff(np.ravel(read_value(ds, f"{where}/{key}"))) * scale
            else:
                raise GaitFileError(f"{where}/{key}: shape {ds.shape} (as h5py sees it) fits neither "
                                    f"{n_strides} strides x {N_PHASE} samples nor {n_strides + 1} heel strikes")
            if len(seconds) != n_strides:
                raise GaitFileError(f"{where}/{key}: {len(seconds)} strides, the trial's data hold {n_strides}")
            return seconds
    return np.full(n_strides, np.nan)


def _leaves(group, prefix: str, where: str) -> dict[str, np.ndarray]:
    """Every numeric dataset at or below ``group`` (an h5py Group or Dataset), keyed by path."""
    import h5py

    if isinstance(group, h5py.Dataset):
        return {prefix: read_matrix(group, f"{where}/{prefix}", N_PHASE)}
    out = {}
    for name in group:
        out.update(_leaves(group[name], f"{prefix}/{name}", where))
    return out


def read_incline_experiment(path, *, subjects=None, tasks=None, modalities=None) -> GaitData:
    """Read ``InclineExperiment.mat`` (Embry et al. 2018, MATLAB v7.3 / HDF5) with h5py.

    ``subjects`` / ``tasks`` restrict what is read (default all found); ``modalities`` to a
    subset of :data:`REQUIRED` (default all, the force plate's components included). Drops the
    strides each trial's ``stepsout`` flags, reads ``height_m`` and ``mass_kg`` from each subject's
    ``subjectdetails`` and checks each trial's ``description`` against its name, and reads the
    strides' durations from each trial's ``cycles`` (:func:`_stride_seconds`; each when present).
    Raises FileNotFoundError for a missing file and :class:`GaitFileError` (naming the file and
    what is wrong) for an unreadable or truncated file, a wrong layout, a malformed
    ``subjectdetails``, ``description`` or ``stepsout``, or a description that disagrees with the
    trial name.
    """
    import h5py

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"gait file {path} does not exist (download InclineExperiment.mat, Embry et al. 2018)")
    wanted = REQUIRED if modalities is None else tuple(check_choice("modality", m, REQUIRED) for m in modalities)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise GaitFileError(f"{path}: cannot be opened as a MATLAB v7.3 (HDF5) file ({e}); "
                            "is it truncated, or saved without -v7.3?") from e
    strides, durations, dropped, details = {}, {}, [], []
    with f:
        if ROOT_GROUP not in f:
            raise GaitFileError(f"{path}: no group '{ROOT_GROUP}' (found {sorted(f)[:10]}); not InclineExperiment.mat?")
        root = f[ROOT_GROUP]
        found = sorted(k for k in root if re.fullmatch(r"AB\d+", k))
        if not found:
            raise GaitFileError(f"{path}: '{ROOT_GROUP}' holds no subject group 'ABxx' (found {sorted(root)[:10]})")
        for subject in (found if subjects is None else subjects):
            if subject not in root:
                raise GaitFileError(f"{path}: no subject '{ROOT_GROUP}/{subject}' (found {found})")
            trials = sorted((k for k in root[subject] if _TASK_RE.match(k)), key=parse_task)
            if not trials:
                raise GaitFileError(f"{path}: '{ROOT_GROUP}/{subject}' holds no trial like 's1i0'")
            strides[subject], durations[subject] = {}, {}
            details.append(_subject_details(root[subject], f"{path}:{ROOT_GROUP}/{subject}"))
            for task in (trials if tasks is None else tasks):
                where = f"{path}:{ROOT_GROUP}/{subject}/{task}"
                if task not in root[subject]:
                    raise GaitFileError(f"{path}: no trial '{ROOT_GROUP}/{subject}/{task}' (found {trials})")
                trial = root[subject][task]
                _check_description(trial, task, where)
                missing = [m for m in wanted if m not in trial]
                if missing:
                    raise GaitFileError(f"{where}: missing {len(missing)} of the required datasets, "
                                        f"e.g. {missing[:4]}")
                leaves = {}
                for m in wanted:
                    leaves.update(_leaves(trial[m], m, where))
                counts = {k: len(v) for k, v in leaves.items()}
                if len(set(counts.values())) != 1:
                    raise GaitFileError(f"{where}: channels hold different numbers of strides {counts}")
                n_strides = len(next(iter(leaves.values())))
                out = _outlier_strides(trial, n_strides, where)
                seconds = _stride_seconds(trial, n_strides, where)[~out]
                nan, zero = _bad_strides({k: v[~out] for k, v in leaves.items()})
                strides[subject][task] = {k: v[~out][~(nan | zero)] for k, v in leaves.items()}
                durations[subject][task] = seconds[~(nan | zero)]
                dropped.append((subject, task, int((~(nan | zero)).sum()), int(nan.sum()), int(zero.sum()),
                                int(out.sum())))
    subj = pd.DataFrame(details, columns=["height_m", "mass_kg"], index=pd.Index(list(strides), name="subject"))
    units = {"jointangles": "deg", "jointmoment": "N mm / kg", "forceplate": "as in the file"}
    return GaitData(source=str(path), strides=strides, subjects=subj,
                    dropped=pd.DataFrame(dropped, columns=["subject", "task", "n_kept", "n_nan", "n_zero", "n_out"]),
                    units=units, stride_seconds=durations)


def _continuous_channel(trial, modality: str, where: str) -> np.ndarray:
    """One channel ``(n,)`` of a ``Continuous`` trial: ``modality`` as a dataset of its own, or its
    axis (``x``, ``y``, ``z``) of the parent dataset, which public scripts index as h5py rows
    (``(3, n)``, ``[0, :]`` = x); ``(n, 3)`` is accepted too."""
    import h5py

    parent, _, axis = modality.rpartition("/")
    node = trial.get(parent)
    if isinstance(node, h5py.Group) and isinstance(node.get(axis), h5py.Dataset):
        x = np.asarray(node[axis][()], dtype=np.float64)
        if x.ndim == 2 and 1 in x.shape:
            return x.ravel()
    elif isinstance(node, h5py.Dataset) and axis in AXES:
        x = np.asarray(node[()], dtype=np.float64)
        if x.ndim == 2 and 3 in x.shape:
            return (x if x.shape[0] == 3 else x.T)[AXES.index(axis)]
    else:
        raise GaitFileError(f"{where}: no '{modality}' nor a dataset '{parent}' holding its axis {axis!r}")
    raise GaitFileError(f"{where}/{modality}: shape {x.shape} (as h5py sees it), expected one row of samples "
                        "or 3 rows x, y, z")


def read_continuous(path, modalities, *, subjects=None, tasks=None, rate_hz: float = RATE_HZ) -> dict:
    """The 100 Hz recordings of ``InclineExperiment.mat``: ``Continuous/<ABxx>/<trial>/...``.

    ``modalities`` are named as in :data:`REQUIRED`, down to the axis (e.g.
    ``"kinematics/jointangles/right/knee/x"``, ``"kinetics/forceplate/left/force/z"``); each is read
    with :func:`_continuous_channel`. Returns ``{subject: {task: (n_samples, c)}}`` float64, one
    channel per modality in the order given. If the trial has a ``time`` dataset, its sampling
    interval must be ``1 / rate_hz``. Raises FileNotFoundError for a missing file and
    :class:`GaitFileError` naming the file and what is missing.
    """
    import h5py

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"gait file {path} does not exist (download InclineExperiment.mat, Embry et al. 2018)")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise GaitFileError(f"{path}: cannot be opened as a MATLAB v7.3 (HDF5) file ({e})") from e
    out = {}
    with f:
        if "Continuous" not in f:
            raise GaitFileError(f"{path}: no group 'Continuous' (found {sorted(f)[:10]}): the file holds no 100 Hz recordings")
        root = f["Continuous"]
        found = sorted(k for k in root if re.fullmatch(r"AB\d+", k))
        for subject in (found if subjects is None else subjects):
            if subject not in root:
                raise GaitFileError(f"{path}: no subject 'Continuous/{subject}' (found {found})")
            trials = sorted((k for k in root[subject] if _TASK_RE.match(k)), key=parse_task)
            out[subject] = {}
            for task in (trials if tasks is None else tasks):
                where = f"{path}:Continuous/{subject}/{task}"
                if task not in root[subject]:
                    raise GaitFileError(f"{path}: no trial 'Continuous/{subject}/{task}' (found {trials})")
                trial = root[subject][task]
                try:
                    channels = [_continuous_channel(trial, m, where) for m in modalities]
                except OSError as e:
                    raise GaitFileError(f"{where}: cannot read the data ({e}); is the file truncated?") from e
                if len({len(c) for c in channels}) != 1:
                    raise GaitFileError(f"{where}: channels of different lengths {[len(c) for c in channels]}")
                if "time" in trial:
                    step = np.median(np.diff(np.ravel(trial["time"][()])))
                    if not np.isclose(step, 1.0 / rate_hz, rtol=1e-3):
                        raise GaitFileError(f"{where}/time: sampled every {step:g} s, expected {1.0 / rate_hz:g} s")
                out[subject][task] = np.stack(channels, axis=-1)                  # (n_samples, c)
    return out
