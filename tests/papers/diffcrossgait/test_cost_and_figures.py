"""lambdalib.papers.diffcrossgait.cost (counted FLOPs, timing ratios) and figures (smoke)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from lambdalib.papers.diffcrossgait import cost, figures, train  # noqa: E402


@pytest.fixture(scope="module")
def runs(split, tiny):
    trn, tst = split
    return [train.run_variant(v, s, tiny, trn, tst, diagnostic=True) for s in (0, 1) for v in ("base", "full", "T=50")]


def test_inference_flops_are_base_and_training_costs_more(split, tiny):
    counted = cost.counted_flops(*split, tiny, [0, 1])
    assert counted[["variant", "seed"]].values.tolist() == [["base", 0], ["base", 1], ["full", 0], ["full", 1]]
    ratio = cost.flop_ratios(counted)
    assert ratio.index.tolist() == [0, 1]
    assert (ratio.inference == 1.0).all() and (ratio.train_step > 1.0).all()


def test_timing_ratios_per_seed(runs, split, tiny):
    ratios = cost.timing_ratios(runs, tiny, split[1])
    assert ratios.index.tolist() == [0, 1] and (ratios > 0).all().all()
    assert ratios.columns.tolist() == ["training step, Full / Base", "inference, Full / Base"]


def test_figures_draw(runs, split):
    for fig in (figures.plot_frames(split[0], frames=(0, 3)), figures.plot_curves(runs), figures.plot_trajectory(runs),
                figures.plot_ablations(runs)):
        assert fig.axes
        plt.close(fig)
