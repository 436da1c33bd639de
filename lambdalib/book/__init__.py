"""The book's machinery: how chapters run experiments and report them. Imports core only.

- :mod:`~lambdalib.book.sweep`     the one runner: a function over a grid of configs on Dask, with the run cache
- :mod:`~lambdalib.book.profiles`  the one sizes registry: every chapter's ``profile`` resolves here
- :mod:`~lambdalib.book.claims`    paper-vs-ours claims, verdicts, and the landing page's dashboard
- :mod:`~lambdalib.book.display`   the claims table as HTML (verdict first, coloured), missing values as "—"
"""
