"""The book's machinery: how chapters run experiments and report them. Imports core only.

- :mod:`~lambdalib.book.sweep`     the one runner: a function over a grid of configs on Dask, with the run cache
- :mod:`~lambdalib.book.profiles`  the one sizes registry: every chapter's ``profile`` resolves here
- :mod:`~lambdalib.book.claims`    paper-vs-ours claims (paper claims and checks), their verdicts, the JSON files
- :mod:`~lambdalib.book.verdicts`  the statistics: t-interval and equivalence rules, effect sizes, unit
  averaging, the headline statistic, the units it would take to decide a claim
- :mod:`~lambdalib.book.headline`  a tie in the paper (equivalence), a whole table's headline claim, its facts
- :mod:`~lambdalib.book.dashboard` the landing page and the "What it would take" appendix
- :mod:`~lambdalib.book.display`   claims as HTML (headlines, cells, checks; verdict first, coloured), "—"
- :mod:`~lambdalib.book.timing`    the chapter's timing line, with the runs read from the run cache
- :mod:`~lambdalib.book.figure_text` figures at the page's width: displayed text size, labels, overlaps
"""
