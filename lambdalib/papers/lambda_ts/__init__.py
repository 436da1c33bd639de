"""LaMbDA: cross-modal time-series diffusion with latent alignment at matched diffusion steps.

Two versions of the paper: "LaMbDA-long" (Local Latent Embedding Alignment for Cross-modal
Time-Series Diffusion, with appendix) and "LaMbDA-short" (LAMBDA: Diffusion-Step Alignment ...,
whose equations (1)-(6) this package follows where the two disagree). Equations are cited as
"LaMbDA-long eq. 8" or "LaMbDA-short eq. 1". Time series are ``(b, n, c)``; latents ``(b, n, d)``.

- :mod:`~lambdalib.papers.lambda_ts.sizes`            the sizes of every experiment, per profile (quick, paper)
- :mod:`~lambdalib.papers.lambda_ts.paper_values`     every paper number the chapters compare with, and its source
- :mod:`~lambdalib.papers.lambda_ts.denoiser`         the conditional transformer denoiser (LaMbDA-long A.6.2)
- :mod:`~lambdalib.papers.lambda_ts.losses`           LaMbDA's terms: windowed InfoNCE, covariance, energy, alpha
- :mod:`~lambdalib.papers.lambda_ts.objectives`       Table 3's other objectives: NT-Xent, Barlow, VICReg, latent MSE
- :mod:`~lambdalib.papers.lambda_ts.trainer`          one trainer for the pair p(X|Y), p(Y|X) (LaMbDA-long eq. 8)
- :mod:`~lambdalib.papers.lambda_ts.experiment`       build, train, sample and encode one pair (a cell of Table 2)
- :mod:`~lambdalib.papers.lambda_ts.baselines`        trivial cross-modal predictors (zero, mean, copy, ridge)
- :mod:`~lambdalib.papers.lambda_ts.synthetic`        Table 2 on Lorenz and the double pendulum: runs and tables
- :mod:`~lambdalib.papers.lambda_ts.gait`             the gait modalities, pairs and leave-one-subject-out folds
- :mod:`~lambdalib.papers.lambda_ts.gait_runs`        the gait runs: variants, one sweep task per run, the run cache
- :mod:`~lambdalib.papers.lambda_ts.gait_tables`      Tables 1, 4, 5 and Figure 2's data from the gait runs
- :mod:`~lambdalib.papers.lambda_ts.gait_probing`     Table 3: task probes of five objectives, table and ranking
- :mod:`~lambdalib.papers.lambda_ts.latent_geometry`  Figures 3 and 8: matched and canonical latent correlation, UMAP
- :mod:`~lambdalib.papers.lambda_ts.collapse`         scale-free collapse measures: within-window share, ridge probe z -> x0
- :mod:`~lambdalib.papers.lambda_ts.shortcut`         how low an alignment loss goes on latents built from (window, t) alone
- :mod:`~lambdalib.papers.lambda_ts.claims`           every claim of the LaMbDA chapters
- :mod:`~lambdalib.papers.lambda_ts.figures`          every figure of the LaMbDA chapters

Importing the package registers its sizes (``lambda_ts.synthetic``, ``lambda_ts.gait``,
``lambda_ts.gait_data``) with :mod:`lambdalib.book.profiles`.
"""

from lambdalib.papers.lambda_ts import sizes  # noqa: F401  (registers the experiments' sizes)
