"""Simulated stand-in for the Embry et al. (2018) strides: a planar leg model, simulated data.

Ten simulated subjects (``SIM01``..) walk the 27 tasks of the real experiment (0.8, 1.0, 1.2 m/s
x -10..10 deg in 2.5 deg steps). For each leg and stride (each leg's strides start at its own
heel strike, 150 samples of phase):

1. Sagittal hip, knee and ankle angles (deg; flexion / dorsiflexion positive) are periodic
   cubic splines through key points of a normal gait cycle. The key points move with speed and
   incline (more hip and knee flexion at heel strike uphill, more knee flexion in loading
   downhill, bigger ranges at speed), stance events scale with the stance fraction, which falls
   with speed (:func:`stance_fraction`). Subjects add offsets and amplitude scales; strides add
   smooth periodic noise.
2. Ground reaction force (lab frame: x forward horizontal, z up): a double-humped vertical
   force during stance, each stride scaled so the two legs' stride-mean is body weight, and a
   horizontal force that points it at a virtual pivot point above the hip (braking, then
   propulsion), with zero stride mean. Along the belt that is a mean shear of
   ``m g sin(incline)`` (propulsive uphill), normal to it ``m g cos(incline)``.
3. Joint moments by planar inverse dynamics (:func:`inverse_dynamics`, foot -> shank -> thigh)
   from the segment kinematics, Winter's segment parameters and the GRF, applied at a centre of
   pressure that rolls along the sole from the heel past the metatarsal head.

The simulation is "physically grounded", not a full forward-dynamics model: the pelvis keeps a
constant anterior tilt, the hip follows a prescribed small vertical oscillation, the foot is not
constrained to the belt, and the GRF is shaped, not derived from the body's motion. Its free
parameters (key points, GRF shape, centre-of-pressure path) were set with the able-bodied norms
of :data:`lambdalib.data.gait.schema.GAIT_NORMS` in view.

Reference: D. A. Winter, *Biomechanics and Motor Control of Human Movement*, 4th ed., Wiley
2009: Table 4.1 (segment mass fractions, centre-of-mass positions, radii of gyration) and
Fig. 4.1 (segment lengths as fractions of height, after Drillis & Contini).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.interpolate import CubicSpline

from lambdalib.core.checks import check_choice
from lambdalib.data.gait.schema import N_PHASE, SIDES, TASKS, GaitData, parse_task

__all__ = ["G", "SEGMENTS", "LENGTHS", "Body", "SIMULATED_MODALITIES", "stance_fraction", "stride_time",
           "stance_warp", "phase_derivative", "leg_points", "inverse_dynamics", "joint_angles", "ground_reaction",
           "simulate_gait"]

G = 9.81  # gravitational acceleration, m/s^2
# Winter (2009) Table 4.1: (segment mass / body mass, COM from proximal end / segment length,
# radius of gyration about the COM / segment length). The foot runs from the lateral malleolus
# to the head of the second metatarsal.
SEGMENTS = {"thigh": (0.100, 0.433, 0.323), "shank": (0.0465, 0.433, 0.302), "foot": (0.0145, 0.50, 0.475)}
# Winter (2009) Fig. 4.1, fractions of height: thigh (0.530 - 0.285), shank (0.285 - 0.039),
# ankle height, and foot length; ankle-to-metatarsal-head and heel-behind-ankle are our split
# of the foot length (0.55 and 0.20 of it).
LENGTHS = {"thigh": 0.245, "shank": 0.246, "ankle_height": 0.039, "foot_length": 0.152}
PELVIS_TILT = 8.0     # constant anterior pelvic tilt, deg (able-bodied walking: about 5-15)
VPP_ABOVE_HIP = 0.15  # virtual pivot point above the hip, fraction of height (~0.26 m)
JOINTS = ("hip", "knee", "ankle")
SIMULATED_MODALITIES = tuple(
    [f"kinematics/jointangles/{s}/{j}/x" for s in SIDES for j in JOINTS]
    + [f"kinetics/jointmoment/{s}/{j}/x" for s in SIDES for j in JOINTS]
    + [f"kinetics/forceplate/{s}/force/{a}" for s in SIDES for a in ("x", "z")])


@dataclass(frozen=True)
class Body:
    """One subject's leg: height (m) and mass (kg); segment sizes from Winter (2009)."""

    height: float
    mass: float

    def length(self, name: str) -> float:
        return LENGTHS[name] * self.height

    @property
    def ankle_to_mth(self) -> float:   # forward distance, ankle to metatarsal head (foot frame)
        return 0.55 * self.length("foot_length")

    @property
    def heel_behind_ankle(self) -> float:
        return 0.20 * self.length("foot_length")

    def segment(self, name: str) -> tuple[float, float, float]:
        """``(mass kg, segment length m, moment of inertia about the COM kg m^2)``."""
        frac, _, rog = SEGMENTS[name]
        if name == "foot":
            length = float(np.hypot(self.ankle_to_mth, self.length("ankle_height")))
        else:
            length = self.length(name)
        m = frac * self.mass
        return m, length, m * (rog * length) ** 2


