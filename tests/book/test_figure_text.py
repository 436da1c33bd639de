"""Every book figure reads at the book's width (lambdalib.book.figure_text): text of at least
about 9 pt as displayed, every axis that shows numbers labelled, no label run into another axes.

Each figure is drawn from small synthetic inputs of the shapes the chapters pass."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from lambdalib.book import dashboard  # noqa: E402
from lambdalib.book.claims import report  # noqa: E402
from lambdalib.book.headline import table_claim  # noqa: E402
from lambdalib.book.figure_text import (MIN_TEXT_PX, overlapping_labels, smallest_text_px,  # noqa: E402
                                        stored_width_px, unlabelled_axes)
from lambdalib.data.dynamics import PairedWindows  # noqa: E402
from lambdalib.data.flow import FlowConfig, FlowData  # noqa: E402
from lambdalib.data.gait import load_gait, task_name  # noqa: E402
from lambdalib.data.gait.render import RenderConfig, RenderedGait  # noqa: E402
from lambdalib.papers.conda import figures as conda  # noqa: E402
from lambdalib.papers.diffcrossgait import figures as dcg  # noqa: E402
from lambdalib.papers.lambda_ts import figures as lambda_ts  # noqa: E402
from lambdalib.papers.lambda_ts.experiment import PairResult  # noqa: E402
from lambdalib.papers.perfect_alignment import figures as pa  # noqa: E402

RNG = np.random.default_rng(0)
LOSSES = {"den_x": "denoising loss, X|Y", "den_y": "denoising loss, Y|X", "con": "windowed InfoNCE (nats)"}


def pair_data(b=40, length=16):
    """Paired windows ``(b, L, 1)`` as the Lorenz chapter passes them, test segment after training."""
    x_train, y_train, x_test, y_test = RNG.standard_normal((4, b, length, 1)).astype(np.float32)
    return PairedWindows("lorenz", 0.01, x_train, y_train, x_test, y_test, 1.0, 8.0, 25.0, 8.0,
                         np.arange(b) * 4, (b + np.arange(b)) * 4)


def history(steps=200):
    """A decaying per-step history of the LaMbDA loss columns."""
    return pd.DataFrame({"step": np.arange(steps),
                         **{c: np.exp(-np.arange(steps) / 80) + 0.1 * RNG.random(steps) for c in LOSSES}})


def pair_results(data, variants=("w/o align", "LaMbDA"), seeds=(0, 1)):
    return [PairResult("lorenz", v, s, history(), {}, {"X|Y": data.x_test + 0.3, "Y|X": data.y_test - 0.3},
                       1.0, None, pd.DataFrame()) for v in variants for s in seeds]


def samples():
    data = pair_data()
    return lambda_ts.plot_samples(pair_results(data), data, np.arange(10), 0, ("x", "z"))


def gait_data():
    """Two simulated subjects at the tasks the gait figures draw."""
    tasks = [task_name(1.0, i) for i in (-10, -5, 0, 5, 10)] + [task_name(s, 0) for s in (0.8, 1.2)]
    return load_gait("simulated", n_subjects=2, n_strides=4, tasks=tasks, seed=0)


def cycles(b=5, length=150):
    """Real and generated windows of the three Figure 2 signals, their units and errors."""
    units = {"knee angle": "deg", "ankle moment": "N mm / kg", "vertical GRF": "N"}
    real = {k: np.sin(np.linspace(0, 4 * np.pi, length)) * 30 + RNG.standard_normal((b, length)) for k in units}
    generated = {v: {k: x + RNG.standard_normal(x.shape) for k, x in real.items()} for v in ("w/o align", "LaMbDA")}
    errors = {v: {k: RNG.random(b) for k in units} for v in generated}
    return real, generated, units, errors


def umap_grid():
    pairs, variants, b = ["angles-moments", "angles-GRF", "moments-GRF"], ["w/o align", "LaMbDA"], 30
    tasks = RNG.choice([task_name(s, i) for s in (0.8, 1.0, 1.2) for i in (-10, 0, 10)], b)
    embeddings = {(p, v): RNG.standard_normal((2 * b, 2)) for p in pairs for v in variants}
    return lambda_ts.plot_umap_grid(embeddings, tasks, pairs=pairs, variants=variants)


def step_curves():
    frame = pd.DataFrame([{"variant": v, "t": t, "seed": s, "matched": RNG.random(), "canonical": RNG.random()}
                          for v in ("w/o align", "LaMbDA") for t in (0, 100, 250, 500) for s in range(3)])
    return lambda_ts.plot_step_curves(frame, ["matched", "canonical"], {"matched": "matched-coordinate correlation",
                                                                        "canonical": "canonical correlation (top 8)"})


def probe_bars():
    objectives = ("LaMbDA", "SimCLR", "MSE", "Barlow", "VICReg")
    probes = pd.DataFrame([{"probe": k, "variant": v, "held_out": h, "seed": s, "accuracy": RNG.random()}
                           for k in ("linear", "mlp") for v in objectives for h in ("AB01", "AB02") for s in (0, 1)])
    floors = {k: {"raw windows": 0.5, "untrained encoder": 0.3} for k in ("linear", "mlp")}
    return lambda_ts.plot_probe_bars(probes, objectives, floors=floors, chance=1 / 27)


def flow():
    re = np.array([20, 30, 40, 45, 48, 60, 80, 100, 120, 150], float)
    frames = RNG.standard_normal((10, 12, 16, 32)).astype(np.float32)
    return FlowData(re, frames, np.arange(12) * 0.5, np.zeros((10, 5)), np.zeros(10), np.zeros(10), FlowConfig())


def flow_result():
    known = np.arange(12) % 4 != 3
    e = RNG.standard_normal((10, 12, 3))
    e /= np.linalg.norm(e, axis=2, keepdims=True)
    denoiser = pd.DataFrame({"loss": np.exp(-np.arange(300) / 100) + 0.01 * RNG.random(300)})
    return {"known": known, "e_known": e, "seed": 0, "denoiser_loss": denoiser, "cebra_loss": 6 - RNG.random(50)}


def traversal_table():
    rows = [(p, s, m) for p in ("block", "sparse") for s in ("raw x_T", "embedding")
            for m in ("lerp", "slerp", "spline", "tex1", "tex2", "lstm")]
    rows += [(p, "control", m) for p in ("block", "sparse") for m in ("copy previous frame", "pixel lerp",
             "time-averaged frame", "oracle lift", "condition only (x_T ~ N(0, I))", "round trip (true x_T)")]
    index = pd.MultiIndex.from_tuples(rows, names=["protocol", "space", "method"])
    psnr = 15 + 10 * RNG.random(len(rows))
    return pd.DataFrame({"psnr": psnr, "ssim": 0.5, "nrmse": 0.3}, index=index).sort_index()


def motion():
    classes = np.array(["Badminton", "Running", "Standing", "Walking"])
    y = RNG.integers(0, 4, 80)
    e = RNG.standard_normal((80, 3))
    result = {"e": e / np.linalg.norm(e, axis=1, keepdims=True), "y": y, "classes": classes,
              "traversal": RNG.standard_normal((6, 100, 6))}
    return conda.motion_embedding(result, np.arange(80) < 40)


def rendered():
    config = RenderConfig(n_identities=1, n_frames=7)
    shape = (1, len(config.conditions), 7, config.height, config.width)
    return RenderedGait(RNG.random(shape, np.float32), RNG.random(shape, np.float32), pd.DataFrame(),
                        pd.DataFrame(), config)


def dcg_results(variants=("base", "full", "p1")):
    def metrics(value):
        return pd.DataFrame({"direction": ["2d->3d", "3d->2d", "2d->2d", "3d->3d"], "condition": "all",
                             "rank1": [value - 1, value + 1, 99.0, 98.0], "rank5": value})

    losses = pd.DataFrame({"step": np.arange(60), **{c: np.exp(-np.arange(60) / 30) for c in
                                                     ("triplet", "ce", "id1", "rec2", "rec3", "bridge2")}})
    trajectory = pd.DataFrame({"t": np.arange(0, 100, 10), "gap": np.linspace(1, 0.01, 10),
                               "rank1_x0": np.linspace(5, 60, 10)})
    return [{"variant": v, "seed": s, "metrics": metrics(30 + 5 * RNG.random()), "history": losses,
             "trajectory": trajectory} for v in variants for s in (0, 1, 2)]


def sweeps():
    grid = [{"n": 1000, "d_m": 4, "k": 2, axis: v, "sweep": axis, "noise": noise, "seed": seed}
            for axis, values in (("n", (4, 8, 16, 32, 128, 1000)), ("d_m", (2, 3, 4, 8, 16, 32)),
                                 ("k", (1, 2, 3, 4, 6, 8))) for v in values for noise in (0.0, 1.0) for seed in (0, 1)]
    return pd.DataFrame(grid).assign(cmae=lambda f: 10.0 ** RNG.uniform(-16, 0, len(f)), mlre=0.1)


def synthetic_run(n=200):
    return {"labels": RNG.integers(0, 2, n), **{k: RNG.standard_normal((2, n)) for k in ("Z", "X1", "X2", "Z1", "Z2")}}


def forest(tmp_path):
    """The landing page's forest plot of three headline claims."""
    cells = pd.DataFrame([{"cell": c, "unit": u, "baseline": 1.0 + c, "treatment": 1.0 + c + RNG.normal(-0.1, 0.1),
                           "direction": "lower", "paper_baseline": 1.0 + c, "paper_treatment": 0.8 * (1.0 + c)}
                          for c in range(4) for u in ("S1", "S2", "S3")])
    for chapter in ("lorenz", "conda", "diffcrossgait"):
        report([table_claim(chapter, "Table 2: alignment lowers the test MSE in every cell", cells,
                            source="Table 2", unit="subject")], chapter, directory=tmp_path)
    return dashboard.forest_plot(dashboard.load(tmp_path))


