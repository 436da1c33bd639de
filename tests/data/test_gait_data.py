"""Tests for lambdalib.data.gait (the InclineExperiment.mat loader, lambdalib.data.gait.embry) and simulated (the simulated
stand-in and its planar inverse dynamics)."""

import h5py
import numpy as np
import pandas as pd
import pytest

from lambdalib.data.gait import (
    ANGLE_JOINTS,
    AXES,
    MOMENT_JOINTS,
    N_PHASE,
    REQUIRED,
    SIDES,
    TASKS,
    GaitData,
    GaitFileError,
    continuous_windows,
    load_gait,
    parse_task,
    read_continuous,
    recording_windows,
    resample_stride,
    stride_windows,
    task_name,
    task_table,
)
from lambdalib.data.gait.embry import _bad_strides
from lambdalib.data.gait.simulated import (
    SIMULATED_MODALITIES,
    Body,
    G,
    inverse_dynamics,
    leg_points,
    phase_derivative,
    simulate_gait,
    stride_time,
)

BODY = Body(height=1.75, mass=70.0)
# The Continuous group's (3, n) datasets: one per joint or force-plate quantity, rows x, y, z.
CONTINUOUS_CHANNELS = list(dict.fromkeys(m[:-2] if m[-2:] in ("/x", "/y", "/z") else m for m in REQUIRED))


# --- the loader, on a tiny fixture in the file's layout --------------------------------------

def write_matrix(group, name, x, transposed=False):
    """A matrix with MATLAB_class "double", as h5py shows it: strides as rows, ``(n_strides, 150)``
    (how public scripts index the real file), or with ``transposed`` as ``(150, n_strides)``."""
    x = np.asarray(x, dtype=np.float64)
    ds = group.create_dataset(name, data=x.T if transposed else x)
    ds.attrs["MATLAB_class"] = np.bytes_("double")


def write_value(refs, x):
    """A MATLAB value in the ``#refs#`` group, returning its reference: a str as a char array
    (uint16 code units, MATLAB_int_decode 2), a number as a 1 x 1 double."""
    name = f"r{len(refs)}"
    if isinstance(x, str):
        ds = refs.create_dataset(name, data=np.array([[ord(c)] for c in x], dtype=np.uint16))  # 1 x n, transposed
        ds.attrs["MATLAB_class"] = np.bytes_("char")
        ds.attrs["MATLAB_int_decode"] = np.int32(2)
    else:
        ds = refs.create_dataset(name, data=np.full((1, 1), x, dtype=np.float64))
        ds.attrs["MATLAB_class"] = np.bytes_("double")
    return ds.ref


def write_cell(group, name, rows):
    """An n x 2 MATLAB cell of (name, value) rows as v7.3 stores it: a transposed (2, n) dataset
    of object references, MATLAB_class "cell", each element a dataset in the file's ``#refs#``."""
    refs = group.file.require_group("#refs#")
    ds = group.create_dataset(name, data=np.array([[write_value(refs, x) for x in row] for row in rows],
                                                  dtype=h5py.ref_dtype).T)
    ds.attrs["MATLAB_class"] = np.bytes_("cell")


def subject_rows(si):
    """subjectdetails as in the file: height in mm, weight in kg, leg lengths in mm."""
    return [["gender", "F"], ["age", 25 + si], ["height", 1700.0 + 10 * si], ["weight", 60.0 + si],
            ["leftleglength", 880.0], ["rightleglength", 880.0]]


