"""lambdalib: the small library behind the lambdabook.

Four layers, each importing only the ones above it in this list (``tests/test_layout.py``):

- :mod:`lambdalib.core`    the method core, paper-agnostic: checks, seeding, Gaussian diffusion,
  layers, losses, the fitting loop, metrics, probes
- :mod:`lambdalib.data`    arrays in, channel-last ``(b, n, c)`` windows out: dynamical systems,
  flow past a cylinder, BasicMotions, gait (the Embry et al. file, simulated strides, rendered walkers)
- :mod:`lambdalib.book`    the book's machinery: the sweep runner and run cache, the sizes
  registry (profiles), claims and the dashboard
- :mod:`lambdalib.papers`  one package per paper (``lambda_ts``, ``perfect_alignment``, ``conda``,
  ``diffcrossgait``); a paper never imports another

A new paper's code goes in a new package ``lambdalib/papers/<paper>/`` with at least ``sizes``
(its experiments registered with :func:`lambdalib.book.profiles.register`), ``paper_values``
(the numbers it reports, with their source) and ``figures``; its tests in
``tests/papers/<paper>/``; its chapters in ``chapters/``. Anything two papers need moves down to
``core`` (or ``data``), never sideways.

Shape conventions (kept everywhere): time series are channel-last ``(b, n, c)`` = (batch,
sequence length, channels); ``d`` is a model width and ``t`` a diffusion step. Equations are
cited with the paper's name: "LaMbDA-long eq. 8", "LaMbDA-short eq. 1", "ConDA eq. 2",
"PA eq. 5", "DiffCrossGait eq. 13".
"""

__version__ = "0.1.0"
