"""The method core: paper-agnostic pieces any paper's code may use. Imports nothing else of lambdalib.

- :mod:`~lambdalib.core.checks`     ``check_choice``: a ValueError naming the parameter and the allowed values
- :mod:`~lambdalib.core.seed`       one seeding helper and the device choice (``device="auto"``)
- :mod:`~lambdalib.core.diffusion`  noise schedules, q(x_t | x_0), both x0 <-> eps conversions, DDPM / DDIM, DDIM inversion
- :mod:`~lambdalib.core.layers`     the sinusoidal embedding (diffusion steps, positions)
- :mod:`~lambdalib.core.losses`     InfoNCE
- :mod:`~lambdalib.core.fitting`    one minibatch training loop
- :mod:`~lambdalib.core.progress`   progress bars on the terminal running a notebook, never in its outputs
- :mod:`~lambdalib.core.metrics`    MSE, Frechet distance, predictive score, PSNR / SSIM, the plateau ratio
- :mod:`~lambdalib.core.probes`     linear and MLP probes on frozen latents, chance level
"""