# name -> a function of (gait data, tmp_path) drawing the figure
FIGURES = {
    "lambda_ts.plot_pair_data": lambda g, _: lambda_ts.plot_pair_data(pair_data(), ("x", "z"), ("a.u.", "a.u.")),
    "lambda_ts.plot_gait_curves": lambda g, _: lambda_ts.plot_gait_curves(g),
    "lambda_ts.plot_grf": lambda g, _: lambda_ts.plot_grf(g),
    "lambda_ts.plot_continuous_window": lambda g, _: lambda_ts.plot_continuous_window(g),
    "lambda_ts.plot_training_curves": lambda g, _: lambda_ts.plot_training_curves(
        pair_results(pair_data()), LOSSES, reference={"con": (np.log(64), "log b")}),
    "lambda_ts.plot_loss_curves (2 panels)": lambda g, _: lambda_ts.plot_loss_curves(
        {"LaMbDA": [history(), history()]}, dict(list(LOSSES.items())[:2]),
        run_label="pairs and folds"),
    "lambda_ts.plot_samples": lambda g, _: samples(),
    "lambda_ts.plot_cycles": lambda g, _: lambda_ts.plot_cycles(*cycles()[:3]),
    "lambda_ts.plot_failures": lambda g, _: lambda_ts.plot_failures(*cycles()),
    "lambda_ts.plot_umap_grid": lambda g, _: umap_grid(),
    "lambda_ts.plot_step_curves": lambda g, _: step_curves(),
    "lambda_ts.plot_probe_bars": lambda g, _: probe_bars(),
    "conda.flow_frames": lambda g, _: conda.flow_frames(flow()),
    "conda.training_curves": lambda g, _: conda.training_curves([flow_result(), {**flow_result(), "seed": 1}]),
    "conda.embedding": lambda g, _: conda.embedding(flow_result(), flow()),
    "conda.traversal_bars": lambda g, _: conda.traversal_bars(traversal_table()),
    "conda.class_traversal": lambda g, _: conda.class_traversal(RNG.standard_normal((7, 16, 32)), RNG.random(7)),
    "conda.motion_embedding": lambda g, _: motion(),
    "perfect_alignment.plot_synthetic": lambda g, _: pa.plot_synthetic(synthetic_run())[0].figure,
    "perfect_alignment.plot_sweeps": lambda g, _: pa.plot_sweeps(sweeps(), "cmae")[0, 0].figure,
    "diffcrossgait.plot_frames": lambda g, _: dcg.plot_frames(rendered()),
    "diffcrossgait.plot_curves": lambda g, _: dcg.plot_curves(dcg_results()),
    "diffcrossgait.plot_trajectory": lambda g, _: dcg.plot_trajectory(dcg_results()),
    "diffcrossgait.plot_ablations": lambda g, _: dcg.plot_ablations(dcg_results(
        ("base", "p1", "p1+p2", "p1+p3", "p2+p3", "full", "independent_denoiser", "independent_noise",
         "lambda_gen=0.3", "lambda_gen=3", "gamma1=0.9", "gamma2=0.3", "gamma2=0.7", "T=50", "T=200"))),
    "dashboard.forest_plot": lambda g, tmp: forest(tmp),
}