def stance_fraction(speed: float) -> float:
    """Stance as a fraction of the stride: 0.64 at 0.8 m/s falling to 0.61 at 1.2 m/s (typical
    able-bodied treadmill values, ~0.6 at self-selected speed)."""
    return 0.625 - 0.08 * (speed - 1.0)


def stride_time(speed: float, height: float) -> float:
    """Stride duration (s): 1.13 s at 1 m/s for 1.75 m, shorter with speed (~speed^-0.45)."""
    return 1.13 * speed ** -0.45 * (height / 1.75) ** 0.5


def phase_derivative(x: np.ndarray, period: float) -> np.ndarray:
    """d/dt of strides ``(..., n)`` sampled at n phases of one period (s), spectrally (periodic)."""
    n = x.shape[-1]
    k = np.fft.rfftfreq(n, d=1.0 / n)  # harmonics 0 .. n/2
    spec = np.fft.rfft(x, axis=-1) * (2j * np.pi * k / period)
    if n % 2 == 0:
        spec[..., -1] = 0.0  # the Nyquist term has no derivative that stays real
    return np.fft.irfft(spec, n=n, axis=-1)


def _unit(phi):
    """Unit vector (..., 2, n) of a segment at absolute angle ``phi`` from the downward vertical."""
    return np.stack([np.sin(phi), -np.cos(phi)], axis=-2)


def leg_points(angles: np.ndarray, body: Body, hip: np.ndarray | None = None, pelvis_tilt: float = 0.0) -> dict:
    """Joint centres, segment COMs and segment angles of a planar leg, lab frame (x fwd, z up).

    ``angles`` ``(..., 3, n)``: hip flexion, knee flexion, ankle dorsiflexion in degrees, the hip
    angle measured from a pelvis tilted forward by ``pelvis_tilt`` degrees. Absolute segment
    angles (rad, counter-clockwise, 0 = thigh/shank hanging, foot level): thigh = hip - tilt,
    shank = thigh - knee, foot = shank + ankle. Points are ``(..., 2, n)``.
    """
    a = np.deg2rad(np.asarray(angles, dtype=np.float64))
    thigh = a[..., 0, :] - np.deg2rad(pelvis_tilt)
    phi = {"thigh": thigh, "shank": thigh - a[..., 1, :]}
    phi["foot"] = phi["shank"] + a[..., 2, :]
    shape = a.shape[:-2] + (2, a.shape[-1])                                  # (..., 2, n)
    hip = np.zeros(shape) if hip is None else np.broadcast_to(hip, shape)
    knee = hip + body.length("thigh") * _unit(phi["thigh"])
    ankle = knee + body.length("shank") * _unit(phi["shank"])
    fwd = np.stack([np.cos(phi["foot"]), np.sin(phi["foot"])], axis=-2)     # foot axis, toward toes
    up = np.stack([-np.sin(phi["foot"]), np.cos(phi["foot"])], axis=-2)     # foot normal, up
    mth = ankle + body.ankle_to_mth * fwd - body.length("ankle_height") * up
    heel = ankle - body.heel_behind_ankle * fwd - body.length("ankle_height") * up
    com = {"thigh": hip + SEGMENTS["thigh"][1] * (knee - hip),
           "shank": knee + SEGMENTS["shank"][1] * (ankle - knee),
           "foot": ankle + SEGMENTS["foot"][1] * (mth - ankle)}
    return {"hip": hip, "knee": knee, "ankle": ankle, "mth": mth, "heel": heel, "com": com, "phi": phi}


def _cross(r, f):
    """z-component of r x f for planar vectors ``(..., 2, n)`` -> ``(..., n)``."""
    return r[..., 0, :] * f[..., 1, :] - r[..., 1, :] * f[..., 0, :]


