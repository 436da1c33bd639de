"""The shared minibatch training loop."""

import pytest
import torch

from lambdalib.core.fitting import minibatch_fit


def test_minibatch_fit_minimises_and_returns_every_loss():
    w = torch.nn.Parameter(torch.tensor([3.0]))
    losses = minibatch_fit(torch.optim.SGD([w], lr=0.1), lambda: (w ** 2).sum(), 50, name="quadratic")
    assert len(losses) == 50
    assert losses[-1] < 1e-6 < losses[0]


def test_minibatch_fit_steps_the_scheduler():
    w = torch.nn.Parameter(torch.tensor([1.0]))
    opt = torch.optim.SGD([w], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    minibatch_fit(opt, lambda: (w ** 2).sum(), 3, name="quadratic", scheduler=sched)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 / 8)


def test_minibatch_fit_stops_at_a_non_finite_loss_naming_the_step():
    w = torch.nn.Parameter(torch.tensor([1.0]))
    calls = iter(range(10))

    def loss():
        return w.sum() * (float("nan") if next(calls) == 3 else 1.0)
    with pytest.raises(FloatingPointError, match="toy loss is not finite at step 3"):
        minibatch_fit(torch.optim.SGD([w], lr=0.1), loss, 10, name="toy")
    with pytest.raises(ValueError, match="steps"):
        minibatch_fit(torch.optim.SGD([w], lr=0.1), loss, -1, name="toy")
