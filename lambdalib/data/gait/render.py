"""Rendered walkers: paired 2D silhouette and 3D range-view sequences (simulated, DiffCrossGait).

SUSTech1K and FreeGait cannot be shipped, so the DiffCrossGait chapter renders its own paired
sequences. A body of capsules (head, trunk, upper arms, forearms, thighs, shanks, feet) walks on
a treadmill:

- the legs follow the gait simulator's hip, knee and ankle angles
  (:func:`lambdalib.data.gait.simulated.joint_angles`, one gait model in lambdalib) through its planar
  leg model (:func:`lambdalib.data.gait.simulated.leg_points`) with this walker's thigh and shank
  lengths; the pelvis height is set each frame so that the lowest point of either sole touches
  the ground;
- the arms swing against the legs (:func:`shoulder_angle`, :func:`elbow_angle`).

Identity = body shape (height, segment lengths, widths, girth) and gait style (cadence, joint
excursions, offsets, arm swing, trunk lean), drawn once per walker (:func:`sample_walkers`).
Nuisance, drawn per sequence: speed, a small view jitter, the sensor distance and the
condition (``normal``, ``coat``, ``bag``, ``box``).

Two synchronised sensors, both orthographic (an orthographic image of a capsule is exactly a
2D capsule of the same radius):

- ``sil``: a binary silhouette, cropped to the body's height and centred on its horizontal
  centroid as gait pipelines do, so the absolute height is lost;
- ``rng``: a range view from a sensor ``RANGE_YAW`` deg further round and ``RANGE_ELEVATION``
  deg above, on a metric grid (absolute size kept), value ``1 - (range - R_NEAR) / R_SPAN``
  (0 = no return), with Gaussian range noise and dropped returns.

Arrays are ``(identities, sequences, frames, H, W)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from lambdalib.data.gait.simulated import (
    PELVIS_TILT,
    Body,
    joint_angles,
    leg_points,
    stance_fraction,
    stride_time,
)

__all__ = ["CONDITIONS", "SEQUENCE_CONDITIONS", "GALLERY_SEQUENCES", "Walker", "RenderConfig", "RenderedGait",
           "sample_walkers", "shoulder_angle", "elbow_angle", "body_capsules", "render_view", "render_gait"]

CONDITIONS = ("normal", "coat", "bag", "box")
# Eight sequences per walker: 0-1 are the gallery (normal), 2-4 normal probes, then one per covariate.
SEQUENCE_CONDITIONS = ("normal",) * 5 + ("coat", "bag", "box")
GALLERY_SEQUENCES = (0, 1)
RANGE_YAW = 12.0        # deg: the range sensor sits this much further round than the camera
RANGE_ELEVATION = 8.0   # deg: and this much higher, looking down
R_NEAR, R_SPAN = 3.0, 8.0  # m: range encoding 1 - (range - R_NEAR) / R_SPAN
# Capsule radii as fractions of height (before the walker's girth scale).
RADII = {"trunk": 0.085, "head": 0.062, "upper_arm": 0.026, "forearm": 0.022, "thigh": 0.046,
         "shank": 0.033, "foot": 0.024}
UPPER_ARM, FOREARM, TRUNK = 0.186, 0.146, 0.288  # segment lengths / height (Winter 2009 Fig. 4.1)


@dataclass(frozen=True)
class Walker:
    """One identity: body shape and gait style (all scales are 1 for the average walker)."""

    height: float = 1.72      # m
    thigh: float = 1.0        # thigh length scale (x Winter's 0.245 H)
    shank: float = 1.0        # shank length scale (x 0.246 H)
    trunk: float = 1.0        # trunk length scale (x 0.288 H)
    shoulders: float = 0.13   # half shoulder width / height
    hips: float = 0.055       # half hip width / height
    girth: float = 1.0        # scale of every capsule radius
    head: float = 1.0         # head radius scale
    cadence: float = 1.0      # stride frequency scale
    amplitude: float = 1.0    # scale of the leg angles' excursions about their mean
    hip_offset: float = 0.0   # deg added to the hip angle
    knee_offset: float = 0.0  # deg added to the knee angle
    arm_swing: float = 20.0   # shoulder swing amplitude, deg
    elbow: float = 20.0       # mean elbow flexion, deg
    lean: float = 4.0         # forward trunk lean, deg


# (mean, sd, low, high) of each Walker field, for sample_walkers.
WALKER_DISTRIBUTION = {
    "height": (1.72, 0.09, 1.50, 1.95), "thigh": (1.0, 0.05, 0.88, 1.12), "shank": (1.0, 0.05, 0.88, 1.12),
    "trunk": (1.0, 0.05, 0.88, 1.12), "shoulders": (0.13, 0.010, 0.11, 0.15), "hips": (0.055, 0.006, 0.045, 0.065),
    "girth": (1.0, 0.12, 0.75, 1.3), "head": (1.0, 0.07, 0.85, 1.15), "cadence": (1.0, 0.07, 0.85, 1.15),
    "amplitude": (1.0, 0.10, 0.75, 1.25), "hip_offset": (0.0, 3.0, -6.0, 6.0), "knee_offset": (0.0, 3.0, -6.0, 6.0),
    "arm_swing": (20.0, 7.0, 5.0, 35.0), "elbow": (20.0, 8.0, 5.0, 40.0), "lean": (4.0, 3.0, -2.0, 10.0),
}


@dataclass(frozen=True)
class RenderConfig:
    """Sizes and nuisance ranges of a rendered data set."""

    n_identities: int = 100           # walkers
    n_frames: int = 20                # frames per sequence
    height: int = 32                  # H, pixels
    width: int = 24                   # W, pixels
    fps: float = 15.0                 # frames per second
    speeds: tuple[float, float] = (0.8, 1.3)  # m/s, uniform per sequence
    view_jitter: float = 5.0          # deg, sd of the camera yaw about the side view
    distance: tuple[float, float] = (4.0, 8.0)  # m, range sensor to walker, uniform per sequence
    range_noise: float = 0.02         # m, sd of the range noise
    dropout: float = 0.05             # fraction of dropped range returns
    range_extent: float = 2.2         # m covered by the range view's H rows
    conditions: tuple[str, ...] = field(default=SEQUENCE_CONDITIONS)

    def __post_init__(self):
        for name in ("n_identities", "n_frames", "height", "width"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be a positive int, got {getattr(self, name)!r}")
        bad = set(self.conditions) - set(CONDITIONS)
        if bad:
            raise ValueError(f"conditions must be drawn from {CONDITIONS}, got {sorted(bad)}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")


@dataclass
class RenderedGait:
    """Paired sequences ``sil``, ``rng`` ``(identities, sequences, frames, H, W)`` float32,
    ``walkers`` (a DataFrame, one row per identity) and ``nuisance`` (one row per sequence)."""

    sil: np.ndarray
    rng: np.ndarray
    walkers: pd.DataFrame
    nuisance: pd.DataFrame
    config: RenderConfig

    @property
    def conditions(self) -> tuple[str, ...]:
        return self.config.conditions


def sample_walkers(n: int, rng: np.random.Generator) -> list[Walker]:
    """``n`` walkers with every field drawn from a clipped normal (``WALKER_DISTRIBUTION``)."""
    out = []
    for _ in range(n):
        kw = {k: float(np.clip(rng.normal(m, s), lo, hi)) for k, (m, s, lo, hi) in WALKER_DISTRIBUTION.items()}
        out.append(Walker(**kw))
    return out


def shoulder_angle(phase: np.ndarray, swing: float) -> np.ndarray:
    """Shoulder flexion (deg) of the arm on the side whose heel strikes at phase 0: furthest
    back at its own heel strike, furthest forward half a stride later, ``-swing cos(2 pi phase)``."""
    return -swing * np.cos(2 * np.pi * np.asarray(phase))


def elbow_angle(phase: np.ndarray, swing: float, mean: float) -> np.ndarray:
    """Elbow flexion (deg): ``mean`` plus half of any forward shoulder swing (the forearm lifts
    as the arm comes forward)."""
    return mean + 0.5 * np.maximum(shoulder_angle(phase, swing), 0.0)


@dataclass(frozen=True)
class _Leg(Body):
    """The gait simulator's leg with this walker's thigh and shank length scales."""

    thigh_scale: float = 1.0
    shank_scale: float = 1.0

    def length(self, name: str) -> float:
        return super().length(name) * {"thigh": self.thigh_scale, "shank": self.shank_scale}.get(name, 1.0)


def _sagittal(p2: np.ndarray, y: float) -> np.ndarray:
    """Planar points ``(2, f)`` (x forward, z up) at lateral offset ``y`` -> ``(f, 3)``."""
    return np.stack([p2[0], np.full_like(p2[0], y), p2[1]], axis=-1)


def _rot(deg: np.ndarray) -> np.ndarray:
    """Unit vectors ``(f, 3)`` at ``deg`` from the downward vertical, positive forward."""
    a = np.deg2rad(deg)
    return np.stack([np.sin(a), np.zeros_like(a), -np.cos(a)], axis=-1)


def body_capsules(walker: Walker, speed: float, phase: np.ndarray, condition: str = "normal"):
    """Capsules of the walker at gait ``phase`` ``(f,)`` (right heel strike at 0).

    Returns ``a, b`` ``(f, k, 3)`` (end points, m, x forward, y left, z up, ground at z = 0,
    pelvis above x = y = 0) and radii ``r`` ``(k,)`` m.
    """
    H, w = walker.height, walker
    leg = _Leg(height=H, mass=70.0, thigh_scale=w.thigh, shank_scale=w.shank)
    beta = stance_fraction(speed)
    a, b, r = [], [], []

    def add(p, q, radius):
        a.append(p)
        b.append(q)
        r.append(radius * w.girth * H)

    legs = {}
    for side, shift, y in (("right", 0.0, -w.hips * H), ("left", 0.5, w.hips * H)):
        ang = joint_angles(speed, 0.0, beta, (phase + shift) % 1.0)          # (3, f) deg
        ang = ang.mean(1, keepdims=True) + w.amplitude * (ang - ang.mean(1, keepdims=True))
        ang[0] += w.hip_offset
        ang[1] += w.knee_offset
        legs[side] = ({k: _sagittal(v, y) for k, v in leg_points(ang, leg, pelvis_tilt=PELVIS_TILT).items()
                       if k in ("hip", "knee", "ankle", "mth", "heel")})
    lift = -np.minimum.reduce([legs[s][k][:, 2] for s in legs for k in ("heel", "mth")])  # (f,) hip height
    up = np.array([0.0, 0.0, 1.0])
    for side in legs:
        p = {k: v + lift[:, None] * up for k, v in legs[side].items()}
        add(p["hip"], p["knee"], RADII["thigh"])
        add(p["knee"], p["ankle"], RADII["shank"])
        add(p["heel"] + 0.5 * RADII["foot"] * H * up, p["mth"] + 0.5 * RADII["foot"] * H * up, RADII["foot"])
    pelvis = np.stack([np.zeros_like(lift), np.zeros_like(lift), lift], axis=-1)          # (f, 3)
    trunk_dir = _rot(np.full_like(lift, 180.0 - w.lean))                                   # up, leaning forward
    neck = pelvis + TRUNK * w.trunk * H * trunk_dir
    add(pelvis + 0.05 * H * trunk_dir, neck - 0.04 * H * trunk_dir, RADII["trunk"])
    head = neck + 0.10 * H * trunk_dir
    add(head, head, RADII["head"] * w.head / w.girth)
    box = condition == "box"
    for side, shift, y in (("right", 0.0, -w.shoulders * H), ("left", 0.5, w.shoulders * H)):
        ph = (phase + shift) % 1.0
        sh = np.full_like(ph, 35.0) if box else shoulder_angle(ph, w.arm_swing)
        el = np.full_like(ph, 80.0) if box else elbow_angle(ph, w.arm_swing, w.elbow)
        shoulder = neck - 0.03 * H * trunk_dir + np.array([0.0, y, 0.0])
        elbow = shoulder + UPPER_ARM * H * _rot(sh)
        add(shoulder, elbow, RADII["upper_arm"])
        add(elbow, elbow + FOREARM * H * _rot(sh + el), RADII["forearm"])
    a, b, r = np.stack(a, 1), np.stack(b, 1), np.array(r)
    if condition == "coat":  # a long coat: wider trunk, a skirt over the thighs, thicker arms
        r = r * np.where(np.arange(len(r)) >= 6, 1.25, 1.0)
        skirt_top, skirt_bottom = pelvis + 0.1 * H * up, pelvis - 0.22 * H * up
        a, b = np.concatenate([a, skirt_top[:, None]], 1), np.concatenate([b, skirt_bottom[:, None]], 1)
        r = np.r_[r, 0.105 * H * w.girth]
    elif condition == "bag":  # a shoulder bag hanging at the right hip
        centre = pelvis + np.array([-0.02 * H, -(w.hips + 0.07) * H, 0.04 * H])
        a, b = np.concatenate([a, (centre + 0.05 * H * up)[:, None]], 1), np.concatenate([b, (centre - 0.05 * H * up)[:, None]], 1)
        r = np.r_[r, 0.05 * H]
    elif condition == "box":  # a box carried in front of the chest
        centre = pelvis + np.array([0.17 * H, 0.0, 0.14 * H])
        side = np.array([0.0, 0.08 * H, 0.0])
        a, b = np.concatenate([a, (centre - side)[:, None]], 1), np.concatenate([b, (centre + side)[:, None]], 1)
        r = np.r_[r, 0.07 * H]
    return a, b, r


def _camera(yaw: float, elevation: float) -> np.ndarray:
    """Rows: image right ``u``, image up ``v``, viewing direction ``d`` (yaw 0 = side view from
    the walker's right, walking to the right; positive elevation looks down)."""
    ps, el = np.deg2rad(yaw), np.deg2rad(elevation)
    d = np.array([-np.sin(ps) * np.cos(el), np.cos(ps) * np.cos(el), -np.sin(el)])
    u = np.array([np.cos(ps), np.sin(ps), 0.0])
    return np.stack([u, np.cross(u, d), d])


def render_view(a, b, r, camera, grid_h, grid_v):
    """Orthographic depth of capsules ``(f, k, 3)``, ``r (k,)`` at pixel centres ``grid_h,
    grid_v`` ``(f, H, W)`` (image coordinates, m). Returns depth ``(f, H, W)``, inf where empty.

    A capsule's image is the 2D capsule of its projected axis; the depth at a pixel is that of
    the nearest axis point minus the sphere's half-chord there."""
    pa = (a @ camera.T).astype(np.float32)[:, :, :, None, None]           # (f, k, 3, 1, 1): h, v, depth
    ab = (b @ camera.T).astype(np.float32)[:, :, :, None, None] - pa      # axis vector
    rh = grid_h[:, None].astype(np.float32) - pa[:, :, 0]                 # (f, k, H, W)
    rv = grid_v[:, None].astype(np.float32) - pa[:, :, 1]
    u = np.clip((rh * ab[:, :, 0] + rv * ab[:, :, 1]) / np.maximum(ab[:, :, 0] ** 2 + ab[:, :, 1] ** 2, 1e-12), 0, 1)
    d2 = (rh - u * ab[:, :, 0]) ** 2 + (rv - u * ab[:, :, 1]) ** 2
    rr = (r.astype(np.float32) ** 2)[None, :, None, None]
    depth = pa[:, :, 2] + u * ab[:, :, 2] - np.sqrt(np.maximum(rr - d2, 0.0))
    return np.where(d2 < rr, depth, np.inf).min(1)


def _silhouette(a, b, r, yaw, H, W):
    """Binary silhouette ``(f, H, W)``, each frame cropped to the body's height and centred on
    the area-weighted centroid of its capsules."""
    cam = _camera(yaw, 0.0)
    pa, pb = a @ cam.T, b @ cam.T
    top = np.max(np.maximum(pa[..., 1], pb[..., 1]) + r, 1)
    bottom = np.min(np.minimum(pa[..., 1], pb[..., 1]) - r, 1)
    s = (top - bottom) / H                                                  # (f,) m per pixel
    area = 2 * r * np.linalg.norm((pb - pa)[..., :2], axis=-1) + np.pi * r ** 2
    cx = (area * 0.5 * (pa[..., 0] + pb[..., 0])).sum(1) / area.sum(1)
    i, j = np.arange(H) + 0.5, np.arange(W) + 0.5 - W / 2
    shape = (len(s), H, W)
    gv = np.broadcast_to(top[:, None, None] - s[:, None, None] * i[None, :, None], shape)
    gh = np.broadcast_to(cx[:, None, None] + s[:, None, None] * j[None, None, :], shape)
    return np.isfinite(render_view(a, b, r, cam, gh, gv)).astype(np.float32)


def _range_view(a, b, r, yaw, distance, cfg: RenderConfig, rng: np.random.Generator):
    """Range view ``(f, H, W)`` on a fixed metric grid centred on the pelvis, ground near the bottom."""
    f, H, W = a.shape[0], cfg.height, cfg.width
    cam = _camera(yaw + RANGE_YAW, RANGE_ELEVATION)
    s = cfg.range_extent / H
    i, j = np.arange(H) + 0.5, np.arange(W) + 0.5 - W / 2
    gv = np.broadcast_to((cfg.range_extent - 0.15 - s * i)[None, :, None], (f, H, W))
    gh = np.broadcast_to((s * j)[None, None, :], (f, H, W))
    depth = render_view(a, b, r, cam, gh, gv)
    hit = np.isfinite(depth) & (rng.random(depth.shape) >= cfg.dropout)
    rangev = distance + np.where(hit, depth, 0.0) + cfg.range_noise * rng.standard_normal(depth.shape)
    return np.where(hit, 1.0 - (rangev - R_NEAR) / R_SPAN, 0.0).astype(np.float32)


def render_gait(config: RenderConfig = RenderConfig(), *, seed: int = 0) -> RenderedGait:
    """Render ``config.n_identities`` walkers x ``len(config.conditions)`` sequences, both sensors.

    Walkers come from one random stream, each sequence's nuisance and noise from its own
    (``SeedSequence(seed).spawn``), so a walker's sequences do not change with the data set size.
    """
    root = np.random.SeedSequence(seed)
    walker_ss, seq_ss = root.spawn(2)
    walkers = sample_walkers(config.n_identities, np.random.default_rng(walker_ss))
    n_seq, F = len(config.conditions), config.n_frames
    sil = np.zeros((config.n_identities, n_seq, F, config.height, config.width), np.float32)
    rngv = np.zeros_like(sil)
    rows = []
    for n, (w, ss) in enumerate(zip(walkers, seq_ss.spawn(config.n_identities))):
        for k, (cond, sss) in enumerate(zip(config.conditions, ss.spawn(n_seq))):
            g = np.random.default_rng(sss)
            speed = g.uniform(*config.speeds)
            yaw = config.view_jitter * g.standard_normal()
            dist = g.uniform(*config.distance)
            period = stride_time(speed, w.height) / w.cadence
            phase = (g.random() + np.arange(F) / (config.fps * period)) % 1.0
            a, b, r = body_capsules(w, speed, phase, cond)
            sil[n, k] = _silhouette(a, b, r, yaw, config.height, config.width)
            rngv[n, k] = _range_view(a, b, r, yaw, dist, config, g)
            rows.append(dict(identity=n, sequence=k, condition=cond, speed=speed, yaw=yaw, distance=dist))
    table = pd.DataFrame([{f.name: getattr(w, f.name) for f in fields(Walker)} for w in walkers])
    return RenderedGait(sil=sil, rng=rngv, walkers=table, nuisance=pd.DataFrame(rows), config=config)
