"""``dlcalc elbo`` and :func:`dlcalc.elbo`: the VAE evidence lower bound, term by term, derived and checked."""

from typing import TYPE_CHECKING, Annotated, Any

import click
import typer

from dlcalc.commands import (
    AtolOpt,
    JsonOpt,
    LatexOpt,
    MarkdownOpt,
    RtolOpt,
    SymbolicOpt,
    command_app,
    examples,
    finish,
    output_mode,
)
from dlcalc.errors import InputError

if TYPE_CHECKING:  # imported when the command runs, not when its module loads
    import numpy as np

    from dlcalc.solution import Solution

app = command_app()


DECODER = click.Choice(["bernoulli", "gaussian"])


EXAMPLES = examples(
    'dlcalc elbo --mu "0.5,-1" --logvar "-0.2,0.3" --x "1,0,1" --x-hat "0.8,0.3,0.6"',
    'dlcalc elbo --mu "0.5,-1" --sigma "0.9,1.2" --check kl=0.74',
    'dlcalc elbo --discrete --prior "0.3,0.7" --likelihood "0.9,0.2" --q "0.5,0.5" --derive',
    'dlcalc elbo --mu "0.1" --logvar "-1" --x "0.2,0.4" --decoder-weights "1 0; -1 0.5" --decoder gaussian '
    '--sigma-x 0.5 --samples 10000',
)
GAUSS = "Gaussian encoder"
DISCRETE = "Discrete latent"


def elbo(mu: Any = None, logvar: Any = None, sigma: Any = None, prior_mu: Any = None, prior_sigma: Any = None,
         x: Any = None, x_hat: Any = None, decoder: str = "bernoulli", sigma_x: Any = None, drop_constant: bool = False,
         samples: Any = None, seed: Any = 0, decoder_weights: Any = None, discrete: bool = False, prior: Any = None,
         likelihood: Any = None, q: Any = None, derive: bool = False, bits: bool = False, symbolic: bool = False,
         check: Any = None, rtol: float | None = None, atol: float | None = None) -> "Solution":
    """The VAE evidence lower bound term by term (Kingma & Welling 2014, "Auto-Encoding Variational Bayes",
    eq. 3 and Appendix B): ``ELBO = E_q[log p(x|z)] − KL(q(z) ‖ p(z))``, and ``log p(x) = ELBO + KL(q ‖ p(z|x))``.

    A Gaussian encoder: means ``mu`` and the spread as ``logvar`` (ln σ²) or ``sigma``, one value per
    latent dimension (``[0.5, -1]`` or ``"0.5,-1"``), against the prior N(``prior_mu``, ``prior_sigma``²)
    (standard normal by default): ``KL = ½ Σ_j (σ_j²/σ_pj² + (μ_j − μ_pj)²/σ_pj² − 1 − ln(σ_j²/σ_pj²))``.
    With the data ``x`` and the decoder's output ``x_hat``, the reconstruction term of a ``bernoulli``
    decoder (``Σ x ln x̂ + (1 − x) ln(1 − x̂)``) or a ``gaussian`` one with ``sigma_x``
    (``drop_constant`` leaves out −½ ln(2πσ_x²)); ``samples`` adds Monte Carlo estimates (``seed``),
    through a linear decoder ``decoder_weights`` (W, or W with b as a last column) for the reconstruction.

    A discrete latent (``discrete=True``): ``prior`` p(z), ``likelihood`` p(x|z) (one row per x) and
    ``q`` q(z), exactly (fractions such as ``"1/3,2/3"``, or decimals read exactly): p(x), the posterior,
    ELBO = Σ_z q ln(p(x|z)p(z)/q), KL(q ‖ p(z|x)) and the identity; ``symbolic`` adds sympy's exact
    check of it, ``derive`` the derivation step by step (for a Gaussian: sympy's integral of the KL).
    ``bits`` reports in bits instead of nats. ``check`` is a claim or a list of them, each naming its
    quantity: ``elbo=…``, ``kl=…``, ``recon=…``, ``log_px=…``, ``kl_posterior=…``.

    Example:
        >>> import dlcalc
        >>> sol = dlcalc.elbo(mu=[0.5, -1], sigma=[0.9, 1.2])
        >>> round(sol.result["kl"], 6)
        0.673039
        >>> sol.check("kl=1.3461").diagnosis
        'kl: 1.3461 is the KL without the ½; the answer is 0.6730389589'
        >>> sol = dlcalc.elbo(discrete=True, prior="0.3,0.7", likelihood="0.9,0.2", q="0.5,0.5")
        >>> round(sol.result["log_px"], 4), sol.check({"log_px": -0.8916}).passed
        (-0.8916, True)
    """
    try:
        sol = _discrete(prior, likelihood, q, derive, bits, symbolic) if discrete else _gaussian(
            mu, logvar, sigma, prior_mu, prior_sigma, x, x_hat, decoder, sigma_x, drop_constant, samples, seed,
            decoder_weights, derive, bits)
        return sol.checked(check, rtol=rtol, atol=atol)
    except (OverflowError, ZeroDivisionError) as error:  # the bounds should make these impossible
        raise InputError(f"the numbers leave float64's range ({error}); use smaller ones", None) from None


