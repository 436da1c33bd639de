"""One package per paper: its models, losses, experiments, sizes, paper values and figures.

A paper package imports :mod:`lambdalib.core`, :mod:`lambdalib.data` and :mod:`lambdalib.book`,
never another paper (``tests/test_layout.py`` enforces it): what two papers share moves down to
``core``.

- :mod:`~lambdalib.papers.lambda_ts`          LaMbDA (long and short versions): cross-modal time-series diffusion
- :mod:`~lambdalib.papers.perfect_alignment`  Towards Achieving Perfect Multimodal Alignment (PA)
- :mod:`~lambdalib.papers.conda`              ConDA: contrastive diffusion alignment
- :mod:`~lambdalib.papers.diffcrossgait`      DiffCrossGait: 2D-3D gait recognition via latent diffusion
"""
