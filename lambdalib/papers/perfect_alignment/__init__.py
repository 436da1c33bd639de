"""Towards Achieving Perfect Multimodal Alignment (PA): the SVD solver, its contrastive baseline,
and the chapter's synthetic and transfer experiments.

Notation is the paper's, not the book's channel-last one: a modality is ``X_m (d_m, n)``, one
column per sample, and latents are ``(k, n)``. Importing the package registers its sizes.

- :mod:`~lambdalib.papers.perfect_alignment.solver`        perfect alignment by SVD (PA eq. 5-7), streaming, metrics (PA eq. 8-9)
- :mod:`~lambdalib.papers.perfect_alignment.contrastive`   the contrastive baseline (linear encoders, symmetric InfoNCE)
- :mod:`~lambdalib.papers.perfect_alignment.synthetic`     GMM / uniform latents (PA eq. 10-11, appendix 6.5), PA Figure 4 sweeps
- :mod:`~lambdalib.papers.perfect_alignment.transfer`      cross-modal transfer, CA vs CA+PA (PA section 3.2), on seglearn's watch data
- :mod:`~lambdalib.papers.perfect_alignment.sizes`         ``perfect_alignment.synthetic`` / ``.transfer`` sizes per profile
- :mod:`~lambdalib.papers.perfect_alignment.paper_values`  the paper's numbers the book compares against, with their source
- :mod:`~lambdalib.papers.perfect_alignment.claims`        the chapter's claims and paper-vs-ours tables
- :mod:`~lambdalib.papers.perfect_alignment.figures`       the chapter's figures
"""

# Importing sizes registers the experiments' sizes with lambdalib.book.profiles.
from lambdalib.papers.perfect_alignment import sizes

__all__ = ["sizes"]
