"""The book's machinery: how chapters run experiments and report them. Imports core only.

- :mod:`~lambdalib.book.sweep`     the one runner: a function over a grid of configs on Dask, with the run cache
- :mod:`~lambdalib.book.profiles`  the one sizes registry: every chapter's ``profile`` resolves here
- :mod:`~lambdalib.book.claims`    paper-vs-ours claims (paper claims and checks), their verdicts, the JSON files
- :mod:`~lambdalib.book.verdicts`  the statistics: t-interval and equivalence rules, effect sizes, unit
  averaging, the headline statistic, the units it would take to decide a claim
- :mod:`~lambdalib.book.headline`  a tie in the paper (equivalence) and a whole table's headline claim
- :mod:`~lambdalib.book.dashboard` the landing page and the "What it would take" appendix
- :mod:`~lambdalib.book.display`   the claims table as HTML (verdict first, coloured), missing values as "—"
"""
