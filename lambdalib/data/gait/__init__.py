"""Gait data (LaMbDA-long section 4): the Embry et al. (2018) file or a simulated stand-in,
both as one :class:`GaitData`, and the windows the models train on. Imports core only.

- :mod:`~lambdalib.data.gait.schema`     tasks, channel names, norms, :class:`GaitData`
- :mod:`~lambdalib.data.gait.embry`      the reader of ``InclineExperiment.mat``
- :mod:`~lambdalib.data.gait.matlab`     MATLAB v7.3 (HDF5) variables, cells and matrices
- :mod:`~lambdalib.data.gait.simulated`  SIMULATED strides with the same structure (a stand-in)
- :mod:`~lambdalib.data.gait.windows`    stride / continuous / recording windows, subject folds
- :mod:`~lambdalib.data.gait.render`     SIMULATED walkers rendered as silhouettes and range views
  (DiffCrossGait's stand-in)
- :func:`load_gait`                      the one entry point: ``"simulated"`` or a file path
"""

from __future__ import annotations

import os

from lambdalib.data.gait.embry import read_continuous, read_incline_experiment
from lambdalib.data.gait.matlab import GaitFileError
from lambdalib.data.gait.schema import (
    ANGLE_JOINTS,
    AXES,
    GAIT_NORMS,
    INCLINES,
    MOMENT_JOINTS,
    N_PHASE,
    RATE_HZ,
    REQUIRED,
    SIDES,
    SPEEDS,
    TASKS,
    GaitData,
    parse_task,
    task_name,
    task_table,
)
from lambdalib.data.gait.simulated import simulate_gait
from lambdalib.data.gait.windows import (
    continuous_windows,
    leave_subject_out,
    recording_windows,
    resample_stride,
    stride_summary,
    stride_windows,
)

__all__ = ["ANGLE_JOINTS", "MOMENT_JOINTS", "REQUIRED", "AXES", "GAIT_NORMS", "INCLINES", "N_PHASE", "RATE_HZ", "SIDES", "SPEEDS", "TASKS", "GaitData", "GaitFileError",
           "parse_task", "task_name", "task_table", "read_incline_experiment", "read_continuous", "simulate_gait",
           "load_gait", "stride_windows", "continuous_windows", "recording_windows", "resample_stride",
           "leave_subject_out", "stride_summary"]


def load_gait(source: str | os.PathLike = "simulated", *, subjects=None, tasks=None, modalities=None,
              **simulate_options) -> GaitData:
    """The one entry point: ``"simulated"`` (:func:`lambdalib.data.gait.simulated.simulate_gait`, which
    takes ``simulate_options`` such as ``seed``, ``n_subjects``, ``n_strides``) or the path of
    ``InclineExperiment.mat`` (:func:`read_incline_experiment`)."""
    if str(source) == "simulated":
        return simulate_gait(subjects=subjects, tasks=tasks, modalities=modalities, **simulate_options)
    if simulate_options:
        raise ValueError(f"options {sorted(simulate_options)} are for source='simulated', not a file")
    return read_incline_experiment(source, subjects=subjects, tasks=tasks, modalities=modalities)