def inverse_dynamics(angles: np.ndarray, grf: np.ndarray, cop: np.ndarray, body: Body, period: float, *,
                     hip: np.ndarray | None = None, pelvis_tilt: float = 0.0, g: float = G) -> np.ndarray:
    """Planar Newton-Euler inverse dynamics, foot -> shank -> thigh (Winter 2009, ch. 5).

    ``angles`` ``(..., 3, n)`` degrees (as :func:`leg_points`), periodic over ``period`` s;
    ``grf`` ``(..., 2, n)`` N on the foot, lab frame (x forward, z up), applied at ``cop``
    ``(..., 2, n)`` m; ``hip`` the hip centre ``(..., 2, n)`` m (default fixed at 0) and
    ``pelvis_tilt`` (deg, constant) as in :func:`leg_points`. Returns
    internal joint moments ``(..., 3, n)`` N m for hip, knee, ankle, positive in the direction
    of the positive angle (hip flexor, knee flexor, ankle dorsiflexor). Per segment, with the
    distal joint force F_d and moment M_d found first:
    ``F_p = m a - m g_vec + F_d``, ``M_p = I alpha + M_d - (r_p - r_c) x F_p + (r_d - r_c) x F_d``
    (the foot's distal load is -GRF at the COP).
    """
    pts = leg_points(angles, body, hip, pelvis_tilt)
    gvec = np.array([0.0, -g])[:, None]  # (2, 1)
    force, moment = -np.asarray(grf, dtype=np.float64), 0.0  # load of the distal "segment" on the foot
    at = np.asarray(cop, dtype=np.float64)
    out = {}
    for seg, prox in (("foot", "ankle"), ("shank", "knee"), ("thigh", "hip")):
        m, _, inertia = body.segment(seg)
        acc = phase_derivative(phase_derivative(pts["com"][seg], period), period)  # (..., 2, n)
        alpha = phase_derivative(phase_derivative(pts["phi"][seg], period), period)  # (..., n)
        f_p = m * acc - m * gvec + force                   # force of the proximal segment on this one
        r_c = pts["com"][seg]
        m_p = inertia * alpha + moment - _cross(pts[prox] - r_c, f_p) + _cross(at - r_c, force)
        out[prox] = m_p                                    # on this segment, counter-clockwise +
        force, moment, at = f_p, m_p, pts[prox]            # what this segment puts on the next
    # Counter-clockwise on the distal segment is hip flexion and ankle dorsiflexion, knee extension.
    return np.stack([out["hip"], -out["knee"], out["ankle"]], axis=-2)


# Key points of the sagittal angles (deg) at 1 m/s on the level: (where, phase in that part,
# value, per m/s of speed, per deg uphill, per deg downhill). "st" points sit at that fraction of
# stance, "sw" points at that fraction of swing. After Winter's normal-gait curves and the
# incline trends in Embry et al. (2018).
KEY_POINTS = {
    "hip": [("st", 0.0, 28.0, 8.0, 1.2, -0.6), ("st", 0.25, 24.0, 5.0, 1.1, -0.5),
            ("st", 0.85, -12.0, -4.0, 0.3, 0.2), ("sw", 0.65, 32.0, 6.0, 1.2, -0.5)],
    "knee": [("st", 0.0, 4.0, 1.0, 1.2, 0.2), ("st", 0.25, 18.0, 6.0, 0.5, 1.0),
             ("st", 0.7, 5.0, 0.0, 1.5, 0.5), ("st", 1.0, 38.0, 3.0, 0.5, 0.5),
             ("sw", 0.3, 62.0, 3.0, 0.8, 0.0), ("sw", 0.85, 6.0, 0.0, 1.0, 0.0)],
    "ankle": [("st", 0.0, 0.0, -1.0, 0.8, -0.8), ("st", 0.12, -5.0, -1.0, 0.3, -0.3),
              ("st", 0.75, 10.0, 0.0, 0.8, -0.3), ("st", 1.0, -15.0, -4.0, 0.0, 0.5),
              ("sw", 0.15, -12.0, -3.0, 0.0, 0.0), ("sw", 0.6, 2.0, 0.0, 0.5, -0.5)],
}


def joint_angles(speed: float, incline: float, beta: float, phase: np.ndarray | None = None) -> np.ndarray:
    """Template hip, knee, ankle angles ``(3, *phase.shape)`` (deg) for stance fraction ``beta``,
    at ``phase`` in [0, 1) (default the 150 samples of a stride)."""
    phase = np.arange(N_PHASE) / N_PHASE if phase is None else np.asarray(phase, dtype=np.float64)
    out = []
    for joint in JOINTS:
        ph, val = [], []
        for part, where, base, dv, up, down in KEY_POINTS[joint]:
            ph.append(where * beta if part == "st" else beta + where * (1.0 - beta))
            val.append(base + dv * (speed - 1.0) + up * max(incline, 0.0) + down * max(-incline, 0.0))
        out.append(CubicSpline(np.r_[ph, 1.0], np.r_[val, val[0]], bc_type="periodic")(phase))
    return np.stack(out)


