"""Data for the book's experiments, as channel-last ``(b, n, c)`` windows.

- :mod:`lambdalib.data.dynamics`  LaMbDA A.2: Lorenz and double pendulum, RK4, paired windows
"""

from lambdalib.data.dynamics import SYSTEMS, PairedWindows, make_pair_dataset, simulate

__all__ = ["SYSTEMS", "PairedWindows", "make_pair_dataset", "simulate"]
