"""elbo: the VAE evidence lower bound, term by term (Kingma & Welling 2014, "Auto-Encoding Variational
Bayes", eq. 3 and Appendix B).

    log p(x) = ELBO + KL(q(z) ‖ p(z|x)),   ELBO = E_q[log p(x|z)] − KL(q(z) ‖ p(z))

Everything is in nats unless asked in bits (÷ ln 2).

* :mod:`~dlcalc.core.elbo.formulas`: the Gaussian KL, the decoders' log-likelihoods, the KL by integration;
* :mod:`~dlcalc.core.elbo.gaussian`: a Gaussian encoder and prior, and the worked ELBO;
* :mod:`~dlcalc.core.elbo.decoder`: the reconstruction term, and Monte Carlo estimates;
* :mod:`~dlcalc.core.elbo.discrete`: a discrete latent, exactly, with the identity;
* :mod:`~dlcalc.core.elbo.claims`: the claim table and the common mistakes.
"""

# numpy before this package's own modules: bench/startup.py measured the small problems 20–40 ms
# faster to start here when numpy is not first imported at the end of a chain of nested imports.
import numpy  # noqa: F401

from dlcalc.core.elbo.claims import Terms, claim_table, mistakes
from dlcalc.core.elbo.decoder import Decoder, Sampling
from dlcalc.core.elbo.discrete import DiscreteLatent, discrete_elbo, discrete_latent
from dlcalc.core.elbo.formulas import (
    LN2,
    bernoulli_log_likelihood,
    gaussian_kl_terms,
    gaussian_log_likelihood,
    kl_by_integration,
)
from dlcalc.core.elbo.gaussian import Encoder, encoder, gaussian_elbo

__all__ = ["LN2", "Decoder", "DiscreteLatent", "Encoder", "Sampling", "Terms", "bernoulli_log_likelihood",
           "claim_table", "discrete_elbo", "discrete_latent", "encoder", "gaussian_elbo", "gaussian_kl_terms",
           "gaussian_log_likelihood", "kl_by_integration", "mistakes"]