def stance_warp(beta: np.ndarray, beta0: float, n: int = N_PHASE) -> np.ndarray:
    """Smooth periodic phase warp ``(b, n)``: w(phi) = phi + e sin(2 pi phi) / (2 pi), with e per
    stride such that w(beta) = beta0, so a template with toe-off at ``beta0`` has it at ``beta``."""
    beta = np.asarray(beta, dtype=np.float64)[:, None]                     # (b, 1)
    phase = np.arange(n) / n
    e = 2 * np.pi * (beta0 - beta) / np.sin(2 * np.pi * beta)
    if np.any(np.abs(e) >= 1.0):
        raise ValueError(f"stance fractions {beta.ravel()} are too far from {beta0} for a monotone warp")
    return phase + e * np.sin(2 * np.pi * phase) / (2 * np.pi)


def ground_reaction(speed: float, beta, body: Body, cop: np.ndarray, vpp: np.ndarray, rng: np.random.Generator,
                    n: int = N_PHASE) -> tuple[np.ndarray, np.ndarray]:
    """One leg's GRF ``(b, 2, n)`` N in the lab frame (x forward, z up) and the fraction of
    stance ``tau (b, n)`` (NaN in swing), for stance fractions ``beta`` ``(b,)``.

    Vertical: ``sin(pi tau) + k sin(3 pi tau)`` (two humps, deeper with speed), scaled so each
    stride's mean is ``m g / 2``. Horizontal: the force points from the centre of pressure
    ``cop`` ``(b, 2, n)`` at a virtual pivot point ``vpp`` ``(b, 2, n)`` above the hip (Maus et
    al. 2010: braking while the foot is ahead, propulsion once behind), plus a
    ``sin(pi tau)`` term that makes each stride's horizontal mean 0. With both legs the lab
    means are (0, m g) on any incline, i.e. ``m g sin(incline)`` along the belt and
    ``m g cos(incline)`` normal to it.
    """
    beta = np.atleast_1d(np.asarray(beta, dtype=np.float64))[:, None]  # (b, 1)
    phase = np.arange(n) / n
    tau = np.where(phase < beta, phase / beta, np.nan)             # (b, n)
    on = np.isfinite(tau)
    t = np.nan_to_num(tau)
    k = 0.30 + 0.2 * (speed - 1.0) + 0.03 * rng.standard_normal((beta.shape[0], 1))
    fz = np.where(on, np.sin(np.pi * t) + k * np.sin(3 * np.pi * t), 0.0)
    fz *= 0.5 * body.mass * G / fz.mean(axis=1, keepdims=True)
    lever = vpp - cop                                                # (b, 2, n)
    fx = fz * lever[:, 0] / lever[:, 1]
    hump = np.where(on, np.sin(np.pi * t), 0.0)
    fx -= hump * fx.mean(axis=1, keepdims=True) / hump.mean(axis=1, keepdims=True)
    return np.stack([fx, fz], axis=1), tau


def _smooth_noise(rng, shape, sd: float, n: int = N_PHASE, harmonics: int = 4) -> np.ndarray:
    """Periodic noise ``shape + (n,)``: harmonics 1..4 with random phases, sd ``sd / h`` each."""
    phase = 2 * np.pi * np.arange(n) / n
    out = np.zeros(tuple(shape) + (n,))
    for h in range(1, harmonics + 1):
        c, s = rng.standard_normal((2,) + tuple(shape))
        out += (sd / h) * (c[..., None] * np.cos(h * phase) + s[..., None] * np.sin(h * phase))
    return out


