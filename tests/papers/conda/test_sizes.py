"""ConDA's sizes: both experiments registered at both profiles, and kept consistent."""

import pytest

from lambdalib.book.profiles import PROFILE_NAMES, experiments, get_sizes
from lambdalib.papers.conda.sizes import FLOW, MOTIONS, sizes_fingerprint

SHARED = ("width", "depth", "timesteps", "ddim_steps", "diffusion_steps", "cebra_iterations", "cebra_batch",
          "n_neighbors")


def test_importing_the_paper_registers_both_experiments():
    assert {FLOW, MOTIONS} <= set(experiments())


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_basic_motions_share_the_flow_denoiser_and_cebra_sizes(profile):
    flow, motion = get_sizes(FLOW, profile), get_sizes(MOTIONS, profile)
    assert {f: getattr(motion, f) for f in SHARED} == {f: getattr(flow, f) for f in SHARED}


def test_fingerprint_names_every_size():
    assert sizes_fingerprint(FLOW, "quick") != sizes_fingerprint(FLOW, "paper")
    assert '"lstm_steps": 2000' in sizes_fingerprint(FLOW, "quick")