def _gaussian(mu: Any, logvar: Any, sigma: Any, prior_mu: Any, prior_sigma: Any, x: Any, x_hat: Any, decoder: str,
              sigma_x: Any, drop_constant: bool, samples: Any, seed: Any, decoder_weights: Any, derive: bool,
              bits: bool) -> "Solution":
    from dlcalc.commands import choice
    from dlcalc.core.elbo import Decoder, Sampling, encoder, gaussian_elbo
    from dlcalc.parse.numbers import as_float, as_int

    if mu is None:
        raise InputError("is required: the encoder mean, e.g. --mu \"0.5,-1\" (or --discrete)", "--mu")
    choice(decoder, ("bernoulli", "gaussian"), "--decoder")
    spec = encoder(_floats(mu, "--mu") or [], _floats(logvar, "--logvar"), _floats(sigma, "--sigma"),
                   _floats(prior_mu, "--prior-mu"), _floats(prior_sigma, "--prior-sigma"))
    data, output = _floats(x, "--x"), _floats(x_hat, "--x-hat")
    likelihood = Decoder(decoder, tuple(data) if data is not None else None,
                         tuple(output) if output is not None else None,
                         as_float(sigma_x, "--sigma-x") if sigma_x is not None else None, drop_constant)
    sampling = None
    if samples is not None:
        weights = _weights(decoder_weights) if decoder_weights is not None else None
        sampling = Sampling(as_int(samples, "--samples"), as_int(seed, "--seed"), weights)
    sol = gaussian_elbo(spec, likelihood, sampling, bits=bits)
    if derive:
        from dlcalc.symbolic.elbo import gaussian_kl_closed_form

        gaussian_kl_closed_form(sol)
    return sol


def _discrete(prior: Any, likelihood: Any, q: Any, derive: bool, bits: bool, symbolic: bool) -> "Solution":
    from dlcalc.core.elbo import discrete_elbo, discrete_latent
    from dlcalc.parse.matrices import as_number_list

    for name, value in (("--prior", prior), ("--likelihood", likelihood), ("--q", q)):
        if value is None:
            raise InputError("is required with --discrete (e.g. --prior \"0.3,0.7\" --likelihood \"0.9,0.2\" "
                             "--q \"0.5,0.5\")", name)
    problem = discrete_latent(as_number_list(prior, "--prior"), _rows(likelihood, "--likelihood"), _rows(q, "--q"))
    sol = discrete_elbo(problem, bits=bits)
    if symbolic:
        from dlcalc.symbolic.elbo import check_identity

        rows = len(problem.likelihood)
        for index, row in enumerate(problem.likelihood):
            check_identity(sol, problem.prior, row, problem.q_for(index), f" (x = x{index + 1})" if rows > 1 else "")
    if derive:
        from dlcalc.symbolic.elbo import derivation

        derivation(sol, problem.prior, problem.likelihood[0], problem.q[0])
    return sol


def _floats(value: Any, option: str) -> list[float] | None:
    """A list of numbers (``"0.5,-1"``, ``[0.5, -1]``, one number) as floats; None stays None."""
    from dlcalc.parse.matrices import as_number_list

    return None if value is None else [float(v) for v in as_number_list(value, option)]


def _rows(value: Any, option: str) -> list[list[Any]]:
    """Rows of numbers: text (``"0.9,0.2; 0.1,0.8"``, ``@file``), nested lists, or one flat list (one row)."""
    from dlcalc.parse.arrays import array_shape
    from dlcalc.parse.matrices import as_array, parse_matrix

    if isinstance(value, str):
        return parse_matrix(value, option)
    array = as_array(value, option)
    values = array.tolist() if hasattr(array, "tolist") else array
    if not isinstance(values, list):
        return [[values]]
    if not values or not isinstance(values[0], list):
        return [values]
    if len(array_shape(values)) > 2:
        raise InputError(f"expected a matrix (rows of numbers), got a {'×'.join(map(str, array_shape(values)))} "
                         "array", option)
    return values


def _weights(value: Any) -> "np.ndarray":
    """A linear decoder's weights as a float matrix."""
    import numpy as np

    return np.array(_rows(value, "--decoder-weights"), dtype=float)