def _simulate_leg(body, offsets, scales, beta_subject, speed, incline, n_strides, rng):
    """One leg at one task: angles (b, 3, n) deg, GRF (b, 2, n) N, moments (b, 3, n) N m."""
    beta0 = beta_subject + stance_fraction(speed)
    beta = beta0 + 0.004 * rng.standard_normal(n_strides)                 # (b,)
    base = np.moveaxis(joint_angles(speed, incline, beta0, stance_warp(beta, beta0)), 0, 1)  # (b, 3, n)
    mean = base.mean(axis=-1, keepdims=True)
    angles = mean + scales[:, None] * (base - mean) + offsets[:, None]
    angles += _smooth_noise(rng, (n_strides, 3), sd=1.0)
    period = stride_time(speed, body.height)
    phase = np.arange(N_PHASE) / N_PHASE                                   # (n,) in [0, 1)
    hip = np.zeros((n_strides, 2, N_PHASE))
    hip[:, 1] = (0.012 + 0.01 * (speed - 0.8)) * np.cos(4 * np.pi * phase)  # two vertical bobs a stride
    pts = leg_points(angles, body, hip, PELVIS_TILT)
    tau = np.where(phase < beta[:, None], phase / beta[:, None], 0.0)      # (b, n) fraction of stance
    # COP rolls along the sole from the heel (heel strike) past the metatarsal head (toe-off).
    roll = 1.2 * tau[:, None, :] ** 0.5
    cop = pts["heel"] + roll * (pts["mth"] - pts["heel"])
    vpp = hip + np.array([0.0, VPP_ABOVE_HIP * body.height])[:, None]
    grf, _ = ground_reaction(speed, beta, body, cop, vpp, rng)
    moments = inverse_dynamics(angles, grf, cop, body, period, hip=hip, pelvis_tilt=PELVIS_TILT)
    return angles, grf, moments


def simulate_gait(*, seed: int = 0, n_subjects: int = 10, n_strides: int = 20, subjects=None, tasks=None,
                  modalities=None) -> GaitData:
    """Simulated strides of ``n_subjects`` subjects at the 27 tasks (or ``tasks``), labelled
    ``source="simulated"``. Each subject and task draws from its own random stream
    (``SeedSequence([seed, subject, task, side])``), so a subset gives the same numbers as the
    whole. Heights ~ N(1.74, 0.08) m, BMI ~ N(23.5, 2) kg/m^2. Moments in N mm / kg like the file.
    Every stride of a subject and task lasts :func:`stride_time` (``data.stride_seconds``): the
    simulator varies stance fraction and joint angles from stride to stride, not stride time.
    """
    if n_subjects < 1 or n_strides < 1:
        raise ValueError(f"n_subjects and n_strides must be >= 1, got {n_subjects!r}, {n_strides!r}")
    names = [f"SIM{i + 1:02d}" for i in range(n_subjects)]
    subjects = names if subjects is None else [check_choice("subject", s, names) for s in subjects]
    tasks = TASKS if tasks is None else [check_choice("task", t, TASKS) for t in tasks]
    wanted = SIMULATED_MODALITIES if modalities is None else [
        check_choice("modality (simulated)", m, SIMULATED_MODALITIES) for m in modalities]
    strides, seconds, info, dropped = {}, {}, [], []
    for name in subjects:
        i = names.index(name)
        rng = np.random.default_rng(np.random.SeedSequence([seed, i]))
        height = float(np.clip(1.74 + 0.08 * rng.standard_normal(), 1.55, 1.95))
        mass = float(np.clip(23.5 + 2.0 * rng.standard_normal(), 19.0, 29.0)) * height ** 2
        body = Body(height, mass)
        offsets, scales = 2.0 * rng.standard_normal(3), 1.0 + 0.06 * rng.standard_normal(3)
        beta_subject = 0.01 * rng.standard_normal()
        info.append((name, height, mass))
        strides[name], seconds[name] = {}, {}
        for task in tasks:
            speed, incline = parse_task(task)
            mods = {}
            for side_i, side in enumerate(SIDES):
                leg_rng = np.random.default_rng(np.random.SeedSequence([seed, i, TASKS.index(task), side_i]))
                angles, grf, moments = _simulate_leg(body, offsets, scales, beta_subject, speed, incline,
                                                     n_strides, leg_rng)
                for j, joint in enumerate(JOINTS):
                    mods[f"kinematics/jointangles/{side}/{joint}/x"] = angles[:, j]
                    mods[f"kinetics/jointmoment/{side}/{joint}/x"] = moments[:, j] / mass * 1000.0
                mods[f"kinetics/forceplate/{side}/force/x"] = grf[:, 0]
                mods[f"kinetics/forceplate/{side}/force/z"] = grf[:, 1]
            strides[name][task] = {m: mods[m] for m in wanted}
            seconds[name][task] = np.full(n_strides, stride_time(speed, height))  # no stride-time variability
            dropped.append((name, task, n_strides, 0, 0, 0))
    subj = pd.DataFrame(info, columns=["subject", "height_m", "mass_kg"]).set_index("subject")
    units = {"jointangles": "deg (simulated)", "jointmoment": "N mm / kg (simulated)",
             "forceplate": "N, lab frame: x forward, z up (simulated)"}
    return GaitData(source="simulated", strides=strides, subjects=subj,
                    dropped=pd.DataFrame(dropped, columns=["subject", "task", "n_kept", "n_nan", "n_zero", "n_out"]),
                    units=units, stride_seconds=seconds)
