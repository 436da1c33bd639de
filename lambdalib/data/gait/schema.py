"""The gait data's schema (Embry et al. 2018): speeds, inclines, tasks, channel names, norms,
and :class:`GaitData`, the one container the reader and the simulator both fill.

Channel names follow the file's layout (see :mod:`lambdalib.data.gait.embry`), e.g.
``kinematics/jointangles/right/knee/x``; strides are ``(n_strides, N_PHASE)`` arrays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lambdalib.core.checks import check_choice

__all__ = ["N_PHASE", "RATE_HZ", "SPEEDS", "INCLINES", "TASKS", "SIDES", "ANGLE_JOINTS", "MOMENT_JOINTS", "AXES",
           "REQUIRED", "GAIT_NORMS", "GaitData", "task_name", "parse_task", "task_table"]

N_PHASE = 150                                  # samples of gait phase per stride (Embry 2018)
SPEEDS = (0.8, 1.0, 1.2)                       # treadmill speeds, m/s
INCLINES = (-10.0, -7.5, -5.0, -2.5, 0.0, 2.5, 5.0, 7.5, 10.0)  # treadmill inclines, degrees
SIDES = ("left", "right")
RATE_HZ = 100.0                                # sampling rate of the recordings (Embry 2018)
ANGLE_JOINTS = ("hip", "knee", "ankle", "pelvis", "foot")
MOMENT_JOINTS = ("hip", "knee", "ankle")
AXES = ("x", "y", "z")
ROOT_GROUP = "Gaitcycle"
# Every trial must hold these (a dataset each, or for the force plate a dataset or a group).
REQUIRED = tuple(
    [f"kinematics/jointangles/{s}/{j}/{a}" for s in SIDES for j in ANGLE_JOINTS for a in AXES]
    + [f"kinetics/jointmoment/{s}/{j}/{a}" for s in SIDES for j in MOMENT_JOINTS for a in AXES]
    + [f"kinetics/forceplate/{s}/{q}" for s in SIDES for q in ("force", "moment")])
# Able-bodied ranges for level walking near 1 m/s, against which the simulated stand-in is
# checked: column of stride_summary -> (low, high, source). What each source was checked against
# (chapters/gait_data.md, "Sources"):
# - ankle: Perry (1992), Gait Analysis, ch. 4, Table 4.1 ("Ankle motion during a stride"): arcs
#   from 10 deg dorsiflexion (12-48% of the cycle) to 20 deg plantarflexion (48-62%), a 30 deg
#   range; the +-5 deg around it is ours (approx.).
# - hip, knee: the usual textbook arcs (hip about 40-45 deg, knee from near 0 to about 60 deg);
#   no primary table (Perry 1992, Kadaba et al. 1990, Winter 2009) could be retrieved, so these
#   bounds are approximate and unverified.
# - ankle moment, GRF peaks, stance: the bounds the project's issue gives; Perry (1992, Atlas of
#   Limb Prosthetics ch. 13) gives "approximately 60%" stance.
GAIT_NORMS = {
    "hip_rom_deg": (40.0, 50.0, "approx., unverified: textbook ~40-45 deg"),
    "knee_rom_deg": (55.0, 65.0, "approx., unverified: textbook 0-60 deg arc"),
    "ankle_rom_deg": (25.0, 35.0, "Perry 1992 Table 4.1: 10 DF to 20 PF = 30 deg; +-5 ours"),
    "ankle_pf_moment_Nm_per_kg": (1.4, 1.8, "issue brief; unverified"),
    "grf_peak1_bw": (1.0, 1.2, "issue brief; unverified"),
    "grf_peak2_bw": (1.0, 1.2, "issue brief; unverified"),
    "stance_fraction": (0.60, 0.65, "issue brief; Perry 1992 (Atlas ch. 13): ~60%"),
}
_TASK_RE = re.compile(r"^s(\d+(?:x\d+)?)([di])(\d+(?:x\d+)?)$")


def _num(text: str) -> float:
    return float(text.replace("x", "."))


def _code(x: float) -> str:
    return f"{x:g}".replace(".", "x")


def task_name(speed: float, incline: float) -> str:
    """The file's trial name: ``task_name(1.2, -7.5) == "s1x2d7x5"``, ``task_name(1.0, 0) == "s1i0"``."""
    return f"s{_code(speed)}{'d' if incline < 0 else 'i'}{_code(abs(incline))}"


def parse_task(name: str) -> tuple[float, float]:
    """``(speed m/s, incline deg)`` of a trial name; ``parse_task("s0x8d10") == (0.8, -10.0)``."""
    m = _TASK_RE.match(name)
    if m is None:
        raise ValueError(f"{name!r} is not a trial name like 's1x2i7x5' (speed, d/i, incline)")
    speed, sign, incline = m.groups()
    return _num(speed), (-1.0 if sign == "d" else 1.0) * _num(incline)


TASKS = tuple(task_name(v, g) for v in SPEEDS for g in INCLINES)  # the 27 trials, speed-major


def task_table(tasks=TASKS) -> pd.DataFrame:
    """One row per trial name: ``task``, ``speed`` (m/s), ``incline`` (deg)."""
    return pd.DataFrame([(t, *parse_task(t)) for t in tasks], columns=["task", "speed", "incline"])


@dataclass
class GaitData:
    """Strides of gait, ``strides[subject][task][modality]`` = ``(n_strides, 150)`` float64.

    ``modality`` is the path below the trial in the file layout (module docstring), e.g.
    ``"kinetics/jointmoment/right/ankle/x"``. ``subjects`` holds per-subject ``height_m`` and
    ``mass_kg`` (NaN where the source does not give them); ``dropped`` has one row per trial:
    ``subject, task, n_kept, n_nan, n_zero, n_out`` (strides kept, dropped for a NaN, dropped as
    all-zero, dropped as flagged outliers in the file's ``stepsout``; always 0 when simulated).
    ``stride_seconds[subject][task]`` = ``(n_strides,)`` durations (s) of the kept strides, NaN
    where the source does not give them (a file without ``cycles``); empty if not known at all.
    """

    source: str
    strides: dict
    subjects: pd.DataFrame
    dropped: pd.DataFrame
    units: dict = field(default_factory=dict)
    stride_seconds: dict = field(default_factory=dict)

    @property
    def subject_names(self) -> list[str]:
        return list(self.strides)

    @property
    def task_names(self) -> list[str]:
        return sorted({t for s in self.strides.values() for t in s}, key=parse_task)

    @property
    def modalities(self) -> list[str]:
        first = next(iter(next(iter(self.strides.values())).values()))
        return list(first)

    def get(self, subject: str, task: str, modality: str) -> np.ndarray:
        """The ``(n_strides, 150)`` strides of one subject, task and modality."""
        check_choice("subject", subject, self.subject_names)
        check_choice("task", task, tuple(self.strides[subject]))
        check_choice("modality", modality, tuple(self.strides[subject][task]))
        return self.strides[subject][task][modality]

    def windows(self, modalities, subjects=None, tasks=None) -> np.ndarray:
        """Strides of the given subjects and tasks (default all), stacked channel-last:
        ``(b, 150, c)`` with one channel per modality, in the order given."""
        subjects = self.subject_names if subjects is None else list(subjects)
        out = []
        for s in subjects:
            for t in (self.strides[s] if tasks is None else tasks):
                out.append(np.stack([self.get(s, t, m) for m in modalities], axis=-1))  # (n, 150, c)
        return np.concatenate(out, axis=0)