def write_fixture(path, subjects=("AB01", "AB02"), trials=("s1i0", "s0x8d7x5"), n_strides=4,
                  skip=(), bad_strides=True, stepsout=None, details=None, descriptions=None, cycles=None,
                  transposed=False, n_continuous=0):
    """``Gaitcycle/<subject>/<trial>/...`` with every REQUIRED dataset (the force plate as x/y/z
    groups) except those in ``skip``. Channel values encode where they are so reads can be checked.
    In AB01/s1i0, stride 1 holds a NaN and stride 2 is all zeros (as missing strides are).
    Each subject has a ``subjectdetails`` cell (``details[subject]`` rows, default
    :func:`subject_rows`, None for none) and each trial a ``description`` cell of its speed and
    incline (``descriptions[(subject, trial)]`` rows to replace it), and ``stepsout[(subject, trial)]``
    as that trial's ``stepsout`` (none by default). ``cycles[(subject, trial)]`` maps
    ``"<side>/time"`` or ``"<side>/frame"`` to the array written as ``cycles/<side>/...`` (h5py's
    view: a stride's 150 times as a row; heel-strike frames as a column). ``transposed`` writes the
    stride matrices as ``(150, n_strides)``. ``n_continuous`` > 0 adds ``Continuous/<subject>/<trial>``
    with ``time`` (1, n) at 100 Hz and each of CONTINUOUS_CHANNELS as a (3, n) dataset, rows x, y, z,
    row a of channel ci holding ``100 si + 10 ti + ci + a / 10 + k`` at sample k."""
    stepsout, details, descriptions, cycles = stepsout or {}, details or {}, descriptions or {}, cycles or {}
    with h5py.File(path, "w", userblock_size=512) as f:  # MATLAB v7.3 keeps a 512-byte header
        root = f.create_group("Gaitcycle")
        for si, subject in enumerate(subjects):
            sub = root.create_group(subject)
            if details.get(subject, subject_rows(si)) is not None:  # a non-trial child, not read as one
                write_cell(sub, "subjectdetails", details.get(subject, subject_rows(si)))
            for ti, trial in enumerate(trials):
                g = sub.create_group(trial)
                speed, incline = parse_task(trial)
                write_cell(g, "description", descriptions.get((subject, trial),
                                                              [["speed", speed], ["incline", incline]]))
                if (subject, trial) in stepsout:
                    write_matrix(g, "stepsout", np.atleast_2d(stepsout[subject, trial]))
                for key, x in cycles.get((subject, trial), {}).items():
                    side, _, name = key.partition("/")
                    write_matrix(g.require_group(f"cycles/{side}"), name, x)
                for ci, m in enumerate(REQUIRED):
                    if m in skip:
                        continue
                    leaves = [f"{m}/{a}" for a in AXES] if "forceplate" in m else [m]
                    for li, leaf in enumerate(leaves):
                        x = 100 * si + 10 * ti + ci + li / 10 + np.sin(np.linspace(0, 2 * np.pi, N_PHASE))
                        x = np.tile(x, (n_strides, 1)) + np.arange(n_strides)[:, None] * 1000
                        if bad_strides and (si, ti) == (0, 0):
                            x[1, 5] = np.nan
                            x[2] = 0.0
                        parent, _, name = leaf.rpartition("/")
                        write_matrix(g.require_group(parent), name, x, transposed)
        for si, subject in enumerate(subjects if n_continuous else ()):
            for ti, trial in enumerate(trials):
                g = f.create_group(f"Continuous/{subject}/{trial}")
                write_matrix(g, "time", np.arange(n_continuous)[None] / 100.0)
                for ci, m in enumerate(CONTINUOUS_CHANNELS):
                    rows = 100 * si + 10 * ti + ci + np.arange(3)[:, None] / 10 + np.arange(n_continuous)
                    parent, _, name = m.rpartition("/")
                    write_matrix(g.require_group(parent), name, rows)                 # (3, n): x, y, z
    with open(path, "r+b") as f:  # the text header MATLAB writes into the user block
        f.write(b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2018 HDF5 schema 1.00 .")
    return path


def test_task_names_round_trip():
    assert len(TASKS) == 27 and len(set(TASKS)) == 27
    assert task_name(1.2, -7.5) == "s1x2d7x5" and task_name(1.0, 0.0) == "s1i0"
    assert parse_task("s0x8d10") == (0.8, -10.0) and parse_task("s1x2i2x5") == (1.2, 2.5)
    assert all(task_name(*parse_task(t)) == t for t in TASKS)
    with pytest.raises(ValueError, match="trial name"):
        parse_task("walk1")


def test_task_table():
    table = task_table()
    assert len(table) == 27 and sorted(set(table.speed)) == [0.8, 1.0, 1.2]
    assert sorted(set(table.incline)) == [-10, -7.5, -5, -2.5, 0, 2.5, 5, 7.5, 10]


def test_drop_bad_strides_keeps_a_channel_never_filled():
    good = np.ones((3, N_PHASE))
    never = np.zeros((3, N_PHASE))                       # e.g. a component the lab did not record
    gappy = good.copy()
    gappy[1] = 0.0
    nan, zero = _bad_strides({"a": good, "b": never, "c": gappy})
    assert not nan.any() and zero.tolist() == [False, True, False]


def test_loader_reads_fixture(tmp_path):
    path = write_fixture(tmp_path / "InclineExperiment.mat")
    data = load_gait(path)
    assert data.source == str(path)
    assert data.subject_names == ["AB01", "AB02"]
    assert data.task_names == ["s0x8d7x5", "s1i0"]  # sorted by speed, then incline
    n_leaves = len(SIDES) * (len(ANGLE_JOINTS) + len(MOMENT_JOINTS)) * 3 + len(SIDES) * 2 * 3
    assert len(data.modalities) == n_leaves
    knee = data.get("AB02", "s1i0", "kinematics/jointangles/right/knee/x")
    assert knee.shape == (4, N_PHASE)  # MATLAB's (n_strides, 150), transposed back
    ci = REQUIRED.index("kinematics/jointangles/right/knee/x")
    np.testing.assert_allclose(knee[:, 0], 100 + ci + np.arange(4) * 1000)  # stride order kept
    fz = data.get("AB02", "s1i0", "kinetics/forceplate/left/force/z")
    np.testing.assert_allclose(fz[0, 0], 100 + REQUIRED.index("kinetics/forceplate/left/force") + 0.2)
    # AB01/s1i0 lost stride 1 (NaN) and stride 2 (zeros): 2 kept, and the table says why.
    assert data.get("AB01", "s1i0", "kinetics/jointmoment/left/ankle/x")[:, 0].tolist() == [
        REQUIRED.index("kinetics/jointmoment/left/ankle/x") + k * 1000 for k in (0, 3)]
    row = data.dropped.set_index(["subject", "task"]).loc[("AB01", "s1i0")]
    assert (row.n_kept, row.n_nan, row.n_zero) == (2, 1, 1)
    assert data.dropped[["n_nan", "n_zero"]].to_numpy().sum() == 2 and data.dropped.n_out.sum() == 0
    np.testing.assert_allclose(data.subjects.to_numpy(), [[1.70, 60.0], [1.71, 61.0]])  # from subjectdetails
    assert data.windows(["kinematics/jointangles/left/hip/x", "kinetics/jointmoment/left/hip/x"]).shape == (
        2 + 4 + 4 + 4, N_PHASE, 2)


def test_loader_reads_either_orientation(tmp_path):
    rows = load_gait(write_fixture(tmp_path / "rows.mat"))
    cols = load_gait(write_fixture(tmp_path / "cols.mat", transposed=True))
    for m in ("kinematics/jointangles/right/knee/x", "kinetics/forceplate/left/force/z"):
        np.testing.assert_array_equal(rows.get("AB02", "s1i0", m), cols.get("AB02", "s1i0", m))
    assert rows.get("AB02", "s1i0", m).shape == (4, N_PHASE)


def stride_times(seconds, start=0.0):
    """``cycles/<side>/time`` of strides lasting ``seconds``: 150 sample times per stride, at k/150."""
    starts = start + np.concatenate([[0.0], np.cumsum(seconds)[:-1]])
    return starts[:, None] + np.asarray(seconds)[:, None] * np.arange(N_PHASE) / N_PHASE  # (n_strides, 150)


def test_loader_reads_stride_durations_from_cycles(tmp_path):
    cycles = {("AB01", "s1i0"): {"right/time": stride_times([1.0, 1.1, 1.2, 1.3], start=3.0)},
              ("AB02", "s1i0"): {"left/frame": np.array([[10, 120, 230, 345, 460]]).T},  # heel strikes, 100 Hz
              ("AB02", "s0x8d7x5"): {"right/time": stride_times([1.2] * 4)}}
    data = load_gait(write_fixture(tmp_path / "x.mat", cycles=cycles))
    # AB01/s1i0 drops strides 2 (NaN) and 3 (zeros): their durations go with them
    np.testing.assert_allclose(data.stride_seconds["AB01"]["s1i0"], [1.0, 1.3])
    np.testing.assert_allclose(data.stride_seconds["AB02"]["s1i0"], [1.1, 1.1, 1.15, 1.15])
    assert np.isnan(data.stride_seconds["AB01"]["s0x8d7x5"]).all()          # no cycles: NaN
    mods = ["kinematics/jointangles/right/knee/x"]
    with pytest.raises(ValueError, match=r"x\.mat.*'AB01'.*'s0x8d7x5'.*cycles/<side>/time or frame"):
        continuous_windows(data, mods)
    w, labels = continuous_windows(data, mods, subjects=["AB02"], window=300, overlap=0.5)
    assert labels.task.tolist() == ["s0x8d7x5"] * 2 + ["s1i0"] * 2                 # 480 and 450 samples
    with pytest.raises(GaitFileError, match=r"y\.mat:Gaitcycle/AB02/s1i0/cycles/left/frame.*5 heel strikes"):
        load_gait(write_fixture(tmp_path / "y.mat", cycles={("AB02", "s1i0"): {"left/frame": np.array([[1, 2, 3]]).T}}))


def test_read_continuous_recordings(tmp_path):
    path = write_fixture(tmp_path / "x.mat", n_continuous=700)
    mods = ["kinematics/jointangles/right/knee/x", "kinetics/forceplate/left/force/z"]
    rec = read_continuous(path, mods)
    assert list(rec) == ["AB01", "AB02"] and list(rec["AB02"]) == ["s0x8d7x5", "s1i0"]
    x = rec["AB02"]["s1i0"]                                                   # (700, 2)
    k = np.arange(700)
    np.testing.assert_allclose(x[:, 0], 100 + CONTINUOUS_CHANNELS.index("kinematics/jointangles/right/knee") + k)
    np.testing.assert_allclose(x[:, 1], 100 + CONTINUOUS_CHANNELS.index("kinetics/forceplate/left/force") + 0.2 + k)
    w, labels = recording_windows(rec, window=300, overlap=0.5)
    assert w.shape == (2 * 2 * 3, 300, 2)                                     # starts 0, 150, 300 in 700
    np.testing.assert_array_equal(w[1, :150], w[0, 150:])
    assert list(labels.columns) == ["subject", "task", "speed", "incline"]
    with h5py.File(path, "r+") as f:                                          # a gap: its windows are left out
        f["Continuous/AB01/s1i0/kinetics/forceplate/left/force"][2, 400] = np.nan
    assert len(recording_windows(read_continuous(path, mods))[0]) == len(w) - 2
    with pytest.raises(GaitFileError, match=r"x\.mat:Continuous/AB01/s0x8d7x5: no 'kinetics/jointmoment/left/foot/x'"):
        read_continuous(path, ["kinetics/jointmoment/left/foot/x"])
    with pytest.raises(GaitFileError, match=r"y\.mat: no group 'Continuous'"):
        read_continuous(write_fixture(tmp_path / "y.mat"), mods)


def test_loader_selects_subjects_tasks_modalities(tmp_path):
    path = write_fixture(tmp_path / "x.mat")
    data = load_gait(path, subjects=["AB02"], tasks=["s1i0"], modalities=["kinetics/forceplate/right/moment"])
    assert data.subject_names == ["AB02"] and data.task_names == ["s1i0"]
    assert data.modalities == [f"kinetics/forceplate/right/moment/{a}" for a in AXES]


def test_loader_errors_name_the_file_and_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.mat"):
        load_gait(tmp_path / "nothere.mat")
    path = write_fixture(tmp_path / "partial.mat", skip=("kinetics/jointmoment/left/knee/y",))
    with pytest.raises(GaitFileError, match=r"partial\.mat.*AB01/s0x8d7x5.*jointmoment/left/knee/y"):
        load_gait(path)
    with h5py.File(tmp_path / "other.mat", "w") as f:
        f.create_group("Continuous")
    with pytest.raises(GaitFileError, match=r"other\.mat.*no group 'Gaitcycle'"):
        load_gait(tmp_path / "other.mat")
    with pytest.raises(GaitFileError, match=r"x\.mat.*no trial 'Gaitcycle/AB01/s1i10'"):
        load_gait(write_fixture(tmp_path / "x.mat"), tasks=["s1i10"])
    with pytest.raises(ValueError, match="source='simulated'"):
        load_gait(tmp_path / "x.mat", seed=1)


def test_loader_truncated_file(tmp_path):
    path = write_fixture(tmp_path / "InclineExperiment.mat", subjects=("AB01",), trials=("s1i0",))
    raw = path.read_bytes()
    cut = tmp_path / "cut.mat"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(GaitFileError, match=r"cut\.mat"):
        load_gait(cut)


def test_loader_drops_stepsout_strides(tmp_path):
    # stepsout as a 0/1 flag per stride, or as 1-based stride numbers (MATLAB's)
    stepsout = {("AB02", "s1i0"): [1, 0, 0, 1], ("AB01", "s0x8d7x5"): [4], ("AB01", "s1i0"): [2]}
    data = load_gait(write_fixture(tmp_path / "x.mat", stepsout=stepsout))
    ci = REQUIRED.index("kinematics/jointangles/right/knee/x")
    knee = lambda s, t: data.get(s, t, "kinematics/jointangles/right/knee/x")[:, 0].tolist()  # noqa: E731
    assert knee("AB02", "s1i0") == [100 + ci + 1000, 100 + ci + 2000]
    assert knee("AB01", "s0x8d7x5") == [10 + ci + k * 1000 for k in (0, 1, 2)]
    table = data.dropped.set_index(["subject", "task"])[["n_kept", "n_nan", "n_zero", "n_out"]]
    # AB01/s1i0's outlier is its NaN stride: counted once, as an outlier; its zero stride is still dropped
    assert table.loc[("AB01", "s1i0")].tolist() == [2, 0, 1, 1]
    assert table.loc[("AB02", "s1i0")].tolist() == [2, 0, 0, 2]
    assert table.loc[("AB01", "s0x8d7x5")].tolist() == [3, 0, 0, 1]
    assert table.loc[("AB02", "s0x8d7x5")].tolist() == [4, 0, 0, 0]
    assert (table.sum(axis=1) == 4).all()  # every stride kept or counted once
    with pytest.raises(GaitFileError, match=r"y\.mat.*AB01/s1i0/stepsout.*1\.\.4"):
        load_gait(write_fixture(tmp_path / "y.mat", stepsout={("AB01", "s1i0"): [5]}))


def test_loader_reads_subject_details(tmp_path):
    details = {"AB01": [["Height (m)", 1.8], ["mass", 70.0]], "AB02": None}  # AB02: no subjectdetails
    data = load_gait(write_fixture(tmp_path / "x.mat", details=details))
    assert data.subjects.loc["AB01"].tolist() == [1.8, 70.0]
    assert data.subjects.loc["AB02"].isna().all()
    data = load_gait(write_fixture(tmp_path / "y.mat", details={"AB01": [["gender", "M"], ["age", 30]]}))
    assert data.subjects.loc["AB01"].isna().all()  # a cell without height or weight: NaN
    assert data.subjects.loc["AB02", "height_m"] == pytest.approx(1.71)


def test_loader_malformed_subject_details_names_the_file(tmp_path):
    path = write_fixture(tmp_path / "bad.mat", details={"AB02": [["height", "tall"], ["weight", 60.0]]})
    with pytest.raises(GaitFileError, match=r"bad\.mat:Gaitcycle/AB02/subjectdetails: 'height' is 'tall'"):
        load_gait(path)
    path = write_fixture(tmp_path / "matrix.mat")
    with h5py.File(path, "r+") as f:  # a double matrix where the cell should be
        del f["Gaitcycle/AB01/subjectdetails"]
        write_matrix(f["Gaitcycle/AB01"], "subjectdetails", np.zeros((1, N_PHASE)))
    with pytest.raises(GaitFileError, match=r"matrix\.mat:Gaitcycle/AB01/subjectdetails: expected a MATLAB cell"):
        load_gait(path)


def test_loader_description_must_match_the_trial_name(tmp_path):
    path = write_fixture(tmp_path / "desc.mat", descriptions={("AB02", "s1i0"): [["speed", 1.2], ["incline", 0.0]]})
    with pytest.raises(GaitFileError, match=r"desc\.mat:Gaitcycle/AB02/s1i0/description: speed 1\.2 m/s.*'s1i0'"):
        load_gait(path)
    path = write_fixture(tmp_path / "nodesc.mat", descriptions={("AB01", "s1i0"): [["speed", 1.0]]})
    with pytest.raises(GaitFileError, match=r"nodesc\.mat:Gaitcycle/AB01/s1i0/description: no 'speed' and 'incline'"):
        load_gait(path)


# --- inverse dynamics ------------------------------------------------------------------------

def constant(angles, n=N_PHASE):
    return np.tile(np.asarray(angles, dtype=float)[:, None], (1, n))  # (3, n)


def test_static_horizontal_leg_gives_gravity_torques():
    # Hip flexed 90 deg, knee straight, ankle neutral: thigh and shank point forward, the foot
    # points up (its metatarsal head h_a forward of the ankle, its COM half of that). No GRF.
    zero = np.zeros((2, N_PHASE))
    m = leg_points(constant([90, 0, 0]), BODY)
    (mt, lt, _), (ms, ls, _), (mf, _, _) = (BODY.segment(s) for s in ("thigh", "shank", "foot"))
    ha = BODY.length("ankle_height")
    xf = lt + ls + 0.5 * ha
    np.testing.assert_allclose(m["com"]["foot"][0], xf, atol=1e-12)
    hip = G * (mt * 0.433 * lt + ms * (lt + 0.433 * ls) + mf * xf)        # flexor holds the leg up
    knee = -G * (ms * 0.433 * ls + mf * (ls + 0.5 * ha))                  # extensor
    ankle = G * mf * 0.5 * ha                                             # dorsiflexor
    got = inverse_dynamics(constant([90, 0, 0]), zero, zero, BODY, period=1.0)
    np.testing.assert_allclose(got, constant([hip, knee, ankle]), rtol=1e-9, atol=1e-9)


def test_static_standing_with_grf_at_cop():
    # Upright leg, vertical GRF F at d ahead of the ankle: ankle = m_f g a_m / 2 - F d, and the
    # same with the opposite sign at the knee (flexion positive), the same at the hip.
    f, d = 400.0, 0.08
    pts = leg_points(constant([0, 0, 0]), BODY)
    grf = np.stack([np.zeros(N_PHASE), np.full(N_PHASE, f)])
    cop = pts["ankle"] + np.array([d, -BODY.length("ankle_height")])[:, None]
    mf = BODY.segment("foot")[0]
    ankle = mf * G * 0.5 * BODY.ankle_to_mth - f * d
    got = inverse_dynamics(constant([0, 0, 0]), grf, cop, BODY, period=1.0)
    np.testing.assert_allclose(got, constant([ankle, -ankle, ankle]), rtol=1e-9, atol=1e-9)


def test_swing_without_grf_is_segment_inertia_only():
    # g = 0, no GRF: rotating only the foot needs I_ankle * alpha at the ankle; swinging the
    # rigid straight leg needs I_hip * alpha at the hip (parallel axes for each segment).
    period, n = 1.2, N_PHASE
    wave = 20.0 * np.sin(2 * np.pi * np.arange(n) / n)                   # deg
    alpha = -np.deg2rad(20.0) * (2 * np.pi / period) ** 2 * np.sin(2 * np.pi * np.arange(n) / n)
    zero = np.zeros((2, n))
    mf, lf, i_f = BODY.segment("foot")
    foot = inverse_dynamics(np.stack([0 * wave, 0 * wave, wave]), zero, zero, BODY, period, g=0.0)
    np.testing.assert_allclose(foot[2], (i_f + mf * (0.5 * lf) ** 2) * alpha, rtol=1e-8, atol=1e-9)
    (mt, lt, it), (ms, ls, i_s) = BODY.segment("thigh"), BODY.segment("shank")
    d_f2 = (0.5 * BODY.ankle_to_mth) ** 2 + (lt + ls + 0.5 * BODY.length("ankle_height")) ** 2
    i_hip = it + mt * (0.433 * lt) ** 2 + i_s + ms * (lt + 0.433 * ls) ** 2 + i_f + mf * d_f2
    leg = inverse_dynamics(np.stack([wave, 0 * wave, 0 * wave]), zero, zero, BODY, period, g=0.0)
    np.testing.assert_allclose(leg[0], i_hip * alpha, rtol=1e-8, atol=1e-9)


def test_inverse_dynamics_batch_matches_loop():
    rng = np.random.default_rng(0)
    t = 2 * np.pi * np.arange(N_PHASE) / N_PHASE
    angles = 20 * np.sin(t + rng.uniform(0, 6, (4, 3, 1)))           # (b, 3, n)
    grf = 300 * (1 + np.cos(t + rng.uniform(0, 6, (4, 2, 1))))       # (b, 2, n)
    cop = rng.normal(0, 0.1, (4, 2, N_PHASE))
    batch = inverse_dynamics(angles, grf, cop, BODY, 1.1, pelvis_tilt=8.0)
    loop = np.stack([inverse_dynamics(angles[i], grf[i], cop[i], BODY, 1.1, pelvis_tilt=8.0) for i in range(4)])
    np.testing.assert_allclose(batch, loop, rtol=1e-12, atol=1e-12)


def test_phase_derivative_is_exact_for_harmonics():
    t = np.arange(N_PHASE) / N_PHASE
    np.testing.assert_allclose(phase_derivative(np.sin(2 * np.pi * 3 * t), 2.0),
                               3 * np.pi * np.cos(2 * np.pi * 3 * t), atol=1e-9)


# --- the simulated data ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sim():
    return simulate_gait(n_subjects=3, n_strides=5, tasks=["s0x8d10", "s1i0", "s1x2i10"])


def test_simulated_structure(sim):
    assert sim.source == "simulated" and sim.subject_names == ["SIM01", "SIM02", "SIM03"]
    assert sim.modalities == list(SIMULATED_MODALITIES)
    assert all(x.shape == (5, N_PHASE) and np.isfinite(x).all()
               for trials in sim.strides.values() for mods in trials.values() for x in mods.values())
    assert set(sim.subjects.columns) == {"height_m", "mass_kg"}
    # each subject and task has its own random stream: a subset repeats the whole
    one = load_gait("simulated", n_subjects=3, n_strides=5, subjects=["SIM02"], tasks=["s1i0"])
    np.testing.assert_array_equal(one.get("SIM02", "s1i0", SIMULATED_MODALITIES[0]),
                                  sim.get("SIM02", "s1i0", SIMULATED_MODALITIES[0]))


def test_grf_impulse_balance(sim):
    # Over every stride, left + right mean vertical force = body weight (2%), on every incline;
    # along the belt the mean shear is the weight's component m g sin(incline).
    for subject, trials in sim.strides.items():
        weight = sim.subjects.loc[subject, "mass_kg"] * G
        for task, mods in trials.items():
            fz = sum(mods[f"kinetics/forceplate/{s}/force/z"].mean(axis=1) for s in SIDES)  # (strides,)
            np.testing.assert_allclose(fz / weight, 1.0, rtol=0.02)
            fx = sum(mods[f"kinetics/forceplate/{s}/force/x"].mean(axis=1) for s in SIDES)
            gamma = np.deg2rad(parse_task(task)[1])
            along = fx * np.cos(gamma) + fz * np.sin(gamma)
            np.testing.assert_allclose(along / weight, np.sin(gamma), atol=1e-6)


def test_swing_has_no_grf_and_stance_shortens_with_speed(sim):
    stance = {t: np.mean([(sim.get(s, t, "kinetics/forceplate/right/force/z") > 0).mean()
                          for s in sim.subject_names]) for t in ("s0x8d10", "s1x2i10")}
    assert 0.55 < stance["s1x2i10"] < stance["s0x8d10"] < 0.7


def test_uphill_flexes_hip_more(sim):
    hs = {t: np.mean([sim.get(s, t, "kinematics/jointangles/right/hip/x")[:, 0] for s in sim.subject_names])
          for t in ("s0x8d10", "s1x2i10")}
    assert hs["s1x2i10"] > hs["s0x8d10"] + 10.0


def test_stride_summary_near_able_bodied_norms(sim):
    from lambdalib.data.gait import stride_summary

    table = stride_summary(sim, "s1i0")
    assert list(table.index) == sim.subject_names
    m = table.mean()
    assert 35 < m.hip_rom_deg < 55 and 45 < m.knee_rom_deg < 70 and 20 < m.ankle_rom_deg < 40
    assert 1.0 < m.ankle_pf_moment_Nm_per_kg < 2.0
    assert 0.95 < m.grf_peak1_bw < 1.25 and 0.95 < m.grf_peak2_bw < 1.25
    assert 0.58 < m.stance_fraction < 0.67


def test_stride_windows_and_folds():
    from lambdalib.data.gait import leave_subject_out, stride_windows

    data = load_gait("simulated", seed=0, n_subjects=2, n_strides=4, tasks=["s1i0", "s1x2i5"])
    mods = ["kinematics/jointangles/right/knee/x", "kinetics/jointmoment/right/knee/x"]
    w, labels = stride_windows(data, mods)
    # 4 strides = 600 samples per (subject, task): windows of 300 at stride 150 start at 0, 150, 300
    assert w.shape == (2 * 2 * 3, 300, 2) and len(labels) == len(w)
    s, t = labels.iloc[1][["subject", "task"]]
    joined = data.get(s, t, mods[1]).reshape(-1)
    assert np.array_equal(w[1, :, 1], joined[150:450])                 # second window, second channel
    assert set(labels["incline"]) == {0.0, 5.0}
    folds = leave_subject_out(data.subject_names)
    assert [held for _, held in folds] == data.subject_names
    assert all(held not in train for train, held in folds)
    with pytest.raises(ValueError, match="overlap"):
        stride_windows(data, mods, overlap=1.0)


def test_resample_stride_matches_periodic_interp():
    x = np.random.default_rng(0).normal(size=(N_PHASE, 2))
    got = resample_stride(x, 113)
    phase = np.arange(113) / 113
    for c in range(2):
        np.testing.assert_allclose(got[:, c], np.interp(phase, np.arange(N_PHASE) / N_PHASE, x[:, c], period=1.0))


def test_continuous_windows_put_strides_at_their_durations():
    # one subject, one task, 6 strides; stride i = 1000 i + sin(2 pi phase), lasting 1.1, 0.9, 1.2, ... s
    seconds = np.array([1.1, 0.9, 1.2, 1.0, 1.15, 0.95])
    phase = np.arange(N_PHASE) / N_PHASE
    strides = 1000 * np.arange(6)[:, None] + np.sin(2 * np.pi * phase)        # (6, 150)
    data = GaitData("hand-made", {"S1": {"s1i0": {"a": strides, "b": -strides}}}, pd.DataFrame(),
                    pd.DataFrame(), stride_seconds={"S1": {"s1i0": seconds}})
    w, labels = continuous_windows(data, ["a", "b"], window=300, overlap=0.5)
    n = np.round(seconds * 100).astype(int)                                   # 110, 90, 120, ... samples
    assert len(w) == (n.sum() - 300) // 150 + 1 and w.shape[1:] == (300, 2)
    seq = np.concatenate([w[0], w[1][150:]])                                  # the first 450 samples
    np.testing.assert_allclose(seq[:110, 0], np.sin(2 * np.pi * np.arange(110) / 110), atol=1e-3)  # 1.1 s -> 110
    starts = np.cumsum(n)[:-1]
    assert [seq[k, 0] for k in starts if k < 450] == [1000.0, 2000.0, 3000.0, 4000.0]  # heel strikes on the grid
    np.testing.assert_array_equal(w[..., 1], -w[..., 0])
    np.testing.assert_array_equal(w[1, :150], w[0, 150:])                     # 50% overlap
    ref = stride_windows(data, ["a", "b"])[1]
    assert list(labels.columns) == list(ref.columns) and set(labels.task) == {"s1i0"}
    assert (labels.speed == 1.0).all() and (labels.incline == 0.0).all()
    with pytest.raises(ValueError, match="overlap"):
        continuous_windows(data, ["a"], overlap=1.0)
    with pytest.raises(ValueError, match="rate_hz"):
        continuous_windows(data, ["a"], rate_hz=0)


def test_simulated_stride_seconds_and_continuous_windows(sim):
    for s in sim.subject_names:
        for t in sim.task_names:
            expected = stride_time(parse_task(t)[0], sim.subjects.loc[s, "height_m"])
            np.testing.assert_allclose(sim.stride_seconds[s][t], np.full(5, expected))
    w, labels = continuous_windows(sim, ["kinematics/jointangles/right/knee/x"])
    per_task = labels.groupby(["subject", "task"]).size()
    for (s, t), k in per_task.items():
        n = 5 * int(round(sim.stride_seconds[s][t][0] * 100))
        assert k == (n - 300) // 150 + 1
    assert len(w) == per_task.sum()
