"""ConDA: contrastive diffusion alignment (the ConDA paper), on simulated flow and BasicMotions.

Frames ``(N, h, w)`` (or windows ``(b, n, c)``) -> feature latents -> DDIM-inverted ``x_T (N, c)``
-> a 3-d contrastive embedding -> edits there -> kNN lift back to ``x_T`` -> DDIM decoding.

- :mod:`~lambdalib.papers.conda.sizes`            quick / paper sizes: ``conda.flow``, ``conda.basic_motions``
- :mod:`~lambdalib.papers.conda.autoencoders`     frame autoencoders: whitened PCA, conv autoencoder, beta-VAE
- :mod:`~lambdalib.papers.conda.latent_diffusion` conditional latent diffusion, DDIM inversion and sampling
- :mod:`~lambdalib.papers.conda.embedding`        CEBRA (seeded), per-segment embedding, kNN lift, KDE peaks
- :mod:`~lambdalib.papers.conda.traversal`        traversal operators: Lerp, Slerp, spline, TEX-1, TEX-2, LSTM
- :mod:`~lambdalib.papers.conda.readouts`         SVMs under leave-one-pair-out folds, direction cosines
- :mod:`~lambdalib.papers.conda.flow_sweep`       the simulated Reynolds sweep, hold-out protocol, physics checks
- :mod:`~lambdalib.papers.conda.pipeline`         one seed of the flow experiment, and the sweep over seeds
- :mod:`~lambdalib.papers.conda.motions`          one seed of the BasicMotions experiment, and the sweep
- :mod:`~lambdalib.papers.conda.tables`           the chapter's tables from the per-seed results
- :mod:`~lambdalib.papers.conda.paper_values`     the paper's numbers the chapter compares with, with sources
- :mod:`~lambdalib.papers.conda.claims`           the chapter's claims
- :mod:`~lambdalib.papers.conda.figures`          the chapter's figures

Importing the package registers its sizes with :mod:`lambdalib.book.profiles`.
"""

from lambdalib.papers.conda import sizes  # noqa: F401  (registers conda.flow and conda.basic_motions)