@app.command("elbo", epilog=EXAMPLES)
def elbo_command(
    mu: Annotated[str | None, typer.Option("--mu", help="Encoder means μ, e.g. \"0.5,-1\".", rich_help_panel=GAUSS,
                                           show_default=False)] = None,
    logvar: Annotated[str | None, typer.Option("--logvar", help="Encoder ln σ² per dimension.",
                                               rich_help_panel=GAUSS, show_default=False)] = None,
    sigma: Annotated[str | None, typer.Option("--sigma", help="Encoder σ per dimension (instead of --logvar).",
                                              rich_help_panel=GAUSS, show_default=False)] = None,
    prior_mu: Annotated[str | None, typer.Option("--prior-mu", help="Prior means [default: 0].",
                                                 rich_help_panel=GAUSS, show_default=False)] = None,
    prior_sigma: Annotated[str | None, typer.Option("--prior-sigma", help="Prior σ [default: 1].",
                                                    rich_help_panel=GAUSS, show_default=False)] = None,
    x: Annotated[str | None, typer.Option("--x", help="The data x.", rich_help_panel=GAUSS, show_default=False)
                 ] = None,
    x_hat: Annotated[str | None, typer.Option("--x-hat", help="The decoder's output x̂ (Bernoulli means, or Gaussian "
                                              "means).", rich_help_panel=GAUSS, show_default=False)] = None,
    decoder: Annotated[str, typer.Option(click_type=DECODER, help="The decoder's likelihood.", rich_help_panel=GAUSS)
                       ] = "bernoulli",
    sigma_x: Annotated[float | None, typer.Option("--sigma-x", help="The Gaussian decoder's σ_x.",
                                                  rich_help_panel=GAUSS, show_default=False)] = None,
    drop_constant: Annotated[bool, typer.Option("--drop-constant", help="Leave out −½ ln(2πσ_x²), as many courses "
                                                "do.", rich_help_panel=GAUSS)] = False,
    samples: Annotated[int | None, typer.Option("--samples", help="Monte Carlo estimates with N samples.",
                                                rich_help_panel=GAUSS, show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed for --samples.", rich_help_panel=GAUSS)] = 0,
    decoder_weights: Annotated[str | None, typer.Option(
        "--decoder-weights", help="A linear decoder x̂ = W z (+ b as a last column) for --samples: a matrix or @file.",
        rich_help_panel=GAUSS, show_default=False)] = None,
    discrete: Annotated[bool, typer.Option("--discrete", help="A discrete latent z (the seed's sums).",
                                           rich_help_panel=DISCRETE)] = False,
    prior: Annotated[str | None, typer.Option("--prior", help="p(z), e.g. \"0.3,0.7\".", rich_help_panel=DISCRETE,
                                              show_default=False)] = None,
    likelihood: Annotated[str | None, typer.Option(
        "--likelihood", help="p(x|z) for each z; several rows for several x.", rich_help_panel=DISCRETE,
        show_default=False)] = None,
    q: Annotated[str | None, typer.Option("--q", help="q(z), e.g. \"0.5,0.5\" (or one row per x).",
                                          rich_help_panel=DISCRETE, show_default=False)] = None,
    derive: Annotated[bool, typer.Option("--derive", help="The derivation, each step checked by sympy.")] = False,
    bits: Annotated[bool, typer.Option("--bits", help="Report in bits instead of nats.")] = False,
    json_: JsonOpt = False,
    latex: LatexOpt = False,
    markdown: MarkdownOpt = False,
    symbolic: SymbolicOpt = False,
    check: Annotated[list[str] | None, typer.Option(
        "--check", metavar="NAME=VALUE", help="A claim: elbo=-1.23, kl=0.4, recon=-0.9 (repeatable).",
        rich_help_panel="Checking", show_default=False)] = None,
    rtol: RtolOpt = None,
    atol: AtolOpt = None,
) -> int:
    """The VAE evidence lower bound, term by term: KL, reconstruction, ELBO, and log p(x) = ELBO + KL.

    ELBO = E_q[log p(x|z)] − KL(q(z) ‖ p(z)) (Kingma & Welling 2014).
    """
    mode = output_mode(json_, latex, markdown)
    return finish(elbo(mu, logvar, sigma, prior_mu, prior_sigma, x, x_hat, decoder=decoder, sigma_x=sigma_x,
                       drop_constant=drop_constant, samples=samples, seed=seed, decoder_weights=decoder_weights,
                       discrete=discrete, prior=prior, likelihood=likelihood, q=q, derive=derive, bits=bits,
                       symbolic=symbolic, check=check, rtol=rtol, atol=atol), mode)
