"""DiffCrossGait (trajectory-level alignment for 2D-3D cross-modal gait recognition via latent
diffusion), on rendered walkers (:mod:`lambdalib.data.gait.render`). Importing the package
registers its sizes.

- ``recognition``  the Base model (DiffCrossGait eq. 1-5): backbones, HPP, BNNeck, triplet + CE, retrieval
- ``branch``       the generative branch and tri-phase losses (DiffCrossGait eq. 6-17); the named variants
- ``sizes``        the experiments ``diffcrossgait.main`` and ``diffcrossgait.ablations`` (quick, paper)
- ``train``        the training loop (DiffCrossGait eq. 18), the per-seed run and the sweep over runs
- ``evaluation``   retrieval on the test walkers, the gait-energy baseline, the trajectory diagnostic
- ``cost``         training and inference cost against Base: counted FLOPs, wall-time ratios
- ``ablations``    the runs compared: retrieval, paired differences, sensitivity, convergence
- ``paper_values`` the paper's numbers the book compares with, with their source
- ``figures``      the chapters' figures
- ``claims``       the chapters' claims (paper against ours)
"""

from lambdalib.papers.diffcrossgait import sizes  # noqa: F401  (registers the experiments)
