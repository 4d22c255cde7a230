"""gan-optimal-d: the optimal discriminator, the value of the game and its Jensen–Shannon link
(Goodfellow et al. 2014, "Generative Adversarial Nets", Proposition 1 and Theorem 1).

    D*(x) = p_data(x) / (p_data(x) + p_g(x))
    V(D*, G) = E_{p_data}[log D*(x)] + E_{p_g}[log(1 − D*(x))] = −log 4 + 2·JSD(p_data ‖ p_g)
    JSD(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m),  m = (p + q)/2

Natural logarithms throughout.

* :mod:`~dlcalc.core.gan.densities`: discrete distributions, and mixtures of normal, uniform and
  Laplace densities with their parameter ranges;
* :mod:`~dlcalc.core.gan.quadrature`: sums, and Simpson / Gauss–Legendre on pieces;
* :mod:`~dlcalc.core.gan.game`: the problem, the worked solution, its checks and claim table, and
  the series a plot draws.
"""

from dlcalc.core.gan.densities import Component, Density, default_points, discrete
from dlcalc.core.gan.game import Game, Series, dense_argmax, game, optimal_discriminator
from dlcalc.core.gan.quadrature import continuous_terms, discrete_terms, gauss_legendre, pieces, simpson

__all__ = ["Component", "Density", "Game", "Series", "continuous_terms", "default_points", "dense_argmax",
           "discrete", "discrete_terms", "game", "gauss_legendre", "optimal_discriminator", "pieces", "simpson"]