@pytest.fixture(scope="module")
def gait():
    return gait_data()


@pytest.mark.parametrize("name", FIGURES)
def test_figure_reads_at_the_column_width(name, gait, tmp_path):
    fig = FIGURES[name](gait, tmp_path)
    small = smallest_text_px(fig)
    problems = [f"smallest text {small:.1f} px"] if small < MIN_TEXT_PX else []
    problems += unlabelled_axes(fig) + overlapping_labels(fig)
    plt.close(fig)
    assert not problems


def test_the_checks_catch_a_bad_figure():
    """A 12 in wide figure with 8 pt ticks, an unlabelled 3-D axes and a colour bar over its
    label fails all three checks."""
    fig = plt.figure(figsize=(12, 4))
    ax = fig.add_subplot(1, 2, 1, projection="3d")
    points = ax.scatter(*RNG.standard_normal((3, 20)), c=np.arange(20))
    ax.tick_params(labelsize=8)
    ax.set(xlabel="e1 (a.u.)", ylabel="e2 (a.u.)")
    fig.colorbar(points, ax=ax, pad=0.0, label="index")
    assert stored_width_px(fig) >= 1200
    assert smallest_text_px(fig) == pytest.approx(8 * 100 / 72 * 688 / stored_width_px(fig))
    assert smallest_text_px(fig) < MIN_TEXT_PX
    assert unlabelled_axes(fig) == ["axes 0 (Axes3D): no z label"]
    ax.set_zlabel("e3 (a.u.)")
    assert overlapping_labels(fig)
    plt.close(fig)


def test_names_need_no_label_and_a_figure_wide_label_counts():
    fig, (a, b) = plt.subplots(1, 2, figsize=(6, 3))
    a.bar(["base", "full"], [30.0, 32.0])
    a.set_ylabel("rank-1 (%)")
    b.plot([0, 1], [2, 3])
    fig.supxlabel("optimiser step")
    assert unlabelled_axes(fig) == ["axes 1 (Axes): no y label"]
    assert smallest_text_px(fig) == pytest.approx(10 * 100 / 72)             # narrower than the column
    plt.close(fig)
